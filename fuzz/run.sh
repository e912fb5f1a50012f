#!/usr/bin/env bash
# Runs every fuzz target for a bounded time on its kept corpus (CI's short run).
# Usage: ./run.sh [seconds per target, default 25]. Needs cargo-fuzz; see README.md.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-25}"
export RUSTC_BOOTSTRAP=1
cargo fuzz build -s none
# The JSONPath parser's target gets JSONPath's tokens; the others YAML/JSON and Kubernetes fields.
dict_of() { if [ "$1" = query ]; then echo jsonpath.dict; else echo kubernetes.dict; fi; }
for target in validate settings lint_input fix query; do
    mkdir -p "corpus/$target"
    echo "fuzz: $target for ${seconds}s"
    # Inputs found during a CI run go to a scratch directory, so the kept corpus stays as committed.
    scratch="$(mktemp -d)"
    log="$scratch.log"
    status=0
    cargo fuzz run -s none "$target" "$scratch" "corpus/$target" -- \
        -dict="dict/$(dict_of "$target")" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1 || status=$?
    grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$log" || true
    if [ "$status" -ne 0 ]; then
        tail -n 60 "$log" >&2
        echo "fuzz: $target failed (exit $status); the input is in fuzz/artifacts/$target/" >&2
        exit 1
    fi
    rm -rf "$scratch" "$log"
done
