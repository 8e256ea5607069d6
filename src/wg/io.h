/* SPDX-License-Identifier: GPL-2.0-only */
/* io.h: reading a descriptor in full, with interrupted calls retried. */
#ifndef IO_H
#define IO_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Reads until len bytes are in, the file ends or an error comes: the count (below len only at
 * the end of the file), or -1 with errno set on an error (what came before it is dropped).
 */
ssize_t read_full(int fd, void *buf, size_t len);

#endif
