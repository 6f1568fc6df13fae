#!/usr/bin/env bash
# Builds the micro-benchmarks in Release and runs them (Google Benchmark):
#   storage_bench   hashes, chunkers, erasure coding (per byte)
#   checksum_bench  the S3 additional checksums (per byte)
#   protocol_bench  SigV4 verification of a request head, ListObjectsV2 XML
#   meta_bench      SQLite metadata: GetObject, a ListObjects page
#   obs_bench       the Prometheus metrics every request records
# BENCH_MICRO selects binaries (default: all five, in that order). Extra
# arguments go to every binary, e.g. --benchmark_filter=Codec.
# BENCH_JOBS sets the build parallelism (default nproc).
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
BINARIES=${BENCH_MICRO:-"storage_bench checksum_bench protocol_bench meta_bench obs_bench"}
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTRATA_TESTS=OFF \
  -DSTRATA_BENCH=ON >/dev/null
# shellcheck disable=SC2086  # a list of target names
nice -n 19 cmake --build build-release --target $BINARIES -j"${BENCH_JOBS:-$(nproc)}"
for b in $BINARIES; do
  echo "== $b" >&2
  "build-release/bench/micro/$b" --benchmark_repetitions=3 \
    --benchmark_report_aggregates_only=true "$@"
done
