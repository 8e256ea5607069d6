#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# license.sh: the project can be redistributed: LICENSE holds the GPL version 2, every source
# file names it in an SPDX line near its top, the README says so; and the versions of version.mk
# are the package's too (debian/changelog, debian/rules).
source "$(dirname "$0")/../lib/test.sh"

TAG='SPDX-License-Identifier: GPL-2.0-only'
cd "$REPO_DIR" || exit 1

head -n 3 LICENSE | grep -q 'GNU GENERAL PUBLIC LICENSE' && grep -q '^ *Version 2, June 1991' LICENSE &&
	! grep -qi 'version 3' <(head -n 5 LICENSE) &&
	pass "LICENSE is the GNU GPL, version 2" || fail "LICENSE is the GNU GPL, version 2" "$(head -n 3 LICENSE)"
grep -q "$TAG" README.md && pass "the README names the license" ||
	fail "the README names the license" "no \`$TAG' in README.md"

# Source files: code, scripts (a #! line), build files, units, completions, man pages. Test data
# (hostile inputs, fuzz corpora and dictionaries, example configurations) are not.
is_source() {
	case "$1" in
	tests/hostile/* | tests/fuzz/corpus/* | tests/fuzz/regressions/* | tests/fuzz/dict/*) return 1 ;;
	*.c | *.h | *.sh | *.py | *.yml | *.mk | *.8 | *.bash-completion | *.service | *.target) return 0 ;;
	*/Makefile | Makefile | debian/rules) return 0 ;;
	esac
	[[ $(head -c 2 "$1") == '#!' ]]
}
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	mapfile -t FILES < <(git ls-files --cached --others --exclude-standard)
else
	mapfile -t FILES < <(find . -path ./build -prune -o -type f -print | sed 's#^\./##')
fi
sources=0 missing=()
for file in "${FILES[@]}"; do
	[[ -f $file && ! -L $file ]] || continue
	is_source "$file" || continue
	((++sources))
	head -n 3 "$file" | grep -qF "$TAG" || missing+=("$file")
done
if ((sources < 150)); then
	fail "every source file carries an SPDX line" "only $sources source files found"
elif ((${#missing[@]})); then
	fail "every source file carries an SPDX line" "${#missing[@]} without: ${missing[*]:0:5}"
else
	pass "every one of $sources source files carries \`$TAG' in its first lines"
fi

# One version, written in version.mk: the package's changelog must carry it (debian/rules stops a
# build whose changelog disagrees) and Provides the wireguard-tools release it is compatible with.
version_of() { sed -n "s/^$1 := //p" version.mk; }
CHANGELOG_VERSION="$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' debian/changelog)"
expect_eq "debian/changelog has the version of version.mk" "$CHANGELOG_VERSION" "$(version_of VERSION)"
expect_eq "... and the package's name" "$(sed -n '1s/ .*//p' debian/changelog)" "$(version_of PROJECT)"
grep -q '^Provides: wireguard-tools (= ${wgc:CompatVersion})$' debian/control &&
	grep -q 'wgc:CompatVersion=$(COMPAT_VERSION)' debian/rules &&
	pass "the package provides wireguard-tools at version.mk's COMPAT_VERSION" ||
	fail "the package provides wireguard-tools at version.mk's COMPAT_VERSION" "see debian/control"
finish
