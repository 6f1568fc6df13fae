"""`strata admin meta status | migrate | copy` against real databases
(docs/metadata-postgres.md, "Moving from SQLite to PostgreSQL"): a server
on SQLite is filled (inline, chunked and multipart objects, a user with a
key and a policy, a bucket policy, an unfinished upload), stopped, and its
metadata copied into a new PostgreSQL database; a server started on the copy
(same drives, same master key) serves every object byte-identical and
honours the same key and policy. Also: status before and after migrate, a
copy into a non-empty database refused without a change, bad URLs.

Runs in every pass of the backend matrix: it starts the run's shared
PostgreSQL even when the run itself is on SQLite.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import subprocess

import pytest
from botocore.exceptions import ClientError

import meta_backends
from conftest import StrataServer, _require_binary, strata_bin
from strata_helpers import admin, assert_client_error, list_keys

KiB = 1024
MiB = 1024 * KiB
TIMEOUT = 120


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def meta_cli(*args, expect=0, env=None):
    """`strata admin [--json] meta ...`; returns the completed process."""
    run_env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "STRATA_"))}
    run_env.update(env or {})
    proc = subprocess.run([str(strata_bin()), "admin", *args], capture_output=True, text=True,
                          timeout=TIMEOUT, stdin=subprocess.DEVNULL, env=run_env)
    ok = proc.returncode != 0 if expect == "fail" else proc.returncode == expect
    assert ok, (args, proc.returncode, proc.stdout, proc.stderr)
    return proc


def status_json(url):
    return json.loads(meta_cli("--json", "meta", "status", "--meta", url).stdout)


@pytest.fixture(scope="module")
def pg():
    return meta_backends.shared_postgres()


def test_status_migrate_and_bad_urls(pg, tmp_path):
    _require_binary()
    url = pg.url(pg.create_database("metastatus"))
    before = status_json(url)
    assert before["schema_version"] == 0 and before["applied"] == [], before
    assert len(before["pending"]) == before["latest_version"] >= 4, before
    assert before["metadata"].startswith("postgres://postgres@127.0.0.1:"), before

    text = meta_cli("meta", "migrate", "--meta", url).stdout
    assert "Pending migrations: none" in text, text
    after = status_json(url)
    assert after["schema_version"] == after["latest_version"], after
    assert [m["version"] for m in after["applied"]] == list(range(1, after["latest_version"] + 1))
    assert all(m["applied_at_ms"] > 0 for m in after["applied"]), after
    assert after["pending"] == []
    assert after["tables"]["objects"] == 0 and "buckets" in after["tables"], after

    # STRATA_META stands in for --meta, as for the server.
    sqlite_url = f"sqlite:{tmp_path / 'made.db'}"
    meta_cli("meta", "migrate", env={"STRATA_META": sqlite_url})
    assert status_json(sqlite_url)["schema_version"] == after["latest_version"]

    # status never creates a file; passwords are never echoed.
    proc = meta_cli("meta", "status", "--meta", f"sqlite:{tmp_path / 'none.db'}", expect=1)
    assert "strata admin meta:" in proc.stderr
    assert not (tmp_path / "none.db").exists()
    proc = meta_cli("meta", "status", "--meta", "mysql://root:hunter2@db/x", expect=1)
    assert "hunter2" not in proc.stderr + proc.stdout
    proc = meta_cli("meta", "status", "--meta",
                    f"postgres://postgres:hunter2@127.0.0.1:{pg.port}/nosuchdb", expect=1)
    assert "hunter2" not in proc.stderr + proc.stdout
    proc = meta_cli("meta", "status", expect="fail")  # --meta (or STRATA_META) is required
    assert "--meta" in proc.stderr, proc.stderr


def test_copy_sqlite_to_postgres_round_trip(pg, tmp_path_factory):
    _require_binary()
    master_key = secrets.token_hex(32)
    root = tmp_path_factory.mktemp("copy-source")
    sqlite_url = f"sqlite:{root / 'data' / 'meta' / 'strata.db'}"
    source = StrataServer(root, "copy-source", meta_url=sqlite_url,
                          env={"STRATA_MASTER_KEY": master_key})
    source.start()
    try:
        c = source.client()
        bodies = {}
        c.create_bucket(Bucket="moved")
        for key, size in [("empty", 0), ("inline", 3000), ("one-chunk", 200 * KiB),
                          ("chunks/two", 5 * MiB), ("dedup-copy", 200 * KiB)]:
            bodies[key] = os.urandom(size)
        bodies["dedup-copy"] = bodies["one-chunk"]
        for key, body in bodies.items():
            c.put_object(Bucket="moved", Key=key, Body=body,
                         Metadata={"origin": key.replace("/", "-")}, ContentType="text/x-test")
        # A multipart object, and an upload left unfinished.
        parts = [os.urandom(5 * MiB), os.urandom(1 * MiB)]
        up = c.create_multipart_upload(Bucket="moved", Key="multi")["UploadId"]
        etags = [c.upload_part(Bucket="moved", Key="multi", UploadId=up, PartNumber=i + 1,
                               Body=p)["ETag"] for i, p in enumerate(parts)]
        c.complete_multipart_upload(
            Bucket="moved", Key="multi", UploadId=up,
            MultipartUpload={"Parts": [{"ETag": e, "PartNumber": i + 1}
                                       for i, e in enumerate(etags)]})
        bodies["multi"] = b"".join(parts)
        pending = c.create_multipart_upload(Bucket="moved", Key="pending")["UploadId"]
        c.upload_part(Bucket="moved", Key="pending", UploadId=pending, PartNumber=1,
                      Body=b"p" * 1000)
        c.create_bucket(Bucket="moved-empty")
        # A user whose key and policy must survive the move.
        user = "mover"
        assert admin(source, "POST", "users", body=json.dumps({"name": user}).encode())[0] == 201
        status, user_key = admin(source, "POST", f"users/{user}/keys", body=b"{}")
        assert status == 201, user_key
        policy = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::moved/*"]}]}
        assert admin(source, "PUT", "policies/read-moved",
                     body=json.dumps(policy).encode())[0] == 200
        assert admin(source, "POST", "policies/read-moved/attach",
                     body=json.dumps({"user": user}).encode())[0] == 204
        source_keys = sorted(list_keys(c, "moved"))
        source_heads = {k: c.head_object(Bucket="moved", Key=k) for k in source_keys}
        source_stats = admin(source, "GET", "storage")[1]
    finally:
        source.stop()

    before = status_json(sqlite_url)
    assert before["tables"]["objects"] == len(bodies), before
    assert before["tables"]["multipart_uploads"] == 1 and before["tables"]["users"] == 1, before

    target = pg.url(pg.create_database("copytarget"))
    out = meta_cli("meta", "copy", "--from", sqlite_url, "--to", target).stdout
    assert "row counts verified" in out, out
    after = status_json(target)
    assert after["tables"] == before["tables"], (before, after)
    assert after["schema_version"] == before["schema_version"]

    # Again into the same (now full) database: refused, nothing changes.
    proc = meta_cli("meta", "copy", "--from", sqlite_url, "--to", target, expect=1)
    assert "not empty" in proc.stderr, proc.stderr
    assert status_json(target)["tables"] == before["tables"]

    # A server on the copy, over the same drives, with the same master key.
    moved = StrataServer(tmp_path_factory.mktemp("copy-target"), "copy-target",
                         meta_url=target, cache_url=meta_backends.new_cache_url(),
                         extra_args=("--drives", ",".join(
                             str(root / "data" / f"drive{i}") for i in range(1, 7))),
                         env={"STRATA_MASTER_KEY": master_key})
    moved.access_key, moved.secret_key = source.access_key, source.secret_key
    moved.start()
    try:
        c = moved.client()
        assert sorted(list_keys(c, "moved")) == source_keys
        for key, body in bodies.items():
            got = c.get_object(Bucket="moved", Key=key)
            assert sha(got["Body"].read()) == sha(body), key
            assert got["ETag"] == source_heads[key]["ETag"], key
            assert got["Metadata"] == source_heads[key]["Metadata"], key
            assert got["LastModified"] == source_heads[key]["LastModified"], key
        assert c.head_object(Bucket="moved", Key="multi", PartNumber=2)["ContentLength"] == 1 * MiB
        assert {b["Name"] for b in c.list_buckets()["Buckets"]} >= {"moved", "moved-empty"}
        # The same figures, reference counts included.
        stats = admin(moved, "GET", "storage")[1]
        for field in ("objects", "logical_bytes", "inline_bytes", "chunks", "chunk_bytes",
                      "unreferenced_chunks"):
            assert stats[field] == source_stats[field], (field, stats, source_stats)
        assert stats["objects"] == len(bodies) and stats["unreferenced_chunks"] == 0, stats
        # The unfinished upload carries on.
        uploads = c.list_multipart_uploads(Bucket="moved").get("Uploads", [])
        assert [u["UploadId"] for u in uploads] == [pending]
        c.abort_multipart_upload(Bucket="moved", Key="pending", UploadId=pending)
        # The key (its secret sealed under the same master key) and its policy.
        as_user = moved.client(access_key=user_key["access_key"],
                               secret_key=user_key["secret_key"])
        assert as_user.get_object(Bucket="moved", Key="inline")["Body"].read() == bodies["inline"]
        with pytest.raises(ClientError) as ei:
            as_user.put_object(Bucket="moved", Key="nope", Body=b"x")
        assert_client_error(ei, "AccessDenied", 403)
        # Aborting it released its part's chunk: the counts move on the copy.
        assert admin(moved, "GET", "storage")[1]["unreferenced_chunks"] == 1
    finally:
        moved.stop()
