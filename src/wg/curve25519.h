/* SPDX-License-Identifier: GPL-2.0-only */
/* curve25519.h: X25519 (RFC 7748) in constant time, and key generation helpers. */
#ifndef CURVE25519_H
#define CURVE25519_H

#include <stdint.h>

#define CURVE25519_KEY_SIZE 32

/* out = X25519(scalar, point); the scalar is clamped internally. */
void curve25519(uint8_t out[CURVE25519_KEY_SIZE], const uint8_t scalar[CURVE25519_KEY_SIZE],
		const uint8_t point[CURVE25519_KEY_SIZE]);
/* out = X25519(private_key, 9). */
void curve25519_generate_public(uint8_t pub[CURVE25519_KEY_SIZE],
				const uint8_t secret[CURVE25519_KEY_SIZE]);
/* Clears and sets the bits RFC 7748 fixes in a private scalar. */
void curve25519_clamp_secret(uint8_t secret[CURVE25519_KEY_SIZE]);

#endif
