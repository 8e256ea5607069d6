/* SPDX-License-Identifier: GPL-2.0-only */
/* secret.h: wiping secrets (keys, key text, buffers that held them) so no copy outlives its use. */
#ifndef SECRET_H
#define SECRET_H

#include <stddef.h>
#include <string.h>

/*
 * Zeroes secrets. Inline, so wiping a key-sized buffer costs a few stores rather than a call
 * for each of a file's keys; the empty asm claims to read the bytes, so the compiler cannot
 * drop the stores as dead.
 */
static inline void memzero_explicit(void *p, size_t len)
{
	memset(p, 0, len);
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

#endif
