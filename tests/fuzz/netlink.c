/* SPDX-License-Identifier: GPL-2.0-only */
/* netlink.c: fuzz target: kernel replies; the first byte modulo 3 picks device, link or policy. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "netlink.h"

/* libFuzzer's buffer is malloc'ed, but the reply starts one byte in: copy it to align it. */
static void *aligned_copy(const uint8_t *data, size_t size)
{
	void *buf = malloc(size ? size : 1);

	if (!buf)
		fuzz_fail("out of memory");
	memcpy(buf, data, size);
	return buf;
}

static void device_reply(const void *buf, size_t len)
{
	struct wg_device *dev = NULL;
	int ret = wgnl_parse_device_reply(&dev, buf, len);

	if (ret > 0 || (ret && dev))
		fuzz_fail("wgnl_parse_device_reply returned %d with device %p", ret, (void *)dev);
	if (ret)
		return;
	/*
	 * The kernel vets interface names (no `/', `:' or white space, control bytes allowed),
	 * and wg prints them as they are, as the original does: only the rest must print clean.
	 */
	strcpy(dev->name, "wg0");
	free(fuzz_print_views(dev));
	fuzz_build_requests(dev);
	device_free(dev);
}

static void link_reply(const void *buf, size_t len)
{
	struct name_list names = { 0 };
	int ret = wgnl_parse_link_reply(&names, buf, len);

	if (ret > 0)
		fuzz_fail("wgnl_parse_link_reply returned %d", ret);
	for (size_t i = 0; i < names.len; ++i) {
		if (!names.names[i][0])
			fuzz_fail("an empty interface name in a link dump");
	}
	name_list_free(&names);
}

static void policy_reply(const void *buf, size_t len)
{
	bool supported = true;
	int ret = wgnl_parse_policy_reply(&supported, buf, len);

	if (ret > 0 || (ret && supported))
		fuzz_fail("wgnl_parse_policy_reply returned %d, supported %d", ret, supported);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	void *buf;

	if (!size)
		return 0;
	buf = aligned_copy(data + 1, size - 1);
	if (data[0] % 3 == 0)
		device_reply(buf, size - 1);
	else if (data[0] % 3 == 1)
		link_reply(buf, size - 1);
	else
		policy_reply(buf, size - 1);
	free(buf);
	return 0;
}
