/* SPDX-License-Identifier: GPL-2.0-only */
/* config.c: fuzz target: configuration text; whatever parses must print and read back alike. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "encoding.h"
#include "fuzz.h"
#include "preview.h"
#include "sync.h"

#define NAME "fuzz.conf"

static void on_warning(struct diag *diag, const char *message)
{
	(void)diag;
	fuzz_check_message("warning", message);
}

/* "fuzz.conf:LINE: what": every error says where. */
static void check_error(const char *error)
{
	const char *p = error + strlen(NAME ":");

	fuzz_check_message("error", error);
	if (strncmp(error, NAME ":", strlen(NAME ":")) || !isdigit((unsigned char)*p))
		fuzz_fail("an error without file and line: %s", error);
	while (isdigit((unsigned char)*p))
		++p;
	if (strncmp(p, ": ", 2) || !p[2])
		fuzz_fail("an error without file and line: %s", error);
}

static struct wg_device *parse(const char *text, size_t len, struct diag *diag)
{
	struct wg_device *dev = config_parse_buffer(NAME, text, len, diag);

	if (dev)
		strcpy(dev->name, "wg0");
	return dev;
}

/* Whether the secret is printed, as base64, where it is no peer's public key too. */
static bool secret_shows(const char *text, const uint8_t key[WG_KEY_LEN],
			 const struct wg_device *dev)
{
	char base64[WG_KEY_LEN_BASE64 + 1];

	if (key_is_zero(key))
		return false;
	for_each_peer(dev, peer) {
		if (!memcmp(peer->public_key, key, WG_KEY_LEN))
			return false;
	}
	key_to_base64(base64, key);
	return strstr(text, base64);
}

/* syncconf --dry-run's lines and JSON of the difference: they print, and hide every secret. */
static void check_preview(const struct sync_diff *diff, const struct wg_device *dev)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		fuzz_fail("open_memstream failed");
	preview_print(out, diff, dev->name, false);
	preview_print(out, diff, dev->name, true);
	fclose(out);
	if (secret_shows(text, dev->private_key, dev))
		fuzz_fail("the dry run shows the private key:\n%s", text);
	for_each_peer(dev, peer) {
		if (secret_shows(text, peer->preshared_key, dev))
			fuzz_fail("the dry run shows a preshared key:\n%s", text);
	}
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag diag = { .warn = on_warning };
	struct wg_device *dev = parse((const char *)data, size, &diag), *again;
	struct sync_diff *diff;
	char *conf, *conf_again;

	if (!dev) {
		check_error(diag.error);
		return 0;
	}
	conf = fuzz_print_views(dev);
	fuzz_build_requests(dev);

	/* showconf's output is a configuration file, and a fixed point of parse-and-print */
	again = parse(conf, strlen(conf), &diag);
	if (!again)
		fuzz_fail("showconf output does not parse: %s\n%s", diag.error, conf);
	conf_again = fuzz_print_views(again);
	if (strcmp(conf, conf_again))
		fuzz_fail("showconf output changes when read back:\n%s\n--- read back:\n%s", conf,
			  conf_again);

	/* syncconf from the file to the device that reading it back described */
	diff = sync_diff_new(dev, again);
	if (!diff)
		fuzz_fail("sync_diff_new failed");
	fuzz_build_requests(diff->request);
	check_preview(diff, dev);
	sync_diff_free(diff);

	/* the file onto an empty device: everything in it is new */
	device_free(again);
	again = device_new();
	if (!again)
		fuzz_fail("device_new failed");
	strcpy(again->name, "wg0");
	diff = sync_diff_new(dev, again);
	if (!diff)
		fuzz_fail("sync_diff_new failed");
	check_preview(diff, dev);
	sync_diff_free(diff);

	free(conf);
	free(conf_again);
	device_free(again);
	device_free(dev);
	return 0;
}
