#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/netns/cli-tunnel.sh: two interfaces (wireguard-go or the kernel's, see
# netns_use_dataplane) configured only by our wg (keys from its genkey/pubkey, one side by
# setconf, the other by `wg set'), a real handshake, pings over IPv4 and IPv6 through the tunnel
# and what `wg show' then reports on both sides.
# shellcheck source=tests/lib/test.sh
source "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netns.sh
source "$TESTS_DIR/lib/netns.sh"
# shellcheck source=tests/lib/tunnel.sh
source "$TESTS_DIR/lib/tunnel.sh"

netns_use_dataplane
require_cmd ping "$WG"
NETNS_KEY_WG="$WG" # every key of this test comes from our genkey/pubkey
netns_private_rundir "$@"

if ! tunnel_setup; then
	fail setup "could not create the namespaces and interfaces"
	finish
fi
KEYS="$NETNS_TMP/keys"
mkdir -m 0700 "$KEYS"
printf '%s\n' "$TUN_KEY_B" >"$KEYS/b.key"
printf '%s\n' "$TUN_PSK" >"$KEYS/psk"

# Side A from a configuration file, side B from the command line with key files. The handshake
# may come as soon as both are configured: a kernel interface is up already, and B's persistent
# keepalive starts it at once.
START="$(date +%s)"
cat >"$KEYS/wga.conf" <<EOF
[Interface]
PrivateKey = $TUN_KEY_A
ListenPort = 51820

[Peer]
PublicKey = $TUN_PUB_B
PresharedKey = $TUN_PSK
AllowedIPs = 10.77.0.2/32, fd77::2/128
Endpoint = 198.51.100.2:51821
EOF
expect_run "setconf configures side A" 0 "" "" \
	ip netns exec "$TUN_A" "$WG" setconf wga "$KEYS/wga.conf"
expect_run "set configures side B" 0 "" "" \
	ip netns exec "$TUN_B" "$WG" set wgb listen-port 51821 private-key "$KEYS/b.key" \
	peer "$TUN_PUB_A" preshared-key "$KEYS/psk" endpoint '[2001:db8:1::1]:51820' \
	allowed-ips 10.77.0.1/32,fd77::1/128 persistent-keepalive 25
if ! tunnel_up; then
	fail setup "could not address the tunnel interfaces"
	finish
fi

# B speaks first, over IPv6: A then learns B's IPv6 endpoint, B keeps the one it was given.
check "ping over IPv6 through the tunnel (B to A)" tunnel_ping "$TUN_B" fd77::1
check "ping over IPv4 through the tunnel (A to B)" tunnel_ping "$TUN_A" 10.77.0.2
check "ping over IPv4 through the tunnel (B to A)" tunnel_ping "$TUN_B" 10.77.0.1
check "ping over IPv6 through the tunnel (A to B)" tunnel_ping "$TUN_A" fd77::2
check "side A reports a handshake" tunnel_handshake "$TUN_A" wga
check "side B reports a handshake" tunnel_handshake "$TUN_B" wgb

# latest-handshakes: the peer's key and a time between the start and now.
check_handshake_field() {
	local ns="$1" ifname="$2" peer="$3" key when
	run ip netns exec "$ns" "$WG" show "$ifname" latest-handshakes
	IFS=$'\t' read -r key when <<<"$OUT"
	if [[ $RC == 0 && $key == "$peer" && $when =~ ^[0-9]+$ && $when -ge $START &&
		$when -le $(date +%s) ]]; then
		pass "show $ifname latest-handshakes is recent"
	else
		fail "show $ifname latest-handshakes is recent" \
			"rc=$RC, got: $OUT (start $START, now $(date +%s))"
	fi
}
check_handshake_field "$TUN_A" wga "$TUN_PUB_B"
check_handshake_field "$TUN_B" wgb "$TUN_PUB_A"

# transfer: both counters of each side's only peer are non-zero.
check_transfer_field() {
	local ns="$1" ifname="$2" peer="$3" key rx tx
	run ip netns exec "$ns" "$WG" show "$ifname" transfer
	IFS=$'\t' read -r key rx tx <<<"$OUT"
	if [[ $RC == 0 && $key == "$peer" && $rx =~ ^[1-9][0-9]*$ && $tx =~ ^[1-9][0-9]*$ ]]; then
		pass "show $ifname transfer counts both ways"
	else
		fail "show $ifname transfer counts both ways" "rc=$RC, got: $OUT"
	fi
}
check_transfer_field "$TUN_A" wga "$TUN_PUB_B"
check_transfer_field "$TUN_B" wgb "$TUN_PUB_A"

# The pretty view, its handshake age and byte counts checked by shape, the rest exactly.
HANDSHAKE_RE='^  latest handshake: (Now|([0-9]+ seconds?) ago)$'
TRANSFER_RE='^  transfer: [0-9.]+ (B|KiB) received, [0-9.]+ (B|KiB) sent$'
check_pretty() {
	local ns="$1" ifname="$2" expected="$3" line shaped=""
	run env WG_COLOR_MODE=never ip netns exec "$ns" "$WG" show "$ifname"
	while IFS= read -r line; do
		if [[ $line =~ $HANDSHAKE_RE ]]; then
			line="  latest handshake: AGE"
		elif [[ $line =~ $TRANSFER_RE ]]; then
			line="  transfer: BYTES"
		fi
		shaped+="$line"$'\n'
	done <<<"$OUT"
	expect_eq "show $ifname shows the peer, its handshake and transfer" \
		"rc=$RC ${shaped%$'\n'}" "rc=0 $expected"
}
check_pretty "$TUN_A" wga "interface: wga
  public key: $TUN_PUB_A
  private key: (hidden)
  listening port: 51820

peer: $TUN_PUB_B
  preshared key: (hidden)
  endpoint: [2001:db8:1::2]:51821
  allowed ips: 10.77.0.2/32, fd77::2/128
  latest handshake: AGE
  transfer: BYTES"
check_pretty "$TUN_B" wgb "interface: wgb
  public key: $TUN_PUB_B
  private key: (hidden)
  listening port: 51821

peer: $TUN_PUB_A
  preshared key: (hidden)
  endpoint: [2001:db8:1::1]:51820
  allowed ips: 10.77.0.1/32, fd77::1/128
  latest handshake: AGE
  transfer: BYTES
  persistent keepalive: every 25 seconds"

# `wg' alone is `wg show': every interface it can see. wireguard-go's sockets are visible from
# every namespace; a kernel interface only from its own.
if [[ $WG_DATAPLANE == kernel ]]; then
	for side in "$TUN_A wga" "$TUN_B wgb"; do
		run ip netns exec "${side% *}" "$WG"
		expect_eq "wg alone lists the namespace's interface ${side#* }" \
			"rc=$RC $(grep '^interface:' <<<"$OUT" | tr '\n' ' ')" "rc=0 interface: ${side#* } "
	done
else
	run ip netns exec "$TUN_A" "$WG"
	expect_eq "wg alone lists both interfaces" \
		"rc=$RC $(grep '^interface:' <<<"$OUT" | sort | tr '\n' ' ')" \
		"rc=0 interface: wga interface: wgb "
fi

finish
