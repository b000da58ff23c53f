package store

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/ipfs/go-cid"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/resolver"
)

//go:embed migrations
var migrations embed.FS

// MaxBatch bounds the ops of one Apply: one transaction holds the write
// lock no longer than that many rows take.
const MaxBatch = 1000

// sqlStore is a Store over database/sql. SQLite and PostgreSQL answer the
// same SQL here ($N parameters, ON CONFLICT, RETURNING, times as integer
// microseconds); they differ in how they are opened and in their
// migrations.
type sqlStore struct {
	db    *sql.DB
	where string // Describe
}

var _ Store = (*sqlStore)(nil)

// migrate applies the embedded migrations of dialect (a directory under
// migrations/). On PostgreSQL a session advisory lock serialises replicas
// that start at once.
func migrate(ctx context.Context, db *sql.DB, dialect goose.Dialect, dir string) error {
	sub, err := fs.Sub(migrations, "migrations/"+dir)
	if err != nil {
		return err
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if dialect == goose.DialectPostgres {
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, db, sub, opts...)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	return nil
}

func (s *sqlStore) Describe() string { return s.where }

func (s *sqlStore) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("store: %s: %w", s.where, err)
	}
	return nil
}

func (s *sqlStore) Close() error { return s.db.Close() }

// micros and fromMicros convert times to the stored form; zero stays zero.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

// newer reports whether revision rev supersedes head: TIDs sort as
// strings; an unknown revision ("") is taken as the latest news.
func newer(rev, head string) bool { return rev == "" || rev >= head }

func (s *sqlStore) Apply(ctx context.Context, ops []Op) ([]bool, error) {
	if len(ops) > MaxBatch {
		return nil, fmt.Errorf("%w: %d ops in one batch, at most %d", ErrInvalidVersion, len(ops), MaxBatch)
	}
	rows := make([]putRow, len(ops))
	for i, op := range ops {
		if op.Put == nil {
			if op.Delete == nil || op.Delete.DID == "" || op.Delete.NSID == "" {
				return nil, fmt.Errorf("%w: op %d is neither a version nor a deletion of a record", ErrInvalidVersion, i)
			}
			continue
		}
		r, err := toRow(op.Put)
		if err != nil {
			return nil, err
		}
		rows[i] = r
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: begin: %w", err)
	}
	defer tx.Rollback()
	done := make([]bool, len(ops))
	for i, op := range ops {
		if op.Put != nil {
			done[i], err = putVersion(ctx, tx, op.Put, rows[i])
		} else {
			done[i], err = deleteRecord(ctx, tx, op.Delete)
		}
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: commit: %w", err)
	}
	return done, nil
}

// putRow is a version's columns as stored.
type putRow struct {
	proof             any // string or nil
	problems          string
	firstSeen, seenAt int64
}

// toRow checks v and encodes its columns.
func toRow(v *Version) (putRow, error) {
	switch {
	case v.DID == "" || v.NSID == "" || !v.CID.Defined():
		return putRow{}, fmt.Errorf("%w: want a DID, an NSID and a CID", ErrInvalidVersion)
	case v.Source == "":
		return putRow{}, fmt.Errorf("%w: %s: no source", ErrInvalidVersion, v.URI())
	}
	if c := blockCID(v.Record); !c.Equals(v.CID) {
		return putRow{}, fmt.Errorf("%w: %s: its bytes hash to %s, not %s", ErrInvalidVersion, v.URI(), c, v.CID)
	}
	r := putRow{problems: "[]", firstSeen: micros(v.FirstSeen), seenAt: micros(v.LastSeen)}
	if r.firstSeen == 0 {
		r.firstSeen = micros(time.Now())
	}
	if r.seenAt < r.firstSeen {
		r.seenAt = r.firstSeen
	}
	if v.Proof != nil {
		b, err := json.Marshal(v.Proof)
		if err != nil {
			return putRow{}, err
		}
		r.proof = string(b)
	}
	if len(v.Problems) > 0 {
		b, err := json.Marshal(v.Problems)
		if err != nil {
			return putRow{}, err
		}
		r.problems = string(b)
	}
	return r, nil
}

// blockCID is the CID atproto gives DAG-CBOR bytes.
func blockCID(b []byte) cid.Cid {
	c, _ := cid.NewPrefixV1(cid.DagCBOR, 0x12).Sum(b) // sha2-256 never fails
	return c
}

// head is a record's row in lexicon_heads.
type head struct {
	seq     sql.NullInt64
	rev     string
	deleted bool
}

func readHead(ctx context.Context, tx *sql.Tx, k Key) (*head, error) {
	var h head
	err := tx.QueryRowContext(ctx, `SELECT seq, rev, deleted FROM lexicon_heads WHERE did = $1 AND nsid = $2`,
		string(k.DID), string(k.NSID)).Scan(&h.seq, &h.rev, &h.deleted)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return &h, err
}

func putVersion(ctx context.Context, tx *sql.Tx, v *Version, r putRow) (bool, error) {
	var seq int64
	created := true
	err := tx.QueryRowContext(ctx, `INSERT INTO lexicon_versions
		(did, nsid, cid, record, rev, proof, source, problems, first_seen, last_seen)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (did, nsid, cid) DO NOTHING
		RETURNING seq`,
		string(v.DID), string(v.NSID), v.CID.String(), v.Record, v.Rev, r.proof, string(v.Source), r.problems, r.firstSeen, r.seenAt,
	).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		// Seen before: it is the same bytes (the same CID); what is new is
		// when, and perhaps a proof or a revision.
		created = false
		err = tx.QueryRowContext(ctx, `UPDATE lexicon_versions SET
			last_seen = CASE WHEN last_seen < $4 THEN $4 ELSE last_seen END,
			proof = COALESCE(proof, $5),
			rev = CASE WHEN rev = '' THEN $6 ELSE rev END
			WHERE did = $1 AND nsid = $2 AND cid = $3
			RETURNING seq`,
			string(v.DID), string(v.NSID), v.CID.String(), r.seenAt, r.proof, v.Rev,
		).Scan(&seq)
	}
	if err != nil {
		return false, fmt.Errorf("put %s@%s: %w", v.URI(), v.CID, err)
	}

	k := Key{DID: v.DID, NSID: v.NSID}
	h, err := readHead(ctx, tx, k)
	switch {
	case err != nil:
		return false, err
	case h == nil:
		_, err = tx.ExecContext(ctx, `INSERT INTO lexicon_heads (did, nsid, seq, rev, deleted) VALUES ($1, $2, $3, $4, FALSE)`,
			string(k.DID), string(k.NSID), seq, v.Rev)
	case newer(v.Rev, h.rev):
		rev := max(v.Rev, h.rev)
		_, err = tx.ExecContext(ctx, `UPDATE lexicon_heads SET seq = $3, rev = $4, deleted = FALSE WHERE did = $1 AND nsid = $2`,
			string(k.DID), string(k.NSID), seq, rev)
		if err == nil && h.deleted {
			// Published again after a delete: this version is current, not deleted.
			_, err = tx.ExecContext(ctx, `UPDATE lexicon_versions SET deleted_rev = NULL, deleted_at = NULL WHERE seq = $1`, seq)
		}
	}
	if err != nil {
		return false, fmt.Errorf("current version of %s: %w", v.URI(), err)
	}
	return created, nil
}

func deleteRecord(ctx context.Context, tx *sql.Tx, d *Deletion) (bool, error) {
	at := micros(d.At)
	if at == 0 {
		at = micros(time.Now())
	}
	h, err := readHead(ctx, tx, d.Key)
	switch {
	case err != nil:
		return false, err
	case h == nil:
		// Deleted before any version reached us: remember it, so that an
		// older version arriving late does not count as current.
		_, err = tx.ExecContext(ctx, `INSERT INTO lexicon_heads (did, nsid, seq, rev, deleted) VALUES ($1, $2, NULL, $3, TRUE)`,
			string(d.DID), string(d.NSID), d.Rev)
		return err == nil, err
	case h.deleted || !newer(d.Rev, h.rev):
		return false, nil // already deleted, or a delete older than the current version
	}
	if _, err := tx.ExecContext(ctx, `UPDATE lexicon_heads SET deleted = TRUE, rev = $3 WHERE did = $1 AND nsid = $2`,
		string(d.DID), string(d.NSID), max(d.Rev, h.rev)); err != nil {
		return false, err
	}
	if h.seq.Valid {
		if _, err := tx.ExecContext(ctx, `UPDATE lexicon_versions SET deleted_rev = $2, deleted_at = $3 WHERE seq = $1`,
			h.seq.Int64, d.Rev, at); err != nil {
			return false, err
		}
	}
	return true, nil
}

// versionColumns are read by scanVersion, in order; withRecord adds the
// record bytes.
const versionColumns = `v.seq, v.did, v.nsid, v.cid, v.rev, v.proof, v.source, v.problems, v.first_seen, v.last_seen, v.deleted_rev, v.deleted_at`

type scanner interface{ Scan(...any) error }

// scanVersion reads a row of versionColumns (then the record, when
// withRecord), and checks that the record hashes to its CID.
func scanVersion(row scanner, withRecord bool) (*Version, error) {
	var (
		v                    Version
		did, nsid, c, source string
		proof, deletedRev    sql.NullString
		problems             string
		first, last          int64
		deletedAt            sql.NullInt64
	)
	dest := []any{&v.Seq, &did, &nsid, &c, &v.Rev, &proof, &source, &problems, &first, &last, &deletedRev, &deletedAt}
	if withRecord {
		dest = append(dest, &v.Record)
	}
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	var err error
	if v.CID, err = cid.Decode(c); err != nil {
		return nil, fmt.Errorf("%w: version %d: CID %q: %v", ErrCorrupt, v.Seq, c, err)
	}
	v.DID, v.NSID, v.Source = syntax.DID(did), syntax.NSID(nsid), resolver.SourceKind(source)
	v.FirstSeen, v.LastSeen = fromMicros(first), fromMicros(last)
	if deletedAt.Valid {
		v.Deleted, v.DeletedRev, v.DeletedAt = true, deletedRev.String, fromMicros(deletedAt.Int64)
	}
	if proof.Valid {
		v.Proof = new(resolver.Proof)
		if err := json.Unmarshal([]byte(proof.String), v.Proof); err != nil {
			return nil, fmt.Errorf("%w: %s@%s: proof: %v", ErrCorrupt, v.URI(), v.CID, err)
		}
	}
	v.Problems = []lexdoc.Finding{}
	if err := json.Unmarshal([]byte(problems), &v.Problems); err != nil {
		return nil, fmt.Errorf("%w: %s@%s: problems: %v", ErrCorrupt, v.URI(), v.CID, err)
	}
	if withRecord {
		if got := blockCID(v.Record); !got.Equals(v.CID) {
			return nil, fmt.Errorf("%w: %s: the stored record hashes to %s, not %s", ErrCorrupt, v.URI(), got, v.CID)
		}
	}
	return &v, nil
}

func (s *sqlStore) one(ctx context.Context, what string, query string, args ...any) (*Version, error) {
	v, err := scanVersion(s.db.QueryRowContext(ctx, query, args...), true)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("%w: %s", ErrNotFound, what)
	case err != nil:
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return v, nil
}

func (s *sqlStore) Current(ctx context.Context, k Key) (*Version, error) {
	return s.one(ctx, "current version of "+string(k.DID)+"/"+string(k.NSID),
		`SELECT `+versionColumns+`, v.record FROM lexicon_heads h JOIN lexicon_versions v ON v.seq = h.seq
		WHERE h.did = $1 AND h.nsid = $2 AND NOT h.deleted`, string(k.DID), string(k.NSID))
}

func (s *sqlStore) Version(ctx context.Context, k Key, c cid.Cid) (*Version, error) {
	return s.one(ctx, "version "+c.String()+" of "+string(k.DID)+"/"+string(k.NSID),
		`SELECT `+versionColumns+`, v.record FROM lexicon_versions v WHERE v.did = $1 AND v.nsid = $2 AND v.cid = $3`,
		string(k.DID), string(k.NSID), c.String())
}

// History lists versions without their record bytes: a page of history
// shows when and what, and a version is read whole by Version.
func (s *sqlStore) History(ctx context.Context, q HistoryQuery) ([]*Version, error) {
	limit := q.Limit
	switch {
	case limit <= 0:
		limit = DefaultHistoryLimit
	case limit > MaxHistoryLimit:
		limit = MaxHistoryLimit
	}
	before := q.Before
	if before <= 0 {
		before = 1<<63 - 1
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+versionColumns+` FROM lexicon_versions v
		WHERE v.nsid = $1 AND v.seq < $2 AND ($3 = '' OR v.did = $3)
		ORDER BY v.seq DESC LIMIT $4`,
		string(q.NSID), before, string(q.DID), limit)
	if err != nil {
		return nil, fmt.Errorf("store: history of %s: %w", q.NSID, err)
	}
	defer rows.Close()
	var out []*Version
	for rows.Next() {
		v, err := scanVersion(rows, false)
		if err != nil {
			return nil, fmt.Errorf("store: history of %s: %w", q.NSID, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: history of %s: %w", q.NSID, err)
	}
	return out, nil
}

func (s *sqlStore) SetAuthority(ctx context.Context, authority string, did syntax.DID, checked time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO lexicon_authorities (authority, did, checked_at) VALUES ($1, $2, $3)
		ON CONFLICT (authority) DO UPDATE SET did = excluded.did, checked_at = excluded.checked_at
		WHERE lexicon_authorities.checked_at <= excluded.checked_at`,
		authority, string(did), micros(checked))
	if err != nil {
		return fmt.Errorf("store: authority %s: %w", authority, err)
	}
	return nil
}

func (s *sqlStore) Authority(ctx context.Context, authority string) (syntax.DID, time.Time, error) {
	var (
		did     string
		checked int64
	)
	err := s.db.QueryRowContext(ctx, `SELECT did, checked_at FROM lexicon_authorities WHERE authority = $1`, authority).Scan(&did, &checked)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", time.Time{}, fmt.Errorf("%w: authority %s", ErrNotFound, authority)
	case err != nil:
		return "", time.Time{}, fmt.Errorf("store: authority %s: %w", authority, err)
	}
	return syntax.DID(did), fromMicros(checked), nil
}

// decodeRecord decodes a version's DAG-CBOR bytes into the data model's
// tree.
func decodeRecord(v *Version) (any, error) {
	val, err := datamodel.DecodeDAGCBOR(v.Record)
	if err != nil {
		return nil, fmt.Errorf("%w: %s@%s: %v", ErrCorrupt, v.URI(), v.CID, err)
	}
	return val, nil
}
