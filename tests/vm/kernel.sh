#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/vm/kernel.sh: boots one QEMU guest with Debian's cloud kernel (the real WireGuard module)
# and runs every guest test (tests/vm/guest/*.sh) in it, relaying their result lines.
#
# Needs root and qemu; under CI (CI set) as root, what is missing is a failure, not a skip.
# WGC_VM_TESTS=regex picks guest files; WGC_VM_TIMEOUT bounds the whole boot (default 3600 s).

# shellcheck source-path=SCRIPTDIR source=../lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
VM_DIR="$TESTS_DIR/vm"

# Skips, or fails under CI, when something the VM needs is missing.
unavailable() {
	if [[ -n ${CI:-} && $(id -u) -eq 0 ]]; then
		fail "$TEST_FILE" "$1 (CI runs every test as root)"
		exit 1
	fi
	skip "$TEST_FILE" "$1"
	exit 0
}

[[ $(id -u) -eq 0 ]] ||
	unavailable "needs root (writes the VM cache ${WGC_VM_CACHE:-/var/cache/wgc-vm})"
for cmd in qemu-system-x86_64 busybox cpio apt-get dpkg depmod; do
	command -v "$cmd" >/dev/null 2>&1 ||
		unavailable "needs $cmd (install it with tests/install-deps)"
done

# step NAME CMD...: runs a preparation step, keeps its stdout in STEP_OUT, shows its stderr as
# comments and reports a failure named NAME with the last line of that stderr.
step() {
	local name="$1" err
	shift
	err="$(mktemp)"
	STEP_OUT="$("$@" 2>"$err")"
	local rc=$?
	sed 's/^/# /' "$err"
	if [[ $rc -ne 0 ]]; then
		local why
		why="$(tail -n 1 "$err")"
		fail "$name" "${why#"$name: "}"
		rm -f "$err"
		finish
	fi
	rm -f "$err"
}

# The body is one function, read whole before it runs: a run takes minutes and the file may be
# edited meanwhile.
main() {
	local kdir err rc
	# Fetching and building happen once; being unable to is a failure, since root could do it.
	step fetch-kernel "$VM_DIR/fetch-kernel"
	kdir="$STEP_OUT"
	step build-initramfs "$VM_DIR/build-initramfs" "$kdir"

	echo "# kernel $(basename "$kdir"); our wg: $WG"
	err="$(mktemp)"
	"$VM_DIR/run-guest" --timeout "${WGC_VM_TIMEOUT:-3600}" \
		--env "WGC_VM_TESTS=${WGC_VM_TESTS:-}" \
		--env "WGC_VM_FILE_TIMEOUT=${WGC_VM_FILE_TIMEOUT:-900}" \
		"$VM_DIR/guest-suite" 2>"$err"
	rc=$?
	sed 's/^/# /' "$err"
	rm -f "$err"
	# The guest's own FAIL lines are above; 125 means it never reported a status at all.
	if [[ $rc -eq 125 ]]; then
		fail "guest" "the VM reported no exit status (timeout or crash; console log above)"
	fi
	[[ $rc -eq 0 ]] || exit 1
	finish
}

main "$@"
