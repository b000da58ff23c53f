package validator

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/bluesky-social/indigo/atproto/atdata"
	"github.com/bluesky-social/indigo/atproto/lexicon"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/internal/lexicontest"
	"github.com/lexval/lexval/internal/reference"
	"github.com/lexval/lexval/lexdoc"
)

// Benchmarks from raw JSON bytes to a verdict, beside indigo's
// atdata.UnmarshalJSON + lexicon.ValidateRecord on the same bytes. Run:
//
//	go test ./validator -run '^$' -bench Validate -benchmem -count 6 -cpu 1

type benchCase struct {
	name   string
	file   string
	ref    lexdoc.DefRef
	target Target
	// indigoType is the record type indigo validates against; indigo has no
	// validation of XRPC bodies, so the refreshSession output is given to it
	// as a record of a test lexicon with the same body.
	indigoType string
}

var benchCases = []benchCase{
	{"post-small", "post-small.json", lexdoc.DefRef{NSID: "app.bsky.feed.post", Name: "main"}, TargetRecord, "app.bsky.feed.post"},
	{"post-medium", "post-medium.json", lexdoc.DefRef{NSID: "app.bsky.feed.post", Name: "main"}, TargetRecord, "app.bsky.feed.post"},
	{"post-large", "post-large.json", lexdoc.DefRef{NSID: "app.bsky.feed.post", Name: "main"}, TargetRecord, "app.bsky.feed.post"},
	{"refresh-session", "refresh-session-output.json", lexdoc.DefRef{NSID: "com.atproto.server.refreshSession", Name: "main"}, TargetOutput, indigoRefreshType},
}

const indigoRefreshType = "bench.indigo.refreshSessionOutput"

// benchCatalog is the corpus plus the refreshSession record from the
// embedded catalog (issue 3), which replaces the corpus version.
func benchCatalog(tb testing.TB) *lexdoc.Catalog {
	tb.Helper()
	docs := lexicontest.LoadDir(tb, lexicontest.CorpusDir(tb))
	data, err := os.ReadFile(filepath.Join("testdata", "bench", "refresh-session-lexicon.json"))
	if err != nil {
		tb.Fatal(err)
	}
	rs, err := lexdoc.ParseDocument(data)
	if err != nil {
		tb.Fatal(err)
	}
	return lexdoc.NewCatalog(append(docs, rs)...)
}

func indigoCatalog(b *testing.B) *lexicon.BaseCatalog {
	cat := lexicon.NewBaseCatalog()
	if err := cat.LoadDirectory(reference.Path(b, "atproto", "lexicons")); err != nil {
		b.Fatal(err)
	}
	var sf lexicon.SchemaFile
	err := jsonUnmarshal([]byte(`{"lexicon":1,"id":"`+indigoRefreshType+`","defs":{"main":{"type":"record","key":"any","record":
	  {"type":"object","required":["accessJwt","refreshJwt","handle","did"],"properties":{"did":{"type":"string","format":"did"},"active":{"type":"boolean"},"didDoc":{"type":"unknown"},"handle":{"type":"string","format":"handle"},"status":{"type":"string","knownValues":["takendown","suspended","deactivated"]},"accessJwt":{"type":"string"},"refreshJwt":{"type":"string"}}}}}}`), &sf)
	if err != nil {
		b.Fatal(err)
	}
	if err := cat.AddSchemaFile(sf); err != nil {
		b.Fatal(err)
	}
	return cat
}

func readBench(tb testing.TB, file string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "bench", file))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// withType adds a $type to an object's JSON, for indigo's record validation.
func withType(data []byte, t string) []byte {
	return append([]byte(`{"$type":"`+t+`",`), data[1:]...)
}

func BenchmarkValidate(b *testing.B) {
	c := NewCompiler(benchCatalog(b))
	icat := indigoCatalog(b)
	for _, bc := range benchCases {
		data := readBench(b, bc.file)
		s, err := c.Compile(bc.ref, bc.target, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if r, err := s.ValidateJSON(data); err != nil || !r.Valid {
			b.Fatalf("%s: got %+v, %v; want valid", bc.name, r, err)
		}
		idata := data
		if bc.target != TargetRecord {
			idata = withType(data, bc.indigoType)
		}
		if d, err := atdata.UnmarshalJSON(idata); err != nil {
			b.Fatalf("%s: indigo decode: %v", bc.name, err)
		} else if err := lexicon.ValidateRecord(icat, d, bc.indigoType, 0); err != nil {
			b.Fatalf("%s: indigo: %v", bc.name, err)
		}
		b.Run(bc.name+"/lexval", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				r, err := s.ValidateJSON(data)
				if err != nil || !r.Valid {
					b.Fatal("invalid")
				}
			}
		})
		b.Run(bc.name+"/indigo", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(idata)))
			for b.Loop() {
				d, err := atdata.UnmarshalJSON(idata)
				if err != nil {
					b.Fatal(err)
				}
				if err := lexicon.ValidateRecord(icat, d, bc.indigoType, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bc.name+"/lexval-decode", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := datamodel.DecodeJSON(data); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bc.name+"/indigo-decode", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(idata)))
			for b.Loop() {
				if _, err := atdata.UnmarshalJSON(idata); err != nil {
					b.Fatal(err)
				}
			}
		})
		v, _ := datamodel.DecodeJSON(data)
		b.Run(bc.name+"/lexval-validate", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if r := s.Validate(v); !r.Valid {
					b.Fatal("invalid")
				}
			}
		})
		iv, _ := atdata.UnmarshalJSON(idata)
		b.Run(bc.name+"/indigo-validate", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := lexicon.ValidateRecord(icat, iv, bc.indigoType, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func jsonUnmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }

// BenchmarkValidateInvalid measures the path of an invalid value: the fast
// path says no, v5 finds every error and each is explained.
func BenchmarkValidateInvalid(b *testing.B) {
	c := NewCompiler(benchCatalog(b))
	s, err := c.Compile(lexdoc.DefRef{NSID: "app.bsky.feed.post", Name: "main"}, TargetRecord, Options{})
	if err != nil {
		b.Fatal(err)
	}
	// post-medium with three errors: a mention DID, a float, a language.
	data := []byte(`{"$type":"app.bsky.feed.post","text":"Notes from @alice.test on lexicons","facets":[{"index":{"byteStart":11,"byteEnd":22.5},"features":[{"$type":"app.bsky.richtext.facet#mention","did":"alice.test"}]}],"embed":{"$type":"app.bsky.embed.images","images":[{"alt":"A diagram","image":{"$type":"blob","ref":{"$link":"bafkreibjfgx2gprinfvicegelk5kosd6y2frmqpqzwqkg7usac74l3t2v4"},"mimeType":"image/jpeg","size":123456}}]},"langs":["en_US"],"createdAt":"2024-11-26T12:00:00.000Z"}`)
	r, err := s.ValidateJSON(data)
	if err != nil || r.Valid || len(r.Errors) != 3 {
		b.Fatalf("got %+v, %v; want three errors", r, err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if r, _ := s.ValidateJSON(data); r.Valid {
			b.Fatal("valid")
		}
	}
}

// hostilePost is a 2 MiB app.bsky.feed.post whose langs holds 524,000
// invalid items: issue 14's attack on the error path.
func hostilePost() []byte {
	const n = 524_000
	var b []byte
	b = append(b, `{"$type":"app.bsky.feed.post","text":"hi","createdAt":"2024-11-26T12:00:00.000Z","langs":[`...)
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `"!"`...)
	}
	return append(b, "]}"...)
}

// BenchmarkExplainHostile decodes and explains the hostile post within the
// server's default limit of 100 errors, and, for comparison, without
// limits.
func BenchmarkExplainHostile(b *testing.B) {
	c := NewCompiler(benchCatalog(b))
	s, err := c.Compile(lexdoc.DefRef{NSID: "app.bsky.feed.post", Name: "main"}, TargetRecord, Options{})
	if err != nil {
		b.Fatal(err)
	}
	data := hostilePost()
	for _, bc := range []struct {
		name string
		lim  Limits
	}{{"limit-100", Limits{MaxErrors: 100}}, {"no-limit", Limits{}}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				v, err := datamodel.DecodeJSON(data)
				if err != nil {
					b.Fatal(err)
				}
				r, err := s.Explain(context.Background(), v, bc.lim)
				if err != nil || r.Valid {
					b.Fatalf("got %v, %v", r.Valid, err)
				}
			}
		})
	}
}
