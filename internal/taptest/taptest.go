// Package taptest builds and runs the real Tap sync service
// (github.com/bluesky-social/indigo/cmd/tap) for end-to-end tests, at the
// indigo version lexval's go.mod requires: tapmod/ is a module of its own
// that names Tap as a tool (Tap needs gorm and database drivers lexval does
// not), and TestIndigoVersion holds its indigo version equal to lexval's.
//
// Tap keeps its state in PostgreSQL when the tests have a server
// (storetest.PostgresEnv; Tap is then built without cgo), else in SQLite,
// for which Tap needs cgo and a C compiler. When neither can be had, or
// the modules cannot be downloaded, the test skips with the reason, and
// fails when CI is set.
//
// It is a test helper, not part of lexval: only tests import it.
package taptest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lexval/lexval/internal/storetest"
)

// Config says what the Tap sync service follows.
type Config struct {
	RelayURL, PLCURL string
	// SignalCollection and CollectionFilters: TAP_SIGNAL_COLLECTION and
	// TAP_COLLECTION_FILTERS.
	SignalCollection, CollectionFilters string
	// Password: TAP_ADMIN_PASSWORD.
	Password string
}

// Tap is a running Tap process.
type Tap struct {
	// URL is its /channel's base, ws://127.0.0.1:PORT.
	URL string
	// Database is where Tap keeps its state (so that a restarted Tap can
	// go on from it).
	Database string

	cmd  *exec.Cmd
	done chan struct{}
	logs *logTail
}

var (
	built    map[bool]string // binary by cgo
	buildErr map[bool]error
	buildMu  sync.Mutex
)

// skipOrFail skips t with why, or fails it under CI.
func skipOrFail(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format+" (the test runs, and must pass, when CI is set)", args...)
}

// moduleDir is tapmod/, beside this file.
func moduleDir(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("taptest: cannot find the package's directory")
	}
	return filepath.Join(filepath.Dir(file), "tapmod")
}

// Build builds Tap (once per process and kind) and returns the binary.
// cgo says whether Tap needs SQLite.
func Build(t testing.TB, cgo bool) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	if built == nil {
		built, buildErr = map[bool]string{}, map[bool]error{}
	}
	if bin, ok := built[cgo]; ok {
		return bin
	}
	if err, ok := buildErr[cgo]; ok {
		skipOrFail(t, "taptest: Tap could not be built: %v", err)
	}
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		goBin = "go"
	}
	// One binary of each kind in the user's cache, replaced by each build
	// (Go's build cache makes that quick), so that runs leave no copies.
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	dir = filepath.Join(dir, "lexval", "taptest")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, map[bool]string{true: "tap-cgo", false: "tap"}[cgo])
	partial := fmt.Sprintf("%s.%d", bin, os.Getpid())
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", partial, "github.com/bluesky-social/indigo/cmd/tap")
	cmd.Dir = moduleDir(t)
	cmd.Env = append(os.Environ(), "CGO_ENABLED="+map[bool]string{true: "1", false: "0"}[cgo], "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	if err == nil {
		err = os.Rename(partial, bin) // whole, even beside another test process
	}
	if err != nil {
		os.Remove(partial)
		buildErr[cgo] = fmt.Errorf("go build in %s: %v\n%s", cmd.Dir, err, out)
		skipOrFail(t, "taptest: Tap could not be built: %v", buildErr[cgo])
	}
	built[cgo] = bin
	return bin
}

// Start builds and starts Tap as cfg says, stopped when t ends.
func Start(t testing.TB, cfg Config) *Tap {
	t.Helper()
	var (
		database string
		cgo      bool
	)
	if os.Getenv(storetest.PostgresEnv) != "" {
		database = storetest.URL(t, "postgres")
	} else {
		if _, err := exec.LookPath("gcc"); err != nil {
			skipOrFail(t, "taptest: Tap needs %s (for PostgreSQL) or a C compiler (for SQLite through cgo)", storetest.PostgresEnv)
		}
		cgo = true
		database = "sqlite://" + filepath.Join(t.TempDir(), "tap.db")
	}
	bin := Build(t, cgo)
	return run(t, bin, database, cfg)
}

// Restart stops tp and starts Tap again over the same database.
func (tp *Tap) Restart(t testing.TB, cfg Config) *Tap {
	t.Helper()
	bin := tp.cmd.Path
	tp.Stop(t)
	return run(t, bin, tp.Database, cfg)
}

func run(t testing.TB, bin, database string, cfg Config) *Tap {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin, "run")
	cmd.Env = append(os.Environ(),
		"TAP_DATABASE_URL="+database,
		"TAP_BIND="+addr,
		"TAP_PLC_URL="+cfg.PLCURL,
		"TAP_RELAY_URL="+cfg.RelayURL,
		"TAP_SIGNAL_COLLECTION="+cfg.SignalCollection,
		"TAP_COLLECTION_FILTERS="+cfg.CollectionFilters,
		"TAP_ADMIN_PASSWORD="+cfg.Password,
		"TAP_RESYNC_PARALLELISM=2",
		"TAP_FIREHOSE_PARALLELISM=2",
		"TAP_RETRY_TIMEOUT=5s",
		"TAP_MAX_DB_CONNS=4",
		"TAP_LOG_LEVEL=info",
	)
	logs := &logTail{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("taptest: start Tap: %v", err)
	}
	tp := &Tap{URL: "ws://" + addr, Database: database, cmd: cmd, done: make(chan struct{}), logs: logs}
	go func() { cmd.Wait(); close(tp.done) }()
	t.Cleanup(func() {
		tp.Stop(t)
		if t.Failed() {
			t.Logf("Tap's last log lines:\n%s", logs.String())
		}
	})
	// Ready when /health answers.
	deadline := time.Now().Add(60 * time.Second)
	for {
		req, _ := http.NewRequest("GET", "http://"+addr+"/health", nil)
		if cfg.Password != "" {
			req.SetBasicAuth("admin", cfg.Password)
		}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return tp
			}
		}
		select {
		case <-tp.done:
			t.Fatalf("taptest: Tap exited before it served:\n%s", logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("taptest: Tap did not answer /health within 60s:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop ends Tap (SIGINT, then SIGKILL after 10 s).
func (tp *Tap) Stop(t testing.TB) {
	select {
	case <-tp.done:
		return
	default:
	}
	tp.cmd.Process.Signal(os.Interrupt)
	select {
	case <-tp.done:
	case <-time.After(10 * time.Second):
		tp.cmd.Process.Kill()
		<-tp.done
	}
}

// Logs returns Tap's recent log lines.
func (tp *Tap) Logs() string { return tp.logs.String() }

// freeAddr returns a loopback address with a port free at the time.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// logTail keeps the last lines written to it.
type logTail struct {
	mu    sync.Mutex
	lines []string
	part  string
}

const keepLines = 200

func (l *logTail) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	sc := bufio.NewScanner(io.MultiReader(strings.NewReader(l.part), strings.NewReader(string(p))))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	l.part = ""
	if len(p) > 0 && p[len(p)-1] != '\n' && len(lines) > 0 {
		l.part, lines = lines[len(lines)-1], lines[:len(lines)-1]
	}
	l.lines = append(l.lines, lines...)
	if len(l.lines) > keepLines {
		l.lines = l.lines[len(l.lines)-keepLines:]
	}
	return len(p), nil
}

func (l *logTail) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}
