package web

import (
	"strings"

	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/service"
)

// The documentation view of a lexicon page renders service.DescribeLexicon,
// the same account of a lexicon as its text page (/llms/{nsid}.txt) and
// MCP's describe tool give; each definition is at the anchor defAnchor
// names, where references to it link.

// defAnchor is the id of a definition's entry in the documentation view.
func defAnchor(name string) string { return "def-" + name }

// docHref is where a reference written in lexicon page links: the
// definition's entry on this page when it is one of page's own, else its
// lexicon's page (at the entry, for a definition other than main).
func docHref(page string, r lexdoc.DefRef) string {
	if string(r.NSID) == page {
		return "#" + defAnchor(r.Name)
	}
	h := lexiconHref("", string(r.NSID), "")
	if r.Name != "main" {
		h += "#" + defAnchor(r.Name)
	}
	return h
}

// refLinker links the refs of the JSON of lexicon page, as written there:
// "#name" for a definition of its own, else "nsid" or "nsid#name". A ref
// that names no definition is not linked.
func refLinker(page string) func(string) string {
	return func(ref string) string {
		if name, ok := strings.CutPrefix(ref, "#"); ok {
			if !lexdoc.ValidDefName(name) {
				return ""
			}
			return "#" + defAnchor(name)
		}
		r, err := lexdoc.ParseDefRef(ref)
		if err != nil {
			return ""
		}
		return docHref(page, r)
	}
}

// docArg carries the page's NSID into the templates of the documentation
// view, which link references relative to it.
type docArg struct {
	NSID string
	V    any
}

// phraseLink is the address of a phrase's part: its definition's, or ""
// for words.
func phraseLink(page string, part service.PhrasePart) string {
	if part.Ref == nil {
		return ""
	}
	return docHref(page, *part.Ref)
}
