/* SPDX-License-Identifier: GPL-2.0-only */
/* sync.c: the difference between a running device and a configuration, and its request. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "curve25519.h"
#include "keysort.h"
#include "secret.h"
#include "sync.h"

/* ---- one entry per peer: a file may name a peer in several sections ---- */

static bool has_duplicate_peers(const struct key_entry *sorted, size_t n)
{
	for (size_t i = 1; i < n; ++i) {
		if (!key_entry_order(&sorted[i - 1], &sorted[i]))
			return true;
	}
	return false;
}

/* Applies a later section for dst's peer to dst, as setconf would apply it. */
static int fold_section(struct wg_device *dev, struct wg_peer *dst, const struct wg_peer *src)
{
	if (src->flags & PEER_HAS_PRESHARED_KEY)
		memcpy(dst->preshared_key, src->preshared_key, WG_KEY_LEN);
	if (src->flags & PEER_HAS_PERSISTENT_KEEPALIVE)
		dst->persistent_keepalive = src->persistent_keepalive;
	if (src->endpoint.addr.sa_family)
		dst->endpoint = src->endpoint;
	dst->flags |= src->flags & (PEER_HAS_PRESHARED_KEY | PEER_HAS_PERSISTENT_KEEPALIVE);
	if (src->flags & PEER_REPLACE_ALLOWEDIPS) {
		peer_set_allowedips(dev, dst, NULL);
		dst->flags |= PEER_REPLACE_ALLOWEDIPS;
	}
	return peer_copy_allowedips(dev, dst, src->first_allowedip);
}

/* A copy of want with one peer for each key, in key order; NULL when memory runs out. */
static struct wg_device *fold_duplicate_peers(const struct wg_device *want,
					      const struct key_entry *sorted)
{
	struct wg_device *out = device_new_like(want);
	struct wg_peer *dst = NULL;

	if (!out)
		return NULL;
	/* the sort is stable: the sections of one peer come together, in file order */
	for (size_t i = 0; i < want->peer_count; ++i) {
		const struct wg_peer *src = sorted[i].peer;

		if (dst && !memcmp(dst->public_key, src->public_key, WG_KEY_LEN)) {
			if (fold_section(out, dst, src))
				goto fail;
			continue;
		}
		dst = device_copy_peer(out, src);
		if (!dst || peer_copy_allowedips(out, dst, src->first_allowedip))
			goto fail;
	}
	return out;
fail:
	device_free(out);
	return NULL;
}

/* ---- matching the two devices' peers ---- */

/* What the comparison works from; everything here is freed once the difference is built. */
struct sync_work {
	const struct wg_device *want; /* the file, or its folded copy */
	struct wg_device *folded;
	struct key_entry *want_sorted, *have_sorted;
	const struct wg_peer **match; /* by want's index: the running peer with that key */
	bool *kept;		      /* by have's index: the peer is in want */
	size_t removals;
};

/*
 * Walks the two sorted arrays side by side, filling match and kept (both start zeroed);
 * returns the number of peers matched.
 */
static size_t match_peers(struct sync_work *w, size_t want_count, size_t have_count)
{
	const struct key_entry *want = w->want_sorted, *have = w->have_sorted;
	size_t i = 0, j = 0, matched = 0;

	while (i < want_count && j < have_count) {
		int order = key_entry_order(&want[i], &have[j]);

		if (order < 0) {
			++i;
		} else if (order > 0) {
			++j;
		} else {
			w->match[want[i++].index] = have[j].peer;
			w->kept[have[j++].index] = true;
			++matched;
		}
	}
	return matched;
}

static int match_devices(struct sync_work *w, const struct wg_device *want,
			 const struct wg_device *have)
{
	w->want = want;
	w->want_sorted = keysort_peers(want);
	if (!w->want_sorted)
		return -ENOMEM;
	if (has_duplicate_peers(w->want_sorted, want->peer_count)) {
		/* rare: compare against a copy that has one entry for each peer */
		w->folded = fold_duplicate_peers(want, w->want_sorted);
		free(w->want_sorted);
		w->want_sorted = w->folded ? keysort_peers(w->folded) : NULL;
		if (!w->want_sorted)
			return -ENOMEM;
		w->want = w->folded;
	}
	w->have_sorted = keysort_peers(have);
	w->match = calloc(w->want->peer_count + 1, sizeof(*w->match));
	w->kept = calloc(have->peer_count + 1, sizeof(*w->kept));
	if (!w->have_sorted || !w->match || !w->kept)
		return -ENOMEM;
	w->removals = have->peer_count - match_peers(w, w->want->peer_count, have->peer_count);
	return 0;
}

static void work_free(struct sync_work *w)
{
	free(w->want_sorted);
	free(w->have_sorted);
	free(w->match);
	free(w->kept);
	device_free(w->folded);
}

/* ---- the interface ---- */

/*
 * The kernel keeps (and reports) a private key clamped, so a file's unclamped key is still the
 * device's key. Sending it anyway is far from free: the kernel then takes it for a new key,
 * recomputes a shared secret for every peer and drops every session. An all-zero key means no
 * key at all and is compared as it is.
 */
static bool private_keys_equal(const uint8_t a[WG_KEY_LEN], const uint8_t b[WG_KEY_LEN])
{
	uint8_t x[WG_KEY_LEN], y[WG_KEY_LEN];
	bool equal;

	if (key_is_zero(a) || key_is_zero(b))
		return key_equal(a, b);
	memcpy(x, a, WG_KEY_LEN);
	memcpy(y, b, WG_KEY_LEN);
	curve25519_clamp_secret(x);
	curve25519_clamp_secret(y);
	equal = key_equal(x, y);
	memzero_explicit(x, sizeof(x));
	memzero_explicit(y, sizeof(y));
	return equal;
}

static void interface_settings(struct sync_interface *s, const struct wg_device *dev)
{
	memcpy(s->private_key, dev->private_key, WG_KEY_LEN);
	s->listen_port = dev->listen_port;
	s->fwmark = dev->fwmark;
}

/* A port of 0 in the file means any port: the running one will do. */
static void diff_interface(struct sync_diff *diff, const struct wg_device *want,
			   const struct wg_device *have)
{
	struct wg_device *req = diff->request;

	interface_settings(&diff->old, have);
	interface_settings(&diff->new, want);
	if ((want->flags & DEVICE_HAS_PRIVATE_KEY) &&
	    !private_keys_equal(want->private_key, have->private_key)) {
		diff->changed |= SYNC_PRIVATE_KEY;
		memcpy(req->private_key, want->private_key, WG_KEY_LEN);
		req->flags |= DEVICE_HAS_PRIVATE_KEY;
	}
	if ((want->flags & DEVICE_HAS_LISTEN_PORT) && want->listen_port != have->listen_port &&
	    want->listen_port) {
		diff->changed |= SYNC_LISTEN_PORT;
		req->listen_port = want->listen_port;
		req->flags |= DEVICE_HAS_LISTEN_PORT;
	}
	if ((want->flags & DEVICE_HAS_FWMARK) && want->fwmark != have->fwmark) {
		diff->changed |= SYNC_FWMARK;
		req->fwmark = want->fwmark;
		req->flags |= DEVICE_HAS_FWMARK;
	}
}

/* ---- the peers ---- */

/* What a section asks for: what it leaves out is off, but for the endpoint, which stays. */
static const uint8_t *wanted_psk(const struct wg_peer *peer)
{
	static const uint8_t none[WG_KEY_LEN];

	return peer->flags & PEER_HAS_PRESHARED_KEY ? peer->preshared_key : none;
}

static uint16_t wanted_keepalive(const struct wg_peer *peer)
{
	return peer->flags & PEER_HAS_PERSISTENT_KEEPALIVE ? peer->persistent_keepalive : 0;
}

static void peer_settings(struct sync_settings *s, const uint8_t psk[WG_KEY_LEN],
			  const union wg_endpoint *endpoint, uint16_t keepalive)
{
	memcpy(s->preshared_key, psk, WG_KEY_LEN);
	s->endpoint = *endpoint;
	s->persistent_keepalive = keepalive;
}

/* The settings (not the allowed IPs) that differ; have is NULL for a new peer. */
static uint32_t settings_changed(const struct wg_peer *want, const struct wg_peer *have)
{
	static const struct wg_peer none;
	uint32_t changed = 0;

	if (!have)
		have = &none;
	if (!key_equal(wanted_psk(want), have->preshared_key))
		changed |= SYNC_PRESHARED_KEY;
	if (want->endpoint.addr.sa_family && !endpoint_equal(&want->endpoint, &have->endpoint))
		changed |= SYNC_ENDPOINT;
	if (wanted_keepalive(want) != have->persistent_keepalive)
		changed |= SYNC_PERSISTENT_KEEPALIVE;
	return changed;
}

static bool list_has(const struct wg_allowedip *first, const struct wg_allowedip *prefix)
{
	for (const struct wg_allowedip *a = first; a; a = a->next) {
		if (allowedip_equal(a, prefix))
			return true;
	}
	return false;
}

/* The last entry from `from' on that names the prefix, or NULL. */
static const struct wg_allowedip *last_mention(const struct wg_allowedip *from,
					       const struct wg_allowedip *prefix)
{
	const struct wg_allowedip *last = NULL;

	for (; from; from = from->next) {
		if (allowedip_equal(from, prefix))
			last = from;
	}
	return last;
}

/* Appends a copy of the prefix (without flags) at *tail, in dev's memory. */
static int append_prefix(struct wg_device *dev, struct wg_allowedip ***tail,
			 const struct wg_allowedip *prefix)
{
	struct wg_allowedip *copy = device_alloc_allowedip(dev);

	if (!copy)
		return -ENOMEM;
	*copy = *prefix;
	copy->next = NULL;
	copy->flags = 0;
	**tail = copy;
	*tail = &copy->next;
	return 0;
}

static size_t list_length(const struct wg_allowedip *first)
{
	size_t n = 0;

	for (const struct wg_allowedip *a = first; a; a = a->next)
		++n;
	return n;
}

/*
 * The prefixes the peer gains and loses. The file's entries apply in order to what the peer
 * has (to nothing in replace mode), so each prefix ends as the last entry naming it says.
 * Without an entry to fill, only whether there is any change at all: 1 or 0.
 */
static int allowedip_changes(struct wg_device *dev, struct sync_peer *entry,
			     const struct wg_peer *want, const struct wg_allowedip *running)
{
	struct wg_allowedip **added = entry ? &entry->added : NULL;
	struct wg_allowedip **removed = entry ? &entry->removed : NULL;
	bool replace = want->flags & PEER_REPLACE_ALLOWEDIPS, removals = false;
	size_t kept = 0; /* distinct prefixes of the file the peer has already */
	int ret = 0;

	for (const struct wg_allowedip *a = want->first_allowedip; a && !ret; a = a->next) {
		removals |= a->flags & ALLOWEDIP_REMOVE_ME;
		if ((a->flags & ALLOWEDIP_REMOVE_ME) || last_mention(a->next, a))
			continue;
		if (list_has(running, a))
			++kept;
		else if (!entry)
			return 1;
		else
			ret = append_prefix(dev, &added, a);
	}
	/* only additions, in replace mode: the peer loses what the file does not name */
	if (replace && !removals && (ret || list_length(running) == kept))
		return ret;
	for (const struct wg_allowedip *a = running; a && !ret; a = a->next) {
		const struct wg_allowedip *last = last_mention(want->first_allowedip, a);

		if (!(last ? last->flags & ALLOWEDIP_REMOVE_ME : replace))
			continue;
		if (!entry)
			return 1;
		ret = append_prefix(dev, &removed, a);
	}
	return ret;
}

/* A new entry at the end of the difference, in its memory. */
static struct sync_peer *add_entry(struct sync_diff *diff, enum sync_change change,
				   const uint8_t public_key[WG_KEY_LEN])
{
	struct sync_peer *entry = device_alloc(diff->request, sizeof(*entry));

	if (!entry)
		return NULL;
	entry->change = change;
	memcpy(entry->public_key, public_key, WG_KEY_LEN);
	if (diff->last_peer)
		diff->last_peer->next = entry;
	else
		diff->first_peer = entry;
	diff->last_peer = entry;
	++diff->peer_count;
	return entry;
}

/*
 * The request's peer for the entry: only what changed. A changed allowed-IP list goes as the
 * file has it, in replace mode or as `+'/`-' entries (a new peer's list always goes).
 */
static int request_peer(struct wg_device *req, const struct sync_peer *entry,
			const struct wg_peer *want)
{
	struct wg_peer *peer = device_add_peer(req);

	if (!peer)
		return -ENOMEM;
	memcpy(peer->public_key, entry->public_key, WG_KEY_LEN);
	peer->flags = PEER_HAS_PUBLIC_KEY;
	if (entry->change == SYNC_PEER_REMOVED) {
		peer->flags |= PEER_REMOVE_ME;
		return 0;
	}
	if (entry->changed & SYNC_PRESHARED_KEY) {
		memcpy(peer->preshared_key, entry->new.preshared_key, WG_KEY_LEN);
		peer->flags |= PEER_HAS_PRESHARED_KEY;
	}
	if (entry->changed & SYNC_PERSISTENT_KEEPALIVE) {
		peer->persistent_keepalive = entry->new.persistent_keepalive;
		peer->flags |= PEER_HAS_PERSISTENT_KEEPALIVE;
	}
	if (entry->changed & SYNC_ENDPOINT)
		peer->endpoint = entry->new.endpoint;
	if (entry->change == SYNC_PEER_CHANGED ?
		    !(entry->changed & SYNC_ALLOWEDIPS) :
		    !want->first_allowedip && (want->flags & PEER_REPLACE_ALLOWEDIPS))
		return 0;
	peer->flags |= want->flags & PEER_REPLACE_ALLOWEDIPS;
	return peer_copy_allowedips(req, peer, want->first_allowedip);
}

/* A running peer the file leaves out; with replace_all the request drops every peer at once. */
static int removed_peer(struct sync_diff *diff, const struct wg_peer *have, bool replace_all)
{
	struct sync_peer *entry = add_entry(diff, SYNC_PEER_REMOVED, have->public_key);
	struct wg_allowedip **removed;
	int ret = 0;

	if (!entry)
		return -ENOMEM;
	peer_settings(&entry->old, have->preshared_key, &have->endpoint, have->persistent_keepalive);
	removed = &entry->removed;
	for (const struct wg_allowedip *a = have->first_allowedip; a && !ret; a = a->next)
		ret = append_prefix(diff->request, &removed, a);
	if (!ret && !replace_all)
		ret = request_peer(diff->request, entry, NULL);
	return ret;
}

/* A peer of the file, with the running peer of its key (NULL: a new peer). */
static int wanted_peer(struct sync_diff *diff, const struct wg_peer *want,
		       const struct wg_peer *have)
{
	const struct wg_allowedip *running = have ? have->first_allowedip : NULL;
	uint32_t changed = settings_changed(want, have);
	struct sync_peer *entry;
	int ret;

	/* most peers of a file are as they run: find that out without building anything */
	if (have && !changed && !allowedip_changes(NULL, NULL, want, running))
		return 0;
	entry = add_entry(diff, have ? SYNC_PEER_CHANGED : SYNC_PEER_ADDED, want->public_key);
	if (!entry)
		return -ENOMEM;
	if (have)
		peer_settings(&entry->old, have->preshared_key, &have->endpoint,
			      have->persistent_keepalive);
	peer_settings(&entry->new, wanted_psk(want), &want->endpoint, wanted_keepalive(want));
	ret = allowedip_changes(diff->request, entry, want, running);
	entry->changed = changed | (entry->added || entry->removed ? SYNC_ALLOWEDIPS : 0);
	return ret ? ret : request_peer(diff->request, entry, want);
}

static int diff_peers(struct sync_diff *diff, const struct sync_work *w,
		      const struct wg_device *have)
{
	/* nothing is kept, and no peer matched: one flag says it all */
	bool replace_all = w->removals && w->removals == have->peer_count;
	size_t i = 0;
	int ret = 0;

	if (replace_all)
		diff->request->flags |= DEVICE_REPLACE_PEERS;
	for (const struct wg_peer *peer = have->first_peer; peer && !ret; peer = peer->next) {
		if (!w->kept[i++])
			ret = removed_peer(diff, peer, replace_all);
	}
	i = 0;
	for (const struct wg_peer *peer = w->want->first_peer; peer && !ret; peer = peer->next)
		ret = wanted_peer(diff, peer, w->match[i++]);
	return ret;
}

struct sync_diff *sync_diff_new(const struct wg_device *want, const struct wg_device *have)
{
	struct sync_diff *diff = calloc(1, sizeof(*diff));
	struct sync_work w = { 0 };
	int ret = -ENOMEM;

	if (!diff || !(diff->request = device_new()))
		goto out;
	memcpy(diff->request->name, want->name, sizeof(diff->request->name));
	ret = match_devices(&w, want, have);
	if (ret)
		goto out;
	diff_interface(diff, w.want, have);
	ret = diff_peers(diff, &w, have);
out:
	work_free(&w);
	if (ret) {
		sync_diff_free(diff);
		errno = -ret;
		return NULL;
	}
	return diff;
}

void sync_diff_free(struct sync_diff *diff)
{
	if (!diff)
		return;
	device_free(diff->request);
	memzero_explicit(diff, sizeof(*diff));
	free(diff);
}
