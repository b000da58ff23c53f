package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
	"github.com/pressly/goose/v3"
)

// Pool bounds for PostgreSQL: every replica holds at most this many
// connections, so that replicas × connections stays within the server's
// max_connections (100 by default).
const (
	postgresMaxConns     = 8
	postgresConnIdleTime = 5 * time.Minute
)

// openPostgres connects to the PostgreSQL database rawURL names (any
// libpq-style URL pgx accepts) and applies pending migrations.
func openPostgres(ctx context.Context, rawURL string) (Store, error) {
	where := "postgres " + redact(rawURL)
	db, err := sql.Open("pgx", rawURL)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", where, err)
	}
	db.SetMaxOpenConns(postgresMaxConns)
	db.SetMaxIdleConns(postgresMaxConns)
	db.SetConnMaxIdleTime(postgresConnIdleTime)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: %s: %w", where, err)
	}
	if err := migrate(ctx, db, goose.DialectPostgres, "postgres"); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: %s: %w", where, err)
	}
	return &sqlStore{db: db, where: where}, nil
}
