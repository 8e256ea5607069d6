#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# usage.sh: the command table, help, version, and every subcommand's usage line and exit status.
source "$(dirname "$0")/../lib/test.sh"

run "$WG" --help
[[ $RC == 0 && $OUT == "Usage: $WG <cmd> [<args>]"* && -z $ERR ]] && pass "--help on stdout, exit 0" || fail "--help on stdout, exit 0" "rc=$RC"
for word in help -h; do
	run "$WG" "$word"
	[[ $RC == 0 && $OUT == *"Available subcommands:"* ]] && pass "$word" || fail "$word" "rc=$RC"
done
for sub in show showconf set setconf addconf syncconf genkey genpsk pubkey; do
	[[ $OUT == *"  $sub: "* ]] && pass "help lists $sub" || fail "help lists $sub" "missing"
done
# One line: our name and version, then the original's release whose behaviour wg matches, all
# from version.mk. (Deliberately not the original's "wireguard-tools v..." line: bug reports
# must reach this project.)
version_of() { sed -n "s/^$1 := //p" "$REPO_DIR/version.mk"; }
VERSION_LINE="wg ($(version_of PROJECT)) $(version_of VERSION), compatible with wireguard-tools v$(version_of COMPAT_VERSION)"
[[ $VERSION_LINE =~ ^wg\ \([a-z]+\)\ [0-9]+\.[0-9]+\.[0-9]+,\ compatible\ with\ wireguard-tools\ v[0-9.]+$ ]] &&
	pass "version.mk gives a name and two versions" || fail "version.mk gives a name and two versions" "$VERSION_LINE"
for word in --version -v version; do
	expect_run "$word" 0 "$VERSION_LINE" "" "$WG" "$word"
done

run "$WG" frobnicate
[[ $RC == 1 && -z $OUT && $ERR == "Invalid subcommand: \`frobnicate'"$'\n'"Usage: $WG <cmd> [<args>]"* ]] &&
	pass "unknown subcommand: message and usage on stderr, exit 1" || fail "unknown subcommand" "rc=$RC err=$ERR"
run "$WG" --version extra
[[ $RC == 1 && $ERR == "Invalid subcommand: \`--version'"* ]] && pass "--version with an extra word" || fail "--version with an extra word" "rc=$RC"
run "$WG" help me
[[ $RC == 1 && $ERR == "Invalid subcommand: \`help'"* ]] && pass "help with an extra word" || fail "help with an extra word" "rc=$RC"

SHOW_USAGE="Usage: $WG show { <interface> | all | interfaces } [public-key | private-key | listen-port | fwmark | peers | preshared-keys | endpoints | allowed-ips | latest-handshakes | transfer | persistent-keepalive | dump | json]"
expect_run "show with three operands" 1 "" "$SHOW_USAGE" "$WG" show a b c
expect_run "show --help: usage, exit 0" 0 "" "$SHOW_USAGE" "$WG" show --help
expect_run "show interfaces with an operand" 1 "" "$SHOW_USAGE" "$WG" show interfaces x
expect_run "show with an unknown field" 1 "" "Invalid parameter: \`frob'"$'\n'"$SHOW_USAGE" "$WG" show wg0 frob
expect_run "showconf without interface" 1 "" "Usage: $WG showconf <interface>" "$WG" showconf
expect_run "showconf with two operands" 1 "" "Usage: $WG showconf <interface>" "$WG" showconf a b
for sub in setconf addconf syncconf; do
	usage="Usage: $WG $sub <interface> <configuration filename>"
	[[ $sub != syncconf ]] || usage="Usage: $WG $sub [--dry-run [--json]] <interface> <configuration filename>"
	expect_run "$sub with one operand" 1 "" "$usage" "$WG" "$sub" wg0
	expect_run "$sub with three operands" 1 "" "$usage" "$WG" "$sub" wg0 a b
done
SYNC_USAGE="Usage: $WG syncconf [--dry-run [--json]] <interface> <configuration filename>"
expect_run "syncconf --json needs --dry-run" 1 "" "$SYNC_USAGE" "$WG" syncconf --json wg0 /dev/null
expect_run "syncconf with an unknown option" 1 "" "$SYNC_USAGE" "$WG" syncconf --dry-rum wg0 /dev/null
expect_run "syncconf --dry-run with one operand" 1 "" "$SYNC_USAGE" "$WG" syncconf --dry-run wg0
expect_run "syncconf options go before the interface" 1 "" "$SYNC_USAGE" "$WG" syncconf wg0 /dev/null --dry-run
expect_run "setconf takes no --dry-run" 1 "" "Usage: $WG setconf <interface> <configuration filename>" "$WG" setconf --dry-run wg0 /dev/null
expect_run "syncconf --dry-run of a bad name fails before anything" 1 "" "Interface name may not contain \`/', \`:' or spaces: \`a/b'" "$WG" syncconf --dry-run --json a/b /dev/null
run "$WG" set wg0
[[ $RC == 1 && $ERR == "Usage: $WG set <interface> [listen-port <port>]"* ]] && pass "set without options" || fail "set without options" "rc=$RC err=$ERR"
for sub in genkey genpsk pubkey; do
	expect_run "$sub with an operand" 1 "" "Usage: $WG $sub" "$WG" "$sub" extra
done

LONG=abcdefghijklmnop
expect_run "set refuses a 16-byte interface name" 1 "" "Interface name must be 1 to 15 bytes: \`$LONG'" "$WG" set "$LONG" listen-port 1
expect_run "showconf refuses a 16-byte interface name" 1 "" "Interface name must be 1 to 15 bytes: \`$LONG'" "$WG" showconf "$LONG"
expect_run "setconf refuses a name with a slash" 1 "" "Interface name may not contain \`/', \`:' or spaces: \`a/b'" "$WG" setconf a/b /dev/null
finish
