"""Conditional GET/HEAD (If-Match, If-None-Match, If-Modified-Since,
If-Unmodified-Since => 304/412) and conditional PUT (If-None-Match: *,
If-Match => 412 PreconditionFailed).

botocore 1.29 has no IfMatch/IfNoneMatch on PutObject: those headers are
added through a before-sign hook (strata_helpers.put_with_headers)."""

import datetime as dt

import pytest
from botocore.exceptions import ClientError

from strata_helpers import (assert_absent, assert_client_error, assert_content,
                            etag_of, expect_error, put_with_headers, random_bytes,
                            read_body)

WRONG_ETAG = '"0123456789abcdef0123456789abcdef"'


@pytest.fixture
def obj(s3, bucket):
    data = random_bytes(50_000)
    s3.put_object(Bucket=bucket, Key="c", Body=data)
    head = s3.head_object(Bucket=bucket, Key="c")
    lm = head["LastModified"]
    return {"bucket": bucket, "data": data, "etag": head["ETag"],
            "earlier": lm - dt.timedelta(hours=1), "lm": lm,
            "later": lm + dt.timedelta(hours=1)}


def status_of(fn, **kw):
    """HTTP status of a GET/HEAD; reads and drops any body."""
    try:
        resp = fn(**kw)
    except ClientError as e:
        return e.response["ResponseMetadata"]["HTTPStatusCode"], e
    if "Body" in resp:
        read_body(resp)
    return resp["ResponseMetadata"]["HTTPStatusCode"], resp


def both(s3, o, **cond):
    """Status of GET and HEAD with the same conditions."""
    kw = {"Bucket": o["bucket"], "Key": "c", **cond}
    return status_of(s3.get_object, **kw)[0], status_of(s3.head_object, **kw)[0]


# --------------------------------------------------------------------------
# GET / HEAD
# --------------------------------------------------------------------------

def test_if_match_true(s3, obj):
    assert both(s3, obj, IfMatch=obj["etag"]) == (200, 200)
    got = s3.get_object(Bucket=obj["bucket"], Key="c", IfMatch=obj["etag"])
    assert read_body(got) == obj["data"]


def test_if_match_star(s3, obj):
    assert both(s3, obj, IfMatch="*") == (200, 200)


def test_if_match_false(s3, obj):
    expect_error("PreconditionFailed", 412, s3.get_object, Bucket=obj["bucket"],
                 Key="c", IfMatch=WRONG_ETAG)
    assert both(s3, obj, IfMatch=WRONG_ETAG) == (412, 412)


def test_if_none_match_true(s3, obj):
    assert both(s3, obj, IfNoneMatch=WRONG_ETAG) == (200, 200)


def test_if_none_match_false_is_304(s3, obj):
    assert both(s3, obj, IfNoneMatch=obj["etag"]) == (304, 304)
    assert both(s3, obj, IfNoneMatch="*") == (304, 304)
    _, err = status_of(s3.get_object, Bucket=obj["bucket"], Key="c", IfNoneMatch=obj["etag"])
    headers = err.response["ResponseMetadata"]["HTTPHeaders"]
    assert headers.get("etag") == obj["etag"], "304 carries the ETag"
    assert headers.get("x-amz-request-id")


def test_if_modified_since(s3, obj):
    assert both(s3, obj, IfModifiedSince=obj["earlier"]) == (200, 200)
    assert both(s3, obj, IfModifiedSince=obj["lm"]) == (304, 304)
    assert both(s3, obj, IfModifiedSince=obj["later"]) == (304, 304)


def test_if_unmodified_since(s3, obj):
    assert both(s3, obj, IfUnmodifiedSince=obj["later"]) == (200, 200)
    assert both(s3, obj, IfUnmodifiedSince=obj["lm"]) == (200, 200)
    assert both(s3, obj, IfUnmodifiedSince=obj["earlier"]) == (412, 412)
    expect_error("PreconditionFailed", 412, s3.get_object, Bucket=obj["bucket"],
                 Key="c", IfUnmodifiedSince=obj["earlier"])


def test_if_match_true_wins_over_unmodified_since_false(s3, obj):
    # RFC 9110 13.2.2 / S3: If-Match present => If-Unmodified-Since ignored.
    assert both(s3, obj, IfMatch=obj["etag"], IfUnmodifiedSince=obj["earlier"]) == (200, 200)


def test_if_none_match_false_with_modified_since_true_is_304(s3, obj):
    # If-None-Match present => If-Modified-Since ignored.
    assert both(s3, obj, IfNoneMatch=obj["etag"], IfModifiedSince=obj["earlier"]) == (304, 304)


def test_if_match_false_with_none_match_true(s3, obj):
    assert both(s3, obj, IfMatch=WRONG_ETAG, IfNoneMatch=WRONG_ETAG) == (412, 412)


def test_conditional_range(s3, obj):
    got = s3.get_object(Bucket=obj["bucket"], Key="c", IfMatch=obj["etag"],
                        Range="bytes=10-19")
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert read_body(got) == obj["data"][10:20]
    status, _ = status_of(s3.get_object, Bucket=obj["bucket"], Key="c",
                          IfMatch=WRONG_ETAG, Range="bytes=10-19")
    assert status == 412


def test_conditions_on_missing_key_are_404(s3, bucket):
    expect_error("NoSuchKey", 404, s3.get_object, Bucket=bucket, Key="missing",
                 IfMatch=WRONG_ETAG)
    expect_error("NoSuchKey", 404, s3.get_object, Bucket=bucket, Key="missing",
                 IfNoneMatch=WRONG_ETAG)


def test_etag_changes_with_content(s3, obj):
    s3.put_object(Bucket=obj["bucket"], Key="c", Body=b"new content")
    assert both(s3, obj, IfMatch=obj["etag"]) == (412, 412)
    assert both(s3, obj, IfNoneMatch=obj["etag"]) == (200, 200)
    assert both(s3, obj, IfMatch=etag_of(b"new content")) == (200, 200)


# --------------------------------------------------------------------------
# Conditional PUT
# --------------------------------------------------------------------------

def test_put_if_none_match_star_creates(make_client, bucket):
    c = make_client()
    resp = put_with_headers(c, {"If-None-Match": "*"}, Bucket=bucket, Key="new", Body=b"v1")
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert_content(c, bucket, "new", b"v1")


def test_put_if_none_match_star_on_existing_fails(make_client, bucket):
    c = make_client()
    c.put_object(Bucket=bucket, Key="k", Body=b"original")
    with pytest.raises(ClientError) as ei:
        put_with_headers(c, {"If-None-Match": "*"}, Bucket=bucket, Key="k", Body=b"replacement")
    assert_client_error(ei, "PreconditionFailed", 412)
    assert_content(c, bucket, "k", b"original")


def test_put_if_match_correct_etag(make_client, bucket):
    c = make_client()
    etag = c.put_object(Bucket=bucket, Key="k", Body=b"original")["ETag"]
    resp = put_with_headers(c, {"If-Match": etag}, Bucket=bucket, Key="k", Body=b"second")
    assert resp["ETag"] == etag_of(b"second")
    assert_content(c, bucket, "k", b"second")


def test_put_if_match_wrong_etag_fails(make_client, bucket):
    c = make_client()
    c.put_object(Bucket=bucket, Key="k", Body=b"original")
    with pytest.raises(ClientError) as ei:
        put_with_headers(c, {"If-Match": WRONG_ETAG}, Bucket=bucket, Key="k", Body=b"nope")
    assert_client_error(ei, "PreconditionFailed", 412)
    assert_content(c, bucket, "k", b"original")


def test_put_if_match_on_missing_key(make_client, bucket):
    # S3: a conditional write with If-Match on a key that does not exist
    # fails with 404 NoSuchKey.
    c = make_client()
    with pytest.raises(ClientError) as ei:
        put_with_headers(c, {"If-Match": WRONG_ETAG}, Bucket=bucket, Key="absent", Body=b"x")
    assert_client_error(ei, "NoSuchKey", 404)
    assert_absent(c, bucket, "absent")


def test_put_if_none_match_second_writer_loses(make_client, bucket):
    c = make_client()
    put_with_headers(c, {"If-None-Match": "*"}, Bucket=bucket, Key="lock", Body=b"first")
    with pytest.raises(ClientError) as ei:
        put_with_headers(c, {"If-None-Match": "*"}, Bucket=bucket, Key="lock", Body=b"second")
    assert_client_error(ei, "PreconditionFailed", 412)
    assert_content(c, bucket, "lock", b"first")


def test_put_if_none_match_after_delete(make_client, bucket):
    c = make_client()
    c.put_object(Bucket=bucket, Key="k", Body=b"1")
    c.delete_object(Bucket=bucket, Key="k")
    put_with_headers(c, {"If-None-Match": "*"}, Bucket=bucket, Key="k", Body=b"2")
    assert_content(c, bucket, "k", b"2")


def test_hook_headers_do_not_leak(make_client, bucket):
    # After the hooked call, plain PutObject works again on the same client.
    c = make_client()
    put_with_headers(c, {"If-None-Match": "*"}, Bucket=bucket, Key="k", Body=b"1")
    c.put_object(Bucket=bucket, Key="k", Body=b"2")
    assert_content(c, bucket, "k", b"2")
