/* SPDX-License-Identifier: GPL-2.0-only */
/* values.h: one parser per kind of value, shared by the configuration file, `wg set' and UAPI. */
#ifndef VALUES_H
#define VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "model.h"

/* isspace() in the C locale. Not isspace: syncconf of 20,000 peers took 11% longer in the VM. */
static inline bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

bool parse_key(uint8_t key[WG_KEY_LEN], const char *value, struct diag *diag);
bool parse_port(uint16_t *port, const char *value, struct diag *diag);
bool parse_fwmark(uint32_t *fwmark, const char *value, struct diag *diag);
bool parse_keepalive(uint16_t *seconds, const char *value, struct diag *diag);
/*
 * Resolves host names, retrying per WG_ENDPOINT_RESOLUTION_RETRIES, whose text (NULL if unset)
 * the caller looks up once: a file may hold 100,000 endpoints.
 */
bool parse_endpoint(union wg_endpoint *endpoint, const char *value, const char *retries_env,
		    struct diag *diag);
#define ENDPOINT_RETRIES_ENV "WG_ENDPOINT_RESOLUTION_RETRIES"
/*
 * The same forms as a daemon reports them in a UAPI reply, cut up in place: a numeric host
 * (never resolved; only an IPv6 %scope goes to the resolver, numerically) and a port from 0 to
 * 65535.
 */
bool endpoint_from_reply(union wg_endpoint *endpoint, char *text);
/*
 * A comma-separated list of [+|-]address[/cidr] appended to peer. Any `+' or `-' entry turns
 * the whole update incremental (PEER_REPLACE_ALLOWEDIPS cleared); `-' marks removals. The
 * caller decides whether the peer starts out in replace mode.
 */
bool parse_allowedips(struct wg_device *dev, struct wg_peer *peer, const char *value,
		      struct diag *diag);
/* One address/cidr of a UAPI reply (cidr required), cut up in place and taken as written. */
bool allowedip_from_reply(struct wg_allowedip *aip, char *text);
/*
 * A key stored in a file, as `wg set' takes them. An empty regular file or /dev/null yields
 * the all-zero key, which removes the key from the device.
 */
bool read_key_file(uint8_t key[WG_KEY_LEN], const char *path, struct diag *diag);

/* A valid interface name: 1 to 15 bytes, no `/', no whitespace. */
bool check_interface_name(const char *name, struct diag *diag);

#endif
