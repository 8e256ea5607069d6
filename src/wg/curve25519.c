/* curve25519.c: placeholder for X25519. */
#include <string.h>

#include "curve25519.h"

void curve25519(uint8_t out[CURVE25519_KEY_SIZE], const uint8_t scalar[CURVE25519_KEY_SIZE], const uint8_t point[CURVE25519_KEY_SIZE]) { (void)scalar; (void)point; memset(out, 0, 32); }
void curve25519_generate_public(uint8_t pub[CURVE25519_KEY_SIZE], const uint8_t secret[CURVE25519_KEY_SIZE]) { (void)secret; memset(pub, 0, 32); }
void curve25519_clamp_secret(uint8_t secret[CURVE25519_KEY_SIZE]) { secret[0] &= 248; secret[31] = (secret[31] & 127) | 64; }
