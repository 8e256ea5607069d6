#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/hardening/hostile-uapi.sh: `wg' itself against userspace daemons that answer badly (cut
# short, oversized, out of order, garbage, escape sequences, a NUL, silence, a full backlog):
# every subcommand either prints exactly what a good reply says or fails with one clean line,
# a timeout included; it never hangs, crashes or passes the daemon's bytes to the terminal.
# (tests/netns/uapi-fake.sh checks the backend's requests and errors through the test driver.)
# shellcheck source=tests/lib/test.sh
source "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netns.sh
source "$TESTS_DIR/lib/netns.sh"
# shellcheck source=tests/lib/uapi.sh
source "$TESTS_DIR/lib/uapi.sh"

require_cmd python3 timeout xxd base64 "$WG"
netns_private_rundir "$@"

# The daemons' sockets are private to this test; a namespace of its own keeps the kernel's
# interfaces (there are none) out of `show all'.
if ! netns_new NS; then
	fail setup "could not create a namespace"
	finish
fi
export WG_UAPI_TIMEOUT=1

# wgx ARGS...: wg in the namespace. A run still going after a minute has hung: timeout ends it
# with status 124, which no expectation accepts.
# shellcheck disable=SC2317 # called through expect_run
wgx() { timeout -k 5 60 ip netns exec "$NS" "$WG" "$@"; }

printf '[Interface]\nListenPort = 1\n' >"$NETNS_TMP/small.conf"

# More bad answers than tests/lib/fake-uapi.py gives, served the same way: SOCKET MODE.
cat >"$NETNS_TMP/fake-more.py" <<'PY'
import os, socket, sys, threading, time

KEY = "a8" + "11" * 30 + "5e"
PEER = "b2" * 32
GOOD = (f"private_key={KEY}\nlisten_port=51820\npublic_key={PEER}\nallowed_ip=10.1.0.0/16\n"
        "errno=0\n\n")
MANY = "".join(f"public_key={i:064x}\nallowed_ip=10.{i >> 16}.{(i >> 8) & 255}.{i & 255}/32\n"
               for i in range(1, 20001)) + "errno=0\n\n"
REPLIES = {
    "midline": b"private_key=a8",
    "trickle": GOOD.encode(),
    "nul": b"listen_port=1\x00\nerrno=0\n\n",
    "crlf": b"listen_port=51820\r\nerrno=0\r\n\r\n",
    "escape-keys": b"listen_port=51820\n\x1b[2J=1\n\x1b]0;pwned\x07=x\nerrno=0\n\n",
    "escape-value": (f"listen_port=51820\npublic_key={PEER}\nendpoint=\x1b[31m192.0.2.1:1\n"
                     "errno=0\n\n").encode(),
    "trailing-junk": b"listen_port=51820\nerrno=0\n\n\xff\xfe junk \x00\n",
    "errno-large": b"errno=-4095\n\n",
    "errno-overflow": b"errno=-99999999999\n\n",
    "line-4096": b"x" * 4094 + b"=1\nlisten_port=51820\nerrno=0\n\n",
    "line-4097": b"x" * 4095 + b"=1\nlisten_port=51820\nerrno=0\n\n",
    "many-peers": MANY.encode(),
    "endless-trickle": b"",
}

def serve(conn, mode):
    with conn:
        data = b""
        while b"\n\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return
            data += chunk
        reply = REPLIES[mode]
        try:
            if mode == "endless-trickle":
                while True:  # an unknown key a byte at a time, forever
                    for byte in b"x=1\n":
                        conn.sendall(bytes([byte]))
                        time.sleep(0.2)
            if mode == "trickle":
                for i in range(len(reply)):
                    conn.sendall(reply[i:i + 1])
                    time.sleep(0.01)
            else:
                conn.sendall(reply)
            if mode == "midline":
                time.sleep(3600)
        except (BrokenPipeError, ConnectionResetError):
            pass

path, mode = sys.argv[1:]
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(path + ".tmp")
server.listen(16)
os.rename(path + ".tmp", path)
while True:
    conn, _ = server.accept()
    threading.Thread(target=serve, args=(conn, mode), daemon=True).start()
PY

# daemon IFNAME SCRIPT MODE [ARGS...]: a fake daemon for IFNAME; the last one started is the
# only one there: each stops the one before, so `show all' sees one interface.
DAEMON=""
daemon() {
	if [[ -n $DAEMON ]]; then
		kill "$DAEMON" 2>/dev/null
		wait "$DAEMON" 2>/dev/null
		rm -f "$NETNS_RUNDIR"/*.sock
	fi
	python3 "$2" "$NETNS_RUNDIR/$1.sock" "${@:3}" 2>>"$NETNS_TMP/fake.log" &
	DAEMON=$!
	NETNS_PIDS+=("$DAEMON")
	netns_wait_socket "$1" || fail "daemon $1" "the fake daemon did not start"
}

# broken IFNAME GET_ERROR SET_ERROR NAME: what every subcommand says when reads fail with
# GET_ERROR and changes with SET_ERROR (strerror texts; an empty SET_ERROR: changes work). When
# GET_ERROR is a timeout, each run costs WG_UAPI_TIMEOUT: one run per way of reading will do.
broken() {
	local i="$1" get="$2" set="$3" mode="$4"
	expect_run "$mode: show" 1 "" "Unable to access interface: $get" wgx show "$i"
	expect_run "$mode: show all" 1 "" "Unable to access interface $i: $get" wgx show all
	expect_run "$mode: syncconf" 1 "" \
		"Unable to retrieve current interface configuration: $get" \
		wgx syncconf "$i" "$NETNS_TMP/small.conf"
	if [[ -z $set ]]; then
		expect_run "$mode: set" 0 "" "" wgx set "$i" listen-port 1
	else
		expect_run "$mode: set" 1 "" "Unable to modify interface: $set" \
			wgx set "$i" listen-port 1
	fi
	[[ $get == "Connection timed out" ]] && return
	expect_run "$mode: show dump" 1 "" "Unable to access interface: $get" wgx show "$i" dump
	expect_run "$mode: showconf" 1 "" "Unable to access interface: $get" wgx showconf "$i"
	expect_run "$mode: show interfaces still lists it" 0 "$i" "" wgx show interfaces
	if [[ -n $set ]]; then
		expect_run "$mode: setconf" 1 "" "Unable to modify interface: $set" \
			wgx setconf "$i" "$NETNS_TMP/small.conf"
	fi
}

FAKE="$TESTS_DIR/lib/fake-uapi.py"
for spec in "truncated:Protocol error:Protocol error" "oversized:Protocol error:Protocol error" \
	"garbage:Protocol error:Protocol error" "errno:Invalid argument:Invalid argument" \
	"close:Protocol error:Protocol error" "reject-early:Invalid argument:Invalid argument" \
	"silent:Connection timed out:Connection timed out" \
	"stuck:Connection timed out:Connection timed out"; do
	IFS=: read -r mode get set <<<"$spec"
	daemon wgu0 "$FAKE" "$mode" "$NETNS_TMP/record"
	broken wgu0 "$get" "$set" "$mode"
done

# The canned device of fake-uapi.py, as showconf and dump print it.
PRIV="$(key_base64 "a8$(printf '11%.0s' {1..30})5e")"
PEER1="$(key_base64 "$(printf 'b2%.0s' {1..32})")"
PEER2="$(key_base64 "$(printf 'c3%.0s' {1..31})00")"
PSK="$(key_base64 "$(printf 'd4%.0s' {1..32})")"
CANNED_CONF="[Interface]
ListenPort = 51820
FwMark = 0x1234
PrivateKey = $PRIV

[Peer]
PublicKey = $PEER1
PresharedKey = $PSK
AllowedIPs = 10.1.0.0/16, fd00:1::/64
Endpoint = 192.0.2.10:51820
PersistentKeepalive = 25

[Peer]
PublicKey = $PEER2
AllowedIPs = 10.2.0.1/32
Endpoint = [2001:db8::7]:443"
TAB=$'\t'
CANNED_DUMP="$PRIV$TAB$("$WG" pubkey <<<"$PRIV")${TAB}51820${TAB}0x1234
$PEER1$TAB$PSK${TAB}192.0.2.10:51820${TAB}10.1.0.0/16,fd00:1::/64${TAB}1700000000\
${TAB}5678${TAB}1234${TAB}25
$PEER2$TAB(none)${TAB}[2001:db8::7]:443${TAB}10.2.0.1/32${TAB}0${TAB}0${TAB}0${TAB}off"
for mode in valid out-of-order; do
	daemon wgu0 "$FAKE" "$mode" "$NETNS_TMP/record"
	expect_run "$mode: showconf" 0 "$CANNED_CONF" "" wgx showconf wgu0
	expect_run "$mode: show dump" 0 "$CANNED_DUMP" "" wgx show wgu0 dump
	expect_run "$mode: set" 0 "" "" wgx set wgu0 listen-port 1
	expect_run "$mode: syncconf" 0 "" "" wgx syncconf wgu0 "$NETNS_TMP/small.conf"
done
daemon wgu0 "$FAKE" no-errno "$NETNS_TMP/record"
expect_run "no-errno: showconf of a reply with nothing in it" 0 "[Interface]" "" wgx showconf wgu0
expect_run "no-errno: set needs the errno" 1 "" "Unable to modify interface: Protocol error" \
	wgx set wgu0 listen-port 1

MORE="$NETNS_TMP/fake-more.py"
daemon wgu1 "$MORE" midline
broken wgu1 "Connection timed out" "Connection timed out" "silent in the middle of a line"
for mode in nul crlf line-4097 errno-overflow; do
	daemon wgu1 "$MORE" "$mode"
	broken wgu1 "Protocol error" "Protocol error" "$mode"
done
# A set reply is read for its errno alone, so the bad endpoint line only spoils reading.
daemon wgu1 "$MORE" escape-value
broken wgu1 "Protocol error" "" "escape-value"
daemon wgu1 "$MORE" errno-large
broken wgu1 "Unknown error 4095" "Unknown error 4095" "errno=-4095"

GOOD_CONF="[Interface]
ListenPort = 51820
PrivateKey = $PRIV

[Peer]
PublicKey = $PEER1
AllowedIPs = 10.1.0.0/16"
daemon wgu1 "$MORE" trickle
expect_run "a reply a byte at a time is read whole: each byte restarts the timeout" 0 \
	"$GOOD_CONF" "" wgx showconf wgu1
# Progress every 0.2 s forever: the idle timeout never fires, the deadline of the whole
# exchange (ten times WG_UAPI_TIMEOUT) does; wgx's own 60 s limit would show as status 124.
daemon wgu1 "$MORE" endless-trickle
expect_run "a daemon that never stops trickling: timed out" 1 "" \
	"Unable to access interface: Connection timed out" wgx show wgu1
for mode in escape-keys trailing-junk line-4096; do
	daemon wgu1 "$MORE" "$mode"
	expect_run "$mode: only what the daemon means is printed" 0 \
		$'[Interface]\nListenPort = 51820' "" wgx showconf wgu1
	expect_run "$mode: pretty" 0 $'interface: wgu1\n  listening port: 51820' "" \
		wgx show wgu1
done

daemon wgu1 "$MORE" many-peers
run wgx showconf wgu1
expect_eq "20,000 peers: all of them, nothing on stderr" \
	"$RC $(grep -c '^\[Peer\]$' <<<"$OUT") $(grep -c '^AllowedIPs = 10\.' <<<"$OUT") $ERR" \
	"0 20000 20000 "
run wgx show all dump
unprintable="$(LC_ALL=C grep -c $'[^[:print:]\t]' <<<"$OUT")"
expect_eq "20,000 peers: show all dump has a line for each and the interface" \
	"$RC $(grep -c "^wgu1$TAB" <<<"$OUT") $unprintable $ERR" "0 20001 0 "
finish
