#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/bench/wireguard-go.sh: the benchmark's operations on wireguard-go (host, in namespaces),
# for our wg and the original; prints RESULT lines (tests/bench/lib.sh). Called by tests/bench/run.
#
#   BENCH_BIN=DIR tests/bench/wireguard-go.sh SIZE...
#
# wireguard-go holds at most 65,536 peers per device: bigger sizes print n/a.
# shellcheck source=tests/lib/test.sh
source "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netns.sh
source "$TESTS_DIR/lib/netns.sh"
# shellcheck source=tests/bench/lib.sh
source "$TESTS_DIR/bench/lib.sh"

GO_MAX_PEERS=65536
# Every operation is quick here, and wireguard-go keeps handshaking in the background for peers
# with a keepalive, which makes single runs noisy: three runs of each, the fastest kept.
export BENCH_REPEAT="${BENCH_REPEAT:-3}"

require_cmd wireguard-go
netns_private_rundir "$@"

# Stops the daemons of one namespace: a finished size must not share the CPU with the next.
stop_daemons() {
	local pid
	for pid in $(ip netns pids "$1"); do
		kill "$pid" 2>/dev/null
	done
}

for size in "$@"; do
	if ((size > GO_MAX_PEERS)); then
		bench_na wireguard-go "$size" "n/a (wireguard-go limit)"
		continue
	fi
	bench_configs "$NETNS_TMP" "$size" || { echo "# gen-config $size failed" >&2; exit 1; }
	tools=(ours)
	[[ -x $ORIG_WG ]] && tools+=(orig)
	for tool in "${tools[@]}"; do
		# a namespace each: both configurations listen on the same port
		netns_new ns || exit 1
		iface="bgo${size}${tool}"
		netns_wg_start "$ns" "$iface" || exit 1
		wg="$WG"
		[[ $tool == orig ]] && wg="$ORIG_WG"
		bench_tool wireguard-go "$size" "$tool" "$wg" "$iface" "$NETNS_TMP"
		stop_daemons "$ns"
	done
	rm -f "$NETNS_TMP/$size.conf" "$NETNS_TMP/$size-changed.conf"
done
