package resolver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"
	"unicode/utf8"
)

// userAgent identifies lexval to the servers it asks.
const userAgent = "lexval (+https://github.com/lexval/lexval)"

// errBodyTooLarge: a response body passed the configured limit.
var errBodyTooLarge = errors.New("response too large")

// acquire takes a slot of host's, then a fetch slot, waiting no longer
// than ctx allows; host "" (a DNS lookup, the PLC directory) has no slots
// of its own. The host's slot comes first, so that fetches queued for a
// slow server wait without holding fetch slots.
func (n *network) acquire(ctx context.Context, host string) (release func(), err error) {
	releaseHost := func() {}
	if host != "" {
		if releaseHost, err = n.hosts.acquire(ctx, host); err != nil {
			return nil, err
		}
	}
	select {
	case n.sem <- struct{}{}:
		return func() { <-n.sem; releaseHost() }, nil
	case <-ctx.Done():
		releaseHost()
		return nil, ctx.Err()
	}
}

// Media types asked for: XRPC answers, and CAR files (sync.getRecord).
const (
	mediaJSON = "application/json"
	mediaCAR  = "application/vnd.ipld.car"
)

// getJSON fetches u (http or https) within the fetch timeout and size limit
// and returns the body of a 200 response. A 404 or 410, or an XRPC error
// naming a missing record, is ErrNotFound; what names the step in errors.
func (n *network) getJSON(ctx context.Context, what string, u *url.URL) ([]byte, error) {
	return n.getAs(ctx, what, u, mediaJSON)
}

// getAs is getJSON asking for another media type.
func (n *network) getAs(ctx context.Context, what string, u *url.URL, accept string) ([]byte, error) {
	body, err := n.get(ctx, what, u, accept)
	if err != nil {
		n.fetchErrors.Add(1)
	}
	return body, err
}

// get fetches u. Its errors are shown to clients, so they name the step
// (what) and the cause in a few words, never the URL (a PLC directory or
// PDS address the operator configured) nor a DNS server: those go to the
// log.
func (n *network) get(ctx context.Context, what string, u *url.URL, accept string) ([]byte, error) {
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%w: %s: scheme %q is not http or https", ErrResolution, what, u.Scheme)
	}
	host := u.Host
	if host == n.plcHost {
		host = ""
	}
	release, err := n.acquire(ctx, host)
	if errors.Is(err, errHostBusy) {
		n.log.Warn("fetch refused", "step", what, "host", u.Host, "error", err)
		return nil, fmt.Errorf("%w: %s: %w", ErrResolution, what, err)
	}
	if err != nil {
		return nil, classify(what, err)
	}
	defer release()

	ctx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		n.log.Warn("fetch failed", "step", what, "url", u.Redacted(), "error", err)
		return nil, fmt.Errorf("%w: %s: cannot make the request", ErrResolution, what)
	}
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", userAgent)

	start := time.Now()
	resp, err := n.client.Do(req)
	if err != nil {
		n.log.Warn("fetch failed", "step", what, "url", u.Redacted(), "error", err)
		return nil, classify(what, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		// Enough of an error body to find an XRPC error name in.
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		err := statusError(what, resp.StatusCode, body)
		level := slog.LevelWarn
		if errors.Is(err, ErrNotFound) {
			level = slog.LevelDebug // an answer, not a failure
		}
		n.log.Log(ctx, level, "fetch", "step", what, "url", u.Redacted(), "status", resp.StatusCode, "duration", time.Since(start))
		return nil, err
	}
	body, err := readLimited(resp.Body, resp.ContentLength, n.cfg.MaxResponseBytes)
	if err != nil {
		n.log.Warn("fetch failed", "step", what, "url", u.Redacted(), "status", resp.StatusCode, "error", err)
		return nil, classify(what, err)
	}
	n.log.Debug("fetch", "step", what, "url", u.Redacted(), "status", resp.StatusCode, "bytes", len(body), "duration", time.Since(start))
	return body, nil
}

// readLimited reads at most limit bytes and fails, rather than truncating,
// when there are more.
func readLimited(r io.Reader, declared, limit int64) ([]byte, error) {
	if declared > limit {
		return nil, fmt.Errorf("%w: %d bytes declared, limit %d", errBodyTooLarge, declared, limit)
	}
	body, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", errBodyTooLarge, limit)
	}
	return body, nil
}

// statusError turns a non-200 response into an error, reading the XRPC error
// name when the body has one.
func statusError(what string, status int, body []byte) error {
	var x struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(body, &x) // a body that is not an XRPC error just has no name
	detail := fmt.Sprintf("%s: HTTP %d", what, status)
	if x.Error != "" {
		detail += " " + x.Error
		if x.Message != "" {
			detail += ": " + truncate(x.Message, 200)
		}
	}
	switch {
	case status == http.StatusNotFound, status == http.StatusGone, x.Error == "RecordNotFound":
		return fmt.Errorf("%w: %s", ErrNotFound, detail)
	}
	return fmt.Errorf("%w: %s", ErrResolution, detail)
}

// classify wraps a transport error with the kind callers act on. The
// message is the step and the cause in words safe to show a client
// (clientCause); the error itself stays in the chain for errors.Is.
func classify(what string, err error) error {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("%w: %s: %w", ErrTimeout, what, &causeError{msg: "timed out", err: err})
	}
	// A refused address (ErrBlockedAddress) stays in the chain.
	return fmt.Errorf("%w: %s: %w", ErrResolution, what, &causeError{msg: clientCause(err), err: err})
}

// causeError shows msg in place of err's own message, which may carry a URL
// or a DNS server's address, and unwraps to err.
type causeError struct {
	msg string
	err error
}

func (e *causeError) Error() string { return e.msg }
func (e *causeError) Unwrap() error { return e.err }

// clientCause words a transport error without the URL (url.Error) or the
// DNS server (net.DNSError) that its own message names; lexval's own
// errors (a blocked address, a refused redirect, a body too large) say
// already what a client may know.
func clientCause(err error) string {
	var (
		dnsErr *net.DNSError
		opErr  *net.OpError
		urlErr *url.Error
	)
	switch {
	case errors.Is(err, ErrBlockedAddress), errors.Is(err, errRedirect), errors.Is(err, errBodyTooLarge):
		// Ours is the error that wraps the sentinel itself: the reason,
		// without the URL or address of the errors around it.
		for {
			switch next := errors.Unwrap(err); next {
			case nil, ErrBlockedAddress, errRedirect, errBodyTooLarge:
				return err.Error()
			default:
				err = next
			}
		}
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.As(err, &dnsErr):
		return "DNS lookup of " + dnsErr.Name + ": " + dnsErr.Err
	case errors.As(err, &opErr):
		// "dial tcp 192.0.2.1:443: connect: connection refused" without the
		// address: "dial: connect: connection refused".
		return opErr.Op + ": " + clientCause(opErr.Err)
	case errors.As(err, &urlErr):
		return clientCause(urlErr.Err)
	}
	return err.Error()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
