# parkfin — build, run and test.
GO      ?= go
PKGS    := ./...
# Benchmarks talk to the local PostgreSQL and Redis; see docs/benchmarks.md.
BENCHTIME ?= 1x
# Entries bench-ledger builds and verifies.
LEDGER_ENTRIES ?= 10000000

.PHONY: run build test vet fmt-check check vulncheck bench bench-api bench-web bench-report bench-serve bench-ledger truth fuzz tidy docs

## run: the embedded default (SQLite, in-process timers, demo data on first run)
run:
	$(GO) run ./cmd/parkfin serve

## build: the parkfin binary in bin/
build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/parkfin ./cmd/parkfin

## test: format and vet checks, then every test against real PostgreSQL and Redis
test: fmt-check vet
	$(GO) test -count=1 -timeout 20m $(PKGS)

vet:
	$(GO) vet $(PKGS)

## check: the static checks — gofmt, go vet and govulncheck
check: fmt-check vet vulncheck

# govulncheck needs its vulnerability database (vuln.go.dev); on a closed
# network it is skipped with a message saying so, never silently passed.
GOVULNCHECK ?= golang.org/x/vuln/cmd/govulncheck@v1.9.0
vulncheck:
	@out=$$($(GO) run $(GOVULNCHECK) $(PKGS) 2>&1); code=$$?; \
	if [ $$code -ne 0 ] && echo "$$out" | grep -q "fetching vulnerabilities"; then \
		echo "govulncheck SKIPPED: its vulnerability database cannot be reached from this machine:"; \
		echo "$$out" | grep "fetching vulnerabilities"; exit 0; \
	fi; echo "$$out"; exit $$code

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "not gofmt-clean:"; echo "$$out"; exit 1; fi

## bench: the benchmarks recorded in docs/benchmarks.md (bench-api, bench-web, bench-report, bench-serve and bench-ledger too)
bench: bench-api bench-web bench-report bench-serve bench-ledger
	$(GO) test -run '^$$' -bench . -benchmem -timeout 30m ./engine/calendar/ ./engine/memtimer/ ./engine/redistimer/ ./workflows/financing/ ./workflows/financing/uscc/ ./workflows/payload/
	$(GO) test -run '^$$' -bench Presize -benchmem ./engine/sqlstore/
	$(GO) test -run '^$$' -bench CanonicalJSON -benchmem ./engine/ledger/
	PARKFIN_BENCH=1 $(GO) test -run '^$$' -bench . -benchtime $(BENCHTIME) -timeout 30m ./engine/
	PARKFIN_BENCH=1 $(GO) test -run '^$$' -bench . -benchtime 1x -timeout 30m ./engine/notify/

## bench-api: HTTP benchmarks on PostgreSQL + Redis (loads a million cases; a few minutes)
bench-api:
	PARKFIN_BENCH=1 $(GO) test -run '^$$' -bench . -benchtime 1x -timeout 30m ./api/

## bench-serve: case creation through serve on PostgreSQL + Redis at 1,500/s, against pgbench TPC-B; a flood of sign-ins (a few minutes)
bench-serve:
	PARKFIN_BENCH=1 $(GO) test -run '^$$' -bench 'ServeCreateVsTPCB|ServeSignInFlood' -benchtime 1x -timeout 30m -v ./cmd/parkfin/

## bench-web: server time of the web pages over a million cases in PostgreSQL at 200 requests/s
bench-web:
	PARKFIN_BENCH=1 $(GO) test -run '^$$' -bench Pages -benchtime 1x -timeout 30m ./web/

## bench-ledger: `ledger verify` over LEDGER_ENTRIES (10,000,000) entries on PostgreSQL and SQLite (builds them first: minutes, ~15 GB of disk, dropped after)
bench-ledger:
	PARKFIN_BENCH=1 PARKFIN_LEDGER_BENCH_ENTRIES=$(LEDGER_ENTRIES) $(GO) test -run '^$$' -bench VerifyLedger -benchtime 1x -timeout 120m -v ./engine/sqlstore/

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
	$(GO) test -run '^$$' -fuzz FuzzCanonicalJSON -fuzztime 60s ./engine/ledger/

tidy:
	$(GO) mod tidy

## docs: redraw docs/workflows/ from the workflow definitions
docs:
	PARKFIN_UPDATE_DOCS=1 $(GO) test -count=1 -run TestDiagramIsCurrent ./workflows/...
	PARKFIN_UPDATE_DOCS=1 $(GO) test -count=1 -run TestPayloadSchemasAreCurrent ./api/
