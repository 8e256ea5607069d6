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

int ipc_set_device(struct wg_device *dev)
{
	return backend_for(dev->name)->set(dev);
}
