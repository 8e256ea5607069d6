#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# demo.sh: the README's first command keeps working: tests/demo brings a tunnel up, pings across
# it both ways and tears everything down.
source "$(dirname "$0")/../lib/test.sh"
require_root
require_cmd ip ping
before="$(ip netns list | grep -c wgdemo)"
run "$REPO_DIR/tests/demo"
[[ $RC == 0 ]] && pass "demo exits 0" || fail "demo exits 0" "rc=$RC: $(tail -5 <<<"$OUT$ERR")"
[[ $(grep -c ' 0% packet loss' <<<"$OUT") == 2 ]] && pass "demo pings over IPv4 and IPv6 without loss" ||
	fail "demo pings over IPv4 and IPv6 without loss" "$(grep 'packet loss' <<<"$OUT")"
[[ $(grep -c 'latest handshake: ' <<<"$OUT") == 2 ]] && pass "demo shows a handshake on both ends" ||
	fail "demo shows a handshake on both ends" "missing"
[[ $ERR == *"[#] wg setconf "* ]] && pass "demo brings both ends up with wg-quick" || fail "demo brings both ends up with wg-quick" "no [#] wg setconf line"
after="$(ip netns list | grep -c wgdemo)"
[[ $before == "$after" ]] && pass "demo leaves no namespace behind" || fail "demo leaves no namespace behind" "$before -> $after"
finish
