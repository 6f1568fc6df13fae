-- Content-addressed chunks (ARCHITECTURE.md section 3): an object's body is
-- either inline bytes in its row or a manifest of pieces of chunks, and each
-- chunk row counts the manifest entries that name it, so garbage collection
-- knows when its shards may go. Same shared SQL subset as 0001.
--
-- Pre-release data is not migrated: data_ref pointed at bodies in a format
-- this build cannot read, and a row kept without its body would claim a size
-- it cannot serve. So every object row is dropped (buckets stay). Their old
-- body files are not touched here; delete the old data directory by hand.
DELETE FROM objects;

ALTER TABLE objects DROP COLUMN data_ref;

-- The body's pieces, in order: a compact JSON array of
-- [hash, location, data_shards, parity_shards, chunk_size, offset, length]
-- arrays (metadata_json.h, EncodeManifest). '[]' for inline and empty bodies.
ALTER TABLE objects ADD COLUMN manifest TEXT NOT NULL DEFAULT '[]';

-- The body of a small object, as raw bytes; NULL when the body is in the
-- manifest or empty. Declared BYTEA because that one spelling is valid in
-- both engines, so these files stay shared without a per-engine rewrite:
-- PostgreSQL has no BLOB type, and in SQLite any type name is accepted. (There
-- BYTEA gets NUMERIC affinity, which converts only TEXT values; the SQLite
-- store always binds a BLOB, which every affinity stores unchanged.)
ALTER TABLE objects ADD COLUMN inline_data BYTEA;

CREATE TABLE chunks (
  -- SHA-256 of the content, 64 lower-case hex: one row per distinct content.
  hash TEXT NOT NULL PRIMARY KEY,
  -- Where the shards are (meta_store.h, ChunkInfo::location). UNIQUE: each
  -- write stores under a fresh id, and the orphan scan looks rows up by it.
  location TEXT NOT NULL UNIQUE,
  data_shards BIGINT NOT NULL,
  parity_shards BIGINT NOT NULL,
  size BIGINT NOT NULL CHECK (size >= 0),
  -- Manifest entries, over all object rows, that name this chunk (an object
  -- naming it twice counts twice). Moved in the transaction that writes the
  -- object row.
  refcount BIGINT NOT NULL CHECK (refcount >= 0),
  -- Meaningful only while refcount = 0: when the count last reached 0 (or a
  -- dedup lookup last found it there), Unix ms; GC deletes the row once this
  -- is older than the grace period. Rows inserted with references carry their
  -- creation time.
  zero_since_ms BIGINT NOT NULL
);

-- GC's scan: only unreferenced chunks, oldest first. Partial indexes with a
-- WHERE clause exist in both engines.
CREATE INDEX chunks_unreferenced ON chunks (zero_since_ms) WHERE refcount = 0;
