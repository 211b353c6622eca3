#!/usr/bin/env bash
# What the flights benchmark (bench/run.sh) needs from Debian 12, installed only when missing. Needs root (or sudo).
# Python comes only from Debian's packages (/usr/bin/python3), never pip.
set -euo pipefail
packages=(redis-server redis-tools python3 python3-flask gunicorn python3-redis python3-pandas python3-xgboost
          python3-numpy python3-sklearn apache2-utils pgbouncer iproute2 procps util-linux postgresql-client-15)
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
