package cli

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
)

// endless is a stream that never ends nor pauses, as /dev/zero is: zeros,
// no newline. It calls after once it has been read n times.
type endless struct {
	n     int
	after func()
}

func (e *endless) Read(p []byte) (int, error) {
	if e.n--; e.n == 0 {
		e.after()
	}
	clear(p)
	return len(p), nil
}

// stalled is a stream that nothing writes to, as a terminal or a pipe whose
// writer waits: a Read blocks until release is closed.
type stalled struct {
	entered chan struct{}
	release chan struct{}
}

func newStalled(t *testing.T) *stalled {
	s := &stalled{entered: make(chan struct{}, 1), release: make(chan struct{})}
	t.Cleanup(func() { close(s.release) })
	return s
}

func (s *stalled) Read(p []byte) (int, error) {
	select {
	case s.entered <- struct{}{}:
	default:
	}
	<-s.release
	return 0, io.EOF
}

// TestCancelInsideARead: SIGINT or SIGTERM (the end of Run's context) ends
// a command that is reading standard input, whether the input never ends or
// never comes: exit 2, "interrupted".
func TestCancelInsideARead(t *testing.T) {
	commands := [][]string{
		{"validate", "--schema", "com.atproto.server.refreshSession", "-"},
		{"lint", "-"},
		{"cid", "-"},
	}
	for _, args := range commands {
		t.Run(args[0]+"/endless", func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var out, errOut bytes.Buffer
			code := Run(ctx, args, &endless{n: 100, after: cancel}, &out, &errOut)
			checkInterrupted(t, code, errOut.String())
		})
		t.Run(args[0]+"/stalled", func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			in := newStalled(t)
			go func() {
				<-in.entered
				cancel()
			}()
			var out, errOut lockedBuffer // the abandoned read may outlive Run
			code := Run(ctx, args, in, &out, &errOut)
			checkInterrupted(t, code, errOut.String())
		})
	}
}

func checkInterrupted(t *testing.T, code int, stderr string) {
	t.Helper()
	if code != exitError {
		t.Errorf("exit code: got %d, want %d", code, exitError)
	}
	if !strings.Contains(stderr, ": interrupted\n") {
		t.Errorf("stderr: got %q, want it to say interrupted", stderr)
	}
}
