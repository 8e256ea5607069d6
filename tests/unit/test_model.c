/* SPDX-License-Identifier: GPL-2.0-only */
/* test_model.c: the model's allocation, copies, split-peer merging and prefix helpers. */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "devices.h"
#include "model.h"
#include "test.h"

static void test_many_peers(void)
{
	struct wg_device *dev = device_new();
	size_t n = 0;

	for (unsigned i = 0; i < 100000; ++i) {
		struct wg_peer *peer = add_peer(dev, i);

		add_ip(dev, peer, "10.0.0.0", 8);
		add_ip(dev, peer, "fd00::", 64);
	}
	for_each_peer(dev, peer) {
		n += count_ips(peer);
	}
	EXPECT(dev->peer_count == 100000);
	EXPECT(n == 200000);
	device_free(dev);
}

static void test_merge_split_peers(void)
{
	struct wg_device *dev = device_new();
	struct wg_peer *a = add_peer(dev, 1), *a2, *b, *b2, *b3;

	add_ip(dev, a, "10.0.0.1", 32);
	a2 = add_peer(dev, 1);
	add_ip(dev, a2, "10.0.0.2", 32);
	b = add_peer(dev, 2);
	b2 = add_peer(dev, 2);
	add_ip(dev, b2, "10.0.0.3", 32);
	b3 = add_peer(dev, 2);
	add_ip(dev, b3, "10.0.0.4", 32);
	device_merge_split_peers(dev);
	EXPECT(dev->peer_count == 2);
	EXPECT(dev->first_peer == a && a->next == b && dev->last_peer == b && !b->next);
	EXPECT(count_ips(a) == 2 && count_ips(b) == 2);
	EXPECT(peer_last_allowedip(b)->ip4.s_addr == htonl(0x0a000004));
	device_free(dev);
}

static void test_allowedip_helpers(void)
{
	struct wg_device *dev = device_new();
	struct wg_peer *p = add_peer(dev, 1);
	struct wg_allowedip *x = add_ip(dev, p, "10.1.2.3", 8), *y = add_ip(dev, p, "10.9.9.9", 8);
	struct wg_allowedip *z = add_ip(dev, p, "fd00::1", 127), *w = add_ip(dev, p, "fd00::", 127);

	EXPECT(allowedip_equal(x, y));
	EXPECT(allowedip_equal(z, w));
	EXPECT(allowedip_mask(x));
	EXPECT(x->ip4.s_addr == htonl(0x0a000000));
	EXPECT(!allowedip_mask(x));
	EXPECT(!allowedip_mask(w));
	x->cidr = 9;
	EXPECT(!allowedip_equal(x, y));
	device_free(dev);
}

/* allowedip_equal against a bit-by-bit comparison, for every prefix length of both families. */
static bool equal_bitwise(const struct wg_allowedip *a, const struct wg_allowedip *b)
{
	const uint8_t *x = (const uint8_t *)&a->ip6, *y = (const uint8_t *)&b->ip6;
	unsigned int bits = a->family == AF_INET6 ? 128 : 32;

	if (a->family != b->family || a->cidr != b->cidr)
		return false;
	for (unsigned int i = 0; i < a->cidr && i < bits; ++i) {
		if ((x[i / 8] ^ y[i / 8]) & (0x80 >> (i % 8)))
			return false;
	}
	return true;
}

static void test_allowedip_equal_bitwise(void)
{
	uint64_t state = 3;
	int failures = 0;

	for (int round = 0; round < 200000; ++round) {
		struct wg_allowedip a = { 0 }, b;
		uint8_t *bytes = (uint8_t *)&a.ip6;

		a.family = round & 1 ? AF_INET6 : AF_INET;
		for (size_t i = 0; i < sizeof(a.ip6); ++i) {
			state = state * 6364136223846793005ULL + 1442695040888963407ULL;
			bytes[i] = (uint8_t)(state >> 40);
		}
		a.cidr = (uint8_t)((state >> 20) % (a.family == AF_INET6 ? 131 : 35));
		b = a;
		/* flip one bit somewhere, or change nothing */
		if (state >> 60)
			((uint8_t *)&b.ip6)[(state >> 8) % 16] ^= (uint8_t)(1 << ((state >> 4) % 8));
		failures += allowedip_equal(&a, &b) != equal_bitwise(&a, &b);
	}
	EXPECT(!failures);
}

/* Copies own their memory: the source can go first. */
static void test_copies(void)
{
	struct wg_device *src = device_new(), *dst;
	struct wg_peer *peer = add_peer(src, 7), *copy;

	strcpy(src->name, "wg9");
	src->flags = DEVICE_HAS_FWMARK | DEVICE_REPLACE_PEERS;
	src->fwmark = 42;
	src->private_key[0] = 8;
	peer->persistent_keepalive = 25;
	add_ip(src, peer, "10.0.0.0", 8)->flags = ALLOWEDIP_REMOVE_ME;
	add_ip(src, peer, "fd00::", 64);
	dst = device_new_like(src);
	EXPECT(dst && !strcmp(dst->name, "wg9") && dst->fwmark == 42 && dst->private_key[0] == 8);
	EXPECT(dst && dst->flags == src->flags && !dst->first_peer && !dst->peer_count);
	copy = device_copy_peer(dst, peer);
	EXPECT(copy && copy->persistent_keepalive == 25 && !copy->first_allowedip && !copy->next);
	EXPECT(peer_copy_allowedips(dst, copy, peer->first_allowedip) == 0);
	device_free(src);
	EXPECT(count_ips(copy) == 2 && copy->first_allowedip->flags == ALLOWEDIP_REMOVE_ME);
	EXPECT(dst->peer_count == 1 && dst->first_peer == copy && dst->last_peer == copy);
	device_free(dst);
}

int main(void)
{
	RUN(test_many_peers);
	RUN(test_merge_split_peers);
	RUN(test_allowedip_helpers);
	RUN(test_allowedip_equal_bitwise);
	RUN(test_copies);
	TEST_EXIT();
}
