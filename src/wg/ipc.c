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

static bool has_allowedip_removals(const struct wg_peer *peer)
{
	for_each_allowedip(peer, aip) {
		if (aip->flags & ALLOWEDIP_REMOVE_ME)
			return true;
	}
	return false;
}

/* Does list hold prefix (ignoring entries marked for removal)? */
static bool list_has(const struct wg_allowedip *list, const struct wg_allowedip *prefix)
{
	for (; list; list = list->next) {
		if (!(list->flags & ALLOWEDIP_REMOVE_ME) && allowedip_equal(list, prefix))
			return true;
	}
	return false;
}

/*
 * The backend cannot remove single allowed IPs, so turn the peer's `+'/`-' update into the
 * full list it should end up with and replace the list instead. `base' is what the peer has
 * now (NULL for none).
 */
static int rewrite_incremental(struct wg_device *dev, struct wg_peer *peer,
			       const struct wg_allowedip *base)
{
	struct wg_allowedip *changes = peer->first_allowedip;

	peer->first_allowedip = peer->last_allowedip = NULL;
	for (; base; base = base->next) {
		struct wg_allowedip *keep;
		bool removed = false;

		for (const struct wg_allowedip *c = changes; c; c = c->next)
			removed = removed || ((c->flags & ALLOWEDIP_REMOVE_ME) && allowedip_equal(c, base));
		if (removed || list_has(peer->first_allowedip, base))
			continue;
		keep = peer_add_allowedip(dev, peer);
		if (!keep)
			return -ENOMEM;
		*keep = *base;
		keep->next = NULL;
		keep->flags = 0;
	}
	for (const struct wg_allowedip *c = changes; c; c = c->next) {
		struct wg_allowedip *add;

		if ((c->flags & ALLOWEDIP_REMOVE_ME) || list_has(peer->first_allowedip, c))
			continue;
		add = peer_add_allowedip(dev, peer);
		if (!add)
			return -ENOMEM;
		*add = *c;
		add->next = NULL;
	}
	peer->flags |= PEER_REPLACE_ALLOWEDIPS;
	return 0;
}

static int emulate_allowedip_removal(const struct wg_backend *backend, struct wg_device *dev)
{
	struct wg_device *running = NULL;
	int ret = 0;

	for_each_peer(dev, peer) {
		const struct wg_allowedip *base = NULL;
		const struct wg_peer *earlier, *now;

		if ((peer->flags & (PEER_REPLACE_ALLOWEDIPS | PEER_REMOVE_ME)) ||
		    !has_allowedip_removals(peer))
			continue;
		if (!running) {
			ret = backend->get(&running, dev->name);
			if (ret)
				return ret;
		}
		/* an earlier entry for the same peer in this request already set its list */
		earlier = NULL;
		for (const struct wg_peer *p = dev->first_peer; p != peer; p = p->next) {
			if (!memcmp(p->public_key, peer->public_key, WG_KEY_LEN) &&
			    (p->flags & PEER_REPLACE_ALLOWEDIPS))
				earlier = p;
		}
		now = (dev->flags & DEVICE_REPLACE_PEERS) ? NULL :
							    device_find_peer(running, peer->public_key);
		base = earlier ? earlier->first_allowedip : now ? now->first_allowedip : NULL;
		ret = rewrite_incremental(dev, peer, base);
		if (ret)
			break;
	}
	device_free(running);
	return ret;
}

int ipc_set_device(struct wg_device *dev)
{
	const struct wg_backend *backend = backend_for(dev->name);
	bool removals = false;
	int ret;

	for_each_peer(dev, peer)
		removals = removals || has_allowedip_removals(peer);
	if (removals && !backend->supports_allowedip_removal(dev->name)) {
		ret = emulate_allowedip_removal(backend, dev);
		if (ret)
			return ret;
	}
	return backend->set(dev);
}
