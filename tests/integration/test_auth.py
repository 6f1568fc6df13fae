"""Authentication: SigV4 header auth, presigned URLs (up to 7 days),
aws-chunked signed streaming payloads, UNSIGNED-PAYLOAD, and the ways a
signature can be wrong. The bad-input list (wrong secret, unknown key,
expired URL, skewed clock, anonymous) is in test_bad_input.py."""

import datetime as dt
import urllib.parse

import pytest
import requests
from botocore.exceptions import ClientError

from strata_helpers import (UNSIGNED_PAYLOAD, assert_absent,
                            assert_client_error, assert_content, assert_raw_error,
                            etag_of, parse_error, quote_path, random_bytes,
                            raw_request, sha256, sign_request, skewed_clock,
                            streaming_put)

MiB = 1024 * 1024


# --------------------------------------------------------------------------
# Header auth with raw requests
# --------------------------------------------------------------------------

def test_signed_payload(strata, s3, bucket):
    data = random_bytes(100_000)
    resp = raw_request(strata, "PUT", quote_path(bucket, "signed"), body=data)
    assert resp.status_code == 200, resp.content
    assert resp.headers.get("ETag") == etag_of(data)
    assert_content(s3, bucket, "signed", data)


def test_unsigned_payload(strata, s3, bucket):
    data = random_bytes(300_000)
    resp = raw_request(strata, "PUT", quote_path(bucket, "unsigned"), body=data,
                       payload_hash=UNSIGNED_PAYLOAD)
    assert resp.status_code == 200, resp.content
    assert resp.headers.get("ETag") == etag_of(data)
    assert_content(s3, bucket, "unsigned", data)
    got = raw_request(strata, "GET", quote_path(bucket, "unsigned"),
                      payload_hash=UNSIGNED_PAYLOAD)
    assert got.status_code == 200
    assert sha256(got.content) == sha256(data)


def test_payload_hash_mismatch(strata, s3, bucket):
    data = b"the real body"
    resp = raw_request(strata, "PUT", quote_path(bucket, "mismatch"), body=data,
                       payload_hash=sha256(b"a different body"))
    assert_raw_error(resp, "XAmzContentSHA256Mismatch", 400)
    assert_absent(s3, bucket, "mismatch")


def test_missing_content_sha256_header(strata, s3, bucket):
    # S3 requires x-amz-content-sha256 with header auth.
    resp = raw_request(strata, "PUT", quote_path(bucket, "nohash"), body=b"abc",
                       payload_hash=None)
    assert_raw_error(resp, "InvalidRequest", 400)
    assert_absent(s3, bucket, "nohash")


def test_header_changed_after_signing(strata, s3, bucket):
    url = strata.endpoint + quote_path(bucket, "tampered")
    headers = sign_request("PUT", url, access_key=strata.access_key,
                           secret_key=strata.secret_key, body=b"x",
                           headers={"x-amz-meta-owner": "alice"})
    headers["x-amz-meta-owner"] = "mallory"
    resp = requests.put(url, data=b"x", headers=headers, timeout=60)
    assert_raw_error(resp, "SignatureDoesNotMatch", 403)
    assert_absent(s3, bucket, "tampered")


def test_body_changed_after_signing(strata, s3, bucket):
    url = strata.endpoint + quote_path(bucket, "body-tampered")
    headers = sign_request("PUT", url, access_key=strata.access_key,
                           secret_key=strata.secret_key, body=b"original")
    resp = requests.put(url, data=b"modified", headers=headers, timeout=60)
    assert_raw_error(resp, "XAmzContentSHA256Mismatch", 400)
    assert_absent(s3, bucket, "body-tampered")


def test_any_signing_region_is_accepted(strata, bucket):
    # Strata serves one region but accepts any signing region, so clients work
    # whatever region they are configured with (issue 2).
    for region in ("eu-west-1", "ap-south-1", "us-east-1"):
        c = strata.client("path", region=region)
        c.put_object(Bucket=bucket, Key=f"signed-{region}", Body=region.encode())
        assert c.get_object(Bucket=bucket, Key=f"signed-{region}")["Body"].read() == region.encode()


def test_garbage_authorization_header(strata, s3, bucket):
    resp = requests.put(strata.endpoint + quote_path(bucket, "garbage"), data=b"x",
                        headers={"Authorization": "AWS4-HMAC-SHA256 nonsense",
                                 "x-amz-date": dt.datetime.utcnow().strftime("%Y%m%dT%H%M%SZ"),
                                 "x-amz-content-sha256": UNSIGNED_PAYLOAD},
                        timeout=60)
    assert_raw_error(resp, "AuthorizationHeaderMalformed", 400)
    assert_absent(s3, bucket, "garbage")


def test_skew_within_window_is_accepted(strata, s3, bucket):
    for minutes in (-10, 10):
        with skewed_clock(dt.timedelta(minutes=minutes)):
            c = strata.client("path")
            c.put_object(Bucket=bucket, Key=f"skew{minutes}", Body=b"ok")
        assert_content(s3, bucket, f"skew{minutes}", b"ok")


# --------------------------------------------------------------------------
# aws-chunked streaming, signed chunks
# --------------------------------------------------------------------------

@pytest.mark.parametrize("size,chunk", [(0, 65536), (1000, 65536), (200_000, 65536),
                                        (3 * MiB + 5, 1 * MiB)],
                         ids=["empty", "one-chunk", "several", "3MiB"])
def test_streaming_signed_payload(strata, s3, bucket, size, chunk):
    data = random_bytes(size)
    resp = streaming_put(strata, bucket, "streamed", data, chunk_size=chunk)
    assert resp.status_code == 200, resp.content
    assert resp.headers.get("ETag") == etag_of(data)
    assert_content(s3, bucket, "streamed", data)
    head = s3.head_object(Bucket=bucket, Key="streamed")
    assert head["ContentLength"] == size
    # aws-chunked is a transfer detail: it is not stored as Content-Encoding.
    assert "aws-chunked" not in head.get("ContentEncoding", "")


def test_streaming_with_content_type_and_metadata(strata, s3, bucket):
    data = random_bytes(70_000)
    resp = streaming_put(strata, bucket, "streamed-meta", data,
                         extra_headers={"Content-Type": "text/plain",
                                        "x-amz-meta-kind": "stream"})
    assert resp.status_code == 200, resp.content
    head = s3.head_object(Bucket=bucket, Key="streamed-meta")
    assert head["ContentType"] == "text/plain"
    assert head["Metadata"] == {"kind": "stream"}


@pytest.mark.parametrize("idx", [0, 2, 4], ids=["first", "middle", "final-empty"])
def test_streaming_bad_chunk_signature(strata, s3, bucket, idx):
    s3.put_object(Bucket=bucket, Key="streamed", Body=b"old content")
    data = random_bytes(3 * 65536 + 100)   # chunks 0..3 with data, 4 is the final one
    resp = streaming_put(strata, bucket, "streamed", data, chunk_size=65536,
                         tamper_chunk=idx)
    assert_raw_error(resp, "SignatureDoesNotMatch", 403)
    assert_content(s3, bucket, "streamed", b"old content")


def test_streaming_bad_seed_signature(strata, s3, bucket):
    # a different secret: the seed signature itself is wrong
    class Other:
        endpoint = strata.endpoint
        access_key = strata.access_key
        secret_key = "x" * 40
    resp = streaming_put(Other, bucket, "streamed", b"data")
    assert_raw_error(resp, "SignatureDoesNotMatch", 403)
    assert_absent(s3, bucket, "streamed")


# --------------------------------------------------------------------------
# Presigned URLs
# --------------------------------------------------------------------------

def test_presigned_get(s3, bucket):
    data = random_bytes(123_456)
    s3.put_object(Bucket=bucket, Key="dir/pre signed+é", Body=data)
    url = s3.generate_presigned_url("get_object",
                                    Params={"Bucket": bucket, "Key": "dir/pre signed+é"},
                                    ExpiresIn=300)
    resp = requests.get(url, timeout=60)
    assert resp.status_code == 200, resp.content
    assert sha256(resp.content) == sha256(data)
    assert resp.headers.get("x-amz-request-id")


def test_presigned_put(s3, bucket):
    data = random_bytes(50_000)
    url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "up"},
                                    ExpiresIn=300)
    resp = requests.put(url, data=data, timeout=60)
    assert resp.status_code == 200, resp.content
    assert resp.headers.get("ETag") == etag_of(data)
    assert_content(s3, bucket, "up", data)


def test_presigned_head_and_list(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"abc")
    url = s3.generate_presigned_url("head_object", Params={"Bucket": bucket, "Key": "k"})
    resp = requests.head(url, timeout=60)
    assert resp.status_code == 200
    assert resp.headers.get("Content-Length") == "3"
    url = s3.generate_presigned_url("list_objects_v2", Params={"Bucket": bucket})
    resp = requests.get(url, timeout=60)
    assert resp.status_code == 200
    assert b"<Key>k</Key>" in resp.content


def test_presigned_seven_days(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"week")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"},
                                    ExpiresIn=7 * 24 * 3600)
    resp = requests.get(url, timeout=60)
    assert resp.status_code == 200, resp.content
    assert resp.content == b"week"


def test_presigned_longer_than_seven_days(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"},
                                    ExpiresIn=7 * 24 * 3600 + 1)
    resp = requests.get(url, timeout=60)
    assert_raw_error(resp, "AuthorizationQueryParametersError", 400)


def test_presigned_signed_in_the_past_still_valid(strata, s3, bucket):
    # Presigned URLs are checked against X-Amz-Date + X-Amz-Expires, not
    # against the 15-minute skew window.
    s3.put_object(Bucket=bucket, Key="k", Body=b"old url")
    with skewed_clock(dt.timedelta(minutes=-30)):
        c = strata.client("path")
        url = c.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"},
                                       ExpiresIn=3600)
    resp = requests.get(url, timeout=60)
    assert resp.status_code == 200, resp.content
    assert resp.content == b"old url"


def test_presigned_tampered_signature(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    parts = urllib.parse.urlsplit(url)
    q = urllib.parse.parse_qsl(parts.query)
    q = [(k, ("0" * 64 if k == "X-Amz-Signature" else v)) for k, v in q]
    bad = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(q)))
    assert_raw_error(requests.get(bad, timeout=60), "SignatureDoesNotMatch", 403)


def test_presigned_for_other_key(s3, bucket):
    s3.put_object(Bucket=bucket, Key="allowed", Body=b"a")
    s3.put_object(Bucket=bucket, Key="secret", Body=b"s")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "allowed"})
    bad = url.replace("/allowed?", "/secret?")
    assert bad != url
    resp = requests.get(bad, timeout=60)
    assert_raw_error(resp, "SignatureDoesNotMatch", 403)


def test_presigned_get_used_for_put(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"original")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    resp = requests.put(url, data=b"overwrite", timeout=60)
    assert_raw_error(resp, "SignatureDoesNotMatch", 403)
    assert_content(s3, bucket, "k", b"original")


def test_presigned_wrong_secret(strata, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    c = strata.client("path", secret_key="W" * 40)
    url = c.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    assert_raw_error(requests.get(url, timeout=60), "SignatureDoesNotMatch", 403)


def test_presigned_unknown_access_key(strata, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    c = strata.client("path", access_key="AKNOSUCHKEY000000000")
    url = c.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    assert_raw_error(requests.get(url, timeout=60), "InvalidAccessKeyId", 403)


def test_error_body_for_signature_mismatch(strata, bucket):
    c = strata.client("path", secret_key="W" * 40)
    url = c.generate_presigned_url("list_objects_v2", Params={"Bucket": bucket})
    resp = requests.get(url, timeout=60)
    err = parse_error(resp)
    assert err["Code"] == "SignatureDoesNotMatch"
    # S3 tells the client what it should have signed, never the secret.
    assert "W" * 40 not in resp.text
    assert strata.secret_key not in resp.text
