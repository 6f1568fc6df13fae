#!/usr/bin/env bash
# Installs the Node.js test dependencies (tests/node: @aws-sdk/client-s3,
# @aws-sdk/lib-storage and minio at the versions pinned in package-lock.json)
# with `npm ci`, when tests/node/node_modules is missing or older than the
# lock file. tests/integration/test_node_sdk.py and test_minio_sdk.py use them.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=tests/node
lock="$dir/package-lock.json"
# npm writes node_modules/.package-lock.json last, at the end of every install.
stamp="$dir/node_modules/.package-lock.json"

if [ -f "$stamp" ] && [ ! "$lock" -nt "$stamp" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "node-deps: npm is not installed (apt-get install nodejs npm)" >&2
  exit 1
fi
echo "== npm ci ($dir)"
npm ci --prefix "$dir" --no-audit --no-fund
touch "$stamp"
