# SPDX-License-Identifier: GPL-2.0-only
# tests/lib/tunnel.sh: two namespaces joined by veth with a WireGuard interface in each (from
# netns_wg_start: wireguard-go or the kernel's), for tests that need a real handshake.
# Configuring WireGuard itself is left to the test.
# shellcheck shell=bash
#
# Source tests/lib/test.sh and tests/lib/netns.sh first and call netns_private_rundir "$@".
#
#   tunnel_setup              TUN_A/TUN_B namespaces, veth 198.51.100.1|2 and 2001:db8:1::1|2,
#                             interface wga in TUN_A and wgb in TUN_B, their keys in
#                             TUN_KEY_A/TUN_PUB_A, TUN_KEY_B/TUN_PUB_B and one TUN_PSK
#   tunnel_up                 10.77.0.1/24 fd77::1/64 on wga, .2 and ::2 on wgb; both links up
#   tunnel_ping NS ADDR [OPTION...]
#                             one ping that must be answered within ten seconds
#   tunnel_handshake NS IF [PEER]
#                             polls `wg show IF latest-handshakes' until PEER (or, without
#                             PEER, every peer) shows a handshake time
#   wait_for CMD...           runs CMD every 0.1 s until it succeeds, five seconds at most

TUN_A=""
TUN_B=""

# shellcheck disable=SC2034 # the keys are for the test files
tunnel_setup() {
	netns_new TUN_A && netns_new TUN_B || return 1
	netns_link "$TUN_A" "$TUN_B" 198.51.100.1 198.51.100.2 2001:db8:1::1 2001:db8:1::2 ||
		return 1
	netns_wg_start "$TUN_A" wga && netns_wg_start "$TUN_B" wgb || return 1
	TUN_KEY_A="$(netns_genkey)" && TUN_PUB_A="$(netns_pubkey <<<"$TUN_KEY_A")" || return 1
	TUN_KEY_B="$(netns_genkey)" && TUN_PUB_B="$(netns_pubkey <<<"$TUN_KEY_B")" || return 1
	TUN_PSK="$(netns_genpsk)"
}

tunnel_up() {
	ip -n "$TUN_A" address add 10.77.0.1/24 dev wga &&
		ip -n "$TUN_A" address add fd77::1/64 dev wga nodad &&
		ip -n "$TUN_B" address add 10.77.0.2/24 dev wgb &&
		ip -n "$TUN_B" address add fd77::2/64 dev wgb nodad &&
		ip -n "$TUN_A" link set wga up &&
		ip -n "$TUN_B" link set wgb up
}

tunnel_ping() {
	ip netns exec "$1" ping -n -q -c 1 -w 10 "${@:3}" "$2" >/dev/null 2>&1
}

wait_for() {
	local tries
	for ((tries = 0; tries < 50; ++tries)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# Succeeds when IF has peers and every one of them (or PEER) has a handshake time.
tunnel_has_handshakes() {
	local out
	out="$(ip netns exec "$1" "$WG" show "$2" latest-handshakes)" || return 1
	[[ -z ${3:-} ]] || out="$(grep "^$3"$'\t' <<<"$out")"
	[[ -n $out ]] && ! grep -q $'\t0$' <<<"$out"
}

tunnel_handshake() {
	wait_for tunnel_has_handshakes "$@"
}
