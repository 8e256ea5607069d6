#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/install/deb.sh: the Debian package as a packager and an administrator meet it. `make deb'
# builds it from a clean copy of the tree; lintian finds no error or warning; `dpkg -i' installs
# it over Debian's wireguard-tools, after which /usr/bin/wg and /usr/bin/wg-quick are ours, the
# units run them, wg is hardened (hardening-check) and the package's autopkgtests pass against
# the installed tools (the demo tunnel among them); `dpkg --purge' removes it and Debian's
# wireguard-tools installs again as before.
#
# The installing happens in a private mount namespace, on throwaway overlays of /usr, /etc and
# /var, with /run/systemd hidden: dpkg does everything it would do to the machine, yet the
# machine's own packages (the original wg that other layers compare with) and services are
# never touched, even if this test dies.
source "$(dirname "$0")/../lib/test.sh"

# ---- inside the mount namespace (this file again, run by the part below) --------------------
if [[ ${1:-} == --inside ]]; then
	DEB="$2" SRC="$3" ORIG_VERSION_LINE="$4" OV="$5"
	export DEBIAN_FRONTEND=noninteractive
	mount -t tmpfs -o mode=0700 wgc-overlays "$OV" || { fail "overlays" "no tmpfs"; finish; }
	for dir in usr etc var; do
		mkdir -p "$OV/$dir/upper" "$OV/$dir/work"
		if ! mount -t overlay overlay \
			-o "lowerdir=/$dir,upperdir=$OV/$dir/upper,workdir=$OV/$dir/work" "/$dir"; then
			fail "overlays" "could not put an overlay on /$dir"
			finish
		fi
	done
	# The maintainer scripts would reach the machine's systemd through /run (stopping its
	# wg-quick.target, say): here there is none to reach.
	if [[ -d /run/systemd ]] && ! mount -t tmpfs -o mode=0755 wgc-no-systemd /run/systemd; then
		fail "overlays" "could not hide /run/systemd"
		finish
	fi
	status_of() { dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || echo not-installed; }

	expect_eq "Debian's wireguard-tools is there to be replaced" "$(status_of wireguard-tools)" \
		installed
	run dpkg -i "$DEB"
	expect_eq "dpkg -i installs the package over it" "$RC $(status_of wgc)" "0 installed"
	[[ $RC == 0 ]] || printf '#   %s\n' "${ERR//$'\n'/$'\n#   '}"
	# Removed in favour of wgc; what is left of it at most is its record of /etc/wireguard.
	status="$(status_of wireguard-tools)"
	[[ $status == not-installed || $status == config-files ]] &&
		pass "... and wireguard-tools is removed (Conflicts, Replaces)" ||
		fail "... and wireguard-tools is removed (Conflicts, Replaces)" "it is $status"
	for path in /usr/bin/wg /usr/bin/wg-quick /lib/systemd/system/wg-quick@.service \
		/lib/systemd/system/wg-quick.target /usr/share/man/man8/wg.8.gz \
		/usr/share/man/man8/wg-quick.8.gz /usr/share/bash-completion/completions/wg \
		/usr/share/bash-completion/completions/wg-quick; do
		expect_eq "$path belongs to wgc" "$(dpkg -S "$path" 2>&1)" "wgc: $path"
	done
	version="$(sed -n 's/^VERSION := //p' "$SRC/version.mk")"
	expect_eq "/usr/bin/wg is ours" "$(/usr/bin/wg --version)" \
		"wg (wgc) $version, compatible with wireguard-tools v$(sed -n 's/^COMPAT_VERSION := //p' \
		"$SRC/version.mk")"
	check "/usr/bin/wg-quick is ours" cmp -s /usr/bin/wg-quick "$SRC/src/wg-quick/wg-quick"
	expect_eq "the units run the installed wg-quick" \
		"$(grep -h '^Exec' /lib/systemd/system/wg-quick@.service)" \
		"ExecStart=/usr/bin/wg-quick up %i
ExecStop=/usr/bin/wg-quick down %i
ExecReload=/usr/bin/wg-quick reload %i"
	expect_eq "/etc/wireguard is root's alone" "$(stat -c '%a %U' /etc/wireguard)" "700 root"
	check "the examples are in /usr/share/doc/wgc/examples" \
		test -f /usr/share/doc/wgc/examples/laptop.conf -a -f /usr/share/doc/wgc/examples/README.md
	expect_eq "installing enabled no unit" \
		"$(find /etc/systemd/system -name 'wg-quick*' 2>/dev/null)" ""

	run hardening-check /usr/bin/wg
	for feature in "Position Independent Executable" "Stack protected" \
		"Fortify Source functions" "Read-only relocations" "Immediate binding"; do
		line="$(grep -F " $feature: " <<<"$OUT")"
		[[ $line == *": yes"* ]] && pass "hardening-check: $feature" ||
			fail "hardening-check: $feature" "${line:-not reported: $OUT}"
	done

	# The autopkgtests, run as autopkgtest would run them on a machine with the package.
	mapfile -t tests < <(sed -n 's/^Tests: *//p' "$SRC/debian/tests/control" | tr ' ,' '\n\n' |
		grep -v '^$')
	((${#tests[@]} >= 3)) && pass "debian/tests/control names ${#tests[@]} tests" ||
		fail "debian/tests/control names its tests" "found ${tests[*]}"
	for name in "${tests[@]}"; do
		log="$OV/autopkgtest-$name.log"
		(cd "$SRC" && AUTOPKGTEST_TMP="$(mktemp -d)" "debian/tests/$name") >"$log" 2>&1
		rc=$?
		if ((rc == 0)); then
			pass "autopkgtest $name: $(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -oE '^run-installed: .*|Data plane: .*' | tail -n 1)"
		else
			fail "autopkgtest $name" "exit status $rc"
			grep -E '^(FAIL|run-installed|demo:)' "$log" | head -n 10 | sed 's/^/#   /'
			tail -n 5 "$log" | sed 's/^/#   | /'
		fi
	done

	run dpkg --purge wgc
	expect_eq "dpkg --purge removes the package" "$RC $(status_of wgc)" "0 not-installed"
	check "... and its wg" test ! -e /usr/bin/wg -a ! -e /usr/bin/wg-quick
	run apt-get install -y -q --no-install-recommends wireguard-tools
	if [[ $RC != 0 ]]; then
		# No package lists on this machine: fetch them, into the overlay too.
		apt-get update -q >/dev/null 2>&1
		run apt-get install -y -q --no-install-recommends wireguard-tools
	fi
	expect_eq "Debian's wireguard-tools installs again" "$RC $(status_of wireguard-tools)" \
		"0 installed"
	expect_eq "... and /usr/bin/wg is the original again" "$(/usr/bin/wg --version 2>&1)" \
		"$ORIG_VERSION_LINE"
	finish
fi

# ---- the build, on the machine itself -------------------------------------------------------
require_root
require_cmd make dpkg-buildpackage dh lintian hardening-check unshare dpkg-query apt-get
if ! dpkg-query -W -f='${db:Status-Status}' wireguard-tools 2>/dev/null | grep -qx installed; then
	skip "$TEST_FILE" "Debian's wireguard-tools is not installed (tests/install-deps)"
	exit 0
fi
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

run make -C "$REPO_DIR" --no-print-directory deb DEB_DIR="$TMP/deb"
mapfile -t debs < <(find "$TMP/deb" -maxdepth 1 -name 'wgc_*.deb')
if [[ $RC != 0 || ${#debs[@]} != 1 ]]; then
	fail "make deb builds the package" "status $RC, $(tail -n 3 <<<"$OUT$ERR" | paste -sd '|')"
	finish
fi
pass "make deb builds ${debs[0]##*/} in a copy of the tree"
check "... whose build ran the unit tests" grep -q '^unit-release/test_config .* 0 failed' <<<"$OUT"
check "... and left the tree as it was" test ! -e "$REPO_DIR/debian/wgc" -a ! -e "$REPO_DIR/debian/files"
SRC="$(find "$TMP/deb" -mindepth 1 -maxdepth 1 -type d -name 'wgc-*')"

# lintian as root says so on stderr; its verdict is the status and the tags.
run lintian --fail-on error,warning "${debs[0]%_*.deb}_$(dpkg --print-architecture).changes"
expect_eq "lintian: no error, no warning" "$RC|$(grep -E '^[EW]: ' <<<"$OUT$ERR")" "0|"
run dpkg-deb -f "${debs[0]}" Provides Conflicts Replaces Depends Recommends Suggests
expect_eq "the package swaps with wireguard-tools and depends on what wg-quick runs" \
	"$(grep -vE '^Depends: ' <<<"$OUT")|$(grep -oE '^Depends: iproute2' <<<"$OUT")" \
	"Provides: wireguard-tools (= $(sed -n 's/^COMPAT_VERSION := //p' "$REPO_DIR/version.mk"))
Conflicts: wireguard-tools
Replaces: wireguard-tools
Recommends: nftables | iptables
Suggests: openresolv | resolvconf, wireguard-go|Depends: iproute2"

mkdir -m 0700 "$TMP/overlays"
unshare -m --propagation private "$0" --inside "${debs[0]}" "$SRC" "$(/usr/bin/wg --version 2>&1)" \
	"$TMP/overlays"
rc=$?
((rc == 0)) || TEST_FAILED=1
expect_eq "the machine's own wireguard-tools was never touched" \
	"$(dpkg-query -W -f='${db:Status-Status}\n' wireguard-tools; dpkg -S /usr/bin/wg)" \
	"installed
wireguard-tools: /usr/bin/wg"
finish
