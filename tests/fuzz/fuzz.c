/* SPDX-License-Identifier: GPL-2.0-only */
/* fuzz.c: helpers shared by the fuzz targets, and a resolver that never leaves the machine. */
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "netlink.h"
#include "print.h"
#include "secret.h"
#include "uapi.h"

#define FUZZ_FAMILY 0x20   /* any generic-netlink family id will do */
#define FUZZ_MSG_SIZE 4096 /* small messages make the builder split peers often */

/*
 * Linked with -Wl,--wrap=getaddrinfo: endpoints are parsed with numeric hosts only, so a
 * fuzzer that writes a host name gets an answer at once instead of waiting for DNS.
 */
int __real_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		       struct addrinfo **res);

int __wrap_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		       struct addrinfo **res)
{
	struct addrinfo numeric = { 0 };

	if (hints)
		numeric = *hints;
	numeric.ai_flags |= AI_NUMERICHOST | AI_NUMERICSERV;
	return __real_getaddrinfo(node, service, &numeric, res);
}

void fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("fuzz: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

static bool printable(unsigned char c, bool multiline)
{
	return (c >= 0x20 && c < 0x7f) || (multiline && (c == '\n' || c == '\t'));
}

static void check_text(const char *what, const char *text, size_t len, bool multiline)
{
	for (size_t i = 0; i < len; ++i) {
		if (printable((unsigned char)text[i], multiline))
			continue;
		/* the report itself shows every byte escaped, so the log stays readable */
		fputs("fuzz: the text: ", stderr);
		for (size_t j = 0; j < len; ++j) {
			unsigned char c = (unsigned char)text[j];

			fprintf(stderr, printable(c, false) && c != '\\' ? "%c" : "\\x%02x", c);
		}
		fputc('\n', stderr);
		fuzz_fail("%s: byte 0x%02x at offset %zu is not printable", what,
			  (unsigned char)text[i], i);
	}
}

void fuzz_check_message(const char *what, const char *message)
{
	if (!*message)
		fuzz_fail("%s: empty message", what);
	check_text(what, message, strlen(message), false);
}

char *fuzz_print_views(const struct wg_device *dev)
{
	char *conf = NULL;

	for (enum view view = VIEW_PRETTY; view <= VIEW_CONF; ++view) {
		struct print_opts opts = { .show_keys = true,
					   .name_column = view != VIEW_CONF,
					   .now = 1700000000 };
		char *text = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&text, &len);

		if (!out)
			fuzz_fail("open_memstream: %s", strerror(errno));
		print_begin(out, view);
		print_device(out, dev, view, &opts, true);
		print_end(out, view);
		if (fclose(out))
			fuzz_fail("printing view %d failed", view);
		check_text("printed device", text, len, true);
		if (view == VIEW_CONF) {
			conf = text;
		} else {
			memzero_explicit(text, len);
			free(text);
		}
	}
	return conf;
}

static void build_uapi_request(const struct wg_device *dev)
{
	struct uapi_writer w = { 0 };
	int ret = uapi_format_set(&w, dev);

	if (ret && ret != -EAFNOSUPPORT)
		fuzz_fail("uapi_format_set: %s", strerror(-ret));
	if (!ret && (w.len < 2 || memcmp(w.buf + w.len - 2, "\n\n", 2)))
		fuzz_fail("a set request that does not end in a blank line");
	uapi_writer_release(&w);
}

static size_t count_parts(const struct wg_device *dev)
{
	size_t n = 1;

	for_each_peer(dev, peer) {
		++n;
		for_each_allowedip(peer, aip)
			++n;
	}
	return n;
}

static void build_netlink_requests(const struct wg_device *dev)
{
	static _Alignas(struct nlmsghdr) uint8_t buf[FUZZ_MSG_SIZE];
	size_t limit = count_parts(dev), messages = 0;
	struct wgnl_set_cursor cur;
	struct nlmsghdr *msg;
	int ret = wgnl_set_begin(&cur, dev);

	if (ret == -EINVAL)
		return;
	if (ret)
		fuzz_fail("wgnl_set_begin: %s", strerror(-ret));
	while ((ret = wgnl_set_next(&cur, buf, sizeof(buf), FUZZ_FAMILY, &msg)) > 0) {
		if (msg->nlmsg_len > sizeof(buf))
			fuzz_fail("a SET message of %u bytes in a %zu-byte buffer", msg->nlmsg_len,
				  sizeof(buf));
		if (++messages > limit)
			fuzz_fail("more SET messages than peers and allowed IPs: %zu", messages);
	}
	if (ret)
		fuzz_fail("wgnl_set_next: %s", strerror(-ret));
	memzero_explicit(buf, sizeof(buf));
}

void fuzz_build_requests(const struct wg_device *dev)
{
	build_uapi_request(dev);
	build_netlink_requests(dev);
}

char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		fuzz_fail("out of memory");
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}
