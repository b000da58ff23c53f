package cli

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/lexval/lexval/lexdoc"
)

// SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/), the
// subset GitHub code scanning reads: a run of one tool with its rules, and
// results that point at a line and column of a file. The format is a handful
// of JSON objects; a library would bring more than it saves.

const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	lexvalURI    = "https://github.com/lexval/lexval"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool sarifTool `json:"tool"`
	// ColumnKind says how columns count: lexval counts code points.
	ColumnKind string        `json:"columnKind"`
	Results    []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string        `json:"id"`
	ShortDescription     sarifText     `json:"shortDescription"`
	DefaultConfiguration sarifSeverity `json:"defaultConfiguration"`
}

type sarifSeverity struct {
	Level string `json:"level"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
}

// sarifLevel is a severity's SARIF level.
func sarifLevel(s lexdoc.Severity) string {
	switch s {
	case lexdoc.SeverityWarning:
		return "warning"
	case lexdoc.SeverityInfo:
		return "note"
	}
	return "error"
}

// sarifBuilder gathers one run's results.
type sarifBuilder struct {
	log  sarifLog
	rule map[string]int // rule name → index in the driver's rules
}

// newSARIF starts a run whose driver lists rules (with their default
// severities).
func newSARIF(rules []lexdoc.Rule) *sarifBuilder {
	b := &sarifBuilder{rule: make(map[string]int, len(rules))}
	driver := sarifDriver{Name: "lexval", Version: version(), InformationURI: lexvalURI, Rules: make([]sarifRule, len(rules))}
	for i, r := range rules {
		driver.Rules[i] = sarifRule{ID: r.Name, ShortDescription: sarifText{r.Description}, DefaultConfiguration: sarifSeverity{sarifLevel(r.Severity)}}
		b.rule[r.Name] = i
	}
	b.log = sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{{
		Tool: sarifTool{Driver: driver}, ColumnKind: "unicodeCodePoints", Results: []sarifResult{},
	}}}
	return b
}

// sarifFinding is one result to place in a file.
type sarifFinding struct {
	rule     string
	severity lexdoc.Severity
	path     string // JSON Pointer into the file's document
	message  string
}

// add adds findings about file, whose content is data (empty when it could not
// be read: the results then point at the file alone). Each result's region
// is where the value its pointer names starts.
func (b *sarifBuilder) add(file string, data string, findings []sarifFinding) {
	var offsets []int
	if data != "" {
		ptrs := make([]string, len(findings))
		for i, f := range findings {
			ptrs[i] = f.path
		}
		offsets = pointerOffsets(data, ptrs)
	}
	run := &b.log.Runs[0]
	for i, f := range findings {
		r := sarifResult{
			RuleID:    f.rule,
			RuleIndex: b.rule[f.rule],
			Level:     sarifLevel(f.severity),
			Message:   sarifText{f.message},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: fileURI(file)}}}},
		}
		if f.path != "" {
			r.Message.Text = f.path + ": " + f.message
		}
		if offsets != nil {
			line, col := lineColumn(data, offsets[i])
			r.Locations[0].PhysicalLocation.Region = &sarifRegion{StartLine: line, StartColumn: col}
		}
		run.Results = append(run.Results, r)
	}
}

// write writes the log as indented JSON.
func (b *sarifBuilder) write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(b.log)
}

// fileURI is a file path as a relative URI reference, as code scanning
// resolves it against the repository's root.
func fileURI(path string) string {
	return (&url.URL{Path: filepath.ToSlash(path)}).String()
}

// lineColumn is the 1-based line and column (in code points) of byte
// offset off in data.
func lineColumn(data string, off int) (line, column int) {
	start := strings.LastIndexByte(data[:off], '\n') + 1
	return 1 + strings.Count(data[:off], "\n"), 1 + utf8.RuneCountInString(data[start:off])
}
