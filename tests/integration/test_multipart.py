"""Multipart upload and additional checksums, as Amazon S3 answers them.

Multipart: CreateMultipartUpload / UploadPart / CompleteMultipartUpload
(ETag = MD5 of the part MD5s + "-N"), GET and HEAD ?partNumber=N, ranges
across part boundaries, ListParts and ListMultipartUploads paging, the
errors of Complete (InvalidPart, InvalidPartOrder, EntityTooSmall,
MalformedXML), NoSuchUpload, partNumber out of range, abort, the same part
uploaded concurrently, UploadPartCopy, completing with a subset of the parts.

Checksums (x-amz-checksum-crc32 / crc32c / crc64nvme / sha1 / sha256):
PutObject over HTTP (header) and HTTPS (botocore: aws-chunked trailer),
headers and trailers built by hand for everything botocore 1.29 cannot send
(CRC64NVME, x-amz-checksum-type), read back with x-amz-checksum-mode:
ENABLED; BadDigest for a wrong value; per-part checksums, ListParts, and the
COMPOSITE ("-N") and FULL_OBJECT object checksums.

Clients: the aws cli (200 MiB, 8 MiB parts) and rclone (100 MiB, 8 MiB
chunks) upload and download multipart objects.
"""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import threading
import time

import pytest
from botocore.exceptions import ClientError

from multipart_helpers import (ALGORITHMS, MIN_PART, MiB, botocore_algorithms,
                               checksum_b64, checksum_header, checksum_member,
                               complete_result, complete_xml, composite_checksum,
                               crc32, crc32c, crc64nvme, full_object_crc_b64,
                               multipart_etag, raw_complete, raw_create_upload,
                               raw_upload_part, trailer_request, xml_text)
from strata_helpers import (assert_absent, assert_client_error, assert_content,
                            assert_raw_error, empty_and_delete_bucket, etag_of,
                            expect_error, file_sha256, list_keys, parse_xml,
                            quote_path, random_bytes, raw_request, read_body,
                            sha256, unique_bucket_name, which)

FAKE_UPLOAD_ID = "2~bm8tc3VjaC11cGxvYWQ"


def headers_of(resp) -> dict:
    return resp["ResponseMetadata"]["HTTPHeaders"]


def status_of(resp) -> int:
    return resp["ResponseMetadata"]["HTTPStatusCode"]


def abort_all_uploads(client, bucket):
    """Best-effort cleanup: abort every upload still open in bucket."""
    try:
        while True:
            resp = client.list_multipart_uploads(Bucket=bucket)
            uploads = resp.get("Uploads", [])
            for u in uploads:
                client.abort_multipart_upload(Bucket=bucket, Key=u["Key"], UploadId=u["UploadId"])
            if not uploads or not resp.get("IsTruncated"):
                return
    except Exception:  # noqa: BLE001 - cleanup only
        pass


@pytest.fixture
def mp_bucket(s3, bucket):
    """The per-test bucket; open uploads are aborted before it is removed."""
    yield bucket
    abort_all_uploads(s3, bucket)


def upload_parts(client, bucket, key, upload_id, parts, first=1, **kwargs):
    """UploadPart each body, numbered from `first`; return the CompletedPart list."""
    out = []
    for i, data in enumerate(parts, start=first):
        resp = client.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=i,
                                  Body=data, **kwargs)
        assert resp["ETag"] == etag_of(data), f"part {i}: ETag {resp['ETag']}"
        out.append({"PartNumber": i, "ETag": resp["ETag"]})
    return out


def multipart_upload(client, bucket, key, parts, **create_kwargs):
    """Create, upload every part, complete; return (upload id, complete response)."""
    upload_id = client.create_multipart_upload(Bucket=bucket, Key=key, **create_kwargs)["UploadId"]
    done = upload_parts(client, bucket, key, upload_id, parts)
    resp = client.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id,
                                            MultipartUpload={"Parts": done})
    return upload_id, resp


def open_upload_ids(client, bucket, key=None):
    resp = client.list_multipart_uploads(Bucket=bucket)
    return [u["UploadId"] for u in resp.get("Uploads", []) if key is None or u["Key"] == key]


# ==========================================================================
# Create / upload / complete
# ==========================================================================

def test_create_upload_complete(s3, mp_bucket):
    key = "dir/big object+ü.bin"
    parts = [random_bytes(MIN_PART), random_bytes(MIN_PART + 1), random_bytes(MiB + 123)]
    data = b"".join(parts)
    create = s3.create_multipart_upload(Bucket=mp_bucket, Key=key, ContentType="application/x-mp",
                                        Metadata={"color": "blue"}, CacheControl="max-age=60")
    assert create["Bucket"] == mp_bucket and create["Key"] == key
    upload_id = create["UploadId"]
    assert upload_id
    assert open_upload_ids(s3, mp_bucket, key) == [upload_id]
    # Not visible as an object before it is completed.
    assert_absent(s3, mp_bucket, key)
    done = upload_parts(s3, mp_bucket, key, upload_id, parts)
    resp = s3.complete_multipart_upload(Bucket=mp_bucket, Key=key, UploadId=upload_id,
                                        MultipartUpload={"Parts": done})
    expected_etag = multipart_etag(parts)
    assert resp["ETag"] == expected_etag
    assert resp["Bucket"] == mp_bucket and resp["Key"] == key
    assert resp.get("Location")
    got = s3.get_object(Bucket=mp_bucket, Key=key)
    body = read_body(got)
    assert len(body) == len(data) and sha256(body) == sha256(data)
    assert got["ETag"] == expected_etag
    assert got["ContentType"] == "application/x-mp"
    assert got["Metadata"] == {"color": "blue"}
    assert got["CacheControl"] == "max-age=60"
    head = s3.head_object(Bucket=mp_bucket, Key=key)
    assert head["ContentLength"] == len(data)
    assert head["ETag"] == expected_etag
    listed = s3.list_objects_v2(Bucket=mp_bucket)["Contents"]
    assert [(o["Key"], o["Size"], o["ETag"]) for o in listed] == [(key, len(data), expected_etag)]
    # The upload is gone once completed.
    assert open_upload_ids(s3, mp_bucket) == []
    expect_error("NoSuchUpload", 404, s3.list_parts, Bucket=mp_bucket, Key=key, UploadId=upload_id)


def test_complete_replaces_existing_object(s3, mp_bucket):
    s3.put_object(Bucket=mp_bucket, Key="k", Body=b"old content")
    parts = [random_bytes(MIN_PART), random_bytes(1000)]
    multipart_upload(s3, mp_bucket, "k", parts)
    assert_content(s3, mp_bucket, "k", b"".join(parts))


def test_single_small_part(s3, mp_bucket):
    # One part may be of any size, even empty-ish: it is also the last part.
    for key, body in (("one-byte", b"x"), ("empty", b"")):
        _, resp = multipart_upload(s3, mp_bucket, key, [body])
        assert resp["ETag"] == multipart_etag([body])
        assert_content(s3, mp_bucket, key, body)


# ==========================================================================
# Reading a multipart object: ?partNumber=N, ranges across parts
# ==========================================================================

@pytest.fixture(scope="module")
def mp_object(strata):
    """A bucket holding one three-part object ("obj": 5 MiB, 5 MiB + 3, 700 KiB)
    and one single-part object ("single")."""
    client = strata.client("path")
    name = unique_bucket_name("mp-read")
    client.create_bucket(Bucket=name)
    parts = [random_bytes(MIN_PART), random_bytes(MIN_PART + 3), random_bytes(700 * 1024)]
    multipart_upload(client, name, "obj", parts)
    single = random_bytes(100_000)
    client.put_object(Bucket=name, Key="single", Body=single)
    yield {"bucket": name, "parts": parts, "data": b"".join(parts), "single": single}
    empty_and_delete_bucket(client, name)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_get_part_number(s3, mp_object, n):
    parts = mp_object["parts"]
    start = sum(len(p) for p in parts[:n - 1])
    end = start + len(parts[n - 1]) - 1
    total = len(mp_object["data"])
    got = s3.get_object(Bucket=mp_object["bucket"], Key="obj", PartNumber=n)
    body = read_body(got)
    assert status_of(got) == 206
    assert sha256(body) == sha256(parts[n - 1])
    assert got["ContentLength"] == len(parts[n - 1])
    assert got["PartsCount"] == 3
    assert headers_of(got).get("x-amz-mp-parts-count") == "3"
    assert got["ContentRange"] == f"bytes {start}-{end}/{total}"
    assert got["ETag"] == multipart_etag(parts)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_head_part_number(s3, mp_object, n):
    parts = mp_object["parts"]
    head = s3.head_object(Bucket=mp_object["bucket"], Key="obj", PartNumber=n)
    assert status_of(head) == 206
    assert head["ContentLength"] == len(parts[n - 1])
    assert head["PartsCount"] == 3
    assert head["ETag"] == multipart_etag(parts)
    start = sum(len(p) for p in parts[:n - 1])
    assert headers_of(head).get("content-range") == (
        f"bytes {start}-{start + len(parts[n - 1]) - 1}/{len(mp_object['data'])}")


def test_part_number_beyond_parts_count(s3, mp_object):
    expect_error("InvalidPartNumber", 416, s3.get_object, Bucket=mp_object["bucket"],
                 Key="obj", PartNumber=4)
    with pytest.raises(ClientError) as excinfo:
        s3.head_object(Bucket=mp_object["bucket"], Key="obj", PartNumber=4)
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 416


def test_part_number_on_single_part_object(s3, mp_object):
    got = s3.get_object(Bucket=mp_object["bucket"], Key="single", PartNumber=1)
    assert read_body(got) == mp_object["single"]
    assert got["ContentLength"] == len(mp_object["single"])
    expect_error("InvalidPartNumber", 416, s3.get_object, Bucket=mp_object["bucket"],
                 Key="single", PartNumber=2)


@pytest.mark.parametrize("first,last", [
    (MIN_PART - 10, MIN_PART + 9),              # across the part 1/2 boundary
    (MIN_PART - 1, 2 * MIN_PART + 3),           # the last byte of 1, all of 2, the first of 3
    (0, None),                                  # open-ended: everything
    (2 * MIN_PART + 3 - 5, None),               # from inside part 2 to the end
    (2 * MIN_PART + 3, 2 * MIN_PART + 3),       # the first byte of part 3
])
def test_range_across_parts(s3, mp_object, first, last):
    data = mp_object["data"]
    rng = f"bytes={first}-{'' if last is None else last}"
    stop = len(data) - 1 if last is None else last
    got = s3.get_object(Bucket=mp_object["bucket"], Key="obj", Range=rng)
    body = read_body(got)
    assert status_of(got) == 206
    assert body == data[first:stop + 1]
    assert got["ContentRange"] == f"bytes {first}-{stop}/{len(data)}"


def test_suffix_range(s3, mp_object):
    data = mp_object["data"]
    n = len(mp_object["parts"][2]) + 17       # reaches back into part 2
    got = s3.get_object(Bucket=mp_object["bucket"], Key="obj", Range=f"bytes=-{n}")
    assert read_body(got) == data[-n:]
    assert got["ContentRange"] == f"bytes {len(data) - n}-{len(data) - 1}/{len(data)}"


# ==========================================================================
# ListParts, ListMultipartUploads
# ==========================================================================

def test_list_parts_paging(s3, mp_bucket):
    key = "parts"
    upload_id = s3.create_multipart_upload(Bucket=mp_bucket, Key=key)["UploadId"]
    numbers = [1, 2, 3, 5, 9]
    bodies = {n: random_bytes(1000 + n) for n in numbers}
    for n in numbers:
        s3.upload_part(Bucket=mp_bucket, Key=key, UploadId=upload_id, PartNumber=n, Body=bodies[n])

    full = s3.list_parts(Bucket=mp_bucket, Key=key, UploadId=upload_id)
    assert full["Bucket"] == mp_bucket and full["Key"] == key and full["UploadId"] == upload_id
    assert full["IsTruncated"] is False
    assert [p["PartNumber"] for p in full["Parts"]] == numbers
    for p in full["Parts"]:
        assert p["ETag"] == etag_of(bodies[p["PartNumber"]])
        assert p["Size"] == len(bodies[p["PartNumber"]])
        assert p["LastModified"]

    page = s3.list_parts(Bucket=mp_bucket, Key=key, UploadId=upload_id, MaxParts=2)
    assert [p["PartNumber"] for p in page["Parts"]] == [1, 2]
    assert page["IsTruncated"] is True
    assert page["MaxParts"] == 2
    assert page["NextPartNumberMarker"] == 2
    page = s3.list_parts(Bucket=mp_bucket, Key=key, UploadId=upload_id, MaxParts=2,
                         PartNumberMarker=2)
    assert [p["PartNumber"] for p in page["Parts"]] == [3, 5]
    assert page["IsTruncated"] is True
    assert page["PartNumberMarker"] == 2
    assert page["NextPartNumberMarker"] == 5
    page = s3.list_parts(Bucket=mp_bucket, Key=key, UploadId=upload_id, MaxParts=2,
                         PartNumberMarker=5)
    assert [p["PartNumber"] for p in page["Parts"]] == [9]
    assert page["IsTruncated"] is False
    # the marker is exclusive and need not be an uploaded part
    page = s3.list_parts(Bucket=mp_bucket, Key=key, UploadId=upload_id, PartNumberMarker=4)
    assert [p["PartNumber"] for p in page["Parts"]] == [5, 9]
    page = s3.list_parts(Bucket=mp_bucket, Key=key, UploadId=upload_id, PartNumberMarker=9)
    assert page.get("Parts", []) == [] and page["IsTruncated"] is False

    # The paginator follows NextPartNumberMarker to the end.
    seen = []
    for pg in s3.get_paginator("list_parts").paginate(Bucket=mp_bucket, Key=key,
                                                       UploadId=upload_id,
                                                       PaginationConfig={"PageSize": 1}):
        seen += [p["PartNumber"] for p in pg.get("Parts", [])]
    assert seen == numbers

    # Uploading a part number again replaces it.
    new2 = random_bytes(4321)
    s3.upload_part(Bucket=mp_bucket, Key=key, UploadId=upload_id, PartNumber=2, Body=new2)
    parts = s3.list_parts(Bucket=mp_bucket, Key=key, UploadId=upload_id)["Parts"]
    assert [p["PartNumber"] for p in parts] == numbers
    p2 = [p for p in parts if p["PartNumber"] == 2][0]
    assert (p2["ETag"], p2["Size"]) == (etag_of(new2), len(new2))


def test_list_parts_of_empty_upload(s3, mp_bucket):
    upload_id = s3.create_multipart_upload(Bucket=mp_bucket, Key="nothing")["UploadId"]
    resp = s3.list_parts(Bucket=mp_bucket, Key="nothing", UploadId=upload_id)
    assert resp.get("Parts", []) == []
    assert resp["IsTruncated"] is False


def test_list_multipart_uploads(s3, mp_bucket):
    ids = {}
    for key in ["a/1", "a/2", "b/x/1", "c", "dup", "dup"]:
        upload_id = s3.create_multipart_upload(Bucket=mp_bucket, Key=key)["UploadId"]
        ids.setdefault(key, []).append(upload_id)
        time.sleep(0.02)   # distinct initiation times for the two "dup" uploads
    expected = [("a/1", ids["a/1"][0]), ("a/2", ids["a/2"][0]), ("b/x/1", ids["b/x/1"][0]),
                ("c", ids["c"][0]), ("dup", ids["dup"][0]), ("dup", ids["dup"][1])]

    def entries(resp):
        return [(u["Key"], u["UploadId"]) for u in resp.get("Uploads", [])]

    def prefixes(resp):
        return [p["Prefix"] for p in resp.get("CommonPrefixes", [])]

    full = s3.list_multipart_uploads(Bucket=mp_bucket)
    # By key, then by initiation time within a key.
    assert entries(full) == expected
    assert full["IsTruncated"] is False
    assert full["Bucket"] == mp_bucket
    for u in full["Uploads"]:
        assert u["Initiated"]
        assert u.get("StorageClass", "STANDARD") == "STANDARD"

    resp = s3.list_multipart_uploads(Bucket=mp_bucket, Prefix="a/")
    assert entries(resp) == expected[:2]
    assert resp["Prefix"] == "a/"

    resp = s3.list_multipart_uploads(Bucket=mp_bucket, Delimiter="/")
    assert entries(resp) == expected[3:]
    assert prefixes(resp) == ["a/", "b/"]
    assert resp["Delimiter"] == "/"

    resp = s3.list_multipart_uploads(Bucket=mp_bucket, Prefix="b/", Delimiter="/")
    assert entries(resp) == []
    assert prefixes(resp) == ["b/x/"]

    # key-marker alone: keys strictly after it.
    resp = s3.list_multipart_uploads(Bucket=mp_bucket, KeyMarker="a/2")
    assert entries(resp) == expected[2:]
    resp = s3.list_multipart_uploads(Bucket=mp_bucket, KeyMarker="dup")
    assert entries(resp) == []
    # key-marker with upload-id-marker: that key's uploads after that upload, then later keys.
    resp = s3.list_multipart_uploads(Bucket=mp_bucket, KeyMarker="dup",
                                     UploadIdMarker=ids["dup"][0])
    assert entries(resp) == [("dup", ids["dup"][1])]
    resp = s3.list_multipart_uploads(Bucket=mp_bucket, KeyMarker="c",
                                     UploadIdMarker=ids["c"][0])
    assert entries(resp) == expected[4:]

    resp = s3.list_multipart_uploads(Bucket=mp_bucket, MaxUploads=2)
    assert entries(resp) == expected[:2]
    assert resp["IsTruncated"] is True
    assert resp["MaxUploads"] == 2
    assert resp["NextKeyMarker"] == "a/2"
    assert resp["NextUploadIdMarker"] == ids["a/2"][0]

    # Paging with the Next markers visits every upload once, in order,
    # including a page boundary between the two uploads of "dup".
    for size in (1, 2, 5):
        seen, kwargs, pages = [], {}, 0
        while True:
            resp = s3.list_multipart_uploads(Bucket=mp_bucket, MaxUploads=size, **kwargs)
            pages += 1
            seen += entries(resp)
            if not resp["IsTruncated"]:
                break
            kwargs = {"KeyMarker": resp["NextKeyMarker"],
                      "UploadIdMarker": resp["NextUploadIdMarker"]}
            assert pages < 20, f"paging does not end: {seen}"
        assert seen == expected, f"MaxUploads={size}"


# ==========================================================================
# Errors
# ==========================================================================

def test_complete_with_wrong_etag(s3, mp_bucket):
    upload_id = s3.create_multipart_upload(Bucket=mp_bucket, Key="k")["UploadId"]
    data = random_bytes(2000)
    s3.upload_part(Bucket=mp_bucket, Key="k", UploadId=upload_id, PartNumber=1, Body=data)
    expect_error("InvalidPart", 400, s3.complete_multipart_upload, Bucket=mp_bucket, Key="k",
                 UploadId=upload_id, MultipartUpload={"Parts": [
                     {"PartNumber": 1, "ETag": etag_of(data + b"x")}]})
    assert_absent(s3, mp_bucket, "k")
    # The upload is still there and completes with the right ETag.
    assert open_upload_ids(s3, mp_bucket, "k") == [upload_id]
    s3.complete_multipart_upload(Bucket=mp_bucket, Key="k", UploadId=upload_id,
                                 MultipartUpload={"Parts": [
                                     {"PartNumber": 1, "ETag": etag_of(data)}]})
    assert_content(s3, mp_bucket, "k", data)


def test_complete_etag_without_quotes(s3, mp_bucket):
    # S3 accepts the ETag with or without its quotes.
    upload_id = s3.create_multipart_upload(Bucket=mp_bucket, Key="k")["UploadId"]
    data = random_bytes(2000)
    s3.upload_part(Bucket=mp_bucket, Key="k", UploadId=upload_id, PartNumber=1, Body=data)
    s3.complete_multipart_upload(Bucket=mp_bucket, Key="k", UploadId=upload_id,
                                 MultipartUpload={"Parts": [
                                     {"PartNumber": 1, "ETag": hashlib.md5(data).hexdigest()}]})
    assert_content(s3, mp_bucket, "k", data)


def test_complete_parts_out_of_order(s3, mp_bucket):
    upload_id = s3.create_multipart_upload(Bucket=mp_bucket, Key="k")["UploadId"]
    parts = [random_bytes(MIN_PART), random_bytes(MIN_PART)]
    done = upload_parts(s3, mp_bucket, "k", upload_id, parts)
    expect_error("InvalidPartOrder", 400, s3.complete_multipart_upload, Bucket=mp_bucket,
                 Key="k", UploadId=upload_id, MultipartUpload={"Parts": done[::-1]})
    expect_error("InvalidPartOrder", 400, s3.complete_multipart_upload, Bucket=mp_bucket,
                 Key="k", UploadId=upload_id, MultipartUpload={"Parts": [done[0], done[0]]})
    assert_absent(s3, mp_bucket, "k")
    s3.complete_multipart_upload(Bucket=mp_bucket, Key="k", UploadId=upload_id,
                                 MultipartUpload={"Parts": done})
    assert_content(s3, mp_bucket, "k", b"".join(parts))


def test_complete_part_too_small(s3, mp_bucket):
    upload_id = s3.create_multipart_upload(Bucket=mp_bucket, Key="k")["UploadId"]
    parts = [random_bytes(MIN_PART - 1), random_bytes(1000)]
    done = upload_parts(s3, mp_bucket, "k", upload_id, parts)
    expect_error("EntityTooSmall", 400, s3.complete_multipart_upload, Bucket=mp_bucket,
                 Key="k", UploadId=upload_id, MultipartUpload={"Parts": done})
    assert_absent(s3, mp_bucket, "k")
    # The small part alone is the last part: allowed.
    s3.complete_multipart_upload(Bucket=mp_bucket, Key="k", UploadId=upload_id,
                                 MultipartUpload={"Parts": done[1:]})
    assert_content(s3, mp_bucket, "k", parts[1])


def test_complete_missing_part(s3, mp_bucket):
    upload_id = s3.create_multipart_upload(Bucket=mp_bucket, Key="k")["UploadId"]
    p1 = random_bytes(MIN_PART)
    done = upload_parts(s3, mp_bucket, "k", upload_id, [p1])
    missing = {"PartNumber": 2, "ETag": etag_of(b"never uploaded")}
    expect_error("InvalidPart", 400, s3.complete_multipart_upload, Bucket=mp_bucket, Key="k",
                 UploadId=upload_id, MultipartUpload={"Parts": done + [missing]})
    expect_error("InvalidPart", 400, s3.complete_multipart_upload, Bucket=mp_bucket, Key="k",
                 UploadId=upload_id, MultipartUpload={"Parts": [missing]})
    assert_absent(s3, mp_bucket, "k")
    assert open_upload_ids(s3, mp_bucket, "k") == [upload_id]


@pytest.mark.parametrize("op", ["upload_part", "list_parts", "complete", "abort"])
def test_no_such_upload(s3, mp_bucket, op):
    calls = {
        "upload_part": lambda uid, key: s3.upload_part(Bucket=mp_bucket, Key=key, UploadId=uid,
                                                       PartNumber=1, Body=b"data"),
        "list_parts": lambda uid, key: s3.list_parts(Bucket=mp_bucket, Key=key, UploadId=uid),
        "complete": lambda uid, key: s3.complete_multipart_upload(
            Bucket=mp_bucket, Key=key, UploadId=uid,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag_of(b"data")}]}),
        "abort": lambda uid, key: s3.abort_multipart_upload(Bucket=mp_bucket, Key=key,
                                                            UploadId=uid),
    }
    expect_error("NoSuchUpload", 404, calls[op], FAKE_UPLOAD_ID, "k")
    # A real upload id, but of another key.
    real = s3.create_multipart_upload(Bucket=mp_bucket, Key="k")["UploadId"]
    s3.upload_part(Bucket=mp_bucket, Key="k", UploadId=real, PartNumber=1, Body=b"data")
    expect_error("NoSuchUpload", 404, calls[op], real, "other-key")
    # ...and nothing happened to it.
    assert open_upload_ids(s3, mp_bucket) == [real]
    parts = s3.list_parts(Bucket=mp_bucket, Key="k", UploadId=real)["Parts"]
    assert [(p["PartNumber"], p["ETag"]) for p in parts] == [(1, etag_of(b"data"))]
    assert list_keys(s3, mp_bucket) == []


def test_no_such_bucket(s3):
    missing = unique_bucket_name("missing")
    expect_error("NoSuchBucket", 404, s3.create_multipart_upload, Bucket=missing, Key="k")
    expect_error("NoSuchBucket", 404, s3.list_multipart_uploads, Bucket=missing)


@pytest.mark.parametrize("body", [
    b"this is not xml",
    b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>",
    b'<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload '
    b'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></CompleteMultipartUpload>',
], ids=["not-xml", "truncated", "no-parts"])
def test_complete_malformed_xml(strata, s3, mp_bucket, body):
    upload_id = s3.create_multipart_upload(Bucket=mp_bucket, Key="k")["UploadId"]
    s3.upload_part(Bucket=mp_bucket, Key="k", UploadId=upload_id, PartNumber=1, Body=b"p1")
    resp = raw_complete(strata, mp_bucket, "k", upload_id, body=body)
    assert_raw_error(resp, "MalformedXML", 400)
    assert_absent(s3, mp_bucket, "k")
    assert open_upload_ids(s3, mp_bucket, "k") == [upload_id]


@pytest.mark.parametrize("part_number", ["0", "10001", "-1"])
def test_part_number_out_of_range(strata, s3, mp_bucket, part_number):
    upload_id = s3.create_multipart_upload(Bucket=mp_bucket, Key="k")["UploadId"]
    resp = raw_upload_part(strata, mp_bucket, "k", upload_id, part_number, b"data")
    assert_raw_error(resp, "InvalidArgument", 400)
    assert s3.list_parts(Bucket=mp_bucket, Key="k", UploadId=upload_id).get("Parts", []) == []


def test_part_number_limits_accepted(s3, mp_bucket):
    upload_id = s3.create_multipart_upload(Bucket=mp_bucket, Key="k")["UploadId"]
    for n in (1, 10000):
        s3.upload_part(Bucket=mp_bucket, Key="k", UploadId=upload_id, PartNumber=n,
                       Body=b"part %d" % n)
    parts = s3.list_parts(Bucket=mp_bucket, Key="k", UploadId=upload_id)["Parts"]
    assert [p["PartNumber"] for p in parts] == [1, 10000]


# ==========================================================================
# Abort, concurrent parts, copy, subsets
# ==========================================================================

def test_abort(s3, mp_bucket):
    upload_id = s3.create_multipart_upload(Bucket=mp_bucket, Key="k")["UploadId"]
    data = random_bytes(50_000)
    s3.upload_part(Bucket=mp_bucket, Key="k", UploadId=upload_id, PartNumber=1, Body=data)
    resp = s3.abort_multipart_upload(Bucket=mp_bucket, Key="k", UploadId=upload_id)
    assert status_of(resp) == 204
    assert open_upload_ids(s3, mp_bucket) == []
    expect_error("NoSuchUpload", 404, s3.list_parts, Bucket=mp_bucket, Key="k", UploadId=upload_id)
    expect_error("NoSuchUpload", 404, s3.upload_part, Bucket=mp_bucket, Key="k",
                 UploadId=upload_id, PartNumber=2, Body=b"late")
    expect_error("NoSuchUpload", 404, s3.complete_multipart_upload, Bucket=mp_bucket, Key="k",
                 UploadId=upload_id, MultipartUpload={"Parts": [
                     {"PartNumber": 1, "ETag": etag_of(data)}]})
    expect_error("NoSuchUpload", 404, s3.abort_multipart_upload, Bucket=mp_bucket, Key="k",
                 UploadId=upload_id)
    assert_absent(s3, mp_bucket, "k")


def test_abort_keeps_existing_object(s3, mp_bucket):
    s3.put_object(Bucket=mp_bucket, Key="k", Body=b"keep me")
    upload_id = s3.create_multipart_upload(Bucket=mp_bucket, Key="k")["UploadId"]
    s3.upload_part(Bucket=mp_bucket, Key="k", UploadId=upload_id, PartNumber=1, Body=b"new")
    s3.abort_multipart_upload(Bucket=mp_bucket, Key="k", UploadId=upload_id)
    assert_content(s3, mp_bucket, "k", b"keep me")


def test_two_uploads_same_key_are_independent(s3, mp_bucket):
    a = s3.create_multipart_upload(Bucket=mp_bucket, Key="k")["UploadId"]
    b = s3.create_multipart_upload(Bucket=mp_bucket, Key="k")["UploadId"]
    assert a != b
    da, db = random_bytes(3000), random_bytes(4000)
    pa = upload_parts(s3, mp_bucket, "k", a, [da])
    pb = upload_parts(s3, mp_bucket, "k", b, [db])
    # a's ETag is no part of b
    expect_error("InvalidPart", 400, s3.complete_multipart_upload, Bucket=mp_bucket, Key="k",
                 UploadId=b, MultipartUpload={"Parts": pa})
    s3.complete_multipart_upload(Bucket=mp_bucket, Key="k", UploadId=b,
                                 MultipartUpload={"Parts": pb})
    assert_content(s3, mp_bucket, "k", db)
    s3.complete_multipart_upload(Bucket=mp_bucket, Key="k", UploadId=a,
                                 MultipartUpload={"Parts": pa})
    assert_content(s3, mp_bucket, "k", da)
    assert open_upload_ids(s3, mp_bucket) == []


def test_same_part_uploaded_concurrently(strata, mp_bucket):
    key = "race"
    clients = [strata.client("path") for _ in range(4)]
    upload_id = clients[0].create_multipart_upload(Bucket=mp_bucket, Key=key)["UploadId"]
    bodies = [random_bytes(MiB + i) for i in range(len(clients))]
    barrier = threading.Barrier(len(clients))
    results, errors = [None] * len(clients), []

    def put(i):
        try:
            barrier.wait(timeout=30)
            resp = clients[i].upload_part(Bucket=mp_bucket, Key=key, UploadId=upload_id,
                                          PartNumber=1, Body=bodies[i])
            results[i] = resp["ETag"]
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))

    threads = [threading.Thread(target=put, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert results == [etag_of(b) for b in bodies]

    parts = clients[0].list_parts(Bucket=mp_bucket, Key=key, UploadId=upload_id)["Parts"]
    assert len(parts) == 1 and parts[0]["PartNumber"] == 1, parts
    winner = [i for i, b in enumerate(bodies) if etag_of(b) == parts[0]["ETag"]]
    assert len(winner) == 1, f"ListParts ETag {parts[0]['ETag']} is none of the uploads"
    w = winner[0]
    assert parts[0]["Size"] == len(bodies[w])
    # A loser's ETag no longer names the part.
    loser = (w + 1) % len(bodies)
    expect_error("InvalidPart", 400, clients[0].complete_multipart_upload, Bucket=mp_bucket,
                 Key=key, UploadId=upload_id, MultipartUpload={"Parts": [
                     {"PartNumber": 1, "ETag": etag_of(bodies[loser])}]})
    clients[0].complete_multipart_upload(Bucket=mp_bucket, Key=key, UploadId=upload_id,
                                         MultipartUpload={"Parts": [
                                             {"PartNumber": 1, "ETag": parts[0]["ETag"]}]})
    assert_content(clients[0], mp_bucket, key, bodies[w])


def test_upload_part_copy(s3, mp_bucket, bucket2):
    src = random_bytes(11 * MiB + 5)
    s3.put_object(Bucket=mp_bucket, Key="source", Body=src)
    other = random_bytes(70_000)
    s3.put_object(Bucket=bucket2, Key="other source", Body=other)

    key = "assembled"
    upload_id = s3.create_multipart_upload(Bucket=mp_bucket, Key=key)["UploadId"]
    pieces = []
    # part 1: the first 5 MiB of the source
    r1 = (0, MIN_PART - 1)
    # part 2: 6 MiB from an offset that is no chunk or part boundary
    r2 = (12345, 12345 + 6 * MiB - 1)
    for n, (a, b) in ((1, r1), (2, r2)):
        resp = s3.upload_part_copy(Bucket=mp_bucket, Key=key, UploadId=upload_id, PartNumber=n,
                                   CopySource={"Bucket": mp_bucket, "Key": "source"},
                                   CopySourceRange=f"bytes={a}-{b}")
        piece = src[a:b + 1]
        assert resp["CopyPartResult"]["ETag"] == etag_of(piece)
        assert resp["CopyPartResult"]["LastModified"]
        pieces.append((n, piece, resp["CopyPartResult"]["ETag"]))
    # part 3: an ordinary upload
    p3 = random_bytes(MIN_PART)
    e3 = s3.upload_part(Bucket=mp_bucket, Key=key, UploadId=upload_id, PartNumber=3, Body=p3)["ETag"]
    pieces.append((3, p3, e3))
    # part 4: a whole object of another bucket, no range (the key has a space)
    resp = s3.upload_part_copy(Bucket=mp_bucket, Key=key, UploadId=upload_id, PartNumber=4,
                               CopySource={"Bucket": bucket2, "Key": "other source"})
    assert resp["CopyPartResult"]["ETag"] == etag_of(other)
    pieces.append((4, other, resp["CopyPartResult"]["ETag"]))

    listed = s3.list_parts(Bucket=mp_bucket, Key=key, UploadId=upload_id)["Parts"]
    assert [(p["PartNumber"], p["Size"], p["ETag"]) for p in listed] == [
        (n, len(d), e) for n, d, e in pieces]
    resp = s3.complete_multipart_upload(
        Bucket=mp_bucket, Key=key, UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, _, e in pieces]})
    assert resp["ETag"] == multipart_etag([d for _, d, _ in pieces])
    assert_content(s3, mp_bucket, key, b"".join(d for _, d, _ in pieces))
    # the sources are untouched
    assert_content(s3, mp_bucket, "source", src)


def test_upload_part_copy_missing_source(s3, mp_bucket):
    upload_id = s3.create_multipart_upload(Bucket=mp_bucket, Key="k")["UploadId"]
    expect_error("NoSuchKey", 404, s3.upload_part_copy, Bucket=mp_bucket, Key="k",
                 UploadId=upload_id, PartNumber=1,
                 CopySource={"Bucket": mp_bucket, "Key": "does-not-exist"})
    assert s3.list_parts(Bucket=mp_bucket, Key="k", UploadId=upload_id).get("Parts", []) == []


def test_upload_part_copy_from_multipart_object(s3, mp_bucket):
    parts = [random_bytes(MIN_PART), random_bytes(MiB)]
    multipart_upload(s3, mp_bucket, "mp-source", parts)
    src = b"".join(parts)
    upload_id = s3.create_multipart_upload(Bucket=mp_bucket, Key="k")["UploadId"]
    a, b = MIN_PART - 100, MIN_PART + 99     # across the source's part boundary
    resp = s3.upload_part_copy(Bucket=mp_bucket, Key="k", UploadId=upload_id, PartNumber=1,
                               CopySource={"Bucket": mp_bucket, "Key": "mp-source"},
                               CopySourceRange=f"bytes={a}-{b}")
    s3.complete_multipart_upload(Bucket=mp_bucket, Key="k", UploadId=upload_id,
                                 MultipartUpload={"Parts": [
                                     {"PartNumber": 1, "ETag": resp["CopyPartResult"]["ETag"]}]})
    assert_content(s3, mp_bucket, "k", src[a:b + 1])


def test_complete_with_subset_of_parts(s3, mp_bucket):
    key = "subset"
    upload_id = s3.create_multipart_upload(Bucket=mp_bucket, Key=key)["UploadId"]
    p1, p2, p3 = random_bytes(MIN_PART), random_bytes(2000), random_bytes(3000)
    done = upload_parts(s3, mp_bucket, key, upload_id, [p1, p2, p3])
    resp = s3.complete_multipart_upload(Bucket=mp_bucket, Key=key, UploadId=upload_id,
                                        MultipartUpload={"Parts": [done[0], done[2]]})
    assert resp["ETag"] == multipart_etag([p1, p3])
    assert_content(s3, mp_bucket, key, p1 + p3)
    head = s3.head_object(Bucket=mp_bucket, Key=key, PartNumber=1)
    assert head["PartsCount"] == 2
    assert open_upload_ids(s3, mp_bucket) == []


# ==========================================================================
# Checksums: helpers
# ==========================================================================

def test_local_checksum_implementations():
    check = b"123456789"
    assert crc32(check) == 0xCBF43926
    assert crc32c(check) == 0xE3069283
    assert crc64nvme(check) == 0xAE8B14860A799888
    data = random_bytes(10_000)
    for fn in (crc32, crc32c, crc64nvme):
        assert fn(data[3000:], fn(data[:3000])) == fn(data)
    try:
        from awscrt import checksums as crt
    except ImportError:
        crt = None
    if crt is not None:
        assert crc32c(data) == crt.crc32c(data)
        assert crc32(data) == crt.crc32(data)
    # The values S3 prints: base64 of the big-endian bytes.
    assert checksum_b64("CRC32", b"") == "AAAAAA=="
    assert checksum_b64("SHA256", b"") == base64.b64encode(hashlib.sha256(b"").digest()).decode()


@pytest.fixture(params=["http", "https"])
def transport(request):
    """(server, boto3 client, bucket) on the plain or the TLS server."""
    server = request.getfixturevalue("strata" if request.param == "http" else "tls_strata")
    client = server.client("path")
    name = unique_bucket_name(f"ck-{request.param}")
    client.create_bucket(Bucket=name)
    yield server, client, name
    abort_all_uploads(client, name)
    empty_and_delete_bucket(client, name)


def checksum_headers(headers: dict) -> dict:
    return {k: v for k, v in headers.items() if k.lower().startswith("x-amz-checksum-")}


def read_back_checksum(server, client, bucket, key, data, algorithm, value, ctype):
    """HEAD and GET with x-amz-checksum-mode: ENABLED return the stored value
    and type; without the mode, no checksum header."""
    name = checksum_header(algorithm)
    head = client.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    h = headers_of(head)
    assert h.get(name) == value, f"HEAD {name}: {checksum_headers(h)}"
    assert h.get("x-amz-checksum-type") == ctype, f"HEAD: {checksum_headers(h)}"
    assert head["ContentLength"] == len(data)
    got = client.get_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    body = read_body(got)    # botocore validates a full-object CRC32/CRC32C/SHA while reading
    assert sha256(body) == sha256(data)
    g = headers_of(got)
    assert g.get(name) == value, f"GET {name}: {checksum_headers(g)}"
    assert g.get("x-amz-checksum-type") == ctype, f"GET: {checksum_headers(g)}"
    plain = client.head_object(Bucket=bucket, Key=key)
    assert checksum_headers(headers_of(plain)) == {}, \
        "checksum headers without x-amz-checksum-mode: ENABLED"


# ==========================================================================
# Checksums: PutObject
# ==========================================================================

@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_put_object_checksum_boto3(transport, algorithm):
    """boto3 put_object(ChecksumAlgorithm=...): a header over HTTP, an
    aws-chunked trailer over HTTPS. CRC64NVME is unknown to botocore 1.29:
    it goes out by hand, the same way (header over HTTP, trailer over HTTPS)."""
    server, client, bucket = transport
    data = random_bytes(300_001)
    value = checksum_b64(algorithm, data)
    if algorithm in botocore_algorithms(client):
        put = client.put_object(Bucket=bucket, Key="obj", Body=data, ChecksumAlgorithm=algorithm)
        put_headers = headers_of(put)
    else:
        path = quote_path(bucket, "obj")
        if server.tls:
            resp = trailer_request(server, "PUT", path, data, algorithm)
        else:
            resp = raw_request(server, "PUT", path, body=data, headers={
                checksum_header(algorithm): value, "x-amz-sdk-checksum-algorithm": algorithm})
        assert resp.status_code == 200, resp.content[:800]
        put_headers = {k.lower(): v for k, v in resp.headers.items()}
    assert put_headers.get("etag") == etag_of(data)
    assert put_headers.get(checksum_header(algorithm)) == value, checksum_headers(put_headers)
    read_back_checksum(server, client, bucket, "obj", data, algorithm, value, "FULL_OBJECT")


@pytest.mark.parametrize("mode", ["header", "trailer"])
@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_put_object_checksum_raw(transport, algorithm, mode):
    """Every algorithm as a header and as an unsigned aws-chunked trailer
    (what the current SDKs send for streams, over HTTP as well), on both
    transports."""
    server, client, bucket = transport
    data = random_bytes(200_000 + 7)
    value = checksum_b64(algorithm, data)
    path = quote_path(bucket, "obj")
    if mode == "trailer":
        resp = trailer_request(server, "PUT", path, data, algorithm, chunk_size=8192)
    else:
        resp = raw_request(server, "PUT", path, body=data, headers={
            checksum_header(algorithm): value, "x-amz-sdk-checksum-algorithm": algorithm})
    assert resp.status_code == 200, resp.content[:800]
    assert resp.headers.get("ETag") == etag_of(data)
    assert resp.headers.get(checksum_header(algorithm)) == value
    read_back_checksum(server, client, bucket, "obj", data, algorithm, value, "FULL_OBJECT")
    assert client.head_object(Bucket=bucket, Key="obj").get("ContentEncoding") in (None, "")


@pytest.mark.parametrize("algorithm,mode", [
    ("CRC32", "header"), ("CRC32", "trailer"), ("CRC32C", "header"), ("CRC64NVME", "header"),
    ("CRC64NVME", "trailer"), ("SHA1", "header"), ("SHA256", "header"), ("SHA256", "trailer"),
])
def test_wrong_checksum_is_bad_digest(strata, s3, bucket, algorithm, mode):
    data = random_bytes(150_000)
    wrong = checksum_b64(algorithm, data + b"!")
    s3.put_object(Bucket=bucket, Key="existing", Body=b"previous content")
    for key in ("new", "existing"):
        path = quote_path(bucket, key)
        if mode == "trailer":
            resp = trailer_request(strata, "PUT", path, data, algorithm, value=wrong)
        else:
            resp = raw_request(strata, "PUT", path, body=data,
                               headers={checksum_header(algorithm): wrong})
        assert_raw_error(resp, "BadDigest", 400)
    assert_absent(s3, bucket, "new")
    assert_content(s3, bucket, "existing", b"previous content")


def test_wrong_checksum_boto3(s3, bucket):
    # botocore sends a given ChecksumCRC32 as it is.
    data = random_bytes(10_000)
    expect_error("BadDigest", 400, s3.put_object, Bucket=bucket, Key="k", Body=data,
                 ChecksumCRC32=checksum_b64("CRC32", data + b"x"))
    assert_absent(s3, bucket, "k")


@pytest.mark.parametrize("value", ["not-base64!", base64.b64encode(b"12345").decode()],
                         ids=["not-base64", "wrong-length"])
def test_invalid_checksum_value(strata, s3, bucket, value):
    resp = raw_request(strata, "PUT", quote_path(bucket, "k"), body=b"data",
                       headers={"x-amz-checksum-crc32": value})
    assert_raw_error(resp, "InvalidRequest", 400)
    assert_absent(s3, bucket, "k")


# ==========================================================================
# Checksums: multipart
# ==========================================================================

BOTO_MP_CASES = [(a, t) for a in ("CRC32", "CRC32C", "SHA1", "SHA256") for t in ("http",)] + [
    ("CRC32", "https"), ("SHA256", "https")]


@pytest.mark.parametrize("algorithm,scheme", BOTO_MP_CASES,
                         ids=[f"{a}-{t}" for a, t in BOTO_MP_CASES])
def test_multipart_composite_checksum_boto3(request, algorithm, scheme):
    server = request.getfixturevalue("strata" if scheme == "http" else "tls_strata")
    client = server.client("path")
    bucket = unique_bucket_name(f"mpck-{scheme}")
    client.create_bucket(Bucket=bucket)
    try:
        _composite_checksum_flow(server, client, bucket, algorithm)
    finally:
        abort_all_uploads(client, bucket)
        empty_and_delete_bucket(client, bucket)


def _composite_checksum_flow(server, client, bucket, algorithm):
    key = f"mp-{algorithm}"
    member = checksum_member(algorithm)
    parts = [random_bytes(MIN_PART), random_bytes(MiB + 11)]
    create = client.create_multipart_upload(Bucket=bucket, Key=key, ChecksumAlgorithm=algorithm)
    assert create.get("ChecksumAlgorithm") == algorithm
    assert headers_of(create).get("x-amz-checksum-type") == "COMPOSITE"
    upload_id = create["UploadId"]
    done = []
    for n, data in enumerate(parts, start=1):
        resp = client.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=n,
                                  Body=data, ChecksumAlgorithm=algorithm)
        assert resp["ETag"] == etag_of(data)
        assert resp.get(member) == checksum_b64(algorithm, data), (n, resp)
        done.append({"PartNumber": n, "ETag": resp["ETag"], member: resp[member]})

    listed = client.list_parts(Bucket=bucket, Key=key, UploadId=upload_id)
    assert listed.get("ChecksumAlgorithm") == algorithm
    assert [(p["PartNumber"], p.get(member)) for p in listed["Parts"]] == [
        (n, checksum_b64(algorithm, d)) for n, d in enumerate(parts, start=1)]

    resp = client.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id,
                                            MultipartUpload={"Parts": done})
    expected = composite_checksum(algorithm, parts)
    assert resp["ETag"] == multipart_etag(parts)
    assert resp.get(member) == expected
    read_back_checksum(server, client, bucket, key, b"".join(parts), algorithm, expected,
                       "COMPOSITE")


def test_multipart_part_with_wrong_checksum(strata, s3, mp_bucket):
    create = s3.create_multipart_upload(Bucket=mp_bucket, Key="k", ChecksumAlgorithm="CRC32")
    upload_id = create["UploadId"]
    data = random_bytes(100_000)
    resp = raw_upload_part(strata, mp_bucket, "k", upload_id, 1, data,
                           headers={"x-amz-checksum-crc32": checksum_b64("CRC32", data[1:])})
    assert_raw_error(resp, "BadDigest", 400)
    resp = trailer_request(strata, "PUT", quote_path(mp_bucket, "k"), data, "CRC32",
                           query={"partNumber": 2, "uploadId": upload_id},
                           value=checksum_b64("CRC32", data[1:]))
    assert_raw_error(resp, "BadDigest", 400)
    assert s3.list_parts(Bucket=mp_bucket, Key="k", UploadId=upload_id).get("Parts", []) == []


FULL_OBJECT_CASES = [("CRC64NVME", "FULL_OBJECT"), ("CRC64NVME", None), ("CRC32", "FULL_OBJECT"),
                     ("CRC32C", "FULL_OBJECT")]


@pytest.mark.parametrize("algorithm,ctype", FULL_OBJECT_CASES,
                         ids=[f"{a}-{t or 'default'}" for a, t in FULL_OBJECT_CASES])
def test_multipart_full_object_checksum_raw(strata, s3, mp_bucket, algorithm, ctype):
    """x-amz-checksum-type: FULL_OBJECT (the only type of CRC64NVME, and its
    default): the object's checksum is the CRC of all its bytes, no "-N".
    botocore 1.29 knows neither CRC64NVME nor checksum types: raw requests.
    Part 1 sends its checksum as a header, part 2 as a trailer."""
    key = f"full-{algorithm}"
    member = checksum_member(algorithm)
    headers = {"x-amz-checksum-algorithm": algorithm}
    if ctype:
        headers["x-amz-checksum-type"] = ctype
    resp, upload_id = raw_create_upload(strata, mp_bucket, key, headers=headers)
    assert resp.status_code == 200, resp.content[:800]
    assert resp.headers.get("x-amz-checksum-algorithm") == algorithm
    assert resp.headers.get("x-amz-checksum-type") == "FULL_OBJECT"
    parts = [random_bytes(MIN_PART), random_bytes(300_000)]
    done = []
    for n, data in enumerate(parts, start=1):
        value = checksum_b64(algorithm, data)
        if n == 1:
            r = raw_upload_part(strata, mp_bucket, key, upload_id, n, data,
                                headers={checksum_header(algorithm): value,
                                         "x-amz-sdk-checksum-algorithm": algorithm})
        else:
            r = trailer_request(strata, "PUT", quote_path(mp_bucket, key), data, algorithm,
                                query={"partNumber": n, "uploadId": upload_id})
        assert r.status_code == 200, r.content[:800]
        assert r.headers.get("ETag") == etag_of(data)
        assert r.headers.get(checksum_header(algorithm)) == value
        done.append({"PartNumber": n, "ETag": r.headers["ETag"], member: value})

    lp = raw_request(strata, "GET", quote_path(mp_bucket, key), query={"uploadId": upload_id})
    assert lp.status_code == 200, lp.content[:800]
    root = parse_xml(lp.content)
    assert xml_text(root, "ChecksumAlgorithm") == algorithm
    assert xml_text(root, "ChecksumType") == "FULL_OBJECT"
    assert [(xml_text(p, "PartNumber"), xml_text(p, member)) for p in root.findall("Part")] == [
        (str(d["PartNumber"]), d[member]) for d in done]

    resp = raw_complete(strata, mp_bucket, key, upload_id, done)
    result = complete_result(resp)
    expected = full_object_crc_b64(algorithm, parts)
    assert result.get(member) == expected, result
    assert result.get("ChecksumType") == "FULL_OBJECT", result
    assert result.get("ETag") == multipart_etag(parts)
    read_back_checksum(strata, s3, mp_bucket, key, b"".join(parts), algorithm, expected,
                       "FULL_OBJECT")


def test_multipart_crc64nvme_composite_is_refused(strata, s3, mp_bucket):
    # CRC64NVME only has full-object checksums.
    resp, _ = raw_create_upload(strata, mp_bucket, "k", headers={
        "x-amz-checksum-algorithm": "CRC64NVME", "x-amz-checksum-type": "COMPOSITE"})
    assert_raw_error(resp, "InvalidRequest", 400)
    assert open_upload_ids(s3, mp_bucket) == []


def test_complete_xml_helper_shape():
    doc = complete_xml([{"PartNumber": 1, "ETag": '"x"', "ChecksumCRC32": "AAAAAA=="}])
    root = parse_xml(doc)
    assert root.tag == "CompleteMultipartUpload"
    assert [c.tag for c in root.find("Part")] == ["PartNumber", "ETag", "ChecksumCRC32"]


# ==========================================================================
# Clients: aws cli and rclone, multipart both ways
# ==========================================================================

def _random_file(path, size, block=8 * MiB):
    """Write size random bytes; return (sha256 hex, list of 8 MiB part MD5s)."""
    h = hashlib.sha256()
    md5s = []
    with open(path, "wb") as f:
        left = size
        while left:
            b = os.urandom(min(block, left))
            f.write(b)
            h.update(b)
            md5s.append(hashlib.md5(b).digest())
            left -= len(b)
    return h.hexdigest(), md5s


def _etag_from_md5s(md5s):
    return '"%s-%d"' % (hashlib.md5(b"".join(md5s)).hexdigest(), len(md5s))


def test_awscli_multipart_cp(strata, s3, mp_bucket, clean_env, tmp_path):
    aws = which("aws", "/usr/bin/aws")
    size = 200 * MiB
    src = tmp_path / "big.bin"
    digest, md5s = _random_file(src, size)
    config = tmp_path / "aws-config"
    config.write_text("[default]\nregion = us-east-1\ns3 =\n"
                      "    multipart_threshold = 8MB\n    multipart_chunksize = 8MB\n"
                      "    max_concurrent_requests = 4\n")
    env = dict(clean_env, AWS_ACCESS_KEY_ID=strata.access_key,
               AWS_SECRET_ACCESS_KEY=strata.secret_key, AWS_DEFAULT_REGION="us-east-1",
               AWS_CONFIG_FILE=str(config),
               AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
               AWS_EC2_METADATA_DISABLED="true", AWS_PAGER="")

    def run(*args):
        p = subprocess.run([aws, "--endpoint-url", strata.endpoint, *args], env=env,
                           capture_output=True, text=True, timeout=900)
        assert p.returncode == 0, (f"aws {' '.join(args)} exited {p.returncode}\n"
                                   f"stdout: {p.stdout[-2000:]}\nstderr: {p.stderr[-3000:]}")
        return p

    run("s3", "cp", "--no-progress", str(src), f"s3://{mp_bucket}/cli/big.bin")
    head = s3.head_object(Bucket=mp_bucket, Key="cli/big.bin")
    assert head["ContentLength"] == size
    assert head["ETag"] == _etag_from_md5s(md5s), "not uploaded in 25 parts of 8 MiB"
    assert open_upload_ids(s3, mp_bucket) == []
    out = tmp_path / "back.bin"
    run("s3", "cp", "--no-progress", f"s3://{mp_bucket}/cli/big.bin", str(out))
    assert out.stat().st_size == size
    assert file_sha256(out) == digest


def test_rclone_multipart_copy(strata, s3, mp_bucket, clean_env, tmp_path):
    rclone = which("rclone", "/usr/bin/rclone")
    size = 100 * MiB + 12345
    src_dir = tmp_path / "src"
    src_dir.mkdir()
    digest, md5s = _random_file(src_dir / "big.bin", size)
    env = dict(clean_env)
    env.update({
        "RCLONE_CONFIG": str(tmp_path / "nonexistent-rclone.conf"),
        "RCLONE_CONFIG_STRATA_TYPE": "s3",
        "RCLONE_CONFIG_STRATA_PROVIDER": "Other",
        "RCLONE_CONFIG_STRATA_ENV_AUTH": "false",
        "RCLONE_CONFIG_STRATA_ENDPOINT": strata.endpoint,
        "RCLONE_CONFIG_STRATA_ACCESS_KEY_ID": strata.access_key,
        "RCLONE_CONFIG_STRATA_SECRET_ACCESS_KEY": strata.secret_key,
        "RCLONE_CONFIG_STRATA_REGION": "us-east-1",
        "RCLONE_CONFIG_STRATA_FORCE_PATH_STYLE": "true",
    })

    def run(*args):
        cmd = [rclone, "--retries", "1", "--low-level-retries", "1",
               "--s3-upload-cutoff", "16M", "--s3-chunk-size", "8M",
               "--s3-upload-concurrency", "4", *args]
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
        assert p.returncode == 0, (f"rclone {' '.join(args)} exited {p.returncode}\n"
                                   f"stdout: {p.stdout[-2000:]}\nstderr: {p.stderr[-3000:]}")
        return p

    run("copy", str(src_dir), f"strata:{mp_bucket}/rc")
    head = s3.head_object(Bucket=mp_bucket, Key="rc/big.bin")
    assert head["ContentLength"] == size
    assert head["ETag"] == _etag_from_md5s(md5s), "not uploaded in 8 MiB parts"
    assert open_upload_ids(s3, mp_bucket) == []
    # rclone checks a multipart object by the MD5 it keeps in x-amz-meta-md5chksum.
    run("check", str(src_dir), f"strata:{mp_bucket}/rc")
    dst = tmp_path / "dst"
    run("copy", f"strata:{mp_bucket}/rc", str(dst))
    assert (dst / "big.bin").stat().st_size == size
    assert file_sha256(dst / "big.bin") == digest
