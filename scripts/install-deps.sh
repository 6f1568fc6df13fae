#!/usr/bin/env bash
# Installs every Debian package Strata's build, server and tests need.
# Idempotent: packages already present are skipped by apt itself.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PACKAGES=(
  # Build
  build-essential cmake ninja-build ccache pkg-config clang-format
  libboost1.81-dev libssl-dev libsqlite3-dev libpugixml-dev
  nlohmann-json3-dev libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libisal-dev libxxhash-dev
  # Integration tests: real clients against the real binary
  python3 python3-pytest python3-boto3 python3-requests
  awscli rclone s3cmd curl openssl
  # Node SDK tests (tests/node, @aws-sdk/client-s3 v3 needs Node >= 20)
  nodejs
)

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
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Debian's nodejs comes without npm; a NodeSource nodejs bundles its own, and
# Debian's npm package would conflict with it. Install npm only when absent.
if ! command -v npm >/dev/null 2>&1; then
  $SUDO apt-get install -y -qq --no-install-recommends npm
fi
