# SPDX-License-Identifier: GPL-2.0-only
# tests/vm/guest-lib.sh: helpers for the guest tests (tests/vm/guest/*.sh), which run inside the
# test VM with the real WireGuard kernel module. Builds on tests/lib/test.sh and
# tests/lib/netns.sh (namespaces, veth links, keys, cleanup at exit).
#
#   . "$(dirname "$0")/../guest-lib.sh"
#   vm_setup "$@"              skip unless inside the VM; private mount namespace, cleanup trap
#   vm_wg_pair WG_BINARY       NS_A and NS_B joined by veth, each with a kernel interface wg0
#                              configured by WG_BINARY as the other's peer; see below
#   vm_ping NS ADDRESS         one ping through (with time for the handshake)
#   vm_require_ours            skip unless our wg ($WG) exists
#   vm_run_file FILE PREFIX    run another test file, relay its results as "PASS PREFIX/name"
#
# Addresses: veth 192.168.241.1 / .2 and fd00:241::1 / ::2; inside the tunnel 10.241.0.1 / .2
# and fd00:f241::1 / ::2. wg0 listens on 51820 in NS_A and 51821 in NS_B.
# shellcheck shell=bash

# shellcheck source-path=SCRIPTDIR source=../lib/test.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/test.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/netns.sh"

vm_setup() {
	if [[ -z ${WGC_VM:-} ]]; then
		skip "$TEST_FILE" "runs only inside the test VM (tests/vm/kernel.sh or run-guest)"
		exit 0
	fi
	netns_private_rundir "$@"
}

vm_require_ours() {
	if [[ ! -x $WG ]]; then
		skip "$TEST_FILE" "our wg ($WG) is not built"
		exit 0
	fi
}

# vm_wg_iface WG_BINARY NS PORT KEY ADDR4 ADDR6 PEER_PUB PEER_ENDPOINT PEER_ADDR4 PEER_ADDR6
vm_wg_iface() {
	local wg="$1" ns="$2" port="$3" key="$4" addr4="$5" addr6="$6"
	local peer="$7" endpoint="$8" peer4="$9" peer6="${10}" keyfile
	keyfile="$NETNS_TMP/$ns.key"
	(umask 077 && printf '%s\n' "$key" >"$keyfile") || return 1
	ip -n "$ns" link add wg0 type wireguard || return 1
	ip netns exec "$ns" "$wg" set wg0 listen-port "$port" private-key "$keyfile" \
		peer "$peer" endpoint "$endpoint" allowed-ips "$peer4/32,$peer6/128" || return 1
	ip -n "$ns" address add "$addr4/24" dev wg0 || return 1
	ip -n "$ns" address add "$addr6/64" dev wg0 nodad || return 1
	ip -n "$ns" link set wg0 up
}

# Sets NS_A, NS_B and the key pairs KEY_A, PUB_A, KEY_B, PUB_B.
vm_wg_pair() {
	local wg="$1"
	netns_new NS_A && netns_new NS_B || return 1
	netns_link "$NS_A" "$NS_B" 192.168.241.1 192.168.241.2 fd00:241::1 fd00:241::2 || return 1
	KEY_A="$(netns_genkey)" && PUB_A="$(netns_pubkey <<<"$KEY_A")" || return 1
	KEY_B="$(netns_genkey)" && PUB_B="$(netns_pubkey <<<"$KEY_B")" || return 1
	vm_wg_iface "$wg" "$NS_A" 51820 "$KEY_A" 10.241.0.1 fd00:f241::1 \
		"$PUB_B" 192.168.241.2:51821 10.241.0.2 fd00:f241::2 || return 1
	vm_wg_iface "$wg" "$NS_B" 51821 "$KEY_B" 10.241.0.2 fd00:f241::2 \
		"$PUB_A" 192.168.241.1:51820 10.241.0.1 fd00:f241::1
}

# The first packet waits for a handshake, which is slow under emulation: -w allows ten seconds.
vm_ping() {
	ip netns exec "$1" ping -n -q -c 1 -w 10 "$2" >/dev/null 2>&1
}

# vm_run_file FILE PREFIX: runs a bash test file within $WGC_VM_FILE_TIMEOUT seconds (default
# 900), relays its output with PREFIX/ in front of each result name, and fails PREFIX when the
# file times out, exits non-zero without a FAIL line, or reports no result at all.
vm_run_file() {
	local file="$1" prefix="$2" log rc limit="${WGC_VM_FILE_TIMEOUT:-900}"
	log="$(mktemp)"
	timeout -k 10 "$limit" bash "$file" </dev/null 2>&1 | tee "$log" |
		sed -u -E "s/^(PASS|FAIL|SKIP) /\\1 $prefix\\//"
	rc=${PIPESTATUS[0]}
	if grep -q '^FAIL ' "$log"; then
		TEST_FAILED=1
	elif [[ $rc -eq 124 ]]; then
		fail "$prefix" "timed out after $limit seconds"
	elif [[ $rc -ne 0 ]]; then
		fail "$prefix" "exited with status $rc without reporting a failure"
	elif ! grep -qE '^(PASS|FAIL|SKIP) ' "$log"; then
		fail "$prefix" "reported no results"
	fi
	rm -f "$log"
}
