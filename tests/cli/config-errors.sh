#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# config-errors.sh: setconf/addconf/syncconf reject bad files with one line naming file, line and text.
source "$(dirname "$0")/../lib/test.sh"
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
PUB=c9YqnZBOqMadjxzYc5SwBt6JyWxPHyPrbFJnkx45bkU=

# bad_file NAME CONTENT EXPECTED_MESSAGE: every conf command refuses it the same way.
bad_file() {
	local name="$1" content="$2" message="$3" sub
	printf '%s' "$content" >"$T/bad.conf"
	for sub in setconf addconf syncconf; do
		expect_run "$sub: $name" 1 "" "$T/bad.conf:$message" "$WG" "$sub" wgcli0 "$T/bad.conf"
	done
}

bad_file "unknown key" $'[Interface]\nListenPort = 1\nAddress = 10.0.0.1/24\n' \
	"3: Unknown key \`Address' in [Interface]: expected PrivateKey, ListenPort or FwMark"
bad_file "bad key" $'[Peer]\nPublicKey = abc\n' "2: Key is not the correct length or format: \`abc'"
bad_file "port out of range" $'# c\n[Interface]\nListenPort = 70000\n' "3: Port must be a number from 0 to 65535: \`70000'"
bad_file "missing public key" $'[Interface]\n\n[Peer]\nAllowedIPs = 10.0.0.0/8\n' "3: [Peer] section has no PublicKey: every peer needs one"
bad_file "CRLF file with an error" $'[Interface]\r\nListenPort = x\r\n' "2: Port must be a number from 0 to 65535: \`x'"

expect_run "missing file" 1 "" "Unable to open configuration file \`$T/nope.conf': No such file or directory" "$WG" setconf wgcli0 "$T/nope.conf"
mkdir "$T/dir.conf"
expect_run "directory in place of a file" 1 "" "Unable to read configuration file \`$T/dir.conf': Is a directory" "$WG" setconf wgcli0 "$T/dir.conf"
printf '[Interface]\n' >"$T/secret.conf"
chmod 000 "$T/secret.conf"
chmod 755 "$T"
AS_USER=()
[[ $(id -u) -eq 0 ]] && AS_USER=(setpriv --reuid=65534 --regid=65534 --clear-groups)
expect_run "unreadable file" 1 "" "Unable to open configuration file \`$T/secret.conf': Permission denied" "${AS_USER[@]}" "$WG" setconf wgcli0 "$T/secret.conf"

printf '[Peer]\nPublicKey = %s\nAllowedIPs = 10.1.2.3/8\n' "$PUB" >"$T/warn.conf"
run "$WG" setconf wgcli0 "$T/warn.conf"
[[ $ERR == "Warning: $T/warn.conf:3: Allowed IP \`10.1.2.3/8' has host bits set; it stands for 10.0.0.0/8"$'\n'* ]] &&
	pass "host bits: a warning with file and line" || fail "host bits: a warning with file and line" "$ERR"
finish
