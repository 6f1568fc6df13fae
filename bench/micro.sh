#!/usr/bin/env bash
# Builds the micro-benchmarks in Release and runs them (Google Benchmark).
# Extra arguments go to the benchmark binary, e.g. --benchmark_filter=Codec.
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTRATA_TESTS=OFF \
  -DSTRATA_BENCH=ON >/dev/null
cmake --build build-release --target storage_bench -j"$(nproc)"
exec build-release/bench/micro/storage_bench --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true "$@"
