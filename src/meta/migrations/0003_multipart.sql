-- Multipart uploads (meta_store.h, "Multipart uploads"), and the two object
-- fields they bring: the stored checksum and the part sizes. Same shared SQL
-- subset as 0001 and 0002. Existing objects keep their rows: they get no
-- checksum and no part sizes, which is what a single-part PUT had.

-- ObjectRecord::checksum (x-amz-checksum-*): algorithm, base64 value and type
-- ("FULL_OBJECT" or "COMPOSITE"); '' for none.
ALTER TABLE objects ADD COLUMN checksum_algorithm TEXT NOT NULL DEFAULT '';
ALTER TABLE objects ADD COLUMN checksum_value TEXT NOT NULL DEFAULT '';
ALTER TABLE objects ADD COLUMN checksum_type TEXT NOT NULL DEFAULT '';

-- ObjectRecord::part_sizes: a compact JSON array of integers, each part's
-- size in order (metadata_json.h, EncodePartSizes); '[]' unless the object was
-- made by CompleteMultipartUpload.
ALTER TABLE objects ADD COLUMN part_sizes TEXT NOT NULL DEFAULT '[]';

-- An upload begun and not yet completed or aborted. Completion and abort
-- delete the row; so does DeleteBucket, which aborts a bucket's uploads once
-- it holds no objects (they would otherwise dangle from a deleted bucket).
CREATE TABLE multipart_uploads (
  -- Made by the service: random, URL-safe, and sortable by creation time.
  upload_id TEXT NOT NULL PRIMARY KEY,
  bucket TEXT NOT NULL REFERENCES buckets (name),
  key TEXT NOT NULL,
  initiated_ms BIGINT NOT NULL,
  -- What the completed object will carry; metadata as in objects.
  content_type TEXT NOT NULL,
  user_metadata TEXT NOT NULL,
  system_metadata TEXT NOT NULL,
  checksum_algorithm TEXT NOT NULL DEFAULT '',
  checksum_type TEXT NOT NULL DEFAULT '',
  owner TEXT NOT NULL
);

-- ListMultipartUploads walks this in (key, upload_id) order from a seek, with
-- no sort step, as ListObjects walks the objects primary key. S3 orders the
-- uploads of one key by initiation time; the upload id stands in for it,
-- because the service makes ids that sort by creation time.
CREATE INDEX multipart_uploads_by_key ON multipart_uploads (bucket, key, upload_id);

-- ListStaleUploads: oldest first, across buckets (GC aborts old uploads).
CREATE INDEX multipart_uploads_by_age ON multipart_uploads (initiated_ms, upload_id);

-- The parts uploaded so far. A part's manifest entries count in their
-- chunks' refcounts exactly as an object's do (0002): moved in the
-- transaction that writes, replaces or deletes the part row.
CREATE TABLE multipart_parts (
  -- No ON DELETE CASCADE: a part's references must be dropped before its row
  -- goes, so the store deletes parts itself, in the same transaction.
  upload_id TEXT NOT NULL REFERENCES multipart_uploads (upload_id),
  part_number BIGINT NOT NULL CHECK (part_number >= 1 AND part_number <= 10000),
  size BIGINT NOT NULL CHECK (size >= 0),
  -- Hex MD5 of the part, no quotes.
  etag TEXT NOT NULL,
  last_modified_ms BIGINT NOT NULL,
  -- As objects.manifest; parts are never inline.
  manifest TEXT NOT NULL,
  checksum_algorithm TEXT NOT NULL DEFAULT '',
  checksum_value TEXT NOT NULL DEFAULT '',
  checksum_type TEXT NOT NULL DEFAULT '',
  -- Also ListParts' index: an upload's parts in part-number order.
  PRIMARY KEY (upload_id, part_number)
);
