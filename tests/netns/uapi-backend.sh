#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/netns/uapi-backend.sh: the UAPI backend against real wireguard-go daemons in two
# namespaces: a handshake and pings through the tunnel, read-back compared with the original
# wg, 1,000 peers, listing, stale sockets and non-root access (through the test driver).
# shellcheck source=tests/lib/test.sh
source "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netns.sh
source "$TESTS_DIR/lib/netns.sh"
# shellcheck source=tests/lib/uapi.sh
source "$TESTS_DIR/lib/uapi.sh"

require_cmd wireguard-go ping python3 setpriv "${CC:-cc}" xxd base64 "$ORIG_WG"
netns_private_rundir "$@"
uapi_driver_build

# sorted_list CMD...: CMD list, sorted (the backend lists in directory order).
# shellcheck disable=SC2317 # called through expect_run
sorted_list() {
	"$@" list | sort
}

# One line per [Interface]/[Peer] block, sorted: wireguard-go lists peers in no fixed order.
normalize_conf() {
	awk 'BEGIN { RS = ""; FS = "\n" } { gsub(/\n/, " | "); print }' | sort
}

if ! netns_new A || ! netns_new B ||
	! netns_link "$A" "$B" 198.51.100.1 198.51.100.2 2001:db8:1::1 2001:db8:1::2; then
	fail setup "could not create the namespaces"
	exit 1
fi
if ! netns_wg_start "$A" wga || ! netns_wg_start "$B" wgb; then
	fail setup "wireguard-go did not start"
	exit 1
fi

KA="$(netns_genkey)" KB="$(netns_genkey)" PSK="$(netns_genpsk)"
PA="$(netns_pubkey <<<"$KA")" PB="$(netns_pubkey <<<"$KB")"

check "set configures side A" "$DRIVER" set wga private-key "$KA" listen-port 51820 \
	peer "$PB" preshared-key "$PSK" endpoint '[2001:db8:1::2]:51821' \
	allowed-ips 10.77.0.2/32,fd77::2/128
check "set configures side B" "$DRIVER" set wgb private-key "$KB" listen-port 51821 \
	fwmark 0x2a peer "$PA" preshared-key "$PSK" endpoint 198.51.100.1:51820 \
	allowed-ips 10.77.0.1/32,fd77::1/128 persistent-keepalive 0

WGA_CONF="[Interface]
ListenPort = 51820
PrivateKey = $KA

[Peer]
PublicKey = $PB
PresharedKey = $PSK
AllowedIPs = 10.77.0.2/32, fd77::2/128
Endpoint = [2001:db8:1::2]:51821"
expect_run "get reads back what set wrote" 0 "$WGA_CONF" "" "$DRIVER" get wga
expect_run "get derives the device's public key" 0 "$PA" "" "$DRIVER" pubkey wga

ip -n "$A" address add 10.77.0.1/24 dev wga
ip -n "$A" address add fd77::1/64 dev wga nodad
ip -n "$B" address add 10.77.0.2/24 dev wgb
ip -n "$B" address add fd77::2/64 dev wgb nodad
ip -n "$A" link set wga up
ip -n "$B" link set wgb up
check "ping over IPv4 through the tunnel" ip netns exec "$A" ping -c 1 -w 10 -q 10.77.0.2
check "ping over IPv6 through the tunnel" ip netns exec "$A" ping -6 -c 1 -w 10 -q fd77::2

for side in wga wgb; do
	run "$DRIVER" get "$side"
	ours="$OUT"
	run "$ORIG_WG" showconf "$side"
	expect_eq "get $side matches the original's showconf" "$ours" "$OUT"
done
run "$DRIVER" get wgb
expect_eq "B learnt A's IPv6 endpoint from the handshake" \
	"$(grep '^Endpoint' <<<"$OUT")" "Endpoint = [2001:db8:1::1]:51820"
run "$DRIVER" stats wga
read -r key handshake rx tx <<<"$OUT"
if [[ $key == "$PB" && $handshake -gt 0 && $rx -gt 0 && $tx -gt 0 ]]; then
	pass "get reports the handshake and transfer counters"
else
	fail "get reports the handshake and transfer counters" "got: $OUT"
fi

# 1,000 peers with two allowed IPs each, set in one request and read back exactly.
check "start a third daemon" netns_wg_start "$A" wgc
args=()
expected="[Interface]
ListenPort = 40000
"
for ((i = 0; i < 1000; ++i)); do
	printf -v key 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%05dA=' "$i"
	ips="10.$((i / 256)).$((i % 256)).0/24, fd01::$((i + 1))/128"
	args+=(peer "$key" allowed-ips "${ips/, /,}")
	expected+="
[Peer]
PublicKey = $key
AllowedIPs = $ips
"
done
check "set 1,000 peers" "$DRIVER" set wgc listen-port 40000 replace-peers "${args[@]}"
run "$DRIVER" get wgc
expect_eq "get reads back 1,000 peers exactly" "$(normalize_conf <<<"$OUT")" \
	"$(normalize_conf <<<"$expected")"
run "$ORIG_WG" showconf wgc
expect_eq "the original sees the same 1,000 peers" "$(normalize_conf <<<"$OUT")" \
	"$(normalize_conf <<<"$expected")"

NEW_KEY="$(netns_genkey | netns_pubkey)"
KEY7=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA00007A=
KEY8=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA00008A=
check "update-only and remove" "$DRIVER" set wgc peer "$NEW_KEY" update-only \
	allowed-ips 10.99.0.0/16 peer "$KEY7" remove \
	peer "$KEY8" replace-allowed-ips allowed-ips 192.0.2.8/32
run "$DRIVER" get wgc
expect_eq "update-only created nothing, remove removed one" \
	"$(grep -c '^\[Peer\]' <<<"$OUT") $(grep -c "$NEW_KEY" <<<"$OUT")" "999 0"
expect_eq "replace-allowed-ips replaced the list" \
	"$(grep -A1 "PublicKey = $KEY8" <<<"$OUT" | tail -1)" \
	"AllowedIPs = 192.0.2.8/32"

# Listing, and sockets that no daemon serves.
expect_run "list shows every interface" 0 $'wga\nwgb\nwgc' "" \
	sorted_list "$DRIVER"
make_stale() {
	python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
		"$NETNS_RUNDIR/$1.sock"
}
make_stale stale0
check "a socket nobody listens on is there" test -S "$NETNS_RUNDIR/stale0.sock"
expect_run "serves refuses a stale socket" 1 "" "" "$DRIVER" serves stale0
check "serves removed the stale socket" test ! -e "$NETNS_RUNDIR/stale0.sock"
make_stale stale1
: >"$NETNS_RUNDIR/file0.sock"
mkdir "$NETNS_RUNDIR/.sock" "$NETNS_RUNDIR/dir0.sock"
expect_run "list skips stale sockets, files and directories" 0 $'wga\nwgb\nwgc' "" \
	sorted_list "$DRIVER"
check "list removed the stale socket" test ! -e "$NETNS_RUNDIR/stale1.sock"
check "list left the regular file alone" test -f "$NETNS_RUNDIR/file0.sock"
expect_run "get refuses what is not a socket" 1 "" "uapi-driver: get: Bad file descriptor" \
	"$DRIVER" get file0

# A socket that refuses access still exists: names are listed, then access fails.
chmod 755 "$NETNS_TMP" "$DRIVER"
as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
expect_run "serves counts a socket it may not open" 0 "" "" "${as_nobody[@]}" "$DRIVER" serves wga
expect_run "list shows sockets it may not open" 0 $'wga\nwgb\nwgc' "" \
	sorted_list "${as_nobody[@]}" "$DRIVER"
expect_run "get without permission" 1 "" "uapi-driver: get: Permission denied" \
	"${as_nobody[@]}" "$DRIVER" get wga

finish
