#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/vm/guest/50-wg-quick.sh: in the VM, wg-quick on the kernel module: runs the wg-quick
# tests of tests/netns (they expect `ip link add ... type wireguard` to work when the kernel
# has WireGuard) and relays their results as "PASS wg-quick-FILE/name".

. "$(dirname "$0")/../guest-lib.sh"
vm_setup "$@"
vm_require_ours

shopt -s nullglob
files=("$REPO_DIR"/tests/netns/wg-quick-*.sh)
if [[ ${#files[@]} -eq 0 ]]; then
	fail "$TEST_FILE" "tests/netns/wg-quick-*.sh are not in the VM (see tests/vm/run-guest)"
	finish
fi
for file in "${files[@]}"; do
	name="$(basename "$file" .sh)"
	# Static checks need no kernel; the host's netns layer runs them (the VM has no shellcheck).
	[[ $name == wg-quick-lint ]] && continue
	log="$NETNS_TMP/$name.log"
	bash "$file" </dev/null >"$log" 2>&1
	rc=$?
	sed -E "s/^(PASS|FAIL|SKIP) /\\1 $name\\//" "$log"
	grep -q '^FAIL ' "$log" && TEST_FAILED=1
	if [[ $rc -ne 0 ]] && ! grep -q '^FAIL ' "$log"; then
		fail "$name" "exited with status $rc without reporting a failure"
	elif ! grep -qE '^(PASS|FAIL|SKIP) ' "$log"; then
		fail "$name" "reported no results"
	fi
done
finish
