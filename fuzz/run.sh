#!/usr/bin/env bash
# Runs every fuzz target on its kept corpus. Needs cargo-fuzz; see README.md.
# Usage:
#   ./run.sh ci         CI's run. First every kept input of every target once (the gate: the
#                       same inputs on every machine, so it fails only on what a change
#                       breaks), then a short search from each corpus (SEARCH_SECONDS, 20 s
#                       by default) whose findings are reported, with the input, but do not
#                       fail the run: libFuzzer's search differs from run to run, and a new
#                       finding is a bug to fix next, not a verdict on the change under test.
#   ./run.sh SECONDS    a search: SECONDS per target, a failure on the first finding.
set -euo pipefail
cd "$(dirname "$0")"
mode="${1:?usage: ./run.sh ci | ./run.sh SECONDS}"
export RUSTC_BOOTSTRAP=1
cargo fuzz build -s none
targets=(validate settings lint_input fix query)
search_seconds="${SEARCH_SECONDS:-20}"
# The JSONPath parser's target gets JSONPath's tokens; the others YAML/JSON and Kubernetes fields.
dict_of() { if [ "$1" = query ]; then echo jsonpath.dict; else echo kubernetes.dict; fi; }

# Runs `target` with libFuzzer's options `$@`; prints the summary, and on a failure the
# panic and the log's tail. Returns libFuzzer's status.
run() {
    local target="$1" scratch log status=0
    shift
    mkdir -p "corpus/$target"
    # Inputs found during a run go to a scratch directory, so the kept corpus stays as committed.
    scratch="$(mktemp -d)"
    log="$scratch.log"
    cargo fuzz run -s none "$target" "$scratch" "corpus/$target" -- \
        -dict="dict/$(dict_of "$target")" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 "$@" >"$log" 2>&1 || status=$?
    grep -E '^(#[0-9]+[[:space:]]+(INITED|DONE)|stat::number_of_executed_units|stat::peak_rss_mb)' "$log" || true
    if [ "$status" -ne 0 ]; then
        # The panic's message first: the tail is mostly its backtrace.
        grep -m1 -A4 'panicked at' "$log" >&2 || true
        tail -n 60 "$log" >&2
    fi
    rm -rf "$scratch" "$log"
    return "$status"
}

if [ "$mode" = ci ]; then
    for target in "${targets[@]}"; do
        echo "fuzz: $target, every kept input"
        if ! run "$target" -runs=0; then
            echo "fuzz: $target failed on a kept input (exit 1); the input is in fuzz/artifacts/$target/" >&2
            exit 1
        fi
    done
    found=()
    for target in "${targets[@]}"; do
        echo "fuzz: $target, a search for ${search_seconds}s"
        run "$target" -max_total_time="$search_seconds" || found+=("$target")
    done
    if [ "${#found[@]}" -gt 0 ]; then
        echo "fuzz: NEW FINDINGS in ${found[*]} (not a gate): each failing input is printed above" \
            "in Base64 and kept in fuzz/artifacts/<target>/; fix it and add a regression test" >&2
    fi
else
    for target in "${targets[@]}"; do
        echo "fuzz: $target for ${mode}s"
        if ! run "$target" -max_total_time="$mode"; then
            echo "fuzz: $target failed (exit 1); the input is in fuzz/artifacts/$target/" >&2
            exit 1
        fi
    done
fi
