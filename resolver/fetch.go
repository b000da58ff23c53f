package resolver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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

// acquire takes a fetch slot, waiting no longer than ctx allows.
func (n *network) acquire(ctx context.Context) (release func(), err error) {
	select {
	case n.sem <- struct{}{}:
		return func() { <-n.sem }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// getJSON fetches u (http or https) within the fetch timeout and size limit
// and returns the body of a 200 response. A 404 or 410, or an XRPC error
// naming a missing record, is ErrNotFound; what names the step in errors.
func (n *network) getJSON(ctx context.Context, what string, u *url.URL) ([]byte, error) {
	body, err := n.get(ctx, what, u)
	if err != nil {
		n.fetchErrors.Add(1)
	}
	return body, err
}

func (n *network) get(ctx context.Context, what string, u *url.URL) ([]byte, error) {
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%w: %s: scheme %q is not http or https", ErrResolution, what, u.Scheme)
	}
	release, err := n.acquire(ctx)
	if err != nil {
		return nil, classify(what, err)
	}
	defer release()

	ctx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrResolution, what, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)

	start := time.Now()
	resp, err := n.client.Do(req)
	if err != nil {
		n.log.Debug("fetch failed", "step", what, "url", u.Redacted(), "error", err)
		return nil, classify(what, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		// Enough of an error body to find an XRPC error name in.
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		n.log.Debug("fetch", "step", what, "url", u.Redacted(), "status", resp.StatusCode, "duration", time.Since(start))
		return nil, statusError(what, u, resp.StatusCode, body)
	}
	body, err := readLimited(resp.Body, resp.ContentLength, n.cfg.MaxResponseBytes)
	n.log.Debug("fetch", "step", what, "url", u.Redacted(), "status", resp.StatusCode, "bytes", len(body), "duration", time.Since(start))
	if err != nil {
		return nil, classify(what+": "+u.Redacted(), err)
	}
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
func statusError(what string, u *url.URL, status int, body []byte) error {
	var x struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(body, &x) // a body that is not an XRPC error just has no name
	detail := fmt.Sprintf("%s: %s: HTTP %d", what, u.Redacted(), status)
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

// classify wraps a transport error with the kind callers act on.
func classify(what string, err error) error {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("%w: %s: %w", ErrTimeout, what, err)
	}
	// A refused address (ErrBlockedAddress) stays in the chain.
	return fmt.Errorf("%w: %s: %w", ErrResolution, what, err)
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
