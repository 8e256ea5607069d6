# SPDX-License-Identifier: GPL-2.0-only
# tests/lib/netns.sh: namespaces, veth links and WireGuard interfaces (wireguard-go or kernel)
# for tests needing two hosts.
# shellcheck shell=bash
#
# Source tests/lib/test.sh first, then call netns_private_rundir "$@" at the top level of the
# test file. It re-executes the file in a mount namespace of its own with a private tmpfs on
# the UAPI socket directory, so the sockets the test creates are invisible to the host and to
# other tests, and interface names only need to be unique within the test; its network
# namespaces are likewise named in a private /var/run/netns. Everything created
# through these helpers (namespaces, daemons, the temporary directory) is removed on exit, also
# when the test fails or is interrupted.
#
#   netns_private_rundir "$@"          enter the private mount namespace (skips unless root)
#   netns_new VAR                      create a namespace, store its name in VAR
#   netns_link NS1 NS2 A4 B4 A6 B6     veth pair veth-a (NS1) / veth-b (NS2) with /24 and /64
#   netns_use_dataplane                let netns_wg_start use WG_DATAPLANE (see below); skips
#                                      unless that data plane is available
#   netns_wg_start NS IFNAME           a WireGuard interface IFNAME inside NS: wireguard-go (wait
#                                      for its socket) or a kernel interface, brought up at once
#   netns_wait_socket IFNAME           wait until RUNDIR/IFNAME.sock is a socket
#   netns_genkey / netns_genpsk        print a new key
#   netns_pubkey                       private key on stdin, public key on stdout
#   NETNS_TMP                          a temporary directory, removed at exit
#   NETNS_RUNDIR                       the socket directory (RUNSTATEDIR/wireguard)
#
# Data planes: netns_wg_start starts wireguard-go unless the test file called
# netns_use_dataplane, which reads WG_DATAPLANE: `kernel' (`ip link add ... type wireguard') or
# `wireguard-go'; unset, the kernel when a fresh network namespace can create such a link, else
# wireguard-go. It exports the choice, so the file re-executed in its mount namespace and the
# helpers (tests/lib/diff.sh: the kernel keeps peers in order) see the same. A kernel interface
# is brought up at once: like wireguard-go, it then holds its UDP port from the start.
#
# Keys come from NETNS_KEY_WG (a wg binary) when set; otherwise from $WG when its genkey and
# pubkey work (and agree with the original's pubkey), else from the original at $ORIG_WG.

NETNS_RUNDIR="${NETNS_RUNDIR:-/var/run/wireguard}"
NETNS_NSDIR=/var/run/netns # where `ip netns' keeps its namespace files
NETNS_PREFIX="${NETNS_PREFIX:-wgt}"
NETNS_LIST=()
NETNS_PIDS=()
NETNS_COUNT=0
NETNS_TMP=""
NETNS_KEY_WG="${NETNS_KEY_WG:-}"
NETNS_DATAPLANE=wireguard-go

# Succeeds when a new network namespace can hold a kernel WireGuard interface. Only root can
# tell; anyone else gets wireguard-go and skips for want of root later.
netns_kernel_has_wireguard() {
	[[ $(id -u) -eq 0 ]] && command -v unshare >/dev/null 2>&1 &&
		unshare --net ip link add wgprobe0 type wireguard 2>/dev/null
}

netns_use_dataplane() {
	local wanted="${WG_DATAPLANE:-}" why
	case "$wanted" in
	"" | kernel)
		if netns_kernel_has_wireguard; then
			WG_DATAPLANE=kernel
		elif [[ -n $wanted ]]; then
			why="no network namespace here can hold a kernel WireGuard interface"
			skip "$TEST_FILE" "WG_DATAPLANE=kernel, but $why (no module, or not root)"
			exit 0
		else
			WG_DATAPLANE=wireguard-go
		fi
		;;
	wireguard-go) ;;
	*)
		fail "$TEST_FILE" "WG_DATAPLANE must be kernel or wireguard-go, not '$wanted'"
		exit 1
		;;
	esac
	export WG_DATAPLANE
	[[ $WG_DATAPLANE == kernel ]] || require_cmd wireguard-go
	NETNS_DATAPLANE="$WG_DATAPLANE"
}

netns_private_rundir() {
	require_root
	require_cmd unshare mount ip
	if [[ ${NETNS_IN_PRIVATE_MOUNTS:-} != "$$" ]]; then
		if ! unshare --mount true 2>/dev/null; then
			skip "$TEST_FILE" "unshare --mount is not permitted here"
			exit 0
		fi
		# exec keeps the PID, so the marker proves this very process made the namespace.
		NETNS_IN_PRIVATE_MOUNTS=$$ exec unshare --mount --propagation private -- \
			"$BASH" "$0" "$@"
	fi
	# The namespace files get a private directory too, so the host's `ip netns list' never
	# shows entries whose bind mounts it cannot see.
	mkdir -p "$NETNS_RUNDIR" "$NETNS_NSDIR" || exit 1
	if ! mount -t tmpfs -o mode=0755 wg-test-rundir "$NETNS_RUNDIR" ||
		! mount -t tmpfs -o mode=0755 wg-test-netns "$NETNS_NSDIR"; then
		fail "$TEST_FILE" "could not mount private tmpfs on $NETNS_RUNDIR and $NETNS_NSDIR"
		exit 1
	fi
	NETNS_TMP="$(mktemp -d)" || exit 1
	netns_pick_key_wg
	trap netns_cleanup EXIT
	trap 'exit 130' INT TERM
}

netns_any_alive() {
	local pid
	for pid; do
		kill -0 "$pid" 2>/dev/null && return 0
	done
	return 1
}

# Kills what the test started by PID (politely, then not), deletes its namespaces.
netns_cleanup() {
	local rc=$? ns pid tries
	trap - EXIT
	for ns in "${NETNS_LIST[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			NETNS_PIDS+=("$pid")
		done
	done
	if [[ ${#NETNS_PIDS[@]} -gt 0 ]]; then
		kill "${NETNS_PIDS[@]}" 2>/dev/null
		for ((tries = 0; tries < 50; ++tries)); do
			netns_any_alive "${NETNS_PIDS[@]}" || break
			sleep 0.1
		done
		kill -KILL "${NETNS_PIDS[@]}" 2>/dev/null
	fi
	for ns in "${NETNS_LIST[@]}"; do
		ip netns delete "$ns" 2>/dev/null
	done
	[[ -n $NETNS_TMP ]] && rm -rf "$NETNS_TMP"
	exit "$rc"
}

netns_new() {
	local name="${NETNS_PREFIX}$$-$((++NETNS_COUNT))"
	ip netns add "$name" || return 1
	NETNS_LIST+=("$name")
	ip -n "$name" link set lo up || return 1
	printf -v "$1" '%s' "$name"
}

netns_link() {
	local ns1="$1" ns2="$2" a4="$3" b4="$4" a6="$5" b6="$6"
	ip -n "$ns1" link add veth-a type veth peer name veth-b netns "$ns2" || return 1
	ip -n "$ns1" address add "$a4/24" dev veth-a || return 1
	ip -n "$ns2" address add "$b4/24" dev veth-b || return 1
	ip -n "$ns1" address add "$a6/64" dev veth-a nodad || return 1
	ip -n "$ns2" address add "$b6/64" dev veth-b nodad || return 1
	ip -n "$ns1" link set veth-a up || return 1
	ip -n "$ns2" link set veth-b up
}

netns_wait_socket() {
	local tries
	for ((tries = 0; tries < 100; ++tries)); do
		[[ -S $NETNS_RUNDIR/$1.sock ]] && return 0
		sleep 0.1
	done
	return 1
}

# wireguard-go daemonises; the PIDs new in the namespace afterwards are the daemon's.
netns_wg_start() {
	local ns="$1" ifname="$2" before pid
	if [[ $NETNS_DATAPLANE == kernel ]]; then
		ip -n "$ns" link add "$ifname" type wireguard && ip -n "$ns" link set "$ifname" up
		return
	fi
	before=" $(ip netns pids "$ns" | tr '\n' ' ') "
	if ! ip netns exec "$ns" wireguard-go "$ifname" >>"$NETNS_TMP/wireguard-go.log" 2>&1; then
		printf '# wireguard-go %s failed:\n' "$ifname"
		sed 's/^/#   /' "$NETNS_TMP/wireguard-go.log"
		return 1
	fi
	for pid in $(ip netns pids "$ns"); do
		[[ $before == *" $pid "* ]] || NETNS_PIDS+=("$pid")
	done
	netns_wait_socket "$ifname"
}

# Chooses the wg that makes keys once, outside any subshell, so the choice sticks.
netns_pick_key_wg() {
	local key pub
	[[ -n $NETNS_KEY_WG ]] && return 0
	NETNS_KEY_WG="$ORIG_WG"
	key="$("$WG" genkey 2>/dev/null)"
	pub="$(printf '%s\n' "$key" | "$WG" pubkey 2>/dev/null)"
	[[ $key =~ ^[A-Za-z0-9+/]{43}=$ && $pub =~ ^[A-Za-z0-9+/]{43}=$ ]] || return 0
	if [[ -x $ORIG_WG && $pub != "$(printf '%s\n' "$key" | "$ORIG_WG" pubkey)" ]]; then
		return 0
	fi
	NETNS_KEY_WG="$WG"
}

netns_genkey() { "$NETNS_KEY_WG" genkey; }
netns_genpsk() { "$NETNS_KEY_WG" genpsk; }
netns_pubkey() { "$NETNS_KEY_WG" pubkey; }
