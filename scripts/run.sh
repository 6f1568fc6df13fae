#!/usr/bin/env bash
# Builds Strata (Release) and starts the server on the embedded default:
# SQLite metadata in ./data/meta, six drive folders ./data/drive1..6, port 9000.
# Extra arguments go to `strata server` (e.g. --address 127.0.0.1:9100).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

# CI clones into a new folder each run: let ccache share objects across
# checkouts (paths are rewritten relative to the repository).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTRATA_TESTS=OFF >/dev/null
cmake --build build-release --target strata -j"$(nproc)"
exec build-release/src/app/strata server "$@" ./data
