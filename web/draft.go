package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/service"
	"github.com/lexval/lexval/validator"
)

type draftPage struct {
	page
	Lexicon         string
	Record          string
	RecordURI       string // a record's AT-URI, typed instead of Record
	Network         bool   // offer RecordURI: such records come from the network
	Def             string
	Targets         []choice
	AllowUnresolved bool
	Lint            *lintView
	Result          *resultView
	// Compare is the draft against the published version, when asked.
	Compare *compareView
	Problem *problem
}

type lintView struct {
	NSID   string
	Errors []lexdoc.Finding
	// Unresolved lists the references the document makes that resolve
	// nowhere, when the form allows them.
	Unresolved []lexdoc.Unresolved
}

var draftTargets = []validator.Target{
	validator.TargetRecord, validator.TargetParams, validator.TargetInput,
	validator.TargetOutput, validator.TargetMessage, validator.TargetObject,
}

// defaultRequestTimeout is Config.RequestTimeout's default, the server's.
const defaultRequestTimeout = 30 * time.Second

// errOutOfTime is the cause of a draft's context once its time is out.
var errOutOfTime = errors.New("the draft's time is out")

// GET|POST /validate: lint an unpublished lexicon document and validate a
// record against it.
func (u *UI) draft(c echo.Context) error {
	p := &draftPage{page: page{Title: "Validate a draft lexicon", Section: "validate"}, Def: "main", Network: u.cfg.Service.Network()}
	status := http.StatusOK
	target := ""
	if c.Request().Method == http.MethodPost {
		status, target = u.checkDraft(c, p)
	}
	p.Targets = []choice{{Value: "", Label: "Automatic (from the definition)", Checked: target == ""}}
	for _, t := range draftTargets {
		p.Targets = append(p.Targets, choice{Value: string(t), Label: targetLabel(t), Checked: string(t) == target})
	}
	return u.renderPage(c, status, pageDraft, p)
}

// checkDraft fills p from the posted form and returns the status and the
// chosen target.
func (u *UI) checkDraft(c echo.Context, p *draftPage) (int, string) {
	fail := func(pr problem) int {
		p.Problem = &pr
		return pr.Status
	}
	if err := u.parseForm(c); err != nil {
		return fail(u.bodyProblem(err)), ""
	}
	form := c.Request().PostForm
	p.Lexicon = form.Get("lexicon")
	p.Record = form.Get("record")
	p.RecordURI = strings.TrimSpace(form.Get("uri"))
	p.AllowUnresolved = form.Get("allowUnresolved") != ""
	if d := strings.TrimSpace(form.Get("def")); d != "" {
		p.Def = d
	}
	rawTarget := form.Get("target")
	var target validator.Target
	if rawTarget != "" {
		t, err := validator.ParseTarget(rawTarget)
		if err != nil {
			return fail(problem{Status: http.StatusBadRequest, Title: "Unknown target",
				Message: "“" + rawTarget + "” is not a kind of value lexval checks: choose one from the list.", Detail: err.Error()}), ""
		}
		target = t
	}

	if strings.TrimSpace(p.Lexicon) == "" {
		return fail(problem{Status: http.StatusBadRequest, Title: "Nothing to check",
			Message: "Paste a lexicon document into the first box.", Field: "lexicon"}), rawTarget
	}
	doc, err := decodeValue(p.Lexicon)
	if err != nil {
		return fail(jsonProblem("The lexicon document is not valid JSON", "lexicon", []byte(p.Lexicon), err)), rawTarget
	}
	lint := &lintView{}
	if m, ok := doc.(map[string]any); ok {
		lint.NSID, _ = m["id"].(string)
	}
	// The draft's work stops when its time is out (or its visitor leaves).
	ctx, cancel := context.WithTimeoutCause(c.Request().Context(), u.cfg.RequestTimeout, errOutOfTime)
	defer cancel()
	opts := validator.Options{AllowUnresolved: p.AllowUnresolved}
	// lintAlone lints the document for the page, as when no record is given.
	lintAlone := func() error {
		// The page lists errors, as the XRPC method its script calls does.
		r, err := u.cfg.Service.LintDocument(ctx, doc, lexdoc.LintOptions{AllowUnresolved: opts.AllowUnresolved, MinSeverity: lexdoc.SeverityError})
		if err != nil {
			return err
		}
		lint.Errors, lint.Unresolved = r.Findings, r.Unresolved
		p.Lint = lint
		return nil
	}

	if form.Get("compare") != "" {
		return u.compareDraft(c, p, doc, lintAlone), rawTarget
	}

	noRecord := strings.TrimSpace(p.Record) == ""
	if noRecord && p.RecordURI == "" {
		if err := lintAlone(); err != nil {
			return fail(u.problemFor(c, err)), rawTarget
		}
		return http.StatusOK, rawTarget
	}

	// What keeps the record from being checked is shown beside the lint:
	// the author learns about both at once.
	lintAnd := func(pr problem) (int, string) {
		if lerr := lintAlone(); lerr != nil {
			return fail(u.problemFor(c, lerr)), rawTarget
		}
		return fail(pr), rawTarget
	}
	var (
		value  any
		record *service.RecordInfo
	)
	switch {
	case p.RecordURI != "" && !noRecord:
		return lintAnd(problem{Status: http.StatusBadRequest, Title: "Two records to validate", Message: "Paste a record or give the AT-URI of one, not both.", Field: "uri"})
	case p.RecordURI != "":
		uri, err := service.ParseRecordURI(p.RecordURI)
		if err != nil {
			return lintAnd(problem{Status: http.StatusBadRequest, Title: "Not the AT-URI of a record",
				Message: "A record's AT-URI looks like at://did:plc:…/com.example.thing/3k…: a DID, a collection and a record key.",
				Detail:  technical(err), Field: "uri"})
		}
		rec, err := u.cfg.Service.FetchRecord(ctx, uri)
		if err != nil {
			return lintAnd(u.problemFor(c, err))
		}
		info := service.NewRecordInfo(rec)
		value, record = rec.Value, &info
	default:
		v, err := decodeValue(p.Record)
		if err != nil {
			return lintAnd(jsonProblem("The record is not valid JSON", "record", []byte(p.Record), err))
		}
		value = v
	}
	chk, lintErrs, err := u.cfg.Service.PrepareDocument(ctx, doc, p.Def, target, opts)
	if err != nil {
		// Too broken to compile: the lint errors say why. Without any, the
		// document did not parse (PrepareDocument did not lint it) or lint
		// left only unresolved references, which the page lists instead.
		if len(lintErrs) > 0 {
			lint.Errors = lintErrs
			p.Lint = lint
		} else if lerr := lintAlone(); lerr != nil {
			return fail(u.problemFor(c, lerr)), rawTarget
		}
		pr := u.problemFor(c, err)
		if service.ErrorCode(err) == service.CodeInvalidRequest {
			pr.Title = "The record was not checked"
			pr.Message = uncheckedMessage(err, p.Def, rawTarget, len(lint.Errors))
			if len(lint.Errors) > 0 {
				pr.Detail = "" // the problems listed are the detail
			}
		}
		return fail(pr), rawTarget
	}
	lint.Errors = lintErrs
	p.Lint = lint
	r, err := u.explain(c, chk, value)
	if err != nil {
		return fail(u.problemFor(c, err)), rawTarget
	}
	p.Result = newResultView(chk.Info, chk.Target, r)
	p.Result.Record = record
	if record == nil {
		p.Result.For = "record"
	}
	return http.StatusOK, rawTarget
}

// uncheckedMessage says, in the form's terms, why a record could not be
// checked against a draft: the service's error is the detail. The lint
// errors, when there are any, come first: they are listed, and the cause of
// the rest. app.js words the same cases the same way.
func uncheckedMessage(err error, def, target string, lintErrors int) string {
	switch {
	case lintErrors > 0:
		return "The lexicon's problems, listed below, keep lexval from checking the record against it."
	case errors.Is(err, validator.ErrNotFound):
		return "The lexicon has no definition “" + def + "”: type the name of the definition to check the record against in the Definition box."
	case errors.Is(err, validator.ErrAmbiguousTarget):
		return "Definition “" + def + "” can check more than one kind of value: choose one under “Validate the record as”."
	case errors.Is(err, validator.ErrNoTarget):
		return "Definition “" + def + "” has no " + target + ": choose another kind of value under “Validate the record as”, or Automatic."
	}
	return "lexval cannot check a record against this lexicon document as it stands."
}

// Summary sums up a record checked against a draft in one sentence, first in
// the result region, so that what is announced and seen first is the
// record's verdict, not only the lexicon's.
func (p *draftPage) Summary() string {
	if p.Result == nil || p.Lint == nil {
		return ""
	}
	return draftSummary(p.Result.Kind, p.Result.ErrorCount, p.Result.Truncated, len(p.Lint.Errors))
}

// draftSummary words the summary; app.js words it the same way. errs is at
// least the number of errors when truncated.
func draftSummary(kind string, errs int, truncated bool, problems int) string {
	var s string
	switch kind {
	case kindValid:
		s = "The record is valid"
	case kindPartial:
		s = "The record is valid, with unchecked references"
	default:
		s = "The record is invalid"
		if errs > 0 && truncated {
			s += " (at least " + plural(errs, "error", "errors") + ")"
		} else if errs > 0 {
			s += " (" + plural(errs, "error", "errors") + ")"
		}
	}
	if problems == 0 {
		return s + "; the lexicon has no problems."
	}
	return s + "; the lexicon has " + plural(problems, "problem", "problems") + "."
}
