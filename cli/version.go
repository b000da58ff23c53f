package cli

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

var versionCommand = &command{
	name:     "version",
	synopsis: "",
	summary:  "print the version",
	detail:   "Prints lexval's version (from the module or VCS build information) and the Go version.",
	run:      runVersion,
}

func runVersion(ctx context.Context, s *streams, cmd *command, args []string) int {
	fs := newFlagSet(cmd.name)
	rest, code, ok := s.parse(cmd, fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		return s.usageError(cmd, fs, fmt.Errorf("unexpected argument %q", rest[0]))
	}
	fmt.Fprintf(s.stdout, "lexval %s (%s)\n", version(), runtime.Version())
	return exitOK
}

// buildVersion, when set at link time (-ldflags "-X
// github.com/lexval/lexval/cli.buildVersion=v1.2.3"), is the version: the
// Docker build has no .git to stamp one from.
var buildVersion string

// version is buildVersion, else the main module's version; `go build` in a
// git checkout stamps a pseudo-version from the commit, and the revision is
// added when it does not.
func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	for _, kv := range info.Settings {
		if kv.Key == "vcs.revision" && (v == "" || v == "(devel)") {
			v = "(devel) " + kv.Value
		}
	}
	if v == "" {
		v = "(devel)"
	}
	return v
}
