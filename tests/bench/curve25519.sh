#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# curve25519.sh: builds tests/bench/curve25519.c against libsodium and prints cycles per X25519.
#
#   tests/bench/curve25519.sh [ITERATIONS]    (default 500 multiplications per round)
#
# Figures only, never a verdict: a benchmark on a shared machine must not fail a build.
set -u
cd "$(dirname "$0")/../.." || exit 1
CC="${CC:-cc}"
BIN=build/bench/curve25519

if ! printf '#include <sodium.h>\n' | "$CC" -E -x c - >/dev/null 2>&1; then
	echo "curve25519: libsodium headers not found (install libsodium-dev); no figures"
	exit 0
fi
if ! make -s build/release/libwg.a >/dev/null; then
	echo "curve25519: building build/release/libwg.a failed; no figures"
	exit 0
fi
mkdir -p "$(dirname "$BIN")"
# The same optimisation level as the Makefile's default, so the figures are what `wg' gets.
if ! "$CC" -O2 -std=c11 -D_GNU_SOURCE -Isrc/wg -o "$BIN" tests/bench/curve25519.c \
	build/release/libwg.a -lsodium; then
	echo "curve25519: building the benchmark failed; no figures"
	exit 0
fi
echo "== curve25519: cycles per scalar multiplication (rdtsc reference cycles)"
"$BIN" "$@"
exit 0
