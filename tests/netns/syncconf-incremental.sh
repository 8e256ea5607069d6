#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/netns/syncconf-incremental.sh: syncconf sends only the difference. Every request our wg
# makes is recorded byte for byte by tests/lib/fake-uapi.py: against its canned device, and as a
# recording front for a real wireguard-go holding 1,000 peers. An unchanged file sends no set
# request at all; a changed, added or removed peer appears alone; untouched peers never appear,
# so their allowed IPs are never replaced.
# shellcheck source=tests/lib/test.sh
source "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netns.sh
source "$TESTS_DIR/lib/netns.sh"
# shellcheck source=tests/lib/uapi.sh
source "$TESTS_DIR/lib/uapi.sh"

require_cmd python3 xxd base64 "$WG"
netns_private_rundir "$@"

FAKE="$TESTS_DIR/lib/fake-uapi.py"
export WG_UAPI_TIMEOUT=10

# fake_start IFNAME MODE: a fake daemon for IFNAME recording into $NETNS_TMP/IFNAME.record.
fake_start() {
	: >"$NETNS_TMP/$1.record"
	python3 "$FAKE" "$NETNS_RUNDIR/$1.sock" "$2" "$NETNS_TMP/$1.record" \
		2>>"$NETNS_TMP/fake.log" &
	NETNS_PIDS+=("$!")
	netns_wait_socket "$1" || fail "fake_start $1" "the fake daemon did not start"
}

# The record as one line with its newlines written \n; emptied for the next request.
take_record() {
	sed -z 's/\n/\\n/g' "$NETNS_TMP/$1.record"
	: >"$NETNS_TMP/$1.record"
}

# sync_expect NAME IFNAME EXPECTED_SET: `wg syncconf IFNAME' of stdin succeeds silently and
# sends get=1, then EXPECTED_SET ("" for no set request at all; \n for newlines).
sync_expect() {
	local name="$1" ifname="$2" want="get=1\\n\\n$3"
	cat >"$NETNS_TMP/sync.conf"
	expect_run "$name: exit status and output" 0 "" "" "$WG" syncconf "$ifname" \
		"$NETNS_TMP/sync.conf"
	expect_eq "$name: exactly these requests" "$(take_record "$ifname")" "$want"
}

# ---- the canned device of fake-uapi.py ----
PRIV_HEX="a8$(printf '11%.0s' {1..30})5e"
P1_HEX="$(printf 'b2%.0s' {1..32})"
P2_HEX="$(printf 'c3%.0s' {1..31})00"
PSK_HEX="$(printf 'd4%.0s' {1..32})"
ZERO_HEX="$(printf '0%.0s' {1..64})"
PRIV="$(key_base64 "$PRIV_HEX")" P1="$(key_base64 "$P1_HEX")" P2="$(key_base64 "$P2_HEX")"
PSK="$(key_base64 "$PSK_HEX")"
# The same private key before clamping: the low three bits and the top bit set.
PRIV_UNCLAMPED="$(key_base64 "af$(printf '11%.0s' {1..30})de")"
P3="$(netns_genkey | netns_pubkey)"

# The canned device as a file, in parts: the interface (optionally with another private key
# text) and each peer (the first with its allowed IPs in another order).
canned_interface() {
	printf '[Interface]\nPrivateKey = %s\nListenPort = 51820\nFwMark = 0x1234\n' "${1:-$PRIV}"
}
canned_peer1() {
	printf '\n[Peer]\nPublicKey = %s\nPresharedKey = %s\n' "$P1" "$PSK"
	printf 'AllowedIPs = fd00:1::/64, 10.1.0.0/16\nEndpoint = 192.0.2.10:51820\n'
	printf 'PersistentKeepalive = 25\n'
}
canned_peer2() {
	printf '\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.2.0.1/32\n' "$P2"
	printf 'Endpoint = [2001:db8::7]:443\n'
}
canned_conf() { canned_interface "$@" && canned_peer1 && canned_peer2; }

fake_start canned0 valid
canned_conf | sync_expect "unchanged" canned0 ""
canned_conf "$PRIV_UNCLAMPED" | sync_expect "unchanged, private key not clamped" canned0 ""
canned_conf | sed 's/^ListenPort = 51820/ListenPort = 51821/' |
	sync_expect "listen port only" canned0 'set=1\nlisten_port=51821\n\n'
canned_conf | sed 's/\[2001:db8::7\]:443/[2001:db8::8]:443/' |
	sync_expect "one endpoint" canned0 \
	"set=1\\npublic_key=$P2_HEX\\nendpoint=[2001:db8::8]:443\\n\\n"
canned_conf | sed 's/^PersistentKeepalive = 25/PersistentKeepalive = 26/' |
	sync_expect "one keepalive" canned0 \
	"set=1\\npublic_key=$P1_HEX\\npersistent_keepalive_interval=26\\n\\n"
canned_conf | sed '/^PresharedKey/d' |
	sync_expect "one preshared key removed" canned0 \
	"set=1\\npublic_key=$P1_HEX\\npreshared_key=$ZERO_HEX\\n\\n"
canned_conf | sed 's|^AllowedIPs = 10.2.0.1/32|AllowedIPs = 10.2.0.1/32, 10.3.0.0/24|' |
	sync_expect "one peer's allowed IPs" canned0 \
	"set=1\\npublic_key=$P2_HEX\\nreplace_allowed_ips=true\\nallowed_ip=10.2.0.1/32\\n\
allowed_ip=10.3.0.0/24\\n\\n"
{ canned_interface && canned_peer1; } |
	sync_expect "one peer removed" canned0 "set=1\\npublic_key=$P2_HEX\\nremove=true\\n\\n"
{ canned_conf && printf '\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.4.0.0/16\n' "$P3"; } |
	sync_expect "one peer added" canned0 \
	"set=1\\npublic_key=$(key_hex "$P3")\\nreplace_allowed_ips=true\\nallowed_ip=10.4.0.0/16\\n\\n"
canned_interface | sync_expect "every peer removed" canned0 'set=1\nreplace_peers=true\n\n'

# ---- a real wireguard-go with 1,000 peers, behind a recording front ----
if ! command -v wireguard-go >/dev/null; then
	skip "real daemon" "needs wireguard-go (install it with tests/install-deps)"
	finish
fi
if ! netns_new NS || ! netns_wg_start "$NS" real0; then
	fail "real daemon" "could not start wireguard-go"
	finish
fi
fake_start front0 "proxy:$NETNS_RUNDIR/real0.sock"

# big.conf: 1,000 peers with everything set; one.conf: peer 500 with another endpoint and one
# more allowed IP; moved.conf: one.conf without peers 7 and 8 and with a new peer. The script
# prints the public keys of peers 500, 7, 8 and of the new one.
cat >"$NETNS_TMP/gen.py" <<'PYTHON'
import base64, hashlib, sys

def key(tag, n):
    return base64.b64encode(hashlib.sha256(f"{tag}{n}".encode()).digest()).decode()

def peer(n, endpoint=None, extra=""):
    endpoint = endpoint or f"192.0.2.{n % 250 + 1}:{10000 + n}"
    return (f"\n[Peer]\nPublicKey = {key('peer', n)}\nPresharedKey = {key('psk', n)}\n"
            f"AllowedIPs = 10.{n // 256}.{n % 256}.0/24, fd00::{n:x}/128{extra}\n"
            f"Endpoint = {endpoint}\nPersistentKeepalive = 25\n")

head = f"[Interface]\nPrivateKey = {key('private', 0)}\nListenPort = 51900\n"
changed = {500: peer(500, "192.0.2.99:10500", ", 10.99.0.0/16")}
new = f"\n[Peer]\nPublicKey = {key('new', 0)}\nAllowedIPs = 10.200.0.0/16\n"
files = {
    "big": head + "".join(peer(n) for n in range(1000)),
    "one": head + "".join(changed.get(n) or peer(n) for n in range(1000)),
    "moved": head + "".join(changed.get(n) or peer(n) for n in range(1000) if n not in (7, 8))
    + new,
}
for name, text in files.items():
    with open(f"{sys.argv[1]}/{name}.conf", "w") as f:
        f.write(text)
print(key("peer", 500), key("peer", 7), key("peer", 8), key("new", 0))
PYTHON
read -r K500 K7 K8 K_NEW < <(python3 "$NETNS_TMP/gen.py" "$NETNS_TMP")

# The set request of the record as one line, its key=value items separated by spaces.
recorded_set() { sed -n '/^set=1$/,/^$/p' "$NETNS_TMP/front0.record" | tr '\n' ' '; }
# contains NAME TEXT PART: passes when PART occurs in TEXT.
contains() {
	if [[ $2 == *"$3"* ]]; then pass "$1"; else fail "$1" "no '$3' in '$2'"; fi
}

check "1,000 peers: setconf" "$WG" setconf real0 "$NETNS_TMP/big.conf"
sync_expect "1,000 peers unchanged" front0 "" <"$NETNS_TMP/big.conf"

check "1,000 peers, one changed: syncconf" "$WG" syncconf front0 "$NETNS_TMP/one.conf"
expect_eq "1,000 peers, one changed: only that peer, nothing else" "$(recorded_set)" \
	"set=1 public_key=$(key_hex "$K500") endpoint=192.0.2.99:10500 replace_allowed_ips=true \
allowed_ip=10.1.244.0/24 allowed_ip=fd00::1f4/128 allowed_ip=10.99.0.0/16  "
expect_eq "1,000 peers, one changed: the daemon has it" \
	"$("$WG" show real0 dump | awk -v k="$K500" '$1 == k { print $3; print $4 }' |
		tr ',' '\n' | sort | tr '\n' ' ')" \
	"10.1.244.0/24 10.99.0.0/16 192.0.2.99:10500 fd00::1f4/128 "
: >"$NETNS_TMP/front0.record"

# The daemon lists its peers in no fixed order, so the removals may come either way round.
check "1,000 peers, two removed and one added: syncconf" "$WG" syncconf front0 \
	"$NETNS_TMP/moved.conf"
SET="$(recorded_set)"
expect_eq "1,000 peers, two removed and one added: three peers" \
	"$(grep -o 'public_key=' <<<"$SET" | wc -l)" 3
contains "1,000 peers: peer 7 removed" "$SET" "public_key=$(key_hex "$K7") remove=true "
contains "1,000 peers: peer 8 removed" "$SET" "public_key=$(key_hex "$K8") remove=true "
contains "1,000 peers: the new peer added last" "$SET" \
	"public_key=$(key_hex "$K_NEW") replace_allowed_ips=true allowed_ip=10.200.0.0/16  "
expect_eq "1,000 peers, two removed and one added: the daemon has 999" \
	"$("$WG" show real0 peers | wc -l)" 999
: >"$NETNS_TMP/front0.record"
sync_expect "1,000 peers, in sync again" front0 "" <"$NETNS_TMP/moved.conf"

finish
