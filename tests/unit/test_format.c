/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_format.c: format_u64 and format_address against printf and the C library's inet_ntop,
 * address_from_text against its inet_pton; u64_from_text's bounds and format_endpoint's scopes.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "format.h"
#include "test.h"

/* A small deterministic generator, so a failure can be reproduced. */
static uint64_t next_random(uint64_t *state)
{
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	return *state >> 17;
}

static int check_address(int family, const uint8_t *bytes)
{
	char want[INET6_ADDRSTRLEN], got[INET6_ADDRSTRLEN];
	size_t len = format_address(got, family, bytes);

	inet_ntop(family, bytes, want, sizeof(want));
	if (!strcmp(got, want) && len == strlen(want))
		return 1;
	printf("#   got %s, inet_ntop says %s\n", got, want);
	return 0;
}

static void test_u64(void)
{
	static const uint64_t values[] = { 0, 1, 9, 10, 99, 100, 65535, 4294967295ULL,
					   10000000000000000000ULL, UINT64_MAX };
	uint64_t state = 1;

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]) + 10000; ++i) {
		uint64_t v = i < sizeof(values) / sizeof(values[0]) ? values[i] :
								      next_random(&state) >> (i % 64);
		char want[FORMAT_U64_LEN], got[FORMAT_U64_LEN];
		size_t len = format_u64(got, v);

		snprintf(want, sizeof(want), "%" PRIu64, v);
		EXPECT(!strcmp(got, want) && len == strlen(want));
	}
}

static void test_ipv4(void)
{
	static const uint8_t fixed[][4] = { { 0, 0, 0, 0 },	  { 255, 255, 255, 255 },
					    { 10, 0, 0, 1 },	  { 192, 0, 2, 100 },
					    { 1, 20, 199, 200 } };
	uint64_t state = 2;
	int ok = 1;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); ++i)
		ok &= check_address(AF_INET, fixed[i]);
	for (int i = 0; i < 100000 && ok; ++i) {
		uint32_t v = (uint32_t)next_random(&state);

		ok &= check_address(AF_INET, (const uint8_t *)&v);
	}
	EXPECT(ok);
}

static void test_ipv6_fixed(void)
{
	static const char *const texts[] = {
		"::", "::1", "::2", "1::", "1::1", "2001:db8::7", "fe80::1", "::ffff:1.2.3.4",
		"::1.2.3.4", "::ffff:0.0.1.2", "::fffe:1.2.3.4", "0:0:0:0:0:1:0:0", "1:0:0:1:0:0:0:1",
		"1:0:0:2:0:0:3:4", "1:0:1:0:1:0:1:0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		"0:0:1:0:0:0:0:0", "1:2:3:4:5:6:7:8", "0:1:2:3:4:5:6:0", "::ffff:0:0", "64:ff9b::1.2.3.4",
	};
	uint8_t bytes[16];
	int ok = 1;

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); ++i) {
		EXPECT(inet_pton(AF_INET6, texts[i], bytes) == 1);
		ok &= check_address(AF_INET6, bytes);
	}
	EXPECT(ok);
}

/* Random addresses with many zero groups, so every shape of "::" and the IPv4 tails appear. */
static void test_ipv6_random(void)
{
	uint64_t state = 3;
	int ok = 1;

	for (int i = 0; i < 300000 && ok; ++i) {
		uint8_t bytes[16];
		uint64_t zeros = next_random(&state);

		for (int w = 0; w < 8; ++w) {
			uint64_t r = next_random(&state);
			unsigned int word = (zeros >> (2 * w)) & 3 ? 0 : (unsigned int)r & 0xffff;

			if (((zeros >> 20) & 7) == 0 && w == 5)
				word = 0xffff;
			if (word && (r >> 20) % 4 == 0)
				word &= 0xf; /* short groups */
			bytes[2 * w] = (uint8_t)(word >> 8);
			bytes[2 * w + 1] = (uint8_t)word;
		}
		ok &= check_address(AF_INET6, bytes);
	}
	EXPECT(ok);
}

/*
 * address_from_text must accept exactly what inet_pton accepts, with the same bytes. text is
 * passed without its NUL, with a byte after it that must not be read as part of the address.
 */
static int check_parse(int family, const char *text)
{
	uint8_t want[16], got[16];
	size_t len = strlen(text);
	char padded[128];
	int want_ok, got_ok;

	if (len + 2 > sizeof(padded))
		return 1;
	memcpy(padded, text, len);
	memcpy(padded + len, "7", 2);
	memset(got, 0xa5, sizeof(got));
	want_ok = inet_pton(family, text, want) == 1;
	got_ok = address_from_text(family, padded, len, got);
	if (want_ok == got_ok && (want_ok ? !memcmp(want, got, family == AF_INET ? 4 : 16) :
					    got[0] == 0xa5 && !memcmp(got, got + 1, sizeof(got) - 1)))
		return 1;
	printf("#   %s `%s': inet_pton %s, address_from_text %s (or wrote what it refused)\n",
	       family == AF_INET ? "IPv4" : "IPv6", text, want_ok ? "accepts" : "refuses",
	       got_ok ? "accepts" : "refuses");
	return 0;
}

static void test_parse_fixed(void)
{
	static const char *const texts[] = {
		"", ".", ":", "::", ":::", "::1", "1::", "1:", ":1", "1::2::3", "0.0.0.0",
		"255.255.255.255", "256.0.0.0", "1.2.3", "1.2.3.4.5", "01.2.3.4", "0.2.3.4", "1..2.3",
		"1.2.3.", ".1.2.3", "1.2.3.04", "1.2.3.4 ", " 1.2.3.4", "10.1", "0x1.2.3.4",
		"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
		"1:2:3:4:5:6:7::8", "1:2:3:4::5:6:7:8", "12345::", "fFfF::", "::ffff:1.2.3.4",
		"::1.2.3.4", "1.2.3.4::", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4",
		"1:2:3:4:5::1.2.3.4", "1:2:3:4:5:6::1.2.3.4", "::1.2.3", "::1.2.3.4.5", "::01.2.3.4",
		"::256.1.1.1", "::1.2.3.4:5", "ab.1.2.3", "::ab.1.2.3", "fe80::1%eth0", "[::1]",
		"0:0:0:0:0:0:0:0", "::0:0:0:0:0:0:0", "0:0:0:0:0:0:0::", "1::2:", ":1::2", "g::",
		"2001:db8::", "2001:0db8:0000:0000:0000:ff00:0042:8329", "00000::", "::00000",
		"1.2.3.4:1.2.3.4", "::1.2.3.4.", "::.1.2.3", "1:2:3:4:5:6:7:8:", ":1:2:3:4:5:6:7:8",
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); ++i) {
		EXPECT(check_parse(AF_INET, texts[i]));
		EXPECT(check_parse(AF_INET6, texts[i]));
	}
}

/*
 * Random strings over the characters addresses are made of, and valid addresses with a few
 * random edits: the second kind stays near the border between accepted and refused.
 */
static void test_parse_random(void)
{
	static const char alphabet[] = "0123456789abcdefABCDEFg:.:.::..% ";
	uint64_t state = 7;
	int failures = 0;

	for (int i = 0; i < 300000 && failures < 10; ++i) {
		char text[48];
		size_t len = next_random(&state) % 40;

		if (i % 2) {
			uint8_t bytes[16];
			int family = i % 4 == 1 ? AF_INET : AF_INET6;

			for (size_t b = 0; b < sizeof(bytes); ++b)
				bytes[b] = next_random(&state) % 3 ? 0 : (uint8_t)next_random(&state);
			len = format_address(text, family, bytes);
			for (int edits = (int)(next_random(&state) % 4); edits > 0 && len; --edits) {
				size_t at = next_random(&state) % len;
				char c = alphabet[next_random(&state) % (sizeof(alphabet) - 1)];

				switch (next_random(&state) % 3) {
				case 0: /* replace */
					text[at] = c;
					break;
				case 1: /* delete */
					memmove(&text[at], &text[at + 1], len - at);
					--len;
					break;
				default: /* insert */
					if (len + 1 < sizeof(text)) {
						memmove(&text[at + 1], &text[at], len - at + 1);
						text[at] = c;
						++len;
					}
				}
			}
		} else {
			for (size_t j = 0; j < len; ++j)
				text[j] = alphabet[next_random(&state) % (sizeof(alphabet) - 1)];
		}
		text[len] = '\0';
		failures += !check_parse(AF_INET, text);
		failures += !check_parse(AF_INET6, text);
	}
	EXPECT(!failures);
}

/* u64_from_text: digits only, and every bound exact, UINT64_MAX and bounds below 10 too. */
static void test_u64_from_text(void)
{
	static const struct {
		const char *text;
		uint64_t max;
		int ok;
		uint64_t value;
	} cases[] = {
		{ "0", 0, 1, 0 },	  { "1", 0, 0, 0 },	     { "5", 4, 0, 0 },
		{ "4", 4, 1, 4 },	  { "65535", 65535, 1, 65535 }, { "65536", 65535, 0, 0 },
		{ "007", 65535, 1, 7 },	  { "", 65535, 0, 0 },	     { "+5", 65535, 0, 0 },
		{ "-5", 65535, 0, 0 },	  { " 5", 65535, 0, 0 },     { "5 ", 65535, 0, 0 },
		{ "0x10", 65535, 0, 0 },  { "18446744073709551615", UINT64_MAX, 1, UINT64_MAX },
		{ "18446744073709551616", UINT64_MAX, 0, 0 },
		{ "99999999999999999999", UINT64_MAX, 0, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
		uint64_t got = 12345;
		int ok = u64_from_text(&got, cases[i].text, cases[i].max);

		if (ok != cases[i].ok || (ok && got != cases[i].value) || (!ok && got != 12345))
			printf("#   `%s' (max %" PRIu64 "): %s %" PRIu64 "\n", cases[i].text,
			       cases[i].max, ok ? "took" : "refused", got);
		EXPECT(ok == cases[i].ok && (!ok || got == cases[i].value));
	}
}

static void check_endpoint(const char *host, uint32_t scope, uint16_t port, const char *want)
{
	union wg_endpoint ep = { 0 };
	char got[ENDPOINT_TEXT_LEN];

	if (strchr(host, ':')) {
		ep.addr6.sin6_family = AF_INET6;
		inet_pton(AF_INET6, host, &ep.addr6.sin6_addr);
		ep.addr6.sin6_scope_id = scope;
		ep.addr6.sin6_port = htons(port);
	} else {
		ep.addr4.sin_family = AF_INET;
		inet_pton(AF_INET, host, &ep.addr4.sin_addr);
		ep.addr4.sin_port = htons(port);
	}
	EXPECT(format_endpoint(got, &ep));
	EXPECT_STREQ(got, want);
}

/* A scope is named as getnameinfo names it: by interface for link-local addresses only. */
static void test_endpoints(void)
{
	check_endpoint("192.0.2.1", 0, 51820, "192.0.2.1:51820");
	check_endpoint("0.0.0.0", 0, 0, "0.0.0.0:0");
	check_endpoint("2001:db8::1", 0, 65535, "[2001:db8::1]:65535");
	check_endpoint("::ffff:192.0.2.1", 0, 1, "[::ffff:192.0.2.1]:1");
	check_endpoint("fe80::1", 1, 7, "[fe80::1%lo]:7");
	check_endpoint("fe80::1", 4000000000U, 7, "[fe80::1%4000000000]:7");
	check_endpoint("2001:db8::1", 1, 7, "[2001:db8::1%1]:7");
}

int main(void)
{
	RUN(test_u64);
	RUN(test_ipv4);
	RUN(test_ipv6_fixed);
	RUN(test_ipv6_random);
	RUN(test_parse_fixed);
	RUN(test_parse_random);
	RUN(test_u64_from_text);
	RUN(test_endpoints);
	TEST_EXIT();
}
