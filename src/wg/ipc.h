/* SPDX-License-Identifier: GPL-2.0-only */
/* ipc.h: the backend interface: list interfaces, read a device, change a device. */
#ifndef IPC_H
#define IPC_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

/* A growing list of interface names. */
struct name_list {
	char **names;
	size_t len, cap;
};
int name_list_add(struct name_list *list, const char *name); /* 0 or -ENOMEM */
void name_list_free(struct name_list *list);

/*
 * One backend. Every function returns 0 or a negative errno value and never prints.
 * get returns a device owned by the caller (device_free), with every field the backend
 * reports filled in and the DEVICE_HAS_* / PEER_HAS_* flags set for what is present.
 * set applies a change described by flags (see model.h); the backend never sees
 * ALLOWEDIP_REMOVE_ME unless supports_allowedip_removal said yes for that interface (ipc.c
 * asks, once per change: set does not ask again).
 */
struct wg_backend {
	const char *name;
	bool (*serves)(const char *ifname); /* does this backend own the interface? */
	int (*list)(struct name_list *names); /* appends the backend's interfaces */
	int (*get)(struct wg_device **dev, const char *ifname);
	int (*set)(const struct wg_device *dev);
	bool (*supports_allowedip_removal)(const char *ifname);
};

extern const struct wg_backend backend_netlink;
extern const struct wg_backend backend_uapi;

/* What the subcommands call; they never know which backend answered. */
int ipc_list_devices(struct name_list *names);
int ipc_get_device(struct wg_device **dev, const char *ifname);
int ipc_set_device(const struct wg_device *dev);

#endif
