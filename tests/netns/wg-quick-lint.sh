#!/bin/bash
# tests/netns/wg-quick-lint.sh: the wg-quick script passes shellcheck, and the systemd units
# pass systemd-analyze verify with the settings the packaging promises.

. "$(dirname "$0")/../lib/test.sh"
UNITS="$REPO_DIR/src/wg-quick"

if command -v shellcheck >/dev/null; then
	run shellcheck -x "$WG_QUICK"
	expect_eq "shellcheck finds nothing in wg-quick" "$RC|$OUT$ERR" "0|"
else
	skip "shellcheck" "shellcheck is not installed"
fi

if command -v systemd-analyze >/dev/null; then
	dir="$(mktemp -d)"
	cp "$UNITS/wg-quick@.service" "$UNITS/wg-quick.target" "$dir/"
	ln -s wg-quick@.service "$dir/wg-quick@wg0.service"
	run systemd-analyze verify "$dir/wg-quick@wg0.service" "$dir/wg-quick.target"
	# verify also checks that /usr/bin/wg-quick exists; that says nothing about the units.
	ERR="$(grep -v -e "/usr/bin/wg-quick" <<<"$ERR")"
	expect_eq "systemd-analyze verify accepts the units" "$RC|$OUT$ERR" "0|"
	rm -rf "$dir"
else
	skip "systemd-analyze" "systemd-analyze is not installed"
fi

for want in Type=oneshot RemainAfterExit=yes 'ExecStart=/usr/bin/wg-quick up %i' \
	'ExecStop=/usr/bin/wg-quick down %i' 'ExecReload=/usr/bin/wg-quick reload %i' \
	'Environment=WG_ENDPOINT_RESOLUTION_RETRIES=infinity' \
	'After=network-online.target nss-lookup.target' \
	'Wants=network-online.target nss-lookup.target' \
	PartOf=wg-quick.target Before=wg-quick.target \
	'WantedBy=multi-user.target wg-quick.target'; do
	check "wg-quick@.service: $want" grep -qxF "$want" "$UNITS/wg-quick@.service"
done
check "wg-quick.target has a description" grep -q '^Description=' "$UNITS/wg-quick.target"

finish
