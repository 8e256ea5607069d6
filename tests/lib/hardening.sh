# SPDX-License-Identifier: GPL-2.0-only
# tests/lib/hardening.sh: runs other layers' test files under a checked wg (ASan, valgrind).
# shellcheck shell=bash
#
# Source tests/lib/test.sh first.
#
#   harden_log_dir NAME           a new log directory build/test-logs/hardening-NAME-*, in $HLOG
#                                 (one per run: concurrent runs must not share one)
#   harden_run_files LABEL FILE...
#                                 runs each test file (with the caller's environment, so WG
#                                 and friends apply) and reports one line per file:
#                                 PASS "LABEL: layer/file", FAIL with the file's own FAIL
#                                 lines, or SKIP when the file only skipped
#   harden_reports NAME DIR [REGEX]
#                                 FAIL NAME with the contents of any file in DIR (the reports a
#                                 sanitizer or valgrind wrote there) and the lines of the test
#                                 logs that match REGEX (reports on stderr), else PASS NAME
#   harden_build_driver OUT LIBWG [CFLAG...]
#                                 builds the UAPI test driver against LIBWG

HLOG=""

harden_log_dir() {
	mkdir -p "$REPO_DIR/build/test-logs"
	HLOG="$(mktemp -d "$REPO_DIR/build/test-logs/hardening-$1-XXXX")" || exit 1
	chmod 0755 "$HLOG"
}

harden_run_files() {
	local label="$1" file name log rc npass nfail nskip start
	shift
	for file; do
		name="$(basename "$(dirname "$file")")/$(basename "$file")"
		log="$HLOG/${name//\//_}.log"
		start=$SECONDS
		"$file" >"$log" 2>&1 </dev/null
		rc=$?
		printf '# %s: %s took %d s\n' "$label" "$name" $((SECONDS - start))
		npass=$(grep -c '^PASS ' "$log")
		nfail=$(grep -c '^FAIL ' "$log")
		nskip=$(grep -c '^SKIP ' "$log")
		if [[ $nfail -gt 0 || $rc -ne 0 ]]; then
			fail "$label: $name" "$nfail failed, exit status $rc (log $log)"
			{ grep '^FAIL ' "$log" || tail -5 "$log"; } | head -20 | sed 's/^/#   /'
		elif [[ $npass -eq 0 ]]; then
			skip "$label: $name" "$(grep -m1 '^SKIP ' "$log" | cut -c6-)"
		else
			pass "$label: $name ($npass checks, $nskip skipped)"
		fi
	done
}

harden_reports() {
	local name="$1" dir="$2" regex="${3:-}" reports lines=""
	reports="$(find "$dir" -type f -size +0 2>/dev/null | sort)"
	[[ -z $regex ]] || lines="$(grep -aE "$regex" "$HLOG"/*.log 2>/dev/null | head -20)"
	if [[ -z $reports && -z $lines ]]; then
		pass "$name"
		return
	fi
	fail "$name" "reports in $dir or in the test logs"
	while IFS= read -r file; do
		[[ -n $file ]] || continue
		printf '#   == %s\n' "$file"
		head -30 "$file" | sed 's/^/#   /'
	done <<<"$reports"
	[[ -z $lines ]] || printf '#   %s\n' "${lines//$'\n'/$'\n'#   }"
}

# harden_build_driver OUT LIBWG [CFLAG...]: the UAPI test driver (tests/netns/uapi-driver.c)
# linked against LIBWG; FAIL and exit when it does not build.
harden_build_driver() {
	local out="$1" lib="$2" libs
	shift 2
	libs="$(pkg-config --libs libmnl 2>/dev/null || echo -lmnl)"
	# shellcheck disable=SC2086 # libs is a list of linker flags
	if ! "${CC:-cc}" -std=c11 -D_GNU_SOURCE "$@" -I"$REPO_DIR/src/wg" -o "$out" \
		"$TESTS_DIR/netns/uapi-driver.c" "$lib" $libs >"$HLOG/driver.log" 2>&1; then
		fail "$TEST_FILE" "could not build the UAPI test driver (log $HLOG/driver.log)"
		exit 1
	fi
}
