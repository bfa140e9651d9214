#!/usr/bin/env bash
# Installs what building, testing and running Slipway needs on Debian 12.
# Safe to run again; needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates curl
  libboost-dev libboost-system-dev nlohmann-json3-dev libyaml-cpp-dev libsqlite3-dev sqlite3
  libssl-dev libspdlog-dev libfmt-dev libcli11-dev libgit2-dev
  libcurl4-openssl-dev        # outbound HTTP(S): commit statuses and deployment notifications
  libgtest-dev libgmock-dev
  clang libclang-rt-14-dev   # libFuzzer targets and the sanitizer runtime
  procps python3              # ps for the tests; python3 for the example app
  nginx                       # the reverse proxy in front of deployed apps, and static sites
  python3-flask gunicorn      # examples/flask and examples/broken
  wrk                         # HTTP load generator: keeps traffic on an app while it is deployed
  openssh-client openssh-server rsync iproute2  # ssh targets; the tests run sshd hosts in network namespaces
  docker.io docker-registry docker-compose busybox-static debootstrap  # containers: the engine, a registry, compose, and what the base images are made from
  chromium fonts-dejavu-core  # the dashboard's browser tests and benchmark (headless, driven by playwright-core)
)
# examples/vite builds with Node.js and npm. A node already on PATH (e.g. from NodeSource, which
# bundles npm) is kept: Debian's npm package would conflict with it.
if ! command -v node >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
