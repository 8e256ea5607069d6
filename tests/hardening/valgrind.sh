#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/hardening/valgrind.sh: cli and backend (UAPI) tests again with every wg run, and the UAPI
# test driver, under valgrind memcheck: no memory error and no definite leak.
# shellcheck source=tests/lib/test.sh
source "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/hardening.sh
source "$TESTS_DIR/lib/hardening.sh"

require_cmd valgrind make unshare mount "${CC:-cc}"
harden_log_dir valgrind
# Always the release build: valgrind cannot run the ASan one that `make check SANITIZE=1' tests.
if ! make -C "$REPO_DIR" >"$HLOG/build.log" 2>&1; then
	fail "make" "the build failed (log $HLOG/build.log)"
	finish
fi

# Some tests run wg as nobody: the wrappers, the binaries they run and the reports live where
# anyone can reach them, even when the checkout cannot be reached (one under /root, say). The
# reports are copied into the log directory at the end.
SHARED="$(mktemp -d /tmp/wgc-valgrind-XXXXXX)" && chmod 0755 "$SHARED" || exit 1
trap 'rm -rf "$SHARED"' EXIT
harden_build_driver "$SHARED/uapi-driver.real" "$REPO_DIR/build/release/libwg.a" -g
BIN="$SHARED/bin"
REPORTS="$SHARED/reports"
mkdir -m 0755 "$BIN"
mkdir -m 1777 "$REPORTS"
install -m 0755 "$REPO_DIR/src/wg/wg" "$SHARED/wg.real"
VALGRIND=(valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite
	--errors-for-leak-kinds=definite "--log-file=$REPORTS/memcheck.%p")

# wrap REAL WRAPPER: a script at WRAPPER that runs REAL under memcheck. Messages quote argv[0],
# so as root the real binary is bind-mounted over the wrapper's own path in a mount namespace
# of its own and run from there; as anyone else (a test's `setpriv' user) it runs from its real
# path.
wrap() {
	cat >"$2" <<-WRAPPER
		#!/bin/sh
		# runs $1 under valgrind memcheck (written by tests/hardening/valgrind.sh)
		if [ "\$(id -u)" = 0 ]; then
			exec unshare --mount --propagation private -- sh -c \\
				'mount --bind "\$0" "\$1" && shift && exec "\$@"' "$1" "$2" \\
				${VALGRIND[*]} "$2" "\$@"
		fi
		exec ${VALGRIND[*]} "$1" "\$@"
	WRAPPER
	chmod 0755 "$2"
}
wrap "$SHARED/wg.real" "$BIN/wg"
wrap "$SHARED/uapi-driver.real" "$BIN/uapi-driver"

run "$BIN/wg" --version
expect_eq "the wrapper runs wg under memcheck" "$RC $OUT" \
	"0 $("$REPO_DIR/src/wg/wg" --version)"

# Keys, here rather than through keys.sh (which runs wg under another argv[0]).
KEY="$("$BIN/wg" genkey)"
expect_eq "valgrind: pubkey of a genkey key" "$("$BIN/wg" pubkey <<<"$KEY")" \
	"$("$REPO_DIR/src/wg/wg" pubkey <<<"$KEY")"
run "$BIN/wg" genpsk
if [[ $RC == 0 && $OUT =~ ^[A-Za-z0-9+/]{43}=$ ]]; then
	pass "valgrind: genpsk"
else
	fail "valgrind: genpsk" "$OUT"
fi
# The kernel backend's requests, on an interface no backend has (without the module, the
# kernel does not know the family at all).
kernel_error() {
	local name="$1" prefix="$2"
	shift 2
	run "$@"
	if [[ $RC == 1 && -z $OUT && ($ERR == "$prefix: No such device" ||
		$ERR == "$prefix: Protocol not supported") ]]; then
		pass "$name"
	else
		fail "$name" "rc=$RC stdout=$OUT stderr=$ERR"
	fi
}
kernel_error "valgrind: show asks the kernel about a missing interface" \
	"Unable to access interface" "$BIN/wg" show wghmissing0
kernel_error "valgrind: set with a removal asks the kernel what it supports" \
	"Unable to modify interface" "$BIN/wg" set wghmissing0 peer "$KEY" allowed-ips -10.0.0.0/8

export WG="$BIN/wg" UAPI_DRIVER="$BIN/uapi-driver"
# Each wg run costs memcheck a third of a second: these files exercise the parsers and the UAPI
# backend most per run; cli-set.sh and cli-conf.sh would take minutes here and run under ASan
# in sanitizers.sh instead.
harden_run_files valgrind "$TESTS_DIR"/cli/{config-errors,set-args}.sh \
	"$TESTS_DIR"/netns/{cli-tunnel,uapi-backend,uapi-fake}.sh
harden_reports "valgrind: no memcheck report from any run" "$REPORTS"
cp -r "$REPORTS" "$HLOG/reports"
finish
