#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/netns/wg-quick-dry-run.sh: `wg-quick reload --dry-run' prints, as "[dry-run] [#] ..."
# lines on stdout, exactly the commands the real reload then runs (peers, addresses, MTU, DNS,
# routes, a default route's policy routing, a Table change), with the peer changes of
# `wg syncconf --dry-run' under its line; it changes nothing, exits 2 when something would
# change, 0 when nothing would (and prints nothing), 1 on an error; no key shows.

. "$(dirname "$0")/../lib/test.sh"
. "$TESTS_DIR/lib/netns.sh"
. "$TESTS_DIR/lib/diff.sh"
. "$TESTS_DIR/lib/wg-quick-lib.sh"
wq_setup "$@"

wq_single || { fail "setup" "could not build the namespace"; finish; }
PEER2="$(netns_genkey | netns_pubkey)"
PSK="$(netns_genpsk)"
ip -n "$NS" link add veth-a type veth peer name veth-b
ip -n "$NS" address add 192.168.241.1/24 dev veth-a
ip -n "$NS" link set veth-a up

# conf INTERFACE_LINES ALLOWED [MORE]: the file wgr.conf.
conf() {
	wq_conf wgr "[Interface]
PrivateKey = $KEY
ListenPort = 51820
$1

[Peer]
PublicKey = $PEER
PresharedKey = $PSK
Endpoint = 192.168.241.2:51820
AllowedIPs = $2
${3:-}"
}

# Everything reload may touch, peers sorted (wireguard-go lists them in random order).
everything() {
	ip -n "$NS" -o address show dev wgr | grep -v ' fe80::' | awk '{ print $3, $4 }'
	ip -n "$NS" -o link show dev wgr | grep -o 'mtu [0-9]*'
	wq_state "$NS"
	ip -n "$NS" -4 route show dev wgr
	ip -n "$NS" -6 route show dev wgr
	ip netns exec "$NS" sysctl -n net.ipv4.conf.all.src_valid_mark
	cat "$STUB_RESOLVCONF_DIR/records/"* 2>/dev/null || true
	wq_wg "$NS" showconf wgr | diff_sort_conf
}

# step NAME FILE: the dry run of FILE prints what the real reload runs next, and changes nothing;
# afterwards a dry run finds nothing to do.
step() {
	local name="$1" file="$2" before dry real
	before="$(everything)"
	wq "$NS" reload --dry-run "$file"
	expect_eq "$name: dry run exits 2, says nothing on stderr" "$RC|$ERR" "2|"
	dry="$OUT"
	expect_eq "$name: every line says dry-run" "$(grep -cv '^\[dry-run\] ' <<<"$dry")" 0
	expect_eq "$name: nothing changed" "$(everything)" "$before"
	expect_eq "$name: no key shows" "$(grep -cF -e "$KEY" -e "$PSK" <<<"$dry")" 0
	wq "$NS" reload "$file"
	real="$(wq_log)"
	# reload runs syncconf whatever the peers; the dry run shows it only when they change
	grep -q '^\[dry-run\] \[#\] wg syncconf ' <<<"$dry" || real="$(grep -v '^\[#\] wg syncconf ' <<<"$real")"
	expect_eq "$name: the real reload succeeds" "$RC" 0
	expect_eq "$name: it runs exactly what the dry run printed" \
		"$(grep -v '^\[dry-run\]     ' <<<"$dry" | sed 's/^\[dry-run\] //')" "$real"
	wq "$NS" reload --dry-run "$file"
	expect_eq "$name: then nothing is left to do" "$RC|$OUT|$ERR" "0||"
}

F="$(conf "Address = 10.10.11.10/24
DNS = 10.0.0.53" "10.20.0.0/16")"
wq "$NS" up "$F"
check "up" test "$RC" = 0

wq "$NS" reload --dry-run "$F"
expect_eq "an unchanged file: exit 0, no output" "$RC|$OUT|$ERR" "0||"

F="$(conf "Address = 10.10.11.10/24, fd00:11::10/64
DNS = 10.0.0.53" "10.20.0.0/16, 10.21.0.0/16")"
step "address and route added" "$F"

wq "$NS" reload --dry-run "$(conf "Address = 10.10.11.10/24, fd00:11::10/64
DNS = 10.0.0.53" "10.20.0.0/16, 10.22.0.0/16" "
[Peer]
PublicKey = $PEER2
AllowedIPs = 10.30.0.0/24")"
expect_eq "peers: syncconf's line, and the changes under it" \
	"$RC|$(grep -A 2 'wg syncconf' <<<"$OUT")" \
	"2|[dry-run] [#] wg syncconf wgr /dev/fd/63
[dry-run]     ~ peer $PEER  allowed-ips +10.22.0.0/16 -10.21.0.0/16
[dry-run]     + peer $PEER2  allowed-ips 10.30.0.0/24"
expect_eq "peers: the routes follow the changed allowed IPs" \
	"$(grep 'route' <<<"$OUT")" \
	"[dry-run] [#] ip -4 route add 10.30.0.0/24 dev wgr
[dry-run] [#] ip -4 route add 10.22.0.0/16 dev wgr
[dry-run] [#] ip -4 route delete 10.21.0.0/16 dev wgr"
step "a peer added, a prefix changed" "$(wq_conf wgr "$(cat "$WQ_CONF/wgr.conf")")"

F="$(conf "Address = 10.10.11.10/24
DNS = 10.0.0.54, example.com
MTU = 1300" "10.20.0.0/16")"
step "address, peer and route removed; DNS and MTU changed" "$F"

F="$(conf "Address = 10.10.11.10/24
MTU = 1300" "10.20.0.0/16, 0.0.0.0/0")"
step "a default route: policy routing, fwmark, firewall" "$F"

F="$(conf "Address = 10.10.11.10/24
MTU = 1300" "10.20.0.0/16")"
step "the default route goes" "$F"

F="$(conf "Address = 10.10.11.10/24
MTU = 1300
Table = 1234" "10.20.0.0/16")"
step "Table changed: the routes move" "$F"

# ---- errors ----
BEFORE="$(everything)"
wq "$NS" reload --dry-run "$(conf "Address = 10.10.11.10/24
ListenPort = 99999" "10.20.0.0/16")"
expect_eq "a bad file: exit 1" "$RC" 1
expect_eq "a bad file: the file and line named" "$(grep -c 'wgr.conf:[0-9]*:' <<<"$ERR")" 1
wq "$NS" reload --dry-run "$(wq_conf wgnone "[Interface]
PrivateKey = $KEY")"
expect_eq "no such interface: exit 1" "$RC|$(grep -c 'not a WireGuard interface' <<<"$ERR")" "1|1"
wq "$NS" reload --dry-run --dry-run "$F"
expect_eq "a wrong command line: exit 1, usage" "$RC|$(grep -c '^Usage:' <<<"$ERR")" "1|1"
wq "$NS" up --dry-run "$F"
expect_eq "--dry-run is for reload only" "$RC|$(grep -c '^Usage:' <<<"$ERR")" "1|1"
expect_eq "errors changed nothing" "$(everything)" "$BEFORE"

wq "$NS" down "$F"
check "down" test "$RC" = 0
finish
