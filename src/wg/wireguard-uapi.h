/* SPDX-License-Identifier: GPL-2.0-only */
/* wireguard-uapi.h: the kernel's generic-netlink contract, plus what older system headers lack. */
#ifndef WIREGUARD_UAPI_H
#define WIREGUARD_UAPI_H

#include <linux/wireguard.h>

/*
 * Allowed-IP flags (Linux 6.16 and later): the nested attribute id and the "remove this
 * entry" bit. Headers that have them declare enumerators, which the preprocessor cannot see;
 * a macro of the same value is harmless there and fills the gap everywhere else.
 */
#ifndef WGALLOWEDIP_A_FLAGS
#define WGALLOWEDIP_A_FLAGS 4
#endif
#ifndef WGALLOWEDIP_F_REMOVE_ME
#define WGALLOWEDIP_F_REMOVE_ME 1U
#endif

#endif
