#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/netns/wg-quick-ping.sh: two hosts brought up by wg-quick ping each other through the
# tunnel over IPv4 and IPv6; the automatic MTU follows the smallest path towards the endpoints.

. "$(dirname "$0")/../lib/test.sh"
. "$TESTS_DIR/lib/netns.sh"
. "$TESTS_DIR/lib/wg-quick-lib.sh"
wq_setup "$@"

wq_pair || { fail "setup" "could not build the namespaces"; finish; }
# A second peer of B sits behind a route with a smaller MTU: the tunnel must fit it.
ip -n "$NS_B" route add 192.0.2.0/24 via 192.168.241.1 mtu 1400

CONF_A="$(wq_server_conf)"
CONF_B="$(wq_client_conf "10.77.0.1/32, fd77::1/128" "
[Peer]
PublicKey = $(netns_genkey | netns_pubkey)
Endpoint = 192.0.2.7:51820
AllowedIPs = 10.78.0.0/16")"

wq "$NS_A" up "$CONF_A"
check "host A comes up" test "$RC" = 0
expect_eq "A has no endpoint: MTU from the default route, or 1500, less 80" \
	"$(grep -o 'mtu [0-9]*' <<<"$(wq_log)")" "mtu 1420"
wq "$NS_B" up "$CONF_B"
check "host B comes up" test "$RC" = 0
expect_eq "B's [#] lines" "$(wq_log)" "$(wq_link_lines wgb)
[#] wg setconf wgb /dev/fd/63
[#] ip -4 address add 10.77.0.2/24 dev wgb
[#] ip -6 address add fd77::2/64 dev wgb
[#] ip link set mtu 1320 up dev wgb
[#] ip -4 route add 10.78.0.0/16 dev wgb"

check "B pings A over IPv4" wq_ping "$NS_B" 10.77.0.1
check "A pings B over IPv4" wq_ping "$NS_A" 10.77.0.2
check "B pings A over IPv6" wq_ping "$NS_B" fd77::1
check "A pings B over IPv6" wq_ping "$NS_A" fd77::2

wq "$NS_B" down "$CONF_B"
check "host B goes down" test "$RC" = 0
wq "$NS_A" down "$CONF_A"
check "host A goes down" test "$RC" = 0
expect_eq "no tunnel interface is left" \
	"$(ip -n "$NS_A" -o link show type tun; ip -n "$NS_B" -o link show type tun)" ""

finish
