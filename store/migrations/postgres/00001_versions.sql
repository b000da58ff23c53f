-- Every version of every lexicon schema record seen: one row per
-- repository, NSID and CID. Times are microseconds since the Unix epoch,
-- as in the SQLite schema, so that both answer the same queries.

-- +goose Up
CREATE TABLE lexicon_versions (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    did         TEXT   NOT NULL,
    nsid        TEXT   NOT NULL,
    cid         TEXT   NOT NULL,
    record      BYTEA  NOT NULL,
    rev         TEXT   NOT NULL DEFAULT '',
    proof       TEXT,
    source      TEXT   NOT NULL,
    problems    TEXT   NOT NULL DEFAULT '[]',
    first_seen  BIGINT NOT NULL,
    last_seen   BIGINT NOT NULL,
    deleted_rev TEXT,
    deleted_at  BIGINT,
    UNIQUE (did, nsid, cid)
);
CREATE INDEX lexicon_versions_by_nsid ON lexicon_versions (nsid, seq);

-- The current version of each record: the one seen at the highest
-- revision. seq is NULL for a record deleted before any version was seen.
CREATE TABLE lexicon_heads (
    did     TEXT    NOT NULL,
    nsid    TEXT    NOT NULL,
    seq     BIGINT  REFERENCES lexicon_versions (seq),
    rev     TEXT    NOT NULL DEFAULT '',
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (did, nsid)
);

-- What the _lexicon TXT record of an NSID authority named when checked
-- ('' for none).
CREATE TABLE lexicon_authorities (
    authority  TEXT   PRIMARY KEY,
    did        TEXT   NOT NULL,
    checked_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE lexicon_authorities;
DROP TABLE lexicon_heads;
DROP TABLE lexicon_versions;
