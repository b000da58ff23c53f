package web_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/server"
	"github.com/lexval/lexval/service"
)

// chromium finds Debian's chromium, skipping the test without it (failing
// under CI, where .ci/run installs it).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium not found (CI is set, so this is a failure): apt-get install chromium")
	}
	t.Skip("chromium not found, skipping the browser test: apt-get install chromium")
	return ""
}

// browserSuite is one headless chromium against the real server handler (the
// UI and the JSON API it calls), and a folder for screenshots.
type browserSuite struct {
	t     *testing.T
	base  string
	ctx   context.Context
	shots string

	mu       sync.Mutex
	problems []string // JavaScript exceptions and CSP violations
}

func newBrowserSuite(t *testing.T) *browserSuite {
	chrome := chromium(t)
	res, err := resolver.New(resolver.Config{Directories: []string{filepath.Join("testdata", "lexicons")}})
	if err != nil {
		t.Fatalf("resolver.New: %v", err)
	}
	srv, err := server.New(server.Config{Service: service.New(res), Resolver: res, MaxErrors: pageMaxErrors})
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	// Screenshots outlive the test on purpose: people look at them.
	shots, err := os.MkdirTemp("", "lexval-web-screenshots-")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", shots)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(cancelBrowser)
	// Start the browser now so that a broken install fails here, clearly.
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &browserSuite{t: t, base: ts.URL, ctx: bctx, shots: shots}
}

// tab opens a new tab (sharing the browser) for one scenario, watching it for
// script errors and Content-Security-Policy violations.
func (s *browserSuite) tab(t *testing.T, setup ...chromedp.Action[chromedp.Void]) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(s.ctx)
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancelTimeout)
	if err := chromedp.Do(ctx, append([]chromedp.Action[chromedp.Void]{chromedp.Navigate("about:blank")}, setup...)...); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	var problems []string
	var mu sync.Mutex
	watch := func(format string, args ...any) {
		mu.Lock()
		problems = append(problems, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	exceptions := chromedp.Events(ctx, runtime.ExceptionThrown)
	entries := chromedp.Events(ctx, cdplog.EntryAdded)
	go func() {
		for ev, err := range exceptions {
			if err != nil {
				return
			}
			watch("script exception: %s", ev.ExceptionDetails.Text)
		}
	}()
	go func() {
		for ev, err := range entries {
			if err != nil {
				return
			}
			if e := ev.Entry; e.Level == cdplog.EntryLevelError && e.Source != cdplog.EntrySourceNetwork {
				watch("console %s error: %s", e.Source, e.Text)
			}
		}
	}()
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range problems {
			t.Errorf("browser reported %s", p)
		}
	})
	return ctx
}

func (s *browserSuite) screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	p := filepath.Join(s.shots, name+".png")
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		t.Errorf("write screenshot: %v", err)
		return
	}
	t.Logf("screenshot %s", p)
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// texts returns the text of every element matching sel.
func texts(t *testing.T, ctx context.Context, sel string) []string {
	t.Helper()
	return run(t, ctx, chromedp.Evaluate[[]string](fmt.Sprintf(
		`Array.from(document.querySelectorAll(%q), e => e.textContent.trim())`, sel)))
}

func call[P any](p P, cmd cdp.Command[P, cdp.Empty]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, cmd, p)
		return chromedp.Void{}, err
	}
}

// submitValue pastes text into the Validate Record form and submits it.
func submitValue(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	do(t, ctx,
		chromedp.WaitVisible(chromedp.ID("value")),
		chromedp.SetValue(chromedp.ID("value"), text),
		chromedp.Click(chromedp.CSS(`form.validate-form button[type="submit"]`)),
	)
}

// fillDraft opens the draft page at base and types lexicon and, when
// given, record into their boxes.
func fillDraft(base, lexicon, record string) chromedp.Action[chromedp.Void] {
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(base + "/validate"),
		chromedp.WaitVisible(chromedp.ID("lexicon")),
		chromedp.SetValue(chromedp.ID("lexicon"), lexicon),
	}
	if record != "" {
		steps = append(steps, chromedp.SetValue(chromedp.ID("record"), record))
	}
	return chromedp.Steps(steps...)
}

// submitDraft presses the draft form's "Lint and validate".
var submitDraft = chromedp.Click(chromedp.CSS(`form.draft-form button[type="submit"]`))

// serverVerdict posts the no-JavaScript form and returns the text of the
// result region the server renders, whitespace collapsed.
func (s *browserSuite) serverVerdict(t *testing.T, path string, form url.Values) string {
	t.Helper()
	return serverVerdictAt(t, s.base, path, form)
}

// postPage posts form to path at base and returns the page.
func postPage(t *testing.T, base, path string, form url.Values) string {
	t.Helper()
	resp, err := http.PostForm(base+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

// serverVerdictAt is serverVerdict for the server at base.
func serverVerdictAt(t *testing.T, base, path string, form url.Values) string {
	t.Helper()
	page := postPage(t, base, path, form)
	start := strings.Index(page, `<div id="result"`)
	end := strings.Index(page, `<section id="metadata"`)
	if end < 0 {
		end = strings.Index(page, `</main>`) // the draft page
	}
	if start < 0 || end < start {
		t.Fatalf("no result region in the server's page")
	}
	region := page[start:end]
	region = region[strings.Index(region, ">")+1 : strings.LastIndex(region, "</div>")]
	text := html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(region, ""))
	return strings.Join(strings.Fields(text), " ")
}

// browserVerdict is the text of the result region in the tab.
func browserVerdict(t *testing.T, ctx context.Context) string {
	t.Helper()
	text := run(t, ctx, chromedp.Evaluate[string](`document.getElementById("result").innerText`))
	return strings.Join(strings.Fields(text), " ")
}

func wantAll(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	joined := strings.Join(got, "\n")
	for _, w := range want {
		if !strings.Contains(joined, w) {
			t.Errorf("%s: got %q, want it to contain %q", what, got, w)
		}
	}
}

func TestBrowser(t *testing.T) {
	s := newBrowserSuite(t)

	t.Run("fresh lexicon page", func(t *testing.T) {
		ctx := s.tab(t)
		do(t, ctx, chromedp.Navigate(s.base+refreshSession), chromedp.WaitVisible(chromedp.ID("value")))
		wantAll(t, "title", texts(t, ctx, "h1"), "com.atproto.server.refreshSession")
		// A procedure's output is not a record: the label names it.
		wantAll(t, "label", texts(t, ctx, `label[for="value"]`), "Validate an output against com.atproto.server.refreshSession")
		// JavaScript reveals the copy buttons.
		if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("button.copy:not([hidden])").length`)); n < 4 {
			t.Errorf("visible copy buttons: got %d, want at least 4 (schema, DID, CID, AT-URI)", n)
		}
		s.screenshot(t, ctx, "01-lexicon-fresh")
	})

	t.Run("valid output", func(t *testing.T) {
		ctx := s.tab(t)
		do(t, ctx, chromedp.Navigate(s.base+refreshSession))
		submitValue(t, ctx, validOutput)
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#result .verdict-valid")))
		wantAll(t, "verdict", texts(t, ctx, "#result .verdict-title"), "Valid")
		// The page did not reload: the textarea still holds the pasted text
		// and the URL has no #result from a form post.
		if u := run(t, ctx, chromedp.Location()); strings.Contains(u, "#result") {
			t.Errorf("location: got %s, want no form navigation", u)
		}
		s.screenshot(t, ctx, "02-valid")
		// The result region is the one live region that speaks results.
		if got := run(t, ctx, chromedp.Evaluate[string](`document.getElementById("announce").textContent`)); got != "" {
			t.Errorf("#announce: got %q, want nothing (#result is aria-live)", got)
		}
	})

	t.Run("an explanation cut at the limit says how many errors it counted", func(t *testing.T) {
		ctx := s.tab(t)
		do(t, ctx, chromedp.Navigate(s.base+refreshSession))
		submitValue(t, ctx, manyErrorsOutput)
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#result .verdict-invalid")))
		wantAll(t, "verdict", texts(t, ctx, "#result .verdict-title"), "Invalid: at least 5 errors")
		if got := texts(t, ctx, "#result .issue"); len(got) != pageMaxErrors {
			t.Errorf("errors: got %q, want %d", got, pageMaxErrors)
		}
		wantAll(t, "note", texts(t, ctx, "#result .result-truncated"), "Only the first 3 problems are listed; lexval counted at least 5 errors in all.")
		if js, srv := browserVerdict(t, ctx), s.serverVerdict(t, refreshSession, url.Values{"target": {"output"}, "value": {manyErrorsOutput}}); js != srv {
			t.Errorf("JavaScript and server results differ:\njs:     %s\nserver: %s", js, srv)
		}
	})

	t.Run("invalid output lists every error with its path", func(t *testing.T) {
		ctx := s.tab(t)
		do(t, ctx, chromedp.Navigate(s.base+refreshSession))
		submitValue(t, ctx, invalidOutput)
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#result .verdict-invalid")))
		wantAll(t, "error paths", texts(t, ctx, "#result .issue-path"), "/accessJwt", "/did")
		if got := texts(t, ctx, "#result .issue"); len(got) < 2 {
			t.Errorf("errors: got %q, want at least 2", got)
		}
		s.screenshot(t, ctx, "03-invalid")
		// app.js renders API results as the server renders form posts.
		if js, srv := browserVerdict(t, ctx), s.serverVerdict(t, refreshSession, url.Values{"target": {"output"}, "value": {invalidOutput}}); js != srv {
			t.Errorf("JavaScript and server results differ:\njs:     %s\nserver: %s", js, srv)
		}

		// The same state at phone width and in dark mode.
		do(t, ctx, chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
		s.screenshot(t, ctx, "04-invalid-phone")
		do(t, ctx, call(emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}}, emulation.SetEmulatedMedia))
		s.screenshot(t, ctx, "05-invalid-phone-dark")
	})

	t.Run("unresolved reference allowed", func(t *testing.T) {
		ctx := s.tab(t)
		do(t, ctx,
			chromedp.Navigate(s.base+testPost),
			chromedp.WaitVisible(chromedp.ID("value")),
			chromedp.Click(chromedp.CSS(`input[name="allowUnresolved"]`)),
		)
		submitValue(t, ctx, postWithEmbed)
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#result .verdict-partial")))
		wantAll(t, "verdict", texts(t, ctx, "#result .verdict-title"), "Valid, with unchecked references")
		wantAll(t, "not checked", texts(t, ctx, "#result .issue"), "com.example.missing.video", "/embed")
		s.screenshot(t, ctx, "06-unresolved-allowed")
		if js, srv := browserVerdict(t, ctx), s.serverVerdict(t, testPost, url.Values{"target": {"record"}, "value": {postWithEmbed}, "allowUnresolved": {"true"}}); js != srv {
			t.Errorf("JavaScript and server results differ:\njs:     %s\nserver: %s", js, srv)
		}

		// Off again: the same record is invalid.
		do(t, ctx, chromedp.Click(chromedp.CSS(`input[name="allowUnresolved"]`)))
		submitValue(t, ctx, postWithEmbed)
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#result .verdict-invalid")))
		s.screenshot(t, ctx, "07-unresolved-refused")
	})

	t.Run("malformed JSON is located before any request", func(t *testing.T) {
		ctx := s.tab(t)
		do(t, ctx, chromedp.Navigate(s.base+refreshSession))
		submitValue(t, ctx, malformed)
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#result .verdict-problem")))
		wantAll(t, "message", texts(t, ctx, "#result .verdict-detail"), "Line 3, column 10", "plc")
		invalid := run(t, ctx, chromedp.AttributeValue(chromedp.ID("value"), "aria-invalid"))
		if invalid.Value != "true" {
			t.Errorf("aria-invalid: got %q, want true", invalid.Value)
		}
		// The offending character is selected in the textarea.
		sel := run(t, ctx, chromedp.Evaluate[[]int](`(e => [e.selectionStart, e.selectionEnd])(document.getElementById("value"))`))
		if at := strings.Index(malformed, "plc"); len(sel) != 2 || sel[0] != at || sel[1] != at+3 {
			t.Errorf("selection: got %v, want [%d %d] (the word plc)", sel, at, at+3)
		}
		labelInView(t, ctx, "value")
		s.screenshot(t, ctx, "08-malformed")

		// At phone width too, where the form is taller than the screen.
		do(t, ctx, chromedp.EmulateViewport(375, 700, chromedp.EmulateMobile), chromedp.Navigate(s.base+refreshSession))
		submitValue(t, ctx, malformed)
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#result .verdict-problem")))
		labelInView(t, ctx, "value")
		s.screenshot(t, ctx, "08-malformed-phone")
	})

	// The server's decoder refuses what JSON.parse accepts: duplicate keys,
	// lone surrogates. The fault is located in the user's text, not in the
	// request body app.js wraps around it, and marked as a syntax error is.
	for _, tt := range []struct{ name, text, selected string }{
		{name: "duplicate key", text: `{"handle": "héllo", "handle": "b"}`, selected: `"handle"`},
		{name: "lone surrogate", text: "{\n  \"accessJwt\": \"a\",\n  \"did\": \"\\ud800\"\n}", selected: `\ud800`},
	} {
		t.Run("server-found JSON fault: "+tt.name, func(t *testing.T) {
			ctx := s.tab(t)
			do(t, ctx, chromedp.Navigate(s.base+refreshSession))
			submitValue(t, ctx, tt.text)
			do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#result .verdict-problem")))
			if js, srv := browserVerdict(t, ctx), s.serverVerdict(t, refreshSession, url.Values{"target": {"output"}, "value": {tt.text}}); js != srv {
				t.Errorf("JavaScript and server results differ:\njs:     %s\nserver: %s", js, srv)
			}
			invalid := run(t, ctx, chromedp.AttributeValue(chromedp.ID("value"), "aria-invalid"))
			if invalid.Value != "true" {
				t.Errorf("aria-invalid: got %q, want true", invalid.Value)
			}
			got := run(t, ctx, chromedp.Evaluate[string](`(e => e.value.slice(e.selectionStart, e.selectionEnd))(document.getElementById("value"))`))
			if got != tt.selected {
				t.Errorf("selection: got %q, want %q", got, tt.selected)
			}
		})
	}

	t.Run("without JavaScript the server renders the result", func(t *testing.T) {
		ctx := s.tab(t, call(emulation.SetScriptExecutionDisabledParams{Value: true}, emulation.SetScriptExecutionDisabled))
		do(t, ctx, chromedp.Navigate(s.base+refreshSession), chromedp.WaitVisible(chromedp.ID("value")))
		// Proof that scripts are off: app.js would have shown the copy buttons.
		if hidden := run(t, ctx, chromedp.AttributeValue(chromedp.CSS("button.copy"), "hidden")); !hidden.Exists {
			t.Fatal("copy buttons are visible, so JavaScript ran")
		}
		do(t, ctx,
			chromedp.SendKeys(chromedp.ID("value"), `{"refreshJwt": "r", "handle": "alice.example.com", "did": "plc:nope"}`),
			chromedp.Click(chromedp.CSS(`form.validate-form button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS("#result .verdict-invalid")),
		)
		if u := run(t, ctx, chromedp.Location()); !strings.HasSuffix(u, "#result") {
			t.Errorf("location: got %s, want the form's action ending in #result", u)
		}
		wantAll(t, "error paths", texts(t, ctx, "#result .issue-path"), "/accessJwt", "/did")
		wantAll(t, "kept text", []string{run(t, ctx, chromedp.Value(chromedp.ID("value")))}, `"did": "plc:nope"`)
		s.screenshot(t, ctx, "09-no-javascript")
	})

	t.Run("catalog: paste any record, checked by its $type", func(t *testing.T) {
		cases := []struct {
			name, value string
			verdict     string
			paths       []string
		}{
			{"invalid post", `{"$type": "app.bsky.feed.post", "text": "hi", "createdAt": "yesterday", "langs": ["en", "fr", "de", "it"]}`, "verdict-invalid", []string{"/createdAt", "/langs"}},
			{"valid post", `{"$type": "app.bsky.feed.post", "text": "hi", "createdAt": "2024-01-01T00:00:00Z"}`, "verdict-valid", nil},
			{"no $type", `{"text": "hi"}`, "verdict-invalid", []string{"/$type"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				// With JavaScript, through the JSON API.
				ctx := s.tab(t)
				do(t, ctx, chromedp.Navigate(s.base+"/"))
				submitValue(t, ctx, tc.value)
				do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#result ."+tc.verdict)))
				if u := run(t, ctx, chromedp.Location()); strings.Contains(u, "#result") {
					t.Errorf("location: got %s, want no form navigation", u)
				}
				if tc.paths != nil {
					wantAll(t, "error paths", texts(t, ctx, "#result .issue-path"), tc.paths...)
				}
				js := browserVerdict(t, ctx)
				s.screenshot(t, ctx, "catalog-paste-"+strings.ReplaceAll(tc.name, " ", "-"))

				// Without it, rendered by the server: the same words.
				noJS := s.tab(t, call(emulation.SetScriptExecutionDisabledParams{Value: true}, emulation.SetScriptExecutionDisabled))
				do(t, noJS, chromedp.Navigate(s.base+"/"),
					chromedp.WaitVisible(chromedp.ID("value")),
					chromedp.SendKeys(chromedp.ID("value"), tc.value),
					chromedp.Click(chromedp.CSS(`form.paste-form button[type="submit"]`)),
					chromedp.WaitVisible(chromedp.CSS("#result ."+tc.verdict)),
				)
				if srv := browserVerdict(t, noJS); srv != js {
					t.Errorf("JavaScript and server results differ:\njs:     %s\nserver: %s", js, srv)
				}
			})
		}
	})

	t.Run("query: the chosen target goes to the API", func(t *testing.T) {
		ctx := s.tab(t)
		do(t, ctx,
			chromedp.Navigate(s.base+"/lexicon/com.example.web.getThing"),
			chromedp.WaitVisible(chromedp.CSS(`input[name="target"][value="params"]`)),
			chromedp.Click(chromedp.CSS(`input[name="target"][value="params"]`)),
		)
		wantAll(t, "hint", texts(t, ctx, "#value-help"), "Paste the parameters")
		wantAll(t, "label", texts(t, ctx, `label[for="value"]`), "Validate a value against com.example.web.getThing")
		submitValue(t, ctx, `{"limit": 500}`)
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#result .verdict-invalid")))
		wantAll(t, "error paths", texts(t, ctx, "#result .issue-path"), "/name", "/limit")
		wantAll(t, "meta", texts(t, ctx, "#result .result-meta"), "Checked as parameters")
		wantAll(t, "verdict", texts(t, ctx, "#result .verdict-detail"), "These parameters do not match com.example.web.getThing")
		s.screenshot(t, ctx, "10-query-params")
	})

	t.Run("keyboard only", func(t *testing.T) {
		ctx := s.tab(t)
		do(t, ctx,
			chromedp.Navigate(s.base+testPost),
			chromedp.WaitVisible(chromedp.ID("value")),
			chromedp.SetValue(chromedp.ID("value"), postWithEmbed),
			chromedp.Focus(chromedp.ID("value")),
			chromedp.KeyEvent(kb.Tab),
		)
		active := `(e => e.id || e.name || e.textContent.trim())(document.activeElement)`
		if got := run(t, ctx, chromedp.Evaluate[string](active)); got != "allowUnresolved" {
			t.Fatalf("after Tab from the textarea, focus: got %q, want the allowUnresolved checkbox", got)
		}
		// Keyboard focus is visible.
		if got := run(t, ctx, chromedp.Evaluate[string](`getComputedStyle(document.activeElement).outlineStyle`)); got != "solid" {
			t.Errorf("focus outline: got %q, want solid", got)
		}
		do(t, ctx, chromedp.KeyEvent(" "), chromedp.KeyEvent(kb.Tab))
		if got := run(t, ctx, chromedp.Evaluate[string](active)); got != "Validate" {
			t.Fatalf("after the checkbox, focus: got %q, want the Validate button", got)
		}
		s.screenshot(t, ctx, "13-keyboard-focus")
		do(t, ctx, chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.CSS("#result .verdict-partial")))
	})

	t.Run("catalog filter", func(t *testing.T) {
		ctx := s.tab(t)
		do(t, ctx,
			chromedp.Navigate(s.base+"/"),
			chromedp.WaitVisible(chromedp.ID("filter")),
			chromedp.SendKeys(chromedp.ID("filter"), "server.refreshses"),
		)
		got := texts(t, ctx, "#catalog > li:not([hidden]) .nsid")
		if len(got) != 1 || got[0] != "com.atproto.server.refreshSession" {
			t.Errorf("filtered catalog: got %q, want only com.atproto.server.refreshSession", got)
		}
		all := len(texts(t, ctx, "#catalog > li"))
		if count := texts(t, ctx, "#filter-count"); len(count) != 1 || count[0] != fmt.Sprintf("1 of %d lexicons", all) {
			t.Errorf("count: got %q, want %q", count, fmt.Sprintf("1 of %d lexicons", all))
		}
		s.screenshot(t, ctx, "11-catalog-filtered")
	})

	t.Run("draft lexicon page", func(t *testing.T) {
		ctx := s.tab(t)
		do(t, ctx,
			fillDraft(s.base, draftDoc, draftRecordInvalid),
			submitDraft,
			chromedp.WaitVisible(chromedp.CSS("#result .verdict-invalid")),
		)
		wantAll(t, "error paths", texts(t, ctx, "#result .issue-path"), "/text")
		wantAll(t, "lint", texts(t, ctx, "#result .verdict-title"), "No problems found")
		// What is read and seen first is the record's verdict, and the
		// page shows it rather than the lexicon's above it.
		wantAll(t, "summary", texts(t, ctx, "#result > :first-child"), "The record is invalid (1 error); the lexicon has no problems.")
		if !run(t, ctx, chromedp.Evaluate[bool](inViewport("#result .verdict-invalid"))) {
			t.Error("the record's verdict is not in the viewport")
		}
		if u := run(t, ctx, chromedp.Location()); strings.Contains(u, "#result") {
			t.Errorf("location: got %s, want no form navigation", u)
		}
		s.screenshot(t, ctx, "12-draft")
		if js, srv := browserVerdict(t, ctx), s.serverVerdict(t, "/validate", url.Values{"lexicon": {draftDoc}, "record": {draftRecordInvalid}}); js != srv {
			t.Errorf("JavaScript and server results differ:\njs:     %s\nserver: %s", js, srv)
		}
	})

	// Comparing goes to the server, which renders the page: app.js lets
	// the compare button's post through.
	t.Run("draft compared with the published version", func(t *testing.T) {
		ctx := s.tab(t)
		do(t, ctx,
			fillDraft(s.base, draftPostV2, ""),
			chromedp.Click(chromedp.CSS(`form.draft-form button[name="compare"]`)),
			chromedp.WaitVisible(chromedp.ID("compare-result")),
		)
		wantAll(t, "verdict", texts(t, ctx, "#result .verdict-title"), "Breaking: 2 changes")
		wantAll(t, "changes", texts(t, ctx, "#result .issue-rule code"), "required-added", "max-length-tightened")
		if u := run(t, ctx, chromedp.Location()); !strings.HasSuffix(u, "/validate#result") {
			t.Errorf("location: got %s, want the form's post to /validate#result", u)
		}
		if got := run(t, ctx, chromedp.Evaluate[string](`document.getElementById("lexicon").value`)); !strings.Contains(got, `"maxLength": 100`) {
			t.Errorf("the lexicon box holds %q after the post, want the draft", got)
		}
		s.screenshot(t, ctx, "12-draft-compare")
	})

	// The lint is shown whatever is wrong with the record, as without
	// JavaScript.
	for _, tt := range []struct {
		name, lexicon, record string
		allow                 bool
		// from is where the texts are compared from: app.js words the
		// syntax errors it finds itself.
		from string
	}{
		{name: "lint errors", lexicon: draftDocLintErrors},
		{name: "record not JSON", lexicon: draftDoc, record: `{"text": }`, from: "Lexicon "},
		{name: "record with a duplicate key", lexicon: draftDoc, record: `{"text": "a", "text": "b"}`},
		{name: "lexicon with a duplicate key", lexicon: `{"lexicon": 1, "lexicon": 1}`, record: `{}`},
		{name: "lexicon that cannot be compiled", lexicon: `{"lexicon": 1, "defs": {}}`, record: `{}`},
		{name: "lexicon without main", lexicon: `{"lexicon": 1, "id": "com.example.draft.x", "defs": {"thing": {"type": "token"}}}`, record: `{}`},
		{name: "unresolved reference refused", lexicon: draftDocDangling},
		{name: "unresolved reference allowed", lexicon: draftDocDangling, allow: true},
		{name: "record with unresolved reference allowed", lexicon: draftDocDangling, record: `{"$type": "com.example.draft.dangling", "x": {}}`, allow: true},
		{name: "record with more errors than are listed", lexicon: draftDocTags, record: draftRecordTags},
	} {
		t.Run("draft: "+tt.name, func(t *testing.T) {
			ctx := s.tab(t)
			do(t, ctx,
				fillDraft(s.base, tt.lexicon, tt.record),
			)
			form := url.Values{"lexicon": {tt.lexicon}, "record": {tt.record}}
			if tt.allow {
				do(t, ctx, chromedp.Click(chromedp.CSS(`input[name="allowUnresolved"]`)))
				form.Set("allowUnresolved", "true")
			}
			do(t, ctx,
				submitDraft,
				chromedp.WaitVisible(chromedp.CSS("#result .verdict")),
			)
			js, srv := browserVerdict(t, ctx), s.serverVerdict(t, "/validate", form)
			if tt.from != "" {
				js, srv = js[max(strings.Index(js, tt.from), 0):], srv[max(strings.Index(srv, tt.from), 0):]
			}
			if js != srv {
				t.Errorf("JavaScript and server results differ:\njs:     %s\nserver: %s", js, srv)
			}
		})
	}

	// A record named by AT-URI, against a lexicon from the network: a
	// server of its own, resolving over the fake network.
	t.Run("record by AT-URI", func(t *testing.T) {
		svc, res, a := provenanceNet(t)
		srv, err := server.New(server.Config{Service: svc, Resolver: res})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv.Handler())
		t.Cleanup(ts.Close)
		for _, tt := range []struct {
			name, uri, wait, shot string
			want                  []string
		}{
			{name: "valid", uri: postURI, wait: "#result .verdict-valid", shot: "14-record-uri-valid", want: []string{"Valid", "Record " + postURI, "signed by " + a.SigningKey().DIDKey()}},
			{name: "invalid", uri: badPostURI, wait: "#result .verdict-invalid", want: []string{"/text", "Record " + badPostURI}},
			{name: "proof fails", uri: forgedURI, wait: "#result .verdict-problem", shot: "15-record-uri-proof-fails", want: []string{"The record could not be proven", "bad commit signature"}},
			{name: "not there", uri: absentURI, wait: "#result .verdict-problem", want: []string{"Record not found"}},
			{name: "not a record's AT-URI", uri: "at://" + remoteDID + "/com.example.remote.post", wait: "#result .verdict-problem", want: []string{"Not the AT-URI of a record", "does not name a record"}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				ctx := s.tab(t)
				do(t, ctx,
					chromedp.Navigate(ts.URL+remotePage),
					chromedp.WaitVisible(chromedp.ID("uri")),
					chromedp.SendKeys(chromedp.ID("uri"), tt.uri),
					chromedp.Click(chromedp.CSS(`form.validate-form button[type="submit"]`)),
					chromedp.WaitVisible(chromedp.CSS(tt.wait)),
				)
				if u := run(t, ctx, chromedp.Location()); strings.Contains(u, "#result") {
					t.Errorf("location: got %s, want no form navigation", u)
				}
				js := browserVerdict(t, ctx)
				wantAll(t, "result", []string{js}, tt.want...)
				// No box holds a fetched record: its errors select nothing.
				if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#result [data-for], #result .issue-jump").length`)); n != 0 {
					t.Errorf("%d errors point into a box, want none", n)
				}
				if srv := serverVerdictAt(t, ts.URL, remotePage, url.Values{"target": {"record"}, "uri": {tt.uri}}); js != srv {
					t.Errorf("JavaScript and server results differ:\njs:     %s\nserver: %s", js, srv)
				}
				if tt.shot != "" {
					s.screenshot(t, ctx, tt.shot)
				}
			})
		}

		// The draft form leaves a record named by AT-URI to the server.
		t.Run("draft", func(t *testing.T) {
			ctx := s.tab(t)
			do(t, ctx,
				chromedp.Navigate(ts.URL+"/validate"),
				chromedp.WaitVisible(chromedp.ID("uri")),
				chromedp.SetValue(chromedp.ID("lexicon"), remotePostL),
				chromedp.SendKeys(chromedp.ID("uri"), postURI),
				submitDraft,
				chromedp.WaitVisible(chromedp.CSS("#result .verdict-valid + p + p.result-record")),
			)
			if u := run(t, ctx, chromedp.Location()); !strings.HasSuffix(u, "/validate#result") {
				t.Errorf("location: got %s, want the server's page", u)
			}
			wantAll(t, "summary", texts(t, ctx, "#result .summary"), "The record is valid; the lexicon has no problems.")
		})
	})

	t.Run("layout", func(t *testing.T) {
		ctx := s.tab(t)
		do(t, ctx, chromedp.Navigate(s.base+refreshSession), chromedp.WaitVisible(chromedp.ID("value")))
		style := func(sel, prop string) string {
			return run(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(`getComputedStyle(document.querySelector(%q))[%q]`, sel, prop)))
		}
		// .wrap sets the sides only: main keeps its space below the header.
		if got := style("main", "paddingTop"); got != "32px" {
			t.Errorf("main padding-top: got %s, want 32px", got)
		}
		do(t, ctx, chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
		if got := style(".site-header-inner", "paddingTop"); got == "0px" {
			t.Errorf("phone: header padding-top: got %s, want the header's own", got)
		}
		if got := run(t, ctx, chromedp.Evaluate[float64](`document.querySelector(".site-header").getBoundingClientRect().height`)); got < 44 {
			t.Errorf("phone: header height: got %.0fpx, want at least 44px", got)
		}
		if got := style("main", "paddingTop"); got != "32px" {
			t.Errorf("phone: main padding-top: got %s, want 32px", got)
		}
	})
}

// inViewport is a script: whether the element sel is wholly on screen.
func inViewport(sel string) string {
	return fmt.Sprintf(`(b => b.top >= 0 && b.bottom <= window.innerHeight)(document.querySelector(%q).getBoundingClientRect())`, sel)
}

// labelInView checks that the label of the control id is on screen.
func labelInView(t *testing.T, ctx context.Context, id string) {
	t.Helper()
	if !run(t, ctx, chromedp.Evaluate[bool](inViewport(`label[for="`+id+`"]`))) {
		t.Errorf("the label of #%s is off screen", id)
	}
}
