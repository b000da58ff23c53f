package service

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/resolver"
)

// Describe tells a lexicon in plain text, for people and language models
// alike: where the record came from, then each definition (main first) with
// its type, description, fields and constraints. The web UI's text pages
// and the MCP describe tool both serve it.
func Describe(rec *resolver.Record) string {
	var b strings.Builder
	doc := rec.Document
	fmt.Fprintf(&b, "# %s\n\n", doc.ID)
	if doc.Description != "" {
		b.WriteString(doc.Description + "\n\n")
	}
	b.WriteString(describeSource(rec))
	names := make([]string, 0, len(doc.Defs))
	for name := range doc.Defs {
		names = append(names, name)
	}
	slices.SortFunc(names, func(a, b string) int {
		if (a == "main") != (b == "main") {
			if a == "main" {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	for _, name := range names {
		d := describer{b: &b, nsid: doc.ID.String()}
		d.def(name, doc.Defs[name])
	}
	return b.String()
}

// describeSource says where rec came from and whether it is proven.
func describeSource(rec *resolver.Record) string {
	switch {
	case rec.Proof != nil:
		return fmt.Sprintf("Published as %s (CID %s), proven by the signed commit %s of repository %s, signed by %s.\n", rec.URI, rec.CID, rec.Proof.Commit, rec.Proof.DID, rec.Proof.SigningKey)
	case rec.Upstream != nil:
		s := fmt.Sprintf("Bundled with lexval from the atproto repository (%s), not verified against a published record; its CID once published: %s.\n", rec.Upstream.URL(), rec.CID)
		if rec.NetworkError != nil {
			s += "No published version was used: " + rec.NetworkError.Error() + ".\n"
		}
		return s
	case rec.URI != "":
		return fmt.Sprintf("Published as %s (CID %s), from lexval's embedded catalog.\n", rec.URI, rec.CID)
	}
	return fmt.Sprintf("A document from a local directory, not published; its CID once published: %s.\n", rec.CID)
}

type describer struct {
	b    *strings.Builder
	nsid string
}

func (d describer) line(depth int, format string, args ...any) {
	d.b.WriteString(strings.Repeat("  ", depth))
	fmt.Fprintf(d.b, format, args...)
	d.b.WriteByte('\n')
}

// def describes one definition.
func (d describer) def(name string, s lexdoc.Schema) {
	ref := d.nsid
	if name != "main" {
		ref += "#" + name
	}
	fmt.Fprintf(d.b, "\n## %s (%s)\n", ref, s.Type())
	if desc := s.Description(); desc != "" {
		d.line(0, "%s", desc)
	}
	switch s := s.(type) {
	case *lexdoc.Record:
		d.line(0, "Record key: %s. Records of this type carry \"$type\": %q.", s.Key, d.nsid)
		d.fields(0, "Fields", s.Record.Properties, s.Record.IsRequired, s.Record.IsNullable)
	case *lexdoc.Query:
		d.line(0, "An XRPC query: GET /xrpc/%s.", d.nsid)
		d.params(s.Parameters)
		d.body("Output", s.Output)
		d.errors(s.Errors)
	case *lexdoc.Procedure:
		d.line(0, "An XRPC procedure: POST /xrpc/%s.", d.nsid)
		d.params(s.Parameters)
		d.body("Input", s.Input)
		d.body("Output", s.Output)
		d.errors(s.Errors)
	case *lexdoc.Subscription:
		d.line(0, "An event stream: WebSocket /xrpc/%s.", d.nsid)
		d.params(s.Parameters)
		d.body("Message", s.Message)
		d.errors(s.Errors)
	case *lexdoc.PermissionSet:
		if s.Title != "" {
			d.line(0, "Title: %s", s.Title)
		}
		for _, p := range s.Permissions {
			d.line(0, "- %s permission%s", p.Resource, permissionScope(p))
		}
	case *lexdoc.Object:
		d.fields(0, "Fields", s.Properties, s.IsRequired, s.IsNullable)
	case *lexdoc.Token:
		d.line(0, "A token: a name with no data, used as the value %q.", ref)
	default:
		d.line(0, "Value: %s.", d.summary(s))
	}
}

func permissionScope(p *lexdoc.Permission) string {
	var parts []string
	if len(p.Collection) > 0 {
		parts = append(parts, "collections "+strings.Join(p.Collection, ", "))
	}
	if len(p.Action) > 0 {
		parts = append(parts, "actions "+strings.Join(p.Action, ", "))
	}
	if len(p.LXM) > 0 {
		parts = append(parts, "methods "+strings.Join(p.LXM, ", "))
	}
	if len(parts) == 0 {
		return ""
	}
	return ": " + strings.Join(parts, "; ")
}

func (d describer) params(p *lexdoc.Params) {
	if p == nil || len(p.Properties) == 0 {
		return
	}
	d.fields(0, "Parameters (query string)", p.Properties, p.IsRequired, func(string) bool { return false })
}

func (d describer) body(what string, body *lexdoc.Body) {
	if body == nil {
		return
	}
	enc := ""
	if body.Encoding != "" {
		enc = " (" + body.Encoding + ")"
	}
	desc := ""
	if body.Description != "" {
		desc = ": " + body.Description
	}
	d.line(0, "%s%s%s", what, enc, desc)
	switch s := body.Schema.(type) {
	case nil:
	case *lexdoc.Object:
		d.fields(1, "Fields", s.Properties, s.IsRequired, s.IsNullable)
	default:
		d.line(1, "%s", d.summary(s))
	}
}

func (d describer) errors(errs []lexdoc.EndpointError) {
	for _, e := range errs {
		if e.Description != "" {
			d.line(0, "Error %s: %s", e.Name, e.Description)
		} else {
			d.line(0, "Error %s", e.Name)
		}
	}
}

// fields lists an object's properties, each with its type, whether it is
// required, its constraints and description; nested objects are indented.
func (d describer) fields(depth int, title string, props lexdoc.Properties, required, nullable func(string) bool) {
	if len(props) == 0 {
		d.line(depth, "%s: none.", title)
		return
	}
	d.line(depth, "%s:", title)
	for _, p := range props {
		var marks []string
		if required(p.Name) {
			marks = append(marks, "required")
		} else {
			marks = append(marks, "optional")
		}
		if nullable(p.Name) {
			marks = append(marks, "may be null")
		}
		line := fmt.Sprintf("- %s (%s): %s", p.Name, strings.Join(marks, ", "), d.summary(p.Schema))
		if desc := p.Schema.Description(); desc != "" {
			line += " — " + desc
		}
		d.line(depth, "%s", line)
		switch s := p.Schema.(type) {
		case *lexdoc.Object:
			d.fields(depth+1, "Fields", s.Properties, s.IsRequired, s.IsNullable)
		case *lexdoc.Array:
			if o, ok := s.Items.(*lexdoc.Object); ok {
				d.fields(depth+1, "Each item's fields", o.Properties, o.IsRequired, o.IsNullable)
			}
		}
	}
}

// summary is a schema's type and constraints in a phrase.
func (d describer) summary(s lexdoc.Schema) string {
	var c []string
	lim := func(name string, o lexdoc.Optional[int64]) {
		if o.Set {
			c = append(c, name+" "+strconv.FormatInt(o.Value, 10))
		}
	}
	what := string(s.Type())
	switch s := s.(type) {
	case *lexdoc.String:
		if s.Format != "" {
			what = "string, format " + s.Format
		}
		lim("at least bytes", s.MinLength)
		lim("at most bytes", s.MaxLength)
		lim("at least graphemes", s.MinGraphemes)
		lim("at most graphemes", s.MaxGraphemes)
		if s.Enum != nil {
			c = append(c, "one of "+quoteAll(s.Enum))
		}
		if len(s.KnownValues) > 0 {
			c = append(c, "known values "+quoteAll(s.KnownValues))
		}
		if s.Const.Set {
			c = append(c, "always "+strconv.Quote(s.Const.Value))
		}
		if s.Default.Set {
			c = append(c, "default "+strconv.Quote(s.Default.Value))
		}
	case *lexdoc.Integer:
		lim("minimum", s.Minimum)
		lim("maximum", s.Maximum)
		if s.Enum != nil {
			c = append(c, fmt.Sprintf("one of %v", s.Enum))
		}
		if s.Const.Set {
			c = append(c, fmt.Sprintf("always %d", s.Const.Value))
		}
		if s.Default.Set {
			c = append(c, fmt.Sprintf("default %d", s.Default.Value))
		}
	case *lexdoc.Boolean:
		if s.Const.Set {
			c = append(c, fmt.Sprintf("always %v", s.Const.Value))
		}
		if s.Default.Set {
			c = append(c, fmt.Sprintf("default %v", s.Default.Value))
		}
	case *lexdoc.Bytes:
		lim("at least bytes", s.MinLength)
		lim("at most bytes", s.MaxLength)
	case *lexdoc.Blob:
		if s.Accept != nil {
			c = append(c, "accepts "+strings.Join(s.Accept, ", "))
		}
		lim("at most bytes", s.MaxSize)
	case *lexdoc.Array:
		what = "array of " + d.summary(s.Items)
		lim("at least items", s.MinLength)
		lim("at most items", s.MaxLength)
	case *lexdoc.Ref:
		what = "ref to " + s.Ref.String()
	case *lexdoc.Union:
		refs := make([]string, len(s.Refs))
		for i, r := range s.Refs {
			refs[i] = r.String()
		}
		what = "union of " + strings.Join(refs, ", ")
		if s.Closed {
			c = append(c, "closed: no other $type")
		} else {
			c = append(c, "open: other $types allowed")
		}
	case *lexdoc.Unknown:
		what = "unknown (any object)"
	case *lexdoc.CIDLink:
		what = "cid-link ({\"$link\": CID})"
	}
	if len(c) == 0 {
		return what
	}
	return what + "; " + strings.Join(c, ", ")
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}
