/* ipc-netlink.c: placeholder for the kernel backend (generic netlink through libmnl). */
#include <errno.h>

#include "ipc.h"

static bool nl_serves(const char *ifname) { (void)ifname; return true; }
static int nl_list(struct name_list *names) { (void)names; return 0; }
static int nl_get(struct wg_device **dev, const char *ifname) { (void)dev; (void)ifname; return -EPROTONOSUPPORT; }
static int nl_set(const struct wg_device *dev) { (void)dev; return -EPROTONOSUPPORT; }
static bool nl_removal(const char *ifname) { (void)ifname; return false; }

const struct wg_backend backend_netlink = {
	.name = "netlink", .serves = nl_serves, .list = nl_list, .get = nl_get, .set = nl_set,
	.supports_allowedip_removal = nl_removal,
};
