/* format.c: numbers and IP addresses as text, exactly as printf and inet_ntop write them. */
#include <string.h>
#include <sys/socket.h>

#include "format.h"

size_t format_u64(char out[FORMAT_U64_LEN], uint64_t value)
{
	char reversed[FORMAT_U64_LEN];
	size_t n = 0, len;

	do {
		reversed[n++] = (char)('0' + value % 10);
		value /= 10;
	} while (value);
	for (len = 0; len < n; ++len)
		out[len] = reversed[n - 1 - len];
	out[len] = '\0';
	return len;
}

/* Dotted decimal; returns the length, without a NUL. */
static size_t put_ip4(char *out, const uint8_t bytes[4])
{
	char *p = out;

	for (int i = 0; i < 4; ++i) {
		unsigned int b = bytes[i];

		if (i)
			*p++ = '.';
		if (b >= 100)
			*p++ = (char)('0' + b / 100);
		if (b >= 10)
			*p++ = (char)('0' + b / 10 % 10);
		*p++ = (char)('0' + b % 10);
	}
	return (size_t)(p - out);
}

/* One group of an IPv6 address: lowercase hex without leading zeros. */
static size_t put_hex16(char *out, unsigned int word)
{
	static const char digits[] = "0123456789abcdef";
	size_t n = 0;

	for (int shift = 12; shift >= 0; shift -= 4) {
		if (word >> shift || shift == 0 || n)
			out[n++] = digits[(word >> shift) & 15];
	}
	return n;
}

/*
 * inet_ntop's form: the longest run of two or more zero groups (the first of equal ones)
 * becomes "::", and an address that starts with five zero groups and then ffff, or with six
 * zero groups and then anything, ends in dotted decimal (IPv4-mapped and -compatible).
 */
static size_t put_ip6(char *out, const uint8_t bytes[16])
{
	unsigned int words[8];
	int best = -1, best_len = 0;
	char *p = out;

	for (int i = 0; i < 8; ++i)
		words[i] = (unsigned int)bytes[2 * i] << 8 | bytes[2 * i + 1];
	for (int i = 0; i < 8;) {
		int len = 0;

		while (i + len < 8 && !words[i + len])
			++len;
		if (len > best_len) {
			best = i;
			best_len = len;
		}
		i += len ? len : 1;
	}
	if (best_len < 2)
		best = -1;
	for (int i = 0; i < 8; ++i) {
		if (best >= 0 && i >= best && i < best + best_len) {
			if (i == best)
				*p++ = ':';
			continue;
		}
		if (i)
			*p++ = ':';
		if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && words[5] == 0xffff)))
			return (size_t)(p - out) + put_ip4(p, bytes + 12);
		p += put_hex16(p, words[i]);
	}
	if (best >= 0 && best + best_len == 8)
		*p++ = ':';
	return (size_t)(p - out);
}

size_t format_address(char out[INET6_ADDRSTRLEN], int family, const void *addr)
{
	size_t len = family == AF_INET6 ? put_ip6(out, addr) : put_ip4(out, addr);

	out[len] = '\0';
	return len;
}
