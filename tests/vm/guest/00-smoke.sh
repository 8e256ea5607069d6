#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/vm/guest/00-smoke.sh: in the VM, the kernel module with the original wg as a baseline:
# two namespaces complete a handshake and ping each other over IPv4 and IPv6 through the tunnel.

# shellcheck source-path=SCRIPTDIR source=../guest-lib.sh
. "$(dirname "$0")/../guest-lib.sh"
vm_setup "$@"

# Prints one `wg show wg0 FIELD` of NS with the original wg.
show() {
	ip netns exec "$1" "$ORIG_WG" show wg0 "$2"
}

# The second column of a "PUBKEY<TAB>VALUE" line.
value_of() {
	printf '%s\n' "${1#*$'\t'}"
}

if ip link add wgc-smoke type wireguard; then
	pass "ip-link-add-wireguard"
	ip link delete wgc-smoke
else
	fail "ip-link-add-wireguard" "the kernel module does not provide the wireguard link type"
	finish
fi

if ! vm_wg_pair "$ORIG_WG"; then
	fail "pair-setup" "could not build two namespaces with wg0 configured by $ORIG_WG"
	finish
fi
pass "pair-setup"

check "ping-ipv4" vm_ping "$NS_A" 10.241.0.2
check "ping-ipv6" vm_ping "$NS_A" fd00:f241::2
check "ping-ipv6-back" vm_ping "$NS_B" fd00:f241::1

expect_eq "peers-a" "$(show "$NS_A" peers)" "$PUB_B"
expect_eq "peers-b" "$(show "$NS_B" peers)" "$PUB_A"
expect_eq "endpoints-a" "$(show "$NS_A" endpoints)" "$PUB_B"$'\t'"192.168.241.2:51821"
expect_eq "endpoints-b" "$(show "$NS_B" endpoints)" "$PUB_A"$'\t'"192.168.241.1:51820"
expect_eq "allowed-ips-a" "$(show "$NS_A" allowed-ips)" \
	"$PUB_B"$'\t'"10.241.0.2/32 fd00:f241::2/128"
expect_eq "listen-port-b" "$(show "$NS_B" listen-port)" "51821"

for side in a b; do
	ns="$NS_A"
	[[ $side == b ]] && ns="$NS_B"
	handshake="$(value_of "$(show "$ns" latest-handshakes)")"
	if [[ $handshake =~ ^[0-9]+$ && $handshake -gt 0 ]]; then
		pass "handshake-$side"
	else
		fail "handshake-$side" "latest-handshakes says '$handshake'"
	fi
	read -r rx tx <<<"$(value_of "$(show "$ns" transfer)")"
	if [[ ${rx:-0} -gt 0 && ${tx:-0} -gt 0 ]]; then
		pass "transfer-$side"
	else
		fail "transfer-$side" "transfer says rx=${rx:-} tx=${tx:-}"
	fi
	# The pretty form on a live interface: a peer section with a handshake and traffic.
	run ip netns exec "$ns" "$ORIG_WG" show
	if [[ $RC -eq 0 && $OUT == *"latest handshake: "* && $OUT == *"transfer: "* ]]; then
		pass "wg-show-$side"
	else
		fail "wg-show-$side" "rc=$RC"
	fi
	printf '%s\n' "$OUT" | sed 's/^/#   /'
done

# Moving A's endpoint for B to IPv6: the tunnel keeps working over an IPv6 underlay.
ip netns exec "$NS_A" "$ORIG_WG" set wg0 peer "$PUB_B" endpoint "[fd00:241::2]:51821"
check "ping-over-ipv6-endpoint" vm_ping "$NS_A" 10.241.0.2
expect_eq "endpoint-roamed-b" "$(show "$NS_B" endpoints)" "$PUB_A"$'\t'"[fd00:241::1]:51820"

finish
