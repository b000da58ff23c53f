package cli

import (
	"errors"
	"flag"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseByteSize(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int64
		ok   bool
	}{
		{name: "plain bytes", in: "2097152", want: 2 << 20, ok: true},
		{name: "MiB", in: "2MiB", want: 2 << 20, ok: true},
		{name: "lower case", in: "512kib", want: 512 << 10, ok: true},
		{name: "decimal MB", in: "1MB", want: 1_000_000, ok: true},
		{name: "short suffix", in: "4k", want: 4 << 10, ok: true},
		{name: "B suffix", in: "100B", want: 100, ok: true},
		{name: "space before unit", in: "3 GiB", want: 3 << 30, ok: true},
		{name: "zero", in: "0"},
		{name: "negative", in: "-5"},
		{name: "fraction", in: "1.5MiB"},
		{name: "unknown unit", in: "2TiB"},
		{name: "empty", in: ""},
		{name: "overflow", in: "9999999999GiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseByteSize(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("parseByteSize(%q): got err %v, want ok=%v", tt.in, err, tt.ok)
			}
			if got != tt.want {
				t.Errorf("parseByteSize(%q): got %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseFlags(t *testing.T) {
	list := string(filepath.ListSeparator)
	tests := []struct {
		name       string
		env        map[string]string
		args       []string
		wantPos    []string
		wantFormat string
		wantLex    []string
		wantErr    error
	}{
		{name: "flags before files", args: []string{"--format", "json", "a.json", "b.jsonl"}, wantPos: []string{"a.json", "b.jsonl"}, wantFormat: "json"},
		{name: "flags after files", args: []string{"a.json", "--format=github", "-", "--lexicons", "x"}, wantPos: []string{"a.json", "-"}, wantFormat: "github", wantLex: []string{"x"}},
		{name: "double dash ends flags", args: []string{"--", "--format", "a.json"}, wantPos: []string{"--format", "a.json"}, wantFormat: "text"},
		{name: "env applies", env: map[string]string{"LEXVAL_LEXICONS": "a" + list + "b"}, wantFormat: "text", wantLex: []string{"a", "b"}},
		{name: "flag wins over env", env: map[string]string{"LEXVAL_LEXICONS": "a" + list + "b"}, args: []string{"--lexicons", "c", "--lexicons", "d"}, wantFormat: "text", wantLex: []string{"c", "d"}},
		{name: "unknown flag", args: []string{"--nope"}, wantErr: errUsage},
		{name: "bad choice", args: []string{"--format", "xml"}, wantErr: errUsage},
		{name: "bad env value", env: map[string]string{"LEXVAL_MAX_VALUE": "lots"}, wantErr: errUsage},
		{name: "help", args: []string{"-h"}, wantErr: flag.ErrHelp},
		{name: "long help after a file", args: []string{"a.json", "--help"}, wantErr: flag.ErrHelp},
		{name: "one dash", args: []string{"-format", "json", "-lexicons=x", "a.json"}, wantPos: []string{"a.json"}, wantFormat: "json", wantLex: []string{"x"}},
		{name: "a value that looks like a flag", args: []string{"--lexicons", "--format"}, wantFormat: "text", wantLex: []string{"--format"}},
		{name: "stdin is positional", args: []string{"-", "--format", "json"}, wantPos: []string{"-"}, wantFormat: "json"},
		{name: "missing value", args: []string{"--format"}, wantErr: errUsage},
		{name: "bad syntax", args: []string{"--=json"}, wantErr: errUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			fs := newFlagSet("test")
			format := newFormatFlag()
			fs.Var(format, "format", "")
			var lex listFlag
			fs.Var(&lex, "lexicons", "")
			size := byteSize(1)
			fs.Var(&size, "max-value", "")
			pos, err := parseFlags(fs, tt.args, "lexicons", "max-value")
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("got err %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("got err %v, want none", err)
			}
			if !slices.Equal(pos, tt.wantPos) {
				t.Errorf("positional: got %q, want %q", pos, tt.wantPos)
			}
			if format.value != tt.wantFormat {
				t.Errorf("format: got %q, want %q", format.value, tt.wantFormat)
			}
			if !slices.Equal(lex.values, tt.wantLex) {
				t.Errorf("lexicons: got %q, want %q", lex.values, tt.wantLex)
			}
		})
	}
}

func TestEnvName(t *testing.T) {
	for flagName, want := range map[string]string{
		"addr":                    "LEXVAL_ADDR",
		"plc-url":                 "LEXVAL_PLC_URL",
		"allow-private-addresses": "LEXVAL_ALLOW_PRIVATE_ADDRESSES",
	} {
		if got := envName(flagName); got != want {
			t.Errorf("envName(%q): got %q, want %q", flagName, got, want)
		}
	}
}

func TestCommandUsageListsEnv(t *testing.T) {
	var b strings.Builder
	fs := newFlagSet("serve")
	fs.String("addr", ":8080", "address to listen on")
	printCommandUsage(&b, serveCommand, fs)
	if want := `--addr string  address to listen on (default :8080) [$LEXVAL_ADDR]`; !strings.Contains(b.String(), want) {
		t.Errorf("usage: got\n%s\nwant a line containing %q", b.String(), want)
	}
}
