#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/hardening/secrets.sh: private and preshared keys stay secret: they are in the argv of no
# process while wg works, wg starts no process and writes no file, and no copy of a key is
# left in wg's memory when it exits (keys it prints are only in what it printed).
#
# Memory: each command runs under gdb, stopped at its exit_group system call; gcore dumps every
# writable mapping (heap, stack, data) and that memory is searched for each key as 32 raw bytes
# (bytes 1 to 30, which clamping leaves alone), as base64 and as hex in either case. (Not the
# registers the dump also holds: C cannot clear them, and they die with the process.)
# shellcheck source=tests/lib/test.sh
source "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netns.sh
source "$TESTS_DIR/lib/netns.sh"

require_cmd wireguard-go strace gdb python3 make
netns_private_rundir "$@"

# Memory is examined in the release build, whatever $WG is: an ASan build keeps freed memory
# in quarantine and maps terabytes of shadow that gcore cannot dump.
if ! make -C "$REPO_DIR" >"$NETNS_TMP/build.log" 2>&1; then
	fail build "make failed: $(tail -3 "$NETNS_TMP/build.log")"
	finish
fi
RELEASE="$REPO_DIR/src/wg/wg"
IF=wgs0
if ! netns_new NS || ! netns_wg_start "$NS" "$IF"; then
	fail setup "could not start wireguard-go"
	finish
fi

S="$NETNS_TMP/secrets"
mkdir -m 0700 "$S"
KEY="$(netns_genkey)" PSK="$(netns_genpsk)" PUB="$(netns_genkey | netns_pubkey)"
printf '%s\n' "$KEY" >"$S/key"
printf '%s\n' "$PSK" >"$S/psk"
printf '%s\n%s\n' "$KEY" "$PSK" >"$S/secrets"
printf '[Interface]\nPrivateKey = %s\nListenPort = 51820\n\n[Peer]\nPublicKey = %s
PresharedKey = %s\nAllowedIPs = 10.0.0.0/8\nEndpoint = 192.0.2.1:51820\n' \
	"$KEY" "$PUB" "$PSK" >"$S/wg.conf"
"$WG" setconf "$IF" "$S/wg.conf" || fail setup "setconf failed"

# The searcher: `find FILE [FORM...]' prints the forms of the secrets (from $S/secrets, never
# from argv) that FILE holds, but for the FORMs named (`base64' when that is what wg printed,
# `raw bytes' while the model legitimately holds the key); `poll STOP' reads every process's
# argv until the file STOP exists and reports any secret seen.
cat >"$S/search.py" <<'PY'
import base64, os, struct, sys

secrets = open(os.path.join(os.path.dirname(sys.argv[0]), "secrets")).read().split()

def forms(b64, allowed):
    raw = base64.b64decode(b64)
    found = {"raw bytes": raw[1:31], "base64": b64.encode(), "hex": raw.hex().encode(),
             "HEX": raw.hex().upper().encode()}
    return {name: pattern for name, pattern in found.items() if name not in allowed}

def search(data, allowed=()):
    return [f"{'private key' if i == 0 else 'preshared key'} as {name}"
            for i, b64 in enumerate(secrets)
            for name, pattern in forms(b64, allowed).items() if pattern in data]

def memory(core):
    """The bytes of a core file's PT_LOAD segments: memory, not the registers in its notes."""
    phoff, = struct.unpack_from("<Q", core, 0x20)
    size, count = struct.unpack_from("<HH", core, 0x36)
    segments = []
    for i in range(count):
        kind, _, offset, _, _, filesz = struct.unpack_from("<IIQQQQ", core, phoff + i * size)
        if kind == 1:
            segments.append(core[offset:offset + filesz])
    return b"\0".join(segments)

if sys.argv[1] == "find":
    data = open(sys.argv[2], "rb").read()
    if data.startswith(b"\x7fELF\x02\x01"):
        data = memory(data)
    print("; ".join(search(data, sys.argv[3:])))
else:
    seen, wg_runs = set(), 0
    while not os.path.exists(sys.argv[2]):
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                argv = open(f"/proc/{pid}/cmdline", "rb").read()
            except OSError:
                continue
            if (pid, argv) in seen:
                continue
            seen.add((pid, argv))
            wg_runs += argv.split(b"\0")[0].endswith(b"/wg")
            for what in search(argv):
                print(f"process {pid}: {what} in {argv[:80]!r}")
    print(f"# poll: {len(seen)} process arguments read, {wg_runs} of them wg's")
PY

# The commands: name, stdin, the function at which the half-way look is taken (- for none),
# arguments.
OPS=(
	"set|/dev/null|ipc_set_device|set $IF private-key $S/key peer $PUB preshared-key $S/psk"
	"setconf|/dev/null|ipc_set_device|setconf $IF $S/wg.conf"
	"addconf|/dev/null|ipc_set_device|addconf $IF $S/wg.conf"
	"syncconf|/dev/null|sync_diff_new|syncconf $IF $S/wg.conf"
	"show|/dev/null|print_device|show $IF"
	"show all|/dev/null|print_device|show all"
	"pubkey|$S/key|-|pubkey"
)
# Commands whose output is the key in base64: only that text may be left, in stdio's buffer.
PRINTING=(
	"showconf|/dev/null|print_device|showconf $IF"
	"show dump|/dev/null|print_device|show $IF dump"
	"show private-key|/dev/null|print_device|show $IF private-key"
	"show preshared-keys|/dev/null|print_device|show $IF preshared-keys"
	"genkey|/dev/null|-|genkey"
	"genpsk|/dev/null|-|genpsk"
)

# --- argv and files: every system call that starts a program or could write a file ---
TRACED=execve,execveat,open,openat,creat,rename,renameat,renameat2,mkdir,mkdirat,link,linkat
TRACED+=,symlink,symlinkat,truncate
WRITES='O_(WRONLY|RDWR|CREAT|TRUNC)|^[0-9]+ +(creat|rename|mkdir|link|symlink|truncate)'
for op in "${OPS[@]}" "${PRINTING[@]}"; do
	IFS='|' read -r name input midway words <<<"$op"
	read -ra args <<<"$words"
	log="$S/strace.log"
	strace -f -qq -s 4096 -o "$log" -e "trace=$TRACED" \
		"$WG" "${args[@]}" <"$input" >/dev/null 2>"$S/stderr"
	why=()
	[[ $(grep -c 'execve' "$log") == 1 ]] || why+=("it started another program")
	leaks="$(python3 "$S/search.py" find "$log")"
	[[ -z $leaks ]] || why+=("a system call's arguments hold the $leaks")
	writes="$(grep -E "$WRITES" "$log")"
	[[ -z $writes ]] || why+=("it writes a file: $(head -1 <<<"$writes")")
	if [[ ${#why[@]} -eq 0 ]]; then
		pass "argv and files: wg $name starts no program, writes no file, names no key"
	else
		fail "argv and files: wg $name" "$(printf '%s; ' "${why[@]}")"
	fi
done

# --- argv of every process, polled while the commands run again and again ---
python3 "$S/search.py" poll "$S/stop" >"$S/poll.log" 2>&1 &
POLLER=$!
for ((i = 0; i < 20; ++i)); do
	for op in "${OPS[@]}" "${PRINTING[@]}"; do
		IFS='|' read -r name input midway words <<<"$op"
		read -ra args <<<"$words"
		"$WG" "${args[@]}" <"$input" >/dev/null 2>&1
	done
done
touch "$S/stop"
wait "$POLLER"
grep '^# ' "$S/poll.log"
if grep -q '^process' "$S/poll.log"; then
	fail "argv of every process while wg runs 260 times" "$(grep -m3 '^process' "$S/poll.log")"
else
	pass "argv of every process while wg runs 260 times: no key"
fi

# --- memory: while wg works, and at exit ---
# core_at STOP STDIN ARGS...: runs the release wg under gdb into $S/core, stopped at the
# function STOP or, for `exit', at the exit_group system call; wg's stdout goes to $S/out.
core_at() {
	local stop_at=(-ex "break $1") input="$2"
	[[ $1 == exit ]] && stop_at=(-ex 'catch syscall exit_group')
	shift 2
	rm -f "$S/core"
	gdb -q -batch -nx -ex 'set pagination off' "${stop_at[@]}" -ex run -ex "gcore $S/core" \
		-ex kill --args "$RELEASE" "$@" <"$input" >"$S/out" 2>"$S/gdb.log"
	[[ -s $S/core ]]
}

# memory NAME STOP ALLOWED STDIN ARGS...: at STOP no form of a key is in memory but the ALLOWED
# one (or none). For genkey and genpsk the secret is the new key they print.
memory() {
	local name="$1" stop="$2" allowed="$3" input="$4" found hint=""
	shift 4
	if ! core_at "$stop" "$input" "$@"; then
		fail "memory: wg $name" "gdb made no core: $(tail -3 "$S/gdb.log")"
		return
	fi
	if [[ $1 == genkey || $1 == genpsk ]]; then
		grep -E '^[A-Za-z0-9+/]{43}=$' "$S/out" >"$S/secrets"
	else
		printf '%s\n%s\n' "$KEY" "$PSK" >"$S/secrets"
	fi
	found="$(python3 "$S/search.py" find "$S/core" ${allowed:+"$allowed"})"
	if [[ -z $found ]]; then
		pass "memory: wg $name: at $stop no key in memory${allowed:+ but as $allowed}"
		return
	fi
	readelf -d "$RELEASE" 2>/dev/null | grep -q BIND_NOW ||
		hint=" (not linked with -z now: lazy binding saves vector registers on the stack)"
	fail "memory: wg $name" "at $stop the $found left in memory$hint"
}

# Half-way, once the input is parsed, no text of a key is left, only the model's raw bytes:
# the key files, the configuration and the daemon's reply are wiped before a change goes to
# the backend, before syncconf compares, and before a device is printed.
for op in "${OPS[@]}" "${PRINTING[@]}"; do
	IFS='|' read -r name input midway words <<<"$op"
	read -ra args <<<"$words"
	[[ $midway == - ]] || memory "$name" "$midway" "raw bytes" "$input" "${args[@]}"
done
# At exit: nothing at all, but the text a command printed.
for op in "${OPS[@]}"; do
	IFS='|' read -r name input midway words <<<"$op"
	read -ra args <<<"$words"
	memory "$name" exit "" "$input" "${args[@]}"
done
for op in "${PRINTING[@]}"; do
	IFS='|' read -r name input midway words <<<"$op"
	read -ra args <<<"$words"
	memory "$name" exit base64 "$input" "${args[@]}"
done
finish
