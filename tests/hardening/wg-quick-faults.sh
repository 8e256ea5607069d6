#!/bin/bash
# tests/hardening/wg-quick-faults.sh: a failure injected at each step of wg-quick up (before the
# step ran, or after it ran) leaves the namespace exactly as it was and fails; a failure at
# each step of down leaves what a second down can clean, as far as possible (see DOWN below);
# a save killed at each point keeps a whole, private configuration file.
#
# Failures come from tests/lib/fault-shim, installed under the name of each tool in the
# directory wg-quick runs from (it puts that directory first on PATH), with a PATH that has
# no other way to the system tools: the recording of a clean run lists the steps ("[#]" lines)
# and each is then made to fail in turn, with nft and, nft hidden, with iptables-restore.
# shellcheck source=tests/lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netns.sh
. "$TESTS_DIR/lib/netns.sh"
# shellcheck source=tests/lib/wg-quick-lib.sh
. "$TESTS_DIR/lib/wg-quick-lib.sh"
wq_setup "$@"
require_cmd setsid iptables-restore iptables-save ip6tables-restore ip6tables-save

FDIR="$NETNS_TMP/fault"
RECORDS="$STUB_RESOLVCONF_DIR/records"
# The only way to the system's tools is through the shims: sbin is not on this PATH.
FQ_PATH=/usr/local/bin:/usr/bin:/bin
KEY="$(netns_genkey)"
PEER="$(netns_genkey | netns_pubkey)"
PEER2="$(netns_genkey | netns_pubkey)"
mkdir -p "$FDIR"

# fq_bin DIR TOOL...: DIR holds wg-quick and a shim for each TOOL; hooks call `hook'.
fq_bin() {
	local dir="$1" tool real
	shift
	mkdir -p "$dir"
	ln -s "$WG_QUICK" "$dir/wg-quick"
	for tool in "$@" wg resolvconf hook; do
		case "$tool" in
		wg) real="$WQ_WG" ;;
		resolvconf) real="$WQ_BIN/resolvconf" ;;
		hook) real=/bin/true ;;
		*) real="$(command -v "$tool")" || continue ;;
		esac
		printf '#!/bin/bash\nexec %q %q %q "$@"\n' "$TESTS_DIR/lib/fault-shim" "$real" \
			"$tool" >"$dir/$tool"
		chmod +x "$dir/$tool"
	done
}

FIREWALL_TOOLS=(iptables-restore ip6tables-restore iptables-save ip6tables-save)
TOOLS=(ip sysctl wireguard-go mktemp chmod sync mv "${FIREWALL_TOOLS[@]}")
fq_bin "$NETNS_TMP/with-nft" nft "${TOOLS[@]}"
fq_bin "$NETNS_TMP/with-iptables" "${TOOLS[@]}"
FBIN="$NETNS_TMP/with-nft"

# A namespace NS with a veth link towards the endpoint, and some state of others that wg-quick
# must leave alone: a policy rule, a routing table, firewall rules in the tables iptables-restore
# would add to (iptables-nft keeps a table it created, even empty), an nft table.
fq_ns() {
	netns_new NS || return 1
	ip netns exec "$NS" sysctl -q net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 net.ipv4.conf.all.src_valid_mark=0 &&
		ip -n "$NS" link add veth-a type veth peer name veth-b &&
		ip -n "$NS" address add 192.168.241.1/24 dev veth-a &&
		ip -n "$NS" link set veth-a up && ip -n "$NS" link set veth-b up &&
		ip -n "$NS" rule add from 192.0.2.7 table 100 &&
		ip -n "$NS" route add 198.51.100.0/24 dev veth-a table 100 &&
		ip netns exec "$NS" bash -c '
			for t in iptables ip6tables; do
				for c in raw:PREROUTING raw:OUTPUT mangle:PREROUTING mangle:POSTROUTING; do
					$t -t "${c%:*}" -A "${c#*:}" -i other0 -j ACCEPT || exit
				done
			done
			nft add table inet other'
	BASELINE="$(fq_state)"
}

# Everything up may touch, in NS and in the rundir and resolvconf records it shares with the
# host: links, addresses, routes of every table, rules, both firewalls, the sysctl, DNS records,
# UAPI sockets and processes (the userspace daemon).
fq_state() {
	local family
	ip -n "$NS" -o link show
	ip -n "$NS" -o address show
	for family in -4 -6; do
		ip -n "$NS" "$family" rule show
		ip -n "$NS" "$family" route show table all
	done
	ip netns exec "$NS" nft -s list ruleset
	ip netns exec "$NS" iptables-save | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//'
	ip netns exec "$NS" ip6tables-save | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//'
	echo "src_valid_mark: $(ip netns exec "$NS" sysctl -n net.ipv4.conf.all.src_valid_mark)"
	echo "DNS records: $(cd "$RECORDS" && grep -r . | tr '\n' ' ')"
	echo "sockets: $(ls -A "$NETNS_RUNDIR")"
	echo "processes: $(ip netns pids "$NS" | xargs -r ps -o comm= -p | tr '\n' ' ')"
}

# Waits (five seconds at most) for a userspace daemon to go with its link.
fq_settle() {
	local tries
	for ((tries = 0; tries < 50; tries++)); do
		[[ -z $(ip netns pids "$NS") && -z $(ls -A "$NETNS_RUNDIR") ]] && return
		sleep 0.1
	done
}

# Replaces a namespace left dirty (a failed case) so that one failure does not cascade.
fq_renew() {
	[[ $(fq_state) != "$BASELINE" ]] || return 0
	for pid in $(ip netns pids "$NS"); do
		kill -KILL "$pid"
	done
	ip netns delete "$NS"
	rm -f "$NETNS_RUNDIR"/* "$RECORDS"/*
	fq_ns
}

# fq ARGS...: wg-quick ARGS in NS from $FBIN, its own process group, with the FAULT_* values
# of the caller; sets OUT, ERR, RC.
fq() {
	rm -f "$FDIR"/*
	run ip netns exec "$NS" env -i PATH="$FQ_PATH" STUB_RESOLVCONF_DIR="$STUB_RESOLVCONF_DIR" \
		FAULT_DIR="$FDIR" FAULT_CMD="${FAULT_CMD:-}" FAULT_NTH="${FAULT_NTH:-1}" \
		FAULT_WHEN="${FAULT_WHEN:-before}" /usr/bin/setsid --wait "$FBIN/wg-quick" "$@"
}

# The steps of the last run: its "[#]" lines, without the marker.
fq_steps() {
	wq_log | sed -n 's/^\[#\] //p'
}

CONF="$(wq_conf wg0 "[Interface]
PrivateKey = $KEY
Address = 10.10.11.10/24, fd00::1/64
DNS = 10.0.0.53, example.com
PreUp = hook pre-up %i
PostUp = hook post-up %i
PreDown = hook pre-down %i
PostDown = hook post-down %i

[Peer]
PublicKey = $PEER
Endpoint = 192.168.241.2:51820
AllowedIPs = 0.0.0.0/0, ::/0

[Peer]
PublicKey = $PEER2
AllowedIPs = 10.20.0.0/16, fd20::/48")"

fq_ns || { fail setup "could not build the namespace"; finish; }

# fq_up_faults LABEL FIREWALL_STEP...: records a clean up and down, then fails each step of up
# in turn, before and after it ran.
fq_up_faults() {
	local label="$1" step when nth steps=() expected
	local -A seen=()
	shift
	fq up "$CONF"
	mapfile -t steps < <(fq_steps)
	expected="$(wq_link_lines wg0 | sed -n 's/^\[#\] //p')
wg setconf wg0 /dev/fd/63
ip -4 address add 10.10.11.10/24 dev wg0
ip -6 address add fd00::1/64 dev wg0
ip link set mtu 1420 up dev wg0
resolvconf -a wg0 -m 0 -x
ip -4 route add 10.20.0.0/16 dev wg0
ip -6 route add fd20::/48 dev wg0
wg set wg0 fwmark 51820
ip -6 rule add not fwmark 51820 table 51820
ip -6 rule add table main suppress_prefixlength 0
ip -6 route add ::/0 dev wg0 table 51820
$1
ip -4 rule add not fwmark 51820 table 51820
ip -4 rule add table main suppress_prefixlength 0
ip -4 route add 0.0.0.0/0 dev wg0 table 51820
sysctl -q net.ipv4.conf.all.src_valid_mark=1
$2"
	expect_eq "$label: a clean up takes every step" "$RC|$(printf '%s\n' "${steps[@]}")" \
		"0|hook pre-up wg0
$expected
hook post-up wg0"
	fq down "$CONF"
	fq_settle
	expect_eq "$label: a clean down leaves nothing" "$RC|$(fq_state)" "0|$BASELINE"
	fq_renew

	for step in "${steps[@]}"; do
		nth=$((${seen[$step]:-0} + 1))
		seen[$step]=$nth
		for when in before after; do
			# A hook has no effect to undo; a failing `ip link add' is what this host
			# does anyway (the fallback to the userspace daemon is the step then).
			[[ $when == before || $step != hook* ]] || continue
			[[ $step != "ip link add"* ]] || ((WQ_KERNEL)) || continue
			FAULT_CMD="$step" FAULT_NTH="$nth" FAULT_WHEN="$when" fq up "$CONF"
			fq_settle
			expect_eq "$label: up failing $when \`$step' (#$nth) undoes everything" \
				"injected: $(cat "$FDIR/injected" 2>/dev/null)
failed: $((RC != 0))
$(fq_state)" "injected: $step
failed: 1
$BASELINE"
			fq_renew
		done
	done
}

fq_up_faults nft "nft -f /dev/fd/63" "nft -f /dev/fd/63"
FBIN="$NETNS_TMP/with-iptables"
fq_up_faults iptables "ip6tables-restore -n" "iptables-restore -n"
FBIN="$NETNS_TMP/with-nft"

finish
