package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/lexval/lexval/internal/atprototest"
	"github.com/lexval/lexval/internal/storetest"
	"github.com/lexval/lexval/service"
	"github.com/lexval/lexval/store"
)

// TestHistoryPages: with a store, a lexicon page has a History section
// listing every stored version (the one shown marked, another publisher's
// marked not authoritative), each with a page of its own at ?cid=, where
// values are validated against that version.
func TestHistoryPages(t *testing.T) {
	const nsid = "com.example.remote.post"
	n := atprototest.New(t)
	a := n.NewAccount(remoteDID, atprototest.P256)
	v1 := a.PublishLexicon([]byte(remotePostL))
	squatter := n.NewAccount(forgedDID, atprototest.K256)
	squatted := squatter.PutRecord("com.atproto.lexicon.schema", nsid, []byte(`{"$type":"com.atproto.lexicon.schema",`+remotePostL[1:]))
	st := storetest.Open(t, "sqlite")
	// Nothing is kept fresh for long, so that the network is asked again.
	rc := n.ResolverConfig()
	rc.CacheTTL = 1
	res, src, err := store.NewResolver(rc, st, store.SourceOptions{MaxAge: 1})
	if err != nil {
		t.Fatal(err)
	}
	svc := service.NewWithOptions(res, service.Options{Store: src})
	e := pagesOf(t, svc)

	servePage(t, e, "", remotePage, "", 200) // fetches v1 and stores it
	servePage(t, e, "", "/lexicon/"+forgedDID+"/"+nsid, "", 200)
	// v2 allows 20 characters where v1 allowed 10.
	v2 := a.PublishLexicon([]byte(strings.Replace(remotePostL, `"maxLength":10`, `"maxLength":20`, 1)))
	latest := servePage(t, e, "", "/lexicon/"+nsid, "", 200).Body.String()
	v1Page := "/lexicon/" + url.PathEscape(remoteDID) + "/" + nsid + "?cid=" + v1.String()

	tests := []struct {
		name, method, target, body string
		status                     int
		contains, lacks            []string
	}{
		{
			name: "the latest version, with every publisher's history", target: "/lexicon/" + nsid, status: 200,
			contains: []string{
				`<a href="#history">History</a>`, `id="history"`, "every publisher of " + nsid,
				`<code>` + v2.String() + `</code></a> <span class="badge">shown</span> <span class="badge">authoritative</span>`,
				`href="` + v1Page + `"`,
				`<code>` + squatted.String() + `</code></a> <span class="badge" title=`, "not authoritative",
			},
		},
		{
			name: "an older version at its own URL", target: v1Page, status: 200,
			contains: []string{
				"This page shows the version <code>" + v1.String() + "</code>",
				`<input type="hidden" name="cid" value="` + v1.String() + `">`,
				`<code>` + v1.String() + `</code></a> <span class="badge">shown</span>`,
				"this record",
			},
		},
		{
			name: "validated against the older version", method: "POST", target: v1Page,
			body: form("target", "record", "cid", v1.String(), "value", `{"$type":"com.example.remote.post","text":"fifteen chars!!"}`), status: 200,
			contains: []string{"verdict-invalid", "/text"},
		},
		{
			name: "validated against the latest version", method: "POST", target: "/lexicon/" + nsid,
			body: form("target", "record", "cid", v2.String(), "value", `{"$type":"com.example.remote.post","text":"fifteen chars!!"}`), status: 200,
			contains: []string{"verdict-valid"},
		},
		{name: "a CID no version has", target: "/lexicon/" + nsid + "?cid=bafyreigtmtzisxiuao4kcswgnbud7wmpkcnsdb6h2kenhbnaolsx7bpiq4", status: 409},
		{name: "not a CID", target: "/lexicon/" + nsid + "?cid=nope", status: 400, contains: []string{"Not a valid CID"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := servePage(t, e, tt.method, tt.target, tt.body, tt.status).Body.String()
			for _, want := range tt.contains {
				if !strings.Contains(body, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			for _, unwanted := range tt.lacks {
				if strings.Contains(body, unwanted) {
					t.Errorf("page has %q", unwanted)
				}
			}
			assertNoInline(t, body)
		})
	}
	if !strings.Contains(latest, v2.String()) {
		t.Errorf("the NSID's page does not show %s", v2)
	}
}
