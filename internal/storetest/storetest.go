// Package storetest gives tests the databases package store runs on: a
// fresh SQLite file, and a fresh database on the PostgreSQL server that
// LEXVAL_TEST_POSTGRES names (a URL whose user may create databases, as
// .ci/run's throwaway cluster provides). Without that variable the
// PostgreSQL cases skip with a message, and fail when CI is set.
//
// It is a test helper, not part of lexval: only tests import it.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver

	"github.com/lexval/lexval/store"
)

// PostgresEnv names the variable holding the PostgreSQL server's URL.
const PostgresEnv = "LEXVAL_TEST_POSTGRES"

// Kinds are the databases every store test runs against.
var Kinds = []string{"sqlite", "postgres"}

// URL returns the URL of a new, empty database of kind ("sqlite" or
// "postgres"), dropped when t ends. Without a PostgreSQL server it skips t,
// or fails it under CI.
func URL(t testing.TB, kind string) string {
	t.Helper()
	switch kind {
	case "sqlite":
		return "sqlite://" + filepath.Join(t.TempDir(), "lexval.db")
	case "postgres":
		return postgresURL(t)
	}
	t.Fatalf("storetest: unknown kind %q", kind)
	return ""
}

// Open opens a new, empty store of kind, closed when t ends.
func Open(t testing.TB, kind string) store.Store {
	t.Helper()
	return OpenURL(t, URL(t, kind))
}

// OpenURL opens the store at u, closed when t ends.
func OpenURL(t testing.TB, u string) store.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := store.Open(ctx, u)
	if err != nil {
		t.Fatalf("storetest: open %s: %v", u, err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// postgresURL creates a database on the server PostgresEnv names and
// returns its URL; the database is dropped when t ends.
func postgresURL(t testing.TB) string {
	t.Helper()
	server := os.Getenv(PostgresEnv)
	if server == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set: CI must give the PostgreSQL tests a server (.ci/run starts one)", PostgresEnv)
		}
		t.Skipf("%s is not set: no PostgreSQL server to test against (.ci/run starts one)", PostgresEnv)
	}
	u, err := url.Parse(server)
	if err != nil {
		t.Fatalf("storetest: %s: %v", PostgresEnv, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	defer admin.Close()
	var b [6]byte
	rand.Read(b[:])
	name := "lexval_test_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("storetest: create database on %s: %v", u.Redacted(), err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		admin, err := sql.Open("pgx", server)
		if err != nil {
			return
		}
		defer admin.Close()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("storetest: drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
