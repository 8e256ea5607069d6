/* SPDX-License-Identifier: GPL-2.0-only */
/* preview.h: `wg syncconf --dry-run': the difference syncconf would send, as lines or JSON. */
#ifndef PREVIEW_H
#define PREVIEW_H

#include <stdbool.h>
#include <stdio.h>

#include "sync.h"

/* Whether the difference holds anything to send. */
bool preview_empty(const struct sync_diff *diff);

/*
 * One line per change (nothing at all when the difference is empty):
 *   ~ interface  listen-port 51820 -> 51821
 *   - peer KEY
 *   + peer KEY  allowed-ips 10.0.0.1/32,fd00::1/128  endpoint 192.0.2.1:51820
 *   ~ peer KEY  allowed-ips +10.0.2.0/24 -10.0.1.0/24
 * or, with json, one document {"interface": NAME, "changes": [...]} (schema in wg(8)). Keys
 * other than public keys are never printed: only whether they are set, changed or removed.
 */
void preview_print(FILE *out, const struct sync_diff *diff, const char *ifname, bool json);

#endif
