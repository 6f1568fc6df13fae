"""Running a tests/node/*.mjs check script against a Strata server: the SDK
suites (test_node_sdk.py, test_minio_sdk.py) share it. A script takes check
names as arguments and prints one JSON line per check ({"check", "ok",
"error"}); the server, keys and bucket come from STRATA_* variables.

node_modules comes from scripts/node-deps.sh (npm ci). Without node or a
package a suite needs, its tests skip, unless STRATA_REQUIRE_BINARY=1 (CI),
where they fail.
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


def require_node(packages: list[str]) -> str:
    """The node binary, once every package (a folder under node_modules,
    e.g. "@aws-sdk/client-s3") is installed; else skip or, in CI, fail."""
    problems = []
    node = shutil.which("node") or ("/usr/bin/node" if os.access("/usr/bin/node", os.X_OK) else None)
    if not node:
        problems.append("node is not installed")
    missing = [p for p in packages if not (NODE_DIR / "node_modules" / p / "package.json").is_file()]
    if missing:
        problems.append(f"{NODE_DIR / 'node_modules'} lacks {', '.join(missing)} "
                        "(run scripts/node-deps.sh)")
    if problems:
        msg = "; ".join(problems)
        if os.environ.get("STRATA_REQUIRE_BINARY") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    return node


def sdk_target(request, prefix: str):
    """Generator for a fixture parametrized with "http"/"https": (server,
    bucket) on the plain or the TLS server, with a fresh bucket that is
    emptied and deleted afterwards."""
    server = request.getfixturevalue("strata" if request.param == "http" else "tls_strata")
    client = server.client("path")
    name = unique_bucket_name(f"{prefix}-{request.param}")
    client.create_bucket(Bucket=name)
    yield server, name
    try:
        for u in client.list_multipart_uploads(Bucket=name).get("Uploads", []):
            client.abort_multipart_upload(Bucket=name, Key=u["Key"], UploadId=u["UploadId"])
    except Exception:  # noqa: BLE001 - cleanup only
        pass
    empty_and_delete_bucket(client, name)


def run_checks(node, script: Path, server, bucket, env_base, checks, timeout=600):
    """Runs `node script checks...`; returns (process, parsed JSON lines)."""
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
    p = subprocess.run([node, str(script), *checks], env=env, cwd=str(NODE_DIR),
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


def assert_check_passes(node, script: Path, server, bucket, env_base, check: str):
    """One check, which must report exactly itself, ok, and exit 0."""
    p, results = run_checks(node, script, server, bucket, env_base, [check])
    report = (f"node {script.name} {check} exited {p.returncode}\n"
              f"stdout:\n{p.stdout[-6000:]}\nstderr:\n{p.stderr[-3000:]}")
    assert [r.get("check") for r in results] == [check], report
    r = results[0]
    assert r.get("ok") is True, f"{check}: {r.get('error')}\n{report}"
    assert p.returncode == 0, report
