# SPDX-License-Identifier: GPL-2.0-only
# tests/lib/wg-quick-lib.sh: running wg-quick inside network namespaces for the wg-quick tests.
# shellcheck shell=bash disable=SC2034 # sets variables for the test files that source it
#
# Source tests/lib/test.sh and tests/lib/netns.sh first, then call wq_setup "$@" at the top level
# of the test file. wg-quick runs from a directory of its own (WQ_BIN) that also holds the wg it
# uses (WG_QUICK_TEST_WG, default $WG, our build) and a recording resolvconf stub, since the
# script puts its own directory first on PATH. The same files run on the host (wireguard-go)
# and in the test VM (the kernel module; tests/vm/guest/50-wg-quick.sh): WQ_KERNEL says which.
#
#   wq_setup "$@"                 private mount namespace, WQ_BIN, WQ_CONF, stub, WQ_KERNEL
#   wq_link_lines IF              the [#] and [!] lines with which up creates IF here
#   wq_daemon_gone NAME CHECK     with wireguard-go: checks that the daemon for IF went away
#   wq NS ARGS...                 run wg-quick ARGS in NS; sets OUT, ERR, RC (like run)
#   wq_log                        the "[#]" and "[!]" lines of the last wq's stderr
#   wq_conf NAME TEXT             write WQ_CONF/NAME.conf (mode 0600), print its path
#   wq_single                     one namespace NS, a private key KEY and a peer's key PEER
#   wq_pair                       two namespaces on a veth link with keys for both ends
#   wq_server_conf                A's file (wga.conf): B is its peer, no endpoint
#   wq_client_conf ALLOWED [MORE] B's file (wgb.conf): A is its peer with AllowedIPs ALLOWED
#   wq_ping NS ADDR               one ping that must answer within two seconds
#   wq_state NS                   rules, routes outside the main table's veth, firewall tables
#   wq_expect_state NAME NS WANT  checks that wq_state NS comes back to WANT (within five seconds)
#   wq_wg NS ARGS...              our wg (or WG_QUICK_TEST_WG) inside NS
#   wq_addrs NS IF / wq_mtu NS IF IF's addresses (without the generated link-local) / "mtu N"

WQ_BIN=""
WQ_CONF=""
WQ_WG=""
WQ_KERNEL=0

wq_setup() {
	local probe
	netns_private_rundir "$@"
	require_cmd nft ping sysctl
	netns_new probe || exit 1
	if ip -n "$probe" link add wg0 type wireguard 2>/dev/null; then
		WQ_KERNEL=1
	else
		require_cmd wireguard-go
	fi
	WQ_WG="${WG_QUICK_TEST_WG:-$WG}"
	if ! "$WQ_WG" show interfaces >/dev/null 2>&1; then
		skip "$TEST_FILE" "$WQ_WG cannot list interfaces yet"
		exit 0
	fi
	WQ_BIN="$NETNS_TMP/bin"
	WQ_CONF="$NETNS_TMP/conf"
	mkdir -p "$WQ_BIN" "$WQ_CONF" "$NETNS_TMP/resolvconf"
	chmod 0700 "$WQ_CONF"
	ln -s "$WG_QUICK" "$WQ_BIN/wg-quick"
	ln -s "$WQ_WG" "$WQ_BIN/wg"
	# A copy, not a link: wg-quick treats a symlinked resolvconf as systemd-resolved's.
	cp "$TESTS_DIR/lib/stub-resolvconf" "$WQ_BIN/resolvconf"
	export STUB_RESOLVCONF_DIR="$NETNS_TMP/resolvconf"
	unset WG_QUICK_USERSPACE_IMPLEMENTATION
}

wq() {
	local ns="$1"
	shift
	run ip netns exec "$ns" "$WQ_BIN/wg-quick" "$@"
}

wq_link_lines() {
	echo "[#] ip link add $1 type wireguard"
	if ((!WQ_KERNEL)); then
		echo "[!] Missing WireGuard kernel module." \
			"Falling back to slow userspace implementation."
		echo "[#] wireguard-go $1"
	fi
}

# wireguard-go exits once its TUN device is deleted; wait (at most five seconds) for its socket.
wq_daemon_gone() {
	local ifname="$2" tries
	((!WQ_KERNEL)) || return 0
	for ((tries = 0; tries < 50; tries++)); do
		[[ -e $NETNS_RUNDIR/$ifname.sock ]] || break
		sleep 0.1
	done
	check "$1" test ! -e "$NETNS_RUNDIR/$ifname.sock"
}

wq_log() {
	grep -E '^\[[#!]\] ' <<<"$ERR" || true
}

wq_conf() {
	local path="$WQ_CONF/$1.conf"
	printf '%s\n' "$2" >"$path"
	chmod 0600 "$path"
	echo "$path"
}

wq_single() {
	netns_new NS || return 1
	KEY="$(netns_genkey)" && PEER="$(netns_genkey | netns_pubkey)"
}

# Sets NS_A, NS_B (veth 192.168.241.1 / .2 and fd00:241::1 / ::2) and the key pairs KEY_A,
# PUB_A, KEY_B, PUB_B. A also has 10.99.0.1 and fd99::1, which B can reach only through a
# tunnel that routes them (a full tunnel, say).
wq_pair() {
	netns_new NS_A && netns_new NS_B || return 1
	netns_link "$NS_A" "$NS_B" 192.168.241.1 192.168.241.2 fd00:241::1 fd00:241::2 || return 1
	ip -n "$NS_A" address add 10.99.0.1/32 dev lo || return 1
	ip -n "$NS_A" address add fd99::1/128 dev lo || return 1
	KEY_A="$(netns_genkey)" && PUB_A="$(netns_pubkey <<<"$KEY_A")" || return 1
	KEY_B="$(netns_genkey)" && PUB_B="$(netns_pubkey <<<"$KEY_B")"
}

# A listens on 51820 as 10.77.0.1/24 and fd77::1/64; B is 10.77.0.2 and fd77::2.
wq_server_conf() {
	wq_conf wga "[Interface]
PrivateKey = $KEY_A
ListenPort = 51820
Address = 10.77.0.1/24, fd77::1/64

[Peer]
PublicKey = $PUB_B
AllowedIPs = 10.77.0.2/32, fd77::2/128"
}

# B, 10.77.0.2/24 and fd77::2/64, has A as its peer at A's veth address; MORE ends the file.
wq_client_conf() {
	wq_conf wgb "[Interface]
PrivateKey = $KEY_B
Address = 10.77.0.2/24, fd77::2/64

[Peer]
PublicKey = $PUB_A
Endpoint = 192.168.241.1:51820
AllowedIPs = $1
${2:-}"
}

# The first packet waits for a handshake, slow under emulation in the VM: up to ten seconds.
wq_ping() {
	ip netns exec "$1" ping -n -q -c 1 -w 10 "$2" >/dev/null 2>&1
}

# Everything policy routing leaves in NS: rules, the non-main routing tables, firewall tables.
wq_state() {
	local ns="$1"
	ip -n "$ns" -4 rule show
	ip -n "$ns" -6 rule show
	# The kernel marks a veth's routes "linkdown" whenever it notices, a moment after the
	# link went up with its peer down: the carrier is not wg-quick's business.
	{
		ip -n "$ns" -4 route show table all |
			grep -v -e '^local ' -e '^broadcast ' -e ' dev lo ' || true
		ip -n "$ns" -6 route show table all | grep -v -e '^local ' -e '^multicast ' -e ' dev lo ' \
			-e '^fe80::/64 dev veth' -e '^fd00:241::/64 dev veth' || true
	} | sed 's/ linkdown\( \|$\)/\1/'
	ip netns exec "$ns" nft list tables
}

# The kernel may finish tearing a link down a moment after `ip link delete' returns: the state
# is read again for up to five seconds before the check fails, and a failure keeps the whole
# state (unfiltered) in the log.
wq_expect_state() {
	local name="$1" ns="$2" want="$3" got tries
	for ((tries = 0; tries < 50; tries++)); do
		got="$(wq_state "$ns")"
		[[ $got != "$want" ]] || break
		sleep 0.1
	done
	expect_eq "$name" "$got" "$want"
	if [[ $got != "$want" ]]; then
		{
			ip -n "$ns" -d link show
			ip -n "$ns" rule show
			ip -n "$ns" -6 rule show
			ip -n "$ns" route show table all
			ip -n "$ns" -6 route show table all
			ip netns exec "$ns" nft list ruleset
		} 2>&1 | sed 's/^/#   state: /'
	fi
}

wq_wg() {
	local ns="$1"
	shift
	ip netns exec "$ns" "$WQ_WG" "$@"
}

wq_addrs() {
	ip -n "$1" -o address show dev "$2" | grep -v ' fe80:' | awk '{ print $4 }'
}

wq_mtu() {
	ip -n "$1" -o link show dev "$2" | grep -o 'mtu [0-9]*'
}

# A configuration on stdin with its [Peer] sections sorted: wireguard-go lists peers in no
# particular order.
wq_canon_conf() {
	awk 'BEGIN { RS = "" } { gsub(/\n/, "\\n"); print }' | {
		local first
		IFS= read -r first && printf '%s\n' "$first"
		sort
	} | while IFS= read -r block; do
		printf '%b\n\n' "$block"
	done
}
