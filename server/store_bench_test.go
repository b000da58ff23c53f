package server

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/internal/storetest"
	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/service"
	"github.com/lexval/lexval/store"
)

// BenchmarkSchemaStored compares GET /api/v1/schema of an embedded lexicon
// with that of the same document stored (a copy under another NSID, whose
// authority the store remembers), through the whole handler, and reports
// the median and 99th percentile latency of each request.
//
//	go test ./server -run '^$' -bench SchemaStored -benchtime 20000x -count 3
func BenchmarkSchemaStored(b *testing.B) {
	for _, kind := range storetest.Kinds {
		b.Run(kind, func(b *testing.B) {
			h := storedServer(b, kind).Handler()
			for _, bc := range []struct{ name, nsid string }{
				{"embedded", refreshSession},
				{"stored", storedNSID},
			} {
				b.Run(bc.name, func(b *testing.B) {
					target := "/api/v1/schema?nsid=" + bc.nsid
					lat := make([]time.Duration, 0, b.N)
					b.ReportAllocs()
					for b.Loop() {
						start := time.Now()
						rec := httptest.NewRecorder()
						h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
						lat = append(lat, time.Since(start))
						if rec.Code != http.StatusOK {
							b.Fatalf("got %d: %s", rec.Code, rec.Body)
						}
					}
					slices.Sort(lat)
					b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
					b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
				})
			}
		})
	}
}

const storedNSID = "com.example.stored.refreshSession"

// storedServer is a server whose store holds refreshSession's document as
// storedNSID, published by a DID the store knows as its authority.
func storedServer(tb testing.TB, kind string) *testServer {
	tb.Helper()
	st := storetest.Open(tb, kind)
	res0, err := resolver.New(resolver.Config{})
	if err != nil {
		tb.Fatal(err)
	}
	embedded, err := res0.Resolve(tb.Context(), resolver.Query{NSID: refreshSession})
	if err != nil {
		tb.Fatal(err)
	}
	val, err := datamodel.DecodeJSON([]byte(strings.Replace(string(embedded.Value), `"id":"`+refreshSession+`"`, `"id":"`+storedNSID+`"`, 1)))
	if err != nil {
		tb.Fatal(err)
	}
	const did = "did:plc:storedstoredstoredstored"
	v, err := store.NewVersion(did, storedNSID, val)
	if err != nil {
		tb.Fatal(err)
	}
	v.Source, v.Rev = resolver.SourceTap, "3kaaaaaaaaaa2"
	if _, err := store.Put(tb.Context(), st, v); err != nil {
		tb.Fatal(err)
	}
	if err := st.SetAuthority(tb.Context(), "stored.example.com", did, time.Now()); err != nil {
		tb.Fatal(err)
	}
	res, src, err := store.NewResolver(resolver.Config{}, st, store.SourceOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	svc := service.NewWithOptions(res, service.Options{Store: src})
	s, err := New(Config{Service: svc, Resolver: res, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		tb.Fatal(err)
	}
	return &testServer{Server: s, res: res, svc: svc}
}
