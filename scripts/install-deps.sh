#!/usr/bin/env bash
# Installs every Debian package Strata's build, server and tests need.
# Idempotent: packages already present are skipped by apt itself.
#
#   scripts/install-deps.sh              everything (build, server, tests)
#   scripts/install-deps.sh --build-only only what compiling `strata` needs
#                                        (deploy/Dockerfile's build stage)
set -euo pipefail

BUILD_ONLY=0
for arg in "$@"; do
  case "$arg" in
    --build-only) BUILD_ONLY=1 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "install-deps: unknown argument '$arg' (try --build-only)" >&2; exit 2 ;;
  esac
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

BUILD_PACKAGES=(
  # Build
  build-essential cmake ninja-build ccache pkg-config clang-format
  libboost1.81-dev libssl-dev libsqlite3-dev libpugixml-dev
  nlohmann-json3-dev libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libisal-dev libxxhash-dev prometheus-cpp-dev
  libargon2-dev libpq-dev libhiredis-dev
)
PACKAGES=(
  "${BUILD_PACKAGES[@]}"
  # Integration tests: real clients against the real binary
  python3 python3-pytest python3-boto3 python3-requests python3-prometheus-client
  awscli rclone s3cmd restic curl openssl
  # Deployment checks (scripts/check-deploy.sh): YAML parsing and linting
  python3-yaml yamllint
  # Node SDK tests (tests/node, @aws-sdk/client-s3 v3 needs Node >= 20)
  nodejs
  # Metadata backends the tests start on loopback in temporary folders, and
  # the driver the integration helpers read PostgreSQL rows with
  postgresql redis-server python3-psycopg2
  # bench/run.sh: nginx serving the same files is the machine's GET ceiling
  nginx-light
)

if [ "$BUILD_ONLY" -eq 1 ]; then PACKAGES=("${BUILD_PACKAGES[@]}"); fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

export DEBIAN_FRONTEND=noninteractive
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  # No system services: PostgreSQL, Redis and nginx are started by the tests
  # and benchmarks themselves, on free loopback ports in temporary folders.
  # Debian's postinst scripts would otherwise start them (nginx on :80).
  policy=/usr/sbin/policy-rc.d
  made_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod 755 "$policy"
    made_policy=1
  fi
  status=0
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" || status=$?
  if [ "$made_policy" -eq 1 ]; then $SUDO rm -f "$policy"; fi
  if [ "$status" -ne 0 ]; then exit "$status"; fi
fi

# Debian's nodejs comes without npm; a NodeSource nodejs bundles its own, and
# Debian's npm package would conflict with it. Install npm only when absent.
if [ "$BUILD_ONLY" -eq 0 ] && ! command -v npm >/dev/null 2>&1; then
  $SUDO apt-get install -y -qq --no-install-recommends npm
fi
