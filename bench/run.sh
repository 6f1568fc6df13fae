#!/usr/bin/env bash
# The load scenarios of bench/README.md, with this machine's ceilings measured
# in the same run:
#   1. builds strata in Release (build-release, no tests);
#   2. starts `strata server --erasure 4+2` (SQLite, six drive folders) on a
#      temporary folder and a free loopback port;
#   3. `strata bench` PUT and GET at 4 KiB (concurrency 8), 1 MiB (4) and
#      64 MiB (2), BENCH_DURATION each (default 10s);
#      During each PUT run the server's CPU time (utime + stime from
#      /proc/PID/stat) and its peak RSS (VmHWM, reset through
#      /proc/PID/clear_refs before the run) are recorded;
#   4. 64 concurrent 64 MiB PUTs (BENCH_RSS_PUTS of them), the same two
#      figures: the server's memory bound under many large uploads;
#   5. ListObjectsV2: two buckets of 10 k and BENCH_LIST_KEYS (1 M) empty
#      objects, written straight into the server's SQLite store while it is
#      stopped by bench/micro/meta_fill (the MetaStore code, one PutObject per
#      object, fsyncs skipped), then `strata bench --op list` (first page of
#      1,000 keys, concurrency 1) on each after a restart;
#   6. degraded GET: after a restart, GET of the objects the GET runs of step
#      3 left behind (sizes above the 32 KiB inline threshold), then the same
#      with two of the six drive folders gone (moved away, a plain file in
#      their place so nothing can be written there: a dead disk), then a
#      verified pass (every byte compared) still degraded; the drives go back
#      at the end;
#   7. ceilings: nginx serving files of the same sizes to the same client
#      (skipped with a message when nginx is not installed; Debian:
#      nginx-light), `dd conv=fdatasync` on the same file system for the disk,
#      the serial create + write 4 KiB + fdatasync + rename + fsync-dir rate
#      (bench/small_file_ceiling.py) for small PUTs, `openssl speed -evp md5 /
#      sha256` for the hashes every PUT pays;
#   8. prints the tables of Strata against the ceilings and targets and writes
#      them to bench/results/<date>.md.
# Not run in CI: it takes ten minutes or more and needs a quiet machine.
#
# Environment: BENCH_DURATION (10s), BENCH_BUILD_DIR (build-release),
# BENCH_TMP (parent of the temp folder, default $TMPDIR or /tmp; the disk
# figure is measured there), BENCH_SIZES ("4KiB:8 1MiB:4 64MiB:2",
# size:concurrency pairs), BENCH_RSS_PUTS (64: 64 MiB PUTs, all at once),
# BENCH_LIST_KEYS (1000000), BENCH_JOBS (build parallelism, default nproc).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
DURATION=${BENCH_DURATION:-10s}
SIZES=${BENCH_SIZES:-"4KiB:8 1MiB:4 64MiB:2"}
RSS_PUTS=${BENCH_RSS_PUTS:-64}
LIST_KEYS=${BENCH_LIST_KEYS:-1000000}
PY=/usr/bin/python3
BUILD=${BENCH_BUILD_DIR:-build-release}

echo "== building Release ($BUILD)" >&2
export CCACHE_BASEDIR="$REPO" CCACHE_NOHASHDIR=1
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTRATA_TESTS=OFF \
  -DSTRATA_BENCH=ON >/dev/null
# At the lowest priority: on a shared machine other builds keep theirs.
nice -n 19 cmake --build "$BUILD" --target strata meta_fill -j"${BENCH_JOBS:-$(nproc)}" >&2
BIN=$REPO/$BUILD/src/app/strata
META_FILL=$REPO/$BUILD/bench/micro/meta_fill

WORK=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/strata-bench.XXXXXX")
# mktemp makes it 0700: nginx's workers (user nobody when started as root)
# must be able to read the files they serve.
chmod 755 "$WORK"
SERVER_PID=""
NGINX_PID=""
cleanup() {
  [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  [[ -n $NGINX_PID ]] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
  rm -rf "$WORK"
  return 0
}
trap cleanup EXIT

free_port() {
  $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_http() {  # URL: waits up to 30 s for any HTTP answer
  for _ in $(seq 300); do
    curl -s -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "no answer from $1" >&2
  return 1
}

export STRATA_ROOT_USER=benchuser STRATA_ROOT_PASSWORD=benchpass-$RANDOM$RANDOM
mkdir -p "$WORK/results"

# --- Strata ---------------------------------------------------------------
PORT=$(free_port)
start_server() {
  STRATA_LOG_LEVEL=warn "$BIN" server --erasure 4+2 --address "127.0.0.1:$PORT" "$WORK/data" \
    >>"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  wait_http "http://127.0.0.1:$PORT/_strata/health/live"
}
stop_server() {
  kill "$SERVER_PID" && wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# The server's CPU time in clock ticks (utime and stime: fields 14 and 15 of
# /proc/PID/stat, counted after the ')' that ends the command name).
server_ticks() {  # prints "utime stime"
  local stat
  stat=$(<"/proc/$SERVER_PID/stat")
  stat=${stat##*") "}
  awk '{print $12, $13}' <<<"$stat"
}
server_hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status"; }
TICKS_PER_S=$(getconf CLK_TCK)

# bench_measured NAME ARGS...: `strata bench ARGS --json` into NAME.json, and
# the server's CPU seconds and peak RSS over the run into NAME-server.json.
bench_measured() {
  local name=$1 u0 s0 u1 s1
  shift
  echo 5 >"/proc/$SERVER_PID/clear_refs"  # VmHWM := current RSS
  read -r u0 s0 <<<"$(server_ticks)"
  "$BIN" bench --endpoint "http://127.0.0.1:$PORT" "$@" --json >"$WORK/results/$name.json" ||
    echo "   (errors: see $WORK/results/$name.json)" >&2
  read -r u1 s1 <<<"$(server_ticks)"
  echo "{\"cpu_ticks\": $((u1 + s1 - u0 - s0)), \"user_ticks\": $((u1 - u0)), \"ticks_per_s\": $TICKS_PER_S, \"hwm_kib\": $(server_hwm_kib)}" \
    >"$WORK/results/$name-server.json"
}

echo "== strata server --erasure 4+2 on 127.0.0.1:$PORT ($WORK/data)" >&2
start_server

for pair in $SIZES; do
  size=${pair%%:*} conc=${pair##*:}
  echo "== strata put $size x$conc for $DURATION" >&2
  bench_measured "strata-put-$size" --bucket bench --op put --size "$size" \
    --concurrency "$conc" --duration "$DURATION"
  # A fixed prefix, so the degraded GET below reads these same objects.
  echo "== strata get $size x$conc for $DURATION" >&2
  "$BIN" bench --endpoint "http://127.0.0.1:$PORT" --bucket bench --prefix "get-$size/" \
    --op get --size "$size" --concurrency "$conc" --duration "$DURATION" --json \
    >"$WORK/results/strata-get-$size.json" ||
    echo "   (errors: see $WORK/results/strata-get-$size.json)" >&2
done

# --- many large uploads at once: memory bound and CPU per byte ---------------
echo "== strata put 64MiB x$RSS_PUTS, all at once (server peak RSS)" >&2
bench_measured strata-put-rss --bucket bench --op put --size 64MiB \
  --concurrency "$RSS_PUTS" --count "$RSS_PUTS" --quiet

# --- ListObjectsV2 at 10 k and LIST_KEYS keys ---------------------------------
# The buckets are made through S3 (one small object each, outside the listed
# prefix); the keys are written with the server stopped, into its own store.
for b in list10k list1m; do
  "$BIN" bench --endpoint "http://127.0.0.1:$PORT" --bucket "$b" --prefix setup/ --op put \
    --size 1KiB --count 1 --concurrency 1 --quiet >&2
done
stop_server
echo "== meta_fill: 10000 keys into list10k, $LIST_KEYS into list1m" >&2
"$META_FILL" --db "$WORK/data/meta/strata.db" --bucket list10k --prefix k/ --count 10000 \
  >"$WORK/results/fill-list10k.txt"
"$META_FILL" --db "$WORK/data/meta/strata.db" --bucket list1m --prefix k/ --count "$LIST_KEYS" \
  >"$WORK/results/fill-list1m.txt"
cat "$WORK/results/fill-list10k.txt" "$WORK/results/fill-list1m.txt" >&2
start_server
for b in list10k list1m; do
  echo "== strata list $b (first page of 1000) x1 for $DURATION" >&2
  "$BIN" bench --endpoint "http://127.0.0.1:$PORT" --bucket "$b" --prefix k/ --skip-setup \
    --op list --concurrency 1 --duration "$DURATION" --json >"$WORK/results/strata-list-$b.json" ||
    echo "   (errors: see $WORK/results/strata-list-$b.json)" >&2
done

# --- GET with two of six drives gone ------------------------------------------
# Only objects above the inline threshold (32 KiB) have shards on the drives.
degraded_sizes=()
for pair in $SIZES; do
  bytes=$($PY -c 'import re,sys; m=re.fullmatch(r"(\d+)\s?([KMGT]?)(i?B)?", sys.argv[1], re.I); print(int(m.group(1)) * 1024 ** " KMGT".index((m.group(2) or " ").upper()))' "${pair%%:*}")
  ((bytes > 32768)) && degraded_sizes+=("$pair")
done
get_again() {  # NAME SIZE CONC [extra flags]: GET the step-3 objects again
  local name=$1 size=$2 conc=$3
  shift 3
  "$BIN" bench --endpoint "http://127.0.0.1:$PORT" --bucket bench --prefix "get-$size/" \
    --skip-setup --objects $((conc * 4)) --op get --size "$size" --concurrency "$conc" \
    --json --quiet "$@" >"$WORK/results/$name.json" ||
    echo "   (errors: see $WORK/results/$name.json)" >&2
}
for pair in "${degraded_sizes[@]}"; do
  size=${pair%%:*} conc=${pair##*:}
  echo "== strata get $size x$conc, healthy, after a restart, for $DURATION" >&2
  get_again "strata-get-healthy-$size" "$size" "$conc" --duration "$DURATION"
done
stop_server
for d in drive1 drive2; do
  mv "$WORK/data/$d" "$WORK/data/$d.away"
  echo "this drive is gone (bench/run.sh)" >"$WORK/data/$d"
done
start_server
for pair in "${degraded_sizes[@]}"; do
  size=${pair%%:*} conc=${pair##*:}
  echo "== strata get $size x$conc, drive1 and drive2 gone, for $DURATION" >&2
  get_again "strata-get-degraded-$size" "$size" "$conc" --duration "$DURATION"
  echo "== strata get $size x$conc, drives gone, every object once, verified" >&2
  get_again "strata-get-degraded-verify-$size" "$size" "$conc" --count $((conc * 4)) --verify
done
stop_server
for d in drive1 drive2; do
  rm -f "$WORK/data/$d"
  mv "$WORK/data/$d.away" "$WORK/data/$d"
done
cp "$WORK/server.log" "$WORK/results/server.log"

# --- nginx: the GET ceiling -------------------------------------------------
NGINX=$(command -v nginx || ls /usr/sbin/nginx 2>/dev/null || true)
if [[ -z $NGINX ]]; then
  echo "== nginx not installed (Debian: apt-get install nginx-light): no GET ceiling" >&2
else
  NPORT=$(free_port)
  mkdir -p "$WORK/nginx/www/ceiling" "$WORK/nginx/tmp"
  for pair in $SIZES; do
    size=${pair%%:*} conc=${pair##*:}
    bytes=$($PY - "$size" <<'PYEOF'
import re, sys
m = re.fullmatch(r"(\d+)\s?([KMGT]?)(i?B)?", sys.argv[1], re.I)
print(int(m.group(1)) * 1024 ** " KMGT".index((m.group(2) or " ").upper()))
PYEOF
)
    # The same object names `strata bench --op get` reads (4 x concurrency).
    mkdir -p "$WORK/nginx/www/ceiling/s$size"
    for i in $(seq 0 $((conc * 4 - 1))); do
      head -c "$bytes" /dev/urandom >"$WORK/nginx/www/ceiling/s$size/$(printf 'obj-%08d' "$i")"
    done
  done
  cat >"$WORK/nginx/nginx.conf" <<NGINXEOF
worker_processes 2;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_requests 1000000;
  keepalive_timeout 120s;
  client_body_temp_path $WORK/nginx/tmp;
  proxy_temp_path $WORK/nginx/tmp;
  fastcgi_temp_path $WORK/nginx/tmp;
  uwsgi_temp_path $WORK/nginx/tmp;
  scgi_temp_path $WORK/nginx/tmp;
  server {
    listen 127.0.0.1:$NPORT;
    root $WORK/nginx/www;
    location / { }
  }
}
NGINXEOF
  echo "== nginx on 127.0.0.1:$NPORT" >&2
  "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' \
    >"$WORK/nginx/stdout.log" 2>&1 &
  NGINX_PID=$!
  wait_http "http://127.0.0.1:$NPORT/"
  for pair in $SIZES; do
    size=${pair%%:*} conc=${pair##*:}
    echo "== nginx get $size x$conc for $DURATION" >&2
    "$BIN" bench --endpoint "http://127.0.0.1:$NPORT" --bucket ceiling --prefix "s$size/" \
      --skip-setup --op get --size "$size" --concurrency "$conc" --duration "$DURATION" --json \
      >"$WORK/results/nginx-get-$size.json" || true
  done
  kill "$NGINX_PID" && wait "$NGINX_PID" 2>/dev/null || true
  NGINX_PID=""
fi

# --- disk and hash ceilings -------------------------------------------------
echo "== dd 512 MiB, conv=fdatasync, in $WORK" >&2
dd if=/dev/zero of="$WORK/dd.bin" bs=1M count=512 conv=fdatasync 2>"$WORK/results/dd.txt"
rm -f "$WORK/dd.bin"
echo "== serial 4 KiB create + fdatasync + rename + fsync dir, in $WORK" >&2
$PY bench/small_file_ceiling.py "$WORK" --seconds 3 >"$WORK/results/small-file.json"
for alg in md5 sha256; do
  echo "== openssl speed -evp $alg (1 MiB blocks)" >&2
  openssl speed -seconds 2 -bytes 1048576 -evp "$alg" 2>/dev/null >"$WORK/results/openssl-$alg.txt"
done

# --- the table ----------------------------------------------------------------
mkdir -p bench/results
OUT=bench/results/$(date +%F).md
n=2
while [[ -e $OUT ]]; do OUT=bench/results/$(date +%F)-$n.md; n=$((n + 1)); done
$PY - "$WORK/results" "$SIZES" "$DURATION" "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)" "$RSS_PUTS" "$LIST_KEYS" "${degraded_sizes[*]}" >"$OUT" <<'PYEOF'
import json, re, sys
from pathlib import Path
res, sizes, duration, commit, load = Path(sys.argv[1]), sys.argv[2].split(), sys.argv[3], sys.argv[4], sys.argv[5]
rss_puts, list_keys, degraded_sizes = int(sys.argv[6]), int(sys.argv[7]), sys.argv[8].split()

def load_json(name):
    p = res / name
    return json.loads(p.read_text()) if p.exists() and p.read_text().strip() else None

dd = (res / "dd.txt").read_text()
m = re.search(r"(\d+) bytes .* copied, ([\d.]+) s", dd)
disk = int(m.group(1)) / float(m.group(2)) / 2**20 if m else None

def speed(alg):
    lines = [l for l in (res / f"openssl-{alg}.txt").read_text().splitlines() if l.strip()]
    return float(lines[-1].split()[-1].rstrip("k")) * 1000 / 2**20

md5, sha = speed("md5"), speed("sha256")
hashes = 1 / (1 / md5 + 1 / sha)  # MD5 + SHA-256 of every byte, one core

def f(x, fmt="{:.1f}"):
    return "-" if x is None else fmt.format(x)

def ratio(a, b):
    return "-" if a is None or not b else f"{a / b:.2f}"

print("# bench/run.sh: strata bench against the machine's ceilings\n")
print(f"commit {commit}, {duration} per run, load average before the table {load}, "
      f"Release build, `--erasure 4+2`, SQLite metadata, loopback.\n")
print("Ceilings measured in the same run: "
      f"disk `dd bs=1M conv=fdatasync` {f(disk)} MiB/s (a 4+2 PUT writes 1.5x its bytes: "
      f"{f(disk / 1.5 if disk else None)} MiB/s of objects); "
      f"MD5 {md5:.0f} MiB/s, SHA-256 {sha:.0f} MiB/s, both over each byte {hashes:.0f} MiB/s "
      f"per core (`openssl speed -evp`, 1 MiB blocks).\n")
print("| size | conc | PUT MiB/s | PUT ops/s | PUT p50 / p99 ms | PUT / disk÷1.5 | PUT / hashes (1 core) "
      "| GET MiB/s | GET ops/s | GET p50 / p99 ms | GET TTFB p50 ms | nginx GET MiB/s | GET / nginx "
      "| client CPU (cores) PUT / GET | errors |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for pair in sizes:
    size, conc = pair.split(":")
    put, get, ng = (load_json(f"strata-put-{size}.json"), load_json(f"strata-get-{size}.json"),
                    load_json(f"nginx-get-{size}.json"))
    def g(r, *path):
        for p in path:
            if r is None:
                return None
            r = r.get(p)
        return r
    errors = sum(x["errors"] for x in (put, get) if x)
    print(f"| {size} | {conc} | {f(g(put,'mib_per_s'))} | {f(g(put,'ops_per_s'),'{:.0f}')} "
          f"| {f(g(put,'latency_ms','p50'),'{:.2f}')} / {f(g(put,'latency_ms','p99'),'{:.2f}')} "
          f"| {ratio(g(put,'mib_per_s'), disk / 1.5 if disk else None)} "
          f"| {ratio(g(put,'mib_per_s'), hashes)} "
          f"| {f(g(get,'mib_per_s'))} | {f(g(get,'ops_per_s'),'{:.0f}')} "
          f"| {f(g(get,'latency_ms','p50'),'{:.2f}')} / {f(g(get,'latency_ms','p99'),'{:.2f}')} "
          f"| {f(g(get,'ttfb_ms','p50'),'{:.2f}')} "
          f"| {f(g(ng,'mib_per_s')) if ng else 'no nginx'} | {ratio(g(get,'mib_per_s'), g(ng,'mib_per_s'))} "
          f"| {f(g(put,'cpu','cores'),'{:.2f}')} / {f(g(get,'cpu','cores'),'{:.2f}')} | {errors} |")
print("\nnginx (when present) serves files of the same sizes and names to the same client "
      "(`strata bench --skip-setup`), so GET / nginx is the share of the machine's HTTP GET ceiling. "
      "The client runs on the same 2 cores as the server: its own CPU is in the last column.")

# --- the server's own cost of PUT ---------------------------------------------
GiB = 2**30

def server(name):
    """(CPU seconds, peak RSS MiB, GiB PUT) of a bench_measured run."""
    srv, run = load_json(f"{name}-server.json"), load_json(f"{name}.json")
    if not srv or not run:
        return None, None, None
    return (srv["cpu_ticks"] / srv["ticks_per_s"], srv["hwm_kib"] / 1024, run["bytes"] / GiB)

def per_gib(cpu, gib):
    return cpu / gib if cpu is not None and gib else None

print("\n## The server during PUT\n")
print("Server CPU (utime + stime of the server process over the run) per GiB of object "
      "bytes PUT, and its peak RSS (VmHWM, reset before the run). Targets: ≤ 2.5 core-seconds "
      f"per GiB; ≤ 256 MiB with {rss_puts} concurrent 64 MiB PUTs.\n")
print("| run | PUT MiB/s | GiB PUT | server CPU s (user share) | core-s / GiB | ratio to 2.5 "
      "| peak RSS MiB | ratio to 256 MiB | errors |")
print("|---|---|---|---|---|---|---|---|---|")
rows = [(f"{p.split(':')[0]} x{p.split(':')[1]}", f"strata-put-{p.split(':')[0]}") for p in sizes]
rows.append((f"64MiB x{rss_puts}, {rss_puts} at once", "strata-put-rss"))
for label, name in rows:
    cpu, rss, gib = server(name)
    run = load_json(f"{name}.json")
    cg = per_gib(cpu, gib)
    srv = load_json(f"{name}-server.json") or {}
    user = srv.get("user_ticks", 0) / srv["cpu_ticks"] if srv.get("cpu_ticks") else None
    print(f"| {label} | {f(run and run['mib_per_s'])} | {f(gib, '{:.2f}')} "
          f"| {f(cpu, '{:.1f}')} ({f(user, '{:.0%}')}) "
          f"| {f(cg, '{:.2f}')} | {ratio(cg, 2.5)} | {f(rss, '{:.0f}')} | {ratio(rss, 256)} "
          f"| {run['errors'] if run else '-'} |")

# --- ListObjectsV2 ------------------------------------------------------------
print("\n## ListObjectsV2 page latency\n")
print("First page (1,000 keys, no delimiter) of a bucket holding the given number of empty "
      "objects under the listed prefix; `strata bench --op list`, concurrency 1. The keys were "
      "written by `bench/micro/meta_fill` through the SQLite MetaStore with the server stopped. "
      "Target: the 1 M-key page within 2x of the 10 k-key page.\n")
print("| bucket | keys | fill | LIST ops/s | p50 / p90 / p99 ms | p50 vs 10 k | errors |")
print("|---|---|---|---|---|---|---|")
base = None
for bucket, keys in (("list10k", 10000), ("list1m", list_keys)):
    run = load_json(f"strata-list-{bucket}.json")
    fill = (res / f"fill-{bucket}.txt").read_text().strip() if (res / f"fill-{bucket}.txt").exists() else ""
    m = re.search(r"in ([\d.]+) s \((\d+)/s\)", fill)
    p50 = run["latency_ms"]["p50"] if run else None
    if base is None:
        base = p50
    lat = run["latency_ms"] if run else {}
    print(f"| {bucket} | {keys:,} | {m.group(1) + ' s (' + m.group(2) + '/s)' if m else '-'} "
          f"| {f(run and run['ops_per_s'], '{:.0f}')} "
          f"| {f(lat.get('p50'), '{:.2f}')} / {f(lat.get('p90'), '{:.2f}')} / {f(lat.get('p99'), '{:.2f}')} "
          f"| {ratio(p50, base)} | {run['errors'] if run else '-'} |")

# --- degraded GET ---------------------------------------------------------------
print("\n## GET with two of six drives gone\n")
print("The objects of the GET runs above, read again after a restart (healthy), then after a "
      "restart with drive1 and drive2 replaced by plain files (every chunk rebuilt from 4 of its "
      "6 shards, or read from the 4 data shards when both lost shards were parity), then once "
      "each with every byte compared (`--verify`). Target: degraded / healthy ≥ 0.90.\n")
print("| size x conc | healthy GET MiB/s | degraded GET MiB/s | degraded / healthy "
      "| degraded p50 / p99 ms | verified objects | errors |")
print("|---|---|---|---|---|---|---|")
for pair in degraded_sizes:
    size, conc = pair.split(":")
    h = load_json(f"strata-get-healthy-{size}.json")
    d = load_json(f"strata-get-degraded-{size}.json")
    v = load_json(f"strata-get-degraded-verify-{size}.json")
    errors = sum(x["errors"] for x in (h, d, v) if x)
    print(f"| {size} x{conc} | {f(h and h['mib_per_s'])} | {f(d and d['mib_per_s'])} "
          f"| {ratio(d and d['mib_per_s'], h and h['mib_per_s'])} "
          f"| {f(d and d['latency_ms']['p50'], '{:.1f}')} / {f(d and d['latency_ms']['p99'], '{:.1f}')} "
          f"| {v['ops'] if v else '-'} | {errors} |")

log = res / "server.log"
if log.exists():
    from collections import Counter
    lines = [l for l in log.read_text(errors="replace").splitlines() if l.strip()]
    # Numbers, hex ids and paths vary per line; the rest says what happened.
    shapes = Counter(re.sub(r"[0-9a-f]{8,}|\d+(\.\d+)?|/[^ \"']+", "#", l)[:160] for l in lines)
    print(f"\nThe server logged {len(lines)} warning or error lines over the whole run"
          + (", most often:\n" if lines else "."))
    for shape, n in shapes.most_common(3):
        print(f"- {n} x `{shape.replace('`', chr(39))}`")

# --- targets ------------------------------------------------------------------
small = load_json("small-file.json")
put4k = load_json("strata-put-4KiB.json")
print("\n## Against the targets\n")
print(f"Small-file ceiling: serial create + write 4 KiB + fdatasync + rename + fsync dir "
      f"(`bench/small_file_ceiling.py`), {f(small and small['ops_per_s'], '{:.0f}')} /s.\n")
print("| quantity | measured | reference | ratio | target | met |")
print("|---|---|---|---|---|---|")

def target(name, value, reference, ref_text, unit, goal, at_least):
    r = value / reference if value is not None and reference else None
    met = "-" if r is None else ("yes" if (r >= goal if at_least else r <= goal) else "no")
    print(f"| {name} | {f(value, '{:.2f}')} {unit} | {ref_text} | {f(r, '{:.2f}')} "
          f"| {'≥' if at_least else '≤'} {goal} | {met} |")

l10, l1m = load_json("strata-list-list10k.json"), load_json("strata-list-list1m.json")
target(f"LIST page p50 at {list_keys:,} keys", l1m and l1m["latency_ms"]["p50"],
       l10 and l10["latency_ms"]["p50"],
       f"{f(l10 and l10['latency_ms']['p50'], '{:.2f}')} ms at 10,000 keys", "ms", 2, False)
_, rss, _ = server("strata-put-rss")
target(f"server peak RSS, {rss_puts} x 64 MiB PUT at once", rss, 256, "256 MiB", "MiB", 1, False)
for name, label in (("strata-put-64MiB", "64 MiB PUT x" + dict(p.split(":") for p in sizes).get("64MiB", "?")),
                    ("strata-put-rss", f"64 MiB PUT x{rss_puts}")):
    cpu, _, gib = server(name)
    target(f"server CPU per GiB, {label}", per_gib(cpu, gib), 2.5, "2.5 core-s/GiB", "core-s/GiB",
           1, False)
for pair in degraded_sizes:
    size, conc = pair.split(":")
    h = load_json(f"strata-get-healthy-{size}.json")
    d = load_json(f"strata-get-degraded-{size}.json")
    target(f"GET {size} x{conc}, 2 of 6 drives gone", d and d["mib_per_s"], h and h["mib_per_s"],
           f"{f(h and h['mib_per_s'])} MiB/s healthy", "MiB/s", 0.9, True)
target("PUT 4 KiB ops/s", put4k and put4k["ops_per_s"], small and small["ops_per_s"],
       f"{f(small and small['ops_per_s'], '{:.0f}')} /s small-file ceiling", "ops/s", 3, True)
PYEOF
cat "$OUT"
echo "== written to $OUT" >&2
