-- Object versioning (docs/versioning.md, meta_store.h). Same shared SQL
-- subset as 0001.
--
-- `objects` stays what it was: one row per key, the current object (the
-- latest version when that is not a delete marker), so GetObject, ListObjects
-- and an unversioned bucket's writes cost exactly what they did. Every other
-- version -- non-current versions, and delete markers, latest or not -- is a
-- row of object_versions. Invariant: a key's objects row, when there is one,
-- is newer than all of its object_versions rows; when there is none, the
-- key's latest version is its object_versions row with the largest seq.
-- A version keeps its chunks referenced wherever it lives (moving a row
-- between the tables moves no count).

-- '' (never versioned), 'Enabled' or 'Suspended'.
ALTER TABLE buckets ADD COLUMN versioning TEXT NOT NULL DEFAULT '';

-- The current object's version id; '' is the null version (every row written
-- before this migration, and every write to an unversioned or suspended
-- bucket).
ALTER TABLE objects ADD COLUMN version_id TEXT NOT NULL DEFAULT '';

CREATE TABLE object_versions (
  bucket TEXT NOT NULL REFERENCES buckets (name),
  key TEXT NOT NULL,
  -- A key's versions in the order they were written: larger is newer. Given
  -- by the store (the key's largest seq + 1) when the row is inserted, so
  -- moving the current object here keeps it newest.
  seq BIGINT NOT NULL,
  version_id TEXT NOT NULL,
  -- 1 for a delete marker (no body: size 0, etag '', manifest '[]').
  delete_marker BIGINT NOT NULL,
  size BIGINT NOT NULL CHECK (size >= 0),
  etag TEXT NOT NULL,
  content_type TEXT NOT NULL,
  user_metadata TEXT NOT NULL,
  system_metadata TEXT NOT NULL,
  last_modified_ms BIGINT NOT NULL,
  storage_class TEXT NOT NULL,
  manifest TEXT NOT NULL,
  inline_data BYTEA,
  checksum_algorithm TEXT NOT NULL,
  checksum_value TEXT NOT NULL,
  checksum_type TEXT NOT NULL,
  part_sizes TEXT NOT NULL,
  tags TEXT NOT NULL,
  -- Also ListObjectVersions' index: by key, then seq (read descending).
  PRIMARY KEY (bucket, key, seq)
);

-- GET/DELETE ?versionId=: one version per id and key, the null version ('')
-- included.
CREATE UNIQUE INDEX object_versions_by_id ON object_versions (bucket, key, version_id);
