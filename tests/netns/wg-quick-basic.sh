#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/netns/wg-quick-basic.sh: wg-quick up/down of the seed example with its exact [#] lines,
# strip, argument and name validation, and the world-readable warning.

. "$(dirname "$0")/../lib/test.sh"
. "$TESTS_DIR/lib/netns.sh"
. "$TESTS_DIR/lib/wg-quick-lib.sh"
wq_setup "$@"

wq_single || { fail "setup" "could not build the namespace"; finish; }
CONF="$(wq_conf wg0 "[Interface]
PrivateKey = $KEY
Address = 10.10.11.10/24

[Peer]
PublicKey = $PEER
AllowedIPs = 10.10.11.0/24, 10.10.10.0/24")"

# --- up: the seed example -------------------------------------------------------------------
wq "$NS" up "$CONF"
expect_eq "up exits 0" "$RC" 0
expect_eq "up prints the seed's [#] lines" "$(wq_log)" "$(wq_link_lines wg0)
[#] wg setconf wg0 /dev/fd/63
[#] ip -4 address add 10.10.11.10/24 dev wg0
[#] ip link set mtu 1420 up dev wg0
[#] ip -4 route add 10.10.10.0/24 dev wg0"
expect_eq "only the uncovered prefix gets a route" "$(ip -n "$NS" -4 route show dev wg0)" \
	"10.10.10.0/24 scope link 
10.10.11.0/24 proto kernel scope link src 10.10.11.10 "
expect_eq "the link is up with MTU 1420" \
	"$(ip -n "$NS" -o link show dev wg0 | grep -o -e 'mtu [0-9]*' -e ',UP,')" ",UP,
mtu 1420"
expect_eq "the peer is configured" "$(wq_wg "$NS" show wg0 allowed-ips)" \
	"$PEER	10.10.11.0/24 10.10.10.0/24"

wq "$NS" up "$CONF"
expect_eq "up refuses an existing interface" "$RC $ERR" "1 wg-quick: \`wg0' already exists"

# --- strip ------------------------------------------------------------------------------------
STRIP_CONF="$(wq_conf strip0 "# a comment stays
[Interface] # so does this one
PrivateKey = $KEY
Address = 10.0.0.1/24, fd00::1/64
dns = 10.0.0.53, example.com
MTU = 1380
Table = off
PreUp = echo pre %i # kept by bash
PostUp = echo post
PreDown = true
PostDown = true
SaveConfig = false
ListenPort = 51820

[Peer]
PublicKey = $PEER
Address = 10.9.9.9/32
AllowedIPs = 10.0.0.2/32")"
wq "$NS" strip "$STRIP_CONF"
expect_eq "strip drops wg-quick's keys, keeps the rest verbatim" "$RC|$OUT|$ERR" \
	"0|# a comment stays
[Interface] # so does this one
PrivateKey = $KEY
ListenPort = 51820

[Peer]
PublicKey = $PEER
Address = 10.9.9.9/32
AllowedIPs = 10.0.0.2/32|"
# run drops final newlines: strip ends with an empty line, like the original.
OUT_BYTES="$(ip netns exec "$NS" "$WQ_BIN/wg-quick" strip "$STRIP_CONF" | tail -c 2 | od -An -c)"
expect_eq "strip ends with an empty line" "$OUT_BYTES" "  \n  \n"

# --- down -------------------------------------------------------------------------------------
wq "$NS" down "$CONF"
expect_eq "down deletes the link" "$RC|$(wq_log)" "0|[#] ip link delete dev wg0"
expect_eq "the link is gone" "$(ip -n "$NS" link show dev wg0 2>&1)" 'Device "wg0" does not exist.'
wq_daemon_gone "wireguard-go exits with its TUN device" wg0
wq "$NS" down "$CONF"
expect_eq "down refuses a missing interface" "$RC $ERR" \
	"1 wg-quick: \`wg0' is not a WireGuard interface"

# --- arguments and names ----------------------------------------------------------------------
run "$WG_QUICK"
check "no arguments: usage on stderr, exit 1" test "$RC" = 1 -a -z "$OUT" -a -n "$ERR"
[[ $ERR == Usage:* ]] || fail "usage text" "stderr starts with: ${ERR:0:40}"
run "$WG_QUICK" --help
check "--help: usage, exit 0" test "$RC" = 0 -a -z "$OUT" -a "${ERR:0:6}" = Usage:
run "$WG_QUICK" sideways wg0
check "unknown command: exit 1" test "$RC" = 1 -a "${ERR:0:6}" = Usage:
run "$WG_QUICK" up wg0 extra
check "three arguments: exit 1" test "$RC" = 1 -a "${ERR:0:6}" = Usage:
expect_run "a name means /etc/wireguard/NAME.conf" 1 "" \
	"wg-quick: \`/etc/wireguard/no-such-wgq9.conf' does not exist" \
	"$WG_QUICK" strip no-such-wgq9
expect_run "a 16-character name is a path" 1 "" \
	"wg-quick: \`abcdefghijklmnop' does not exist" "$WG_QUICK" strip abcdefghijklmnop
touch "$WQ_CONF/bad@name.conf" "$WQ_CONF/abcdefghijklmnop.conf" "$WQ_CONF/wg1.txt"
for f in bad@name.conf abcdefghijklmnop.conf wg1.txt; do
	expect_run "file name $f is refused" 1 "" "wg-quick: \`$WQ_CONF/$f' must be named \
INTERFACE.conf, INTERFACE being 1 to 15 of [a-zA-Z0-9_=+.-]" "$WG_QUICK" strip "$WQ_CONF/$f"
done
BOOL_CONF="$(wq_conf wg2 "[Interface]
SaveConfig = yes")"
expect_run "SaveConfig must be a boolean" 1 "" \
	"wg-quick: $BOOL_CONF:2: SaveConfig \`yes' is neither true nor false" \
	"$WG_QUICK" up "$BOOL_CONF"

# --- permissions ------------------------------------------------------------------------------
BOOL_CONF="$(wq_conf wg2 "[Interface]
SaveConfig = TRUE")"
expect_run "a private file draws no warning" 0 "[Interface]" "" "$WG_QUICK" strip "$BOOL_CONF"
chmod 0644 "$BOOL_CONF"
expect_run "a file in a private directory draws no warning" 0 "[Interface]" "" \
	"$WG_QUICK" strip "$BOOL_CONF"
chmod 0755 "$WQ_CONF"
expect_run "a world-readable file draws a warning" 0 "[Interface]" \
	"Warning: \`$BOOL_CONF' is world accessible" "$WG_QUICK" strip "$BOOL_CONF"
chmod 0700 "$WQ_CONF"

# --- the userspace fallback -------------------------------------------------------------------
((!WQ_KERNEL)) || finish
WG_QUICK_USERSPACE_IMPLEMENTATION=no-such-daemon-wgq wq "$NS" up "$CONF"
expect_eq "no kernel module and no userspace daemon: fails" "$RC|$(tail -n 1 <<<"$ERR")" \
	"1|wg-quick: no WireGuard kernel module, and no userspace implementation \
\`no-such-daemon-wgq' on PATH"
check "nothing is left behind" test -z "$(ip -n "$NS" link show dev wg0 2>/dev/null)"

finish
