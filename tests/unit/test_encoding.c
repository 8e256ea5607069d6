/* SPDX-License-Identifier: GPL-2.0-only */
/* test_encoding.c: base64 and hex key codecs: known texts, every acceptance rule, round trips. */
#include <stdarg.h>
#include <stdint.h>

#include "encoding.h"
#include "test.h"

/* RFC 7748 section 6.1's Alice private key, in both text forms. */
static const uint8_t alice[WG_KEY_LEN] = {
	0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d, 0x3c, 0x16, 0xc1, 0x72, 0x51, 0xb2, 0x66,
	0x45, 0xdf, 0x4c, 0x2f, 0x87, 0xeb, 0xc0, 0x99, 0x2a, 0xb1, 0x77, 0xfb, 0xa5, 0x1d, 0xb9,
	0x2c, 0x2a,
};
static const char alice_base64[] = "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=";
static const char alice_hex[] = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";

static const char base64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

typedef bool (*decode_fn)(uint8_t key[WG_KEY_LEN], const char *text);
typedef void (*encode_fn)(char *text, const uint8_t key[WG_KEY_LEN]);

/* A small deterministic generator, so a failure can be reproduced. */
static uint64_t rng_state = 0x853c49e6748fea9bULL;

static void random_key(uint8_t key[WG_KEY_LEN])
{
	for (int i = 0; i < WG_KEY_LEN; ++i) {
		rng_state ^= rng_state << 13;
		rng_state ^= rng_state >> 7;
		rng_state ^= rng_state << 17;
		key[i] = (uint8_t)(rng_state >> 32);
	}
}

/* printf into a static buffer, for building one test text per line. */
static const char *textf(const char *format, ...)
{
	static char text[128];
	va_list ap;

	va_start(ap, format);
	vsnprintf(text, sizeof(text), format, ap);
	va_end(ap);
	return text;
}

/* A copy of valid with the byte at pos replaced by c (c may be NUL). */
static const char *with_byte(const char *valid, int pos, int c)
{
	static char text[128];

	snprintf(text, sizeof(text), "%s", valid);
	text[pos] = (char)c;
	return text;
}

/* Decodes text, checking that a rejected text leaves the key alone. */
static bool accepts(decode_fn decode, const char *text)
{
	uint8_t key[WG_KEY_LEN];
	bool ok;

	memset(key, 0xa5, sizeof(key));
	ok = decode(key, text);
	for (int i = 0; !ok && i < WG_KEY_LEN; ++i)
		EXPECT(key[i] == 0xa5);
	return ok;
}

static bool base64_accepts(const char *text)
{
	return accepts(key_from_base64, text);
}

static bool hex_accepts(const char *text)
{
	return accepts(key_from_hex, text);
}

/* Random keys survive encoding and decoding; every character is one of charset. */
static void check_round_trips(encode_fn encode, decode_fn decode, size_t len, const char *charset)
{
	uint8_t key[WG_KEY_LEN], back[WG_KEY_LEN];
	char text[WG_KEY_LEN_HEX + 1];

	for (int i = 0; i < 10000; ++i) {
		random_key(key);
		encode(text, key);
		EXPECT(strlen(text) == len);
		EXPECT(strspn(text, charset) == len);
		EXPECT(decode(back, text));
		EXPECT(!memcmp(key, back, sizeof(key)));
	}
}

/*
 * Puts every byte value at every position of a valid text and checks the verdict against
 * want(position, byte), a plain statement of the rule.
 */
static void check_every_byte_everywhere(const char *valid, bool (*accepted)(const char *),
					bool (*want)(int pos, int c))
{
	int len = (int)strlen(valid);

	for (int pos = 0; pos < len; ++pos) {
		for (int c = 1; c < 256; ++c) {
			if (accepted(with_byte(valid, pos, c)) != want(pos, c)) {
				printf("#   position %d, byte 0x%02x: want %s\n", pos, c,
				       want(pos, c) ? "accept" : "reject");
				test_current_failed = 1;
			}
		}
	}
}

/* The known key encodes to its known text and back. */
static void check_alice(encode_fn encode, decode_fn decode, const char *want)
{
	char text[WG_KEY_LEN_HEX + 1];
	uint8_t key[WG_KEY_LEN];

	encode(text, alice);
	EXPECT_STREQ(text, want);
	EXPECT(decode(key, want));
	EXPECT(!memcmp(key, alice, sizeof(key)));
}

static void base64_known_keys(void)
{
	char text[WG_KEY_LEN_BASE64 + 1];
	uint8_t key[WG_KEY_LEN];

	check_alice(key_to_base64, key_from_base64, alice_base64);
	memset(key, 0, sizeof(key));
	key_to_base64(text, key);
	EXPECT_STREQ(text, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
	memset(key, 0xff, sizeof(key));
	key_to_base64(text, key);
	EXPECT_STREQ(text, "//////////////////////////////////////////8=");
}

static void base64_every_symbol_value(void)
{
	/* The first symbol is the top six bits of byte 0: all 64 symbols come out. */
	uint8_t key[WG_KEY_LEN] = { 0 }, back[WG_KEY_LEN];
	char text[WG_KEY_LEN_BASE64 + 1];

	for (int v = 0; v < 64; ++v) {
		key[0] = (uint8_t)(v << 2);
		key_to_base64(text, key);
		EXPECT(text[0] == base64_alphabet[v]);
		EXPECT(key_from_base64(back, text));
		EXPECT(back[0] == key[0]);
	}
}

static void base64_round_trips(void)
{
	check_round_trips(key_to_base64, key_from_base64, WG_KEY_LEN_BASE64,
			  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");
}

static void base64_wrong_length(void)
{
	EXPECT(!base64_accepts(""));
	EXPECT(!base64_accepts("="));
	EXPECT(!base64_accepts(textf("%.42s=", alice_base64)));   /* one symbol short */
	EXPECT(!base64_accepts(textf("%.43s", alice_base64)));    /* unpadded */
	EXPECT(!base64_accepts(textf("%s\n", alice_base64)));     /* trailing newline */
	EXPECT(!base64_accepts(textf("%s ", alice_base64)));      /* trailing space */
	EXPECT(!base64_accepts(textf(" %s", alice_base64)));      /* leading space */
	EXPECT(!base64_accepts(textf("%sA", alice_base64)));      /* 45 characters */
	EXPECT(!base64_accepts(textf("%s%s", alice_base64, alice_base64)));
}

static void base64_padding(void)
{
	EXPECT(!base64_accepts(textf("%.43sA", alice_base64)));   /* no `=', 44 symbols */
	EXPECT(!base64_accepts(textf("%.42s==", alice_base64)));  /* two `=', 44 characters */
	EXPECT(!base64_accepts(textf("%.43sA=", alice_base64)));  /* an extra symbol */
	EXPECT(!base64_accepts(with_byte(alice_base64, 20, '='))); /* `=' in the middle */
}

static void base64_url_alphabet(void)
{
	/* Bytes 0xfb encode to "+/v7" groups; the URL-safe alphabet writes them "-_v7". */
	uint8_t key[WG_KEY_LEN];
	char text[WG_KEY_LEN_BASE64 + 1];

	memset(key, 0xfb, sizeof(key));
	key_to_base64(text, key);
	EXPECT(!strncmp(text, "+/v7", 4));
	EXPECT(base64_accepts(text));
	for (char *c = text; *c; ++c)
		*c = *c == '+' ? '-' : *c == '/' ? '_' : *c;
	EXPECT(!base64_accepts(text));
	/* Each URL-safe symbol alone, in an otherwise valid key. */
	EXPECT(!base64_accepts(with_byte(alice_base64, 7, '-')));
	EXPECT(!base64_accepts(with_byte(alice_base64, 7, '_')));
}

static void base64_canonical_last_symbol(void)
{
	/* The 43rd symbol carries four key bits and two padding bits, which must be zero. */
	int accepted = 0;

	EXPECT(alice_base64[42] == 'o');
	for (int v = 0; v < 64; ++v) {
		bool ok = base64_accepts(with_byte(alice_base64, 42, base64_alphabet[v]));

		EXPECT(ok == ((v & 3) == 0));
		accepted += ok;
	}
	EXPECT(accepted == 16);
	EXPECT(base64_accepts("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAX4="));
	EXPECT(!base64_accepts("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAX5="));
	EXPECT(!base64_accepts("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAX6="));
	EXPECT(!base64_accepts("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAX7="));
}

static void base64_embedded_nul(void)
{
	for (int pos = 0; pos < WG_KEY_LEN_BASE64; ++pos)
		EXPECT(!base64_accepts(with_byte(alice_base64, pos, '\0')));
}

/* Base64: a standard symbol at 0-41, one with two zero low bits at 42, `=' at 43. */
static bool base64_rule(int pos, int c)
{
	const char *sym = strchr(base64_alphabet, c);

	if (pos < 42)
		return sym != NULL;
	if (pos == 42)
		return sym && ((sym - base64_alphabet) & 3) == 0;
	return c == '=';
}

static void base64_every_byte_everywhere(void)
{
	check_every_byte_everywhere(alice_base64, base64_accepts, base64_rule);
}

static void hex_known_keys(void)
{
	char text[WG_KEY_LEN_HEX + 1] = { 0 };
	uint8_t key[WG_KEY_LEN];

	check_alice(key_to_hex, key_from_hex, alice_hex);
	/* Upper and mixed case are read too. */
	for (int i = 0; i < WG_KEY_LEN_HEX; ++i)
		text[i] = (char)(alice_hex[i] >= 'a' ? alice_hex[i] - 'a' + 'A' : alice_hex[i]);
	memset(key, 0, sizeof(key));
	EXPECT(key_from_hex(key, text));
	EXPECT(!memcmp(key, alice, sizeof(key)));
	text[0] = 'a';
	text[1] = 'B';
	EXPECT(key_from_hex(key, text));
	EXPECT(key[0] == 0xab);
}

static void hex_round_trips(void)
{
	check_round_trips(key_to_hex, key_from_hex, WG_KEY_LEN_HEX, "0123456789abcdef");
}

static void hex_wrong_length(void)
{
	EXPECT(!hex_accepts(""));
	EXPECT(!hex_accepts(textf("%.63s", alice_hex)));
	EXPECT(!hex_accepts(textf("%s0", alice_hex)));
	EXPECT(!hex_accepts(textf("%s\n", alice_hex)));
	EXPECT(!hex_accepts(textf("0x%.62s", alice_hex)));
	for (int pos = 0; pos < WG_KEY_LEN_HEX; ++pos)
		EXPECT(!hex_accepts(with_byte(alice_hex, pos, '\0')));
}

/* Hex: any of the 22 digits of either case, anywhere. */
static bool hex_rule(int pos, int c)
{
	(void)pos;
	return strchr("0123456789abcdefABCDEF", c) != NULL;
}

static void hex_every_byte_everywhere(void)
{
	check_every_byte_everywhere(alice_hex, hex_accepts, hex_rule);
}

int main(void)
{
	RUN(base64_known_keys);
	RUN(base64_every_symbol_value);
	RUN(base64_round_trips);
	RUN(base64_wrong_length);
	RUN(base64_padding);
	RUN(base64_url_alphabet);
	RUN(base64_canonical_last_symbol);
	RUN(base64_embedded_nul);
	RUN(base64_every_byte_everywhere);
	RUN(hex_known_keys);
	RUN(hex_round_trips);
	RUN(hex_wrong_length);
	RUN(hex_every_byte_everywhere);
	TEST_EXIT();
}
