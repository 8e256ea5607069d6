/* encoding.c: base64 and hex text forms of 32-byte keys, constant time on the key bytes. */
/*
 * Keys are secrets, so no branch and no memory index here depends on a key byte or on a
 * character of its text: every symbol is mapped with range masks computed arithmetically,
 * validity is accumulated and looked at once at the end. Only the length of the text (the
 * position of its terminating NUL) is allowed to show in the timing.
 */
#include <string.h>

#include "encoding.h"

/* All ones when lo <= c <= hi, else zero; every argument below 2^31. */
static unsigned int ct_range_mask(unsigned int c, unsigned int lo, unsigned int hi)
{
	/* c - lo and hi - c are both non-negative exactly when c is in range; bit 31 says. */
	return (((c - lo) | (hi - c)) >> 31) - 1;
}

/* All ones when a == b, else zero; both below 2^31. */
static unsigned int ct_eq_mask(unsigned int a, unsigned int b)
{
	return ct_range_mask(a, b, b);
}

/* The base64 symbol for a 6-bit value. */
static char base64_symbol(unsigned int v)
{
	unsigned int c = (ct_range_mask(v, 0, 25) & (v + 'A')) |
			 (ct_range_mask(v, 26, 51) & (v - 26 + 'a')) |
			 (ct_range_mask(v, 52, 61) & (v - 52 + '0')) | (ct_eq_mask(v, 62) & '+') |
			 (ct_eq_mask(v, 63) & '/');

	return (char)c;
}

/* The 6-bit value of a base64 symbol; *invalid gets all ones or'ed in if it is not one. */
static unsigned int base64_value(unsigned char c, unsigned int *invalid)
{
	unsigned int upper = ct_range_mask(c, 'A', 'Z'), lower = ct_range_mask(c, 'a', 'z');
	unsigned int digit = ct_range_mask(c, '0', '9');
	unsigned int plus = ct_eq_mask(c, '+'), slash = ct_eq_mask(c, '/');

	*invalid |= ~(upper | lower | digit | plus | slash);
	return (upper & (c - 'A')) | (lower & (c - 'a' + 26)) | (digit & (c - '0' + 52)) |
	       (plus & 62) | (slash & 63);
}

void key_to_base64(char base64[WG_KEY_LEN_BASE64 + 1], const uint8_t key[WG_KEY_LEN])
{
	unsigned int i;

	/* Ten groups of three bytes become forty symbols... */
	for (i = 0; i < WG_KEY_LEN / 3; ++i) {
		const uint8_t *in = &key[i * 3];
		char *out = &base64[i * 4];

		out[0] = base64_symbol(in[0] >> 2);
		out[1] = base64_symbol(((in[0] & 3u) << 4) | (in[1] >> 4));
		out[2] = base64_symbol(((in[1] & 15u) << 2) | (in[2] >> 6));
		out[3] = base64_symbol(in[2] & 63u);
	}
	/* ...and the last two bytes three symbols, the last with two zero bits, and one `='. */
	base64[40] = base64_symbol(key[30] >> 2);
	base64[41] = base64_symbol(((key[30] & 3u) << 4) | (key[31] >> 4));
	base64[42] = base64_symbol((key[31] & 15u) << 2);
	base64[43] = '=';
	base64[44] = '\0';
}

bool key_from_base64(uint8_t key[WG_KEY_LEN], const char *base64)
{
	const unsigned char *in = (const unsigned char *)base64;
	uint8_t out[WG_KEY_LEN];
	unsigned int invalid = 0, v[4];
	unsigned int i;

	if (strnlen(base64, WG_KEY_LEN_BASE64 + 1) != WG_KEY_LEN_BASE64 ||
	    base64[WG_KEY_LEN_BASE64 - 1] != '=')
		return false;
	for (i = 0; i < WG_KEY_LEN / 3; ++i) {
		for (unsigned int j = 0; j < 4; ++j)
			v[j] = base64_value(in[i * 4 + j], &invalid);
		out[i * 3] = (uint8_t)((v[0] << 2) | (v[1] >> 4));
		out[i * 3 + 1] = (uint8_t)((v[1] << 4) | (v[2] >> 2));
		out[i * 3 + 2] = (uint8_t)((v[2] << 6) | v[3]);
	}
	for (unsigned int j = 0; j < 3; ++j)
		v[j] = base64_value(in[40 + j], &invalid);
	/* Only one text may stand for each key: the bits past the last byte must be zero. */
	invalid |= ~ct_eq_mask(v[2] & 3u, 0);
	out[30] = (uint8_t)((v[0] << 2) | (v[1] >> 4));
	out[31] = (uint8_t)((v[1] << 4) | (v[2] >> 2));

	if (!invalid)
		memcpy(key, out, WG_KEY_LEN);
	memzero_explicit(out, sizeof(out));
	memzero_explicit(v, sizeof(v));
	return !invalid;
}

/* The lowercase hex digit for a 4-bit value. */
static char hex_digit(unsigned int v)
{
	return (char)((ct_range_mask(v, 0, 9) & (v + '0')) |
		      (ct_range_mask(v, 10, 15) & (v - 10 + 'a')));
}

/* The 4-bit value of a hex digit of either case; *invalid gets all ones if it is not one. */
static unsigned int hex_value(unsigned char c, unsigned int *invalid)
{
	unsigned int digit = ct_range_mask(c, '0', '9'), lower = ct_range_mask(c, 'a', 'f');
	unsigned int upper = ct_range_mask(c, 'A', 'F');

	*invalid |= ~(digit | lower | upper);
	return (digit & (c - '0')) | (lower & (c - 'a' + 10)) | (upper & (c - 'A' + 10));
}

void key_to_hex(char hex[WG_KEY_LEN_HEX + 1], const uint8_t key[WG_KEY_LEN])
{
	for (unsigned int i = 0; i < WG_KEY_LEN; ++i) {
		hex[i * 2] = hex_digit(key[i] >> 4);
		hex[i * 2 + 1] = hex_digit(key[i] & 15u);
	}
	hex[WG_KEY_LEN_HEX] = '\0';
}

bool key_from_hex(uint8_t key[WG_KEY_LEN], const char *hex)
{
	const unsigned char *in = (const unsigned char *)hex;
	uint8_t out[WG_KEY_LEN];
	unsigned int invalid = 0;

	if (strnlen(hex, WG_KEY_LEN_HEX + 1) != WG_KEY_LEN_HEX)
		return false;
	for (unsigned int i = 0; i < WG_KEY_LEN; ++i) {
		unsigned int high = hex_value(in[i * 2], &invalid);

		out[i] = (uint8_t)((high << 4) | hex_value(in[i * 2 + 1], &invalid));
	}

	if (!invalid)
		memcpy(key, out, WG_KEY_LEN);
	memzero_explicit(out, sizeof(out));
	return !invalid;
}
