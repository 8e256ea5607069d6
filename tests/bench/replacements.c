/* SPDX-License-Identifier: GPL-2.0-only */
/* replacements.c (bench): each hand-written replacement of a library call against that call. */
/*
 *   replacements [PEERS]      (default 20000)
 *
 * For the calls one operation on PEERS peers makes, times our function and the library's on
 * the same inputs (the fastest of several rounds) and prints both and their ratio:
 *   format_u64         against snprintf       the numbers of a dump (six a peer)
 *   format_address     against inet_ntop      the addresses of a dump (three a peer)
 *   address_from_text  against inet_pton      the addresses of a file or a UAPI reply
 *   keysort_entries    against qsort          syncconf's sort of the peers by key
 *   nlattr_* accessors against mnl_attr_get_* reading every attribute of a kernel dump
 * tests/bench/replacements.sh builds and runs it, on the host and in the test VM, where calls
 * into shared libraries cost the most. Whether a replacement matters for a whole operation is
 * in tests/bench/README.md.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libmnl/libmnl.h>

#include "format.h"
#include "keysort.h"
#include "nlattr.h"
#include "wireguard-uapi.h"

#define ROUNDS 7

static uint64_t state = 0x1234567;

static uint64_t next_random(void)
{
	state = state * 6364136223846793005ULL + 1442695040888963407ULL;
	return state >> 11;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static volatile uint64_t sink; /* keeps the work from being optimized away */

/* The fastest of ROUNDS runs of fn(arg), in milliseconds. */
static double fastest(void (*fn)(void *), void *arg)
{
	double best = 1e300;

	for (int i = 0; i < ROUNDS; ++i) {
		double start = now_ms(), took;

		fn(arg);
		took = now_ms() - start;
		best = took < best ? took : best;
	}
	return best;
}

static void report(const char *name, size_t items, void (*ours)(void *), void (*lib)(void *),
		   void *arg)
{
	double a = fastest(ours, arg), b = fastest(lib, arg);

	printf("%-34s %8zu %10.2f %10.2f %8.2f\n", name, items, a, b, b / a);
}

/* ---- numbers ---- */

struct numbers {
	uint64_t *values;
	size_t n;
};

static void u64_ours(void *arg)
{
	const struct numbers *w = arg;
	char text[FORMAT_U64_LEN];

	for (size_t i = 0; i < w->n; ++i)
		sink += format_u64(text, w->values[i]);
}

static void u64_lib(void *arg)
{
	const struct numbers *w = arg;
	char text[FORMAT_U64_LEN];

	for (size_t i = 0; i < w->n; ++i)
		sink += (uint64_t)snprintf(text, sizeof(text), "%" PRIu64, w->values[i]);
}

/* ---- addresses ---- */

struct addresses {
	uint8_t (*bytes)[16];
	int *family;
	char (*text)[INET6_ADDRSTRLEN];
	size_t *len, n;
};

static void ntop_ours(void *arg)
{
	const struct addresses *w = arg;
	char text[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < w->n; ++i)
		sink += format_address(text, w->family[i], w->bytes[i]);
}

static void ntop_lib(void *arg)
{
	const struct addresses *w = arg;
	char text[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < w->n; ++i)
		sink += inet_ntop(w->family[i], w->bytes[i], text, sizeof(text)) != NULL;
}

static void pton_ours(void *arg)
{
	const struct addresses *w = arg;
	uint8_t out[16];

	for (size_t i = 0; i < w->n; ++i)
		sink += address_from_text(w->family[i], w->text[i], w->len[i], out);
}

static void pton_lib(void *arg)
{
	const struct addresses *w = arg;
	uint8_t out[16];

	for (size_t i = 0; i < w->n; ++i)
		sink += (uint64_t)inet_pton(w->family[i], w->text[i], out);
}

/* Two allowed IPs (an IPv4 /32, an IPv6 /128) and an IPv4 endpoint a peer, as gen-config. */
static void make_addresses(struct addresses *w, size_t peers)
{
	w->n = 3 * peers;
	w->bytes = calloc(w->n, sizeof(*w->bytes));
	w->family = calloc(w->n, sizeof(*w->family));
	w->text = calloc(w->n, sizeof(*w->text));
	w->len = calloc(w->n, sizeof(*w->len));
	for (size_t i = 0; i < w->n; ++i) {
		uint64_t r = next_random();

		w->family[i] = i % 3 == 1 ? AF_INET6 : AF_INET;
		memcpy(w->bytes[i], &r, sizeof(r));
		if (w->family[i] == AF_INET6) {
			w->bytes[i][0] = 0xfd;
			memset(w->bytes[i] + 1, 0, 9);
		}
		inet_ntop(w->family[i], w->bytes[i], w->text[i], sizeof(w->text[i]));
		w->len[i] = strlen(w->text[i]);
	}
}

/* ---- the sort ---- */

struct sort_work {
	struct key_entry *input, *list, *tmp;
	struct wg_peer *peers;
	size_t n;
};

static int by_key(const void *a, const void *b)
{
	int order = key_entry_order(a, b);

	if (order)
		return order;
	return ((const struct key_entry *)a)->index < ((const struct key_entry *)b)->index ? -1 : 1;
}

static void sort_ours(void *arg)
{
	struct sort_work *w = arg;

	memcpy(w->list, w->input, w->n * sizeof(*w->list));
	keysort_entries(w->list, w->tmp, w->n);
	sink += w->list[0].index;
}

static void sort_lib(void *arg)
{
	struct sort_work *w = arg;

	memcpy(w->list, w->input, w->n * sizeof(*w->list));
	qsort(w->list, w->n, sizeof(*w->list), by_key);
	sink += w->list[0].index;
}

static void make_sort(struct sort_work *w, size_t peers)
{
	w->n = peers;
	w->peers = calloc(peers, sizeof(*w->peers));
	w->input = calloc(peers, sizeof(*w->input));
	w->list = calloc(peers, sizeof(*w->list));
	w->tmp = calloc(peers, sizeof(*w->tmp));
	for (size_t i = 0; i < peers; ++i) {
		uint64_t prefix = next_random() << 11 ^ next_random();

		for (size_t j = 0; j < WG_KEY_LEN; j += 8) {
			uint64_t r = j ? next_random() : htobe64(prefix);

			memcpy(w->peers[i].public_key + j, &r, 8);
		}
		w->input[i] = (struct key_entry){ prefix, &w->peers[i], i };
	}
}

/* ---- netlink attributes ---- */

struct dump {
	void *buf;
	size_t len;
};

/* One peers nest as the kernel sends it: key, PSK, endpoint, keepalive, times, two prefixes. */
static void put_peer(struct nlmsghdr *nlh)
{
	struct nlattr *peer = mnl_attr_nest_start(nlh, 0), *ips, *ip;
	uint8_t key[WG_KEY_LEN] = { 1 }, addr[16] = { 0xfd };
	struct sockaddr_in ep = { .sin_family = AF_INET, .sin_port = htons(51820) };
	int64_t handshake[2] = { 1700000000, 5 };

	mnl_attr_put(nlh, WGPEER_A_PUBLIC_KEY, sizeof(key), key);
	mnl_attr_put(nlh, WGPEER_A_PRESHARED_KEY, sizeof(key), key);
	mnl_attr_put(nlh, WGPEER_A_ENDPOINT, sizeof(ep), &ep);
	mnl_attr_put_u16(nlh, WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, 25);
	mnl_attr_put(nlh, WGPEER_A_LAST_HANDSHAKE_TIME, sizeof(handshake), handshake);
	mnl_attr_put_u64(nlh, WGPEER_A_RX_BYTES, 123456);
	mnl_attr_put_u64(nlh, WGPEER_A_TX_BYTES, 654321);
	mnl_attr_put_u32(nlh, WGPEER_A_PROTOCOL_VERSION, 1);
	ips = mnl_attr_nest_start(nlh, WGPEER_A_ALLOWEDIPS);
	for (int i = 0; i < 2; ++i) {
		ip = mnl_attr_nest_start(nlh, 0);
		mnl_attr_put_u16(nlh, WGALLOWEDIP_A_FAMILY, i ? AF_INET6 : AF_INET);
		mnl_attr_put(nlh, WGALLOWEDIP_A_IPADDR, i ? 16 : 4, addr);
		mnl_attr_put_u8(nlh, WGALLOWEDIP_A_CIDR_MASK, i ? 128 : 32);
		mnl_attr_nest_end(nlh, ip);
	}
	mnl_attr_nest_end(nlh, ips);
	mnl_attr_nest_end(nlh, peer);
}

/* The peers nests of `peers' peers, one after another, as the parser walks them. */
static void make_dump(struct dump *d, size_t peers)
{
	size_t room = peers * 256 + 4096;
	struct nlmsghdr *nlh;

	d->buf = calloc(1, room);
	nlh = mnl_nlmsg_put_header(d->buf);
	for (size_t i = 0; i < peers; ++i)
		put_peer(nlh);
	d->len = mnl_nlmsg_get_payload_len(nlh);
	memmove(d->buf, mnl_nlmsg_get_payload(nlh), d->len);
}

/* Reads every attribute as the parser does: its type, a check of its length, its value. */
static int allowedip_ours(const struct nlattr *attr, void *data)
{
	(void)data;
	if (nlattr_type(attr) == WGALLOWEDIP_A_FAMILY)
		sink += nlattr_valid(attr, MNL_TYPE_U16) ? nlattr_u16(attr) : 0;
	else if (nlattr_type(attr) == WGALLOWEDIP_A_CIDR_MASK)
		sink += nlattr_valid(attr, MNL_TYPE_U8) ? nlattr_u8(attr) : 0;
	else
		sink += nlattr_len(attr) + *(const uint8_t *)nlattr_data(attr);
	return 0;
}

static int entry_ours(const struct nlattr *attr, void *data)
{
	return nlattr_walk_nested(attr, allowedip_ours, data);
}

static int peer_attr_ours(const struct nlattr *attr, void *data)
{
	switch (nlattr_type(attr)) {
	case WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL:
		sink += nlattr_valid(attr, MNL_TYPE_U16) ? nlattr_u16(attr) : 0;
		break;
	case WGPEER_A_RX_BYTES:
	case WGPEER_A_TX_BYTES:
		sink += nlattr_valid(attr, MNL_TYPE_U64) ? nlattr_u64(attr) : 0;
		break;
	case WGPEER_A_PROTOCOL_VERSION:
		sink += nlattr_valid(attr, MNL_TYPE_U32) ? nlattr_u32(attr) : 0;
		break;
	case WGPEER_A_ALLOWEDIPS:
		return nlattr_walk_nested(attr, entry_ours, data);
	default:
		sink += nlattr_len(attr) + *(const uint8_t *)nlattr_data(attr);
	}
	return 0;
}

static int peer_ours(const struct nlattr *attr, void *data)
{
	return nlattr_walk_nested(attr, peer_attr_ours, data);
}

/* The same through libmnl's calls (the walk itself stays ours: it is not a replacement). */
static int allowedip_lib(const struct nlattr *attr, void *data)
{
	(void)data;
	if (mnl_attr_get_type(attr) == WGALLOWEDIP_A_FAMILY)
		sink += mnl_attr_validate(attr, MNL_TYPE_U16) >= 0 ? mnl_attr_get_u16(attr) : 0;
	else if (mnl_attr_get_type(attr) == WGALLOWEDIP_A_CIDR_MASK)
		sink += mnl_attr_validate(attr, MNL_TYPE_U8) >= 0 ? mnl_attr_get_u8(attr) : 0;
	else
		sink += mnl_attr_get_payload_len(attr) +
			*(const uint8_t *)mnl_attr_get_payload(attr);
	return 0;
}

static int entry_lib(const struct nlattr *attr, void *data)
{
	return nlattr_walk_nested(attr, allowedip_lib, data);
}

static int peer_attr_lib(const struct nlattr *attr, void *data)
{
	switch (mnl_attr_get_type(attr)) {
	case WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL:
		sink += mnl_attr_validate(attr, MNL_TYPE_U16) >= 0 ? mnl_attr_get_u16(attr) : 0;
		break;
	case WGPEER_A_RX_BYTES:
	case WGPEER_A_TX_BYTES:
		sink += mnl_attr_validate(attr, MNL_TYPE_U64) >= 0 ? mnl_attr_get_u64(attr) : 0;
		break;
	case WGPEER_A_PROTOCOL_VERSION:
		sink += mnl_attr_validate(attr, MNL_TYPE_U32) >= 0 ? mnl_attr_get_u32(attr) : 0;
		break;
	case WGPEER_A_ALLOWEDIPS:
		return nlattr_walk_nested(attr, entry_lib, data);
	default:
		sink += mnl_attr_get_payload_len(attr) +
			*(const uint8_t *)mnl_attr_get_payload(attr);
	}
	return 0;
}

static int peer_lib(const struct nlattr *attr, void *data)
{
	return nlattr_walk_nested(attr, peer_attr_lib, data);
}

static void nl_ours(void *arg)
{
	const struct dump *d = arg;

	sink += (uint64_t)nlattr_walk(d->buf, d->len, peer_ours, NULL);
}

static void nl_lib(void *arg)
{
	const struct dump *d = arg;

	sink += (uint64_t)nlattr_walk(d->buf, d->len, peer_lib, NULL);
}

int main(int argc, char *argv[])
{
	size_t peers = argc > 1 ? strtoul(argv[1], NULL, 10) : 20000;
	struct numbers numbers = { .n = 6 * peers };
	struct addresses addresses;
	struct sort_work sort;
	struct dump dump;

	if (!peers) {
		fprintf(stderr, "Usage: replacements [PEERS]\n");
		return 1;
	}
	numbers.values = calloc(numbers.n, sizeof(*numbers.values));
	for (size_t i = 0; i < numbers.n; ++i)
		numbers.values[i] = next_random() >> (i % 6 * 10);
	make_addresses(&addresses, peers);
	make_sort(&sort, peers);
	make_dump(&dump, peers);

	printf("# %zu peers' worth of calls; milliseconds, fastest of %d rounds\n", peers, ROUNDS);
	printf("%-34s %8s %10s %10s %8s\n", "ours / the library's", "calls", "ours", "library",
	       "ratio");
	report("format_u64 / snprintf", numbers.n, u64_ours, u64_lib, &numbers);
	report("format_address / inet_ntop", addresses.n, ntop_ours, ntop_lib, &addresses);
	report("address_from_text / inet_pton", addresses.n, pton_ours, pton_lib, &addresses);
	report("keysort_entries / qsort", sort.n, sort_ours, sort_lib, &sort);
	report("nlattr_* / mnl_attr_get_*", 17 * peers, nl_ours, nl_lib, &dump);
	return 0;
}
