package resolver

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/ipfs/go-cid"
)

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		says string
	}{
		{name: "PLC URL without scheme", cfg: Config{PLCURL: "plc.directory"}, says: "PLC directory URL"},
		{name: "PLC URL of another scheme", cfg: Config{PLCURL: "ftp://plc.directory"}, says: "PLC directory URL"},
		{name: "negative timeout", cfg: Config{Timeout: -1}, says: "timeout"},
		{name: "negative response limit", cfg: Config{MaxResponseBytes: -1}, says: "max response bytes"},
		{name: "negative depth", cfg: Config{MaxDepth: -1}, says: "max depth"},
		{name: "negative cache size", cfg: Config{CacheSize: -1}, says: "cache size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.says) {
				t.Errorf("got error %v, want one about %s", err, tt.says)
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	cfg, err := Config{}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		PLCURL:               DefaultPLCURL,
		Timeout:              DefaultTimeout,
		MaxResponseBytes:     DefaultMaxResponseBytes,
		MaxConcurrentFetches: DefaultMaxConcurrentFetches,
		MaxFetchesPerHost:    DefaultMaxFetchesPerHost,
		MaxWaitingPerHost:    DefaultMaxWaitingPerHost,
		CacheTTL:             DefaultCacheTTL,
		NegativeCacheTTL:     DefaultNegativeCacheTTL,
		CacheSize:            DefaultCacheSize,
		MaxDepth:             DefaultMaxDepth,
		MaxRecords:           DefaultMaxRecords,
	}
	if cfg.DNS == nil || cfg.Logger == nil {
		t.Errorf("got DNS %v and logger %v, want defaults", cfg.DNS, cfg.Logger)
	}
	cfg.DNS, cfg.Logger = nil, nil
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("got %+v, want %+v", cfg, want)
	}
}

// TestResolveLocal: the embedded catalog answers without a network, and a
// pin that differs names both CIDs.
func TestResolveLocal(t *testing.T) {
	r, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	const (
		nsid      = "com.atproto.server.refreshSession"
		published = "bafyreigcy4ovht4rgredjpr53i4zgkxkvfdcmhhvhra5d3hffxwh2fhjne"
		other     = "bafyreigtmtzisxiuao4kcswgnbud7wmpkcnsdb6h2kenhbnaolsx7bpiq4"
	)
	tests := []struct {
		name  string
		query Query
		is    error
		says  []string
	}{
		{name: "by NSID", query: Query{NSID: nsid}},
		{name: "by AT-URI", query: Query{URI: "at://did:plc:6msi3pj7krzih5qxqtryxlzw/com.atproto.lexicon.schema/" + nsid}},
		{name: "pinned", query: Query{NSID: nsid, CID: cid.MustParse(published)}},
		{name: "pinned to another CID", query: Query{NSID: nsid, CID: cid.MustParse(other)}, is: ErrCIDMismatch, says: []string{published, other}},
		{name: "not local, network off", query: Query{NSID: "com.example.nowhere.thing"}, is: ErrNotFound, says: []string{"network resolution is off"}},
		{name: "an AT-URI of another repository", query: Query{URI: "at://did:plc:otherotherotherotherothe/com.atproto.lexicon.schema/" + nsid}, is: ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := r.Resolve(t.Context(), tt.query)
			if tt.is == nil {
				if err != nil {
					t.Fatalf("got error %v, want none", err)
				}
				if rec.CID.String() != published || rec.Source != SourceEmbedded {
					t.Errorf("got %s record %s, want the embedded %s", rec.Source, rec.CID, published)
				}
				return
			}
			if !errors.Is(err, tt.is) {
				t.Fatalf("got error %v, want one wrapping %v", err, tt.is)
			}
			for _, s := range tt.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("got error %q, want it to mention %s", err, s)
				}
			}
		})
	}
	if got := r.Stats(); got != (Stats{}) {
		t.Errorf("got stats %+v with the network off, want zeros", got)
	}
}
