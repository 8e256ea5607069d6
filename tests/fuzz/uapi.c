/* SPDX-License-Identifier: GPL-2.0-only */
/* uapi.c: fuzz target: a daemon's reply to set=1 (first byte `s') or else to get=1. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "uapi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wg_device *dev = NULL;
	int ret;

	if (!size)
		return 0;
	if (data[0] == 's') {
		ret = uapi_parse_set_reply((const char *)data + 1, size - 1);
		if (ret > 0)
			fuzz_fail("uapi_parse_set_reply returned %d", ret);
		return 0;
	}
	ret = uapi_parse_get_reply(&dev, (const char *)data + 1, size - 1);
	if (ret > 0 || (ret && dev))
		fuzz_fail("uapi_parse_get_reply returned %d with device %p", ret, (void *)dev);
	if (ret)
		return 0;
	strcpy(dev->name, "wg0");
	free(fuzz_print_views(dev));
	fuzz_build_requests(dev);
	device_free(dev);
	return 0;
}
