#!/usr/bin/env bash
# Small-object PUT and GET rates on each metadata backend, in one run:
#   sqlite          the embedded default (DIR/meta/strata.db)
#   postgres        a local PostgreSQL (durable: fsync and synchronous_commit
#                   on, its data on the same file system as the drives)
#   postgres+redis  the same PostgreSQL behind a local Redis cache
# Each cell starts a fresh `strata server --erasure 4+2` (Release) on a new
# data folder and runs `strata bench` PUT then GET of BENCH_SIZE objects at
# BENCH_CONCURRENCY for BENCH_DURATION. The cells are interleaved over
# BENCH_ROUNDS rounds (so a noisy minute hurts every backend alike) and the
# table gives each figure's median, with the PostgreSQL cells as ratios of
# SQLite's. Writes the table to bench/results/<date>-meta.md.
# Not run in CI: it takes a few minutes and needs a quiet machine.
#
# Needs PostgreSQL and redis-server (scripts/install-deps.sh installs both).
# As root, PostgreSQL runs as the `postgres` user (initdb refuses root).
#
# Environment: BENCH_SIZE (4KiB), BENCH_CONCURRENCY (8), BENCH_DURATION (10s),
# BENCH_ROUNDS (3), BENCH_BUILD_DIR (build-release), BENCH_TMP (parent of the
# temporary folder; default $TMPDIR or /tmp).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
SIZE=${BENCH_SIZE:-4KiB}
CONC=${BENCH_CONCURRENCY:-8}
DURATION=${BENCH_DURATION:-10s}
ROUNDS=${BENCH_ROUNDS:-3}
BUILD=${BENCH_BUILD_DIR:-build-release}
PY=/usr/bin/python3

echo "== building Release ($BUILD)" >&2
export CCACHE_BASEDIR="$REPO" CCACHE_NOHASHDIR=1
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTRATA_TESTS=OFF >/dev/null
cmake --build "$BUILD" --target strata -j"$(nproc)" >&2
BIN=$REPO/$BUILD/src/app/strata

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x $PG_BIN/initdb ]] || { echo "PostgreSQL is not installed (scripts/install-deps.sh)" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "redis-server is not installed" >&2; exit 1; }

WORK=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/strata-meta-bench.XXXXXX")
chmod 755 "$WORK"
SERVER_PID="" REDIS_PID=""
as_pg() {
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
cleanup() {
  [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  [[ -n $REDIS_PID ]] && kill "$REDIS_PID" 2>/dev/null && wait "$REDIS_PID" 2>/dev/null
  [[ -f $WORK/pg/data/postmaster.pid ]] && as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -m fast stop >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# --- PostgreSQL: durable settings, as a production server would run ---------
PG_PORT=$(free_port)
mkdir -p "$WORK/pg"
[[ $(id -u) == 0 ]] && chown postgres: "$WORK/pg"
as_pg "$PG_BIN/initdb" -D "$WORK/pg/data" -A trust -U postgres --locale=C -E UTF8 >"$WORK/initdb.log"
as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/postgres.log" -w -o \
  "-k $WORK/pg -h 127.0.0.1 -p $PG_PORT -c max_connections=200 -c shared_buffers=128MB" \
  start >/dev/null
echo "== PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (fsync on)" >&2

# --- Redis: a cache, nothing persisted ----------------------------------------
REDIS_PORT=$(free_port)
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
  --dir "$WORK" --logfile "$WORK/redis.log" &
REDIS_PID=$!
echo "== Redis on 127.0.0.1:$REDIS_PORT" >&2

export STRATA_ROOT_USER=benchuser STRATA_ROOT_PASSWORD=benchpass-$RANDOM$RANDOM
mkdir -p "$WORK/results"
databases=0

run_cell() {  # CELL ROUND
  local cell=$1 round=$2 meta=() port dir
  dir="$WORK/data-$cell-$round"
  case $cell in
    sqlite) ;;
    postgres | postgres+redis)
      databases=$((databases + 1))
      as_pg "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres \
        -c "CREATE DATABASE strata$databases" >/dev/null
      meta=(--meta "postgres://postgres@127.0.0.1:$PG_PORT/strata$databases")
      ;;
  esac
  [[ $cell == postgres+redis ]] && meta+=(--cache "redis://127.0.0.1:$REDIS_PORT/$round")
  port=$(free_port)
  STRATA_LOG_LEVEL=warn "$BIN" server --erasure 4+2 --address "127.0.0.1:$port" "${meta[@]}" \
    "$dir" >"$WORK/server-$cell-$round.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 300); do
    curl -s -o /dev/null "http://127.0.0.1:$port/_strata/health/ready" && break
    sleep 0.1
  done
  for op in put get; do
    echo "== round $round: $cell $op $SIZE x$CONC for $DURATION" >&2
    "$BIN" bench --endpoint "http://127.0.0.1:$port" --bucket bench --op "$op" --size "$SIZE" \
      --concurrency "$CONC" --duration "$DURATION" --json --quiet \
      >"$WORK/results/$cell-$op-$round.json" ||
      echo "   (errors: see the JSON)" >&2
  done
  kill "$SERVER_PID" && wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

for round in $(seq "$ROUNDS"); do
  for cell in sqlite postgres postgres+redis; do run_cell "$cell" "$round"; done
done

mkdir -p bench/results
OUT=bench/results/$(date +%F)-meta.md
n=2
while [[ -e $OUT ]]; do OUT=bench/results/$(date +%F)-meta-$n.md; n=$((n + 1)); done
$PY - "$WORK/results" "$ROUNDS" "$SIZE" "$CONC" "$DURATION" \
  "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" "$(cut -d' ' -f1-3 /proc/loadavg)" \
  "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME")" \
  >"$OUT" <<'PYEOF'
import json, statistics, sys
from pathlib import Path
res, rounds, size, conc, duration, commit, load, machine = sys.argv[1:9]
rounds = int(rounds)
cells = ["sqlite", "postgres", "postgres+redis"]

def runs(cell, op):
    out = []
    for r in range(1, rounds + 1):
        p = Path(res) / f"{cell}-{op}-{r}.json"
        try:
            out.append(json.loads(p.read_text()))
        except (OSError, ValueError):
            pass
    return out

def med(rs, *path):
    vals = []
    for r in rs:
        v = r
        for k in path:
            v = v.get(k) if isinstance(v, dict) else None
        if isinstance(v, (int, float)):
            vals.append(v)
    return statistics.median(vals) if vals else None

def errors(rs):
    return sum(int(r.get("errors", 0) or 0) for r in rs)

print("# bench/meta_backends.sh: small objects on each metadata backend\n")
print(f"commit {commit}; {machine}; load average before the table {load}; Release build, "
      f"`--erasure 4+2`, {size} objects, concurrency {conc}, {duration} per run, "
      f"medians of {rounds} interleaved rounds. PostgreSQL local and durable (fsync on, "
      f"synchronous_commit on), Redis local without persistence.\n")
print("| backend | PUT ops/s | PUT p50 / p99 ms | PUT vs SQLite | GET ops/s | GET p50 / p99 ms "
      "| GET vs SQLite | errors |")
print("|---|---|---|---|---|---|---|---|")
base = {}
for cell in cells:
    row = [cell]
    errs = 0
    for op in ("put", "get"):
        rs = runs(cell, op)
        errs += errors(rs)
        ops = med(rs, "ops_per_s")
        p50, p99 = med(rs, "latency_ms", "p50"), med(rs, "latency_ms", "p99")
        if cell == "sqlite":
            base[op] = ops
        f = lambda x, fmt="{:.1f}": "-" if x is None else fmt.format(x)
        row += [f(ops, "{:.0f}"), f"{f(p50)} / {f(p99)}",
                "-" if not ops or not base.get(op) else f"{ops / base[op]:.2f}"]
    row.append(str(errs))
    print("| " + " | ".join(row) + " |")
PYEOF
cat "$OUT"
echo "== written to $OUT" >&2
