"""POST Object: browser-based uploads (multipart/form-data with a SigV4-signed
policy) against the real binary. Forms are built by hand so the tests decide
the field order and can break the body; boto3's generate_presigned_post is
the reference client. Expectations follow AWS's "POST Policy" and
"Browser-Based Uploads Using POST" documentation."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import socket
import time
import urllib.parse
import uuid

import pytest
import requests

from strata_helpers import (HTTP_TIMEOUT, assert_absent, assert_raw_error, make_user, md5_hex,
                            parse_xml, read_body, signing_key)

BOUNDARY = "----StrataFormBoundary7MA4YWxkTrZu0gW"


# --------------------------------------------------------------------------
# Forms
# --------------------------------------------------------------------------

def encode_form(fields, file=None, after=(), boundary=BOUNDARY, close=True) -> bytes:
    """fields and after: lists of (name, value); file: (filename, bytes,
    content type) or None. after comes behind the file part."""
    out = bytearray()

    def part(name, value, filename=None, ctype=None):
        out.extend(f"--{boundary}\r\n".encode())
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        out.extend(f"Content-Disposition: {disposition}\r\n".encode())
        if ctype:
            out.extend(f"Content-Type: {ctype}\r\n".encode())
        out.extend(b"\r\n")
        out.extend(value.encode() if isinstance(value, str) else value)
        out.extend(b"\r\n")

    for name, value in fields:
        part(name, value)
    if file is not None:
        part("file", file[1], filename=file[0], ctype=file[2])
    for name, value in after:
        part(name, value)
    if close:
        out.extend(f"--{boundary}--\r\n".encode())
    return bytes(out)


def signed_fields(server, bucket, conditions, *, expires_in=300, access_key=None,
                  secret_key=None, region="us-east-1", when=None):
    """The policy and signature fields of a form. The bucket and the three
    x-amz-* fields are added to the conditions, as SDKs do."""
    access_key = access_key or server.access_key
    secret_key = secret_key or server.secret_key
    now = when or dt.datetime.utcnow()
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    credential = f"{access_key}/{amz_date[:8]}/{region}/s3/aws4_request"
    expiration = (now + dt.timedelta(seconds=expires_in)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    policy = {"expiration": expiration,
              "conditions": [{"bucket": bucket}, *conditions,
                             {"x-amz-algorithm": "AWS4-HMAC-SHA256"},
                             {"x-amz-credential": credential},
                             {"x-amz-date": amz_date}]}
    encoded = base64.b64encode(json.dumps(policy).encode()).decode()
    signature = hmac.new(signing_key(secret_key, amz_date[:8], region), encoded.encode(),
                         hashlib.sha256).hexdigest()
    return [("x-amz-algorithm", "AWS4-HMAC-SHA256"), ("x-amz-credential", credential),
            ("x-amz-date", amz_date), ("policy", encoded), ("x-amz-signature", signature)]


def post(server, bucket, body, *, content_type=None, timeout=HTTP_TIMEOUT):
    headers = {"Content-Type": content_type or f"multipart/form-data; boundary={BOUNDARY}"}
    return requests.post(f"{server.endpoint}/{bucket}", data=body, headers=headers,
                         timeout=timeout, allow_redirects=False)


def upload(server, bucket, key, data, *, conditions=None, fields=(), file_name="f.bin",
           file_type="application/octet-stream", **sign_kwargs):
    conditions = [{"key": key}, *(conditions or [])]
    form = [("key", key), *fields, *signed_fields(server, bucket, conditions, **sign_kwargs)]
    return post(server, bucket, encode_form(form, (file_name, data, file_type)))


# --------------------------------------------------------------------------
# Uploads that succeed
# --------------------------------------------------------------------------

def test_boto3_presigned_post(strata, s3, bucket):
    data = os.urandom(300 * 1024 + 7)
    form = s3.generate_presigned_post(bucket, "uploads/photo.jpg", ExpiresIn=600)
    resp = requests.post(form["url"], data=form["fields"],
                         files={"file": ("photo.jpg", data, "image/jpeg")}, timeout=HTTP_TIMEOUT)
    assert resp.status_code == 204, resp.content
    assert resp.headers["ETag"] == f'"{md5_hex(data)}"'
    assert resp.headers["Location"].endswith(f"/{bucket}/uploads/photo.jpg")
    got = s3.get_object(Bucket=bucket, Key="uploads/photo.jpg")
    assert read_body(got) == data
    assert got["ETag"] == f'"{md5_hex(data)}"'
    # No Content-Type field: the stored type is S3's default, not the part's.
    assert got["ContentType"] == "binary/octet-stream"


def test_boto3_presigned_post_with_conditions(strata, s3, bucket):
    form = s3.generate_presigned_post(
        bucket, "docs/${filename}",
        Fields={"Content-Type": "text/plain", "x-amz-meta-owner": "eric",
                "success_action_status": "201"},
        Conditions=[["starts-with", "$key", "docs/"], {"Content-Type": "text/plain"},
                    {"x-amz-meta-owner": "eric"}, {"success_action_status": "201"},
                    ["content-length-range", 1, 1024]],
        ExpiresIn=600)
    resp = requests.post(form["url"], data=form["fields"],
                         files={"file": ("notes.txt", b"hello", "text/plain")},
                         timeout=HTTP_TIMEOUT)
    assert resp.status_code == 201, resp.content
    doc = parse_xml(resp.content)
    assert doc.tag == "PostResponse"
    assert doc.findtext("Bucket") == bucket
    assert doc.findtext("Key") == "docs/notes.txt"
    assert doc.findtext("ETag") == f'"{md5_hex(b"hello")}"'
    assert doc.findtext("Location").endswith(f"/{bucket}/docs/notes.txt")
    head = s3.head_object(Bucket=bucket, Key="docs/notes.txt")
    assert head["ContentType"] == "text/plain"
    assert head["Metadata"] == {"owner": "eric"}


def test_fields_become_object_headers(strata, s3, bucket):
    fields = [("Content-Type", "image/png"), ("Cache-Control", "max-age=60"),
              ("Content-Disposition", 'attachment; filename="x.png"'),
              ("Content-Encoding", "identity"), ("x-amz-meta-Color", "blue"),
              ("acl", "public-read"), ("x-ignore-tracking", "anything")]
    conditions = [["starts-with", "$Content-Type", "image/"],
                  ["starts-with", "$cache-control", ""], ["starts-with", "$content-disposition", ""],
                  ["eq", "$content-encoding", "identity"], {"x-amz-meta-color": "blue"},
                  {"acl": "public-read"}]
    resp = upload(strata, bucket, "img.png", b"\x89PNG....", conditions=conditions, fields=fields)
    assert resp.status_code == 204, resp.content
    head = s3.head_object(Bucket=bucket, Key="img.png")
    assert head["ContentType"] == "image/png"
    assert head["CacheControl"] == "max-age=60"
    assert head["ContentDisposition"] == 'attachment; filename="x.png"'
    assert head["ContentEncoding"] == "identity"
    assert head["Metadata"] == {"color": "blue"}


def test_success_action_status(strata, bucket):
    for status, expect in [("200", 200), ("201", 201), ("204", 204), ("404", 204),
                           ("nonsense", 204)]:
        resp = upload(strata, bucket, f"s-{status}", b"x",
                      conditions=[{"success_action_status": status}],
                      fields=[("success_action_status", status)])
        assert resp.status_code == expect, (status, resp.content)
        if expect != 201:
            assert resp.content == b""


def test_success_action_redirect(strata, bucket):
    target = "https://example.com/done?from=strata"
    resp = upload(strata, bucket, "r/a b+c.txt", b"redirected",
                  conditions=[{"success_action_redirect": target}],
                  fields=[("success_action_redirect", target)])
    assert resp.status_code == 303, resp.content
    location = urllib.parse.urlsplit(resp.headers["Location"])
    assert (location.scheme, location.netloc, location.path) == ("https", "example.com", "/done")
    query = urllib.parse.parse_qs(location.query)
    assert query == {"from": ["strata"], "bucket": [bucket], "key": ["r/a b+c.txt"],
                     "etag": [f'"{md5_hex(b"redirected")}"']}


def test_filename_substitution_and_fields_after_the_file(strata, s3, bucket):
    form = [("key", "in/${filename}"),
            *signed_fields(strata, bucket, [["starts-with", "$key", "in/"]])]
    # Fields after the file are ignored, as AWS does: neither stored nor
    # checked against the policy.
    body = encode_form(form, ("report 1.csv", b"a,b\n", "text/csv"),
                       after=[("x-amz-meta-late", "1"), ("Content-Type", "text/html")])
    resp = post(strata, bucket, body)
    assert resp.status_code == 204, resp.content
    head = s3.head_object(Bucket=bucket, Key="in/report 1.csv")
    assert head["Metadata"] == {}
    assert head["ContentType"] == "binary/octet-stream"


def test_tagging_field(strata, s3, bucket):
    tagging = ("<Tagging><TagSet><Tag><Key>project</Key><Value>blue</Value></Tag>"
               "<Tag><Key>team</Key><Value>storage</Value></Tag></TagSet></Tagging>")
    resp = upload(strata, bucket, "tagged", b"x", conditions=[{"tagging": tagging}],
                  fields=[("tagging", tagging)])
    assert resp.status_code == 204, resp.content
    tags = s3.get_object_tagging(Bucket=bucket, Key="tagged")["TagSet"]
    assert {t["Key"]: t["Value"] for t in tags} == {"project": "blue", "team": "storage"}
    resp = upload(strata, bucket, "bad-tags", b"x", conditions=[{"tagging": "<Tagging>"}],
                  fields=[("tagging", "<Tagging>")])
    refused(resp, "MalformedXML", 400)
    assert_absent(s3, bucket, "bad-tags")


def test_empty_file(strata, s3, bucket):
    resp = upload(strata, bucket, "empty", b"")
    assert resp.status_code == 204, resp.content
    assert read_body(s3.get_object(Bucket=bucket, Key="empty")) == b""


def test_file_with_delimiter_lookalikes(strata, s3, bucket):
    # Everything short of the delimiter ("\r\n--" + boundary), which RFC 2046
    # keeps out of every part.
    data = (b"\r\n--" + BOUNDARY[:-1].encode() + b"\r\n-" + BOUNDARY.encode() + b"\r\n--"
            + BOUNDARY[1:].encode()) * 1000
    data += os.urandom(70_000) + b"\r\n"
    resp = upload(strata, bucket, "tricky", data)
    assert resp.status_code == 204, resp.content
    assert read_body(s3.get_object(Bucket=bucket, Key="tricky")) == data


def test_large_file_streams(strata, s3, bucket):
    """100 MiB through a chunked request body: stored byte for byte, and the
    server's peak memory grows no more than a streamed PutObject of the same
    size made it grow (the comparison also absorbs allocator caches and, in
    sanitizer builds, ASan's quarantine of freed memory)."""
    size = 100 * 1024 * 1024
    block = os.urandom(1 << 20)

    def blocks(md5=None):
        for i in range(size // len(block)):
            chunk = bytes([i & 0xFF]) + block[1:]
            if md5 is not None:
                md5.update(chunk)
            yield chunk

    def peak_kib():
        with open(f"/proc/{strata.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return 0

    # The reference: the same bytes through a presigned, chunked PutObject.
    url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "put.bin"},
                                    ExpiresIn=600)
    before = peak_kib()
    resp = requests.put(url, data=blocks(), timeout=300)
    assert resp.status_code == 200, resp.content
    put_growth = peak_kib() - before

    md5 = hashlib.md5()
    form = [("key", "big.bin"), *signed_fields(strata, bucket, [{"key": "big.bin"}])]
    head = encode_form(form, close=False)
    head += (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; "
             f"filename=\"big.bin\"\r\n\r\n").encode()

    def body():
        yield head
        yield from blocks(md5)
        yield f"\r\n--{BOUNDARY}--\r\n".encode()

    before = peak_kib()
    resp = requests.post(f"{strata.endpoint}/{bucket}", data=body(), timeout=300,
                         headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    assert resp.status_code == 204, resp.content
    assert resp.headers["ETag"] == f'"{md5.hexdigest()}"'
    post_growth = peak_kib() - before
    assert post_growth < put_growth + 48 * 1024, (
        f"peak RSS grew by {post_growth // 1024} MiB for a 100 MiB POST, "
        f"{put_growth // 1024} MiB for the same PUT")
    got = hashlib.md5()
    obj = s3.get_object(Bucket=bucket, Key="big.bin")
    assert obj["ContentLength"] == size
    for chunk in iter(lambda: obj["Body"].read(1 << 20), b""):
        got.update(chunk)
    assert got.hexdigest() == md5.hexdigest()


# --------------------------------------------------------------------------
# Uploads refused
# --------------------------------------------------------------------------

def refused(resp, code, status, message=None):
    fields = assert_raw_error(resp, code, status)
    if message is not None:
        assert fields.get("Message") == message, fields
    return fields


def test_expired_policy(strata, bucket):
    resp = upload(strata, bucket, "late", b"x", expires_in=-5)
    refused(resp, "AccessDenied", 403, "Invalid according to Policy: Policy expired.")
    assert_absent(strata.client(), bucket, "late")


def test_condition_failed(strata, bucket):
    form = [("key", "other/x"), *signed_fields(strata, bucket, [["starts-with", "$key", "user/"]])]
    resp = post(strata, bucket, encode_form(form, ("x", b"x", None)))
    refused(resp, "AccessDenied", 403,
            'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "user/"]')


def test_exact_match_failed(strata, bucket):
    resp = upload(strata, bucket, "k", b"x", conditions=[["eq", "$x-amz-meta-a", "1"]],
                  fields=[("x-amz-meta-a", "2")])
    refused(resp, "AccessDenied", 403,
            'Invalid according to Policy: Policy Condition failed: ["eq", "$x-amz-meta-a", "1"]')


def test_field_not_in_policy(strata, bucket):
    resp = upload(strata, bucket, "k", b"x", fields=[("x-amz-meta-extra", "1")])
    refused(resp, "AccessDenied", 403,
            "Invalid according to Policy: Extra input fields: x-amz-meta-extra")


def test_bucket_condition_must_match_the_url(strata, bucket, bucket2):
    form = [("key", "k"), *signed_fields(strata, bucket2, [{"key": "k"}])]
    resp = post(strata, bucket, encode_form(form, ("x", b"x", None)))
    refused(resp, "AccessDenied", 403,
            f'Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "{bucket2}"]')


def test_content_length_range(strata, s3, bucket):
    resp = upload(strata, bucket, "big", b"x" * 11, conditions=[["content-length-range", 1, 10]])
    refused(resp, "EntityTooLarge", 400)
    resp = upload(strata, bucket, "small", b"", conditions=[["content-length-range", 1, 10]])
    refused(resp, "EntityTooSmall", 400)
    # A file over the limit is refused while it streams, across many chunks.
    resp = upload(strata, bucket, "huge", os.urandom(9 << 20),
                  conditions=[["content-length-range", 0, 5 << 20]])
    refused(resp, "EntityTooLarge", 400)
    for key in ("big", "small", "huge"):
        assert_absent(s3, bucket, key)
    resp = upload(strata, bucket, "fits", b"x" * 10, conditions=[["content-length-range", 1, 10]])
    assert resp.status_code == 204, resp.content


def test_bad_signature_and_unknown_key(strata, bucket):
    resp = upload(strata, bucket, "k", b"x", secret_key="wrong" * 8)
    refused(resp, "SignatureDoesNotMatch", 403)
    resp = upload(strata, bucket, "k", b"x", access_key="AKNOSUCHKEY000000000")
    refused(resp, "InvalidAccessKeyId", 403)
    assert_absent(strata.client(), bucket, "k")


def test_malformed_policy(strata, bucket):
    fields = dict(signed_fields(strata, bucket, [{"key": "k"}]))
    for policy in ["!!not base64!!", base64.b64encode(b"{not json").decode(),
                   base64.b64encode(b'{"conditions": []}').decode(),
                   base64.b64encode(b'{"expiration": "soon", "conditions": []}').decode()]:
        key = signing_key(strata.secret_key, fields["x-amz-date"][:8], "us-east-1")
        signature = hmac.new(key, policy.encode(), hashlib.sha256).hexdigest()
        form = [("key", "k"), *{**fields, "policy": policy, "x-amz-signature": signature}.items()]
        resp = post(strata, bucket, encode_form(form, ("x", b"x", None)))
        refused(resp, "InvalidPolicyDocument", 400)


def test_missing_fields(strata, bucket):
    fields = signed_fields(strata, bucket, [{"key": "k"}])
    # No key.
    resp = post(strata, bucket, encode_form(fields, ("x", b"x", None)))
    refused(resp, "InvalidArgument", 400)
    # No signature (for instance sent after the file, where it is not read).
    form = [("key", "k"), *[(n, v) for n, v in fields if n != "x-amz-signature"]]
    resp = post(strata, bucket, encode_form(form, ("x", b"x", None),
                                            after=[f for f in fields if f[0] == "x-amz-signature"]))
    refused(resp, "InvalidArgument", 400)
    # No file.
    resp = post(strata, bucket, encode_form([("key", "k"), *fields]))
    refused(resp, "InvalidArgument", 400)


def test_invalid_acl(strata, bucket):
    resp = upload(strata, bucket, "k", b"x", conditions=[{"acl": "everyone"}],
                  fields=[("acl", "everyone")])
    refused(resp, "InvalidArgument", 400)


def test_broken_bodies(strata, s3, bucket):
    form = [("key", "broken"), *signed_fields(strata, bucket, [{"key": "broken"}])]
    # The final boundary never comes: the upload fails and leaves nothing.
    resp = post(strata, bucket, encode_form(form, ("x", os.urandom(100_000), None), close=False))
    refused(resp, "MalformedPOSTRequest", 400)
    # The boundary inside the file, followed by junk: a broken body, not a
    # short file.
    resp = post(strata, bucket, encode_form(
        form, ("x", b"abc\r\n--" + BOUNDARY.encode() + b"junk" + os.urandom(1000), None)))
    refused(resp, "MalformedPOSTRequest", 400)
    # No boundary parameter.
    resp = post(strata, bucket, encode_form(form, ("x", b"x", None)),
                content_type="multipart/form-data")
    refused(resp, "MalformedPOSTRequest", 400)
    # A part without a name.
    body = (f"--{BOUNDARY}\r\nContent-Disposition: form-data\r\n\r\nv\r\n--{BOUNDARY}--\r\n")
    resp = post(strata, bucket, body.encode())
    refused(resp, "MalformedPOSTRequest", 400)
    assert_absent(s3, bucket, "broken")


def test_client_gone_mid_file_leaves_nothing(strata, s3, bucket):
    """The connection closes 1 MiB into a 4 MiB file (Content-Length says
    more): no object, an existing one untouched, and the server goes on."""
    s3.put_object(Bucket=bucket, Key="kept", Body=b"old bytes")
    for key in ("gone", "kept"):
        form = [("key", key), *signed_fields(strata, bucket, [{"key": key}])]
        body = encode_form(form, ("x", os.urandom(4 * 1024 * 1024), None))
        head = (f"POST /{bucket} HTTP/1.1\r\nHost: 127.0.0.1:{strata.port}\r\n"
                f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        with socket.create_connection(("127.0.0.1", strata.port), timeout=30) as sock:
            sock.sendall(head + body[:1024 * 1024])
    deadline = time.monotonic() + 2
    while True:
        assert_absent(s3, bucket, "gone")
        assert s3.get_object(Bucket=bucket, Key="kept")["Body"].read() == b"old bytes"
        if time.monotonic() > deadline:
            break
        time.sleep(0.25)
    assert strata.alive()
    assert upload(strata, bucket, "gone", b"now whole").status_code == 204
    assert s3.get_object(Bucket=bucket, Key="gone")["Body"].read() == b"now whole"


def test_fields_before_the_file_are_limited(strata, bucket):
    form = [("key", "k"), ("x-ignore-padding", "p" * 30_000),
            *signed_fields(strata, bucket, [{"key": "k"}])]
    resp = post(strata, bucket, encode_form(form, ("x", b"x", None)))
    refused(resp, "MaxPostPreDataLengthExceeded", 400)
    # Huge part headers count too.
    body = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"key\"\r\n"
            f"X-Pad: {'h' * 30_000}\r\n\r\nk\r\n--{BOUNDARY}--\r\n")
    resp = post(strata, bucket, body.encode())
    refused(resp, "MaxPostPreDataLengthExceeded", 400)


def test_sigv2_form_is_refused(strata, bucket):
    form = [("key", "k"), ("AWSAccessKeyId", strata.access_key), ("signature", "abc")]
    resp = post(strata, bucket, encode_form(form, ("x", b"x", None)))
    refused(resp, "InvalidRequest", 400)


def test_missing_bucket(strata):
    name = "nx-" + uuid.uuid4().hex[:12]
    resp = upload(strata, name, "k", b"x")
    refused(resp, "NoSuchBucket", 404)


# --------------------------------------------------------------------------
# Authorization
# --------------------------------------------------------------------------

def test_signer_needs_put_object(strata, s3, bucket):
    _, ak, sk = make_user(strata, policies=["readonly"])
    resp = upload(strata, bucket, "ro", b"x", access_key=ak, secret_key=sk)
    refused(resp, "AccessDenied", 403, "Access Denied")
    assert_absent(s3, bucket, "ro")
    _, ak, sk = make_user(strata, policies=["readwrite"])
    resp = upload(strata, bucket, "rw", b"x", access_key=ak, secret_key=sk)
    assert resp.status_code == 204, resp.content


def test_anonymous_form_needs_a_bucket_policy(strata, s3, bucket):
    body = encode_form([("key", "anon/a.txt"), ("Content-Type", "text/plain")],
                       ("a.txt", b"anonymous", "text/plain"))
    refused(post(strata, bucket, body), "AccessDenied", 403)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject",
                       "Resource": f"arn:aws:s3:::{bucket}/anon/*"}]}))
    resp = post(strata, bucket, body)
    assert resp.status_code == 204, resp.content
    assert read_body(s3.get_object(Bucket=bucket, Key="anon/a.txt")) == b"anonymous"
    # The policy names a prefix: elsewhere stays closed.
    body = encode_form([("key", "other.txt")], ("a.txt", b"x", None))
    refused(post(strata, bucket, body), "AccessDenied", 403)
    # A policy field makes the form a signed one: the signature must be there.
    body = encode_form([("key", "anon/b.txt"), ("policy", "e30=")], ("b.txt", b"x", None))
    refused(post(strata, bucket, body), "InvalidArgument", 400)


def test_post_without_form_content_type_is_not_an_upload(strata, bucket):
    resp = requests.post(f"{strata.endpoint}/{bucket}", data=b"x", timeout=HTTP_TIMEOUT)
    assert_raw_error(resp, "MethodNotAllowed", 405)
