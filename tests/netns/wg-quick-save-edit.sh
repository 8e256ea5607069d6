#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/netns/wg-quick-save-edit.sh: `wg-quick save' edits the file instead of rewriting it.
# A corpus of commented, oddly formatted files (mixed-case keys, tabs, odd spacing, blanks inside
# keys and headers, CRLF, no newline at the end, split AllowedIPs and Address lines, trailing
# comments, comments between sections, two [Interface] headers, values spelt otherwise than wg
# prints them) goes through run-time changes of every kind, each file checked line by line:
# untouched lines stay byte for byte, a changed value changes on its line, a removed peer takes
# its comment block along, an added one is appended; the saved file stripped is what the
# interface runs, and an unchanged one is not written at all. Endpoints given as host names are
# not resolved again. Then the failures: a symbolic link (the target is replaced, the link
# stays), the owner kept, a read-only directory, a full disk, a file with a syntax error and one
# with a peer twice leave the file as it was and say so.

. "$(dirname "$0")/../lib/test.sh"
. "$TESTS_DIR/lib/netns.sh"
. "$TESTS_DIR/lib/wg-quick-lib.sh"
wq_setup "$@"

wq_single || { fail "setup" "could not build the namespace"; finish; }
PA="$(netns_genkey | netns_pubkey)" PB="$(netns_genkey | netns_pubkey)"
PC="$(netns_genkey | netns_pubkey)" PD="$(netns_genkey | netns_pubkey)"
PSK="$(netns_genpsk)"
printf '%s\n' "$PSK" >"$NETNS_TMP/psk"

base() {
	cat <<EOF
# office hub: keep this comment
[Interface]
PrivateKey = $KEY
Address = 10.60.0.1/24
listenport=51820   # fixed
Table = off

# alice's laptop
[Peer]
PublicKey = $PA
presharedkey = $PSK
endPoint  =  192.0.2.1:51820   # home router
AllowedIPs = 10.60.0.2/32
	AllowedIPs = 10.61.0.0/24 # her lab

# bob: phone
# second comment line
[Peer]
PublicKey = $PB
AllowedIPs = 10.60.0.3/32, fd00:60::3/128
# bob's note at the end

# a comment between sections
[Peer]
PublicKey = $PD
AllowedIPs = 10.60.0.4/32
EOF
}

wgns() { wq_wg "$NS" "$@"; }

# saved NAME FILE_TEXT CHANGES EXPECTED [DIFFERENCE]: FILE_TEXT comes up, CHANGES (a function)
# changes the running interface, save edits the file into EXPECTED exactly, whose stripped form
# is what runs (or differs from it by DIFFERENCE, as wg syncconf --dry-run prints it); a file
# that is to stay as it was is not written at all.
saved() {
	local name="$1" text="$2" changes="$3" want="$4" difference="${5:-}" conf stamp
	conf="$WQ_CONF/wgs.conf"
	printf '%s' "$text" >"$conf"
	chmod 0600 "$conf"
	wq "$NS" up "$conf"
	expect_eq "$name: up" "$RC" 0
	"$changes"
	touch -d '2001-02-03 04:05:06' "$conf"
	stamp="$(stat -c '%i %Y' "$conf")"
	wq "$NS" save "$conf"
	expect_eq "$name: save succeeds" "$RC|$(wq_log)" "0|[#] wg showconf wgs"
	expect_eq "$name: the file, line by line" "$(cat -A "$conf")" "$(printf '%s' "$want" | cat -A)"
	if [[ $want == "$text" ]]; then
		expect_eq "$name: not written (inode and mtime)" "$(stat -c '%i %Y' "$conf")" "$stamp"
	fi
	wq "$NS" strip "$conf"
	printf '%s\n' "$OUT" >"$NETNS_TMP/stripped"
	run wgns syncconf --dry-run wgs "$NETNS_TMP/stripped"
	expect_eq "$name: stripped, it is what the interface runs" "$RC|$OUT" \
		"$((${#difference} ? 2 : 0))|$difference"
	expect_eq "$name: mode 0600, no temporary file" "$(stat -c %a "$conf")|$(ls -A "$WQ_CONF")" \
		"600|wgs.conf"
	wq "$NS" down "$conf"
}

nothing() { :; }
BASE="$(base)"$'\n'
saved "nothing changed" "$BASE" nothing "$BASE"

everything() {
	wgns set wgs listen-port 51821 \
		peer "$PA" endpoint 198.51.100.9:4444 preshared-key /dev/null \
		allowed-ips 10.61.0.0/24,10.60.0.2/32 \
		peer "$PB" persistent-keepalive 25 \
		peer "$PD" remove \
		peer "$PC" allowed-ips 10.60.0.5/32
	ip -n "$NS" address add 10.60.1.1/24 dev wgs
}
saved "every kind of change" "$BASE" everything "# office hub: keep this comment
[Interface]
PrivateKey = $KEY
Address = 10.60.0.1/24, 10.60.1.1/24
listenport=51821   # fixed
Table = off

# alice's laptop
[Peer]
PublicKey = $PA
endPoint  =  198.51.100.9:4444   # home router
AllowedIPs = 10.60.0.2/32
	AllowedIPs = 10.61.0.0/24 # her lab

# bob: phone
# second comment line
[Peer]
PublicKey = $PB
AllowedIPs = 10.60.0.3/32, fd00:60::3/128
PersistentKeepalive = 25
# bob's note at the end

[Peer]
PublicKey = $PC
AllowedIPs = 10.60.0.5/32
"

bob_goes() {
	wgns set wgs peer "$PB" remove peer "$PA" allowed-ips 10.62.0.0/24 \
		preshared-key "$NETNS_TMP/psk" persistent-keepalive 0
}
saved "split AllowedIPs replaced, a peer with its comment block gone" "$BASE" bob_goes \
	"# office hub: keep this comment
[Interface]
PrivateKey = $KEY
Address = 10.60.0.1/24
listenport=51820   # fixed
Table = off

# alice's laptop
[Peer]
PublicKey = $PA
presharedkey = $PSK
endPoint  =  192.0.2.1:51820   # home router
AllowedIPs = 10.62.0.0/24

# a comment between sections
[Peer]
PublicKey = $PD
AllowedIPs = 10.60.0.4/32
"

KEY2="$(netns_genkey)" PSK2="$(netns_genpsk)"
printf '%s\n' "$KEY2" >"$NETNS_TMP/key2"
printf '%s\n' "$PSK2" >"$NETNS_TMP/psk2"
keys_and_marks() {
	wgns set wgs private-key "$NETNS_TMP/key2" fwmark 0x42 \
		peer "$PA" preshared-key "$NETNS_TMP/psk2" peer "$PB" preshared-key "$NETNS_TMP/psk"
	# a name server set at run time (the stub keeps the record resolvconf -l lists)
	ip netns exec "$NS" "$WQ_BIN/resolvconf" -a wgs -m 0 -x <<<"nameserver 10.0.0.99"
}
saved "keys, fwmark and DNS" "$BASE" keys_and_marks "$(base | sed \
	-e "s|^PrivateKey = .*|PrivateKey = $KEY2|" \
	-e "s|^presharedkey = .*|presharedkey = $PSK2|" \
	-e '/^Table = off/a FwMark = 0x42\nDNS = 10.0.0.99' \
	-e "/^AllowedIPs = 10.60.0.3\\/32, fd00:60::3\\/128/a PresharedKey = $PSK")"$'\n'
ip netns exec "$NS" "$WQ_BIN/resolvconf" -d wgs

CRLF="$(base | sed 's/$/\r/')"$'\n'
crlf_changes() {
	wgns set wgs peer "$PA" endpoint 203.0.113.7:7 peer "$PD" persistent-keepalive 15
}
saved "a CRLF file stays CRLF" "$CRLF" crlf_changes "$(base | sed \
	-e 's/192.0.2.1:51820 /203.0.113.7:7 /' \
	-e "/^AllowedIPs = 10.60.0.4\\/32/a PersistentKeepalive = 15" | sed 's/$/\r/')"$'\n'

# ---- a file with everything odd that wg(8) and wg-quick still read ----
odd() {
	cat <<EOF
# odd.conf: odd but valid
[interface]
privatekey	=	$KEY
Address = 10.62.0.1/24   # the office
Address = FD00:62::1/64  # v6
dns = 10.62.0.53,corp.example
Mtu = 1400
Table = off

 [ Peer ]
Public Key = $PA
Allowed IPs = 10.62.1.1/24, FD00:62:1::1/64	# host bits: it runs as 10.62.1.0/24
Persistent Keepalive = off
endpoint = [FD00::0001]:51820

# dee, no endpoint yet, its key last
[Peer]
AllowedIPs = 10.62.4.0/24
PublicKey = $PD

[Peer]
PublicKey = $PB
AllowedIPs = 10.62.2.0/24
PersistentKeepalive = 025

 [ interface ]   # a second header: wg(8) reads one [Interface], wg-quick none
FwMark = 0x10
ListenPort = +51830
EOF
	printf '# the end, with no newline'
}
ODD="$(odd)"
saved "other spellings of the running values" "$ODD" nothing "$ODD"

odd_changes() {
	wgns set wgs listen-port 51831 fwmark 32 private-key "$NETNS_TMP/key2" \
		peer "$PA" allowed-ips 10.62.9.0/24 persistent-keepalive 30 preshared-key "$NETNS_TMP/psk" \
		peer "$PD" endpoint 192.0.2.44:4444 \
		peer "$PB" remove \
		peer "$PC" allowed-ips 10.62.7.0/24
	ip -n "$NS" address add 10.62.5.1/24 dev wgs
	ip -n "$NS" address delete fd00:62::1/64 dev wgs
	printf 'nameserver 10.62.0.54\nsearch corp.example\n' >"$STUB_RESOLVCONF_DIR/records/wgs"
	ip -n "$NS" link set mtu 1380 dev wgs
}
saved "every kind of change in the odd file" "$ODD" odd_changes "# odd.conf: odd but valid
[interface]
privatekey	=	$KEY2
Address = 10.62.0.1/24, 10.62.5.1/24   # the office
dns = corp.example, 10.62.0.54
Mtu = 1380
Table = off

 [ Peer ]
Public Key = $PA
Allowed IPs = 10.62.9.0/24	# host bits: it runs as 10.62.1.0/24
Persistent Keepalive = 30
endpoint = [FD00::0001]:51820
PresharedKey = $PSK

# dee, no endpoint yet, its key last
[Peer]
AllowedIPs = 10.62.4.0/24
PublicKey = $PD
Endpoint = 192.0.2.44:4444

 [ interface ]   # a second header: wg(8) reads one [Interface], wg-quick none
FwMark = 0x20
ListenPort = 51831
# the end, with no newline

[Peer]
PublicKey = $PC
AllowedIPs = 10.62.7.0/24
"

# ---- endpoints given as host names: never resolved by save ----
# A private /etc/hosts (this test runs in a mount namespace of its own) says where they are.
hostname_file() {
	printf '[Interface]\nPrivateKey = %s\nListenPort = 51820\nTable = off\n\n' "$KEY"
	printf '[Peer]\nPublicKey = %s\n' "$PA"
	printf 'Endpoint = peer.test:51820   # the hub, by name\n'
}
HOSTS="$NETNS_TMP/hosts"
printf '127.0.0.1 localhost\n192.0.2.50 peer.test\n' >"$HOSTS"
if [[ -f /etc/hosts ]] && mount --bind "$HOSTS" /etc/hosts && wq "$NS" up "$(wq_conf wgs "$(hostname_file)")" &&
	[[ $RC == 0 && $(wgns show wgs endpoints) == *192.0.2.50:51820 ]]; then
	wq "$NS" down "$WQ_CONF/wgs.conf"
	HOSTNAME_FILE="$(hostname_file)"$'\n'
	moved() { printf '127.0.0.1 localhost\n192.0.2.60 peer.test\n' >"$HOSTS"; }
	saved "a host name that moved in DNS stays" "$HOSTNAME_FILE" moved "$HOSTNAME_FILE" \
		"~ peer $PA  endpoint 192.0.2.50:51820 -> 192.0.2.60:51820"
	printf '127.0.0.1 localhost\n192.0.2.50 peer.test\n' >"$HOSTS"
	wq "$NS" up "$(wq_conf wgs "${HOSTNAME_FILE%$'\n'}")"
	printf '127.0.0.1 localhost\n' >"$HOSTS"
	# resolving would now retry for ever
	run timeout 20 ip netns exec "$NS" env WG_ENDPOINT_RESOLUTION_RETRIES=infinity \
		"$WQ_BIN/wg-quick" save "$WQ_CONF/wgs.conf"
	expect_eq "a host name that no longer resolves: save neither waits nor fails" \
		"$RC|$(cat "$WQ_CONF/wgs.conf")" "0|${HOSTNAME_FILE%$'\n'}"
	wgns set wgs peer "$PA" endpoint 192.0.2.50:4444
	wq "$NS" save "$WQ_CONF/wgs.conf"
	expect_eq "a host name whose port changed gives way to the running endpoint" \
		"$RC|$(tail -n 1 "$WQ_CONF/wgs.conf")" "0|Endpoint = 192.0.2.50:4444   # the hub, by name"
	wq "$NS" down "$WQ_CONF/wgs.conf"
	umount /etc/hosts
else
	skip "host name endpoints" "no private /etc/hosts that wg resolves names from here"
	ip -n "$NS" link delete wgs 2>/dev/null
	umount /etc/hosts 2>/dev/null
fi

# ---- failures leave the file as it was ----
wq_conf wgs "$BASE" >/dev/null
wq "$NS" up "$WQ_CONF/wgs.conf"
wgns set wgs peer "$PC" allowed-ips 10.60.0.5/32

# a symbolic link: the target is replaced, the link stays
mkdir -m 0700 "$NETNS_TMP/real"
mv "$WQ_CONF/wgs.conf" "$NETNS_TMP/real/wgs.conf"
ln -s "$NETNS_TMP/real/wgs.conf" "$WQ_CONF/wgs.conf"
wq "$NS" save "$WQ_CONF/wgs.conf"
expect_eq "a symbolic link: save succeeds" "$RC" 0
check "a symbolic link: the link stays a link" test -L "$WQ_CONF/wgs.conf"
check "a symbolic link: its target got the new peer" grep -qF "$PC" "$NETNS_TMP/real/wgs.conf"
expect_eq "a symbolic link: no temporary file" "$(ls -A "$NETNS_TMP/real")" "wgs.conf"
rm "$WQ_CONF/wgs.conf"
mv "$NETNS_TMP/real/wgs.conf" "$WQ_CONF/wgs.conf"

# the owner and group stay (the temporary file gets them before it is renamed)
OWNED="$(cat "$WQ_CONF/wgs.conf")"
for owner in 0:65534 65534:65534; do
	chown "$owner" "$WQ_CONF/wgs.conf"
	wgns set wgs peer "$PA" persistent-keepalive 9
	wq "$NS" save "$WQ_CONF/wgs.conf"
	expect_eq "owned by $owner: save keeps the owner, the group and mode 0600" \
		"$RC|$(stat -c '%u:%g %a' "$WQ_CONF/wgs.conf")|$(grep -c '^PersistentKeepalive = 9$' \
			"$WQ_CONF/wgs.conf")" "0|$owner 600|1"
	wgns set wgs peer "$PA" persistent-keepalive 0
	wq "$NS" save "$WQ_CONF/wgs.conf"
	expect_eq "owned by $owner: a keepalive gone again takes its line along" \
		"$RC|$(stat -c '%u:%g' "$WQ_CONF/wgs.conf")|$(cat "$WQ_CONF/wgs.conf")" "0|$owner|$OWNED"
done
chown 0:0 "$WQ_CONF/wgs.conf"

wgns set wgs peer "$PC" remove
SAVED="$(cat "$WQ_CONF/wgs.conf")"

# a read-only directory (root may write anywhere else)
mount --bind "$WQ_CONF" "$WQ_CONF" && mount -o remount,bind,ro "$WQ_CONF"
wq "$NS" save "$WQ_CONF/wgs.conf"
expect_eq "a read-only directory: save fails and says why" \
	"$RC|$(grep -c "could not create a temporary file in .*wgs.conf' is as it was" <<<"$ERR")" "1|1"
umount "$WQ_CONF"
expect_eq "a read-only directory: the file is as it was" "$(cat "$WQ_CONF/wgs.conf")" "$SAVED"

# a full disk
FULL="$NETNS_TMP/full"
mkdir "$FULL"
mount -t tmpfs -o size=64k tmpfs "$FULL"
cp "$WQ_CONF/wgs.conf" "$FULL/wgs.conf"
dd if=/dev/zero of="$FULL/filler" bs=4k 2>/dev/null || true
wq "$NS" save "$FULL/wgs.conf"
expect_eq "a full disk: save fails and says why" \
	"$RC|$(grep -c "could not write .*wgs.conf' is as it was" <<<"$ERR")" "1|1"
expect_eq "a full disk: the file is as it was, no temporary file" \
	"$(cat "$FULL/wgs.conf")|$(ls -A "$FULL" | tr '\n' ' ')" "$SAVED|filler wgs.conf "
umount "$FULL"

# a syntax error: the parser's file:line, nothing changed
printf '%s\n\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.60.0.999/32\n' "$SAVED" "$PC" >"$WQ_CONF/wgs.conf"
BROKEN="$(cat "$WQ_CONF/wgs.conf")"
LINE="$(grep -n 999 "$WQ_CONF/wgs.conf" | cut -d: -f1)"
wq "$NS" save "$WQ_CONF/wgs.conf"
expect_eq "a syntax error: save fails" "$RC" 1
check "a syntax error: the file and line are named" grep -q "wgs.conf:$LINE: " <<<"$ERR"
expect_eq "a syntax error: the file is as it was" "$(cat "$WQ_CONF/wgs.conf")" "$BROKEN"

# a peer with two sections: which one to edit cannot be told
printf '%s\n\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.60.9.0/24\n' "$SAVED" "$PD" \
	>"$WQ_CONF/wgs.conf"
TWICE="$(cat "$WQ_CONF/wgs.conf")"
LINE="$(grep -n "^\[Peer\]" "$WQ_CONF/wgs.conf" | tail -n 1 | cut -d: -f1)"
FIRST="$(grep -n -B 1 "^PublicKey = $PD" "$WQ_CONF/wgs.conf" | head -n 1 | cut -d- -f1)"
wgns set wgs peer "$PA" persistent-keepalive 9
wq "$NS" save "$WQ_CONF/wgs.conf"
expect_eq "a peer twice: save fails, naming both sections" "$RC|$(tail -n 1 <<<"$ERR")" \
	"1|wg-quick: $WQ_CONF/wgs.conf:$LINE: the peer \`$PD' has a section at line $FIRST already:\
 save edits one section per peer; \`$WQ_CONF/wgs.conf' was not saved"
expect_eq "a peer twice: the file is as it was" "$(cat "$WQ_CONF/wgs.conf")" "$TWICE"

printf '%s\n' "$SAVED" >"$WQ_CONF/wgs.conf"
wq "$NS" down "$WQ_CONF/wgs.conf"
check "down" test "$RC" = 0
finish
