#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# install.sh: `make install' into a temporary DESTDIR puts exactly the expected files there, with
# their modes, for every WITH_* choice; `make uninstall' takes every one of them away again.
source "$(dirname "$0")/../lib/test.sh"

require_cmd make install
if [[ ! -x $REPO_DIR/src/wg/wg ]]; then
	skip "$TEST_FILE" "src/wg/wg is not built (run make first)"
	exit 0
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
umask 022
export LC_ALL=C

# Fixed directories, so that what pkg-config says on this machine does not matter.
DIRS=(BASHCOMPDIR=/usr/share/bash-completion/completions SYSTEMDUNITDIR=/usr/lib/systemd/system)

# make_in DESTDIR VAR=VALUE...: make with the build step left out (-o): this test writes nowhere
# but its temporary directory, and installs the wg that is already built.
make_in() {
	local dest="$1"
	shift
	make -s --no-print-directory -C "$REPO_DIR" -o src/wg/wg SANITIZE= DESTDIR="$dest" "$@"
}

# Everything below DIR as "TYPE MODE PATH", TYPE being d for a directory, f for a file, ...
listing() {
	(cd "$1" && find . -mindepth 1 -printf '%y %m %P\n') | sort -k3
}

# The files below DIR (anything but directories), as "MODE PATH".
file_listing() {
	listing "$1" | sed -n 's/^[^d] //p'
}

# expected_files QUICK COMPLETION UNITS: the file list for those three choices (yes or no).
expected_files() {
	local quick="$1" completion="$2" units="$3"
	{
		echo "755 usr/bin/wg"
		echo "644 usr/share/man/man8/wg.8"
		[[ $completion == no ]] || echo "644 usr/share/bash-completion/completions/wg"
		if [[ $quick == yes ]]; then
			echo "755 usr/bin/wg-quick"
			echo "644 usr/share/man/man8/wg-quick.8"
			[[ $completion == no ]] || echo "644 usr/share/bash-completion/completions/wg-quick"
			if [[ $units == yes ]]; then
				echo "644 usr/lib/systemd/system/wg-quick.target"
				echo "644 usr/lib/systemd/system/wg-quick@.service"
			fi
		fi
	} | sort -k2
}

# check_round NAME EXPECTED_FILES QUICK VAR=VALUE...: install, compare, uninstall, compare.
check_round() {
	local name="$1" expected="$2" quick="$3" dest
	shift 3
	dest="$TMP/$name"
	run make_in "$dest" install "$@"
	if [[ $RC != 0 ]]; then
		fail "install ($name)" "rc=$RC: $(tail -3 <<<"$ERR")"
		return
	fi
	expect_eq "install ($name): files and modes" "$(file_listing "$dest")" "$expected"
	if [[ $quick == yes ]]; then
		expect_eq "install ($name): /etc/wireguard, mode 0700" \
			"$(listing "$dest" | grep ' etc/wireguard$')" "d 700 etc/wireguard"
	else
		expect_eq "install ($name): no /etc/wireguard" "$(listing "$dest" | grep -c ' etc')" "0"
	fi
	run make_in "$dest" uninstall "$@"
	if [[ $RC == 0 ]]; then
		expect_eq "uninstall ($name): no file left" "$(file_listing "$dest")" ""
	else
		fail "uninstall ($name)" "rc=$RC: $(tail -3 <<<"$ERR")"
	fi
	expect_eq "uninstall ($name): the empty /etc/wireguard is gone" \
		"$(listing "$dest" | grep -c ' etc/wireguard$')" "0"
}

for quick in yes no; do
	for completion in yes no; do
		for units in yes no; do
			check_round "wgquick=$quick,completion=$completion,units=$units" \
				"$(expected_files "$quick" "$completion" "$units")" "$quick" "${DIRS[@]}" \
				WITH_WGQUICK="$quick" WITH_BASHCOMPLETION="$completion" WITH_SYSTEMDUNITS="$units"
		done
	done
done

# The installed programs and pages are the ones of the source tree, byte for byte, but for the
# version (version.mk) in the man pages and the path of wg-quick in the units.
dest="$TMP/contents"
run make_in "$dest" install "${DIRS[@]}" WITH_WGQUICK=yes WITH_BASHCOMPLETION=yes WITH_SYSTEMDUNITS=yes
VERSION="$(sed -n 's/^VERSION := //p' "$REPO_DIR/version.mk")"
COMPAT_VERSION="$(sed -n 's/^COMPAT_VERSION := //p' "$REPO_DIR/version.mk")"
# filled SOURCE BINDIR: SOURCE as install fills it in.
filled() {
	sed -e "s|@VERSION@|$VERSION|g" -e "s|@COMPAT_VERSION@|$COMPAT_VERSION|g" -e "s|@BINDIR@|$2|g" \
		"$REPO_DIR/$1"
}
for pair in src/wg/wg:usr/bin/wg src/wg-quick/wg-quick:usr/bin/wg-quick man/wg.8:usr/share/man/man8/wg.8 \
	man/wg-quick.8:usr/share/man/man8/wg-quick.8 \
	completion/wg.bash-completion:usr/share/bash-completion/completions/wg \
	src/wg-quick/wg-quick@.service:usr/lib/systemd/system/wg-quick@.service \
	src/wg-quick/wg-quick.target:usr/lib/systemd/system/wg-quick.target; do
	if cmp -s <(filled "${pair%%:*}" /usr/bin) "$dest/${pair#*:}"; then
		pass "installed ${pair#*:} is ${pair%%:*}"
	else
		fail "installed ${pair#*:} is ${pair%%:*}" "differs or missing"
	fi
done
for page in wg.8 wg-quick.8; do
	expect_eq "installed $page names version $VERSION" \
		"$(grep -c "^\.TH .* \"$(sed -n 's/^PROJECT := //p' "$REPO_DIR/version.mk") $VERSION\" " \
			"$dest/usr/share/man/man8/$page")" 1
done
expect_eq "no @...@ is left in the installed files" "$(grep -rlE '@[A-Z_]+@' "$dest" | sed "s|$dest/||")" ""
expect_eq "the installed unit runs /usr/bin/wg-quick" \
	"$(grep '^Exec' "$dest/usr/lib/systemd/system/wg-quick@.service")" \
	"ExecStart=/usr/bin/wg-quick up %i
ExecStop=/usr/bin/wg-quick down %i
ExecReload=/usr/bin/wg-quick reload %i"

# Uninstall leaves a configuration directory that holds configurations.
touch "$dest/etc/wireguard/wg0.conf"
run make_in "$dest" uninstall "${DIRS[@]}" WITH_WGQUICK=yes WITH_BASHCOMPLETION=yes WITH_SYSTEMDUNITS=yes
expect_eq "uninstall keeps /etc/wireguard holding a file" "$RC $(file_listing "$dest")" \
	"0 644 etc/wireguard/wg0.conf"

# PREFIX, BINDIR, MANDIR and SYSCONFDIR move the files; the other directories follow PREFIX.
dest="$TMP/prefix"
run make_in "$dest" install PREFIX=/opt/wg SYSCONFDIR=/opt/etc PKG_CONFIG=false \
	WITH_WGQUICK=yes WITH_BASHCOMPLETION=yes WITH_SYSTEMDUNITS=yes
expect_eq "PREFIX=/opt/wg SYSCONFDIR=/opt/etc" "$RC
$(listing "$dest")" "0
d 755 opt
d 755 opt/etc
d 700 opt/etc/wireguard
d 755 opt/wg
d 755 opt/wg/bin
f 755 opt/wg/bin/wg
f 755 opt/wg/bin/wg-quick
d 755 opt/wg/lib
d 755 opt/wg/lib/systemd
d 755 opt/wg/lib/systemd/system
f 644 opt/wg/lib/systemd/system/wg-quick.target
f 644 opt/wg/lib/systemd/system/wg-quick@.service
d 755 opt/wg/share
d 755 opt/wg/share/bash-completion
d 755 opt/wg/share/bash-completion/completions
f 644 opt/wg/share/bash-completion/completions/wg
f 644 opt/wg/share/bash-completion/completions/wg-quick
d 755 opt/wg/share/man
d 755 opt/wg/share/man/man8
f 644 opt/wg/share/man/man8/wg-quick.8
f 644 opt/wg/share/man/man8/wg.8"
expect_eq "PREFIX=/opt/wg: the unit runs /opt/wg/bin/wg-quick" \
	"$(grep -c '^Exec[A-Za-z]*=/opt/wg/bin/wg-quick ' "$dest/opt/wg/lib/systemd/system/wg-quick@.service")" 3
dest="$TMP/local"
run make_in "$dest" install PREFIX=/usr/local "${DIRS[@]}" WITH_WGQUICK=yes WITH_SYSTEMDUNITS=yes
expect_eq "PREFIX=/usr/local: the unit runs /usr/local/bin/wg-quick" "$RC
$(grep '^Exec' "$dest/usr/lib/systemd/system/wg-quick@.service")" "0
ExecStart=/usr/local/bin/wg-quick up %i
ExecStop=/usr/local/bin/wg-quick down %i
ExecReload=/usr/local/bin/wg-quick reload %i"
dest="$TMP/dirs"
run make_in "$dest" install BINDIR=/b MANDIR=/m WITH_WGQUICK=yes WITH_BASHCOMPLETION=no WITH_SYSTEMDUNITS=no
expect_eq "BINDIR=/b MANDIR=/m" "$RC $(file_listing "$dest" | tr '\n' ' ')" \
	"0 755 b/wg 755 b/wg-quick 644 m/man8/wg-quick.8 644 m/man8/wg.8 "

# Empty switches decide from the system: here from directories that exist or not, and from a
# pkg-config that knows or does not know bash-completion and systemd.
mkdir -p "$TMP/host/completions" "$TMP/host/units"
cat >"$TMP/pkg-config-yes" <<EOF
#!/bin/sh
case "\$*" in
"--variable=completionsdir bash-completion") echo /pc/completions ;;
"--variable=systemdsystemunitdir systemd") echo /pc/units ;;
"--exists bash-completion" | "--exists systemd") exit 0 ;;
*) exit 1 ;;
esac
EOF
chmod +x "$TMP/pkg-config-yes"
auto_files() {
	file_listing "$1" | grep -c "completions/wg\|units/wg-quick" || true
}
dest="$TMP/auto-none"
run make_in "$dest" install PKG_CONFIG=false WITH_WGQUICK=yes \
	BASHCOMPDIR="$TMP/host/missing" SYSTEMDUNITDIR="$TMP/host/missing"
expect_eq "auto: no bash-completion, no systemd" "$RC $(auto_files "$dest")" "0 0"
dest="$TMP/auto-dirs"
run make_in "$dest" install PKG_CONFIG=false WITH_WGQUICK=yes \
	BASHCOMPDIR="$TMP/host/completions" SYSTEMDUNITDIR="$TMP/host/units"
expect_eq "auto: their directories exist" "$RC $(auto_files "$dest")" "0 4"
dest="$TMP/auto-pkg-config"
run make_in "$dest" install PKG_CONFIG="$TMP/pkg-config-yes" WITH_WGQUICK=yes
expect_eq "auto: pkg-config knows them, and where they go" "$RC
$(file_listing "$dest" | grep ' pc/')" "0
644 pc/completions/wg
644 pc/completions/wg-quick
644 pc/units/wg-quick.target
644 pc/units/wg-quick@.service"
run make_in "$dest" uninstall PKG_CONFIG="$TMP/pkg-config-yes" WITH_WGQUICK=yes
expect_eq "auto: uninstall decides the same way" "$RC $(file_listing "$dest")" "0 "

run make_in "$TMP/bad" install WITH_SYSTEMDUNITS=maybe
[[ $RC != 0 && $ERR == *"WITH_SYSTEMDUNITS must be yes, no or empty"* && ! -e $TMP/bad ]] &&
	pass "WITH_SYSTEMDUNITS=maybe is refused" || fail "WITH_SYSTEMDUNITS=maybe is refused" "rc=$RC: $ERR"
finish
