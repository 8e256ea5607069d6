/* SPDX-License-Identifier: GPL-2.0-only */
/* encoding.h: base64 and hex text forms of 32-byte keys, constant time on the key bytes. */
#ifndef ENCODING_H
#define ENCODING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* Writes WG_KEY_LEN_BASE64 characters and a NUL. */
void key_to_base64(char base64[WG_KEY_LEN_BASE64 + 1], const uint8_t key[WG_KEY_LEN]);
/*
 * Accepts exactly 44 characters of the standard alphabet ending in one `=', in canonical
 * form (the unused low bits of the last symbol zero); anything else returns false.
 */
bool key_from_base64(uint8_t key[WG_KEY_LEN], const char *base64);

/* Writes WG_KEY_LEN_HEX lowercase characters and a NUL. */
void key_to_hex(char hex[WG_KEY_LEN_HEX + 1], const uint8_t key[WG_KEY_LEN]);
/* Accepts exactly 64 hex digits of either case; anything else returns false. */
bool key_from_hex(uint8_t key[WG_KEY_LEN], const char *hex);

#endif
