package main

import (
	"go/build"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The layering README.md describes ("How the code is laid out"), held by a
// test: imports only go downward. The rules are data, and TestLayerRules
// checks that each one catches what it forbids.

const module = "github.com/lexval/lexval"

// mayImport lists, for the packages at the bottom, every lexval package
// each may import, even indirectly. Their tests may import test support
// under internal/ too, as long as that support respects the same bound.
var mayImport = map[string][]string{
	"datamodel": {},
	"lexdoc":    {"datamodel"},
	"validator": {"datamodel", "lexdoc"},
}

// mustNotDepend lists lexval packages that must not depend on others, even
// indirectly, in their code or their tests.
var mustNotDepend = map[string][]string{
	"resolver": {"validator", "store", "tap"},
	"store":    {"validator", "tap"},
	"tap":      {"validator"},
}

// onlyImportedBy lists modules that only the named lexval packages may
// import (code or tests), with any of their subpackages.
var onlyImportedBy = map[string][]string{
	"github.com/santhosh-tekuri/jsonschema/v5": {"validator"},
	"github.com/labstack/echo/v4":              {"server", "web"},
}

// sizeLimit is the share of the module's non-test Go lines that validator,
// lexdoc and datamodel may hold together: no new giant.
const sizeLimit = 0.60

var sizePackages = []string{"validator", "lexdoc", "datamodel"}

// pkg is one package of the module: its path relative to the module ("" for
// the command), its imports (full paths) and its non-test Go lines.
type pkg struct {
	rel         string
	imports     []string
	testImports []string
	lines       int
}

// readModule reads every package of the module below dir (bench/ is a
// module of its own, testdata and hidden directories hold no packages).
func readModule(t *testing.T, dir string) map[string]*pkg {
	t.Helper()
	pkgs := map[string]*pkg{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		name := d.Name()
		if path != dir && (name == "bench" || name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
			return filepath.SkipDir
		}
		bp, err := build.ImportDir(path, 0)
		if _, none := err.(*build.NoGoError); none {
			return nil
		}
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if rel == "." {
			rel = ""
		}
		p := &pkg{rel: filepath.ToSlash(rel), imports: bp.Imports, testImports: append(slices.Clone(bp.TestImports), bp.XTestImports...)}
		for _, f := range bp.GoFiles {
			data, err := os.ReadFile(filepath.Join(path, f))
			if err != nil {
				return err
			}
			p.lines += strings.Count(string(data), "\n")
		}
		pkgs[p.rel] = p
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

// lexval returns the lexval package an import path names, ok false for
// another module's.
func lexval(path string) (rel string, ok bool) {
	if path == module {
		return "", true
	}
	return strings.CutPrefix(path, module+"/")
}

// closure returns the lexval packages imports reach, directly or through
// the code (not the tests) of lexval packages.
func closure(pkgs map[string]*pkg, imports []string) map[string]bool {
	seen := map[string]bool{}
	var visit func([]string)
	visit = func(imports []string) {
		for _, imp := range imports {
			rel, ok := lexval(imp)
			if !ok || seen[rel] {
				continue
			}
			seen[rel] = true
			if p := pkgs[rel]; p != nil {
				visit(p.imports)
			}
		}
	}
	visit(imports)
	return seen
}

// violations lists every import that breaks a rule.
func violations(pkgs map[string]*pkg) []string {
	var out []string
	for _, rel := range slices.Sorted(maps.Keys(pkgs)) {
		p := pkgs[rel]
		if allowed, ok := mayImport[rel]; ok {
			may := "no lexval package"
			if len(allowed) > 0 {
				may = "only " + strings.Join(allowed, ", ")
			}
			for dep := range closure(pkgs, p.imports) {
				if dep != rel && !slices.Contains(allowed, dep) {
					out = append(out, rel+" depends on "+dep+" (it may import "+may+")")
				}
			}
			for dep := range closure(pkgs, p.testImports) {
				if dep != rel && !slices.Contains(allowed, dep) && !strings.HasPrefix(dep, "internal/") {
					out = append(out, rel+"'s tests depend on "+dep+" (they may import "+may+", and internal/ test support)")
				}
			}
		}
		for _, forbidden := range mustNotDepend[rel] {
			if closure(pkgs, append(slices.Clone(p.imports), p.testImports...))[forbidden] {
				out = append(out, rel+" depends on "+forbidden)
			}
		}
		for _, imp := range append(slices.Clone(p.imports), p.testImports...) {
			for mod, importers := range onlyImportedBy {
				if (imp == mod || strings.HasPrefix(imp, mod+"/")) && !slices.Contains(importers, rel) {
					out = append(out, rel+" imports "+imp+" (only "+strings.Join(importers, ", ")+" may)")
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestLayers(t *testing.T) {
	pkgs := readModule(t, ".")
	for _, rel := range slices.Concat(slices.Collect(maps.Keys(mayImport)), slices.Collect(maps.Keys(mustNotDepend)), []string{"server", "web"}) {
		if pkgs[rel] == nil {
			t.Errorf("package %s not found: the rules name a package that is gone", rel)
		}
	}
	for _, v := range violations(pkgs) {
		t.Error(v)
	}
}

// TestLayerSize: validator, lexdoc and datamodel together hold less than
// sizeLimit of the module's non-test Go lines (bench/ excluded).
func TestLayerSize(t *testing.T) {
	pkgs := readModule(t, ".")
	total, core := 0, 0
	var parts []string
	for _, rel := range slices.Sorted(maps.Keys(pkgs)) {
		total += pkgs[rel].lines
	}
	for _, rel := range sizePackages {
		core += pkgs[rel].lines
		parts = append(parts, rel+" "+strconv.Itoa(pkgs[rel].lines))
	}
	share := float64(core) / float64(total)
	t.Logf("%s: %d of %d non-test Go lines (%.1f%%)", strings.Join(parts, ", "), core, total, 100*share)
	if share >= sizeLimit {
		t.Errorf("%s hold %.1f%% of the non-test Go lines, want less than %.0f%%", strings.Join(sizePackages, ", "), 100*share, 100*sizeLimit)
	}
}

// TestLayerRules: each rule catches an import that breaks it, directly or
// through another package, and lets the allowed ones through.
func TestLayerRules(t *testing.T) {
	const (
		jsonschema = "github.com/santhosh-tekuri/jsonschema/v5"
		echo       = "github.com/labstack/echo/v4"
	)
	lv := func(rel string) string { return module + "/" + rel }
	base := func() map[string]*pkg {
		return map[string]*pkg{
			"datamodel":            {rel: "datamodel"},
			"lexdoc":               {rel: "lexdoc", imports: []string{lv("datamodel")}, testImports: []string{lv("internal/lexicontest")}},
			"validator":            {rel: "validator", imports: []string{lv("lexdoc"), jsonschema}},
			"resolver":             {rel: "resolver", imports: []string{lv("lexdoc")}},
			"service":              {rel: "service", imports: []string{lv("resolver"), lv("validator")}},
			"server":               {rel: "server", imports: []string{lv("service"), echo + "/middleware"}},
			"internal/lexicontest": {rel: "internal/lexicontest", imports: []string{lv("lexdoc")}},
		}
	}
	if v := violations(base()); len(v) != 0 {
		t.Fatalf("the allowed graph: got %q, want no violation", v)
	}
	tests := []struct {
		name   string
		change func(map[string]*pkg)
		want   string
	}{
		{"datamodel imports lexdoc", func(p map[string]*pkg) { p["datamodel"].imports = []string{lv("lexdoc")} }, "datamodel depends on lexdoc"},
		{"lexdoc imports validator", func(p map[string]*pkg) { p["lexdoc"].imports = append(p["lexdoc"].imports, lv("validator")) }, "lexdoc depends on validator"},
		{"lexdoc reaches validator through another package", func(p map[string]*pkg) {
			p["lexdoc"].imports = append(p["lexdoc"].imports, lv("internal/lexicontest"))
			p["internal/lexicontest"].imports = append(p["internal/lexicontest"].imports, lv("validator"))
		}, "lexdoc depends on validator"},
		{"lexdoc's tests import validator", func(p map[string]*pkg) { p["lexdoc"].testImports = []string{lv("validator")} }, "lexdoc's tests depend on validator"},
		{"lexdoc's test support imports validator", func(p map[string]*pkg) {
			p["internal/lexicontest"].imports = append(p["internal/lexicontest"].imports, lv("validator"))
		}, "lexdoc's tests depend on validator"},
		{"validator imports resolver", func(p map[string]*pkg) { p["validator"].imports = append(p["validator"].imports, lv("resolver")) }, "validator depends on resolver"},
		{"resolver imports validator", func(p map[string]*pkg) { p["resolver"].imports = append(p["resolver"].imports, lv("validator")) }, "resolver depends on validator"},
		{"resolver reaches validator through service", func(p map[string]*pkg) {
			p["resolver"].testImports = []string{lv("service")}
		}, "resolver depends on validator"},
		{"service imports jsonschema", func(p map[string]*pkg) { p["service"].imports = append(p["service"].imports, jsonschema) }, "service imports " + jsonschema},
		{"service imports echo", func(p map[string]*pkg) { p["service"].testImports = []string{echo} }, "service imports " + echo},
		{"the command imports echo", func(p map[string]*pkg) { p[""] = &pkg{imports: []string{echo}} }, " imports " + echo},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pkgs := base()
			tc.change(pkgs)
			got := violations(pkgs)
			if !slices.ContainsFunc(got, func(v string) bool { return strings.HasPrefix(v, tc.want) }) {
				t.Errorf("got %q, want a violation starting %q", got, tc.want)
			}
		})
	}
}
