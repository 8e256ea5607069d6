# SPDX-License-Identifier: GPL-2.0-only
# tests/lib/uapi.sh: builds the throwaway UAPI test driver (tests/netns/uapi-driver.c) into
# shellcheck shell=bash
# $NETNS_TMP and sets $DRIVER; UAPI_DRIVER=path uses a driver built elsewhere instead.
# Source it after tests/lib/netns.sh, call uapi_driver_build after netns_private_rundir.

uapi_driver_build() {
	local lib="$REPO_DIR/build/release/libwg.a" libs
	if [[ -n ${UAPI_DRIVER:-} ]]; then
		DRIVER="$UAPI_DRIVER"
		return 0
	fi
	if [[ ! -f $lib ]]; then
		skip "$TEST_FILE" "needs $lib (run make first)"
		exit 0
	fi
	DRIVER="$NETNS_TMP/uapi-driver"
	libs="$(pkg-config --libs libmnl 2>/dev/null || echo -lmnl)"
	# shellcheck disable=SC2086 # libs is a list of linker flags
	if ! "${CC:-cc}" -std=c11 -D_GNU_SOURCE -I"$REPO_DIR/src/wg" -o "$DRIVER" \
		"$TESTS_DIR/netns/uapi-driver.c" "$lib" $libs >"$NETNS_TMP/cc.log" 2>&1; then
		fail "$TEST_FILE" "could not build the UAPI test driver"
		sed 's/^/#   /' "$NETNS_TMP/cc.log"
		exit 1
	fi
}

# key_hex BASE64: the hex form of a key, as the UAPI protocol writes it.
key_hex() {
	printf '%s' "$1" | base64 -d | xxd -p -c 64
}

# key_base64 HEX: the base64 form of a hex key.
key_base64() {
	printf '%s' "$1" | xxd -r -p | base64
}
