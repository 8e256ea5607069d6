#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/netns/wg-quick-routes.sh: routes at scale. up installs the routes of many prefixes (on
# one AllowedIPs line, and over many peers) with one "[#]" line each, skips those an Address
# subnet covers, and ends with the same routes as the original; a route that fails halfway
# through the batch names its prefix and leaves nothing behind; reload changes only the routes
# of prefixes that came or went, and undoes them when it fails; down removes a kernel link's
# many peers before the link; the programs up, down and reload run are as many for 2,000
# prefixes as for 20.

# shellcheck source=tests/lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netns.sh
. "$TESTS_DIR/lib/netns.sh"
# shellcheck source=tests/lib/wg-quick-lib.sh
. "$TESTS_DIR/lib/wg-quick-lib.sh"
wq_setup "$@"

ORIG_WG_QUICK="${ORIG_WG_QUICK:-/usr/bin/wg-quick}"
# Processes are slow under emulation, and the original starts two for every prefix.
SMALL=20 LARGE=2000
[[ -z ${WGC_VM:-} ]] || LARGE=600

wq_single || { fail "setup" "could not build the namespace"; finish; }
if ! ip -n "$NS" link add veth-a type veth peer name veth-b ||
	! ip -n "$NS" link set veth-a up || ! ip -n "$NS" link set veth-b up; then
	fail "setup" "no veth link"
	finish
fi

# prefixes N [FROM]: N prefixes, one per line: mostly /24s in 10.64.0.0/10, every tenth one an
# IPv6 /48, every 25th inside the Address's 10.40.0.0/16 (so covered), one written with host
# bits and one host route.
prefixes() {
	local n="$1" from="${2:-0}" i
	for ((i = from; i < from + n; i++)); do
		if ((i % 25 == 7)); then
			echo "10.40.$((i % 256)).0/24"
		elif ((i % 10 == 3)); then
			printf 'fd%02x:%x::/48\n' $((i >> 16 & 255)) $((i & 65535))
		else
			echo "10.$((64 + (i >> 8 & 63))).$((i & 255)).0/24"
		fi
	done
	((from)) || printf '%s\n' 10.99.7.1/24 10.98.0.9/32
}

# conf NAME PEERS PREFIXES...: a file whose PEERS peers share the prefixes given (one peer: all
# on one AllowedIPs line).
conf() {
	local name="$1" peers="$2" text i per
	shift 2
	text="[Interface]
PrivateKey = $KEY
Address = 10.40.0.1/16, fd40::1/64
"
	per=$((($# + peers - 1) / peers))
	for ((i = 0; i < peers; i++)); do
		local list=("${@:i*per+1:per}") joined
		((${#list[@]})) || break
		printf -v joined '%s, ' "${list[@]}"
		text+="
[Peer]
PublicKey = ${PEERS[i]}
AllowedIPs = ${joined%, }
"
	done
	wq_conf "$name" "$text"
}

PEERS=()
for ((i = 0; i < 40; i++)); do
	PEERS+=("$(netns_genkey | netns_pubkey)")
done

# The routes through wgr0 in every table, as ip lists them, sorted.
routes() {
	{
		ip -n "$NS" -4 route show table all dev wgr0
		ip -n "$NS" -6 route show table all dev wgr0
	} 2>/dev/null | grep -v -e 'fe80::' -e '^multicast ' | sort
}

# The "[#] ip ... route ..." lines of the last run.
route_lines() {
	wq_log | grep -E '^\[#\] ip -[46] route ' || true
}

# --- the same routes as the original, one [#] line each -------------------------------------
mapfile -t SOME < <(prefixes "$SMALL")
ONE_LINE="$(conf wgr0 1 "${SOME[@]}")"
ORIG_BIN="$NETNS_TMP/orig-bin"
mkdir -p "$ORIG_BIN"
ln -s "$ORIG_WG" "$ORIG_BIN/wg"
if [[ -x $ORIG_WG_QUICK ]]; then
	run ip netns exec "$NS" env PATH="$ORIG_BIN:$PATH" "$ORIG_WG_QUICK" up "$ONE_LINE"
	ORIG_RC=$RC ORIG_LINES="$(route_lines)" ORIG_ROUTES="$(routes)"
	run ip netns exec "$NS" env PATH="$ORIG_BIN:$PATH" "$ORIG_WG_QUICK" down "$ONE_LINE"
	wq_daemon_gone "the original's wireguard-go is gone" wgr0
	wq "$NS" up "$ONE_LINE"
	expect_eq "$SMALL prefixes on one line: up succeeds as the original does" "$RC" "$ORIG_RC"
	expect_eq "... with the original's route lines, in its order" "$(route_lines)" "$ORIG_LINES"
	expect_eq "... and the original's routes" "$(routes)" "$ORIG_ROUTES"
	wq "$NS" down "$ONE_LINE"
	wq_daemon_gone "our wireguard-go is gone" wgr0
else
	skip "differential routes" "the original wg-quick ($ORIG_WG_QUICK) is not installed"
fi

# --- many prefixes --------------------------------------------------------------------------
# The routes someone added through wgr0 (not the kernel for an address), one prefix per line.
added_routes() {
	{
		ip -n "$NS" -4 route show table all dev wgr0
		ip -n "$NS" -6 route show table all dev wgr0
	} 2>/dev/null | grep -v -e ' proto kernel' -e ' table local' -e '^fe80::' -e '^multicast ' |
		awk '{ print $1 }' | sed -E '/\//! { /:/ s/$/\/128/; /:/! s/$/\/32/ }' | sort
}

# line_for VERB PREFIX...: the [#] lines of VERB (add, delete) for the prefixes, in their order.
line_for() {
	local verb="$1" p
	shift
	for p; do
		[[ $p == *:* ]] && echo "[#] ip -6 route $verb $p dev wgr0" ||
			echo "[#] ip -4 route $verb $p dev wgr0"
	done
}

# The prefixes up must add: all but those inside 10.40.0.0/16, host bits cleared.
uncovered() {
	printf '%s\n' "$@" | grep -v '^10\.40\.' | sed 's#^10\.99\.7\.1/24$#10.99.7.0/24#'
}

mapfile -t MANY < <(prefixes "$LARGE")
mapfile -t WANT < <(uncovered "${MANY[@]}")
for peers in 1 40; do
	CONF="$(conf wgr0 "$peers" "${MANY[@]}")"
	wq "$NS" up "$CONF"
	check "up of $LARGE prefixes over $peers peer(s) succeeds" test "$RC" = 0
	expect_eq "... one [#] line per prefix not inside an Address subnet" \
		"$(route_lines | sort)" "$(line_for add "${WANT[@]}" | sort)"
	expect_eq "... longest first, ties in reverse order (as the original)" \
		"$(route_lines | awk '{ print $5 }')" \
		"$(route_lines | awk '{ print $5 }' | sort -nr -k 2 -t /)"
	expect_eq "... a route for each" "$(added_routes)" "$(printf '%s\n' "${WANT[@]}" | sort)"
	wq "$NS" down "$CONF"
	expect_eq "... down takes them away" "$RC|$(added_routes)" "0|"
	# The kernel's link goes much faster without its peers; wireguard-go's gains nothing.
	if [[ -n ${WGC_VM:-} ]] && ((peers >= 4)); then
		expect_eq "... removing the kernel link's $peers peers first" "$(wq_log)" \
			"[#] wg setconf wgr0 /dev/null
[#] ip link delete dev wgr0"
	else
		expect_eq "... deleting the link at once" "$(wq_log)" "[#] ip link delete dev wgr0"
	fi
	wq_daemon_gone "... and wireguard-go" wgr0
done

# --- wg's messages name the file, however many ------------------------------------------------
# Every prefix written with host bits draws a warning from wg, about /dev/fd/63 where it reads
# the file; wg-quick names the file instead, line by line.
mapfile -t HOSTBITS < <(prefixes "$LARGE" | sed -n 's#^\(10\.6[4-9]\.[0-9]*\)\.0/24$#\1.1/24#p')
CONF="$(conf wgr0 1 "${HOSTBITS[@]}")"
wq "$NS" up "$CONF"
LINE="$(grep -n '^AllowedIPs' "$CONF" | cut -d: -f1)"
expect_eq "up of ${#HOSTBITS[@]} prefixes with host bits warns of each, naming the file" \
	"$RC|$(grep -c "^Warning: $CONF:$LINE: Allowed IP \`10\.[0-9.]*1/24' has host bits set" <<<"$ERR")" \
	"0|${#HOSTBITS[@]}"
check "... and never /dev/fd/63" test -z "$(grep -F '/dev/fd/63:' <<<"$ERR")"
wq "$NS" down "$CONF"
wq_daemon_gone "... down" wgr0

# --- a route that fails in the middle of the batch ------------------------------------------
CLASH=10.64.5.0/24
ip -n "$NS" route add "$CLASH" dev veth-a
BASELINE="$(wq_state "$NS"; ip -n "$NS" -o link show | awk '{ print $2 }')"
CONF="$(conf wgr0 40 "${MANY[@]}")"
wq "$NS" up "$CONF"
expect_eq "up whose route for $CLASH clashes fails, naming it" \
	"$RC|$(grep -F -e 'RTNETLINK' -e "$CLASH" <<<"$ERR" | grep -v '^\[#\]')" \
	"1|RTNETLINK answers: File exists
wg-quick: \`ip -4 route add $CLASH dev wgr0' failed"
wq_daemon_gone "... and wireguard-go goes" wgr0
expect_eq "... and leaves nothing behind" \
	"$(wq_state "$NS"; ip -n "$NS" -o link show | awk '{ print $2 }')" "$BASELINE"
check "... the other route to $CLASH stays" test -n "$(ip -n "$NS" route show "$CLASH" dev veth-a)"
ip -n "$NS" route delete "$CLASH" dev veth-a

# --- reload: only the prefixes that changed --------------------------------------------------
mapfile -t BEFORE < <(prefixes 200)
mapfile -t NEW < <(prefixes 5 1000)
AFTER=("${BEFORE[@]:5}" "${NEW[@]}")
CONF="$(conf wgr0 20 "${BEFORE[@]}")"
wq "$NS" up "$CONF"
check "up of 200 prefixes over 20 peers" test "$RC" = 0
CONF="$(conf wgr0 20 "${AFTER[@]}")"
wq "$NS" reload "$CONF"
mapfile -t ADDED < <(uncovered "${NEW[@]}" | sort -nr -k 2 -t /)
mapfile -t DELETED < <(uncovered "${BEFORE[@]:0:5}" | sort -nr -k 2 -t /)
expect_eq "reload moving 5 prefixes changes just their routes, additions first" \
	"$RC|$(route_lines)" "0|$(line_for add "${ADDED[@]}")
$(line_for delete "${DELETED[@]}")"
RELOADED="$(added_routes)"
expect_eq "... to a route for each prefix of the new file" "$RELOADED" \
	"$(uncovered "${AFTER[@]}" | sort)"

# A reload whose new route clashes: what it added goes again, the peers are as before.
CLASH=10.62.9.0/24
ip -n "$NS" route add "$CLASH" dev veth-a
PEERS_BEFORE="$(wq_wg "$NS" showconf wgr0 | wq_canon_conf)"
wq "$NS" reload "$(conf wgr0 20 "${AFTER[@]}" 10.63.1.0/25 "$CLASH")"
expect_eq "a reload whose route clashes fails, naming it" \
	"$RC|$(grep -F "$CLASH" <<<"$ERR" | grep -v '^\[#\]')" \
	"1|wg-quick: \`ip -4 route add $CLASH dev wgr0' failed"
expect_eq "... the route it added before goes again" "$(wq_log | grep -F '10.63.1.0/25')" \
	"[#] ip -4 route add 10.63.1.0/25 dev wgr0
[#] ip -4 route delete 10.63.1.0/25 dev wgr0"
expect_eq "... the routes are as before" "$(added_routes)" "$RELOADED"
expect_eq "... and so are the peers" "$(wq_wg "$NS" showconf wgr0 | wq_canon_conf)" "$PEERS_BEFORE"
wq "$NS" down "$CONF"
wq_daemon_gone "down after the failed reload" wgr0
ip -n "$NS" route delete "$CLASH" dev veth-a

# --- as many programs for 2,000 prefixes as for 20 ------------------------------------------
# Every program wg-quick starts through PATH is a logging wrapper here (tests/lib/fault-shim,
# which fails nothing unless told to).
CALLS_BIN="$NETNS_TMP/calls-bin"
CALLS="$NETNS_TMP/calls"
mkdir -p "$CALLS_BIN" "$CALLS"
ln -s "$WG_QUICK" "$CALLS_BIN/wg-quick"
for tool in ip wg sort stat readlink wireguard-go nft sysctl mktemp sync mv chmod cat; do
	case "$tool" in
	wg) real="$WQ_WG" ;;
	*) real="$(command -v "$tool")" || continue ;;
	esac
	printf '#!/bin/bash\nexec %q %q %q "$@"\n' "$TESTS_DIR/lib/fault-shim" "$real" "$tool" \
		>"$CALLS_BIN/$tool"
	chmod +x "$CALLS_BIN/$tool"
done
# calls OP CONF: the programs `wg-quick OP CONF' runs, one name per line.
calls() {
	rm -f "$CALLS"/*
	run ip netns exec "$NS" env FAULT_DIR="$CALLS" "$CALLS_BIN/wg-quick" "$1" "$2"
	[[ $RC -eq 0 ]] || echo "failed: $RC"
	awk '{ print $1 }' "$CALLS/calls" | sort | uniq -c
}
for peers in 1 20; do
	mapfile -t FEW < <(prefixes "$SMALL")
	mapfile -t FEW_NEXT < <(prefixes "$SMALL" 5000)
	mapfile -t MORE < <(prefixes "$LARGE")
	mapfile -t MORE_NEXT < <(prefixes "$LARGE" 5000)
	few_up="$(calls up "$(conf wgr0 "$peers" "${FEW[@]}")")"
	few_reload="$(calls reload "$(conf wgr0 "$peers" "${FEW_NEXT[@]}")")"
	few_down="$(calls down "$(conf wgr0 "$peers" "${FEW_NEXT[@]}")")"
	wq_daemon_gone "down of $SMALL prefixes" wgr0
	more_up="$(calls up "$(conf wgr0 "$peers" "${MORE[@]}")")"
	more_reload="$(calls reload "$(conf wgr0 "$peers" "${MORE_NEXT[@]}")")"
	more_down="$(calls down "$(conf wgr0 "$peers" "${MORE_NEXT[@]}")")"
	wq_daemon_gone "down of $LARGE prefixes" wgr0
	expect_eq "up over $peers peer(s) runs as many programs for $LARGE prefixes as for $SMALL" \
		"$more_up" "$few_up"
	expect_eq "... so does reload, replacing every prefix" "$more_reload" "$few_reload"
	expect_eq "... and down" "$more_down" "$few_down"
done

finish
