# SPDX-License-Identifier: GPL-2.0-only
# tests/vm/host-lib.sh: shared by the host-side VM scripts: cache location, locking, and copying
# host files (with their symlink chains and shared libraries) into an initramfs staging tree.
# Sourced, never executed (tests/run only runs executable *.sh files).
# shellcheck shell=bash

# shellcheck disable=SC2034 # for the scripts that source this file
VM_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VM_CACHE="${WGC_VM_CACHE:-/var/cache/wgc-vm}"

vm_die() {
	printf '%s: %s\n' "$(basename "$0")" "$*" >&2
	exit 1
}

vm_note() {
	printf '%s: %s\n' "$(basename "$0")" "$*" >&2
}

# Serializes cache updates between concurrent runs; the lock is released when the script exits.
vm_lock_cache() {
	mkdir -p "$VM_CACHE" ||
		vm_die "cannot create the cache directory $VM_CACHE (set WGC_VM_CACHE)"
	exec {VM_LOCK_FD}>"$VM_CACHE/.lock" || vm_die "cannot open $VM_CACHE/.lock"
	flock "$VM_LOCK_FD"
}

# The host path with every directory symlink resolved (so /lib/x.so and /usr/lib/x.so, or
# /bin/ip and /usr/bin/ip, name one file in a merged-/usr staging tree). The last component
# stays as it is, so a symlink is still copied as a symlink.
vm_canon_path() {
	local dir
	dir="$(readlink -f "$(dirname "$1")")" || return 1
	printf '%s/%s\n' "${dir%/}" "$(basename "$1")"
}

# stage_add STAGE PATH: copies a host file into STAGE at the same path. A symlink is copied as
# a symlink and its target is added too; ELF files are remembered in STAGE_ELVES for ldd.
stage_add() {
	local stage="$1" path target
	path="$(vm_canon_path "$2")" || return 1
	[[ -e $stage$path || -L $stage$path ]] && return 0
	[[ -n ${STAGE_SKIP[$path]:-} ]] && return 0
	mkdir -p "$stage$(dirname "$path")"
	if [[ -L $path ]]; then
		target="$(readlink "$path")"
		ln -s "$target" "$stage$path"
		[[ $target == /* ]] || target="$(dirname "$path")/$target"
		stage_add "$stage" "$target"
		return
	fi
	[[ -f $path ]] || return 0
	cp -p "$path" "$stage$path"
	if vm_is_elf "$path"; then
		STAGE_ELVES+=("$path")
	fi
}

vm_is_elf() {
	[[ $(head -c 4 "$1" | od -An -c | tr -d ' ') == 177ELF ]]
}

# stage_add_libs STAGE: adds every shared library that the ELF files added so far need,
# repeating for the libraries' own needs. Paths listed in STAGE_SKIP (already present in the
# base image) are left out.
stage_add_libs() {
	local stage="$1" elf lib i=0
	while ((i < ${#STAGE_ELVES[@]})); do
		elf="${STAGE_ELVES[i]}"
		((++i))
		while read -r lib; do
			stage_add "$stage" "$lib" || return 1
		done < <(ldd "$elf" 2>/dev/null |
			awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
	done
}

declare -a STAGE_ELVES=()
declare -A STAGE_SKIP=()

# Writes the staging tree as an uncompressed newc cpio archive (the kernel unpacks an
# uncompressed archive fastest under emulation).
stage_pack() {
	local stage="$1" out="$2"
	(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --reproducible --quiet) >"$out"
}

# The directory of the cached kernel that fetch-kernel unpacked last.
vm_kernel_dir() {
	local dir
	dir="$(readlink -f "$VM_CACHE/kernel/current" 2>/dev/null)" || return 1
	[[ -d $dir ]] && printf '%s\n' "$dir"
}
