/* SPDX-License-Identifier: GPL-2.0-only */
/* argv.c: `wg set' arguments into a change request, with the value parsers of values.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argv.h"

/* "option: message" so the user sees which argument was wrong. */
static bool value_error(struct diag *diag, const char *option)
{
	char message[DIAG_LEN];

	snprintf(message, sizeof(message), "%s", diag->error);
	diag_error(diag, "%s: %.400s", option, message);
	return false;
}

static bool interface_option(struct wg_device *dev, const char *option, const char *value,
			     struct diag *diag)
{
	bool ok;

	if (!strcmp(option, "listen-port")) {
		ok = parse_port(&dev->listen_port, value, diag);
		dev->flags |= DEVICE_HAS_LISTEN_PORT;
	} else if (!strcmp(option, "fwmark")) {
		ok = parse_fwmark(&dev->fwmark, value, diag);
		dev->flags |= DEVICE_HAS_FWMARK;
	} else {
		ok = read_key_file(dev->private_key, value, diag);
		dev->flags |= DEVICE_HAS_PRIVATE_KEY;
	}
	return ok || value_error(diag, option);
}

static bool peer_option(struct wg_device *dev, struct wg_peer *peer, const char *option,
			const char *value, struct diag *diag)
{
	bool ok;

	if (!strcmp(option, "preshared-key")) {
		ok = read_key_file(peer->preshared_key, value, diag);
		peer->flags |= PEER_HAS_PRESHARED_KEY;
	} else if (!strcmp(option, "endpoint")) {
		ok = parse_endpoint(&peer->endpoint, value, getenv(ENDPOINT_RETRIES_ENV), diag);
	} else if (!strcmp(option, "persistent-keepalive")) {
		ok = parse_keepalive(&peer->persistent_keepalive, value, diag);
		peer->flags |= PEER_HAS_PERSISTENT_KEEPALIVE;
	} else {
		peer->flags |= PEER_REPLACE_ALLOWEDIPS;
		ok = parse_allowedips(dev, peer, value, diag);
	}
	return ok || value_error(diag, option);
}

static bool is_one_of(const char *word, const char *const *list)
{
	for (; *list; ++list) {
		if (!strcmp(word, *list))
			return true;
	}
	return false;
}

struct wg_device *set_args_parse(const char *ifname, int argc, const char *argv[],
				 struct diag *diag)
{
	static const char *const interface_options[] = { "listen-port", "fwmark", "private-key",
							 NULL };
	static const char *const peer_options[] = { "preshared-key", "endpoint",
						    "persistent-keepalive", "allowed-ips", NULL };
	struct wg_device *dev = device_new();
	struct wg_peer *peer = NULL;

	if (!dev) {
		diag_error(diag, "Out of memory");
		return NULL;
	}
	snprintf(dev->name, sizeof(dev->name), "%s", ifname);
	for (int i = 0; i < argc; ++i) {
		const char *word = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;

		if (!peer && value && is_one_of(word, interface_options)) {
			if (!interface_option(dev, word, value, diag))
				goto fail;
			++i;
		} else if (!strcmp(word, "peer") && value) {
			peer = device_add_peer(dev);
			if (!peer) {
				diag_error(diag, "Out of memory");
				goto fail;
			}
			if (!parse_key(peer->public_key, value, diag)) {
				value_error(diag, "peer");
				goto fail;
			}
			peer->flags |= PEER_HAS_PUBLIC_KEY;
			++i;
		} else if (peer && !strcmp(word, "remove")) {
			peer->flags |= PEER_REMOVE_ME;
		} else if (peer && value && is_one_of(word, peer_options)) {
			if (!peer_option(dev, peer, word, value, diag))
				goto fail;
			++i;
		} else {
			diag_error(diag, "Invalid argument: %s", word);
			goto fail;
		}
	}
	return dev;
fail:
	device_free(dev);
	return NULL;
}
