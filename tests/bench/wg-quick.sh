#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/bench/wg-quick.sh: `wg-quick up' and `down', ours against the original, on the data plane
# at hand: wireguard-go in network namespaces on the host, the kernel module inside the test VM
# (tests/vm/run-guest). Prints WGQUICK result lines for tests/bench/report. Called by
# tests/bench/run, on the host and in the VM.
#
#   BENCH_BIN=DIR tests/bench/wg-quick.sh [CASE...]      CASE: a b c d (default all four)
#
#   a  100 peers, 10 prefixes each (1,000 routes)
#   b  1 peer, 1,000 prefixes on one AllowedIPs line
#   c  500 peers, 20 prefixes each (10,000 routes)
#   d  the seed's example: Address 10.10.11.10/24, one peer with 10.10.11.0/24, 10.10.10.0/24
#
# The configurations come from `gen-config routes' and `gen-config seed' (see gen-config.c).
# Ours is $WG_QUICK, which finds its wg beside itself (src/wg-quick/wg links to the build); the
# original is $ORIG_WG_QUICK, which takes the wg beside its real path (/usr/bin/wg). Each tool
# gets a namespace of its own per case, and the same interface name, so that the routes can be
# compared. Every run is `up' then `down', both timed by measure with the processes counted.
#
#   BENCH_REPEAT=N        runs per case and tool, the fastest up and down kept (default 3, and
#                         5 for the cheap case d); a tool whose first up and down took more than
#                         BENCH_QUICK_ONCE seconds (default 10) runs once
#   BENCH_QUICK_TIMEOUT=S a command running longer is killed and reported as such (default
#                         300, in the VM 150: the original's case b takes over 15 minutes
#                         there); its tool is done with that case
#   BENCH_QUICK_OURS_TIMEOUT=S  the same for ours alone (default BENCH_QUICK_TIMEOUT, in the VM
#                         60): ours is to take a tenth of the original's time (about 200 s for
#                         case b in the VM), and without this limit a slow script would hold the
#                         VM part for twenty minutes; past it, the report shows a lower bound
#   BENCH_QUICK_MAX=S     case c is skipped for a tool whose case a, times ten, predicts more
#                         than S seconds for it (default 150)
#   BENCH_QUICK_BUDGET=S  no run starts once the part has taken S seconds (default: none, in
#                         the VM 600); what is left out says so
#
# Result lines:
#   WGQUICK PLANE CASE up|down TOOL wall=S user=S sys=S maxrss_kb=N status=N procs=N [bound=1] runs=N
#   WGQUICK PLANE CASE routes TOOL count=N digest=HEX     the routes on the interface after up
#   WGQUICK PLANE CASE skipped TOOL WHY...
# (user and sys include the processes the command waited for; status 124 is a timeout.)
# shellcheck source=tests/lib/test.sh
source "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netns.sh
source "$TESTS_DIR/lib/netns.sh"

ORIG_WG_QUICK="${ORIG_WG_QUICK:-/usr/bin/wg-quick}"
BENCH_BIN="${BENCH_BIN:-$REPO_DIR/build/bench}"
ONCE="${BENCH_QUICK_ONCE:-10}"
MAX="${BENCH_QUICK_MAX:-150}"
IFACE=wgbench

# Everything is slower under emulation, and the VM part must stay near ten minutes.
if [[ -n ${WGC_VM:-} ]]; then
	PLANE=kernel
	LIMIT="${BENCH_QUICK_TIMEOUT:-150}"
	OURS_LIMIT="${BENCH_QUICK_OURS_TIMEOUT:-60}"
	BUDGET="${BENCH_QUICK_BUDGET-600}"
else
	PLANE=wireguard-go
	LIMIT="${BENCH_QUICK_TIMEOUT:-300}"
	OURS_LIMIT="${BENCH_QUICK_OURS_TIMEOUT:-$LIMIT}"
	BUDGET="${BENCH_QUICK_BUDGET:-}"
	require_cmd wireguard-go
fi
netns_private_rundir "$@"
# Both scripts would take a userspace implementation from here, and the original reads DNS.
unset WG_QUICK_USERSPACE_IMPLEMENTATION WG_ENDPOINT_RESOLUTION_RETRIES

note() { printf '# %s\n' "$*"; }

# case_config CASE: the configuration file of CASE on stdout.
case_config() {
	case "$1" in
	a) "$BENCH_BIN/gen-config" routes 100 10 ;;
	b) "$BENCH_BIN/gen-config" routes 1 1000 ;;
	c) "$BENCH_BIN/gen-config" routes 500 20 ;;
	d) "$BENCH_BIN/gen-config" seed ;;
	*) return 1 ;;
	esac
}

# field LINE NAME: the value of NAME=... in a result line.
field() {
	local word
	for word in $1; do
		[[ $word == "$2="* ]] && { printf '%s\n' "${word#*=}"; return; }
	done
}

# ms_of LINE: the wall time, as a whole number of milliseconds (bash has no floating point).
ms_of() {
	local wall
	wall="$(field "$1" wall)"
	printf '%d\n' "$((10#${wall%.*} * 1000 + 10#$(printf '%.3s' "${wall#*.}000")))"
}

# routes NS: every route on the interface, in all tables but the local one, sorted.
routes() {
	{
		ip -n "$1" -4 route show table all dev "$IFACE"
		ip -n "$1" -6 route show table all dev "$IFACE"
	} | grep -v -e ' table local ' -e '^local ' | sort
}

# Waits (up to ten seconds) for the namespace to hold no process: wireguard-go exits a moment
# after its TUN device goes away. Kills what is left after that.
settle() {
	local ns="$1" tries pids
	for ((tries = 0; tries < 200; ++tries)); do
		pids="$(ip netns pids "$ns")"
		[[ -z $pids ]] && return 0
		sleep 0.05
	done
	note "$ns: killing what is still running after ten seconds: $pids"
	# shellcheck disable=SC2086 # one pid a word
	kill -KILL $pids 2>/dev/null
	sleep 0.2
}

# timed NS OUT LIMIT SCRIPT ARG...: one counted, timed run, killed after LIMIT seconds; appends
# its line to OUT. A failure shows the end of the command's output; returns the command's status.
timed() {
	local ns="$1" out="$2" limit="$3" err rc
	shift 3
	err="$(mktemp)"
	"$BENCH_BIN/measure" -o "$out" -n -c -t "$limit" -N "$ns" "$@" 2>"$err" </dev/null
	rc=$?
	if ((rc == 124)); then
		note "$PLANE: $1 ${2:-} killed after $limit s"
	elif ((rc != 0)); then
		note "$PLANE: $1 ${2:-} failed (status $rc):"
		grep -v '^\[#\]' "$err" | tail -n 4 | sed 's/^/#   /'
	elif grep -q '^measure:' "$err"; then
		grep '^measure:' "$err" | sed 's/^/# /'
	fi
	rm -f "$err"
	return "$rc"
}

# fastest FILE: the line of FILE with the least wall time.
fastest() {
	sort -t= -k2,2 -g "$1" | head -n 1
}

# result CASE OP TOOL FILE: the result line of the fastest run in FILE.
result() {
	local runs
	[[ -f $4 ]] || return 0
	runs="$(wc -l <"$4")"
	((runs > 0)) || return 0
	printf 'WGQUICK %s %s %s %s %s runs=%d\n' "$PLANE" "$1" "$2" "$3" "$(fastest "$4")" "$runs"
}

# one_run CASE TOOL FIRST: up, (the routes, the first time), down. Fails when the tool is
# done with the case: a command failed or ran out of time. When the original's up was killed,
# its down still runs on what up left: whatever it does is part of a real down, so its time is a
# lower bound (marked bound=1), and so is the original's up; bounds on the original's times
# bound the ratios from above, enough to call a target met.
one_run() {
	local case="$1" tool="$2" first="$3" ns script conf rc limit="$LIMIT"
	ns="${NS[$tool]}"
	script="${SCRIPT[$tool]}"
	conf="$NETNS_TMP/$case/$IFACE.conf"
	[[ $tool == ours ]] && limit="$OURS_LIMIT"
	timed "$ns" "$NETNS_TMP/$case-up-$tool" "$limit" "$script" up "$conf"
	rc=$?
	if ((rc == 0 && first)); then
		routes "$ns" >"$NETNS_TMP/$case-routes-$tool"
		printf 'WGQUICK %s %s routes %s count=%d digest=%s\n' "$PLANE" "$case" "$tool" \
			"$(wc -l <"$NETNS_TMP/$case-routes-$tool")" \
			"$(sha256sum <"$NETNS_TMP/$case-routes-$tool" | cut -c1-16)"
	fi
	if ((rc == 0)); then
		timed "$ns" "$NETNS_TMP/$case-down-$tool" "$limit" "$script" down "$conf"
		rc=$?
	elif ((rc == 124)) && [[ $tool == orig ]]; then
		note "$PLANE ($case): the original's down after its killed up, a lower bound:"
		timed "$ns" "$NETNS_TMP/$case-down-$tool" "$limit" "$script" down "$conf"
		sed -i '$ s/$/ bound=1/' "$NETNS_TMP/$case-down-$tool"
	fi
	if [[ $PLANE == wireguard-go ]]; then
		settle "$ns"
	fi
	return "$rc"
}

# total_ms CASE TOOL: the milliseconds of the last up and down (a killed one: its time so far).
total_ms() {
	local op line total=0
	for op in up down; do
		line="$(tail -n 1 "$NETNS_TMP/$1-$op-$2")"
		[[ -n $line ]] && total=$((total + $(ms_of "$line")))
	done
	echo "$total"
}

# run_case CASE: every tool, BENCH_REPEAT times, interleaved so that a disturbance hits both.
run_case() {
	local case="$1" repeat="${BENCH_REPEAT:-}" tool i total a_ms
	local -A active=()
	mkdir -m 0700 "$NETNS_TMP/$case" || return 1
	(umask 077 && case_config "$case" >"$NETNS_TMP/$case/$IFACE.conf") ||
		{ note "gen-config for case $case failed"; return 1; }
	[[ -n $repeat ]] || repeat=$([[ $case == d ]] && echo 5 || echo 3)
	for tool in "${TOOLS[@]}"; do
		if [[ $case == c && -n ${A_MS[$tool]:-} ]] && ((A_MS[$tool] * 10 > MAX * 1000)); then
			a_ms=${A_MS[$tool]}
			printf 'WGQUICK %s c skipped %s about %d s, ten times its case a (over %d s)\n' \
				"$PLANE" "$tool" "$((a_ms / 100))" "$MAX"
			continue
		fi
		active[$tool]=1
		: >"$NETNS_TMP/$case-up-$tool"
		: >"$NETNS_TMP/$case-down-$tool"
	done
	for ((i = 0; i < repeat; ++i)); do
		for tool in "${TOOLS[@]}"; do
			[[ -n ${active[$tool]:-} ]] || continue
			if [[ -n $BUDGET ]] && ((SECONDS - START > BUDGET)); then
				((i > 0)) || printf 'WGQUICK %s %s skipped %s %s (%d s)\n' "$PLANE" \
					"$case" "$tool" "the part's time budget was spent" "$BUDGET"
				unset "active[$tool]"
				continue
			fi
			one_run "$case" "$tool" "$((i == 0))" || unset "active[$tool]"
			if ((i == 0)); then
				total="$(total_ms "$case" "$tool")"
				[[ $case == a ]] && A_MS[$tool]=$total
				((total <= ONCE * 1000)) || unset "active[$tool]"
			fi
		done
	done
	for tool in "${TOOLS[@]}"; do
		result "$case" up "$tool" "$NETNS_TMP/$case-up-$tool"
		result "$case" down "$tool" "$NETNS_TMP/$case-down-$tool"
	done
	if [[ -s $NETNS_TMP/$case-routes-ours && -s $NETNS_TMP/$case-routes-orig ]] &&
		! cmp -s "$NETNS_TMP/$case-routes-ours" "$NETNS_TMP/$case-routes-orig"; then
		note "$PLANE ($case): the routes differ (< ours, > original):"
		diff "$NETNS_TMP/$case-routes-ours" "$NETNS_TMP/$case-routes-orig" |
			grep '^[<>]' | head -n 6 | sed 's/^/#   /'
	fi
	note "$PLANE ($case) done after $((SECONDS - START)) s"
}

START=$SECONDS
declare -A NS=() SCRIPT=() A_MS=()
TOOLS=()
if [[ -x $WG_QUICK ]]; then
	TOOLS+=(ours)
	SCRIPT[ours]="$WG_QUICK"
else
	note "ours ($WG_QUICK) is missing"
fi
if [[ -x $ORIG_WG_QUICK ]]; then
	TOOLS+=(orig)
	SCRIPT[orig]="$ORIG_WG_QUICK"
else
	note "the original ($ORIG_WG_QUICK) is missing: no ratios"
fi
((${#TOOLS[@]} > 0)) || exit 1
[[ $PLANE == kernel ]] && note "kernel $(uname -r), $(nproc) CPUs"

cases=("$@")
((${#cases[@]} > 0)) || cases=(d a b c)
for case in "${cases[@]}"; do
	case_config "$case" >/dev/null || { note "unknown case $case"; exit 1; }
	for tool in "${TOOLS[@]}"; do
		netns_new "NS[$tool]" || exit 1
	done
	run_case "$case"
done
