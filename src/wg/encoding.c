/* SPDX-License-Identifier: GPL-2.0-only */
/* encoding.c: base64 and hex text forms of 32-byte keys, constant time on the key bytes. */
/*
 * Keys are secrets, so no branch and no memory index here depends on a key byte or on a
 * character of its text: symbols are mapped with range masks computed arithmetically, validity
 * is accumulated and looked at once at the end. Only the length of the text (the position of its
 * terminating NUL) is allowed to show in the timing.
 *
 * Most of the work is done on eight symbols at once, one per byte of a 64-bit word, the first
 * in the lowest byte (SWAR): a few operations per symbol instead of a few dozen, which counts
 * when a dump or a file holds 100,000 peers. A byte is classified by adding constants that
 * carry into its bit 7 exactly when it reaches a bound; bit 7 of every byte is cleared first, so
 * no sum spills into the next byte (a byte above 127 is never a symbol and is flagged apart).
 */
#include <endian.h>
#include <string.h>

#include "encoding.h"
#include "secret.h"

#define SWAR_ONES 0x0101010101010101ULL
#define SWAR_HIGH (SWAR_ONES * 0x80)

/* Bit 7 of each byte set where that byte of x (every byte below 128) is at least lo. */
static inline uint64_t swar_at_least(uint64_t x, unsigned int lo)
{
	return (x + SWAR_ONES * (0x80 - lo)) & SWAR_HIGH;
}

/* Bit 7 of each byte set where that byte of x (every byte below 128) lies in [lo, hi]. */
static inline uint64_t swar_in_range(uint64_t x, unsigned int lo, unsigned int hi)
{
	return swar_at_least(x, lo) & ~swar_at_least(x, hi + 1);
}

/* Every bit of a byte set where bit 7 of that byte is set in bits. */
static inline uint64_t swar_bytes(uint64_t bits)
{
	return (bits >> 7) * 0xff;
}

/* Eight characters of text as a word, the first in the lowest byte whatever the CPU's order. */
static inline uint64_t load_text(const char *text)
{
	uint64_t word;

	memcpy(&word, text, sizeof(word));
	return le64toh(word);
}

static inline void store_text(char *text, uint64_t word)
{
	word = htole64(word);
	memcpy(text, &word, sizeof(word));
}

/* ---- base64 ---- */

/*
 * The symbols of eight 6-bit values, one per byte: v + 'A', moved on by the distance from one
 * range of the alphabet to the next for every range boundary v is past. No byte goes below zero
 * or above 255 on the way, so the additions and subtractions stay within their bytes.
 */
static inline uint64_t base64_symbols(uint64_t v)
{
	uint64_t s = v + SWAR_ONES * 'A';

	s += swar_bytes(swar_at_least(v, 26)) & (SWAR_ONES * (('a' - 26) - 'A'));
	s -= swar_bytes(swar_at_least(v, 52)) & (SWAR_ONES * (('a' - 26) - ('0' - 52)));
	s -= swar_bytes(swar_at_least(v, 62)) & (SWAR_ONES * (('0' - 52) - ('+' - 62)));
	s += swar_bytes(swar_at_least(v, 63)) & (SWAR_ONES * (('/' - 63) - ('+' - 62)));
	return s;
}

/*
 * The 6-bit values of eight symbols, one per byte; *invalid gets bit 7 set for every byte that
 * is no symbol of the standard alphabet. x | SWAR_HIGH minus a symbol's base leaves no byte
 * below zero, and the final mask drops what bit 7 left behind.
 */
static inline uint64_t base64_values(uint64_t symbols, uint64_t *invalid)
{
	uint64_t x = symbols & ~SWAR_HIGH, x_high = x | SWAR_HIGH;
	uint64_t upper = swar_in_range(x, 'A', 'Z'), lower = swar_in_range(x, 'a', 'z');
	uint64_t digit = swar_in_range(x, '0', '9'), plus = swar_in_range(x, '+', '+');
	uint64_t slash = swar_in_range(x, '/', '/');
	uint64_t values = (swar_bytes(upper) & (x_high - SWAR_ONES * 'A')) |
			  (swar_bytes(lower) & (x_high - SWAR_ONES * ('a' - 26))) |
			  (swar_bytes(digit) & (x + SWAR_ONES * (52 - '0'))) |
			  (swar_bytes(plus) & (SWAR_ONES * 62)) | (swar_bytes(slash) & (SWAR_ONES * 63));

	*invalid |= (~(upper | lower | digit | plus | slash) | symbols) & SWAR_HIGH;
	return values & (SWAR_ONES * 0x3f);
}

/*
 * Two groups of three bytes (24 bits each, the first in the low half of the word) spread to
 * eight 6-bit values, one per byte, and back: each group splits into two 12-bit halves, each
 * half into two values.
 */
static inline uint64_t groups_to_values(uint64_t groups)
{
	const uint64_t halves = 0x00000fff00000fffULL, sixes = 0x003f003f003f003fULL;
	uint64_t pairs = ((groups >> 12) & halves) | ((groups & halves) << 16);

	return ((pairs >> 6) & sixes) | ((pairs & sixes) << 8);
}

static inline uint64_t values_to_groups(uint64_t values)
{
	const uint64_t even_bytes = 0x00ff00ff00ff00ffULL, even_halves = 0x0000ffff0000ffffULL;
	uint64_t pairs = ((values & even_bytes) << 6) | ((values >> 8) & even_bytes);

	return ((pairs & even_halves) << 12) | ((pairs >> 16) & even_halves);
}

/* Six key bytes (fewer are zero-padded by the caller) as two 24-bit groups, and back. */
static inline uint64_t load_groups(const uint8_t in[6])
{
	return (uint64_t)in[0] << 16 | (uint64_t)in[1] << 8 | in[2] |
	       ((uint64_t)in[3] << 16 | (uint64_t)in[4] << 8 | in[5]) << 32;
}

static inline void store_groups(uint8_t out[6], uint64_t groups)
{
	for (int g = 0; g < 2; ++g) {
		out[g * 3] = (uint8_t)(groups >> (g * 32 + 16));
		out[g * 3 + 1] = (uint8_t)(groups >> (g * 32 + 8));
		out[g * 3 + 2] = (uint8_t)(groups >> (g * 32));
	}
}

void key_to_base64(char base64[WG_KEY_LEN_BASE64 + 1], const uint8_t key[WG_KEY_LEN])
{
	uint8_t tail[6] = { key[30], key[31] };
	char last[8];

	/* Thirty bytes become forty symbols, six bytes (eight symbols) at a time... */
	for (unsigned int i = 0; i < 5; ++i)
		store_text(&base64[i * 8], base64_symbols(groups_to_values(load_groups(&key[i * 6]))));
	/* ...and the last two bytes three symbols (the last with two zero bits) and one `='. */
	store_text(last, base64_symbols(groups_to_values(load_groups(tail))));
	memcpy(&base64[40], last, 3);
	base64[43] = '=';
	base64[44] = '\0';
	memzero_explicit(tail, sizeof(tail));
	memzero_explicit(last, sizeof(last));
}

bool key_from_base64(uint8_t key[WG_KEY_LEN], const char *base64)
{
	uint8_t out[WG_KEY_LEN + 4];
	uint64_t invalid = 0;
	char tail[8];

	if (strnlen(base64, WG_KEY_LEN_BASE64 + 1) != WG_KEY_LEN_BASE64 ||
	    base64[WG_KEY_LEN_BASE64 - 1] != '=')
		return false;
	for (unsigned int i = 0; i < 5; ++i)
		store_groups(&out[i * 6], values_to_groups(base64_values(load_text(&base64[i * 8]),
									 &invalid)));
	/* The last three symbols make two bytes; `=' and the rest read as `A', a zero. */
	memcpy(tail, "AAAAAAAA", sizeof(tail));
	memcpy(tail, &base64[40], 3);
	store_groups(&out[30], values_to_groups(base64_values(load_text(tail), &invalid)));
	/* Only one text may stand for each key: the bits past the last byte must be zero. */
	invalid |= out[32];

	if (!invalid)
		memcpy(key, out, WG_KEY_LEN);
	memzero_explicit(out, sizeof(out));
	memzero_explicit(tail, sizeof(tail));
	return !invalid;
}

/* ---- hex ---- */

/*
 * The lowercase hex digits of four key bytes, in text order: each byte is spread over two
 * bytes of the word (high nibble first), then each nibble v becomes v + '0', moved on to 'a'
 * from 10 up.
 */
static inline uint64_t hex_digits(const uint8_t in[4])
{
	const uint64_t nibbles = 0x000f000f000f000fULL;
	uint64_t spread = in[0] | (uint64_t)in[1] << 16 | (uint64_t)in[2] << 32 | (uint64_t)in[3] << 48;
	uint64_t v = ((spread >> 4) & nibbles) | ((spread & nibbles) << 8);

	return v + SWAR_ONES * '0' +
	       (swar_bytes(swar_at_least(v, 10)) & (SWAR_ONES * (('a' - 10) - '0')));
}

/*
 * The 4-bit values of eight hex digits of either case, one per byte; *invalid gets bit 7 set
 * for every byte that is no hex digit. The same arithmetic as base64_values.
 */
static inline uint64_t hex_values(uint64_t digits, uint64_t *invalid)
{
	uint64_t x = digits & ~SWAR_HIGH, x_high = x | SWAR_HIGH;
	uint64_t digit = swar_in_range(x, '0', '9'), lower = swar_in_range(x, 'a', 'f');
	uint64_t upper = swar_in_range(x, 'A', 'F');
	uint64_t values = (swar_bytes(digit) & (x_high - SWAR_ONES * '0')) |
			  (swar_bytes(lower) & (x_high - SWAR_ONES * ('a' - 10))) |
			  (swar_bytes(upper) & (x_high - SWAR_ONES * ('A' - 10)));

	*invalid |= (~(digit | lower | upper) | digits) & SWAR_HIGH;
	return values & (SWAR_ONES * 0x0f);
}

void key_to_hex(char hex[WG_KEY_LEN_HEX + 1], const uint8_t key[WG_KEY_LEN])
{
	for (unsigned int i = 0; i < WG_KEY_LEN / 4; ++i)
		store_text(&hex[i * 8], hex_digits(&key[i * 4]));
	hex[WG_KEY_LEN_HEX] = '\0';
}

bool key_from_hex(uint8_t key[WG_KEY_LEN], const char *hex)
{
	const uint64_t even_bytes = 0x00ff00ff00ff00ffULL;
	uint8_t out[WG_KEY_LEN];
	uint64_t invalid = 0;

	if (strnlen(hex, WG_KEY_LEN_HEX + 1) != WG_KEY_LEN_HEX)
		return false;
	/* Eight digits make four bytes, each from the 16 bits of a pair of digit values. */
	for (unsigned int i = 0; i < WG_KEY_LEN / 4; ++i) {
		uint64_t v = hex_values(load_text(&hex[i * 8]), &invalid);
		uint64_t bytes = ((v & even_bytes) << 4) | ((v >> 8) & even_bytes);

		for (unsigned int b = 0; b < 4; ++b)
			out[i * 4 + b] = (uint8_t)(bytes >> (b * 16));
	}

	if (!invalid)
		memcpy(key, out, WG_KEY_LEN);
	memzero_explicit(out, sizeof(out));
	return !invalid;
}
