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
import json
import os
import re
import shutil
import socket
import sqlite3
import struct
import time
import types
import urllib.parse
import uuid
import xml.etree.ElementTree as ET

import boto3
import botocore.auth
import botocore.config
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
                  tamper_chunk=None, extra_headers=None, timeout=HTTP_TIMEOUT, query=None):
    """PutObject with a body in aws-chunked encoding, each chunk signed
    (what the Java/Go SDKs send over plain HTTP). botocore cannot send it.

    tamper_chunk: index of a chunk whose signature is made wrong.
    query: extra query parameters (e.g. partNumber and uploadId: UploadPart)."""
    path = quote_path(bucket, key)
    url = server.endpoint + path
    if query:
        url += "?" + encode_query(query)
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


# --------------------------------------------------------------------------
# Storage engine: admin API, shard files on the drives, the chunks table
# --------------------------------------------------------------------------

ADMIN_PREFIX = "/_strata/admin/v1/"
DRIVE_COUNT = 6
SHARD_HEADER_SIZE = 80
DEFAULT_INLINE_THRESHOLD = 32768


def admin(server, method, path, *, sign=True, body=b"", **kwargs):
    """Call an admin endpoint: path "storage", "heal", "gc" (or a full path).
    SigV4-signed with the server's root credentials unless sign=False (or
    other access_key/secret_key are given). Returns (status, parsed JSON or
    None when the body is not JSON)."""
    if not path.startswith("/"):
        path = ADMIN_PREFIX + path
    resp = raw_request(server, method, path, sign=sign, body=body, **kwargs)
    try:
        doc = resp.json()
    except ValueError:
        doc = None
    return resp.status_code, doc


def admin_ok(server, method, path, expect=200):
    status, doc = admin(server, method, path)
    assert status == expect and isinstance(doc, dict), (
        f"{method} {path}: expected {expect} with a JSON object, got {status}: {doc!r}")
    return doc


def admin_expect(server, method, path, expect, **kwargs):
    """Call an admin endpoint, assert the status; return the parsed JSON."""
    status, doc = admin(server, method, path, **kwargs)
    assert status == expect, f"{method} {path}: {status} {doc!r}"
    return doc


# --------------------------------------------------------------------------
# Users, keys and policies through the admin API (authorization tests)
# --------------------------------------------------------------------------

def make_user(server, *, policies=(), name=None):
    """A new user holding `policies`; returns (name, access_key, secret_key)."""
    name = name or "u-" + uuid.uuid4().hex[:10]
    admin_expect(server, "POST", "users", 201,
                 body=json.dumps({"name": name, "password": "pw-" + uuid.uuid4().hex,
                                  "policies": list(policies)}).encode())
    key = admin_expect(server, "POST", f"users/{name}/keys", 201, body=b"{}")
    return name, key["access_key"], key["secret_key"]


def put_policy(server, name, document):
    """Create or replace the managed policy `name`."""
    admin_expect(server, "PUT", f"policies/{name}", 200, body=json.dumps(document).encode())


def attach_policy(server, policy, user):
    admin_expect(server, "POST", f"policies/{policy}/attach", 204,
                 body=json.dumps({"user": user}).encode())


def client_for(server, access_key, secret_key):
    """A path-style boto3 client signing with these credentials."""
    return boto3.client(
        "s3", endpoint_url=server.endpoint, aws_access_key_id=access_key,
        aws_secret_access_key=secret_key, region_name="us-east-1",
        config=botocore.config.Config(signature_version="s3v4", s3={"addressing_style": "path"},
                                      retries={"max_attempts": 1}))


def storage_stats(server) -> dict:
    return admin_ok(server, "GET", "storage")


def run_gc(server) -> dict:
    """One synchronous GC pass: {"chunks_deleted", "orphans_deleted", ...}."""
    return admin_ok(server, "POST", "gc")


def heal_pass(server, timeout=180.0) -> dict:
    """Start a full heal pass (POST, 202) and wait until it has completed and
    the queue of chunks that reads found degraded is empty. Returns the final
    heal progress."""
    before = admin_ok(server, "GET", "heal")["passes_completed"]
    admin_ok(server, "POST", "heal", expect=202)
    deadline = time.monotonic() + timeout
    while True:
        doc = admin_ok(server, "GET", "heal")
        if (doc["passes_completed"] > before and not doc["pass_running"]
                and doc["queued"] == 0):
            return doc
        if time.monotonic() > deadline:
            raise AssertionError(f"heal pass not done after {timeout:.0f} s: {doc}")
        time.sleep(0.1)


def drive_dirs(server):
    return [server.data_dir / f"drive{i}" for i in range(1, DRIVE_COUNT + 1)]


def shard_files(server) -> dict:
    """Every committed shard file on every drive, {relative path: Path}, the
    relative path being driveN/chunks/<loc[0:2]>/<loc>/<shard index>."""
    out = {}
    for drive in drive_dirs(server):
        root = drive / "chunks"
        if not root.is_dir():
            continue
        for p in root.rglob("*"):
            if p.is_file():
                out[str(p.relative_to(server.data_dir))] = p
    return out


def shard_digests(server) -> dict:
    """{relative path: SHA-256 of the file} for every shard file."""
    return {rel: file_sha256(p) for rel, p in shard_files(server).items()}


def shard_bytes(server) -> int:
    return sum(p.stat().st_size for p in shard_files(server).values())


def location_of(rel: str) -> str:
    """The location id of a shard file's relative path."""
    return rel.split("/")[-2]


def location_dirs(server) -> dict:
    """{location: [driveN/chunks/xx/<location> paths]} over all drives,
    including empty location folders."""
    out = {}
    for drive in drive_dirs(server):
        root = drive / "chunks"
        if not root.is_dir():
            continue
        for prefix in root.iterdir():
            if not prefix.is_dir():
                continue
            for loc in prefix.iterdir():
                out.setdefault(loc.name, []).append(loc)
    return out


def temp_files(server) -> list:
    """Everything in driveN/tmp/ on every drive."""
    out = []
    for drive in drive_dirs(server):
        tmp = drive / "tmp"
        if tmp.is_dir():
            out += sorted(str(p) for p in tmp.rglob("*"))
    return out


def meta_db(server):
    """A read-only SQLite connection to DIR/meta/strata.db (WAL: reading
    while the server runs is fine). Rows come back as sqlite3.Row. Only for a
    server on the default SQLite store; meta_rows() reads either backend."""
    path = server.data_dir / "meta" / "strata.db"
    assert path.is_file(), f"no metadata database at {path}"
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    conn.row_factory = sqlite3.Row
    return conn


def meta_rows(server, sql: str) -> list:
    """The rows of a read-only query on the server's metadata database, as
    dicts, whichever backend it runs on: the SQLite file, or its PostgreSQL
    database (--meta postgresql://..., through psycopg2). Integers come back
    as int, BYTEA/BLOB as bytes, on both. Write the SQL both engines accept."""
    url = getattr(server, "meta_url", None)
    if url and url.startswith(("postgres://", "postgresql://")):
        import psycopg2  # Debian's python3-psycopg2
        conn = psycopg2.connect(url, connect_timeout=10)
        try:
            conn.set_session(readonly=True, autocommit=True)
            with conn.cursor() as cur:
                cur.execute(sql)
                names = [c.name for c in cur.description]
                return [{n: (bytes(v) if isinstance(v, memoryview) else v)
                         for n, v in zip(names, row)} for row in cur.fetchall()]
        finally:
            conn.close()
    assert not url or url.startswith("sqlite:"), f"unknown metadata URL {url!r}"
    if url:
        path = url[len("sqlite:"):]
        assert os.path.isfile(path), f"no metadata database at {path}"
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        conn.row_factory = sqlite3.Row
    else:
        conn = meta_db(server)
    try:
        return [dict(r) for r in conn.execute(sql).fetchall()]
    finally:
        conn.close()


def chunk_rows(server) -> dict:
    """The chunks table: {hash: {"location", "data_shards", "parity_shards",
    "size", "refcount", "zero_since_ms"}}."""
    rows = meta_rows(server, "SELECT * FROM chunks ORDER BY hash")
    return {r["hash"]: {k: v for k, v in r.items() if k != "hash"} for r in rows}


MANIFEST_FIELDS = ("hash", "location", "data_shards", "parity_shards", "size",
                   "offset", "length")


def manifest_entries(manifest) -> list:
    """The manifest column of an objects row as a list of dicts with
    MANIFEST_FIELDS. The column holds a compact JSON array of
    [hash, location, data_shards, parity_shards, chunk_size, offset, length]
    arrays (migration 0002_chunks.sql); '[]' for inline and empty bodies."""
    if manifest is None or manifest == "":
        return []
    doc = json.loads(manifest) if isinstance(manifest, (str, bytes)) else manifest
    assert isinstance(doc, list), f"manifest is not a JSON array: {manifest!r:.300}"
    out = []
    for e in doc:
        assert isinstance(e, list) and len(e) == len(MANIFEST_FIELDS), (
            f"manifest entry is not a {len(MANIFEST_FIELDS)}-element array: {e!r}")
        out.append(dict(zip(MANIFEST_FIELDS, e)))
    return out


def object_rows(server) -> list:
    """Every objects row as a dict (all columns), manifest entries parsed into
    "entries"."""
    rows = meta_rows(server, "SELECT * FROM objects ORDER BY bucket, key")
    for r in rows:
        r["entries"] = manifest_entries(r.get("manifest"))
    return rows


def object_row(server, bucket, key) -> dict:
    rows = [r for r in object_rows(server) if r.get("bucket") == bucket and r.get("key") == key]
    assert len(rows) == 1, f"{len(rows)} objects rows for {bucket}/{key}"
    return rows[0]


def shard_file_size(chunk_size: int, data_shards: int, block_size: int = 65536) -> int:
    """Size of one shard file of a chunk (docs/storage-format.md): 80-byte
    header, payload S = roundup64(ceil(chunk_size / K)), an 8-byte checksum
    after every block of block_size payload bytes."""
    s = -(-chunk_size // data_shards)
    s = -(-s // 64) * 64
    blocks = -(-s // block_size)
    return SHARD_HEADER_SIZE + s + 8 * blocks


def shard_header(path) -> dict:
    """The fields of a shard file's 80-byte header (not checksum-verified)."""
    with open(path, "rb") as f:
        raw = f.read(SHARD_HEADER_SIZE)
    assert len(raw) == SHARD_HEADER_SIZE, f"{path}: {len(raw)} bytes, shorter than a header"
    magic, version, index, k, m, block, _reserved, chunk_size, payload = struct.unpack_from(
        "<8sHHHHIIQQ", raw)
    return {"magic": magic, "version": version, "shard_index": index, "data_shards": k,
            "parity_shards": m, "block_size": block, "chunk_size": chunk_size,
            "payload_size": payload, "chunk_hash": raw[40:72].hex()}
