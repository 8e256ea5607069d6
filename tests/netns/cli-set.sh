#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/netns/cli-set.sh: every `wg set' option on a WireGuard interface (wireguard-go or the
# kernel's, see netns_use_dataplane), observed through showconf and show afterwards; incremental
# allowed-ips (done by read-modify-replace on both); errors (missing interface, a value the data
# plane refuses, no permission, a file that does not parse) that print one line, exit 1 and
# change nothing.
# shellcheck source=tests/lib/test.sh
source "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netns.sh
source "$TESTS_DIR/lib/netns.sh"
# shellcheck source=tests/lib/diff.sh
source "$TESTS_DIR/lib/diff.sh"

netns_use_dataplane
require_cmd setpriv "$WG"
netns_private_rundir "$@"

if ! netns_new NS || ! netns_wg_start "$NS" wga || ! netns_wg_start "$NS" wgc; then
	fail setup "could not create the namespace and interfaces"
	finish
fi
KEYS="$NETNS_TMP/keys"
mkdir -m 0700 "$KEYS"
KEY="$(netns_genkey)" PSK="$(netns_genpsk)"
PUB="$(netns_pubkey <<<"$KEY")"
printf '%s\n' "$KEY" >"$KEYS/private"
printf '%s\n' "$PSK" >"$KEYS/psk"
PA="$(netns_genkey | netns_pubkey)" PB="$(netns_genkey | netns_pubkey)"
PN="$(netns_genkey | netns_pubkey)"

wgns() { ip netns exec "$NS" "$WG" "$@"; }

# expect_set NAME CONF ARGS...: `wg set wga ARGS' succeeds silently, then showconf is CONF
# (peer blocks compared in sorted order).
expect_set() {
	local name="$1" conf="$2"
	shift 2
	run wgns set wga "$@"
	if [[ $RC != 0 || -n $ERR ]]; then
		fail "$name" "set failed (rc=$RC): $ERR"
		return
	fi
	run wgns showconf wga
	expect_eq "$name" "$(diff_sort_conf <<<"$OUT")" "$(diff_sort_conf <<<"$conf")"
}

# expect_show NAME EXPECTED ARGS...: `wg show wga ARGS' prints EXPECTED.
expect_show() {
	local name="$1" expected="$2"
	shift 2
	expect_run "$name" 0 "$expected" "" wgns show wga "$@"
}

# ---- interface options
expect_set "listen-port" "[Interface]
ListenPort = 51820
" listen-port 51820
expect_set "fwmark in hex" "[Interface]
ListenPort = 51820
FwMark = 0x1f
" fwmark 0x1f
expect_set "fwmark in decimal" "[Interface]
ListenPort = 51820
FwMark = 0xffffffff
" fwmark 4294967295
expect_show "show fwmark" "0xffffffff" fwmark
expect_set "fwmark off" "[Interface]
ListenPort = 51820
" fwmark off
expect_show "show fwmark after off" "off" fwmark
expect_set "private-key FILE" "[Interface]
ListenPort = 51820
PrivateKey = $KEY
" private-key "$KEYS/private"
expect_show "the public key follows the private key" "$PUB" public-key
expect_set "private-key /dev/null clears the key" "[Interface]
ListenPort = 51820
" private-key /dev/null
expect_show "no public key without a private key" "(none)" public-key
expect_show "no private key" "(none)" private-key
expect_set "all interface options at once" "[Interface]
ListenPort = 51821
FwMark = 0x10
PrivateKey = $KEY
" private-key "$KEYS/private" fwmark 16 listen-port 51821

# ---- peers
IF_CONF="[Interface]
ListenPort = 51821
FwMark = 0x10
PrivateKey = $KEY
"
expect_set "peer adds a peer" "$IF_CONF
[Peer]
PublicKey = $PA" peer "$PA"
expect_set "preshared-key FILE" "$IF_CONF
[Peer]
PublicKey = $PA
PresharedKey = $PSK" peer "$PA" preshared-key "$KEYS/psk"
expect_set "preshared-key /dev/null clears it" "$IF_CONF
[Peer]
PublicKey = $PA" peer "$PA" preshared-key /dev/null
expect_show "show preshared-keys after clearing" "$PA	(none)" preshared-keys
expect_set "endpoint IPv4" "$IF_CONF
[Peer]
PublicKey = $PA
Endpoint = 192.0.2.1:51820" peer "$PA" endpoint 192.0.2.1:51820
expect_set "endpoint IPv6" "$IF_CONF
[Peer]
PublicKey = $PA
Endpoint = [2001:db8::1]:51822" peer "$PA" endpoint '[2001:db8::1]:51822'
expect_set "persistent-keepalive N" "$IF_CONF
[Peer]
PublicKey = $PA
Endpoint = [2001:db8::1]:51822
PersistentKeepalive = 25" peer "$PA" persistent-keepalive 25
expect_set "persistent-keepalive off" "$IF_CONF
[Peer]
PublicKey = $PA
Endpoint = [2001:db8::1]:51822" peer "$PA" persistent-keepalive off
expect_show "show persistent-keepalive after off" "$PA	off" persistent-keepalive
expect_set "allowed-ips" "$IF_CONF
[Peer]
PublicKey = $PA
AllowedIPs = 10.0.0.0/24, fd00::/64
Endpoint = [2001:db8::1]:51822" peer "$PA" allowed-ips 10.0.0.0/24,fd00::/64
expect_set "allowed-ips replaces the list" "$IF_CONF
[Peer]
PublicKey = $PA
AllowedIPs = 10.1.0.0/16
Endpoint = [2001:db8::1]:51822" peer "$PA" allowed-ips 10.1.0.0/16
expect_set "allowed-ips \"\" clears the list" "$IF_CONF
[Peer]
PublicKey = $PA
Endpoint = [2001:db8::1]:51822" peer "$PA" allowed-ips ""
PB_FULL="[Peer]
PublicKey = $PB
PresharedKey = $PSK
AllowedIPs = 10.50.0.0/16
Endpoint = 198.51.100.9:1
PersistentKeepalive = 65535"
expect_set "a second peer with everything" "$IF_CONF
[Peer]
PublicKey = $PA
Endpoint = [2001:db8::1]:51822

$PB_FULL" peer "$PB" preshared-key "$KEYS/psk" endpoint 198.51.100.9:1 \
	persistent-keepalive 65535 allowed-ips 10.50.0.0/16
expect_set "peer remove" "$IF_CONF
$PB_FULL" peer "$PA" remove
expect_set "removing a peer that is not there does nothing" "$IF_CONF
$PB_FULL" peer "$PA" remove

# ---- incremental allowed-ips: neither wireguard-go nor Debian 12's kernel (6.1, without the
# allowed-IP flags attribute) can remove single prefixes, so our wg reads the peer's list and
# replaces it with the result. Lists are compared sorted: the order is the data plane's. PB's
# list must never change.

# peer_ips: a line "KEY IP,IP,..." (IPs sorted) or "KEY (none)" per peer of wga, sorted. A few
# processes for all the peers, not a few per peer: they are slow in the emulated test VM.
peer_ips() {
	wgns show wga allowed-ips |
		awk -F '\t' '{ n = split($2, ip, " "); for (i = 1; i <= n; ++i) print $1 "\t" ip[i] }' |
		LC_ALL=C sort | awk -F '\t' '
			$1 != key { if (NR > 1) print key, ips; key = $1; ips = $2; next }
			{ ips = ips "," $2 }
			END { if (NR) print key, ips }' | sort
}

# expect_ips NAME START CHANGE WANT [ARGS...]: PA's allowed IPs set to START, then changed by
# `wg set wga [ARGS] peer PA allowed-ips CHANGE'; PA must hold WANT (sorted, comma-separated),
# every other peer what it had.
expect_ips() {
	local name="$1" start="$2" change="$3" want="$4" others
	shift 4
	wgns set wga peer "$PA" allowed-ips "$start"
	others="$(peer_ips | grep -v "^$PA ")"
	run wgns set wga "$@" peer "$PA" allowed-ips "$change"
	if [[ $RC != 0 ]]; then
		fail "$name" "set failed (rc=$RC): $ERR"
		return
	fi
	expect_eq "$name" "$(peer_ips)" "$(sort <<<"$others
$PA $want")"
}
expect_ips "allowed-ips +add,-remove" 10.0.0.0/24,10.1.0.0/24,fd00:1::/64 \
	+10.2.0.0/24,-10.1.0.0/24 10.0.0.0/24,10.2.0.0/24,fd00:1::/64
expect_ips "allowed-ips removing an absent prefix does nothing" 10.0.0.0/24,fd00:1::/64 \
	-10.9.0.0/16 10.0.0.0/24,fd00:1::/64
expect_ips "allowed-ips adding a present prefix does nothing" 10.0.0.0/24,fd00:1::/64 \
	+10.0.0.0/24,-10.9.0.0/16 10.0.0.0/24,fd00:1::/64
expect_ips "allowed-ips plain entries add when another entry is incremental" \
	10.0.0.0/24,10.2.0.0/24 10.3.0.0/24,-10.0.0.0/24 10.2.0.0/24,10.3.0.0/24
expect_ips "allowed-ips removal with host bits removes the prefix" 10.2.0.0/24,10.3.0.0/24 \
	-10.2.0.5/24 10.3.0.0/24
expect_ips "allowed-ips IPv6 removal and addition" 10.3.0.0/24,fd00:1::/64 \
	-fd00:1::/64,+fd00:2::1 10.3.0.0/24,fd00:2::1/128
expect_ips "allowed-ips removing every prefix" 10.3.0.0/24,fd00:2::1/128 \
	-10.3.0.0/24,-fd00:2::1/128 "(none)"
expect_ips "allowed-ips entries apply in order: +X,-X leaves X out" 10.3.0.0/24 \
	+10.7.0.0/24,-10.7.0.0/24 10.3.0.0/24
expect_ips "allowed-ips entries apply in order: -X,+X leaves X in" 10.3.0.0/24 \
	-10.8.0.0/24,+10.8.0.0/24 10.3.0.0/24,10.8.0.0/24
expect_ips "allowed-ips the same peer twice in one set" 10.3.0.0/24 \
	+10.10.0.0/24,-10.3.0.0/24 10.10.0.0/24,10.9.0.0/24 peer "$PA" allowed-ips +10.9.0.0/24
expect_ips "allowed-ips incremental after a plain list for the same peer" 10.3.0.0/24 \
	+10.10.0.0/24,-10.9.0.0/24 10.10.0.0/24 peer "$PA" allowed-ips 10.9.0.0/24
expect_ips "allowed-ips incremental on a peer removed earlier in the same set" \
	10.3.0.0/24,10.4.0.0/24 +10.11.0.0/16,-10.3.0.0/24 10.11.0.0/16 peer "$PA" remove
expect_ips "allowed-ips moving a prefix from another peer" 10.3.0.0/24 \
	+10.12.0.0/16,-10.3.0.0/24 10.12.0.0/16 peer "$PB" allowed-ips 10.50.0.0/16,10.12.0.0/16
run wgns set wga peer "$PN" allowed-ips +10.5.0.0/16,-10.6.0.0/16
expect_eq "allowed-ips incremental on a peer that does not exist yet" \
	"rc=$RC $(peer_ips | grep "^$PN ")" "rc=0 $PN 10.5.0.0/16"
wgns set wga peer "$PA" allowed-ips 10.12.0.0/16 peer "$PN" allowed-ips 10.11.0.0/16
expect_set "incremental allowed-ips leave the rest of each peer alone" "$IF_CONF
$PB_FULL

[Peer]
PublicKey = $PA
AllowedIPs = 10.12.0.0/16

[Peer]
PublicKey = $PN
AllowedIPs = 10.11.0.0/16" peer "$PA" allowed-ips +10.12.0.0/16,-10.13.0.0/16

# ---- errors: one line, exit 1, the device as it was
BEFORE="$(wgns showconf wga | diff_sort_conf)"
unchanged() {
	expect_eq "$1 changes nothing" "$(wgns showconf wga | diff_sort_conf)" "$BEFORE"
}
# Without a socket, the kernel answers: "No such device" from the module, and without one, the
# netlink family is missing.
NO_DEVICE="Protocol not supported"
netns_kernel_has_wireguard && NO_DEVICE="No such device"
expect_run "set on a missing interface" 1 "" \
	"Unable to modify interface: $NO_DEVICE" wgns set nope listen-port 1
expect_run "incremental allowed-ips on a missing interface" 1 "" \
	"Unable to modify interface: $NO_DEVICE" \
	wgns set nope peer "$PA" allowed-ips +10.0.0.0/8,-10.1.0.0/16
expect_run "show of a missing interface" 1 "" \
	"Unable to access interface: $NO_DEVICE" wgns show nope
expect_run "showconf of a missing interface" 1 "" \
	"Unable to access interface: $NO_DEVICE" wgns showconf nope
# like_original SUFFIX ARGS CMD...: `CMD WG ARGS' (ARGS split into words) exits and complains
# (stderr lines sorted) with our wg as with the original.
like_original() {
	local suffix="$1" args="$2" orig
	shift 2
	# shellcheck disable=SC2086 # the words are the arguments
	run "$@" "$ORIG_WG" $args
	orig="$RC $(sort <<<"$ERR")"
	# shellcheck disable=SC2086
	run "$@" "$WG" $args
	expect_eq "wg $args $suffix" "$RC $(sort <<<"$ERR")" "$orig"
}
if [[ -x $ORIG_WG ]]; then
	for args in "set nope listen-port 1" "show nope" "showconf nope"; do
		like_original "fails like the original" "$args" ip netns exec "$NS"
	done
else
	skip "missing interface like the original" "$ORIG_WG is not installed"
fi

# Arguments that do not parse: nothing is sent.
run wgns set wga listen-port 4000 peer "$PA" allowed-ips 10.0.0.0/33
expect_eq "a bad prefix length fails" "$RC $(wc -l <<<"$ERR")" "1 1"
unchanged "a bad prefix length"
run wgns set wga listen-port 4000 private-key "$KEYS/missing"
expect_eq "a missing key file fails" "$RC $(wc -l <<<"$ERR")" "1 1"
unchanged "a missing key file"

# A value the data plane refuses: a port another interface of the namespace holds. wireguard-go
# applies a request line by line and stops at the failing one; the port line comes before the
# peers, so no peer is added, but the daemon has given up its old port by then (the original
# wg leaves it in the same state). The kernel checks the port before the peers too, and keeps
# the old one.
wgns set wgc listen-port 51900 peer "$PB" allowed-ips 10.60.0.0/16
C_BEFORE="$(wgns showconf wgc | grep -v '^ListenPort = ' | diff_sort_conf)"
expect_run "a port in use is refused" 1 "" "Unable to modify interface: Address already in use" \
	wgns set wgc listen-port 51821 peer "$PA" allowed-ips 10.61.0.0/16
expect_eq "a refused port adds no peer" \
	"$(wgns showconf wgc | grep -v '^ListenPort = ' | diff_sort_conf)" "$C_BEFORE"
if [[ $WG_DATAPLANE == kernel ]]; then
	expect_run "the kernel keeps the old port" 0 51900 "" wgns show wgc listen-port
fi
unchanged "a port refused to another interface"

# No permission: on the socket (EACCES), or for the kernel's netlink commands (EPERM).
DENIED="Permission denied"
[[ $WG_DATAPLANE == kernel ]] && DENIED="Operation not permitted"
nobody=(ip netns exec "$NS" setpriv --reuid=65534 --regid=65534 --clear-groups)
expect_run "show without permission" 1 "" "Unable to access interface: $DENIED" \
	"${nobody[@]}" "$WG" show wga
run "${nobody[@]}" "$WG" show
expect_eq "show all without permission" "rc=$RC $(sort <<<"$ERR")" \
	"rc=1 Unable to access interface wga: $DENIED
Unable to access interface wgc: $DENIED"
expect_run "set without permission" 1 "" "Unable to modify interface: $DENIED" \
	"${nobody[@]}" "$WG" set wga listen-port 4000 peer "$PA" remove
if [[ -x $ORIG_WG ]]; then
	for args in "show wga" "show" "set wga listen-port 4000"; do
		like_original "without permission fails like the original" "$args" "${nobody[@]}"
	done
fi
unchanged "set without permission"

# A configuration whose last line is wrong applies nothing, whichever command reads it.
bad_conf() {
	printf '[Interface]\nListenPort = 4000\nPrivateKey = %s\n\n[Peer]\nPublicKey = %s\n' \
		"$(netns_genkey)" "$PN"
	printf 'AllowedIPs = 10.70.0.0/16\n%s\n' "$1"
}
bad_conf "Bogus = 1" >"$KEYS/bad1.conf"
bad_conf "PresharedKey = xyz" >"$KEYS/bad2.conf"
bad_conf "PersistentKeepalive = 65536" >"$KEYS/bad3.conf"
PEER_KEYS="PublicKey, PresharedKey, AllowedIPs, Endpoint or PersistentKeepalive"
expect_run "setconf with a bad last line" 1 "" \
	"$KEYS/bad1.conf:8: Unknown key \`Bogus' in [Peer]: expected $PEER_KEYS" \
	wgns setconf wga "$KEYS/bad1.conf"
unchanged "setconf with a bad last line"
expect_run "addconf with a bad last line" 1 "" \
	"$KEYS/bad2.conf:8: Key is not the correct length or format: \`xyz'" \
	wgns addconf wga "$KEYS/bad2.conf"
unchanged "addconf with a bad last line"
expect_run "syncconf with a bad last line" 1 "" \
	"$KEYS/bad3.conf:8: Persistent keepalive must be \`off' or seconds from 0 to 65535: \`65536'" \
	wgns syncconf wga "$KEYS/bad3.conf"
unchanged "syncconf with a bad last line"

finish
