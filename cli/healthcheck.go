package cli

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/lexval/lexval/server"
)

// healthcheckTimeout bounds the probe; container runtimes have their own
// timeout on top.
const healthcheckTimeout = 3 * time.Second

var healthcheckCommand = &command{
	name:     "healthcheck",
	synopsis: "[--addr ADDR]",
	summary:  "probe a running server's /healthz (for containers)",
	detail: `Gets /healthz of the server listening on --addr (the serve flag and its
variable, so one LEXVAL_ADDR configures both) and exits 0 when it answers 200,
1 otherwise. Distroless images have no curl: the Dockerfile's HEALTHCHECK runs
this.`,
	env: []string{"addr"},
	run: runHealthcheck,
}

func runHealthcheck(ctx context.Context, s *streams, cmd *command, args []string) int {
	fs := newFlagSet(cmd.name)
	addr := fs.String("addr", server.DefaultAddr, "`address` the server listens on")
	rest, code, ok := s.parse(cmd, fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		return s.usageError(cmd, fs, fmt.Errorf("unexpected argument %q", rest[0]))
	}
	url, err := healthURL(*addr)
	if err != nil {
		return s.usageError(cmd, fs, err)
	}
	ctx, cancel := context.WithTimeout(ctx, healthcheckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return s.usageError(cmd, fs, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(s.stderr, "lexval healthcheck: %v\n", err)
		return exitInvalid
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(s.stderr, "lexval healthcheck: %s answered %s\n", url, resp.Status)
		return exitInvalid
	}
	return exitOK
}

// healthURL turns a listen address into the URL of its /healthz; a wildcard
// host (":8080", "0.0.0.0:8080", "[::]:8080") is probed on loopback.
func healthURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("%w: --addr %q: %w", errUsage, addr, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz", nil
}
