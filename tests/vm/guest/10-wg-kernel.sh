#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/vm/guest/10-wg-kernel.sh: in the VM, our wg on the kernel module: the host's netns tests
# of wg (a tunnel configured only by our wg, every `wg set' option, setconf/addconf/syncconf
# and its dry run,
# the views compared with the original's) run with WG_DATAPLANE=kernel; their results come back
# as "PASS 10-wg-kernel/FILE/name".

# shellcheck source-path=SCRIPTDIR source=../guest-lib.sh
. "$(dirname "$0")/../guest-lib.sh"
vm_setup "$@"
vm_require_ours

export WG_DATAPLANE=kernel
# The VM has no script(1); the views on a pseudo-terminal differ by the terminal, not by the
# data plane, and are compared on the host.
export DIFF_VIEWS_TTY=0
for name in cli-tunnel cli-set cli-conf diff-views syncconf-dry-run; do
	echo "# $name"
	start=$SECONDS
	vm_run_file "$REPO_DIR/tests/netns/$name.sh" "$name"
	echo "# $name took $((SECONDS - start)) s"
done
finish
