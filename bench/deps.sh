#!/usr/bin/env bash
# What the flights benchmark (bench/run.sh) needs from Debian 12 besides pgml's own packages, installed only when
# missing by scripts/deps.sh. Python comes only from Debian's packages (/usr/bin/python3), never pip.
exec "$(dirname "${BASH_SOURCE[0]}")/../scripts/deps.sh" redis-server redis-tools python3 python3-flask gunicorn \
    python3-redis python3-pandas python3-sklearn apache2-utils pgbouncer iproute2 procps util-linux postgresql-client-15
