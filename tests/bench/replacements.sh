#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/bench/replacements.sh: times each hand-written replacement of a library call against
# that call (tests/bench/replacements.c), on the host and, with --vm, in the test VM too.
#
#   tests/bench/replacements.sh [--vm] [PEERS]     (default 20000 peers' worth of calls)
#
# Needs `make' first (it links build/release/libwg.a); --vm needs root and qemu.
set -u
cd "$(dirname "$0")/../.." || exit 1
VM=""
if [[ ${1:-} == --vm ]]; then
	VM=1
	shift
fi
PEERS="${1:-20000}"
BIN="$PWD/build/bench/replacements"
if [[ ! -f build/release/libwg.a ]]; then
	echo "replacements.sh: build first (make)" >&2
	exit 1
fi
mkdir -p build/bench || exit 1
# shellcheck disable=SC2046 # pkg-config prints one flag a word
"${CC:-cc}" -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Isrc/wg $(pkg-config --cflags libmnl) \
	-o "$BIN" tests/bench/replacements.c build/release/libwg.a \
	$(pkg-config --libs libmnl 2>/dev/null || echo -lmnl) || exit 1
echo "== host"
"$BIN" "$PEERS" || exit 1
[[ -n $VM ]] || exit 0
echo "== test VM (QEMU, software emulation)"
script="$(mktemp)"
trap 'rm -f "$script"' EXIT
printf '#!/bin/bash\nexec %q "$@"\n' "$BIN" >"$script"
chmod +x "$script"
tests/vm/run-guest --timeout 300 "$script" "$BIN" -- "$PEERS"
