-- Object and bucket tags, and each bucket's CORS configuration (meta_store.h:
-- Bucket::cors, Bucket::tagging, ObjectRecord::tags, MultipartUpload::tags).
-- Same shared SQL subset as 0001. Existing rows get '' everywhere: no tags,
-- no CORS configuration.

-- The CORS configuration as the S3 layer stores it: compact, canonical JSON
-- of the rules it validated (s3/cors.h, EncodeCorsJson), read on every request
-- that carries an Origin header. '' for none. JSON rather than the XML the
-- client sent: the rules were checked once, at PutBucketCors, and come back
-- out of one strict decoder without re-running XML parsing and validation;
-- GetBucketCors re-renders the document from them (as AWS does, which does not
-- echo the client's bytes either).
ALTER TABLE buckets ADD COLUMN cors TEXT NOT NULL DEFAULT '';

-- Tag sets: a JSON array of [key, value] pairs in the order given, the form
-- of objects.user_metadata (metadata_json.h, EncodeMetadata); '' for none.
ALTER TABLE buckets ADD COLUMN tagging TEXT NOT NULL DEFAULT '';
ALTER TABLE objects ADD COLUMN tags TEXT NOT NULL DEFAULT '';
-- x-amz-tagging of CreateMultipartUpload: the completed object's tags.
ALTER TABLE multipart_uploads ADD COLUMN tags TEXT NOT NULL DEFAULT '';
