#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/hardening/wg-quick-faults.sh: a failure injected at each step of wg-quick up, before or
# after the step ran, leaves the namespace exactly as it was and fails; after a failure at
# each step of down, wg-quick can still get back to a clean namespace; a save killed at each
# point keeps a whole, private configuration file.
#
# Failures come from tests/lib/fault-shim, installed under the name of each tool in the
# directory wg-quick runs from (wg-quick puts that directory first on PATH) and run with a PATH
# that has no other way to the system's tools. A clean run's "[#]" lines list its steps; each
# step is then made to fail in turn, with nft and, nft hidden, with ip(6)tables-restore.
#
# What down does with a failing step (asserted case by case in fq_down_expect):
# - PreDown, a policy rule or the link: down stops (non-zero) with the link still there, and
#   a second down removes everything, but for one rule: once a family's fwmark rule is gone
#   and its suppress_prefixlength rule is not (the second's deletion failed, or the first's
#   reported a failure after it happened), that rule cannot be told from another tunnel's and
#   stays for good (harmless to routing: it only skips the main table's default route).
# - The DNS record or a firewall table, after the link is gone: down passes over the failure
#   (status 0, as the original does) and leaves that record or table behind; a second down
#   refuses (no such interface), but the next up replaces them and its down removes them.
# - The link deleted although `ip' reported a failure: down stops with the DNS record and the
#   firewall tables left; recovered the same way, by an up and a down.
# - PostDown: everything is gone already; down fails.
# Down never resets net.ipv4.conf.all.src_valid_mark (the original does not either: other
# tunnels may rely on it); the test puts it back to 0 itself after each down.
# shellcheck disable=SC2317 # the *_case functions run through fq_each_step
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
# sbin is not on this PATH: wg-quick reaches ip, nft, sysctl... only through the shims.
FQ_PATH=/usr/local/bin:/usr/bin:/bin
KEY="$(netns_genkey)"
PEER="$(netns_genkey | netns_pubkey)"
PEER2="$(netns_genkey | netns_pubkey)"
mkdir -p "$FDIR" "$RECORDS"

# fq_bin DIR TOOL...: DIR holds wg-quick and a shim for each TOOL; the hooks call `hook'.
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

TOOLS=(ip sysctl wireguard-go mktemp chmod sync mv)
TOOLS+=(iptables-restore ip6tables-restore iptables-save ip6tables-save)
fq_bin "$NETNS_TMP/with-nft" nft "${TOOLS[@]}"
fq_bin "$NETNS_TMP/with-iptables" "${TOOLS[@]}"
FBIN="$NETNS_TMP/with-nft"

# A namespace NS with a veth link towards the endpoint, and some state of others that wg-quick
# must leave alone: a policy rule, a routing table, an nft table and rules in the iptables
# tables wg-quick adds to (iptables-nft keeps a table it created, even once empty). BASELINE
# is its state.
# shellcheck disable=SC2016 # the inner bash expands what is in single quotes
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
				for c in raw:PREROUTING raw:OUTPUT mangle:{PRE,POST}ROUTING; do
					$t -t "${c%:*}" -A "${c#*:}" -m comment --comment other \
						-j ACCEPT || exit
				done
			done
			nft add table inet other' || return 1
	BASELINE="$(fq_state)"
	BASELINE_NET="$(fq_net_state)"
}

# Links, addresses, routes of every table, rules, UAPI sockets and processes (the userspace
# daemon): what a deleted link takes with it.
fq_net_state() {
	local family
	ip -n "$NS" -o link show
	ip -n "$NS" -o address show
	for family in -4 -6; do
		ip -n "$NS" "$family" rule show
		ip -n "$NS" "$family" route show table all
	done
	echo "sockets: $(ls -A "$NETNS_RUNDIR")"
	echo "processes: $(ip netns pids "$NS" | xargs -r ps -o comm= -p | tr '\n' ' ')"
}

# Everything up may touch: the above, both firewalls, the sysctl and the DNS records.
fq_state() {
	fq_net_state
	ip netns exec "$NS" nft -s list ruleset 2>/dev/null
	ip netns exec "$NS" iptables-save | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//'
	ip netns exec "$NS" ip6tables-save | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//'
	echo "src_valid_mark: $(ip netns exec "$NS" sysctl -n net.ipv4.conf.all.src_valid_mark)"
	echo "DNS records: $(cd "$RECORDS" && grep -r . | tr '\n' ' ')"
}

# Waits (five seconds at most) for a userspace daemon to go with its link, once it is gone.
fq_settle() {
	local tries
	for ((tries = 0; tries < 50; tries++)); do
		ip -n "$NS" link show dev wg0 >/dev/null 2>&1 && return
		[[ -z $(ip netns pids "$NS") && -z $(ls -A "$NETNS_RUNDIR") ]] && return
		sleep 0.1
	done
}

# Replaces a namespace left dirty by a failed case, so that one failure does not cascade.
fq_renew() {
	local pid
	[[ $(fq_state) != "$BASELINE" ]] || return 0
	for pid in $(ip netns pids "$NS"); do
		kill -KILL "$pid"
	done
	ip netns delete "$NS"
	rm -f "$NETNS_RUNDIR"/* "$RECORDS"/*
	fq_ns || { fail setup "could not rebuild the namespace"; finish; }
}

# fq ARGS...: wg-quick ARGS in NS from $FBIN, in a process group of its own, with the
# caller's FAULT_* values and the variables in FQ_ENV; sets OUT, ERR, RC.
FQ_ENV=()
fq() {
	rm -f "$FDIR"/*
	# Through bash -c: a killed wg-quick makes bash say so, into ERR and not the test's log.
	run bash -c '"$@"; exit $?' - ip netns exec "$NS" env -i PATH="$FQ_PATH" \
		STUB_RESOLVCONF_DIR="$STUB_RESOLVCONF_DIR" FAULT_DIR="$FDIR" \
		FAULT_CMD="${FAULT_CMD:-}" FAULT_GLOB="${FAULT_GLOB:-}" FAULT_LINE="${FAULT_LINE:-}" \
		FAULT_NTH="${FAULT_NTH:-1}" FAULT_WHEN="${FAULT_WHEN:-before}" "${FQ_ENV[@]}" \
		/usr/bin/setsid --wait "$FBIN/wg-quick" "$@"
}

# The steps of the last run: its "[#]" lines, without the marker.
fq_steps() {
	wq_log | sed -n 's/^\[#\] //p'
}

fq_injected() {
	echo "injected: $(cat "$FDIR/injected" 2>/dev/null)"
}

# Down leaves src_valid_mark set (see the top of the file).
fq_reset_sysctl() {
	ip netns exec "$NS" sysctl -q net.ipv4.conf.all.src_valid_mark=0
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

# fq_each_step CALLBACK STEP...: CALLBACK STEP NTH WHEN for each step, NTH counting the steps
# with the same text before it, WHEN before and after (hooks: only before, they change nothing).
fq_each_step() {
	local callback="$1" step when
	local -A seen=()
	shift
	for step; do
		seen[$step]=$((${seen[$step]:-0} + 1))
		for when in before after; do
			[[ $when == before || $step != hook* ]] || continue
			"$callback" "$step" "${seen[$step]}" "$when"
		done
	done
}

# ---- up --------------------------------------------------------------------------------------

# Routes through the main table are added together, by one `ip -batch': the Nth such step is
# the Nth line of that batch (in the order of the "[#]" lines), and its failure is named.
BATCH_ROUTE='ip -[46] route add [^ ]* dev wg0'
fq_up_case() {
	local step="$1" nth="$2" when="$3" line first injected="$1" named="" said=""
	# This host's `ip link add' fails anyway; the userspace daemon is the link step then.
	[[ $step != "ip link add"* ]] || ((WQ_KERNEL)) || return 0
	if [[ $step =~ ^$BATCH_ROUTE$ ]]; then
		line="$(printf '%s\n' "${STEPS[@]}" | grep -xn -m 1 -F "$step" | cut -d: -f1)"
		first="$(printf '%s\n' "${STEPS[@]}" | grep -xn -m 1 "$BATCH_ROUTE" | cut -d: -f1)"
		line=$((line - first + 1))
		injected="ip -batch - (line $line: ${step#ip -[46] })"
		named="wg-quick: \`$step' failed"
		FAULT_CMD="ip -batch -" FAULT_LINE="$line" FAULT_WHEN="$when" fq up "$CONF"
		said="$(grep -xF "$named" <<<"$ERR")"
	else
		FAULT_CMD="$step" FAULT_NTH="$nth" FAULT_WHEN="$when" fq up "$CONF"
	fi
	fq_settle
	expect_eq "$LABEL: up failing $when \`$step' (#$nth) undoes everything" \
		"$(fq_injected)
said: $said
failed: $((RC != 0))
$(fq_state)" "injected: $injected
said: $named
failed: 1
$BASELINE"
	fq_renew
}

# fq_up_faults FIREWALL_STEP_6 FIREWALL_STEP_4: a clean up and down, then each step of up fails.
fq_up_faults() {
	local steps=()
	fq up "$CONF"
	mapfile -t steps < <(fq_steps)
	STEPS=("${steps[@]}")
	expect_eq "$LABEL: a clean up adds the main table's routes in one ip -batch" \
		"$(grep -c -x 'ip -batch -' "$FDIR/calls")" 1
	expect_eq "$LABEL: a clean up takes every step" "$RC|$(printf '%s\n' "${steps[@]}")" \
		"0|$(wq_link_lines wg0 | sed -n 's/^\[#\] //p')
hook pre-up wg0
wg addconf wg0 /dev/fd/63
ip -4 address add 10.10.11.10/24 dev wg0
ip -6 address add fd00::1/64 dev wg0
ip link set mtu 1420 up dev wg0
resolvconf -a wg0 -m 0 -x
ip -6 route add fd20::/48 dev wg0
ip -4 route add 10.20.0.0/16 dev wg0
wg set wg0 fwmark 51820
ip -6 rule add not fwmark 51820 table 51820
ip -6 rule add table main suppress_prefixlength 0
ip -6 route add ::/0 dev wg0 table 51820
$1
ip -4 rule add not fwmark 51820 table 51820
ip -4 rule add table main suppress_prefixlength 0
ip -4 route add 0.0.0.0/0 dev wg0 table 51820
sysctl -q net.ipv4.conf.all.src_valid_mark=1
$2
hook post-up wg0"
	fq down "$CONF"
	fq_settle
	fq_reset_sysctl
	expect_eq "$LABEL: a clean down leaves nothing" "$RC|$(fq_state)" "0|$BASELINE"
	fq_renew
	fq_each_step fq_up_case "${steps[@]}"
}

# ---- down ------------------------------------------------------------------------------------

# What the first down does when STEP fails WHEN, and the families whose suppress_prefixlength
# rule no later down removes (see the top of the file).
fq_down_expect() {
	local step="$1" when="$2"
	case "$when $step" in
	"before hook pre-down"* | *" rule delete "* | "before ip link delete"*)
		printf 'failed: 1, link: kept\nsecond down: 0\n' ;;
	"after ip link delete"* | *"hook post-down"*)
		printf 'failed: 1, link: gone\nup: 0, down: 0\n' ;;
	*) printf 'failed: 0, link: gone\nup: 0, down: 0\n' ;;
	esac
	case "$when $step" in
	"after ip "-[46]" rule delete table 51820 "* | "before ip "-[46]" rule delete table main "*)
		echo "rules left for good: ${step:3:2}" ;;
	*) echo "rules left for good: none" ;;
	esac
}

# Prints the families with a suppress_prefixlength rule (the baseline has none), removes them.
fq_orphan_rules() {
	local family pref _rest
	for family in -4 -6; do
		while read -r pref _rest; do
			ip -n "$NS" "$family" rule delete pref "${pref%:}"
			echo "$family"
		done < <(ip -n "$NS" "$family" rule show | grep 'suppress_prefixlength 0')
	done
}

fq_down_case() {
	local step="$1" nth="$2" when="$3" outcome left="" orphans
	fq up "$CONF"
	FAULT_CMD="$step" FAULT_NTH="$nth" FAULT_WHEN="$when" fq down "$CONF"
	outcome="$(fq_injected)
failed: $((RC != 0)), link: "
	fq_settle
	fq_reset_sysctl
	if ip -n "$NS" link show dev wg0 >/dev/null 2>&1; then
		fq down "$CONF"
		outcome+="kept"$'\n'"second down: $RC"
	else
		# Only firewall tables and DNS records may outlive the link.
		[[ $(fq_net_state) == "$BASELINE_NET" ]] || left="routes, rules or addresses left"
		fq up "$CONF"
		outcome+="gone"$'\n'"up: $RC"
		fq down "$CONF"
		outcome+=", down: $RC"
	fi
	fq_settle
	fq_reset_sysctl
	orphans="$(fq_orphan_rules)"
	expect_eq "$LABEL: down failing $when \`$step' (#$nth), then down or up and down clean" \
		"$outcome
rules left for good: ${orphans:-none}
$left
$(fq_state)" "injected: $step
$(fq_down_expect "$step" "$when")

$BASELINE"
	fq_renew
}

# fq_down_faults FIREWALL_STEP_4 FIREWALL_STEP_6: a clean down, then each step of down fails.
fq_down_faults() {
	local steps=()
	fq up "$CONF"
	fq down "$CONF"
	mapfile -t steps < <(fq_steps)
	expect_eq "$LABEL: a clean down takes every step" "$RC|$(printf '%s\n' "${steps[@]}")" \
		"0|hook pre-down wg0
ip -4 rule delete table 51820 pref 32764
ip -4 rule delete table main suppress_prefixlength 0 pref 32763
ip -6 rule delete table 51820 pref 32765
ip -6 rule delete table main suppress_prefixlength 0 pref 32764
ip link delete dev wg0
resolvconf -d wg0 -f
$1
$2
hook post-down wg0"
	fq_settle
	fq_reset_sysctl
	fq_renew
	fq_each_step fq_down_case "${steps[@]}"
}

for LABEL in nft iptables; do
	FBIN="$NETNS_TMP/with-$LABEL"
	if [[ $LABEL == nft ]]; then
		fq_up_faults "nft -f /dev/fd/63" "nft -f /dev/fd/63"
		fq_down_faults "nft -f /dev/fd/63" "nft -f /dev/fd/63"
	else
		fq_up_faults "ip6tables-restore -n" "iptables-restore -n"
		fq_down_faults "iptables-restore -n" "ip6tables-restore -n"
	fi
done
FBIN="$NETNS_TMP/with-nft"

# Without the kernel module `ip link add' fails anyway; the fallback's failures are above, and
# here it is missing.
if ((!WQ_KERNEL)); then
	FQ_ENV=(WG_QUICK_USERSPACE_IMPLEMENTATION=no-such-wireguard)
	fq up "$CONF"
	FQ_ENV=()
	fq_settle
	expect_eq "up without a userspace implementation fails at the link, undoes everything" \
		"failed: $((RC != 0))
$(tail -n 1 <<<"$ERR")
$(fq_state)" "failed: 1
wg-quick: no WireGuard kernel module, and no userspace implementation \`no-such-wireguard' on PATH
$BASELINE"
	fq_renew
fi

# ---- save ------------------------------------------------------------------------------------

# The whole configuration file as it was (old) or as save writes it (new), else what it is.
# (Peers in any order: wireguard-go lists them in no particular one.)
fq_which_file() {
	local text
	text="$(wq_canon_conf <"$CONF" 2>/dev/null)" || { echo missing; return; }
	if [[ $text == "$(wq_canon_conf <<<"$OLD")" ]]; then
		echo old
	elif [[ $text == "$(wq_canon_conf <<<"$NEW")" ]]; then
		echo new
	else
		printf 'neither:\n%s\n' "$text"
	fi
}

# Puts the old file back, marked so that it differs from what save writes.
fq_old_file() {
	printf '%s\n' "$OLD" >"$CONF"
	chmod 0600 "$CONF"
}

# Kills save with the CALLth call of TOOL (NTH of that tool), before or after it ran.
fq_save_kill() {
	local tool="$1" nth="$2" call="$3" when="$4" want=old moment
	fq_old_file
	FAULT_GLOB="$tool *" FAULT_NTH="$nth" FAULT_WHEN="$when" fq save "$CONF"
	# The rename is the moment the new file replaces the old one.
	if ((call > RENAME_CALL)) || [[ $call == "$RENAME_CALL" && $when == kill-after ]]; then
		want=new
	fi
	[[ $when == kill ]] && moment=before || moment=after
	expect_eq "save killed $moment $tool (#$nth): the file is whole and private" \
		"killed: $((RC == 137))
file: $(fq_which_file)
mode: $(stat -c %a "$CONF")
temporary files: $(find "$WQ_CONF" -name '.wg0.conf.*' -printf '%m ')" "killed: 1
file: $want
mode: 600
temporary files: $(find "$WQ_CONF" -name '.wg0.conf.*' -printf '600 ')"
	rm -f "$WQ_CONF"/.wg0.conf.*
}

fq up "$CONF"
ip -n "$NS" address add 10.10.12.1/24 dev wg0
OLD="$(cat "$CONF")
# changed by hand"
fq_old_file
fq save "$CONF"
NEW="$(cat "$CONF")"
mapfile -t SAVE_CALLS < <(grep -oE '^(wg showconf|mktemp|chmod|sync|mv)( |$)' "$FDIR/calls" |
	sed 's/ $//')
expect_eq "a clean save writes the file through a temporary one" \
	"$RC|$(printf '%s\n' "${SAVE_CALLS[@]}")|$(fq_which_file)|$(ls -A "$WQ_CONF")" \
	"0|wg showconf
mktemp
chmod
sync
mv
sync|new|wg0.conf"
check "the saved file has the new address" grep -qE '^Address = .*, 10\.10\.12\.1/24' "$CONF"
RENAME_CALL=0
declare -A SEEN=()
for ((i = 0; i < ${#SAVE_CALLS[@]}; i++)); do
	[[ ${SAVE_CALLS[i]} != mv ]] || RENAME_CALL=$i
done
for ((i = 0; i < ${#SAVE_CALLS[@]}; i++)); do
	tool="${SAVE_CALLS[i]}"
	SEEN[$tool]=$((${SEEN[$tool]:-0} + 1))
	for when in kill kill-after; do
		fq_save_kill "$tool" "${SEEN[$tool]}" "$i" "$when"
	done
done
fq down "$CONF"
check "down after the killed saves" test "$RC" = 0

finish
