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
// and the MCP describe tool both serve it; it is DescribeLexicon written
// out.
func Describe(rec *resolver.Record) string { return DescribeLexicon(rec).String() }

// Description is what a lexicon says, as a structure: Describe writes it as
// text, the web UI's documentation view as a page, so that the two never
// say different things.
type Description struct {
	NSID        string
	Description string
	// Source says where the record came from and whether it is proven, in
	// a sentence or two.
	Source string
	// Defs are the definitions, main first, then by name.
	Defs []DefDescription
}

// DefDescription is one definition. What it has depends on its type: a
// record and an object have Fields; a query, procedure and subscription
// Parameters, Bodies and Errors; a permission set Permissions; any other
// type a Value.
type DefDescription struct {
	Name string // "main", "replyRef"
	// Ref is how $type and refs name it: the NSID for main, else NSID#name.
	Ref         string
	Type        string
	Description string
	// Notes are sentences about the definition as a whole ("Record key: tid.").
	Notes       []string
	Value       *Summary
	Fields      *FieldList
	Parameters  *FieldList
	Bodies      []BodyDescription
	Errors      []lexdoc.EndpointError
	Permissions []string
}

// FieldList is the properties of an object or of parameters, under a title
// ("Fields", "Parameters (query string)", "Each item's fields").
type FieldList struct {
	Title  string
	Fields []Field
}

// Field is one property: its schema summed up, whether it must be there and
// may be null, its description, and the fields of an object it holds (or of
// the objects of an array it holds).
type Field struct {
	Name               string
	Required, Nullable bool
	Summary            Summary
	Description        string
	Nested             *FieldList
}

// BodyDescription is the input or output of an endpoint, or the message of
// a subscription. Its schema is an object (Fields) or a ref or union
// (Schema); neither when the encoding alone describes it.
type BodyDescription struct {
	Title       string // "Input", "Output", "Message"
	Encoding    string
	Description string
	Fields      *FieldList
	Schema      *Summary
}

// Summary is a schema's type and constraints in a phrase.
type Summary struct {
	// Type is the type in words, with the definitions it names marked:
	// "string, format datetime", "array of string", "ref to NSID#def".
	Type Phrase
	// Constraints are the limits and values: "at most bytes 3000", "known
	// values \"a\", \"b\"", "closed: no other $type".
	Constraints []string
}

// String is the summary as one phrase: the type, then the constraints.
func (s Summary) String() string {
	if len(s.Constraints) == 0 {
		return s.Type.String()
	}
	return s.Type.String() + "; " + strings.Join(s.Constraints, ", ")
}

// Phrase is words in parts, the references to definitions marked, so that
// a page can link them where text writes them out.
type Phrase []PhrasePart

// PhrasePart is words, or a reference (Ref set, Text the ref as written).
type PhrasePart struct {
	Text string
	Ref  *lexdoc.DefRef
}

func (p Phrase) String() string {
	var b strings.Builder
	for _, part := range p {
		b.WriteString(part.Text)
	}
	return b.String()
}

func words(s string) Phrase { return Phrase{{Text: s}} }

func refPart(r lexdoc.DefRef) PhrasePart { return PhrasePart{Text: r.String(), Ref: &r} }

// DescribeLexicon gathers what rec's lexicon says.
func DescribeLexicon(rec *resolver.Record) *Description {
	doc := rec.Document
	d := &Description{NSID: doc.ID.String(), Description: doc.Description, Source: describeSource(rec)}
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
		d.Defs = append(d.Defs, describeDef(d.NSID, name, doc.Defs[name]))
	}
	return d
}

// describeSource says where rec came from and whether it is proven.
func describeSource(rec *resolver.Record) string {
	switch {
	case rec.Proof != nil:
		return fmt.Sprintf("Published as %s (CID %s), proven by the signed commit %s of repository %s, signed by %s.", rec.URI, rec.CID, rec.Proof.Commit, rec.Proof.DID, rec.Proof.SigningKey)
	case rec.Upstream != nil:
		s := fmt.Sprintf("Bundled with lexval from the atproto repository (%s), not verified against a published record; its CID once published: %s.", rec.Upstream.URL(), rec.CID)
		if rec.NetworkError != nil {
			s += "\nNo published version was used: " + rec.NetworkError.Error() + "."
		}
		return s
	case rec.URI != "":
		return fmt.Sprintf("Published as %s (CID %s), from lexval's embedded catalog.", rec.URI, rec.CID)
	}
	return fmt.Sprintf("A document from a local directory, not published; its CID once published: %s.", rec.CID)
}

// describeDef describes definition name of lexicon nsid.
func describeDef(nsid, name string, s lexdoc.Schema) DefDescription {
	ref := nsid
	if name != "main" {
		ref += "#" + name
	}
	d := DefDescription{Name: name, Ref: ref, Type: string(s.Type()), Description: s.Description()}
	note := func(format string, args ...any) { d.Notes = append(d.Notes, fmt.Sprintf(format, args...)) }
	switch s := s.(type) {
	case *lexdoc.Record:
		note("Record key: %s. Records of this type carry \"$type\": %q.", s.Key, nsid)
		d.Fields = fieldList("Fields", s.Record.Properties, s.Record.IsRequired, s.Record.IsNullable)
	case *lexdoc.Query:
		note("An XRPC query: GET /xrpc/%s.", nsid)
		d.Parameters = params(s.Parameters)
		d.Bodies = bodies(body("Output", s.Output))
		d.Errors = s.Errors
	case *lexdoc.Procedure:
		note("An XRPC procedure: POST /xrpc/%s.", nsid)
		d.Parameters = params(s.Parameters)
		d.Bodies = bodies(body("Input", s.Input), body("Output", s.Output))
		d.Errors = s.Errors
	case *lexdoc.Subscription:
		note("An event stream: WebSocket /xrpc/%s.", nsid)
		d.Parameters = params(s.Parameters)
		d.Bodies = bodies(body("Message", s.Message))
		d.Errors = s.Errors
	case *lexdoc.PermissionSet:
		if s.Title != "" {
			note("Title: %s", s.Title)
		}
		for _, p := range s.Permissions {
			d.Permissions = append(d.Permissions, p.Resource+" permission"+permissionScope(p))
		}
	case *lexdoc.Object:
		d.Fields = fieldList("Fields", s.Properties, s.IsRequired, s.IsNullable)
	case *lexdoc.Token:
		note("A token: a name with no data, used as the value %q.", ref)
	default:
		v := summarize(s)
		d.Value = &v
	}
	return d
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

// params lists parameters; nil when there are none.
func params(p *lexdoc.Params) *FieldList {
	if p == nil || len(p.Properties) == 0 {
		return nil
	}
	return fieldList("Parameters (query string)", p.Properties, p.IsRequired, func(string) bool { return false })
}

func bodies(bs ...*BodyDescription) []BodyDescription {
	var out []BodyDescription
	for _, b := range bs {
		if b != nil {
			out = append(out, *b)
		}
	}
	return out
}

// body describes an endpoint's body; nil when it has none.
func body(title string, b *lexdoc.Body) *BodyDescription {
	if b == nil {
		return nil
	}
	d := &BodyDescription{Title: title, Encoding: b.Encoding, Description: b.Description}
	switch s := b.Schema.(type) {
	case nil:
	case *lexdoc.Object:
		d.Fields = fieldList("Fields", s.Properties, s.IsRequired, s.IsNullable)
	default:
		v := summarize(s)
		d.Schema = &v
	}
	return d
}

// fieldList lists properties, each with its type, whether it is required,
// its constraints and description, and the fields of the objects it holds.
func fieldList(title string, props lexdoc.Properties, required, nullable func(string) bool) *FieldList {
	l := &FieldList{Title: title}
	for _, p := range props {
		f := Field{Name: p.Name, Required: required(p.Name), Nullable: nullable(p.Name), Summary: summarize(p.Schema), Description: p.Schema.Description()}
		switch s := p.Schema.(type) {
		case *lexdoc.Object:
			f.Nested = fieldList("Fields", s.Properties, s.IsRequired, s.IsNullable)
		case *lexdoc.Array:
			if o, ok := s.Items.(*lexdoc.Object); ok {
				f.Nested = fieldList("Each item's fields", o.Properties, o.IsRequired, o.IsNullable)
			}
		}
		l.Fields = append(l.Fields, f)
	}
	return l
}

// summarize is a schema's type and constraints.
func summarize(s lexdoc.Schema) Summary {
	var c []string
	lim := func(name string, o lexdoc.Optional[int64]) {
		if o.Set {
			c = append(c, name+" "+strconv.FormatInt(o.Value, 10))
		}
	}
	what := words(string(s.Type()))
	switch s := s.(type) {
	case *lexdoc.String:
		if s.Format != "" {
			what = words("string, format " + s.Format)
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
		items := summarize(s.Items)
		what = append(words("array of "), items.Type...)
		if len(items.Constraints) > 0 {
			what = append(what, PhrasePart{Text: "; " + strings.Join(items.Constraints, ", ")})
		}
		lim("at least items", s.MinLength)
		lim("at most items", s.MaxLength)
	case *lexdoc.Ref:
		what = Phrase{{Text: "ref to "}, refPart(s.Ref)}
	case *lexdoc.Union:
		what = words("union of ")
		for i, r := range s.Refs {
			if i > 0 {
				what = append(what, PhrasePart{Text: ", "})
			}
			what = append(what, refPart(r))
		}
		if s.Closed {
			c = append(c, "closed: no other $type")
		} else {
			c = append(c, "open: other $types allowed")
		}
	case *lexdoc.Unknown:
		what = words("unknown (any object)")
	case *lexdoc.CIDLink:
		what = words("cid-link ({\"$link\": CID})")
	}
	return Summary{Type: what, Constraints: c}
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

// String writes the description as Describe's text.
func (d *Description) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", d.NSID)
	if d.Description != "" {
		b.WriteString(d.Description + "\n\n")
	}
	b.WriteString(d.Source + "\n")
	for i := range d.Defs {
		d.Defs[i].write(&b)
	}
	return b.String()
}

func line(b *strings.Builder, depth int, format string, args ...any) {
	b.WriteString(strings.Repeat("  ", depth))
	fmt.Fprintf(b, format, args...)
	b.WriteByte('\n')
}

func (d *DefDescription) write(b *strings.Builder) {
	fmt.Fprintf(b, "\n## %s (%s)\n", d.Ref, d.Type)
	if d.Description != "" {
		line(b, 0, "%s", d.Description)
	}
	for _, n := range d.Notes {
		line(b, 0, "%s", n)
	}
	if d.Value != nil {
		line(b, 0, "Value: %s.", d.Value)
	}
	d.Fields.write(b, 0)
	d.Parameters.write(b, 0)
	for _, body := range d.Bodies {
		enc, desc := "", ""
		if body.Encoding != "" {
			enc = " (" + body.Encoding + ")"
		}
		if body.Description != "" {
			desc = ": " + body.Description
		}
		line(b, 0, "%s%s%s", body.Title, enc, desc)
		body.Fields.write(b, 1)
		if body.Schema != nil {
			line(b, 1, "%s", body.Schema)
		}
	}
	for _, e := range d.Errors {
		if e.Description != "" {
			line(b, 0, "Error %s: %s", e.Name, e.Description)
		} else {
			line(b, 0, "Error %s", e.Name)
		}
	}
	for _, p := range d.Permissions {
		line(b, 0, "- %s", p)
	}
}

func (l *FieldList) write(b *strings.Builder, depth int) {
	if l == nil {
		return
	}
	if len(l.Fields) == 0 {
		line(b, depth, "%s: none.", l.Title)
		return
	}
	line(b, depth, "%s:", l.Title)
	for _, f := range l.Fields {
		marks := "optional"
		if f.Required {
			marks = "required"
		}
		if f.Nullable {
			marks += ", may be null"
		}
		s := fmt.Sprintf("- %s (%s): %s", f.Name, marks, f.Summary)
		if f.Description != "" {
			s += " — " + f.Description
		}
		line(b, depth, "%s", s)
		f.Nested.write(b, depth+1)
	}
}
