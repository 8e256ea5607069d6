#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# man.sh: the manual pages pass groff and mandoc cleanly and document every command, field, key
# and environment variable the programs themselves know about. WG_MAN and QUICK_MAN name other
# pages than man/ (debian/tests/man-pages checks the installed ones).
source "$(dirname "$0")/../lib/test.sh"

WG_MAN="${WG_MAN:-$REPO_DIR/man/wg.8}"
QUICK_MAN="${QUICK_MAN:-$REPO_DIR/man/wg-quick.8}"

# roff NAME: how a word is written in the page source (a hyphen is the \- glyph).
roff() {
	printf '%s' "${1//-/\\-}"
}

# term_documented PAGE WORD: WORD is one of the bold words heading a tagged paragraph (.TP), as
# the pages list commands, fields, keys and variables.
term_documented() {
	local page="$1" word prev="" line tokens
	word="$(roff "$2")"
	while IFS= read -r line; do
		if [[ $prev == .TP* && $line == .B* ]]; then
			tokens="${line//[\",]/ }"
			tokens="${tokens//\\fR/ }"
			[[ " $tokens " != *" $word "* ]] || return 0
		fi
		prev="$line"
	done <"$page"
	return 1
}

# check_terms LABEL PAGE WORD...: one result per word.
check_terms() {
	local label="$1" page="$2" word
	shift 2
	for word in "$@"; do
		if term_documented "$page" "$word"; then
			pass "$label $word in ${page##*/}"
		else
			fail "$label $word in ${page##*/}" "no .TP entry for it"
		fi
	done
}

for page in "$WG_MAN" "$QUICK_MAN"; do
	name="${page##*/}"
	if [[ ! -f $page ]]; then
		fail "$name exists" "missing"
		continue
	fi
	if command -v groff >/dev/null; then
		run groff -ww -man -z "$page"
		[[ $RC == 0 && -z $OUT$ERR ]] && pass "groff -ww is silent on $name" ||
			fail "groff -ww is silent on $name" "rc=$RC: $(head -5 <<<"$ERR")"
	else
		skip "groff on $name" "needs groff"
	fi
	if command -v mandoc >/dev/null; then
		run mandoc -T lint -W style "$page"
		[[ $RC == 0 && -z $OUT$ERR ]] && pass "mandoc -T lint -W style is silent on $name" ||
			fail "mandoc -T lint -W style is silent on $name" "rc=$RC: $(head -5 <<<"$OUT$ERR")"
		run mandoc -T ascii "$page"
		OUT="$(sed 's/.\x08//g' <<<"$OUT")" # overstrike, as bold and underline are drawn
		[[ $RC == 0 && $OUT == *NAME*SYNOPSIS*DESCRIPTION*"SEE ALSO"* ]] &&
			pass "$name renders with NAME, SYNOPSIS, DESCRIPTION and SEE ALSO" ||
			fail "$name renders with NAME, SYNOPSIS, DESCRIPTION and SEE ALSO" "rc=$RC"
	else
		skip "mandoc on $name" "needs mandoc"
	fi
done

# wg's subcommands, as its own --help lists them.
run "$WG" --help
mapfile -t subcommands < <(sed -n 's/^  \([a-z]*\): .*/\1/p' <<<"$OUT")
if [[ ${#subcommands[@]} -ge 9 ]]; then
	pass "wg --help lists subcommands"
else
	fail "wg --help lists subcommands" "found ${#subcommands[@]}"
fi
check_terms "subcommand" "$WG_MAN" "${subcommands[@]}"

# show's fields, as its usage line lists them.
run "$WG" show --help
fields_text="$(sed -n 's/.*} \[\(.*\)\]$/\1/p' <<<"$ERR")"
IFS='|' read -ra fields <<<"${fields_text// /}"
if [[ ${#fields[@]} -ge 13 ]]; then
	pass "wg show --help lists fields"
else
	fail "wg show --help lists fields" "found ${#fields[@]} in: $ERR"
fi
check_terms "show field" "$WG_MAN" "${fields[@]}"

# Every configuration key the parser accepts.
mapfile -t keys < <(grep -oE '(KEY_IS\(key, len|strcasecmp\(key|equal_nocase\(key), "[A-Za-z]*"\)' \
	"$REPO_DIR/src/wg/config.c" | cut -d'"' -f2)
[[ ${#keys[@]} -ge 8 ]] && pass "config.c names its keys" || fail "config.c names its keys" "found ${#keys[@]}"
check_terms "configuration key" "$WG_MAN" "${keys[@]}"

# Every environment variable wg reads.
# Names read through a macro (#define NAME_ENV "VARIABLE") count too.
mapfile -t vars < <({
	grep -ho 'getenv("[A-Z_]*")' "$REPO_DIR"/src/wg/*.c
	grep -ho '^#define [A-Z_]*_ENV "[A-Z_]*"' "$REPO_DIR"/src/wg/*.h
} | cut -d'"' -f2 | sort -u)
[[ ${#vars[@]} -ge 4 ]] && pass "wg's sources name its environment variables" ||
	fail "wg's sources name its environment variables" "found ${#vars[@]}: ${vars[*]}"
check_terms "environment variable" "$WG_MAN" "${vars[@]}"

# Every member of the JSON output.
mapfile -t members < <(grep -o '\\"[a-zA-Z]*\\": ' "$REPO_DIR/src/wg/print.c" | tr -d '\\": ' | sort -u)
[[ ${#members[@]} -ge 12 ]] && pass "print.c names its JSON members" ||
	fail "print.c names its JSON members" "found ${#members[@]}"
check_terms "JSON member" "$WG_MAN" "${members[@]}"

# wg-quick's commands and keys, as its usage text lists them.
if [[ -x $WG_QUICK ]]; then
	run "$WG_QUICK" --help
	commands_text="$(sed -n 's/^Usage: [^[]*\[ \(.*\) \] .*/\1/p' <<<"$ERR")"
	IFS='|' read -ra commands <<<"${commands_text// /}"
	[[ ${#commands[@]} -ge 5 ]] && pass "wg-quick --help lists commands" ||
		fail "wg-quick --help lists commands" "found ${#commands[@]} in: $ERR"
	check_terms "wg-quick command" "$QUICK_MAN" "${commands[@]}"
	mapfile -t quick_keys < <(tr '\n' ' ' <<<"$ERR" | grep -o 'section takes [^;.]*' |
		sed 's/section takes //; s/ and /, /' | tr -s ', ' '\n')
	[[ ${#quick_keys[@]} -ge 9 ]] && pass "wg-quick --help lists its keys" ||
		fail "wg-quick --help lists its keys" "found ${#quick_keys[@]}"
	check_terms "wg-quick key" "$QUICK_MAN" "${quick_keys[@]}"
	mapfile -t quick_vars < <(grep -o '\bWG_[A-Z_]*' "$WG_QUICK" | sort -u)
	check_terms "environment variable" "$QUICK_MAN" "${quick_vars[@]}"
else
	skip "wg-quick commands" "no executable $WG_QUICK"
fi
finish
