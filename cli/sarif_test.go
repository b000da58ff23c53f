package cli

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// checkSARIF fails t with every problem sarifProblems finds in data.
func checkSARIF(t *testing.T, data []byte) {
	t.Helper()
	for _, p := range sarifProblems(data) {
		t.Error(p)
	}
}

// sarifProblems checks a SARIF log against what the SARIF 2.1.0 schema
// (sarif-schema-2.1.0.json) requires of the objects lexval writes, and what
// GitHub code scanning needs besides: sarifLog requires version ("2.1.0")
// and runs; run requires tool, tool requires driver, toolComponent requires
// name; reportingDescriptor requires id, multiformatMessageString text;
// result requires message, and message text or id; physicalLocation requires
// artifactLocation or address; region lines and columns are at least 1;
// levels and columnKind are from their enums. Code scanning also wants each
// result's ruleId, its location's uri and startLine.
func sarifProblems(data []byte) []string {
	var log map[string]any
	if err := json.Unmarshal(data, &log); err != nil {
		return []string{fmt.Sprintf("SARIF is not JSON: %v", err)}
	}
	var problems []string
	bad := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	levels := []string{"none", "note", "warning", "error"}

	if v := log["version"]; v != "2.1.0" {
		bad("version: got %#v, want \"2.1.0\"", v)
	}
	runs, ok := log["runs"].([]any)
	if !ok || len(runs) == 0 {
		bad("runs: got %#v, want an array of runs", log["runs"])
	}
	for i, r := range runs {
		run := object(r)
		at := fmt.Sprintf("runs[%d]", i)
		driver := object(object(run["tool"])["driver"])
		if name, _ := driver["name"].(string); name == "" {
			bad("%s.tool.driver.name: got %#v, want a name", at, driver["name"])
		}
		if ck, present := run["columnKind"]; present && !slices.Contains([]any{"utf16CodeUnits", "unicodeCodePoints"}, ck) {
			bad("%s.columnKind: got %#v", at, ck)
		}
		rules, _ := driver["rules"].([]any)
		ids := make([]string, len(rules))
		for j, rv := range rules {
			rule := object(rv)
			ids[j], _ = rule["id"].(string)
			if ids[j] == "" {
				bad("%s.tool.driver.rules[%d].id: got %#v", at, j, rule["id"])
			}
			if sd, present := rule["shortDescription"]; present {
				if text, _ := object(sd)["text"].(string); text == "" {
					bad("%s.tool.driver.rules[%d].shortDescription.text: missing", at, j)
				}
			}
			if dc, present := rule["defaultConfiguration"]; present {
				if level := object(dc)["level"]; !slices.Contains(levels, fmt.Sprint(level)) {
					bad("%s.tool.driver.rules[%d].defaultConfiguration.level: got %#v", at, j, level)
				}
			}
		}
		results, ok := run["results"].([]any)
		if !ok {
			bad("%s.results: got %#v, want an array", at, run["results"])
		}
		for j, rv := range results {
			res := object(rv)
			at := fmt.Sprintf("%s.results[%d]", at, j)
			msg := object(res["message"])
			if text, _ := msg["text"].(string); text == "" && msg["id"] == nil {
				bad("%s.message: got %#v, want text or id", at, res["message"])
			}
			if level, present := res["level"]; present && !slices.Contains(levels, fmt.Sprint(level)) {
				bad("%s.level: got %#v", at, level)
			}
			ruleID, _ := res["ruleId"].(string)
			if ruleID == "" {
				bad("%s.ruleId: missing", at)
			}
			if idx, present := res["ruleIndex"]; present {
				n, ok := idx.(float64)
				if !ok || n < 0 || int(n) >= len(ids) || ids[int(n)] != ruleID {
					bad("%s.ruleIndex: got %#v, which is not rule %q", at, idx, ruleID)
				}
			}
			locs, _ := res["locations"].([]any)
			if len(locs) == 0 {
				bad("%s.locations: missing", at)
			}
			for k, lv := range locs {
				pl := object(object(lv)["physicalLocation"])
				al, hasArtifact := pl["artifactLocation"]
				if !hasArtifact && pl["address"] == nil {
					bad("%s.locations[%d].physicalLocation: needs artifactLocation or address", at, k)
				}
				uri, _ := object(al)["uri"].(string)
				if u, err := url.Parse(uri); uri == "" || err != nil || u.IsAbs() || strings.Contains(uri, `\`) {
					bad("%s.locations[%d]...uri: got %q, want a relative URI reference", at, k, uri)
				}
				if reg, present := pl["region"]; present {
					for _, key := range []string{"startLine", "startColumn"} {
						if n, ok := object(reg)[key].(float64); !ok || n < 1 || n != float64(int(n)) {
							bad("%s.locations[%d].physicalLocation.region.%s: got %#v, want an integer >= 1", at, k, key, object(reg)[key])
						}
					}
				}
			}
		}
	}
	return problems
}

func object(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// TestSARIFSchema checks lexval's SARIF against the schema's required
// fields, and that checkSARIF finds what is missing.
func TestSARIFSchema(t *testing.T) {
	for _, args := range [][]string{
		{"lint", "--format", "sarif", "testdata/lint/broken", "testdata/lint/style"},
		{"lint", "--format", "sarif", "testdata/lint/clean/com.example.lint.other.json"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			_, out, stderr := runCLI(t, "", args...)
			if stderr != "" {
				t.Fatalf("stderr: %s", stderr)
			}
			checkSARIF(t, []byte(out))
		})
	}
	t.Run("the check finds missing fields", func(t *testing.T) {
		broken := `{"version":"2.0.0","runs":[{"tool":{"driver":{}},"results":[{"ruleId":"x","ruleIndex":3,"level":"fatal","message":{},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"C:\\x"},"region":{"startLine":0}}}]}]}]}`
		got := sarifProblems([]byte(broken))
		for _, want := range []string{"version", "driver.name", "ruleIndex", ".level", ".message", "uri", "startLine"} {
			if !slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, want) }) {
				t.Errorf("got no problem about %s; got %q", want, got)
			}
		}
	})
}

// TestLineColumn: lines and columns are 1-based, columns in code points.
func TestLineColumn(t *testing.T) {
	data := "{\n  \"é\": \"x\",\n  \"b\": 1\n}"
	tests := []struct {
		name      string
		ptr       string
		line, col int
	}{
		{"document", "", 1, 1},
		{"after a multi-byte key (9 in bytes)", "/é", 2, 8},
		{"second line", "/b", 3, 8},
		{"missing member: its parent", "/c", 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			off := pointerOffsets(data, []string{tt.ptr})[0]
			if line, col := lineColumn(data, off); line != tt.line || col != tt.col {
				t.Errorf("got line %d, column %d, want %d, %d", line, col, tt.line, tt.col)
			}
		})
	}
}
