#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/hardening/hostile.sh: the hostile-input corpus of tests/hostile against a real wireguard-go
# interface: each malformed configuration file or command line fails with exactly its message
# and exit status and leaves the interface exactly as it was; each odd but valid file gives
# exactly the interface the original wg makes of it.
#
# The corpus:
#   tests/hostile/conf/*.conf    bad files; line 1 is `# expect 1: MESSAGE' (FILE stands for
#                                the file's path), run through setconf, addconf and syncconf
#   tests/hostile/accept/*.conf  valid oddities; `# expect 0: what', then `#> ' lines with the
#                                showconf the original prints after setconf (peers in any
#                                order) and `#! ' lines with the expected stderr
#   tests/hostile/set.cases      `wg set' command lines, one set_case per case
#   tests/hostile/cmd.cases      other subcommands and interface names, one cmd_case per case
# and, made here, files of megabytes and files nobody may read.
# shellcheck source=tests/lib/test.sh
source "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netns.sh
source "$TESTS_DIR/lib/netns.sh"
# shellcheck source=tests/lib/diff.sh
source "$TESTS_DIR/lib/diff.sh"

require_cmd wireguard-go setpriv "$WG"
netns_private_rundir "$@"

CORPUS="$TESTS_DIR/hostile"
IF=wgh0
# Readable by the unprivileged user some cases run as.
chmod 0755 "$NETNS_TMP"
T="$NETNS_TMP/files"
mkdir -m 0755 "$T"
# A host name that slips into a case fails at once instead of waiting for DNS.
export WG_ENDPOINT_RESOLUTION_RETRIES=0

if ! netns_new NS || ! netns_wg_start "$NS" "$IF"; then
	fail setup "could not start wireguard-go"
	finish
fi

conf_now() { "$WG" showconf "$IF" | diff_sort_conf; }

KEY="$(netns_genkey)" PUB="$(netns_genkey | netns_pubkey)" PUB2="$(netns_genkey | netns_pubkey)"
printf '%s\n' "$KEY" >"$T/key"
printf '[Interface]\nPrivateKey = %s\nListenPort = 51820\nFwMark = 0x77\n
[Peer]\nPublicKey = %s\nPresharedKey = %s\nAllowedIPs = 10.1.0.0/16, fd00:1::/64
Endpoint = 192.0.2.1:51820\nPersistentKeepalive = 25\n
[Peer]\nPublicKey = %s\nAllowedIPs = 10.2.0.0/16\nEndpoint = [2001:db8::2]:443\n' \
	"$KEY" "$PUB" "$(netns_genpsk)" "$PUB2" >"$T/baseline.conf"
if ! "$WG" setconf "$IF" "$T/baseline.conf"; then
	fail setup "could not configure $IF"
	finish
fi
BASE="$(conf_now)"
SHOW_USAGE="$("$WG" show --help 2>&1)"

# check_last WANT_RC WANT_ERR WANT_CONF: appends to WHY what the last `run' and the interface
# got wrong; puts the interface back the way it was when it changed.
WHY=()
check_last() {
	local now
	now="$(conf_now)"
	[[ $RC == "$1" ]] || WHY+=("exit status $RC, not $1")
	[[ -z $OUT ]] || WHY+=("stdout: $(head -c 200 <<<"$OUT")")
	if [[ $ERR != "$2" ]]; then
		WHY+=("stderr differs")
		diff <(printf '%s\n' "$2") <(printf '%s\n' "$ERR") | head -c 2000 | sed 's/^/#   /'
	fi
	if [[ $now != "$3" ]]; then
		WHY+=("the interface is not as it should be")
		diff <(printf '%s\n' "$3") <(printf '%s\n' "$now") | head -20 | sed 's/^/#   /'
		"$WG" setconf "$IF" "$T/baseline.conf"
	fi
}

# verdict NAME: one PASS or FAIL line for everything check_last collected since the last one.
verdict() {
	if [[ ${#WHY[@]} -eq 0 ]]; then
		pass "$1"
	else
		fail "$1" "$(printf '%s; ' "${WHY[@]}")"
	fi
	WHY=()
}

# conf_case NAME FILE RC MESSAGE: setconf, addconf and syncconf of FILE all fail alike.
conf_case() {
	local name="$1" file="$2" status="$3" message="${4//FILE/$2}" verb
	for verb in setconf addconf syncconf; do
		run "$WG" "$verb" "$IF" "$file"
		check_last "$status" "$message" "$BASE"
	done
	verdict "$name"
}

# The header line of a corpus file, without `# expect ' and a CR.
header() {
	local line
	IFS= read -r line <"$1"
	line="${line%$'\r'}"
	printf '%s' "${line#\# expect }"
}

# Lines of a corpus file that start with PREFIX, without it (and without a CR).
header_lines() {
	sed -n "s/^$2 \\{0,1\\}//p" "$1" | tr -d '\r'
}

# --- bad configuration files from the corpus ---
for file in "$CORPUS"/conf/*.conf; do
	expect="$(header "$file")"
	if [[ ! $expect =~ ^([0-9]+):\ (.*)$ ]]; then
		fail "conf/$(basename "$file")" "line 1 is not \`# expect STATUS: MESSAGE'"
		continue
	fi
	conf_case "conf/$(basename "$file")" "$file" "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
done

# --- valid oddities: setconf and syncconf both give what the original gives ---
for file in "$CORPUS"/accept/*.conf; do
	name="accept/$(basename "$file")"
	if [[ $(header "$file") != 0:* ]]; then
		fail "$name" "line 1 is not \`# expect 0: WHAT'"
		continue
	fi
	want="$(header_lines "$file" '#>' | diff_sort_conf)"
	err="$(header_lines "$file" '#!')"
	for verb in setconf syncconf; do
		run "$WG" "$verb" "$IF" "$file"
		check_last 0 "${err//FILE/$file}" "$want"
		"$WG" setconf "$IF" "$T/baseline.conf"
	done
	verdict "$name"
done

# --- files made here: megabytes, many lines, many peers ---
megabyte() { head -c 1048576 /dev/zero | tr '\0' "$1"; }
a89="$(printf 'A%.0s' {1..89})" x89="$(printf 'x%.0s' {1..89})"
{ printf '[Interface]\nPrivateKey = '; megabyte A; echo; } >"$T/mb-value.conf"
conf_case "made: a megabyte key" "$T/mb-value.conf" 1 \
	"FILE:2: Key is not the correct length or format: \`$a89...'"
{ printf '[Interface]\n'; megabyte x; echo; } >"$T/mb-line.conf"
conf_case "made: a megabyte line without =" "$T/mb-line.conf" 1 \
	"FILE:2: Line is neither a [Section] nor Key = Value: \`$x89...'"
{ printf '[Interface]\n# '; megabyte x; printf '\nListenPort = 65536\n'; } >"$T/mb-comment.conf"
conf_case "made: a megabyte comment, then port 65536" "$T/mb-comment.conf" 1 \
	"FILE:3: Port must be a number from 0 to 65535: \`65536'"
{ printf '[Interface]\nListenPort ='; megabyte ' '; printf '70000\n'; } >"$T/mb-space.conf"
conf_case "made: a megabyte of spaces inside a value" "$T/mb-space.conf" 1 \
	"FILE:2: Port must be a number from 0 to 65535: \`70000'"
{ printf '[Interface]\nListenPort = 0\n'; megabyte ' '; printf 'Bogus = 1\n'; } \
	>"$T/mb-space-line.conf"
conf_case "made: a megabyte of spaces before an unknown key" "$T/mb-space-line.conf" 1 \
	"FILE:3: Unknown key \`Bogus' in [Interface]: expected PrivateKey, ListenPort or FwMark"
{ printf '[Interface]\n'; yes '# a comment' | head -n 100000; printf 'ListenPort = x\n'; } \
	>"$T/many-lines.conf"
conf_case "made: 100,000 comment lines, then a bad port" "$T/many-lines.conf" 1 \
	"FILE:100002: Port must be a number from 0 to 65535: \`x'"
{
	printf '[Peer]\nPublicKey = %s\nAllowedIPs = ' "$PUB"
	seq 0 79999 |
		awk '{ printf "10.%d.%d.%d/32,", int($1 / 65536), int($1 / 256) % 256, $1 % 256 }'
	printf '10.0.0.0/33\n'
} >"$T/mb-allowed-ips.conf"
conf_case "made: a megabyte of allowed IPs ending in /33" "$T/mb-allowed-ips.conf" 1 \
	"FILE:3: Prefix length must be a number from 0 to 32: \`33'"
{
	printf '[Interface]\nListenPort = 1\n'
	for ((i = 0; i < 10000; ++i)); do
		printf '[Peer]\nPublicKey = %s%05dA=\nAllowedIPs = 10.%d.%d.0/24\n' \
			AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA "$i" $((i / 256)) $((i % 256))
	done
	printf '[Peer]\nPublicKey = %s\nEndpoint = 192.0.2.1:0\n' "$PUB"
} >"$T/many-peers.conf"
conf_case "made: 10,000 good peers, then a bad endpoint" "$T/many-peers.conf" 1 \
	"FILE:30005: Endpoint port must be a number from 1 to 65535: \`192.0.2.1:0'"
# Every byte value but NUL, over and over: the first line is bytes 1 to 9.
LC_ALL=C awk 'BEGIN { for (i = 0; i < 4112; ++i) for (b = 1; b < 256; ++b) printf "%c", b }' \
	>"$T/mb-binary.conf"
conf_case "made: a megabyte of binary" "$T/mb-binary.conf" 1 \
	"FILE:1: Line is neither a [Section] nor Key = Value: \`????????'"

# A file nobody may read: the error is the open's, not a parse of nothing.
printf '[Interface]\n' >"$T/secret.conf"
chmod 0000 "$T/secret.conf"
AS_NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
run "${AS_NOBODY[@]}" "$WG" setconf "$IF" "$T/secret.conf"
check_last 1 "Unable to open configuration file \`$T/secret.conf': Permission denied" "$BASE"
verdict "made: a configuration file nobody may read"
chmod 0000 "$T/key"
run "${AS_NOBODY[@]}" "$WG" set "$IF" private-key "$T/key"
check_last 1 "private-key: Unable to open key file \`$T/key': Permission denied" "$BASE"
verdict "made: a key file nobody may read"
chmod 0600 "$T/key"

# --- command lines ---
printf 'short\n' >"$T/short"
printf '\n' >"$T/empty-line"
printf '%s x\n' "$KEY" >"$T/trailing"
printf ' %s\n' "$KEY" >"$T/leading-space"
printf '%s' "$KEY" | base64 -d | od -An -v -tx1 | tr -d ' \n' >"$T/hex"
printf 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=\n' >"$T/noncanonical"
printf '%s\0\n' "$KEY" >"$T/nul"
printf '%s\r\n\r\nx' "$KEY" >"$T/crlf-junk"
cp "$T/mb-binary.conf" "$T/garbage"
head -c 100000 /dev/zero | tr '\0' 9 >"$T/big-value"
seq 0 4999 | awk '{ printf "%s10.%d.%d.0/24", (NR > 1 ? "," : ""), int($1 / 256), $1 % 256 }' \
	>"$T/many-ips"
mkdir "$T/dir"
ln -s "$T/loop" "$T/loop"

set_case() {
	local name="$1" message="$2"
	shift 2
	run "$WG" set "$IF" "$@"
	check_last 1 "$message" "$BASE"
	verdict "set: $name"
}
cmd_case() {
	local name="$1" message="$2"
	shift 2
	run "$WG" "$@"
	check_last 1 "$message" "$BASE"
	verdict "cmd: $name"
}
# shellcheck source=tests/hostile/set.cases
source "$CORPUS/set.cases"
# shellcheck source=tests/hostile/cmd.cases
source "$CORPUS/cmd.cases"

# Port 0 is no error: it asks for a port chosen at random.
run "$WG" set "$IF" listen-port 0
port="$("$WG" show "$IF" listen-port)"
check_last 0 "" "${BASE/ListenPort = 51820/ListenPort = $port}"
[[ $port =~ ^[0-9]+$ && $port -gt 0 && $port -lt 65536 ]] || WHY+=("listen port $port")
verdict "set: listen-port 0 picks a port, changing nothing else"
"$WG" setconf "$IF" "$T/baseline.conf"
finish
