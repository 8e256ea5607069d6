#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/netns/wg-quick-reload.sh: reload applies a changed file to a running interface (peers,
# addresses, routes, MTU, DNS) while a ping keeps flowing through it, without a restart; keeps
# a private key set by a hook and the fwmark of a full tunnel; undoes a reload that fails.

. "$(dirname "$0")/../lib/test.sh"
. "$TESTS_DIR/lib/netns.sh"
. "$TESTS_DIR/lib/wg-quick-lib.sh"
wq_setup "$@"

wq_pair || { fail "setup" "could not build the namespaces"; finish; }
PUB_C="$(netns_genkey | netns_pubkey)"
LOG="$STUB_RESOLVCONF_DIR/log"
KEYFILE="$NETNS_TMP/key-b"
printf '%s\n' "$KEY_B" >"$KEYFILE"

wq "$NS_A" up "$(wq_server_conf)"
check "server up" test "$RC" = 0

# B's file has no PrivateKey: a hook sets it, and reload must not wipe it.
conf_b() {
	wq_conf wgb "[Interface]
Address = 10.77.0.2/24
PostUp = wg set %i private-key $KEYFILE
$1

[Peer]
PublicKey = $PUB_A
Endpoint = 192.168.241.1:51820
AllowedIPs = ${2:-10.77.0.0/24}
$3"
}
PEER_C="[Peer]
PublicKey = $PUB_C
Endpoint = 192.0.2.9:51820
AllowedIPs = 10.78.0.0/16"

CONF_B="$(conf_b "" "" "")"
wq "$NS_B" up "$CONF_B"
check "client up" test "$RC" = 0
IFINDEX="$(ip -n "$NS_B" -o link show dev wgb | cut -d: -f1)"

# --- while a ping flows ----------------------------------------------------------------------
PINGS="$NETNS_TMP/ping.log"
ip netns exec "$NS_B" ping -n -i 0.1 10.77.0.1 >"$PINGS" 2>&1 &
PING_PID=$!
NETNS_PIDS+=("$PING_PID")
# replies N: waits (at most 30 s) until the ping has N replies.
replies() {
	local tries
	for ((tries = 0; tries < 300; tries++)); do
		[[ $(grep -c 'bytes from' "$PINGS") -ge $1 ]] && return 0
		sleep 0.1
	done
	return 1
}
check "the ping gets through before reload" replies 3

CONF_B="$(conf_b "Address = 10.79.0.2/24, fd77::2/64
MTU = 1380
DNS = 10.0.0.53" "" "$PEER_C")"
: >"$LOG"
wq "$NS_B" reload "$CONF_B"
check "reload adding a peer, addresses, MTU and DNS" test "$RC" = 0
expect_eq "each change is one [#] line" "$(wq_log)" "[#] wg syncconf wgb /dev/fd/63
[#] ip -4 address add 10.79.0.2/24 dev wgb
[#] ip -6 address add fd77::2/64 dev wgb
[#] ip link set mtu 1380 dev wgb
[#] resolvconf -a wgb -m 0 -x
[#] ip -4 route add 10.78.0.0/16 dev wgb"
expect_eq "the new peer is there" \
	"$(wq_wg "$NS_B" show wgb allowed-ips | sort)" \
	"$(printf '%s\t%s\n' "$PUB_A" 10.77.0.0/24 "$PUB_C" 10.78.0.0/16 | sort)"
expect_eq "the addresses are there" \
	"$(wq_addrs "$NS_B" wgb)" \
	"10.77.0.2/24
10.79.0.2/24
fd77::2/64"
expect_eq "the MTU changed" "$(wq_mtu "$NS_B" wgb)" "mtu 1380"
expect_eq "the DNS record is there" "$(cat "$LOG")" "resolvconf -l wgb
resolvconf -a wgb -m 0 -x
  nameserver 10.0.0.53"
check "the hook's private key survives" \
	test "$(wq_wg "$NS_B" show wgb private-key)" = "$KEY_B"
check "the ping still gets through" replies 6

wq "$NS_B" reload "$CONF_B"
expect_eq "a reload without changes only syncs the peers" "$RC|$(wq_log)" \
	"0|[#] wg syncconf wgb /dev/fd/63"

CONF_B="$(conf_b "Address = fd77::2/64" "" "")"
wq "$NS_B" reload "$CONF_B"
check "reload removing a peer, an address, MTU and DNS" test "$RC" = 0
expect_eq "each removal is one [#] line" "$(wq_log)" "[#] wg syncconf wgb /dev/fd/63
[#] ip -4 address delete 10.79.0.2/24 dev wgb
[#] ip link set mtu 1420 dev wgb
[#] resolvconf -d wgb -f
[#] ip -4 route delete 10.78.0.0/16 dev wgb"
expect_eq "the peer is gone" "$(wq_wg "$NS_B" show wgb peers)" "$PUB_A"
expect_eq "its route is gone" "$(ip -n "$NS_B" -4 route show dev wgb)" \
	"10.77.0.0/24 proto kernel scope link src 10.77.0.2 "
check "the ping still gets through after reload" replies 12

kill -INT "$PING_PID"
wait "$PING_PID" 2>/dev/null
SEQS="$(grep -o 'icmp_seq=[0-9]*' "$PINGS" | cut -d= -f2)"
LOST=$(($(tail -n 1 <<<"$SEQS") - $(head -n 1 <<<"$SEQS") + 1 - $(wc -l <<<"$SEQS")))
check "at most one ping is lost across the reloads ($LOST lost)" test "$LOST" -le 1
expect_eq "the interface was never recreated" \
	"$(ip -n "$NS_B" -o link show dev wgb | cut -d: -f1)" "$IFINDEX"

# --- a reload that fails is undone ------------------------------------------------------------
BEFORE="$(wq_wg "$NS_B" showconf wgb | wq_canon_conf)"
BEFORE_ADDR="$(ip -n "$NS_B" -o address show dev wgb | awk '{print $4}')"
wq "$NS_B" reload "$(conf_b "Address = 10.79.0.2/24, 10.80.0.300/24" "" "$PEER_C")"
check "a reload with a bad address fails" test "$RC" != 0
expect_eq "its changes are undone, last first" "$(wq_log | sed -n '/300/,$p')" \
	"[#] ip -4 address add 10.80.0.300/24 dev wgb
[#] ip -4 address delete 10.79.0.2/24 dev wgb
[#] wg syncconf wgb /dev/fd/63"
expect_eq "the peers are as before" \
	"$(wq_wg "$NS_B" showconf wgb | wq_canon_conf)" "$BEFORE"
expect_eq "the addresses are as before" \
	"$(ip -n "$NS_B" -o address show dev wgb | awk '{print $4}')" "$BEFORE_ADDR"
wq "$NS_B" down "$CONF_B"
check "client down" test "$RC" = 0

# --- a full tunnel keeps its fwmark; its policy routing follows AllowedIPs --------------------
BASELINE="$(wq_state "$NS_B")"
CONF_B="$(conf_b "" "0.0.0.0/0" "")"
wq "$NS_B" up "$CONF_B"
check "full tunnel up" test "$RC" = 0
FULL="$(wq_state "$NS_B")"
wq "$NS_B" reload "$CONF_B"
expect_eq "reload keeps the fwmark" "$RC|$(wq_log)|$(wq_wg "$NS_B" show wgb fwmark)" \
	"0|[#] wg syncconf wgb /dev/fd/63|0xca6c"
expect_eq "... and the policy routing" "$(wq_state "$NS_B")" "$FULL"
check "the full tunnel carries traffic after reload" wq_ping "$NS_B" 10.99.0.1

wq "$NS_B" reload "$(conf_b "" "10.77.0.0/24, 10.99.0.1/32" "")"
expect_eq "dropping 0.0.0.0/0 drops its rules, route and firewall" "$RC|$(wq_log)" \
	"0|[#] wg syncconf wgb /dev/fd/63
[#] ip -4 route add 10.99.0.1/32 dev wgb
[#] ip -4 route delete 0.0.0.0/0 dev wgb table 51820
[#] ip -4 rule delete table 51820 pref 32765
[#] ip -4 rule delete table main suppress_prefixlength 0 pref 32764
[#] nft -f /dev/fd/63"
check "the narrower route carries traffic" wq_ping "$NS_B" 10.99.0.1
CONF_B="$(conf_b "" "0.0.0.0/0" "")"
wq "$NS_B" reload "$CONF_B"
expect_eq "adding 0.0.0.0/0 back restores it all" "$RC|$(wq_log)" \
	"0|[#] wg syncconf wgb /dev/fd/63
[#] ip -4 rule add not fwmark 51820 table 51820
[#] ip -4 rule add table main suppress_prefixlength 0
[#] ip -4 route add 0.0.0.0/0 dev wgb table 51820
[#] nft -f /dev/fd/63
[#] ip -4 route delete 10.99.0.1/32 dev wgb"
expect_eq "... the same state as after up" "$(wq_state "$NS_B")" "$FULL"
check "the full tunnel carries traffic again" wq_ping "$NS_B" 10.99.0.1
wq "$NS_B" down "$CONF_B"
wq_expect_state "down after reloads leaves nothing" "$NS_B" "$BASELINE"

finish
