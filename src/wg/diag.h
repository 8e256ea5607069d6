/* SPDX-License-Identifier: GPL-2.0-only */
/* diag.h: how every module reports an error (one line naming the input) and a warning. */
#ifndef DIAG_H
#define DIAG_H

#include <stddef.h>

#define DIAG_LEN 512

/*
 * Where parsers report. On failure a parser fills `error' with one line naming the problem,
 * quoting the offending text and saying what is accepted; the caller adds the location.
 * Non-fatal remarks go through warn (NULL: dropped).
 */
struct diag {
	char error[DIAG_LEN];
	void (*warn)(struct diag *diag, const char *message);
	void *ctx;
};

void diag_error(struct diag *diag, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag_warn(struct diag *diag, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Quotes user text for a message: `text', shortened and made printable. */
const char *diag_quote(char *buf, size_t len, const char *text);
#define QUOTE_LEN 96

/* A warn handler for the subcommands: "Warning: MESSAGE" on stderr. */
void diag_print_warning(struct diag *diag, const char *message);

#endif
