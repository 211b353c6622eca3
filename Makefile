# pgml: the entry point. `make demo` and `make test` are the README's two commands.
SHELL := /bin/bash
PUBLISH := src/Pgml.Extension/bin/publish
ENGINE_SO := $(PUBLISH)/pgml_engine.so
CLUSTER := scripts/cluster.sh

.PHONY: all deps build engine shim install cluster demo test test-engine test-integration installcheck \
        stop remove-cluster uninstall clean bench-predict bench bench-quick dashboard bench-dashboard

all: build

deps:
	@scripts/deps.sh

engine: deps
	@echo "==> building the engine (C#, NativeAOT)"
	@dotnet publish src/Pgml.Extension -c Release -o $(PUBLISH) -nologo -v:q -clp:ErrorsOnly

shim: deps
	@echo "==> building the shim (C, PGXS)"
	@$(MAKE) -s -C extension >/dev/null

build: engine shim

install: build
	@echo "==> installing into $$(pg_config --pkglibdir)"
	@$(MAKE) -s -C extension install ENGINE_SO=$(abspath $(ENGINE_SO)) >/dev/null

cluster: install
	@$(CLUSTER) start

demo: cluster
	@scripts/demo.sh

test: cluster
	@scripts/test.sh

test-engine: deps
	@dotnet test tests/Pgml.Engine.Tests -c Release -nologo

test-integration: cluster
	@dotnet test tests/Pgml.IntegrationTests -c Release -nologo

installcheck: cluster
	@source scripts/env.sh && $(MAKE) -C extension installcheck PGHOST=$$PGHOST PGPORT=$$PGPORT PGUSER=postgres

# The web dashboard (src/Pgml.Dashboard) against the private cluster, on http://127.0.0.1:5055 (README: Dashboard).
dashboard: cluster
	@scripts/dashboard.sh

# Page timings of the dashboard with 1,000 models in one project (a benchmark: figures, no assertion).
bench-dashboard: cluster
	@scripts/bench-dashboard.sh

bench-predict: deps
	@dotnet run -c Release --project bench/Pgml.Bench -- --filter '*'

# The flights benchmark against the Python and C# services (docs/benchmark.md): full is 1,000,000 rows, about an hour;
# quick is 20,000 rows, about 10 minutes. Results in bench/results/<UTC timestamp>-<size>/.
bench: cluster
	@bench/run.sh --size full

bench-quick: cluster
	@bench/run.sh --size quick

stop:
	@$(CLUSTER) stop

remove-cluster:
	@$(CLUSTER) remove

uninstall:
	@$(MAKE) -s -C extension uninstall

clean:
	@$(MAKE) -s -C extension clean
	@rm -rf src/*/bin src/*/obj tests/*/bin tests/*/obj bench/*/bin bench/*/obj
