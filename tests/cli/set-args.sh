#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# set-args.sh: `wg set' argument errors name the argument and change nothing.
source "$(dirname "$0")/../lib/test.sh"
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
PUB=c9YqnZBOqMadjxzYc5SwBt6JyWxPHyPrbFJnkx45bkU=

e() { expect_run "$1" 1 "" "$2" "$WG" set wgcli0 "${@:3}"; }
e "unknown option" "Invalid argument: frob" frob 1
e "option without value" "Invalid argument: listen-port" listen-port
e "interface option after peer" "Invalid argument: listen-port" peer "$PUB" listen-port 1
e "remove before peer" "Invalid argument: remove" remove
e "peer option before peer" "Invalid argument: endpoint" endpoint 192.0.2.1:1
e "options are case-sensitive" "Invalid argument: Listen-Port" Listen-Port 1
e "bad port" "listen-port: Port must be a number from 0 to 65535: \`65536'" listen-port 65536
e "service name port" "listen-port: Port must be a number from 0 to 65535: \`domain'" listen-port domain
e "empty port" "listen-port: Port is empty: expected a number from 0 to 65535" listen-port ""
# a `+' before a port is fine (as in the original), but not two, nor anything after the digits
e "two pluses" "listen-port: Port must be a number from 0 to 65535: \`++5'" listen-port ++5
e "plus alone" "listen-port: Port must be a number from 0 to 65535: \`+'" listen-port +
e "plus then too big" "listen-port: Port must be a number from 0 to 65535: \`+65536'" listen-port +65536
e "plus then junk" "listen-port: Port must be a number from 0 to 65535: \`+5 '" listen-port "+5 "
e "plus before a fwmark" "fwmark: Fwmark must be \`off' or a number from 0 to 0xffffffff: \`+5'" fwmark +5
e "plus before a keepalive" "persistent-keepalive: Persistent keepalive must be \`off' or seconds from 0 to 65535: \`+5'" peer "$PUB" persistent-keepalive +5
e "plus alone as endpoint port" "endpoint: Endpoint port must be a number from 1 to 65535: \`192.0.2.1:+'" peer "$PUB" endpoint 192.0.2.1:+
e "bad fwmark" "fwmark: Fwmark must be \`off' or a number from 0 to 0xffffffff: \`0X10'" fwmark 0X10
e "bad peer key" "peer: Key is not the correct length or format: \`xyz'" peer xyz
e "bad keepalive" "persistent-keepalive: Persistent keepalive must be \`off' or seconds from 0 to 65535: \`70000'" peer "$PUB" persistent-keepalive 70000
e "bad endpoint" "endpoint: Endpoint needs a host and a port, as host:port or [IPv6]:port: \`192.0.2.1'" peer "$PUB" endpoint 192.0.2.1
e "bad allowed ip" "allowed-ips: Prefix length must be a number from 0 to 32: \`33'" peer "$PUB" allowed-ips 10.0.0.0/33
e "trailing comma" "allowed-ips: Allowed IPs list has an empty entry: \`10.0.0.0/8,'" peer "$PUB" allowed-ips 10.0.0.0/8,
e "missing key file" "private-key: Unable to open key file \`$T/none': No such file or directory" private-key "$T/none"
printf 'short\n' >"$T/short"
e "short key file" "private-key: Key file \`$T/short' is too short: expected a 44-character base64 key" private-key "$T/short"
printf '%s x\n' "$PUB" >"$T/trailing"
e "key file with trailing text" "preshared-key: Key file \`$T/trailing' has a character after the key that is not whitespace" peer "$PUB" preshared-key "$T/trailing"
run "$WG" set wgcli0 private-key <(true)
if [[ $RC == 1 && $ERR == *"is too short"* ]]; then
	pass "an empty pipe is not an empty key"
else
	fail "an empty pipe is not an empty key" "$ERR"
fi
finish
