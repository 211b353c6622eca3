#!/usr/bin/env bash
# Installs what pgml needs from Debian 12 (only what is missing), plus any packages named as arguments (the
# benchmark's list comes from bench/deps.sh). Needs root (or sudo). chromium and a font are for the dashboard's
# browser tests (tests/Pgml.Dashboard.Tests: Playwright drives the system Chromium, it downloads no browser) and for
# the charts ScottPlot draws.
set -euo pipefail
packages=(postgresql-15 postgresql-server-dev-15 libxgboost0 libxgboost-dev clang zlib1g-dev make gcc
          libgomp1 python3-xgboost python3-numpy python3-sklearn chromium fonts-dejavu-core "$@")
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "==> installing from Debian: ${missing[*]}"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v dotnet >/dev/null || { echo "the .NET 10 SDK (dotnet) is required: https://dot.net" >&2; exit 1; }
echo "==> dependencies present (PostgreSQL $(pg_config --version | awk '{print $2}'), $(dotnet --version | sed 's/^/.NET SDK /'))"
