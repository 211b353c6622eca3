#!/usr/bin/env bash
# First pgml.predict in a fresh connection (runtime start and model load included) and the backend's memory
# before and after, against the private cluster. Trains the 'bench flights' model (25 trees, 10 features) if needed.
# Usage: bench/scripts/first-call.sh [repetitions]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/env.sh"
reps=${1:-5}
"$PGML_ROOT/bench/scripts/prepare-flights.sh" >/dev/null

mem() { # pid -> "RSS_kB Pss_kB"
    echo "$(awk '/^VmRSS/{print $2}' /proc/$1/status) $(awk '/^Pss:/{print $2}' /proc/$1/smaps_rollup)"
}

call="SELECT pgml.predict('bench flights', ARRAY[2019, 3, 8, 1200, 6, 31, 1234, 14869, 12478, 3456]::real[]);"
echo "run  first_predict_ms  rss_before_kB  pss_before_kB  rss_after_kB  pss_after_kB  second_predict_ms"
for i in $(seq 1 "$reps"); do
    coproc PSQL { psql -X -q -A -t -d pgml 2>&1; }
    echo "SELECT pg_backend_pid();" >&"${PSQL[1]}"
    echo '\timing on' >&"${PSQL[1]}"
    read -r pid <&"${PSQL[0]}"
    read -r rss0 pss0 < <(mem "$pid")
    # psql's \timing: the statement's round trip over the unix socket (about 0.05 ms of it is the socket)
    echo "$call" >&"${PSQL[1]}"
    read -r _ <&"${PSQL[0]}"; read -r first <&"${PSQL[0]}"; first=$(sed -E "s/Time: ([0-9.]+) ms.*/\1/" <<<"$first")
    read -r rss1 pss1 < <(mem "$pid")
    echo "$call" >&"${PSQL[1]}"
    read -r _ <&"${PSQL[0]}"; read -r second <&"${PSQL[0]}"; second=$(sed -E "s/Time: ([0-9.]+) ms.*/\1/" <<<"$second")
    echo '\q' >&"${PSQL[1]}"
    wait "$PSQL_PID" 2>/dev/null || true
    printf "%3d  %16s  %13s  %13s  %12s  %12s  %17s\n" "$i" "$first" "$rss0" "$pss0" "$rss1" "$pss1" "$second"
done
