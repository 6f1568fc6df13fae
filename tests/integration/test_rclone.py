"""rclone (Debian's 1.60) against Strata, configured only through the
environment: mkdir, copy, check (MD5 = ETag), sync, lsjson (modification
times kept in x-amz-meta-mtime), copy back, delete, purge.

Files stay far below rclone's upload_cutoff (200 MiB), so every upload
is one PutObject. AWS_CA_BUNDLE must not be set for rclone 1.60."""

import datetime as dt
import hashlib
import json
import os
import re
import subprocess

import pytest

from strata_helpers import (assert_absent, assert_content, empty_and_delete_bucket,
                            file_sha256, list_keys, random_bytes, unique_bucket_name,
                            which)

MiB = 1024 * 1024
FIXED_MTIME = dt.datetime(2021, 3, 4, 5, 6, 7, tzinfo=dt.timezone.utc).timestamp()


@pytest.fixture
def rclone(strata, clean_env, tmp_path):
    exe = which("rclone", "/usr/bin/rclone")
    env = dict(clean_env)
    env.pop("AWS_CA_BUNDLE", None)
    env.update({
        "RCLONE_CONFIG": str(tmp_path / "nonexistent-rclone.conf"),
        "RCLONE_CONFIG_STRATA_TYPE": "s3",
        "RCLONE_CONFIG_STRATA_PROVIDER": "Other",
        "RCLONE_CONFIG_STRATA_ENV_AUTH": "false",
        "RCLONE_CONFIG_STRATA_ENDPOINT": strata.endpoint,
        "RCLONE_CONFIG_STRATA_ACCESS_KEY_ID": strata.access_key,
        "RCLONE_CONFIG_STRATA_SECRET_ACCESS_KEY": strata.secret_key,
        "RCLONE_CONFIG_STRATA_REGION": "us-east-1",
        "RCLONE_CONFIG_STRATA_FORCE_PATH_STYLE": "true",
    })

    def run(*args, check=True, timeout=180):
        cmd = [exe, "--retries", "1", "--low-level-retries", "1", *args]
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
        if check:
            assert p.returncode == 0, (
                f"rclone {' '.join(args)} exited {p.returncode}\n"
                f"stdout: {p.stdout[-2000:]}\nstderr: {p.stderr[-3000:]}")
        return p
    return run


@pytest.fixture
def rc_bucket(s3):
    name = unique_bucket_name("rclone")
    yield name
    empty_and_delete_bucket(s3, name)


def make_tree(root):
    files = {
        "a.txt": b"alpha\n" * 1000,
        "sub/b.bin": random_bytes(300_000),
        "sub/deeper/c.bin": random_bytes(3 * MiB + 11),
        "sub/space name é.txt": b"unicode and spaces",
        "empty.dat": b"",
    }
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        os.utime(p, (FIXED_MTIME, FIXED_MTIME))
    return files


def _check_ok(p, n_files):
    out = p.stderr + p.stdout
    assert "0 differences found" in out, out
    assert f"{n_files} matching files" in out, out
    assert "could not be checked" not in out, out


def test_copy_check_sync(rclone, s3, rc_bucket, tmp_path):
    src = tmp_path / "src"
    files = make_tree(src)
    rclone("mkdir", f"strata:{rc_bucket}")
    s3.head_bucket(Bucket=rc_bucket)

    rclone("copy", str(src), f"strata:{rc_bucket}/data")
    assert sorted(list_keys(s3, rc_bucket)) == sorted(f"data/{k}" for k in files)
    for rel, data in files.items():
        assert_content(s3, rc_bucket, f"data/{rel}", data)

    _check_ok(rclone("check", str(src), f"strata:{rc_bucket}/data"), len(files))

    # MD5 listed by rclone (from the ETag) matches the local files
    listing = json.loads(rclone("lsjson", "-R", "--hash", "--files-only",
                                f"strata:{rc_bucket}/data").stdout)
    by_path = {e["Path"]: e for e in listing}
    assert sorted(by_path) == sorted(files)
    for rel, data in files.items():
        e = by_path[rel]
        assert e["Size"] == len(data)
        assert e["Hashes"]["md5"] == hashlib.md5(data).hexdigest()
        mtime = dt.datetime.fromisoformat(e["ModTime"].replace("Z", "+00:00")).timestamp()
        assert abs(mtime - FIXED_MTIME) < 1.0, (rel, e["ModTime"])

    # change one file, remove one, add one; sync mirrors it
    (src / "sub/b.bin").write_bytes(random_bytes(310_000))
    os.utime(src / "sub/b.bin", (FIXED_MTIME + 60, FIXED_MTIME + 60))
    (src / "a.txt").unlink()
    (src / "new.txt").write_bytes(b"new file")
    rclone("sync", str(src), f"strata:{rc_bucket}/data")
    assert_absent(s3, rc_bucket, "data/a.txt")
    assert_content(s3, rc_bucket, "data/sub/b.bin", (src / "sub/b.bin").read_bytes())
    assert_content(s3, rc_bucket, "data/new.txt", b"new file")
    _check_ok(rclone("check", str(src), f"strata:{rc_bucket}/data"), len(files))

    # and back
    dst = tmp_path / "dst"
    rclone("copy", f"strata:{rc_bucket}/data", str(dst))
    for p in src.rglob("*"):
        if p.is_file():
            assert file_sha256(dst / p.relative_to(src)) == file_sha256(p), p


def test_check_detects_difference(rclone, s3, rc_bucket, tmp_path):
    src = tmp_path / "src"
    make_tree(src)
    rclone("mkdir", f"strata:{rc_bucket}")
    rclone("copy", str(src), f"strata:{rc_bucket}")
    # same size, different content behind rclone's back
    data = (src / "sub/b.bin").read_bytes()
    s3.put_object(Bucket=rc_bucket, Key="sub/b.bin", Body=bytes(255 - b for b in data))
    p = rclone("check", str(src), f"strata:{rc_bucket}", check=False)
    assert p.returncode != 0
    assert "1 differences found" in p.stderr, p.stderr


def test_ls_delete_purge(rclone, s3, rc_bucket, tmp_path):
    src = tmp_path / "src"
    files = make_tree(src)
    rclone("mkdir", f"strata:{rc_bucket}")
    rclone("copy", str(src), f"strata:{rc_bucket}")
    lsd = rclone("lsd", "strata:").stdout
    assert rc_bucket in lsd
    ls = rclone("ls", f"strata:{rc_bucket}").stdout
    assert len([line for line in ls.splitlines() if line.strip()]) == len(files)
    rclone("deletefile", f"strata:{rc_bucket}/a.txt")
    assert_absent(s3, rc_bucket, "a.txt")
    rclone("delete", f"strata:{rc_bucket}/sub")
    assert list_keys(s3, rc_bucket) == ["empty.dat"]
    rclone("purge", f"strata:{rc_bucket}")
    assert rc_bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_cat_and_rcat(rclone, s3, rc_bucket):
    rclone("mkdir", f"strata:{rc_bucket}")
    s3.put_object(Bucket=rc_bucket, Key="hello.txt", Body=b"hello from strata\n")
    assert rclone("cat", f"strata:{rc_bucket}/hello.txt").stdout == "hello from strata\n"


def test_versioning(rclone, s3, rc_bucket, tmp_path):
    """rclone 1.60's `backend versioning` and --s3-versions: old versions are
    listed as name-vYYYY-MM-DD-HHMMSS-mmm.ext and can be read back."""
    rclone("mkdir", f"strata:{rc_bucket}")
    try:
        assert rclone("backend", "versioning", f"strata:{rc_bucket}").stdout.strip() == \
            "Unversioned"
        assert rclone("backend", "versioning", f"strata:{rc_bucket}",
                      "Enabled").stdout.strip() == "Enabled"
        assert s3.get_bucket_versioning(Bucket=rc_bucket)["Status"] == "Enabled"
        old, new = random_bytes(3000), random_bytes(5000)
        src = tmp_path / "file.txt"
        src.write_bytes(old)
        rclone("copyto", str(src), f"strata:{rc_bucket}/file.txt")
        src.write_bytes(new)
        rclone("copyto", str(src), f"strata:{rc_bucket}/file.txt")
        assert len(s3.list_object_versions(Bucket=rc_bucket)["Versions"]) == 2

        plain = json.loads(rclone("lsjson", f"strata:{rc_bucket}").stdout)
        assert [e["Path"] for e in plain] == ["file.txt"]
        listed = json.loads(rclone("lsjson", "--s3-versions", f"strata:{rc_bucket}").stdout)
        names = sorted(e["Path"] for e in listed)
        assert len(names) == 2 and "file.txt" in names, names
        old_name = next(n for n in names if n != "file.txt")
        assert re.fullmatch(r"file-v\d{4}-\d{2}-\d{2}-\d{6}-\d{3}\.txt", old_name), old_name
        sizes = {e["Path"]: e["Size"] for e in listed}
        assert sizes == {"file.txt": len(new), old_name: len(old)}
        out = tmp_path / "old.txt"
        rclone("copyto", "--s3-versions", f"strata:{rc_bucket}/{old_name}", str(out))
        assert out.read_bytes() == old
        out = tmp_path / "new.txt"
        rclone("copyto", f"strata:{rc_bucket}/file.txt", str(out))
        assert out.read_bytes() == new
        assert rclone("backend", "versioning", f"strata:{rc_bucket}",
                      "Suspended").stdout.strip() == "Suspended"
    finally:
        resp = s3.list_object_versions(Bucket=rc_bucket)
        for v in resp.get("Versions", []) + resp.get("DeleteMarkers", []):
            s3.delete_object(Bucket=rc_bucket, Key=v["Key"], VersionId=v["VersionId"])
