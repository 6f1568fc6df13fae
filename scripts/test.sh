#!/usr/bin/env bash
# Builds Strata with ASan+UBSan and warnings as errors, then runs every test:
# formatting, the unit tests (CTest) and the integration suite (pytest with
# real S3 clients against the real binary).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/node-deps.sh

# CI clones into a new folder each run: let ccache share objects across
# checkouts (paths are rewritten relative to the repository).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1

echo "== clang-format"
mapfile -t sources < <(git ls-files 'src/*.h' 'src/*.cc' 'bench/*.cc' 2>/dev/null || true)
if [ "${#sources[@]}" -gt 0 ]; then
  clang-format --dry-run -Werror "${sources[@]}"
fi

echo "== build (ASan+UBSan, -Werror)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSTRATA_SANITIZE=ON -DSTRATA_WERROR=ON >/dev/null
cmake --build build -j"$(nproc)"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

echo "== unit tests"
ctest --test-dir build --output-on-failure -j"$(nproc)"

# The integration suite runs three times, once per metadata backend cell
# (tests/integration/meta_backends.py): SQLite (the default), PostgreSQL, and
# PostgreSQL behind the Redis cache. The SQLite pass runs first, alone; the
# two PostgreSQL passes then run side by side (each starts its own throwaway
# PostgreSQL/Redis on free ports, every server in its own temp folder), each
# writing to its own log, and the script fails if either does.
# Debian's python sees Debian's python3-* packages; another python3 on PATH may not.
PYTEST=(/usr/bin/python3 -m pytest tests/integration -q -p no:cacheprovider)
export STRATA_REQUIRE_BINARY=1 STRATA_BIN="$PWD/build/src/app/strata"

echo "== integration tests: sqlite"
start=$SECONDS
"${PYTEST[@]}"
echo "== sqlite pass: $((SECONDS - start)) s"

echo "== integration tests: postgres and postgres+redis (in parallel)"
logs="build/pytest-logs"
mkdir -p "$logs"
start=$SECONDS
STRATA_TEST_META=postgres "${PYTEST[@]}" >"$logs/postgres.log" 2>&1 &
pg_pid=$!
STRATA_TEST_META=postgres STRATA_TEST_CACHE=redis "${PYTEST[@]}" \
  >"$logs/postgres-redis.log" 2>&1 &
redis_pid=$!
status=0
for cell in postgres:$pg_pid postgres-redis:$redis_pid; do
  name=${cell%%:*}
  if wait "${cell##*:}"; then
    echo "== $name pass: passed ($((SECONDS - start)) s since the parallel start)"
    tail -n 3 "$logs/$name.log"
  else
    status=1
    echo "== $name pass: FAILED ($((SECONDS - start)) s since the parallel start); log follows"
    cat "$logs/$name.log"
  fi
done
exit "$status"
