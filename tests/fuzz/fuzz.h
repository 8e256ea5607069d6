/* SPDX-License-Identifier: GPL-2.0-only */
/* fuzz.h: what every fuzz target shares: checks on messages and output, and a device workout. */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* Stops the run with a message; libFuzzer keeps the input that got here as a crash. */
void fuzz_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/*
 * A message a user will see: one non-empty line of printable ASCII, so hostile input can
 * neither smuggle escape sequences to a terminal nor break the one-line error format.
 */
void fuzz_check_message(const char *what, const char *message);

/*
 * Prints dev through every view (pretty, fields, dump, JSON, conf), checking the text is
 * printable ASCII plus tab and newline; returns the conf view (the caller frees it).
 */
char *fuzz_print_views(const struct wg_device *dev);

/*
 * Runs dev through both backends' request builders as a change request: the UAPI `set=1'
 * text and the netlink SET messages, which must come to an end.
 */
void fuzz_build_requests(const struct wg_device *dev);

/* A NUL-terminated copy of the input (the caller frees it). */
char *fuzz_strndup(const uint8_t *data, size_t size);

#endif
