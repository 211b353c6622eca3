#!/usr/bin/env bash
# The dashboard with 1,000 models in one project: each page's time as the server answers it and as Chromium loads
# it (tests/Pgml.Dashboard.Tests/ScaleBenchmark.cs, opt-in; figures only, no timing is asserted).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PGML_ROOT"
PGML_DASHBOARD_BENCH=1 dotnet test tests/Pgml.Dashboard.Tests -c Release -nologo --filter "FullyQualifiedName~ScaleBenchmark" \
    --logger "console;verbosity=detailed" 2>&1 | sed -nE '/trained [0-9]+ models|^\s*(page|\/)|Passed!|Failed!|Error Message|Assert/p'
