package web

import (
	"strings"

	"github.com/lexval/lexval/service"
	"github.com/lexval/lexval/validator"
)

// Result kinds, also the CSS modifier of the verdict banner. app.js renders
// API responses with the same kinds and words.
const (
	kindValid   = "valid"
	kindPartial = "partial" // valid, except for references that were not checked
	kindInvalid = "invalid"
)

// resultView is a verdict as the page shows it.
type resultView struct {
	Kind  string
	Title string
	Noun  string // what was checked: "record", "output", ...
	// PluralNoun is set for "parameters", for the grammar.
	PluralNoun bool
	Against    string // "nsid" or "nsid#def"
	CID        string
	Target     string
	Errors     []validator.Error
	// Unresolved lists references treated as valid without being checked.
	Unresolved []validator.Unresolved
	// Truncated: Errors and Unresolved are only the first ones, and
	// ErrorCount counts the errors (at least that many).
	Truncated  bool
	ErrorCount int
	// Record is the record checked, when it was named by AT-URI: which, and
	// how it was proven.
	Record *service.RecordInfo
	// For is the id of the textarea holding the value checked, into which
	// the paths of its errors point (app.js selects the value at fault);
	// "" for a record named by AT-URI.
	For string
	// Permalink is the address of the result's inputs (setPermalink); when
	// they are too long for one, PermalinkBytes is the length of its query.
	Permalink      string
	PermalinkBytes int
}

// MaxPermalink is the most bytes a permalink's query holds, for the page's
// words.
func (v *resultView) MaxPermalink() int { return maxPermalink }

func newResultView(info service.SchemaInfo, target validator.Target, r validator.Result) *resultView {
	v := &resultView{
		Noun:       targetNoun(target),
		PluralNoun: target == validator.TargetParams,
		Against:    defLabel(info.NSID, info.Def),
		CID:        info.CID,
		Target:     string(target),
		Errors:     r.Errors,
		Unresolved: r.Unresolved,
		Truncated:  r.ErrorsTruncated,
		ErrorCount: len(r.Errors),
	}
	if r.ErrorsTruncated {
		v.ErrorCount = r.ErrorCount
	}
	switch {
	case !r.Valid && r.ErrorsTruncated:
		v.Kind, v.Title = kindInvalid, "Invalid: at least "+plural(v.ErrorCount, "error", "errors")
	case !r.Valid:
		v.Kind, v.Title = kindInvalid, "Invalid: "+plural(len(r.Errors), "error", "errors")
	case len(r.Unresolved) > 0:
		v.Kind, v.Title = kindPartial, "Valid, with unchecked references"
	default:
		v.Kind, v.Title = kindValid, "Valid"
	}
	return v
}

// defLabel names a definition as people write it: the bare NSID for main.
func defLabel(nsid, def string) string {
	def = strings.TrimPrefix(def, nsid)
	def = strings.TrimPrefix(def, "#")
	if def == "" || def == "main" {
		return nsid
	}
	return nsid + "#" + def
}

// targetNoun is the word for the value a target checks.
func targetNoun(t validator.Target) string {
	switch t {
	case validator.TargetParams:
		return "parameters"
	case validator.TargetObject:
		return "value"
	case "":
		return "value"
	}
	return string(t)
}

// targetLabel is the label of a target's radio button.
func targetLabel(t validator.Target) string {
	switch t {
	case validator.TargetRecord:
		return "Record"
	case validator.TargetParams:
		return "Parameters (query string)"
	case validator.TargetInput:
		return "Input (request body)"
	case validator.TargetOutput:
		return "Output (response body)"
	case validator.TargetMessage:
		return "Message (stream event)"
	case validator.TargetObject:
		return "Object"
	}
	return string(t)
}

// Listed is how many entries (errors and unchecked references) are listed.
func (v *resultView) Listed() int { return len(v.Errors) + len(v.Unresolved) }
