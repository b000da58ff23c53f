package tap_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/lexval/lexval/internal/storetest"
	"github.com/lexval/lexval/tap"
)

// BenchmarkIngest10k: 10,000 Tap record events (each a new lexicon version
// of its own repository), read, checked (CID recomputed, linted), committed
// to a new SQLite store in batches and acknowledged. One op is all 10,000.
//
//	go test ./tap -run '^$' -bench Ingest10k -benchtime 1x -count 3
func BenchmarkIngest10k(b *testing.B) {
	const events = 10_000
	msgs := make([]string, events)
	ids := make([]uint64, events)
	for i := range msgs {
		id := fmt.Sprintf("com.example.bench.thing%d", i%500)
		js, c := schemaRecord(b, id, fmt.Sprint("version ", i))
		did := fmt.Sprintf("did:plc:bench%019d", i)
		msgs[i] = recordEvent(uint64(i+1), i%2 == 0, did, "3kaaaaaaaaaa2", "com.atproto.lexicon.schema", id, "create", c.String(), js)
		ids[i] = uint64(i + 1)
	}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		st := storetest.Open(b, "sqlite")
		f := newFakeTap(b, "")
		in, err := tap.New(tap.Config{URL: f.URL(), Store: st})
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		b.StartTimer()
		go func() { in.Run(ctx); close(done) }()
		f.send(msgs...)
		for in.Stats().Acked < events {
			time.Sleep(time.Millisecond)
		}
		b.StopTimer()
		cancel()
		<-done
		if s := in.Stats(); s.Stored != events {
			b.Fatalf("got %d stored, want %d", s.Stored, events)
		}
		st.Close()
		b.StartTimer()
	}
}
