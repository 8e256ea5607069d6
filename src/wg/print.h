/* SPDX-License-Identifier: GPL-2.0-only */
/* print.h: every view of a device (pretty, dump, single fields, showconf, JSON) from one walk. */
#ifndef PRINT_H
#define PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

enum view {
	VIEW_PRETTY,
	VIEW_PUBLIC_KEY,
	VIEW_PRIVATE_KEY,
	VIEW_LISTEN_PORT,
	VIEW_FWMARK,
	VIEW_PEERS,
	VIEW_PRESHARED_KEYS,
	VIEW_ENDPOINTS,
	VIEW_ALLOWED_IPS,
	VIEW_LATEST_HANDSHAKES,
	VIEW_TRANSFER,
	VIEW_PERSISTENT_KEEPALIVE,
	VIEW_DUMP,
	VIEW_JSON,
	VIEW_CONF,
};

struct print_opts {
	bool color;      /* pretty view only */
	bool show_keys;  /* reveal private and preshared keys in pretty and JSON views */
	bool name_column; /* `show all': every line starts with the interface name and a tab */
	long long now;   /* current unix time, for "latest handshake: ... ago" */
};

/* The view named on the command line (`dump', `allowed-ips', ...), or false. */
bool view_from_name(const char *name, enum view *view);

/* Options from WG_COLOR_MODE, WG_HIDE_KEYS and whether out is a terminal. */
void print_opts_from_env(struct print_opts *opts, FILE *out);

/*
 * A command prints print_begin, then each device (`first' for the first one printed), then
 * print_end. Only some views put anything between or around devices (pretty: a blank line
 * between them; JSON: the enclosing object).
 */
void print_begin(FILE *out, enum view view);
void print_device(FILE *out, const struct wg_device *dev, enum view view,
		  const struct print_opts *opts, bool first);
void print_end(FILE *out, enum view view);

/* A firewall mark as show prints it (0x1234, or off), and a keepalive (25, or off). */
void print_fwmark(FILE *out, uint32_t fwmark);
void print_keepalive(FILE *out, uint16_t seconds);

/* TEXT as a JSON string, quotes and escapes included. */
void print_json_string(FILE *out, const char *text);

#endif
