package lexdoc

import (
	"cmp"
	"fmt"
	"maps"
	"mime"
	"slices"
	"strconv"
	"strings"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/datamodel"
)

// Change is one difference between two versions of a lexicon that breaks
// data: by the specification's Lexicon Evolution principle, "all old data
// must still be valid under the updated Lexicon, and new data must be valid
// under the old Lexicon". Compatible changes (descriptions, new optional
// fields, new definitions, knownValues, a new ref in an open union, new
// error names, key order) are not changes.
type Change struct {
	// Rule names the kind of change (ChangeRules).
	Rule string `json:"rule"`
	// Severity is the rule's; for a loosening, CompareOptions.Loosening.
	Severity Severity `json:"severity"`
	// Direction is which data breaks.
	Direction Direction `json:"direction"`
	// Path is the JSON Pointer of what changed: in the new version, or in
	// the old one for what only the old one has (a definition or property
	// removed, a limit dropped); In says which.
	Path string `json:"path"`
	// Message says what changed and which data it breaks.
	Message string `json:"message"`
	// NSID is the lexicon Path points into: the one compared, or one its
	// references lead to.
	NSID string `json:"nsid"`
	// In is the version Path points into.
	In Side `json:"in"`
}

// Side is one of the two versions compared.
type Side string

const (
	SideOld Side = "old"
	SideNew Side = "new"
)

// CompareOptions tune Compare.
type CompareOptions struct {
	// OldCatalog and NewCatalog resolve references to other lexicons, so
	// that a definition a reference names is compared too (a lexicon that
	// both versions reference may itself have changed); nil follows none.
	OldCatalog, NewCatalog *Catalog
	// Loosening is the severity of changes that only new data breaks (old
	// readers do), save those the specification forbids outright: warning
	// when empty.
	Loosening Severity
}

// Compare returns the changes from old to new, two versions of one
// lexicon, that break data (see Change), sorted by lexicon, path and rule; never nil.
// Every definition kind is compared: records (their key type too),
// objects, parameters, bodies (encoding and schema), subscription messages,
// errors, tokens, permission sets; references are followed into the
// definitions they name through the catalogs.
func Compare(old, new *Document, opts CompareOptions) []Change {
	return CompareSets([]*Document{old}, []*Document{new}, opts)
}

// CompareSets compares two versions of a set of lexicons (a directory, say)
// document by document, by id: a document of old that new lacks is a
// document-removed change; one new adds is compatible. References into the
// documents of the sets resolve there, so that each definition is compared
// once.
func CompareSets(old, new []*Document, opts CompareOptions) []Change {
	c := &comparer{
		opts:    opts,
		oldDocs: make(map[syntax.NSID]*Document, len(old)),
		newDocs: make(map[syntax.NSID]*Document, len(new)),
		visited: make(map[[2]string]bool),
	}
	if c.opts.Loosening == "" {
		c.opts.Loosening = SeverityWarning
	}
	for _, d := range old {
		c.oldDocs[d.ID] = d
	}
	for _, d := range new {
		c.newDocs[d.ID] = d
	}
	for _, o := range old {
		n, ok := c.newDocs[o.ID]
		if !ok {
			c.add(ChangeDocumentRemoved, SideOld, Location{SchemaPath: string(o.ID) + "#", Pointer: ""}, "lexicon %s was removed: records and references of its types no longer resolve", o.ID)
			continue
		}
		c.defs(o, n)
	}
	if c.changes == nil {
		return []Change{}
	}
	return sortChanges(c.changes)
}

// HasBreaking reports whether any change is an error.
func HasBreaking(cs []Change) bool {
	return slices.ContainsFunc(cs, func(c Change) bool { return c.Severity.AtLeast(SeverityError) })
}

func sortChanges(cs []Change) []Change {
	slices.SortFunc(cs, func(a, b Change) int {
		return cmp.Or(strings.Compare(a.NSID, b.NSID), datamodel.ComparePointers(a.Path, b.Path),
			strings.Compare(string(a.In), string(b.In)), strings.Compare(a.Rule, b.Rule), strings.Compare(a.Message, b.Message))
	})
	return slices.Compact(cs)
}

// comparer gathers the changes between two versions.
type comparer struct {
	opts             CompareOptions
	oldDocs, newDocs map[syntax.NSID]*Document
	// visited holds the pairs of definitions (by SchemaPath) reached
	// through references, so that each is compared once and cycles end.
	visited map[[2]string]bool
	changes []Change
}

// add records a change of rule at loc of side.
func (c *comparer) add(rule string, side Side, loc Location, format string, a ...any) {
	r := changeRule(rule)
	sev := r.Severity
	if r.Loosening {
		sev = c.opts.Loosening
	}
	nsid, _, _ := strings.Cut(loc.SchemaPath, "#")
	c.changes = append(c.changes, Change{
		Rule: rule, Severity: sev, Direction: r.Direction, Path: loc.Pointer,
		Message: fmt.Sprintf(format, a...), NSID: nsid, In: side,
	})
}

// member is loc's member key (a constraint, not a schema: SchemaPath stays).
func (l Location) member(key string) Location {
	return Location{SchemaPath: l.SchemaPath, Pointer: l.Pointer + "/" + datamodel.EscapePointerToken(key)}
}

// subject names a schema in messages: its definition and path,
// "#main/properties/text".
func subject(loc Location) string {
	if _, rest, ok := strings.Cut(loc.SchemaPath, "#"); ok {
		return "#" + rest
	}
	return loc.SchemaPath
}

func (c *comparer) defs(o, n *Document) {
	for _, name := range sortedNames(o.Defs) {
		od := o.Defs[name]
		nd, ok := n.Defs[name]
		if !ok {
			c.add(changeDefRemoved, SideOld, od.Location(), "definition %s (%s) was removed: data and references that use it break", name, od.Type())
			continue
		}
		c.schema(od, nd)
	}
}

func sortedNames(defs map[string]Schema) []string {
	names := make([]string, 0, len(defs))
	for name := range defs {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// schema compares two versions of one schema.
func (c *comparer) schema(o, n Schema) {
	if o.Type() != n.Type() {
		// A ref replaced by what it names (or the reverse) changes no data:
		// compare through the ref.
		if or, ok := o.(*Ref); ok {
			if od, ok := c.resolve(SideOld, or.Ref); ok && od.Type() == n.Type() {
				c.schema(od, n)
				return
			}
		}
		if nr, ok := n.(*Ref); ok {
			if nd, ok := c.resolve(SideNew, nr.Ref); ok && nd.Type() == o.Type() {
				c.schema(o, nd)
				return
			}
		}
		c.add(changeTypeChanged, SideNew, n.Location(), "%s changed type from %s to %s (types can not change)", subject(n.Location()), o.Type(), n.Type())
		return
	}
	switch o := o.(type) {
	case *Record:
		n := n.(*Record)
		c.recordKey(o, n)
		c.object(o.Record, n.Record)
	case *Object:
		c.object(o, n.(*Object))
	case *Params:
		c.params(o, n.(*Params))
	case *Query:
		n := n.(*Query)
		c.params(o.Parameters, n.Parameters)
		c.body(o.Output, n.Output, "output", o.Location(), n.Location())
		c.errors(o.Errors, n.Errors, o.Location())
	case *Procedure:
		n := n.(*Procedure)
		c.params(o.Parameters, n.Parameters)
		c.body(o.Input, n.Input, "input", o.Location(), n.Location())
		c.body(o.Output, n.Output, "output", o.Location(), n.Location())
		c.errors(o.Errors, n.Errors, o.Location())
	case *Subscription:
		n := n.(*Subscription)
		c.params(o.Parameters, n.Parameters)
		c.body(o.Message, n.Message, "message", o.Location(), n.Location())
		c.errors(o.Errors, n.Errors, o.Location())
	case *PermissionSet:
		c.permissions(o, n.(*PermissionSet))
	case *String:
		c.string(o, n.(*String))
	case *Integer:
		n := n.(*Integer)
		c.bound(o.Minimum, n.Minimum, false, false, o.Location(), n.Location(), "minimum", changeMinimumTightened, changeMinimumLoosened, "")
		c.bound(o.Maximum, n.Maximum, true, false, o.Location(), n.Location(), "maximum", changeMaximumTightened, changeMaximumLoosened, "")
		c.enum(intStrings(o.Enum), intStrings(n.Enum), o.Enum != nil, n.Enum != nil, o.Location(), n.Location())
		c.constant(o.Const.Set, n.Const.Set, o.Const.Value == n.Const.Value, fmt.Sprint(o.Const.Value), fmt.Sprint(n.Const.Value), o.Location(), n.Location())
	case *Boolean:
		n := n.(*Boolean)
		c.constant(o.Const.Set, n.Const.Set, o.Const.Value == n.Const.Value, fmt.Sprint(o.Const.Value), fmt.Sprint(n.Const.Value), o.Location(), n.Location())
	case *Bytes:
		n := n.(*Bytes)
		c.lengths(o.MinLength, n.MinLength, o.MaxLength, n.MaxLength, o.Location(), n.Location(), "bytes")
	case *Array:
		n := n.(*Array)
		c.lengths(o.MinLength, n.MinLength, o.MaxLength, n.MaxLength, o.Location(), n.Location(), "items")
		c.schema(o.Items, n.Items)
	case *Blob:
		c.blob(o, n.(*Blob))
	case *Ref:
		c.ref(o, n.(*Ref))
	case *Union:
		c.union(o, n.(*Union))
	case *Token, *Unknown, *CIDLink, *Permission:
		// Nothing beyond the type: a token is its name, unknown and
		// cid-link have no constraints, and permissions are compared as
		// their set's.
	}
}

// resolve finds the definition ref names on one side: in the documents
// compared, then in that side's catalog.
func (c *comparer) resolve(side Side, ref DefRef) (Schema, bool) {
	docs, cat := c.oldDocs, c.opts.OldCatalog
	if side == SideNew {
		docs, cat = c.newDocs, c.opts.NewCatalog
	}
	if d, ok := docs[ref.NSID]; ok {
		def, ok := d.Defs[defName(ref)]
		return def, ok
	}
	if cat == nil {
		return nil, false
	}
	return cat.Lookup(ref)
}

// follow compares the definitions two references name, once: those of the
// documents both sets hold are compared on their own.
func (c *comparer) follow(o, n DefRef) {
	_, inOld := c.oldDocs[o.NSID]
	_, inNew := c.newDocs[n.NSID]
	if inOld && inNew && o == n {
		return
	}
	od, ok := c.resolve(SideOld, o)
	if !ok {
		return
	}
	nd, ok := c.resolve(SideNew, n)
	if !ok {
		return
	}
	key := [2]string{od.Location().SchemaPath, nd.Location().SchemaPath}
	if c.visited[key] {
		return
	}
	c.visited[key] = true
	c.schema(od, nd)
}

func (c *comparer) ref(o, n *Ref) {
	if o.Ref == n.Ref {
		c.follow(o.Ref, n.Ref)
		return
	}
	at := n.Location().member("ref")
	od, oldOK := c.resolve(SideOld, o.Ref)
	nd, newOK := c.resolve(SideNew, n.Ref)
	if !oldOK || !newOK {
		missing := o.Ref
		if oldOK {
			missing = n.Ref
		}
		c.add(changeRefChanged, SideNew, at, "ref changed from %s to %s, and %s cannot be found to compare them: assume the data differs", o.Ref, n.Ref, missing)
		return
	}
	key := [2]string{od.Location().SchemaPath, nd.Location().SchemaPath}
	if c.visited[key] {
		return
	}
	c.visited[key] = true
	// Compare the two definitions on their own, then report the ref: the
	// definitions themselves did not change.
	sub := &comparer{opts: c.opts, oldDocs: c.oldDocs, newDocs: c.newDocs, visited: c.visited}
	sub.schema(od, nd)
	if len(sub.changes) == 0 {
		return
	}
	sub.changes = sortChanges(sub.changes)
	dir, sev := Direction(""), SeverityInfo
	for _, ch := range sub.changes {
		dir = dir.join(ch.Direction)
		if ch.Severity.rank() > sev.rank() {
			sev = ch.Severity
		}
	}
	first := sub.changes[0]
	more := ""
	if len(sub.changes) > 1 {
		more = fmt.Sprintf(" (and %d more differences)", len(sub.changes)-1)
	}
	nsid, _, _ := strings.Cut(at.SchemaPath, "#")
	c.changes = append(c.changes, Change{
		Rule: changeRefChanged, Severity: sev, Direction: dir, Path: at.Pointer, NSID: nsid, In: SideNew,
		Message: fmt.Sprintf("ref changed from %s to %s, which accepts different data: %s at %s%s", o.Ref, n.Ref, first.Message, first.Path, more),
	})
}

func (c *comparer) recordKey(o, n *Record) {
	if o.Key == n.Key {
		return
	}
	oldFits, newFits := keySubset(o.Key, n.Key), keySubset(n.Key, o.Key)
	at := n.Location().member("key")
	switch {
	case oldFits && newFits:
	case oldFits:
		c.add(changeRecordKeyWidened, SideNew, at, "record key type changed from %s to %s: new records with keys that %s refuses break old readers", o.Key, n.Key, o.Key)
	case newFits:
		c.add(changeRecordKeyNarrowed, SideNew, at, "record key type changed from %s to %s: existing records with keys that %s refuses break", o.Key, n.Key, n.Key)
	default:
		c.add(changeRecordKeyChanged, SideNew, at, "record key type changed from %s to %s: keys of either kind break under the other", o.Key, n.Key)
	}
}

// keySubset reports whether every key record key type a accepts, b accepts.
func keySubset(a, b string) bool {
	if a == b || b == "any" {
		return true
	}
	if key, ok := strings.CutPrefix(a, "literal:"); ok {
		return checkRecordKey(b, key) == nil
	}
	return false
}

// object compares two versions of an object schema: properties removed or
// added, required, nullable, and each property's schema.
func (c *comparer) object(o, n *Object) {
	for _, p := range o.Properties {
		np, ok := n.Properties.Get(p.Name)
		if !ok {
			if o.IsRequired(p.Name) {
				c.add(changeFieldRemoved, SideOld, p.Schema.Location(), "required property %s was removed (non-optional fields can not be removed, nor renamed): new data lacks it", p.Name)
			} else {
				c.add(changeOptionalFieldRemoved, SideOld, p.Schema.Location(), "optional property %s was removed: new data may give %s any value, which old readers refuse (keep it, deprecated)", p.Name, p.Name)
			}
			continue
		}
		c.schema(p.Schema, np)
		switch req, nreq := o.IsRequired(p.Name), n.IsRequired(p.Name); {
		case nreq && !req:
			c.add(changeRequiredAdded, SideNew, np.Location(), "property %s became required: old data without it breaks", p.Name)
		case req && !nreq:
			c.add(changeRequiredRemoved, SideNew, np.Location(), "property %s is no longer required: new data without it breaks old readers", p.Name)
		}
		switch null, nnull := o.IsNullable(p.Name), n.IsNullable(p.Name); {
		case null && !nnull:
			c.add(changeNullableRemoved, SideNew, np.Location(), "property %s is no longer nullable: old data holding null breaks", p.Name)
		case nnull && !null:
			c.add(changeNullableAdded, SideNew, np.Location(), "property %s became nullable: new data holding null breaks old readers", p.Name)
		}
	}
	for _, p := range n.Properties {
		if _, ok := o.Properties.Get(p.Name); !ok && n.IsRequired(p.Name) {
			c.add(changeRequiredAdded, SideNew, p.Schema.Location(), "new property %s is required (new fields must be optional): old data without it breaks", p.Name)
		}
	}
}

// params compares two versions of an endpoint's parameters; nil means none.
func (c *comparer) params(o, n *Params) {
	var op, np Properties
	if o != nil {
		op = o.Properties
	}
	if n != nil {
		np = n.Properties
	}
	required := func(p *Params, name string) bool { return p != nil && p.IsRequired(name) }
	for _, p := range op {
		ns, ok := np.Get(p.Name)
		if !ok {
			if required(o, p.Name) {
				c.add(changeFieldRemoved, SideOld, p.Schema.Location(), "required parameter %s was removed: new requests lack it", p.Name)
			} else {
				c.add(changeOptionalFieldRemoved, SideOld, p.Schema.Location(), "optional parameter %s was removed: new requests may give it any value", p.Name)
			}
			continue
		}
		c.schema(p.Schema, ns)
		switch req, nreq := required(o, p.Name), required(n, p.Name); {
		case nreq && !req:
			c.add(changeRequiredAdded, SideNew, ns.Location(), "parameter %s became required: old requests without it break", p.Name)
		case req && !nreq:
			c.add(changeRequiredRemoved, SideNew, ns.Location(), "parameter %s is no longer required: new requests without it break old servers", p.Name)
		}
	}
	for _, p := range np {
		if _, ok := op.Get(p.Name); !ok && required(n, p.Name) {
			c.add(changeRequiredAdded, SideNew, p.Schema.Location(), "new parameter %s is required: old requests without it break", p.Name)
		}
	}
}

// body compares two versions of an input, output or message (which);
// oDef and nDef locate the endpoint definitions.
func (c *comparer) body(o, n *Body, which string, oDef, nDef Location) {
	switch {
	case o == nil && n == nil:
		return
	case o == nil:
		rule := changeOutputAdded
		if which == "input" {
			rule = changeInputAdded
		}
		c.add(rule, SideNew, n.Location(), "%s %s added: old %s without a body break", subject(nDef), which, bodyData(which))
		return
	case n == nil:
		rule := changeOutputRemoved
		if which == "input" {
			rule = changeInputRemoved
		}
		c.add(rule, SideOld, o.Location(), "%s %s removed: new %s without a body break old readers", subject(oDef), which, bodyData(which))
		return
	}
	if !sameEncoding(o.Encoding, n.Encoding) {
		c.add(changeEncodingChanged, SideNew, n.Location().member("encoding"), "%s encoding changed from %s to %s", which, o.Encoding, n.Encoding)
	}
	switch {
	case o.Schema == nil && n.Schema != nil:
		c.add(changeBodySchemaAdded, SideNew, n.Location().member("schema"), "%s gained a schema: old %s that do not match it break", which, bodyData(which))
	case o.Schema != nil && n.Schema == nil:
		c.add(changeBodySchemaRemoved, SideOld, o.Location().member("schema"), "%s lost its schema: new %s of any shape break old readers", which, bodyData(which))
	case o.Schema != nil:
		c.schema(o.Schema, n.Schema)
	}
}

func bodyData(which string) string {
	switch which {
	case "input":
		return "requests"
	case "message":
		return "messages"
	}
	return "responses"
}

// sameEncoding compares MIME types as media types: case and parameters
// aside.
func sameEncoding(a, b string) bool {
	ma, _, errA := mime.ParseMediaType(a)
	mb, _, errB := mime.ParseMediaType(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return ma == mb
}

// errors reports error names the old version declares and the new one
// does not; new names are compatible.
func (c *comparer) errors(o, n []EndpointError, oDef Location) {
	for i, e := range o {
		if !slices.ContainsFunc(n, func(x EndpointError) bool { return x.Name == e.Name }) {
			c.add(changeErrorRemoved, SideOld, oDef.member("errors").member(strconv.Itoa(i)), "error %s is no longer declared: clients of servers that follow the old version may still meet it", e.Name)
		}
	}
}

func (c *comparer) string(o, n *String) {
	c.format(o, n)
	c.lengths(o.MinLength, n.MinLength, o.MaxLength, n.MaxLength, o.Location(), n.Location(), "bytes")
	c.bound(o.MinGraphemes, n.MinGraphemes, false, true, o.Location(), n.Location(), "minGraphemes", changeMinGraphemesTightened, changeMinGraphemesLoosened, "graphemes")
	c.bound(o.MaxGraphemes, n.MaxGraphemes, true, true, o.Location(), n.Location(), "maxGraphemes", changeMaxGraphemesTightened, changeMaxGraphemesLoosened, "graphemes")
	c.enum(o.Enum, n.Enum, o.Enum != nil, n.Enum != nil, o.Location(), n.Location())
	c.constant(o.Const.Set, n.Const.Set, o.Const.Value == n.Const.Value, strconv.Quote(o.Const.Value), strconv.Quote(n.Const.Value), o.Location(), n.Location())
}

// formatWithin lists, for a format, the formats every one of its strings
// also meets: a DID is an at-identifier and a URI, an NSID a record key.
var formatWithin = map[string][]string{
	"did":    {"at-identifier", "uri"},
	"handle": {"at-identifier"},
	"tid":    {"record-key"},
	"nsid":   {"record-key"},
	"at-uri": {"uri"},
}

func (c *comparer) format(o, n *String) {
	of, nf := o.Format, n.Format
	switch {
	case of == nf:
	case of == "":
		c.add(changeFormatAdded, SideNew, n.Location().member("format"), "string gained format %s: old data that is not a valid %s breaks", nf, FormatNoun(nf))
	case nf == "":
		c.add(changeFormatRemoved, SideOld, o.Location().member("format"), "string lost format %s: new data of any form breaks old readers", of)
	case slices.Contains(formatWithin[nf], of):
		c.add(changeFormatNarrowed, SideNew, n.Location().member("format"), "format changed from %s to %s, a narrower one: old data that is not a valid %s breaks", of, nf, FormatNoun(nf))
	case slices.Contains(formatWithin[of], nf):
		c.add(changeFormatWidened, SideNew, n.Location().member("format"), "format changed from %s to %s, a wider one: new data that is not a valid %s breaks old readers", of, nf, FormatNoun(of))
	default:
		c.add(changeFormatChanged, SideNew, n.Location().member("format"), "format changed from %s to %s", of, nf)
	}
}

// lengths compares minLength and maxLength; unit is what they count.
func (c *comparer) lengths(omin, nmin, omax, nmax Optional[int64], oat, nat Location, unit string) {
	c.bound(omin, nmin, false, true, oat, nat, "minLength", changeMinLengthTightened, changeMinLengthLoosened, unit)
	c.bound(omax, nmax, true, true, oat, nat, "maxLength", changeMaxLengthTightened, changeMaxLengthLoosened, unit)
}

// bound compares one limit, key, a maximum or a minimum. A length's
// minimum of 0 is no limit at all (isLength). unit is what it counts, for
// messages.
func (c *comparer) bound(o, n Optional[int64], isMax, isLength bool, oat, nat Location, key, tightened, loosened, unit string) {
	if isLength && !isMax {
		// minLength 0 limits nothing.
		o.Set = o.Set && o.Value > 0
		n.Set = n.Set && n.Value > 0
	}
	if o.Set == n.Set && o.Value == n.Value {
		return
	}
	if !o.Set && !n.Set {
		return
	}
	suffix := ""
	if unit != "" {
		suffix = " " + unit
	}
	var tighter bool
	switch {
	case !o.Set:
		tighter = true
	case !n.Set:
		tighter = false
	case isMax:
		tighter = n.Value < o.Value
	default:
		tighter = n.Value > o.Value
	}
	describe := func(v Optional[int64]) string {
		if !v.Set {
			return "none"
		}
		if v.Value == 1 && strings.HasSuffix(suffix, "s") {
			return "1" + strings.TrimSuffix(suffix, "s")
		}
		return strconv.FormatInt(v.Value, 10) + suffix
	}
	side, at := SideNew, nat.member(key)
	if !n.Set {
		side, at = SideOld, oat.member(key)
	}
	rule, breaks := tightened, "old data below the new minimum breaks"
	switch {
	case tighter && isMax:
		breaks = "old data above the new maximum breaks"
	case !tighter && isMax:
		rule, breaks = loosened, "new data above the old maximum breaks old readers"
	case !tighter:
		rule, breaks = loosened, "new data below the old minimum breaks old readers"
	}
	c.add(rule, side, at, "%s changed from %s to %s: %s", key, describe(o), describe(n), breaks)
}

func intStrings(xs []int64) []string {
	if xs == nil {
		return nil
	}
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = strconv.FormatInt(x, 10)
	}
	return out
}

// enum compares two enums (as strings); has says whether each side has
// one.
func (c *comparer) enum(o, n []string, oHas, nHas bool, oat, nat Location) {
	switch {
	case !oHas && !nHas:
	case !oHas:
		c.add(changeEnumAdded, SideNew, nat.member("enum"), "an enum was added (%s): old data with other values breaks", strings.Join(n, ", "))
	case !nHas:
		c.add(changeEnumRemoved, SideOld, oat.member("enum"), "the enum was removed: new data with values outside it breaks old readers")
	default:
		for i, v := range o {
			if !slices.Contains(n, v) {
				c.add(changeEnumValueRemoved, SideOld, oat.member("enum").member(strconv.Itoa(i)), "enum value %s was removed: old data holding it breaks", v)
			}
		}
		for i, v := range n {
			if !slices.Contains(o, v) {
				c.add(changeEnumValueAdded, SideNew, nat.member("enum").member(strconv.Itoa(i)), "enum value %s was added: new data holding it breaks old readers", v)
			}
		}
	}
}

// constant compares two consts, shown as ov and nv.
func (c *comparer) constant(oSet, nSet, equal bool, ov, nv string, oat, nat Location) {
	switch {
	case !oSet && !nSet, oSet && nSet && equal:
	case !oSet:
		c.add(changeConstAdded, SideNew, nat.member("const"), "const %s was added: old data with other values breaks", nv)
	case !nSet:
		c.add(changeConstRemoved, SideOld, oat.member("const"), "const %s was removed: new data with other values breaks old readers", ov)
	default:
		c.add(changeConstChanged, SideNew, nat.member("const"), "const changed from %s to %s: old and new data break under each other", ov, nv)
	}
}

func (c *comparer) blob(o, n *Blob) {
	oa, na := acceptList(o.Accept), acceptList(n.Accept)
	var narrowed, widened []string
	for _, p := range oa {
		if !acceptCovers(na, p) {
			narrowed = append(narrowed, p)
		}
	}
	for _, p := range na {
		if !acceptCovers(oa, p) {
			widened = append(widened, p)
		}
	}
	if len(narrowed) > 0 {
		c.add(changeAcceptNarrowed, SideNew, n.Location().member("accept"), "blob no longer accepts %s: old data of those types breaks", strings.Join(narrowed, ", "))
	}
	if len(widened) > 0 {
		side, at := SideNew, n.Location().member("accept")
		if n.Accept == nil {
			side, at = SideOld, o.Location().member("accept")
		}
		c.add(changeAcceptWidened, side, at, "blob now accepts %s: new data of those types breaks old readers", strings.Join(widened, ", "))
	}
	c.bound(o.MaxSize, n.MaxSize, true, false, o.Location(), n.Location(), "maxSize", changeMaxSizeTightened, changeMaxSizeLoosened, "bytes")
}

// acceptList is a blob's accept patterns; no accept accepts everything.
func acceptList(accept []string) []string {
	if accept == nil {
		return []string{"*/*"}
	}
	return accept
}

// acceptCovers reports whether the patterns accept every type p accepts.
func acceptCovers(patterns []string, p string) bool {
	p = strings.ToLower(p)
	pt, _, _ := strings.Cut(p, "/")
	for _, q := range patterns {
		q = strings.ToLower(q)
		if q == "*/*" || q == p {
			return true
		}
		if qt, sub, _ := strings.Cut(q, "/"); sub == "*" && qt == pt && pt != "*" {
			return true
		}
	}
	return false
}

func (c *comparer) union(o, n *Union) {
	switch {
	case !o.Closed && n.Closed:
		c.add(changeUnionClosed, SideNew, n.Location().member("closed"), "the union was closed: old data of types it does not list breaks")
	case o.Closed && !n.Closed:
		c.add(changeUnionOpened, SideNew, n.Location(), "the union was opened: new data of types it does not list breaks old readers")
	}
	for i, r := range o.Refs {
		if slices.Contains(n.Refs, r) {
			continue
		}
		at := o.Location().member("refs").member(strconv.Itoa(i))
		if o.Closed {
			c.add(changeClosedUnionRefRemoved, SideOld, at, "closed union no longer lists %s: old data of that type breaks", r)
		} else {
			c.add(changeUnionRefRemoved, SideOld, at, "union no longer lists %s (open unions can add types, not remove them): new data of that type is no longer checked, and old readers may refuse it", r)
		}
	}
	for i, r := range n.Refs {
		if slices.Contains(o.Refs, r) {
			c.follow(r, r)
		} else if o.Closed && n.Closed {
			c.add(changeClosedUnionRefAdded, SideNew, n.Location().member("refs").member(strconv.Itoa(i)), "closed union now lists %s (its set of types is fixed): new data of that type breaks old readers", r)
		}
	}
}

// permissionGrants spells a permission out as what it grants, one string
// each: "repo com.example.post create", "rpc com.example.get aud=*".
// Resources other than repo and rpc are ignored, as the specification
// says of lexicon permission sets.
func permissionGrants(p *Permission) []string {
	var out []string
	switch p.Resource {
	case "repo":
		actions := p.Action
		if len(actions) == 0 {
			actions = []string{"create", "update", "delete"}
		}
		for _, col := range p.Collection {
			for _, a := range actions {
				out = append(out, "repo "+col+" "+a)
			}
		}
	case "rpc":
		aud := "aud=" + p.Aud
		if p.InheritAud {
			aud = "inheritAud"
		}
		for _, m := range p.LXM {
			out = append(out, "rpc "+m+" "+aud)
		}
	}
	return out
}

func (c *comparer) permissions(o, n *PermissionSet) {
	grants := func(s *PermissionSet) map[string]*Permission {
		m := make(map[string]*Permission)
		for _, p := range s.Permissions {
			for _, g := range permissionGrants(p) {
				if _, seen := m[g]; !seen {
					m[g] = p
				}
			}
		}
		return m
	}
	og, ng := grants(o), grants(n)
	for _, g := range slices.Sorted(maps.Keys(og)) {
		if _, ok := ng[g]; !ok {
			c.add(changePermissionRemoved, SideOld, og[g].Location(), "the set no longer grants %s: apps that rely on it break", g)
		}
	}
	for _, g := range slices.Sorted(maps.Keys(ng)) {
		if _, ok := og[g]; !ok {
			c.add(changePermissionAdded, SideNew, ng[g].Location(), "the set now grants %s: users who approved it approved less", g)
		}
	}
}
