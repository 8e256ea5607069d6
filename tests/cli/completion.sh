#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# completion.sh: the bash completions of wg and wg-quick offer the right words for typical
# command lines, with `wg' stubbed so that interfaces and peers are known in advance.
source "$(dirname "$0")/../lib/test.sh"

KEY_A="gcXgtBr+HBH9s6VK/2lxar5l2iDwb/Tsp4ek6g2VeHQ="
KEY_B="w9d5TvwcbnZg9M/reak7c9sAV6lRZ4zks0MYUBH05Vs="

# The stub answers what the completions ask; anything else is a test bug and says so.
wg() {
	case "$*" in
	"show interfaces") echo "wg0 wg1 office" ;;
	"show wg0 peers") printf '%s\n' "$KEY_A" "$KEY_B" ;;
	"show wg1 peers") ;;
	*) echo "unexpected: wg $*" >&2; return 1 ;;
	esac
}

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/cwd/sub" "$TMP/etc"
touch "$TMP/cwd/priv.key" "$TMP/cwd/psk.key" "$TMP/cwd/wg0.conf" "$TMP/cwd/notes.txt" \
	"$TMP/cwd/a:b.key" "$TMP/etc/home.conf" "$TMP/etc/office.conf" "$TMP/etc/README"
cd "$TMP/cwd" || exit 1

_wg_quick_config_dir="$TMP/etc"
for script in wg wg-quick; do
	# shellcheck source=/dev/null
	if ! source "$REPO_DIR/completion/$script.bash-completion"; then
		fail "load $script.bash-completion" "source failed"
		finish
	fi
	if [[ $(complete -p "$script" 2>/dev/null) == *" -F "* ]]; then
		pass "$script.bash-completion registers a completion function"
	else
		fail "$script.bash-completion registers a completion function" "$(complete -p "$script" 2>&1)"
	fi
done

# complete_line LINE: runs the registered function as bash would with the cursor at the end of
# LINE, and prints the replies on one line (sorted when SORTED=1: file names come unordered).
complete_line() {
	local line="$1" func
	func="$(complete -p "${line%% *}")"
	func="${func##* -F }"
	func="${func%% *}"
	COMP_LINE="$line"
	COMP_POINT=${#line}
	read -ra COMP_WORDS <<<"$line"
	[[ $line != *" " ]] || COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	"$func" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	if [[ ${SORTED:-0} == 1 ]]; then
		printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
	else
		echo "${COMPREPLY[*]}"
	fi
}

# expect_completion LINE EXPECTED: the replies for LINE, space-separated, in order.
expect_completion() {
	expect_eq "complete \"$1\"" "$(complete_line "$1" 2>&1)" "$2"
}

FIELDS="public-key private-key listen-port fwmark peers preshared-keys endpoints allowed-ips latest-handshakes transfer persistent-keepalive dump json"

expect_completion "wg " "show showconf set setconf addconf syncconf genkey genpsk pubkey help"
expect_completion "wg s" "show showconf set setconf syncconf"
expect_completion "wg gen" "genkey genpsk"
expect_completion "wg show " "wg0 wg1 office all interfaces"
expect_completion "wg show w" "wg0 wg1"
expect_completion "wg show wg0 " "$FIELDS"
expect_completion "wg show all d" "dump"
expect_completion "wg show all j" "json"
expect_completion "wg show wg0 p" "public-key private-key peers preshared-keys persistent-keepalive"
expect_completion "wg show interfaces " ""
expect_completion "wg show wg0 dump " ""
expect_completion "wg showconf " "wg0 wg1 office"
expect_completion "wg showconf wg0 " ""
for sub in setconf addconf syncconf; do
	expect_completion "wg $sub " "wg0 wg1 office"
	SORTED=1 expect_completion "wg $sub wg0 " "a:b.key notes.txt priv.key psk.key sub wg0.conf"
	expect_completion "wg $sub wg0 wg0.conf " ""
done
SORTED=1 expect_completion "wg setconf wg0 p" "priv.key psk.key"
expect_completion "wg syncconf -" "--dry-run"
expect_completion "wg syncconf --dry-run -" "--json"
expect_completion "wg syncconf --dry-run --json -" ""
expect_completion "wg syncconf --dry-run " "wg0 wg1 office"
expect_completion "wg syncconf --dry-run --json " "wg0 wg1 office"
SORTED=1 expect_completion "wg syncconf --dry-run wg0 p" "priv.key psk.key"
expect_completion "wg syncconf --dry-run wg0 wg0.conf " ""
expect_completion "wg setconf -" ""
expect_completion "wg genkey " ""
expect_completion "wg pubkey " ""

expect_completion "wg set " "wg0 wg1 office"
expect_completion "wg set wg0 " "listen-port fwmark private-key peer"
expect_completion "wg set wg0 listen-port " ""
expect_completion "wg set wg0 listen-port 51820 " "fwmark private-key peer"
expect_completion "wg set wg0 fwmark 0x10 listen-port 0 " "private-key peer"
SORTED=1 expect_completion "wg set wg0 private-key " "a:b.key notes.txt priv.key psk.key sub wg0.conf"
expect_completion "wg set wg0 private-key pr" "priv.key"
expect_completion "wg set wg0 private-key priv.key " "listen-port fwmark peer"
expect_completion "wg set wg0 peer " "$KEY_A $KEY_B"
expect_completion "wg set wg0 peer w" "$KEY_B"
expect_completion "wg set wg1 peer " ""
expect_completion "wg set wg0 peer $KEY_A " "remove preshared-key endpoint persistent-keepalive allowed-ips peer"
expect_completion "wg set wg0 listen-port 1 peer $KEY_A endpoint " ""
expect_completion "wg set wg0 peer $KEY_A endpoint 192.0.2.1:51820 allowed-ips 10.0.0.0/8 " \
	"remove preshared-key persistent-keepalive peer"
expect_completion "wg set wg0 peer $KEY_A preshared-key psk.key " \
	"remove endpoint persistent-keepalive allowed-ips peer"
expect_completion "wg set wg0 peer $KEY_A preshared-key ps" "psk.key"
expect_completion "wg set wg0 peer $KEY_A remove " "peer"
expect_completion "wg set wg0 peer $KEY_A remove peer " "$KEY_B"
expect_completion "wg set wg0 peer $KEY_A endpoint 192.0.2.1:51820 peer $KEY_B " \
	"remove preshared-key endpoint persistent-keepalive allowed-ips peer"
# Bash replaces only what follows the last `:' or `=' of the word, so the reply must too.
expect_completion "wg set wg0 private-key a:" "b.key"

expect_completion "wg-quick " "up down save strip reload"
expect_completion "wg-quick s" "save strip"
expect_completion "wg-quick r" "reload"
SORTED=1 expect_completion "wg-quick up " "home office sub wg0.conf"
for command in up save strip reload; do
	expect_completion "wg-quick $command o" "office"
done
expect_completion "wg-quick up ./w" "./wg0.conf"
expect_completion "wg-quick reload -" "--dry-run"
expect_completion "wg-quick reload --dry-run o" "office"
expect_completion "wg-quick reload --dry-run office " ""
expect_completion "wg-quick up -" ""
expect_completion "wg-quick down " "wg0 wg1 office"
expect_completion "wg-quick down o" "office"
expect_completion "wg-quick up home " ""
expect_completion "wg-quick frob " ""
finish
