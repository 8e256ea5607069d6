#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/netns/wg-quick-save.sh: SaveConfig writes the running state back on down, as an edit of
# the file (its comments and layout stay; tests/netns/wg-quick-save-edit.sh has the details);
# the saved file brings the same state back; save replaces the file atomically (mode 0600, no
# partial file even when killed or when the rename fails) and leaves an unchanged file alone.

. "$(dirname "$0")/../lib/test.sh"
. "$TESTS_DIR/lib/netns.sh"
. "$TESTS_DIR/lib/wg-quick-lib.sh"
wq_setup "$@"

netns_new NS
PEER1="$(netns_genkey | netns_pubkey)"
PEER2="$(netns_genkey | netns_pubkey)"
# Saved as they were read, %i and comments included.
KEPT="Table = auto
SaveConfig = true
PreUp = true %i
PostUp = echo up %i # with a comment
PreDown = true
PostDown = echo down %i"
PRIVATE="$(netns_genkey)"
CONF="$(wq_conf wg0 "# this comment stays
[Interface]
PrivateKey = $PRIVATE
Address = 10.10.11.10/24, fd00::1/64
DNS = 10.0.0.53, example.com
MTU = 1400
$KEPT

[Peer]
PublicKey = $PEER1
AllowedIPs = 10.10.10.0/24")"

wq "$NS" up "$CONF"
check "up" test "$RC" = 0
# Changes made at run time, which save must catch.
wq_wg "$NS" set wg0 peer "$PEER2" allowed-ips 10.10.20.0/24 endpoint 192.0.2.9:51820
ip -n "$NS" address add 10.10.12.1/24 dev wg0
ip -n "$NS" link set mtu 1380 dev wg0
SHOWCONF="$(wq_wg "$NS" showconf wg0)"
# the port chosen at random is saved, as the original saves it
PORT="$(wq_wg "$NS" show wg0 listen-port)"
INODE="$(stat -c %i "$CONF")"

wq "$NS" down "$CONF"
check "down with SaveConfig" test "$RC" = 0
expect_eq "down saves first" "$(wq_log | head -n 2)" "[#] true
[#] wg showconf wg0"
expect_eq "the saved file: the running state, edited into the file" "$(cat "$CONF")" \
"# this comment stays
[Interface]
PrivateKey = $PRIVATE
Address = 10.10.11.10/24, fd00::1/64, 10.10.12.1/24
DNS = 10.0.0.53, example.com
MTU = 1380
$KEPT
ListenPort = $PORT

[Peer]
PublicKey = $PEER1
AllowedIPs = 10.10.10.0/24

[Peer]
PublicKey = $PEER2
AllowedIPs = 10.10.20.0/24
Endpoint = 192.0.2.9:51820"
expect_eq "the saved file is private" "$(stat -c %a "$CONF")" 600
check "the file was replaced, not rewritten" test "$(stat -c %i "$CONF")" != "$INODE"
expect_eq "no temporary file is left" "$(ls -A "$WQ_CONF")" "wg0.conf"
SAVED="$(cat "$CONF")"

wq "$NS" up "$CONF"
check "the saved file comes up" test "$RC" = 0
expect_eq "with the same wg configuration" \
	"$(wq_wg "$NS" showconf wg0 | wq_canon_conf)" "$(wq_canon_conf <<<"$SHOWCONF")"
expect_eq "with the same addresses" "$(wq_addrs "$NS" wg0)" \
	"10.10.11.10/24
10.10.12.1/24
fd00::1/64"
expect_eq "with the same MTU" "$(wq_mtu "$NS" wg0)" "mtu 1380"
expect_eq "with a route for the new peer" "$(ip -n "$NS" -4 route show dev wg0 10.10.20.0/24)" \
	"10.10.20.0/24 scope link "
MTIME="$(stat -c %Y.%i "$CONF")"
sleep 1
wq "$NS" save "$CONF"
expect_eq "save of the same state leaves the file alone" \
	"$RC|$(wq_log)|$(cat "$CONF")|$(stat -c %Y.%i "$CONF")" \
	"0|[#] wg showconf wg0|$SAVED|$MTIME"

# A save killed before its rename leaves the old file whole.
KILLBIN="$NETNS_TMP/killbin"
mkdir "$KILLBIN"
cp -P "$WQ_BIN"/* "$KILLBIN/"
printf '#!/bin/bash\nkill -KILL $PPID\n' >"$KILLBIN/sync"
chmod +x "$KILLBIN/sync"
echo "# marker" >>"$CONF"
BEFORE="$(cat "$CONF")"
# something to save
wq_wg "$NS" set wg0 peer "$PEER2" persistent-keepalive 7
run bash -c 'ip netns exec "$1" "$2" save "$3"; exit $?' - "$NS" "$KILLBIN/wg-quick" "$CONF"
check "a killed save fails" test "$RC" != 0
expect_eq "... and leaves the file as it was" "$(cat "$CONF")" "$BEFORE"
rm -f "$WQ_CONF"/.wg0.conf.*

# A save whose flush fails cleans up its temporary file, and says the file is as it was.
printf '#!/bin/bash\nexit 1\n' >"$KILLBIN/sync"
run ip netns exec "$NS" "$KILLBIN/wg-quick" save "$CONF"
LAST="$(tail -n 1 <<<"$ERR" | sed 's/\.wg0\.conf\.[^/]*\x27/.wg0.conf.XXXXXX\x27/')"
expect_eq "a failed save says so" "$RC|$LAST" \
	"1|wg-quick: could not flush \`$WQ_CONF/.wg0.conf.XXXXXX' to disk; \`$CONF' is as it was"
expect_eq "... leaves the file as it was, and no temporary file" \
	"$(cat "$CONF")|$(ls -A "$WQ_CONF")" \
	"$BEFORE|wg0.conf"

wq "$NS" down "$CONF"
check "down" test "$RC" = 0

finish
