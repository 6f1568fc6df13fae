"""CopyObject: within and across buckets, metadata directive COPY/REPLACE,
x-amz-copy-source-if-* conditions, errors."""

import datetime as dt

import pytest

from strata_helpers import (assert_absent, assert_content, etag_of, expect_error,
                            random_bytes, read_body, sha256, unique_bucket_name)

MiB = 1024 * 1024


@pytest.fixture
def source(s3, bucket):
    data = random_bytes(300_000)
    s3.put_object(Bucket=bucket, Key="src/obj.bin", Body=data,
                  ContentType="image/png", CacheControl="no-cache",
                  ContentDisposition="inline", ContentEncoding="identity",
                  Expires=dt.datetime(2036, 6, 1, tzinfo=dt.timezone.utc),
                  Metadata={"origin": "source", "n": "1"})
    head = s3.head_object(Bucket=bucket, Key="src/obj.bin")
    return bucket, "src/obj.bin", data, head


def test_copy_same_bucket(s3, source):
    bucket, key, data, _ = source
    resp = s3.copy_object(Bucket=bucket, Key="dst/copy.bin",
                          CopySource={"Bucket": bucket, "Key": key})
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert resp["CopyObjectResult"]["ETag"] == etag_of(data)
    assert resp["CopyObjectResult"]["LastModified"] is not None
    assert resp["ResponseMetadata"]["HTTPHeaders"].get("x-amz-request-id")
    assert_content(s3, bucket, "dst/copy.bin", data)
    assert_content(s3, bucket, key, data)


def test_copy_other_bucket(s3, source, bucket2):
    bucket, key, data, _ = source
    resp = s3.copy_object(Bucket=bucket2, Key="copied", CopySource=f"{bucket}/{key}")
    assert resp["CopyObjectResult"]["ETag"] == etag_of(data)
    assert_content(s3, bucket2, "copied", data)


def test_copy_metadata_directive_copy(s3, source):
    bucket, key, _, src_head = source
    # With COPY (the default) the request's metadata is ignored.
    s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": key},
                   Metadata={"ignored": "yes"})
    s3.copy_object(Bucket=bucket, Key="dst2", CopySource={"Bucket": bucket, "Key": key},
                   MetadataDirective="COPY")
    for dst in ("dst", "dst2"):
        head = s3.head_object(Bucket=bucket, Key=dst)
        assert head["Metadata"] == {"origin": "source", "n": "1"}
        assert head["ContentType"] == "image/png"
        assert head["CacheControl"] == "no-cache"
        assert head["ContentDisposition"] == "inline"
        assert head["ContentEncoding"] == "identity"
        assert head["ResponseMetadata"]["HTTPHeaders"].get("expires") == \
            src_head["ResponseMetadata"]["HTTPHeaders"].get("expires")
        assert head["ETag"] == src_head["ETag"]


def test_copy_metadata_directive_replace(s3, source):
    bucket, key, data, _ = source
    s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": key},
                   MetadataDirective="REPLACE", Metadata={"new": "value"},
                   ContentType="text/csv", CacheControl="max-age=60")
    head = s3.head_object(Bucket=bucket, Key="dst")
    assert head["Metadata"] == {"new": "value"}
    assert head["ContentType"] == "text/csv"
    assert head["CacheControl"] == "max-age=60"
    assert "ContentDisposition" not in head
    assert head["ETag"] == etag_of(data)
    assert_content(s3, bucket, "dst", data)


def test_copy_onto_itself_needs_replace(s3, source):
    bucket, key, data, _ = source
    expect_error("InvalidRequest", 400, s3.copy_object, Bucket=bucket, Key=key,
                 CopySource={"Bucket": bucket, "Key": key})
    head = s3.head_object(Bucket=bucket, Key=key)
    assert head["Metadata"] == {"origin": "source", "n": "1"}
    # With REPLACE it is the way to change metadata in place.
    s3.copy_object(Bucket=bucket, Key=key, CopySource={"Bucket": bucket, "Key": key},
                   MetadataDirective="REPLACE", Metadata={"changed": "yes"},
                   ContentType="text/plain")
    head = s3.head_object(Bucket=bucket, Key=key)
    assert head["Metadata"] == {"changed": "yes"}
    assert head["ContentType"] == "text/plain"
    assert_content(s3, bucket, key, data)


def test_copy_invalid_metadata_directive(s3, source):
    bucket, key, _, _ = source
    expect_error("InvalidArgument", 400, s3.copy_object, Bucket=bucket, Key="dst",
                 CopySource={"Bucket": bucket, "Key": key}, MetadataDirective="MOVE")
    assert_absent(s3, bucket, "dst")


def test_copy_special_character_keys(s3, bucket):
    data = b"special"
    src = "dir with space/plus+é&?#%.txt"
    s3.put_object(Bucket=bucket, Key=src, Body=data)
    dst = "copy of/ünïcode + more?.txt"
    s3.copy_object(Bucket=bucket, Key=dst, CopySource={"Bucket": bucket, "Key": src})
    assert_content(s3, bucket, dst, data)


def test_copy_large(s3, bucket, bucket2):
    data = random_bytes(6 * MiB + 3)
    s3.put_object(Bucket=bucket, Key="big", Body=data)
    resp = s3.copy_object(Bucket=bucket2, Key="big-copy",
                          CopySource={"Bucket": bucket, "Key": "big"})
    assert resp["CopyObjectResult"]["ETag"] == etag_of(data)
    assert_content(s3, bucket2, "big-copy", data)


def test_copy_is_independent_of_source(s3, bucket):
    original = random_bytes(100_000)
    s3.put_object(Bucket=bucket, Key="a", Body=original)
    s3.copy_object(Bucket=bucket, Key="b", CopySource={"Bucket": bucket, "Key": "a"})
    s3.put_object(Bucket=bucket, Key="a", Body=b"overwritten")
    assert_content(s3, bucket, "b", original)
    s3.delete_object(Bucket=bucket, Key="a")
    assert_content(s3, bucket, "b", original)
    s3.delete_object(Bucket=bucket, Key="b")
    assert_absent(s3, bucket, "b")


def test_copy_empty_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="e", Body=b"")
    resp = s3.copy_object(Bucket=bucket, Key="e2", CopySource={"Bucket": bucket, "Key": "e"})
    assert resp["CopyObjectResult"]["ETag"] == etag_of(b"")
    assert read_body(s3.get_object(Bucket=bucket, Key="e2")) == b""


def test_copy_missing_source_key(s3, bucket):
    expect_error("NoSuchKey", 404, s3.copy_object, Bucket=bucket, Key="dst",
                 CopySource={"Bucket": bucket, "Key": "missing"})
    assert_absent(s3, bucket, "dst")


def test_copy_missing_source_bucket(s3, bucket):
    expect_error("NoSuchBucket", 404, s3.copy_object, Bucket=bucket, Key="dst",
                 CopySource={"Bucket": unique_bucket_name("missing"), "Key": "k"})
    assert_absent(s3, bucket, "dst")


def test_copy_missing_destination_bucket(s3, source):
    bucket, key, _, _ = source
    expect_error("NoSuchBucket", 404, s3.copy_object,
                 Bucket=unique_bucket_name("missing"), Key="dst",
                 CopySource={"Bucket": bucket, "Key": key})


def test_copy_source_without_key(s3, bucket):
    expect_error("InvalidArgument", 400, s3.copy_object, Bucket=bucket, Key="dst",
                 CopySource=bucket)
    assert_absent(s3, bucket, "dst")


def test_copy_destination_key_too_long(s3, source):
    bucket, key, _, _ = source
    expect_error("KeyTooLongError", 400, s3.copy_object, Bucket=bucket, Key="k" * 1025,
                 CopySource={"Bucket": bucket, "Key": key})


# --------------------------------------------------------------------------
# x-amz-copy-source-if-*
# --------------------------------------------------------------------------

def _copy(s3, bucket, key, dst="cond-dst", **cond):
    return s3.copy_object(Bucket=bucket, Key=dst,
                          CopySource={"Bucket": bucket, "Key": key}, **cond)


def _times(head):
    lm = head["LastModified"]
    return lm - dt.timedelta(hours=1), lm + dt.timedelta(hours=1)


def test_copy_if_match(s3, source):
    bucket, key, data, head = source
    _copy(s3, bucket, key, CopySourceIfMatch=head["ETag"])
    assert_content(s3, bucket, "cond-dst", data)


def test_copy_if_match_fails(s3, source):
    bucket, key, _, _ = source
    expect_error("PreconditionFailed", 412, _copy, s3, bucket, key,
                 CopySourceIfMatch='"00000000000000000000000000000000"')
    assert_absent(s3, bucket, "cond-dst")


def test_copy_if_none_match(s3, source):
    bucket, key, data, _ = source
    _copy(s3, bucket, key, CopySourceIfNoneMatch='"00000000000000000000000000000000"')
    assert_content(s3, bucket, "cond-dst", data)


def test_copy_if_none_match_fails(s3, source):
    bucket, key, _, head = source
    expect_error("PreconditionFailed", 412, _copy, s3, bucket, key,
                 CopySourceIfNoneMatch=head["ETag"])
    assert_absent(s3, bucket, "cond-dst")


def test_copy_if_modified_since(s3, source):
    bucket, key, data, head = source
    earlier, _ = _times(head)
    _copy(s3, bucket, key, CopySourceIfModifiedSince=earlier)
    assert_content(s3, bucket, "cond-dst", data)


def test_copy_if_modified_since_fails(s3, source):
    bucket, key, _, head = source
    _, later = _times(head)
    expect_error("PreconditionFailed", 412, _copy, s3, bucket, key,
                 CopySourceIfModifiedSince=later)
    assert_absent(s3, bucket, "cond-dst")


def test_copy_if_unmodified_since(s3, source):
    bucket, key, data, head = source
    _, later = _times(head)
    _copy(s3, bucket, key, CopySourceIfUnmodifiedSince=later)
    assert_content(s3, bucket, "cond-dst", data)


def test_copy_if_unmodified_since_fails(s3, source):
    bucket, key, _, head = source
    earlier, _ = _times(head)
    expect_error("PreconditionFailed", 412, _copy, s3, bucket, key,
                 CopySourceIfUnmodifiedSince=earlier)
    assert_absent(s3, bucket, "cond-dst")


def test_copy_if_match_true_and_unmodified_since_false(s3, source):
    # AWS: if-match true and if-unmodified-since false => copied (200).
    bucket, key, data, head = source
    earlier, _ = _times(head)
    _copy(s3, bucket, key, CopySourceIfMatch=head["ETag"],
          CopySourceIfUnmodifiedSince=earlier)
    assert_content(s3, bucket, "cond-dst", data)


def test_copy_if_none_match_false_and_modified_since_true(s3, source):
    # AWS: if-none-match false and if-modified-since true => 412.
    bucket, key, _, head = source
    earlier, _ = _times(head)
    expect_error("PreconditionFailed", 412, _copy, s3, bucket, key,
                 CopySourceIfNoneMatch=head["ETag"], CopySourceIfModifiedSince=earlier)
    assert_absent(s3, bucket, "cond-dst")


def test_copy_condition_failure_keeps_existing_destination(s3, source):
    bucket, key, _, _ = source
    s3.put_object(Bucket=bucket, Key="cond-dst", Body=b"old destination")
    expect_error("PreconditionFailed", 412, _copy, s3, bucket, key,
                 CopySourceIfMatch='"ffffffffffffffffffffffffffffffff"')
    assert_content(s3, bucket, "cond-dst", b"old destination")


def test_copy_result_is_readable_by_hash(s3, source):
    bucket, key, data, _ = source
    _copy(s3, bucket, key, dst="h")
    assert sha256(read_body(s3.get_object(Bucket=bucket, Key="h"))) == sha256(data)
