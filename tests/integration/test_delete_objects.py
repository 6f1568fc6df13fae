"""DeleteObjects (multi-object delete): per-key results, quiet mode, the
1000-key limit, Content-MD5, XML escaping. Malformed XML is in
test_bad_input.py."""

import pytest

from strata_helpers import (assert_absent, assert_content, assert_raw_error,
                            expect_error, list_keys, md5_b64, quote_path,
                            raw_request, unique_bucket_name)


def _objects(keys):
    return {"Objects": [{"Key": k} for k in keys]}


def test_delete_several(s3, bucket):
    for k in ["a", "b", "dir/c", "keep"]:
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode())
    resp = s3.delete_objects(Bucket=bucket, Delete=_objects(["a", "b", "dir/c", "never-existed"]))
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
    deleted = sorted(d["Key"] for d in resp.get("Deleted", []))
    # S3 reports a key that did not exist as deleted too.
    assert deleted == ["a", "b", "dir/c", "never-existed"]
    assert resp.get("Errors", []) == []
    assert list_keys(s3, bucket) == ["keep"]
    assert_content(s3, bucket, "keep", b"keep")


def test_quiet_mode(s3, bucket):
    for k in ["q1", "q2", "q3"]:
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    resp = s3.delete_objects(Bucket=bucket,
                             Delete={**_objects(["q1", "q2", "zz"]), "Quiet": True})
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
    # Quiet: only errors are reported.
    assert resp.get("Deleted", []) == []
    assert resp.get("Errors", []) == []
    assert list_keys(s3, bucket) == ["q3"]


def test_special_character_keys(s3, bucket):
    keys = ["a&b", "<tag>", "quote\"s'", "spa ce/ü/日本", "plus+%20pct"]
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    resp = s3.delete_objects(Bucket=bucket, Delete=_objects(keys))
    assert sorted(d["Key"] for d in resp["Deleted"]) == sorted(keys)
    assert list_keys(s3, bucket) == []


def test_thousand_keys(s3, bucket):
    real = [f"obj/{i:04d}" for i in range(40)]
    for k in real:
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode())
    s3.put_object(Bucket=bucket, Key="survivor", Body=b"s")
    keys = real + [f"ghost/{i:04d}" for i in range(1000 - len(real))]
    assert len(keys) == 1000
    resp = s3.delete_objects(Bucket=bucket, Delete=_objects(keys))
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert len(resp["Deleted"]) == 1000
    assert {d["Key"] for d in resp["Deleted"]} == set(keys)
    assert list_keys(s3, bucket) == ["survivor"]


def test_more_than_thousand_keys_is_malformed(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k0000", Body=b"x")
    keys = [f"k{i:04d}" for i in range(1001)]
    expect_error("MalformedXML", 400, s3.delete_objects, Bucket=bucket,
                 Delete=_objects(keys))
    assert_content(s3, bucket, "k0000", b"x")


def test_empty_object_list_is_malformed(strata, s3, bucket):
    body = (b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></Delete>')
    resp = raw_request(strata, "POST", quote_path(bucket), query={"delete": None},
                       body=body, headers={"Content-MD5": md5_b64(body)})
    assert_raw_error(resp, "MalformedXML", 400)


def test_missing_content_md5(strata, s3, bucket):
    # S3 requires Content-MD5 (or an x-amz-checksum-*) on DeleteObjects.
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    body = b"<Delete><Object><Key>k</Key></Object></Delete>"
    resp = raw_request(strata, "POST", quote_path(bucket), query={"delete": None}, body=body)
    assert_raw_error(resp, "InvalidRequest", 400)
    assert_content(s3, bucket, "k", b"x")


def test_wrong_content_md5(strata, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    body = b"<Delete><Object><Key>k</Key></Object></Delete>"
    resp = raw_request(strata, "POST", quote_path(bucket), query={"delete": None},
                       body=body, headers={"Content-MD5": md5_b64(b"something else")})
    assert_raw_error(resp, "BadDigest", 400)
    assert_content(s3, bucket, "k", b"x")


def test_raw_valid_request_and_response_document(strata, s3, bucket):
    s3.put_object(Bucket=bucket, Key="r1", Body=b"x")
    body = (b'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            b"<Object><Key>r1</Key></Object><Object><Key>r2</Key></Object>"
            b"</Delete>")
    resp = raw_request(strata, "POST", quote_path(bucket), query={"delete": None},
                       body=body, headers={"Content-MD5": md5_b64(body)})
    assert resp.status_code == 200, resp.content
    assert resp.headers.get("x-amz-request-id")
    from strata_helpers import parse_xml
    root = parse_xml(resp.content)
    assert root.tag == "DeleteResult"
    assert sorted(d.findtext("Key") for d in root.findall("Deleted")) == ["r1", "r2"]
    assert_absent(s3, bucket, "r1")


def test_missing_bucket(s3):
    expect_error("NoSuchBucket", 404, s3.delete_objects,
                 Bucket=unique_bucket_name("missing"), Delete=_objects(["a"]))


@pytest.mark.parametrize("quiet", [False, True])
def test_repeat_is_idempotent(s3, bucket, quiet):
    s3.put_object(Bucket=bucket, Key="x", Body=b"1")
    for _ in range(2):
        resp = s3.delete_objects(Bucket=bucket, Delete={**_objects(["x"]), "Quiet": quiet})
        assert resp.get("Errors", []) == []
    assert_absent(s3, bucket, "x")
