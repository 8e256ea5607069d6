#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/netns/wg-quick-dns.sh: DNS goes through resolvconf (a stub that records its calls): name
# servers and search domains on up, removal on down, the interface-order prefix, and none of
# it for a configuration without name servers.

. "$(dirname "$0")/../lib/test.sh"
. "$TESTS_DIR/lib/netns.sh"
. "$TESTS_DIR/lib/wg-quick-lib.sh"
wq_setup "$@"

wq_single || { fail "setup" "could not build the namespace"; finish; }
dns_conf() {
	wq_conf wg0 "[Interface]
PrivateKey = $KEY
Address = 10.10.11.10/24
$1

[Peer]
PublicKey = $PEER
AllowedIPs = 10.10.10.0/24"
}
LOG="$STUB_RESOLVCONF_DIR/log"

CONF="$(dns_conf "DNS = 10.0.0.53, fd00::53,example.com
dns=corp.test 10.0.0.54")"
: >"$LOG"
wq "$NS" up "$CONF"
check "up with DNS" test "$RC" = 0
expect_eq "up hands servers and search domains to resolvconf" "$(cat "$LOG")" \
	"resolvconf -a wg0 -m 0 -x
  nameserver 10.0.0.53
  nameserver fd00::53
  nameserver 10.0.0.54
  search example.com corp.test"
expect_eq "resolvconf runs after the link is up, before the routes" \
	"$(wq_log | grep -A 1 -B 1 resolvconf)" "[#] ip link set mtu 1420 up dev wg0
[#] resolvconf -a wg0 -m 0 -x
[#] ip -4 route add 10.10.10.0/24 dev wg0"
: >"$LOG"
wq "$NS" down "$CONF"
check "down with DNS" test "$RC" = 0
expect_eq "down removes the record" "$(cat "$LOG")" "resolvconf -d wg0 -f"

CONF="$(dns_conf "DNS = example.com")"
: >"$LOG"
wq "$NS" up "$CONF"
wq "$NS" down "$CONF"
expect_eq "search domains without a server: no record" "$RC|$(grep -v -e '-l wg0$' "$LOG")" "0|"

# The interface-order prefix, in a private copy of /etc.
mkdir -p "$NETNS_TMP/etc-upper" "$NETNS_TMP/etc-work"
modprobe -q overlay 2>/dev/null
LAYERS="lowerdir=/etc,upperdir=$NETNS_TMP/etc-upper,workdir=$NETNS_TMP/etc-work"
if ! mount -t overlay wg-test-etc -o "$LAYERS" /etc; then
	skip "interface-order" "could not overlay /etc"
	finish
fi
mkdir -p /etc/resolvconf
printf '%s\n' 'lo.inet*' '# comment' 'tun*' 'wg*' >/etc/resolvconf/interface-order
CONF="$(dns_conf "DNS = 10.0.0.53")"
: >"$LOG"
wq "$NS" up "$CONF"
wq "$NS" down "$CONF"
expect_eq "interface-order's first NAME* line makes the prefix" "$(cat "$LOG")" \
	"resolvconf -a tun.wg0 -m 0 -x
  nameserver 10.0.0.53
resolvconf -d tun.wg0 -f"

# systemd-resolved's resolvconf is a symlink and knows no interface-order.
mv "$WQ_BIN/resolvconf" "$NETNS_TMP/resolvconf-stub"
ln -s "$NETNS_TMP/resolvconf-stub" "$WQ_BIN/resolvconf"
: >"$LOG"
wq "$NS" up "$CONF"
wq "$NS" down "$CONF"
expect_eq "a symlinked resolvconf gets the bare name" "$(cat "$LOG")" \
	"resolvconf -a wg0 -m 0 -x
  nameserver 10.0.0.53
resolvconf -d wg0 -f"
umount /etc

finish
