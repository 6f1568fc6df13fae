-- Buckets, and the current object of each key.
--
-- Written in the SQL that SQLite and PostgreSQL share, because both MetaStore
-- implementations run these same files in the same order:
--   * integers are BIGINT (SQLite stores any INTEGER as 64-bit anyway);
--   * times are BIGINT milliseconds since the Unix epoch, UTC, set by Strata,
--     never a database default, so both engines store the same value;
--   * metadata is JSON in TEXT (JSONB would be PostgreSQL-only);
--   * bucket names and keys are TEXT compared byte by byte, which S3 listing
--     order requires. In SQLite that is TEXT's default BINARY collation
--     (memcmp). PostgreSQL compares TEXT by the database's locale, so the
--     PostgreSQL store must create its database with LC_COLLATE 'C' (or give
--     these columns COLLATE "C"); SQLite has no collation named "C", so it
--     cannot be written here.
--
-- Versioning, later, arrives as a new migration (a version id column and an
-- object_versions table); this table then stays the "latest version" view
-- that listing scans.

CREATE TABLE buckets (
  name TEXT NOT NULL PRIMARY KEY,
  region TEXT NOT NULL,
  owner TEXT NOT NULL,
  created_ms BIGINT NOT NULL
);

CREATE TABLE objects (
  bucket TEXT NOT NULL REFERENCES buckets (name),
  key TEXT NOT NULL,
  size BIGINT NOT NULL CHECK (size >= 0),
  etag TEXT NOT NULL,
  content_type TEXT NOT NULL,
  -- JSON array of [name, value] pairs, in the order given (metadata_json.h).
  user_metadata TEXT NOT NULL,
  system_metadata TEXT NOT NULL,
  last_modified_ms BIGINT NOT NULL,
  storage_class TEXT NOT NULL,
  data_ref TEXT NOT NULL,
  -- Also the listing index: (bucket, key) in byte order.
  PRIMARY KEY (bucket, key)
);
