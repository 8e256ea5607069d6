#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/bench/instructions.sh: instructions executed by our wg and by the original for each
# benchmark operation, counted by valgrind's callgrind against wireguard-go: unlike times, the
# counts repeat exactly from run to run, so they show what a change to the code did.
#
#   tests/bench/instructions.sh [PEERS [OUTDIR]]    (default 20000 peers, no profiles kept)
#
# With OUTDIR the callgrind profiles stay there (OUTDIR/ours.dump.cg, ...) for callgrind_annotate.
# Counts are for one run of each operation in this order; syncconf-1% leaves the device changed.
# Needs root, wireguard-go and valgrind; the daemon's own work is not counted.
# shellcheck source=tests/lib/test.sh
source "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netns.sh
source "$TESTS_DIR/lib/netns.sh"

PEERS="${1:-20000}" OUT="${2:-}"
require_cmd wireguard-go valgrind
netns_private_rundir "$@"
BIN="$REPO_DIR/build/bench"
if [[ ! -x $BIN/gen-config ]]; then
	echo "instructions.sh: build the tools first (tests/bench/run does)" >&2
	exit 1
fi
[[ -n $OUT ]] || OUT="$NETNS_TMP/profiles"
mkdir -p "$OUT" || exit 1
"$BIN/gen-config" "$PEERS" >"$NETNS_TMP/base.conf"
"$BIN/gen-config" "$PEERS" changed >"$NETNS_TMP/changed.conf"

# count TOOL NAME WG ARG...: one line with the instruction count of `WG ARG...'.
count() {
	local tool="$1" name="$2" log file
	shift 2
	file="$tool.${name//%/pct}" # valgrind reads % in a file name as a format
	log="$OUT/$file.log"
	valgrind --tool=callgrind --callgrind-out-file="$OUT/$file.cg" "$@" >/dev/null 2>"$log"
	printf '%-5s %-14s %15s\n' "$tool" "$name" "$(sed -n 's/.*refs: *//p' "$log")"
}

printf '%-5s %-14s %15s   (%d peers)\n' tool operation instructions "$PEERS"
for tool in ours orig; do
	wg="$WG"
	[[ $tool == orig ]] && wg="$ORIG_WG"
	[[ -x $wg ]] || continue
	# a namespace each: both configurations listen on the same port
	netns_new ns && netns_wg_start "$ns" "i$tool" || exit 1
	count "$tool" setconf "$wg" setconf "i$tool" "$NETNS_TMP/base.conf"
	count "$tool" syncconf-same "$wg" syncconf "i$tool" "$NETNS_TMP/base.conf"
	count "$tool" syncconf-1% "$wg" syncconf "i$tool" "$NETNS_TMP/changed.conf"
	count "$tool" dump "$wg" show "i$tool" dump
	count "$tool" showconf "$wg" showconf "i$tool"
	count "$tool" show "$wg" show "i$tool"
	for pid in $(ip netns pids "$ns"); do
		kill "$pid"
	done
done
