package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/service"
	"github.com/lexval/lexval/validator"
)

type catalogPage struct {
	page
	Open    openForm
	Paste   pasteForm
	Entries []catalogEntry
}

// pasteForm is the "paste any record" form: the record is checked against
// the lexicon its $type names.
type pasteForm struct {
	Value           string
	AllowUnresolved bool
	Result          *resultView
	Problem         *problem
}

// openForm is the "open an AT-URI or NSID" form, with what the user typed.
type openForm struct {
	Ref     string
	Network bool
	Problem *problem
}

type catalogEntry struct {
	NSID        string
	Href        string
	Type        string
	Description string
}

// GET|POST / (a POST is the paste form submitted without JavaScript; a GET
// with the form's fields in its query, a permalink, checks them too)
func (u *UI) catalog(c echo.Context) error {
	open := openForm{Network: u.cfg.Service.Network()}
	if c.Request().Method != http.MethodPost && !permalinked(c) {
		return u.renderCatalog(c, http.StatusOK, open)
	}
	var paste pasteForm
	status := u.checkPaste(c, &paste)
	return u.renderCatalogWith(c, status, open, paste)
}

// checkPaste validates the pasted record against its $type and puts the
// verdict (or what stopped it) on the form, keeping the text. It returns
// the status.
func (u *UI) checkPaste(c echo.Context, p *pasteForm) int {
	fail := func(pr problem) int {
		p.Problem = &pr
		return pr.Status
	}
	form, pr := u.submitted(c)
	if pr != nil {
		return fail(*pr)
	}
	p.Value = form.Get("value")
	p.AllowUnresolved = form.Get("allowUnresolved") != ""
	if strings.TrimSpace(p.Value) == "" {
		return fail(problem{Status: http.StatusBadRequest, Title: "Nothing to validate", Message: "Paste a record into the box above, then press Validate.", Field: "value"})
	}
	v, err := decodeValue(p.Value)
	if err != nil {
		return fail(jsonProblem("Not valid JSON", "value", []byte(p.Value), err))
	}
	bt := u.cfg.Service.ByType(validator.Options{AllowUnresolved: p.AllowUnresolved}, "or open its lexicon above")
	chk, verdict, err := bt.Checker(c.Request().Context(), v)
	switch {
	case err != nil:
		return fail(u.problemFor(c, err))
	case chk != nil:
		p.Result = newResultView(chk.Info, chk.Target, chk.Validate(v))
	default:
		p.Result = newResultView(service.SchemaInfo{}, validator.TargetRecord, verdict)
		p.Result.Against = pasteAgainst
	}
	p.Result.For = "value"
	p.Result.setPermalink("/", form)
	return http.StatusOK
}

// pasteAgainst names the schema of a record whose $type names none.
const pasteAgainst = "its $type"

func (u *UI) renderCatalog(c echo.Context, status int, open openForm) error {
	return u.renderCatalogWith(c, status, open, pasteForm{})
}

func (u *UI) renderCatalogWith(c echo.Context, status int, open openForm, paste pasteForm) error {
	recs := u.cfg.Service.Catalog()
	entries := make([]catalogEntry, 0, len(recs))
	for _, r := range recs {
		typ, desc := summary(r)
		entries = append(entries, catalogEntry{NSID: r.NSID().String(), Href: lexiconHref(r.URI.Authority().String(), r.NSID().String(), ""), Type: typ, Description: desc})
	}
	return u.renderPage(c, status, pageCatalog, catalogPage{page: page{Title: "Lexicon catalog", Section: "catalog"}, Open: open, Paste: paste, Entries: entries})
}

// GET /lexicon?ref=… opens what the user typed: an AT-URI, an NSID or
// NSID#def, by redirecting to its page.
func (u *UI) open(c echo.Context) error {
	raw := strings.TrimSpace(c.QueryParam("ref"))
	open := openForm{Ref: raw, Network: u.cfg.Service.Network()}
	if raw == "" {
		open.Problem = &problem{Status: http.StatusBadRequest, Title: "Nothing to open", Message: "Type an NSID such as app.bsky.feed.post, or an AT-URI."}
		return u.renderCatalog(c, http.StatusBadRequest, open)
	}
	ref, err := service.ParseSchemaRef(raw)
	if err != nil {
		p := refProblem(raw, err)
		open.Problem = &p
		return u.renderCatalog(c, p.Status, open)
	}
	return c.Redirect(http.StatusSeeOther, refHref(ref))
}

// refHref is the page of a schema reference.
func refHref(ref service.SchemaRef) string {
	return lexiconHref(ref.URI.Authority().String(), ref.Def.NSID.String(), ref.Def.Name)
}

// lexiconHref is /lexicon/{did}/{nsid} (Lexicon Garden's scheme) or
// /lexicon/{nsid} for documents without an authority, with ?def= for a
// definition other than main.
func lexiconHref(authority, nsid, def string) string {
	h := "/lexicon/"
	if authority != "" {
		h += url.PathEscape(authority) + "/"
	}
	h += url.PathEscape(nsid)
	if def != "" && def != "main" {
		h += "?def=" + url.QueryEscape(def)
	}
	return h
}

// summary is what the catalog says about a lexicon: its main definition's
// type and description, or "definitions" for a lexicon without main.
func summary(r *resolver.Record) (typ, desc string) {
	doc := r.Document
	typ, desc = "definitions", doc.Description
	if m, ok := doc.Defs["main"]; ok {
		typ = string(m.Type())
		if m.Description() != "" {
			desc = m.Description()
		}
	}
	return typ, desc
}
