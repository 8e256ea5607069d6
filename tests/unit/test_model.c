/* test_model.c: the model's allocation, split-peer merging, prefix helpers and syncconf's
 * difference. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "test.h"

static void make_key(uint8_t key[WG_KEY_LEN], unsigned n)
{
	memset(key, 0, WG_KEY_LEN);
	key[0] = 0x40;
	memcpy(key + 1, &n, sizeof(n));
}

static struct wg_peer *add_peer(struct wg_device *dev, unsigned n)
{
	struct wg_peer *peer = device_add_peer(dev);

	make_key(peer->public_key, n);
	peer->flags = PEER_HAS_PUBLIC_KEY;
	return peer;
}

static struct wg_allowedip *add_ip(struct wg_device *dev, struct wg_peer *peer, const char *text,
				   unsigned cidr)
{
	struct wg_allowedip *aip = peer_add_allowedip(dev, peer);

	if (strchr(text, ':')) {
		aip->family = AF_INET6;
		inet_pton(AF_INET6, text, &aip->ip6);
	} else {
		aip->family = AF_INET;
		inet_pton(AF_INET, text, &aip->ip4);
	}
	aip->cidr = (uint8_t)cidr;
	return aip;
}

static size_t count_ips(const struct wg_peer *peer)
{
	size_t n = 0;

	for_each_allowedip(peer, a)
		++n;
	return n;
}

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

/* A running device with n peers, each with a PSK-less config and two allowed IPs. */
static struct wg_device *running_device(unsigned n)
{
	struct wg_device *dev = device_new();

	strcpy(dev->name, "wg0");
	dev->flags = DEVICE_HAS_PRIVATE_KEY | DEVICE_HAS_PUBLIC_KEY;
	dev->private_key[0] = 1;
	dev->listen_port = 51820;
	for (unsigned i = 0; i < n; ++i) {
		struct wg_peer *peer = add_peer(dev, i);
		char ip[32];

		snprintf(ip, sizeof(ip), "10.%u.%u.0", i >> 8 & 255, i & 255);
		add_ip(dev, peer, "fd00::", 64);
		add_ip(dev, peer, ip, 24);
		peer->endpoint.addr4.sin_family = AF_INET;
		peer->endpoint.addr4.sin_port = htons(51820);
		peer->persistent_keepalive = 25;
	}
	return dev;
}

/* The same as a configuration file would describe it (allowed IPs in another order). */
static struct wg_device *wanted_device(unsigned n)
{
	struct wg_device *dev = device_new();

	strcpy(dev->name, "wg0");
	dev->flags = DEVICE_HAS_PRIVATE_KEY | DEVICE_HAS_LISTEN_PORT | DEVICE_HAS_FWMARK |
		     DEVICE_REPLACE_PEERS;
	dev->private_key[0] = 1;
	dev->listen_port = 51820;
	for (unsigned i = n; i-- > 0;) {
		struct wg_peer *peer = add_peer(dev, i);
		char ip[32];

		peer->flags |= PEER_REPLACE_ALLOWEDIPS | PEER_HAS_PERSISTENT_KEEPALIVE;
		snprintf(ip, sizeof(ip), "10.%u.%u.0", i >> 8 & 255, i & 255);
		add_ip(dev, peer, ip, 24);
		add_ip(dev, peer, "fd00::", 64);
		peer->persistent_keepalive = 25;
	}
	return dev;
}

static void test_sync_unchanged_sends_nothing(void)
{
	struct wg_device *have = running_device(1000), *want = wanted_device(1000);
	struct wg_device *diff = device_sync_diff(want, have);

	EXPECT(diff && diff->flags == 0 && diff->peer_count == 0);
	device_free(diff);
	device_free(want);
	device_free(have);
}

static void test_sync_one_change(void)
{
	struct wg_device *have = running_device(1000), *want = wanted_device(1000);
	struct wg_device *diff;
	struct wg_peer *changed = NULL;
	uint8_t key[WG_KEY_LEN];

	make_key(key, 500);
	changed = device_find_peer(want, key);
	add_ip(want, changed, "192.168.5.0", 24);
	diff = device_sync_diff(want, have);
	EXPECT(diff && diff->flags == 0 && diff->peer_count == 1);
	if (diff && diff->first_peer) {
		EXPECT(!memcmp(diff->first_peer->public_key, key, WG_KEY_LEN));
		EXPECT(diff->first_peer->flags & PEER_REPLACE_ALLOWEDIPS);
		EXPECT(count_ips(diff->first_peer) == 3);
		EXPECT(!(diff->first_peer->flags & PEER_HAS_PRESHARED_KEY));
	}
	device_free(diff);
	device_free(want);
	device_free(have);
}

static void test_sync_add_and_remove(void)
{
	struct wg_device *have = running_device(10), *want = wanted_device(9), *diff;
	struct wg_peer *added = add_peer(want, 77);

	added->flags |= PEER_REPLACE_ALLOWEDIPS;
	add_ip(want, added, "10.77.0.0", 16);
	diff = device_sync_diff(want, have);
	EXPECT(diff && diff->peer_count == 2);
	if (diff && diff->peer_count == 2) {
		uint8_t gone[WG_KEY_LEN], new[WG_KEY_LEN];

		make_key(gone, 9);
		make_key(new, 77);
		EXPECT(!memcmp(diff->first_peer->public_key, gone, WG_KEY_LEN));
		EXPECT(diff->first_peer->flags & PEER_REMOVE_ME);
		EXPECT(!memcmp(diff->last_peer->public_key, new, WG_KEY_LEN));
		EXPECT(!(diff->last_peer->flags & PEER_REMOVE_ME));
		EXPECT(count_ips(diff->last_peer) == 1);
	}
	device_free(diff);
	device_free(want);
	device_free(have);
}

static void test_sync_removing_all_replaces(void)
{
	struct wg_device *have = running_device(10), *want = wanted_device(0);
	struct wg_device *diff = device_sync_diff(want, have);

	EXPECT(diff && (diff->flags & DEVICE_REPLACE_PEERS) && diff->peer_count == 0);
	device_free(diff);
	device_free(want);
	device_free(have);
}

static void test_sync_clears_psk_and_keepalive(void)
{
	struct wg_device *have = running_device(2), *want = wanted_device(2), *diff;

	have->first_peer->flags |= PEER_HAS_PRESHARED_KEY;
	have->first_peer->preshared_key[3] = 9;
	want->first_peer->flags &= ~PEER_HAS_PERSISTENT_KEEPALIVE; /* peer 1 in want */
	diff = device_sync_diff(want, have);
	EXPECT(diff && diff->peer_count == 2);
	for (struct wg_peer *p = diff ? diff->first_peer : NULL; p; p = p->next) {
		if (p->public_key[1] == 0) { /* peer 0: PSK to clear */
			EXPECT(p->flags & PEER_HAS_PRESHARED_KEY);
			EXPECT(key_is_zero(p->preshared_key));
			EXPECT(!(p->flags & PEER_HAS_PERSISTENT_KEEPALIVE));
		} else { /* peer 1: keepalive to clear */
			EXPECT(p->flags & PEER_HAS_PERSISTENT_KEEPALIVE);
			EXPECT(p->persistent_keepalive == 0);
			EXPECT(!(p->flags & PEER_HAS_PRESHARED_KEY));
		}
		EXPECT(!(p->flags & PEER_REPLACE_ALLOWEDIPS));
	}
	device_free(diff);
	device_free(want);
	device_free(have);
}

static void test_sync_device_fields(void)
{
	struct wg_device *have = running_device(1), *want = wanted_device(1), *diff;

	want->fwmark = 7;
	want->listen_port = 0; /* "any port": the running one will do */
	diff = device_sync_diff(want, have);
	EXPECT(diff && diff->flags == DEVICE_HAS_FWMARK && diff->fwmark == 7);
	EXPECT(diff && diff->peer_count == 0);
	device_free(diff);
	want->private_key[1] = 2; /* byte 0 would not do: clamping clears its low bits */
	want->listen_port = 1234;
	diff = device_sync_diff(want, have);
	EXPECT(diff && (diff->flags & DEVICE_HAS_PRIVATE_KEY) && (diff->flags & DEVICE_HAS_LISTEN_PORT));
	device_free(diff);
	device_free(want);
	device_free(have);
}

/* The kernel reports its private key clamped: the unclamped form in a file is the same key. */
static void test_sync_private_key_clamped(void)
{
	struct wg_device *have = running_device(1), *want = wanted_device(1), *diff;

	memset(have->private_key, 0x11, WG_KEY_LEN);
	have->private_key[0] = 0x10;
	have->private_key[31] = 0x51;
	memset(want->private_key, 0x11, WG_KEY_LEN);
	want->private_key[31] = 0x91; /* 0x11 and 0x91 both clamp to 0x51, byte 0 to 0x10 */
	diff = device_sync_diff(want, have);
	EXPECT(diff && diff->flags == 0 && diff->peer_count == 0);
	device_free(diff);
	want->private_key[1] = 0x12;
	diff = device_sync_diff(want, have);
	EXPECT(diff && diff->flags == DEVICE_HAS_PRIVATE_KEY && diff->private_key[1] == 0x12);
	device_free(diff);
	memset(have->private_key, 0, WG_KEY_LEN); /* no key; clamping must not make one equal */
	memset(want->private_key, 0, WG_KEY_LEN);
	want->private_key[31] = 0x40;
	diff = device_sync_diff(want, have);
	EXPECT(diff && diff->flags == DEVICE_HAS_PRIVATE_KEY);
	device_free(diff);
	device_free(want);
	device_free(have);
}

static void test_sync_endpoint(void)
{
	struct wg_device *have = running_device(1), *want = wanted_device(1), *diff;

	want->first_peer->endpoint.addr4.sin_family = AF_INET;
	want->first_peer->endpoint.addr4.sin_port = htons(51820);
	diff = device_sync_diff(want, have);
	EXPECT(diff && diff->peer_count == 0);
	device_free(diff);
	want->first_peer->endpoint.addr4.sin_port = htons(51821);
	diff = device_sync_diff(want, have);
	EXPECT(diff && diff->peer_count == 1 && diff->first_peer->endpoint.addr4.sin_port == htons(51821));
	EXPECT(diff && !(diff->first_peer->flags & PEER_REPLACE_ALLOWEDIPS));
	device_free(diff);
	device_free(want);
	device_free(have);
}

static void test_sync_duplicate_peers_folded(void)
{
	struct wg_device *have = running_device(1), *want = wanted_device(1), *diff;
	struct wg_peer *again = add_peer(want, 0);

	/* a second section for the same peer, adding one prefix incrementally */
	add_ip(want, again, "10.200.0.0", 16);
	diff = device_sync_diff(want, have);
	EXPECT(diff && diff->peer_count == 1);
	if (diff && diff->first_peer)
		EXPECT(count_ips(diff->first_peer) == 3);
	device_free(diff);
	device_free(want);
	device_free(have);
}

/* Every peer named twice: the second section adds one prefix to each of 20,000 peers. */
static void test_sync_many_duplicate_peers(void)
{
	struct wg_device *have = running_device(20000), *want = wanted_device(20000), *diff;
	size_t n = 0, three = 0;

	for (unsigned i = 0; i < 20000; ++i) {
		char ip[32];

		snprintf(ip, sizeof(ip), "10.%u.%u.0", 200 + (i >> 8 & 31), i & 255);
		add_ip(want, add_peer(want, i), ip, 24);
	}
	diff = device_sync_diff(want, have);
	for (struct wg_peer *p = diff ? diff->first_peer : NULL; p; p = p->next, ++n)
		three += count_ips(p) == 3 && (p->flags & PEER_REPLACE_ALLOWEDIPS);
	EXPECT(n == 20000 && three == 20000);
	device_free(diff);
	device_free(want);
	device_free(have);
}

static void test_sync_incremental(void)
{
	struct wg_device *have = running_device(1), *want = device_new(), *diff;
	struct wg_peer *peer = add_peer(want, 0);

	peer->flags |= PEER_HAS_PERSISTENT_KEEPALIVE;
	peer->persistent_keepalive = 25;
	add_ip(want, peer, "10.0.0.0", 24); /* already there: nothing to do */
	diff = device_sync_diff(want, have);
	EXPECT(diff && diff->peer_count == 0);
	device_free(diff);
	add_ip(want, peer, "fd00::", 64)->flags = ALLOWEDIP_REMOVE_ME; /* present: must go */
	diff = device_sync_diff(want, have);
	EXPECT(diff && diff->peer_count == 1);
	device_free(diff);
	device_free(want);
	device_free(have);
}

/*
 * Keys that agree in their first eight bytes (three such groups here) and differ only at the
 * end: matching must fall back to whole keys. The running device lists peers 0..199; the file
 * lists them backwards without every tenth, changes peer 55 and adds 1000..1004.
 */
static struct wg_peer *add_tail_peer(struct wg_device *dev, unsigned n)
{
	struct wg_peer *peer = device_add_peer(dev);

	memset(peer->public_key, 0x40 + n % 3, 8);
	peer->public_key[30] = (uint8_t)(n >> 8);
	peer->public_key[31] = (uint8_t)n;
	peer->flags = PEER_HAS_PUBLIC_KEY;
	return peer;
}

static unsigned tail_number(const struct wg_peer *peer)
{
	return (unsigned)peer->public_key[30] << 8 | peer->public_key[31];
}

static void test_sync_shared_key_prefixes(void)
{
	struct wg_device *have = device_new(), *want = device_new(), *diff;
	unsigned expect_added = 1004, removed = 0, added = 0;
	bool changed = false;

	want->flags = DEVICE_REPLACE_PEERS;
	for (unsigned i = 0; i < 200; ++i)
		add_ip(have, add_tail_peer(have, i), "10.0.0.0", 8);
	for (unsigned i = 200; i-- > 0;) {
		struct wg_peer *peer;

		if (i % 10 == 0)
			continue;
		peer = add_tail_peer(want, i);
		peer->flags |= PEER_REPLACE_ALLOWEDIPS;
		add_ip(want, peer, i == 55 ? "10.55.0.0" : "10.0.0.0", i == 55 ? 16 : 8);
	}
	for (unsigned i = 1004; i >= 1000; --i)
		add_ip(want, add_tail_peer(want, i), "10.1.0.0", 16)->flags = 0;
	diff = device_sync_diff(want, have);
	EXPECT(diff && diff->peer_count == 20 + 1 + 5);
	for (const struct wg_peer *p = diff ? diff->first_peer : NULL; p; p = p->next) {
		unsigned n = tail_number(p);

		if (p->flags & PEER_REMOVE_ME) {
			/* removals first, in the running device's order */
			EXPECT(n == removed * 10 && !changed && !added);
			++removed;
		} else if (n == 55) {
			EXPECT(!changed && !added && count_ips(p) == 1);
			changed = true;
		} else {
			/* then the file's order */
			EXPECT(n == expect_added-- && changed);
			++added;
		}
	}
	EXPECT(removed == 20 && changed && added == 5);
	device_free(diff);
	device_free(want);
	device_free(have);
}

int main(void)
{
	RUN(test_many_peers);
	RUN(test_merge_split_peers);
	RUN(test_allowedip_helpers);
	RUN(test_sync_unchanged_sends_nothing);
	RUN(test_sync_one_change);
	RUN(test_sync_add_and_remove);
	RUN(test_sync_private_key_clamped);
	RUN(test_sync_removing_all_replaces);
	RUN(test_sync_clears_psk_and_keepalive);
	RUN(test_sync_device_fields);
	RUN(test_sync_endpoint);
	RUN(test_sync_duplicate_peers_folded);
	RUN(test_sync_many_duplicate_peers);
	RUN(test_sync_incremental);
	RUN(test_sync_shared_key_prefixes);
	TEST_EXIT();
}
