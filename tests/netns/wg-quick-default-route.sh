#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/netns/wg-quick-default-route.sh: a full tunnel (0.0.0.0/0 and ::/0) gets its fwmark,
# routing table, ip rules, nftables tables and src_valid_mark; traffic really flows through it;
# down removes exactly what up added, and another full tunnel's rules survive it. Then the
# same with iptables when nft is not on PATH.

. "$(dirname "$0")/../lib/test.sh"
. "$TESTS_DIR/lib/netns.sh"
. "$TESTS_DIR/lib/wg-quick-lib.sh"
wq_setup "$@"

wq_pair || { fail "setup" "could not build the namespaces"; finish; }
CONF_A="$(wq_server_conf)"
CONF_B="$(wq_client_conf "0.0.0.0/0, ::/0")"
# A second full tunnel whose peer is never reached.
CONF_C="$(wq_conf wgc "[Interface]
PrivateKey = $(netns_genkey)
Address = 10.88.0.2/24

[Peer]
PublicKey = $(netns_genkey | netns_pubkey)
Endpoint = 192.0.2.7:51820
AllowedIPs = 0.0.0.0/0, ::/0")"

wq "$NS_A" up "$CONF_A"
check "server comes up" test "$RC" = 0
ip netns exec "$NS_B" sysctl -q net.ipv4.conf.all.src_valid_mark=0
BASELINE="$(wq_state "$NS_B")"

wq "$NS_B" up "$CONF_B"
check "full tunnel comes up" test "$RC" = 0
expect_eq "full tunnel [#] lines: rules before the table's route" "$(wq_log)" \
"$(wq_link_lines wgb)
[#] wg setconf wgb /dev/fd/63
[#] ip -4 address add 10.77.0.2/24 dev wgb
[#] ip -6 address add fd77::2/64 dev wgb
[#] ip link set mtu 1420 up dev wgb
[#] wg set wgb fwmark 51820
[#] ip -6 rule add not fwmark 51820 table 51820
[#] ip -6 rule add table main suppress_prefixlength 0
[#] ip -6 route add ::/0 dev wgb table 51820
[#] nft -f /dev/fd/63
[#] ip -4 rule add not fwmark 51820 table 51820
[#] ip -4 rule add table main suppress_prefixlength 0
[#] ip -4 route add 0.0.0.0/0 dev wgb table 51820
[#] sysctl -q net.ipv4.conf.all.src_valid_mark=1
[#] nft -f /dev/fd/63"
expect_eq "the fwmark is set" "$(wq_wg "$NS_B" show wgb fwmark)" "0xca6c"
for family in -4 -6; do
	expect_eq "ip $family rules" \
		"$(ip -n "$NS_B" "$family" rule show | grep -e 51820 -e suppress)" \
		"32764:	from all lookup main suppress_prefixlength 0
32765:	not from all fwmark 0xca6c lookup 51820"
done
expect_eq "table 51820 holds the default routes" \
	"$(ip -n "$NS_B" -4 route show table 51820; ip -n "$NS_B" -6 route show table 51820)" \
	"default dev wgb scope link 
default dev wgb metric 1024 pref medium"
expect_eq "src_valid_mark is on" \
	"$(ip netns exec "$NS_B" sysctl -n net.ipv4.conf.all.src_valid_mark)" 1
RULESET="$(ip netns exec "$NS_B" nft list ruleset)"
for want in 'table ip wg-quick-wgb' 'table ip6 wg-quick-wgb' \
	'iifname != "wgb" ip daddr 10.77.0.2 fib saddr type != local drop' \
	'iifname != "wgb" ip6 daddr fd77::2 fib saddr type != local drop' \
	'meta l4proto udp meta mark set ct mark' \
	'meta l4proto udp meta mark 0x0000ca6c ct mark set meta mark' \
	'type filter hook prerouting priority raw; policy accept;' \
	'type filter hook prerouting priority mangle; policy accept;' \
	'type filter hook postrouting priority mangle; policy accept;'; do
	check "nft: $want" test "${RULESET/"$want"/}" != "$RULESET"
done
check "traffic to a tunnel-only IPv4 address flows" wq_ping "$NS_B" 10.99.0.1
check "traffic to a tunnel-only IPv6 address flows" wq_ping "$NS_B" fd99::1
ENDPOINT_ROUTE="$(ip -n "$NS_B" route get 192.168.241.1 mark 51820)"
check "the endpoint itself stays outside the tunnel" \
	test "$(grep -o 'dev [a-z-]*' <<<"$ENDPOINT_ROUTE")" = "dev veth-b"
WITH_B="$(wq_state "$NS_B")"

wq "$NS_B" up "$CONF_C"
check "a second full tunnel comes up" test "$RC" = 0
expect_eq "it takes the next free table" "$(grep -c 51821 <<<"$(wq_log)")" 5
wq "$NS_B" down "$CONF_C"
check "the second full tunnel goes down" test "$RC" = 0
expect_eq "down of the second leaves the first one's rules, routes and tables" \
	"$(wq_state "$NS_B")" "$WITH_B"
check "the first tunnel still carries traffic" wq_ping "$NS_B" 10.99.0.1

wq "$NS_B" up "$CONF_C"
wq "$NS_B" down "$CONF_B"
check "the first full tunnel goes down before the second" test "$RC" = 0
expect_eq "down removes only its own rules" \
	"$(ip -n "$NS_B" -4 rule show | grep -e 5182 -e suppress)" \
	"32762:	from all lookup main suppress_prefixlength 0
32763:	not from all fwmark 0xca6d lookup 51821"
expect_eq "down removes only its own nft tables" "$(ip netns exec "$NS_B" nft list tables | sort)" \
	"table ip wg-quick-wgc
table ip6 wg-quick-wgc"
wq "$NS_B" down "$CONF_C"
wq_expect_state "after both are down, nothing is left" "$NS_B" "$BASELINE"

# --- iptables, when nft is not on PATH --------------------------------------------------------
if ! command -v iptables-restore >/dev/null || ! command -v ip6tables-restore >/dev/null; then
	skip "iptables" "iptables-restore is not installed"
	finish
fi
FARM="$NETNS_TMP/no-nft"
mkdir -p "$FARM"
for dir in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin; do
	cp -s -n "$dir"/* "$FARM/" 2>/dev/null
done
rm -f "$FARM/nft"
MARKER='-m comment --comment "wg-quick(8) rule for wgb"'
MASKS="--nfmask 0xffffffff --ctmask 0xffffffff"
PATH="$FARM" wq "$NS_B" up "$CONF_B"
check "full tunnel comes up without nft" test "$RC" = 0
expect_eq "iptables-restore replaces nft" "$(wq_log | grep -e tables -e nft)" \
	"[#] ip6tables-restore -n
[#] iptables-restore -n"
expect_eq "iptables rules" "$(ip netns exec "$NS_B" iptables-save | grep -F -- "$MARKER" | sort)" \
	"-A POSTROUTING -p udp -m mark --mark 0xca6c $MARKER -j CONNMARK --save-mark $MASKS
-A PREROUTING -d 10.77.0.2/32 ! -i wgb -m addrtype ! --src-type LOCAL $MARKER -j DROP
-A PREROUTING -p udp $MARKER -j CONNMARK --restore-mark $MASKS"
check "traffic flows with iptables" wq_ping "$NS_B" 10.99.0.1
PATH="$FARM" wq "$NS_B" down "$CONF_B"
check "full tunnel goes down without nft" test "$RC" = 0
RULES_LEFT="$(ip netns exec "$NS_B" iptables-save; ip netns exec "$NS_B" ip6tables-save)"
expect_eq "no iptables rule is left" "$(grep -cF -- "$MARKER" <<<"$RULES_LEFT")" 0

finish
