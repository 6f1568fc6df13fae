"""The audit trail (docs/operations.md "Audit trail", docs/admin-api.md "Audit
log") end to end: a server of its own with --audit-file; as root a writer
and a reader are created; the writer PUTs and DELETEs with boto3, the reader
is refused a PUT and a GET by policy, a client with a wrong secret is refused
its signature, a login fails. Then the rows are read back through
GET /_strata/admin/v1/audit (every filter), `strata admin audit` (--json and
the table) and the JSON-lines file, and checked for what must not be there:
GET/HEAD successes, passwords, secrets and tokens.

The admin and CLI helpers are test_admin_identity.py's and
test_admin_cli.py's, imported rather than copied.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import stat
import time
import urllib.parse

import pytest
import requests
from botocore.exceptions import ClientError

from conftest import _start
from strata_helpers import empty_and_delete_bucket, error_of, unique_bucket_name
from test_admin_cli import Cli
from test_admin_identity import (call, create_key, create_user, expect, fresh_source, login,
                                 new_password, session_of, unique)

FIELDS = ["time", "id", "request_id", "source", "user", "access_key", "action", "bucket",
          "resource", "status", "error"]
API_FIELDS = set(FIELDS) | {"time_ms"}
WAIT_S = 20.0


@pytest.fixture(scope="module")
def audit_file(tmp_path_factory):
    return tmp_path_factory.mktemp("audit-log") / "audit.jsonl"


@pytest.fixture(scope="module")
def server(tmp_path_factory, audit_file):
    s = _start(tmp_path_factory, "audit", extra_args=("--audit-file", str(audit_file)))
    yield s
    s.stop()


def now_ms() -> int:
    return int(time.time() * 1000)


def rfc3339(ms: int, offset_minutes: int = 0) -> str:
    tz = _dt.timezone(_dt.timedelta(minutes=offset_minutes))
    t = _dt.datetime.fromtimestamp(ms / 1000, tz)
    text = t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}"
    if offset_minutes == 0:
        return text + "Z"
    sign = "+" if offset_minutes > 0 else "-"
    return text + f"{sign}{abs(offset_minutes) // 60:02d}:{abs(offset_minutes) % 60:02d}"


def audit(server, token, **params) -> requests.Response:
    query = urllib.parse.urlencode(params, quote_via=urllib.parse.quote)
    return call(server, "GET", "audit" + ("?" + query if query else ""), token=token)


def records(server, token, **params) -> list:
    doc = expect(audit(server, token, **params), 200)
    assert set(doc) == {"records"}, doc
    for r in doc["records"]:
        assert set(r) == API_FIELDS, r
    return doc["records"]


def wait_records(server, token, count: int, **params) -> list:
    """The rows matching params once there are at least `count` of them (the
    writer commits within its flush interval)."""
    deadline = time.monotonic() + WAIT_S
    while True:
        rows = records(server, token, **params)
        if len(rows) >= count:
            return rows
        if time.monotonic() > deadline:
            raise AssertionError(f"{params}: {len(rows)} rows, wanted {count}: {rows}")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def story(server):
    """Runs the requests the tests look for, once; returns what they need."""
    s = {"secrets": [server.secret_key], "start_ms": now_ms()}
    root_session = session_of(login(server, server.access_key, server.secret_key))
    s["secrets"] += [root_session["access_token"], root_session["refresh_token"]]
    root = s["root"] = root_session["access_token"]

    writer, writer_pw = create_user(server, root, unique("writer"), policies=["readwrite"])
    reader, reader_pw = create_user(server, root, unique("reader"), policies=["readonly"])
    wkey = create_key(server, root, writer)
    rkey = create_key(server, root, reader)
    s["secrets"] += [writer_pw, reader_pw, wkey["secret_key"], rkey["secret_key"]]
    s.update(writer=writer, reader=reader, wkey=wkey["access_key"], rkey=rkey["access_key"])
    reader_session = session_of(login(server, reader, reader_pw))
    s["secrets"] += [reader_session["access_token"], reader_session["refresh_token"]]
    s["reader_token"] = reader_session["access_token"]

    bucket = s["bucket"] = unique_bucket_name("audit")
    root_s3 = server.client()
    root_s3.create_bucket(Bucket=bucket)

    w3 = server.client(access_key=wkey["access_key"], secret_key=wkey["secret_key"])
    w3.put_object(Bucket=bucket, Key="doc.txt", Body=b"hello audit")
    w3.get_object(Bucket=bucket, Key="doc.txt")["Body"].read()
    w3.head_object(Bucket=bucket, Key="doc.txt")
    w3.list_objects_v2(Bucket=bucket)
    time.sleep(0.05)
    s["between_ms"] = now_ms()
    time.sleep(0.05)
    w3.delete_object(Bucket=bucket, Key="doc.txt")
    w3.put_object(Bucket=bucket, Key="a", Body=b"a")
    w3.put_object(Bucket=bucket, Key="b", Body=b"b")
    w3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "a"}, {"Key": "b"}]})

    r3 = server.client(access_key=rkey["access_key"], secret_key=rkey["secret_key"])
    r3.list_objects_v2(Bucket=bucket)  # allowed read: not recorded
    for fn, kwargs in [(r3.put_object, {"Key": "nope", "Body": b"x"}),
                       (r3.get_bucket_policy, {})]:
        with pytest.raises(ClientError) as e:
            fn(Bucket=bucket, **kwargs)
        assert error_of(e.value) == ("AccessDenied", 403), e.value.response

    wrong_secret = "wrong-" + wkey["secret_key"][6:]
    s["secrets"].append(wrong_secret)
    bad = server.client(access_key=wkey["access_key"], secret_key=wrong_secret)
    with pytest.raises(ClientError) as e:
        bad.put_object(Bucket=bucket, Key="forged", Body=b"x")
    assert error_of(e.value) == ("SignatureDoesNotMatch", 403), e.value.response

    wrong_pw = new_password()
    s["secrets"].append(wrong_pw)
    s["login_source"] = fresh_source()
    expect(login(server, writer, wrong_pw, source=s["login_source"]), 403, "AccessDenied")
    s["end_ms"] = now_ms()

    # Everything above is committed once the last request's row is.
    wait_records(server, root, 1, action="admin:Login", failures="true", user=writer)
    yield s
    empty_and_delete_bucket(root_s3, bucket)


# --------------------------------------------------------------------------
# What is recorded
# --------------------------------------------------------------------------

def test_s3_mutations_by_the_user(server, story):
    rows = records(server, story["root"], user=story["writer"], bucket=story["bucket"])
    got = [(r["action"], r["resource"], r["status"], r["error"]) for r in rows]
    assert got == [
        ("s3:DeleteObject", "", 200, ""),  # DeleteObjects: one row per request
        ("s3:PutObject", "b", 200, ""),
        ("s3:PutObject", "a", 200, ""),
        ("s3:DeleteObject", "doc.txt", 204, ""),
        ("s3:PutObject", "doc.txt", 200, ""),
    ], rows
    for r in rows:
        assert r["user"] == story["writer"] and r["access_key"] == story["wkey"], r
        assert r["source"] == "127.0.0.1" and r["bucket"] == story["bucket"], r
        assert len(r["request_id"]) >= 16 and r["id"], r
        assert story["start_ms"] <= r["time_ms"] <= story["end_ms"] + 1000, r
        assert r["time"].endswith("Z") and r["time"].startswith(
            _dt.datetime.fromtimestamp(r["time_ms"] / 1000, _dt.timezone.utc)
            .strftime("%Y-%m-%dT%H:%M:%S")), r
    # Newest first.
    assert [r["time_ms"] for r in rows] == sorted((r["time_ms"] for r in rows), reverse=True)


def test_reads_are_not_recorded(server, story):
    rows = records(server, story["root"], bucket=story["bucket"], limit=1000)
    assert rows
    ok_actions = {r["action"] for r in rows if not r["error"]}
    for action in ("s3:GetObject", "s3:ListBucket"):
        assert action not in ok_actions, rows
    # The reader's allowed listing left nothing; its refusals did.
    reader_rows = [r for r in rows if r["user"] == story["reader"]]
    assert all(r["error"] for r in reader_rows), reader_rows


def test_refused_by_policy(server, story):
    rows = records(server, story["root"], user=story["reader"], failures="true")
    got = sorted((r["action"], r["resource"], r["status"], r["error"]) for r in rows)
    assert got == [("s3:GetBucketPolicy", "", 403, "AccessDenied"),
                   ("s3:PutObject", "nope", 403, "AccessDenied")], rows
    assert all(r["access_key"] == story["rkey"] for r in rows), rows


def test_bad_signature_records_the_claimed_key(server, story):
    rows = records(server, story["root"], bucket=story["bucket"], action="s3:PutObject",
                   failures="true")
    forged = [r for r in rows if r["resource"] == "forged"]
    assert len(forged) == 1, rows
    r = forged[0]
    assert (r["status"], r["error"]) == (403, "SignatureDoesNotMatch"), r
    assert r["user"] == "" and r["access_key"] == story["wkey"], r


def test_logins(server, story):
    failed = records(server, story["root"], action="admin:Login", failures="true",
                     user=story["writer"])
    assert len(failed) == 1, failed
    r = failed[0]
    assert (r["status"], r["error"], r["source"]) == (403, "AccessDenied",
                                                      story["login_source"]), r
    assert r["access_key"] == "" and r["resource"] == "" and r["bucket"] == "", r
    # Successful logins are POSTs: recorded too, under who logged in.
    ok = records(server, story["root"], action="admin:Login", user=server.access_key)
    assert ok and all(x["status"] == 200 and x["error"] == "" for x in ok), ok


def test_admin_mutations(server, story):
    rows = records(server, story["root"], action="admin:CreateUser")
    by_resource = {r["resource"]: r for r in rows}
    for name in (story["writer"], story["reader"]):
        r = by_resource[name]
        assert (r["status"], r["user"], r["access_key"]) == (201, server.access_key, ""), r
    keys = records(server, story["root"], action="admin:CreateAccessKey", user=server.access_key)
    assert {story["writer"], story["reader"]} <= {r["resource"] for r in keys}, keys


# --------------------------------------------------------------------------
# Filters and errors
# --------------------------------------------------------------------------

def test_action_prefix_and_limit(server, story):
    root = story["root"]
    s3_rows = records(server, root, action="s3:*", limit=10000)
    assert s3_rows and all(r["action"].startswith("s3:") for r in s3_rows)
    admin_rows = records(server, root, action="admin:*", limit=10000)
    assert admin_rows and all(r["action"].startswith("admin:") for r in admin_rows)
    everything = records(server, root, limit=10000)
    assert len(everything) >= len(s3_rows) + len(admin_rows)
    assert len(records(server, root)) == min(100, len(everything))
    one = records(server, root, limit=1)
    assert len(one) == 1 and one[0]["id"] == everything[0]["id"]
    assert records(server, root, action="s3:Put") == []  # exact, not a prefix


def test_failures_filter(server, story):
    rows = records(server, story["root"], failures="true", limit=10000)
    assert rows and all(r["error"] for r in rows)
    assert {"AccessDenied", "SignatureDoesNotMatch"} <= {r["error"] for r in rows}
    assert any(not r["error"] for r in records(server, story["root"], failures="false"))


def test_since_and_until(server, story):
    root, mark = story["root"], story["between_ms"]
    base = {"user": story["writer"], "bucket": story["bucket"], "limit": 10000}
    after = records(server, root, since=mark, **base)
    before = records(server, root, until=mark, **base)
    assert [r["resource"] for r in before] == ["doc.txt"], before
    assert before[0]["action"] == "s3:PutObject"
    assert [r["action"] for r in after][-1] == "s3:DeleteObject", after
    assert len(after) + len(before) == len(records(server, root, **base))
    # The same instants in RFC 3339, in UTC and with an offset.
    for offset in (0, 90, -300):
        assert records(server, root, since=rfc3339(mark, offset), **base) == after, offset
        assert records(server, root, until=rfc3339(mark, offset), **base) == before, offset
    assert records(server, root, since=story["end_ms"] + 60_000, **base) == []
    assert records(server, root, since=mark, until=mark, **base) == []


@pytest.mark.parametrize("params", [
    {"since": "yesterday"}, {"until": "2026-12-01"}, {"since": "-1"},
    {"limit": "0"}, {"limit": "10001"}, {"limit": "many"},
    {"failures": "yes"}, {"action": "s3:*Object"}, {"users": "alice"},
])
def test_bad_query_values(server, story, params):
    doc = expect(audit(server, story["root"], **params), 400, "InvalidArgument")
    assert next(iter(params)) in doc["message"], doc


def test_needs_admin_get_audit_log(server, story):
    expect(audit(server, story["reader_token"]), 403, "AccessDenied")
    resp = audit(server, None)
    expect(resp, 401, "InvalidToken")
    name, pw = create_user(server, story["root"], unique("diag"), policies=["diagnostics"])
    story["secrets"].append(pw)
    diag = session_of(login(server, name, pw))
    story["secrets"] += [diag["access_token"], diag["refresh_token"]]
    expect(audit(server, diag["access_token"]), 403, "AccessDenied")
    # The refusals are GETs, recorded as refused requests.
    rows = wait_records(server, story["root"], 3, action="admin:GetAuditLog", failures="true")
    assert {r["user"] for r in rows} >= {story["reader"], name, ""}, rows
    assert {(r["status"], r["error"]) for r in rows} == {(403, "AccessDenied"),
                                                        (401, "InvalidToken")}, rows


# --------------------------------------------------------------------------
# The CLI, the file, secrets, metrics
# --------------------------------------------------------------------------

def test_cli(server, story, tmp_path):
    cli = Cli(server, tmp_path, "audit")
    cli.login()
    api = records(server, story["root"], user=story["writer"], bucket=story["bucket"])
    doc = cli.json("audit", "--user", story["writer"], "--bucket", story["bucket"])
    assert doc["records"] == api
    doc = cli.json("audit", "--action", "s3:*", "--failures", "--limit", "2", "--since", "1h")
    assert len(doc["records"]) == 2 and all(r["error"] for r in doc["records"]), doc
    assert cli.json("audit", "--until", rfc3339(story["start_ms"] - 1000),
                    "--user", story["writer"])["records"] == []

    table = cli.ok("audit", "--user", story["writer"], "--bucket", story["bucket"])
    lines = table.splitlines()
    assert lines[0].split() == ["TIME", "USER", "SOURCE", "ACTION", "BUCKET/RESOURCE", "STATUS",
                                "ERROR"], table
    assert len(lines) == 1 + len(api), table
    assert f"{story['bucket']}/doc.txt" in table and "s3:DeleteObject" in table, table

    for bad in (["--since", "yesterday"], ["--until", "30"], ["--limit", "0"]):
        p = cli.run("audit", *bad)
        assert p.returncode != 0 and p.returncode != 1, (bad, p.returncode, p.stderr)
    assert "--since" in cli.fails("audit", "--since", "yesterday", code=2)


def test_json_lines_file(server, story, audit_file):
    api = records(server, story["root"], limit=10000)
    assert stat.S_IMODE(os.stat(audit_file).st_mode) == 0o600
    lines = audit_file.read_text().splitlines()
    assert lines
    by_id = {}
    for line in lines:
        doc = json.loads(line)
        assert list(doc) == FIELDS, line
        assert isinstance(doc["status"], int), line
        by_id[doc["id"]] = doc
    for r in api:
        f = by_id.get(r["id"])
        assert f is not None, f"record {r} is not in the file"
        assert f == {k: r[k] for k in FIELDS}, (f, r)
    # Reads that succeeded are in neither.
    assert not [d for d in by_id.values()
                if d["action"] in ("s3:GetObject", "s3:ListBucket") and not d["error"]]


def test_no_secret_anywhere(server, story, audit_file):
    text = audit_file.read_text()
    answers = audit(server, story["root"], limit=10000).text
    for where, content in (("the audit file", text), ("the API answer", answers)):
        leaked = [x for x in story["secrets"] if x and x in content]
        assert not leaked, f"{len(leaked)} secrets in {where}: {[x[:6] for x in leaked]}"


def test_metrics(server, story):
    text = requests.get(server.endpoint + "/_strata/metrics", timeout=30).text
    values = {}
    for line in text.splitlines():
        if line.startswith("strata_audit_records"):
            name, value = line.split()
            values[name] = float(value)
    assert values.get("strata_audit_records_total", 0) >= 10, values
    assert values.get("strata_audit_records_lost_total") == 0, values
