"""Bad input: each case must get the S3 error code and HTTP status a client
expects, and must store nothing (checked afterwards with HEAD and a list),
nor change what was there."""

import datetime as dt
import socket
import time

import pytest
import requests

from strata_helpers import (UNSIGNED_PAYLOAD, assert_absent,
                            assert_content, assert_raw_error, build_raw_head,
                            error_code_of_body, expect_error, list_keys, md5_b64,
                            quote_path, random_bytes, raw_request,
                            read_http_response, sign_request, skewed_clock)

MiB = 1024 * 1024


def bucket_names(s3):
    return [b["Name"] for b in s3.list_buckets()["Buckets"]]


# --------------------------------------------------------------------------
# Credentials and signatures
# --------------------------------------------------------------------------

def test_wrong_secret(strata, s3, bucket):
    bad = strata.client("path", secret_key=strata.secret_key[::-1] + "x")
    expect_error("SignatureDoesNotMatch", 403, bad.put_object, Bucket=bucket, Key="k",
                 Body=b"should not be stored")
    assert_absent(s3, bucket, "k")
    expect_error("SignatureDoesNotMatch", 403, bad.list_buckets)
    s3.put_object(Bucket=bucket, Key="exists", Body=b"keep")
    expect_error("SignatureDoesNotMatch", 403, bad.delete_object, Bucket=bucket, Key="exists")
    expect_error("SignatureDoesNotMatch", 403, bad.get_object, Bucket=bucket, Key="exists")
    assert_content(s3, bucket, "exists", b"keep")


def test_unknown_access_key(strata, s3, bucket, bucket_name):
    bad = strata.client("path", access_key="AKIANOSUCHKEY0000000")
    expect_error("InvalidAccessKeyId", 403, bad.put_object, Bucket=bucket, Key="k", Body=b"x")
    assert_absent(s3, bucket, "k")
    expect_error("InvalidAccessKeyId", 403, bad.create_bucket, Bucket=bucket_name + "-x")
    assert bucket_name + "-x" not in bucket_names(s3)


def test_expired_presigned_url(s3, bucket):
    s3.put_object(Bucket=bucket, Key="existing", Body=b"old")
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "new"},
                                        ExpiresIn=1)
    overwrite_url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "existing"}, ExpiresIn=1)
    get_url = s3.generate_presigned_url("get_object",
                                        Params={"Bucket": bucket, "Key": "existing"},
                                        ExpiresIn=1)
    time.sleep(2.5)
    assert_raw_error(requests.put(put_url, data=b"late", timeout=60), "AccessDenied", 403)
    assert_raw_error(requests.put(overwrite_url, data=b"late", timeout=60), "AccessDenied", 403)
    resp = requests.get(get_url, timeout=60)
    assert_raw_error(resp, "AccessDenied", 403)
    assert b"old" not in resp.content
    assert_absent(s3, bucket, "new")
    assert_content(s3, bucket, "existing", b"old")


@pytest.mark.parametrize("minutes", [-20, 20], ids=["past", "future"])
def test_skewed_clock(strata, s3, bucket, minutes):
    s3.put_object(Bucket=bucket, Key="existing", Body=b"old")
    c = strata.client("path")
    with skewed_clock(dt.timedelta(minutes=minutes)):
        expect_error("RequestTimeTooSkewed", 403, c.put_object, Bucket=bucket, Key="k",
                     Body=b"x")
        expect_error("RequestTimeTooSkewed", 403, c.put_object, Bucket=bucket,
                     Key="existing", Body=b"new")
        expect_error("RequestTimeTooSkewed", 403, c.list_objects_v2, Bucket=bucket)
    assert_absent(s3, bucket, "k")
    assert_content(s3, bucket, "existing", b"old")


def test_anonymous_requests(strata, s3, bucket):
    s3.put_object(Bucket=bucket, Key="private", Body=b"secret")
    base = strata.endpoint
    assert_raw_error(requests.get(base + "/", timeout=60), "AccessDenied", 403)
    assert_raw_error(requests.get(f"{base}/{bucket}", timeout=60), "AccessDenied", 403)
    resp = requests.get(f"{base}/{bucket}/private", timeout=60)
    assert_raw_error(resp, "AccessDenied", 403)
    assert b"secret" not in resp.content
    assert_raw_error(requests.put(f"{base}/{bucket}/anon", data=b"x", timeout=60),
                     "AccessDenied", 403)
    assert_raw_error(requests.delete(f"{base}/{bucket}/private", timeout=60),
                     "AccessDenied", 403)
    assert_raw_error(requests.put(f"{base}/{bucket}-anon", timeout=60), "AccessDenied", 403)
    assert_absent(s3, bucket, "anon")
    assert_content(s3, bucket, "private", b"secret")
    assert f"{bucket}-anon" not in bucket_names(s3)


# --------------------------------------------------------------------------
# Malformed XML
# --------------------------------------------------------------------------

MALFORMED = [
    b"<Delete><Object><Key>a</Key></Object>",                      # truncated
    b"<Delete><Object><Key>a</Key></Object></Delete",              # broken end tag
    b"this is not xml at all",
    b"<Delete><Object><Key>a</Key></Objekt></Delete>",             # mismatched tags
    b"<Delete><Object><Nope>a</Nope></Object></Delete>",           # Object without Key
    b"<Wrong><Object><Key>a</Key></Object></Wrong>",               # wrong root
    b"",                                                           # empty body
]


@pytest.mark.parametrize("body", MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_xml_delete_objects(strata, s3, bucket, body):
    s3.put_object(Bucket=bucket, Key="a", Body=b"still here")
    resp = raw_request(strata, "POST", quote_path(bucket), query={"delete": None},
                       body=body, headers={"Content-MD5": md5_b64(body)})
    assert_raw_error(resp, "MalformedXML", 400)
    assert_content(s3, bucket, "a", b"still here")


def test_oversize_delete_objects_body(strata, s3, bucket):
    # Well-formed but past the 2 MiB a 1000-key request can need: refused
    # before parsing, and nothing is deleted.
    s3.put_object(Bucket=bucket, Key="a", Body=b"still here")
    body = (b"<Delete><Object><Key>a</Key></Object><!--" + b"x" * (2 << 20) +
            b"--></Delete>")
    resp = raw_request(strata, "POST", quote_path(bucket), query={"delete": None},
                       body=body, headers={"Content-MD5": md5_b64(body)})
    assert_raw_error(resp, "MalformedXML", 400)
    assert_content(s3, bucket, "a", b"still here")


def test_oversize_create_bucket_configuration(strata, s3, bucket_name):
    body = (b"<CreateBucketConfiguration><!--" + b"x" * (100 * 1024) +
            b"--><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>")
    resp = raw_request(strata, "PUT", quote_path(bucket_name), body=body)
    assert_raw_error(resp, "MalformedXML", 400)
    assert bucket_name not in bucket_names(s3)


# --------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------

@pytest.mark.parametrize("key,ok", [
    ("k" * 1024, True),
    ("k" * 1025, False),
    ("é" * 512, True),            # 1024 bytes in UTF-8
    ("é" * 512 + "k", False),     # 1025 bytes
    ("dir/" * 255 + "abcd", True),  # 1024 bytes
], ids=["ascii-1024", "ascii-1025", "utf8-1024", "utf8-1025", "slashes-1024"])
def test_key_length(s3, bucket, key, ok):
    assert len(key.encode()) in (1024, 1025)
    data = b"long key"
    if ok:
        s3.put_object(Bucket=bucket, Key=key, Body=data)
        assert_content(s3, bucket, key, data)
        assert list_keys(s3, bucket) == [key]
    else:
        expect_error("KeyTooLongError", 400, s3.put_object, Bucket=bucket, Key=key, Body=data)
        assert list_keys(s3, bucket) == []


@pytest.mark.parametrize("name", [
    "ab",                      # too short
    "a" * 64,                  # too long
    "MyBucket-upper",          # upper case
    "my_bucket_underscore",    # underscore
    "192.168.5.4",             # IP address
    "-starts-with-dash",
    "ends-with-dash-",
    "two..dots",
    ".starts-with-dot",
])
def test_invalid_bucket_name(s3, name):
    expect_error("InvalidBucketName", 400, s3.create_bucket, Bucket=name)
    assert name not in bucket_names(s3)


# --------------------------------------------------------------------------
# Digests
# --------------------------------------------------------------------------

def test_bad_digest(s3, bucket):
    expect_error("BadDigest", 400, s3.put_object, Bucket=bucket, Key="new",
                 Body=b"the body", ContentMD5=md5_b64(b"another body"))
    assert_absent(s3, bucket, "new")
    s3.put_object(Bucket=bucket, Key="existing", Body=b"old content")
    expect_error("BadDigest", 400, s3.put_object, Bucket=bucket, Key="existing",
                 Body=b"new content", ContentMD5=md5_b64(b"not the new content"))
    assert_content(s3, bucket, "existing", b"old content")


def test_good_digest(s3, bucket):
    data = random_bytes(10_000)
    s3.put_object(Bucket=bucket, Key="k", Body=data, ContentMD5=md5_b64(data))
    assert_content(s3, bucket, "k", data)


@pytest.mark.parametrize("digest", ["not-base64!!", "AAAA", "x" * 40],
                         ids=["not-base64", "too-short", "too-long"])
def test_invalid_digest(strata, s3, bucket, digest):
    resp = raw_request(strata, "PUT", quote_path(bucket, "k"), body=b"body",
                       headers={"Content-MD5": digest})
    assert_raw_error(resp, "InvalidDigest", 400)
    assert_absent(s3, bucket, "k")


TAGGING_XML = (b"<Tagging><TagSet><Tag><Key>team</Key><Value>blue</Value></Tag>"
               b"</TagSet></Tagging>")
CORS_XML = (b"<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin>"
            b"<AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>")
VERSIONING_XML = b"<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>"
POLICY_JSON = (b'{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",'
               b'"Action":"s3:GetObject","Resource":"arn:aws:s3:::BUCKET/never/*"}]}')


@pytest.mark.parametrize("subresource,body,read_back", [
    ("tagging", TAGGING_XML, "get_bucket_tagging"),
    ("cors", CORS_XML, "get_bucket_cors"),
    ("versioning", VERSIONING_XML, "get_bucket_versioning"),
    ("policy", POLICY_JSON, "get_bucket_policy"),
], ids=["tagging", "cors", "versioning", "policy"])
def test_configuration_bodies_check_content_md5(strata, s3, bucket, subresource, body,
                                                read_back):
    """A Content-MD5 on a bucket configuration body is checked as on a PUT:
    a wrong one is BadDigest, a malformed one InvalidDigest, and neither
    changes the configuration; the right one is accepted."""
    body = body.replace(b"BUCKET", bucket.encode())
    before = getattr(s3, read_back)(Bucket=bucket) if subresource == "versioning" else None
    for digest, code in ((md5_b64(body + b" "), "BadDigest"), ("AAAA", "InvalidDigest")):
        resp = raw_request(strata, "PUT", quote_path(bucket), query={subresource: ""},
                           body=body, headers={"Content-MD5": digest})
        assert_raw_error(resp, code, 400)
    if subresource == "versioning":
        assert s3.get_bucket_versioning(Bucket=bucket).get("Status") == before.get("Status")
    else:
        code = {"tagging": "NoSuchTagSet", "cors": "NoSuchCORSConfiguration",
                "policy": "NoSuchBucketPolicy"}[subresource]
        expect_error(code, 404, getattr(s3, read_back), Bucket=bucket)
    resp = raw_request(strata, "PUT", quote_path(bucket), query={subresource: ""},
                       body=body, headers={"Content-MD5": md5_b64(body)})
    assert resp.status_code in (200, 204), (resp.status_code, resp.text)
    getattr(s3, read_back)(Bucket=bucket)


# --------------------------------------------------------------------------
# Sizes and headers
# --------------------------------------------------------------------------

def test_metadata_too_large(s3, bucket):
    # User metadata is limited to 2 KB (names + values, UTF-8).
    expect_error("MetadataTooLarge", 400, s3.put_object, Bucket=bucket, Key="k",
                 Body=b"x", Metadata={"big": "v" * 2100})
    assert_absent(s3, bucket, "k")
    s3.put_object(Bucket=bucket, Key="ok", Body=b"x", Metadata={"small": "v" * 1500})
    assert s3.head_object(Bucket=bucket, Key="ok")["Metadata"] == {"small": "v" * 1500}


def _signed_head(strata, method, bucket, key, headers, payload_hash=UNSIGNED_PAYLOAD):
    path = quote_path(bucket, key)
    url = strata.endpoint + path
    signed = sign_request(method, url, access_key=strata.access_key,
                          secret_key=strata.secret_key, headers=headers,
                          payload_hash=payload_hash)
    signed = {"Host": strata.host_port, **signed}
    return path, signed


def _exchange(strata, head: bytes, body: bytes = b"", timeout=30.0):
    """Send a raw request; return (status, headers, body) or raise."""
    with socket.create_connection(("127.0.0.1", strata.port), timeout=timeout) as sock:
        try:
            sock.sendall(head + body)
        except (BrokenPipeError, ConnectionResetError):
            pass   # the server may answer and close before reading it all
        return read_http_response(sock, timeout=timeout)


def test_oversize_headers(strata, s3, bucket):
    path, headers = _signed_head(strata, "PUT", bucket, "k",
                                 {"Content-Length": "5"})
    headers["X-Filler"] = "a" * (70 * 1024)
    try:
        status, hdrs, body = _exchange(strata, build_raw_head("PUT", path, headers), b"hello")
    except ConnectionResetError:
        pytest.fail("connection reset without an HTTP answer to a 70 KB header")
    assert status == 400, (status, body[:300])
    assert error_code_of_body(body) == "RequestHeaderSectionTooLarge", body[:500]
    assert strata.alive()
    assert_absent(s3, bucket, "k")


def test_entity_too_large(strata, s3, bucket):
    # More than 5 GiB in one PUT: refused from the head, before any body.
    path, headers = _signed_head(strata, "PUT", bucket, "huge",
                                 {"Content-Length": str(5 * 1024 ** 3 + 1),
                                  "Expect": "100-continue"})
    status, _, body = _exchange(strata, build_raw_head("PUT", path, headers))
    assert status != 100, "100 Continue: the server asked for a body over 5 GiB"
    assert status == 400, (status, body[:300])
    assert error_code_of_body(body) == "EntityTooLarge", body[:500]
    assert_absent(s3, bucket, "huge")


def test_missing_content_length(strata, s3, bucket):
    path, headers = _signed_head(strata, "PUT", bucket, "nolen", {})
    assert not any(k.lower() in ("content-length", "transfer-encoding") for k in headers)
    status, _, body = _exchange(strata, build_raw_head("PUT", path, headers))
    assert status == 411, (status, body[:300])
    assert error_code_of_body(body) == "MissingContentLength", body[:500]
    assert_absent(s3, bucket, "nolen")


# --------------------------------------------------------------------------
# A client that goes away in the middle of an upload
# --------------------------------------------------------------------------

def _abandoned_upload(strata, bucket, key):
    total = 10 * MiB
    path, headers = _signed_head(strata, "PUT", bucket, key,
                                 {"Content-Length": str(total)})
    sock = socket.create_connection(("127.0.0.1", strata.port), timeout=30)
    sock.sendall(build_raw_head("PUT", path, headers))
    sock.sendall(random_bytes(MiB))
    sock.close()


def _settle(check, seconds=2.0):
    """Run `check` now and repeatedly for a while: it must hold throughout."""
    deadline = time.monotonic() + seconds
    while True:
        check()
        if time.monotonic() > deadline:
            return
        time.sleep(0.25)


def test_disconnect_mid_upload_new_key(strata, s3, bucket):
    _abandoned_upload(strata, bucket, "partial")
    _settle(lambda: assert_absent(s3, bucket, "partial"))
    assert strata.alive()
    # the server still works, and the key can be written normally
    s3.put_object(Bucket=bucket, Key="partial", Body=b"complete")
    assert_content(s3, bucket, "partial", b"complete")


def test_disconnect_mid_upload_existing_key(strata, s3, bucket):
    old = random_bytes(200_000)
    s3.put_object(Bucket=bucket, Key="existing", Body=old)
    _abandoned_upload(strata, bucket, "existing")
    _settle(lambda: assert_content(s3, bucket, "existing", old))
    head = s3.head_object(Bucket=bucket, Key="existing")
    assert head["ContentLength"] == len(old)
    assert strata.alive()


def test_many_abandoned_uploads_leave_server_usable(strata, s3, bucket):
    for i in range(5):
        _abandoned_upload(strata, bucket, f"p{i}")
    _settle(lambda: [assert_absent(s3, bucket, f"p{i}") for i in range(5)], seconds=1.0)
    assert list_keys(s3, bucket) == []
    s3.put_object(Bucket=bucket, Key="after", Body=b"ok")
    assert_content(s3, bucket, "after", b"ok")
