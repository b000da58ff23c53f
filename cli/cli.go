package cli

import (
	"context"
	"io"
)

// Run runs the command line args (without the program name) and returns the
// process exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	panic("TODO(cli)")
}
