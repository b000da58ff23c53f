package service

import (
	"context"
	"strings"
	"testing"

	"github.com/lexval/lexval/internal/atprototest"
	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/validator"
)

const remoteDID = "did:plc:remoteremoteremoteremote"

// remoteDocs are published by remoteDID for the authority remote.example.com.
var remoteDocs = map[string]string{
	"com.example.remote.post": `{"lexicon":1,"id":"com.example.remote.post","defs":{"main":{"type":"record","key":"tid","record":{"type":"object","required":["label"],"properties":{"label":{"type":"ref","ref":"com.example.remote.defs#label"},"extra":{"type":"ref","ref":"com.example.remote.gone"}}}}}}`,
	"com.example.remote.defs": `{"lexicon":1,"id":"com.example.remote.defs","defs":{"label":{"type":"object","required":["val"],"properties":{"val":{"type":"string","maxLength":5}}}}}`,
}

// newNetworkService is a Service whose resolver reaches the fake network,
// where remoteDID publishes remoteDocs.
func newNetworkService(t *testing.T) *Service {
	t.Helper()
	n := atprototest.New(t)
	a := n.NewAccount(remoteDID, atprototest.P256)
	for _, doc := range remoteDocs {
		a.PublishLexicon([]byte(doc))
	}
	res, err := resolver.New(n.ResolverConfig())
	if err != nil {
		t.Fatal(err)
	}
	return New(res)
}

func TestPrepareNetwork(t *testing.T) {
	s := newNetworkService(t)
	ctx := context.Background()
	req := Request{Schema: mustRef(t, "com.example.remote.post")}
	c, err := s.Prepare(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if want := "at://" + remoteDID + "/com.atproto.lexicon.schema/com.example.remote.post"; c.Info.URI != want {
		t.Errorf("got URI %s, want %s", c.Info.URI, want)
	}
	if _, ok := c.Missing["com.example.remote.gone"]; !ok || len(c.Missing) != 1 {
		t.Errorf("got missing %v, want com.example.remote.gone only", c.Missing)
	}
	tests := []struct {
		name, value string
		opts        validator.Options
		wantValid   bool
		wantPaths   string
		wantMessage string // part of the first error's message
	}{
		{name: "valid, with the referenced lexicon", value: `{"$type":"com.example.remote.post","label":{"val":"ok"}}`, wantValid: true},
		{name: "the referenced lexicon's rules apply", value: `{"$type":"com.example.remote.post","label":{"val":"too long"}}`, wantPaths: "/label/val"},
		{name: "missing lexicon is unresolved", value: `{"$type":"com.example.remote.post","label":{"val":"ok"},"extra":{}}`, opts: validator.Options{AllowUnresolved: true}, wantValid: true},
		{
			name:  "missing lexicon says why it is missing",
			value: `{"$type":"com.example.remote.post","label":{"val":"ok"},"extra":{}}`, wantPaths: "/extra",
			wantMessage: "lexicon com.example.remote.gone could not be resolved (schema record not found: getRecord at://" + remoteDID,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := s.Prepare(ctx, Request{Schema: req.Schema, Options: tt.opts})
			if err != nil {
				t.Fatal(err)
			}
			r := c.Validate(decode(t, tt.value))
			var paths []string
			for _, e := range r.Errors {
				paths = append(paths, e.Path)
			}
			if r.Valid != tt.wantValid || strings.Join(paths, " ") != tt.wantPaths {
				t.Errorf("got valid=%v errors=%v, want valid=%v at %q", r.Valid, r.Errors, tt.wantValid, tt.wantPaths)
			}
			if tt.wantMessage != "" && (len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, tt.wantMessage)) {
				t.Errorf("got errors %v, want a message containing %q", r.Errors, tt.wantMessage)
			}
		})
	}
	// Every Prepare above shares one closure, so one compiler (and its cache).
	if n := s.compilers.Len(); n != 1 {
		t.Errorf("got %d compilers for one closure, want 1", n)
	}
	// Network checkers are not kept: the records behind them expire.
	if n := s.numCheckers.Load(); n != 0 {
		t.Errorf("got %d cached network checkers, want 0", n)
	}
}
