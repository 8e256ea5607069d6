/* SPDX-License-Identifier: GPL-2.0-only */
/* address.c: fuzz target: address_from_text against the C library's inet_pton. */
/*
 * The input (up to its first NUL) is read as an IPv4 and as an IPv6 address. The parser under
 * test takes a length rather than a NUL, so it is handed the text followed by a digit that
 * must not count. Both must accept the same texts, as the same bytes, and leave the output
 * alone on refusal.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "fuzz.h"

static void check(int family, const char *text, size_t len)
{
	uint8_t want[16], got[16], untouched[16];
	size_t bytes = family == AF_INET ? 4 : 16;
	char *padded = malloc(len + 2);
	bool want_ok, got_ok;

	if (!padded)
		abort();
	memcpy(padded, text, len);
	memcpy(padded + len, "7", 2);
	memset(got, 0x5a, sizeof(got));
	memcpy(untouched, got, sizeof(got));
	want_ok = inet_pton(family, text, want) == 1;
	got_ok = address_from_text(family, padded, len, got);
	free(padded);
	if (want_ok != got_ok)
		fuzz_fail("IPv%d `%s': inet_pton %s it, address_from_text %s it",
			  family == AF_INET ? 4 : 6, text, want_ok ? "accepts" : "refuses",
			  got_ok ? "accepts" : "refuses");
	if (want_ok && memcmp(want, got, bytes))
		fuzz_fail("IPv%d `%s' is read as other bytes than inet_pton reads",
			  family == AF_INET ? 4 : 6, text);
	if (!got_ok && memcmp(got, untouched, sizeof(got)))
		fuzz_fail("IPv%d `%s' is refused but the output was written", family == AF_INET ? 4 : 6,
			  text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size);

	check(AF_INET, text, strlen(text));
	check(AF_INET6, text, strlen(text));
	free(text);
	return 0;
}
