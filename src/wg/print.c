/* SPDX-License-Identifier: GPL-2.0-only */
/* print.c: one walk over a device, a table of printers for pretty, dump, fields, conf, JSON. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "encoding.h"
#include "format.h"
#include "print.h"
#include "secret.h"

#define RESET "\x1b[0m"
#define BOLD "\x1b[1m"
#define RED "\x1b[31m"
#define GREEN "\x1b[32m"
#define YELLOW "\x1b[33m"
#define CYAN "\x1b[36m"

struct printer_ctx {
	FILE *out;
	const struct print_opts *opts;
	const struct wg_device *dev;
	enum view view;
	bool first; /* the first device the command prints */
};

/* ---- values as text, shared by every view ---- */

/*
 * Text goes out through putc_unlocked, an inline macro that stores into stdio's buffer: the
 * views are made of many short strings, and a library call for each (fputs) cost more than
 * the copying when a dump holds 100,000 peers. Output is single-threaded.
 */
static inline void put_text(const char *text, FILE *out)
{
	while (*text)
		putc_unlocked(*text++, out);
}

static bool has_endpoint(const struct wg_peer *peer)
{
	return peer->endpoint.addr.sa_family == AF_INET ||
	       peer->endpoint.addr.sa_family == AF_INET6;
}

static void put_key(FILE *out, const uint8_t key[WG_KEY_LEN])
{
	char base64[WG_KEY_LEN_BASE64 + 1];

	key_to_base64(base64, key);
	put_text(base64, out);
	memzero_explicit(base64, sizeof(base64));
}

/* The key, or (none) when absent. */
static void put_key_or_none(FILE *out, const uint8_t key[WG_KEY_LEN], bool present)
{
	if (present)
		put_key(out, key);
	else
		put_text("(none)", out);
}

static bool has_psk(const struct wg_peer *peer)
{
	return (peer->flags & PEER_HAS_PRESHARED_KEY) && !key_is_zero(peer->preshared_key);
}

static void put_endpoint_or_none(FILE *out, const struct wg_peer *peer)
{
	char text[ENDPOINT_TEXT_LEN];

	if (!has_endpoint(peer)) {
		put_text("(none)", out);
		return;
	}
	format_endpoint(text, &peer->endpoint);
	put_text(text, out);
}

static void put_u64(FILE *out, uint64_t value)
{
	char text[FORMAT_U64_LEN];

	format_u64(text, value);
	put_text(text, out);
}

static void put_i64(FILE *out, int64_t value)
{
	if (value < 0)
		putc_unlocked('-', out);
	put_u64(out, value < 0 ? 0 - (uint64_t)value : (uint64_t)value);
}

/*
 * Allowed IPs joined by sep; `none' when the list is empty. pre/post wrap each entry; each of
 * sep, slash, pre and post is a few bytes at most (slash may carry colour codes).
 */
static void put_allowedips(FILE *out, const struct wg_peer *peer, const char *sep,
			   const char *slash, const char *none, const char *pre, const char *post)
{
	char entry[INET6_ADDRSTRLEN + FORMAT_U64_LEN + 64];

	if (!peer->first_allowedip) {
		put_text(none, out);
		return;
	}
	for_each_allowedip(peer, aip) {
		char *p = stpcpy(entry, pre);

		p += format_address(p, aip->family, &aip->ip6);
		p = stpcpy(p, slash);
		p += format_u64(p, aip->cidr);
		stpcpy(stpcpy(p, post), aip->next ? sep : "");
		put_text(entry, out);
	}
}

void print_fwmark(FILE *out, uint32_t fwmark)
{
	if (fwmark)
		fprintf(out, "0x%x", fwmark);
	else
		put_text("off", out);
}

void print_keepalive(FILE *out, uint16_t seconds)
{
	if (seconds)
		put_u64(out, seconds);
	else
		put_text("off", out);
}

/* Drops terminal control sequences (ESC [ ... letter) and other control bytes from names. */
static void put_scrubbed(FILE *out, const char *text)
{
	for (const char *p = text; *p; ++p) {
		if (*p == '\x1b' && p[1] == '[') {
			for (p += 2; *p && !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'));
			     ++p)
				;
			if (!*p)
				break;
			continue;
		}
		if ((unsigned char)*p >= 0x20 && *p != 0x7f)
			putc_unlocked(*p, out);
	}
}

/* ---- the pretty view ---- */

static const char *paint(const struct printer_ctx *ctx, const char *code)
{
	return ctx->opts->color ? code : "";
}

static void put_label(const struct printer_ctx *ctx, const char *label)
{
	put_text("  ", ctx->out);
	put_text(paint(ctx, BOLD), ctx->out);
	put_text(label, ctx->out);
	put_text(paint(ctx, RESET), ctx->out);
	put_text(": ", ctx->out);
}

static void put_duration(const struct printer_ctx *ctx, unsigned long long left)
{
	static const struct {
		const char *unit;
		unsigned long long seconds;
	} units[] = {
		{ "year", 365ULL * 24 * 60 * 60 }, { "day", 24 * 60 * 60 }, { "hour", 60 * 60 },
		{ "minute", 60 },		     { "second", 1 },
	};
	bool first = true;

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); ++i) {
		unsigned long long n = left / units[i].seconds;

		if (!n)
			continue;
		left -= n * units[i].seconds;
		fprintf(ctx->out, "%s%llu %s%s%s%s", first ? "" : ", ", n, paint(ctx, CYAN),
			units[i].unit, n == 1 ? "" : "s", paint(ctx, RESET));
		first = false;
	}
}

static void put_bytes(const struct printer_ctx *ctx, uint64_t bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double value = (double)bytes;
	size_t unit = 0;

	if (bytes < 1024) {
		fprintf(ctx->out, "%" PRIu64 " %sB%s", bytes, paint(ctx, CYAN), paint(ctx, RESET));
		return;
	}
	value /= 1024;
	while (value >= 1024 && unit + 1 < sizeof(units) / sizeof(units[0])) {
		value /= 1024;
		++unit;
	}
	fprintf(ctx->out, "%.2f %s%s%s", value, paint(ctx, CYAN), units[unit], paint(ctx, RESET));
}

static void pretty_device(const struct printer_ctx *ctx)
{
	const struct wg_device *dev = ctx->dev;
	FILE *out = ctx->out;

	if (!ctx->first)
		putc_unlocked('\n', out);
	fprintf(out, "%s%s%sinterface%s: %s", paint(ctx, RESET), paint(ctx, GREEN),
		paint(ctx, BOLD), paint(ctx, RESET), paint(ctx, GREEN));
	put_scrubbed(out, dev->name);
	fprintf(out, "%s\n", paint(ctx, RESET));
	if (dev->flags & DEVICE_HAS_PUBLIC_KEY) {
		put_label(ctx, "public key");
		put_key(out, dev->public_key);
		putc_unlocked('\n', out);
	}
	if (dev->flags & DEVICE_HAS_PRIVATE_KEY) {
		put_label(ctx, "private key");
		if (ctx->opts->show_keys)
			put_key(out, dev->private_key);
		else
			put_text("(hidden)", out);
		putc_unlocked('\n', out);
	}
	if (dev->listen_port) {
		put_label(ctx, "listening port");
		fprintf(out, "%u\n", dev->listen_port);
	}
	if (dev->fwmark) {
		put_label(ctx, "fwmark");
		fprintf(out, "0x%x\n", dev->fwmark);
	}
	if (dev->first_peer)
		putc_unlocked('\n', out);
}

/* The age is worked out unsigned: a backend may report any 64-bit time, even INT64_MIN. */
static void pretty_handshake(const struct printer_ctx *ctx, const struct wg_peer *peer)
{
	long long now = ctx->opts->now, sec = peer->last_handshake.sec;

	put_label(ctx, "latest handshake");
	if (sec > now) {
		fprintf(ctx->out, "%s(in the future: the system clock went backwards)%s\n",
			paint(ctx, RED), paint(ctx, RESET));
	} else if (sec == now) {
		put_text("Now\n", ctx->out);
	} else {
		put_duration(ctx, (unsigned long long)now - (unsigned long long)sec);
		put_text(" ago\n", ctx->out);
	}
}

static void pretty_peer(const struct printer_ctx *ctx, const struct wg_peer *peer, bool last)
{
	FILE *out = ctx->out;

	fprintf(out, "%s%speer%s: %s", paint(ctx, YELLOW), paint(ctx, BOLD), paint(ctx, RESET),
		paint(ctx, YELLOW));
	put_key(out, peer->public_key);
	fprintf(out, "%s\n", paint(ctx, RESET));
	if (has_psk(peer)) {
		put_label(ctx, "preshared key");
		if (ctx->opts->show_keys)
			put_key(out, peer->preshared_key);
		else
			put_text("(hidden)", out);
		putc_unlocked('\n', out);
	}
	if (has_endpoint(peer)) {
		put_label(ctx, "endpoint");
		put_endpoint_or_none(out, peer);
		putc_unlocked('\n', out);
	}
	put_label(ctx, "allowed ips");
	put_allowedips(out, peer, ", ", ctx->opts->color ? CYAN "/" RESET : "/", "(none)", "",
		       "");
	putc_unlocked('\n', out);
	if (peer->last_handshake.sec)
		pretty_handshake(ctx, peer);
	if (peer->rx_bytes || peer->tx_bytes) {
		put_label(ctx, "transfer");
		put_bytes(ctx, peer->rx_bytes);
		put_text(" received, ", out);
		put_bytes(ctx, peer->tx_bytes);
		put_text(" sent\n", out);
	}
	if (peer->persistent_keepalive) {
		put_label(ctx, "persistent keepalive");
		put_text("every ", out);
		put_duration(ctx, peer->persistent_keepalive);
		putc_unlocked('\n', out);
	}
	if (!last)
		putc_unlocked('\n', out);
}

/* ---- dump and the single-field views: tab-separated columns ---- */

static void name_column(const struct printer_ctx *ctx)
{
	if (ctx->opts->name_column)
		fprintf(ctx->out, "%s\t", ctx->dev->name);
}

static void fields_device(const struct printer_ctx *ctx)
{
	const struct wg_device *dev = ctx->dev;
	FILE *out = ctx->out;

	switch (ctx->view) {
	case VIEW_DUMP:
		name_column(ctx);
		put_key_or_none(out, dev->private_key, dev->flags & DEVICE_HAS_PRIVATE_KEY);
		putc_unlocked('\t', out);
		put_key_or_none(out, dev->public_key, dev->flags & DEVICE_HAS_PUBLIC_KEY);
		fprintf(out, "\t%u\t", dev->listen_port);
		print_fwmark(out, dev->fwmark);
		break;
	case VIEW_PUBLIC_KEY:
		name_column(ctx);
		put_key_or_none(out, dev->public_key, dev->flags & DEVICE_HAS_PUBLIC_KEY);
		break;
	case VIEW_PRIVATE_KEY:
		name_column(ctx);
		put_key_or_none(out, dev->private_key, dev->flags & DEVICE_HAS_PRIVATE_KEY);
		break;
	case VIEW_LISTEN_PORT:
		name_column(ctx);
		fprintf(out, "%u", dev->listen_port);
		break;
	case VIEW_FWMARK:
		name_column(ctx);
		print_fwmark(out, dev->fwmark);
		break;
	default:
		return; /* views made of peer lines only */
	}
	putc_unlocked('\n', out);
}

static void fields_peer(const struct printer_ctx *ctx, const struct wg_peer *peer, bool last)
{
	FILE *out = ctx->out;

	(void)last;
	switch (ctx->view) {
	case VIEW_PEERS:
	case VIEW_PRESHARED_KEYS:
	case VIEW_ENDPOINTS:
	case VIEW_ALLOWED_IPS:
	case VIEW_LATEST_HANDSHAKES:
	case VIEW_TRANSFER:
	case VIEW_PERSISTENT_KEEPALIVE:
	case VIEW_DUMP:
		break;
	default:
		return;
	}
	name_column(ctx);
	put_key(out, peer->public_key);
	switch (ctx->view) {
	case VIEW_PRESHARED_KEYS:
		putc_unlocked('\t', out);
		put_key_or_none(out, peer->preshared_key, has_psk(peer));
		break;
	case VIEW_ENDPOINTS:
		putc_unlocked('\t', out);
		put_endpoint_or_none(out, peer);
		break;
	case VIEW_ALLOWED_IPS:
		putc_unlocked('\t', out);
		put_allowedips(out, peer, " ", "/", "(none)", "", "");
		break;
	case VIEW_LATEST_HANDSHAKES:
		putc_unlocked('\t', out);
		put_i64(out, peer->last_handshake.sec);
		break;
	case VIEW_TRANSFER:
		putc_unlocked('\t', out);
		put_u64(out, peer->rx_bytes);
		putc_unlocked('\t', out);
		put_u64(out, peer->tx_bytes);
		break;
	case VIEW_PERSISTENT_KEEPALIVE:
		putc_unlocked('\t', out);
		print_keepalive(out, peer->persistent_keepalive);
		break;
	case VIEW_DUMP:
		putc_unlocked('\t', out);
		put_key_or_none(out, peer->preshared_key, has_psk(peer));
		putc_unlocked('\t', out);
		put_endpoint_or_none(out, peer);
		putc_unlocked('\t', out);
		put_allowedips(out, peer, ",", "/", "(none)", "", "");
		putc_unlocked('\t', out);
		put_i64(out, peer->last_handshake.sec);
		putc_unlocked('\t', out);
		put_u64(out, peer->rx_bytes);
		putc_unlocked('\t', out);
		put_u64(out, peer->tx_bytes);
		putc_unlocked('\t', out);
		print_keepalive(out, peer->persistent_keepalive);
		break;
	default:
		break;
	}
	putc_unlocked('\n', out);
}

/* ---- showconf ---- */

static void conf_device(const struct printer_ctx *ctx)
{
	const struct wg_device *dev = ctx->dev;
	FILE *out = ctx->out;

	put_text("[Interface]\n", out);
	if (dev->listen_port)
		fprintf(out, "ListenPort = %u\n", dev->listen_port);
	if (dev->fwmark)
		fprintf(out, "FwMark = 0x%x\n", dev->fwmark);
	if (dev->flags & DEVICE_HAS_PRIVATE_KEY) {
		put_text("PrivateKey = ", out);
		put_key(out, dev->private_key);
		putc_unlocked('\n', out);
	}
	putc_unlocked('\n', out);
}

static void conf_peer(const struct printer_ctx *ctx, const struct wg_peer *peer, bool last)
{
	FILE *out = ctx->out;
	char endpoint[ENDPOINT_TEXT_LEN];

	put_text("[Peer]\nPublicKey = ", out);
	put_key(out, peer->public_key);
	putc_unlocked('\n', out);
	if (has_psk(peer)) {
		put_text("PresharedKey = ", out);
		put_key(out, peer->preshared_key);
		putc_unlocked('\n', out);
	}
	if (peer->first_allowedip) {
		put_text("AllowedIPs = ", out);
		put_allowedips(out, peer, ", ", "/", "", "", "");
		putc_unlocked('\n', out);
	}
	if (has_endpoint(peer) && format_endpoint(endpoint, &peer->endpoint)) {
		put_text("Endpoint = ", out);
		put_text(endpoint, out);
		putc_unlocked('\n', out);
	}
	if (peer->persistent_keepalive) {
		put_text("PersistentKeepalive = ", out);
		put_u64(out, peer->persistent_keepalive);
		putc_unlocked('\n', out);
	}
	if (!last)
		putc_unlocked('\n', out);
}

/* ---- JSON: {"wg0": {..., "peers": {"<public key>": {...}}}} ---- */

void print_json_string(FILE *out, const char *text)
{
	putc_unlocked('"', out);
	for (const unsigned char *p = (const unsigned char *)text; *p; ++p) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\u%04x", *p);
		else
			putc_unlocked(*p, out);
	}
	putc_unlocked('"', out);
}

/* A secret: the key when revealed, "(hidden)" when not, null when absent. */
static void json_secret(const struct printer_ctx *ctx, const uint8_t key[WG_KEY_LEN],
			bool present)
{
	if (!present)
		put_text("null", ctx->out);
	else if (!ctx->opts->show_keys)
		put_text("\"(hidden)\"", ctx->out);
	else {
		putc_unlocked('"', ctx->out);
		put_key(ctx->out, key);
		putc_unlocked('"', ctx->out);
	}
}

static void json_begin(FILE *out)
{
	put_text("{", out);
}

static void json_device(const struct printer_ctx *ctx)
{
	const struct wg_device *dev = ctx->dev;
	FILE *out = ctx->out;

	put_text(ctx->first ? "\n\t" : ",\n\t", out);
	print_json_string(out, dev->name);
	put_text(": {\n\t\t\"privateKey\": ", out);
	json_secret(ctx, dev->private_key, dev->flags & DEVICE_HAS_PRIVATE_KEY);
	put_text(",\n\t\t\"publicKey\": ", out);
	if (dev->flags & DEVICE_HAS_PUBLIC_KEY) {
		putc_unlocked('"', out);
		put_key(out, dev->public_key);
		putc_unlocked('"', out);
	} else {
		put_text("null", out);
	}
	fprintf(out, ",\n\t\t\"listenPort\": %u,\n\t\t\"fwmark\": %u,\n\t\t\"peers\": {",
		dev->listen_port, dev->fwmark);
	put_text(dev->first_peer ? "\n" : "", out);
}

static void json_peer(const struct printer_ctx *ctx, const struct wg_peer *peer, bool last)
{
	FILE *out = ctx->out;

	put_text("\t\t\t\"", out);
	put_key(out, peer->public_key);
	put_text("\": {\n\t\t\t\t\"presharedKey\": ", out);
	json_secret(ctx, peer->preshared_key, has_psk(peer));
	put_text(",\n\t\t\t\t\"endpoint\": ", out);
	if (has_endpoint(peer)) {
		char text[ENDPOINT_TEXT_LEN];

		format_endpoint(text, &peer->endpoint);
		print_json_string(out, text);
	} else {
		put_text("null", out);
	}
	put_text(",\n\t\t\t\t\"allowedIps\": [", out);
	put_allowedips(out, peer, ", ", "/", "", "\"", "\"");
	fprintf(out,
		"],\n\t\t\t\t\"latestHandshake\": %" PRId64 ",\n\t\t\t\t\"transferRx\": %" PRIu64
		",\n\t\t\t\t\"transferTx\": %" PRIu64 ",\n\t\t\t\t\"persistentKeepalive\": %u\n"
		"\t\t\t}%s\n",
		peer->last_handshake.sec, peer->rx_bytes, peer->tx_bytes,
		peer->persistent_keepalive, last ? "" : ",");
}

static void json_device_end(const struct printer_ctx *ctx)
{
	put_text(ctx->dev->first_peer ? "\t\t}\n\t}" : "}\n\t}", ctx->out);
}

static void json_end(FILE *out)
{
	put_text("\n}\n", out);
}

/* ---- the printer table and the one walk ---- */

/* What a view prints: around all devices, for each device and each peer, after a device. */
struct printer {
	void (*begin)(FILE *out); /* any of the hooks may be NULL */
	void (*device)(const struct printer_ctx *ctx);
	void (*peer)(const struct printer_ctx *ctx, const struct wg_peer *peer, bool last);
	void (*device_end)(const struct printer_ctx *ctx);
	void (*end)(FILE *out);
	bool sort_by_handshake;
};

#define COLUMNS { .device = fields_device, .peer = fields_peer }

static const struct printer printers[] = {
	[VIEW_PRETTY] = { .device = pretty_device, .peer = pretty_peer, .sort_by_handshake = true },
	[VIEW_PUBLIC_KEY] = COLUMNS,
	[VIEW_PRIVATE_KEY] = COLUMNS,
	[VIEW_LISTEN_PORT] = COLUMNS,
	[VIEW_FWMARK] = COLUMNS,
	[VIEW_PEERS] = COLUMNS,
	[VIEW_PRESHARED_KEYS] = COLUMNS,
	[VIEW_ENDPOINTS] = COLUMNS,
	[VIEW_ALLOWED_IPS] = COLUMNS,
	[VIEW_LATEST_HANDSHAKES] = COLUMNS,
	[VIEW_TRANSFER] = COLUMNS,
	[VIEW_PERSISTENT_KEEPALIVE] = COLUMNS,
	[VIEW_DUMP] = COLUMNS,
	[VIEW_JSON] = { .begin = json_begin,
			.device = json_device,
			.peer = json_peer,
			.device_end = json_device_end,
			.end = json_end },
	[VIEW_CONF] = { .device = conf_device, .peer = conf_peer },
};
_Static_assert(sizeof(printers) / sizeof(printers[0]) == VIEW_CONF + 1, "a printer per view");

static const char *const view_names[] = {
	[VIEW_PUBLIC_KEY] = "public-key",
	[VIEW_PRIVATE_KEY] = "private-key",
	[VIEW_LISTEN_PORT] = "listen-port",
	[VIEW_FWMARK] = "fwmark",
	[VIEW_PEERS] = "peers",
	[VIEW_PRESHARED_KEYS] = "preshared-keys",
	[VIEW_ENDPOINTS] = "endpoints",
	[VIEW_ALLOWED_IPS] = "allowed-ips",
	[VIEW_LATEST_HANDSHAKES] = "latest-handshakes",
	[VIEW_TRANSFER] = "transfer",
	[VIEW_PERSISTENT_KEEPALIVE] = "persistent-keepalive",
	[VIEW_DUMP] = "dump",
	[VIEW_JSON] = "json",
};

bool view_from_name(const char *name, enum view *view)
{
	for (size_t i = 0; i < sizeof(view_names) / sizeof(view_names[0]); ++i) {
		if (view_names[i] && !strcmp(name, view_names[i])) {
			*view = (enum view)i;
			return true;
		}
	}
	return false;
}

void print_opts_from_env(struct print_opts *opts, FILE *out)
{
	const char *color = getenv("WG_COLOR_MODE"), *hide = getenv("WG_HIDE_KEYS");

	if (color && !strcmp(color, "always"))
		opts->color = true;
	else if (color && !strcmp(color, "never"))
		opts->color = false;
	else
		opts->color = isatty(fileno(out));
	opts->show_keys = hide && !strcmp(hide, "never");
	opts->now = (long long)time(NULL);
}

/* Most recent handshake first; peers never seen last; otherwise as the backend listed them. */
static int compare_handshakes(const void *a, const void *b)
{
	const struct wg_peer *const *x = a, *const *y = b;
	const struct wg_timespec *p = &(*x)->last_handshake, *q = &(*y)->last_handshake;

	if (!p->sec != !q->sec)
		return !p->sec ? 1 : -1;
	if (p->sec != q->sec)
		return p->sec > q->sec ? -1 : 1;
	if (p->nsec != q->nsec)
		return p->nsec > q->nsec ? -1 : 1;
	return x < y ? -1 : x > y;
}

static void walk_peers(const struct printer *printer, const struct printer_ctx *ctx)
{
	const struct wg_device *dev = ctx->dev;
	struct wg_peer **order = NULL;
	size_t n = 0;

	if (printer->sort_by_handshake && dev->peer_count > 1)
		order = malloc(dev->peer_count * sizeof(*order));
	if (!order) {
		for_each_peer(dev, peer)
			printer->peer(ctx, peer, !peer->next);
		return;
	}
	for_each_peer(dev, peer)
		order[n++] = peer;
	qsort(order, n, sizeof(*order), compare_handshakes);
	for (size_t i = 0; i < n; ++i)
		printer->peer(ctx, order[i], i + 1 == n);
	free(order);
}

void print_begin(FILE *out, enum view view)
{
	if (printers[view].begin)
		printers[view].begin(out);
}

void print_device(FILE *out, const struct wg_device *dev, enum view view,
		  const struct print_opts *opts, bool first)
{
	const struct printer *printer = &printers[view];
	struct printer_ctx ctx = {
		.out = out, .opts = opts, .dev = dev, .view = view, .first = first
	};

	printer->device(&ctx);
	walk_peers(printer, &ctx);
	if (printer->device_end)
		printer->device_end(&ctx);
}

void print_end(FILE *out, enum view view)
{
	if (printers[view].end)
		printers[view].end(out);
}
