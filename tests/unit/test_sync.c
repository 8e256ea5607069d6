/* SPDX-License-Identifier: GPL-2.0-only */
/* test_sync.c: syncconf's difference: the request it sends, and the changes a printer walks. */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "devices.h"
#include "keysort.h"
#include "model.h"
#include "sync.h"
#include "test.h"

/* sync_diff_new's request; *d holds the difference (the one before it is freed). */
static struct wg_device *request_of(struct sync_diff **d, const struct wg_device *want,
				    const struct wg_device *have)
{
	sync_diff_free(*d);
	*d = sync_diff_new(want, have);
	return *d ? (*d)->request : NULL;
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
	struct sync_diff *d = NULL;
	struct wg_device *have = running_device(1000), *want = wanted_device(1000);
	struct wg_device *req = request_of(&d, want, have);

	EXPECT(req && req->flags == 0 && req->peer_count == 0);
	sync_diff_free(d);
	device_free(want);
	device_free(have);
}

static void test_sync_one_change(void)
{
	struct sync_diff *d = NULL;
	struct wg_device *have = running_device(1000), *want = wanted_device(1000);
	struct wg_device *req;
	struct wg_peer *changed = NULL;
	uint8_t key[WG_KEY_LEN];

	make_key(key, 500);
	changed = device_find_peer(want, key);
	add_ip(want, changed, "192.168.5.0", 24);
	req = request_of(&d, want, have);
	EXPECT(req && req->flags == 0 && req->peer_count == 1);
	if (req && req->first_peer) {
		EXPECT(!memcmp(req->first_peer->public_key, key, WG_KEY_LEN));
		EXPECT(req->first_peer->flags & PEER_REPLACE_ALLOWEDIPS);
		EXPECT(count_ips(req->first_peer) == 3);
		EXPECT(!(req->first_peer->flags & PEER_HAS_PRESHARED_KEY));
	}
	sync_diff_free(d);
	device_free(want);
	device_free(have);
}

static void test_sync_add_and_remove(void)
{
	struct sync_diff *d = NULL;
	struct wg_device *have = running_device(10), *want = wanted_device(9), *req;
	struct wg_peer *added = add_peer(want, 77);

	added->flags |= PEER_REPLACE_ALLOWEDIPS;
	add_ip(want, added, "10.77.0.0", 16);
	req = request_of(&d, want, have);
	EXPECT(req && req->peer_count == 2);
	if (req && req->peer_count == 2) {
		uint8_t gone[WG_KEY_LEN], new[WG_KEY_LEN];

		make_key(gone, 9);
		make_key(new, 77);
		EXPECT(!memcmp(req->first_peer->public_key, gone, WG_KEY_LEN));
		EXPECT(req->first_peer->flags & PEER_REMOVE_ME);
		EXPECT(!memcmp(req->last_peer->public_key, new, WG_KEY_LEN));
		EXPECT(!(req->last_peer->flags & PEER_REMOVE_ME));
		EXPECT(count_ips(req->last_peer) == 1);
	}
	sync_diff_free(d);
	device_free(want);
	device_free(have);
}

static void test_sync_removing_all_replaces(void)
{
	struct sync_diff *d = NULL;
	struct wg_device *have = running_device(10), *want = wanted_device(0);
	struct wg_device *req = request_of(&d, want, have);

	EXPECT(req && (req->flags & DEVICE_REPLACE_PEERS) && req->peer_count == 0);
	sync_diff_free(d);
	device_free(want);
	device_free(have);
}

static void test_sync_clears_psk_and_keepalive(void)
{
	struct sync_diff *d = NULL;
	struct wg_device *have = running_device(2), *want = wanted_device(2), *req;

	have->first_peer->flags |= PEER_HAS_PRESHARED_KEY;
	have->first_peer->preshared_key[3] = 9;
	want->first_peer->flags &= ~PEER_HAS_PERSISTENT_KEEPALIVE; /* peer 1 in want */
	req = request_of(&d, want, have);
	EXPECT(req && req->peer_count == 2);
	for (struct wg_peer *p = req ? req->first_peer : NULL; p; p = p->next) {
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
	sync_diff_free(d);
	device_free(want);
	device_free(have);
}

static void test_sync_device_fields(void)
{
	struct sync_diff *d = NULL;
	struct wg_device *have = running_device(1), *want = wanted_device(1), *req;

	want->fwmark = 7;
	want->listen_port = 0; /* "any port": the running one will do */
	req = request_of(&d, want, have);
	EXPECT(req && req->flags == DEVICE_HAS_FWMARK && req->fwmark == 7);
	EXPECT(req && req->peer_count == 0);
	want->private_key[1] = 2; /* byte 0 would not do: clamping clears its low bits */
	want->listen_port = 1234;
	req = request_of(&d, want, have);
	EXPECT(req && (req->flags & DEVICE_HAS_PRIVATE_KEY) && (req->flags & DEVICE_HAS_LISTEN_PORT));
	sync_diff_free(d);
	device_free(want);
	device_free(have);
}

/* The kernel reports its private key clamped: the unclamped form in a file is the same key. */
static void test_sync_private_key_clamped(void)
{
	struct sync_diff *d = NULL;
	struct wg_device *have = running_device(1), *want = wanted_device(1), *req;

	memset(have->private_key, 0x11, WG_KEY_LEN);
	have->private_key[0] = 0x10;
	have->private_key[31] = 0x51;
	memset(want->private_key, 0x11, WG_KEY_LEN);
	want->private_key[31] = 0x91; /* 0x11 and 0x91 both clamp to 0x51, byte 0 to 0x10 */
	req = request_of(&d, want, have);
	EXPECT(req && req->flags == 0 && req->peer_count == 0);
	want->private_key[1] = 0x12;
	req = request_of(&d, want, have);
	EXPECT(req && req->flags == DEVICE_HAS_PRIVATE_KEY && req->private_key[1] == 0x12);
	memset(have->private_key, 0, WG_KEY_LEN); /* no key; clamping must not make one equal */
	memset(want->private_key, 0, WG_KEY_LEN);
	want->private_key[31] = 0x40;
	req = request_of(&d, want, have);
	EXPECT(req && req->flags == DEVICE_HAS_PRIVATE_KEY);
	sync_diff_free(d);
	device_free(want);
	device_free(have);
}

static void test_sync_endpoint(void)
{
	struct sync_diff *d = NULL;
	struct wg_device *have = running_device(1), *want = wanted_device(1), *req;

	want->first_peer->endpoint.addr4.sin_family = AF_INET;
	want->first_peer->endpoint.addr4.sin_port = htons(51820);
	req = request_of(&d, want, have);
	EXPECT(req && req->peer_count == 0);
	want->first_peer->endpoint.addr4.sin_port = htons(51821);
	req = request_of(&d, want, have);
	EXPECT(req && req->peer_count == 1 && req->first_peer->endpoint.addr4.sin_port == htons(51821));
	EXPECT(req && !(req->first_peer->flags & PEER_REPLACE_ALLOWEDIPS));
	sync_diff_free(d);
	device_free(want);
	device_free(have);
}

static void test_sync_duplicate_peers_folded(void)
{
	struct sync_diff *d = NULL;
	struct wg_device *have = running_device(1), *want = wanted_device(1), *req;
	struct wg_peer *again = add_peer(want, 0);

	/* a second section for the same peer, adding one prefix incrementally */
	add_ip(want, again, "10.200.0.0", 16);
	req = request_of(&d, want, have);
	EXPECT(req && req->peer_count == 1);
	if (req && req->first_peer)
		EXPECT(count_ips(req->first_peer) == 3);
	sync_diff_free(d);
	device_free(want);
	device_free(have);
}

/* Every peer named twice: the second section adds one prefix to each of 20,000 peers. */
static void test_sync_many_duplicate_peers(void)
{
	struct sync_diff *d = NULL;
	struct wg_device *have = running_device(20000), *want = wanted_device(20000), *req;
	size_t n = 0, three = 0;

	for (unsigned i = 0; i < 20000; ++i) {
		char ip[32];

		snprintf(ip, sizeof(ip), "10.%u.%u.0", 200 + (i >> 8 & 31), i & 255);
		add_ip(want, add_peer(want, i), ip, 24);
	}
	req = request_of(&d, want, have);
	for (struct wg_peer *p = req ? req->first_peer : NULL; p; p = p->next, ++n)
		three += count_ips(p) == 3 && (p->flags & PEER_REPLACE_ALLOWEDIPS);
	EXPECT(n == 20000 && three == 20000);
	sync_diff_free(d);
	device_free(want);
	device_free(have);
}

static void test_sync_incremental(void)
{
	struct sync_diff *d = NULL;
	struct wg_device *have = running_device(1), *want = device_new(), *req;
	struct wg_peer *peer = add_peer(want, 0);

	peer->flags |= PEER_HAS_PERSISTENT_KEEPALIVE;
	peer->persistent_keepalive = 25;
	add_ip(want, peer, "10.0.0.0", 24); /* already there: nothing to do */
	req = request_of(&d, want, have);
	EXPECT(req && req->peer_count == 0);
	add_ip(want, peer, "fd00::", 64)->flags = ALLOWEDIP_REMOVE_ME; /* present: must go */
	req = request_of(&d, want, have);
	EXPECT(req && req->peer_count == 1);
	sync_diff_free(d);
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
	struct sync_diff *d = NULL;
	struct wg_device *have = device_new(), *want = device_new(), *req;
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
	req = request_of(&d, want, have);
	EXPECT(req && req->peer_count == 20 + 1 + 5);
	for (const struct wg_peer *p = req ? req->first_peer : NULL; p; p = p->next) {
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
	sync_diff_free(d);
	device_free(want);
	device_free(have);
}

static bool has_prefix(const struct wg_allowedip *list, const char *text, unsigned cidr)
{
	char addr[64];

	for (; list; list = list->next) {
		inet_ntop(list->family, &list->ip6, addr, sizeof(addr));
		if (!strcmp(addr, text) && list->cidr == cidr)
			return true;
	}
	return false;
}

static size_t list_length(const struct wg_allowedip *list)
{
	size_t n = 0;

	for (; list; list = list->next)
		++n;
	return n;
}

/*
 * What a dry run prints: running peers 0, 1, 2; the file keeps 0 as it is, changes 1 (a PSK,
 * another keepalive and endpoint, fd00::/64 traded for 10.99.0.0/16), drops 2 and adds 5, and
 * sets a fwmark. The running and wanted devices are freed before the difference is read.
 */
static void test_sync_walk(void)
{
	struct wg_device *have = running_device(3), *want = wanted_device(3);
	struct sync_diff *d;
	struct wg_peer *one, *five;
	const struct sync_peer *p;
	uint8_t key[WG_KEY_LEN];

	want->fwmark = 0x99;
	device_free(want);
	want = device_new();
	strcpy(want->name, "wg0");
	want->flags = DEVICE_HAS_PRIVATE_KEY | DEVICE_HAS_LISTEN_PORT | DEVICE_HAS_FWMARK |
		      DEVICE_REPLACE_PEERS;
	want->private_key[0] = 1;
	want->listen_port = 51820;
	want->fwmark = 0x99;
	for (unsigned i = 0; i < 2; ++i) {
		struct wg_peer *peer = add_peer(want, i);
		char ip[32];

		peer->flags |= PEER_REPLACE_ALLOWEDIPS | PEER_HAS_PERSISTENT_KEEPALIVE;
		peer->persistent_keepalive = 25;
		snprintf(ip, sizeof(ip), "10.0.%u.0", i);
		add_ip(want, peer, ip, 24);
		if (i == 0)
			add_ip(want, peer, "fd00::", 64);
	}
	one = want->last_peer;
	one->flags |= PEER_HAS_PRESHARED_KEY;
	one->preshared_key[5] = 5;
	one->persistent_keepalive = 0;
	one->endpoint.addr4.sin_family = AF_INET;
	one->endpoint.addr4.sin_port = htons(1234);
	add_ip(want, one, "10.99.0.0", 16);
	five = add_peer(want, 5);
	five->flags |= PEER_REPLACE_ALLOWEDIPS;
	add_ip(want, five, "10.5.0.0", 16);

	d = sync_diff_new(want, have);
	device_free(want);
	device_free(have);
	EXPECT(d && d->changed == SYNC_FWMARK && d->old.fwmark == 0 && d->new.fwmark == 0x99);
	EXPECT(d && d->peer_count == 3);
	p = d ? d->first_peer : NULL;
	make_key(key, 2);
	EXPECT(p && p->change == SYNC_PEER_REMOVED && !memcmp(p->public_key, key, WG_KEY_LEN));
	EXPECT(p && list_length(p->removed) == 2 && has_prefix(p->removed, "10.0.2.0", 24));
	EXPECT(p && p->old.persistent_keepalive == 25 && !p->added);
	p = p ? p->next : NULL;
	make_key(key, 1);
	EXPECT(p && p->change == SYNC_PEER_CHANGED && !memcmp(p->public_key, key, WG_KEY_LEN));
	EXPECT(p && p->changed == (SYNC_PRESHARED_KEY | SYNC_ENDPOINT | SYNC_PERSISTENT_KEEPALIVE |
				   SYNC_ALLOWEDIPS));
	EXPECT(p && key_is_zero(p->old.preshared_key) && p->new.preshared_key[5] == 5);
	EXPECT(p && p->old.persistent_keepalive == 25 && p->new.persistent_keepalive == 0);
	EXPECT(p && ntohs(p->old.endpoint.addr4.sin_port) == 51820 &&
	       ntohs(p->new.endpoint.addr4.sin_port) == 1234);
	EXPECT(p && list_length(p->added) == 1 && has_prefix(p->added, "10.99.0.0", 16));
	EXPECT(p && list_length(p->removed) == 1 && has_prefix(p->removed, "fd00::", 64));
	p = p ? p->next : NULL;
	make_key(key, 5);
	EXPECT(p && p->change == SYNC_PEER_ADDED && !memcmp(p->public_key, key, WG_KEY_LEN));
	EXPECT(p && p->changed == SYNC_ALLOWEDIPS && list_length(p->added) == 1 && !p->removed);
	EXPECT(p && !p->next && d->last_peer == p);
	/* the request: the fwmark, peer 2 removed, peer 1's changes, peer 5 whole */
	EXPECT(d && d->request->flags == DEVICE_HAS_FWMARK && d->request->peer_count == 3);
	if (d && d->request->peer_count == 3) {
		const struct wg_peer *r = d->request->first_peer->next;

		EXPECT(d->request->first_peer->flags & PEER_REMOVE_ME);
		EXPECT(r->flags & PEER_HAS_PRESHARED_KEY && r->flags & PEER_HAS_PERSISTENT_KEEPALIVE);
		EXPECT(r->flags & PEER_REPLACE_ALLOWEDIPS && count_ips(r) == 2);
		EXPECT(count_ips(r->next) == 1 && !(r->next->flags & PEER_REMOVE_ME));
	}
	sync_diff_free(d);
}

/*
 * `+' and `-' entries apply in order to what the peer has: +fd00::/64 (there), -10.0.0.0/24
 * (there: goes), +10.7.0.0/16 then -10.7.0.0/16 (comes and goes): only the removal is a change.
 * The request carries the file's entries as they are, incrementally.
 */
static void test_sync_incremental_lists(void)
{
	struct wg_device *have = running_device(1), *want = device_new();
	struct wg_peer *peer = add_peer(want, 0);
	struct sync_diff *d;

	strcpy(want->name, "wg0");
	peer->flags |= PEER_HAS_PERSISTENT_KEEPALIVE;
	peer->persistent_keepalive = 25;
	add_ip(want, peer, "fd00::", 64);
	add_ip(want, peer, "10.0.0.0", 24)->flags = ALLOWEDIP_REMOVE_ME;
	add_ip(want, peer, "10.7.0.0", 16);
	add_ip(want, peer, "10.7.0.0", 16)->flags = ALLOWEDIP_REMOVE_ME;
	d = sync_diff_new(want, have);
	EXPECT(d && d->peer_count == 1 && d->first_peer->changed == SYNC_ALLOWEDIPS);
	EXPECT(d && !d->first_peer->added && list_length(d->first_peer->removed) == 1);
	EXPECT(d && has_prefix(d->first_peer->removed, "10.0.0.0", 24));
	EXPECT(d && d->request->peer_count == 1 && count_ips(d->request->first_peer) == 4);
	EXPECT(d && !(d->request->first_peer->flags & PEER_REPLACE_ALLOWEDIPS));
	sync_diff_free(d);
	/* taking 10.0.0.0/24 away and back again changes nothing */
	peer->first_allowedip->next->next->flags = 0;
	peer->first_allowedip->next->next->ip4 = peer->first_allowedip->next->ip4;
	peer->first_allowedip->next->next->cidr = 24;
	d = sync_diff_new(want, have);
	EXPECT(d && d->peer_count == 0 && d->request->peer_count == 0);
	sync_diff_free(d);
	device_free(want);
	device_free(have);
}

/* When every running peer goes, each is listed with what it had; the request says it at once. */
static void test_sync_replace_all_entries(void)
{
	struct wg_device *have = running_device(3), *want = wanted_device(0);
	struct sync_diff *d = sync_diff_new(want, have);
	size_t n = 0;

	for_each_sync_peer(d, p) {
		EXPECT(p->change == SYNC_PEER_REMOVED && list_length(p->removed) == 2);
		++n;
	}
	EXPECT(n == 3 && d->request->flags == DEVICE_REPLACE_PEERS && !d->request->first_peer);
	sync_diff_free(d);
	device_free(want);
	device_free(have);
}

/* keysort's radix sort puts keys exactly where qsort by whole key (then list order) does. */
static int by_key_then_index(const void *a, const void *b)
{
	const struct key_entry *x = a, *y = b;
	int order = memcmp(x->peer->public_key, y->peer->public_key, WG_KEY_LEN);

	return order ? order : (x->index > y->index) - (x->index < y->index);
}

static void test_keysort_against_qsort(void)
{
	struct wg_device *dev = device_new();
	struct key_entry *sorted, *expected;
	uint64_t state = 7;
	size_t n = 0;

	for (unsigned i = 0; i < 30000; ++i) {
		struct wg_peer *peer = device_add_peer(dev);

		for (size_t j = 0; j < WG_KEY_LEN; ++j) {
			state = state * 6364136223846793005ULL + 1442695040888963407ULL;
			peer->public_key[j] = (uint8_t)(state >> 33);
		}
		if (i % 7 == 0) /* shared first eight bytes, some keys twice */
			memset(peer->public_key, 0x42, i % 14 ? 8 : WG_KEY_LEN);
	}
	sorted = keysort_peers(dev);
	expected = malloc(dev->peer_count * sizeof(*expected));
	for_each_peer(dev, peer) {
		expected[n] = (struct key_entry){ 0, peer, n };
		++n;
	}
	qsort(expected, n, sizeof(*expected), by_key_then_index);
	for (size_t i = 0; sorted && i < n; ++i) {
		if (sorted[i].peer != expected[i].peer || sorted[i].index != expected[i].index) {
			printf("#   entry %zu: radix sort and qsort disagree\n", i);
			EXPECT(0);
			break;
		}
	}
	EXPECT(sorted != NULL);
	free(sorted);
	free(expected);
	device_free(dev);
}

int main(void)
{
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
	RUN(test_sync_walk);
	RUN(test_sync_incremental_lists);
	RUN(test_sync_replace_all_entries);
	RUN(test_keysort_against_qsort);
	TEST_EXIT();
}
