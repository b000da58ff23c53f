package lexdoc

import "slices"

// Direction says which data a change breaks, by the Lexicon Evolution
// principle: "all old data must still be valid under the updated Lexicon,
// and new data must be valid under the old Lexicon".
type Direction string

const (
	// DirectionOldData: data valid under the old version is invalid under
	// the new one (a tightening: old writers, and data already written,
	// break).
	DirectionOldData Direction = "old-data"
	// DirectionNewData: data valid under the new version is invalid under
	// the old one (a loosening: old readers break).
	DirectionNewData Direction = "new-data"
	// DirectionBoth: both.
	DirectionBoth Direction = "both"
)

// join is the direction of two changes taken together.
func (d Direction) join(e Direction) Direction {
	switch {
	case d == "":
		return e
	case e == "" || d == e:
		return d
	}
	return DirectionBoth
}

// Names of the change rules (see changeRules).
const (
	ChangeDocumentRemoved       = "document-removed"
	changeDefRemoved            = "def-removed"
	changeTypeChanged           = "type-changed"
	changeRecordKeyChanged      = "record-key-changed"
	changeRecordKeyNarrowed     = "record-key-narrowed"
	changeRecordKeyWidened      = "record-key-widened"
	changeRequiredAdded         = "required-added"
	changeRequiredRemoved       = "required-removed"
	changeFieldRemoved          = "field-removed"
	changeOptionalFieldRemoved  = "optional-field-removed"
	changeNullableRemoved       = "nullable-removed"
	changeNullableAdded         = "nullable-added"
	changeMaxLengthTightened    = "max-length-tightened"
	changeMaxLengthLoosened     = "max-length-loosened"
	changeMinLengthTightened    = "min-length-tightened"
	changeMinLengthLoosened     = "min-length-loosened"
	changeMaxGraphemesTightened = "max-graphemes-tightened"
	changeMaxGraphemesLoosened  = "max-graphemes-loosened"
	changeMinGraphemesTightened = "min-graphemes-tightened"
	changeMinGraphemesLoosened  = "min-graphemes-loosened"
	changeMaximumTightened      = "maximum-tightened"
	changeMaximumLoosened       = "maximum-loosened"
	changeMinimumTightened      = "minimum-tightened"
	changeMinimumLoosened       = "minimum-loosened"
	changeMaxSizeTightened      = "max-size-tightened"
	changeMaxSizeLoosened       = "max-size-loosened"
	changeAcceptNarrowed        = "accept-narrowed"
	changeAcceptWidened         = "accept-widened"
	changeFormatAdded           = "format-added"
	changeFormatRemoved         = "format-removed"
	changeFormatChanged         = "format-changed"
	changeFormatNarrowed        = "format-narrowed"
	changeFormatWidened         = "format-widened"
	changeEnumAdded             = "enum-added"
	changeEnumRemoved           = "enum-removed"
	changeEnumValueRemoved      = "enum-value-removed"
	changeEnumValueAdded        = "enum-value-added"
	changeConstAdded            = "const-added"
	changeConstRemoved          = "const-removed"
	changeConstChanged          = "const-changed"
	changeUnionClosed           = "union-closed"
	changeUnionOpened           = "union-opened"
	changeClosedUnionRefRemoved = "closed-union-ref-removed"
	changeClosedUnionRefAdded   = "closed-union-ref-added"
	changeUnionRefRemoved       = "union-ref-removed"
	changeRefChanged            = "ref-changed"
	changeEncodingChanged       = "encoding-changed"
	changeInputAdded            = "input-added"
	changeInputRemoved          = "input-removed"
	changeOutputAdded           = "output-added"
	changeOutputRemoved         = "output-removed"
	changeBodySchemaAdded       = "body-schema-added"
	changeBodySchemaRemoved     = "body-schema-removed"
	changeErrorRemoved          = "error-removed"
	changePermissionRemoved     = "permission-removed"
	changePermissionAdded       = "permission-added"
)

// changeRules is the one table of change rules: Compare takes directions and
// severities from it, `lexval breaking --list-rules` prints it, and the
// README's list is checked against it. Tightenings (old data breaks) are
// errors; loosenings (new data breaks, so old readers do) take the severity
// the author chooses, except those the specification forbids outright
// (removing a required field; adding to a closed union or removing from an
// open one), which are errors.
var changeRules = []Rule{
	{Name: ChangeDocumentRemoved, Direction: DirectionOldData, Severity: SeverityError, Description: "a lexicon of the old set is missing from the new one"},
	{Name: changeDefRemoved, Direction: DirectionOldData, Severity: SeverityError, Description: "a definition was removed: data and references that use it no longer resolve"},
	{Name: changeTypeChanged, Direction: DirectionBoth, Severity: SeverityError, Description: "a definition, property or item changed type (\"types can not change\")"},
	{Name: changeRecordKeyChanged, Direction: DirectionBoth, Severity: SeverityError, Description: "a record's key type changed to an unrelated one (tid to nsid): keys of each break under the other"},
	{Name: changeRecordKeyNarrowed, Direction: DirectionOldData, Severity: SeverityError, Description: "a record's key type changed to a narrower one (any to tid): existing records' keys break"},
	{Name: changeRecordKeyWidened, Direction: DirectionNewData, Loosening: true, Description: "a record's key type changed to a wider one (tid to any): new keys break old readers"},
	{Name: changeRequiredAdded, Direction: DirectionOldData, Severity: SeverityError, Description: "a new property is required, or an optional one became required (\"new fields must be optional\")"},
	{Name: changeRequiredRemoved, Direction: DirectionNewData, Loosening: true, Description: "a required property became optional: old readers expect it"},
	{Name: changeFieldRemoved, Direction: DirectionNewData, Severity: SeverityError, Description: "a required property was removed (\"non-optional fields can not be removed\"; renaming is removing)"},
	{Name: changeOptionalFieldRemoved, Direction: DirectionNewData, Loosening: true, Description: "an optional property was removed: new data may use its name for a value old readers refuse (keep it, deprecated)"},
	{Name: changeNullableRemoved, Direction: DirectionOldData, Severity: SeverityError, Description: "a property is no longer nullable: data holding null breaks"},
	{Name: changeNullableAdded, Direction: DirectionNewData, Loosening: true, Description: "a property became nullable: old readers refuse null"},
	{Name: changeMaxLengthTightened, Direction: DirectionOldData, Severity: SeverityError, Description: "a maxLength (string bytes, bytes, array items) was added or lowered"},
	{Name: changeMaxLengthLoosened, Direction: DirectionNewData, Loosening: true, Description: "a maxLength was raised or removed"},
	{Name: changeMinLengthTightened, Direction: DirectionOldData, Severity: SeverityError, Description: "a minLength was added or raised"},
	{Name: changeMinLengthLoosened, Direction: DirectionNewData, Loosening: true, Description: "a minLength was lowered or removed"},
	{Name: changeMaxGraphemesTightened, Direction: DirectionOldData, Severity: SeverityError, Description: "a maxGraphemes was added or lowered"},
	{Name: changeMaxGraphemesLoosened, Direction: DirectionNewData, Loosening: true, Description: "a maxGraphemes was raised or removed"},
	{Name: changeMinGraphemesTightened, Direction: DirectionOldData, Severity: SeverityError, Description: "a minGraphemes was added or raised"},
	{Name: changeMinGraphemesLoosened, Direction: DirectionNewData, Loosening: true, Description: "a minGraphemes was lowered or removed"},
	{Name: changeMaximumTightened, Direction: DirectionOldData, Severity: SeverityError, Description: "an integer maximum was added or lowered"},
	{Name: changeMaximumLoosened, Direction: DirectionNewData, Loosening: true, Description: "an integer maximum was raised or removed"},
	{Name: changeMinimumTightened, Direction: DirectionOldData, Severity: SeverityError, Description: "an integer minimum was added or raised"},
	{Name: changeMinimumLoosened, Direction: DirectionNewData, Loosening: true, Description: "an integer minimum was lowered or removed"},
	{Name: changeMaxSizeTightened, Direction: DirectionOldData, Severity: SeverityError, Description: "a blob's maxSize was added or lowered"},
	{Name: changeMaxSizeLoosened, Direction: DirectionNewData, Loosening: true, Description: "a blob's maxSize was raised or removed"},
	{Name: changeAcceptNarrowed, Direction: DirectionOldData, Severity: SeverityError, Description: "a blob no longer accepts a MIME type it accepted"},
	{Name: changeAcceptWidened, Direction: DirectionNewData, Loosening: true, Description: "a blob accepts MIME types it refused"},
	{Name: changeFormatAdded, Direction: DirectionOldData, Severity: SeverityError, Description: "a string without a format gained one"},
	{Name: changeFormatRemoved, Direction: DirectionNewData, Loosening: true, Description: "a string lost its format"},
	{Name: changeFormatChanged, Direction: DirectionBoth, Severity: SeverityError, Description: "a string's format changed to an unrelated one"},
	{Name: changeFormatNarrowed, Direction: DirectionOldData, Severity: SeverityError, Description: "a string's format changed to a narrower one (at-identifier to did)"},
	{Name: changeFormatWidened, Direction: DirectionNewData, Loosening: true, Description: "a string's format changed to a wider one (did to at-identifier)"},
	{Name: changeEnumAdded, Direction: DirectionOldData, Severity: SeverityError, Description: "a string or integer gained an enum"},
	{Name: changeEnumRemoved, Direction: DirectionNewData, Loosening: true, Description: "a string or integer lost its enum"},
	{Name: changeEnumValueRemoved, Direction: DirectionOldData, Severity: SeverityError, Description: "an enum lost a value"},
	{Name: changeEnumValueAdded, Direction: DirectionNewData, Loosening: true, Description: "an enum gained a value (for an open set, use knownValues)"},
	{Name: changeConstAdded, Direction: DirectionOldData, Severity: SeverityError, Description: "a field gained a const"},
	{Name: changeConstRemoved, Direction: DirectionNewData, Loosening: true, Description: "a field lost its const"},
	{Name: changeConstChanged, Direction: DirectionBoth, Severity: SeverityError, Description: "a const changed value"},
	{Name: changeUnionClosed, Direction: DirectionOldData, Severity: SeverityError, Description: "an open union was closed: data of types it does not list breaks"},
	{Name: changeUnionOpened, Direction: DirectionNewData, Loosening: true, Description: "a closed union was opened"},
	{Name: changeClosedUnionRefRemoved, Direction: DirectionOldData, Severity: SeverityError, Description: "a closed union lost a ref"},
	{Name: changeClosedUnionRefAdded, Direction: DirectionNewData, Severity: SeverityError, Description: "a closed union gained a ref (its set of types is fixed)"},
	{Name: changeUnionRefRemoved, Direction: DirectionNewData, Severity: SeverityError, Description: "an open union lost a ref (open unions may add types, not remove them)"},
	{Name: changeRefChanged, Direction: DirectionBoth, Severity: SeverityError, Description: "a ref now names a definition that accepts different data (or one that cannot be found to compare)"},
	{Name: changeEncodingChanged, Direction: DirectionBoth, Severity: SeverityError, Description: "an input's or output's encoding changed"},
	{Name: changeInputAdded, Direction: DirectionOldData, Severity: SeverityError, Description: "a procedure without input gained one: requests without a body break"},
	{Name: changeInputRemoved, Direction: DirectionNewData, Loosening: true, Description: "a procedure's input was removed"},
	{Name: changeOutputAdded, Direction: DirectionOldData, Severity: SeverityError, Description: "an endpoint without output gained one: responses without a body break"},
	{Name: changeOutputRemoved, Direction: DirectionNewData, Loosening: true, Description: "an endpoint's output was removed: old clients expect a body"},
	{Name: changeBodySchemaAdded, Direction: DirectionOldData, Severity: SeverityError, Description: "an input or output without a schema gained one"},
	{Name: changeBodySchemaRemoved, Direction: DirectionNewData, Loosening: true, Description: "an input or output lost its schema"},
	{Name: changeErrorRemoved, Direction: DirectionOldData, Severity: SeverityInfo, Description: "an endpoint no longer declares an error: servers of the old version may still send it"},
	{Name: changePermissionRemoved, Direction: DirectionOldData, Severity: SeverityError, Description: "a permission set no longer grants something it granted: apps relying on it break"},
	{Name: changePermissionAdded, Direction: DirectionNewData, Loosening: true, Description: "a permission set grants more than it did: users who approved it approved less"},
}

// changeRule returns the change rule named name; the table holds every name
// Compare uses.
func changeRule(name string) Rule {
	i := slices.IndexFunc(changeRules, func(r Rule) bool { return r.Name == name })
	if i < 0 {
		panic("lexdoc: change rule " + name + " is not in the table") // a programming error
	}
	return changeRules[i]
}

// ChangeRules returns every change rule. Loosening rules carry
// SeverityWarning, CompareOptions.Loosening's default.
func ChangeRules() []Rule {
	out := slices.Clone(changeRules)
	for i := range out {
		if out[i].Loosening {
			out[i].Severity = SeverityWarning
		}
	}
	return out
}
