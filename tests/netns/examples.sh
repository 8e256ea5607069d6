#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/netns/examples.sh: the three setups of examples/ (peer to site, site to site, default
# gateway), filled with keys and brought up unchanged by our wg-quick in namespaces around an
# "internet" router: traffic flows where the files say, and crosses the internet only inside
# the tunnel; the default gateway lets nothing around it, even with its peer gone.

# shellcheck source=tests/lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netns.sh
. "$TESTS_DIR/lib/netns.sh"
# shellcheck source=tests/lib/wg-quick-lib.sh
. "$TESTS_DIR/lib/wg-quick-lib.sh"
# shellcheck source=tests/lib/examples.sh
. "$TESTS_DIR/lib/examples.sh"
wq_setup "$@"

if ! ex_fill_keys; then
	fail "fill-keys" "examples/fill-keys could not write the examples with keys"
	finish
fi

# wq_example NS up|down NAME: wg-quick on EX_CONF/NAME.conf inside NS, which must succeed.
wq_example() {
	local ns="$1" action="$2" name="$3"
	wq "$ns" "$action" "$EX_CONF/$name.conf"
	if [[ $RC == 0 ]]; then
		pass "wg-quick $action $name"
	else
		fail "wg-quick $action $name" "exit status $RC"
		printf '#   %s\n' "${ERR//$'\n'/$'\n#   '}"
	fi
}

up() { wq_example "$1" up "$2"; }
down() { wq_example "$1" down "$2"; }

# grew NAME BEFORE AFTER: both numbers of the "RX TX" pair AFTER exceed those of BEFORE.
grew() {
	local rx0 tx0 rx1 tx1
	read -r rx0 tx0 <<<"$2"
	read -r rx1 tx1 <<<"$3"
	check "$1 (received $rx0 -> $rx1, sent $tx0 -> $tx1 bytes)" \
		test "${rx1:-0}" -gt "${rx0:-0}" -a "${tx1:-0}" -gt "${tx0:-0}"
}

# counted WHAT NS NAME OP N: the counter NAME in NS compares to N (test's -eq, -gt...).
counted() {
	local n
	n="$(ex_count "$2" "$3")"
	check "$1 ($3 $4 $5: ${n:-no counter})" test "${n:--1}" "$4" "$5"
}

# route_via NS ADDR: the device, table and source address of NS's route to ADDR.
route_via() {
	ip -n "$1" -o route get "$2" | grep -o 'dev [^ ]* table [^ ]*\( src [^ ]*\)\?'
}

resolvconf_record() {
	cat "$STUB_RESOLVCONF_DIR/records/"*"$1" 2>/dev/null
}

# --- peer to site -----------------------------------------------------------------------------
# laptop (192.0.2.2) -- inet -- (203.0.113.1) office-gateway (192.168.10.1) -- office host .20
peer_to_site_net() {
	ex_namespaces inet laptop gateway office &&
		ex_wire "$inet" to-laptop 192.0.2.1/24 "$laptop" wan 192.0.2.2/24 &&
		ex_wire "$inet" to-gateway 203.0.113.254/24 "$gateway" wan 203.0.113.1/24 &&
		ex_wire "$gateway" lan 192.168.10.1/24 "$office" lan 192.168.10.20/24 &&
		ex_gateway "$laptop" 192.0.2.1 && ex_gateway "$gateway" 203.0.113.254 &&
		ex_gateway "$office" 192.168.10.1 &&
		ex_router "$inet" &&
		ex_watch "$inet" to-laptop ip daddr 203.0.113.1 udp dport 51820 &&
		ex_watch "$inet" to-gateway ip saddr 203.0.113.1 udp sport 51820
}

peer_to_site() {
	local inet laptop gateway office before
	if ! peer_to_site_net; then
		fail "peer to site: setup" "could not build the namespaces"
		return
	fi

	up "$gateway" office-gateway
	up "$laptop" laptop
	expect_eq "the laptop's DNS goes to resolvconf" "$(resolvconf_record laptop)" \
		"nameserver 192.168.10.53
search office.example"
	before="$(ex_transfer "$laptop" laptop)"
	check "the laptop reaches a host on the office LAN" wq_ping "$laptop" 192.168.10.20
	check "the office host reaches the laptop's tunnel address" wq_ping "$office" 10.100.0.2
	grew "the laptop's tunnel carried it" "$before" "$(ex_transfer "$laptop" laptop)"
	counted "the laptop's packets crossed the internet encrypted" "$inet" to-laptop-tunnel -gt 0
	counted "the gateway's packets crossed the internet encrypted" "$inet" \
		to-gateway-tunnel -gt 0
	counted "none of the laptop's packets crossed in clear" "$inet" to-laptop-clear -eq 0
	counted "none of the gateway's packets crossed in clear" "$inet" to-gateway-clear -eq 0

	down "$laptop" laptop
	expect_eq "the laptop's DNS is withdrawn" "$(resolvconf_record laptop)" ""
	check "without the tunnel the office LAN is out of the laptop's reach" \
		ex_unreachable "$laptop" 192.168.10.20
	counted "the watch on the internet sees that ping in clear" "$inet" to-laptop-clear -gt 0
	down "$gateway" office-gateway
}

# --- site to site -----------------------------------------------------------------------------
# host a .10 -- (192.168.1.1) site-a (198.51.100.1) -- inet -- (203.0.113.2) site-b
# (192.168.2.1) -- host b .10
site_to_site_net() {
	ex_namespaces inet site_a site_b host_a host_b &&
		ex_wire "$inet" to-a 198.51.100.254/24 "$site_a" wan 198.51.100.1/24 &&
		ex_wire "$inet" to-b 203.0.113.254/24 "$site_b" wan 203.0.113.2/24 &&
		ex_wire "$site_a" lan 192.168.1.1/24 "$host_a" lan 192.168.1.10/24 &&
		ex_wire "$site_b" lan 192.168.2.1/24 "$host_b" lan 192.168.2.10/24 &&
		ex_gateway "$site_a" 198.51.100.254 && ex_gateway "$site_b" 203.0.113.254 &&
		ex_gateway "$host_a" 192.168.1.1 && ex_gateway "$host_b" 192.168.2.1 &&
		ex_router "$inet" &&
		ex_watch "$inet" to-a ip saddr 198.51.100.1 ip daddr 203.0.113.2 \
			udp sport 51820 udp dport 51820 &&
		ex_watch "$inet" to-b ip saddr 203.0.113.2 ip daddr 198.51.100.1 \
			udp sport 51820 udp dport 51820 &&
		ex_counter "$host_b" from-host-a ip saddr 192.168.1.10 icmp type echo-request &&
		ex_counter "$host_a" from-host-b ip saddr 192.168.2.10 icmp type echo-request
}

site_to_site() {
	local inet site_a site_b host_a host_b before_a before_b
	if ! site_to_site_net; then
		fail "site to site: setup" "could not build the namespaces"
		return
	fi

	up "$site_a" site-a
	up "$site_b" site-b
	before_a="$(ex_transfer "$site_a" site-a)"
	before_b="$(ex_transfer "$site_b" site-b)"
	check "a host on LAN A reaches a host on LAN B" wq_ping "$host_a" 192.168.2.10
	check "the host on LAN B reaches the host on LAN A" wq_ping "$host_b" 192.168.1.10
	check "gateway A reaches LAN B from its tunnel address" wq_ping "$site_a" 192.168.2.10
	grew "site A's tunnel carried it" "$before_a" "$(ex_transfer "$site_a" site-a)"
	grew "site B's tunnel carried it" "$before_b" "$(ex_transfer "$site_b" site-b)"
	counted "host B sees host A's own address" "$host_b" from-host-a -gt 0
	counted "host A sees host B's own address" "$host_a" from-host-b -gt 0
	counted "site A's packets crossed the internet encrypted" "$inet" to-a-tunnel -gt 0
	counted "site B's packets crossed the internet encrypted" "$inet" to-b-tunnel -gt 0
	counted "none of site A's packets crossed in clear" "$inet" to-a-clear -eq 0
	counted "none of site B's packets crossed in clear" "$inet" to-b-clear -eq 0

	down "$site_a" site-a
	check "without the tunnel LAN B is out of LAN A's reach" \
		ex_unreachable "$host_a" 192.168.2.10
	counted "the watch on the internet sees that ping in clear" "$inet" to-a-clear -gt 0
	down "$site_b" site-b
}

# --- default gateway --------------------------------------------------------------------------
# client (198.51.100.2, 2001:db8:c::2) -- inet, which is also the Internet host 192.0.2.80 and
# 2001:db8:80::80 -- (203.0.113.10, 2001:db8:5::10) server. The client's own default route
# reaches the Internet host directly: only wg-quick's policy routing keeps it in the tunnel.
default_gateway_net() {
	ex_namespaces inet client server &&
		ex_wire "$inet" to-client "198.51.100.1/24 2001:db8:c::1/64" \
			"$client" wan "198.51.100.2/24 2001:db8:c::2/64" &&
		ex_wire "$inet" to-server "203.0.113.1/24 2001:db8:5::1/64" \
			"$server" wan "203.0.113.10/24 2001:db8:5::10/64" &&
		ex_addr "$inet" lo 192.0.2.80/32 2001:db8:80::80/128 &&
		ex_gateway "$client" 198.51.100.1 2001:db8:c::1 &&
		ex_gateway "$server" 203.0.113.1 2001:db8:5::1 &&
		ex_router "$inet"
}

# Counts on the Internet host: what arrives from the client's link other than its encrypted
# packets to the server, pings from the client's own address, pings masqueraded by the server.
default_gateway_watch() {
	ex_watch "$inet" to-client ip daddr 203.0.113.10 udp dport 51820 &&
		ex_counter "$inet" direct ip saddr 198.51.100.2 icmp type echo-request &&
		ex_counter "$inet" nat4 ip saddr 203.0.113.10 icmp type echo-request &&
		ex_counter "$inet" nat6 ip6 saddr 2001:db8:5::10 icmpv6 type echo-request
}

default_gateway() {
	local inet client server baseline server_baseline pub
	if ! default_gateway_net; then
		fail "default gateway: setup" "could not build the namespaces"
		return
	fi
	check "the client reaches the Internet host directly before the tunnel" \
		wq_ping "$client" 192.0.2.80
	if ! default_gateway_watch; then
		fail "default gateway: counters" "could not add the nftables counters"
		return
	fi
	baseline="$(ex_state "$client")"
	server_baseline="$(ex_state "$server")"

	up "$server" server
	up "$client" client
	expect_eq "the client's DNS goes to resolvconf" "$(resolvconf_record client)" \
		"nameserver 10.64.0.1"
	expect_eq "the client routes the Internet host into the tunnel" \
		"$(route_via "$client" 192.0.2.80; route_via "$client" 2001:db8:80::80)" \
		"dev client table 51820 src 10.64.0.2
dev client table 51820 src fd64::2"
	check "the client reaches the Internet host over IPv4" wq_ping "$client" 192.0.2.80
	check "the client reaches the Internet host over IPv6" wq_ping "$client" 2001:db8:80::80
	counted "the Internet host sees IPv4 pings from the server's address" "$inet" nat4 -gt 0
	counted "the Internet host sees IPv6 pings from the server's address" "$inet" nat6 -gt 0
	counted "the Internet host sees no ping from the client's own address" "$inet" direct -eq 0
	counted "the client's packets crossed to the server encrypted" "$inet" \
		to-client-tunnel -gt 0
	counted "nothing else left the client's link" "$inet" to-client-clear -eq 0
	expect_eq "while up, the client has wg-quick's nftables tables" \
		"$(ip netns exec "$client" nft list tables)" \
		"table ip6 wg-quick-client
table ip wg-quick-client"
	expect_eq "while up, the server has its PostUp's nftables table" \
		"$(ip netns exec "$server" nft list tables)" "table inet server-nat"

	pub="$(wq_wg "$client" show client peers)"
	check "the server peer is removed" wq_wg "$client" set client peer "$pub" remove
	check "without its peer the tunnel drops IPv4, no fallback to the direct route" \
		ex_unreachable "$client" 192.0.2.80
	check "without its peer the tunnel drops IPv6, no fallback to the direct route" \
		ex_unreachable "$client" 2001:db8:80::80
	counted "without its peer, still nothing left the client's link" "$inet" \
		to-client-clear -eq 0

	down "$client" client
	expect_eq "after down the client has the default rules only" \
		"$(ip -n "$client" -4 rule show; ip -n "$client" -6 rule show)" \
		"0:	from all lookup local
32766:	from all lookup main
32767:	from all lookup default
0:	from all lookup local
32766:	from all lookup main"
	expect_eq "after down the client has no nftables table" \
		"$(ip netns exec "$client" nft list tables)" ""
	expect_eq "down leaves the client's rules, routes, tables and links as they were" \
		"$(ex_state "$client")" "$baseline"
	expect_eq "the client's DNS is withdrawn" "$(resolvconf_record client)" ""
	check "after down the client reaches the Internet host directly again" \
		wq_ping "$client" 192.0.2.80
	counted "the Internet host sees that ping from the client's own address" "$inet" \
		direct -gt 0
	counted "the watch on the client's link sees it" "$inet" to-client-clear -gt 0
	down "$server" server
	expect_eq "after down the server has no nftables table" \
		"$(ip netns exec "$server" nft list tables)" ""
	expect_eq "down leaves the server's rules, routes, tables and links as they were" \
		"$(ex_state "$server")" "$server_baseline"
}

peer_to_site
site_to_site
default_gateway
finish
