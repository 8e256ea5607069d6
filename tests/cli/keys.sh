#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# keys.sh: `wg genkey', `wg genpsk', `wg pubkey': outputs, errors, warnings, as the original does.
source "$(dirname "$0")/../lib/test.sh"
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
# DIFF_KEYS: how many random private keys the differential test feeds both binaries.
DIFF_KEYS="${DIFF_KEYS:-10000}"

# RFC 7748 section 6.1's Alice, and the all-zero key (clamped to 2^254 inside X25519).
ALICE_PRIV=dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=
ALICE_PUB=hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=
ZERO_PRIV=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=
ZERO_PUB=L+V9o0fNYkMVKNqsX7spBzD/9oSvxM/C7ZCZX1jLO3Q=
BAD_FORMAT="$WG: Key is not the correct length or format"
TRAILING="$WG: Trailing characters found after key"
WARNING="Warning: writing to world accessible file."
WARNING+=$'\nConsider setting the umask to 077 and trying again.'
have_original() { [[ -x $ORIG_WG ]]; }

# pubkey_case NAME RC STDOUT STDERR INPUT: INPUT may hold escapes (\0, \t, \xHH); checks the
# expected result, then that the original gives the same one.
pubkey_case() {
	printf '%b' "$5" >"$T/in"
	expect_run "pubkey: $1" "$2" "$3" "$4" "$WG" pubkey <"$T/in"
	same_as_original "pubkey: $1" pubkey
}

# as_wg BINARY ARGS...: runs BINARY with argv[0] "wg", so two binaries' messages compare.
# shellcheck disable=SC2317 # called through run
as_wg() { (exec -a wg "$@"); }

# same_as_original NAME ARGS... (stdin from $T/in): exact stdout, stderr and status as /usr/bin/wg.
same_as_original() {
	local name="$1" ours theirs
	shift
	have_original || { skip "original: $name" "$ORIG_WG is missing"; return; }
	run as_wg "$WG" "$@" <"$T/in"
	ours="$RC|$OUT|$ERR"
	run as_wg "$ORIG_WG" "$@" <"$T/in"
	theirs="$RC|$OUT|$ERR"
	expect_eq "original: $name" "$ours" "$theirs"
}

# expect_true NAME DETAIL CMD...: passes when CMD succeeds, else fails showing DETAIL.
expect_true() {
	local name="$1" detail="$2"
	shift 2
	if "$@"; then pass "$name"; else fail "$name" "$detail"; fi
}

# ran_ok_with_one_key: the last `run' succeeded, printed one canonical base64 key and no error.
# shellcheck disable=SC2317 # called through expect_true
ran_ok_with_one_key() {
	[[ $RC -eq 0 && $OUT =~ ^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$ && -z $ERR ]]
}

# key_bytes BASE64: the key's 32 bytes as decimal numbers, one per line.
key_bytes() { printf '%s' "$1" | base64 -d | od -An -v -tu1 -w1; }

# --- genkey / genpsk ---
for sub in genkey genpsk; do
	run "$WG" "$sub"
	expect_true "$sub: one 44-character base64 key, nothing on stderr" \
		"rc=$RC out=$OUT err=$ERR" ran_ok_with_one_key
	first="$OUT"
	run "$WG" "$sub"
	expect_true "$sub: two runs give two keys" "$OUT twice" [ "$OUT" != "$first" ]
	expect_run "$sub: an operand is a usage error" 1 "" "Usage: $WG $sub" "$WG" "$sub" x
	expect_run "$sub: --help is a usage error" 1 "" "Usage: $WG $sub" "$WG" "$sub" --help
	printf '' >"$T/in"
	same_as_original "$sub with an operand" "$sub" extra
done

# Every genkey key is clamped: low three bits clear, top bit clear, second-highest bit set.
bad=""
for _ in $(seq 20); do
	key="$("$WG" genkey)"
	mapfile -t bytes < <(key_bytes "$key")
	((${#bytes[@]} == 32 && (bytes[0] & 7) == 0 && (bytes[31] & 0xc0) == 0x40)) || bad="$key"
done
expect_true "genkey: keys are clamped" "$bad" [ -z "$bad" ]

# A private key from genkey is accepted by the original too and gives the same public key.
if have_original; then
	key="$("$WG" genkey)"
	expect_eq "genkey: the original derives the same public key" \
		"$("$ORIG_WG" pubkey <<<"$key")" "$("$WG" pubkey <<<"$key")"
fi

# --- the world-accessible warning ---
# perm_case NAME MODE SUB EXPECTED_STDERR: stdout is a file created with MODE.
perm_case() {
	local f="$T/key-$2"
	rm -f "$f"
	install -m "$2" /dev/null "$f"
	"$WG" "$3" >"$f" 2>"$T/err"
	RC=$?
	local err key
	err="$(cat "$T/err")"
	key="$(cat "$f")"
	if [[ $RC -eq 0 && $err == "$4" && ${#key} -eq 44 ]]; then
		pass "$1"
	else
		fail "$1" "rc=$RC stderr=$err key=$key"
	fi
}
perm_case "genkey: warns for a 0644 file, still writes the key" 644 genkey "$WARNING"
perm_case "genpsk: warns for a 0604 file, still writes the key" 604 genpsk "$WARNING"
perm_case "genkey: warns for a 0601 file" 601 genkey "$WARNING"
perm_case "genkey: no warning for a 0600 file" 600 genkey ""
perm_case "genkey: no warning for a 0640 file" 640 genkey ""
"$WG" genkey 2>"$T/err" | cat >/dev/null
expect_true "genkey: no warning for a pipe" "$(cat "$T/err")" [ ! -s "$T/err" ]
if have_original; then
	install -m 644 /dev/null "$T/theirs"
	"$ORIG_WG" genkey >"$T/theirs" 2>"$T/err-theirs"
	install -m 644 /dev/null "$T/ours"
	"$WG" genkey >"$T/ours" 2>"$T/err-ours"
	expect_eq "original: the same warning text" "$(cat "$T/err-ours")" "$(cat "$T/err-theirs")"
fi

# --- pubkey ---
pubkey_case "RFC 7748 Alice" 0 "$ALICE_PUB" "" "$ALICE_PRIV\n"
pubkey_case "all-zero private key" 0 "$ZERO_PUB" "" "$ZERO_PRIV\n"
pubkey_case "no newline after the key" 0 "$ALICE_PUB" "" "$ALICE_PRIV"
pubkey_case "trailing whitespace and NUL bytes" 0 "$ALICE_PUB" "" "$ALICE_PRIV \t\r\n\v\f\0\0\n\n"
pubkey_case "empty input" 1 "" "$BAD_FORMAT" ""
pubkey_case "a lone newline" 1 "" "$BAD_FORMAT" "\n"
pubkey_case "43 characters" 1 "" "$BAD_FORMAT" "${ALICE_PRIV:0:43}"
pubkey_case "unpadded key and newline" 1 "" "$BAD_FORMAT" "${ALICE_PRIV:0:43}\n"
pubkey_case "text after the key" 1 "" "$TRAILING" "$ALICE_PRIV x\n"
pubkey_case "a second key" 1 "" "$TRAILING" "$ALICE_PRIV\n$ALICE_PRIV\n"
pubkey_case "a control byte after the key" 1 "" "$TRAILING" "$ALICE_PRIV\x01"
pubkey_case "a high byte after the key" 1 "" "$TRAILING" "$ALICE_PRIV\xa0"
pubkey_case "trailing text wins over a bad key" 1 "" "$TRAILING" "${ALICE_PRIV:0:43}!x"
pubkey_case "leading space" 1 "" "$TRAILING" " $ALICE_PRIV"
pubkey_case "non-canonical last symbol" 1 "" "$BAD_FORMAT" "${ZERO_PRIV:0:42}5=\n"
pubkey_case "no padding, 44 symbols" 1 "" "$BAD_FORMAT" "${ZERO_PRIV:0:43}A\n"
pubkey_case "URL-safe alphabet" 1 "" "$BAD_FORMAT" "-${ZERO_PRIV:1}\n"
pubkey_case "URL-safe underscore" 1 "" "$BAD_FORMAT" "${ZERO_PRIV:0:10}_${ZERO_PRIV:11}\n"
pubkey_case "embedded NUL" 1 "" "$BAD_FORMAT" "${ZERO_PRIV:0:20}\0${ZERO_PRIV:21}\n"
ALICE_HEX=77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a
pubkey_case "hex key" 1 "" "$TRAILING" "$ALICE_HEX\n"
expect_run "pubkey: a directory on stdin" 1 "" "$BAD_FORMAT" "$WG" pubkey </
expect_run "pubkey: a closed stdin" 1 "" "$BAD_FORMAT" "$WG" pubkey <&-
printf '' >"$T/in"
expect_run "pubkey: an operand is a usage error" 1 "" "Usage: $WG pubkey" "$WG" pubkey x <"$T/in"
same_as_original "pubkey with an operand" pubkey x

# --- the differential test: our public keys against the original's ---
# hex_to_base64: one 64-digit hex key per line in, its base64 out (an encoder independent of ours).
hex_to_base64() {
	awk 'BEGIN {
		sym = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
		for (i = 0; i < 16; i++)
			val[substr("0123456789abcdef", i + 1, 1)] = i
	}
	{
		out = ""; acc = 0; bits = 0
		for (i = 1; i <= 64; i++) {
			acc = acc * 16 + val[substr($0, i, 1)]; bits += 4
			if (bits >= 6) {
				bits -= 6; v = int(acc / 2 ^ bits); acc -= v * 2 ^ bits
				out = out substr(sym, v + 1, 1)
			}
		}
		print out substr(sym, acc * 4 + 1, 1) "="
	}'
}

# pubkeys BINARY <keys >public_keys: one process per key, as a script would use it.
pubkeys() {
	local key
	while IFS= read -r key; do
		"$1" pubkey <<<"$key" || echo "failed: $key"
	done
}

if have_original; then
	{
		printf '%064d\n' 0
		printf 'f%.0s' $(seq 64); echo
		od -An -v -tx1 -w32 -N $((32 * (DIFF_KEYS - 2))) /dev/urandom | tr -d ' '
	} | hex_to_base64 >"$T/keys"
	start=$SECONDS
	pubkeys "$WG" <"$T/keys" >"$T/ours" &
	pubkeys "$ORIG_WG" <"$T/keys" >"$T/theirs"
	wait $!
	count=$(wc -l <"$T/ours")
	first_diff="$(paste -d ' ' "$T/keys" "$T/ours" "$T/theirs" | awk '$2 != $3' | head -1)"
	name="original: $DIFF_KEYS random private keys give the same public keys"
	if [[ $count -eq $DIFF_KEYS ]] && cmp -s "$T/ours" "$T/theirs"; then
		pass "$name"
	else
		fail "$name" "$count results; first difference (key ours theirs): $first_diff"
	fi
	echo "# differential test: $DIFF_KEYS keys in $((SECONDS - start)) s"
else
	skip "original: random private keys give the same public keys" "$ORIG_WG is missing"
fi

# --- the comb table is what its generator prints ---
name="curve25519-table.h is what its generator prints"
if ! command -v "${CC:-cc}" >/dev/null 2>&1; then
	skip "$name" "no C compiler"
elif ! "${CC:-cc}" -O2 -o "$T/gen" "$REPO_DIR/src/wg/gen/curve25519-table.c" 2>"$T/err" ||
	! "$T/gen" >"$T/table.h" 2>>"$T/err"; then
	fail "$name" "the generator failed: $(cat "$T/err")"
else
	expect_true "$name" "regenerate it as src/wg/gen/curve25519-table.c says" \
		cmp -s "$T/table.h" "$REPO_DIR/src/wg/curve25519-table.h"
fi
finish
