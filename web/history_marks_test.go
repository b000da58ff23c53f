package web_test

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/labstack/echo/v4"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/internal/storetest"
	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/server"
	"github.com/lexval/lexval/service"
	"github.com/lexval/lexval/store"
	"github.com/lexval/lexval/web"
)

const (
	histNSID = "com.example.hist.note"
	histDID  = syntax.DID("did:plc:histhisthisthisthisthist")
	// histV1 is the first version; histV2 tightens text's maxLength and
	// requires lang; histV3 loosens maxLength again.
	histV1 = `{"$type": "com.atproto.lexicon.schema", "lexicon": 1, "id": "com.example.hist.note", "defs": {"main": {"type": "record", "key": "tid",
  "record": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string", "maxLength": 10}, "lang": {"type": "string"}}}}}}`
)

var (
	histV2 = strings.NewReplacer(`"maxLength": 10`, `"maxLength": 5`, `"required": ["text"]`, `"required": ["text", "lang"]`).Replace(histV1)
	histV3 = strings.Replace(histV2, `"maxLength": 5`, `"maxLength": 50`, 1)
)

// storedUI is the UI over a service whose SQLite store holds the versions
// of histNSID, oldest first, published by histDID (its authority).
func storedUI(t testing.TB, timeout time.Duration, versions ...string) (*echo.Echo, []string) {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t, "sqlite")
	if err := st.SetAuthority(ctx, "hist.example.com", histDID, time.Now()); err != nil {
		t.Fatal(err)
	}
	var cids []string
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i, text := range versions {
		val, err := datamodel.DecodeJSON([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		v, err := store.NewVersion(histDID, histNSID, val)
		if err != nil {
			t.Fatal(err)
		}
		v.Source, v.Rev = resolver.SourceTap, "3kaaaaaaaaaa"+string(rune('2'+i))
		v.FirstSeen = at.Add(time.Duration(i) * time.Hour)
		v.LastSeen = v.FirstSeen
		if _, err := store.Put(ctx, st, v); err != nil {
			t.Fatal(err)
		}
		cids = append(cids, v.CID.String())
	}
	res, src, err := store.NewResolver(resolver.Config{OmitBundled: true}, st, store.SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	svc := service.NewWithOptions(res, service.Options{Store: src})
	ui, err := web.New(web.Config{Service: svc, Status: server.StatusFor, RequestTimeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	ui.Register(e)
	return e, cids
}

// historyMarks is the text of each version's mark of changes, newest first.
func historyMarks(t testing.TB, page string) []string {
	t.Helper()
	var marks []string
	for _, m := range regexp.MustCompile(`<div class="history-changes">(.*?)</div>`).FindAllStringSubmatch(page, -1) {
		marks = append(marks, strings.Join(strings.Fields(html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(m[1], ""))), " "))
	}
	return marks
}

// TestHistoryBreakingMarks: the History section marks each version with
// what broke since the version before it (counted, the rules named), and
// links to the two compared.
func TestHistoryBreakingMarks(t *testing.T) {
	e, cids := storedUI(t, 0, histV1, histV2, histV3)
	page := servePage(t, e, http.MethodGet, "/lexicon/"+histNSID, "", 200).Body.String()
	want := []string{
		"no breaking change 1 warning: max-length-loosened compare with the version before",
		"2 breaking: max-length-tightened, required-added compare with the version before",
		"the first version this server has seen",
	}
	if got := historyMarks(t, page); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("marks, newest first:\ngot  %q\nwant %q", got, want)
	}
	compare := "/compare?old=" + histNSID + "%40" + cids[0] + "&new=" + histNSID + "%40" + cids[1]
	if !strings.Contains(page, `<a href="`+html.EscapeString(compare)+`">compare with the version before</a>`) {
		t.Errorf("no link to %s", compare)
	}
	assertNoInline(t, page)
	golden(t, "lexicon-history-marks.html", []byte(page))

	// The compare page the mark links to.
	cmp := servePage(t, e, http.MethodGet, compare, "", 200).Body.String()
	for _, want := range []string{
		"Compare two versions of", "Breaking: 2 changes", "max-length-tightened", "required-added",
		`href="/lexicon/` + string(histDID) + `/` + histNSID + `?cid=` + cids[0] + `"><code>` + cids[0] + `</code></a>`,
		`value="` + histNSID + `@` + cids[1] + `"`,
		"/defs/main/record/properties/text/maxLength",
	} {
		if !strings.Contains(cmp, want) {
			t.Errorf("compare page lacks %q", want)
		}
	}
	assertNoInline(t, cmp)
	golden(t, "compare-stored.html", []byte(cmp))

	// A result on an older version's page links to that version.
	v1Page := "/lexicon/" + string(histDID) + "/" + histNSID + "?cid=" + cids[0]
	value := `{"$type": "` + histNSID + `", "text": "eleven long"}`
	posted := servePage(t, e, http.MethodPost, v1Page, form("target", "record", "value", value), 200).Body.String()
	m := permalinkHref.FindStringSubmatch(posted)
	if want := v1Page + "&target=record&value=" + url.QueryEscape(value) + "#result"; m == nil || html.UnescapeString(m[1]) != want {
		t.Errorf("permalink on a version's page: got %q, want %s", m, want)
	}
	if !strings.Contains(posted, "/text") {
		t.Error("the value was not checked against the first version (maxLength 10)")
	}
}

// TestHistoryMarksInTime: the comparisons stop when their share of the
// request's time is out; the versions say they were not compared, and the
// page is served.
func TestHistoryMarksInTime(t *testing.T) {
	e, _ := storedUI(t, time.Nanosecond, histV1, histV2, histV3)
	page := servePage(t, e, http.MethodGet, "/lexicon/"+histNSID, "", 200).Body.String()
	marks := historyMarks(t, page)
	if len(marks) != 3 || !strings.HasPrefix(marks[0], "not compared: the page's time for comparing versions is out") || !strings.HasPrefix(marks[1], "not compared") {
		t.Errorf("marks: got %q, want the two pairs not compared", marks)
	}
}

// TestComparePage: the compare page alone, and what it refuses.
func TestComparePage(t *testing.T) {
	e, cids := storedUI(t, 0, histV1, histV2)
	tests := []struct {
		name, target string
		status       int
		contains     []string
	}{
		{name: "compare-empty", target: "/compare", status: 200, contains: []string{`<form method="get" action="/compare#result"`, "NSID@CID"}},
		{name: "compare-one-side", target: "/compare?old=" + histNSID, status: 400, contains: []string{"Two versions to compare", `id="new" name="new"`, `aria-invalid="true"`}},
		{name: "compare-unknown-cid", target: "/compare?old=" + histNSID + "@bafyreigtmtzisxiuao4kcswgnbud7wmpkcnsdb6h2kenhbnaolsx7bpiq4&new=" + histNSID, status: 0},
		{name: "compare-not-a-ref", target: "/compare?old=nope&new=" + histNSID, status: 400, contains: []string{"Invalid request"}},
		{name: "compare-loosened", target: "/compare?old=" + histNSID + "@" + cids[1] + "&new=" + histNSID + "@" + cids[0], status: 200, contains: []string{"Nothing breaks, with 2 warnings", "max-length-loosened", "new data may break readers of the old version"}},
		{name: "compare-same", target: "/compare?old=" + histNSID + "@" + cids[1] + "&new=" + histNSID, status: 200, contains: []string{"Nothing breaks", "The two versions are the same."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.target, nil))
			if tt.status != 0 && rec.Code != tt.status {
				t.Errorf("status: got %d, want %d", rec.Code, tt.status)
			}
			if tt.status == 0 && (rec.Code < 400 || rec.Code >= 500) {
				t.Errorf("status: got %d, want a 4xx", rec.Code)
			}
			body := rec.Body.String()
			for _, want := range tt.contains {
				if !strings.Contains(body, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			assertNoInline(t, body)
		})
	}
}

// BenchmarkHistoryMarks serves the page of a lexicon with a full History
// page of versions (50, each loosening maxLength), so 49 comparisons (the
// oldest's version before is on the next page, as far as the page knows).
//
//	go test ./web -run '^$' -bench HistoryMarks -benchtime 20x
func BenchmarkHistoryMarks(b *testing.B) {
	versions := make([]string, 50)
	for i := range versions {
		versions[i] = strings.Replace(histV1, `"maxLength": 10`, `"maxLength": `+strconv.Itoa(10+i), 1)
	}
	e, _ := storedUI(b, 0, versions...)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/lexicon/"+histNSID, nil))
		if rec.Code != http.StatusOK || len(historyMarks(b, rec.Body.String())) != 49 {
			b.Fatalf("got %d, marks %q", rec.Code, historyMarks(b, rec.Body.String()))
		}
	}
}
