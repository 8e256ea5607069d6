#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/netns/wg-quick-hooks.sh: PreUp, PostUp, PreDown and PostDown run in that order, each in
# file order, with %i replaced, through bash, at the right moment of the link's life: PreUp once
# the link exists (so it can tune it, or give it a private key that the file's settings then
# leave alone), as upstream's wg-quick does; compared step by step with the original.

. "$(dirname "$0")/../lib/test.sh"
. "$TESTS_DIR/lib/netns.sh"
. "$TESTS_DIR/lib/wg-quick-lib.sh"
wq_setup "$@"

netns_new NS
HOOKS="$NETNS_TMP/hooks.log"
# Each hook records its name, the interface name and what it sees of the link.
cat >"$NETNS_TMP/seen" <<'EOF'
ip -o link show dev "$1" 2>/dev/null | grep -o -e ",UP," -e "mtu [0-9]*" | tr "\n" " "
EOF
seen="\$(bash $NETNS_TMP/seen %i)"
CONF="$(wq_conf wg0 "[Interface]
PrivateKey = $(netns_genkey)
Address = 10.10.11.10/24
PreUp = echo \"pre-up-1 %i [$seen]\" >>$HOOKS
PostUp = echo \"post-up-1 %i [$seen]\" >>$HOOKS
PreDown = echo \"pre-down %i [$seen]\" >>$HOOKS
PostDown = echo \"post-down %i [$seen]\" >>$HOOKS
PreUp = echo \"pre-up-2 %i%i \$((6 * 7))\" >>$HOOKS
PostUp = [[ %i == wg0 ]] && echo \"post-up-2 a#b\" >>$HOOKS # bash sees this comment

[Peer]
PublicKey = $(netns_genkey | netns_pubkey)
AllowedIPs = 10.10.10.0/24")"

wq "$NS" up "$CONF"
check "up with hooks" test "$RC" = 0
wq "$NS" down "$CONF"
check "down with hooks" test "$RC" = 0
expect_eq "hooks run in order, with %i, through bash" "$(cat "$HOOKS")" \
	"pre-up-1 wg0 [mtu 1420 ]
pre-up-2 wg0wg0 42
post-up-1 wg0 [,UP, mtu 1420 ]
post-up-2 a#b
pre-down wg0 [,UP, mtu 1420 ]
post-down wg0 []"
wq "$NS" up "$CONF"
expect_eq "the [#] line of a hook shows it with %i replaced" \
	"$(wq_log | grep -F 'post-up-2')" \
	"[#] [[ wg0 == wg0 ]] && echo \"post-up-2 a#b\" >>$HOOKS # bash sees this comment"

# A failing PreDown stops down before anything is removed.
mkdir -m 0700 "$NETNS_TMP/failing"
FAILING="$NETNS_TMP/failing/wg0.conf"
sed 's/^PreDown = .*/PreDown = false/' "$CONF" >"$FAILING"
wq "$NS" down "$FAILING"
check "a failing PreDown fails down" test "$RC" != 0
check "... and leaves the interface up" test -n "$(ip -n "$NS" link show dev wg0 up 2>/dev/null)"
wq "$NS" down "$CONF"
check "down after that works" test "$RC" = 0

# --- PreUp runs once the link exists ------------------------------------------------------
KEYFILE="$NETNS_TMP/failing/key"
KEY="$(netns_genkey)"
printf '%s\n' "$KEY" >"$KEYFILE"
TUNED="$(wq_conf wg1 "[Interface]
Address = 10.10.12.10/24
PreUp = ip link set %i txqueuelen 1234
PreUp = wg set %i private-key $KEYFILE

[Peer]
PublicKey = $(netns_genkey | netns_pubkey)
AllowedIPs = 10.10.13.0/24")"
wq "$NS" up "$TUNED"
expect_eq "PreUp runs after the link is made, before its settings" "$RC|$(wq_log)" \
	"0|$(wq_link_lines wg1)
[#] ip link set wg1 txqueuelen 1234
[#] wg set wg1 private-key $KEYFILE
[#] wg addconf wg1 /dev/fd/63
[#] ip -4 address add 10.10.12.10/24 dev wg1
[#] ip link set mtu 1420 up dev wg1
[#] ip -4 route add 10.10.13.0/24 dev wg1"
check "... a PreUp can tune the link" \
	grep -q 'qlen 1234' <(ip -n "$NS" link show dev wg1)
expect_eq "... and the private key it sets stays" "$(wq_wg "$NS" show wg1 private-key)" "$KEY"
wq "$NS" down "$TUNED"
check "down of the tuned link" test "$RC" = 0
wq_daemon_gone "its daemon goes" wg1

BEFORE="$(ip -n "$NS" -o link show | awk '{ print $2 }')"
sed 's/^PreUp = wg set .*/PreUp = false/' "$TUNED" >"$FAILING"
wq "$NS" up "$FAILING"
expect_eq "a failing PreUp fails up, after the link was made, and deletes it" \
	"$RC|$(wq_log | tail -n 3)" "1|[#] ip link set wg0 txqueuelen 1234
[#] false
[#] ip link delete dev wg0"
wq_daemon_gone "... its daemon goes" wg0
expect_eq "... and the link is gone again" "$(ip -n "$NS" -o link show | awk '{ print $2 }')" \
	"$BEFORE"

# --- the order of every step, against the original -----------------------------------------
# The installed original (1.0.20210914) ran PreUp before making the link; upstream moved it
# after (as here) in 2022. Its PreUp lines are moved to that place before comparing.
# wq_steps: the steps of the last run, one word each, hooks by name.
wq_steps() {
	wq_log | sed -E -e 's/^\[!\].*//' -e 's/^\[#\] //' \
		-e 's/^(ip link add|wireguard-go) .*/link/' -e 's/^wg (setconf|addconf) .*/config/' \
		-e 's/^ip -[46] address add .*/address/' -e 's/^ip link set mtu .*/mtu/' \
		-e 's/^ip -[46] route add .*/route/' -e 's/^ip link delete .*/delete/' \
		-e 's/^echo (pre-up|post-up|pre-down|post-down).*/\1/' | grep -v '^$' | uniq
}
ORDER="$(wq_conf wg3 "[Interface]
PrivateKey = $(netns_genkey)
Address = 10.10.14.10/24
PreUp = echo pre-up >/dev/null
PostUp = echo post-up >/dev/null
PreDown = echo pre-down >/dev/null
PostDown = echo post-down >/dev/null

[Peer]
PublicKey = $(netns_genkey | netns_pubkey)
AllowedIPs = 10.10.15.0/24")"
if [[ -x ${ORIG_WG_QUICK:-/usr/bin/wg-quick} ]]; then
	mkdir -p "$NETNS_TMP/orig-bin"
	ln -sf "$ORIG_WG" "$NETNS_TMP/orig-bin/wg"
	orig() {
		run ip netns exec "$NS" env PATH="$NETNS_TMP/orig-bin:$PATH" \
			"${ORIG_WG_QUICK:-/usr/bin/wg-quick}" "$@"
	}
	orig up "$ORDER"
	expect_eq "the original ran PreUp first" "$(wq_steps | head -n 1)" pre-up
	orig_up="$(wq_steps | awk '$0 == "pre-up" { held = held $0 "\n"; next }
		{ print } $0 == "link" { printf "%s", held; held = "" }')"
	orig down "$ORDER"
	orig_down="$(wq_steps)"
	wq_daemon_gone "the original's daemon goes" wg3
	wq "$NS" up "$ORDER"
	expect_eq "up takes the original's steps in its order (PreUp after the link)" \
		"$(wq_steps)" "$orig_up"
	wq "$NS" down "$ORDER"
	expect_eq "down takes the original's steps in its order" "$(wq_steps)" "$orig_down"
	wq_daemon_gone "our daemon goes" wg3
else
	skip "hook order against the original" "the original wg-quick is not installed"
fi

finish
