"""Helpers shared by the integration tests: hashing, S3 error assertions,
raw SigV4-signed requests (for what boto3 cannot or will not send), extra
headers through botocore event hooks, and a skewed signing clock.

The reference for every expectation is what Amazon S3 answers, not what a
fake S3 server does.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as _dt
import hashlib
import hmac
import itertools
import os
import re
import shutil
import socket
import types
import urllib.parse
import uuid
import xml.etree.ElementTree as ET

import botocore.auth
import pytest
import requests
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
STREAMING_PAYLOAD = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
S3_NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
HTTP_TIMEOUT = 60
# Bucket names that the TLS server's certificate also names as
# <bucket>.localhost, for virtual-host-style requests over HTTPS.
TLS_VHOST_BUCKETS = ("tls-vhost-bucket",)


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------

def unique_bucket_name(hint: str = "t") -> str:
    """A valid bucket name, unique per call: <hint>-<12 hex digits>."""
    hint = re.sub(r"[^a-z0-9-]+", "-", hint.lower()).strip("-") or "t"
    hint = hint[:40].strip("-") or "t"
    return f"{hint}-{uuid.uuid4().hex[:12]}"


def which(tool: str, preferred: str | None = None) -> str:
    """Path of an external tool (preferring `preferred`), or skip the test."""
    if preferred and os.access(preferred, os.X_OK):
        return preferred
    path = shutil.which(tool)
    if not path:
        # CI sets STRATA_REQUIRE_BINARY=1: a missing client is a broken setup,
        # never a silently skipped test.
        if os.environ.get("STRATA_REQUIRE_BINARY") == "1":
            pytest.fail(f"{tool} is not installed (scripts/install-deps.sh installs it)")
        pytest.skip(f"{tool} is not installed")
    return path


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def md5_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def etag_of(data: bytes) -> str:
    """The ETag S3 gives a single-part object: the quoted hex MD5."""
    return '"%s"' % md5_hex(data)


def random_bytes(n: int) -> bytes:
    return os.urandom(n)


def file_sha256(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_body(resp) -> bytes:
    """Read a boto3 GetObject StreamingBody fully."""
    return resp["Body"].read()


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------

def error_of(exc: ClientError):
    """(code, http status) of a botocore ClientError."""
    return (exc.response.get("Error", {}).get("Code"),
            exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode"))


def assert_client_error(excinfo, code, status):
    """Assert a pytest.raises(ClientError) result carries exactly this S3
    error code and HTTP status, and that the error answer has a request id."""
    exc = excinfo.value
    got_code, got_status = error_of(exc)
    assert (got_code, got_status) == (code, status), (
        f"expected {code} {status}, got {got_code} {got_status}: {exc.response}")
    headers = exc.response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
    assert headers.get("x-amz-request-id"), \
        f"error answer without x-amz-request-id: {headers}"


def expect_error(code, status, fn, *args, **kwargs):
    """Call fn, expect a ClientError with this code and status; return it."""
    with pytest.raises(ClientError) as excinfo:
        fn(*args, **kwargs)
    assert_client_error(excinfo, code, status)
    return excinfo.value


def strip_ns(tag: str) -> str:
    return tag.split("}", 1)[1] if tag.startswith("{") else tag


def parse_xml(body: bytes) -> ET.Element:
    root = ET.fromstring(body)
    for el in root.iter():
        el.tag = strip_ns(el.tag)
    return root


def parse_error(resp: requests.Response) -> dict:
    """The fields of an S3 <Error> document as a dict (Code, Message, ...)."""
    assert resp.content, (
        f"HTTP {resp.status_code} without an error body; headers {dict(resp.headers)}")
    try:
        root = parse_xml(resp.content)
    except ET.ParseError as e:
        raise AssertionError(
            f"error body is not XML ({e}): {resp.content[:500]!r}") from None
    assert root.tag == "Error", f"root element {root.tag}, body {resp.content[:500]!r}"
    return {child.tag: (child.text or "") for child in root}


def assert_raw_error(resp: requests.Response, code: str, status: int):
    """Assert a raw HTTP answer is an S3 error with this code and status
    (HEAD answers have no body: only the status is checked)."""
    assert resp.status_code == status, (
        f"expected {code} {status}, got HTTP {resp.status_code}: {resp.content[:800]!r}")
    fields = {}
    if resp.request.method != "HEAD":
        fields = parse_error(resp)
        assert fields.get("Code") == code, (
            f"expected {code} {status}, got {fields.get('Code')} {resp.status_code}: "
            f"{resp.content[:800]!r}")
    rid = resp.headers.get("x-amz-request-id")
    assert rid, f"error answer without x-amz-request-id: {dict(resp.headers)}"
    if fields.get("RequestId"):
        assert fields["RequestId"] == rid
    return fields


# --------------------------------------------------------------------------
# Object presence checks
# --------------------------------------------------------------------------

def object_absent(client, bucket, key) -> bool:
    try:
        client.head_object(Bucket=bucket, Key=key)
    except ClientError as e:
        code, status = error_of(e)
        if status == 404:
            return True
        raise
    return False


def assert_absent(client, bucket, key):
    assert object_absent(client, bucket, key), f"{bucket}/{key!r} exists but must not"
    listed = list_keys(client, bucket)
    assert key not in listed, f"{key!r} is listed in {bucket}: {listed[:20]}"


def assert_content(client, bucket, key, data: bytes):
    got = read_body(client.get_object(Bucket=bucket, Key=key))
    assert len(got) == len(data), f"{key!r}: {len(got)} bytes, expected {len(data)}"
    assert sha256(got) == sha256(data), f"{key!r}: content differs (SHA-256)"


def list_keys(client, bucket, prefix=""):
    keys = []
    kwargs = {"Bucket": bucket, "Prefix": prefix}
    while True:
        resp = client.list_objects_v2(**kwargs)
        keys += [c["Key"] for c in resp.get("Contents", [])]
        if not resp.get("IsTruncated"):
            return keys
        kwargs["ContinuationToken"] = resp["NextContinuationToken"]


def empty_and_delete_bucket(client, bucket):
    """Best-effort cleanup: must never hide a test's own result."""
    try:
        for key in list_keys(client, bucket):
            client.delete_object(Bucket=bucket, Key=key)
        client.delete_bucket(Bucket=bucket)
    except Exception:  # noqa: BLE001 - cleanup only
        pass


# --------------------------------------------------------------------------
# Extra request headers through botocore's event system
# --------------------------------------------------------------------------

_hook_ids = itertools.count()


@contextlib.contextmanager
def extra_headers(client, operation: str, headers: dict):
    """Add headers to every `operation` call of `client` inside the block.

    Registered on before-sign so the headers are covered by the signature
    (Debian's botocore 1.29 has no IfNoneMatch/IfMatch on PutObject)."""
    event = f"before-sign.s3.{operation}"
    uid = f"strata-extra-headers-{next(_hook_ids)}"

    def add(request, **_):
        for name, value in headers.items():
            if name in request.headers:
                del request.headers[name]
            request.headers[name] = value

    client.meta.events.register(event, add, unique_id=uid)
    try:
        yield
    finally:
        client.meta.events.unregister(event, unique_id=uid)


def put_with_headers(client, headers: dict, **params):
    with extra_headers(client, "PutObject", headers):
        return client.put_object(**params)


# --------------------------------------------------------------------------
# A skewed signing clock
# --------------------------------------------------------------------------

@contextlib.contextmanager
def skewed_clock(delta: _dt.timedelta):
    """Make botocore sign (headers and presigned URLs) as if the clock were
    `delta` off. Both signers read datetime.datetime.utcnow() at signing:
    botocore.auth and, when python3-awscrt is installed (it is on Debian),
    botocore.crt.auth, which botocore then prefers for s3v4."""
    modules = [botocore.auth]
    try:
        import botocore.crt.auth as crt_auth
        modules.append(crt_auth)
    except ImportError:
        pass
    real = _dt

    class SkewedDatetime(real.datetime):
        @classmethod
        def utcnow(cls):
            return real.datetime.utcnow() + delta

        @classmethod
        def now(cls, tz=None):
            return real.datetime.now(tz) + delta

    fake = types.SimpleNamespace(**{n: getattr(real, n) for n in dir(real)
                                    if not n.startswith("__")})
    fake.datetime = SkewedDatetime
    saved = [(m, m.datetime) for m in modules]
    for m in modules:
        m.datetime = fake
    try:
        yield
    finally:
        for m, original in saved:
            m.datetime = original


# --------------------------------------------------------------------------
# Raw SigV4 requests
# --------------------------------------------------------------------------

class _RawSigV4(botocore.auth.SigV4Auth):
    """SigV4 as S3 wants it (no path normalisation), without touching
    x-amz-content-sha256: the caller decides what that header says, or
    leaves it out (then the body hash is signed but not sent)."""

    def _normalize_url_path(self, path):
        return path


def quote_path(bucket: str | None = None, key: str | None = None) -> str:
    path = "/"
    if bucket:
        path += urllib.parse.quote(bucket, safe="")
        if key is not None:
            path += "/" + urllib.parse.quote(key, safe="/~")
    return path


def encode_query(query) -> str:
    """Encode a query dict/list; a value of None gives a bare name (?delete)."""
    if not query:
        return ""
    if isinstance(query, str):
        return query
    items = query.items() if isinstance(query, dict) else query
    parts = []
    for k, v in items:
        k = urllib.parse.quote(str(k), safe="-_.~")
        parts.append(k if v is None else k + "=" + urllib.parse.quote(str(v), safe="-_.~"))
    return "&".join(parts)


def sign_request(method, url, *, access_key, secret_key, region="us-east-1",
                 headers=None, body=b"", payload_hash="auto", timestamp=None):
    """Sign a request with SigV4; return the headers to send (a dict).

    payload_hash: "auto" = SHA-256 of body, sent as x-amz-content-sha256;
    a string = sent as is (UNSIGNED-PAYLOAD, STREAMING-..., a wrong hash);
    None = header not sent (the body hash is still signed).
    timestamp: a datetime (UTC) to sign at instead of now."""
    hdrs = dict(headers or {})
    if payload_hash == "auto":
        hdrs["X-Amz-Content-SHA256"] = sha256(body or b"")
    elif payload_hash is not None:
        hdrs["X-Amz-Content-SHA256"] = payload_hash
    req = AWSRequest(method=method, url=url, data=body, headers=hdrs)
    auth = _RawSigV4(Credentials(access_key, secret_key), "s3", region)
    if timestamp is None:
        auth.add_auth(req)
    else:
        with skewed_clock(timestamp - _dt.datetime.utcnow()):
            auth.add_auth(req)
    out = {k: v for k, v in req.headers.items()}
    return out


def signing_key(secret_key, date, region, service="s3"):
    k = hmac.new(("AWS4" + secret_key).encode(), date.encode(), hashlib.sha256).digest()
    for part in (region, service, "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    return k


def raw_request(server, method, path="/", *, query=None, headers=None, body=b"",
                sign=True, access_key=None, secret_key=None, region="us-east-1",
                payload_hash="auto", timestamp=None, endpoint=None,
                timeout=HTTP_TIMEOUT, verify=None) -> requests.Response:
    """Send one request with `requests`, SigV4-signed unless sign=False.

    path must already be percent-encoded (see quote_path)."""
    base = endpoint or server.endpoint
    qs = encode_query(query)
    url = base + path + ("?" + qs if qs else "")
    hdrs = dict(headers or {})
    if sign:
        hdrs = sign_request(method, url,
                            access_key=access_key or server.access_key,
                            secret_key=secret_key or server.secret_key,
                            region=region, headers=hdrs, body=body,
                            payload_hash=payload_hash, timestamp=timestamp)
    if verify is None:
        verify = getattr(server, "ca_file", None) or True
    with requests.Session() as s:
        req = requests.Request(method, url, headers=hdrs, data=body)
        prepped = s.prepare_request(req)
        # requests must not re-encode the path that was signed.
        prepped.url = url
        return s.send(prepped, timeout=timeout, verify=verify, allow_redirects=False)


def build_raw_head(method, path_qs, headers: dict) -> bytes:
    lines = [f"{method} {path_qs} HTTP/1.1"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def read_http_response(sock, timeout=30.0):
    """Read one HTTP/1.1 answer from a socket: (status, headers, body).

    Reads the body by Content-Length; tolerates the peer closing."""
    sock.settimeout(timeout)
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            break
        buf += chunk
    if b"\r\n\r\n" not in buf:
        raise AssertionError(f"connection closed before a complete answer: {buf[:300]!r}")
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    length = int(hdrs.get("content-length", "0") or 0)
    body = rest
    while len(body) < length:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        body += chunk
    return status, hdrs, body[:length] if length else body


def error_code_of_body(body: bytes):
    try:
        root = parse_xml(body)
    except ET.ParseError:
        return None
    el = root.find("Code")
    return el.text if el is not None else None


# --------------------------------------------------------------------------
# aws-chunked signed streaming (STREAMING-AWS4-HMAC-SHA256-PAYLOAD)
# --------------------------------------------------------------------------

def streaming_put(server, bucket, key, data: bytes, *, chunk_size=64 * 1024,
                  tamper_chunk=None, extra_headers=None, timeout=HTTP_TIMEOUT):
    """PutObject with a body in aws-chunked encoding, each chunk signed
    (what the Java/Go SDKs send over plain HTTP). botocore cannot send it.

    tamper_chunk: index of a chunk whose signature is made wrong."""
    path = quote_path(bucket, key)
    url = server.endpoint + path
    chunks = [data[i:i + chunk_size] for i in range(0, len(data), chunk_size)] + [b""]
    sig_len = 64

    def chunk_len(c):
        return len(f"{len(c):x};chunk-signature=") + sig_len + 2 + len(c) + 2

    encoded_len = sum(chunk_len(c) for c in chunks)
    headers = {
        "Content-Encoding": "aws-chunked",
        "x-amz-decoded-content-length": str(len(data)),
        "Content-Length": str(encoded_len),
    }
    headers.update(extra_headers or {})
    signed = sign_request("PUT", url, access_key=server.access_key,
                          secret_key=server.secret_key, headers=headers,
                          body=b"", payload_hash=STREAMING_PAYLOAD)
    seed = signed["Authorization"].rsplit("Signature=", 1)[1].strip()
    amz_date = signed["X-Amz-Date"]
    date = amz_date[:8]
    scope = f"{date}/us-east-1/s3/aws4_request"
    key_bytes = signing_key(server.secret_key, date, "us-east-1")
    prev = seed
    body = bytearray()
    for i, c in enumerate(chunks):
        sts = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, prev,
                         EMPTY_SHA256, sha256(c)])
        sig = hmac.new(key_bytes, sts.encode(), hashlib.sha256).hexdigest()
        if tamper_chunk == i:
            sig = ("0" if sig[0] != "0" else "1") + sig[1:]
        body += f"{len(c):x};chunk-signature={sig}\r\n".encode() + c + b"\r\n"
        prev = sig
    assert len(body) == encoded_len
    with requests.Session() as s:
        prepped = s.prepare_request(requests.Request("PUT", url, headers=signed,
                                                     data=bytes(body)))
        prepped.url = url
        verify = getattr(server, "ca_file", None) or True
        return s.send(prepped, timeout=timeout, verify=verify)
