package validator

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/lexval/lexval/datamodel"
)

// Explaining an invalid value, within limits.
//
// v5 explains a value all at once: it walks all of it and returns every
// error, so a 2 MiB value with half a million bad items costs seconds and an
// answer of 70 MB, however few of those errors anyone reads. The explainer
// walks the value itself instead, in the order errors are listed (JSON
// Pointer order, as sortErrors has it), and asks v5 about one schema and one
// value at a time. At each value, every compiled schema that applies to it
// in place is judged on its own keywords by the fast path (ownValid); one
// that fails is handed to v5 as its twin: the same compiled schema without
// the keywords that reach other values or other schemas (properties, items,
// $ref, anyOf, a union's variant), which the explainer follows itself. So v5
// reports the errors it would report for those keywords in a whole-value
// run, at the same locations, and they are explained from the same lexicon
// nodes. The data model's rules are checked on the same walk
// (datamodel.CheckValue), and merged as report did: a data-model problem is
// left out where the lexicon says something of the same value, and nothing
// but the data model judges an unsafe value.
//
// The first errors listed are thus the first ones found, and the walk stops
// listing when Limits are reached: the rest of the value is only counted,
// with the fast path's verdicts and no v5 or message (Result.ErrorCount, a
// lower bound). The walk also ends when its context does.
//
// A unit the fast path does not cover (none, with the keywords the
// translation emits) is explained the old way, by v5 on the whole value, and
// its result cut to the limits afterwards.

// Limits bound the explanation of one invalid value. A zero field is no
// bound, a negative one lists nothing (the Result says only whether the
// value is valid, and counts its errors). Past a limit the explanation stops
// listing errors: Result's ErrorsTruncated is set, Errors and Unresolved
// hold the first entries, in order (the same as an explanation without
// limits would list first), and ErrorCount counts the errors found.
type Limits struct {
	// MaxErrors bounds the entries listed: errors and unchecked references
	// together.
	MaxErrors int
	// MaxBytes bounds the size of the entries listed, as encoding/json
	// writes them in a Result (EntrySize), so that a caller can bound the
	// size of its answer however long the paths and messages are.
	MaxBytes int
}

// Explain checks v as Validate does, within limits and while ctx lasts. It
// returns ctx's error, and no Result, when ctx ends first. A valid value
// costs what Valid does.
func (s *Schema) Explain(ctx context.Context, v any, lim Limits) (Result, error) {
	return s.ExplainDecoded(ctx, v, false, lim)
}

// ExplainDecoded is Explain for a value decoded by
// datamodel.DecodeJSONStringChecked, given what it said: when dmValid, the
// value is known to be valid in the data model, and only the lexicon's
// rules are checked before the verdict (the data model's walk is most of
// the cost of a valid value after decoding). dmValid false is Explain.
//
// v may be a flat tree (datamodel.DecodeJSONFlat): the fast path reads it as
// it is, and it is made a map tree (datamodel.Maps) only for the data-model
// walk or an explanation.
func (s *Schema) ExplainDecoded(ctx context.Context, v any, dmValid bool, lim Limits) (Result, error) {
	if dmValid && s.fastValid(v) {
		return Result{Valid: true, Errors: []Error{}, Unresolved: []Unresolved{}}, nil
	}
	v = datamodel.Maps(v)
	if !dmValid && datamodel.Valid(v) && s.fastValid(v) {
		return Result{Valid: true, Errors: []Error{}, Unresolved: []Unresolved{}}, nil
	}
	return s.explain(ctx, v, lim)
}

// explain explains v, which the fast path refused (or, with a data-model
// problem, did not judge).
func (s *Schema) explain(ctx context.Context, v any, lim Limits) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	if s.unit.fast == nil {
		return s.explainWhole(ctx, v, lim)
	}
	x := &explainer{s: s, ctx: ctx, lim: lim, cv: converter{s: s}}
	x.visit(v, 0, applied{n: s.unit.fast})
	switch {
	case x.err != nil:
		return Result{}, x.err
	case x.whole:
		return s.explainWhole(ctx, v, lim)
	}
	r := Result{Errors: x.errs, Unresolved: x.unresolved}
	if r.Errors == nil {
		r.Errors = []Error{}
	}
	if r.Unresolved == nil {
		r.Unresolved = []Unresolved{}
	}
	r.Valid = len(r.Errors) == 0 && x.count == 0
	if x.full {
		r.ErrorsTruncated = true
		r.ErrorCount = len(r.Errors) + x.count
	}
	return r, nil
}

// explainWhole is the explanation by v5 on the whole value, cut to the
// limits afterwards: for units the fast path does not cover.
func (s *Schema) explainWhole(ctx context.Context, v any, lim Limits) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	full := s.report(v, datamodel.Check(v))
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	x := &explainer{lim: lim}
	var merged []listed
	for _, e := range full.Errors {
		merged = append(merged, listed{path: e.Path, message: e.Message, schemaPath: e.SchemaPath})
	}
	for _, u := range full.Unresolved {
		merged = append(merged, listed{path: u.Path, unresolved: true, message: u.Ref, schemaPath: u.SchemaPath})
	}
	slices.SortStableFunc(merged, func(a, b listed) int { return datamodel.ComparePointers(a.path, b.path) })
	for _, e := range merged {
		x.emit(e)
	}
	r := Result{Valid: full.Valid, Errors: full.Errors, Unresolved: full.Unresolved}
	if x.full {
		r.Errors, r.Unresolved = x.errs, x.unresolved
		if r.Errors == nil {
			r.Errors = []Error{}
		}
		if r.Unresolved == nil {
			r.Unresolved = []Unresolved{}
		}
		r.ErrorsTruncated, r.ErrorCount = true, len(full.Errors)
	}
	return r, nil
}

// twinOf returns the schema n mirrors (s) with its own keywords only: no
// properties, items, $ref or anyOf, and a union keyword that decides on the
// value's $type but leaves the variant it picks to the explainer. It has s's
// location, so that its errors are located as s's are; it is s itself when
// s has nothing to leave out.
func twinOf(s *jsonschema.Schema, n *fastNode) *jsonschema.Schema {
	if s.Properties == nil && s.Items2020 == nil && s.Ref == nil && s.AnyOf == nil && n.union == nil {
		return s
	}
	t := *s
	t.Properties, t.Items2020, t.Ref, t.AnyOf = nil, nil, nil, nil
	if n.union != nil {
		t.Extensions = map[string]jsonschema.ExtSchema{keyword: shallowUnion{n.union}}
	}
	return &t
}

// shallowUnion is the union keyword of a twin: it refuses what the union
// refuses, and checks a message without $type against several variants (by
// the fast path), but leaves a variant it picks to the explainer, which
// checks the value against it in place.
type shallowUnion struct{ u *fastUnion }

func (su shallowUnion) Validate(ctx jsonschema.ValidationContext, v any) error {
	k := su.u.k
	c := k.choose(v)
	switch c.step {
	case unionUntyped:
		if k.singleVariant() {
			return nil
		}
		return k.untyped(ctx, func(i int) bool { return su.u.variants[i].valid(v) })
	case unionRefuse:
		return c.refusal(ctx)
	}
	return nil
}

// applied is a fast node that applies to a value in place.
type applied struct {
	n *fastNode
	// nullOK: the node was reached through an anyOf with a null branch,
	// so null was allowed where it failed (converter.nullAllowed).
	nullOK bool
}

// listed is one thing the explanation lists: an error (of the lexicon, or of
// the data model when schemaPath is empty and dataModel is set), or an
// unchecked reference (unresolved; message holds the reference).
type listed struct {
	path, message, schemaPath string
	dataModel, unresolved     bool
}

// compareEntries orders entries as Result lists them: by path, errors
// before unchecked references, then by message (or reference) and schema
// path.
func compareEntries(a, b listed) int {
	if c := datamodel.ComparePointers(a.path, b.path); c != 0 {
		return c
	}
	if a.unresolved != b.unresolved {
		if a.unresolved {
			return 1
		}
		return -1
	}
	return cmp.Or(strings.Compare(a.message, b.message), strings.Compare(a.schemaPath, b.schemaPath))
}

// checkEvery is how many values the explainer visits between two looks at
// its context.
const checkEvery = 256

// explainer walks one value (see the top of this file).
type explainer struct {
	s   *Schema
	ctx context.Context
	lim Limits
	cv  converter

	errs       []Error
	unresolved []Unresolved
	bytes      int
	// full: a limit is reached; from here on errors are only counted.
	full  bool
	count int // errors found but not listed (a lower bound)

	steps int
	err   error // the context's, when it ended
	// whole: the walk met a unit the fast path does not cover.
	whole bool

	nodes []applied // the nodes applying to the values being visited, a stack
	path  []byte    // the JSON Pointer of the value being visited
	// fieldStack holds the fields of the objects being visited, sorted, and
	// what tally found of their fields.
	fieldStack []field
}

// stopped reports that the walk must end.
func (x *explainer) stopped() bool {
	if x.err != nil || x.whole {
		return true
	}
	if x.steps++; x.steps%checkEvery == 0 {
		x.err = x.ctx.Err()
	}
	return x.err != nil
}

// emit lists e, or counts it once a limit is reached.
func (x *explainer) emit(e listed) {
	if !x.full {
		size := EntrySize(e.path, e.message, e.schemaPath, e.unresolved)
		n := len(x.errs) + len(x.unresolved)
		if x.lim.MaxErrors < 0 || x.lim.MaxBytes < 0 ||
			x.lim.MaxErrors > 0 && n >= x.lim.MaxErrors || x.lim.MaxBytes > 0 && x.bytes+size > x.lim.MaxBytes {
			x.full = true
		} else {
			x.bytes += size
			if e.unresolved {
				x.unresolved = append(x.unresolved, Unresolved{Ref: e.message, Path: e.path, SchemaPath: e.schemaPath})
			} else {
				x.errs = append(x.errs, Error{Path: e.path, Message: e.message, SchemaPath: e.schemaPath})
			}
			return
		}
	}
	if !e.unresolved {
		x.count++
	}
}

// visit explains v, the value the explainer's path leads to (depth levels
// down), against the node a, which applies to it, and the nodes a leads to
// in place.
func (x *explainer) visit(v any, depth int, a applied) {
	lo := len(x.nodes)
	x.nodes = append(x.nodes, a)
	x.visitNodes(v, depth, lo, false, nil)
	x.nodes = x.nodes[:lo]
}

// visitNodes explains v against the nodes x.nodes[lo:]. inherited are
// entries its parent found at v's path (the data model's rules of the
// parent object, for this field), sorted; dmSkip says that the data model
// does not judge v (datamodel.ChecksField). Once a limit is reached it only
// counts (tally).
func (x *explainer) visitNodes(v any, depth int, lo int, dmSkip bool, inherited []listed) {
	if x.stopped() {
		return
	}
	if x.full {
		x.tally(v, depth, lo, dmSkip, inherited)
		return
	}
	path := string(x.path)
	// Clipped, so that adding to own never writes over the parent's
	// entries.
	own := slices.Clip(inherited)
	if !dmSkip {
		var unsafe bool
		own, unsafe = x.dataModel(v, path, depth, own)
		if unsafe {
			// Nothing but the data model judges it, and nothing lies below.
			slices.SortFunc(own, compareEntries)
			x.emitAll(own)
			return
		}
	}
	num := x.expand(v, lo)
	if x.whole {
		return
	}
	for _, a := range x.nodes[lo:] {
		if !a.n.ownValid(v, num) {
			own = x.own(own, v, path, a)
		}
	}
	slices.SortFunc(own, compareEntries)
	own = saidOnce(own)
	// Entries at path itself, then the children in order, merged with the
	// entries of fields v lacks (the only ones found here below path).
	i := 0
	for i < len(own) && own[i].path == path {
		i++
	}
	x.emitAll(own[:i])
	rest := own[i:]
	switch c := v.(type) {
	case []any:
		x.items(c, depth, lo, dmSkip)
	case map[string]any:
		x.fields(c, path, depth, lo, dmSkip, rest)
		return
	}
	x.emitAll(rest)
}

// dataModel adds to own the data model's problems with v itself.
func (x *explainer) dataModel(v any, path string, depth int, own []listed) ([]listed, bool) {
	valid, unsafe := datamodel.ValidValue(v, depth)
	if valid {
		return own, unsafe
	}
	problems, unsafe := datamodel.CheckValue(v, depth)
	for _, p := range problems {
		own = append(own, listed{path: path + p.Path, message: p.Message, dataModel: true})
	}
	return own, unsafe
}

// items visits an array's items in order.
func (x *explainer) items(arr []any, depth int, lo int, dmSkip bool) {
	hi, at := len(x.nodes), len(x.path)
	for i, e := range arr {
		if x.err != nil || x.whole {
			break
		}
		base := len(x.nodes)
		x.childNodes(lo, hi, arr, "")
		if len(x.nodes) > base || !dmSkip {
			x.path = strconv.AppendInt(append(x.path, '/'), int64(i), 10)
			x.visitNodes(e, depth+1, base, dmSkip, nil)
			x.path = x.path[:at]
		}
		x.nodes = x.nodes[:base]
	}
}

// childNodes pushes the nodes that apply to a member of c (an item of an
// array, or the field name of an object) through the nodes x.nodes[lo:hi]
// that apply to c: those of a type c has (v5 checks nothing else of a
// value of another type).
func (x *explainer) childNodes(lo, hi int, c any, name string) {
	base := len(x.nodes)
	for _, a := range x.nodes[lo:hi] {
		n := a.n
		if !n.typeOK(c, classified{}) {
			continue
		}
		switch {
		case n.items != nil:
			x.push(base, applied{n: n.items})
		case len(n.props) > 0:
			if p := n.prop(name); p != nil {
				x.push(base, applied{n: p})
			}
		}
	}
}

// field is an object's field name and its JSON Pointer token.
type field struct{ token, name string }

// fields visits an object's fields in pointer order, merging in the entries
// found at path for fields it lacks (rest, sorted, all below path).
func (x *explainer) fields(m map[string]any, path string, depth int, lo int, dmSkip bool, rest []listed) {
	hi, at, flo := len(x.nodes), len(x.path), len(x.fieldStack)
	for k := range m {
		x.fieldStack = append(x.fieldStack, field{datamodel.EscapePointerToken(k), k})
	}
	slices.SortFunc(x.fieldStack[flo:], func(a, b field) int { return datamodel.CompareTokens(a.token, b.token) })
	for i := flo; i < len(x.fieldStack) && x.err == nil && !x.whole; i++ {
		f := x.fieldStack[i]
		x.path = append(append(x.path, '/'), f.token...)
		var inherited []listed
		if len(rest) > 0 {
			// The entries of fields it lacks that come before this one, and
			// those found for this one.
			child := string(x.path)
			j := 0
			for j < len(rest) && datamodel.ComparePointers(rest[j].path, child) < 0 {
				j++
			}
			x.emitAll(rest[:j])
			rest = rest[j:]
			for j = 0; j < len(rest) && rest[j].path == child; j++ {
			}
			inherited, rest = rest[:j], rest[j:]
		}
		base := len(x.nodes)
		x.childNodes(lo, hi, m, f.name)
		skip := dmSkip || !datamodel.ChecksField(f.name)
		if len(x.nodes) > base || !skip || len(inherited) > 0 {
			x.visitNodes(m[f.name], depth+1, base, skip, inherited)
		}
		x.nodes = x.nodes[:base]
		x.path = x.path[:at]
	}
	x.fieldStack = x.fieldStack[:flo]
	x.emitAll(rest)
}

// tally counts the errors of v against the nodes x.nodes[lo:], and below
// it, once a limit is reached: what visitNodes would list, counted in any
// order, without v5 or messages, one per path at fault (a lower bound).
// inherited are the entries its parent found for it.
func (x *explainer) tally(v any, depth int, lo int, dmSkip bool, inherited []listed) {
	if x.stopped() {
		return
	}
	dataModel, lexicon := 0, false
	for _, e := range inherited {
		if e.dataModel {
			dataModel++
		} else if !e.unresolved {
			lexicon = true
		}
	}
	// The data model's problems with the fields of an object, by token.
	flo := len(x.fieldStack)
	defer func() { x.fieldStack = x.fieldStack[:flo] }()
	if !dmSkip {
		valid, unsafe := datamodel.ValidValue(v, depth)
		switch _, isObject := v.(map[string]any); {
		case valid:
		case !isObject:
			dataModel++ // a scalar breaks one rule at a time
		default:
			problems, _ := datamodel.CheckValue(v, depth)
			for _, p := range problems {
				if p.Path == "" {
					dataModel++
				} else {
					x.fieldStack = append(x.fieldStack, field{token: p.Path[1:]})
				}
			}
		}
		if unsafe {
			x.count += dataModel
			return
		}
	}
	num := x.expand(v, lo)
	if x.whole {
		return
	}
	m, isObject := v.(map[string]any)
	for _, a := range x.nodes[lo:] {
		n := a.n
		if n.ownValid(v, num) {
			continue
		}
		if !n.typeOK(v, num) {
			lexicon = lexicon || !x.nullBranch(n)
			continue
		}
		for _, r := range n.required {
			if _, ok := m[r]; isObject && !ok {
				x.fieldStack = append(x.fieldStack, field{token: datamodel.EscapePointerToken(r), name: r})
			}
		}
		isErr, _ := x.extFault(n, v)
		lexicon = lexicon || isErr || !n.valueValid(v, num)
	}
	if lexicon {
		x.count++
	} else {
		x.count += dataModel
	}
	// Fields that are missing: one error each, however many say so (a
	// required one's, the data model's). The problems of fields that are
	// there go to them.
	var byField []listed
	for i := flo; i < len(x.fieldStack); i++ {
		f := x.fieldStack[i]
		name := f.name
		if name == "" {
			name = unescapeToken(f.token)
		}
		if _, present := m[name]; present {
			byField = append(byField, listed{path: name, dataModel: f.name == ""})
			continue
		}
		if !slices.ContainsFunc(x.fieldStack[flo:i], func(g field) bool { return g.token == f.token }) {
			x.count++
		}
	}
	hi := len(x.nodes)
	switch c := v.(type) {
	case []any:
		for _, e := range c {
			base := len(x.nodes)
			x.childNodes(lo, hi, c, "")
			if len(x.nodes) > base || !dmSkip {
				x.tally(e, depth+1, base, dmSkip, nil)
			}
			x.nodes = x.nodes[:base]
			if x.err != nil || x.whole {
				return
			}
		}
	case map[string]any:
		for k, e := range c {
			base := len(x.nodes)
			x.childNodes(lo, hi, c, k)
			var inherited []listed
			for _, f := range byField {
				if f.path == k {
					inherited = append(inherited, f)
				}
			}
			skip := dmSkip || !datamodel.ChecksField(k)
			if len(x.nodes) > base || !skip || len(inherited) > 0 {
				x.tally(e, depth+1, base, skip, inherited)
			}
			x.nodes = x.nodes[:base]
			if x.err != nil || x.whole {
				return
			}
		}
	}
}

// expand adds to x.nodes[lo:] the nodes that apply to v in place through
// those already there: a $ref, the branches of an anyOf none of which v
// meets, the variant a union picks. A node whose type v does not have leads
// nowhere (v5 stops at a failed type). It returns v's number class.
func (x *explainer) expand(v any, lo int) classified {
	num := classify(v)
	for i := lo; i < len(x.nodes); i++ {
		a := x.nodes[i]
		n := a.n
		if n.types != 0 && !n.types.has(v, num) {
			continue
		}
		if n.ref != nil {
			x.push(lo, applied{n.ref, a.nullOK})
		}
		if len(n.anyOf) > 0 && !n.anyOfValid(v, num) {
			nullOK := a.nullOK
			for _, b := range n.anyOf {
				nullOK = nullOK || x.nullBranch(b)
			}
			for _, b := range n.anyOf {
				x.push(lo, applied{b, nullOK})
			}
		}
		if n.union != nil {
			u := n.union
			switch c := u.k.choose(v); c.step {
			case unionUntyped:
				if u.k.singleVariant() {
					x.push(lo, applied{u.variants[0], a.nullOK})
				}
			case unionVariant:
				x.push(lo, applied{u.variants[c.variant], a.nullOK})
			case unionUnit:
				if c.unit.fast == nil {
					x.whole = true
					return num
				}
				x.push(lo, applied{c.unit.fast, a.nullOK})
			}
		}
	}
	return num
}

// push adds a to x.nodes[lo:] unless it is there: v5 would check v against
// it twice, and report the same errors twice (which sortErrors drops).
func (x *explainer) push(lo int, a applied) {
	for i := lo; i < len(x.nodes); i++ {
		if x.nodes[i].n == a.n {
			x.nodes[i].nullOK = x.nodes[i].nullOK || a.nullOK
			return
		}
	}
	x.nodes = append(x.nodes, a)
}

// nullBranch reports the null branch of a nullable wrapper, whose failure
// is never an error of its own.
func (x *explainer) nullBranch(n *fastNode) bool {
	loc := x.cv.locate(&jsonschema.ValidationError{AbsoluteKeywordLocation: n.js.Location + "/type"})
	return loc.ent != nil && loc.ent.kind == entryNullBranch
}

// own adds to own the entries of node a's own keywords, which v fails,
// explained by v5 through a's twin.
func (x *explainer) own(own []listed, v any, path string, a applied) []listed {
	err := a.n.twin.Validate(lengthStandIn(a.n, v))
	if err == nil {
		return own // the fast path and v5 disagree: tests catch it
	}
	cv := &x.cv
	cv.base, cv.root = path, v
	cv.nullAllowed, cv.hasNullAllowed = path, a.nullOK
	var ve *jsonschema.ValidationError
	if errors.As(err, &ve) {
		cv.walk(ve)
	} else {
		cv.add(path, "cannot validate: "+err.Error(), "")
	}
	for _, e := range cv.errs {
		own = append(own, listed{path: e.Path, message: e.Message, schemaPath: e.SchemaPath})
	}
	for _, u := range cv.unresolved {
		own = append(own, listed{path: u.Path, message: u.Ref, schemaPath: u.SchemaPath, unresolved: true})
	}
	cv.errs, cv.unresolved = cv.errs[:0], cv.unresolved[:0]
	return own
}

// lengthStandIn returns what n's twin is given for v: v itself, or, for an
// array longer than n allows, an array of nulls one item longer than that.
// v5 makes a map of an array's indexes before it looks at any keyword (for
// unevaluatedItems, which no translation emits), and for a long array that
// is more work than the rest of its explanation. An array's twin judges
// only its type and length (it has no items, and without const or enum
// nothing else that reads them), so it judges the stand-in as it would the
// array; the converter reads the length it reports from the value itself.
func lengthStandIn(n *fastNode, v any) any {
	a, ok := v.([]any)
	if !ok || n.maxItems < 0 || len(a) <= n.maxItems+1 || len(n.constant) > 0 || len(n.enum) > 0 {
		return v
	}
	return make([]any, n.maxItems+1)
}

// saidOnce drops, from entries sorted by compareEntries, the data model's
// problems with a value the lexicon has something to say about: one problem,
// one message ("must be a string, got 1.5", not also "must be an
// integer"). It also drops exact duplicates.
func saidOnce(es []listed) []listed {
	out := es[:0]
	for i := 0; i < len(es); {
		j, lexicon := i, false
		for j < len(es) && es[j].path == es[i].path {
			lexicon = lexicon || !es[j].dataModel && !es[j].unresolved
			j++
		}
		for k := i; k < j; k++ {
			if lexicon && es[k].dataModel || len(out) > 0 && out[len(out)-1] == es[k] {
				continue
			}
			out = append(out, es[k])
		}
		i = j
	}
	return out
}

// emitAll emits entries; once the walk has stopped they are dropped.
func (x *explainer) emitAll(es []listed) {
	if x.err != nil || x.whole {
		return
	}
	for _, e := range es {
		x.emit(e)
	}
}

// extFault says what node n's lexicon keyword makes of v: an error, an
// unchecked reference (under Options.AllowUnresolved), or nothing (which
// includes a legacy blob under Options.Lenient), as the converter would.
func (x *explainer) extFault(n *fastNode, v any) (isErr, unresolved bool) {
	allow := x.s.opts.AllowUnresolved
	switch k := n.ext.(type) {
	case nil:
		return false, false
	case *fastUnion:
		c := k.k.choose(v)
		switch {
		case c.step == unionRefuse && c.rule == ruleUnresolved:
			return !allow, allow
		case c.step == unionRefuse:
			return true, false
		case c.step == unionUntyped && !k.ownValid(v):
			if slices.Contains(k.variants, nil) {
				return !allow, allow
			}
			return true, false
		}
		return false, false
	case *unresolvedKW:
		if k.valid(v) {
			return false, false
		}
		return !allow, allow
	case *blobKW:
		k.check(v, func(rule, _ string) { isErr = isErr || rule != ruleLegacyBlob || !x.s.opts.Lenient })
		return isErr, false
	}
	return !n.ext.valid(v), false
}
