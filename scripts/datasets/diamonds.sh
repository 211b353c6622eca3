#!/usr/bin/env bash
# Regenerates src/Pgml.Extension/Datasets/data/diamonds.csv.gz, the rows of pgml.load_dataset('jdxcosta/diamonds'),
# from ggplot2's diamonds data as Debian packages it (r-cran-ggplot2, data/Rdata.rdb). Needs R to read R's lazy-load
# database (apt-get install --no-install-recommends r-base-core); the package itself is only downloaded and unpacked,
# not installed. Writes the same bytes on every run (gzip without a time stamp). Not part of the build: the result is
# committed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
command -v Rscript >/dev/null || { echo "needs Rscript: apt-get install --no-install-recommends r-base-core" >&2; exit 1; }
(cd "$WORK" && apt-get download r-cran-ggplot2 >/dev/null 2>&1 && dpkg-deb -x r-cran-ggplot2_*.deb pkg)
Rscript -e "e <- new.env(); lazyLoad('$WORK/pkg/usr/lib/R/site-library/ggplot2/data/Rdata', envir = e);
            d <- as.data.frame(get('diamonds', e)); d[] <- lapply(d, function(c) if (is.factor(c)) as.character(c) else c);
            write.table(d, '$WORK/diamonds.csv', sep = ',', quote = FALSE, row.names = FALSE)"
/usr/bin/python3 - "$WORK/diamonds.csv" "$ROOT/src/Pgml.Extension/Datasets/data/diamonds.csv.gz" <<'PY'
import gzip, sys
rows = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert rows[0] == "carat,cut,color,clarity,depth,table,price,x,y,z", rows[0]
lines = ["Unnamed: 0," + rows[0]] + [f"{i},{r}" for i, r in enumerate(rows[1:], start=1)]
with open(sys.argv[2], "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as out:
    out.write(("\n".join(lines) + "\n").encode("utf-8"))
print(f"{len(lines) - 1} rows -> {sys.argv[2]}")
PY
