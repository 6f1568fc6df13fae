"""The aws cli (Debian's v2.9, /usr/bin/aws) against Strata: mb, cp (below
the 8 MiB multipart threshold), ls, sync, presign + curl, rm, rb.

Nothing from the machine's AWS configuration leaks in: credentials come
from the environment, config and credentials files point to paths that do
not exist."""

import os
import subprocess

import pytest

from strata_helpers import (assert_absent, assert_content, file_sha256, random_bytes,
                            sha256, unique_bucket_name, which, empty_and_delete_bucket,
                            list_keys)

MiB = 1024 * 1024


@pytest.fixture
def aws(strata, clean_env, tmp_path):
    exe = which("aws", "/usr/bin/aws")
    env = dict(clean_env,
               AWS_ACCESS_KEY_ID=strata.access_key,
               AWS_SECRET_ACCESS_KEY=strata.secret_key,
               AWS_DEFAULT_REGION="us-east-1",
               AWS_CONFIG_FILE=str(tmp_path / "nonexistent-aws-config"),
               AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "nonexistent-aws-credentials"),
               AWS_EC2_METADATA_DISABLED="true",
               AWS_PAGER="")

    def run(*args, check=True, timeout=180):
        p = subprocess.run([exe, "--endpoint-url", strata.endpoint, *args], env=env,
                           capture_output=True, text=True, timeout=timeout)
        if check:
            assert p.returncode == 0, (
                f"aws {' '.join(args)} exited {p.returncode}\n"
                f"stdout: {p.stdout[-2000:]}\nstderr: {p.stderr[-2000:]}")
        return p
    run.env = env
    run.exe = exe
    return run


@pytest.fixture
def cli_bucket(s3):
    name = unique_bucket_name("cli")
    yield name
    empty_and_delete_bucket(s3, name)


def test_version_is_v2(aws):
    p = aws("--version")
    assert p.stdout.startswith("aws-cli/2.") or p.stderr.startswith("aws-cli/2."), p.stdout


def test_mb_ls_rb(aws, s3, cli_bucket):
    p = aws("s3", "mb", f"s3://{cli_bucket}")
    assert f"make_bucket: {cli_bucket}" in p.stdout
    assert cli_bucket in aws("s3", "ls").stdout
    s3.head_bucket(Bucket=cli_bucket)
    p = aws("s3", "rb", f"s3://{cli_bucket}")
    assert f"remove_bucket: {cli_bucket}" in p.stdout
    assert cli_bucket not in aws("s3", "ls").stdout


def test_cp_up_and_down(aws, s3, cli_bucket, tmp_path):
    aws("s3", "mb", f"s3://{cli_bucket}")
    data = random_bytes(7 * MiB + 123)   # below the 8 MiB multipart threshold
    src = tmp_path / "file with space.bin"
    src.write_bytes(data)
    aws("s3", "cp", str(src), f"s3://{cli_bucket}/dir/file with space.bin")
    assert_content(s3, cli_bucket, "dir/file with space.bin", data)
    ls = aws("s3", "ls", f"s3://{cli_bucket}/dir/").stdout
    assert "file with space.bin" in ls
    assert str(len(data)) in ls
    out = tmp_path / "out.bin"
    aws("s3", "cp", f"s3://{cli_bucket}/dir/file with space.bin", str(out))
    assert file_sha256(out) == sha256(data)
    # small file with content type guessed from the name
    (tmp_path / "page.html").write_text("<html></html>")
    aws("s3", "cp", str(tmp_path / "page.html"), f"s3://{cli_bucket}/page.html")
    assert s3.head_object(Bucket=cli_bucket, Key="page.html")["ContentType"] == "text/html"


def test_cp_missing_key_fails(aws, cli_bucket, tmp_path):
    aws("s3", "mb", f"s3://{cli_bucket}")
    p = aws("s3", "cp", f"s3://{cli_bucket}/nope", str(tmp_path / "x"), check=False)
    assert p.returncode != 0
    assert "404" in p.stderr or "Not Found" in p.stderr, p.stderr


def _tree(root):
    out = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            full = os.path.join(dirpath, f)
            out[os.path.relpath(full, root)] = file_sha256(full)
    return out


def test_sync(aws, s3, cli_bucket, tmp_path):
    aws("s3", "mb", f"s3://{cli_bucket}")
    src = tmp_path / "src"
    (src / "sub" / "deeper").mkdir(parents=True)
    (src / "a.txt").write_bytes(b"alpha\n" * 100)
    (src / "sub" / "b.bin").write_bytes(random_bytes(100_000))
    (src / "sub" / "deeper" / "c.bin").write_bytes(random_bytes(MiB))
    (src / "empty").write_bytes(b"")
    (src / "gone-later.txt").write_bytes(b"to be deleted")

    p = aws("s3", "sync", str(src), f"s3://{cli_bucket}/mirror")
    assert p.stdout.count("upload:") == 5, p.stdout
    expected = {f"mirror/{k}": v for k, v in _tree(src).items()}
    assert sorted(list_keys(s3, cli_bucket)) == sorted(expected)
    for key in expected:
        assert_content(s3, cli_bucket, key, (src / key[len("mirror/"):]).read_bytes())

    # nothing changed: nothing uploaded
    p = aws("s3", "sync", str(src), f"s3://{cli_bucket}/mirror")
    assert "upload:" not in p.stdout, p.stdout

    # change one file (different size), delete another
    (src / "sub" / "b.bin").write_bytes(random_bytes(120_000))
    (src / "gone-later.txt").unlink()
    p = aws("s3", "sync", "--delete", str(src), f"s3://{cli_bucket}/mirror")
    uploads = [line for line in p.stdout.splitlines() if line.startswith("upload:")]
    deletes = [line for line in p.stdout.splitlines() if line.startswith("delete:")]
    assert len(uploads) == 1 and "b.bin" in uploads[0], p.stdout
    assert len(deletes) == 1 and "gone-later.txt" in deletes[0], p.stdout
    assert_content(s3, cli_bucket, "mirror/sub/b.bin", (src / "sub" / "b.bin").read_bytes())
    assert_absent(s3, cli_bucket, "mirror/gone-later.txt")

    # and back down
    dst = tmp_path / "dst"
    aws("s3", "sync", f"s3://{cli_bucket}/mirror", str(dst))
    assert _tree(dst) == _tree(src)

    ls = aws("s3", "ls", "--recursive", f"s3://{cli_bucket}/mirror/").stdout
    assert len([line for line in ls.splitlines() if line.strip()]) == 4


def test_presign_and_curl(aws, strata, s3, cli_bucket, tmp_path):
    curl = which("curl")
    aws("s3", "mb", f"s3://{cli_bucket}")
    data = random_bytes(300_000)
    s3.put_object(Bucket=cli_bucket, Key="shared/file.bin", Body=data)
    url = aws("s3", "presign", f"s3://{cli_bucket}/shared/file.bin",
              "--expires-in", "300").stdout.strip()
    assert url.startswith(strata.endpoint + "/"), url
    assert "X-Amz-Signature=" in url
    out = tmp_path / "curl.bin"
    p = subprocess.run([curl, "-sS", "-f", "-o", str(out), url], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert file_sha256(out) == sha256(data)
    # the same URL with another key is refused
    bad = url.replace("/shared/file.bin?", "/shared/other.bin?")
    p = subprocess.run([curl, "-sS", "-o", "/dev/null", "-w", "%{http_code}", bad],
                       capture_output=True, text=True, timeout=60)
    assert p.stdout == "403", p.stdout


def test_rm_and_rb(aws, s3, cli_bucket, tmp_path):
    aws("s3", "mb", f"s3://{cli_bucket}")
    for k in ["x/1", "x/2", "y"]:
        s3.put_object(Bucket=cli_bucket, Key=k, Body=b"data")
    p = aws("s3", "rb", f"s3://{cli_bucket}", check=False)
    assert p.returncode != 0
    assert "BucketNotEmpty" in p.stderr, p.stderr
    aws("s3", "rm", f"s3://{cli_bucket}/y")
    assert_absent(s3, cli_bucket, "y")
    p = aws("s3", "rm", "--recursive", f"s3://{cli_bucket}/x/")
    assert p.stdout.count("delete:") == 2, p.stdout
    assert list_keys(s3, cli_bucket) == []
    aws("s3", "rb", f"s3://{cli_bucket}")
    assert cli_bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_s3api_head_and_list(aws, s3, cli_bucket):
    import json
    aws("s3api", "create-bucket", "--bucket", cli_bucket)
    s3.put_object(Bucket=cli_bucket, Key="k", Body=b"12345", Metadata={"m": "v"})
    head = json.loads(aws("s3api", "head-object", "--bucket", cli_bucket, "--key", "k").stdout)
    assert head["ContentLength"] == 5
    assert head["Metadata"] == {"m": "v"}
    listed = json.loads(aws("s3api", "list-objects-v2", "--bucket", cli_bucket).stdout)
    assert [o["Key"] for o in listed["Contents"]] == ["k"]
    p = aws("s3api", "get-object", "--bucket", cli_bucket, "--key", "missing", "/dev/null",
            check=False)
    assert p.returncode != 0 and "NoSuchKey" in p.stderr, p.stderr


def test_s3api_get_object_attributes(aws, s3, cli_bucket):
    import json
    aws("s3api", "create-bucket", "--bucket", cli_bucket)
    s3.put_object(Bucket=cli_bucket, Key="k", Body=b"12345")
    got = json.loads(aws("s3api", "get-object-attributes", "--bucket", cli_bucket, "--key", "k",
                         "--object-attributes", "ETag", "ObjectSize", "StorageClass").stdout)
    assert got["ETag"] == "827ccb0eea8a706c4c34a16891f84e7b"  # MD5 of "12345", no quotes
    assert got["ObjectSize"] == 5
    assert got["StorageClass"] == "STANDARD"


def test_s3api_versioning(aws, s3, cli_bucket, tmp_path):
    import json
    aws("s3api", "create-bucket", "--bucket", cli_bucket)
    try:
        got = aws("s3api", "get-bucket-versioning", "--bucket", cli_bucket).stdout
        assert "Status" not in got
        aws("s3api", "put-bucket-versioning", "--bucket", cli_bucket,
            "--versioning-configuration", "Status=Enabled")
        got = json.loads(aws("s3api", "get-bucket-versioning", "--bucket", cli_bucket).stdout)
        assert got["Status"] == "Enabled"
        bodies = [b"first version", b"second, longer version"]
        ids = []
        for i, body in enumerate(bodies):
            src = tmp_path / f"v{i}"
            src.write_bytes(body)
            put = json.loads(aws("s3api", "put-object", "--bucket", cli_bucket, "--key", "doc",
                                 "--body", str(src)).stdout)
            ids.append(put["VersionId"])
        deleted = json.loads(aws("s3api", "delete-object", "--bucket", cli_bucket,
                                 "--key", "doc").stdout)
        assert deleted["DeleteMarker"] is True
        listed = json.loads(aws("s3api", "list-object-versions", "--bucket", cli_bucket).stdout)
        assert [v["VersionId"] for v in listed["Versions"]] == list(reversed(ids))
        assert [v["Size"] for v in listed["Versions"]] == [len(b) for b in reversed(bodies)]
        assert [m["VersionId"] for m in listed["DeleteMarkers"]] == [deleted["VersionId"]]
        assert listed["DeleteMarkers"][0]["IsLatest"] is True
        out = tmp_path / "old"
        aws("s3api", "get-object", "--bucket", cli_bucket, "--key", "doc",
            "--version-id", ids[0], str(out))
        assert out.read_bytes() == bodies[0]
        aws("s3api", "put-bucket-versioning", "--bucket", cli_bucket,
            "--versioning-configuration", "Status=Suspended")
        got = json.loads(aws("s3api", "get-bucket-versioning", "--bucket", cli_bucket).stdout)
        assert got["Status"] == "Suspended"
        p = aws("s3api", "put-bucket-versioning", "--bucket", cli_bucket,
                "--versioning-configuration", "Status=Off", check=False)
        assert p.returncode != 0 and "MalformedXML" in p.stderr, p.stderr
    finally:
        resp = s3.list_object_versions(Bucket=cli_bucket)
        for v in resp.get("Versions", []) + resp.get("DeleteMarkers", []):
            s3.delete_object(Bucket=cli_bucket, Key=v["Key"], VersionId=v["VersionId"])
