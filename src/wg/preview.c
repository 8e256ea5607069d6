/* SPDX-License-Identifier: GPL-2.0-only */
/* preview.c: the difference syncconf would send, printed instead of sent (`--dry-run'). */
#include <string.h>

#include "encoding.h"
#include "format.h"
#include "preview.h"
#include "print.h"
#include "secret.h"

bool preview_empty(const struct sync_diff *diff)
{
	return !diff->changed && !diff->peer_count;
}

/* ---- values ---- */

static void put_public_key(FILE *out, const uint8_t key[WG_KEY_LEN])
{
	char base64[WG_KEY_LEN_BASE64 + 1];

	key_to_base64(base64, key);
	fputs(base64, out);
}

static void put_prefix(FILE *out, const struct wg_allowedip *a)
{
	char text[INET6_ADDRSTRLEN];

	format_address(text, a->family, &a->ip6);
	fprintf(out, "%s/%u", text, a->cidr);
}

static bool has_endpoint(const union wg_endpoint *e)
{
	return e->addr.sa_family == AF_INET || e->addr.sa_family == AF_INET6;
}

/* The endpoint as show prints it, or NULL when there is none. */
static const char *endpoint_text(char text[ENDPOINT_TEXT_LEN], const union wg_endpoint *e)
{
	if (!has_endpoint(e))
		return NULL;
	format_endpoint(text, e);
	return text;
}

/* What happens to a secret: only that, never its value. */
static const char *secret_change(const uint8_t old[WG_KEY_LEN], const uint8_t new[WG_KEY_LEN])
{
	if (key_is_zero(old))
		return "(set)";
	return key_is_zero(new) ? "(removed)" : "(changed)";
}

/* ---- lines ---- */

static void text_interface(FILE *out, const struct sync_diff *diff)
{
	if (diff->changed & SYNC_PRIVATE_KEY)
		fprintf(out, "~ interface  private-key %s\n",
			secret_change(diff->old.private_key, diff->new.private_key));
	if (diff->changed & SYNC_LISTEN_PORT)
		fprintf(out, "~ interface  listen-port %u -> %u\n", diff->old.listen_port,
			diff->new.listen_port);
	if (diff->changed & SYNC_FWMARK) {
		fputs("~ interface  fwmark ", out);
		print_fwmark(out, diff->old.fwmark);
		fputs(" -> ", out);
		print_fwmark(out, diff->new.fwmark);
		fputc('\n', out);
	}
}

/* A new peer's allowed IPs, as `wg set' takes them: a,b,c. */
static void text_list(FILE *out, const struct wg_allowedip *first)
{
	for (const struct wg_allowedip *a = first; a; a = a->next) {
		put_prefix(out, a);
		if (a->next)
			fputc(',', out);
	}
}

static void text_added(FILE *out, const struct sync_peer *p)
{
	char text[ENDPOINT_TEXT_LEN];

	fputs("+ peer ", out);
	put_public_key(out, p->public_key);
	if (p->added) {
		fputs("  allowed-ips ", out);
		text_list(out, p->added);
	}
	if (p->changed & SYNC_ENDPOINT)
		fprintf(out, "  endpoint %s", endpoint_text(text, &p->new.endpoint));
	if (p->changed & SYNC_PERSISTENT_KEEPALIVE)
		fprintf(out, "  persistent-keepalive %u", p->new.persistent_keepalive);
	if (p->changed & SYNC_PRESHARED_KEY)
		fputs("  preshared-key (set)", out);
	fputc('\n', out);
}

static void text_field(FILE *out, const struct sync_peer *p, const char *field)
{
	fputs("~ peer ", out);
	put_public_key(out, p->public_key);
	fprintf(out, "  %s ", field);
}

static void text_changed(FILE *out, const struct sync_peer *p)
{
	char old[ENDPOINT_TEXT_LEN], new[ENDPOINT_TEXT_LEN];
	const char *old_text;

	if (p->changed & SYNC_ALLOWEDIPS) {
		text_field(out, p, "allowed-ips");
		for (const struct wg_allowedip *a = p->added; a; a = a->next) {
			fputc('+', out);
			put_prefix(out, a);
			fputs(a->next || p->removed ? " " : "", out);
		}
		for (const struct wg_allowedip *a = p->removed; a; a = a->next) {
			fputc('-', out);
			put_prefix(out, a);
			fputs(a->next ? " " : "", out);
		}
		fputc('\n', out);
	}
	if (p->changed & SYNC_ENDPOINT) {
		old_text = endpoint_text(old, &p->old.endpoint);
		text_field(out, p, "endpoint");
		fprintf(out, "%s -> %s\n", old_text ? old_text : "(none)",
			endpoint_text(new, &p->new.endpoint));
	}
	if (p->changed & SYNC_PERSISTENT_KEEPALIVE) {
		text_field(out, p, "persistent-keepalive");
		print_keepalive(out, p->old.persistent_keepalive);
		fputs(" -> ", out);
		print_keepalive(out, p->new.persistent_keepalive);
		fputc('\n', out);
	}
	if (p->changed & SYNC_PRESHARED_KEY) {
		text_field(out, p, "preshared-key");
		fprintf(out, "%s\n",
			secret_change(p->old.preshared_key, p->new.preshared_key));
	}
}

static void print_text(FILE *out, const struct sync_diff *diff)
{
	text_interface(out, diff);
	for_each_sync_peer(diff, p) {
		if (p->change == SYNC_PEER_REMOVED) {
			fputs("- peer ", out);
			put_public_key(out, p->public_key);
			fputc('\n', out);
		} else if (p->change == SYNC_PEER_ADDED) {
			text_added(out, p);
		} else {
			text_changed(out, p);
		}
	}
}

/* ---- JSON ---- */

/* Fields of one change, each {"old": ..., "new": ...}, separated as they come. */
struct json_fields {
	FILE *out;
	bool any;
};

static void json_field(struct json_fields *f, const char *name)
{
	fprintf(f->out, "%s\n\t\t\t\t\"%s\": ", f->any ? "," : "", name);
	f->any = true;
}

/* A string, or null. */
static void json_string_or_null(FILE *out, const char *text)
{
	if (text)
		print_json_string(out, text);
	else
		fputs("null", out);
}

static void json_numbers(struct json_fields *f, const char *name, unsigned long old,
			 unsigned long new)
{
	json_field(f, name);
	fprintf(f->out, "{ \"old\": %lu, \"new\": %lu }", old, new);
}

static void json_secret(struct json_fields *f, const char *name, const uint8_t old[WG_KEY_LEN],
			const uint8_t new[WG_KEY_LEN])
{
	json_field(f, name);
	fprintf(f->out, "{ \"old\": %s, \"new\": %s }", key_is_zero(old) ? "null" : "\"(hidden)\"",
		key_is_zero(new) ? "null" : "\"(hidden)\"");
}

static void json_endpoints(struct json_fields *f, const union wg_endpoint *old,
			   const union wg_endpoint *new)
{
	char text[ENDPOINT_TEXT_LEN];

	json_field(f, "endpoint");
	fputs("{ \"old\": ", f->out);
	json_string_or_null(f->out, endpoint_text(text, old));
	fputs(", \"new\": ", f->out);
	json_string_or_null(f->out, endpoint_text(text, new));
	fputs(" }", f->out);
}

static void json_list(FILE *out, const struct wg_allowedip *first)
{
	fputc('[', out);
	for (const struct wg_allowedip *a = first; a; a = a->next) {
		fputc('"', out);
		put_prefix(out, a);
		fputs(a->next ? "\", " : "\"", out);
	}
	fputc(']', out);
}

static void json_allowedips(struct json_fields *f, const struct sync_peer *p)
{
	json_field(f, "allowedIps");
	fputs("{ \"added\": ", f->out);
	json_list(f->out, p->added);
	fputs(", \"removed\": ", f->out);
	json_list(f->out, p->removed);
	fputs(" }", f->out);
}

/* A removed peer: everything it had goes. */
static void json_removed_fields(struct json_fields *f, const struct sync_peer *p)
{
	static const struct sync_settings none;

	if (p->removed)
		json_allowedips(f, p);
	if (has_endpoint(&p->old.endpoint))
		json_endpoints(f, &p->old.endpoint, &none.endpoint);
	if (p->old.persistent_keepalive)
		json_numbers(f, "persistentKeepalive", p->old.persistent_keepalive, 0);
	if (!key_is_zero(p->old.preshared_key))
		json_secret(f, "presharedKey", p->old.preshared_key, none.preshared_key);
}

/* An added or changed peer: what differs (for an added one, what the file sets). */
static void json_peer_fields(struct json_fields *f, const struct sync_peer *p)
{
	if (p->changed & SYNC_ALLOWEDIPS)
		json_allowedips(f, p);
	if (p->changed & SYNC_ENDPOINT)
		json_endpoints(f, &p->old.endpoint, &p->new.endpoint);
	if (p->changed & SYNC_PERSISTENT_KEEPALIVE)
		json_numbers(f, "persistentKeepalive", p->old.persistent_keepalive,
			     p->new.persistent_keepalive);
	if (p->changed & SYNC_PRESHARED_KEY)
		json_secret(f, "presharedKey", p->old.preshared_key, p->new.preshared_key);
}

static void json_change_begin(FILE *out, bool *first, const char *operation,
			      const uint8_t *public_key)
{
	fprintf(out, "%s\n\t\t{\n\t\t\t\"operation\": \"%s\",\n\t\t\t\"peer\": ", *first ? "" : ",",
		operation);
	*first = false;
	if (public_key) {
		fputc('"', out);
		put_public_key(out, public_key);
		fputc('"', out);
	} else {
		fputs("null", out);
	}
	fputs(",\n\t\t\t\"fields\": {", out);
}

static void json_change_end(const struct json_fields *f)
{
	fputs(f->any ? "\n\t\t\t}\n\t\t}" : "}\n\t\t}", f->out);
}

static void print_json(FILE *out, const struct sync_diff *diff, const char *ifname)
{
	static const char *const operations[] = {
		[SYNC_PEER_REMOVED] = "remove",
		[SYNC_PEER_ADDED] = "add",
		[SYNC_PEER_CHANGED] = "change",
	};
	bool first = true;

	fputs("{\n\t\"interface\": ", out);
	print_json_string(out, ifname);
	fputs(",\n\t\"changes\": [", out);
	if (diff->changed) {
		struct json_fields f = { .out = out };

		json_change_begin(out, &first, "change", NULL);
		if (diff->changed & SYNC_PRIVATE_KEY)
			json_secret(&f, "privateKey", diff->old.private_key, diff->new.private_key);
		if (diff->changed & SYNC_LISTEN_PORT)
			json_numbers(&f, "listenPort", diff->old.listen_port, diff->new.listen_port);
		if (diff->changed & SYNC_FWMARK)
			json_numbers(&f, "fwmark", diff->old.fwmark, diff->new.fwmark);
		json_change_end(&f);
	}
	for_each_sync_peer(diff, p) {
		struct json_fields f = { .out = out };

		json_change_begin(out, &first, operations[p->change], p->public_key);
		if (p->change == SYNC_PEER_REMOVED)
			json_removed_fields(&f, p);
		else
			json_peer_fields(&f, p);
		json_change_end(&f);
	}
	fputs(first ? "]\n}\n" : "\n\t]\n}\n", out);
}

void preview_print(FILE *out, const struct sync_diff *diff, const char *ifname, bool json)
{
	if (json)
		print_json(out, diff, ifname);
	else
		print_text(out, diff);
}
