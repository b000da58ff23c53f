package cli

import (
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"testing"
)

// TestServeLimits: the server's limits come from flags and LEXVAL_*
// variables, and the start log says which are in force.
func TestServeLimits(t *testing.T) {
	tests := []struct {
		name         string
		args         []string
		env          map[string]string
		wantConns    float64
		wantTime     string
		wantCompiles float64
		wantErrs     float64
	}{
		{name: "defaults", wantConns: 4096, wantTime: "30s", wantCompiles: float64(runtime.GOMAXPROCS(0)), wantErrs: 100},
		{name: "flags", args: []string{"--max-connections", "5", "--request-timeout", "2s", "--max-explaining", "1", "--max-compiles", "3", "--max-errors", "7"}, wantConns: 5, wantTime: "2s", wantCompiles: 3, wantErrs: 7},
		{name: "variables", env: map[string]string{"LEXVAL_MAX_CONNECTIONS": "6", "LEXVAL_REQUEST_TIMEOUT": "1m", "LEXVAL_MAX_EXPLAINING": "3", "LEXVAL_MAX_COMPILES": "4", "LEXVAL_MAX_ERRORS": "8"}, wantConns: 6, wantTime: "1m0s", wantCompiles: 4, wantErrs: 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			srv := startServe(t, tt.args...)
			got := srv.started
			srv.shutdown(t)
			// The test machine's descriptor limit may lower the default.
			if c, _ := got["max_connections"].(float64); c != tt.wantConns && !(tt.wantConns == 4096 && c > 0 && c < 4096) {
				t.Errorf("max_connections: got %v, want %v", got["max_connections"], tt.wantConns)
			}
			if got["request_timeout"] != tt.wantTime {
				t.Errorf("request_timeout: got %v, want %v", got["request_timeout"], tt.wantTime)
			}
			if got["max_compiles"] != tt.wantCompiles {
				t.Errorf("max_compiles: got %v, want %v", got["max_compiles"], tt.wantCompiles)
			}
			if got["max_errors"] != tt.wantErrs {
				t.Errorf("max_errors: got %v, want %v", got["max_errors"], tt.wantErrs)
			}
		})
	}
}

func TestServeLimitErrors(t *testing.T) {
	runCases(t, []cliCase{
		{name: "no connections", args: []string{"serve", "--max-connections", "0"}, code: 2, stderr: "--max-connections 0: want a positive number"},
		{name: "no time", args: []string{"serve", "--request-timeout", "0s"}, code: 2, stderr: "--request-timeout 0s: want a positive duration"},
		{name: "not a duration", args: []string{"serve", "--request-timeout", "soon"}, code: 2, stderr: "--request-timeout"},
		{name: "negative explaining", args: []string{"serve", "--max-explaining", "-1"}, code: 2, stderr: "--max-explaining -1: want a positive number"},
		{name: "negative compiles", args: []string{"serve", "--max-compiles", "-1"}, code: 2, stderr: "--max-compiles -1: want a positive number"},
		{name: "no errors listed", args: []string{"serve", "--max-errors", "0"}, code: 2, stderr: "--max-errors 0: want a positive number"},
	})
}

// TestPaceGC: GOGC and GOMEMLIMIT, when set, are the user's; otherwise the
// collector runs at defaultGCPercent, within a container's memory limit.
func TestPaceGC(t *testing.T) {
	dir := t.TempDir()
	limited := filepath.Join(dir, "limited")
	if err := os.WriteFile(limited, []byte("268435456\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	unlimited := filepath.Join(dir, "unlimited")
	if err := os.WriteFile(unlimited, []byte("max\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	prevPercent := debug.SetGCPercent(100)
	prevLimit := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() {
		debug.SetGCPercent(prevPercent)
		debug.SetMemoryLimit(prevLimit)
	})

	tests := []struct {
		name        string
		env         map[string]string
		memoryMax   string
		wantPercent int
		wantLimit   int64
	}{
		{name: "nothing set", memoryMax: unlimited, wantPercent: defaultGCPercent, wantLimit: math.MaxInt64},
		{name: "in a container", memoryMax: limited, wantPercent: defaultGCPercent, wantLimit: 214748364},
		{name: "no cgroup file", memoryMax: filepath.Join(dir, "none"), wantPercent: defaultGCPercent, wantLimit: math.MaxInt64},
		{name: "GOGC set", env: map[string]string{"GOGC": "100"}, memoryMax: limited, wantPercent: 100, wantLimit: 214748364},
		{name: "GOMEMLIMIT set", env: map[string]string{"GOMEMLIMIT": "1GiB"}, memoryMax: limited, wantPercent: defaultGCPercent, wantLimit: math.MaxInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			debug.SetGCPercent(100)
			debug.SetMemoryLimit(math.MaxInt64)
			paceGC(func(k string) string { return tt.env[k] }, tt.memoryMax)
			// Setting returns the previous value: what paceGC left.
			if got := debug.SetGCPercent(100); got != tt.wantPercent {
				t.Errorf("GC percent: got %d, want %d", got, tt.wantPercent)
			}
			if got := debug.SetMemoryLimit(math.MaxInt64); got != tt.wantLimit {
				t.Errorf("memory limit: got %d, want %d", got, tt.wantLimit)
			}
		})
	}
}
