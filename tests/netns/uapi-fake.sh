#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/netns/uapi-fake.sh: the UAPI backend against a fake daemon: exact requests, bad replies,
# errno, hang-ups and timeouts (through the test driver, until `wg' goes through the backend).
# shellcheck source=tests/lib/test.sh
source "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netns.sh
source "$TESTS_DIR/lib/netns.sh"
# shellcheck source=tests/lib/uapi.sh
source "$TESTS_DIR/lib/uapi.sh"

require_cmd python3 "${CC:-cc}" xxd base64
netns_private_rundir "$@"
uapi_driver_build

FAKE="$TESTS_DIR/lib/fake-uapi.py"
export WG_UAPI_TIMEOUT=2

# fake_start IFNAME MODE: a fake daemon for IFNAME recording into $NETNS_TMP/IFNAME.record.
fake_start() {
	python3 "$FAKE" "$NETNS_RUNDIR/$1.sock" "$2" "$NETNS_TMP/$1.record" \
		2>>"$NETNS_TMP/fake.log" &
	NETNS_PIDS+=("$!")
	: >"$NETNS_TMP/$1.record"
	netns_wait_socket "$1" || fail "fake_start $1" "the fake daemon did not start"
}

# The record as text with its newlines made visible, so exact bytes can be compared.
record_of() {
	sed -z 's/\n/\\n/g' "$NETNS_TMP/$1.record"
}

# The canned device of fake-uapi.py, as showconf prints it.
PRIV_HEX="a8$(printf '11%.0s' {1..30})5e"
PEER1_HEX="$(printf 'b2%.0s' {1..32})"
PEER2_HEX="$(printf 'c3%.0s' {1..31})00"
PSK_HEX="$(printf 'd4%.0s' {1..32})"
CANNED_CONF="[Interface]
ListenPort = 51820
FwMark = 0x1234
PrivateKey = $(key_base64 "$PRIV_HEX")

[Peer]
PublicKey = $(key_base64 "$PEER1_HEX")
PresharedKey = $(key_base64 "$PSK_HEX")
AllowedIPs = 10.1.0.0/16, fd00:1::/64
Endpoint = 192.0.2.10:51820
PersistentKeepalive = 25

[Peer]
PublicKey = $(key_base64 "$PEER2_HEX")
AllowedIPs = 10.2.0.1/32
Endpoint = [2001:db8::7]:443"

fake_start valid0 valid
expect_run "get parses a wireguard-go style reply" 0 "$CANNED_CONF" "" "$DRIVER" get valid0
expect_eq "get sends get=1 and a blank line" "$(record_of valid0)" 'get=1\n\n'
expect_run "get reads handshakes and transfer counters" 0 \
	"$(key_base64 "$PEER1_HEX") 1700000000 5678 1234
$(key_base64 "$PEER2_HEX") 0 0 0" "" "$DRIVER" stats valid0
expect_run "get derives the public key from the private key" 0 \
	"$(key_base64 "$PRIV_HEX" | "$ORIG_WG" pubkey)" "" "$DRIVER" pubkey valid0

# Every key the backend can send, in the order it sends them.
K1="$(netns_genkey)" K2="$(netns_genkey)" K3="$(netns_genkey)" K4="$(netns_genkey)"
PSK="$(netns_genpsk)" ZERO_KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=
: >"$NETNS_TMP/valid0.record"
expect_run "set gets errno=0" 0 "" "" "$DRIVER" set valid0 private-key "$K1" listen-port 51821 \
	fwmark 0x10 replace-peers peer "$K2" preshared-key "$PSK" endpoint 192.0.2.1:7 \
	persistent-keepalive 25 replace-allowed-ips allowed-ips 10.0.0.0/8,-10.1.0.0/16,::/0 \
	peer "$K3" remove peer "$K4" update-only endpoint '[fe80::1%lo]:51820' \
	allowed-ips -fd00::/64 peer "$K2" preshared-key "$ZERO_KEY"
expect_eq "set writes every key exactly" "$(record_of valid0)" "set=1\\nprivate_key=$(key_hex "$K1")\\n\
listen_port=51821\\nfwmark=16\\nreplace_peers=true\\npublic_key=$(key_hex "$K2")\\n\
preshared_key=$(key_hex "$PSK")\\nendpoint=192.0.2.1:7\\npersistent_keepalive_interval=25\\n\
replace_allowed_ips=true\\nallowed_ip=10.0.0.0/8\\nallowed_ip=-10.1.0.0/16\\nallowed_ip=::/0\\n\
public_key=$(key_hex "$K3")\\nremove=true\\npublic_key=$(key_hex "$K4")\\nupdate_only=true\\n\
endpoint=[fe80::1%lo]:51820\\nallowed_ip=-fd00::/64\\npublic_key=$(key_hex "$K2")\\n\
preshared_key=$(printf '0%.0s' {1..64})\\n\\n"

fake_start order0 out-of-order
expect_run "get ignores device keys after a peer and peer keys before one" 0 "$CANNED_CONF" "" \
	"$DRIVER" get order0

# expect_both NAME IFNAME MESSAGE: get and set both fail with that strerror text.
expect_both() {
	expect_run "get: $1" 1 "" "uapi-driver: get: $3" "$DRIVER" get "$2"
	expect_run "set: $1" 1 "" "uapi-driver: set: $3" "$DRIVER" set "$2" listen-port 1
}

fake_start trunc0 truncated
expect_both "a reply cut short is a protocol error" trunc0 "Protocol error"
fake_start big0 oversized
expect_both "an oversized line is a protocol error" big0 "Protocol error"
fake_start junk0 garbage
expect_both "garbage is a protocol error" junk0 "Protocol error"
fake_start errno0 errno
expect_both "errno=-22 is EINVAL" errno0 "Invalid argument"
fake_start close0 close
expect_both "a daemon that hangs up at once is a protocol error" close0 "Protocol error"
fake_start silent0 silent
expect_both "a daemon that never answers times out" silent0 "Connection timed out"
expect_eq "the silent daemon did get both requests" "$(record_of silent0)" \
	'get=1\n\nset=1\nlisten_port=1\n\n'

fake_start stuck0 stuck
expect_both "a daemon that accepts no connection times out" stuck0 "Connection timed out"
expect_run "serves counts a daemon that accepts no connection" 0 "" "" "$DRIVER" serves stuck0

fake_start noerr0 no-errno
expect_run "get accepts a reply without errno" 0 "[Interface]" "" "$DRIVER" get noerr0
expect_run "set: a reply without errno is a protocol error" 1 "" \
	"uapi-driver: set: Protocol error" "$DRIVER" set noerr0 listen-port 1

# A daemon rejecting the first line hangs up while a big request is still being written.
fake_start reject0 reject-early
args=()
for ((i = 0; i < 2000; ++i)); do
	printf -v key 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%05dA=' "$i"
	args+=(peer "$key" allowed-ips "10.$((i / 256)).$((i % 256)).0/24,fd00::$i/128")
done
expect_run "set reads the errno of a daemon that hung up early" 1 "" \
	"uapi-driver: set: Invalid argument" "$DRIVER" set reject0 "${args[@]}"
expect_eq "the early-rejecting daemon read just one line" "$(record_of reject0)" 'set=1\n'

for name in "" "a/b" "abcdefghijklmnop"; do
	expect_run "serves refuses the name '$name'" 1 "" "" "$DRIVER" serves "$name"
	expect_run "get refuses the name '$name'" 1 "" "uapi-driver: get: Invalid argument" \
		"$DRIVER" get "$name"
done
expect_run "get of a missing interface" 1 "" "uapi-driver: get: No such file or directory" \
	"$DRIVER" get nothere0

finish
