/* SPDX-License-Identifier: GPL-2.0-only */
/* uapi.h: the UAPI text protocol without its socket: request formatting and reply parsing. */
#ifndef UAPI_H
#define UAPI_H

#include <stddef.h>

#include "model.h"

#define UAPI_MAX_LINE 4096 /* bytes of one reply line, newline excluded */
#define UAPI_MAX_REPLY (256UL * 1024 * 1024) /* bytes of one whole reply */

/*
 * Where formatted request text goes. With a flush function the buffer is handed to it and
 * wiped whenever it fills up (the socket writer); without one the buffer grows and keeps the
 * whole request (tests and fuzzers). Release it with uapi_writer_release either way.
 */
struct uapi_writer {
	char *buf;
	size_t len, cap;
	int (*flush)(void *ctx, const char *data, size_t len); /* 0 or a negative errno */
	void *ctx;
};

/*
 * Writes the complete `set=1' request for the change described by dev's flags, blank line
 * included, and flushes it when the writer has a flush function. Returns 0 or a negative
 * errno (-ENOMEM, -EAFNOSUPPORT for a bad family, or whatever flush returned).
 */
int uapi_format_set(struct uapi_writer *w, const struct wg_device *dev);
/* Wipes (the text holds private and preshared keys) and frees the buffer. */
void uapi_writer_release(struct uapi_writer *w);

/*
 * The parser entry points, fed with a daemon's complete reply. A `get=1' reply becomes a new
 * device (name left empty) with the public key derived from the private key; a `set=1'
 * reply gives its errno. Both return 0, -N for a reply of errno=N or errno=-N, -EPROTO for
 * anything malformed, truncated or oversized, or -ENOMEM.
 */
int uapi_parse_get_reply(struct wg_device **dev, const char *reply, size_t len);
int uapi_parse_set_reply(const char *reply, size_t len);

#endif
