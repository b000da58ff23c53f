package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/ipfs/go-cid"
	"github.com/labstack/echo/v4"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/service"
	"github.com/lexval/lexval/validator"
)

type lexiconPage struct {
	page
	NSID string
	// Type and Description are the lexicon's, as the catalog lists them.
	Type        string
	Description string
	Schema      []token
	// Docs is what the lexicon says, for the documentation view.
	Docs *service.Description
	// Defs lists the definitions values can be checked against, when there
	// is a choice.
	Defs    []defChoice
	Def     string // the chosen definition's name
	Against string // "nsid" or "nsid#def"
	// DefDescription describes the chosen definition, when it is not main.
	DefDescription string
	// Validating names what the form checks: "a record", "an output", or
	// "a value" when the target is chosen on the form.
	Validating string
	// Action is the page's own URL, where the form posts without JavaScript;
	// APISchema is the schema as the JSON API names it.
	Action    string
	APISchema string
	Targets   []choice
	Hint      string
	// Placeholder shows the shape of the value expected.
	Placeholder     string
	Value           string
	RecordURI       string // a record's AT-URI, typed instead of Value
	Network         bool   // offer RecordURI: such records come from the network
	AllowUnresolved bool
	Result          *resultView
	Problem         *problem
	Meta            metadata
	// Pinned: the page shows the version its ?cid= names.
	Pinned bool
	// History lists the stored versions, when the server keeps a store.
	History *historyView
}

// historyView is the History section: the stored versions, newest first.
type historyView struct {
	Versions []historyEntry
	// Of says whose versions: the record's, or every publisher's of the
	// NSID; More links to the API for the versions past this page.
	Of, More string
	Error    string // why the history could not be read
}

type historyEntry struct {
	service.HistoryVersion
	Href     string // the version's page
	Current  bool   // the version shown
	Problems int
	// Changes are the changes from the version before, of the same record,
	// when that one is listed too; nil when it is not.
	Changes *versionChanges
	// First: the first version of its record this server has seen.
	First bool
}

// versionChanges marks a version with what changed from the one before.
type versionChanges struct {
	// Href is the compare page of the two versions.
	Href string
	// Breaking and Warnings count the changes that break data and those
	// that loosen rules; BreakingRules and WarningRules name their rules,
	// each once.
	Breaking, Warnings          int
	BreakingRules, WarningRules []string
	// Same: the two versions do not differ at all.
	Same bool
	// Error says why the two were not compared.
	Error string
}

type defChoice struct {
	Name, Type, Href string
	Current          bool
}

// choice is one option of a radio group or select; app.js shows Hint and
// Placeholder when the option is picked.
type choice struct {
	Value, Label      string
	Checked           bool
	Hint, Placeholder string
}

type metadata struct {
	DID, CID, URI string
	IndexedAt     time.Time
	Source        string
	// Proof is how a network record was proven; nil for local ones.
	Proof *resolver.Proof
	// Bundled is set for a lexicon bundled with lexval: where upstream it
	// was copied from, and why the network gave no published version.
	Bundled *bundledMeta
}

type bundledMeta struct {
	URL, Commit  string
	Committed    time.Time
	NetworkError string
}

// GET|POST /lexicon/:nsid and /lexicon/:did/:nsid (Lexicon Garden's scheme).
// A POST is the Validate Record form submitted without JavaScript; a GET
// with the form's fields in its query (a permalink) checks them too.
func (u *UI) lexicon(c echo.Context) error {
	if strings.Contains(c.Param("did")+c.Param("nsid"), "/") {
		// Echo lets the last parameter run to the end of the path; deeper
		// paths are not lexicon pages.
		return u.notFound(c)
	}
	did, nsid := pathParam(c, "did"), pathParam(c, "nsid")
	raw, shown := nsid, nsid
	if did != "" {
		raw = "at://" + did + "/" + string(service.SchemaCollection) + "/" + nsid
		shown = raw
	}
	ref, err := service.ParseSchemaRef(raw)
	if err != nil {
		return u.badAddress(c, did, nsid, shown, err)
	}
	pin := cid.Undef
	if s := c.QueryParam("cid"); s != "" {
		if pin, err = cid.Decode(s); err != nil {
			p := problem{Status: http.StatusBadRequest, Title: "Not a valid CID", Message: "“" + s + "” in the address is not a CID, so it names no version of " + nsid + ".", Detail: err.Error()}
			return u.renderPage(c, p.Status, pageError, errorPage{page: page{Title: p.Title}, Problem: p, Open: &openForm{Ref: shown, Network: u.cfg.Service.Network()}})
		}
	}
	rec, err := u.cfg.Service.Lookup(c.Request().Context(), ref, pin)
	if err != nil {
		p := u.problemFor(c, err)
		var elsewhere *link
		if p.Status == http.StatusNotFound {
			p.Message, elsewhere = u.notFoundMessage(did, nsid)
		}
		return u.renderPage(c, p.Status, pageError, errorPage{
			page:      page{Title: p.Title},
			Problem:   p,
			Elsewhere: elsewhere,
			Open:      &openForm{Ref: shown, Network: u.cfg.Service.Network()},
		})
	}
	p, status := u.newLexiconPage(rec, c.QueryParam("def"))
	if pin.Defined() {
		p.Pinned = true
		p.Action = withCID(p.Action, rec.CID.String())
		for i := range p.Defs {
			p.Defs[i].Href = withCID(strings.TrimSuffix(p.Defs[i].Href, "#validate"), rec.CID.String()) + "#validate"
		}
	}
	if u.cfg.Service.HasStore() {
		p.History = u.history(c, ref, rec, did)
		for _, v := range p.History.Versions {
			if v.Current && v.URI == rec.URI.String() {
				p.Meta.IndexedAt = v.IndexedAt // the store's first sighting
			}
		}
	}
	if status == http.StatusOK && (c.Request().Method == http.MethodPost || permalinked(c)) {
		status = u.checkSubmission(c, p, ref)
	}
	return u.renderPage(c, status, pageLexicon, p)
}

// historyPageSize bounds the versions the History section lists; the API
// pages through the rest.
const historyPageSize = 50

// history lists the stored versions for the History section: of the
// record when the page names a repository, else of every publisher of the
// NSID, each marked authoritative or not, and with its changes from the
// version it replaced (markChanges).
func (u *UI) history(c echo.Context, ref service.SchemaRef, rec *resolver.Record, did string) *historyView {
	q := service.HistoryQuery{NSID: rec.NSID(), Limit: historyPageSize}
	v := &historyView{Of: "every publisher of " + rec.NSID().String()}
	api := "/api/v1/history?nsid=" + url.QueryEscape(rec.NSID().String())
	if did != "" {
		q.URI = ref.URI
		v.Of = "this record"
		api = "/api/v1/history?uri=" + url.QueryEscape(string(ref.URI))
	}
	h, err := u.cfg.Service.History(c.Request().Context(), q)
	if err != nil {
		u.cfg.Logger.Warn("history failed", "nsid", rec.NSID(), "error", err)
		v.Error = "The history could not be read: " + technical(err)
		return v
	}
	for _, hv := range h.Versions {
		authority := syntax.ATURI(hv.URI).Authority().String()
		v.Versions = append(v.Versions, historyEntry{
			HistoryVersion: hv,
			Href:           withCID(lexiconHref(authority, rec.NSID().String(), ""), hv.CID),
			Current:        hv.CID == rec.CID.String() && hv.URI == rec.URI.String(),
			Problems:       len(hv.Problems),
		})
	}
	if h.Cursor != "" {
		v.More = api + "&cursor=" + url.QueryEscape(h.Cursor)
	}
	u.markChanges(c.Request().Context(), rec.NSID().String(), v)
	return v
}

// markChanges marks each version in v with the changes from the version
// before it: the next one listed with the same URI (entries are newest
// first), compared by service.CompareVersions as NSID@CID. Only pairs on
// the page are compared, at most historyPageSize-1, within a share of the
// request's time (historyCompareShare of Config.RequestTimeout); past it,
// a version says it was not compared.
func (u *UI) markChanges(ctx context.Context, nsid string, v *historyView) {
	ctx, cancel := context.WithTimeoutCause(ctx, u.cfg.RequestTimeout/historyCompareShare, errCompareTime)
	defer cancel()
	for i := range v.Versions {
		newer := &v.Versions[i]
		j := i + 1
		for j < len(v.Versions) && v.Versions[j].URI != newer.URI {
			j++
		}
		if j == len(v.Versions) {
			// The version before, if any, is on a later page.
			newer.First = v.More == ""
			continue
		}
		older := v.Versions[j]
		ch := &versionChanges{Href: "/compare?old=" + url.QueryEscape(nsid+"@"+older.CID) + "&new=" + url.QueryEscape(nsid+"@"+newer.CID)}
		newer.Changes = ch
		if ctx.Err() != nil {
			ch.Error = "not compared: " + context.Cause(ctx).Error()
			continue
		}
		cmp, err := u.cfg.Service.CompareVersions(ctx, service.Version{Ref: nsid + "@" + older.CID}, service.Version{Ref: nsid + "@" + newer.CID}, service.CompareOptions{})
		if err != nil {
			if ctx.Err() != nil {
				err = context.Cause(ctx)
			}
			ch.Error = "not compared: " + technical(err)
			continue
		}
		ch.Same = len(cmp.Diff) == 0
		for _, c := range cmp.Changes {
			if c.Severity.AtLeast(lexdoc.SeverityError) {
				ch.Breaking++
				ch.BreakingRules = append(ch.BreakingRules, c.Rule)
			} else {
				ch.Warnings++
				ch.WarningRules = append(ch.WarningRules, c.Rule)
			}
		}
		slices.Sort(ch.BreakingRules)
		slices.Sort(ch.WarningRules)
		ch.BreakingRules, ch.WarningRules = slices.Compact(ch.BreakingRules), slices.Compact(ch.WarningRules)
	}
}

// errCompareTime is why versions the History section lists were not
// compared.
var errCompareTime = errors.New("the page's time for comparing versions is out")

// historyCompareShare: the History section's comparisons get this share
// of Config.RequestTimeout, so that the page is served in time.
const historyCompareShare = 3

// withCID adds ?cid= (or &cid=) to a page's address: the stable URL of one
// version.
func withCID(href, c string) string {
	sep := "?"
	if strings.Contains(href, "?") {
		sep = "&"
	}
	return href + sep + "cid=" + url.QueryEscape(c)
}

// pathParam is the path parameter name, unescaped. Echo matches the raw
// path when the request has one (then parameters arrive escaped, and net/http
// has already refused a malformed escape) and the decoded path otherwise: a
// second unescaping there would turn a DID's own %3A, or an NSID typed as
// %2541, into something the user did not ask for.
func pathParam(c echo.Context, name string) string {
	v := c.Param(name)
	if c.Request().URL.RawPath == "" {
		return v
	}
	if u, err := url.PathUnescape(v); err == nil {
		return u
	}
	return v
}

// badAddress is the page for a lexicon URL that names no lexicon: it says
// which part is at fault, in the terms of the URL; err, the service's
// wording of the rule, is the detail.
func (u *UI) badAddress(c echo.Context, did, nsid, shown string, err error) error {
	p := problem{Status: http.StatusBadRequest, Detail: technical(err)}
	const pages = " Lexicon pages are /lexicon/{nsid} and /lexicon/{did}/{nsid}."
	switch {
	case did != "" && !validDID(did):
		p.Title = "Not a valid DID"
		p.Message = "“" + did + "” is not a DID: a DID looks like did:plc:6msi3pj7krzih5qxqtryxlzw or did:web:example.com." + pages
	case !validNSID(nsid):
		p.Title = "Not a valid NSID"
		p.Message = nsidAdvice(nsid) + pages
	default:
		p.Title = "Not a valid AT-URI"
		p.Message = "“" + shown + "” is not the address of a lexicon." + pages
	}
	return u.renderPage(c, p.Status, pageError, errorPage{
		page:    page{Title: p.Title},
		Problem: p,
		Open:    &openForm{Ref: shown, Network: u.cfg.Service.Network()},
	})
}

// notFoundMessage says that no lexicon nsid is published by did (or at all,
// when did is empty). When the catalog has nsid from another authority, it
// says so and links to that page, since a DID in a copied URL is easily
// wrong.
func (u *UI) notFoundMessage(did, nsid string) (string, *link) {
	if did != "" {
		// A published record is what a URL with a DID is after; a local
		// directory's document will do when there is none.
		local := false
		if r, ok := u.cfg.Service.CatalogRecord(syntax.NSID(nsid)); ok {
			if r.URI == "" {
				local = true
			} else if other := r.URI.Authority().String(); other != did {
				return nsid + " is published by " + other + ", not by " + did + ".",
					&link{Href: lexiconHref(other, nsid, ""), Text: "Open " + nsid + " as published by " + other}
			}
		}
		if local {
			return "This server's catalog has " + nsid + " from a local directory, not published by " + did + ".",
				&link{Href: lexiconHref("", nsid, ""), Text: "Open " + nsid + " from the local directory"}
		}
		if u.cfg.Service.Network() {
			return "lexval found no lexicon " + nsid + " published by " + did + ", neither locally nor on the network.", nil
		}
		return "There is no lexicon " + nsid + " published by " + did + " in this server's catalog, and network resolution is off.", nil
	}
	msg := "There is no lexicon " + nsid + " in this server's catalog, and network resolution is off."
	if u.cfg.Service.Network() {
		msg = "lexval found no lexicon " + nsid + ", neither locally nor on the network."
	}
	if near := u.cfg.Service.SuggestNSID(nsid); len(near) > 0 {
		return msg + " Did you mean " + near[0] + "?", &link{Href: lexiconHref("", near[0], ""), Text: "Open " + near[0]}
	}
	return msg, nil
}

// newLexiconPage describes rec, with the form set to check def (main, or the
// first definition that can be checked, when def is empty).
func (u *UI) newLexiconPage(rec *resolver.Record, def string) (*lexiconPage, int) {
	doc := rec.Document
	nsid := doc.ID.String()
	authority := rec.URI.Authority().String()
	// Shown as hashed: a directory document with the $type its CID covers.
	value, err := service.RecordValue(rec)
	if err != nil {
		value = rec.Value
	}
	p := &lexiconPage{
		page:   page{Title: nsid},
		NSID:   nsid,
		Schema: highlight(value, refLinker(nsid)),
		Docs:   service.DescribeLexicon(rec),
		Meta: metadata{
			DID:       authority,
			CID:       rec.CID.String(),
			URI:       rec.URI.String(),
			IndexedAt: rec.IndexedAt,
			Source:    sourceLabel(rec.Source),
			Proof:     rec.Proof,
		},
		Network: u.cfg.Service.Network(),
	}
	if up := rec.Upstream; up != nil {
		b := &bundledMeta{URL: up.URL(), Commit: up.Commit, Committed: up.Committed}
		if rec.NetworkError != nil {
			b.NetworkError = rec.NetworkError.Error()
		}
		p.Meta.Bundled = b
	}

	names := checkableDefs(doc)
	status := http.StatusOK
	switch {
	case def == "" && len(names) > 0:
		def = names[0]
	case def != "" && !slices.Contains(names, def):
		p.Problem = &problem{Status: http.StatusNotFound, Title: "No such definition",
			Message: nsid + " has no definition named “" + def + "” that values can be checked against."}
		status = http.StatusNotFound
		def = ""
		if len(names) > 0 {
			def = names[0]
		}
	}
	p.Def = def
	p.Against = defLabel(nsid, def)
	// The header is about the lexicon, as its catalog entry is; the form
	// below it about the chosen definition.
	p.Type, p.Description = summary(rec)
	if d, ok := doc.Defs[def]; ok && def != "main" {
		p.DefDescription = d.Description()
	}
	p.Action = lexiconHref(authority, nsid, def)
	p.APISchema = service.SchemaRef{URI: rec.URI, Def: lexdoc.DefRef{NSID: doc.ID, Name: def}}.String()
	if len(names) > 1 {
		for _, n := range names {
			p.Defs = append(p.Defs, defChoice{Name: n, Type: string(doc.Defs[n].Type()), Href: lexiconHref(authority, nsid, n) + "#validate", Current: n == def})
		}
	}
	if def != "" {
		targets := validator.Targets(doc, def)
		chosen := defaultTarget(targets)
		for _, t := range targets {
			hint, placeholder := targetHint(t, nsid)
			p.Targets = append(p.Targets, choice{Value: string(t), Label: targetLabel(t), Checked: t == chosen, Hint: hint, Placeholder: placeholder})
		}
		p.setHint(chosen)
		p.Validating = "a value"
		if len(targets) == 1 {
			p.Validating = targetArticle(targets[0])
		}
	}
	return p, status
}

// setHint words the help and placeholder for the chosen target.
func (p *lexiconPage) setHint(t validator.Target) {
	p.Hint, p.Placeholder = targetHint(t, p.NSID)
}

// targetHint says what to paste for a target, and shows its shape.
func targetHint(t validator.Target, nsid string) (hint, placeholder string) {
	const tail = " Every error is listed with the path of the value at fault."
	switch t {
	case validator.TargetRecord:
		return "Paste the record as JSON, with its $type." + tail, `{"$type": "` + nsid + `", …}`
	case validator.TargetParams:
		return "Paste the parameters as a JSON object of name and value." + tail, `{"limit": 50, …}`
	case validator.TargetInput:
		return "Paste the input (the request body) as JSON." + tail, "{…}"
	case validator.TargetOutput:
		return "Paste the output (the response body) as JSON." + tail, "{…}"
	case validator.TargetMessage:
		return "Paste one message of the stream as JSON, with its $type." + tail, `{"$type": "` + nsid + `#…", …}`
	}
	return "Paste the value as JSON." + tail, "{…}"
}

// targetArticle names the value a target checks, with its article, for
// "Validate … against {nsid}".
func targetArticle(t validator.Target) string {
	switch t {
	case validator.TargetRecord:
		return "a record"
	case validator.TargetParams:
		return "parameters"
	case validator.TargetInput:
		return "an input"
	case validator.TargetOutput:
		return "an output"
	case validator.TargetMessage:
		return "a message"
	case validator.TargetObject:
		return "an object"
	}
	return "a value"
}

// checkableDefs lists the definitions a value can be checked against: main
// first, then the rest by name.
func checkableDefs(doc *lexdoc.Document) []string {
	var names []string
	for name := range doc.Defs {
		if len(validator.Targets(doc, name)) > 0 {
			names = append(names, name)
		}
	}
	sort.Slice(names, func(i, j int) bool {
		if (names[i] == "main") != (names[j] == "main") {
			return names[i] == "main"
		}
		return names[i] < names[j]
	})
	return names
}

// defaultTarget preselects what people most often paste: the record, or the
// body of a query, procedure or subscription rather than its parameters.
func defaultTarget(ts []validator.Target) validator.Target {
	for _, want := range []validator.Target{validator.TargetRecord, validator.TargetInput, validator.TargetOutput, validator.TargetMessage, validator.TargetObject} {
		if slices.Contains(ts, want) {
			return want
		}
	}
	if len(ts) > 0 {
		return ts[0]
	}
	return ""
}

func sourceLabel(s resolver.SourceKind) string {
	switch s {
	case resolver.SourceEmbedded:
		return "embedded catalog"
	case resolver.SourceDirectory:
		return "local directory"
	case resolver.SourceNetwork:
		return "fetched from the network, proven by its repository's signed commit"
	case resolver.SourceBundled:
		return "bundled from the atproto repository, not verified against a published record"
	case resolver.SourceTap:
		return "delivered by Tap, which verified its repository's signed commit"
	}
	return string(s)
}

// checkSubmission validates the posted value and puts the verdict (or what
// stopped it) on the page, keeping the user's text. It returns the status.
func (u *UI) checkSubmission(c echo.Context, p *lexiconPage, ref service.SchemaRef) int {
	fail := func(pr problem) int {
		p.Problem = &pr
		return pr.Status
	}
	form, pr := u.submitted(c)
	if pr != nil {
		return fail(*pr)
	}
	p.Value = form.Get("value")
	p.RecordURI = strings.TrimSpace(form.Get("uri"))
	p.AllowUnresolved = form.Get("allowUnresolved") != ""

	target := validator.Target(form.Get("target"))
	found := false
	for i := range p.Targets {
		p.Targets[i].Checked = p.Targets[i].Value == string(target)
		found = found || p.Targets[i].Checked
	}
	if !found {
		return fail(problem{Status: http.StatusBadRequest, Title: "Choose what to validate",
			Message: "The form did not say whether the JSON is " + joinChoices(p.Targets) + "."})
	}
	p.setHint(target)

	pin := cid.Undef
	if s := form.Get("cid"); s != "" {
		var err error
		if pin, err = datamodel.ParseCID(s); err != nil {
			return fail(problem{Status: http.StatusBadRequest, Title: "Invalid CID", Message: "The form's CID: " + err.Error()})
		}
	}
	empty := strings.TrimSpace(p.Value) == ""
	switch {
	case p.RecordURI != "" && !empty:
		return fail(problem{Status: http.StatusBadRequest, Title: "Two things to validate", Message: "Paste a JSON value or give the AT-URI of a record, not both.", Field: "uri"})
	case p.RecordURI != "":
		status := u.checkRecordURI(c, p, ref, pin, target)
		if p.Result != nil {
			p.Result.setPermalink(p.Action, form)
		}
		return status
	case empty:
		return fail(problem{Status: http.StatusBadRequest, Title: "Nothing to validate", Message: "Paste a JSON value into the box above, then press Validate.", Field: "value"})
	}
	v, err := decodeValue(p.Value)
	if err != nil {
		return fail(jsonProblem("Not valid JSON", "value", []byte(p.Value), err))
	}
	chk, err := u.prepare(c, p, ref, pin, target)
	if err != nil {
		return fail(u.problemFor(c, err))
	}
	r, err := u.explain(c, chk, v)
	if err != nil {
		return fail(u.problemFor(c, err))
	}
	p.Result = newResultView(chk.Info, chk.Target, r)
	p.Result.For = "value"
	p.Result.setPermalink(p.Action, form)
	return http.StatusOK
}

func (u *UI) prepare(c echo.Context, p *lexiconPage, ref service.SchemaRef, pin cid.Cid, target validator.Target) (*service.Checker, error) {
	ref.Def.Name = p.Def
	return u.cfg.Service.Prepare(c.Request().Context(), service.Request{
		Schema:  ref,
		CID:     pin,
		Target:  target,
		Options: validator.Options{AllowUnresolved: p.AllowUnresolved},
	})
}

// checkRecordURI validates the record p.RecordURI names, fetched with its
// proof, and shows which record it was and how it was proven.
func (u *UI) checkRecordURI(c echo.Context, p *lexiconPage, ref service.SchemaRef, pin cid.Cid, target validator.Target) int {
	fail := func(pr problem) int {
		p.Problem = &pr
		return pr.Status
	}
	uri, err := service.ParseRecordURI(p.RecordURI)
	if err != nil {
		return fail(problem{Status: http.StatusBadRequest, Title: "Not the AT-URI of a record",
			Message: "A record's AT-URI looks like at://did:plc:…/" + p.NSID + "/3k…: a DID, a collection and a record key.",
			Detail:  technical(err), Field: "uri"})
	}
	chk, err := u.prepare(c, p, ref, pin, target)
	if err != nil {
		return fail(u.problemFor(c, err))
	}
	rec, err := u.cfg.Service.FetchRecord(c.Request().Context(), uri)
	if err != nil {
		return fail(u.problemFor(c, err))
	}
	r, err := u.explain(c, chk, rec.Value)
	if err != nil {
		return fail(u.problemFor(c, err))
	}
	p.Result = newResultView(chk.Info, chk.Target, r)
	info := service.NewRecordInfo(rec)
	p.Result.Record = &info
	return http.StatusOK
}

func joinChoices(cs []choice) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = strings.ToLower(strings.SplitN(c.Label, " ", 2)[0])
	}
	return strings.Join(s, " or ")
}
