package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/labstack/echo/v4"

	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/service"
)

// compareView is a draft compared with the published version of its
// lexicon: the changes that break data, then every difference.
type compareView struct {
	NSID string
	// Published is the old version, New the new one (for a draft, the
	// document sent).
	Published, New service.VersionInfo
	Breaking       bool
	Changes        []changeView
	Diff           []diffView
	// OldName names the old version in the lists ("the published
	// version"), Same says that nothing differs.
	OldName, Same string
	// Advice, when set, says what to do about a breaking change.
	Advice string
	// For is the id of the textarea holding the new version, into which
	// the changes' paths point; "" when no box holds it.
	For string
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
	p.Compare.OldName, p.Compare.Same, p.Compare.For = "the published version", "The draft is the published version.", "lexicon"
	p.Compare.Advice = "publish this as a new lexicon, or keep the old rules"
	return http.StatusOK
}

func newCompareView(id string, cmp *service.Comparison) *compareView {
	v := &compareView{NSID: id, Breaking: cmp.Breaking}
	if len(cmp.Old) > 0 {
		v.Published = cmp.Old[0]
	}
	if len(cmp.New) > 0 {
		v.New = cmp.New[0]
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

// comparePage is two versions of a lexicon compared.
type comparePage struct {
	page
	// Old and New name the versions as the form does.
	Old, New string
	NSID     string
	// LexiconHref is the lexicon's page; OldHref and NewHref each
	// version's.
	LexiconHref, OldHref, NewHref string
	Compare                       *compareView
	Problem                       *problem
}

// maxVersionRef bounds what names a version on the compare page: an
// AT-URI or NSID@CID is a few hundred bytes.
const maxVersionRef = 1 << 10

// GET /compare?old=REF&new=REF compares two versions of a lexicon, each
// named as service.CompareVersions takes them (an NSID, an AT-URI, NSID@CID
// for a stored version): what the History section's marks link to.
func (u *UI) compareVersions(c echo.Context) error {
	p := &comparePage{page: page{Title: "Compare versions"},
		Old: strings.TrimSpace(c.QueryParam("old")), New: strings.TrimSpace(c.QueryParam("new"))}
	switch {
	case p.Old == "" && p.New == "":
	case p.Old == "" || p.New == "" || len(p.Old) > maxVersionRef || len(p.New) > maxVersionRef:
		field := "old"
		if p.Old != "" && len(p.Old) <= maxVersionRef {
			field = "new"
		}
		p.Problem = &problem{Status: http.StatusBadRequest, Title: "Two versions to compare", Field: field,
			Message: "Name the old version and the new one: each an NSID, an AT-URI, or NSID@CID for a stored version."}
	default:
		ctx, cancel := context.WithTimeoutCause(c.Request().Context(), u.cfg.RequestTimeout, errOutOfTime)
		defer cancel()
		cmp, err := u.cfg.Service.CompareVersions(ctx, service.Version{Ref: p.Old}, service.Version{Ref: p.New}, service.CompareOptions{})
		if err != nil {
			pr := u.problemFor(c, err)
			if service.ErrorCode(err) == service.CodeNotFound {
				pr.Title, pr.Message = "Version not found", "lexval found no such version: a stored version is NSID@CID, as a lexicon's History lists them."
			}
			p.Problem = &pr
			break
		}
		v := newCompareView(p.New, cmp)
		v.NSID = v.New.NSID
		v.OldName, v.Same = "the old version", "The two versions are the same."
		p.Compare, p.NSID = v, v.NSID
		p.Title = "Compare versions of " + v.NSID
		p.LexiconHref = lexiconHref("", v.NSID, "")
		p.OldHref, p.NewHref = versionHref(v.Published), versionHref(v.New)
	}
	status := http.StatusOK
	if p.Problem != nil {
		status = p.Problem.Status
	}
	return u.renderPage(c, status, pageCompare, p)
}

// versionHref is the page of one version of a lexicon.
func versionHref(v service.VersionInfo) string {
	authority := ""
	if v.URI != "" {
		authority = syntax.ATURI(v.URI).Authority().String()
	}
	h := lexiconHref(authority, v.NSID, "")
	if v.CID != "" {
		h = withCID(h, v.CID)
	}
	return h
}
