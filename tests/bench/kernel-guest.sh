#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/bench/kernel-guest.sh: inside the test VM (tests/vm/run-guest), the benchmark's
# operations on the kernel module for our wg and the original; prints RESULT lines
# (tests/bench/lib.sh). tests/bench/run boots the VM with it once for every size.
#
#   tests/vm/run-guest tests/bench/kernel-guest.sh build/bench -- SIZE...
#
# Each size and tool gets a namespace of its own (both configurations use one listening port)
# with a fresh interface. Nothing is ever deleted: tearing down an interface with many peers
# takes minutes under emulation, and the VM is powered off at the end anyway.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

if [[ -z ${WGC_VM:-} ]]; then
	echo "kernel-guest.sh: runs only inside the test VM (tests/vm/run-guest)" >&2
	exit 2
fi
BENCH_BIN="${BENCH_BIN:-$REPO_DIR/build/bench}"
DIR="$(mktemp -d)"

echo "# kernel $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ { print $2 " kB" }' /proc/meminfo)"
for size in "$@"; do
	bench_configs "$DIR" "$size" || { echo "# gen-config $size failed" >&2; exit 1; }
	for tool in ours orig; do
		wg="$WG"
		[[ $tool == orig ]] && wg="$ORIG_WG"
		if [[ ! -x $wg ]]; then
			echo "# $tool: $wg is missing" >&2
			continue
		fi
		ns="bk$size$tool"
		ip netns add "$ns" && ip -n "$ns" link add wg0 type wireguard || exit 1
		bench_tool kernel "$size" "$tool" "$wg" wg0 "$DIR" "$ns"
	done
	rm -f "$DIR/$size.conf" "$DIR/$size-changed.conf"
	echo "# $size peers done after ${SECONDS}s; $(awk '/MemAvailable/ { print $2 " kB" }' \
		/proc/meminfo) available"
done
