#!/usr/bin/env bash
# The load scenarios of bench/README.md, with this machine's ceilings measured
# in the same run:
#   1. builds strata in Release (build-release, no tests);
#   2. starts `strata server --erasure 4+2` (SQLite, six drive folders) on a
#      temporary folder and a free loopback port;
#   3. `strata bench` PUT and GET at 4 KiB (concurrency 8), 1 MiB (4) and
#      64 MiB (2), BENCH_DURATION each (default 10s);
#   4. ceilings: nginx serving files of the same sizes to the same client
#      (skipped with a message when nginx is not installed; Debian:
#      nginx-light), `dd conv=fdatasync` on the same file system for the disk,
#      `openssl speed -evp md5 / sha256` for the hashes every PUT pays;
#   5. prints a table of Strata against the ceilings and writes it to
#      bench/results/<date>.md.
# Not run in CI: it takes a few minutes and needs a quiet machine.
#
# Environment: BENCH_DURATION (10s), BENCH_BUILD_DIR (build-release),
# BENCH_TMP (parent of the temp folder, default $TMPDIR or /tmp; the disk
# figure is measured there), BENCH_SIZES ("4KiB:8 1MiB:4 64MiB:2",
# size:concurrency pairs).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
DURATION=${BENCH_DURATION:-10s}
SIZES=${BENCH_SIZES:-"4KiB:8 1MiB:4 64MiB:2"}
PY=/usr/bin/python3
BUILD=${BENCH_BUILD_DIR:-build-release}

echo "== building Release ($BUILD)" >&2
export CCACHE_BASEDIR="$REPO" CCACHE_NOHASHDIR=1
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTRATA_TESTS=OFF >/dev/null
cmake --build "$BUILD" --target strata -j"$(nproc)" >&2
BIN=$REPO/$BUILD/src/app/strata

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
echo "== strata server --erasure 4+2 on 127.0.0.1:$PORT ($WORK/data)" >&2
STRATA_LOG_LEVEL=warn "$BIN" server --erasure 4+2 --address "127.0.0.1:$PORT" "$WORK/data" \
  >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
wait_http "http://127.0.0.1:$PORT/_strata/health/live"

for pair in $SIZES; do
  size=${pair%%:*} conc=${pair##*:}
  for op in put get; do
    echo "== strata $op $size x$conc for $DURATION" >&2
    "$BIN" bench --endpoint "http://127.0.0.1:$PORT" --bucket bench --op "$op" --size "$size" \
      --concurrency "$conc" --duration "$DURATION" --json >"$WORK/results/strata-$op-$size.json" ||
      echo "   (errors: see $WORK/results/strata-$op-$size.json)" >&2
  done
done
kill "$SERVER_PID" && wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""

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
  "$(cut -d' ' -f1-3 /proc/loadavg)" >"$OUT" <<'PYEOF'
import json, re, sys
from pathlib import Path
res, sizes, duration, commit, load = Path(sys.argv[1]), sys.argv[2].split(), sys.argv[3], sys.argv[4], sys.argv[5]

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
PYEOF
cat "$OUT"
echo "== written to $OUT" >&2
