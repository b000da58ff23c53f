package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // the "sqlite" driver: pure Go, so builds stay CGO_ENABLED=0
)

// sqlitePragmas: WAL lets readers go on while one writer commits; a commit
// is synced to disk (synchronous FULL) because an acknowledged Tap event
// is gone from Tap, and ingestion batches its commits so that this costs
// little; write transactions take the lock when they begin (IMMEDIATE),
// so two writers wait their turn (busy_timeout) rather than fail midway.
const sqlitePragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(ON)&_txlock=immediate"

// openSQLite opens (creating it and its directory) the SQLite database at
// path.
func openSQLite(ctx context.Context, path string) (Store, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("%w: sqlite path %q: ? and # are not allowed in the path", ErrBadURL, path)
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("store: sqlite %s: %w", path, err)
		}
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+sqlitePragmas)
	if err != nil {
		return nil, fmt.Errorf("store: sqlite %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: sqlite %s: %w", path, err)
	}
	if err := migrate(ctx, db, goose.DialectSQLite3, "sqlite"); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: sqlite %s: %w", path, err)
	}
	return &sqlStore{db: db, where: "sqlite " + path}, nil
}
