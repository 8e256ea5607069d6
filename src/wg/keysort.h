/* SPDX-License-Identifier: GPL-2.0-only */
/* keysort.h: a device's peers in public-key order, for matching two devices' peers. */
#ifndef KEYSORT_H
#define KEYSORT_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct key_entry {
	uint64_t prefix; /* key bytes 0-7, big-endian: ordered as the key is */
	const struct wg_peer *peer;
	size_t index; /* the peer's place in its device's list */
};

/* The order of two entries' keys: negative, zero or positive. */
int key_entry_order(const struct key_entry *a, const struct key_entry *b);

/*
 * One entry for each of dev's peers, sorted by key; peers with the same key keep their list
 * order. The array is the caller's (free); NULL with errno ENOMEM.
 */
struct key_entry *keysort_peers(const struct wg_device *dev);

/* Sorts list[0..n) as keysort_peers does, with tmp room for n entries (for tests). */
void keysort_entries(struct key_entry *list, struct key_entry *tmp, size_t n);

#endif
