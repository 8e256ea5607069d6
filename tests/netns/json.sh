#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/netns/json.sh: `wg show {INTERFACE|all} json' read with jq: no interfaces, many peers,
# IPv6 endpoints, peers never seen, hidden and revealed secrets, and every field of `dump'.
# shellcheck source=tests/lib/test.sh
source "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netns.sh
source "$TESTS_DIR/lib/netns.sh"
# shellcheck source=tests/lib/tunnel.sh
source "$TESTS_DIR/lib/tunnel.sh"

netns_use_dataplane
require_cmd jq ping "$WG"
netns_private_rundir "$@"

wgns() { ip netns exec "$NS" "$WG" "$@"; }

netns_new NS || { fail setup "no namespace"; finish; }

# ---- no interfaces at all
run wgns show all json
if [[ $RC == 0 ]] && jq -e '. == {}' <<<"$OUT" >/dev/null; then
	pass "no interfaces: an empty object"
else
	fail "no interfaces: an empty object" "rc=$RC out=$OUT"
fi

# ---- one interface, many peers of every kind
netns_wg_start "$NS" wgj || { fail setup "no interface"; finish; }
KEY="$(netns_genkey)"
PSK="$(netns_genpsk)"
CONF="$NETNS_TMP/wgj.conf"
{
	printf '[Interface]\nPrivateKey = %s\nListenPort = 51900\nFwMark = 0x2a\n' "$KEY"
	printf '\n[Peer]\nPublicKey = %s\nPresharedKey = %s\nEndpoint = [2001:db8::7]:443\n' \
		"$(netns_genkey | netns_pubkey)" "$PSK"
	printf 'AllowedIPs = 10.200.0.0/16, fd00:200::/64\nPersistentKeepalive = 25\n'
	printf '\n[Peer]\nPublicKey = %s\n' "$(netns_genkey | netns_pubkey)"
	for ((i = 0; i < 500; ++i)); do
		printf '\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.%d.%d.0/24\nEndpoint = 192.0.2.%d:%d\n' \
			"$(netns_genkey | netns_pubkey)" $((i / 256)) $((i % 256)) $((i % 250 + 1)) $((i + 1000))
	done
} >"$CONF"
wgns setconf wgj "$CONF" || fail setup "setconf failed"

run wgns show wgj json
if [[ $RC == 0 ]] && jq -e . <<<"$OUT" >/dev/null; then
	pass "json parses"
else
	fail "json parses" "rc=$RC err=$ERR"
fi
JSON="$OUT"
expect_eq "one document keyed by the interface name" "$(jq -r 'keys | join(" ")' <<<"$JSON")" "wgj"
expect_eq "502 peers" "$(jq '.wgj.peers | length' <<<"$JSON")" 502
expect_eq "device numbers are numbers" \
	"$(jq -c '.wgj | [.listenPort, .fwmark, (.listenPort | type), (.fwmark | type)]' <<<"$JSON")" \
	'[51900,42,"number","number"]'
expect_eq "private key hidden by default" "$(jq -r '.wgj.privateKey' <<<"$JSON")" "(hidden)"
expect_eq "public key shown" "$(jq -r '.wgj.publicKey' <<<"$JSON")" "$(wgns show wgj public-key)"
expect_eq "preshared key hidden by default" \
	"$(jq -r '[.wgj.peers[] | .presharedKey | select(. != null)] | join(" ")' <<<"$JSON")" "(hidden)"

run env WG_HIDE_KEYS=never ip netns exec "$NS" "$WG" show wgj json
expect_eq "WG_HIDE_KEYS=never reveals the private key" "$(jq -r '.wgj.privateKey' <<<"$OUT")" "$KEY"
expect_eq "WG_HIDE_KEYS=never reveals the preshared key" \
	"$(jq -r '[.wgj.peers[] | .presharedKey | select(. != null)] | join(" ")' <<<"$OUT")" "$PSK"

# Every field of every peer against `dump' (the source of truth scripts already use).
from_json="$(jq -r '.wgj.peers | to_entries[] | [.key, (.value.endpoint // "(none)"),
	(if (.value.allowedIps | length) == 0 then "(none)" else (.value.allowedIps | join(",")) end),
	.value.latestHandshake, .value.transferRx, .value.transferTx,
	(if .value.persistentKeepalive == 0 then "off" else .value.persistentKeepalive end)]
	| @tsv' <<<"$JSON" | sort)"
from_dump="$(wgns show wgj dump | tail -n +2 | cut -f 1,3- | sort)"
expect_eq "every peer field equals dump" "$from_json" "$from_dump"
expect_eq "IPv6 endpoint as a string" \
	"$(jq -r '[.wgj.peers[] | .endpoint | select(. != null and startswith("["))] | join(" ")' <<<"$JSON")" \
	"[2001:db8::7]:443"
expect_eq "peer never seen: latestHandshake 0, no endpoint, no allowed IPs" \
	"$(jq -c '[.wgj.peers[] | select(.endpoint == null)] | map([.latestHandshake, .allowedIps, .presharedKey])' <<<"$JSON")" \
	'[[0,[],null]]'
expect_eq "allowed IPs are arrays of strings" \
	"$(jq -r '[.wgj.peers[] | .allowedIps | type] | unique | join(" ")' <<<"$JSON")" "array"

netns_wg_start "$NS" wgk || fail setup "second interface"
run wgns show all json
expect_eq "show all json: one object with every interface" \
	"$(jq -r 'keys | join(" ")' <<<"$OUT")" "wgj wgk"
expect_eq "an interface without peers has an empty peers object" \
	"$(jq -c '.wgk.peers' <<<"$OUT")" "{}"

# ---- a connected pair: a real handshake time and counters
tunnel_configure() {
	printf '%s\n' "$TUN_KEY_A" >"$NETNS_TMP/a.key"
	printf '%s\n' "$TUN_KEY_B" >"$NETNS_TMP/b.key"
	ip netns exec "$TUN_A" "$WG" set wga private-key "$NETNS_TMP/a.key" listen-port 51820 \
		peer "$TUN_PUB_B" endpoint 198.51.100.2:51821 allowed-ips 10.77.0.2/32 &&
		ip netns exec "$TUN_B" "$WG" set wgb private-key "$NETNS_TMP/b.key" listen-port 51821 \
			peer "$TUN_PUB_A" endpoint 198.51.100.1:51820 allowed-ips 10.77.0.1/32
}
if tunnel_setup && tunnel_configure && tunnel_up && tunnel_ping "$TUN_A" 10.77.0.2; then
	run ip netns exec "$TUN_A" "$WG" show wga json
	hs="$(jq -r --arg k "$TUN_PUB_B" '.wga.peers[$k].latestHandshake' <<<"$OUT")"
	now="$(date +%s)"
	if [[ $hs =~ ^[0-9]+$ ]] && ((hs > now - 120 && hs <= now)); then
		pass "latest handshake as unix seconds"
	else
		fail "latest handshake as unix seconds" "got $hs (now $now)"
	fi
	rx="$(jq -r --arg k "$TUN_PUB_B" '.wga.peers[$k].transferRx' <<<"$OUT")"
	[[ $rx =~ ^[0-9]+$ && $rx -gt 0 ]] && pass "transfer counters as numbers" ||
		fail "transfer counters as numbers" "got $rx"
else
	fail "tunnel for handshake checks" "could not bring the tunnel up"
fi
finish
