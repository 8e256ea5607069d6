/* SPDX-License-Identifier: GPL-2.0-only */
/* sync.h: the difference between a running device and a configuration: what syncconf sends. */
#ifndef SYNC_H
#define SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* Interface settings that differ (sync_diff.changed). */
enum {
	SYNC_PRIVATE_KEY = 1U << 0,
	SYNC_LISTEN_PORT = 1U << 1,
	SYNC_FWMARK = 1U << 2,
};

/* Peer settings that differ (sync_peer.changed); for an added peer, those the file sets. */
enum {
	SYNC_PRESHARED_KEY = 1U << 0,
	SYNC_ENDPOINT = 1U << 1,
	SYNC_PERSISTENT_KEEPALIVE = 1U << 2,
	SYNC_ALLOWEDIPS = 1U << 3,
};

enum sync_change { SYNC_PEER_REMOVED, SYNC_PEER_ADDED, SYNC_PEER_CHANGED };

struct sync_interface {
	uint8_t private_key[WG_KEY_LEN]; /* all zero: none */
	uint16_t listen_port;
	uint32_t fwmark;
};

/* A peer's settings on one side of the difference. */
struct sync_settings {
	uint8_t preshared_key[WG_KEY_LEN]; /* all zero: none */
	union wg_endpoint endpoint; /* AF_UNSPEC: none (in a file: keep the running one) */
	uint16_t persistent_keepalive; /* 0: off */
};

struct sync_peer {
	struct sync_peer *next;
	enum sync_change change;
	uint32_t changed; /* SYNC_PRESHARED_KEY ... */
	uint8_t public_key[WG_KEY_LEN];
	struct sync_settings old, new; /* old zero for an added peer, new zero for a removed one */
	struct wg_allowedip *added, *removed; /* prefixes the peer gains and loses, in order */
};

/*
 * Everything here, the request included, belongs to the difference and goes (wiped) with it.
 * Peers identical on both sides are not in it at all. The peers come in the order the request
 * sends them: removals first, in the running device's order, then the file's order.
 */
struct sync_diff {
	uint32_t changed; /* SYNC_PRIVATE_KEY ... */
	struct sync_interface old, new;
	struct sync_peer *first_peer, *last_peer;
	size_t peer_count;
	/*
	 * What syncconf sends (nothing when its flags and peers are empty). When every running
	 * peer goes, it says DEVICE_REPLACE_PEERS rather than removing each.
	 */
	struct wg_device *request;
};

#define for_each_sync_peer(diff, p) \
	for (const struct sync_peer *p = (diff)->first_peer; p; p = p->next)

/*
 * The change that turns the running device `have' into the configuration `want' (read with
 * DEVICE_REPLACE_PEERS semantics: what it leaves out goes). A peer named in several sections
 * counts as setconf would apply them in order. NULL with errno set on failure.
 */
struct sync_diff *sync_diff_new(const struct wg_device *want, const struct wg_device *have);
void sync_diff_free(struct sync_diff *diff); /* NULL is fine */

#endif
