package web

import (
	"encoding/json"
	"net/http"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/service"
)

// compareView is a draft compared with the published version of its
// lexicon: the changes that break data, then every difference.
type compareView struct {
	NSID      string
	Published service.VersionInfo
	Breaking  bool
	Changes   []changeView
	Diff      []diffView
}

type changeView struct {
	Path, Message, Rule, Severity, Direction string
	// InPublished: Path points into the published version (a removal).
	InPublished bool
}

type diffView struct {
	// Where is the definition and field, "#main /record/properties/text".
	Where    string
	Op       string // added, removed, changed
	Old, New string // compact JSON; "" when absent
}

// maxShownValue bounds a diff value on the page, in characters.
const maxShownValue = 200

// compareDraft compares the draft doc with the version of its id the
// resolver finds (embedded, a directory, the network), for the draft page's
// "Compare with the published version". The page also shows the draft's
// lint (lintAlone). It returns the page's status.
func (u *UI) compareDraft(c echo.Context, p *draftPage, doc any, lintAlone func() error) int {
	fail := func(pr problem) int {
		p.Problem = &pr
		return pr.Status
	}
	if err := lintAlone(); err != nil {
		return fail(u.problemFor(c, err))
	}
	id := ""
	if m, ok := doc.(map[string]any); ok {
		id, _ = m["id"].(string)
	}
	if id == "" {
		return fail(problem{Status: http.StatusBadRequest, Title: "Nothing to compare with",
			Message: "The draft has no id, so lexval cannot tell which published lexicon it is a new version of.", Field: "lexicon"})
	}
	cmp, err := u.cfg.Service.CompareVersions(c.Request().Context(), service.Version{Ref: id}, service.Version{Documents: []any{doc}}, service.CompareOptions{})
	if err != nil {
		pr := u.problemFor(c, err)
		switch service.ErrorCode(err) {
		case service.CodeNotFound:
			pr.Title = "No published version"
			pr.Message = "lexval found no published version of " + id + " to compare the draft with."
		case service.CodeInvalidRequest:
			pr.Title = "The draft cannot be compared"
			pr.Message = "lexval cannot read the draft as a lexicon: fix the problems listed, then compare again."
		}
		return fail(pr)
	}
	p.Compare = newCompareView(id, cmp)
	return http.StatusOK
}

func newCompareView(id string, cmp *service.Comparison) *compareView {
	v := &compareView{NSID: id, Breaking: cmp.Breaking}
	if len(cmp.Old) > 0 {
		v.Published = cmp.Old[0]
	}
	for _, ch := range cmp.Changes {
		v.Changes = append(v.Changes, changeView{
			Path: ch.Path, Message: ch.Message, Rule: ch.Rule, Severity: string(ch.Severity),
			Direction: string(ch.Direction), InPublished: ch.In == lexdoc.SideOld,
		})
	}
	for _, d := range cmp.Diff {
		where := "(document) " + d.Field
		if d.Def != "" {
			where = "#" + d.Def + " " + d.Field
		}
		v.Diff = append(v.Diff, diffView{Where: where, Op: string(d.Op), Old: shownValue(d.Old), New: shownValue(d.New)})
	}
	return v
}

// shownValue is a value as compact JSON, cut short; "" for none.
func shownValue(x any) string {
	if x == nil {
		return ""
	}
	b, err := json.Marshal(x)
	if err != nil {
		return "?"
	}
	s := string(b)
	if utf8.RuneCountInString(s) > maxShownValue {
		s = string([]rune(s)[:maxShownValue-1]) + "…"
	}
	return s
}
