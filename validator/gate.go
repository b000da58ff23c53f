package validator

import (
	"context"

	"golang.org/x/sync/semaphore"
)

// CompileGate bounds how many compiles run at once across the Compilers
// that share it (CompilerConfig.Gate): compiling is CPU work, and a server
// that compiles lexicons its clients send must keep cores for the rest. A
// compile waits for a slot as long as its callers wait for it.
type CompileGate struct {
	sem *semaphore.Weighted
}

// NewCompileGate returns a gate with n slots (at least 1).
func NewCompileGate(n int) *CompileGate {
	return &CompileGate{sem: semaphore.NewWeighted(int64(max(n, 1)))}
}

// acquire takes a slot; a nil gate has slots for every compile.
func (g *CompileGate) acquire(ctx context.Context) error {
	if g == nil {
		return nil
	}
	if err := g.sem.Acquire(ctx, 1); err != nil {
		return context.Cause(ctx)
	}
	return nil
}

func (g *CompileGate) release() {
	if g != nil {
		g.sem.Release(1)
	}
}
