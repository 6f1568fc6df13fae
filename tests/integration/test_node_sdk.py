"""The AWS SDK for JavaScript v3 (@aws-sdk/client-s3 and @aws-sdk/lib-storage,
pinned in tests/node/package.json) against Strata, over HTTP and HTTPS.

tests/node/sdk_checks.mjs does the work; this file runs its checks with node
and reports each one's JSON line. The SDK keeps its defaults: a CRC32 on
every PutObject / UploadPart (a header for a buffer, an aws-chunked trailer
for a stream, over plain HTTP too), response checksum validation, and a
lib-storage Upload that creates the upload with ChecksumAlgorithm CRC32.

node_modules comes from `scripts/node-deps.sh` (npm ci). Without it the
tests skip, unless STRATA_REQUIRE_BINARY=1 (CI), where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from strata_helpers import empty_and_delete_bucket, unique_bucket_name

REPO = Path(__file__).resolve().parents[2]
NODE_DIR = REPO / "tests" / "node"
SCRIPT = NODE_DIR / "sdk_checks.mjs"
CHECKS = ["defaults", "put-stream", "put-buffer", "put-algorithms", "put-bad-checksum",
          "upload-multipart"]


def _require_node() -> str:
    problems = []
    node = shutil.which("node") or ("/usr/bin/node" if os.access("/usr/bin/node", os.X_OK) else None)
    if not node:
        problems.append("node is not installed")
    if not (NODE_DIR / "node_modules" / "@aws-sdk" / "client-s3").is_dir() or \
            not (NODE_DIR / "node_modules" / "@aws-sdk" / "lib-storage").is_dir():
        problems.append(f"{NODE_DIR / 'node_modules'} is missing or incomplete "
                        "(run scripts/node-deps.sh)")
    if problems:
        msg = "; ".join(problems)
        if os.environ.get("STRATA_REQUIRE_BINARY") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    return node


@pytest.fixture(scope="module")
def node():
    return _require_node()


@pytest.fixture(params=["http", "https"])
def target(request, node, tmp_path):
    """(server, bucket) on the plain or the TLS server, with a fresh bucket."""
    server = request.getfixturevalue("strata" if request.param == "http" else "tls_strata")
    client = server.client("path")
    name = unique_bucket_name(f"node-{request.param}")
    client.create_bucket(Bucket=name)
    yield server, name
    try:
        for u in client.list_multipart_uploads(Bucket=name).get("Uploads", []):
            client.abort_multipart_upload(Bucket=name, Key=u["Key"], UploadId=u["UploadId"])
    except Exception:  # noqa: BLE001 - cleanup only
        pass
    empty_and_delete_bucket(client, name)


def run_checks(node, server, bucket, env_base, checks, timeout=600):
    env = dict(env_base)
    env.update({
        "STRATA_ENDPOINT": server.endpoint,
        "STRATA_REGION": server.region,
        "STRATA_ACCESS_KEY": server.access_key,
        "STRATA_SECRET_KEY": server.secret_key,
        "STRATA_BUCKET": bucket,
    })
    if server.tls:
        env["NODE_EXTRA_CA_CERTS"] = server.ca_file
    p = subprocess.run([node, str(SCRIPT), *checks], env=env, cwd=str(NODE_DIR),
                       capture_output=True, text=True, timeout=timeout)
    results = []
    for line in p.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                results.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    return p, results


@pytest.mark.parametrize("check", CHECKS)
def test_node_sdk(node, target, clean_env, check):
    server, bucket = target
    p, results = run_checks(node, server, bucket, clean_env, [check])
    report = (f"node sdk_checks.mjs {check} exited {p.returncode}\n"
              f"stdout:\n{p.stdout[-6000:]}\nstderr:\n{p.stderr[-3000:]}")
    assert [r.get("check") for r in results] == [check], report
    r = results[0]
    assert r.get("ok") is True, f"{check}: {r.get('error')}\n{report}"
    assert p.returncode == 0, report


def test_unknown_check_is_an_error(node, strata, clean_env):
    p, results = run_checks(node, strata, "unused-bucket", clean_env, ["no-such-check"])
    assert p.returncode == 2, p.stderr
    assert results == []
