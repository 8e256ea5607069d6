/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * format.h: numbers, IP addresses and endpoints as text, exactly as printf, inet_ntop and
 * getnameinfo write them, and numbers and addresses back from text.
 */
#ifndef FORMAT_H
#define FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <net/if.h>

#include "model.h"

#define FORMAT_U64_LEN 21 /* the 20 digits of UINT64_MAX and a NUL */

/*
 * Both write a NUL-terminated string and return its length; tests/unit/test_format.c holds them
 * to printf's and inet_ntop's output, and tests/bench/replacements.sh times them against those.
 */
/* Not snprintf: with it, a 20,000-peer show dump took 45% more instructions, 39% more VM time. */
size_t format_u64(char out[FORMAT_U64_LEN], uint64_t value);
/* family is AF_INET or AF_INET6; IPv6 in inet_ntop's own form (RFC 5952, ::ffff:a.b.c.d). */
/* Not inet_ntop: with it, a 20,000-peer show dump took 48% more instructions, 37% more VM time. */
size_t format_address(char out[INET6_ADDRSTRLEN], int family, const void *addr);
/*
 * inet_pton(family, text, out) == 1 for the len bytes at text (no NUL needed): the same forms
 * accepted and refused (tests/unit/test_format.c, tests/fuzz/address.c). out is written only on
 * success.
 */
/* Not inet_pton: with it, a 20,000-peer syncconf took 13% longer in the VM (3.6% instructions). */
bool address_from_text(int family, const char *text, size_t len, void *out);

/*
 * Plain unsigned decimal: digits only (no sign, no spaces), at most max. Inline, so the bound
 * folds into each caller: a file or a reply of 100,000 peers holds several numbers for each.
 */
static inline bool u64_from_text(uint64_t *out, const char *text, uint64_t max)
{
	const uint64_t tenth = max / 10, last = max % 10;
	uint64_t value = 0;

	if (!*text)
		return false;
	for (; *text; ++text) {
		unsigned int digit = (unsigned int)(*text - '0');

		if (digit > 9 || value > tenth || (value == tenth && digit > last))
			return false;
		value = value * 10 + digit;
	}
	*out = value;
	return true;
}

#define ENDPOINT_TEXT_LEN (INET6_ADDRSTRLEN + IF_NAMESIZE + 16)
/*
 * host:port, or [host]:port for IPv6, whose %scope is written as getnameinfo writes it (by
 * interface name for a link-local address): the length, or 0 (with the resolver's message in
 * out) when it cannot be written.
 */
size_t format_endpoint(char out[ENDPOINT_TEXT_LEN], const union wg_endpoint *endpoint);

#endif
