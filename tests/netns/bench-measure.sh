#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/netns/bench-measure.sh: the benchmark's measure (tests/bench/measure.c) counts the
# processes a command starts (-c) exactly: subshells and command substitutions count, threads
# do not, nor forks elsewhere on the system; a daemon left behind counts but is not waited for;
# the command may run in a network namespace (-N); -t kills a command that runs too long.
# Cross-checked against strace -ff (one output file per traced process) when strace is there.
# The single-quoted commands are for the shells under measure:
# shellcheck disable=SC2016

# shellcheck source=tests/lib/test.sh
source "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netns.sh
source "$TESTS_DIR/lib/netns.sh"
require_cmd cc
netns_private_rundir "$@"

MEASURE="$NETNS_TMP/measure"
RESULT="$NETNS_TMP/result"
if ! cc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -o "$MEASURE" \
	"$TESTS_DIR/bench/measure.c" 2>"$NETNS_TMP/cc.log"; then
	fail "measure builds" "$(head -n 3 "$NETNS_TMP/cc.log" | paste -sd '|')"
	finish
fi

# measured [MEASURE_OPTION...] -- CMD...: runs CMD under measure -c; sets LINE and PROCS.
measured() {
	local -a opts=()
	while [[ $1 != -- ]]; do
		opts+=("$1")
		shift
	done
	shift
	: >"$RESULT"
	"$MEASURE" -o "$RESULT" -n -c "${opts[@]}" "$@" 2>"$NETNS_TMP/measure.err" </dev/null
	LINE="$(cat "$RESULT")"
	PROCS="$(grep -o 'procs=-\{0,1\}[0-9]*' <<<"$LINE" | cut -d= -f2)"
}

# by_strace CMD...: the processes CMD forks, as strace -ff sees them (files minus CMD's own).
by_strace() {
	local dir="$NETNS_TMP/strace"
	rm -rf "$dir" && mkdir "$dir"
	strace -ff -qq -e trace=none -e signal=none -o "$dir/t" "$@" >/dev/null 2>&1 </dev/null
	echo $(($(find "$dir" -type f | wc -l) - 1))
}

measured -- bash -c 'true; $(true); (true)'
if [[ $PROCS == -1 ]]; then
	skip "$TEST_FILE" "this kernel reports no process events: $(cat "$NETNS_TMP/measure.err")"
	finish
fi
expect_eq "a command substitution and a subshell are two processes" "$PROCS" 2

measured -- bash -c 'true'
expect_eq "a builtin alone starts nothing" "$PROCS" 0

LOOP='for i in 1 2 3 4 5; do /bin/true; done; x=$(echo a | tr a b); true'
measured -- bash -c "$LOOP"
expect_eq "five commands, a substitution holding a two-command pipeline" "$PROCS" 8
if command -v strace >/dev/null; then
	expect_eq "the loop: the same count as strace -ff" "$PROCS" "$(by_strace bash -c "$LOOP")"
	SCRIPT='f() { echo x; }; y=$(f | cat); (cd / && ls >/dev/null) & wait; read -r z < <(echo q)'
	measured -- bash -c "$SCRIPT"
	expect_eq "functions, pipes, background and process substitution: as strace -ff" \
		"$PROCS" "$(by_strace bash -c "$SCRIPT")"
else
	skip "strace cross-check" "strace is not installed"
fi

cat >"$NETNS_TMP/threads.c" <<'EOF'
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>
static void *idle(void *arg) { (void)arg; usleep(20000); return NULL; }
int main(void)
{
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, idle, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	if (fork() == 0)
		_exit(0);
	wait(NULL);
	return 0;
}
EOF
if cc -pthread -o "$NETNS_TMP/threads" "$NETNS_TMP/threads.c" 2>/dev/null; then
	measured -- "$NETNS_TMP/threads"
	expect_eq "four threads and one fork: one process" "$PROCS" 1
else
	skip "threads" "cc -pthread failed"
fi

# Forks elsewhere on the system, even by the test's own shell, do not count.
(for ((i = 0; i < 200; ++i)); do /bin/true; done) &
busy=$!
measured -- bash -c '(true)'
wait "$busy"
expect_eq "forks outside the command do not count" "$PROCS" 1

measured -- bash -c 'sleep 5 & exit 0'
wall="$(grep -o 'wall=[0-9]*' <<<"$LINE" | cut -d= -f2)"
expect_eq "a process left running counts, and is not waited for" "$PROCS|$((wall < 3))" "1|1"

netns_new NS || { fail setup "no namespace"; finish; }
ip -n "$NS" link add bm-veth0 type veth peer name bm-veth1 || { fail setup "no veth"; finish; }
: >"$RESULT"
OUT="$("$MEASURE" -o "$RESULT" -c -N "$NS" bash -c '(true); ip -o link show | wc -l' 2>&1)"
expect_eq "-N: the command runs in the namespace (lo and a veth pair), counted" \
	"$OUT|$(grep -o 'procs=[0-9]*' "$RESULT")" "3|procs=3"

measured -t 1 -- bash -c 'sleep 5; true'
wall="$(grep -o 'wall=[0-9]*' <<<"$LINE" | cut -d= -f2)"
expect_eq "-t 1 kills the command and its children: status 124" \
	"$(grep -o 'status=[0-9]*' <<<"$LINE")|$((wall < 3))|$PROCS" "status=124|1|1"

: >"$RESULT"
"$MEASURE" -o "$RESULT" true
check "without -c the line is the old one" grep -qE \
	'^wall=[0-9.]+ user=[0-9.]+ sys=[0-9.]+ maxrss_kb=[0-9]+ status=0$' "$RESULT"

finish
