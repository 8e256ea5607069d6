#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/netns/syncconf-dry-run.sh: `wg syncconf --dry-run [--json]' on a WireGuard interface
# (wireguard-go or the kernel's, see netns_use_dataplane). Every kind of change gives its line,
# its JSON and exit status 2; an unchanged file gives nothing and 0; errors give 1. The device
# is the same after every dry run, the real syncconf then leaves nothing for another dry run
# (so the preview is exactly what syncconf sends), and no private or preshared key ever shows.
# shellcheck source=tests/lib/test.sh
source "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netns.sh
source "$TESTS_DIR/lib/netns.sh"
# shellcheck source=tests/lib/diff.sh
source "$TESTS_DIR/lib/diff.sh"

netns_use_dataplane
require_cmd jq "$WG"
netns_private_rundir "$@"

if ! netns_new NS || ! netns_wg_start "$NS" wgd; then
	fail setup "could not create the namespace and the interface"
	finish
fi
K1="$(netns_genkey)" K2="$(netns_genkey)" PSK1="$(netns_genpsk)" PSK2="$(netns_genpsk)"
PA="$(netns_genkey | netns_pubkey)" PB="$(netns_genkey | netns_pubkey)"
PC="$(netns_genkey | netns_pubkey)"
F="$NETNS_TMP/file.conf"

wgns() { ip netns exec "$NS" "$WG" "$@"; }

# The running state, peers sorted (wireguard-go lists them in random order).
state() { wgns showconf wgd | diff_sort_conf; }

# The base state every case starts from, as a file: interface INTERFACE_LINES, then peers.
iface() { printf '[Interface]\nPrivateKey = %s\nListenPort = 51820\n%s' "${1:-$K1}" "${2:-}"; }
peer_a() {
	printf '\n[Peer]\nPublicKey = %s\nPresharedKey = %s\nEndpoint = 192.0.2.1:51820\n' "$PA" \
		"${2:-$PSK1}"
	printf 'PersistentKeepalive = 25\nAllowedIPs = %s\n' "${1:-10.1.0.0/24, fd00:1::/64}"
}
peer_b() { printf '\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.2.0.0/24\n%s' "$PB" "${1:-}"; }
base() { iface; peer_a; peer_b; }

# dry CASE WANT_LINES [JSON_SUMMARY]: from the base state, the dry run of $F prints exactly
# WANT_LINES and exits 2 (0 when WANT_LINES is empty), changing nothing; its JSON parses and,
# when given, sums up as JSON_SUMMARY (see json_summary); then syncconf applies $F and a second
# dry run finds nothing left.
dry() {
	local name="$1" want="$2" summary="${3:-}" rc=2 before
	[[ -n $want ]] || rc=0
	base >"$NETNS_TMP/base.conf"
	wgns setconf wgd "$NETNS_TMP/base.conf" || fail "$name: setup" "setconf of the base failed"
	before="$(state)"
	expect_run "$name: lines and exit status $rc" "$rc" "$want" "" wgns syncconf --dry-run wgd "$F"
	expect_eq "$name: the device did not change" "$(state)" "$before"
	run wgns syncconf --dry-run --json wgd "$F"
	expect_eq "$name: --json exit status" "$RC" "$rc"
	if [[ -n $summary ]]; then
		expect_eq "$name: JSON" "$(json_summary <<<"$OUT")" "$summary"
	else
		check "$name: JSON parses" jq empty <<<"$OUT"
	fi
	expect_eq "$name: --json changed nothing" "$(state)" "$before"
	no_secrets "$name" "$OUT"
	wgns syncconf wgd "$F" || fail "$name: syncconf" "the real syncconf failed"
	expect_run "$name: after syncconf, nothing is left to do" 0 "" "" \
		wgns syncconf --dry-run wgd "$F"
}

# The JSON document in one line per change: OP PEER FIELD=OLD>NEW ..., allowed IPs as +a -b.
json_summary() {
	jq -r '"interface " + .interface,
		(.changes[] | [.operation, (.peer // "interface")] + [.fields | to_entries[] |
			if .key == "allowedIps" then
				.key + "=" + ([(.value.added[] | "+" + .), (.value.removed[] | "-" + .)] |
					join(" "))
			else "\(.key)=\(.value.old | tojson)>\(.value.new | tojson)" end] | join(" "))'
}

no_secrets() {
	local key leaked=""
	for key in "$K1" "$K2" "$PSK1" "$PSK2"; do
		[[ $2 != *"$key"* ]] || leaked+=" $key"
	done
	expect_eq "$1: no private or preshared key in the output" "$leaked" ""
}

base >"$F"
dry "unchanged file" ""

{ iface; peer_b; peer_a; } >"$F"
dry "the same peers in another order" ""

{ base; printf '\n[Peer]\nPublicKey = %s\nEndpoint = 192.0.2.3:3\nAllowedIPs = 10.3.0.0/24, fd00:3::/64\nPersistentKeepalive = 5\nPresharedKey = %s\n' "$PC" "$PSK2"; } >"$F"
dry "peer added" \
	"+ peer $PC  allowed-ips 10.3.0.0/24,fd00:3::/64  endpoint 192.0.2.3:3  persistent-keepalive 5  preshared-key (set)" \
	"interface wgd
add $PC allowedIps=+10.3.0.0/24 +fd00:3::/64 endpoint=null>\"192.0.2.3:3\" persistentKeepalive=0>5 presharedKey=null>\"(hidden)\""

{ iface; peer_a; } >"$F"
dry "peer removed" "- peer $PB" \
	"interface wgd
remove $PB allowedIps=-10.2.0.0/24"

{ iface; peer_a | sed 's/^Endpoint = .*/Endpoint = [2001:db8::9]:4444/'; peer_b; } >"$F"
dry "endpoint changed" "~ peer $PA  endpoint 192.0.2.1:51820 -> [2001:db8::9]:4444" \
	"interface wgd
change $PA endpoint=\"192.0.2.1:51820\">\"[2001:db8::9]:4444\""

{ iface; peer_a | grep -v '^Endpoint'; peer_b; } >"$F"
dry "a file without the endpoint keeps it" ""

{ iface; peer_a | grep -v '^PersistentKeepalive'; peer_b; } >"$F"
dry "keepalive left out: off" "~ peer $PA  persistent-keepalive 25 -> off" \
	"interface wgd
change $PA persistentKeepalive=25>0"

{ iface; peer_a "" "$PSK2"; peer_b "PresharedKey = $PSK1"$'\n'; } >"$F"
dry "preshared keys changed and set" "~ peer $PA  preshared-key (changed)
~ peer $PB  preshared-key (set)" \
	"interface wgd
change $PA presharedKey=\"(hidden)\">\"(hidden)\"
change $PB presharedKey=null>\"(hidden)\""

{ iface; peer_a | grep -v '^PresharedKey'; peer_b; } >"$F"
dry "preshared key removed" "~ peer $PA  preshared-key (removed)"

{ iface; peer_a "10.1.1.0/24, 10.1.0.0/24"; peer_b; } >"$F"
dry "allowed IPs changed" "~ peer $PA  allowed-ips +10.1.1.0/24 -fd00:1::/64" \
	"interface wgd
change $PA allowedIps=+10.1.1.0/24 -fd00:1::/64"

{ iface; peer_a "fd00:1::/64, 10.1.0.0/24"; peer_b; } >"$F"
dry "allowed IPs in another order" ""

{ iface; peer_a "10.1.0.0/24, fd00:1::/64, 10.2.0.0/24"; printf '\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.9.0.0/24\n' "$PB"; } >"$F"
dry "a prefix moves from one peer to another" "~ peer $PA  allowed-ips +10.2.0.0/24
~ peer $PB  allowed-ips +10.9.0.0/24 -10.2.0.0/24"

{ iface "" | sed 's/51820/51821/'; peer_a; peer_b; } >"$F"
dry "listen port changed" "~ interface  listen-port 51820 -> 51821" \
	"interface wgd
change interface listenPort=51820>51821"

{ iface "" | sed '/ListenPort/d'; peer_a; peer_b; } >"$F"
dry "a file without a listen port keeps the running one" ""

{ iface "" "FwMark = 0x20"$'\n'; peer_a; peer_b; } >"$F"
dry "fwmark set" "~ interface  fwmark off -> 0x20" \
	"interface wgd
change interface fwmark=0>32"

{ iface "$K2"; peer_a; peer_b; } >"$F"
dry "private key changed" "~ interface  private-key (changed)" \
	"interface wgd
change interface privateKey=\"(hidden)\">\"(hidden)\""

{ iface | sed '/PrivateKey/d'; peer_a; peer_b; } >"$F"
dry "private key left out: removed" "~ interface  private-key (removed)"

{ iface "$K2" "FwMark = 7"$'\n' | sed 's/51820/51822/'; printf '\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.3.0.0/24\n' "$PC"; peer_a "10.1.0.0/24"; } >"$F"
dry "several changes at once" "~ interface  private-key (changed)
~ interface  listen-port 51820 -> 51822
~ interface  fwmark off -> 0x7
- peer $PB
+ peer $PC  allowed-ips 10.3.0.0/24
~ peer $PA  allowed-ips -fd00:1::/64" \
	"interface wgd
change interface privateKey=\"(hidden)\">\"(hidden)\" listenPort=51820>51822 fwmark=0>7
remove $PB allowedIps=-10.2.0.0/24
add $PC allowedIps=+10.3.0.0/24
change $PA allowedIps=-fd00:1::/64"

# An empty file takes every peer and the key away (the request says "replace peers").
: >"$F"
dry "an empty file" "~ interface  private-key (removed)
- peer $PA
- peer $PB"

# ---- errors: exit status 1, nothing printed on stdout, nothing changed ----
base >"$NETNS_TMP/base.conf"
wgns setconf wgd "$NETNS_TMP/base.conf"
BEFORE="$(state)"
printf '[Interface]\nListenPort = 70000\n' >"$F"
expect_run "a bad file: exit 1, its line named" 1 "" \
	"$F:2: Port must be a number from 0 to 65535: \`70000'" \
	wgns syncconf --dry-run wgd "$F"
expect_run "a bad file with --json: the same" 1 "" \
	"$F:2: Port must be a number from 0 to 65535: \`70000'" \
	wgns syncconf --dry-run --json wgd "$F"
base >"$F"
run wgns syncconf --dry-run wgnone "$F"
expect_eq "no such interface: exit 1, nothing on stdout" "$RC|$OUT" "1|"
expect_eq "the device is as it was after the errors" "$(state)" "$BEFORE"
finish
