#!/bin/bash
# tests/netns/wg-quick-hooks.sh: PreUp, PostUp, PreDown and PostDown run in that order, each in
# file order, with %i replaced, through bash, at the right moment of the link's life.

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
	"pre-up-1 wg0 []
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

finish
