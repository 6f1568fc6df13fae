"""The server's --meta and --cache flags (README "Configuration"): the store
and cache it opened are logged without their passwords, a store that cannot
be opened stops the start with a clear message, and the metadata-cache
metrics (docs/operations.md) exist exactly when a cache is configured and
count what it does.

Runs in every pass; what it expects follows the pass (meta_backends.py).
"""
from __future__ import annotations

import os
import subprocess
import time

import pytest
import requests

import meta_backends
from conftest import StrataServer, _require_binary, free_port, strata_bin

TIMEOUT = 30


def scrape(server) -> dict:
    text = requests.get(server.endpoint + "/_strata/metrics", timeout=TIMEOUT).text
    out = {}
    for line in text.splitlines():
        if line.startswith("strata_meta_cache_"):
            name, value = line.rsplit(" ", 1)
            out[name] = float(value)
    return out


def server_lines(server) -> list[str]:
    """The server's own log lines (not the fixture's "=== start" lines,
    which show the command line)."""
    return [line for line in server.log_path.read_text(errors="replace").splitlines()
            if not line.startswith("===")]


def test_cache_metrics_follow_the_configuration(strata, s3, bucket):
    s3.put_object(Bucket=bucket, Key="hot", Body=b"x" * 100)
    for _ in range(5):
        s3.head_object(Bucket=bucket, Key="hot")
    metrics = scrape(strata)
    if meta_backends.CACHE != "redis":
        assert metrics == {}, metrics
        return
    assert metrics["strata_meta_cache_connected"] == 1, metrics
    before = metrics["strata_meta_cache_hits_total"]
    for _ in range(5):
        s3.head_object(Bucket=bucket, Key="hot")
    after = scrape(strata)
    assert after["strata_meta_cache_hits_total"] >= before + 5, (metrics, after)
    assert after["strata_meta_cache_misses_total"] >= 1, after
    assert "strata_meta_cache_errors_total" in after, after


def test_retry_metrics_only_on_postgres(strata, s3, bucket):
    """strata_meta_retries_total{kind} is exported exactly when the store is
    PostgreSQL (docs/operations.md), both kinds from the first scrape."""
    s3.put_object(Bucket=bucket, Key="counted", Body=b"x")
    text = requests.get(strata.endpoint + "/_strata/metrics", timeout=TIMEOUT).text
    series = {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
              for line in text.splitlines() if line.startswith("strata_meta_retries_total")}
    if meta_backends.META != "postgres":
        assert series == {}, series
        return
    assert set(series) == {'strata_meta_retries_total{kind="conflict"}',
                           'strata_meta_retries_total{kind="reconnect"}'}, series
    assert all(v >= 0 for v in series.values()), series


def test_opened_store_is_logged_without_passwords(tmp_path):
    _require_binary()
    if meta_backends.META == "postgres":
        pg = meta_backends.shared_postgres()
        # Trust authentication ignores the password, so the URL works as given.
        meta_url = (f"postgresql://postgres:hunter2@127.0.0.1:{pg.port}/"
                    f"{pg.create_database('logged')}?sslmode=disable")
        expected = f"metadata: postgres://postgres@127.0.0.1:{pg.port}/"
    else:
        meta_url = f"sqlite:{tmp_path / 'elsewhere.db'}"
        expected = f"metadata: sqlite:{tmp_path / 'elsewhere.db'}"
    cache_url = None
    if meta_backends.CACHE == "redis":
        redis = meta_backends.shared_redis()
        # Redis has no password set: AUTH fails and the cache stays
        # disconnected, which must not stop the server either.
        cache_url = f"redis://:hunter3@127.0.0.1:{redis.port}/{redis.db()}"
    server = StrataServer(tmp_path / "srv", "logged", meta_url=meta_url, cache_url=cache_url)
    server.start()
    try:
        s3 = server.client()
        s3.create_bucket(Bucket="logged")
        s3.put_object(Bucket="logged", Key="k", Body=b"v")
        assert s3.get_object(Bucket="logged", Key="k")["Body"].read() == b"v"
        lines = server_lines(server)
        assert any(expected in line for line in lines), lines[:20]
        if cache_url:
            assert any(f"metadata cache: redis://127.0.0.1:{redis.port}/" in line
                       for line in lines), lines[:20]
        text = "\n".join(lines)
        assert "hunter2" not in text and "hunter3" not in text
        if meta_backends.META == "sqlite":
            # --meta really moved the database out of DIR/meta.
            assert (tmp_path / "elsewhere.db").is_file()
            assert not (server.data_dir / "meta" / "strata.db").exists()
    finally:
        server.stop()


@pytest.mark.parametrize("meta_url, message", [
    ("mysql://root:hunter2@db/strata", "metadata URL must start with"),
    ("postgresql://postgres:hunter2@127.0.0.1:{port}/strata?connect_timeout=2",
     "cannot open metadata"),
])
def test_a_store_that_cannot_be_opened_stops_the_start(tmp_path, meta_url, message):
    _require_binary()
    meta_url = meta_url.format(port=free_port())  # nothing listens there
    proc = subprocess.run(
        [str(strata_bin()), "server", "--address", f"127.0.0.1:{free_port()}", "--meta",
         meta_url, str(tmp_path / "data")],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        env={**os.environ, "STRATA_ROOT_USER": "AKEXAMPLEEXAMPLE0001",
             "STRATA_ROOT_PASSWORD": "x" * 40})
    assert proc.returncode == 1, (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
    output = proc.stdout + proc.stderr
    assert message in output, output[-2000:]
    assert "hunter2" not in output


def test_readiness_answers_for_the_store(strata):
    start = time.monotonic()
    r = requests.get(strata.endpoint + "/_strata/health/ready", timeout=TIMEOUT)
    assert r.status_code == 200 and r.json() == {"status": "ready"}, r.text
    assert time.monotonic() - start < 10
