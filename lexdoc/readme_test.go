package lexdoc_test

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/lexval/lexval/lexdoc"
)

var updateReadme = flag.Bool("update", false, "rewrite the rule lists of ../README.md from the rule tables")

const readme = "../README.md"

// ruleLists are the README's rule lists, each between its markers, and what
// they must hold: the rule tables, one line per rule.
func ruleLists() map[string]string {
	var lint strings.Builder
	lint.WriteString("| Rule | Severity | What it finds |\n|---|---|---|\n")
	for _, r := range lexdoc.LintRules() {
		fmt.Fprintf(&lint, "| `%s` | %s | %s |\n", r.Name, r.Severity, strings.ReplaceAll(r.Description, "|", `\|`))
	}
	var change strings.Builder
	change.WriteString("| Rule | Severity | Breaks | What changed |\n|---|---|---|---|\n")
	for _, r := range lexdoc.ChangeRules() {
		sev := string(r.Severity)
		if r.Loosening {
			sev = "loosening"
		}
		fmt.Fprintf(&change, "| `%s` | %s | %s | %s |\n", r.Name, sev, r.Direction, strings.ReplaceAll(r.Description, "|", `\|`))
	}
	return map[string]string{"lint": lint.String(), "change": change.String()}
}

// TestReadmeRules: the README lists every rule as the tables name it, so
// the list people read is the one lexval applies (go test ./lexdoc -update
// rewrites it).
func TestReadmeRules(t *testing.T) {
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for name, want := range ruleLists() {
		begin, end := "<!-- rules:"+name+" -->\n", "<!-- /rules:"+name+" -->"
		i := strings.Index(text, begin)
		j := strings.Index(text, end)
		if i < 0 || j < i {
			t.Fatalf("README.md has no %s ... %s block", strings.TrimSpace(begin), end)
		}
		got := text[i+len(begin) : j]
		if got == want {
			continue
		}
		if *updateReadme {
			text = text[:i+len(begin)] + want + text[j:]
			continue
		}
		t.Errorf("README.md's %s rules differ from the table (go test ./lexdoc -run TestReadmeRules -update rewrites them):\ngot:\n%s\nwant:\n%s", name, got, want)
	}
	if *updateReadme {
		if err := os.WriteFile(readme, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
