# SPDX-License-Identifier: GPL-2.0-only
# tests/lib/examples.sh: the networks around the configurations in examples/, built from
# namespaces, and the nftables counters that tell whether packets crossed them encrypted.
# shellcheck shell=bash
#
# Source tests/lib/test.sh, tests/lib/netns.sh and tests/lib/wg-quick-lib.sh first and call
# wq_setup "$@": the examples go up and down through `wq' (our wg-quick, with our wg and the
# recording resolvconf stub on its PATH).
#
#   ex_fill_keys                  EX_CONF: a directory of the examples with fresh keys
#   ex_namespaces VAR...          a new namespace for each VAR, its name stored in VAR
#   ex_wire NS1 IF1 ADDRS1 NS2 IF2 ADDRS2
#                                 a veth pair, IF1 in NS1 and IF2 in NS2, both up, each with
#                                 its space-separated ADDR/LEN list
#   ex_addr NS IF ADDR/LEN...     more addresses on IF (IPv6 ones without DAD)
#   ex_gateway NS GW...           default routes via each GW (IPv4 or IPv6)
#   ex_router NS                  NS forwards IPv4 and IPv6
#   ex_watch NS IF TUNNEL...      counters on what enters NS by IF: IF-tunnel counts packets
#                                 matching the nft expression TUNNEL, IF-clear everything else
#                                 but neighbour discovery (which is no traffic of the hosts)
#   ex_counter NS NAME MATCH...   counter NAME of the packets entering NS that match MATCH
#   ex_count NS NAME              the packets counter NAME has seen so far
#   ex_transfer NS IF             "RX TX": the bytes IF's only peer has received and sent
#   ex_unreachable NS ADDR        succeeds when one ping from NS gets no answer in two seconds
#   ex_state NS                   rules, routes, firewall tables and links of NS, to compare

EX_CONF=""

ex_fill_keys() {
	EX_CONF="$NETNS_TMP/examples"
	WG="$WQ_WG" "$REPO_DIR/examples/fill-keys" "$EX_CONF" >/dev/null
}

# ex_addr NS IF ADDR/LEN...: IPv6 addresses skip duplicate address detection, which would
# hold them tentative (unusable) for a second or two.
ex_addr() {
	local ns="$1" ifname="$2" addr
	shift 2
	for addr; do
		if [[ $addr == *:* ]]; then
			ip -n "$ns" address add "$addr" dev "$ifname" nodad || return 1
		else
			ip -n "$ns" address add "$addr" dev "$ifname" || return 1
		fi
	done
}

ex_namespaces() {
	local ex_var
	for ex_var; do
		netns_new "$ex_var" || return 1
	done
}

ex_wire() {
	local addrs1 addrs2
	read -ra addrs1 <<<"$3"
	read -ra addrs2 <<<"$6"
	ip -n "$1" link add "$2" type veth peer name "$5" netns "$4" &&
		ex_addr "$1" "$2" "${addrs1[@]}" && ex_addr "$4" "$5" "${addrs2[@]}" &&
		ip -n "$1" link set "$2" up && ip -n "$4" link set "$5" up
}

ex_gateway() {
	local ns="$1" gw
	shift
	for gw; do
		ip -n "$ns" route add default via "$gw" || return 1
	done
}

ex_router() {
	ip netns exec "$1" sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
}

# The table of counters: a chain before every other prerouting hook, so that it sees what
# arrives before anything (conntrack, NAT) changes it.
ex_watch_table() {
	ip netns exec "$1" nft -f - <<-EOF
	add table inet watch
	add chain inet watch pre { type filter hook prerouting priority -400; policy accept; }
	EOF
}

ex_counter() {
	local ns="$1" name="$2"
	shift 2
	ex_watch_table "$ns" &&
		ip netns exec "$ns" nft add counter inet watch "$name" &&
		ip netns exec "$ns" nft add rule inet watch pre "$@" counter name "$name"
}

ex_watch() {
	local ns="$1" ifname="$2" nd
	shift 2
	nd="{ nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert,"
	nd+=" mld-listener-report, mld2-listener-report }"
	ex_watch_table "$ns" &&
		ip netns exec "$ns" nft add rule inet watch pre \
			iifname "$ifname" icmpv6 type "$nd" return &&
		ip netns exec "$ns" nft add counter inet watch "$ifname-tunnel" &&
		ip netns exec "$ns" nft add rule inet watch pre iifname "$ifname" "$@" \
			counter name "$ifname-tunnel" return &&
		ex_counter "$ns" "$ifname-clear" iifname "$ifname"
}

ex_count() {
	ip netns exec "$1" nft list counter inet watch "$2" |
		sed -n 's/^[[:space:]]*packets \([0-9]*\) .*/\1/p'
}

ex_transfer() {
	wq_wg "$1" show "$2" transfer | awk '{ print $2, $3 }'
}

ex_unreachable() {
	! ip netns exec "$1" ping -n -q -c 1 -W 2 "$2" >/dev/null 2>&1
}

# Everything wg-quick may touch, for comparing before up with after down. The kernel lists
# routes in a stable order, so the same routes print the same. The local table is left out:
# the kernel fills it as addresses finish duplicate address detection and as forwarding (which
# the examples' PostUp turns on and leaves on) adds anycast addresses.
ex_state() {
	local ns="$1"
	ip -n "$ns" -4 rule show
	ip -n "$ns" -6 rule show
	ip -n "$ns" -4 route show table all | grep -v ' table local '
	ip -n "$ns" -6 route show table all | grep -v ' table local '
	ip netns exec "$ns" nft list tables
	ip -n "$ns" -o link show | sed 's/^[0-9]*: //; s/ qdisc.*//'
}
