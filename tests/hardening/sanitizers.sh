#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/hardening/sanitizers.sh: the cli layer and the netns backend tests again, with wg (and the
# UAPI test driver) built under ASan and UBSan; any sanitizer report is a failure.
# shellcheck source=tests/lib/test.sh
source "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/hardening.sh
source "$TESTS_DIR/lib/hardening.sh"

require_cmd make "${CC:-cc}"
harden_log_dir asan
if ! make -C "$REPO_DIR" SANITIZE=1 >"$HLOG/build.log" 2>&1; then
	fail "make SANITIZE=1" "the build failed (log $HLOG/build.log)"
	finish
fi
pass "make SANITIZE=1 builds build/asan/wg"
harden_build_driver "$HLOG/uapi-driver" "$REPO_DIR/build/asan/libwg.a" \
	-g -fsanitize=address,undefined -fno-sanitize-recover=all

# Every report aborts wg (status 134, which no test expects). ASan's also go to files, so a test
# that throws stderr away cannot hide them; UBSan's go to stderr (GCC's runtime ignores its
# log_path), which the test logs show wherever a test compared it. The directory is
# world-writable because some tests run wg as nobody.
REPORTS="$HLOG/reports"
mkdir -m 1777 "$REPORTS"
ulimit -c 0
export WG="$REPO_DIR/build/asan/wg" UAPI_DRIVER="$HLOG/uapi-driver"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:log_path=$REPORTS/asan"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1:log_path=$REPORTS/ubsan"
# keys.sh compares 10,000 public keys with the original's by default: a hundred will do.
export DIFF_KEYS=100

# For time, the netns files that drive the backends hardest; diff-views.sh mostly prints, which
# the fuzz targets do under ASan and UBSan in every view.
harden_run_files asan "$TESTS_DIR"/cli/*.sh \
	"$TESTS_DIR"/netns/{cli-conf,cli-set,cli-tunnel,uapi-backend,uapi-fake}.sh
harden_reports "asan: no ASan or UBSan report from any run" "$REPORTS" \
	'runtime error:|ERROR: (AddressSanitizer|LeakSanitizer)|SUMMARY: [A-Za-z]+Sanitizer'
finish
