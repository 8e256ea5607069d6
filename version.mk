# SPDX-License-Identifier: GPL-2.0-only
# version.mk: the project's name and version, and the wireguard-tools release whose behaviour it
# matches. The one place they are written: `wg --version' and the man pages (filled in by
# `make install') take them from here.
PROJECT := wgc
VERSION := 0.1.0
COMPAT_VERSION := 1.0.20260223
