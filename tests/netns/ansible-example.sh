#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/netns/ansible-example.sh: examples/ansible/wg-syncconf.yml run for real by
# ansible-playbook against localhost (connection local) inside a namespace holding a
# wireguard-go interface: a first run reports changed and makes the interface match the file,
# a second run reports nothing changed, check mode reports a change and changes nothing, a bad
# file fails the play with its line named and changes nothing; no key shows in the output.
# shellcheck source=tests/lib/test.sh
source "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netns.sh
source "$TESTS_DIR/lib/netns.sh"
# shellcheck source=tests/lib/diff.sh
source "$TESTS_DIR/lib/diff.sh"

require_cmd ansible-playbook wireguard-go python3 "$WG"
netns_private_rundir "$@"

PLAYBOOK="$REPO_DIR/examples/ansible/wg-syncconf.yml"
if ! netns_new NS || ! netns_wg_start "$NS" wgans; then
	fail setup "could not create the namespace and the interface"
	finish
fi
ETC="$NETNS_TMP/etc" SRC="$NETNS_TMP/hub.conf"
mkdir -m 0700 "$ETC"
KEY="$(netns_genkey)" PSK="$(netns_genpsk)"
PA="$(netns_genkey | netns_pubkey)" PB="$(netns_genkey | netns_pubkey)"
PC="$(netns_genkey | netns_pubkey)"

# Ansible keeps its temporary files and settings out of the way of everything else.
export HOME="$NETNS_TMP/home" ANSIBLE_LOCAL_TEMP="$NETNS_TMP/ansible-tmp"
export ANSIBLE_REMOTE_TEMP="$NETNS_TMP/ansible-tmp" ANSIBLE_NOCOLOR=1
export ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_RETRY_FILES_ENABLED=0
export ANSIBLE_FORCE_COLOR=0 ANSIBLE_LOAD_CALLBACK_PLUGINS=0 ANSIBLE_STDOUT_CALLBACK=default
mkdir -p "$HOME"

# play [ARG...]: the playbook on localhost in the namespace; sets OUT, ERR, RC and RECAP (the
# "ok=N changed=N ... failed=N" of the recap line).
play() {
	run ip netns exec "$NS" ansible-playbook -i localhost, -c local "$PLAYBOOK" \
		-e ansible_become=false -e wg_interface=wgans -e "wg_config_file=$SRC" \
		-e "wg_config_dir=$ETC" -e "wg_bin=$WG" "$@"
	RECAP="$(grep -o 'changed=[0-9]*.*failed=[0-9]*' <<<"$OUT" | tail -n 1)"
}
changed() { grep -o 'changed=[0-9]*' <<<"$RECAP" | cut -d= -f2; }
failed() { grep -o 'failed=[0-9]*' <<<"$RECAP" | cut -d= -f2; }
state() { ip netns exec "$NS" "$WG" showconf wgans | diff_sort_conf; }
# Whether the interface runs exactly the file (the dry run finds nothing to do).
matches() { ip netns exec "$NS" "$WG" syncconf --dry-run wgans "$SRC" >/dev/null; }
no_keys() {
	expect_eq "$1: no private or preshared key in the output" \
		"$(grep -cF -e "$KEY" -e "$PSK" <<<"$OUT$ERR")" 0
}

hub() {
	printf '[Interface]\nPrivateKey = %s\nListenPort = 51820\n' "$KEY"
	printf '\n# a laptop\n[Peer]\nPublicKey = %s\nPresharedKey = %s\nAllowedIPs = 10.50.0.2/32\n' \
		"$PA" "$PSK"
	printf '\n[Peer]\nPublicKey = %s\nEndpoint = 192.0.2.20:51820\nAllowedIPs = 10.50.0.3/32\n' \
		"$PB"
	printf '%s' "${1:-}"
}

hub >"$SRC"
play
expect_eq "first run: the play succeeds" "$RC|$(failed)" "0|0"
check "first run: reports changed" test "$(changed)" -gt 0
check "first run: the interface runs the file" matches
expect_eq "first run: the file is installed, mode 0600" \
	"$(stat -c %a "$ETC/wgans.syncconf" 2>&1)|$(cmp "$SRC" "$ETC/wgans.syncconf" 2>&1)" "600|"
no_keys "first run"

play
expect_eq "second run: nothing changed" "$RC|$(changed)|$(failed)" "0|0|0"
no_keys "second run"

hub "$(printf '\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.50.0.4/32\n' "$PC")" |
	sed 's/192.0.2.20:51820/198.51.100.7:4444/' >"$SRC"
BEFORE="$(state)"
INSTALLED="$(cat "$ETC/wgans.syncconf")"
play --check
expect_eq "check mode: the play succeeds" "$RC|$(failed)" "0|0"
check "check mode: reports changed" test "$(changed)" -gt 0
expect_eq "check mode: the interface did not change" "$(state)" "$BEFORE"
expect_eq "check mode: the installed file did not change" "$(cat "$ETC/wgans.syncconf")" \
	"$INSTALLED"
check "check mode: the preview names the new peer" grep -qF "$PC" <<<"$OUT"
no_keys "check mode"

play
expect_eq "after the change: the play succeeds" "$RC|$(failed)" "0|0"
check "after the change: reports changed" test "$(changed)" -gt 0
check "after the change: the interface runs the new file" matches
play
expect_eq "and then: nothing changed" "$RC|$(changed)|$(failed)" "0|0|0"

BEFORE="$(state)"
GOOD="$(cat "$SRC")"
printf '[Interface]\nPrivateKey = %s\nListenPort = 70000\n' "$KEY" >"$SRC"
play
expect_eq "a bad file: the play fails" "$(failed)" 1
check "a bad file: exit status not 0" test "$RC" -ne 0
check "a bad file: its line is named" grep -q 'stdin:3: Port must be a number' <<<"$OUT"
expect_eq "a bad file: the interface did not change" "$(state)" "$BEFORE"
expect_eq "a bad file: the installed file did not change" "$(cat "$ETC/wgans.syncconf")" "$GOOD"
no_keys "a bad file"
finish
