# SPDX-License-Identifier: GPL-2.0-only
# tests/lib/test.sh: helpers for the bash test files; source it, then call pass/fail/skip.
# Every test file reports lines "PASS name", "FAIL name: why" or "SKIP name: why" on stdout.

set -u
TESTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(cd "$TESTS_DIR/.." && pwd)"
WG="${WG:-$REPO_DIR/src/wg/wg}"
WG_QUICK="${WG_QUICK:-$REPO_DIR/src/wg-quick/wg-quick}"
ORIG_WG="${ORIG_WG:-/usr/bin/wg}"
TEST_FILE="$(basename "$0")"
TEST_FAILED=0

pass() { printf 'PASS %s\n' "$1"; }
fail() { printf 'FAIL %s: %s\n' "$1" "${2:-failed}"; TEST_FAILED=1; }
skip() { printf 'SKIP %s: %s\n' "$1" "$2"; }

# Skips the whole file with a reason unless running as root.
require_root() {
	if [[ $(id -u) -ne 0 ]]; then
		skip "$TEST_FILE" "needs root (network namespaces and interfaces)"
		exit 0
	fi
}

# Skips the whole file unless every named command exists.
require_cmd() {
	local c
	for c in "$@"; do
		if ! command -v "$c" >/dev/null 2>&1; then
			skip "$TEST_FILE" "needs $c (install it with tests/install-deps)"
			exit 0
		fi
	done
}

# run CMD...: runs a command, capturing $OUT, $ERR and $RC.
run() {
	local o e
	o="$(mktemp)"; e="$(mktemp)"
	"$@" >"$o" 2>"$e"
	RC=$?
	OUT="$(<"$o")"; ERR="$(<"$e")"
	rm -f "$o" "$e"
}

# expect_eq NAME ACTUAL EXPECTED: passes when both strings are identical, else shows a diff.
expect_eq() {
	if [[ "$2" == "$3" ]]; then
		pass "$1"
	else
		# The failure line carries the first changed lines, so that a summary alone shows why.
		local delta
		delta="$(diff <(printf '%s\n' "$3") <(printf '%s\n' "$2"))"
		fail "$1" "output differs: $(grep -m 4 '^[<>]' <<<"$delta" |
			sed 's/^</want/; s/^>/got/' | paste -sd '|' | cut -c 1-300)"
		sed 's/^/#   /' <<<"$delta" | head -40
	fi
}

# expect_run NAME RC STDOUT STDERR CMD...: exact exit status, stdout and stderr.
expect_run() {
	local name="$1" rc="$2" out="$3" err="$4"
	shift 4
	run "$@"
	if [[ "$RC" == "$rc" && "$OUT" == "$out" && "$ERR" == "$err" ]]; then
		pass "$name"
	else
		fail "$name" "rc=$RC (want $rc)"
		[[ "$OUT" == "$out" ]] || diff <(printf '%s\n' "$out") <(printf '%s\n' "$OUT") | sed 's/^/#   stdout /' | head -20
		[[ "$ERR" == "$err" ]] || diff <(printf '%s\n' "$err") <(printf '%s\n' "$ERR") | sed 's/^/#   stderr /' | head -20
	fi
}

# check NAME CMD...: passes when CMD exits 0.
check() {
	local name="$1"
	shift
	if "$@"; then pass "$name"; else fail "$name" "command failed: $*"; fi
}

finish() { exit "$TEST_FAILED"; }
