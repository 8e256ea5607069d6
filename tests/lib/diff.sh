# SPDX-License-Identifier: GPL-2.0-only
# tests/lib/diff.sh: differential tests, our wg against the original on the same live state.
# shellcheck shell=bash
#
# Source tests/lib/test.sh first. Both programs run as `wg' (through PATH, so usage lines that
# name argv[0] agree), in the namespace DIFF_NS when it is set, with the variables of the array
# DIFF_ENV added to their environment and the file DIFF_STDIN (default /dev/null) as stdin;
# on a pseudo-terminal (made by script(1), carriage returns dropped) when DIFF_TTY is set.
# DIFF_OURS_FILTER, when set, is a sed script run over our stdout and stderr before comparing:
# for a deliberate difference, which the test then asserts on its own.
#
#   diff_setup                  the two PATH directories, in NETNS_TMP or a new temporary one
#   diff_check NAME ARGS...     runs `wg ARGS' with both; passes when the exit statuses, the
#                               stderr and the normalized stdout are byte for byte the same
#   diff_normalize VIEW ALL F   sets DIFF_NORM to a file holding file F normalized for VIEW
#                               (see diff_view_of): F itself when nothing needs changing;
#                               ALL=1 when every line starts with the interface name (`show all')
#   diff_sort_conf              stdin to stdout: peer blocks of a configuration sorted, as
#                               wireguard-go lists peers in random order (unchanged on the kernel)
#
# Normalized is only what may change between two reads of the same state: handshake ages and
# times, transfer counters (in the pretty view only their digits: the units stay), and the
# order of peers on wireguard-go, which randomizes it. The kernel lists peers in the order they
# were added, so on it (NETNS_DATAPLANE=kernel, see tests/lib/netns.sh) the order is compared
# too. Peers with a handshake keep their place in the pretty view, which sorts them by
# handshake time.
#
# Starting a process takes a good part of a second in the emulated test VM, which runs these
# files too: the helpers start no more processes than they need.

DIFF_NS="${DIFF_NS:-}"
DIFF_ENV=()
DIFF_STDIN=/dev/null
DIFF_TTY=""
DIFF_OURS_FILTER=""
DIFF_DIR=""
DIFF_NORM=""

diff_setup() {
	DIFF_DIR="${NETNS_TMP:-$(mktemp -d)}/diff"
	mkdir -p "$DIFF_DIR/ours" "$DIFF_DIR/orig" || return 1
	ln -sf "$WG" "$DIFF_DIR/ours/wg" && ln -sf "$ORIG_WG" "$DIFF_DIR/orig/wg"
}

# diff_exec SIDE ARGS...: `wg ARGS' of one side (ours or orig), in DIFF_NS if set. The
# variables are exported by a subshell: env(1) would be one more process.
diff_exec() {
	local side="$1"
	shift
	local cmd=(wg "$@")
	[[ -z $DIFF_NS ]] || cmd=(ip netns exec "$DIFF_NS" "${cmd[@]}")
	(
		[[ ${#DIFF_ENV[@]} -eq 0 ]] || export "${DIFF_ENV[@]}"
		export PATH="$DIFF_DIR/$side:$PATH"
		if [[ -n $DIFF_TTY ]]; then
			script -qec "$(printf '%q ' "${cmd[@]}")" /dev/null | tr -d '\r'
			exit "${PIPESTATUS[0]}"
		fi
		exec "${cmd[@]}"
	)
}

# diff_view_of ARGS...: how the output of `wg ARGS' is normalized: pretty, conf, dump, a field
# name, or plain (left as it is).
diff_view_of() {
	case "${1:-show}" in
	show) ;;
	showconf) echo conf; return ;;
	*) echo plain; return ;;
	esac
	case "$#" in
	0 | 1) echo pretty ;;
	2) [[ $2 == interfaces ]] && echo plain || echo pretty ;;
	*) echo "$3" ;;
	esac
}

# Replaces non-zero numbers in the given columns of the lines with exactly NF fields.
diff_mask_columns() {
	local nf="$1" cols="$2"
	awk -F '\t' -v OFS='\t' -v nf="$nf" -v cols="$cols" '
		BEGIN { n = split(cols, c, ",") }
		NF == nf { for (i = 1; i <= n; ++i) if ($c[i] != "0") $c[i] = "N" }
		{ print }'
}

# Succeeds when peers come in no fixed order, so that sorting them is fair.
diff_order_is_random() {
	[[ ${NETNS_DATAPLANE:-} != kernel ]]
}

# Peer lines sorted within their interface, the interface's own line (dump) first.
diff_sort_lines() {
	local all="$1" head_nf=$((4 + $1))
	awk -F '\t' -v all="$all" -v head_nf="$head_nf" '
		{
			group = all ? $1 : ""
			if (!(group in index_of))
				index_of[group] = ++groups
			printf "%d\t%d\t%s\n", index_of[group], NF == head_nf ? 0 : 1, $0
		}' | LC_ALL=C sort -t $'\t' -k1,1n -k2,2n -k3 | cut -f3-
}

# Blocks are runs of non-blank lines. Within the blocks that follow one interface block, peer
# blocks without a handshake are sorted among themselves; blank lines stay where they are.
diff_sort_blocks() {
	local -a tokens=() movable=() texts=() sorted=()
	local line block="" i j head_re=$'^(\e\\[[0-9;]*m)*interface: '
	while IFS= read -r line || [[ -n $line ]]; do
		if [[ -n $line ]]; then
			block+="$line"$'\n'
			continue
		fi
		[[ -n $block ]] && tokens+=("$block")
		block=""
		tokens+=("")
	done
	[[ -n $block ]] && tokens+=("$block")
	tokens+=("[Interface]") # a sentinel head that ends the last run
	for ((i = 0; i < ${#tokens[@]}; ++i)); do
		block="${tokens[i]}"
		[[ -n $block ]] || continue
		line="${block%%$'\n'*}"
		if [[ $line =~ $head_re || $line == "[Interface]" ]]; then
			if [[ ${#movable[@]} -gt 0 ]]; then
				mapfile -d '' sorted < <(printf '%s\0' "${texts[@]}" | LC_ALL=C sort -z)
				for ((j = 0; j < ${#movable[@]}; ++j)); do
					tokens[movable[j]]="${sorted[j]}"
				done
			fi
			movable=() texts=()
		elif [[ $block != *"latest handshake"* ]]; then
			movable+=("$i")
			texts+=("$block")
		fi
	done
	unset 'tokens[${#tokens[@]}-1]'
	for block in "${tokens[@]}"; do
		printf '%s\n' "${block%$'\n'}"
	done
}

diff_sort_conf() {
	if diff_order_is_random; then
		diff_sort_blocks
	else
		cat
	fi
}

# Succeeds when the last byte of a non-empty FILE is not a newline.
diff_lacks_final_newline() {
	local chunk=""
	[[ -s $1 ]] || return 1
	# Read whole, NUL-delimited chunks and all: the last one ends the file.
	while IFS= read -r -d '' chunk; do :; done <"$1"
	[[ $chunk != *$'\n' ]]
}

diff_normalize() {
	local view="$1" all="$2" file="$3" sort=diff_sort_lines
	local -a mask=()
	case "$view" in
	pretty)
		mask=(sed -E -e 's/(latest handshake[^:]*:).*/\1 AGE/'
			-e '/transfer/s/([:,] )[0-9]+\.[0-9]{2} /\1N.NN /g'
			-e '/transfer/s/([:,] )[0-9]+ /\1N /g')
		sort=diff_sort_blocks
		;;
	conf) sort=diff_sort_blocks ;;
	dump) mask=(diff_mask_columns $((8 + all)) "$((5 + all)),$((6 + all)),$((7 + all))") ;;
	latest-handshakes) mask=(diff_mask_columns $((2 + all)) $((2 + all))) ;;
	transfer) mask=(diff_mask_columns $((3 + all)) "$((2 + all)),$((3 + all))") ;;
	plain) sort="" ;;
	esac
	diff_order_is_random || sort=""
	DIFF_NORM="$file"
	if [[ ${#mask[@]} -gt 0 ]]; then
		"${mask[@]}" <"$DIFF_NORM" >"$file.masked"
		DIFF_NORM="$file.masked"
	fi
	if [[ -n $sort ]]; then
		# (diff_sort_blocks takes no argument)
		"$sort" "$all" <"$DIFF_NORM" >"$file.sorted"
		DIFF_NORM="$file.sorted"
	fi
	# Normalizing may add a final newline that was missing: say it was.
	if [[ $DIFF_NORM != "$file" ]] && diff_lacks_final_newline "$file"; then
		echo '\ No newline at end of output' >>"$DIFF_NORM"
	fi
}

diff_check() {
	local name="$1" view all=0 side
	local -A rc=() norm=()
	shift
	view="$(diff_view_of "$@")"
	[[ ${2:-all} == all && $view != plain ]] && all=1
	for side in ours orig; do
		diff_exec "$side" "$@" <"$DIFF_STDIN" >"$DIFF_DIR/$side.out" 2>"$DIFF_DIR/$side.err"
		rc[$side]=$?
		if [[ $side == ours && -n $DIFF_OURS_FILTER ]]; then
			sed -i -e "$DIFF_OURS_FILTER" "$DIFF_DIR/$side.out" "$DIFF_DIR/$side.err"
		fi
		diff_normalize "$view" "$all" "$DIFF_DIR/$side.out"
		norm[$side]="$DIFF_NORM"
	done
	if [[ ${rc[ours]} == "${rc[orig]}" ]] && cmp -s "${norm[ours]}" "${norm[orig]}" &&
		cmp -s "$DIFF_DIR/ours.err" "$DIFF_DIR/orig.err"; then
		pass "$name"
		return 0
	fi
	fail "$name" "differs from the original (exit status ${rc[ours]}, original ${rc[orig]})"
	diff -u --label original --label ours "${norm[orig]}" "${norm[ours]}" |
		cat -v | sed 's/^/#   stdout /' | head -40
	diff -u --label original --label ours "$DIFF_DIR/orig.err" "$DIFF_DIR/ours.err" |
		cat -v | sed 's/^/#   stderr /' | head -20
	return 1
}
