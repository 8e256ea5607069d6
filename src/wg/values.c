/* SPDX-License-Identifier: GPL-2.0-only */
/* values.c: parsers for keys, ports, fwmarks, keepalives, endpoints, allowed IPs and key files. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "encoding.h"
#include "format.h"
#include "io.h"
#include "secret.h"
#include "values.h"

/* Shorthand for "message: `text'" errors. */
static bool fail_quoting(struct diag *diag, const char *message, const char *text)
{
	char q[QUOTE_LEN];

	diag_error(diag, "%s: %s", message, diag_quote(q, sizeof(q), text));
	return false;
}

bool parse_key(uint8_t key[WG_KEY_LEN], const char *value, struct diag *diag)
{
	if (key_from_base64(key, value))
		return true;
	memzero_explicit(key, WG_KEY_LEN);
	return fail_quoting(diag, "Key is not the correct length or format", value);
}

/*
 * A port number as text: decimal from 0 to 65535, with or without one `+' in front, which the
 * original takes too (its resolver reads ports with strtoul). No other sign, no spaces.
 */
static bool port_from_text(uint16_t *port, const char *text)
{
	uint64_t n;

	if (!u64_from_text(&n, text + (*text == '+'), 65535))
		return false;
	*port = (uint16_t)n;
	return true;
}

bool parse_port(uint16_t *port, const char *value, struct diag *diag)
{
	if (!*value) {
		diag_error(diag, "Port is empty: expected a number from 0 to 65535");
		return false;
	}
	if (!port_from_text(port, value))
		return fail_quoting(diag, "Port must be a number from 0 to 65535", value);
	return true;
}

bool parse_fwmark(uint32_t *fwmark, const char *value, struct diag *diag)
{
	uint64_t n = 0;
	bool ok;

	if (!strcasecmp(value, "off")) {
		*fwmark = 0;
		return true;
	}
	if (value[0] == '0' && value[1] == 'x' && value[2]) {
		const char *p = value + 2;

		ok = true;
		for (; *p && ok; ++p) {
			if (!isxdigit((unsigned char)*p))
				ok = false;
			else
				n = n * 16 + (unsigned)(isdigit((unsigned char)*p) ? *p - '0' :
									 tolower((unsigned char)*p) - 'a' + 10);
			if (n > 0xffffffffULL)
				ok = false;
		}
	} else {
		ok = u64_from_text(&n, value, 0xffffffffULL);
	}
	if (!ok)
		return fail_quoting(diag, "Fwmark must be `off' or a number from 0 to 0xffffffff",
				    value);
	*fwmark = (uint32_t)n;
	return true;
}

bool parse_keepalive(uint16_t *seconds, const char *value, struct diag *diag)
{
	uint64_t n;

	if (!strcasecmp(value, "off")) {
		*seconds = 0;
		return true;
	}
	if (!u64_from_text(&n, value, 65535))
		return fail_quoting(diag,
				    "Persistent keepalive must be `off' or seconds from 0 to 65535",
				    value);
	*seconds = (uint16_t)n;
	return true;
}

/* WG_ENDPOINT_RESOLUTION_RETRIES's text (NULL: unset means 15; `infinity' means forever). */
static bool resolution_retries(int *retries, const char *env, struct diag *diag)
{
	uint64_t n;

	if (!env) {
		*retries = 15;
		return true;
	}
	if (!strcmp(env, "infinity")) {
		*retries = -1;
		return true;
	}
	if (!u64_from_text(&n, env, INT_MAX))
		return fail_quoting(diag,
				    "WG_ENDPOINT_RESOLUTION_RETRIES must be a number or `infinity'",
				    env);
	*retries = (int)n;
	return true;
}

/*
 * A writable copy of a value for the parsers that cut it up: on the stack when it is short, as
 * nearly every value is, so a file of 100,000 peers costs no allocation per value.
 */
struct scratch {
	char *text;
	char short_text[128];
};

static char *scratch_copy(struct scratch *s, const char *value, struct diag *diag)
{
	size_t len = strlen(value);

	s->text = len < sizeof(s->short_text) ? s->short_text : malloc(len + 1);
	if (!s->text) {
		diag_error(diag, "Out of memory");
		return NULL;
	}
	memcpy(s->text, value, len + 1);
	return s->text;
}

static void scratch_free(struct scratch *s)
{
	if (s->text != s->short_text)
		free(s->text);
}

/*
 * A plain address needs no resolver: getaddrinfo would give the same, several times slower,
 * for each of a file's peers. Other forms (inet_aton's 10.1 or 0x0a.0.0.1, a %scope, a name)
 * go through it. This and the other helpers of the per-line parsers are inline: with calls,
 * syncconf of 20,000 peers took 1% more instructions than the code they replaced.
 */
static inline bool plain_address(union wg_endpoint *endpoint, const char *host)
{
	size_t len = strlen(host);

	if (address_from_text(AF_INET, host, len, &endpoint->addr4.sin_addr)) {
		endpoint->addr4.sin_family = AF_INET;
		return true;
	}
	if (address_from_text(AF_INET6, host, len, &endpoint->addr6.sin6_addr)) {
		endpoint->addr6.sin6_family = AF_INET6;
		return true;
	}
	return false;
}

/* The resolver's first answer, if it is an IPv4 or IPv6 socket address; frees the answers. */
static bool take_answer(union wg_endpoint *endpoint, struct addrinfo *result)
{
	bool ok = true;

	if (result->ai_family == AF_INET && result->ai_addrlen == sizeof(struct sockaddr_in))
		memcpy(&endpoint->addr4, result->ai_addr, sizeof(struct sockaddr_in));
	else if (result->ai_family == AF_INET6 &&
		 result->ai_addrlen == sizeof(struct sockaddr_in6))
		memcpy(&endpoint->addr6, result->ai_addr, sizeof(struct sockaddr_in6));
	else
		ok = false;
	freeaddrinfo(result);
	return ok;
}

static bool resolve_host(union wg_endpoint *endpoint, const char *host, const char *value,
			 const char *retries_env, struct diag *diag)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
				  .ai_socktype = SOCK_DGRAM,
				  .ai_protocol = IPPROTO_UDP };
	struct addrinfo *result = NULL;
	double delay = 1.0;
	int retries, ret;

	/* a bad setting fails every endpoint, numeric or not, as in the original */
	if (!resolution_retries(&retries, retries_env, diag))
		return false;
	if (plain_address(endpoint, host))
		return true;
	for (int attempt = 0;; ++attempt) {
		ret = getaddrinfo(host, NULL, &hints, &result);
		if (!ret)
			break;
		if (ret == EAI_NONAME || ret == EAI_FAIL || ret == EAI_NODATA ||
		    (retries >= 0 && attempt >= retries)) {
			char q[QUOTE_LEN];

			diag_error(diag, "Unable to resolve endpoint host: %s: %s",
				   ret == EAI_SYSTEM ? strerror(errno) : gai_strerror(ret),
				   diag_quote(q, sizeof(q), value));
			return false;
		} else {
			char q[QUOTE_LEN];
			struct timespec ts = { .tv_sec = (time_t)delay,
					       .tv_nsec = (long)((delay - (time_t)delay) * 1e9) };

			diag_warn(diag, "%s: %s. Trying again in %.2f seconds...",
				  ret == EAI_SYSTEM ? strerror(errno) : gai_strerror(ret),
				  diag_quote(q, sizeof(q), value), delay);
			nanosleep(&ts, NULL);
			delay = delay * 6 / 5 > 20 ? 20 : delay * 6 / 5;
		}
	}
	if (!take_answer(endpoint, result))
		return fail_quoting(diag, "Endpoint is neither an IPv4 nor an IPv6 address", value);
	return true;
}

enum endpoint_split { SPLIT_OK, SPLIT_NO_BRACKET, SPLIT_NO_PORT };

/* Cuts host:port (at the last `:') or [host]:port in place; the host may be empty. */
static inline enum endpoint_split split_endpoint(char *text, char **host, char **port)
{
	char *end;

	if (text[0] == '[') {
		end = strchr(text, ']');
		if (!end)
			return SPLIT_NO_BRACKET;
		*end = '\0';
		*host = text + 1;
		if (end[1] != ':')
			return SPLIT_NO_PORT;
		*port = end + 2;
	} else {
		end = strrchr(text, ':');
		if (!end)
			return SPLIT_NO_PORT;
		*end = '\0';
		*host = text;
		*port = end + 1;
	}
	return **port ? SPLIT_OK : SPLIT_NO_PORT;
}

static void set_endpoint_port(union wg_endpoint *endpoint, uint16_t port)
{
	if (endpoint->addr.sa_family == AF_INET)
		endpoint->addr4.sin_port = htons(port);
	else
		endpoint->addr6.sin6_port = htons(port);
}

bool parse_endpoint(union wg_endpoint *endpoint, const char *value, const char *retries_env,
		    struct diag *diag)
{
	char *copy, *host = NULL, *port_text;
	enum endpoint_split split;
	struct scratch scratch;
	uint16_t port;
	bool ok = false;

	if (!*value) {
		diag_error(diag, "Endpoint is empty: expected host:port or [IPv6]:port");
		return false;
	}
	copy = scratch_copy(&scratch, value, diag);
	if (!copy)
		return false;
	split = split_endpoint(copy, &host, &port_text);
	if (split == SPLIT_NO_BRACKET) {
		fail_quoting(diag, "Endpoint has no `]' to match its `['", value);
		goto out;
	}
	if (split == SPLIT_NO_PORT || !*host) {
		fail_quoting(diag, "Endpoint needs a host and a port, as host:port or [IPv6]:port",
			     value);
		goto out;
	}
	if (!port_from_text(&port, port_text) || port == 0) {
		fail_quoting(diag, "Endpoint port must be a number from 1 to 65535", value);
		goto out;
	}
	memset(endpoint, 0, sizeof(*endpoint));
	if (!resolve_host(endpoint, host, value, retries_env, diag))
		goto out;
	set_endpoint_port(endpoint, port);
	ok = true;
out:
	scratch_free(&scratch);
	return ok;
}

bool endpoint_from_reply(union wg_endpoint *endpoint, char *text)
{
	struct addrinfo hints = { .ai_family = AF_INET6, .ai_flags = AI_NUMERICHOST };
	struct addrinfo *result;
	char *host, *port_text;
	uint16_t port;

	if (split_endpoint(text, &host, &port_text) != SPLIT_OK ||
	    !port_from_text(&port, port_text))
		return false;
	memset(endpoint, 0, sizeof(*endpoint));
	if (!plain_address(endpoint, host)) {
		/* only an IPv6 address with a %scope is left to the (numeric) resolver */
		if (!strchr(host, '%') || getaddrinfo(host, NULL, &hints, &result))
			return false;
		if (!take_answer(endpoint, result))
			return false;
	}
	set_endpoint_port(endpoint, port);
	return true;
}

/*
 * address/cidr, or a bare address (all bits) unless need_cidr; host bits are kept as written.
 * The text is cut only to quote the address in an error.
 */
static inline bool prefix_from_text(struct wg_allowedip *aip, char *entry, bool need_cidr,
			     struct diag *diag)
{
	char *slash = strchr(entry, '/'), q[QUOTE_LEN];
	size_t len = slash ? (size_t)(slash - entry) : strlen(entry);
	uint64_t cidr;
	int max;

	if (need_cidr && !slash)
		return false;
	aip->family = memchr(entry, ':', len) ? AF_INET6 : AF_INET;
	max = aip->family == AF_INET6 ? 128 : 32;
	if (!address_from_text(aip->family, entry, len, &aip->ip6)) {
		entry[len] = '\0';
		diag_error(diag, "Unable to parse IP address: %s", diag_quote(q, sizeof(q), entry));
		return false;
	}
	if (!slash) {
		aip->cidr = (uint8_t)max;
	} else if (!u64_from_text(&cidr, slash + 1, (unsigned)max)) {
		diag_error(diag, "Prefix length must be a number from 0 to %d: %s", max,
			   diag_quote(q, sizeof(q), slash + 1));
		return false;
	} else {
		aip->cidr = (uint8_t)cidr;
	}
	return true;
}

/* One entry of a user's list: a prefix with host bits set is taken as the prefix, with a word. */
static bool parse_allowedip(struct wg_allowedip *aip, char *entry, struct diag *diag)
{
	char addr[INET6_ADDRSTRLEN], q[QUOTE_LEN];

	if (!prefix_from_text(aip, entry, false, diag))
		return false;
	if (allowedip_mask(aip)) {
		format_address(addr, aip->family, &aip->ip6);
		diag_warn(diag, "Allowed IP %s has host bits set; it stands for %s/%u",
			  diag_quote(q, sizeof(q), entry), addr, aip->cidr);
	}
	return true;
}

bool allowedip_from_reply(struct wg_allowedip *aip, char *text)
{
	struct diag ignored; /* not zero-filled: a reply holds an allowed IP per line */

	ignored.warn = NULL;
	return prefix_from_text(aip, text, true, &ignored);
}

bool parse_allowedips(struct wg_device *dev, struct wg_peer *peer, const char *value,
		      struct diag *diag)
{
	struct scratch scratch;
	char *copy = scratch_copy(&scratch, value, diag), *entry, *next;
	bool ok = false;

	if (!copy)
		return false;
	/* whitespace may stand anywhere: " 10.0.0.0 / 8 , fd00::/64" is one valid list */
	next = copy;
	for (const char *p = value; *p; ++p) {
		if (!is_space(*p))
			*next++ = *p;
	}
	*next = '\0';
	if (!*copy) {
		ok = true;
		goto out;
	}
	for (entry = copy; entry; entry = next) {
		struct wg_allowedip aip = { 0 }, *added;
		uint8_t flags = 0;

		next = strchr(entry, ',');
		if (next)
			*next++ = '\0';
		if (*entry == '+' || *entry == '-') {
			flags = *entry == '-' ? ALLOWEDIP_REMOVE_ME : 0;
			peer->flags &= ~PEER_REPLACE_ALLOWEDIPS;
			++entry;
		}
		if (!*entry) {
			fail_quoting(diag, "Allowed IPs list has an empty entry", value);
			goto out;
		}
		if (!parse_allowedip(&aip, entry, diag))
			goto out;
		added = peer_add_allowedip(dev, peer);
		if (!added) {
			diag_error(diag, "Out of memory");
			goto out;
		}
		aip.flags = flags;
		aip.next = NULL;
		*added = aip;
	}
	ok = true;
out:
	scratch_free(&scratch);
	return ok;
}

bool read_key_file(uint8_t key[WG_KEY_LEN], const char *path, struct diag *diag)
{
	char text[WG_KEY_LEN_BASE64 + 1] = { 0 }, rest[512], q[QUOTE_LEN];
	bool ok = false;
	ssize_t got, n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		diag_error(diag, "Unable to open key file %s: %s", diag_quote(q, sizeof(q), path),
			   strerror(errno));
		return false;
	}
	got = read_full(fd, text, WG_KEY_LEN_BASE64);
	if (got < 0)
		goto read_error;
	if (got == 0 && lseek(fd, 0, SEEK_CUR) == 0) {
		/* an empty file (or /dev/null) asks for the key to be removed */
		memset(key, 0, WG_KEY_LEN);
		ok = true;
		goto out;
	}
	if (got < WG_KEY_LEN_BASE64) {
		diag_error(diag, "Key file %s is too short: expected a 44-character base64 key",
			   diag_quote(q, sizeof(q), path));
		goto out;
	}
	while ((n = read_full(fd, rest, sizeof(rest))) > 0) {
		for (ssize_t i = 0; i < n; ++i) {
			if (!isspace((unsigned char)rest[i])) {
				diag_error(diag,
					   "Key file %s has a character after the key that is not "
					   "whitespace",
					   diag_quote(q, sizeof(q), path));
				goto out;
			}
		}
	}
	if (n < 0)
		goto read_error;
	if (!key_from_base64(key, text)) {
		diag_error(diag, "Key file %s does not hold a valid base64 key",
			   diag_quote(q, sizeof(q), path));
		memzero_explicit(key, WG_KEY_LEN);
		goto out;
	}
	ok = true;
	goto out;
read_error:
	diag_error(diag, "Unable to read key file %s: %s", diag_quote(q, sizeof(q), path),
		   strerror(errno));
out:
	memzero_explicit(text, sizeof(text));
	memzero_explicit(rest, sizeof(rest));
	close(fd);
	return ok;
}

bool check_interface_name(const char *name, struct diag *diag)
{
	char q[QUOTE_LEN];

	if (!*name || strlen(name) >= IFNAMSIZ || !strcmp(name, ".") || !strcmp(name, "..")) {
		diag_error(diag, "Interface name must be 1 to %d bytes: %s", IFNAMSIZ - 1,
			   diag_quote(q, sizeof(q), name));
		return false;
	}
	for (const char *p = name; *p; ++p) {
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p)) {
			diag_error(diag, "Interface name may not contain `/', `:' or spaces: %s",
				   diag_quote(q, sizeof(q), name));
			return false;
		}
	}
	return true;
}
