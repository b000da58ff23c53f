package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// utf16Offset is byte offset off of s counted as a textarea counts, in
// UTF-16 units.
func utf16Offset(s string, off int) int { return len(utf16.Encode([]rune(s[:off]))) }

// wantSpan is where want (the n-th occurrence, from 0) lies in text, in
// UTF-16 units: what a textarea's selection of it is.
func wantSpan(t *testing.T, text, want string, n int) [2]int {
	t.Helper()
	at := -1
	for i, from := 0, 0; i <= n; i++ {
		j := strings.Index(text[from:], want)
		if j < 0 {
			t.Fatalf("%q does not occur %d times in %q", want, n+1, text)
		}
		at, from = from+j, from+j+1
	}
	return [2]int{utf16Offset(text, at), utf16Offset(text, at+len(want))}
}

// selection is the selection of the textarea id.
func selection(t *testing.T, ctx context.Context, id string) [2]int {
	t.Helper()
	s := run(t, ctx, chromedp.Evaluate[[]int](fmt.Sprintf(`(e => [e.selectionStart, e.selectionEnd])(document.getElementById(%q))`, id)))
	return [2]int{s[0], s[1]}
}

func activeID(t *testing.T, ctx context.Context) string {
	t.Helper()
	return run(t, ctx, chromedp.Evaluate[string](`document.activeElement.id`))
}

// postLines is an app.bsky.feed.post whose bad language tag is on its
// last lines, past what the box shows, after text that is not ASCII (so
// that offsets count UTF-16 units, not bytes).
var postLines = func() string {
	var b strings.Builder
	b.WriteString("{\n  \"$type\": \"app.bsky.feed.post\",\n  \"text\": \"héllo 🦋\",\n  \"createdAt\": \"2024-01-01T00:00:00Z\",\n")
	for i := range 60 {
		fmt.Fprintf(&b, "  \"x%d\": %d,\n", i, i)
	}
	b.WriteString("  \"langs\": [\"en\", \"not a language!\"]\n}")
	return b.String()
}()

// TestBrowserPointsAtErrors: clicking an error (or, from the keyboard, its
// path) selects the value at fault in the box it was typed in, and
// scrolls the box to it: a missing member selects the object it belongs
// in; keys are compared decoded (escapes, ~0 and ~1).
func TestBrowserPointsAtErrors(t *testing.T) {
	s := newBrowserSuite(t)

	cases := []struct {
		name, page, value, path string
		want                    string // the text selected
		nth                     int    // which occurrence of want
	}{
		{name: "a string value", page: refreshSession, value: invalidOutput, path: "/did", want: `"plc:nope"`},
		{name: "a missing member selects its object", page: refreshSession, value: invalidOutput, path: "/accessJwt", want: invalidOutput},
		{name: "an escaped key", page: testPost, value: `{"$type": "com.example.web.post", "te\u0078t": 5, "createdAt": "2024-11-05T10:00:00Z"}`, path: "/text", want: "5"},
		{name: "an array item far down", page: "/lexicon/app.bsky.feed.post", value: postLines, path: "/langs/1", want: `"not a language!"`},
		{name: "the catalog's paste form", page: "/", value: `{"$type": "app.bsky.feed.post", "text": "hi", "createdAt": "yesterday"}`, path: "/createdAt", want: `"yesterday"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := s.tab(t)
			do(t, ctx, chromedp.Navigate(s.base+tc.page))
			submitValue(t, ctx, tc.value)
			issue := fmt.Sprintf(`#result [data-for="value"] > .issue[data-path=%q]`, tc.path)
			do(t, ctx, chromedp.WaitVisible(chromedp.CSS(issue)))
			// Put the caret elsewhere, so that the selection is the click's.
			do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("value").setSelectionRange(0, 0)`))
			do(t, ctx, chromedp.Click(chromedp.CSS(issue+" .issue-message")))
			want := wantSpan(t, tc.value, tc.want, tc.nth)
			if got := selection(t, ctx, "value"); got != want {
				t.Errorf("selection after a click: got %v, want %v (%q)", got, want, tc.want)
			}
			if got := activeID(t, ctx); got != "value" {
				t.Errorf("focus: got #%s, want #value", got)
			}
			// The selected line is within the box's view.
			visible := run(t, ctx, chromedp.Evaluate[bool](`(e => {
				const lh = parseFloat(getComputedStyle(e).lineHeight);
				const line = e.value.slice(0, e.selectionStart).split("\n").length - 1;
				return line * lh >= e.scrollTop && (line + 1) * lh <= e.scrollTop + e.clientHeight;
			})(document.getElementById("value"))`))
			if !visible {
				t.Error("the selected value is scrolled out of the box")
			}
			labelInView(t, ctx, "value")

			// From the keyboard: the path is a button.
			do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("value").setSelectionRange(0, 0)`),
				chromedp.Focus(chromedp.CSS(issue+" button.issue-jump")), chromedp.KeyEvent(kb.Enter))
			if got := selection(t, ctx, "value"); got != want {
				t.Errorf("selection after Enter on the path: got %v, want %v", got, want)
			}
		})
	}

	// Pointers with ~0, ~1 and escapes in keys, which lexicons' own
	// property names never have: an issue list written as the templates
	// write one.
	t.Run("pointer syntax", func(t *testing.T) {
		const text = "{\"a/b\": [1, {\"c~d\": \"x\", \"\\u00e9\\\"\": [true, null]}], \"e\": {}}"
		ctx := s.tab(t)
		do(t, ctx, chromedp.Navigate(s.base+refreshSession), chromedp.WaitVisible(chromedp.ID("value")), chromedp.SetValue(chromedp.ID("value"), text))
		for _, tt := range []struct{ path, want string }{
			{"/a~1b/1/c~0d", `"x"`},
			{"/a~1b/1/é\"/1", "null"},
			{"/a~1b/0", "1"},
			{"/a~1b/2", `[1, {"c~d": "x", "\u00e9\"": [true, null]}]`}, // no such item: the array
			{"/e/nope", "{}"},
			{"", text},
		} {
			t.Run(tt.path, func(t *testing.T) {
				do(t, ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
					const ol = document.createElement("ol");
					ol.className = "issues";
					ol.dataset.for = "value";
					const li = document.createElement("li");
					li.className = "issue";
					li.dataset.path = %q;
					li.textContent = "an issue";
					ol.append(li);
					document.getElementById("result").replaceChildren(ol);
				})()`, tt.path)), chromedp.Click(chromedp.CSS("#result .issue")))
				if got, want := selection(t, ctx, "value"), wantSpan(t, text, tt.want, 0); got != want {
					t.Errorf("selection: got %v, want %v (%q)", got, want, tt.want)
				}
			})
		}
	})

	// The draft page: the lint's paths point into the lexicon, the
	// record's into the record.
	t.Run("draft", func(t *testing.T) {
		ctx := s.tab(t)
		do(t, ctx,
			fillDraft(s.base, draftDocLintErrors, ""),
			submitDraft,
			chromedp.WaitVisible(chromedp.CSS(`#result [data-for="lexicon"] > .issue`)),
			chromedp.Click(chromedp.CSS(`#result [data-for="lexicon"] > .issue .issue-message`)),
		)
		path := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('#result [data-for="lexicon"] > .issue').dataset.path`))
		selected := run(t, ctx, chromedp.Evaluate[string](`(e => e.value.slice(e.selectionStart, e.selectionEnd))(document.getElementById("lexicon"))`))
		if want := map[string]string{"/defs/main/record/properties/n/minimum": "10", "/defs/main/record/properties/n/maximum": "1"}[path]; want == "" || selected != want {
			t.Errorf("lint issue at %q: selected %q, want the number there", path, selected)
		}
		do(t, ctx,
			chromedp.SetValue(chromedp.ID("lexicon"), draftDoc),
			chromedp.SetValue(chromedp.ID("record"), draftRecordInvalid),
			submitDraft,
			chromedp.WaitVisible(chromedp.CSS(`#result [data-for="record"] > .issue[data-path="/text"]`)),
			chromedp.Click(chromedp.CSS(`#result [data-for="record"] > .issue .issue-message`)),
		)
		if got, want := selection(t, ctx, "record"), wantSpan(t, draftRecordInvalid, `"far too long for ten"`, 0); got != want {
			t.Errorf("record issue: selection %v, want %v", got, want)
		}
	})
}

// TestBrowserFocusAndShortcut: after a result arrives, focus is on it (not
// lost to the page); Ctrl+Enter and ⌘+Enter in a box submit its form.
func TestBrowserFocusAndShortcut(t *testing.T) {
	s := newBrowserSuite(t)
	for _, tt := range []struct {
		name string
		mod  chromedp.Modifier
	}{{"ctrl", chromedp.ModifierCtrl}, {"meta", chromedp.ModifierMeta}} {
		t.Run("lexicon page, "+tt.name+"+enter", func(t *testing.T) {
			ctx := s.tab(t)
			do(t, ctx,
				chromedp.Navigate(s.base+refreshSession),
				chromedp.WaitVisible(chromedp.ID("value")),
				chromedp.SetValue(chromedp.ID("value"), invalidOutput),
				chromedp.Focus(chromedp.ID("value")),
				chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(tt.mod)),
				chromedp.WaitVisible(chromedp.CSS("#result .verdict-invalid")),
			)
			if got := run(t, ctx, chromedp.Value(chromedp.ID("value"))); got != invalidOutput {
				t.Errorf("the shortcut typed into the box: got %q", got)
			}
			if got := activeID(t, ctx); got != "result" {
				t.Errorf("focus after the result: got #%s, want #result", got)
			}
		})
	}
	t.Run("draft, ctrl+enter in the record box", func(t *testing.T) {
		ctx := s.tab(t)
		do(t, ctx,
			fillDraft(s.base, draftDoc, draftRecordInvalid),
			chromedp.Focus(chromedp.ID("record")),
			chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(chromedp.ModifierCtrl)),
			chromedp.WaitVisible(chromedp.CSS("#result .verdict-invalid")),
		)
		if got := activeID(t, ctx); got != "result" {
			t.Errorf("focus after the result: got #%s, want #result", got)
		}
		wantAll(t, "hint", texts(t, ctx, ".shortcut"), "or Ctrl+Enter in a box")
	})
	t.Run("keyboard: the button, then the result", func(t *testing.T) {
		ctx := s.tab(t)
		do(t, ctx,
			chromedp.Navigate(s.base+"/"),
			chromedp.WaitVisible(chromedp.ID("value")),
			chromedp.SetValue(chromedp.ID("value"), `{"$type": "app.bsky.feed.post", "text": "hi", "createdAt": "2024-01-01T00:00:00Z"}`),
			chromedp.Focus(chromedp.CSS(`form.paste-form button[type="submit"]`)),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(chromedp.CSS("#result .verdict-valid")),
		)
		if got := activeID(t, ctx); got != "result" {
			t.Errorf("focus after the result: got #%s, want #result", got)
		}
		// Tab goes on from the result, not from the top of the page.
		do(t, ctx, chromedp.KeyEvent(kb.Tab))
		if inResultOrAfter := run(t, ctx, chromedp.Evaluate[bool](`!!(document.getElementById("result").compareDocumentPosition(document.activeElement) & Node.DOCUMENT_POSITION_FOLLOWING)`)); !inResultOrAfter {
			t.Error("Tab after the result went back up the page")
		}
	})
	t.Run("a JSON fault keeps focus in the box", func(t *testing.T) {
		ctx := s.tab(t)
		do(t, ctx, chromedp.Navigate(s.base+refreshSession))
		submitValue(t, ctx, malformed)
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#result .verdict-problem")))
		if got := activeID(t, ctx); got != "value" {
			t.Errorf("focus: got #%s, want #value, where the fault is selected", got)
		}
	})
}

// TestBrowserSchemaTabs: the documentation and the JSON are tabs; a ref in
// the JSON links to its definition's entry in the documentation, which a
// click shows; an address with a fragment opens the tab that holds it.
func TestBrowserSchemaTabs(t *testing.T) {
	s := newBrowserSuite(t)
	const page = "/lexicon/app.bsky.feed.post"
	hidden := func(t *testing.T, ctx context.Context, id string) bool {
		t.Helper()
		return run(t, ctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.getElementById(%q).hidden`, id)))
	}

	ctx := s.tab(t)
	do(t, ctx, chromedp.Navigate(s.base+page), chromedp.WaitVisible(chromedp.CSS(`[role="tab"]`)))
	if got := texts(t, ctx, `[role="tab"]`); strings.Join(got, ",") != "Documentation,JSON" {
		t.Fatalf("tabs: got %q, want Documentation and JSON", got)
	}
	if hidden(t, ctx, "docs") || !hidden(t, ctx, "json") {
		t.Fatal("first view: want the documentation shown, the JSON hidden")
	}
	s.screenshot(t, ctx, "ux-docs")
	do(t, ctx, chromedp.Click(chromedp.ID("json-tab")))
	if !hidden(t, ctx, "docs") || hidden(t, ctx, "json") {
		t.Fatal("after a click on JSON: want the JSON shown")
	}
	s.screenshot(t, ctx, "ux-json")
	// Arrow keys move between tabs.
	do(t, ctx, chromedp.KeyEvent(kb.ArrowLeft))
	if hidden(t, ctx, "docs") || activeID(t, ctx) != "docs-tab" {
		t.Error("ArrowLeft from JSON: want the documentation tab, focused")
	}
	do(t, ctx, chromedp.Click(chromedp.ID("json-tab")), chromedp.Click(chromedp.CSS(`#json a.j-ref[href="#def-replyRef"]`)))
	if hidden(t, ctx, "docs") {
		t.Fatal("a ref's link left the documentation hidden")
	}
	if !run(t, ctx, chromedp.Evaluate[bool](inViewport("#def-replyRef-heading"))) {
		t.Error("the definition a ref links to is not in view")
	}

	for _, tt := range []struct{ fragment, shown, inView string }{
		{"#json", "json", "#json"},
		{"#def-replyRef", "docs", "#def-replyRef-heading"},
	} {
		t.Run("opened at "+tt.fragment, func(t *testing.T) {
			ctx := s.tab(t)
			do(t, ctx, chromedp.Navigate(s.base+page+tt.fragment), chromedp.WaitVisible(chromedp.CSS(`[role="tab"]`)))
			if hidden(t, ctx, tt.shown) {
				t.Errorf("#%s is hidden", tt.shown)
			}
			if !run(t, ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(b => b.top >= 0 && b.top < window.innerHeight)(document.querySelector(%q).getBoundingClientRect())`, tt.inView))) {
				t.Errorf("%s is not in view", tt.inView)
			}
		})
	}
}

// trickyOutput is a refreshSession output whose strings hold what a shell
// and an address treat specially.
const trickyOutput = "{\n  \"accessJwt\": \"it's $(echo pwned) `x` \\\\ *~!() é 🦋\",\n  \"refreshJwt\": \"r\",\n  \"handle\": \"alice.example.com\",\n  \"did\": \"plc:it's\"\n}"

// TestBrowserCurl: "Copy as curl" shows the exact request the form would
// send, quoted for a shell: run by sh (with a curl that prints its
// arguments), it gives curl the API's address and the body, and that body
// gets the answer the page shows.
func TestBrowserCurl(t *testing.T) {
	s := newBrowserSuite(t)
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Fatal("no sh to run the command with")
	}
	// args runs command with a curl that prints its arguments.
	args := func(t *testing.T, command string) []string {
		t.Helper()
		out, err := exec.Command(sh, "-c", `curl() { for a in "$@"; do printf '%s\0' "$a"; done; }`+"\n"+command).Output()
		if err != nil {
			t.Fatalf("sh: %v", err)
		}
		return strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	}
	for _, tt := range []struct {
		name, page, value string
		allow             bool
	}{
		{name: "lexicon page", page: refreshSession, value: trickyOutput, allow: true},
		{name: "catalog", page: "/", value: `{"$type": "app.bsky.feed.post", "text": "'; rm -rf / #", "createdAt": "yesterday"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := s.tab(t)
			do(t, ctx, chromedp.Navigate(s.base+tt.page), chromedp.WaitVisible(chromedp.ID("value")), chromedp.SetValue(chromedp.ID("value"), tt.value))
			if tt.allow {
				do(t, ctx, chromedp.Click(chromedp.CSS(`input[name="allowUnresolved"]`)))
			}
			do(t, ctx, chromedp.Click(chromedp.CSS("details.curl summary")))
			run(t, ctx, chromedp.Poll[bool](`document.getElementById("curl-code").textContent !== ""`))
			command := run(t, ctx, chromedp.Evaluate[string](`document.getElementById("curl-code").textContent`))
			got := args(t, command)
			if len(got) != 6 || got[0] != "-sS" || got[1] != s.base+"/api/v1/validate" || got[2] != "-H" || got[3] != "Content-Type: application/json" || got[4] != "--data-binary" {
				t.Fatalf("curl's arguments: got %q", got)
			}
			body := got[5]
			if !strings.HasPrefix(body, `{"value":`+tt.value+`,`) || !strings.Contains(body, fmt.Sprintf(`"allowUnresolved":%v`, tt.allow)) {
				t.Errorf("body: got %s, want the value as typed and the options", body)
			}

			// The body's answer is the page's.
			submitValue(t, ctx, tt.value)
			do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#result .verdict")))
			resp, err := http.Post(s.base+"/api/v1/validate", "application/json", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var answer struct {
				Valid  bool
				Errors []struct{ Path string }
			}
			if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
				t.Fatal(err)
			}
			var paths []string
			for _, e := range answer.Errors {
				paths = append(paths, e.Path)
			}
			shown := run(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#result .issue[data-path]"), e => e.dataset.path)`))
			if strings.Join(paths, " ") != strings.Join(shown, " ") || answer.Valid != (len(shown) == 0) {
				t.Errorf("curl's answer: valid %v, errors at %q; the page shows %q", answer.Valid, paths, shown)
			}

			// The command follows the form while it is shown.
			do(t, ctx, chromedp.SetValue(chromedp.ID("value"), `{"x": 1}`), chromedp.Click(chromedp.CSS(`input[name="allowUnresolved"]`)))
			now := args(t, run(t, ctx, chromedp.Evaluate[string](`document.getElementById("curl-code").textContent`)))
			if len(now) != 6 || !strings.HasPrefix(now[5], `{"value":{"x": 1},`) || !strings.Contains(now[5], fmt.Sprintf(`"allowUnresolved":%v`, !tt.allow)) {
				t.Errorf("after a change: got %q", now)
			}
			s.screenshot(t, ctx, "ux-curl-"+strings.ReplaceAll(tt.name, " ", "-"))
		})
	}
}

// serverPermalink posts form to the page path and returns the permalink
// the server's result offers ("" for none).
func (s *browserSuite) serverPermalink(t *testing.T, path string, form url.Values) string {
	t.Helper()
	m := permalinkHref.FindStringSubmatch(postPage(t, s.base, path, form))
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// TestBrowserPermalink: the link a result offers is the server's for the
// same inputs; opened (with JavaScript or without), it fills the form in
// and shows the result again, and its errors still point into the box.
func TestBrowserPermalink(t *testing.T) {
	s := newBrowserSuite(t)
	ctx := s.tab(t)
	do(t, ctx, chromedp.Navigate(s.base+refreshSession))
	submitValue(t, ctx, trickyOutput)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#result a.permalink")))
	href := run(t, ctx, chromedp.Evaluate[string](`document.querySelector("#result a.permalink").getAttribute("href")`))
	if srv := s.serverPermalink(t, refreshSession, url.Values{"target": {"output"}, "value": {trickyOutput}}); href != srv {
		t.Fatalf("permalink:\njs:     %s\nserver: %s", href, srv)
	}
	verdict := browserVerdict(t, ctx)

	for _, tt := range []struct {
		name  string
		setup []chromedp.Action[chromedp.Void]
	}{
		{name: "with JavaScript"},
		{name: "without JavaScript", setup: []chromedp.Action[chromedp.Void]{call(emulation.SetScriptExecutionDisabledParams{Value: true}, emulation.SetScriptExecutionDisabled)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := s.tab(t, tt.setup...)
			do(t, ctx, chromedp.Navigate(s.base+href), chromedp.WaitVisible(chromedp.CSS("#result .verdict-invalid")))
			if got := run(t, ctx, chromedp.Evaluate[string](`document.getElementById("value").value`)); got != trickyOutput {
				t.Errorf("the box: got %q, want %q", got, trickyOutput)
			}
			if got := browserVerdict(t, ctx); got != verdict {
				t.Errorf("result:\nlink: %s\nform: %s", got, verdict)
			}
			// The address's #result scrolls the result to the top.
			if !run(t, ctx, chromedp.Evaluate[bool](`(b => b.top > -1 && b.bottom <= window.innerHeight)(document.querySelector("#result .verdict").getBoundingClientRect())`)) {
				t.Error("the result is not in view")
			}
			if tt.setup == nil {
				do(t, ctx, chromedp.Click(chromedp.CSS(`#result .issue[data-path="/did"] .issue-message`)))
				if got, want := selection(t, ctx, "value"), wantSpan(t, trickyOutput, `"plc:it's"`, 0); got != want {
					t.Errorf("selection: got %v, want %v", got, want)
				}
			}
		})
	}

	t.Run("too long for a link", func(t *testing.T) {
		value := `{"accessJwt": "` + strings.Repeat("🦋", 200) + `", "did": "x"}`
		ctx := s.tab(t)
		do(t, ctx, chromedp.Navigate(s.base+refreshSession))
		submitValue(t, ctx, value)
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#result .result-link")))
		wantAll(t, "note", texts(t, ctx, "#result .result-link"), "No link to this result: what was checked is too long for an address")
		if js, srv := browserVerdict(t, ctx), s.serverVerdict(t, refreshSession, url.Values{"target": {"output"}, "value": {value}}); js != srv {
			t.Errorf("JavaScript and server results differ:\njs:     %s\nserver: %s", js, srv)
		}
	})
}

// longDraft and longRecord make a result whose JSON Pointers, NSID and
// messages are long words with nowhere to wrap.
var (
	longID     = "com.example.draft." + strings.Repeat("long", 15) + "x"
	longA      = "aVeryLongPropertyName" + strings.Repeat("ThatKeepsGoing", 5)
	longB      = "anotherVeryLongPropertyName" + strings.Repeat("WithoutABreak", 5)
	longDraft  = `{"lexicon": 1, "id": "` + longID + `", "defs": {"main": {"type": "record", "key": "tid", "record": {"type": "object", "properties": {"` + longA + `": {"type": "object", "properties": {"` + longB + `": {"type": "array", "items": {"type": "string", "maxLength": 1, "format": "did"}}}}}}}}}`
	longRecord = `{"$type": "` + longID + `", "` + longA + `": {"` + longB + `": ["` + strings.Repeat("x", 300) + `", "no"]}}`
)

// TestBrowserPhoneWidth: at 390 px nothing scrolls the page sideways:
// long JSON Pointers, NSIDs, CIDs and AT-URIs wrap; code blocks scroll
// within themselves.
func TestBrowserPhoneWidth(t *testing.T) {
	s := newBrowserSuite(t)
	fits := func(t *testing.T, ctx context.Context, name string) {
		t.Helper()
		got := run(t, ctx, chromedp.Evaluate[[]any](`[document.documentElement.scrollWidth, Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > 391 && !e.closest("pre")).slice(0, 5).map(e => e.tagName + "." + e.className)]`))
		if w := got[0].(float64); w > 390 {
			t.Errorf("%s: the page is %v px wide at 390 px; too wide: %v", name, w, got[1])
		}
		s.screenshot(t, ctx, "phone-"+name)
	}
	phone := chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)
	for _, tt := range []struct{ name, page string }{
		{"catalog", "/"},
		{"lexicon", refreshSession},
		{"lexicon-docs", "/lexicon/app.bsky.feed.post"},
		{"lexicon-json", "/lexicon/app.bsky.feed.post#json"},
		{"lexicon-defs", "/lexicon/app.bsky.actor.defs"},
		{"draft", "/validate"},
		{"not-found", "/lexicon/com.example." + strings.Repeat("nope", 20)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := s.tab(t, phone)
			do(t, ctx, chromedp.Navigate(s.base+tt.page), chromedp.WaitReady(chromedp.CSS("footer")))
			fits(t, ctx, tt.name)
		})
	}
	t.Run("result with long pointers", func(t *testing.T) {
		ctx := s.tab(t, phone)
		do(t, ctx,
			fillDraft(s.base, longDraft, longRecord),
			submitDraft,
			chromedp.WaitVisible(chromedp.CSS("#result .verdict-invalid")),
		)
		wantAll(t, "paths", texts(t, ctx, "#result .issue-path"), "/"+longA+"/"+longB+"/0")
		fits(t, ctx, "draft-result")
		// And the same without JavaScript, as the server renders it.
		noJS := s.tab(t, phone, call(emulation.SetScriptExecutionDisabledParams{Value: true}, emulation.SetScriptExecutionDisabled))
		do(t, noJS,
			fillDraft(s.base, longDraft, longRecord),
			submitDraft,
			chromedp.WaitVisible(chromedp.CSS("#result .verdict-invalid")),
		)
		fits(t, noJS, "draft-result-server")
	})
	t.Run("history and compare", func(t *testing.T) {
		e, cids := storedUI(t, 0, histV1, histV2, histV3)
		ts := httptest.NewServer(e)
		t.Cleanup(ts.Close)
		for _, tt := range []struct{ name, page string }{
			{"history", "/lexicon/" + histNSID + "#history"},
			{"compare", "/compare?old=" + histNSID + "@" + cids[0] + "&new=" + histNSID + "@" + cids[1]},
		} {
			ctx := s.tab(t, phone)
			do(t, ctx, chromedp.Navigate(ts.URL+tt.page), chromedp.WaitReady(chromedp.CSS("footer")))
			fits(t, ctx, tt.name)
		}
	})
	t.Run("lexicon result with a long message", func(t *testing.T) {
		ctx := s.tab(t, phone)
		do(t, ctx, chromedp.Navigate(s.base+refreshSession))
		submitValue(t, ctx, `{"accessJwt": "a", "refreshJwt": "r", "handle": "`+strings.Repeat("h", 200)+`", "did": "did:plc:`+strings.Repeat("x", 200)+`"}`)
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#result .verdict-invalid")), chromedp.Click(chromedp.CSS("details.curl summary")))
		run(t, ctx, chromedp.Poll[bool](`document.getElementById("curl-code").textContent !== ""`))
		fits(t, ctx, "lexicon-result")
	})
}
