package service

import (
	"context"
	"testing"

	"github.com/lexval/lexval/validator"
)

// TestCheckerValid holds Valid to Validate: true exactly when Validate finds
// the value valid with nothing unchecked, and no allocation to say so.
func TestCheckerValid(t *testing.T) {
	s := newTestService(t)
	tests := []struct {
		name   string
		schema string
		target validator.Target
		opts   validator.Options
		value  string
		want   bool
	}{
		{name: "valid", schema: refreshSession, value: `{"accessJwt":"a","refreshJwt":"b","handle":"alice.example.com","did":"did:plc:6msi3pj7krzih5qxqtryxlzw"}`, want: true},
		{name: "schema error", schema: refreshSession, value: `{"refreshJwt":"b","handle":"alice.example.com","did":"plc:nope"}`},
		{name: "data model error", schema: "com.example.echo", target: validator.TargetInput, value: `{"message":"hi","n":1.5}`},
		{name: "valid without the unresolved field", schema: "com.example.note", value: `{"$type":"com.example.note","text":"hi"}`, want: true},
		{name: "unresolved reference reached", schema: "com.example.note", value: `{"$type":"com.example.note","text":"hi","extra":{}}`},
		{
			name: "valid only with unchecked references", schema: "com.example.note", opts: validator.Options{AllowUnresolved: true},
			value: `{"$type":"com.example.note","text":"hi","extra":{}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := s.Prepare(context.Background(), Request{Schema: mustRef(t, tt.schema), Target: tt.target, Options: tt.opts})
			if err != nil {
				t.Fatal(err)
			}
			v := decode(t, tt.value)
			if got := c.Valid(v); got != tt.want {
				t.Fatalf("Valid: got %v, want %v", got, tt.want)
			}
			r := c.Validate(v)
			clean := r.Valid && len(r.Errors) == 0 && len(r.Unresolved) == 0
			if clean != tt.want {
				t.Errorf("Validate: got %+v, want valid with nothing unchecked = %v", r, tt.want)
			}
			if tt.want {
				if n := testing.AllocsPerRun(100, func() { c.Valid(v) }); n != 0 {
					t.Errorf("Valid of a valid value: got %v allocations, want 0", n)
				}
			}
		})
	}
}

// TestPrepared: Prepared answers from what Prepare keeps, and only that.
func TestPrepared(t *testing.T) {
	s := newTestService(t)
	req := Request{Schema: mustRef(t, refreshSession)}
	if c, ok := s.Prepared(req); ok || c != nil {
		t.Fatalf("before Prepare: got %v, %v, want nothing", c, ok)
	}
	want, err := s.Prepare(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := s.Prepared(req); !ok || got != want {
		t.Errorf("after Prepare: got %p, %v, want %p, true", got, ok, want)
	}
}
