/* ipc-uapi.c: placeholder for the userspace backend (UAPI socket). */
#include <errno.h>

#include "ipc.h"

static bool uapi_serves(const char *ifname) { (void)ifname; return false; }
static int uapi_list(struct name_list *names) { (void)names; return 0; }
static int uapi_get(struct wg_device **dev, const char *ifname) { (void)dev; (void)ifname; return -EPROTONOSUPPORT; }
static int uapi_set(const struct wg_device *dev) { (void)dev; return -EPROTONOSUPPORT; }
static bool uapi_removal(const char *ifname) { (void)ifname; return false; }

const struct wg_backend backend_uapi = {
	.name = "uapi", .serves = uapi_serves, .list = uapi_list, .get = uapi_get, .set = uapi_set,
	.supports_allowedip_removal = uapi_removal,
};
