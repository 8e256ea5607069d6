#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/hardening/fuzz.sh: builds the libFuzzer targets of tests/fuzz, replays their seeds and
# regression inputs, then fuzzes each for HARDENING_FUZZ_SECONDS (60 unless set; 0 only
# replays). Any crash, leak, sanitizer report or failed check fails its target.
# shellcheck source=tests/lib/test.sh
source "$(dirname "$0")/../lib/test.sh"

require_cmd clang make
FUZZ_DIR="$TESTS_DIR/fuzz"
SECONDS_EACH="${HARDENING_FUZZ_SECONDS:-60}"
if [[ ! $SECONDS_EACH =~ ^[0-9]+$ ]]; then
	fail "$TEST_FILE" "HARDENING_FUZZ_SECONDS must be a whole number of seconds: $SECONDS_EACH"
	finish
fi

# A clang without libFuzzer cannot run this layer at all: that is a skip, not a failure.
probe="$(mktemp -d)"
trap 'rm -rf "$probe"' EXIT
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return d && n; }\n' \
	>"$probe/probe.c"
if ! clang -fsanitize=fuzzer,address,undefined -o "$probe/probe" "$probe/probe.c" \
	>"$probe/log" 2>&1; then
	skip "$TEST_FILE" "clang cannot link -fsanitize=fuzzer (install libclang-rt-dev)"
	exit 0
fi

log="$REPO_DIR/build/test-logs/hardening-fuzz-build.log"
mkdir -p "$(dirname "$log")"
if ! make -C "$FUZZ_DIR" all >"$log" 2>&1; then
	fail "fuzz: build" "make -C tests/fuzz failed (log $log)"
	grep -E 'error|warning' "$log" | head -20 | sed 's/^/#   /'
	finish
fi
pass "fuzz: the targets build"

# run-target prints a PASS or FAIL line per replay and per fuzzing run; make fails when any did.
make -C "$FUZZ_DIR" --no-print-directory run FUZZ_SECONDS="$SECONDS_EACH" 2>&1 |
	grep -E '^(PASS|FAIL|SKIP|#)'
[[ ${PIPESTATUS[0]} -eq 0 ]] || TEST_FAILED=1
finish
