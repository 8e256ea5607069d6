#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/hardening/wg-quick-secrets.sh: wg-quick keeps private and preshared keys secret: no key
# is in the arguments or the environment of any program it starts (wg, ip, nft, resolvconf,
# hooks...) during up, reload, save and down, and every file it writes a key into is private
# from the moment it exists (created exclusively with mode 0600, never opened up by chmod).
#
# Each command runs under strace -f, which records every execve (arguments and environment in
# full) and every system call that creates, writes, chmods or renames a file, with the path of
# each file descriptor (-y): a key written to a regular file marks that file as one to check.
# A deliberately leaky copy of wg-quick shows that both checks catch what they look for.
# shellcheck source=tests/lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netns.sh
. "$TESTS_DIR/lib/netns.sh"
# shellcheck source=tests/lib/wg-quick-lib.sh
. "$TESTS_DIR/lib/wg-quick-lib.sh"
wq_setup "$@"
require_cmd strace od
if ! strace -f -o /dev/null true 2>/dev/null; then
	skip "$TEST_FILE" "strace cannot trace here (ptrace not permitted)"
	exit 0
fi

T="$NETNS_TMP/secrets"
mkdir -m 0700 "$T"
TRACED=execve,execveat,open,openat,creat,write,writev,pwrite64,chmod,fchmod,fchmodat
TRACED+=,rename,renameat,renameat2
KEY="$(netns_genkey)"
KEY2="$(netns_genkey)"
PSK="$(netns_genpsk)"
PSK2="$(netns_genpsk)"
PEER="$(netns_genkey | netns_pubkey)"
PEER2="$(netns_genkey | netns_pubkey)"

# Each secret as "NAME|TEXT", in base64 and in hex (the form of the UAPI protocol).
SECRETS=()
for pair in "private key|$KEY" "new private key|$KEY2" "preshared key|$PSK" \
	"new preshared key|$PSK2"; do
	SECRETS+=("$pair" "${pair%%|*} in hex|$(base64 -d <<<"${pair#*|}" | od -An -v -tx1 |
		tr -d ' \n')")
done

# The names of the secrets LINE holds, comma-separated.
ws_secrets_in() {
	local entry hits=()
	for entry in "${SECRETS[@]}"; do
		[[ $1 != *"${entry#*|}"* ]] || hits+=("${entry%%|*}")
	done
	local IFS=,
	echo "${hits[*]}"
}

# A path as the reports print it: relative to the configuration directory, without the random
# part of a temporary name.
ws_name() {
	local name="${1#"$WQ_CONF"/}"
	[[ ! $name =~ ^(\..*\.)[A-Za-z0-9]{6}$ ]] || name="${BASH_REMATCH[1]}XXXXXX"
	echo "$name"
}

# ws_trace LOG WG_QUICK ARGS...: runs WG_QUICK ARGS in NS under strace into LOG; sets RC and
# ERR. A userspace daemon that up starts stays traced: strace is stopped (it detaches, the
# daemon runs on) once wg-quick has exited; -I 1 lets SIGTERM through to it.
# shellcheck disable=SC2016 # the inner bash expands what is in single quotes
ws_trace() {
	local log="$1" spid tries
	shift
	rm -f "$T/rc"
	strace -f -qq -I 1 -v -y -s 65536 -e "trace=$TRACED" -o "$log" \
		ip netns exec "$NS" bash -c '"$@"; echo $? >"$0"' "$T/rc" "$@" \
		>/dev/null 2>"$T/stderr" </dev/null &
	spid=$!
	for ((tries = 0; tries < 300; tries++)); do
		if [[ -e $T/rc ]] || ! kill -0 "$spid" 2>/dev/null; then
			break
		fi
		sleep 0.1
	done
	kill -TERM "$spid" 2>/dev/null
	wait "$spid"
	RC="$(cat "$T/rc" 2>/dev/null || echo none)"
	ERR="$(<"$T/stderr")"
}

# Prints "PROGRAM: SECRETS" for each program started with a secret in its arguments or
# environment (strace -v prints both in full).
ws_argv_leaks() {
	local line hits
	while IFS= read -r line; do
		hits="$(ws_secrets_in "$line")"
		[[ -n $hits ]] || continue
		[[ $line =~ execve(at)?\(([^\"]*)\"([^\"]*)\" ]]
		echo "${BASH_REMATCH[3]}: $hits"
	done < <(grep -E '^[0-9]+ +execve(at)?\(' "$1")
}

# Which of the PROGRAMs LOG never shows started: the trace must have seen wg-quick's children.
ws_unseen() {
	local log="$1" program
	shift
	for program; do
		grep -qE "^[0-9]+ +execve\(\"[^\"]*/$program\"" "$log" || echo "$program"
	done
}

# The regular files LOG shows a secret written to, one path a line.
ws_key_files() {
	local line path
	while IFS= read -r line; do
		[[ -n $(ws_secrets_in "$line") ]] || continue
		[[ $line =~ ^[0-9]+\ +[a-z0-9]+\([0-9]+\<([^\>]*)\> ]] || continue
		path="${BASH_REMATCH[1]% (deleted)}"
		[[ $path == /* && $path != /dev/* ]] && echo "$path"
	done < <(grep -E '^[0-9]+ +(write|writev|pwrite64)\(' "$1") | sort -u
}

# A rename, with its two paths (strace -y shows AT_FDCWD with its directory).
RENAME='^[0-9]+ +rename[at2]*\((AT_FDCWD[^,]*, )?"([^"]*)", (AT_FDCWD[^,]*, )?"([^"]*)"'

# ws_file_report LOG PATH: how the file at PATH came to hold a key. Prints "NAME: created
# exclusively" or the problem with its creation, "NAME: mode M" for each mode set through open,
# chmod or fchmod that others could read, and "NAME: renamed to NAME2" for a rename.
ws_file_report() {
	local log="$1" path="$2" name line created=0 mode
	name="$(ws_name "$path")"
	while IFS= read -r line; do
		mode=""
		if [[ $line =~ ^[0-9]+\ +(open|openat|creat)\( && $line == *"\"$path\""* ]]; then
			[[ $line == *O_CREAT* || $line == *" creat("* ]] || continue
			((created++)) && continue
			if [[ $line == *O_EXCL* ]]; then
				echo "$name: created exclusively"
			else
				echo "$name: created without O_EXCL (a file there keeps its mode)"
			fi
			[[ $line =~ ,\ (0[0-7]*)\) ]] && mode="${BASH_REMATCH[1]}"
		elif [[ $line =~ ^[0-9]+\ +f?chmod(at)?\( ]]; then
			[[ $line == *"\"$path\""* || $line == *"<$path>"* ]] || continue
			[[ $line =~ ,\ (0[0-7]*)[,\)] ]] && mode="${BASH_REMATCH[1]}"
		elif [[ $line =~ $RENAME && $line == *") = 0" ]]; then
			[[ ${BASH_REMATCH[2]} == "$path" ]] || continue
			echo "$name: renamed to $(ws_name "${BASH_REMATCH[4]}")"
		fi
		if [[ -n $mode ]] && ((mode & 077)); then
			echo "$name: mode $mode"
		fi
	done < <(grep -F -e "\"$path\"" -e "<$path>" "$log")
	((created)) || echo "$name: written, but not created by wg-quick"
}

# The report of every file LOG shows a key written to.
ws_files_report() {
	local path
	while IFS= read -r path; do
		ws_file_report "$1" "$path"
	done < <(ws_key_files "$1")
}

# ws_check LABEL LOG [FILE_REPORT]: wg-quick succeeded, no secret is in any program's arguments
# or environment, and the report of the files holding a key is FILE_REPORT.
ws_check() {
	local label="$1" log="$2" files="${3:-}"
	expect_eq "$label: succeeds" "$RC" 0
	[[ $RC == 0 ]] || printf '#   %s\n' "${ERR//$'\n'/$'\n'#   }"
	expect_eq "$label: no key in the arguments or environment of any program" \
		"$(ws_argv_leaks "$log")" ""
	expect_eq "$label: files holding a key: private from the start" \
		"$(ws_files_report "$log")" "$files"
}

ws_conf() {
	wq_conf wg0 "[Interface]
PrivateKey = $1
Address = 10.10.11.10/24
DNS = 10.0.0.53
SaveConfig = true
PreUp = /bin/true %i
PostUp = /bin/true %i

[Peer]
PublicKey = $PEER
PresharedKey = $PSK
AllowedIPs = 0.0.0.0/0, ::/0
Endpoint = 192.0.2.1:51820
${2:-}" >/dev/null
}

# The expected report for a save: one temporary file, renamed over the configuration.
SAVED=".wg0.conf.XXXXXX: created exclusively
.wg0.conf.XXXXXX: renamed to wg0.conf"

netns_new NS || { fail setup "could not create a namespace"; finish; }
CONF="$WQ_CONF/wg0.conf"
ws_conf "$KEY"

ws_trace "$T/up.log" "$WQ_BIN/wg-quick" up "$CONF"
ws_check up "$T/up.log"
CHILDREN=(wg-quick wg ip nft resolvconf sysctl true)
((WQ_KERNEL)) || CHILDREN+=(wireguard-go)
expect_eq "up: the trace saw all of wg-quick's children" \
	"$(ws_unseen "$T/up.log" "${CHILDREN[@]}")" ""

ws_conf "$KEY2" "
[Peer]
PublicKey = $PEER2
PresharedKey = $PSK2
AllowedIPs = 10.20.0.0/16"
ws_trace "$T/reload.log" "$WQ_BIN/wg-quick" reload "$CONF"
ws_check reload "$T/reload.log"
expect_eq "reload: the new keys are in use" \
	"$(wq_wg "$NS" show wg0 private-key)|$(wq_wg "$NS" show wg0 preshared-keys | sort)" \
	"$KEY2|$(printf '%s\t%s\n%s\t%s\n' "$PEER" "$PSK" "$PEER2" "$PSK2" | sort)"

ws_trace "$T/save.log" "$WQ_BIN/wg-quick" save "$CONF"
ws_check save "$T/save.log" "$SAVED"
expect_eq "save: the saved file holds the keys, mode 0600" \
	"$(ws_secrets_in "$(cat "$CONF")")|$(stat -c %a "$CONF")" \
	"new private key,preshared key,new preshared key|600"

# something for down to save (an unchanged file is not written at all)
wq_wg "$NS" set wg0 peer "$PEER2" persistent-keepalive 9
ws_trace "$T/down.log" "$WQ_BIN/wg-quick" down "$CONF"
ws_check "down (SaveConfig)" "$T/down.log" "$SAVED"
expect_eq "down: the saved file is private" "$(stat -c %a "$CONF")" 600
expect_eq "down: no temporary file is left" "$(ls -A "$WQ_CONF")" wg0.conf

# The checks catch a wg-quick that puts the configuration on a command line and lets others
# read its temporary file.
LEAKY="$T/leaky"
mkdir "$LEAKY"
cp -P "$WQ_BIN"/* "$LEAKY/"
rm "$LEAKY/wg-quick"
# shellcheck disable=SC2016 # wg-quick's code, not ours to expand
sed -e 's|^\twg_conf "$verb" "$text"$|&\n\t/bin/true "$text"|' \
	-e 's|^\(\tchmod\) 0600 \("$tmp"\)$|\1 0644 \2|' "$WG_QUICK" >"$LEAKY/wg-quick"
chmod +x "$LEAKY/wg-quick"
expect_eq "the leaky copy differs in two lines" \
	"$(diff "$WG_QUICK" "$LEAKY/wg-quick" | grep -c '^>')" 2
ws_conf "$KEY"
ws_trace "$T/leaky-up.log" "$LEAKY/wg-quick" up "$CONF"
expect_eq "a key on a command line is caught" "$RC|$(ws_argv_leaks "$T/leaky-up.log")" \
	"0|/bin/true: private key,preshared key"
ws_trace "$T/leaky-save.log" "$LEAKY/wg-quick" save "$CONF"
expect_eq "a temporary file others can read is caught" \
	"$RC|$(ws_files_report "$T/leaky-save.log")" "0|.wg0.conf.XXXXXX: created exclusively
.wg0.conf.XXXXXX: mode 0644
.wg0.conf.XXXXXX: renamed to wg0.conf"
wq "$NS" down "$CONF"
check "down" test "$RC" = 0

finish
