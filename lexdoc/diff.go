package lexdoc

import (
	"cmp"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/lexval/lexval/datamodel"
)

// DiffOp is what happened to a member between two versions.
type DiffOp string

const (
	DiffAdded   DiffOp = "added"
	DiffRemoved DiffOp = "removed"
	DiffChanged DiffOp = "changed"
)

// DiffEntry is one difference between two versions of a lexicon, placed by
// definition and field: what a reader of a changelog wants, where a text
// diff shows lines. Lists of names (required, enum, knownValues, refs,
// accept, ...) are compared as sets, endpoint errors by name, and key order
// never counts.
type DiffEntry struct {
	// NSID is the lexicon.
	NSID string `json:"nsid"`
	// Def is the definition, "" for the document's own members (or the
	// whole document, added or removed).
	Def string `json:"def,omitempty"`
	// Field is the member inside the definition, as a JSON Pointer from it
	// ("/record/properties/text/maxLength"); "" for the definition itself.
	Field string `json:"field,omitempty"`
	// Path is the member's JSON Pointer in the new document, or in the old
	// one for what was removed.
	Path string `json:"path"`
	Op   DiffOp `json:"op"`
	// Old and New are the values (nil when absent on that side).
	Old any `json:"old,omitempty"`
	New any `json:"new,omitempty"`
}

// Diff returns the differences between two versions of one lexicon
// document, each decoded by datamodel.DecodeJSON, sorted by definition and
// path. The "$type" a published record carries and a source file lacks is
// left out.
func Diff(old, new any) []DiffEntry {
	return DiffSets([]any{old}, []any{new})
}

// DiffSets diffs two versions of a set of documents, paired by id: a
// document only one side has is one entry, added or removed. Documents
// without a string id are left out.
func DiffSets(old, new []any) []DiffEntry {
	byID := func(docs []any) map[string]map[string]any {
		m := make(map[string]map[string]any, len(docs))
		for _, d := range docs {
			if dm, ok := d.(map[string]any); ok {
				if id, ok := dm["id"].(string); ok {
					m[id] = dm
				}
			}
		}
		return m
	}
	o, n := byID(old), byID(new)
	d := &differ{}
	for id, od := range o {
		d.nsid = id
		nd, ok := n[id]
		if !ok {
			d.add(DiffRemoved, "", od, nil)
			continue
		}
		d.members(withoutType(od), withoutType(nd), "", "")
	}
	for id, nd := range n {
		if _, ok := o[id]; !ok {
			d.nsid = id
			d.add(DiffAdded, "", nil, nd)
		}
	}
	slices.SortFunc(d.out, func(a, b DiffEntry) int {
		return cmp.Or(strings.Compare(a.NSID, b.NSID), strings.Compare(a.Def, b.Def),
			datamodel.ComparePointers(a.Field, b.Field), strings.Compare(string(a.Op), string(b.Op)))
	})
	return d.out
}

func withoutType(m map[string]any) map[string]any {
	if _, ok := m["$type"]; !ok {
		return m
	}
	c := make(map[string]any, len(m))
	for k, v := range m {
		if k != "$type" {
			c[k] = v
		}
	}
	return c
}

type differ struct {
	nsid string
	out  []DiffEntry
}

// add records a difference at path (new, or old for a removal).
func (d *differ) add(op DiffOp, path string, old, new any) {
	e := DiffEntry{NSID: d.nsid, Path: path, Op: op, Old: old, New: new}
	if rest, ok := strings.CutPrefix(path, "/defs/"); ok {
		name, field, _ := strings.Cut(rest, "/")
		e.Def = unescapeToken(name)
		if field != "" {
			e.Field = "/" + field
		}
	} else {
		e.Field = path
	}
	d.out = append(d.out, e)
}

func unescapeToken(s string) string {
	return strings.NewReplacer("~1", "/", "~0", "~").Replace(s)
}

// value compares two values at path (oldPath in the old document).
func (d *differ) value(o, n any, path, oldPath string) {
	switch ov := o.(type) {
	case map[string]any:
		if nv, ok := n.(map[string]any); ok {
			d.members(ov, nv, path, oldPath)
			return
		}
	case []any:
		if nv, ok := n.([]any); ok {
			d.list(ov, nv, path, oldPath)
			return
		}
	}
	if !reflect.DeepEqual(o, n) {
		d.add(DiffChanged, path, o, n)
	}
}

func (d *differ) members(o, n map[string]any, path, oldPath string) {
	keys := make([]string, 0, len(o)+len(n))
	for k := range o {
		keys = append(keys, k)
	}
	for k := range n {
		if _, ok := o[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		tok := "/" + datamodel.EscapePointerToken(k)
		ov, inOld := o[k]
		nv, inNew := n[k]
		switch {
		case !inNew:
			d.add(DiffRemoved, oldPath+tok, ov, nil)
		case !inOld:
			d.add(DiffAdded, path+tok, nil, nv)
		default:
			d.value(ov, nv, path+tok, oldPath+tok)
		}
	}
}

// list compares two arrays: of scalars as sets, of objects with a name
// (endpoint errors) by name, of other objects (permissions) by position.
func (d *differ) list(o, n []any, path, oldPath string) {
	switch {
	case allScalars(o) && allScalars(n):
		for i, v := range o {
			if !slices.ContainsFunc(n, func(x any) bool { return reflect.DeepEqual(x, v) }) {
				d.add(DiffRemoved, oldPath+"/"+strconv.Itoa(i), v, nil)
			}
		}
		for i, v := range n {
			if !slices.ContainsFunc(o, func(x any) bool { return reflect.DeepEqual(x, v) }) {
				d.add(DiffAdded, path+"/"+strconv.Itoa(i), nil, v)
			}
		}
	case named(o) && named(n):
		nameOf := func(v any) any { return v.(map[string]any)["name"] }
		for i, v := range o {
			j := slices.IndexFunc(n, func(x any) bool { return nameOf(x) == nameOf(v) })
			if j < 0 {
				d.add(DiffRemoved, oldPath+"/"+strconv.Itoa(i), v, nil)
				continue
			}
			d.value(v, n[j], path+"/"+strconv.Itoa(j), oldPath+"/"+strconv.Itoa(i))
		}
		for j, v := range n {
			if !slices.ContainsFunc(o, func(x any) bool { return nameOf(x) == nameOf(v) }) {
				d.add(DiffAdded, path+"/"+strconv.Itoa(j), nil, v)
			}
		}
	default:
		for i := range max(len(o), len(n)) {
			tok := "/" + strconv.Itoa(i)
			switch {
			case i >= len(n):
				d.add(DiffRemoved, oldPath+tok, o[i], nil)
			case i >= len(o):
				d.add(DiffAdded, path+tok, nil, n[i])
			default:
				d.value(o[i], n[i], path+tok, oldPath+tok)
			}
		}
	}
}

func allScalars(a []any) bool {
	return !slices.ContainsFunc(a, func(v any) bool {
		switch v.(type) {
		case map[string]any, []any:
			return true
		}
		return false
	})
}

// named reports whether every element is an object with a string name.
func named(a []any) bool {
	return len(a) > 0 && !slices.ContainsFunc(a, func(v any) bool {
		m, ok := v.(map[string]any)
		if !ok {
			return true
		}
		_, ok = m["name"].(string)
		return !ok
	})
}
