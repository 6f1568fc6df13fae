"""restic (Debian's package) with a repository on Strata: init, backup of a
tree of random files (duplicates, nesting, an empty file), check
--read-data, restore compared byte for byte, a second backup after changes,
forget --keep-last 1 --prune, check again, restore again.

restic talks to S3 through minio-go: ListObjects, PutObject, GetObject with
ranges, HeadObject, DeleteObject, and its locks. The repository password is
a test constant; keys come from the test server."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from strata_helpers import empty_and_delete_bucket, file_sha256, unique_bucket_name, which

MiB = 1024 * 1024


@pytest.fixture
def restic(strata, s3, clean_env, tmp_path):
    exe = which("restic", "/usr/bin/restic")
    bucket = unique_bucket_name("restic")
    s3.create_bucket(Bucket=bucket)
    env = dict(clean_env)
    env.update({
        "AWS_ACCESS_KEY_ID": strata.access_key,
        "AWS_SECRET_ACCESS_KEY": strata.secret_key,
        "RESTIC_REPOSITORY": f"s3:{strata.endpoint}/{bucket}/repo",
        "RESTIC_PASSWORD": "strata-test-password",
        "RESTIC_CACHE_DIR": str(tmp_path / "restic-cache"),
    })

    def run(*args, timeout=300):
        cmd = [exe, "--quiet", "-o", "s3.region=us-east-1", *args]
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout,
                           cwd=str(tmp_path))
        assert p.returncode == 0, (
            f"restic {' '.join(args)} exited {p.returncode}\n"
            f"stdout: {p.stdout[-3000:]}\nstderr: {p.stderr[-3000:]}")
        return p

    yield run
    empty_and_delete_bucket(s3, bucket)


def make_tree(root: Path) -> None:
    shared = os.urandom(700 * 1024)
    files = {
        "top.bin": os.urandom(2 * MiB + 17),
        "copy-1.bin": shared,
        "nested/copy-2.bin": shared,  # the same content twice: stored once by restic
        "nested/deeper/still/deeper.txt": b"deep\n" * 3000,
        "nested/deeper/small.dat": os.urandom(333),
        "nested/space name é.txt": "unicode names\n".encode(),
        "empty": b"",
    }
    for i in range(30):
        files[f"many/{i:02d}.bin"] = os.urandom(1000 + i * 997)
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    (root / "empty-dir").mkdir()


def tree_digest(root: Path) -> dict[str, str]:
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        out[rel] = "dir" if p.is_dir() else file_sha256(p)
    return out


def restored_root(target: Path, source: Path) -> Path:
    # restic restores a snapshot's absolute paths below the target.
    return target / source.resolve().relative_to("/")


def test_backup_check_restore_forget_prune(restic, tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    make_tree(source)
    first = tree_digest(source)

    restic("init")
    restic("backup", str(source))
    restic("check", "--read-data")
    target = tmp_path / "restore-1"
    restic("restore", "latest", "--target", str(target))
    assert tree_digest(restored_root(target, source)) == first

    # Change the tree: one file rewritten, one removed, one added.
    (source / "top.bin").write_bytes(os.urandom(MiB))
    (source / "many" / "05.bin").unlink()
    (source / "nested" / "new.bin").write_bytes(os.urandom(123_456))
    second = tree_digest(source)
    assert second != first
    restic("backup", str(source))
    snapshots = json.loads(restic("snapshots", "--json").stdout)
    assert len(snapshots) == 2

    restic("forget", "--keep-last", "1", "--prune")
    snapshots = json.loads(restic("snapshots", "--json").stdout)
    assert len(snapshots) == 1
    restic("check", "--read-data")
    target = tmp_path / "restore-2"
    restic("restore", "latest", "--target", str(target))
    assert tree_digest(restored_root(target, source)) == second
