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

import pytest

from node_checks import NODE_DIR, assert_check_passes, require_node, run_checks, sdk_target

SCRIPT = NODE_DIR / "sdk_checks.mjs"
CHECKS = ["defaults", "put-stream", "put-buffer", "put-algorithms", "put-bad-checksum",
          "upload-multipart"]


@pytest.fixture(scope="module")
def node():
    return require_node(["@aws-sdk/client-s3", "@aws-sdk/lib-storage"])


@pytest.fixture(params=["http", "https"])
def target(request, node):
    """(server, bucket) on the plain or the TLS server, with a fresh bucket."""
    yield from sdk_target(request, "node")


@pytest.mark.parametrize("check", CHECKS)
def test_node_sdk(node, target, clean_env, check):
    server, bucket = target
    assert_check_passes(node, SCRIPT, server, bucket, clean_env, check)


def test_unknown_check_is_an_error(node, strata, clean_env):
    p, results = run_checks(node, SCRIPT, strata, "unused-bucket", clean_env, ["no-such-check"])
    assert p.returncode == 2, p.stderr
    assert results == []
