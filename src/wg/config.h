/* SPDX-License-Identifier: GPL-2.0-only */
/* config.h: configuration text ([Interface], [Peer]) into a device model, line by line. */
#ifndef CONFIG_H
#define CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "model.h"
#include "values.h"

struct config_parser {
	struct wg_device *dev;
	struct wg_peer *peer;
	enum { SECTION_NONE, SECTION_INTERFACE, SECTION_PEER } section;
	const char *filename;
	unsigned long line, peer_line;
	struct diag diag; /* error: "FILE:LINE: what is wrong: `text'" */
	const char *retries_env; /* WG_ENDPOINT_RESOLUTION_RETRIES when parsing began */
};

/* Returns false (ENOMEM) if the device cannot be allocated. */
bool config_parser_init(struct config_parser *parser, const char *filename);
/* Feeds one line (without its newline); false on the first error, with parser->diag set. */
bool config_parse_line(struct config_parser *parser, const char *line, size_t len);
/* Ends the input and hands over the device (NULL on error); the parser is then spent. */
struct wg_device *config_parser_finish(struct config_parser *parser);
void config_parser_free(struct config_parser *parser);

/* The whole text at once, or a whole file read line by line. */
struct wg_device *config_parse_buffer(const char *filename, const char *text, size_t len,
				      struct diag *diag);
struct wg_device *config_read_file(const char *path, struct diag *diag);

#endif
