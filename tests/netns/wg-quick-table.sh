#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/netns/wg-quick-table.sh: Table at up and at reload. A numbered or named table gets every
# route, default routes included, with no policy rules; reload of a file whose Table changed
# moves the routes (and policy routing) to where the new Table wants them, leaving alone the
# routes of other tables; off takes them away.

# shellcheck source=tests/lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netns.sh
. "$TESTS_DIR/lib/netns.sh"
# shellcheck source=tests/lib/wg-quick-lib.sh
. "$TESTS_DIR/lib/wg-quick-lib.sh"
wq_setup "$@"

wq_single || { fail "setup" "could not build the namespace"; finish; }
ip netns exec "$NS" sysctl -q net.ipv4.conf.all.src_valid_mark=0

# A name for table 1234, in a directory only this test's mount namespace sees.
RT_DIR=/etc/iproute2/rt_tables.d
mkdir -p "$NETNS_TMP/rt" "$RT_DIR"
echo "1234 wgtest" >"$NETNS_TMP/rt/wgtest.conf"
mount --bind "$NETNS_TMP/rt" "$RT_DIR" || { fail "setup" "cannot mount over $RT_DIR"; finish; }

# conf TABLE: one peer with a default route, two IPv4 prefixes (one inside the Address's
# subnet) and an IPv6 one; TABLE empty for none.
conf() {
	wq_conf wgt0 "[Interface]
PrivateKey = $KEY
Address = 10.60.0.1/24
${1:+Table = $1}

[Peer]
PublicKey = $PEER
Endpoint = 192.0.2.60:51820
AllowedIPs = 0.0.0.0/0, 10.60.0.0/24, 10.61.0.0/16, fd61::/48"
}

# Where the routes through wgt0 are, the kernel's own left out; then the policy rules.
placement() {
	local family
	for family in -4 -6; do
		ip -n "$NS" "$family" route show table all dev wgt0 | grep -v -e ' proto kernel' \
			-e ' table local' -e '^fe80::' -e '^multicast ' -e '^local ' -e '^anycast '
	done
	ip -n "$NS" -4 rule show | grep -v -e 'lookup local' -e 'lookup main$' -e 'lookup default'
}

CONF="$(conf 1234)"
wq "$NS" up "$CONF"
expect_eq "Table = 1234 puts every route there, the default one too, with no rules" \
	"$RC|$(placement)" "0|default table wgtest scope link 
10.60.0.0/24 table wgtest scope link 
10.61.0.0/16 table wgtest scope link 
fd61::/48 table wgtest metric 1024 pref medium"
IN_1234="$(placement)"
# Someone else's route in another table, for a prefix of ours: reload leaves it alone.
ip -n "$NS" route add 10.61.0.0/16 dev wgt0 table 77

CONF="$(conf "")"
wq "$NS" reload "$CONF"
expect_eq "reload to Table auto moves the routes to the main table, with policy routing" \
	"$RC|$(wq_log)" "0|[#] wg syncconf wgt0 /dev/fd/63
[#] ip -6 route add fd61::/48 dev wgt0
[#] ip -4 route add 10.61.0.0/16 dev wgt0
[#] wg set wgt0 fwmark 51820
[#] ip -4 rule add not fwmark 51820 table 51820
[#] ip -4 rule add table main suppress_prefixlength 0
[#] ip -4 route add 0.0.0.0/0 dev wgt0 table 51820
[#] sysctl -q net.ipv4.conf.all.src_valid_mark=1
[#] nft -f /dev/fd/63
[#] ip -6 route delete fd61::/48 dev wgt0 table 1234
[#] ip -4 route delete 10.60.0.0/24 dev wgt0 table 1234
[#] ip -4 route delete 10.61.0.0/16 dev wgt0 table 1234
[#] ip -4 route delete 0.0.0.0/0 dev wgt0 table 1234"
expect_eq "... where up with Table auto puts them (the other table's route stays)" \
	"$(placement)" "10.61.0.0/16 table 77 scope link 
default table 51820 scope link 
10.61.0.0/16 scope link 
fd61::/48 metric 1024 pref medium
32764:	from all lookup main suppress_prefixlength 0
32765:	not from all fwmark 0xca6c lookup 51820"
AUTO="$(placement)"
wq "$NS" reload "$CONF"
expect_eq "... and a second reload changes nothing" "$RC|$(wq_log)" \
	"0|[#] wg syncconf wgt0 /dev/fd/63"

CONF="$(conf wgtest)"
wq "$NS" reload "$CONF"
expect_eq "reload to a named table moves them there, policy routing goes" "$RC|$(wq_log)" \
	"0|[#] wg syncconf wgt0 /dev/fd/63
[#] ip -6 route add fd61::/48 dev wgt0 table wgtest
[#] ip -4 route add 10.60.0.0/24 dev wgt0 table wgtest
[#] ip -4 route add 10.61.0.0/16 dev wgt0 table wgtest
[#] ip -4 route add 0.0.0.0/0 dev wgt0 table wgtest
[#] ip -6 route delete fd61::/48 dev wgt0
[#] ip -4 route delete 10.61.0.0/16 dev wgt0
[#] ip -4 route delete 0.0.0.0/0 dev wgt0 table 51820
[#] ip -4 rule delete table 51820 pref 32765
[#] ip -4 rule delete table main suppress_prefixlength 0 pref 32764
[#] nft -f /dev/fd/63"
expect_eq "... the same places as at up" "$(placement | grep -v 'table 77')" \
	"${IN_1234//1234/wgtest}"
wq "$NS" reload "$(conf 1234)"
expect_eq "... the name and the number are the same table" "$RC|$(wq_log)" \
	"0|[#] wg syncconf wgt0 /dev/fd/63"

CONF="$(conf off)"
wq "$NS" reload "$CONF"
expect_eq "reload to Table off takes every route away" "$RC|$(placement)" \
	"0|10.61.0.0/16 table 77 scope link "
wq "$NS" reload "$(conf "")"
expect_eq "... and back to auto brings them back as up would" "$RC|$(placement)" "0|$AUTO"

# A reload whose move fails halfway (a route in table 1234 is in the way) puts all back.
ip -n "$NS" link set lo up
ip -n "$NS" route add 10.61.0.0/16 dev lo table 1234
wq "$NS" reload "$(conf 1234)"
expect_eq "a reload to a table with a route in the way fails, naming it" \
	"$RC|$(tail -n 1 <<<"$(grep -v '^\[#\]' <<<"$ERR")")" \
	"1|wg-quick: \`ip -4 route add 10.61.0.0/16 dev wgt0 table 1234' failed"
expect_eq "... and leaves the routes where they were" "$(placement)" "$AUTO"
ip -n "$NS" route delete 10.61.0.0/16 dev lo table 1234

wq "$NS" down "$CONF"
expect_eq "down, whatever Table the file says now, removes the policy rules" "$RC|$(ip -n "$NS" -4 rule show | grep -c fwmark)" \
	"0|0"
wq_daemon_gone "its daemon goes" wgt0

finish
