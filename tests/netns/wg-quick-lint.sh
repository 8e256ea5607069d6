#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/netns/wg-quick-lint.sh: the wg-quick script passes shellcheck, and the systemd units, as
# `make install' fills them in, pass systemd-analyze verify with the settings the packaging
# promises.

. "$(dirname "$0")/../lib/test.sh"
UNITS="$REPO_DIR/src/wg-quick"

if command -v shellcheck >/dev/null; then
	run shellcheck -x "$WG_QUICK"
	expect_eq "shellcheck finds nothing in wg-quick" "$RC|$OUT$ERR" "0|"
else
	skip "shellcheck" "shellcheck is not installed"
fi
# Parsed without extglob, as lintian's syntax check (bash -n) does: the script turns it on only
# when it runs.
run bash -n "$WG_QUICK"
expect_eq "bash -n parses wg-quick" "$RC|$OUT$ERR" "0|"

# The units as installed with BINDIR=/usr/bin (the wg that is already built is installed as is).
if [[ ! -x $REPO_DIR/src/wg/wg ]]; then
	skip "$TEST_FILE" "src/wg/wg is not built (run make first)"
	exit 0
fi
dest="$(mktemp -d)"
trap 'rm -rf "$dest"' EXIT
INSTALLED="$dest/units"
run make -s --no-print-directory -C "$REPO_DIR" -o src/wg/wg SANITIZE= DESTDIR="$dest" BINDIR=/usr/bin \
	SYSTEMDUNITDIR=/units WITH_WGQUICK=yes WITH_SYSTEMDUNITS=yes WITH_BASHCOMPLETION=no install
expect_eq "make install puts both units in place" "$RC $(ls "$INSTALLED" 2>&1 | tr '\n' ' ')" \
	"0 wg-quick.target wg-quick@.service "

if command -v systemd-analyze >/dev/null; then
	ln -s wg-quick@.service "$INSTALLED/wg-quick@wg0.service"
	run systemd-analyze verify "$INSTALLED/wg-quick@wg0.service" "$INSTALLED/wg-quick.target"
	# verify also checks that /usr/bin/wg-quick exists; that says nothing about the units.
	ERR="$(grep -v -e "/usr/bin/wg-quick" <<<"$ERR")"
	expect_eq "systemd-analyze verify accepts the installed units" "$RC|$OUT$ERR" "0|"
else
	skip "systemd-analyze" "systemd-analyze is not installed"
fi

# The source unit names wg-quick by the path install fills in; the installed one by BINDIR's.
for want in 'ExecStart=@BINDIR@/wg-quick up %i' 'ExecStop=@BINDIR@/wg-quick down %i' \
	'ExecReload=@BINDIR@/wg-quick reload %i'; do
	check "wg-quick@.service: $want" grep -qxF "$want" "$UNITS/wg-quick@.service"
	check "installed wg-quick@.service: ${want/@BINDIR@//usr/bin}" grep -qxF "${want/@BINDIR@//usr/bin}" \
		"$INSTALLED/wg-quick@.service"
done
for want in Type=oneshot RemainAfterExit=yes \
	'Environment=WG_ENDPOINT_RESOLUTION_RETRIES=infinity' \
	'After=network-online.target nss-lookup.target' \
	'Wants=network-online.target nss-lookup.target' \
	PartOf=wg-quick.target Before=wg-quick.target \
	'WantedBy=multi-user.target wg-quick.target'; do
	check "wg-quick@.service: $want" grep -qxF "$want" "$UNITS/wg-quick@.service"
done
check "wg-quick.target has a description" grep -q '^Description=' "$UNITS/wg-quick.target"

finish
