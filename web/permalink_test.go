package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// resultRegion is the text of a page's result region, tags dropped.
func resultRegion(t *testing.T, page string) string {
	t.Helper()
	start := strings.Index(page, `<div id="result"`)
	if start < 0 {
		t.Fatalf("no result region in the page")
	}
	region := page[start:]
	if end := strings.Index(region, "</section>"); end >= 0 {
		region = region[:end]
	}
	text := html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(region, ""))
	return strings.Join(strings.Fields(text), " ")
}

var permalinkHref = regexp.MustCompile(`<a href="([^"]*)" class="permalink">`)

// TestPermalinks: a result links to its inputs; GET of that link (no
// JavaScript needed) fills the form in and shows the same result.
func TestPermalinks(t *testing.T) {
	e := newUI(t, 0)
	tests := []struct {
		name, page, body string
		wantHref         string
		wantValue        string // the box, filled in from the link
	}{
		{
			name: "lexicon page", page: refreshSession, body: form("target", "output", "value", invalidOutput),
			wantHref: refreshSession + "?target=output&value=" + url.QueryEscape(invalidOutput) + "#result", wantValue: invalidOutput,
		},
		{
			name: "line breaks as a browser posts them", page: testPost, body: form("target", "record", "value", strings.ReplaceAll(postWithEmbed, "\n", "\r\n"), "allowUnresolved", "true"),
			wantHref: testPost + "?target=record&value=" + url.QueryEscape(postWithEmbed) + "&allowUnresolved=true#result", wantValue: postWithEmbed,
		},
		{
			name: "another definition", page: "/lexicon/com.example.web.defs?def=label", body: form("target", "object", "value", `{"val": 7}`),
			wantHref: "/lexicon/com.example.web.defs?def=label&target=object&value=" + url.QueryEscape(`{"val": 7}`) + "#result", wantValue: `{"val": 7}`,
		},
		{
			name: "catalog", page: "/", body: form("value", `{"$type": "com.example.web.post", "text": "hi", "createdAt": "yesterday"}`),
			wantHref:  "/?value=" + url.QueryEscape(`{"$type": "com.example.web.post", "text": "hi", "createdAt": "yesterday"}`) + "#result",
			wantValue: `{"$type": "com.example.web.post", "text": "hi", "createdAt": "yesterday"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			posted := servePage(t, e, http.MethodPost, tt.page, tt.body, 200).Body.String()
			m := permalinkHref.FindStringSubmatch(posted)
			if m == nil {
				t.Fatalf("the result has no permalink")
			}
			href := html.UnescapeString(m[1])
			if href != tt.wantHref {
				t.Errorf("permalink: got %s, want %s", href, tt.wantHref)
			}
			got := servePage(t, e, http.MethodGet, strings.TrimSuffix(href, "#result"), "", 200).Body.String()
			if g, w := resultRegion(t, got), resultRegion(t, posted); g != w {
				t.Errorf("the link's result differs from the form's:\nlink: %s\nform: %s", g, w)
			}
			if !strings.Contains(got, ">\n"+html.EscapeString(tt.wantValue)+"</textarea>") {
				t.Errorf("the box is not filled in with %q", tt.wantValue)
			}
			assertNoInline(t, got)
		})
	}

	t.Run("too long for a link", func(t *testing.T) {
		value := `{"accessJwt": "` + strings.Repeat("é", 400) + `", "refreshJwt": "r", "handle": "alice.example.com", "did": "did:plc:6msi3pj7krzih5qxqtryxlzw"}`
		page := servePage(t, e, http.MethodPost, refreshSession, form("target", "output", "value", value), 200).Body.String()
		if strings.Contains(page, `class="permalink"`) {
			t.Error("a permalink to a value too long for one")
		}
		n := len("target=output&value=" + url.QueryEscape(value))
		want := fmt.Sprintf("No link to this result: what was checked is too long for an address (%d bytes as a query; a link holds at most 2048).", n)
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q: %s", want, resultRegion(t, page))
		}
	})
	t.Run("a link longer than any offered is refused", func(t *testing.T) {
		page := servePage(t, e, http.MethodGet, refreshSession+"?target=output&value="+strings.Repeat("a", 9000), "", http.StatusRequestURITooLong).Body.String()
		if !strings.Contains(page, "Address too long") || strings.Contains(page, "verdict-invalid") {
			t.Errorf("page does not refuse the address: %s", resultRegion(t, page))
		}
	})
	t.Run("an empty value", func(t *testing.T) {
		page := servePage(t, e, http.MethodGet, refreshSession+"?target=output&value=", "", http.StatusBadRequest).Body.String()
		if !strings.Contains(page, "Nothing to validate") {
			t.Errorf("page: %s", resultRegion(t, page))
		}
	})
	t.Run("a page without inputs checks nothing", func(t *testing.T) {
		page := servePage(t, e, http.MethodGet, refreshSession+"?target=output", "", 200).Body.String()
		if strings.Contains(page, "verdict") {
			t.Errorf("page shows a verdict: %s", resultRegion(t, page))
		}
	})
}
