#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/netns/wg-quick-rollback.sh: an up that fails part way (a failing PostUp, a bad Address,
# a failing resolvconf, a signal) undoes everything it did, last step first, and exits non-zero:
# no link, address, route, rule, firewall table, DNS record or sysctl change stays behind.

. "$(dirname "$0")/../lib/test.sh"
. "$TESTS_DIR/lib/netns.sh"
. "$TESTS_DIR/lib/wg-quick-lib.sh"
wq_setup "$@"

wq_single || { fail "setup" "could not build the namespace"; finish; }
ip -n "$NS" link add veth-a type veth peer name veth-b
ip -n "$NS" address add 192.168.241.1/24 dev veth-a
ip -n "$NS" link set veth-a up
ip netns exec "$NS" sysctl -q net.ipv4.conf.all.src_valid_mark=0
LOG="$STUB_RESOLVCONF_DIR/log"
conf() {
	wq_conf wg0 "[Interface]
PrivateKey = $KEY
Address = 10.10.11.10/24, fd00::1/64
DNS = 10.0.0.53
$1

[Peer]
PublicKey = $PEER
Endpoint = 192.168.241.2:51820
AllowedIPs = 0.0.0.0/0, ::/0"
}
BASELINE="$(wq_state "$NS")"

# Asserts that nothing of wg0 is left and that the record went away.
expect_clean() {
	wq_expect_state "$1: nothing is left" "$NS" "$BASELINE"
	expect_eq "$1: src_valid_mark is back" \
		"$(ip netns exec "$NS" sysctl -n net.ipv4.conf.all.src_valid_mark)" 0
	expect_eq "$1: no DNS record stays" "$(ls -A "$STUB_RESOLVCONF_DIR/records")" ""
	wq_daemon_gone "$1: the userspace daemon is gone" wg0
}

: >"$LOG"
wq "$NS" up "$(conf "PostUp = true
PostUp = false")"
check "a failing PostUp fails up" test "$RC" != 0
expect_eq "undo runs backwards from the last step" "$(wq_log | sed -n '/^\[#\] false$/,$p')" \
"[#] false
[#] nft -f /dev/fd/63
[#] sysctl -q net.ipv4.conf.all.src_valid_mark=0
[#] ip -4 rule delete table 51820 pref 32765
[#] ip -4 rule delete table main suppress_prefixlength 0 pref 32764
[#] nft -f /dev/fd/63
[#] ip -6 rule delete table 51820 pref 32765
[#] ip -6 rule delete table main suppress_prefixlength 0 pref 32764
[#] resolvconf -d wg0 -f
[#] ip link delete dev wg0"
expect_eq "the DNS record was added, then removed" "$(grep -o '^resolvconf -[ad] [^ ]*' "$LOG")" \
	"resolvconf -a wg0
resolvconf -d wg0"
expect_clean "failing PostUp"

wq "$NS" up "$(conf "Address = 10.10.11.300/24")"
check "a bad Address fails up" test "$RC" != 0
expect_eq "a bad Address stops up at its address" "$(wq_log | tail -n 2)" \
	"[#] ip -4 address add 10.10.11.300/24 dev wg0
[#] ip link delete dev wg0"
expect_clean "bad Address"

STUB_RESOLVCONF_FAIL=1 wq "$NS" up "$(conf "")"
check "a failing resolvconf fails up" test "$RC" != 0
expect_clean "failing resolvconf"

wq "$NS" up "$(conf 'PostUp = kill -TERM $$')"
expect_eq "a signal stops up with its status" "$RC" 143
expect_clean "SIGTERM"

# A key wg(8) refuses: the message names the configuration file and the line in it, although wg
# reads the configuration through /dev/fd without wg-quick's own keys.
BAD="$(conf "ListenPort = 70000")"
wq "$NS" up "$BAD"
check "a bad ListenPort fails up" test "$RC" != 0
expect_eq "wg's message names the file and its line" "$(grep -F "$BAD" <<<"$ERR")" \
	"$BAD:5: Port must be a number from 0 to 65535: \`70000'"
expect_clean "bad ListenPort"

wq "$NS" up "$(conf "PreUp = false")"
expect_eq "a failing PreUp (run once the link exists) deletes the link again" "$RC|$(wq_log)" \
	"1|$(wq_link_lines wg0)
[#] false
[#] ip link delete dev wg0"
expect_clean "failing PreUp"

finish
