"""Drives are bound to their metadata store (storage/drive/drive_format.h):
a server started on drives with another metadata store, or with its drives
in another order, refuses to start and says why, before garbage collection
could take every shard for an orphan; a replaced (empty) drive gets its
marker; drives from before the markers keep working with their own store."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import _start, strata_bin

DRIVES = [f"drive{i}" for i in range(1, 7)]


def markers(server) -> list[dict]:
    return [json.loads((server.data_dir / d / "strata-format.json").read_text()) for d in DRIVES]


def refused_start(server, *, meta: str | None = None, drives: list[Path] | None = None
                  ) -> subprocess.CompletedProcess:
    """Runs `strata server` on the server's data folder with another --meta
    or --drives; it must exit by itself."""
    cmd = [str(strata_bin()), "server", "--address", "127.0.0.1:0",
           "--meta", meta or server.meta_url or f"sqlite:{server.data_dir}/meta/strata.db"]
    if drives is not None:
        cmd += ["--drives", ",".join(str(d) for d in drives)]
    cmd.append(str(server.data_dir))
    env = dict(os.environ, STRATA_ROOT_USER=server.access_key,
               STRATA_ROOT_PASSWORD=server.secret_key)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env)


def shard_files(server) -> int:
    return sum(1 for d in DRIVES for p in (server.data_dir / d / "chunks").rglob("*") if p.is_file())


@pytest.fixture
def bound(tmp_path_factory):
    """A server with one chunked object (not inline), stopped."""
    server = _start(tmp_path_factory, "binding")
    c = server.client()
    c.create_bucket(Bucket="bound-bucket")
    body = os.urandom(300 * 1024)
    c.put_object(Bucket="bound-bucket", Key="k", Body=body)
    server.stop()
    yield server, body
    server.stop()


def test_every_drive_gets_the_same_deployment_at_its_position(bound):
    server, _ = bound
    found = markers(server)
    ids = {m["deployment_id"] for m in found}
    assert len(ids) == 1 and len(next(iter(ids))) == 32, found
    assert [m["index"] for m in found] == list(range(6))
    assert all(m["count"] == 6 for m in found)


def test_another_metadata_store_is_refused_and_nothing_is_deleted(bound, tmp_path):
    server, body = bound
    before = shard_files(server)
    assert before > 0
    r = refused_start(server, meta=f"sqlite:{tmp_path}/other.db")
    assert r.returncode != 0
    out = r.stdout + r.stderr
    assert "metadata store is new" in out, out
    assert "--meta" in out, out
    assert shard_files(server) == before
    server.start()
    got = server.client().get_object(Bucket="bound-bucket", Key="k")["Body"].read()
    assert got == body


def test_drives_in_another_order_are_refused(bound):
    server, _ = bound
    drives = [server.data_dir / d for d in DRIVES]
    drives[0], drives[1] = drives[1], drives[0]
    r = refused_start(server, drives=drives)
    assert r.returncode != 0
    assert "original order" in r.stdout + r.stderr, r.stdout + r.stderr


def test_a_marker_from_another_deployment_is_refused(bound):
    server, _ = bound
    path = server.data_dir / "drive3" / "strata-format.json"
    doc = json.loads(path.read_text())
    doc["deployment_id"] = "f" * 32
    path.write_text(json.dumps(doc))
    r = refused_start(server)
    assert r.returncode != 0
    assert "different deployments" in r.stdout + r.stderr, r.stdout + r.stderr


def test_a_replaced_drive_gets_its_marker_and_data_stays_readable(bound):
    server, body = bound
    shutil.rmtree(server.data_dir / "drive4")
    server.start()
    assert server.client().get_object(Bucket="bound-bucket", Key="k")["Body"].read() == body
    found = markers(server)
    assert found[3]["index"] == 3
    assert found[3]["deployment_id"] == found[0]["deployment_id"]


def test_drives_from_before_markers_need_their_own_store(bound, tmp_path):
    server, body = bound
    for d in DRIVES:
        (server.data_dir / d / "strata-format.json").unlink()
    r = refused_start(server, meta=f"sqlite:{tmp_path}/fresh.db")
    assert r.returncode != 0
    assert "holds shard files" in r.stdout + r.stderr, r.stdout + r.stderr
    # With the store that wrote them, they start and get their markers back.
    server.start()
    assert server.client().get_object(Bucket="bound-bucket", Key="k")["Body"].read() == body
    assert len({m["deployment_id"] for m in markers(server)}) == 1
