package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	brOld   = "testdata/breaking/old"
	brNew   = "testdata/breaking/new"
	brLike  = "/app/bsky/feed/like.json"
	brProf  = "/app/bsky/actor/profile.json"
	brLoose = "testdata/breaking/loose/app.bsky.actor.profile.json"
	brBase  = "../testdata/breaking/base"
)

func TestBreaking(t *testing.T) {
	runCases(t, []cliCase{
		{name: "directories", args: []string{"breaking", brOld, brNew}, code: 1, golden: "breaking-dirs.txt"},
		{name: "directories json", args: []string{"breaking", "--format", "json", brOld, brNew}, code: 1, golden: "breaking-dirs.json"},
		{name: "directories github", args: []string{"breaking", "--format", "github", brOld, brNew}, code: 1, golden: "breaking-dirs.github"},
		{name: "directories sarif", args: []string{"breaking", "--format", "sarif", brOld, brNew}, code: 1, golden: "breaking-dirs.sarif"},
		{name: "one file", args: []string{"breaking", brOld + brLike, brNew + brLike}, code: 1, golden: "breaking-like.txt"},
		{name: "the same file", args: []string{"breaking", brOld + brLike, brOld + brLike}, code: 0, golden: "breaking-none.txt"},
		// The published version is what the resolver finds: here a
		// --lexicons directory.
		{name: "the published version", args: []string{"breaking", "--lexicons", brBase, "app.bsky.actor.profile", brNew + brProf}, code: 1, golden: "breaking-published.txt"},
		{name: "the published version unchanged", args: []string{"breaking", "--lexicons", brBase, "app.bsky.actor.profile", brOld + brProf}, code: 0, golden: "breaking-none.txt"},
		{name: "a loosening is a warning", args: []string{"breaking", brOld + brProf, brLoose}, code: 0, golden: "breaking-loose.txt"},
		{name: "a loosening as an error", args: []string{"breaking", "--loosening", "error", brOld + brProf, brLoose}, code: 1, golden: "breaking-loose-error.txt"},
		{name: "records", args: []string{"breaking", "--records", "testdata/breaking/records", brOld, brNew}, code: 1, golden: "breaking-records.txt"},
		{name: "records json", args: []string{"breaking", "--format", "json", "--records", "testdata/breaking/records/profiles.jsonl", brOld + brProf, brLoose}, code: 0, golden: "breaking-records.json"},
		{name: "list rules", args: []string{"breaking", "--list-rules"}, code: 0, golden: "breaking-rules.txt"},
		{name: "a stored version without a store", args: []string{"breaking", "app.bsky.actor.profile@bafyreigcy4ovht4rgredjpr53i4zgkxkvfdcmhhvhra5d3hffxwh2fhjne", brNew + brProf}, code: 2, stderr: "no lexicon store is configured"},
		{name: "an unknown lexicon", args: []string{"breaking", "com.example.nope", brNew + brProf}, code: 2, stderr: "lexval breaking: old: schema com.example.nope"},
		{name: "a missing file", args: []string{"breaking", "old.json", brNew + brProf}, code: 2, stderr: `OLD "old.json" is no file or directory, nor an NSID`},
		{name: "one argument", args: []string{"breaking", brNew}, code: 2, stderr: "want two arguments: OLD and NEW"},
		{name: "a file that is not a lexicon", args: []string{"breaking", "testdata/records/valid.json", brNew + brProf}, code: 2, stderr: "old: testdata/records/valid.json: invalid lexicon: lexicon version is missing"},
		{name: "a file that is not JSON", args: []string{"breaking", "testdata/lint/broken/truncated.json", brNew + brProf}, code: 2, stderr: "OLD: testdata/lint/broken/truncated.json: invalid JSON"},
		{name: "bad loosening", args: []string{"breaking", "--loosening", "fatal", brOld, brNew}, code: 2, stderr: `"fatal" is not one of: error, warning, info`},
	})
}

func TestDiff(t *testing.T) {
	runCases(t, []cliCase{
		{name: "directories", args: []string{"diff", brOld, brNew}, code: 0, golden: "diff-dirs.txt"},
		{name: "directories json", args: []string{"diff", "--format", "json", brOld, brNew}, code: 0, golden: "diff-dirs.json"},
		{name: "the published version", args: []string{"diff", "--lexicons", brBase, "app.bsky.actor.profile", brNew + brProf}, code: 0, golden: "diff-published.txt"},
		{name: "no differences", args: []string{"diff", brOld + brLike, brOld + brLike}, code: 0, golden: "diff-none.txt"},
		{name: "sarif is not a diff format", args: []string{"diff", "--format", "sarif", brOld, brNew}, code: 2, stderr: `"sarif" is not one of: text, json`},
	})
}

// TestBreakingSARIF checks breaking's SARIF against the schema's required
// fields.
func TestBreakingSARIF(t *testing.T) {
	_, out, stderr := runCLI(t, "", "breaking", "--format", "sarif", brOld, brNew)
	if stderr != "" {
		t.Fatalf("stderr: %s", stderr)
	}
	checkSARIF(t, []byte(out))
}

// TestBreakingNetwork: an NSID names the version the network publishes,
// proven, and its references are followed where they are published.
func TestBreakingNetwork(t *testing.T) {
	network, _ := useNetwork(t)
	dir := t.TempDir()
	post := strings.Replace(remoteLexicons[0], `"required":["label"],`, "", 1)
	defs := strings.Replace(remoteLexicons[1], `"maxLength":5`, `"maxLength":3`, 1)
	for name, doc := range map[string]string{"com.example.remote.post.json": post, "com.example.remote.defs.json": defs} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, stderr := runCLI(t, "", append(append([]string{"breaking"}, network...), "--format", "json", "com.example.remote.post", filepath.Join(dir, "com.example.remote.post.json"))...)
	if code != exitOK || !strings.Contains(out, `"rule":"required-removed"`) || !strings.Contains(out, `"source":"network"`) {
		t.Errorf("got exit %d, %s (stderr %q); want 0 and a required-removed warning against the network version", code, out, stderr)
	}
	code, out, stderr = runCLI(t, "", append(append([]string{"breaking"}, network...), "com.example.remote.post", dir)...)
	if code != exitInvalid || !strings.Contains(out, "com.example.remote.defs.json: /defs/label/properties/val/maxLength: error") {
		t.Errorf("got exit %d, %s (stderr %q); want 1 and the tightened maxLength of the referenced lexicon", code, out, stderr)
	}
}
