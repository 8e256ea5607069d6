#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/vm/guest/90-wg-100k.sh: in the VM, 100,000 peers on one kernel interface: our wg setconf
# of peers with a preshared key, an endpoint, a keepalive and three allowed IPs each, read back
# exactly through our showconf and dump, both identical byte for byte to the original's.
#
# The interface stays down (no keepalive leaves) and is never deleted: tearing down 100,000
# peers takes minutes under emulation, and the VM powers off after the last test anyway.

# shellcheck source-path=SCRIPTDIR source=../guest-lib.sh
. "$(dirname "$0")/../guest-lib.sh"
vm_setup "$@"
vm_require_ours

PEERS="${WGC_VM_BIG_PEERS:-100000}"
IFNAME=wgbig0
BIG="$NETNS_TMP/big"
mkdir -p "$BIG"

# Writes the configuration (big.conf, in showconf's layout and order) and the dump expected of
# it (expected.dump). Peer i has the keys A...i and B...i (canonical base64 of 32 bytes),
# allowed IPs 10.x.y.z/32, fd00:h:l::/64 and fd01::h:l/128, an IPv4 or IPv6 endpoint and a
# keepalive from 1 to 100. h and l are never 0, so the text is the canonical one inet_ntop
# prints. awk because starting a process per peer would take hours in the emulated VM.
generate() {
	awk -v peers="$PEERS" -v conf="$BIG/big.conf" -v dump="$BIG/expected.dump" '
	BEGIN {
		# 36 letters, 6 digits and a letter whose low bits are 0: a canonical key
		a36 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		b36 = a36
		gsub(/A/, "B", b36)
		printf "[Interface]\nListenPort = 51820\n" > conf
		printf "(none)\t(none)\t51820\toff\n" > dump
		for (i = 0; i < peers; ++i) {
			key = sprintf("%s%06dA=", a36, i)
			psk = sprintf("%s%06dA=", b36, i)
			h = int(i / 32768) + 1
			l = i % 32768 + 1
			ips = sprintf("10.%d.%d.%d/32, fd00:%x:%x::/64, fd01::%x:%x/128",
				int(i / 65536), int(i / 256) % 256, i % 256, h, l, h, l)
			if (i % 2)
				endpoint = sprintf("192.0.2.%d:%d", i % 256, 1 + i % 65535)
			else
				endpoint = sprintf("[2001:db8::%x]:%d", l, 1 + i % 65535)
			keepalive = 1 + i % 100
			printf "\n[Peer]\nPublicKey = %s\nPresharedKey = %s\nAllowedIPs = %s\n" \
				"Endpoint = %s\nPersistentKeepalive = %d\n",
				key, psk, ips, endpoint, keepalive > conf
			gsub(/, /, ",", ips)
			printf "%s\t%s\t%s\t%s\t0\t0\t0\t%d\n", key, psk, endpoint, ips,
				keepalive > dump
		}
	}'
}

# timed NAME CMD...: runs CMD, prints how long it took as a comment on the test's own output
# (descriptor 3), whatever CMD's output is redirected to.
exec 3>&1
timed() {
	local name="$1" start=$SECONDS rc
	shift
	"$@"
	rc=$?
	echo "# $name: $((SECONDS - start)) s" >&3
	return "$rc"
}

# same NAME EXPECTED_FILE ACTUAL_FILE: byte for byte, else the first differences.
same() {
	if cmp -s "$2" "$3"; then
		pass "$1"
	else
		fail "$1" "$(basename "$3") differs from $(basename "$2")"
		diff "$2" "$3" | head -10 | sed 's/^/#   /'
	fi
}

if ! timed "generating $PEERS peers" generate; then
	fail generate "awk could not write the configuration"
	finish
fi
if ! ip link add "$IFNAME" type wireguard; then
	fail setup "could not create $IFNAME"
	finish
fi

timed "our setconf" "$WG" setconf "$IFNAME" "$BIG/big.conf" >"$BIG/setconf.out" 2>&1
rc=$?
expect_eq "setconf of $PEERS peers" "rc=$rc $(<"$BIG/setconf.out")" "rc=0 "
timed "our showconf" "$WG" showconf "$IFNAME" >"$BIG/ours.conf"
same "showconf reads the $PEERS peers back exactly" "$BIG/big.conf" "$BIG/ours.conf"
timed "our dump" "$WG" show "$IFNAME" dump >"$BIG/ours.dump"
same "show dump reads the $PEERS peers back exactly" "$BIG/expected.dump" "$BIG/ours.dump"
timed "the original's dump" "$ORIG_WG" show "$IFNAME" dump >"$BIG/orig.dump"
same "show dump is the original's byte for byte" "$BIG/orig.dump" "$BIG/ours.dump"
timed "the original's showconf" "$ORIG_WG" showconf "$IFNAME" >"$BIG/orig.conf"
same "showconf is the original's byte for byte" "$BIG/orig.conf" "$BIG/ours.conf"
finish
