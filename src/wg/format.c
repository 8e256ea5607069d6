/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * format.c: numbers, IP addresses and endpoints as text, exactly as printf, inet_ntop and
 * getnameinfo write them, and numbers and addresses back from text.
 */
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
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

/*
 * Only an IPv6 scope needs getnameinfo (it names link-local scopes by interface); everything
 * else is written here the same way, which matters when a dump holds 100,000 endpoints.
 */
size_t format_endpoint(char out[ENDPOINT_TEXT_LEN], const union wg_endpoint *endpoint)
{
	char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 2], port[8];
	bool v6 = endpoint->addr.sa_family == AF_INET6;
	char *p = out;
	int ret;

	if (!v6 || !endpoint->addr6.sin6_scope_id) {
		if (v6)
			*p++ = '[';
		p += format_address(p, endpoint->addr.sa_family,
				    v6 ? (const void *)&endpoint->addr6.sin6_addr :
					 (const void *)&endpoint->addr4.sin_addr);
		if (v6)
			*p++ = ']';
		*p++ = ':';
		p += format_u64(p, ntohs(v6 ? endpoint->addr6.sin6_port : endpoint->addr4.sin_port));
		return (size_t)(p - out);
	}
	ret = getnameinfo(&endpoint->addr, sizeof(endpoint->addr6), host, sizeof(host), port,
			  sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV | NI_DGRAM);
	if (ret) {
		snprintf(out, ENDPOINT_TEXT_LEN, "%s", gai_strerror(ret));
		return 0;
	}
	ret = snprintf(out, ENDPOINT_TEXT_LEN, "[%s]:%s", host, port);
	return ret > 0 && ret < ENDPOINT_TEXT_LEN ? (size_t)ret : 0;
}

/* ---- addresses from text ---- */

/* Dotted decimal: four parts from 0 to 255, a part of more than one digit not starting at 0. */
static bool ip4_from_text(uint8_t out[4], const char *p, const char *end)
{
	uint8_t bytes[4];

	for (int part = 0; part < 4; ++part) {
		unsigned int value = 0, digits = 0;

		if (part) {
			if (p == end || *p != '.')
				return false;
			++p;
		}
		for (; p != end && *p >= '0' && *p <= '9'; ++p, ++digits) {
			if (digits && !value)
				return false;
			value = value * 10 + (unsigned int)(*p - '0');
			if (value > 255)
				return false;
		}
		if (!digits)
			return false;
		bytes[part] = (uint8_t)value;
	}
	if (p != end)
		return false;
	memcpy(out, bytes, sizeof(bytes));
	return true;
}

static int hex_digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Groups of one to four hex digits separated by `:'; one `::' stands for one or more zero
 * groups; the last 32 bits may be written in dotted decimal.
 */
static bool ip6_from_text(uint8_t out[16], const char *p, const char *end)
{
	uint8_t bytes[16] = { 0 };
	const char *group = p;
	unsigned int value = 0, digits = 0;
	size_t n = 0, gap = SIZE_MAX;

	/* a leading `:' only as the first of a `::' */
	if (p != end && *p == ':') {
		if (p + 1 == end || p[1] != ':')
			return false;
		++p;
	}
	while (p != end) {
		char c = *p++;
		int digit = hex_digit_value(c);

		if (digit >= 0) {
			if (digits == 4)
				return false;
			value = value << 4 | (unsigned int)digit;
			++digits;
		} else if (c == ':') {
			group = p;
			if (!digits) {
				if (gap != SIZE_MAX)
					return false;
				gap = n;
				continue;
			}
			/* a group ends only where another follows */
			if (p == end || n + 2 > sizeof(bytes))
				return false;
			bytes[n++] = (uint8_t)(value >> 8);
			bytes[n++] = (uint8_t)value;
			value = digits = 0;
		} else if (c == '.' && n + 4 <= sizeof(bytes) && ip4_from_text(&bytes[n], group, end)) {
			/* the dotted quad runs from the start of its group to the end */
			n += 4;
			digits = 0;
			break;
		} else {
			return false;
		}
	}
	if (digits) {
		if (n + 2 > sizeof(bytes))
			return false;
		bytes[n++] = (uint8_t)(value >> 8);
		bytes[n++] = (uint8_t)value;
	}
	if (gap != SIZE_MAX) {
		size_t tail = n - gap;

		if (n == sizeof(bytes))
			return false;
		memmove(&bytes[sizeof(bytes) - tail], &bytes[gap], tail);
		memset(&bytes[gap], 0, sizeof(bytes) - n);
		n = sizeof(bytes);
	}
	if (n != sizeof(bytes))
		return false;
	memcpy(out, bytes, sizeof(bytes));
	return true;
}

bool address_from_text(int family, const char *text, size_t len, void *out)
{
	if (family == AF_INET)
		return ip4_from_text(out, text, text + len);
	if (family == AF_INET6)
		return ip6_from_text(out, text, text + len);
	return false;
}
