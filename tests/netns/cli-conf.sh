#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/netns/cli-conf.sh: setconf, addconf and syncconf on WireGuard interfaces (wireguard-go or
# the kernel's, see netns_use_dataplane), each result read back through showconf: what each
# resets, keeps, adds and removes; syncconf leaves a connected peer's session alone; a 1,000-peer
# setconf reads back exactly. Peer order is compared too on the kernel, which keeps it.
# shellcheck source=tests/lib/test.sh
source "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netns.sh
source "$TESTS_DIR/lib/netns.sh"
# shellcheck source=tests/lib/tunnel.sh
source "$TESTS_DIR/lib/tunnel.sh"
# shellcheck source=tests/lib/diff.sh
source "$TESTS_DIR/lib/diff.sh"

netns_use_dataplane
require_cmd ping "$WG"
netns_private_rundir "$@"

if ! tunnel_setup || ! netns_wg_start "$TUN_A" wgc || ! netns_wg_start "$TUN_A" wgk; then
	fail setup "could not create the namespaces and interfaces"
	finish
fi
CONF="$NETNS_TMP/conf"
mkdir -m 0700 "$CONF"
KEY="$(netns_genkey)" PSK="$(netns_genpsk)"
printf '%s\n' "$KEY" >"$CONF/private"
printf '%s\n' "$PSK" >"$CONF/psk"
PA="$(netns_genkey | netns_pubkey)" PB="$(netns_genkey | netns_pubkey)"
PC="$(netns_genkey | netns_pubkey)" PD="$(netns_genkey | netns_pubkey)"
# Below the kernel's range for random ports: a port chosen at random can never be this one.
PORT=12345
read -r RANDOM_LOW RANDOM_HIGH <"/proc/sys/net/ipv4/ip_local_port_range"

wgns() { ip netns exec "$TUN_A" "$WG" "$@"; }

# A random listening port (after a file without ListenPort) reads back as RANDOM.
showconf_c() {
	wgns showconf wgc | awk -v low="$RANDOM_LOW" -v high="$RANDOM_HIGH" '
		/^ListenPort = / && $3 >= low && $3 <= high { $3 = "RANDOM" }
		{ print }' | diff_sort_conf
}

# reset_c: wgc with every interface field and exactly three peers, PA with everything.
reset_c() {
	wgns set wgc peer "$PD" remove &&
		wgns set wgc private-key "$CONF/private" listen-port "$PORT" fwmark 0x5 \
			peer "$PA" preshared-key "$CONF/psk" endpoint 192.0.2.1:1 \
			persistent-keepalive 25 allowed-ips 10.1.0.0/16,fd00:1::/64 \
			peer "$PB" allowed-ips 10.2.0.0/16 peer "$PC" allowed-ips 10.3.0.0/16
}

# expect_conf NAME VERB FILE_TEXT EXPECTED: from reset_c, `wg VERB wgc FILE' succeeds silently
# and showconf is EXPECTED (peer blocks in any order).
expect_conf() {
	local name="$1" verb="$2" text="$3" expected="$4"
	if ! reset_c; then
		fail "$name" "could not set up wgc"
		return
	fi
	printf '%s\n' "$text" >"$CONF/test.conf"
	run wgns "$verb" wgc "$CONF/test.conf"
	if [[ $RC != 0 || -n $ERR ]]; then
		fail "$name" "$verb failed (rc=$RC): $ERR"
		return
	fi
	expect_eq "$name" "$(showconf_c)" "$(diff_sort_conf <<<"$expected")"
}

PA_FULL="[Peer]
PublicKey = $PA
PresharedKey = $PSK
AllowedIPs = 10.1.0.0/16, fd00:1::/64
Endpoint = 192.0.2.1:1
PersistentKeepalive = 25"
PA_NO_IPS="[Peer]
PublicKey = $PA
PresharedKey = $PSK
Endpoint = 192.0.2.1:1
PersistentKeepalive = 25"
PB_CONF="[Peer]
PublicKey = $PB
AllowedIPs = 10.2.0.0/16"
PC_CONF="[Peer]
PublicKey = $PC
AllowedIPs = 10.3.0.0/16"
PD_CONF="[Peer]
PublicKey = $PD
AllowedIPs = 10.4.0.0/16"
IF_FULL="[Interface]
ListenPort = $PORT
FwMark = 0x5
PrivateKey = $KEY
"

# ---- setconf: the file is the whole truth
expect_conf "setconf resets absent interface fields and replaces all peers" setconf \
	"$PD_CONF" "[Interface]
ListenPort = RANDOM

$PD_CONF"
expect_conf "setconf sets what the file says" setconf "[Interface]
PrivateKey = $KEY
ListenPort = $PORT
FwMark = 0x5

$PD_CONF" "$IF_FULL
$PD_CONF"
expect_conf "setconf of an empty file clears everything" setconf "" "[Interface]
ListenPort = RANDOM
"

# ---- addconf: adds and updates, leaves the rest
expect_conf "addconf leaves absent interface fields and other peers" addconf "$PD_CONF" \
	"$IF_FULL
$PA_FULL

$PB_CONF

$PC_CONF

$PD_CONF"
expect_conf "addconf changes the interface fields it names" addconf "[Interface]
ListenPort = $((PORT + 1))
FwMark = off" "[Interface]
ListenPort = $((PORT + 1))
PrivateKey = $KEY

$PA_FULL

$PB_CONF

$PC_CONF"
expect_conf "addconf updates a peer's fields and replaces its allowed IPs" addconf "[Peer]
PublicKey = $PA
Endpoint = [2001:db8::1]:2
PersistentKeepalive = 26
AllowedIPs = 10.9.0.0/16" "$IF_FULL
[Peer]
PublicKey = $PA
PresharedKey = $PSK
AllowedIPs = 10.9.0.0/16
Endpoint = [2001:db8::1]:2
PersistentKeepalive = 26

$PB_CONF

$PC_CONF"
expect_conf "addconf with incremental AllowedIPs" addconf "[Peer]
PublicKey = $PA
AllowedIPs = +10.9.0.0/16, -10.1.0.0/16" "$IF_FULL
[Peer]
PublicKey = $PA
PresharedKey = $PSK
AllowedIPs = fd00:1::/64, 10.9.0.0/16
Endpoint = 192.0.2.1:1
PersistentKeepalive = 25

$PB_CONF

$PC_CONF"
# Each AllowedIPs line starts over in replace mode: the last line's form decides.
expect_conf "addconf: a plain AllowedIPs line after an incremental one replaces" addconf "[Peer]
PublicKey = $PA
AllowedIPs = +10.60.0.0/16
AllowedIPs = 10.61.0.0/16" "$IF_FULL
[Peer]
PublicKey = $PA
PresharedKey = $PSK
AllowedIPs = 10.60.0.0/16, 10.61.0.0/16
Endpoint = 192.0.2.1:1
PersistentKeepalive = 25

$PB_CONF

$PC_CONF"

# ---- a [Peer] without AllowedIPs clears that peer's allowed IPs, whatever the command
expect_conf "setconf: a peer without AllowedIPs has none" setconf "$IF_FULL
[Peer]
PublicKey = $PA
PresharedKey = $PSK
Endpoint = 192.0.2.1:1
PersistentKeepalive = 25" "$IF_FULL
$PA_NO_IPS"
expect_conf "addconf: a peer without AllowedIPs has none" addconf "[Peer]
PublicKey = $PA" "$IF_FULL
$PA_NO_IPS

$PB_CONF

$PC_CONF"
expect_conf "syncconf: a peer without AllowedIPs has none" syncconf "$IF_FULL
$PA_NO_IPS

$PB_CONF

$PC_CONF" "$IF_FULL
$PA_NO_IPS

$PB_CONF

$PC_CONF"

# ---- syncconf: the file is the whole truth, reached by changing only what differs
expect_conf "syncconf removes, adds and updates peers" syncconf "$IF_FULL
[Peer]
PublicKey = $PA
PresharedKey = $PSK
AllowedIPs = 10.1.0.0/16
Endpoint = [2001:db8::1]:2
PersistentKeepalive = 25

$PB_CONF

$PD_CONF" "$IF_FULL
[Peer]
PublicKey = $PA
PresharedKey = $PSK
AllowedIPs = 10.1.0.0/16
Endpoint = [2001:db8::1]:2
PersistentKeepalive = 25

$PB_CONF

$PD_CONF"
expect_conf "syncconf clears a preshared key and a keepalive the file no longer sets" syncconf \
	"$IF_FULL
[Peer]
PublicKey = $PA
AllowedIPs = 10.1.0.0/16, fd00:1::/64

$PB_CONF

$PC_CONF" "$IF_FULL
[Peer]
PublicKey = $PA
AllowedIPs = 10.1.0.0/16, fd00:1::/64
Endpoint = 192.0.2.1:1

$PB_CONF

$PC_CONF"
# Unlike setconf (and the original syncconf), a file without ListenPort keeps the port the
# interface has: any port satisfies it, and rebinding would break every peer's session.
expect_conf "syncconf clears an absent key and fwmark, keeps the port" syncconf "$PA_FULL

$PB_CONF

$PC_CONF" "[Interface]
ListenPort = $PORT

$PA_FULL

$PB_CONF

$PC_CONF"
expect_conf "syncconf of a file without peers removes them all" syncconf "$IF_FULL" "$IF_FULL"

# ---- syncconf keeps the session of a connected peer it does not change
A_CONF="[Interface]
ListenPort = 51820
PrivateKey = $TUN_KEY_A

[Peer]
PublicKey = $TUN_PUB_B
PresharedKey = $TUN_PSK
AllowedIPs = 10.77.0.2/32, fd77::2/128
Endpoint = 198.51.100.2:51821"
printf '%s\n\n%s\n' "$A_CONF" "$PC_CONF" >"$CONF/wga.conf"
printf '%s\n\n%s\n' "$A_CONF" "$PD_CONF" >"$CONF/wga-sync.conf"
check "setconf wga" wgns setconf wga "$CONF/wga.conf"
check "set wgb" ip netns exec "$TUN_B" "$WG" set wgb private-key <(printf '%s\n' "$TUN_KEY_B") \
	listen-port 51821 peer "$TUN_PUB_A" preshared-key <(printf '%s\n' "$TUN_PSK") \
	allowed-ips 10.77.0.1/32,fd77::1/128
if ! tunnel_up || ! tunnel_ping "$TUN_A" 10.77.0.2 || ! tunnel_handshake "$TUN_A" wga "$TUN_PUB_B"
then
	fail "tunnel" "no handshake between wga and wgb"
	finish
fi
# peer_stats IF: "handshake rx tx" of B's side peer, from the dump.
peer_stats() {
	wgns show wga dump | awk -F '\t' -v key="$TUN_PUB_B" '$1 == key { print $5, $6, $7 }'
}
read -r hs_before rx_before tx_before <<<"$(peer_stats)"
run wgns syncconf wga "$CONF/wga-sync.conf"
expect_eq "syncconf of the connected interface" "rc=$RC $ERR" "rc=0 "
read -r hs_after rx_after tx_after <<<"$(peer_stats)"
expect_eq "syncconf keeps the unchanged peer's latest handshake" "$hs_after" "$hs_before"
if [[ $rx_after -ge $rx_before && $tx_after -ge $tx_before && $rx_after -gt 0 ]]; then
	pass "syncconf keeps the unchanged peer's transfer counters"
else
	fail "syncconf keeps the unchanged peer's transfer counters" \
		"before $rx_before/$tx_before, after $rx_after/$tx_after"
fi
run wgns showconf wga
expect_eq "syncconf swapped the other peer" "$(diff_sort_conf <<<"$OUT")" \
	"$(diff_sort_conf <"$CONF/wga-sync.conf")"
check "the tunnel still works after syncconf" tunnel_ping "$TUN_A" fd77::2

# ---- 1,000 peers, each with two allowed IPs, a preshared key, an endpoint and a keepalive
big_conf() {
	local i key psk endpoint
	printf '[Interface]\nListenPort = 40000\nPrivateKey = %s\n' "$KEY"
	for ((i = 0; i < 1000; ++i)); do
		printf -v key 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%05dA=' "$i"
		printf -v psk 'BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB%05dA=' "$i"
		if ((i % 2)); then
			endpoint="192.0.2.$((i % 256)):$((1000 + i))"
		else
			endpoint="[2001:db8::$((i + 1))]:$((1000 + i))"
		fi
		printf '\n[Peer]\nPublicKey = %s\nPresharedKey = %s\n' "$key" "$psk"
		printf 'AllowedIPs = 10.%d.%d.0/24, fd01::%x/128\n' $((i / 256)) $((i % 256)) $((i + 1))
		printf 'Endpoint = %s\nPersistentKeepalive = %d\n' "$endpoint" $((i % 100 + 1))
	done
}
big_conf >"$CONF/big.conf"
run wgns setconf wgk "$CONF/big.conf"
expect_eq "setconf of 1,000 peers" "rc=$RC $ERR" "rc=0 "
run wgns showconf wgk
expect_eq "showconf reads the 1,000 peers back exactly" "$(diff_sort_conf <<<"$OUT")" \
	"$(diff_sort_conf <"$CONF/big.conf")"

finish
