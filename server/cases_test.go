package server

import (
	"net/http"
	"strings"
	"testing"
)

// apiCase is one request and what its response must be.
type apiCase struct {
	name   string
	method string
	path   string
	body   string
	header []string // name, value, ...

	status int
	// For errors: the XRPC error name and phrases the message must contain.
	errName     string
	msgContains []string
	// golden names testdata/golden/<golden>.json; "" skips the comparison.
	golden string
	check  func(t *testing.T, body map[string]any)
}

func runCases(t *testing.T, s *testServer, cases []apiCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(t, tc.method, tc.path, tc.body, tc.header...)
			if r.status != tc.status {
				t.Fatalf("%s %s: got status %d, want %d\n%s", tc.method, tc.path, r.status, tc.status, r.body)
			}
			if ct := r.header.Get("Content-Type"); tc.method != http.MethodHead && !strings.HasPrefix(ct, "application/json") {
				t.Errorf("got Content-Type %q, want application/json", ct)
			}
			checkSecureHeaders(t, r)
			body := r.decode(t)
			if tc.errName != "" {
				checkErrorShape(t, body, tc.errName, tc.msgContains...)
			} else if _, isErr := body["error"]; isErr {
				t.Errorf("got an error body, want a result: %s", r.body)
			}
			if tc.check != nil {
				tc.check(t, body)
			}
			if tc.golden != "" {
				checkGolden(t, tc.golden, r.body)
			}
		})
	}
}

// checkErrorShape asserts the XRPC error shape: "error" and "message", both
// non-empty strings, and nothing else but, for a body that is not JSON, its
// position: "offset", "line", "column" (numbers) and "reason" (a string).
func checkErrorShape(t *testing.T, body map[string]any, name string, contains ...string) {
	t.Helper()
	fields := 2
	if _, positioned := body["offset"]; positioned {
		fields += 4
		for _, f := range []string{"offset", "line", "column"} {
			if _, ok := body[f].(float64); !ok {
				t.Errorf("got %s %#v, want a number", f, body[f])
			}
		}
		if r, _ := body["reason"].(string); r == "" {
			t.Errorf("got reason %#v, want a non-empty string", body["reason"])
		}
	}
	if len(body) != fields {
		t.Errorf("got error body with %d fields %v, want error and message, with a position or without", len(body), body)
	}
	if got, _ := body["error"].(string); got != name {
		t.Errorf("got error %q, want %q (message %q)", got, name, body["message"])
	}
	msg, _ := body["message"].(string)
	if msg == "" {
		t.Errorf("got empty message, want one saying what is wrong")
	}
	for _, c := range contains {
		if !strings.Contains(msg, c) {
			t.Errorf("got message %q, want it to contain %q", msg, c)
		}
	}
}

func checkSecureHeaders(t *testing.T, r response) {
	t.Helper()
	for name, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
		"Referrer-Policy":        "no-referrer",
	} {
		if got := r.header.Get(name); got != want {
			t.Errorf("got %s %q, want %q", name, got, want)
		}
	}
	if got := r.header.Get("Content-Security-Policy"); got != apiCSP {
		t.Errorf("got Content-Security-Policy %q, want %q", got, apiCSP)
	}
}

// field walks body along keys and array indexes ("errors", 0, "path").
func field(body any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := body.(map[string]any)
			body = m[k]
		case int:
			a, _ := body.([]any)
			if k >= len(a) {
				return nil
			}
			body = a[k]
		}
	}
	return body
}

// errorPaths lists the "path" of each entry of an errors array.
func errorPaths(errs any) []string {
	a, _ := errs.([]any)
	paths := make([]string, len(a))
	for i, e := range a {
		paths[i], _ = field(e, "path").(string)
	}
	return paths
}

func wantField(t *testing.T, body map[string]any, want any, path ...any) {
	t.Helper()
	if got := field(body, path...); got != want {
		t.Errorf("got %v = %#v, want %#v", path, got, want)
	}
}

func wantPaths(t *testing.T, errs any, want ...string) {
	t.Helper()
	got := errorPaths(errs)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got error paths %q, want %q", got, want)
	}
}

// wantContains checks that the string at path contains want.
func wantContains(t *testing.T, body map[string]any, want string, path ...any) {
	t.Helper()
	if got, _ := field(body, path...).(string); !strings.Contains(got, want) {
		t.Errorf("got %v = %q, want it to contain %q", path, got, want)
	}
}
