package service

import (
	"context"
	"testing"

	"github.com/ipfs/go-cid"

	"github.com/lexval/lexval/datamodel"
)

// TestRecordValue: the value RecordValue gives hashes to the record's CID,
// whatever the source.
func TestRecordValue(t *testing.T) {
	s := newTestService(t, writeLexicons(t, map[string]string{
		"com.example.bare":  "  {\n  \"lexicon\": 1, \"id\": \"com.example.bare\", \"defs\": {\"main\": {\"type\": \"token\"}}}\n",
		"com.example.typed": `{"lexicon":1,"$type":"com.atproto.lexicon.schema","id":"com.example.typed","defs":{"main":{"type":"token"}}}`,
	}))
	tests := []struct {
		name    string
		ref     string
		wantRaw string // "" = the stored value, unchanged
	}{
		{name: "directory document without $type", ref: "com.example.bare", wantRaw: "{\"$type\":\"com.atproto.lexicon.schema\",\n  \"lexicon\": 1, \"id\": \"com.example.bare\", \"defs\": {\"main\": {\"type\": \"token\"}}}\n"},
		{name: "directory document with $type", ref: "com.example.typed"},
		{name: "embedded record", ref: refreshSession},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := s.Lookup(context.Background(), mustRef(t, tt.ref), cid.Undef)
			if err != nil {
				t.Fatal(err)
			}
			got, err := RecordValue(rec)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.wantRaw
			if want == "" {
				want = string(rec.Value)
			}
			if string(got) != want {
				t.Errorf("got %s, want %s", got, want)
			}
			c, err := datamodel.RecordCID(decode(t, string(got)))
			if err != nil {
				t.Fatal(err)
			}
			if !c.Equals(rec.CID) {
				t.Errorf("got a value whose CID is %s, want the record's %s", c, rec.CID)
			}
		})
	}
}
