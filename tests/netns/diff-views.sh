#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/netns/diff-views.sh: our wg and the original read the same WireGuard interfaces
# (wireguard-go or the kernel's, see netns_use_dataplane) and must print byte-identical views:
# pretty (colour off and on, keys hidden and shown, on a terminal unless DIFF_VIEWS_TTY=0),
# dump, showconf, every single field, interfaces, errors for a missing interface, and pubkey.
# Deliberate difference: `show all endpoints' names the interface on every line, as upstream
# does; that view is checked on its own.
#
# DIFF_VIEWS_TTY=0 leaves out the views on a pseudo-terminal (they need script(1)): the test VM
# has no script(1), and what a terminal changes does not depend on the data plane.
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
[[ ${DIFF_VIEWS_TTY:-1} == 0 ]] || require_cmd script
if [[ ! -x $ORIG_WG ]]; then
	skip "$TEST_FILE" "the original wg ($ORIG_WG) is not installed"
	exit 0
fi
netns_private_rundir "$@"
diff_setup || exit 1

# wgd lives in a namespace with no routes at all, so its peers can send nothing: their
# transfer counters stay 0 while the two programs read them.
if ! tunnel_setup || ! netns_wg_start "$TUN_A" wgc || ! netns_new NS_D ||
	! netns_wg_start "$NS_D" wgd; then
	fail setup "could not create the namespaces and interfaces"
	finish
fi
CONF="$NETNS_TMP/conf"
mkdir -m 0700 "$CONF"

# wga: the connected peer B, and two peers without endpoints (so without traffic).
P_NONE="$(netns_genkey | netns_pubkey)" P_QUIET="$(netns_genkey | netns_pubkey)"
cat >"$CONF/wga.conf" <<EOF
[Interface]
PrivateKey = $TUN_KEY_A
ListenPort = 51820
FwMark = 0x1234

[Peer]
PublicKey = $TUN_PUB_B
PresharedKey = $TUN_PSK
AllowedIPs = 10.77.0.2/32, fd77::2/128
Endpoint = 198.51.100.2:51821

[Peer]
PublicKey = $P_NONE

[Peer]
PublicKey = $P_QUIET
PresharedKey = $(netns_genpsk)
AllowedIPs = 10.78.0.0/16
EOF
cat >"$CONF/wgb.conf" <<EOF
[Interface]
PrivateKey = $TUN_KEY_B
ListenPort = 51821

[Peer]
PublicKey = $TUN_PUB_A
PresharedKey = $TUN_PSK
AllowedIPs = 10.77.0.1/32, fd77::1/128
EOF
many=""
for ((i = 0; i < 24; ++i)); do
	many+="10.$((100 + i)).$i.0/24, 2001:db8:$i::/48, "
done
P_D=()
for ((i = 0; i < 7; ++i)); do
	P_D+=("$(netns_genkey | netns_pubkey)")
done
cat >"$CONF/wgd.conf" <<EOF
[Interface]
PrivateKey = $(netns_genkey)
ListenPort = 51999
FwMark = 4294967295

[Peer]
PublicKey = ${P_D[0]}
PresharedKey = $(netns_genpsk)
Endpoint = 192.0.2.1:51820
PersistentKeepalive = 25
AllowedIPs = 10.10.0.0/16

[Peer]
PublicKey = ${P_D[1]}
Endpoint = [2001:db8::5]:123
PersistentKeepalive = 3725
AllowedIPs = ${many}0.0.0.0/0, ::/0

[Peer]
PublicKey = ${P_D[2]}
PresharedKey = $(netns_genpsk)
Endpoint = [::ffff:192.0.2.7]:9
AllowedIPs = 192.0.2.7/32

[Peer]
PublicKey = ${P_D[3]}
Endpoint = [fe80::1%lo]:51000
AllowedIPs = fe80::/64

[Peer]
PublicKey = ${P_D[4]}

[Peer]
PublicKey = ${P_D[5]}
PersistentKeepalive = 65535
Endpoint = 203.0.113.255:65535
AllowedIPs = 192.0.2.128/25

[Peer]
PublicKey = ${P_D[6]}
PersistentKeepalive = 1
AllowedIPs = 2001:db8:ffff::1/128
EOF
check "setconf wga" ip netns exec "$TUN_A" "$WG" setconf wga "$CONF/wga.conf"
check "setconf wgb" ip netns exec "$TUN_B" "$WG" setconf wgb "$CONF/wgb.conf"
check "setconf wgd" ip netns exec "$NS_D" "$WG" setconf wgd "$CONF/wgd.conf"
# Large pings: transfer counts in KiB. Then no more traffic (no keepalives on wga and wgb).
if ! tunnel_up || ! tunnel_ping "$TUN_A" 10.77.0.2 -s 1300 ||
	! tunnel_ping "$TUN_B" fd77::1 -s 1300 || ! tunnel_handshake "$TUN_A" wga "$TUN_PUB_B" ||
	! tunnel_handshake "$TUN_B" wgb; then
	fail setup "no handshake between wga and wgb"
	finish
fi

# Where the views are read: "NAMESPACE NAME IFNAME..." per group. wireguard-go's sockets are
# visible from every namespace, so TUN_A sees all four; a kernel interface only from its own.
if [[ $WG_DATAPLANE == kernel ]]; then
	VIEW_GROUPS=("$TUN_A a wga wgc" "$TUN_B b wgb" "$NS_D d wgd")
else
	VIEW_GROUPS=("$TUN_A a wga wgb wgc wgd")
fi
FIELDS=(public-key private-key listen-port fwmark peers preshared-keys endpoints allowed-ips
	latest-handshakes transfer persistent-keepalive dump)

# compare_group TAG VIEWS NS NAME IFNAME...: compare_views for the interfaces of namespace NS;
# the views of all interfaces at once are named after NAME when there is more than one group.
compare_group() {
	local tag="$1" views="$2" ifname field in=""
	DIFF_NS="$3"
	[[ ${#VIEW_GROUPS[@]} -eq 1 ]] || in=" (in $4)"
	shift 4
	diff_check "$tag: wg$in"
	diff_check "$tag: show$in" show
	diff_check "$tag: show all$in" show all
	for ifname; do
		diff_check "$tag: show $ifname" show "$ifname"
	done
	[[ $views == all ]] || return 0
	diff_check "$tag: show interfaces$in" show interfaces
	for ifname; do
		diff_check "$tag: showconf $ifname" showconf "$ifname"
		for field in "${FIELDS[@]}"; do
			diff_check "$tag: show $ifname $field" show "$ifname" "$field"
		done
	done
	for field in "${FIELDS[@]}"; do
		[[ $field == endpoints ]] && continue
		diff_check "$tag: show all $field$in" show all "$field"
	done
}

# compare_views TAG [all]: the pretty views of every interface under DIFF_ENV; with `all',
# every other view too (the variables must not change those).
compare_views() {
	local group
	for group in "${VIEW_GROUPS[@]}"; do
		# shellcheck disable=SC2086 # the words of a group are the arguments
		compare_group "$1" "${2:-}" $group
	done
	DIFF_NS="$TUN_A"
}

DIFF_ENV=()
compare_views plain all
DIFF_ENV=(WG_COLOR_MODE=never)
compare_views "WG_COLOR_MODE=never"
DIFF_ENV=(WG_HIDE_KEYS=never)
compare_views "WG_HIDE_KEYS=never"
DIFF_ENV=(WG_COLOR_MODE=always)
compare_views "WG_COLOR_MODE=always"
DIFF_ENV=(WG_COLOR_MODE=always WG_HIDE_KEYS=never)
compare_views "WG_COLOR_MODE=always WG_HIDE_KEYS=never" all
DIFF_ENV=()

# Colour by default on a terminal: `script' gives both a pseudo-terminal.
if [[ ${DIFF_VIEWS_TTY:-1} != 0 ]]; then
	DIFF_TTY=1
	compare_views "on a terminal"
	DIFF_ENV=(WG_COLOR_MODE=never)
	compare_views "on a terminal, WG_COLOR_MODE=never"
	DIFF_TTY=""
	DIFF_ENV=()
fi

# Errors and odd arguments. Deliberate difference: our show usage also offers `json'.
SHOW_USAGE="Usage: wg show { <interface> | all | interfaces } [public-key | private-key | \
listen-port | fwmark | peers | preshared-keys | endpoints | allowed-ips | latest-handshakes | \
transfer | persistent-keepalive | dump"
expect_run "our show usage offers json too" 1 "" "$SHOW_USAGE | json]" \
	diff_exec ours show interfaces extra
DIFF_OURS_FILTER='s/^\(Usage: wg show .*\) | json]$/\1]/'
for args in "show nope" "showconf nope" "show nope dump" "show nope public-key" \
	"set nope listen-port 1" "show wga bogus" "show all bogus" "show wga dump extra" \
	"show interfaces extra" "showconf" "showconf wga extra"; do
	# shellcheck disable=SC2086 # the words are the arguments
	diff_check "error: wg $args" $args
done
DIFF_OURS_FILTER=""

# pubkey on good and bad input.
KEYFILE="$NETNS_TMP/key"
DIFF_STDIN="$KEYFILE"
check_pubkey() {
	printf '%b' "$2" >"$KEYFILE"
	diff_check "pubkey: $1" pubkey
}
check_pubkey "generated key" "$(netns_genkey)\n"
check_pubkey "all-zero key" 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n'
check_pubkey "unclamped key" '////////////////////////////////////////////8=\n'
check_pubkey "no newline" "$(netns_genkey)"
check_pubkey "trailing spaces and NUL" "$(netns_genkey) \t\0\n\n"
check_pubkey "trailing garbage" "$(netns_genkey)x\n"
check_pubkey "short" 'AAAA\n'
check_pubkey "empty" ''
check_pubkey "not canonical" '////////////////////////////////////////////9=\n'
check_pubkey "leading space" " $(netns_genkey)\n"
DIFF_STDIN=/dev/null

# show all endpoints: the interface name on every line (upstream), one line per peer.
# wireguard-go keeps no scope on an IPv6 endpoint, whichever wg set it; the kernel keeps it.
endpoint_lines() {
	local scoped='[fe80::1]:51000'
	[[ $WG_DATAPLANE == kernel ]] && scoped='[fe80::1%lo]:51000'
	printf 'wga\t%s\t198.51.100.2:51821\n' "$TUN_PUB_B"
	printf 'wga\t%s\t(none)\n' "$P_NONE" "$P_QUIET"
	printf 'wgb\t%s\t198.51.100.1:51820\n' "$TUN_PUB_A"
	printf 'wgd\t%s\t%s\n' "${P_D[0]}" 192.0.2.1:51820 "${P_D[1]}" '[2001:db8::5]:123' \
		"${P_D[2]}" '[::ffff:192.0.2.7]:9' "${P_D[3]}" "$scoped" \
		"${P_D[4]}" '(none)' "${P_D[5]}" 203.0.113.255:65535 "${P_D[6]}" '(none)'
}
# all_endpoints: `show all endpoints' of every group, each status followed by its lines.
# shellcheck disable=SC2317 # called through run
all_endpoints() {
	local group
	for group in "${VIEW_GROUPS[@]}"; do
		DIFF_NS="${group%% *}"
		diff_exec ours show all endpoints
		echo "rc=$?"
	done
	DIFF_NS="$TUN_A"
}
run all_endpoints
expect_eq "show all endpoints names the interface on every line" "$(sort <<<"$OUT")" \
	"$( (endpoint_lines && printf 'rc=0\n%.0s' "${VIEW_GROUPS[@]}") | sort)"

finish
