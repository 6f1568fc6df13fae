"""Object operations: PutObject, GetObject, HeadObject, DeleteObject,
Range GET, stored headers and metadata, ETag, request ids.

Bad digests, key length, and aborted uploads are in test_bad_input.py."""

import datetime as dt
import gzip

import pytest
from botocore.exceptions import ClientError

from strata_helpers import (assert_absent, assert_content, assert_raw_error,
                            etag_of, expect_error, parse_error, quote_path,
                            random_bytes, raw_request, read_body, sha256,
                            unique_bucket_name)

MiB = 1024 * 1024


def headers_of(resp):
    return resp["ResponseMetadata"]["HTTPHeaders"]


@pytest.mark.parametrize("size", [0, 1, 1000, 64 * 1024 + 1, MiB, 3 * MiB + 17, 8 * MiB],
                         ids=lambda n: f"{n}B")
def test_put_get_roundtrip(s3, bucket, size):
    data = random_bytes(size)
    put = s3.put_object(Bucket=bucket, Key="obj", Body=data)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert put["ETag"] == etag_of(data)
    got = s3.get_object(Bucket=bucket, Key="obj")
    body = read_body(got)
    assert len(body) == size
    assert sha256(body) == sha256(data)
    assert got["ContentLength"] == size
    assert got["ETag"] == etag_of(data)
    head = s3.head_object(Bucket=bucket, Key="obj")
    assert head["ContentLength"] == size
    assert head["ETag"] == etag_of(data)


def test_empty_object_etag(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    assert put["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'
    got = s3.get_object(Bucket=bucket, Key="empty")
    assert read_body(got) == b""
    assert got["ContentLength"] == 0


def test_get_headers(s3, bucket):
    data = b"hello strata"
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(seconds=2)
    s3.put_object(Bucket=bucket, Key="h", Body=data)
    got = s3.get_object(Bucket=bucket, Key="h")
    h = headers_of(got)
    assert h.get("x-amz-request-id")
    assert h.get("accept-ranges") == "bytes"
    assert h.get("content-length") == str(len(data))
    assert h.get("etag") == etag_of(data)
    assert "last-modified" in h
    lm = got["LastModified"]
    assert before <= lm <= dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=60)
    read_body(got)


def test_default_content_type(strata, s3, bucket):
    # Sent without Content-Type: S3 stores binary/octet-stream.
    resp = raw_request(strata, "PUT", quote_path(bucket, "noct"), body=b"abc")
    assert resp.status_code == 200, resp.content
    assert "Content-Type" not in resp.request.headers
    head = s3.head_object(Bucket=bucket, Key="noct")
    assert head["ContentType"] == "binary/octet-stream"


def test_stored_headers_and_metadata(s3, bucket):
    expires = dt.datetime(2037, 1, 1, tzinfo=dt.timezone.utc)
    data = gzip.compress(random_bytes(4096))
    s3.put_object(
        Bucket=bucket, Key="meta.json", Body=data,
        ContentType="application/json; charset=utf-8",
        ContentEncoding="gzip",
        ContentDisposition='attachment; filename="report.json"',
        CacheControl="max-age=3600, must-revalidate",
        ContentLanguage="en-GB",
        Expires=expires,
        Metadata={"color": "blue", "Mixed-Case": "Value With Spaces"},
    )
    for resp in (s3.head_object(Bucket=bucket, Key="meta.json"),
                 s3.get_object(Bucket=bucket, Key="meta.json")):
        h = headers_of(resp)
        assert resp["ContentType"] == "application/json; charset=utf-8"
        assert resp["ContentEncoding"] == "gzip"
        assert resp["ContentDisposition"] == 'attachment; filename="report.json"'
        assert resp["CacheControl"] == "max-age=3600, must-revalidate"
        assert resp["ContentLanguage"] == "en-GB"
        assert h.get("expires") == "Thu, 01 Jan 2037 00:00:00 GMT"
        # user metadata names come back lower-cased
        assert resp["Metadata"] == {"color": "blue", "mixed-case": "Value With Spaces"}
        if "Body" in resp:
            # stored bytes come back as sent (no decoding by anyone)
            assert sha256(read_body(resp)) == sha256(data)


def test_overwrite_replaces_content_and_metadata(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"first", Metadata={"a": "1"},
                  ContentType="text/plain")
    second = random_bytes(100_000)
    s3.put_object(Bucket=bucket, Key="k", Body=second, Metadata={"b": "2"})
    got = s3.get_object(Bucket=bucket, Key="k")
    assert sha256(read_body(got)) == sha256(second)
    assert got["Metadata"] == {"b": "2"}
    assert got["ContentType"] != "text/plain"
    assert got["ETag"] == etag_of(second)


KEYS = [
    "plain",
    "dir/sub/file.txt",
    "space in name.txt",
    "plus+sign=equals&amp?question#hash%percent",
    "unicodé/日本語/файл.bin",
    "emoji-\U0001F600",
    "trailing-slash/",
    "semi;colon,comma:colon@at$dollar!bang'quote(paren)*star",
    "tilde~under_score-dash.dot",
    "<xml>&'\"chars",
    "a" * 300,
]


@pytest.mark.parametrize("key", KEYS, ids=range(len(KEYS)))
def test_key_names_roundtrip(s3, bucket, key):
    data = key.encode() * 3
    s3.put_object(Bucket=bucket, Key=key, Body=data)
    assert_content(s3, bucket, key, data)
    assert s3.head_object(Bucket=bucket, Key=key)["ContentLength"] == len(data)
    listed = [c["Key"] for c in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert listed == [key]
    s3.delete_object(Bucket=bucket, Key=key)
    assert_absent(s3, bucket, key)


def test_get_missing_key(s3, bucket):
    e = expect_error("NoSuchKey", 404, s3.get_object, Bucket=bucket, Key="nope")
    assert e.response["Error"].get("Key") == "nope"


def test_get_missing_key_raw_error_document(strata, bucket):
    resp = raw_request(strata, "GET", quote_path(bucket, "missing/key"))
    fields = assert_raw_error(resp, "NoSuchKey", 404)
    assert fields.get("Message")
    assert fields.get("Key") == "missing/key"
    assert resp.headers.get("Content-Type", "").startswith(("application/xml", "text/xml"))


def test_head_missing_key(s3, bucket):
    with pytest.raises(ClientError) as ei:
        s3.head_object(Bucket=bucket, Key="nope")
    assert ei.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert ei.value.response["ResponseMetadata"]["HTTPHeaders"].get("x-amz-request-id")


def test_get_missing_bucket(s3):
    expect_error("NoSuchBucket", 404, s3.get_object,
                 Bucket=unique_bucket_name("missing"), Key="k")


def test_put_missing_bucket(s3):
    name = unique_bucket_name("missing")
    expect_error("NoSuchBucket", 404, s3.put_object, Bucket=name, Key="k", Body=b"x")
    assert name not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_delete_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="gone", Body=b"x")
    s3.put_object(Bucket=bucket, Key="stays", Body=b"y")
    resp = s3.delete_object(Bucket=bucket, Key="gone")
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert_absent(s3, bucket, "gone")
    assert_content(s3, bucket, "stays", b"y")


def test_delete_missing_key_is_204(s3, bucket):
    resp = s3.delete_object(Bucket=bucket, Key="never-existed")
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_delete_in_missing_bucket(s3):
    expect_error("NoSuchBucket", 404, s3.delete_object,
                 Bucket=unique_bucket_name("missing"), Key="k")


def test_request_id_on_every_answer(strata, s3, bucket):
    answers = [
        s3.put_object(Bucket=bucket, Key="r", Body=b"1"),
        s3.get_object(Bucket=bucket, Key="r"),
        s3.head_object(Bucket=bucket, Key="r"),
        s3.list_objects_v2(Bucket=bucket),
        s3.list_buckets(),
        s3.delete_object(Bucket=bucket, Key="r"),
    ]
    ids = [headers_of(a).get("x-amz-request-id") for a in answers]
    assert all(ids), ids
    assert len(set(ids)) == len(ids), f"request ids must be unique: {ids}"
    for resp in (raw_request(strata, "GET", quote_path(bucket, "missing")),
                 raw_request(strata, "GET", "/", sign=False),
                 raw_request(strata, "GET", quote_path(unique_bucket_name("x")))):
        assert resp.headers.get("x-amz-request-id"), (resp.status_code, dict(resp.headers))
        err = parse_error(resp)
        if err.get("RequestId"):
            assert err["RequestId"] == resp.headers["x-amz-request-id"]


def test_virtual_host_objects(s3_vhost, s3, bucket):
    data = random_bytes(200_000)
    key = "vh/dir/ob ject+é.bin"
    put = s3_vhost.put_object(Bucket=bucket, Key=key, Body=data)
    assert put["ETag"] == etag_of(data)
    assert_content(s3_vhost, bucket, key, data)
    assert_content(s3, bucket, key, data)
    assert s3_vhost.head_object(Bucket=bucket, Key=key)["ContentLength"] == len(data)
    s3_vhost.delete_object(Bucket=bucket, Key=key)
    assert_absent(s3, bucket, key)


def test_upload_fileobj_below_multipart_threshold(s3, bucket, tmp_path):
    data = random_bytes(7 * MiB)
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    s3.upload_file(str(path), bucket, "uploaded.bin")
    out = tmp_path / "out.bin"
    s3.download_file(bucket, "uploaded.bin", str(out))
    assert sha256(out.read_bytes()) == sha256(data)
    assert s3.head_object(Bucket=bucket, Key="uploaded.bin")["ETag"] == etag_of(data)


# --------------------------------------------------------------------------
# Range GET
# --------------------------------------------------------------------------

@pytest.fixture
def ranged(s3, bucket):
    data = random_bytes(1000)
    s3.put_object(Bucket=bucket, Key="r", Body=data)
    return bucket, data


@pytest.mark.parametrize("rng,start,end", [
    ("bytes=0-9", 0, 9),
    ("bytes=0-0", 0, 0),
    ("bytes=990-999", 990, 999),
    ("bytes=500-", 500, 999),
    ("bytes=-10", 990, 999),
    ("bytes=990-5000", 990, 999),   # last byte past the end: clipped
    ("bytes=-5000", 0, 999),        # suffix longer than the object: all of it
    ("bytes=0-999", 0, 999),
])
def test_range_get(s3, ranged, rng, start, end):
    bucket, data = ranged
    got = s3.get_object(Bucket=bucket, Key="r", Range=rng)
    body = read_body(got)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert got.get("ContentRange") == f"bytes {start}-{end}/1000"
    assert got["ContentLength"] == end - start + 1
    assert body == data[start:end + 1]
    assert got["ETag"] == etag_of(data)


@pytest.mark.parametrize("rng", ["bytes=1000-", "bytes=1000-1000", "bytes=5000-6000"])
def test_range_not_satisfiable(s3, ranged, rng):
    bucket, _ = ranged
    expect_error("InvalidRange", 416, s3.get_object, Bucket=bucket, Key="r", Range=rng)


def test_range_on_empty_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    expect_error("InvalidRange", 416, s3.get_object, Bucket=bucket, Key="empty",
                 Range="bytes=0-")


def test_range_unknown_unit_is_ignored(s3, ranged):
    # RFC 9110 14.2: a Range with a unit the server does not know is ignored.
    bucket, data = ranged
    got = s3.get_object(Bucket=bucket, Key="r", Range="items=0-9")
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert read_body(got) == data


def test_range_head(s3, ranged):
    bucket, _ = ranged
    head = s3.head_object(Bucket=bucket, Key="r", Range="bytes=100-199")
    assert head["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert head["ContentLength"] == 100
    # botocore 1.29 does not model ContentRange on HeadObject; read the header.
    assert head["ResponseMetadata"]["HTTPHeaders"].get("content-range") == "bytes 100-199/1000"


def test_range_large_object_across_boundaries(s3, bucket):
    size = 5 * MiB + 12345
    data = random_bytes(size)
    s3.put_object(Bucket=bucket, Key="big", Body=data)
    for start, end in [(0, 65535), (65530, 65545), (MiB - 7, MiB + 7),
                       (4 * MiB - 100, 4 * MiB + 70000), (3 * 1024 * 1024 // 2, 4 * MiB),
                       (size - 70000, size - 1), (12345, size - 12345)]:
        got = s3.get_object(Bucket=bucket, Key="big", Range=f"bytes={start}-{end}")
        body = read_body(got)
        assert got.get("ContentRange") == f"bytes {start}-{end}/{size}"
        assert sha256(body) == sha256(data[start:end + 1]), (start, end)
