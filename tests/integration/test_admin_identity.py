"""The identity part of the admin API (docs/admin-api.md) end to end with
`requests` against a real server: login (root and users), whoami, refresh
rotation and reuse detection, logout, users, passwords, access keys (used
with boto3), groups, policies, who may do what (a read-only user, a user
manager who must not mint administrators), the failed-login limit, JWT
forgeries, the storage endpoints under identities, and a server log that
never holds a secret.

The tests share one server of their own (module scope). Failed logins are
limited per user name *and per source address*, so every test that fails a
login on purpose sends it from an address of its own on the loopback
network (127.0.0.N, see `fresh_source`): 127.0.0.1, which every other call
uses, never collects a failure.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
import secrets
import socket
import time
import urllib.parse
import uuid

import pytest
import requests
from botocore.exceptions import ClientError
from requests.adapters import HTTPAdapter

from conftest import _start
from strata_helpers import (build_raw_head, empty_and_delete_bucket, raw_request,
                            read_http_response, unique_bucket_name)

ADMIN = "/_strata/admin/v1/"
TIMEOUT = 60
BUILTINS = ["admin", "readwrite", "readonly", "writeonly", "diagnostics"]
ACCESS_KEY_RE = re.compile(r"^[A-Z0-9]{20}$")

# Every password, secret key and token the tests create: none may ever appear
# in the server log (test_server_log_holds_no_secret).
SECRETS: list[str] = []

_SOURCES = itertools.count(20)


# --------------------------------------------------------------------------
# Fixtures and helpers
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = _start(tmp_path_factory, "admin-identity")
    yield s
    s.stop()


def unique(hint: str) -> str:
    return f"{hint}-{uuid.uuid4().hex[:8]}"


def new_password() -> str:
    p = "pw-" + secrets.token_urlsafe(18)
    SECRETS.append(p)
    return p


def fresh_source() -> str:
    """A loopback address no other test sends from (Linux routes all of
    127.0.0.0/8 to lo, so a client may bind any of them)."""
    n = next(_SOURCES)
    assert n < 255, "out of loopback source addresses"
    return f"127.0.0.{n}"


def seg(name: str) -> str:
    """One percent-encoded path segment."""
    return urllib.parse.quote(name, safe="")


class _SourceAddressAdapter(HTTPAdapter):
    def __init__(self, source: str, **kwargs):
        self._source = source
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self._source, 0)
        super().init_poolmanager(*args, **kwargs)


def call(server, method: str, path: str, *, token: str | None = None, body=None,
         data: bytes | str | None = None, headers: dict | None = None,
         source: str | None = None, keys: tuple[str, str] | None = None) -> requests.Response:
    """One admin request. path is below /_strata/admin/v1/, already encoded.
    token: Authorization: Bearer; keys: (access key, secret) to SigV4-sign
    with; neither: unauthenticated. body: JSON-encoded; data: sent as is.
    source: the local address to send from."""
    if body is not None:
        data = json.dumps(body).encode()
    if isinstance(data, str):
        data = data.encode()
    data = data or b""
    hdrs = dict(headers or {})
    if body is not None:
        hdrs.setdefault("Content-Type", "application/json")
    if keys is not None:
        assert source is None
        return raw_request(server, method, ADMIN + path, headers=hdrs, body=data,
                           access_key=keys[0], secret_key=keys[1], timeout=TIMEOUT)
    if token is not None:
        hdrs["Authorization"] = f"Bearer {token}"
    url = server.endpoint + ADMIN + path
    with requests.Session() as s:
        if source is not None:
            s.mount("http://", _SourceAddressAdapter(source))
        prepped = s.prepare_request(requests.Request(method, url, headers=hdrs, data=data))
        prepped.url = url  # exactly as encoded here
        return s.send(prepped, timeout=TIMEOUT, allow_redirects=False)


def expect(resp: requests.Response, status: int, error: str | None = None):
    """Asserts the status (and for errors the {"error", "message"} body with
    that code); returns the parsed JSON body (None for an empty one)."""
    where = f"{resp.request.method} {resp.request.url}"
    assert resp.status_code == status, (
        f"{where}: expected {status} {error or ''}, got {resp.status_code}: {resp.text[:500]}")
    if not resp.content:
        assert error is None, f"{where}: empty error body"
        return None
    assert resp.headers.get("Content-Type", "").startswith("application/json"), (
        f"{where}: Content-Type {resp.headers.get('Content-Type')!r}")
    doc = resp.json()
    if error is not None:
        assert isinstance(doc, dict) and doc.get("error") == error, f"{where}: {doc!r}"
        assert isinstance(doc.get("message"), str) and doc["message"], f"{where}: {doc!r}"
    return doc


def expect_invalid_token(resp: requests.Response):
    doc = expect(resp, 401, "InvalidToken")
    assert resp.headers.get("WWW-Authenticate", "").startswith("Bearer"), dict(resp.headers)
    return doc


def login(server, user: str, password: str, source: str | None = None) -> requests.Response:
    return call(server, "POST", "login", body={"user": user, "password": password},
                source=source)


def session_of(resp: requests.Response) -> dict:
    doc = expect(resp, 200)
    SECRETS.extend([doc["access_token"], doc["refresh_token"]])
    return doc


def root_keys(server) -> tuple[str, str]:
    return (server.access_key, server.secret_key)


@pytest.fixture(scope="module")
def root(server) -> str:
    """An access token of the root user."""
    return session_of(login(server, server.access_key, server.secret_key))["access_token"]


def create_user(server, root_token: str, name: str | None = None, *, password: bool = True,
                policies: list[str] | None = None) -> tuple[str, str | None]:
    """Creates a user (as root); returns (name, password or None)."""
    name = name or unique("user")
    body = {"name": name}
    pw = None
    if password:
        pw = new_password()
        body["password"] = pw
    if policies is not None:
        body["policies"] = policies
    expect(call(server, "POST", "users", token=root_token, body=body), 201)
    return name, pw


def user_token(server, name: str, password: str) -> str:
    return session_of(login(server, name, password))["access_token"]


def create_key(server, token: str, user: str, description: str = "") -> dict:
    body = {"description": description} if description else None
    doc = expect(call(server, "POST", f"users/{seg(user)}/keys", token=token, body=body), 201)
    SECRETS.append(doc["secret_key"])
    return doc


def put_policy(server, token: str, name: str, statements: list[dict]):
    doc = {"Version": "2012-10-17", "Statement": statements}
    return call(server, "PUT", f"policies/{seg(name)}", token=token, data=json.dumps(doc))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_json(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def forge(header: dict, payload: dict, signature: str) -> str:
    h = b64url(json.dumps(header, separators=(",", ":")).encode())
    p = b64url(json.dumps(payload, separators=(",", ":")).encode())
    return f"{h}.{p}.{signature}"


def hs256(header: dict, payload: dict, key: bytes) -> str:
    h = b64url(json.dumps(header, separators=(",", ":")).encode())
    p = b64url(json.dumps(payload, separators=(",", ":")).encode())
    sig = hmac.new(key, f"{h}.{p}".encode(), hashlib.sha256).digest()
    return f"{h}.{p}.{b64url(sig)}"


# --------------------------------------------------------------------------
# Authentication, routing, sessions
# --------------------------------------------------------------------------

def test_root_login_and_whoami(server):
    resp = login(server, server.access_key, server.secret_key)
    doc = session_of(resp)
    assert resp.headers.get("Cache-Control") == "no-store"
    assert doc["token_type"] == "Bearer" and doc["expires_in"] == 900, doc
    assert doc["user"] == server.access_key, doc
    assert isinstance(doc["refresh_token"], str) and len(doc["refresh_token"]) >= 32, doc
    header = b64url_json(doc["access_token"].split(".")[0])
    assert header["alg"] == "HS256", header

    who = expect(call(server, "GET", "whoami", token=doc["access_token"]), 200)
    assert who["root"] is True and who["name"] == server.access_key, who
    assert who["access_key"] == "", who
    for field in ("id", "disabled", "has_password", "created_ms", "policies", "groups"):
        assert field in who, (field, who)

    # The same caller through a SigV4 signature: access_key names the key.
    who = expect(call(server, "GET", "whoami", keys=root_keys(server)), 200)
    assert who["root"] is True and who["access_key"] == server.access_key, who


def test_user_login_and_whoami(server, root):
    name, pw = create_user(server, root, policies=["readonly"])
    doc = session_of(login(server, name, pw))
    assert doc["user"] == name and doc["token_type"] == "Bearer", doc
    who = expect(call(server, "GET", "whoami", token=doc["access_token"]), 200)
    assert who["name"] == name and who["root"] is False, who
    assert who["has_password"] is True and who["disabled"] is False, who
    assert who["policies"] == ["readonly"] and who["groups"] == [], who
    assert who["access_key"] == "", who
    # The scheme name is case-insensitive (RFC 9110).
    resp = call(server, "GET", "whoami",
                headers={"Authorization": "bearer " + doc["access_token"]})
    assert expect(resp, 200)["name"] == name


def test_unauthenticated_and_unknown(server, root):
    for method, path in [("GET", "whoami"), ("GET", "users"), ("POST", "users"),
                         ("GET", "keys"), ("GET", "policies"), ("GET", "groups"),
                         ("GET", "storage"), ("POST", "gc")]:
        expect_invalid_token(call(server, method, path))
    expect_invalid_token(call(server, "GET", "whoami", headers={"Authorization": "Bearer"}))
    expect_invalid_token(call(server, "GET", "whoami", headers={"Authorization": "Bearer "}))
    expect_invalid_token(call(server, "GET", "whoami", token="not-a-jwt"))
    # A SigV4 signature that does not verify is 403, as on S3.
    expect(call(server, "GET", "whoami", keys=(server.access_key, server.secret_key[::-1])),
           403, "AccessDenied")
    expect(call(server, "GET", "whoami", keys=("AKNOSUCHKEY000000000", "x" * 40)),
           403, "AccessDenied")

    # Paths: 404 NotFound; methods: 405 with Allow.
    for path in ["nonexistent", "users/", "whoami/x", "storage/"]:
        expect(call(server, "GET", path, token=root), 404, "NotFound")
    expect(call(server, "GET", "nonexistent"), 404, "NotFound")
    resp = call(server, "GET", "login")
    expect(resp, 405, "MethodNotAllowed")
    assert resp.headers.get("Allow") == "POST"
    resp = call(server, "PATCH", "users", token=root)
    expect(resp, 405, "MethodNotAllowed")
    assert set(resp.headers.get("Allow", "").split(", ")) == {"GET", "POST"}, resp.headers


def test_login_failures_look_alike(server, root):
    name, pw = create_user(server, root)
    disabled, dpw = create_user(server, root)
    expect(call(server, "POST", f"users/{seg(disabled)}/disable", token=root), 204)
    source = fresh_source()
    messages = set()
    for user, password in [(name, pw + "x"), (unique("nobody"), pw), (disabled, dpw)]:
        doc = expect(login(server, user, password, source=source), 403, "AccessDenied")
        messages.add(doc["message"])
    assert len(messages) == 1, messages
    # A keys-only user has no password to log in with.
    keys_only, _ = create_user(server, root, password=False)
    expect(login(server, keys_only, "", source=fresh_source()), 403, "AccessDenied")


def test_refresh_rotates(server, root):
    name, pw = create_user(server, root)
    first = session_of(login(server, name, pw))
    second = session_of(call(server, "POST", "refresh",
                             body={"refresh_token": first["refresh_token"]}))
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert second["user"] == name and second["token_type"] == "Bearer", second
    assert second["expires_in"] == 900, second
    assert expect(call(server, "GET", "whoami", token=second["access_token"]), 200)["name"] == name
    third = session_of(call(server, "POST", "refresh",
                            body={"refresh_token": second["refresh_token"]}))
    assert third["refresh_token"] not in (first["refresh_token"], second["refresh_token"])
    expect_invalid_token(call(server, "POST", "refresh", body={"refresh_token": "garbage"}))


def test_refresh_reuse_revokes_the_family(server, root):
    name, pw = create_user(server, root)
    first = session_of(login(server, name, pw))
    other = session_of(login(server, name, pw))  # another family: unaffected
    second = session_of(call(server, "POST", "refresh",
                             body={"refresh_token": first["refresh_token"]}))
    # The first token again: it was copied. The call fails...
    expect_invalid_token(call(server, "POST", "refresh",
                              body={"refresh_token": first["refresh_token"]}))
    # ...and the newest token of that family is dead too.
    expect_invalid_token(call(server, "POST", "refresh",
                              body={"refresh_token": second["refresh_token"]}))
    session_of(call(server, "POST", "refresh", body={"refresh_token": other["refresh_token"]}))


def test_logout(server, root):
    name, pw = create_user(server, root)
    doc = session_of(login(server, name, pw))
    resp = call(server, "POST", "logout", body={"refresh_token": doc["refresh_token"]})
    expect(resp, 204)
    expect_invalid_token(call(server, "POST", "refresh",
                              body={"refresh_token": doc["refresh_token"]}))
    expect_invalid_token(call(server, "POST", "logout",
                              body={"refresh_token": doc["refresh_token"]}))
    # Access tokens already issued stay valid until they expire.
    expect(call(server, "GET", "whoami", token=doc["access_token"]), 200)


def test_request_bodies(server, root):
    cases = [
        (b"not json", 400, "MalformedJSON"),
        (b"", 400, "MalformedJSON"),
        (b"[]", 400, "MalformedJSON"),
        (b'"name"', 400, "MalformedJSON"),
        (b'{"name": "x"', 400, "MalformedJSON"),
        (json.dumps({"name": unique("u"), "role": "admin"}).encode(), 400, "InvalidArgument"),
        (json.dumps({"name": 7}).encode(), 400, "InvalidArgument"),
        (json.dumps({"name": unique("u"), "policies": "readonly"}).encode(), 400,
         "InvalidArgument"),
        (json.dumps({"password": "long enough"}).encode(), 400, "InvalidArgument"),
        (json.dumps({"name": "x" * (70 * 1024)}).encode(), 400, "InvalidArgument"),
    ]
    for data, status, code in cases:
        doc = expect(call(server, "POST", "users", token=root, data=data), status, code)
        assert "x" * 100 not in doc["message"], "the body is not echoed"
    doc = expect(call(server, "POST", "users", token=root,
                      body={"name": unique("u"), "groups": ["g"]}), 400, "InvalidArgument")
    assert "groups" in doc["message"], doc
    # Endpoints without a body take none.
    expect(call(server, "GET", "users", token=root, data=b"{}"), 400, "InvalidArgument")
    expect(call(server, "POST", "login", body={"user": "x"}), 400, "InvalidArgument")
    expect(call(server, "POST", "login", data=b"user=x&password=y"), 400, "MalformedJSON")
    expect(call(server, "POST", "refresh", body={}), 400, "InvalidArgument")


# --------------------------------------------------------------------------
# Users
# --------------------------------------------------------------------------

def test_user_lifecycle(server, root):
    name, pw = create_user(server, root, policies=["readonly"])
    user = expect(call(server, "GET", f"users/{seg(name)}", token=root), 200)
    assert user["name"] == name and user["disabled"] is False and user["has_password"] is True
    assert user["policies"] == ["readonly"] and user["groups"] == [], user
    assert isinstance(user["id"], str) and user["id"], user
    assert abs(user["created_ms"] / 1000 - time.time()) < 600, user
    assert "password" not in json.dumps(user).lower().replace("has_password", "")

    expect(call(server, "POST", "users", token=root, body={"name": name}), 409,
           "EntityAlreadyExists")

    other, _ = create_user(server, root, password=False)
    listed = expect(call(server, "GET", "users", token=root), 200)["users"]
    names = [u["name"] for u in listed]
    assert name in names and other in names, names
    assert names == sorted(names), names
    assert server.access_key not in names, "root is not a row"
    keys_only = next(u for u in listed if u["name"] == other)
    assert keys_only["has_password"] is False, keys_only

    # Disable: sessions end and access tokens stop at once; login refused.
    token = user_token(server, name, pw)
    refresh = session_of(login(server, name, pw))["refresh_token"]
    expect(call(server, "POST", f"users/{seg(name)}/disable", token=root), 204)
    assert expect(call(server, "GET", f"users/{seg(name)}", token=root), 200)["disabled"] is True
    expect_invalid_token(call(server, "GET", "whoami", token=token))
    expect_invalid_token(call(server, "POST", "refresh", body={"refresh_token": refresh}))
    expect(login(server, name, pw, source=fresh_source()), 403, "AccessDenied")

    expect(call(server, "POST", f"users/{seg(name)}/enable", token=root), 204)
    token = user_token(server, name, pw)
    expect(call(server, "GET", "whoami", token=token), 200)

    # Delete: gone with its sessions.
    expect(call(server, "DELETE", f"users/{seg(name)}", token=root), 204)
    expect(call(server, "GET", f"users/{seg(name)}", token=root), 404, "NoSuchEntity")
    expect_invalid_token(call(server, "GET", "whoami", token=token))
    expect(call(server, "DELETE", f"users/{seg(name)}", token=root), 404, "NoSuchEntity")
    expect(call(server, "POST", f"users/{seg(name)}/disable", token=root), 404, "NoSuchEntity")


def test_user_names_and_passwords_are_checked(server, root):
    for bad in ["", "bad/name", "sp ace", "x" * 65, "ünï", server.access_key]:
        expect(call(server, "POST", "users", token=root, body={"name": bad}), 400,
               "InvalidArgument")
    expect(call(server, "POST", "users", token=root,
                body={"name": unique("short"), "password": "1234567"}), 400, "InvalidArgument")
    expect(call(server, "POST", "users", token=root,
                body={"name": unique("nopolicy"), "policies": ["no-such-policy"]}), 404,
           "NoSuchEntity")


def test_names_in_paths_are_percent_decoded(server, root):
    name = f"a.b+c=d,e@f_g-{uuid.uuid4().hex[:6]}"
    create_user(server, root, name)
    for path in [f"users/{seg(name)}", f"users/{name}"]:  # encoded, and as typed
        assert expect(call(server, "GET", path, token=root), 200)["name"] == name, path
    key = create_key(server, root, name)
    listed = expect(call(server, "GET", f"users/{seg(name)}/keys", token=root), 200)["keys"]
    assert [k["access_key"] for k in listed] == [key["access_key"]], listed
    group = f"g=1,2@x+{uuid.uuid4().hex[:6]}"
    expect(call(server, "POST", "groups", token=root, body={"name": group}), 201)
    expect(call(server, "PUT", f"groups/{seg(group)}/members/{seg(name)}", token=root), 204)
    doc = expect(call(server, "GET", f"groups/{seg(group)}", token=root), 200)
    assert doc["members"] == [name], doc
    expect(call(server, "DELETE", f"groups/{seg(group)}/members/{seg(name)}", token=root), 204)
    expect(call(server, "DELETE", f"groups/{seg(group)}", token=root), 204)
    expect(call(server, "DELETE", f"users/{seg(name)}", token=root), 204)
    # A malformed escape (sent raw: urllib3 would re-encode the '%').
    with socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT) as sock:
        sock.sendall(build_raw_head("GET", ADMIN + "users/%zz", {
            "Host": server.host_port, "Authorization": f"Bearer {root}",
            "Connection": "close"}))
        status, _, raw = read_http_response(sock)
    assert status == 400 and json.loads(raw)["error"] == "InvalidArgument", (status, raw)


def test_set_password_ends_sessions(server, root):
    name, pw = create_user(server, root)
    old = session_of(login(server, name, pw))
    new_pw = new_password()
    expect(call(server, "PUT", f"users/{seg(name)}/password", token=root,
                body={"password": new_pw}), 204)
    expect_invalid_token(call(server, "POST", "refresh",
                              body={"refresh_token": old["refresh_token"]}))
    source = fresh_source()
    expect(login(server, name, pw, source=source), 403, "AccessDenied")
    token = user_token(server, name, new_pw)

    # A user may set its own password (no admin action needed); it too
    # ends that user's sessions.
    mine = session_of(login(server, name, new_pw))
    third = new_password()
    expect(call(server, "PUT", f"users/{seg(name)}/password", token=token,
                body={"password": third}), 204)
    expect_invalid_token(call(server, "POST", "refresh",
                              body={"refresh_token": mine["refresh_token"]}))
    user_token(server, name, third)
    expect(call(server, "PUT", f"users/{seg(name)}/password", token=root,
                body={"password": "short"}), 400, "InvalidArgument")
    expect(call(server, "PUT", f"users/{seg(name)}/password", token=root, body={}), 400,
           "InvalidArgument")
    expect(call(server, "PUT", f"users/{unique('nobody')}/password", token=root,
                body={"password": new_password()}), 404, "NoSuchEntity")


# --------------------------------------------------------------------------
# Access keys
# --------------------------------------------------------------------------

def test_access_keys(server, root):
    name, _ = create_user(server, root, password=False, policies=["readwrite"])
    key = create_key(server, root, name, "backup job")
    assert ACCESS_KEY_RE.match(key["access_key"]), key
    assert len(key["secret_key"]) == 40, key
    assert key["user"] == name and key["description"] == "backup job", key
    assert isinstance(key["created_ms"], int), key
    second = create_key(server, root, name)
    assert second["access_key"] != key["access_key"]
    assert second["secret_key"] != key["secret_key"]

    # The secret is in the creation answer only.
    for path in [f"users/{seg(name)}/keys", "keys", f"users/{seg(name)}"]:
        resp = call(server, "GET", path, token=root)
        expect(resp, 200)
        assert key["secret_key"] not in resp.text and "secret" not in resp.text, (path, resp.text)
    mine = expect(call(server, "GET", f"users/{seg(name)}/keys", token=root), 200)["keys"]
    assert sorted(k["access_key"] for k in mine) == sorted([key["access_key"],
                                                            second["access_key"]]), mine
    entry = next(k for k in mine if k["access_key"] == key["access_key"])
    assert entry == {"access_key": key["access_key"], "user": name, "disabled": False,
                     "created_ms": key["created_ms"], "description": "backup job"}, entry
    every = expect(call(server, "GET", "keys", token=root), 200)["keys"]
    assert {key["access_key"], second["access_key"]} <= {k["access_key"] for k in every}

    # The key signs S3 requests, and admin ones (whoami names it).
    who = expect(call(server, "GET", "whoami", keys=(key["access_key"], key["secret_key"])), 200)
    assert who["name"] == name and who["access_key"] == key["access_key"], who
    bucket = unique_bucket_name("keys")
    s3_root = server.client()
    s3_root.create_bucket(Bucket=bucket)
    try:
        s3 = server.client(access_key=key["access_key"], secret_key=key["secret_key"])
        s3.put_object(Bucket=bucket, Key="k", Body=b"data")
        assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"data"

        def refused():
            with pytest.raises(ClientError) as e:
                s3.get_object(Bucket=bucket, Key="k")
            assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403, e.value.response
            assert e.value.response["Error"]["Code"] in ("InvalidAccessKeyId", "AccessDenied")

        # Disabled: refused at once; enabled: back.
        expect(call(server, "POST", f"keys/{key['access_key']}/disable", token=root), 204)
        listed = expect(call(server, "GET", f"users/{seg(name)}/keys", token=root), 200)["keys"]
        assert next(k for k in listed if k["access_key"] == key["access_key"])["disabled"] is True
        refused()
        expect(call(server, "GET", "whoami", keys=(key["access_key"], key["secret_key"])), 403,
               "AccessDenied")
        expect(call(server, "POST", f"keys/{key['access_key']}/enable", token=root), 204)
        assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"data"

        # A disabled user's keys stop too.
        expect(call(server, "POST", f"users/{seg(name)}/disable", token=root), 204)
        refused()
        expect(call(server, "POST", f"users/{seg(name)}/enable", token=root), 204)
        assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"data"

        # Deleted: refused at once.
        expect(call(server, "DELETE", f"keys/{key['access_key']}", token=root), 204)
        refused()
        expect(call(server, "DELETE", f"keys/{key['access_key']}", token=root), 404,
               "NoSuchEntity")
        expect(call(server, "POST", f"keys/{key['access_key']}/enable", token=root), 404,
               "NoSuchEntity")
        left = expect(call(server, "GET", f"users/{seg(name)}/keys", token=root), 200)["keys"]
        assert [k["access_key"] for k in left] == [second["access_key"]], left

        # Deleting the user takes its keys with it.
        s3b = server.client(access_key=second["access_key"], secret_key=second["secret_key"])
        assert s3b.get_object(Bucket=bucket, Key="k")["Body"].read() == b"data"
        expect(call(server, "DELETE", f"users/{seg(name)}", token=root), 204)
        with pytest.raises(ClientError):
            s3b.get_object(Bucket=bucket, Key="k")
        every = expect(call(server, "GET", "keys", token=root), 200)["keys"]
        assert second["access_key"] not in {k["access_key"] for k in every}
    finally:
        empty_and_delete_bucket(s3_root, bucket)


def test_keys_for_self(server, root):
    """With no policy at all a user may still read itself and manage its own
    keys, but nobody else's."""
    name, pw = create_user(server, root)
    other, _ = create_user(server, root)
    token = user_token(server, name, pw)
    key = create_key(server, token, name, "mine")
    listed = expect(call(server, "GET", f"users/{seg(name)}/keys", token=token), 200)["keys"]
    assert [k["access_key"] for k in listed] == [key["access_key"]], listed
    expect(call(server, "POST", f"keys/{key['access_key']}/disable", token=token), 204)
    expect(call(server, "POST", f"keys/{key['access_key']}/enable", token=token), 204)
    expect(call(server, "GET", f"users/{seg(other)}/keys", token=token), 403, "AccessDenied")
    expect(call(server, "POST", f"users/{seg(other)}/keys", token=token), 403, "AccessDenied")
    expect(call(server, "GET", "keys", token=token), 403, "AccessDenied")
    theirs = create_key(server, root, other)
    expect(call(server, "DELETE", f"keys/{theirs['access_key']}", token=token), 403,
           "AccessDenied")
    expect(call(server, "DELETE", f"keys/{key['access_key']}", token=token), 204)
    expect(call(server, "GET", f"users/{seg(name)}", token=token), 200)


# --------------------------------------------------------------------------
# Groups and policies
# --------------------------------------------------------------------------

def test_groups(server, root):
    group = unique("devs")
    doc = expect(call(server, "POST", "groups", token=root, body={"name": group}), 201)
    assert doc["name"] == group and doc["members"] == [] and doc["policies"] == [], doc
    assert isinstance(doc["created_ms"], int), doc
    expect(call(server, "POST", "groups", token=root, body={"name": group}), 409,
           "EntityAlreadyExists")
    expect(call(server, "POST", "groups", token=root, body={"name": "bad name"}), 400,
           "InvalidArgument")

    a, _ = create_user(server, root)
    b, b_pw = create_user(server, root)
    for member in (b, a):
        expect(call(server, "PUT", f"groups/{seg(group)}/members/{seg(member)}", token=root), 204)
    expect(call(server, "POST", "policies/readonly/attach", token=root, body={"group": group}),
           204)
    doc = expect(call(server, "GET", f"groups/{seg(group)}", token=root), 200)
    assert doc["members"] == sorted([a, b]) and doc["policies"] == ["readonly"], doc
    assert group in expect(call(server, "GET", f"users/{seg(a)}", token=root), 200)["groups"]
    listed = expect(call(server, "GET", "groups", token=root), 200)["groups"]
    assert group in [g["name"] for g in listed], listed

    # The group's policy applies to its members (readonly: no admin actions).
    expect(call(server, "GET", "users", token=user_token(server, b, b_pw)), 403, "AccessDenied")

    expect(call(server, "DELETE", f"groups/{seg(group)}", token=root), 409, "DeleteConflict")
    expect(call(server, "PUT", f"groups/{seg(group)}/members/{unique('nobody')}", token=root),
           404, "NoSuchEntity")
    expect(call(server, "PUT", f"groups/{unique('nogroup')}/members/{seg(a)}", token=root), 404,
           "NoSuchEntity")
    for member in (a, b):
        expect(call(server, "DELETE", f"groups/{seg(group)}/members/{seg(member)}", token=root),
               204)
    expect(call(server, "POST", "policies/readonly/detach", token=root, body={"group": group}),
           204)
    expect(call(server, "DELETE", f"groups/{seg(group)}", token=root), 204)
    expect(call(server, "GET", f"groups/{seg(group)}", token=root), 404, "NoSuchEntity")
    expect(call(server, "DELETE", f"groups/{seg(group)}", token=root), 404, "NoSuchEntity")


def test_policies(server, root):
    name = unique("p-read-one-bucket")
    statements = [{"Effect": "Allow", "Action": ["s3:GetObject"],
                   "Resource": "arn:aws:s3:::one-bucket/*"}]
    resp = put_policy(server, root, name, statements)
    doc = expect(resp, 200)
    assert doc["name"] == name and doc["builtin"] is False, doc
    assert json.loads(doc["document"])["Statement"] == statements, doc
    assert doc["created_ms"] > 0 and doc["updated_ms"] >= doc["created_ms"], doc

    got = expect(call(server, "GET", f"policies/{seg(name)}", token=root), 200)
    assert got["users"] == [] and got["groups"] == [] and got["document"] == doc["document"]

    # Replace.
    statements2 = [{"Effect": "Allow", "Action": "s3:ListBucket",
                    "Resource": "arn:aws:s3:::one-bucket"}]
    doc2 = expect(put_policy(server, root, name, statements2), 200)
    assert json.loads(doc2["document"])["Statement"] == statements2
    assert doc2["updated_ms"] >= doc["updated_ms"], (doc, doc2)

    # List: built-ins first, in their order, then stored ones by name.
    second = "a-" + unique("p")
    expect(put_policy(server, root, second, statements), 200)
    listed = expect(call(server, "GET", "policies", token=root), 200)["policies"]
    names = [p["name"] for p in listed]
    assert names[:5] == BUILTINS, names
    assert all(p["builtin"] for p in listed[:5]) and not any(p["builtin"] for p in listed[5:])
    assert names[5:] == sorted(names[5:]) and {name, second} <= set(names[5:]), names

    # Attach to a user and a group; attached policies cannot be deleted.
    user, _ = create_user(server, root)
    group = unique("g")
    expect(call(server, "POST", "groups", token=root, body={"name": group}), 201)
    expect(call(server, "POST", f"policies/{seg(name)}/attach", token=root, body={"user": user}),
           204)
    expect(call(server, "POST", f"policies/{seg(name)}/attach", token=root,
                body={"group": group}), 204)
    got = expect(call(server, "GET", f"policies/{seg(name)}", token=root), 200)
    assert got["users"] == [user] and got["groups"] == [group], got
    assert name in expect(call(server, "GET", f"users/{seg(user)}", token=root), 200)["policies"]
    assert name in expect(call(server, "GET", f"groups/{seg(group)}", token=root),
                          200)["policies"]
    expect(call(server, "DELETE", f"policies/{seg(name)}", token=root), 409, "DeleteConflict")
    expect(call(server, "POST", f"policies/{seg(name)}/detach", token=root,
                body={"user": user}), 204)
    expect(call(server, "DELETE", f"policies/{seg(name)}", token=root), 409, "DeleteConflict")
    expect(call(server, "POST", f"policies/{seg(name)}/detach", token=root,
                body={"group": group}), 204)
    expect(call(server, "DELETE", f"policies/{seg(name)}", token=root), 204)
    expect(call(server, "GET", f"policies/{seg(name)}", token=root), 404, "NoSuchEntity")
    expect(call(server, "DELETE", f"policies/{seg(name)}", token=root), 404, "NoSuchEntity")

    # Attach bodies: exactly one target, which must exist.
    for body in [{}, {"user": user, "group": group}, {"role": "x"}, {"user": 3}]:
        expect(call(server, "POST", f"policies/{seg(second)}/attach", token=root, body=body),
               400, "InvalidArgument")
    expect(call(server, "POST", f"policies/{seg(second)}/attach", token=root,
                body={"user": unique("nobody")}), 404, "NoSuchEntity")
    expect(call(server, "POST", f"policies/{unique('nopolicy')}/attach", token=root,
                body={"user": user}), 404, "NoSuchEntity")
    expect(call(server, "DELETE", f"policies/{seg(second)}", token=root), 204)


def test_malformed_policy(server, root):
    name = unique("bad")
    statements = [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*",
         "Condition": {"StringEqualz": {"aws:username": "alice"}}},
    ]
    doc = expect(put_policy(server, root, name, statements), 400, "MalformedPolicy")
    assert "Statement[1].Condition" in doc["message"], doc
    assert "StringEqualz" in doc["message"], doc
    for data in [b"not json", b"", b"[]", b'{"Version": "2012-10-17"}',
                 json.dumps({"Version": "2012-10-17", "Statement": [
                     {"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                      "Principal": "*"}]}).encode()]:
        expect(call(server, "PUT", f"policies/{seg(name)}", token=root, data=data), 400,
               "MalformedPolicy")
    expect(call(server, "GET", f"policies/{seg(name)}", token=root), 404, "NoSuchEntity")
    expect(put_policy(server, root, "bad name!", statements[:1]), 400, "InvalidArgument")


def test_builtin_policies_are_immutable(server, root):
    statements = [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]
    for name in BUILTINS:
        got = expect(call(server, "GET", f"policies/{name}", token=root), 200)
        assert got["builtin"] is True and got["name"] == name, got
        before = got["document"]
        assert json.loads(before)["Statement"], got
        expect(put_policy(server, root, name, statements), 400, "InvalidArgument")
        expect(call(server, "DELETE", f"policies/{name}", token=root), 400, "InvalidArgument")
        assert expect(call(server, "GET", f"policies/{name}", token=root), 200)["document"] == before


# --------------------------------------------------------------------------
# Who may do what
# --------------------------------------------------------------------------

def test_readonly_user_cannot_administer(server, root):
    name, pw = create_user(server, root, policies=["readonly"])
    token = user_token(server, name, pw)
    key = create_key(server, token, name)  # its own: allowed
    sig = (key["access_key"], key["secret_key"])
    denied = [("GET", "users", None), ("POST", "users", {"name": unique("x")}),
              ("GET", f"users/{seg(name)}x", None), ("DELETE", f"users/{seg(name)}", None),
              ("GET", "keys", None), ("GET", "groups", None), ("POST", "groups", {"name": "g"}),
              ("GET", "policies", None), ("GET", "policies/admin", None),
              ("POST", "policies/admin/attach", {"user": name}),
              ("GET", "storage", None), ("GET", "heal", None), ("POST", "heal", None),
              ("POST", "gc", None)]
    for method, path, body in denied:
        expect(call(server, method, path, token=token, body=body), 403, "AccessDenied")
    for method, path, body in denied[:4]:
        resp = call(server, method, path, keys=sig,
                    data=json.dumps(body).encode() if body else b"")
        expect(resp, 403, "AccessDenied")
    assert expect(call(server, "GET", "whoami", token=token), 200)["policies"] == ["readonly"]
    assert expect(call(server, "GET", "whoami", keys=sig), 200)["access_key"] == key["access_key"]
    # Nothing was created on the way.
    names = [u["name"] for u in expect(call(server, "GET", "users", token=root), 200)["users"]]
    assert denied[1][2]["name"] not in names


def test_user_manager_cannot_mint_administrators(server, root):
    manager_policy = unique("user-manager")
    expect(put_policy(server, root, manager_policy, [
        {"Effect": "Allow", "Action": ["admin:CreateUser", "admin:AttachPolicy"],
         "Resource": "*"}]), 200)
    manager, pw = create_user(server, root, policies=[manager_policy])
    token = user_token(server, manager, pw)

    plain = unique("plain")
    expect(call(server, "POST", "users", token=token,
                body={"name": plain, "password": new_password()}), 201)
    with_readonly = unique("reader")
    expect(call(server, "POST", "users", token=token,
                body={"name": with_readonly, "policies": ["readonly"]}), 201)

    # Any policy that grants an admin: action needs admin:GrantAdmin.
    for policies in (["admin"], ["diagnostics"], [manager_policy], ["readonly", "admin"]):
        wanted = unique("minted")
        expect(call(server, "POST", "users", token=token,
                    body={"name": wanted, "policies": policies}), 403, "AccessDenied")
        expect(call(server, "GET", f"users/{wanted}", token=root), 404, "NoSuchEntity")
    for policy in ("admin", "diagnostics", manager_policy):
        expect(call(server, "POST", f"policies/{seg(policy)}/attach", token=token,
                    body={"user": plain}), 403, "AccessDenied")
    assert expect(call(server, "GET", f"users/{plain}", token=root), 200)["policies"] == []

    # Nothing at all to itself, not even a harmless policy.
    for policy in ("readonly", "admin"):
        expect(call(server, "POST", f"policies/{policy}/attach", token=token,
                    body={"user": manager}), 403, "AccessDenied")
    assert expect(call(server, "GET", f"users/{seg(manager)}", token=root),
                  200)["policies"] == [manager_policy]

    # What it holds, it may do: a harmless policy to someone else.
    expect(call(server, "POST", "policies/readonly/attach", token=token, body={"user": plain}),
           204)
    # What it does not hold, it may not.
    expect(call(server, "DELETE", f"users/{plain}", token=token), 403, "AccessDenied")
    expect(call(server, "GET", "users", token=token), 403, "AccessDenied")
    expect(put_policy(server, token, unique("p"), [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]), 403, "AccessDenied")


def test_storage_endpoints_follow_policies(server, root):
    expect(call(server, "GET", "storage", token=root), 200)
    assert "objects" in expect(call(server, "GET", "storage", keys=root_keys(server)), 200)
    name, pw = create_user(server, root, policies=["diagnostics"])
    token = user_token(server, name, pw)
    doc = expect(call(server, "GET", "storage", token=token), 200)
    assert {"objects", "drives", "heal", "gc"} <= set(doc), doc
    assert "passes_completed" in expect(call(server, "GET", "heal", token=token), 200)
    expect(call(server, "POST", "gc", token=token), 403, "AccessDenied")
    expect(call(server, "GET", "users", token=token), 403, "AccessDenied")
    # Storage calls take no body.
    expect(call(server, "POST", "gc", token=root, data=b"{}"), 400, "InvalidArgument")
    expect_invalid_token(call(server, "GET", "storage"))


# --------------------------------------------------------------------------
# Failed-login limit
# --------------------------------------------------------------------------

def test_login_rate_limit(server, root):
    name, pw = create_user(server, root)
    other, other_pw = create_user(server, root)
    source = fresh_source()
    for i in range(5):
        expect(login(server, name, f"wrong-password-{i}", source=source), 403, "AccessDenied")
    # Locked: even the right password is refused, with a time to wait.
    resp = login(server, name, pw, source=source)
    expect(resp, 429, "TooManyRequests")
    retry = resp.headers.get("Retry-After")
    assert retry is not None and retry.isdigit() and 1 <= int(retry) <= 3600, dict(resp.headers)
    # The user name is locked from anywhere...
    elsewhere = fresh_source()
    expect(login(server, name, pw, source=elsewhere), 429, "TooManyRequests")
    # ...and the address for any name.
    expect(login(server, other, other_pw, source=source), 429, "TooManyRequests")
    # Another name from another address is not affected.
    session_of(login(server, other, other_pw, source=elsewhere))


# --------------------------------------------------------------------------
# JWT forgeries
# --------------------------------------------------------------------------

def test_jwt_forgeries_are_refused(server, root):
    name, pw = create_user(server, root, policies=["admin"])
    victim, victim_pw = create_user(server, root)
    doc = session_of(login(server, name, pw))
    token = doc["access_token"]
    h, p, s = token.split(".")
    header, payload = b64url_json(h), b64url_json(p)
    assert header.get("alg") == "HS256", header
    assert {"sub", "exp", "iat"} <= set(payload), payload
    assert payload["exp"] - payload["iat"] == 900, payload

    # The genuine token is accepted now.
    assert expect(call(server, "GET", "whoami", token=token), 200)["name"] == name

    now = int(time.time())
    victim_sub = b64url_json(session_of(login(server, victim, victim_pw))[
        "access_token"].split(".")[1])["sub"]
    flipped = ("A" if s[0] != "A" else "B") + s[1:]
    forgeries = {
        "alg none": forge({"alg": "none", "typ": "JWT"}, payload, ""),
        "alg None": forge({"alg": "None", "typ": "JWT"}, payload, ""),
        "alg none, original signature": forge({"alg": "none", "typ": "JWT"}, payload, s),
        "no alg": forge({"typ": "JWT"}, payload, s),
        "RS256 header, original signature": forge({"alg": "RS256", "typ": "JWT"}, payload, s),
        "RS256 header, HMAC by the root secret":
            hs256({"alg": "RS256", "typ": "JWT"}, payload, server.secret_key.encode()),
        "HS256 by a guessed key": hs256(header, payload, b"secret"),
        "HS256 by an empty key": hs256(header, payload, b""),
        "HS256 by the root secret": hs256(header, payload, server.secret_key.encode()),
        "bad signature": f"{h}.{p}.{flipped}",
        "no signature": f"{h}.{p}.",
        "other user's sub": forge(header, dict(payload, sub=victim_sub), s),
        "other name": forge(header, dict(payload, name=victim), s),
        "exp in the past": forge(header, dict(payload, exp=now - 3600), s),
        "exp pushed out": forge(header, dict(payload, exp=now + 30 * 86400), s),
        "wrong token use": forge(header, dict(payload, use="refresh"), s),
        "two parts": f"{h}.{p}",
        "four parts": f"{token}.{s}",
        "refresh token as bearer": doc["refresh_token"],
    }
    for what, forged in forgeries.items():
        resp = call(server, "GET", "whoami", token=forged)
        assert resp.status_code == 401, f"{what}: {resp.status_code} {resp.text[:300]}"
        expect_invalid_token(resp)
    # Still fine afterwards.
    expect(call(server, "GET", "whoami", token=token), 200)


# --------------------------------------------------------------------------
# The log
# --------------------------------------------------------------------------

def test_server_log_holds_no_secret(server, root):
    """Runs last in this file: every password, secret key and token the tests
    made (and one more set made here) must be absent from the server log."""
    name, pw = create_user(server, root)
    token = user_token(server, name, pw)
    key = create_key(server, token, name)
    new_pw = new_password()
    expect(call(server, "PUT", f"users/{seg(name)}/password", token=root,
                body={"password": new_pw}), 204)
    # A refused login with a password-like string, too.
    wrong = new_password()
    expect(login(server, name, wrong, source=fresh_source()), 403, "AccessDenied")
    text = server.log_path.read_text(errors="replace")
    # Admin requests are logged (one JSON line each), so there is something
    # to look through.
    lines = [json.loads(line[line.index("{"):]) for line in text.splitlines()
             if '"operation"' in line and "{" in line]
    created = [x for x in lines if x.get("operation") == "CreateAccessKey"
               and x.get("status") == 201 and x.get("user") == name]
    assert created, "no log line for the CreateAccessKey call"
    assert any(x.get("operation") == "SetUserPassword" and x.get("status") == 204
               for x in lines), "no log line for the SetUserPassword call"
    leaked = [s for s in SECRETS + [server.secret_key, key["secret_key"]] if s in text]
    assert not leaked, f"{len(leaked)} secrets in {server.log_path}: {[x[:6] for x in leaked]}"
