#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# build-flags.sh: CPPFLAGS, CFLAGS, LDFLAGS and LDLIBS reach every compile and link of wg and of
# the unit tests, in both variants; dpkg-buildflags' -D_FORTIFY_SOURCE=2 gives a fortified wg;
# other flags rebuild every object; V=0 prints one short line per step, V=1 the commands.
source "$(dirname "$0")/../lib/test.sh"

require_cmd make cc nm
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
export LC_ALL=C
USER_FLAGS=(CPPFLAGS=-DWGC_TEST_CPPFLAGS CFLAGS=-DWGC_TEST_CFLAGS 'LDFLAGS=-Wl,-O1,--wgc-test-ldflags'
	LDLIBS=-lwgc_test_ldlibs)

# planned [-C DIR] MAKE_ARGS...: the commands make would run (-n runs none, -B pretends
# everything is out of date), one a line; a recipe's continued lines are joined.
planned() {
	local dir="$REPO_DIR"
	[[ $1 != -C ]] || { dir="$2"; shift 2; }
	make -n -B --no-print-directory -C "$dir" "$@" | sed -e ':a' -e '/\\$/{N;s/\\\n//;ba}'
}

# check_plan VARIANT COMPILER [-C DIR] MAKE_ARGS...: every compile carries CPPFLAGS and CFLAGS,
# every link LDFLAGS and LDLIBS.
check_plan() {
	local variant="$1" cc="$2" line compiles=0 links=0 bad=()
	shift 2
	while IFS= read -r line; do
		[[ $line == "$cc "* ]] || continue
		if [[ $line == *" -c "* ]]; then
			((++compiles))
			[[ $line == *-DWGC_TEST_CPPFLAGS*-DWGC_TEST_CFLAGS* ]] || bad+=("compile: ${line:0:120}")
		else
			((++links))
			[[ $line == *--wgc-test-ldflags*-lwgc_test_ldlibs* ]] || bad+=("link: ${line:0:120}")
			# A link that also compiles (the unit tests) takes the compile flags too.
			[[ $line != *.c\ * || $line == *-DWGC_TEST_CPPFLAGS*-DWGC_TEST_CFLAGS* ]] ||
				bad+=("compile and link: ${line:0:120}")
		fi
	done < <(planned "$@" "${USER_FLAGS[@]}")
	if [[ $compiles -lt 10 || $links -lt 5 ]]; then
		fail "$variant: the user's flags reach every compile and link" \
			"only $compiles compiles and $links links planned"
	elif [[ ${#bad[@]} -gt 0 ]]; then
		fail "$variant: the user's flags reach every compile and link" "${bad[0]}"
	else
		pass "$variant: the user's flags reach all $compiles compiles and $links links"
	fi
}
check_plan "release" cc CC=cc all unit
check_plan "ASan+UBSan" cc CC=cc SANITIZE=1 unit
check_plan "fuzz targets" clang -C "$REPO_DIR/tests/fuzz" all build/seeds

# The sanitizer variant's own flags come last, so the user's -O2 does not turn them off.
line="$(planned CC=cc SANITIZE=1 unit CFLAGS=-O2 | grep -m1 -- ' -c ')"
[[ $line == *-O2*-O1*-fsanitize=address,undefined* ]] &&
	pass "ASan+UBSan: its flags come after CFLAGS" || fail "ASan+UBSan: its flags come after CFLAGS" "$line"

# A real build, in a copy of what it needs (no build results) so that the tree's build stays as
# it is.
cp -R "$REPO_DIR/Makefile" "$REPO_DIR/version.mk" "$REPO_DIR/src" "$TMP/"
mkdir "$TMP/tests" && cp -R "$REPO_DIR/tests/unit" "$TMP/tests/"
rm -f "$TMP/src/wg/wg"
run make -C "$TMP" --no-print-directory -j2 V=0 CPPFLAGS=-D_FORTIFY_SOURCE=2 all
if [[ $RC != 0 ]]; then
	fail "V=0 build" "rc=$RC: $(tail -3 <<<"$OUT$ERR")"
else
	long="$(grep -Ev '^  (CC|AR|LD) +[^ ]+$' <<<"$OUT$ERR" | head -3)"
	[[ -z $long && $OUT == *"  LD      src/wg/wg"* ]] &&
		pass "V=0 prints one short line per step" || fail "V=0 prints one short line per step" "got: $long"
	fortified="$(nm -D "$TMP/src/wg/wg" | grep -c '_chk@')"
	[[ $fortified -gt 0 ]] && pass "CPPFLAGS=-D_FORTIFY_SOURCE=2: wg calls $fortified fortified functions" ||
		fail "CPPFLAGS=-D_FORTIFY_SOURCE=2 gives fortified calls" "none in nm -D"
fi
touch "$TMP/src/wg/wg.c"
run make -C "$TMP" --no-print-directory V=1 CPPFLAGS=-D_FORTIFY_SOURCE=2 all
[[ $RC == 0 && $OUT == "cc "*" -c -o build/release/obj/wg.o src/wg/wg.c"$'\n'"cc "*" -o src/wg/wg "* ]] &&
	pass "V=1 prints the commands (one changed source: one compile, one link)" ||
	fail "V=1 prints the commands (one changed source: one compile, one link)" "rc=$RC: ${OUT:0:200}"

# Other flags build everything again: no object made with the old ones stays in wg.
sources=("$TMP"/src/wg/*.c)
run make -C "$TMP" --no-print-directory V=1 all
compiles="$(grep -c -- ' -c -o build/release/obj/' <<<"$OUT")"
expect_eq "other flags compile every source again" "$RC $compiles" "0 ${#sources[@]}"
expect_eq "... so wg has no fortified call left" "$(nm -D "$TMP/src/wg/wg" | grep -c '_chk@')" 0
# built_nothing: the last run said there was nothing to do (make, or make[N] under make check).
built_nothing() {
	[[ $RC == 0 && $OUT =~ ^make(\[[0-9]+\])?:\ Nothing\ to\ be\ done\ for\ .all.\.$ ]]
}
run make -C "$TMP" --no-print-directory V=1 all
check "... and the same flags again build nothing" built_nothing
run make -C "$TMP" --no-print-directory -n CFLAGS=-O3 all
run make -C "$TMP" --no-print-directory all
check "... nor after a dry run with other flags" built_nothing
finish
