# kgit: the README's two commands are `make run` and `make test`.
SWIFT ?= swift
BIN := .build/debug/kgit

.PHONY: help deps build run test bench fuzz clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

deps: ## install missing system packages (apt-get)
	@scripts/install-deps.sh

build: deps ## build the kgit binary
	$(SWIFT) build

run: build ## the main job: kgit up, sync the example shop into it, show the cluster, stop it
	BIN=$(BIN) scripts/run.sh

test: deps ## run every test
	$(SWIFT) build --build-tests
	SWIFT=$(SWIFT) scripts/test.sh

bench: deps ## run the benchmarks against their named peers and print ratios
	scripts/bench.sh

fuzz: deps ## run the fuzz targets for FUZZ_SECONDS (default 60)
	scripts/fuzz.sh $${FUZZ_SECONDS:-60}

clean:
	rm -rf .build
