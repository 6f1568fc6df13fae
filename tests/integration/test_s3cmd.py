"""s3cmd (Debian's 2.3) against Strata with a generated config file:
mb, put, ls, get, sync, del, rb. Path-style (host_bucket without
%(bucket)s), SigV4, plain HTTP."""

import subprocess

import pytest

from strata_helpers import (assert_absent, assert_content, empty_and_delete_bucket,
                            file_sha256, list_keys, random_bytes, sha256,
                            unique_bucket_name, which)

MiB = 1024 * 1024


@pytest.fixture
def s3cmd(strata, clean_env, tmp_path):
    exe = which("s3cmd", "/usr/bin/s3cmd")
    cfg = tmp_path / "s3cfg"
    cfg.write_text(
        "[default]\n"
        f"access_key = {strata.access_key}\n"
        f"secret_key = {strata.secret_key}\n"
        f"host_base = {strata.host_port}\n"
        f"host_bucket = {strata.host_port}\n"
        "bucket_location = us-east-1\n"
        "use_https = False\n"
        "signature_v2 = False\n"
        "check_ssl_certificate = False\n"
        "guess_mime_type = True\n"
        "progress_meter = False\n"
    )

    def run(*args, check=True, timeout=180):
        cmd = [exe, "-c", str(cfg), "--no-progress", *args]
        p = subprocess.run(cmd, env=clean_env, capture_output=True, text=True,
                           timeout=timeout)
        if check:
            assert p.returncode == 0, (
                f"s3cmd {' '.join(args)} exited {p.returncode}\n"
                f"stdout: {p.stdout[-2000:]}\nstderr: {p.stderr[-3000:]}")
        # s3cmd warns (and still exits 0) when the MD5 it computed differs
        # from the ETag the server returned.
        assert "MD5 signatures do not match" not in p.stdout + p.stderr, p.stdout + p.stderr
        return p
    return run


@pytest.fixture
def cmd_bucket(s3):
    name = unique_bucket_name("s3cmd")
    yield name
    empty_and_delete_bucket(s3, name)


def test_mb_put_ls_get_del_rb(s3cmd, s3, cmd_bucket, tmp_path):
    p = s3cmd("mb", f"s3://{cmd_bucket}")
    assert "created" in p.stdout, p.stdout
    s3.head_bucket(Bucket=cmd_bucket)
    assert f"s3://{cmd_bucket}" in s3cmd("ls").stdout

    data = random_bytes(5 * MiB + 3)
    src = tmp_path / "upload.bin"
    src.write_bytes(data)
    s3cmd("put", str(src), f"s3://{cmd_bucket}/dir/upload.bin")
    assert_content(s3, cmd_bucket, "dir/upload.bin", data)

    txt = tmp_path / "notes.txt"
    txt.write_text("plain text\n")
    s3cmd("put", str(txt), f"s3://{cmd_bucket}/notes.txt")
    assert s3.head_object(Bucket=cmd_bucket, Key="notes.txt")["ContentType"].startswith("text/plain")

    ls = s3cmd("ls", f"s3://{cmd_bucket}/dir/").stdout
    assert f"s3://{cmd_bucket}/dir/upload.bin" in ls
    assert str(len(data)) in ls
    top = s3cmd("ls", f"s3://{cmd_bucket}").stdout
    assert "DIR" in top and f"s3://{cmd_bucket}/dir/" in top
    assert f"s3://{cmd_bucket}/notes.txt" in top

    out = tmp_path / "download.bin"
    s3cmd("get", f"s3://{cmd_bucket}/dir/upload.bin", str(out))
    assert file_sha256(out) == sha256(data)

    s3cmd("del", f"s3://{cmd_bucket}/dir/upload.bin")
    assert_absent(s3, cmd_bucket, "dir/upload.bin")
    s3cmd("del", f"s3://{cmd_bucket}/notes.txt")
    s3cmd("rb", f"s3://{cmd_bucket}")
    assert cmd_bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_put_with_metadata_header(s3cmd, s3, cmd_bucket, tmp_path):
    s3cmd("mb", f"s3://{cmd_bucket}")
    f = tmp_path / "m.bin"
    f.write_bytes(b"meta")
    s3cmd("put", "--add-header=x-amz-meta-project:strata", "--mime-type=application/x-test",
          str(f), f"s3://{cmd_bucket}/m.bin")
    head = s3.head_object(Bucket=cmd_bucket, Key="m.bin")
    assert head["Metadata"].get("project") == "strata"
    assert head["ContentType"] == "application/x-test"


def test_sync_and_recursive_ls(s3cmd, s3, cmd_bucket, tmp_path):
    s3cmd("mb", f"s3://{cmd_bucket}")
    src = tmp_path / "tree"
    (src / "x" / "y").mkdir(parents=True)
    files = {"one.txt": b"1" * 10, "x/two.bin": random_bytes(50_000),
             "x/y/three.bin": random_bytes(1_000_000)}
    for rel, data in files.items():
        (src / rel).write_bytes(data)
    s3cmd("sync", str(src) + "/", f"s3://{cmd_bucket}/t/")
    assert sorted(list_keys(s3, cmd_bucket)) == sorted(f"t/{k}" for k in files)
    for rel, data in files.items():
        assert_content(s3, cmd_bucket, f"t/{rel}", data)
    ls = s3cmd("ls", "--recursive", f"s3://{cmd_bucket}").stdout
    assert len([line for line in ls.splitlines() if line.strip()]) == len(files)
    # a second sync transfers nothing
    p = s3cmd("sync", str(src) + "/", f"s3://{cmd_bucket}/t/")
    assert "upload:" not in p.stdout, p.stdout
    dst = tmp_path / "back"
    s3cmd("sync", f"s3://{cmd_bucket}/t/", str(dst) + "/")
    for rel, data in files.items():
        assert file_sha256(dst / rel) == sha256(data)


def test_get_missing_object_fails(s3cmd, cmd_bucket, tmp_path):
    s3cmd("mb", f"s3://{cmd_bucket}")
    p = s3cmd("get", f"s3://{cmd_bucket}/missing", str(tmp_path / "x"), check=False)
    assert p.returncode != 0
    assert any(s in p.stderr for s in ("404", "Not Found", "NoSuchKey", "does not exist")), \
        p.stderr


def test_rb_non_empty_fails(s3cmd, s3, cmd_bucket):
    s3cmd("mb", f"s3://{cmd_bucket}")
    s3.put_object(Bucket=cmd_bucket, Key="k", Body=b"x")
    p = s3cmd("rb", f"s3://{cmd_bucket}", check=False)
    assert p.returncode != 0
    assert "BucketNotEmpty" in p.stderr, p.stderr
    assert_content(s3, cmd_bucket, "k", b"x")
