package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/internal/atprototest"
	"github.com/lexval/lexval/internal/storetest"
	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/store"
)

func remote(description string) []byte {
	return []byte(`{"lexicon":1,"id":"com.example.remote.thing","defs":{"main":{"type":"object","description":"` + description + `","properties":{}}}}`)
}

// offline is a resolver over st without the network, as a restarted
// server or a command with --db but not --network.
func offline(t *testing.T, st store.Store) *resolver.Resolver {
	t.Helper()
	res, _, err := store.NewResolver(resolver.Config{}, st, store.SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func online(t *testing.T, net *atprototest.Network, st store.Store, opts store.SourceOptions) *resolver.Resolver {
	t.Helper()
	res, _, err := store.NewResolver(net.ResolverConfig(), st, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestReadThrough: what the network fetched is stored and answers later,
// with the network off, by NSID from the authoritative repository only,
// by AT-URI from any; a pinned CID selects a stored version.
func TestReadThrough(t *testing.T) {
	const nsid = syntax.NSID("com.example.remote.thing")
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			ctx := t.Context()
			st := storetest.Open(t, kind)
			net := atprototest.New(t)
			author := net.NewAccount("", atprototest.P256)
			squatter := net.NewAccount("", atprototest.K256)
			v1 := author.PublishLexicon(remote("one"))
			squatted := squatter.PutRecord(resolver.SchemaCollection, syntax.RecordKey(nsid), append([]byte(`{"$type":"com.atproto.lexicon.schema",`), remote("squatted")[1:]...))

			first, err := online(t, net, st, store.SourceOptions{}).Resolve(ctx, resolver.Query{NSID: nsid})
			if err != nil || !first.CID.Equals(v1) || first.Source != resolver.SourceNetwork {
				t.Fatalf("got %v, %v; want %s from the network", first, err, v1)
			}
			if _, err := online(t, net, st, store.SourceOptions{}).Resolve(ctx, resolver.Query{URI: squatter.URI(resolver.SchemaCollection, syntax.RecordKey(nsid))}); err != nil {
				t.Fatal(err)
			}
			v2 := author.PublishLexicon(remote("two"))
			if rec, err := online(t, net, st, store.SourceOptions{MaxAge: time.Nanosecond}).Resolve(ctx, resolver.Query{NSID: nsid}); err != nil || !rec.CID.Equals(v2) {
				t.Fatalf("got %v, %v; want the stale version refetched: %s", rec, err, v2)
			}

			requests := net.PDS.Requests()
			res := offline(t, st)
			tests := []struct {
				name    string
				query   resolver.Query
				want    string
				wantErr error
			}{
				{name: "by NSID, the authority's current version", query: resolver.Query{NSID: nsid}, want: v2.String()},
				{name: "pinned to an older version", query: resolver.Query{NSID: nsid, CID: v1}, want: v1.String()},
				{name: "pinned to another publisher's version", query: resolver.Query{NSID: nsid, CID: squatted}, wantErr: resolver.ErrNotFound},
				{name: "another publisher by AT-URI", query: resolver.Query{URI: squatter.URI(resolver.SchemaCollection, syntax.RecordKey(nsid))}, want: squatted.String()},
				{name: "never fetched", query: resolver.Query{NSID: "com.example.remote.other"}, wantErr: resolver.ErrNotFound},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					rec, err := res.Resolve(ctx, tt.query)
					if tt.wantErr != nil {
						if !errors.Is(err, tt.wantErr) {
							t.Errorf("got %v, %v; want an error wrapping %v", rec, err, tt.wantErr)
						}
						return
					}
					if err != nil || rec.CID.String() != tt.want {
						t.Fatalf("got %v, %v; want %s", rec, err, tt.want)
					}
					if rec.Proof == nil || rec.Proof.DID.String() != rec.URI.Authority().String() {
						t.Errorf("got proof %+v, want the stored proof of %s", rec.Proof, rec.URI)
					}
					if rec.Document == nil || rec.Document.ID != nsid {
						t.Errorf("got document %v, want %s parsed", rec.Document, nsid)
					}
				})
			}
			if got := net.PDS.Requests(); got != requests {
				t.Errorf("got %d requests to the PDS from the offline resolver, want none", got-requests)
			}
			first2, _ := res.Resolve(ctx, resolver.Query{NSID: nsid, CID: v1})
			if first2 != nil && !first2.IndexedAt.Equal(first.IndexedAt.UTC().Truncate(time.Microsecond)) {
				t.Errorf("got indexedAt %v, want the first sighting %v", first2.IndexedAt, first.IndexedAt)
			}
		})
	}
}

// TestSourceRemembers: the current version read from the database answers
// for CacheTTL; what another writer commits shows after it, or at once
// after Forget, or always without a cache.
func TestSourceRemembers(t *testing.T) {
	const id = syntax.NSID("com.example.store.thing")
	st := storetest.Open(t, "sqlite")
	key := store.Key{DID: alice, NSID: id}
	mustPut(t, st, version(t, alice, id, "one", "3kaaaaaaaaaa2"))
	v2 := version(t, alice, id, "two", "3kaaaaaaaaab2")
	q := resolver.Query{URI: syntax.ATURI("at://" + string(alice) + "/com.atproto.lexicon.schema/" + string(id)), NSID: id}

	long := store.NewSource(st, store.SourceOptions{CacheTTL: time.Hour})
	never := store.NewSource(st, store.SourceOptions{CacheTTL: -1})
	first, err := long.Resolve(t.Context(), q)
	if err != nil {
		t.Fatal(err)
	}
	mustPut(t, st, v2) // another replica's write
	if rec, err := long.Resolve(t.Context(), q); err != nil || !rec.CID.Equals(first.CID) {
		t.Errorf("got %v, %v; want the version remembered, %s", rec, err, first.CID)
	}
	if rec, err := never.Resolve(t.Context(), q); err != nil || !rec.CID.Equals(v2.CID) {
		t.Errorf("without a cache: got %v, %v; want %s", rec, err, v2.CID)
	}
	long.Forget(key)
	if rec, err := long.Resolve(t.Context(), q); err != nil || !rec.CID.Equals(v2.CID) {
		t.Errorf("after Forget: got %v, %v; want %s", rec, err, v2.CID)
	}
}
