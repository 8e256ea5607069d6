/* SPDX-License-Identifier: GPL-2.0-only */
/* test_print.c: the pretty view (order, humanized times and sizes, colour, hidden keys), dump,
 * single fields and JSON, on a device built in memory. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encoding.h"
#include "print.h"
#include "test.h"

#define NOW 1700000000LL

static char k_priv[45], k_pub[45], k_a[45], k_b[45], k_c[45], k_psk[45];

static void set_key(uint8_t key[WG_KEY_LEN], char text[45], uint8_t fill)
{
	memset(key, fill, WG_KEY_LEN);
	key_to_base64(text, key);
}

static struct wg_device *sample(void)
{
	struct wg_device *dev = device_new();
	struct wg_peer *a, *b, *c;
	struct wg_allowedip *aip;

	strcpy(dev->name, "wg0");
	dev->flags = DEVICE_HAS_PRIVATE_KEY | DEVICE_HAS_PUBLIC_KEY;
	set_key(dev->private_key, k_priv, 0x11);
	set_key(dev->public_key, k_pub, 0x22);
	dev->listen_port = 51820;
	dev->fwmark = 0xca6c;

	a = device_add_peer(dev);
	set_key(a->public_key, k_a, 0xaa);
	a->last_handshake.sec = NOW - 65;
	a->rx_bytes = 1536;
	a->tx_bytes = 100;
	aip = peer_add_allowedip(dev, a);
	aip->family = AF_INET;
	inet_pton(AF_INET, "10.0.0.0", &aip->ip4);
	aip->cidr = 24;
	aip = peer_add_allowedip(dev, a);
	aip->family = AF_INET6;
	inet_pton(AF_INET6, "fd00::", &aip->ip6);
	aip->cidr = 64;
	a->endpoint.addr4.sin_family = AF_INET;
	a->endpoint.addr4.sin_port = htons(51820);
	inet_pton(AF_INET, "192.0.2.1", &a->endpoint.addr4.sin_addr);

	b = device_add_peer(dev);
	set_key(b->public_key, k_b, 0xbb);
	b->persistent_keepalive = 3725;
	b->endpoint.addr6.sin6_family = AF_INET6;
	b->endpoint.addr6.sin6_port = htons(443);
	inet_pton(AF_INET6, "2001:db8::1", &b->endpoint.addr6.sin6_addr);

	c = device_add_peer(dev);
	set_key(c->public_key, k_c, 0xcc);
	c->flags = PEER_HAS_PRESHARED_KEY;
	set_key(c->preshared_key, k_psk, 0x33);
	c->last_handshake.sec = NOW - 10;
	c->rx_bytes = 5ULL * 1024 * 1024 * 1024 * 1024 * 1024; /* beyond TiB stays TiB */
	c->tx_bytes = 3 * 1024 * 1024 + 512 * 1024;
	return dev;
}

static char *render(const struct wg_device *dev, enum view view, const struct print_opts *opts)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	print_begin(f, view);
	print_device(f, dev, view, opts, true);
	print_end(f, view);
	fclose(f);
	return out;
}

static void test_pretty(void)
{
	struct wg_device *dev = sample();
	struct print_opts opts = { .now = NOW };
	char expected[4096], *got;

	snprintf(expected, sizeof(expected),
		 "interface: wg0\n"
		 "  public key: %s\n"
		 "  private key: (hidden)\n"
		 "  listening port: 51820\n"
		 "  fwmark: 0xca6c\n"
		 "\n"
		 "peer: %s\n"
		 "  preshared key: (hidden)\n"
		 "  allowed ips: (none)\n"
		 "  latest handshake: 10 seconds ago\n"
		 "  transfer: 5120.00 TiB received, 3.50 MiB sent\n"
		 "\n"
		 "peer: %s\n"
		 "  endpoint: 192.0.2.1:51820\n"
		 "  allowed ips: 10.0.0.0/24, fd00::/64\n"
		 "  latest handshake: 1 minute, 5 seconds ago\n"
		 "  transfer: 1.50 KiB received, 100 B sent\n"
		 "\n"
		 "peer: %s\n"
		 "  endpoint: [2001:db8::1]:443\n"
		 "  allowed ips: (none)\n"
		 "  persistent keepalive: every 1 hour, 2 minutes, 5 seconds\n",
		 k_pub, k_c, k_a, k_b);
	got = render(dev, VIEW_PRETTY, &opts);
	EXPECT_STREQ(got, expected);
	free(got);
	device_free(dev);
}

static void test_pretty_keys_and_colour(void)
{
	struct wg_device *dev = sample();
	struct print_opts opts = { .now = NOW, .show_keys = true, .color = true };
	char *got = render(dev, VIEW_PRETTY, &opts), line[256];

	snprintf(line, sizeof(line), "  \x1b[1mprivate key\x1b[0m: %s\n", k_priv);
	EXPECT(strstr(got, line) != NULL);
	snprintf(line, sizeof(line), "  \x1b[1mpreshared key\x1b[0m: %s\n", k_psk);
	EXPECT(strstr(got, line) != NULL);
	EXPECT(!strncmp(got, "\x1b[0m\x1b[32m\x1b[1minterface\x1b[0m: \x1b[32mwg0\x1b[0m\n", 37));
	EXPECT(strstr(got, "10.0.0.0\x1b[36m/\x1b[0m24, fd00::\x1b[36m/\x1b[0m64") != NULL);
	EXPECT(strstr(got, "1 \x1b[36mminute\x1b[0m, 5 \x1b[36mseconds\x1b[0m ago") != NULL);
	EXPECT(strstr(got, "1.50 \x1b[36mKiB\x1b[0m received, 100 \x1b[36mB\x1b[0m sent") != NULL);
	free(got);
	device_free(dev);
}

static void test_handshake_edges(void)
{
	struct wg_device *dev = sample();
	struct print_opts opts = { .now = NOW };
	char *got;

	dev->first_peer->last_handshake.sec = NOW;
	dev->first_peer->next->next->last_handshake.sec = NOW + 5;
	got = render(dev, VIEW_PRETTY, &opts);
	EXPECT(strstr(got, "  latest handshake: Now\n") != NULL);
	EXPECT(strstr(got, "  latest handshake: (in the future") != NULL);
	free(got);
	dev->first_peer->last_handshake.sec = NOW - (2 * 365 * 86400LL + 86400 + 1);
	got = render(dev, VIEW_PRETTY, &opts);
	EXPECT(strstr(got, "  latest handshake: 2 years, 1 day, 1 second ago\n") != NULL);
	free(got);
	/* any 64-bit time may come from a backend: the age must not overflow */
	dev->first_peer->last_handshake.sec = INT64_MIN;
	got = render(dev, VIEW_PRETTY, &opts);
	EXPECT(strstr(got, "  latest handshake: 292471208731 years, 161 days, 13 hours, "
			   "43 minutes, 28 seconds ago\n") != NULL);
	free(got);
	device_free(dev);
}

static void test_dump(void)
{
	struct wg_device *dev = sample();
	struct print_opts opts = { .now = NOW };
	char expected[4096], *got;

	snprintf(expected, sizeof(expected),
		 "%s\t%s\t51820\t0xca6c\n"
		 "%s\t(none)\t192.0.2.1:51820\t10.0.0.0/24,fd00::/64\t%lld\t1536\t100\toff\n"
		 "%s\t(none)\t[2001:db8::1]:443\t(none)\t0\t0\t0\t3725\n"
		 "%s\t%s\t(none)\t(none)\t%lld\t5629499534213120\t3670016\toff\n",
		 k_priv, k_pub, k_a, NOW - 65, k_b, k_c, k_psk, NOW - 10);
	got = render(dev, VIEW_DUMP, &opts);
	EXPECT_STREQ(got, expected);
	free(got);
	opts.name_column = true;
	got = render(dev, VIEW_LISTEN_PORT, &opts);
	EXPECT_STREQ(got, "wg0\t51820\n");
	free(got);
	device_free(dev);
}

static void test_fields(void)
{
	struct wg_device *dev = sample();
	struct print_opts opts = { .now = NOW };
	char expected[1024], *got;

	got = render(dev, VIEW_FWMARK, &opts);
	EXPECT_STREQ(got, "0xca6c\n");
	free(got);
	snprintf(expected, sizeof(expected), "%s\t10.0.0.0/24 fd00::/64\n%s\t(none)\n%s\t(none)\n",
		 k_a, k_b, k_c);
	got = render(dev, VIEW_ALLOWED_IPS, &opts);
	EXPECT_STREQ(got, expected);
	free(got);
	snprintf(expected, sizeof(expected), "%s\toff\n%s\t3725\n%s\toff\n", k_a, k_b, k_c);
	got = render(dev, VIEW_PERSISTENT_KEEPALIVE, &opts);
	EXPECT_STREQ(got, expected);
	free(got);
	dev->fwmark = 0;
	dev->flags = 0;
	got = render(dev, VIEW_FWMARK, &opts);
	EXPECT_STREQ(got, "off\n");
	free(got);
	got = render(dev, VIEW_PRIVATE_KEY, &opts);
	EXPECT_STREQ(got, "(none)\n");
	free(got);
	device_free(dev);
}

static void test_json(void)
{
	struct wg_device *dev = sample();
	struct print_opts opts = { .now = NOW };
	char *got = render(dev, VIEW_JSON, &opts), needle[256];

	EXPECT(!strncmp(got, "{\n\t\"wg0\": {\n\t\t\"privateKey\": \"(hidden)\",", 38));
	snprintf(needle, sizeof(needle), "\"%s\": {\n\t\t\t\t\"presharedKey\": \"(hidden)\"", k_c);
	EXPECT(strstr(got, needle) != NULL);
	EXPECT(strstr(got, "\"allowedIps\": [\"10.0.0.0/24\", \"fd00::/64\"]") != NULL);
	EXPECT(strstr(got, "\"endpoint\": \"[2001:db8::1]:443\"") != NULL);
	EXPECT(strstr(got, "\"persistentKeepalive\": 3725") != NULL);
	EXPECT(strstr(got, "\"listenPort\": 51820,\n\t\t\"fwmark\": 51820,") != NULL);
	EXPECT(got[strlen(got) - 2] == '}');
	free(got);
	device_free(dev);
}

static void test_scrubbed_name(void)
{
	struct wg_device *dev = device_new();
	struct print_opts opts = { .now = NOW };
	char *got;

	strcpy(dev->name, "a\x1b[31mb");
	got = render(dev, VIEW_PRETTY, &opts);
	EXPECT_STREQ(got, "interface: ab\n");
	free(got);
	device_free(dev);
}

/* Two devices, the second without peers: what goes between and around them, per view. */
static char *render_two(enum view view, const struct print_opts *opts)
{
	struct wg_device *one = device_new(), *two = device_new();
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	strcpy(one->name, "a");
	strcpy(two->name, "b");
	set_key(device_add_peer(one)->public_key, k_a, 0xaa);
	print_begin(f, view);
	print_device(f, one, view, opts, true);
	print_device(f, two, view, opts, false);
	print_end(f, view);
	fclose(f);
	device_free(one);
	device_free(two);
	return out;
}

static void test_between_devices(void)
{
	struct print_opts opts = { .now = NOW };
	char expected[1024], *got;

	got = render_two(VIEW_PRETTY, &opts);
	snprintf(expected, sizeof(expected),
		 "interface: a\n\npeer: %s\n  allowed ips: (none)\n\ninterface: b\n", k_a);
	EXPECT_STREQ(got, expected);
	free(got);
	got = render_two(VIEW_JSON, &opts);
	snprintf(expected, sizeof(expected),
		 "{\n\t\"a\": {\n\t\t\"privateKey\": null,\n\t\t\"publicKey\": null,\n"
		 "\t\t\"listenPort\": 0,\n\t\t\"fwmark\": 0,\n\t\t\"peers\": {\n"
		 "\t\t\t\"%s\": {\n\t\t\t\t\"presharedKey\": null,\n"
		 "\t\t\t\t\"endpoint\": null,\n\t\t\t\t\"allowedIps\": [],\n"
		 "\t\t\t\t\"latestHandshake\": 0,\n\t\t\t\t\"transferRx\": 0,\n"
		 "\t\t\t\t\"transferTx\": 0,\n\t\t\t\t\"persistentKeepalive\": 0\n"
		 "\t\t\t}\n\t\t}\n\t},\n\t\"b\": {\n\t\t\"privateKey\": null,\n"
		 "\t\t\"publicKey\": null,\n\t\t\"listenPort\": 0,\n\t\t\"fwmark\": 0,\n"
		 "\t\t\"peers\": {}\n\t}\n}\n",
		 k_a);
	EXPECT_STREQ(got, expected);
	free(got);
	got = render_two(VIEW_PEERS, &opts);
	snprintf(expected, sizeof(expected), "%s\n", k_a);
	EXPECT_STREQ(got, expected);
	free(got);
}

int main(void)
{
	RUN(test_pretty);
	RUN(test_pretty_keys_and_colour);
	RUN(test_handshake_edges);
	RUN(test_dump);
	RUN(test_fields);
	RUN(test_json);
	RUN(test_scrubbed_name);
	RUN(test_between_devices);
	TEST_EXIT();
}
