"""The MinIO JavaScript SDK (`minio` on npm, pinned in tests/node/package.json)
against Strata, over HTTP and HTTPS: put, get, stat, list, presigned GET and
PUT, removeObjects, a multipart putObject, and a presignedPostPolicy form
upload.

tests/node/minio_checks.mjs does the work; this file runs each check with
node and reports its JSON line. node_modules comes from scripts/node-deps.sh
(npm ci); without it the tests skip, unless STRATA_REQUIRE_BINARY=1 (CI),
where they fail.
"""

from __future__ import annotations

import pytest

from node_checks import NODE_DIR, assert_check_passes, require_node, sdk_target

SCRIPT = NODE_DIR / "minio_checks.mjs"
CHECKS = ["put-get-stat", "list", "presigned", "remove-many", "multipart", "post-policy"]


@pytest.fixture(scope="module")
def node():
    return require_node(["minio"])


@pytest.fixture(params=["http", "https"])
def target(request, node):
    yield from sdk_target(request, "minio")


@pytest.mark.parametrize("check", CHECKS)
def test_minio_sdk(node, target, clean_env, check):
    server, bucket = target
    assert_check_passes(node, SCRIPT, server, bucket, clean_env, check)
