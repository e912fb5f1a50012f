# The targets Kubewarden policy projects have (policy.wasm, annotated-policy.wasm,
# artifacthub, e2e-tests, test...), driven by cargo and the project's xtask.
# `make help` lists them.

TARGET_DIR ?= $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
CARGO ?= cargo
CARGO_FLAGS ?= --locked
WASM_TARGET := wasm32-wasip1
# Rebuild the module when any Rust source, manifest or the lock file changes.
RUST_SOURCES := $(shell find crates policy -name '*.rs' -o -name Cargo.toml 2>/dev/null) Cargo.toml Cargo.lock

.PHONY: help
help: ## List the targets
	@grep -E '^[a-zA-Z0-9_.-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-22s %s\n", $$1, $$2}'

policy.wasm: $(RUST_SOURCES) ## Build the Kubewarden policy (wasm32-wasip1, std rebuilt for size, wasm-opt -Oz)
	rustup target add $(WASM_TARGET) >/dev/null
	rustup component add rust-src >/dev/null
	$(CARGO) xtask build-policy --target-dir $(TARGET_DIR) --output $@

annotated-policy.wasm: policy.wasm policy/metadata.yml policy/README.md ## Embed metadata.yml and policy/README.md (as kwctl annotate does)
	$(CARGO) xtask annotate policy.wasm --metadata policy/metadata.yml --usage policy/README.md --output $@

.PHONY: artifacthub
artifacthub: ## Generate artifacthub/artifacthub-pkg.yml and artifacthub-repo.yml (and every other generated file)
	$(CARGO) xtask gen

.PHONY: gen
gen: ## Write every generated file (docs, README rule table, metadata rules, versions, Artifact Hub)
	$(CARGO) xtask gen

.PHONY: check-gen
check-gen: ## Fail when a generated file is stale
	$(CARGO) xtask gen --check

.PHONY: fmt
fmt: ## Check formatting
	$(CARGO) fmt --all -- --check

.PHONY: lint
lint: ## Clippy, host and wasm
	$(CARGO) clippy $(CARGO_FLAGS) --workspace --all-targets -- -D warnings
	$(CARGO) clippy $(CARGO_FLAGS) -p aisgate-policy --target $(WASM_TARGET) -- -D warnings

.PHONY: e2e-tests
e2e-tests: policy.wasm ## Run policy.wasm in a waPC host as policy-server does: fixtures, annotation, deploy samples
	AISGATE_POLICY_WASM=$(CURDIR)/policy.wasm $(CARGO) test $(CARGO_FLAGS) -p aisgate-tests --test integration -- policy:: annotation:: deploy::

.PHONY: test
test: ## Everything CI runs (scripts/test)
	./scripts/test

.PHONY: clean
clean: ## Remove the built modules
	rm -f policy.wasm annotated-policy.wasm
