package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/service"
)

// problem is a request the UI could not answer, told to a person: a heading,
// the detail, and the HTTP status the page is sent with.
type problem struct {
	Status  int
	Title   string
	Message string
	// Detail is the underlying error, for those who want it, when Message
	// is written for people.
	Detail string
	// Line and Column (1-based) locate a JSON syntax error; 0 when unknown.
	Line, Column int
	// Field is the id of the form control at fault, for aria-describedby.
	Field string
}

// problemFor classifies an error from package service: the status is the
// server's (Config.Status), the words are the page's, and the error itself
// is the detail, for those who want it. A failure on lexval's side is logged
// here, as the page tells the reader it is: the handler goes on to render
// the page, so the access log sees no error.
func (u *UI) problemFor(c echo.Context, err error) problem {
	if errors.Is(err, errOutOfTime) {
		return problem{Status: http.StatusServiceUnavailable, Title: "This took too long",
			Message: fmt.Sprintf("Checking this needs more than the %v of work a request may take: try a smaller lexicon or record.", u.cfg.RequestTimeout)}
	}
	code := service.ErrorCode(err)
	p := problem{Status: u.cfg.Status(code), Detail: technical(err)}
	if p.Status >= 500 {
		u.cfg.Logger.Error("web page failed", "path", c.Request().URL.Path, "error", err)
	}
	switch code {
	case service.CodeInvalidRequest:
		p.Title, p.Message = "Invalid request", "lexval cannot check this as it stands."
	case service.CodeNotFound:
		p.Title, p.Message = "Lexicon not found", "lexval found no such lexicon."
	case service.CodeCIDMismatch:
		p.Title, p.Message = "The schema record does not match its CID", "The schema record lexval found is not the one expected, so it was not used."
	case service.CodeRecordNotFound:
		p.Title, p.Message = "Record not found", "The repository the AT-URI names holds no such record."
	case service.CodeProofInvalid:
		p.Title, p.Message = "The record could not be proven", "The PDS served a record that its author's signed repository does not prove, so lexval did not use it. The details say which check failed."
	case service.CodeUpstreamFailure:
		p.Title, p.Message = "The lexicon could not be fetched", "lexval could not fetch the lexicon over the network. Please try again later."
	case service.CodeUpstreamTimeout:
		p.Title, p.Message = "Fetching the lexicon timed out", "lexval gave up waiting for the lexicon. Please try again."
	default:
		internal := problemForStatus(http.StatusInternalServerError)
		p.Title, p.Message = internal.Title, internal.Message
		p.Detail = "" // lexval's internals are for the log, not the page
	}
	return p
}

// technical is the text of an error from package service as a detail under
// a message written for people: the kind of request error is what the page
// already says, so it goes.
func technical(err error) string {
	return strings.TrimPrefix(err.Error(), service.ErrInvalidRequest.Error()+": ")
}

// problemForStatus describes errors raised outside the UI's handlers.
func problemForStatus(status int) problem {
	p := problem{Status: status}
	switch status {
	case http.StatusNotFound:
		p.Title, p.Message = "Page not found", "There is no page at this address."
	case http.StatusMethodNotAllowed:
		p.Title, p.Message = "Method not allowed", "This page does not accept that kind of request."
	case http.StatusRequestEntityTooLarge:
		p.Title, p.Message = "Submission too large", "The text you sent is over the size limit."
	case http.StatusForbidden:
		p.Title, p.Message = "Submission from another site refused", "lexval accepts its forms only from its own pages. Open the page on this site and submit the form from there."
	default:
		p.Title = http.StatusText(status)
		if status >= 500 {
			p.Title = "Something went wrong in lexval"
			p.Message = "The error has been logged. Please try again, or report it if it persists."
		}
	}
	return p
}

// jsonProblem describes text that is not JSON the data model accepts,
// locating the fault. Columns count characters, as app.js does, where the
// decoder counts bytes.
func jsonProblem(title, field string, text []byte, err error) problem {
	p := problem{Status: http.StatusBadRequest, Title: title, Message: err.Error(), Field: field}
	var je *datamodel.JSONError
	if errors.As(err, &je) {
		p.Message = je.Reason
		p.Line, p.Column = position(text, je.Offset)
	}
	return p
}

// tooLarge reports whether err is a body over the limit.
func tooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

func (u *UI) bodyProblem(err error) problem {
	if tooLarge(err) {
		p := problemForStatus(http.StatusRequestEntityTooLarge)
		p.Message = fmt.Sprintf("The form is limited to %s; your text was not kept. Validate a smaller value, or use the HTTP API or the lexval command for large batches.", byteSize(u.cfg.MaxBody))
		return p
	}
	return problem{Status: http.StatusBadRequest, Title: "Invalid form submission", Message: err.Error()}
}

// parseForm reads a posted form within the body limit.
func (u *UI) parseForm(c echo.Context) error {
	r := c.Request()
	r.Body = http.MaxBytesReader(c.Response(), r.Body, u.cfg.MaxBody)
	return r.ParseForm()
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// notFound is the friendly 404 for unknown paths under the UI's prefixes.
func (u *UI) notFound(c echo.Context) error {
	return u.renderError(c, http.StatusNotFound, problemForStatus(http.StatusNotFound))
}

type errorPage struct {
	page
	Problem problem
	// Elsewhere, when set, links to what the user probably meant.
	Elsewhere *link
	// Open, when set, offers the "open a lexicon" form with the user's text.
	Open *openForm
}

func (u *UI) renderError(c echo.Context, status int, p problem) error {
	p.Status = status
	return u.renderPage(c, status, pageError, errorPage{page: page{Title: p.Title}, Problem: p})
}

// decodeValue decodes user JSON with the validator's decoder, as every front
// end does.
func decodeValue(text string) (any, error) {
	return datamodel.DecodeJSONString(text)
}
