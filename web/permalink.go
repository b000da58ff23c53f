package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// A permalink is the address of a result's inputs: the form's page with the
// form's fields in its query, which GET answers by checking them again (so
// that it works without JavaScript). One is offered when its query fits
// maxPermalink bytes, which every tool that carries addresses keeps whole;
// the page says when the value is too long for one. A GET whose query is
// longer than maxPermalinkQuery is refused: it bounds what a link, which
// anyone can make and anyone's browser follow, costs the server.
const (
	maxPermalink      = 2 << 10
	maxPermalinkQuery = 8 << 10
)

// permalinkFields names the fields of a form that a permalink carries, in
// the order they are written: app.js writes them in the same order, the
// same way, so that both offer the same address.
var permalinkFields = []string{"target", "value", "uri", "allowUnresolved"}

// permalinked reports a GET that carries a form's inputs: a permalink.
func permalinked(c echo.Context) bool {
	r := c.Request()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	q := r.URL.Query()
	return q.Has("value") || q.Has("uri")
}

// submitted is what a form sent: the posted fields, or a permalink's.
func (u *UI) submitted(c echo.Context) (url.Values, *problem) {
	r := c.Request()
	if r.Method == http.MethodPost {
		if err := u.parseForm(c); err != nil {
			p := u.bodyProblem(err)
			return nil, &p
		}
		return r.PostForm, nil
	}
	if len(r.URL.RawQuery) > maxPermalinkQuery {
		return nil, &problem{Status: http.StatusRequestURITooLong, Title: "Address too long",
			Message: "This address holds more than a link may (" + byteSize(maxPermalinkQuery) + "): paste the value into the form instead."}
	}
	return r.URL.Query(), nil
}

// setPermalink links the result v to its inputs, the form's fields, on
// the page at base (the form's action, which may have a query of its own:
// the definition, a pinned CID). Line breaks are written as a textarea
// gives them to scripts, LF only, whatever the browser posted.
func (v *resultView) setPermalink(base string, form url.Values) {
	path, query, _ := strings.Cut(base, "?")
	var q strings.Builder
	q.WriteString(query)
	// A record is named by AT-URI or pasted, not both (the form refuses
	// both): the AT-URI goes, when given.
	uri := strings.TrimSpace(form.Get("uri"))
	for _, name := range permalinkFields {
		val := form.Get(name)
		switch name {
		case "value":
			if uri != "" {
				continue
			}
			val = strings.ReplaceAll(val, "\r\n", "\n")
		case "uri":
			val = uri
		case "allowUnresolved":
			if val != "" {
				val = "true"
			}
		}
		if val == "" {
			continue
		}
		if q.Len() > 0 {
			q.WriteByte('&')
		}
		q.WriteString(name + "=" + url.QueryEscape(val))
	}
	if q.Len() > maxPermalink {
		v.PermalinkBytes = q.Len()
		return
	}
	v.Permalink = path + "?" + q.String() + "#result"
}
