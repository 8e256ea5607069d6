/* SPDX-License-Identifier: GPL-2.0-only */
/* keys.c: fuzz target: key text, checked against a plain reference decoder and by round trips. */
/*
 * The input is tried as base64 and as hex text (up to its first NUL), and its first 32 bytes
 * as a key. The decoders under test are constant time; the references here are the obvious
 * branching code, so the two must agree on every input about what is accepted and what it
 * means.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "encoding.h"
#include "fuzz.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Canonical base64 of 32 bytes: 43 symbols, the last with two zero low bits, then `='. */
static bool reference_base64(uint8_t key[WG_KEY_LEN], const char *text)
{
	unsigned int acc = 0, bits = 0, n = 0;
	const char *at;

	if (strlen(text) != WG_KEY_LEN_BASE64 || text[WG_KEY_LEN_BASE64 - 1] != '=')
		return false;
	for (int i = 0; i < WG_KEY_LEN_BASE64 - 1; ++i) {
		if (!text[i] || !(at = strchr(alphabet, text[i])))
			return false;
		acc = (acc << 6) | (unsigned int)(at - alphabet);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			key[n++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	return n == WG_KEY_LEN && acc == 0;
}

static bool reference_hex(uint8_t key[WG_KEY_LEN], const char *text)
{
	if (strlen(text) != WG_KEY_LEN_HEX)
		return false;
	for (int i = 0; i < WG_KEY_LEN_HEX; ++i) {
		int c = tolower((unsigned char)text[i]);

		if (!isxdigit(c))
			return false;
		c = isdigit(c) ? c - '0' : c - 'a' + 10;
		key[i / 2] = (uint8_t)(i % 2 ? (key[i / 2] | c) : c << 4);
	}
	return true;
}

/* A text form of keys: the decoder under test, its reference, the encoder and its output. */
struct codec {
	const char *name;
	bool (*decode)(uint8_t key[WG_KEY_LEN], const char *text);
	bool (*reference)(uint8_t key[WG_KEY_LEN], const char *text);
	void (*encode)(char *text, const uint8_t key[WG_KEY_LEN]);
	int (*same_text)(const char *a, const char *b); /* hex is read in either case */
	const char *output;				  /* every character encode may write */
	size_t len;
};

static const struct codec codecs[] = {
	{ "base64", key_from_base64, reference_base64, key_to_base64, strcmp,
	  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=", WG_KEY_LEN_BASE64 },
	{ "hex", key_from_hex, reference_hex, key_to_hex, strcasecmp, "0123456789abcdef",
	  WG_KEY_LEN_HEX },
};

/* Accepted exactly when the reference accepts, as the same key, and encoded back alike. */
static void check_text(const struct codec *c, const char *text)
{
	uint8_t key[WG_KEY_LEN], want[WG_KEY_LEN];
	char back[WG_KEY_LEN_HEX + 1];
	bool ok = c->decode(key, text);

	if (ok != c->reference(want, text))
		fuzz_fail("%s decoder says %d for `%s'", c->name, ok, text);
	if (!ok)
		return;
	if (memcmp(key, want, WG_KEY_LEN))
		fuzz_fail("%s decoder reads `%s' wrongly", c->name, text);
	c->encode(back, key);
	if (c->same_text(back, text) || strspn(back, c->output) != c->len || back[c->len])
		fuzz_fail("%s `%s' encodes back as `%s'", c->name, text, back);
}

static void check_key(const uint8_t key[WG_KEY_LEN])
{
	char text[WG_KEY_LEN_HEX + 1];
	uint8_t back[WG_KEY_LEN];

	for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); ++i) {
		codecs[i].encode(text, key);
		if (!codecs[i].decode(back, text) || memcmp(back, key, WG_KEY_LEN))
			fuzz_fail("%s `%s' does not decode to its key", codecs[i].name, text);
		check_text(&codecs[i], text);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size);

	for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); ++i)
		check_text(&codecs[i], text);
	if (size >= WG_KEY_LEN)
		check_key(data);
	free(text);
	return 0;
}
