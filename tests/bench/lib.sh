# SPDX-License-Identifier: GPL-2.0-only
# tests/bench/lib.sh: the operations the benchmark times, shared by the wireguard-go run on the
# host (tests/bench/wireguard-go.sh) and the kernel run in the VM (tests/bench/kernel-guest.sh).
# shellcheck shell=bash
#
#   bench_configs DIR SIZE          writes DIR/SIZE.conf and DIR/SIZE-changed.conf (1% changed)
#   bench_tool PLANE SIZE TOOL WG IFACE DIR [NETNS]
#                                   on the fresh, empty interface IFACE (in the network
#                                   namespace NETNS, if given): setconf, syncconf with
#                                   nothing changed, syncconf with 1% changed, show dump,
#                                   showconf and show, each timed by measure; prints one result
#                                   line per operation
#   bench_na PLANE SIZE WHY         the result lines of a size that cannot run here
#
# Needs BENCH_BIN (the directory holding measure and gen-config). Result lines read
#   RESULT PLANE SIZE OP TOOL wall=S user=S sys=S maxrss_kb=N status=N
# and tests/bench/report turns them into tables.
#
# Every operation but setconf (an empty interface cannot be had twice) runs BENCH_REPEAT times
# (default 3 up to 10,000 peers, else 1; the callers may set their own default) and the run with
# the least wall time is kept: on a shared machine the fastest run is the one least disturbed.
# Before each repeat of the 1% change the device is put back with an untimed syncconf.

BENCH_OPS=(setconf syncconf-same syncconf-1% dump showconf show)

bench_configs() {
	local dir="$1" size="$2"
	[[ -s $dir/$size.conf && -s $dir/$size-changed.conf ]] && return 0
	"$BENCH_BIN/gen-config" "$size" >"$dir/$size.conf" &&
		"$BENCH_BIN/gen-config" "$size" changed >"$dir/$size-changed.conf"
}

# bench_measure OUT NETNS WG ARG...: one timed run of `WG ARG...' (in NETNS unless empty), its
# result line appended to OUT. A failing command keeps its status in the line (the report marks
# it) and shows its stderr.
bench_measure() {
	local out="$1" netns="$2" err
	local -a opts=(-o "$out" -n)
	shift 2
	[[ -n $netns ]] && opts+=(-N "$netns")
	err="$(mktemp)"
	"$BENCH_BIN/measure" "${opts[@]}" "$@" 2>"$err" </dev/null
	if [[ -s $err ]]; then
		head -n 3 "$err" | sed 's/^/# stderr: /' >&2
	fi
	rm -f "$err"
}

# bench_fastest FILE: the line of FILE with the least wall time.
bench_fastest() {
	sort -t= -k2,2 -g "$1" | head -n 1
}

# bench_untimed NETNS WG ARG...: runs WG ARG... in NETNS (unless empty), output discarded.
bench_untimed() {
	local netns="$1"
	shift
	if [[ -n $netns ]]; then
		ip netns exec "$netns" "$@" >/dev/null
	else
		"$@" >/dev/null
	fi
}

bench_tool() {
	local plane="$1" size="$2" tool="$3" wg="$4" iface="$5" dir="$6" netns="${7:-}"
	local repeat="${BENCH_REPEAT:-}" op runs times i
	local -a args
	[[ -n $repeat ]] || repeat=$((size <= 10000 ? 3 : 1))
	runs="$(mktemp)"
	for op in "${BENCH_OPS[@]}"; do
		case "$op" in
		setconf) args=(setconf "$iface" "$dir/$size.conf") ;;
		syncconf-same) args=(syncconf "$iface" "$dir/$size.conf") ;;
		syncconf-1%) args=(syncconf "$iface" "$dir/$size-changed.conf") ;;
		dump) args=(show "$iface" dump) ;;
		showconf) args=(showconf "$iface") ;;
		show) args=(show "$iface") ;;
		esac
		: >"$runs"
		times="$repeat"
		[[ $op == setconf ]] && times=1
		for ((i = 0; i < times; ++i)); do
			if [[ $op == syncconf-1% && $i -gt 0 ]]; then
				bench_untimed "$netns" "$wg" syncconf "$iface" "$dir/$size.conf"
			fi
			bench_measure "$runs" "$netns" "$wg" "${args[@]}"
		done
		printf 'RESULT %s %s %s %s %s\n' "$plane" "$size" "$op" "$tool" \
			"$(bench_fastest "$runs")"
	done
	rm -f "$runs"
}

bench_na() {
	local plane="$1" size="$2" why="$3" op
	for op in "${BENCH_OPS[@]}"; do
		printf 'RESULT %s %s %s n/a %s\n' "$plane" "$size" "$op" "$why"
	done
}
