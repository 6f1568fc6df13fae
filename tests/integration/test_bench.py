"""`strata bench` (the load generator) against the session server: PUT then
GET --verify with exact counts, the other workloads in short runs, and a
run with a wrong secret, which must fail loudly (non-zero exit, errors in
the JSON report)."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from conftest import strata_bin
from strata_helpers import empty_and_delete_bucket

TIMEOUT = 120


def bench(server, *args, env_credentials=False, secret_key=None):
    """Runs `strata bench --json ...` against server; returns (exit code, report, stderr)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "STRATA_"))}
    cmd = [str(strata_bin()), "bench", "--endpoint", server.endpoint, "--json", *args]
    if env_credentials:
        env["STRATA_ROOT_USER"] = server.access_key
        env["STRATA_ROOT_PASSWORD"] = server.secret_key
    else:
        cmd += ["--access-key", server.access_key,
                "--secret-key", secret_key or server.secret_key]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, env=env)
    lines = [l for l in p.stdout.splitlines() if l.strip()]
    assert len(lines) == 1, f"expected one JSON line, got:\n{p.stdout}\nstderr:\n{p.stderr}"
    return p.returncode, json.loads(lines[0]), p.stderr


@pytest.fixture
def bench_bucket(s3, bucket_name):
    """A bucket name that bench itself creates; emptied and removed afterwards."""
    yield bucket_name
    empty_and_delete_bucket(s3, bucket_name)


def test_put_then_get_verify(strata, s3, bench_bucket):
    size = 64 * 1024
    rc, put, err = bench(strata, "--op", "put", "--size", "64KiB", "--count", "20",
                         "--concurrency", "2", "--bucket", bench_bucket, "--prefix", "put/")
    assert rc == 0, (put, err)
    assert put["op"] == "put"
    assert put["ops"] == 20
    assert put["errors"] == 0 and put["error_messages"] == []
    assert put["bytes"] == 20 * size
    assert put["mib_per_s"] > 0 and put["ops_per_s"] > 0
    assert put["latency_ms"]["p50"] > 0
    assert put["latency_ms"]["p50"] <= put["latency_ms"]["p90"] <= put["latency_ms"]["p99"] \
        <= put["latency_ms"]["max"]
    assert put["cpu"]["wall_s"] > 0
    assert put["ttfb_ms"] is None  # no GETs

    # What was stored: 20 objects of the right size, every 4 KiB block unique.
    listed = s3.list_objects_v2(Bucket=bench_bucket, Prefix="put/")["Contents"]
    assert len(listed) == 20 and all(o["Size"] == size for o in listed)
    body = s3.get_object(Bucket=bench_bucket, Key=listed[0]["Key"])["Body"].read()
    other = s3.get_object(Bucket=bench_bucket, Key=listed[1]["Key"])["Body"].read()
    blocks = {body[i:i + 4096] for i in range(0, size, 4096)}
    blocks |= {other[i:i + 4096] for i in range(0, size, 4096)}
    assert len(blocks) == 2 * size // 4096

    rc, get, err = bench(strata, "--op", "get", "--verify", "--size", "64KiB", "--count", "20",
                         "--concurrency", "2", "--bucket", bench_bucket, "--prefix", "get/")
    assert rc == 0, (get, err)
    assert get["ops"] == 20 and get["errors"] == 0
    assert get["verify"] is True
    assert get["prepare"]["objects"] == 20
    assert get["bytes"] == 20 * size
    assert get["mib_per_s"] > 0
    assert get["ttfb_ms"]["samples"] == 20
    assert 0 < get["ttfb_ms"]["p50"] <= get["latency_ms"]["max"]
    assert set(get["by_op"]) == {"GET"}


def test_other_workloads(strata, bench_bucket):
    # Credentials from STRATA_ROOT_USER / STRATA_ROOT_PASSWORD this time.
    common = ("--size", "4KiB", "--concurrency", "2", "--bucket", bench_bucket)
    rc, mixed, err = bench(strata, "--op", "mixed", "--count", "60", "--objects", "8",
                           "--verify", *common, env_credentials=True)
    assert rc == 0, (mixed, err)
    assert mixed["ops"] == 60 and mixed["errors"] == 0
    assert sum(v["ops"] for v in mixed["by_op"].values()) == 60
    assert "GET" in mixed["by_op"] and "PUT" in mixed["by_op"]

    rc, listing, err = bench(strata, "--op", "list", "--count", "5", "--objects", "10",
                             "--prefix", "list/", *common, env_credentials=True)
    assert rc == 0, (listing, err)
    assert listing["ops"] == 5 and listing["errors"] == 0 and listing["bytes"] > 0

    rc, deleted, err = bench(strata, "--op", "delete", "--count", "10", "--prefix", "del/",
                             *common, env_credentials=True)
    assert rc == 0, (deleted, err)
    assert deleted["ops"] == 10 and deleted["errors"] == 0

    rc, timed, err = bench(strata, "--op", "put", "--duration", "1s", *common,
                           env_credentials=True)
    assert rc == 0, (timed, err)
    assert timed["ops"] > 0 and timed["errors"] == 0
    assert 0.9 < timed["duration_s"] < 30


def test_bad_credentials_fail(strata, bench_bucket):
    rc, report, err = bench(strata, "--op", "put", "--size", "4KiB", "--count", "5",
                            "--bucket", bench_bucket, secret_key="not-the-right-secret")
    assert rc != 0
    assert report["errors"] >= 1
    assert report["ops"] == 0
    assert any("403" in m and "SignatureDoesNotMatch" in m for m in report["error_messages"]), \
        report["error_messages"]


def test_bad_flags_exit_2(strata):
    for args in (["--size", "4XB"], ["--duration", "ten"], ["--op", "copy"],
                 ["--endpoint", "ftp://x"], ["--concurrency", "0"]):
        cmd = [str(strata_bin()), "bench", "--access-key", "a", "--secret-key", "b", *args]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
        assert p.returncode == 2, (args, p.stdout, p.stderr)
        assert "strata bench:" in p.stderr
