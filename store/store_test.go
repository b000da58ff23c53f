package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/internal/storetest"
	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/store"
)

const (
	alice = syntax.DID("did:plc:aliceaaaaaaaaaaaaaaaaaaa")
	bob   = syntax.DID("did:plc:bobbbbbbbbbbbbbbbbbbbbbb")
	nsid  = syntax.NSID("com.example.store.thing")
)

// lexicon returns a schema record for nsid whose description tells
// versions apart.
func lexicon(t testing.TB, id syntax.NSID, description string) any {
	t.Helper()
	v, err := datamodel.DecodeJSON(fmt.Appendf(nil, `{"$type":"com.atproto.lexicon.schema","lexicon":1,"id":%q,"defs":{"main":{"type":"object","description":%q,"properties":{}}}}`, id, description))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// version makes the version of did's record for id with that description,
// seen at rev.
func version(t testing.TB, did syntax.DID, id syntax.NSID, description, rev string) *store.Version {
	t.Helper()
	v, err := store.NewVersion(did, id, lexicon(t, id, description))
	if err != nil {
		t.Fatal(err)
	}
	v.Rev, v.Source = rev, resolver.SourceTap
	return v
}

// forEachStore runs f against a new store of each kind.
func forEachStore(t *testing.T, f func(t *testing.T, st store.Store)) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			f(t, storetest.Open(t, kind))
		})
	}
}

func mustPut(t *testing.T, st store.Store, v *store.Version) bool {
	t.Helper()
	created, err := store.Put(t.Context(), st, v)
	if err != nil {
		t.Fatal(err)
	}
	return created
}

// history lists the CIDs of q's versions, newest first.
func history(t *testing.T, st store.Store, q store.HistoryQuery) []string {
	t.Helper()
	vs, err := st.History(t.Context(), q)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, v := range vs {
		s := v.CID.String()
		if v.Deleted {
			s += " deleted"
		}
		out = append(out, s)
	}
	return out
}

func equal(a, b []string) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

func TestPutIsIdempotent(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		v := version(t, alice, nsid, "one", "3kaaaaaaaaaa2")
		v.FirstSeen = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		if !mustPut(t, st, v) {
			t.Fatal("got created false for a new version, want true")
		}
		again := *v
		again.FirstSeen, again.LastSeen = v.FirstSeen.Add(time.Hour), v.FirstSeen.Add(time.Hour)
		again.Proof = &resolver.Proof{DID: alice, Rev: "3kaaaaaaaaaa3", Commit: "bafyreicommit", SigningKey: "did:key:z", VerifiedAt: again.LastSeen}
		if mustPut(t, st, &again) {
			t.Error("got created true for a version stored already, want false")
		}
		if got := history(t, st, store.HistoryQuery{NSID: nsid}); len(got) != 1 {
			t.Fatalf("got %d versions, want 1", len(got))
		}
		cur, err := st.Current(t.Context(), store.Key{DID: alice, NSID: nsid})
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case !cur.FirstSeen.Equal(v.FirstSeen):
			t.Errorf("got first seen %v, want %v (the first sighting)", cur.FirstSeen, v.FirstSeen)
		case !cur.LastSeen.Equal(again.LastSeen):
			t.Errorf("got last seen %v, want %v", cur.LastSeen, again.LastSeen)
		case cur.Proof == nil || cur.Proof.Commit != "bafyreicommit":
			t.Errorf("got proof %+v, want the one the second sighting brought", cur.Proof)
		case cur.Rev != v.Rev:
			t.Errorf("got rev %q, want %q (where it was first seen)", cur.Rev, v.Rev)
		case string(cur.Record) != string(v.Record) || !cur.CID.Equals(v.CID):
			t.Errorf("got %s, want the bytes of %s", cur.CID, v.CID)
		}
	})
}

func TestCurrentFollowsRevisions(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		key := store.Key{DID: alice, NSID: nsid}
		v1 := version(t, alice, nsid, "one", "3kaaaaaaaaaa2")
		v2 := version(t, alice, nsid, "two", "3kaaaaaaaaab2")
		v0 := version(t, alice, nsid, "zero", "3kaaaaaaaaaa1") // older, delivered last
		for _, v := range []*store.Version{v1, v2, v0} {
			mustPut(t, st, v)
		}
		cur, err := st.Current(t.Context(), key)
		if err != nil || !cur.CID.Equals(v2.CID) {
			t.Fatalf("got current %v, %v; want %s, the highest revision", cur, err, v2.CID)
		}
		old, err := st.Version(t.Context(), key, v1.CID)
		if err != nil || !old.CID.Equals(v1.CID) {
			t.Fatalf("got version %v, %v; want %s", old, err, v1.CID)
		}
		if _, err := st.Version(t.Context(), store.Key{DID: bob, NSID: nsid}, v1.CID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("got %v for another repository's version, want ErrNotFound", err)
		}
		if got, want := history(t, st, store.HistoryQuery{NSID: nsid, DID: alice}), []string{v0.CID.String(), v2.CID.String(), v1.CID.String()}; !equal(got, want) {
			t.Errorf("got history %v, want %v (newest stored first)", got, want)
		}
	})
}

func TestDeleteKeepsHistory(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		ctx := t.Context()
		key := store.Key{DID: alice, NSID: nsid}
		v1 := version(t, alice, nsid, "one", "3kaaaaaaaaaa2")
		v2 := version(t, alice, nsid, "two", "3kaaaaaaaaab2")
		mustPut(t, st, v1)
		mustPut(t, st, v2)

		if done, err := store.Delete(ctx, st, key, "3kaaaaaaaaaa9", time.Now()); err != nil || done {
			t.Errorf("got %v, %v for a delete older than the current version, want false, nil", done, err)
		}
		if done, err := store.Delete(ctx, st, key, "3kaaaaaaaaac2", time.Now()); err != nil || !done {
			t.Fatalf("got %v, %v, want the record deleted", done, err)
		}
		if done, err := store.Delete(ctx, st, key, "3kaaaaaaaaac2", time.Now()); err != nil || done {
			t.Errorf("got %v, %v for the same delete again, want false, nil", done, err)
		}
		if _, err := st.Current(ctx, key); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("got %v for a deleted record, want ErrNotFound", err)
		}
		if got, want := history(t, st, store.HistoryQuery{NSID: nsid}), []string{v2.CID.String() + " deleted", v1.CID.String()}; !equal(got, want) {
			t.Errorf("got history %v, want %v", got, want)
		}
		if v, err := st.Version(ctx, key, v2.CID); err != nil || !v.Deleted || v.DeletedRev != "3kaaaaaaaaac2" {
			t.Errorf("got %+v, %v; want the deleted version, readable, deleted at its revision", v, err)
		}
		// A version of before the delete, delivered late, stays history.
		mustPut(t, st, version(t, alice, nsid, "late", "3kaaaaaaaaab9"))
		if _, err := st.Current(ctx, key); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("got %v after a late older version, want the record still deleted", err)
		}
		// Published again.
		v3 := version(t, alice, nsid, "one", "3kaaaaaaaaad2") // v1's content: v1's row
		mustPut(t, st, v3)
		if cur, err := st.Current(ctx, key); err != nil || !cur.CID.Equals(v1.CID) || cur.Deleted {
			t.Errorf("got %v, %v; want %s current again", cur, err, v1.CID)
		}
	})
}

func TestDeleteBeforeAnyVersion(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		key := store.Key{DID: bob, NSID: nsid}
		if done, err := store.Delete(t.Context(), st, key, "3kaaaaaaaaac2", time.Now()); err != nil || !done {
			t.Fatalf("got %v, %v; want the delete remembered", done, err)
		}
		mustPut(t, st, version(t, bob, nsid, "older", "3kaaaaaaaaab2"))
		if _, err := st.Current(t.Context(), key); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("got %v, want the older version not current", err)
		}
	})
}

func TestHistoryPages(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		var want []string
		for i := range 7 {
			did := alice
			if i%3 == 0 {
				did = bob
			}
			v := version(t, did, nsid, fmt.Sprint(i), fmt.Sprintf("3kaaaaaaaaa%c2", 'a'+i))
			mustPut(t, st, v)
			want = append([]string{v.CID.String()}, want...)
		}
		mustPut(t, st, version(t, alice, "com.example.store.other", "x", "3kaaaaaaaaaz2"))
		var got []string
		before := int64(0)
		for page := 0; ; page++ {
			vs, err := st.History(t.Context(), store.HistoryQuery{NSID: nsid, Before: before, Limit: 3})
			if err != nil {
				t.Fatal(err)
			}
			if len(vs) > 3 {
				t.Fatalf("got %d versions on a page of 3", len(vs))
			}
			for _, v := range vs {
				got = append(got, v.CID.String())
				if v.Record != nil {
					t.Errorf("got the record bytes in a history page, want none")
				}
			}
			if len(vs) < 3 {
				break
			}
			before = vs[len(vs)-1].Seq
		}
		if !equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
		if n := len(history(t, st, store.HistoryQuery{NSID: nsid, DID: bob})); n != 3 {
			t.Errorf("got %d versions of bob's record, want 3", n)
		}
		if n := len(history(t, st, store.HistoryQuery{NSID: nsid, Limit: store.MaxHistoryLimit * 10})); n != 7 {
			t.Errorf("got %d versions with a huge limit, want 7", n)
		}
	})
}

func TestRefusesWhatIsNotAVersion(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		good := version(t, alice, nsid, "one", "3kaaaaaaaaaa2")
		changed := *good
		changed.Record = append([]byte(nil), good.Record...)
		changed.Record[len(changed.Record)-1] ^= 1
		noDID := *good
		noDID.DID = ""
		tests := []struct {
			name string
			ops  []store.Op
		}{
			{"bytes that do not hash to the CID", []store.Op{{Put: &changed}}},
			{"no DID", []store.Op{{Put: &noDID}}},
			{"an empty op", []store.Op{{}}},
			{"a good version beside a bad one", []store.Op{{Put: good}, {Put: &changed}}},
			{"too many ops", make([]store.Op, store.MaxBatch+1)},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if _, err := st.Apply(t.Context(), tt.ops); !errors.Is(err, store.ErrInvalidVersion) {
					t.Errorf("got %v, want ErrInvalidVersion", err)
				}
			})
		}
		if got := history(t, st, store.HistoryQuery{NSID: nsid}); len(got) != 0 {
			t.Errorf("got %v stored, want nothing (a batch is all or nothing)", got)
		}
	})
}

func TestNewVersion(t *testing.T) {
	tests := []struct {
		name         string
		id           syntax.NSID
		json         string
		wantErr      bool
		wantProblems bool
	}{
		{name: "a lexicon", id: nsid, json: `{"$type":"com.atproto.lexicon.schema","lexicon":1,"id":"com.example.store.thing","defs":{"main":{"type":"token"}}}`},
		{name: "a lexicon with problems", id: nsid, json: `{"$type":"com.atproto.lexicon.schema","lexicon":2,"id":"com.example.store.thing","defs":{}}`, wantProblems: true},
		{name: "an id other than the key", id: nsid, json: `{"$type":"com.atproto.lexicon.schema","lexicon":1,"id":"com.example.store.other","defs":{}}`, wantErr: true},
		{name: "another $type", id: nsid, json: `{"$type":"app.bsky.feed.post","lexicon":1,"id":"com.example.store.thing","defs":{}}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			val, err := datamodel.DecodeJSON([]byte(tt.json))
			if err != nil {
				t.Fatal(err)
			}
			v, err := store.NewVersion(alice, tt.id, val)
			if tt.wantErr {
				if !errors.Is(err, store.ErrInvalidVersion) {
					t.Errorf("got %v, want ErrInvalidVersion", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want, _ := datamodel.RecordCID(val)
			if !v.CID.Equals(want) {
				t.Errorf("got CID %s, want %s", v.CID, want)
			}
			// Style findings (warnings, info) are kept too; problems are
			// the errors that make a lexicon invalid.
			if got := lexdoc.HasErrors(v.Problems); got != tt.wantProblems {
				t.Errorf("got problems %v, want errors among them: %v", v.Problems, tt.wantProblems)
			}
		})
	}
}

func TestAuthority(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		ctx := t.Context()
		if _, _, err := st.Authority(ctx, "example.com"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
		now := time.Now().UTC().Truncate(time.Microsecond)
		if err := st.SetAuthority(ctx, "example.com", alice, now); err != nil {
			t.Fatal(err)
		}
		if err := st.SetAuthority(ctx, "example.com", bob, now.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		did, checked, err := st.Authority(ctx, "example.com")
		if err != nil || did != alice || !checked.Equal(now) {
			t.Errorf("got %s checked %v, %v; want %s checked %v (an older check does not win)", did, checked, err, alice, now)
		}
		if err := st.SetAuthority(ctx, "example.com", "", now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if did, _, err := st.Authority(ctx, "example.com"); err != nil || did != "" {
			t.Errorf("got %q, %v; want no DID, as last checked", did, err)
		}
	})
}

// TestPersists: a store opened again holds what was committed, and its
// migrations apply once.
func TestPersists(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			u := storetest.URL(t, kind)
			st, err := store.Open(t.Context(), u)
			if err != nil {
				t.Fatal(err)
			}
			v := version(t, alice, nsid, "kept", "3kaaaaaaaaaa2")
			mustPut(t, st, v)
			st.Close()
			again := storetest.OpenURL(t, u)
			cur, err := again.Current(t.Context(), store.Key{DID: alice, NSID: nsid})
			if err != nil || !cur.CID.Equals(v.CID) {
				t.Errorf("got %v, %v after reopening, want %s", cur, err, v.CID)
			}
		})
	}
}

// TestConcurrentWriters: writers at once, some storing the same versions,
// lose nothing and add no duplicate.
func TestConcurrentWriters(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		const writers, each = 4, 10
		versions := make([]*store.Version, each)
		for i := range versions {
			versions[i] = version(t, alice, nsid, fmt.Sprint(i), fmt.Sprintf("3kaaaaaaaa%02d2", i))
		}
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for range writers {
			wg.Go(func() {
				for _, v := range versions {
					if _, err := store.Put(context.Background(), st, v); err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if n := len(history(t, st, store.HistoryQuery{NSID: nsid})); n != each {
			t.Errorf("got %d versions, want %d", n, each)
		}
		if cur, err := st.Current(t.Context(), store.Key{DID: alice, NSID: nsid}); err != nil || !cur.CID.Equals(versions[each-1].CID) {
			t.Errorf("got %v, %v; want the highest revision current", cur, err)
		}
	})
}

func TestOpenRefusesBadURLs(t *testing.T) {
	for _, u := range []string{"lexval.db", "mysql://x", "sqlite://", "sqlite://a?b.db"} {
		t.Run(u, func(t *testing.T) {
			if st, err := store.Open(t.Context(), u); !errors.Is(err, store.ErrBadURL) {
				if st != nil {
					st.Close()
				}
				t.Errorf("got %v, want ErrBadURL", err)
			}
		})
	}
}

// TestCorruptRowRefused: bytes changed in the database no longer hash to
// their CID, and reading them says so.
func TestCorruptRowRefused(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		v := version(t, alice, nsid, "one", "3kaaaaaaaaaa2")
		mustPut(t, st, v)
		damaged := append([]byte(nil), v.Record...)
		damaged[len(damaged)-2] ^= 1
		if _, err := store.DB(st).ExecContext(t.Context(), `UPDATE lexicon_versions SET record = $1`, damaged); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Current(t.Context(), store.Key{DID: alice, NSID: nsid}); !errors.Is(err, store.ErrCorrupt) {
			t.Errorf("got %v, want ErrCorrupt", err)
		}
	})
}
