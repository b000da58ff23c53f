package server

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/validator"
)

// badTags is a com.example.tags record whose langs holds n invalid tags.
func badTags(n int) string {
	return `{"$type":"com.example.tags","langs":[` + strings.TrimSuffix(strings.Repeat(`"!",`, n), ",") + `]}`
}

// answerJSON is the part of a validate answer these tests read.
type answerJSON struct {
	Valid           bool              `json:"valid"`
	Errors          []validator.Error `json:"errors"`
	ErrorsTruncated bool              `json:"errorsTruncated"`
	ErrorCount      int               `json:"errorCount"`
	Results         []struct {
		Valid           bool              `json:"valid"`
		Errors          []validator.Error `json:"errors"`
		ErrorsTruncated bool              `json:"errorsTruncated"`
		ErrorCount      int               `json:"errorCount"`
	} `json:"results"`
}

func decodeAnswer(t *testing.T, r response) answerJSON {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("got %d, want 200\n%.500s", r.status, r.body)
	}
	var a answerJSON
	if err := json.Unmarshal(r.body, &a); err != nil {
		t.Fatalf("answer is not JSON: %v", err)
	}
	return a
}

// TestManyErrors: a value with more errors than Config.MaxErrors gets the
// first ones, says that there are more and how many it counted, and its
// answer stays small, through the API and the XRPC method alike.
func TestManyErrors(t *testing.T) {
	s := newTestServer(t, func(_ *resolver.Config, c *Config) { c.MaxErrors = 10 })
	value := badTags(100_000) // 400 KB
	for _, tt := range []struct{ name, path, body string }{
		{"api", "/api/v1/validate", `{"schema":"com.example.tags","value":` + value + `}`},
		{"xrpc", xrpcValidatePath, `{"schema":"com.example.tags","record":` + value + `}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := s.do(t, http.MethodPost, tt.path, tt.body)
			a := decodeAnswer(t, r)
			if a.Valid || !a.ErrorsTruncated || len(a.Errors) != 10 || a.ErrorCount != 100_001 {
				t.Fatalf("got valid=%v, %d errors, truncated=%v, count %d; want 10 errors listed, 100001 counted", a.Valid, len(a.Errors), a.ErrorsTruncated, a.ErrorCount)
			}
			want := []string{"/langs", "/langs/0", "/langs/1", "/langs/8"}
			for i, p := range []int{0, 1, 2, 9} {
				if a.Errors[p].Path != want[i] {
					t.Errorf("error %d: got path %s, want %s", p, a.Errors[p].Path, want[i])
				}
			}
			if len(r.body) > 4<<10 {
				t.Errorf("answer is %d bytes, want a few KB", len(r.body))
			}
		})
	}
}

// TestAnswerSize: the answers with the most to say stay under maxAnswer: a
// batch of the most values, each with errors, and a value whose errors sit
// under a key of hundreds of kilobytes. The explanations of one request
// share its budget: later values are judged and counted, listed no more.
func TestAnswerSize(t *testing.T) {
	s := newTestServer(t)
	longKey := strings.Repeat("k", 300<<10)
	tests := []struct {
		name, body string
		check      func(t *testing.T, a answerJSON)
	}{
		{
			name: "batch", body: `{"schema":"com.example.tags","values":[` + strings.TrimSuffix(strings.Repeat(badTags(40)+",", maxBatch), ",") + `]}`,
			check: func(t *testing.T, a answerJSON) {
				listed := 0
				for i, r := range a.Results {
					listed += len(r.Errors)
					if r.Valid || r.ErrorsTruncated && r.ErrorCount != 41 || !r.ErrorsTruncated && len(r.Errors) != 41 {
						t.Fatalf("results/%d: got valid=%v, %d errors, truncated=%v, count %d; want invalid with its 41 errors listed or counted", i, r.Valid, len(r.Errors), r.ErrorsTruncated, r.ErrorCount)
					}
				}
				if listed == 0 || listed > requestErrors*DefaultMaxErrors {
					t.Errorf("listed %d errors in all, want some and at most %d", listed, requestErrors*DefaultMaxErrors)
				}
				if len(a.Results[len(a.Results)-1].Errors) != 0 {
					t.Error("the last value's errors are listed: the request's budget should be spent by then")
				}
			},
		},
		{
			name: "long paths", body: `{"schema":"com.example.tags","value":{"$type":"com.example.tags","langs":[],"extra":{"` + longKey + `":[` + strings.Repeat("1.5,", 99) + `1.5]}}}`,
			check: func(t *testing.T, a answerJSON) {
				if !a.ErrorsTruncated || a.ErrorCount != 100 || len(a.Errors) == 0 || len(a.Errors) >= 4 {
					t.Errorf("got %d errors listed (truncated %v) of %d, want the 1 to 3 that fit", len(a.Errors), a.ErrorsTruncated, a.ErrorCount)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.body) > DefaultMaxBody {
				t.Fatalf("request of %d bytes is over the body limit", len(tt.body))
			}
			r := s.do(t, http.MethodPost, "/api/v1/validate", tt.body)
			tt.check(t, decodeAnswer(t, r))
			if len(r.body) >= maxAnswer {
				t.Errorf("answer is %d bytes, want under %d", len(r.body), maxAnswer)
			}
			t.Logf("answer: %d bytes", len(r.body))
		})
	}
}

// TestVerdictSize: verdictSize is the largest verdict of a batch's value
// without its entries.
func TestVerdictSize(t *testing.T) {
	b, err := json.Marshal([]resultJSON{newResultJSON(validator.Result{ErrorsTruncated: true, ErrorCount: DefaultMaxBody})})
	if err != nil {
		t.Fatal(err)
	}
	// The count can be at most one per byte of the body.
	if got := len(b) - 2 + 1; got > verdictSize {
		t.Errorf("a verdict takes %d bytes, more than verdictSize %d: %s", got, verdictSize, b)
	}
	if n := len(strconv.Itoa(DefaultMaxBody)); n > 7 {
		t.Errorf("the largest count has %d digits", n)
	}
}
