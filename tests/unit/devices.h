/* SPDX-License-Identifier: GPL-2.0-only */
/* devices.h: building small devices for the unit tests: numbered keys, peers, prefixes. */
#ifndef DEVICES_H
#define DEVICES_H

#include <arpa/inet.h>
#include <string.h>

#include "model.h"

/* Key n: 0x40 and n's bytes, the rest zero. */
static inline void make_key(uint8_t key[WG_KEY_LEN], unsigned n)
{
	memset(key, 0, WG_KEY_LEN);
	key[0] = 0x40;
	memcpy(key + 1, &n, sizeof(n));
}

static inline struct wg_peer *add_peer(struct wg_device *dev, unsigned n)
{
	struct wg_peer *peer = device_add_peer(dev);

	make_key(peer->public_key, n);
	peer->flags = PEER_HAS_PUBLIC_KEY;
	return peer;
}

static inline struct wg_allowedip *add_ip(struct wg_device *dev, struct wg_peer *peer,
					  const char *text, unsigned cidr)
{
	struct wg_allowedip *aip = peer_add_allowedip(dev, peer);

	if (strchr(text, ':')) {
		aip->family = AF_INET6;
		inet_pton(AF_INET6, text, &aip->ip6);
	} else {
		aip->family = AF_INET;
		inet_pton(AF_INET, text, &aip->ip4);
	}
	aip->cidr = (uint8_t)cidr;
	return aip;
}

static inline size_t count_ips(const struct wg_peer *peer)
{
	size_t n = 0;

	for_each_allowedip(peer, a)
		++n;
	return n;
}

#endif
