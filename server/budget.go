package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"time"

	"github.com/labstack/echo/v4"
)

// Deadlines go only where work can be long: resolving and compiling a schema
// the service does not keep ready, explaining invalid values, checking
// batches, linting. Each request gets one budget (Config.RequestTimeout),
// counted from the end of reading its body; its work runs on a goroutine of
// its own under a context with that deadline, so that the request is answered
// when the budget runs out, 503 (or 504 when a fetch timed out), even when
// the work does not look at its context and goes on for a while. Accepting
// a valid value against a schema the service keeps costs no deadline, no
// goroutine and no slot.

// workGrace is how long past the deadline the work may take to notice it
// before the answer goes without waiting for it: long enough for work that
// checks its context to return its own error (a fetch's timeout, a 504).
const workGrace = time.Second

// errOutOfTime is the cause of a request's budget context once the budget is
// spent.
var errOutOfTime = errors.New("request out of time")

// budget is the time one request's work may take; it starts with the first
// work, so that a request served without any costs no clock reading.
type budget struct {
	deadline time.Time
}

func (b *budget) context(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if b.deadline.IsZero() {
		b.deadline = time.Now().Add(d)
	}
	return context.WithDeadlineCause(parent, b.deadline, errOutOfTime)
}

// work runs fn within the request's budget and returns its error, or, when
// the budget runs out first, the answer for that: a 503 when fn is CPU work
// (cpu), or fn's own error when it returns within workGrace of the deadline
// (a resolution timeout is a 504 by its code). fn must not touch the echo
// context, which is reused once the handler returns; release, when set, runs
// when fn is done, answered or not.
func (s *Server) work(c echo.Context, b *budget, cpu bool, release func(), fn func(ctx context.Context) error) error {
	req := c.Request()
	return s.workIn(req.Context(), req.Method, req.URL.Path, b, cpu, release, fn)
}

// workIn is work for a request known by its context, method and path (for
// the log, should fn panic): the MCP endpoint's tool calls, whose handler
// is not echo's.
func (s *Server) workIn(parent context.Context, method, path string, b *budget, cpu bool, release func(), fn func(ctx context.Context) error) error {
	ctx, cancel := b.context(parent, s.cfg.RequestTimeout)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		if release != nil {
			defer release()
		}
		done <- s.runWork(ctx, method, path, fn)
	}()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		t := time.NewTimer(workGrace)
		select {
		case err = <-done:
			t.Stop()
		case <-t.C:
			err = context.Cause(ctx)
		}
	}
	if err == nil {
		return nil
	}
	// Out of time: the grace ran out, or CPU work saw the deadline. A
	// resolution that timed out says so itself (504).
	if context.Cause(ctx) == errOutOfTime && (errors.Is(err, errOutOfTime) || cpu && errors.Is(err, context.DeadlineExceeded)) {
		return s.outOfTime()
	}
	return err
}

// runWork runs fn, turning a panic into an error (a 500): work runs on a
// goroutine of its own, out of the reach of the recovering middleware.
func (s *Server) runWork(ctx context.Context, method, path string, fn func(ctx context.Context) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			stack := make([]byte, panicStackSize)
			stack = stack[:runtime.Stack(stack, false)]
			err = s.logPanic(method, path, fmt.Errorf("%v", r), stack)
		}
	}()
	return fn(ctx)
}

// outOfTime is the answer to a request whose work did not fit its budget.
func (s *Server) outOfTime() *xrpcError {
	return &xrpcError{
		Status:  http.StatusServiceUnavailable,
		Name:    "RequestTimeout",
		Message: fmt.Sprintf("the request needs more than the %v of work a request may take: send less at once", s.cfg.RequestTimeout),
	}
}

// explainers bounds how many requests explain invalid values at once:
// explaining costs 10-100 times what accepting a valid value does, so
// without a bound a few clients sending large invalid values take every core
// from valid traffic. A request that cannot get a slot within wait is
// answered 503 with Retry-After rather than queued without end.
type explainers struct {
	slots chan struct{}
	wait  time.Duration
}

func newExplainers(n int, wait time.Duration) *explainers {
	return &explainers{slots: make(chan struct{}, n), wait: wait}
}

// acquire takes a slot; the caller releases it with release. It returns the
// answer to send instead when none frees in time.
func (e *explainers) acquire(ctx context.Context) error {
	select {
	case e.slots <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(e.wait)
	defer t.Stop()
	select {
	case e.slots <- struct{}{}:
		return nil
	case <-t.C:
		return &xrpcError{
			Status:  http.StatusServiceUnavailable,
			Name:    "ServiceUnavailable",
			Message: "too many invalid values or large requests are being handled at once: try again shortly",
		}
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (e *explainers) release() { <-e.slots }

// retryAfterValue is the Retry-After of a request refused an explanation
// slot, in seconds: slots free in milliseconds, unless large invalid values
// hold them.
var retryAfterValue = []string{"1"}

// explain runs fn, which explains invalid values, within the request's
// budget and while holding an explanation slot: its own, or the one a
// heavy request holds already.
func (s *Server) explain(c echo.Context, b *budget, fn func(ctx context.Context) error) error {
	if holdsSlot(c.Request().Context()) {
		return s.work(c, b, true, nil, fn)
	}
	if err := s.acquireSlot(c); err != nil {
		return err
	}
	return s.work(c, b, true, s.explainers.release, fn)
}

// toolWork runs one MCP tool call's work within a budget of its own, as
// work does for a request: the request timeout, and, when explain, an
// explanation slot (a 503 error when none frees in time).
func (s *Server) toolWork(ctx context.Context, explain bool, fn func(ctx context.Context) error) error {
	var b budget
	var release func()
	if explain && !holdsSlot(ctx) {
		if err := s.explainers.acquire(ctx); err != nil {
			return err
		}
		release = s.explainers.release
	}
	return s.workIn(ctx, http.MethodPost, mcpPath, &b, explain, release, fn)
}

// acquireSlot takes an explanation slot for c, or returns the 503 (with
// Retry-After) to answer instead.
func (s *Server) acquireSlot(c echo.Context) error {
	err := s.explainers.acquire(c.Request().Context())
	var xe *xrpcError
	if errors.As(err, &xe) {
		c.Response().Header()["Retry-After"] = retryAfterValue
	}
	return err
}

// heavyBody is the body size from which a request is heavy work: decoding
// and checking it costs milliseconds of CPU and megabytes of memory
// (DecodeJSON builds tens of bytes of tree per byte of a list of short
// strings), whether its values are valid or not.
const heavyBody = 64 << 10

// heavySlot marks, in a request's context, a request that holds an
// explanation slot for all of its work, so that the work does not take a
// second one (the MCP handler sees only the context).
type heavySlot struct{}

// holdsSlot reports whether ctx is a heavy request's, holding a slot.
func holdsSlot(ctx context.Context) bool { return ctx.Value(heavySlot{}) != nil }

// heavy reports a request with a body over heavyBody, or of a length it
// does not declare.
func heavy(req *http.Request) bool {
	return req.ContentLength > heavyBody || req.ContentLength < 0 && req.Body != nil && req.Body != http.NoBody
}

// admitHeavy runs a heavy request holding an explanation slot from before
// its body is read until it is answered: the slots bound how many large
// bodies are decoded, checked and explained at once, as they bound
// explanations, so that a few clients sending megabytes of invalid values
// take no more than those slots' cores and memory, and valid traffic keeps
// the rest. A request that finds no slot in time is answered 503 with
// Retry-After, its body unread.
func (s *Server) admitHeavy(next echo.HandlerFunc, c echo.Context) error {
	if !heavy(c.Request()) {
		return next(c)
	}
	if err := s.acquireSlot(c); err != nil {
		return err
	}
	defer s.explainers.release()
	req := c.Request()
	c.SetRequest(req.WithContext(context.WithValue(req.Context(), heavySlot{}, true)))
	return next(c)
}
