/* SPDX-License-Identifier: GPL-2.0-only */
/* test_preview.c: `syncconf --dry-run': the difference as lines and as JSON, secrets hidden. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices.h"
#include "encoding.h"
#include "model.h"
#include "preview.h"
#include "sync.h"
#include "test.h"

/* The running device: key 1, port 51820; peer 1 with everything, peer 2 plain, peer 3. */
static struct wg_device *running(void)
{
	struct wg_device *dev = device_new();
	struct wg_peer *p;

	strcpy(dev->name, "wg0");
	dev->flags = DEVICE_HAS_PRIVATE_KEY;
	memset(dev->private_key, 0x11, WG_KEY_LEN);
	dev->listen_port = 51820;
	p = add_peer(dev, 1);
	memset(p->preshared_key, 0x22, WG_KEY_LEN);
	p->endpoint.addr4.sin_family = AF_INET;
	p->endpoint.addr4.sin_port = htons(51820);
	inet_pton(AF_INET, "192.0.2.10", &p->endpoint.addr4.sin_addr);
	p->persistent_keepalive = 25;
	add_ip(dev, p, "10.61.1.0", 24);
	add_ip(dev, p, "fd00::", 64);
	p = add_peer(dev, 2);
	add_ip(dev, p, "10.2.0.0", 16);
	p = add_peer(dev, 3);
	add_ip(dev, p, "10.3.0.0", 16);
	return dev;
}

/* A file's device (setconf semantics) with the same interface and no peers yet. */
static struct wg_device *file_device(void)
{
	struct wg_device *dev = device_new();

	strcpy(dev->name, "wg0");
	dev->flags = DEVICE_HAS_PRIVATE_KEY | DEVICE_HAS_LISTEN_PORT | DEVICE_HAS_FWMARK |
		     DEVICE_REPLACE_PEERS;
	memset(dev->private_key, 0x11, WG_KEY_LEN);
	dev->listen_port = 51820;
	return dev;
}

static struct wg_peer *file_peer(struct wg_device *dev, unsigned n)
{
	struct wg_peer *p = add_peer(dev, n);

	p->flags |= PEER_REPLACE_ALLOWEDIPS;
	return p;
}

/* Peer 2 and 3 as they run. */
static void same_2_and_3(struct wg_device *want)
{
	add_ip(want, file_peer(want, 2), "10.2.0.0", 16);
	add_ip(want, file_peer(want, 3), "10.3.0.0", 16);
}

/* Peer 1 as it runs. */
static struct wg_peer *same_1(struct wg_device *want)
{
	struct wg_peer *p = file_peer(want, 1);

	p->flags |= PEER_HAS_PRESHARED_KEY | PEER_HAS_PERSISTENT_KEEPALIVE;
	memset(p->preshared_key, 0x22, WG_KEY_LEN);
	p->persistent_keepalive = 25;
	add_ip(want, p, "fd00::", 64);
	add_ip(want, p, "10.61.1.0", 24);
	return p;
}

static char *printed(const struct sync_diff *d, bool json)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	preview_print(out, d, "wg0", json);
	fclose(out);
	return text;
}

static char *key_text(unsigned n)
{
	static char base64[4][WG_KEY_LEN_BASE64 + 1];
	uint8_t key[WG_KEY_LEN];

	make_key(key, n);
	key_to_base64(base64[n], key);
	return base64[n];
}

/* Neither secret of the running device, nor a new one (0x33), in any form printed. */
static bool no_secret_in(const char *text)
{
	static const uint8_t bytes[] = { 0x11, 0x22, 0x33, 0x44 };

	for (size_t i = 0; i < sizeof(bytes); ++i) {
		uint8_t key[WG_KEY_LEN];
		char base64[WG_KEY_LEN_BASE64 + 1], hex[WG_KEY_LEN_HEX + 1];

		memset(key, bytes[i], WG_KEY_LEN);
		key_to_base64(base64, key);
		key_to_hex(hex, key);
		if (strstr(text, base64) || strstr(text, hex))
			return false;
	}
	return true;
}

static void done(struct sync_diff *d, struct wg_device *want, struct wg_device *have,
		 char *text, char *json)
{
	free(text);
	free(json);
	sync_diff_free(d);
	device_free(want);
	device_free(have);
}

static void test_unchanged_prints_nothing(void)
{
	struct wg_device *have = running(), *want = file_device();
	struct sync_diff *d;
	char *text, *json;

	same_1(want);
	same_2_and_3(want);
	d = sync_diff_new(want, have);
	EXPECT(d && preview_empty(d));
	text = printed(d, false);
	json = printed(d, true);
	EXPECT_STREQ(text, "");
	EXPECT_STREQ(json, "{\n\t\"interface\": \"wg0\",\n\t\"changes\": []\n}\n");
	done(d, want, have, text, json);
}

/* Every kind of change at once: the lines, in order, and the document. */
static void test_every_change(void)
{
	struct wg_device *have = running(), *want = file_device();
	struct sync_diff *d;
	struct wg_peer *p;
	char *text, *json, want_text[2048], want_json[4096];

	memset(want->private_key, 0x33, WG_KEY_LEN);
	want->listen_port = 51821;
	want->fwmark = 0x1234;
	/* peer 2 goes; peer 1 changes everything; peer 3 stays; peer 0 comes */
	p = file_peer(want, 1);
	p->flags |= PEER_HAS_PERSISTENT_KEEPALIVE;
	p->persistent_keepalive = 0;
	p->endpoint.addr6.sin6_family = AF_INET6;
	p->endpoint.addr6.sin6_port = htons(4444);
	inet_pton(AF_INET6, "2001:db8::9", &p->endpoint.addr6.sin6_addr);
	add_ip(want, p, "10.61.2.0", 24);
	add_ip(want, p, "fd00::", 64);
	add_ip(want, file_peer(want, 3), "10.3.0.0", 16);
	p = file_peer(want, 0);
	p->flags |= PEER_HAS_PRESHARED_KEY | PEER_HAS_PERSISTENT_KEEPALIVE;
	memset(p->preshared_key, 0x44, WG_KEY_LEN);
	p->persistent_keepalive = 5;
	p->endpoint.addr4.sin_family = AF_INET;
	p->endpoint.addr4.sin_port = htons(51820);
	inet_pton(AF_INET, "192.0.2.5", &p->endpoint.addr4.sin_addr);
	add_ip(want, p, "10.99.0.1", 32);
	add_ip(want, p, "fd00:99::1", 128);

	d = sync_diff_new(want, have);
	EXPECT(d && !preview_empty(d));
	text = printed(d, false);
	json = printed(d, true);
	snprintf(want_text, sizeof(want_text),
		 "~ interface  private-key (changed)\n"
		 "~ interface  listen-port 51820 -> 51821\n"
		 "~ interface  fwmark off -> 0x1234\n"
		 "- peer %s\n"
		 "~ peer %s  allowed-ips +10.61.2.0/24 -10.61.1.0/24\n"
		 "~ peer %s  endpoint 192.0.2.10:51820 -> [2001:db8::9]:4444\n"
		 "~ peer %s  persistent-keepalive 25 -> off\n"
		 "~ peer %s  preshared-key (removed)\n"
		 "+ peer %s  allowed-ips 10.99.0.1/32,fd00:99::1/128  endpoint 192.0.2.5:51820"
		 "  persistent-keepalive 5  preshared-key (set)\n",
		 key_text(2), key_text(1), key_text(1), key_text(1), key_text(1), key_text(0));
	EXPECT_STREQ(text, want_text);
	snprintf(want_json, sizeof(want_json),
		 "{\n\t\"interface\": \"wg0\",\n\t\"changes\": [\n"
		 "\t\t{\n\t\t\t\"operation\": \"change\",\n\t\t\t\"peer\": null,\n"
		 "\t\t\t\"fields\": {\n"
		 "\t\t\t\t\"privateKey\": { \"old\": \"(hidden)\", \"new\": \"(hidden)\" },\n"
		 "\t\t\t\t\"listenPort\": { \"old\": 51820, \"new\": 51821 },\n"
		 "\t\t\t\t\"fwmark\": { \"old\": 0, \"new\": 4660 }\n\t\t\t}\n\t\t},\n"
		 "\t\t{\n\t\t\t\"operation\": \"remove\",\n\t\t\t\"peer\": \"%s\",\n"
		 "\t\t\t\"fields\": {\n"
		 "\t\t\t\t\"allowedIps\": { \"added\": [], \"removed\": [\"10.2.0.0/16\"] }\n"
		 "\t\t\t}\n\t\t},\n"
		 "\t\t{\n\t\t\t\"operation\": \"change\",\n\t\t\t\"peer\": \"%s\",\n"
		 "\t\t\t\"fields\": {\n"
		 "\t\t\t\t\"allowedIps\": { \"added\": [\"10.61.2.0/24\"], \"removed\": "
		 "[\"10.61.1.0/24\"] },\n"
		 "\t\t\t\t\"endpoint\": { \"old\": \"192.0.2.10:51820\", \"new\": "
		 "\"[2001:db8::9]:4444\" },\n"
		 "\t\t\t\t\"persistentKeepalive\": { \"old\": 25, \"new\": 0 },\n"
		 "\t\t\t\t\"presharedKey\": { \"old\": \"(hidden)\", \"new\": null }\n"
		 "\t\t\t}\n\t\t},\n"
		 "\t\t{\n\t\t\t\"operation\": \"add\",\n\t\t\t\"peer\": \"%s\",\n"
		 "\t\t\t\"fields\": {\n"
		 "\t\t\t\t\"allowedIps\": { \"added\": [\"10.99.0.1/32\", \"fd00:99::1/128\"], "
		 "\"removed\": [] },\n"
		 "\t\t\t\t\"endpoint\": { \"old\": null, \"new\": \"192.0.2.5:51820\" },\n"
		 "\t\t\t\t\"persistentKeepalive\": { \"old\": 0, \"new\": 5 },\n"
		 "\t\t\t\t\"presharedKey\": { \"old\": null, \"new\": \"(hidden)\" }\n"
		 "\t\t\t}\n\t\t}\n\t]\n}\n",
		 key_text(2), key_text(1), key_text(0));
	EXPECT_STREQ(json, want_json);
	EXPECT(no_secret_in(text) && no_secret_in(json));
	done(d, want, have, text, json);
}

/* A removed peer's document lists all it had; a key set where there was none says (set). */
static void test_removed_peer_and_new_keys(void)
{
	struct wg_device *have = running(), *want = file_device();
	struct sync_diff *d;
	char *text, *json, want_text[512];

	memset(have->private_key, 0, WG_KEY_LEN);
	same_2_and_3(want);
	d = sync_diff_new(want, have);
	text = printed(d, false);
	json = printed(d, true);
	snprintf(want_text, sizeof(want_text), "~ interface  private-key (set)\n- peer %s\n",
		 key_text(1));
	EXPECT_STREQ(text, want_text);
	EXPECT(strstr(json, "\"privateKey\": { \"old\": null, \"new\": \"(hidden)\" }"));
	EXPECT(strstr(json, "\"allowedIps\": { \"added\": [], \"removed\": [\"10.61.1.0/24\", "
			    "\"fd00::/64\"] },\n"
			    "\t\t\t\t\"endpoint\": { \"old\": \"192.0.2.10:51820\", \"new\": null },\n"
			    "\t\t\t\t\"persistentKeepalive\": { \"old\": 25, \"new\": 0 },\n"
			    "\t\t\t\t\"presharedKey\": { \"old\": \"(hidden)\", \"new\": null }\n"));
	EXPECT(no_secret_in(text) && no_secret_in(json));
	done(d, want, have, text, json);
}

/* An endpoint first set on a running peer: old (none) / null. */
static void test_endpoint_set(void)
{
	struct wg_device *have = running(), *want = file_device();
	struct sync_diff *d;
	struct wg_peer *p;
	char *text, *json, want_text[512];

	same_1(want);
	add_ip(want, file_peer(want, 3), "10.3.0.0", 16);
	p = file_peer(want, 2);
	add_ip(want, p, "10.2.0.0", 16);
	p->endpoint.addr4.sin_family = AF_INET;
	p->endpoint.addr4.sin_port = htons(7);
	inet_pton(AF_INET, "198.51.100.1", &p->endpoint.addr4.sin_addr);
	d = sync_diff_new(want, have);
	text = printed(d, false);
	json = printed(d, true);
	snprintf(want_text, sizeof(want_text), "~ peer %s  endpoint (none) -> 198.51.100.1:7\n",
		 key_text(2));
	EXPECT_STREQ(text, want_text);
	EXPECT(strstr(json, "\"endpoint\": { \"old\": null, \"new\": \"198.51.100.1:7\" }"));
	done(d, want, have, text, json);
}

int main(void)
{
	RUN(test_unchanged_prints_nothing);
	RUN(test_every_change);
	RUN(test_removed_peer_and_new_keys);
	RUN(test_endpoint_set);
	TEST_EXIT();
}
