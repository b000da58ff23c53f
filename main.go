// Command lexval validates AT Protocol Lexicon records: `go run .` serves the
// HTTP API and web UI on :8080; see `lexval help` for the CLI.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/lexval/lexval/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
