# parkfin — build, run and test.
GO      ?= go
PKGS    := ./...
# Benchmarks talk to the local PostgreSQL and Redis; see docs/benchmarks.md.
BENCHTIME ?= 1x

.PHONY: run build test vet fmt-check bench bench-api bench-report truth fuzz tidy docs

## run: the embedded default (SQLite, in-process timers, demo data on first run)
run:
	$(GO) run ./cmd/parkfin serve

## build: the parkfin binary in bin/
build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/parkfin ./cmd/parkfin

## test: format and vet checks, then every test against real PostgreSQL and Redis
test: fmt-check vet
	$(GO) test -count=1 -timeout 9m $(PKGS)

vet:
	$(GO) vet $(PKGS)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "not gofmt-clean:"; echo "$$out"; exit 1; fi

## bench: the benchmarks recorded in docs/benchmarks.md (bench-api and bench-report too)
bench: bench-api bench-report
	$(GO) test -run '^$$' -bench . -benchmem -timeout 30m ./engine/calendar/ ./engine/memtimer/ ./engine/redistimer/ ./workflows/financing/uscc/
	PARKFIN_BENCH=1 $(GO) test -run '^$$' -bench . -benchtime $(BENCHTIME) -timeout 30m ./engine/

## bench-api: HTTP benchmarks on PostgreSQL + Redis (loads a million cases; a few minutes)
bench-api:
	PARKFIN_BENCH=1 $(GO) test -run '^$$' -bench . -benchtime 1x -timeout 30m ./api/

## bench-report: statistics and exports over a million cases on PostgreSQL (issue 9; a few minutes)
bench-report:
	PARKFIN_BENCH=1 $(GO) test -run '^$$' -bench BenchmarkReport -benchtime 1x -timeout 30m ./report/

## truth: the issue-9 ground truth at full size (10,000 cases; make test runs 200)
truth:
	PARKFIN_TRUTH_CASES=10000 $(GO) test -count=1 -run TestGroundTruth -timeout 60m -v ./report/

## fuzz: run each fuzz target for a while (the seed corpora run in make test)
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzValidate -fuzztime 60s ./workflows/financing/uscc/
	$(GO) test -run '^$$' -fuzz FuzzDecodeCreateCase -fuzztime 60s ./api/

tidy:
	$(GO) mod tidy

## docs: redraw docs/workflows/ from the workflow definitions
docs:
	PARKFIN_UPDATE_DOCS=1 $(GO) test -count=1 -run TestDiagramIsCurrent ./workflows/...
