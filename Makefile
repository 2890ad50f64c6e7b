# sgkit: the two commands a new user needs are `make run` and `make test`.
GO ?= go
BIN := bin/sgkit

.PHONY: build run test lint fuzz bench postgres

build:
	$(GO) build -o $(BIN) ./cmd/sgkit

# run sends the full corpus to an embedded collector and prints the report.
run: build
	./$(BIN) run --profile full

test: lint postgres
	$(GO) test -count=1 ./...

# bench runs the hot paths' benchmarks on one core, with allocations;
# bench/run.sh compares sgkit load with the vegeta CLI.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -cpu 1 ./adapter ./iglu ./redshift ./sender ./collector

# fuzz runs every fuzz target for FUZZTIME each; a crasher is written to
# the package's testdata/fuzz and then runs in make test.
FUZZTIME ?= 30s
FUZZ_TARGETS := adapter:FuzzFormDecode adapter:FuzzPredict iglu:FuzzIsDateTime \
	redshift:FuzzParseDDL redshift:FuzzParseTimestamp collector:FuzzTrack
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "fuzz $${t#*:} in ./$${t%%:*} for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$${t#*:}$$" -fuzztime $(FUZZTIME) ./$${t%%:*}; \
	done

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# postgres installs Debian's PostgreSQL server when it is missing; the
# database specs start and remove their own throwaway server. Nothing is
# installed when SGKIT_DATABASE_URL names a server, or when initdb and
# pg_ctl are on PATH or under PG_BIN_GLOB. Only root installs; anyone else
# is told how. APT_GET can be replaced to see the install step without
# running it, e.g. make postgres APT_GET='echo apt-get' PG_BIN_GLOB=/none.
PG_BIN_GLOB ?= /usr/lib/postgresql/*/bin
APT_GET ?= apt-get
postgres:
	@if [ -n "$$SGKIT_DATABASE_URL" ]; then \
		echo "postgres: SGKIT_DATABASE_URL is set; the database specs use that server"; \
	elif { command -v initdb && command -v pg_ctl; } >/dev/null 2>&1; then \
		:; \
	elif (for d in $(PG_BIN_GLOB); do [ -x "$$d/initdb" ] && [ -x "$$d/pg_ctl" ] && exit 0; done; exit 1); then \
		:; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "postgres: initdb and pg_ctl not found; installing Debian's postgresql package"; \
		$(APT_GET) update && DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y postgresql; \
	else \
		echo "postgres: initdb and pg_ctl not found, and installing needs root: run 'sudo make postgres'" >&2; \
		echo "  (or 'sudo apt-get install postgresql'), or set SGKIT_DATABASE_URL to an existing server;" >&2; \
		echo "  until then the database specs fail." >&2; \
	fi
