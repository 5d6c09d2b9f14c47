#!/usr/bin/env bash
# Installs what Qiandao needs on Debian 12, as root. Safe to run again.
#   scripts/install-deps.sh          build and run the server
#   scripts/install-deps.sh --test   also what the tests need (Chromium for the browser tests)
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libboost1.81-dev libsqlite3-dev libpq-dev nlohmann-json3-dev catch2 libsodium-dev libqrencode-dev libssl-dev libxlsxwriter-dev zlib1g-dev
  sqlite3
  # `cpack -G DEB` (README "Install at a venue"): dpkg-shlibdeps declares the libraries the
  # binary links, and CPack finds the binaries with `file`.
  dpkg-dev file
)
if [[ "${1:-}" == "--test" ]]; then
  # Chromium and CJK fonts for the browser tests; clang with its libFuzzer and sanitizer
  # runtimes for the fuzz harnesses; unzip to read back the XLSX report in its test; nginx
  # in front of three instances in tests/scale; systemd for systemd-analyze, which checks
  # the package's units.
  packages+=(chromium fonts-noto-cjk clang libclang-rt-14-dev unzip postgresql-15 postgresql-contrib-15 nginx systemd)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm fetch the browser-side packages (ECharts, …) that the binary embeds.
# Keep a Node that is already installed; otherwise take Debian's.
if ! command -v npm >/dev/null 2>&1; then
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  missing+=(npm)
fi

if ((${#missing[@]})); then
  echo "Installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
