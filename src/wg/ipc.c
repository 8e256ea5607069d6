/* SPDX-License-Identifier: GPL-2.0-only */
/* ipc.c: picks the backend for an interface; lists interfaces from every backend. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ipc.h"

int name_list_add(struct name_list *list, const char *name)
{
	if (list->len == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 8;
		char **names = realloc(list->names, cap * sizeof(*names));

		if (!names)
			return -ENOMEM;
		list->names = names;
		list->cap = cap;
	}
	list->names[list->len] = strdup(name);
	if (!list->names[list->len])
		return -ENOMEM;
	++list->len;
	return 0;
}

void name_list_free(struct name_list *list)
{
	for (size_t i = 0; i < list->len; ++i)
		free(list->names[i]);
	free(list->names);
	memset(list, 0, sizeof(*list));
}

static const struct wg_backend *backend_for(const char *ifname)
{
	return backend_uapi.serves(ifname) ? &backend_uapi : &backend_netlink;
}

int ipc_list_devices(struct name_list *names)
{
	int ret = backend_netlink.list(names);

	if (ret)
		return ret;
	return backend_uapi.list(names);
}

int ipc_get_device(struct wg_device **dev, const char *ifname)
{
	return backend_for(ifname)->get(dev, ifname);
}

/*
 * Emulating incremental allowed IPs. A backend that cannot remove single prefixes is sent a
 * copy of the request in which such a peer carries the whole list it should end up with, in
 * replace mode. That list is worked out the way the kernel would apply the request: start from
 * what the peer has now, replay every earlier entry of this request for the same peer in
 * order, then apply this entry's additions and removals in order.
 */
struct prefix_list {
	struct wg_allowedip *first;
};

static struct wg_allowedip **list_find(struct prefix_list *list, const struct wg_allowedip *prefix)
{
	struct wg_allowedip **link;

	for (link = &list->first; *link; link = &(*link)->next) {
		if (allowedip_equal(*link, prefix))
			return link;
	}
	return NULL;
}

static int list_add(struct wg_device *dev, struct prefix_list *list,
		    const struct wg_allowedip *prefix)
{
	struct wg_allowedip **link = &list->first, *copy;

	if (list_find(list, prefix))
		return 0;
	while (*link)
		link = &(*link)->next;
	copy = device_alloc_allowedip(dev);
	if (!copy)
		return -ENOMEM;
	*copy = *prefix;
	copy->next = NULL;
	copy->flags = 0;
	*link = copy;
	return 0;
}

/* Applies one request entry for the peer to the list, as the kernel would. */
static int list_apply(struct wg_device *dev, struct prefix_list *list, const struct wg_peer *entry)
{
	if (entry->flags & (PEER_REMOVE_ME | PEER_REPLACE_ALLOWEDIPS))
		list->first = NULL;
	if (entry->flags & PEER_REMOVE_ME)
		return 0;
	for_each_allowedip(entry, aip) {
		struct wg_allowedip **found;
		int ret;

		if (!(aip->flags & ALLOWEDIP_REMOVE_ME)) {
			ret = list_add(dev, list, aip);
			if (ret)
				return ret;
		} else if ((found = list_find(list, aip))) {
			*found = (*found)->next;
		}
	}
	return 0;
}

static bool has_allowedip_removals(const struct wg_peer *peer)
{
	for_each_allowedip(peer, aip) {
		if (aip->flags & ALLOWEDIP_REMOVE_ME)
			return true;
	}
	return false;
}

static bool needs_emulation(const struct wg_peer *peer)
{
	return !(peer->flags & (PEER_REPLACE_ALLOWEDIPS | PEER_REMOVE_ME)) &&
	       has_allowedip_removals(peer);
}

/* The whole list for `peer' of the request `dev', in out's memory, given the running device. */
static int final_list(struct wg_device *out, struct prefix_list *list, const struct wg_device *dev,
		      const struct wg_peer *peer, const struct wg_device *running)
{
	const struct wg_peer *now = (dev->flags & DEVICE_REPLACE_PEERS) ?
					    NULL :
					    device_find_peer(running, peer->public_key);
	int ret = 0;

	for (const struct wg_allowedip *aip = now ? now->first_allowedip : NULL; aip && !ret;
	     aip = aip->next)
		ret = list_add(out, list, aip);
	for (const struct wg_peer *p = dev->first_peer; p != peer && !ret; p = p->next) {
		if (!memcmp(p->public_key, peer->public_key, WG_KEY_LEN))
			ret = list_apply(out, list, p);
	}
	return ret ? ret : list_apply(out, list, peer);
}

/* The copy of dev to send instead; dev itself is left as it is. */
static int emulate_allowedip_removal(const struct wg_backend *backend, const struct wg_device *dev,
				     struct wg_device **out)
{
	struct wg_device *running = NULL, *copy = device_new_like(dev);
	int ret = copy ? 0 : -ENOMEM;

	for (const struct wg_peer *peer = dev->first_peer; peer && !ret; peer = peer->next) {
		struct wg_peer *sent = device_copy_peer(copy, peer);
		struct prefix_list list = { NULL };

		if (!sent) {
			ret = -ENOMEM;
		} else if (!needs_emulation(peer)) {
			ret = peer_copy_allowedips(copy, sent, peer->first_allowedip);
		} else {
			if (!running)
				ret = backend->get(&running, dev->name);
			if (!ret)
				ret = final_list(copy, &list, dev, peer, running);
			peer_set_allowedips(copy, sent, list.first);
			sent->flags |= PEER_REPLACE_ALLOWEDIPS;
		}
	}
	device_free(running);
	if (ret) {
		device_free(copy);
		return ret;
	}
	*out = copy;
	return 0;
}

/* The one place that asks whether the backend can remove single prefixes, once per change. */
int ipc_set_device(const struct wg_device *dev)
{
	const struct wg_backend *backend = backend_for(dev->name);
	struct wg_device *emulated = NULL;
	bool removals = false;
	int ret;

	for_each_peer(dev, peer)
		removals = removals || has_allowedip_removals(peer);
	if (!removals || backend->supports_allowedip_removal(dev->name))
		return backend->set(dev);
	ret = emulate_allowedip_removal(backend, dev, &emulated);
	if (!ret)
		ret = backend->set(emulated);
	device_free(emulated);
	return ret;
}
