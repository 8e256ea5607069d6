/* SPDX-License-Identifier: GPL-2.0-only */
/* test_netlink.c: the kernel backend's SET message builder and reply parsers, without a socket. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/rtnetlink.h>

#include "netlink.h"
#include "nlattr.h"
#include "test.h"
#include "wireguard-uapi.h"

#define FAMILY 0x1d	       /* any generic-netlink family id will do */
#define MSG_ROOM 65536	       /* test-side message buffer */

/* ---- A growing stream of netlink messages, as a dump reply would arrive ---- */

struct stream {
	uint8_t *data;
	size_t len, cap;
};

static void stream_append(struct stream *s, const void *data, size_t len)
{
	if (s->len + len > s->cap) {
		s->cap = (s->len + len) * 2;
		s->data = realloc(s->data, s->cap);
		if (!s->data)
			abort();
	}
	memcpy(s->data + s->len, data, len);
	s->len += len;
}

static void stream_append_msg(struct stream *s, const struct nlmsghdr *nlh)
{
	stream_append(s, nlh, nlh->nlmsg_len);
}

static void stream_append_done(struct stream *s, int32_t code, uint16_t flags)
{
	_Alignas(struct nlmsghdr) uint8_t buf[64];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	int32_t *payload;

	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI | flags;
	payload = mnl_nlmsg_put_extra_header(nlh, sizeof(*payload));
	*payload = code;
	stream_append_msg(s, nlh);
}

static void stream_free(struct stream *s)
{
	free(s->data);
	memset(s, 0, sizeof(*s));
}

/* A message room with its own alignment, reused for every synthetic message. */
struct room {
	_Alignas(struct nlmsghdr) uint8_t buf[MSG_ROOM];
};

/* A fresh part of a dump reply; *fixed points at its zeroed fixed header of `len' bytes. */
static struct nlmsghdr *reply_msg(struct room *room, uint16_t type, size_t len, void **fixed)
{
	struct nlmsghdr *nlh;

	memset(room->buf, 0, sizeof(room->buf));
	nlh = mnl_nlmsg_put_header(room->buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_MULTI;
	*fixed = mnl_nlmsg_put_extra_header(nlh, len);
	return nlh;
}

static struct nlmsghdr *genl_msg(struct room *room, uint16_t type, uint8_t cmd)
{
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh = reply_msg(room, type, sizeof(*genl), (void **)&genl);

	genl->cmd = cmd;
	genl->version = 1;
	return nlh;
}

/* ---- Test models ---- */

static void test_key(uint8_t key[WG_KEY_LEN], uint32_t n, uint8_t tag)
{
	for (size_t i = 0; i < WG_KEY_LEN; ++i)
		key[i] = (uint8_t)(i * 7 + tag);
	memcpy(key, &n, sizeof(n));
	key[4] = tag; /* never all zero */
}

static void set_allowedip(struct wg_allowedip *aip, size_t peer, size_t j)
{
	uint32_t n = (uint32_t)peer;

	if ((peer + j) % 2 == 0) {
		uint8_t a[4] = { (uint8_t)(10 + j), (uint8_t)(n >> 16), (uint8_t)(n >> 8),
				 (uint8_t)n };

		aip->family = AF_INET;
		memcpy(&aip->ip4, a, 4);
		aip->cidr = (uint8_t)(32 - j % 33);
	} else {
		aip->family = AF_INET6;
		aip->ip6.s6_addr[0] = 0xfd;
		aip->ip6.s6_addr[1] = (uint8_t)j;
		memcpy(&aip->ip6.s6_addr[12], &n, sizeof(n));
		aip->cidr = (uint8_t)(128 - (8 * j) % 129);
	}
}

/* Peers with every optional part in some mix: PSKs, v4/v6/no endpoints, keepalives. */
static struct wg_device *big_device(size_t peers, size_t allowedips)
{
	struct wg_device *dev = device_new();

	if (!dev)
		abort();
	strcpy(dev->name, "wgbig0");
	test_key(dev->private_key, 0, 1);
	dev->listen_port = 51820;
	dev->fwmark = 0xca6c;
	dev->flags = DEVICE_HAS_PRIVATE_KEY | DEVICE_HAS_LISTEN_PORT | DEVICE_HAS_FWMARK |
		     DEVICE_REPLACE_PEERS;
	for (size_t i = 0; i < peers; ++i) {
		struct wg_peer *peer = device_add_peer(dev);

		if (!peer)
			abort();
		test_key(peer->public_key, (uint32_t)i, 2);
		peer->flags = PEER_HAS_PUBLIC_KEY | PEER_REPLACE_ALLOWEDIPS;
		if (i % 2 == 0) {
			test_key(peer->preshared_key, (uint32_t)i, 3);
			peer->flags |= PEER_HAS_PRESHARED_KEY;
		}
		if (i % 3 == 0) {
			peer->endpoint.addr4.sin_family = AF_INET;
			peer->endpoint.addr4.sin_port = htons((uint16_t)(i % 60000 + 1));
			peer->endpoint.addr4.sin_addr.s_addr = htonl(0xc0000200 | (i % 250 + 1));
		} else if (i % 3 == 1) {
			peer->endpoint.addr6.sin6_family = AF_INET6;
			peer->endpoint.addr6.sin6_port = htons((uint16_t)(i % 60000 + 1));
			inet_pton(AF_INET6, "2001:db8::", &peer->endpoint.addr6.sin6_addr);
			memcpy(&peer->endpoint.addr6.sin6_addr.s6_addr[12], &i, 4);
		}
		if (i % 4) {
			peer->persistent_keepalive = (uint16_t)(i % 4 == 1 ? 0 : i % 65535 + 1);
			peer->flags |= PEER_HAS_PERSISTENT_KEEPALIVE;
		}
		for (size_t j = 0; j < allowedips; ++j) {
			struct wg_allowedip *aip = peer_add_allowedip(dev, peer);

			if (!aip)
				abort();
			set_allowedip(aip, i, j);
		}
	}
	return dev;
}

static size_t endpoint_len(const union wg_endpoint *ep)
{
	if (ep->addr.sa_family == AF_INET)
		return sizeof(ep->addr4);
	return ep->addr.sa_family == AF_INET6 ? sizeof(ep->addr6) : 0;
}

static size_t addr_len(uint16_t family)
{
	return family == AF_INET ? 4 : 16;
}

/* Every SET message for dev built with `size'-byte buffers, appended to out; 0 or -errno. */
static int build_all(const struct wg_device *dev, size_t size, struct stream *out,
		     size_t *count)
{
	struct wgnl_set_cursor cur;
	struct nlmsghdr *nlh;
	uint8_t *buf = aligned_alloc(4096, (size + 4095) / 4096 * 4096);
	int ret = wgnl_set_begin(&cur, dev);

	*count = 0;
	while (!ret && (ret = wgnl_set_next(&cur, buf, size, FAMILY, &nlh)) > 0) {
		stream_append_msg(out, nlh);
		++*count;
		ret = 0;
		if (*count > 10000000)
			abort(); /* a builder that never finishes */
	}
	free(buf);
	return ret;
}

/* ---- A test-side decoder of SET messages that checks the splitting rules ---- */

struct checker {
	const struct wg_device *dev;
	size_t size;
	const struct wg_peer *peer;	      /* the peer expected next */
	const struct wg_allowedip *allowedip; /* its next allowed IP */
	bool mid;			      /* that peer was split; a continuation is due */
	size_t messages, continuations;
	char err[256];
};

#define CHECK(ch, cond, ...)                                                              \
	do {                                                                              \
		if (!(cond)) {                                                            \
			if (!(ch)->err[0])                                                \
				snprintf((ch)->err, sizeof((ch)->err), __VA_ARGS__);      \
			return false;                                                     \
		}                                                                         \
	} while (0)

static bool check_allowedip(struct checker *ch, const struct nlattr *nest)
{
	const struct wg_allowedip *want = ch->allowedip;
	const struct nlattr *attr;
	bool family = false, addr = false, cidr = false, flags = false;

	CHECK(ch, want, "message %zu: an allowed IP too many", ch->messages);
	mnl_attr_for_each_nested(attr, nest) {
		switch (mnl_attr_get_type(attr)) {
		case WGALLOWEDIP_A_FAMILY:
			family = mnl_attr_get_u16(attr) == want->family;
			break;
		case WGALLOWEDIP_A_IPADDR:
			addr = mnl_attr_get_payload_len(attr) == addr_len(want->family) &&
			       !memcmp(mnl_attr_get_payload(attr), &want->ip6,
				       addr_len(want->family));
			break;
		case WGALLOWEDIP_A_CIDR_MASK:
			cidr = mnl_attr_get_u8(attr) == want->cidr;
			break;
		case WGALLOWEDIP_A_FLAGS:
			CHECK(ch, want->flags & ALLOWEDIP_REMOVE_ME &&
					  mnl_attr_get_u32(attr) == WGALLOWEDIP_F_REMOVE_ME,
			      "message %zu: allowed-IP flags where none belong", ch->messages);
			flags = true;
			break;
		}
	}
	CHECK(ch, family && addr && cidr, "message %zu: allowed IP differs", ch->messages);
	CHECK(ch, flags == !!(want->flags & ALLOWEDIP_REMOVE_ME),
	      "message %zu: allowed-IP flags missing", ch->messages);
	ch->allowedip = want->next;
	return true;
}

/* Removal and update-only on every fragment, replacing allowed IPs on the first alone. */
static uint32_t expected_peer_flags(const struct wg_peer *peer, bool first)
{
	static const struct {
		uint32_t model, wire;
		bool every_fragment;
	} map[] = {
		{ PEER_REMOVE_ME, WGPEER_F_REMOVE_ME, true },
		{ PEER_UPDATE_ONLY, WGPEER_F_UPDATE_ONLY, true },
		{ PEER_REPLACE_ALLOWEDIPS, WGPEER_F_REPLACE_ALLOWEDIPS, false },
	};
	uint32_t wire = 0;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); ++i)
		wire |= peer->flags & map[i].model && (first || map[i].every_fragment) ?
				map[i].wire : 0;
	return wire;
}

static bool check_peer(struct checker *ch, const struct nlattr *nest, bool first_in_message)
{
	const struct wg_peer *want = ch->peer;
	const struct nlattr *attr, *list = NULL;
	bool first = !ch->mid, key = false, psk = false, endpoint = false, keepalive = false;
	uint32_t flags = 0;
	size_t placed = 0;

	CHECK(ch, want, "message %zu: a peer too many", ch->messages);
	CHECK(ch, first || first_in_message, "message %zu: continuation not at the start",
	      ch->messages);
	mnl_attr_for_each_nested(attr, nest) {
		const void *p = mnl_attr_get_payload(attr);
		size_t len = mnl_attr_get_payload_len(attr);

		switch (mnl_attr_get_type(attr)) {
		case WGPEER_A_PUBLIC_KEY:
			key = len == WG_KEY_LEN && !memcmp(p, want->public_key, WG_KEY_LEN);
			break;
		case WGPEER_A_FLAGS:
			flags = mnl_attr_get_u32(attr);
			CHECK(ch, flags, "message %zu: a zero FLAGS attribute", ch->messages);
			break;
		case WGPEER_A_PRESHARED_KEY:
			psk = len == WG_KEY_LEN && !memcmp(p, want->preshared_key, WG_KEY_LEN);
			CHECK(ch, psk, "message %zu: preshared key differs", ch->messages);
			break;
		case WGPEER_A_ENDPOINT:
			endpoint = len == endpoint_len(&want->endpoint) &&
				   !memcmp(p, &want->endpoint, len);
			CHECK(ch, endpoint, "message %zu: endpoint differs", ch->messages);
			break;
		case WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL:
			keepalive = mnl_attr_get_u16(attr) == want->persistent_keepalive;
			CHECK(ch, keepalive, "message %zu: keepalive differs", ch->messages);
			break;
		case WGPEER_A_ALLOWEDIPS:
			list = attr;
			break;
		}
	}
	CHECK(ch, key, "message %zu: peer key out of order", ch->messages);
	CHECK(ch, flags == expected_peer_flags(want, first), "message %zu: peer flags %#x",
	      ch->messages, flags);
	CHECK(ch, psk == (first && want->flags & PEER_HAS_PRESHARED_KEY),
	      "message %zu: preshared key where it does not belong", ch->messages);
	CHECK(ch, endpoint == (first && want->endpoint.addr.sa_family),
	      "message %zu: endpoint where it does not belong", ch->messages);
	CHECK(ch, keepalive == (first && want->flags & PEER_HAS_PERSISTENT_KEEPALIVE),
	      "message %zu: keepalive where it does not belong", ch->messages);
	if (list) {
		mnl_attr_for_each_nested(attr, list) {
			if (!check_allowedip(ch, attr))
				return false;
			++placed;
		}
		CHECK(ch, placed, "message %zu: empty allowed-IP list", ch->messages);
	}
	CHECK(ch, first || placed, "message %zu: empty continuation", ch->messages);
	if (ch->allowedip) {
		ch->mid = true;
		++ch->continuations;
		return true;
	}
	ch->mid = false;
	ch->peer = want->next;
	ch->allowedip = ch->peer ? ch->peer->first_allowedip : NULL;
	return true;
}

static bool check_message(struct checker *ch, const struct nlmsghdr *nlh)
{
	const struct wg_device *dev = ch->dev;
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr, *peer;
	bool first = ch->messages == 0, name = false;
	unsigned int device_attrs = 0, want_attrs = 0;
	size_t index = 0;

	CHECK(ch, nlh->nlmsg_len <= ch->size, "message %zu: %u bytes", ch->messages,
	      nlh->nlmsg_len);
	CHECK(ch, nlh->nlmsg_type == FAMILY && nlh->nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK),
	      "message %zu: header", ch->messages);
	CHECK(ch, genl->cmd == WG_CMD_SET_DEVICE && genl->version == WG_GENL_VERSION,
	      "message %zu: genl header", ch->messages);
	mnl_attr_for_each(attr, nlh, sizeof(*genl)) {
		uint16_t type = mnl_attr_get_type(attr);

		switch (type) {
		case WGDEVICE_A_IFNAME:
			name = !strcmp(mnl_attr_get_str(attr), dev->name);
			break;
		case WGDEVICE_A_PRIVATE_KEY:
			CHECK(ch, !memcmp(mnl_attr_get_payload(attr), dev->private_key, WG_KEY_LEN),
			      "private key differs");
			device_attrs |= 1U << type;
			break;
		case WGDEVICE_A_LISTEN_PORT:
			CHECK(ch, mnl_attr_get_u16(attr) == dev->listen_port, "port differs");
			device_attrs |= 1U << type;
			break;
		case WGDEVICE_A_FWMARK:
			CHECK(ch, mnl_attr_get_u32(attr) == dev->fwmark, "fwmark differs");
			device_attrs |= 1U << type;
			break;
		case WGDEVICE_A_FLAGS:
			CHECK(ch, mnl_attr_get_u32(attr) == WGDEVICE_F_REPLACE_PEERS,
			      "device flags differ");
			device_attrs |= 1U << type;
			break;
		case WGDEVICE_A_PEERS:
			mnl_attr_for_each_nested(peer, attr) {
				if (!check_peer(ch, peer, index++ == 0))
					return false;
			}
			CHECK(ch, index, "message %zu: empty peer list", ch->messages);
			break;
		default:
			CHECK(ch, false, "message %zu: attribute %u", ch->messages, type);
		}
	}
	if (first) {
		if (dev->flags & DEVICE_HAS_PRIVATE_KEY)
			want_attrs |= 1U << WGDEVICE_A_PRIVATE_KEY;
		if (dev->flags & DEVICE_HAS_LISTEN_PORT)
			want_attrs |= 1U << WGDEVICE_A_LISTEN_PORT;
		if (dev->flags & DEVICE_HAS_FWMARK)
			want_attrs |= 1U << WGDEVICE_A_FWMARK;
		if (dev->flags & DEVICE_REPLACE_PEERS)
			want_attrs |= 1U << WGDEVICE_A_FLAGS;
	}
	CHECK(ch, name, "message %zu: interface name missing", ch->messages);
	CHECK(ch, device_attrs == want_attrs, "message %zu: device attributes %#x, want %#x",
	      ch->messages, device_attrs, want_attrs);
	CHECK(ch, first || index, "message %zu: carries nothing", ch->messages);
	++ch->messages;
	return true;
}

/* Builds dev's messages with `size'-byte buffers and checks them; the error text or NULL. */
static const char *check_build(const struct wg_device *dev, size_t size, struct checker *ch)
{
	struct stream s = { 0 };
	size_t count;
	const struct nlmsghdr *nlh;
	int len, ret = build_all(dev, size, &s, &count);

	memset(ch, 0, sizeof(*ch));
	ch->dev = dev;
	ch->size = size;
	ch->peer = dev->first_peer;
	ch->allowedip = ch->peer ? ch->peer->first_allowedip : NULL;
	if (ret) {
		snprintf(ch->err, sizeof(ch->err), "build failed: %s", strerror(-ret));
		goto out;
	}
	len = (int)s.len;
	for (nlh = (const void *)s.data; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		if (!check_message(ch, nlh))
			goto out;
	}
	if (len)
		snprintf(ch->err, sizeof(ch->err), "%d stray bytes", len);
	else if (ch->peer || ch->mid)
		snprintf(ch->err, sizeof(ch->err), "a peer never arrived");
	else if (ch->messages != count)
		snprintf(ch->err, sizeof(ch->err), "%zu messages checked of %zu", ch->messages,
			 count);
out:
	stream_free(&s);
	return ch->err[0] ? ch->err : NULL;
}

/* ---- Comparing models ---- */

static bool same_peer(const struct wg_peer *a, const struct wg_peer *b)
{
	const struct wg_allowedip *x = a->first_allowedip, *y = b->first_allowedip;
	uint32_t mask = PEER_HAS_PUBLIC_KEY | PEER_HAS_PRESHARED_KEY |
			PEER_HAS_PERSISTENT_KEEPALIVE;

	if (memcmp(a->public_key, b->public_key, WG_KEY_LEN) ||
	    (a->flags & mask) != (b->flags & mask) ||
	    (a->flags & PEER_HAS_PRESHARED_KEY &&
	     memcmp(a->preshared_key, b->preshared_key, WG_KEY_LEN)) ||
	    a->persistent_keepalive != b->persistent_keepalive ||
	    endpoint_len(&a->endpoint) != endpoint_len(&b->endpoint) ||
	    memcmp(&a->endpoint, &b->endpoint, endpoint_len(&a->endpoint)))
		return false;
	for (; x && y; x = x->next, y = y->next) {
		if (x->family != y->family || x->cidr != y->cidr ||
		    memcmp(&x->ip6, &y->ip6, addr_len(x->family)))
			return false;
	}
	return !x && !y;
}

static bool same_device(const struct wg_device *a, const struct wg_device *b)
{
	const struct wg_peer *p = a->first_peer, *q = b->first_peer;

	if (strcmp(a->name, b->name) || a->listen_port != b->listen_port ||
	    a->fwmark != b->fwmark || a->peer_count != b->peer_count ||
	    memcmp(a->private_key, b->private_key, WG_KEY_LEN))
		return false;
	for (; p && q; p = p->next, q = q->next) {
		if (!same_peer(p, q))
			return false;
	}
	return !p && !q;
}

/* ---- SET ---- */

/* 100,000 peers x 3 allowed IPs: every message within bounds, every part once, in order. */
static void set_100k_peers_split_and_reassembled(void)
{
	struct wg_device *dev = big_device(100000, 3), *back = NULL;
	struct stream s = { 0 };
	struct checker ch;
	const char *err;
	size_t count;

	err = check_build(dev, 4096, &ch);
	if (err)
		printf("#   4096-byte messages: %s\n", err);
	EXPECT(!err);
	EXPECT(ch.messages > 1000);
	err = check_build(dev, 32768, &ch);
	if (err)
		printf("#   32768-byte messages: %s\n", err);
	EXPECT(!err);

	/* The GET parser reads the same layout: the split peers must merge back whole. */
	EXPECT(build_all(dev, 4096, &s, &count) == 0);
	stream_append_done(&s, 0, 0);
	EXPECT(wgnl_parse_device_reply(&back, s.data, s.len) == 0);
	EXPECT(back && same_device(dev, back));
	EXPECT(back && back->flags == (DEVICE_HAS_PRIVATE_KEY | DEVICE_HAS_LISTEN_PORT |
				       DEVICE_HAS_FWMARK));
	device_free(back);
	stream_free(&s);
	device_free(dev);
}

/* Small buffers split nearly every peer; removal flags must ride along every fragment. */
static void set_tiny_buffers_split_inside_peers(void)
{
	struct wg_device *dev = big_device(30, 40);
	struct wgnl_set_cursor cur;
	struct checker ch;
	size_t n = 0;

	for_each_peer(dev, peer) {
		if (n % 3 == 1)
			peer->flags |= PEER_REMOVE_ME;
		if (n % 5 == 2)
			peer->flags |= PEER_UPDATE_ONLY;
		if (n % 7 == 3)
			peer->flags &= ~(uint32_t)PEER_REPLACE_ALLOWEDIPS;
		for_each_allowedip(peer, aip) {
			if ((n + aip->cidr) % 4 == 0)
				aip->flags |= ALLOWEDIP_REMOVE_ME;
		}
		++n;
	}
	EXPECT(wgnl_set_begin(&cur, dev) == 0);
	for (size_t size = 200; size <= 1200; size += 37) {
		const char *err = check_build(dev, size, &ch);

		if (err)
			printf("#   %zu-byte messages: %s\n", size, err);
		EXPECT(!err);
		EXPECT(ch.continuations > 0);
	}
	device_free(dev);
}

static void set_without_peers_is_one_message(void)
{
	struct wg_device *dev = device_new();
	struct stream s = { 0 };
	struct checker ch;
	size_t count = 0;

	strcpy(dev->name, "wg0");
	dev->listen_port = 1234;
	dev->flags = DEVICE_HAS_LISTEN_PORT;
	EXPECT(build_all(dev, 4096, &s, &count) == 0 && count == 1);
	EXPECT(!check_build(dev, 4096, &ch) && ch.messages == 1);
	stream_free(&s);

	dev->flags = DEVICE_REPLACE_PEERS; /* wipe every peer, nothing else */
	EXPECT(build_all(dev, 4096, &s, &count) == 0 && count == 1);
	EXPECT(!check_build(dev, 4096, &ch) && ch.messages == 1);
	stream_free(&s);
	device_free(dev);
}

static void set_buffer_too_small_fails_cleanly(void)
{
	struct wg_device *dev = big_device(3, 3);
	struct stream s = { 0 };
	size_t count;

	EXPECT(build_all(dev, 16, &s, &count) == -EMSGSIZE);
	EXPECT(build_all(dev, 60, &s, &count) == -EMSGSIZE); /* the device attributes alone */
	/* Room for the device but never for a whole peer head: one message, then an error. */
	stream_free(&s);
	EXPECT(build_all(dev, 120, &s, &count) == -EMSGSIZE && count == 1);
	stream_free(&s);
	device_free(dev);
}

static void set_rejects_what_it_cannot_send(void)
{
	struct wg_device *dev = big_device(1, 1);
	struct wgnl_set_cursor cur;

	EXPECT(wgnl_set_begin(&cur, dev) == 0);
	dev->first_peer->first_allowedip->family = AF_INET;
	dev->first_peer->first_allowedip->cidr = 33;
	EXPECT(wgnl_set_begin(&cur, dev) == -EINVAL);
	dev->first_peer->first_allowedip->family = 0;
	dev->first_peer->first_allowedip->cidr = 0;
	EXPECT(wgnl_set_begin(&cur, dev) == -EINVAL);
	dev->first_peer->first_allowedip->family = AF_INET6;
	dev->first_peer->first_allowedip->cidr = 129;
	EXPECT(wgnl_set_begin(&cur, dev) == -EINVAL);
	dev->first_peer->first_allowedip->cidr = 128;
	dev->first_peer->endpoint.addr.sa_family = AF_UNIX;
	EXPECT(wgnl_set_begin(&cur, dev) == -EAFNOSUPPORT);
	dev->first_peer->endpoint.addr.sa_family = 0;
	dev->name[0] = '\0';
	EXPECT(wgnl_set_begin(&cur, dev) == -EINVAL);
	device_free(dev);
}

/* ---- GET replies ---- */

static void put_allowedip(struct nlmsghdr *nlh, uint16_t family, const char *ip, size_t len,
			  uint8_t cidr)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, 0);
	uint8_t addr[16] = { 0 };

	inet_pton(strchr(ip, ':') ? AF_INET6 : AF_INET, ip, addr);
	mnl_attr_put_u16(nlh, WGALLOWEDIP_A_FAMILY, family);
	mnl_attr_put(nlh, WGALLOWEDIP_A_IPADDR, len, addr);
	mnl_attr_put_u8(nlh, WGALLOWEDIP_A_CIDR_MASK, cidr);
	mnl_attr_nest_end(nlh, nest);
}

/* An ALLOWEDIPS nest of well-formed entries written as "ip/cidr ip/cidr ...". */
static void put_allowedip_list(struct nlmsghdr *nlh, const char *text)
{
	struct nlattr *list = mnl_attr_nest_start(nlh, WGPEER_A_ALLOWEDIPS);
	char buf[256], *save = NULL, *item;

	snprintf(buf, sizeof(buf), "%s", text);
	for (item = strtok_r(buf, " ", &save); item; item = strtok_r(NULL, " ", &save)) {
		char *slash = strchr(item, '/');
		bool v6 = strchr(item, ':');

		*slash = '\0';
		put_allowedip(nlh, v6 ? AF_INET6 : AF_INET, item, v6 ? 16 : 4,
			      (uint8_t)atoi(slash + 1));
	}
	mnl_attr_nest_end(nlh, list);
}

static struct nlattr *start_peer(struct nlmsghdr *nlh, uint32_t n)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, 0);
	uint8_t key[WG_KEY_LEN];

	test_key(key, n, 2);
	mnl_attr_put(nlh, WGPEER_A_PUBLIC_KEY, WG_KEY_LEN, key);
	return nest;
}

/*
 * A dump as the kernel splits it: peer 1 starts in the first message and continues in the
 * second; the device attributes come only once.
 */
static void split_dump(struct stream *s, struct room *room)
{
	struct nlmsghdr *nlh = genl_msg(room, FAMILY, WG_CMD_GET_DEVICE);
	struct nlattr *peers, *peer;
	uint8_t key[WG_KEY_LEN], zero[WG_KEY_LEN] = { 0 };
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(51000) };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(443) };
	int64_t handshake[2] = { 1700000000, 123456789 };

	inet_pton(AF_INET, "192.0.2.7", &sin.sin_addr);
	inet_pton(AF_INET6, "2001:db8::9", &sin6.sin6_addr);
	mnl_attr_put_u32(nlh, WGDEVICE_A_IFINDEX, 7);
	mnl_attr_put_strz(nlh, WGDEVICE_A_IFNAME, "wg7");
	test_key(key, 0, 1);
	mnl_attr_put(nlh, WGDEVICE_A_PRIVATE_KEY, WG_KEY_LEN, key);
	test_key(key, 0, 9);
	mnl_attr_put(nlh, WGDEVICE_A_PUBLIC_KEY, WG_KEY_LEN, key);
	mnl_attr_put_u16(nlh, WGDEVICE_A_LISTEN_PORT, 51820);
	mnl_attr_put_u32(nlh, WGDEVICE_A_FWMARK, 0);
	peers = mnl_attr_nest_start(nlh, WGDEVICE_A_PEERS);
	peer = start_peer(nlh, 0);
	test_key(key, 0, 3);
	mnl_attr_put(nlh, WGPEER_A_PRESHARED_KEY, WG_KEY_LEN, key);
	mnl_attr_put(nlh, WGPEER_A_ENDPOINT, sizeof(sin), &sin);
	mnl_attr_put_u16(nlh, WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, 25);
	mnl_attr_put(nlh, WGPEER_A_LAST_HANDSHAKE_TIME, sizeof(handshake), handshake);
	mnl_attr_put_u64(nlh, WGPEER_A_RX_BYTES, 1000);
	mnl_attr_put_u64(nlh, WGPEER_A_TX_BYTES, 2000);
	mnl_attr_put_u32(nlh, WGPEER_A_PROTOCOL_VERSION, 1);
	put_allowedip_list(nlh, "10.0.0.0/8 fd00::/64");
	mnl_attr_nest_end(nlh, peer);
	peer = start_peer(nlh, 1);
	mnl_attr_put(nlh, WGPEER_A_PRESHARED_KEY, WG_KEY_LEN, zero);
	put_allowedip_list(nlh, "10.1.0.1/32");
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, peers);
	stream_append_msg(s, nlh);

	nlh = genl_msg(room, FAMILY, WG_CMD_GET_DEVICE);
	peers = mnl_attr_nest_start(nlh, WGDEVICE_A_PEERS);
	peer = start_peer(nlh, 1);
	put_allowedip_list(nlh, "10.1.0.2/32 fd01::2/128");
	mnl_attr_nest_end(nlh, peer);
	peer = start_peer(nlh, 2);
	mnl_attr_put(nlh, WGPEER_A_ENDPOINT, sizeof(sin6), &sin6);
	mnl_attr_put_u16(nlh, WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, 0);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, peers);
	stream_append_msg(s, nlh);
}

static bool allowedip_is(const struct wg_allowedip *aip, const char *ip, uint8_t cidr)
{
	uint8_t addr[16] = { 0 };
	uint16_t family = strchr(ip, ':') ? AF_INET6 : AF_INET;

	inet_pton(family, ip, addr);
	return aip && aip->family == family && aip->cidr == cidr &&
	       !memcmp(&aip->ip6, addr, addr_len(family));
}

static void expect_split_dump_device(const struct wg_device *dev)
{
	const struct wg_peer *p0, *p1, *p2;
	uint8_t key[WG_KEY_LEN];

	EXPECT_STREQ(dev->name, "wg7");
	EXPECT(dev->ifindex == 7 && dev->listen_port == 51820 && dev->fwmark == 0);
	EXPECT(dev->flags == (DEVICE_HAS_PRIVATE_KEY | DEVICE_HAS_PUBLIC_KEY |
			      DEVICE_HAS_LISTEN_PORT | DEVICE_HAS_FWMARK));
	test_key(key, 0, 9);
	EXPECT(!memcmp(dev->public_key, key, WG_KEY_LEN));
	EXPECT(dev->peer_count == 3);
	p0 = dev->first_peer;
	p1 = p0 ? p0->next : NULL;
	p2 = p1 ? p1->next : NULL;
	if (!p2)
		return;
	EXPECT(p0->flags == (PEER_HAS_PUBLIC_KEY | PEER_HAS_PRESHARED_KEY |
			     PEER_HAS_PERSISTENT_KEEPALIVE));
	EXPECT(p0->persistent_keepalive == 25 && p0->rx_bytes == 1000 && p0->tx_bytes == 2000);
	EXPECT(p0->last_handshake.sec == 1700000000 && p0->last_handshake.nsec == 123456789);
	EXPECT(p0->endpoint.addr4.sin_family == AF_INET &&
	       p0->endpoint.addr4.sin_port == htons(51000) &&
	       p0->endpoint.addr4.sin_addr.s_addr == inet_addr("192.0.2.7"));
	EXPECT(allowedip_is(p0->first_allowedip, "10.0.0.0", 8));
	EXPECT(allowedip_is(p0->first_allowedip->next, "fd00::", 64));
	EXPECT(!p0->first_allowedip->next->next);
	EXPECT(p1->flags == PEER_HAS_PUBLIC_KEY); /* the all-zero preshared key is none */
	EXPECT(p1->endpoint.addr.sa_family == 0);
	EXPECT(allowedip_is(p1->first_allowedip, "10.1.0.1", 32));
	EXPECT(allowedip_is(p1->first_allowedip->next, "10.1.0.2", 32));
	EXPECT(allowedip_is(p1->first_allowedip->next->next, "fd01::2", 128));
	EXPECT(peer_last_allowedip(p1) == p1->first_allowedip->next->next);
	EXPECT(p2->flags == (PEER_HAS_PUBLIC_KEY | PEER_HAS_PERSISTENT_KEEPALIVE));
	EXPECT(p2->persistent_keepalive == 0 && !p2->first_allowedip);
	EXPECT(p2->endpoint.addr6.sin6_family == AF_INET6 &&
	       p2->endpoint.addr6.sin6_port == htons(443));
	EXPECT(dev->last_peer == p2);
}

static void get_reassembles_split_peer(void)
{
	static struct room room;
	struct stream s = { 0 };
	struct wg_device *dev = NULL;
	struct wgnl_reply reply = { .fn = wgnl_device_msg, .type = FAMILY };
	size_t first_len;

	split_dump(&s, &room);
	first_len = ((const struct nlmsghdr *)s.data)->nlmsg_len;
	stream_append_done(&s, 0, 0);
	EXPECT(wgnl_parse_device_reply(&dev, s.data, s.len) == 0);
	if (dev)
		expect_split_dump_device(dev);
	device_free(dev);

	/* The same reply in two reads, as two recv() calls would return it. */
	dev = device_new();
	reply.data = dev;
	EXPECT(wgnl_reply_feed(&reply, s.data, first_len) == 1);
	EXPECT(wgnl_reply_feed(&reply, s.data + first_len, s.len - first_len) == 0);
	device_merge_split_peers(dev);
	expect_split_dump_device(dev);
	device_free(dev);
	stream_free(&s);
}

/* One malformed peer after a good one; each must fail with the given error. */
struct bad_case {
	const char *name;
	int expect;
	void (*put)(struct nlmsghdr *nlh);
};

static void bad_short_public_key(struct nlmsghdr *nlh)
{
	struct nlattr *peer = mnl_attr_nest_start(nlh, 0);
	uint8_t key[WG_KEY_LEN] = { 1 };

	mnl_attr_put(nlh, WGPEER_A_PUBLIC_KEY, WG_KEY_LEN - 1, key);
	mnl_attr_nest_end(nlh, peer);
}

static void bad_no_public_key(struct nlmsghdr *nlh)
{
	struct nlattr *peer = mnl_attr_nest_start(nlh, 0);

	mnl_attr_put_u16(nlh, WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, 5);
	mnl_attr_nest_end(nlh, peer);
}

static void put_one_allowedip(struct nlmsghdr *nlh, uint16_t family, const char *ip,
			      size_t len, uint8_t cidr)
{
	struct nlattr *peer = start_peer(nlh, 5), *list;

	list = mnl_attr_nest_start(nlh, WGPEER_A_ALLOWEDIPS);
	put_allowedip(nlh, family, ip, len, cidr);
	mnl_attr_nest_end(nlh, list);
	mnl_attr_nest_end(nlh, peer);
}

static void bad_family(struct nlmsghdr *nlh)
{
	put_one_allowedip(nlh, AF_UNIX, "10.0.0.1", 4, 32);
}

static void bad_cidr_33(struct nlmsghdr *nlh)
{
	put_one_allowedip(nlh, AF_INET, "10.0.0.1", 4, 33);
}

static void bad_cidr_129(struct nlmsghdr *nlh)
{
	put_one_allowedip(nlh, AF_INET6, "fd00::1", 16, 129);
}

static void bad_v6_with_v4_address(struct nlmsghdr *nlh)
{
	put_one_allowedip(nlh, AF_INET6, "10.0.0.1", 4, 32);
}

static void bad_odd_address_length(struct nlmsghdr *nlh)
{
	put_one_allowedip(nlh, AF_INET, "10.0.0.1", 5, 32);
}

static void bad_missing_cidr(struct nlmsghdr *nlh)
{
	struct nlattr *peer = start_peer(nlh, 5), *list, *aip;
	uint8_t addr[4] = { 10, 0, 0, 1 };

	list = mnl_attr_nest_start(nlh, WGPEER_A_ALLOWEDIPS);
	aip = mnl_attr_nest_start(nlh, 0);
	mnl_attr_put_u16(nlh, WGALLOWEDIP_A_FAMILY, AF_INET);
	mnl_attr_put(nlh, WGALLOWEDIP_A_IPADDR, 4, addr);
	mnl_attr_nest_end(nlh, aip);
	mnl_attr_nest_end(nlh, list);
	mnl_attr_nest_end(nlh, peer);
}

static void bad_keepalive_size(struct nlmsghdr *nlh)
{
	struct nlattr *peer = start_peer(nlh, 5);

	mnl_attr_put_u32(nlh, WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, 5);
	mnl_attr_nest_end(nlh, peer);
}

static void bad_rx_bytes_size(struct nlmsghdr *nlh)
{
	struct nlattr *peer = start_peer(nlh, 5);

	mnl_attr_put_u32(nlh, WGPEER_A_RX_BYTES, 5);
	mnl_attr_nest_end(nlh, peer);
}

/* An attribute inside an allowed IP claims more bytes than its nest holds. */
static void bad_truncated_inner(struct nlmsghdr *nlh)
{
	struct nlattr *peer = start_peer(nlh, 5), *list, *cidr;

	list = mnl_attr_nest_start(nlh, WGPEER_A_ALLOWEDIPS);
	put_allowedip(nlh, AF_INET, "10.0.0.1", 4, 32);
	mnl_attr_nest_end(nlh, list);
	mnl_attr_nest_end(nlh, peer);
	cidr = (struct nlattr *)((uint8_t *)mnl_nlmsg_get_payload_tail(nlh) - 8);
	cidr->nla_len = 12;
}

/* A peer nest whose length stops in the middle of its allowed-IP list. */
static void bad_truncated_peer(struct nlmsghdr *nlh)
{
	struct nlattr *peer = start_peer(nlh, 5), *list;

	list = mnl_attr_nest_start(nlh, WGPEER_A_ALLOWEDIPS);
	put_allowedip(nlh, AF_INET, "10.0.0.1", 4, 32);
	mnl_attr_nest_end(nlh, list);
	mnl_attr_nest_end(nlh, peer);
	peer->nla_len -= 8;
}

/* Garbage shorter than an attribute header at the end of a peer. */
static void bad_leftover_bytes(struct nlmsghdr *nlh)
{
	struct nlattr *peer = start_peer(nlh, 5);
	uint8_t junk[2] = { 0xff, 0xff };

	memcpy(mnl_nlmsg_get_payload_tail(nlh), junk, sizeof(junk));
	nlh->nlmsg_len += 4;
	mnl_attr_nest_end(nlh, peer);
	peer->nla_len -= 2;
}

static void bad_peer_not_nested(struct nlmsghdr *nlh)
{
	mnl_attr_put_u16(nlh, 0, 7);
}

static void get_rejects_malformed_replies(void)
{
	static const struct bad_case cases[] = {
		{ "short_public_key", -EINVAL, bad_short_public_key },
		{ "no_public_key", -EINVAL, bad_no_public_key },
		{ "allowedip_family", -EINVAL, bad_family },
		{ "allowedip_cidr_33", -EINVAL, bad_cidr_33 },
		{ "allowedip_cidr_129", -EINVAL, bad_cidr_129 },
		{ "allowedip_v6_with_v4_address", -EINVAL, bad_v6_with_v4_address },
		{ "allowedip_address_length", -EINVAL, bad_odd_address_length },
		{ "allowedip_missing_cidr", -EINVAL, bad_missing_cidr },
		{ "keepalive_size", -EINVAL, bad_keepalive_size },
		{ "rx_bytes_size", -EINVAL, bad_rx_bytes_size },
		{ "truncated_inner_attribute", -EINVAL, bad_truncated_inner },
		{ "truncated_peer_nest", -EINVAL, bad_truncated_peer },
		{ "leftover_bytes", -EINVAL, bad_leftover_bytes },
		{ "peer_not_nested", -EINVAL, bad_peer_not_nested },
	};
	static struct room room;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
		struct nlmsghdr *nlh = genl_msg(&room, FAMILY, WG_CMD_GET_DEVICE);
		struct nlattr *peers = mnl_attr_nest_start(nlh, WGDEVICE_A_PEERS);
		struct wg_device *dev = NULL;
		struct stream s = { 0 };
		int ret;

		mnl_attr_nest_end(nlh, start_peer(nlh, 4));
		cases[i].put(nlh);
		mnl_attr_nest_end(nlh, peers);
		stream_append_msg(&s, nlh);
		stream_append_done(&s, 0, 0);
		ret = wgnl_parse_device_reply(&dev, s.data, s.len);
		if (ret != cases[i].expect)
			printf("#   %s: got %d, want %d\n", cases[i].name, ret, cases[i].expect);
		EXPECT(ret == cases[i].expect && !dev);
		stream_free(&s);
	}
}

/* Keys of the wrong length, endpoints of the wrong size: read as absent, not as errors. */
static void get_ignores_odd_optional_parts(void)
{
	static struct room room;
	struct nlmsghdr *nlh = genl_msg(&room, FAMILY, WG_CMD_GET_DEVICE);
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	union wg_endpoint sin = { .addr4.sin_family = AF_INET };
	uint8_t key[WG_KEY_LEN + 1] = { 1, 2, 3 }, zero[WG_KEY_LEN] = { 0 };
	struct nlattr *peers, *peer;
	struct wg_device *dev = NULL;
	struct stream s = { 0 };

	mnl_attr_put(nlh, WGDEVICE_A_PRIVATE_KEY, 16, key);
	mnl_attr_put(nlh, WGDEVICE_A_PUBLIC_KEY, WG_KEY_LEN + 1, key);
	peers = mnl_attr_nest_start(nlh, WGDEVICE_A_PEERS);
	peer = start_peer(nlh, 1);
	mnl_attr_put(nlh, WGPEER_A_PRESHARED_KEY, 31, key);
	mnl_attr_put(nlh, WGPEER_A_ENDPOINT, sizeof(sin6), &sin); /* v4 family, v6 length */
	mnl_attr_put(nlh, WGPEER_A_LAST_HANDSHAKE_TIME, 8, key);
	mnl_attr_put(nlh, 99, 3, key); /* unknown attributes are skipped */
	mnl_attr_nest_end(nlh, peer);
	peer = start_peer(nlh, 2);
	mnl_attr_put(nlh, WGPEER_A_ENDPOINT, sizeof(sin.addr4), &sin6); /* v6 family, v4 length */
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, peers);
	stream_append_msg(&s, nlh);
	nlh = genl_msg(&room, FAMILY, WG_CMD_GET_DEVICE);
	mnl_attr_put(nlh, WGDEVICE_A_PRIVATE_KEY, WG_KEY_LEN, zero); /* all zero: no key */
	stream_append_msg(&s, nlh);
	stream_append_done(&s, 0, 0);
	EXPECT(wgnl_parse_device_reply(&dev, s.data, s.len) == 0);
	if (dev) {
		EXPECT(dev->flags == 0 && dev->peer_count == 2);
		EXPECT(dev->first_peer->flags == PEER_HAS_PUBLIC_KEY);
		EXPECT(dev->first_peer->endpoint.addr.sa_family == 0);
		EXPECT(dev->first_peer->last_handshake.sec == 0);
		EXPECT(dev->last_peer->endpoint.addr.sa_family == 0);
	}
	device_free(dev);
	stream_free(&s);
}

static void append_error(struct stream *s, int32_t code, size_t payload)
{
	_Alignas(struct nlmsghdr) uint8_t buf[64] = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *err = mnl_nlmsg_put_extra_header(nlh, payload);

	nlh->nlmsg_type = NLMSG_ERROR;
	if (payload >= sizeof(err->error))
		err->error = code;
	stream_append_msg(s, nlh);
}

/* Kernel errors, interrupted dumps, replies that never end, foreign messages. */
static void reply_errors_and_ends(void)
{
	static struct room room;
	struct wg_device *dev = NULL;
	struct nlmsghdr *nlh;
	struct stream s = { 0 };
	struct wgnl_reply reply = { .fn = wgnl_device_msg };

	append_error(&s, -ENODEV, sizeof(struct nlmsgerr));
	EXPECT(wgnl_parse_device_reply(&dev, s.data, s.len) == -ENODEV);
	stream_free(&s);
	append_error(&s, EPERM, sizeof(struct nlmsgerr)); /* positive codes mean the same */
	EXPECT(wgnl_parse_device_reply(&dev, s.data, s.len) == -EPERM);
	stream_free(&s);
	append_error(&s, INT32_MIN, sizeof(struct nlmsgerr));
	EXPECT(wgnl_parse_device_reply(&dev, s.data, s.len) == -EPROTO);
	stream_free(&s);
	append_error(&s, -ENODEV, 4); /* too short to be an error message */
	EXPECT(wgnl_parse_device_reply(&dev, s.data, s.len) == -EPROTO);
	stream_free(&s);
	append_error(&s, 0, sizeof(struct nlmsgerr)); /* a plain acknowledgement */
	EXPECT(wgnl_parse_device_reply(&dev, s.data, s.len) == 0);
	device_free(dev);
	dev = NULL;
	stream_free(&s);

	stream_append_done(&s, -EMSGSIZE, 0); /* the dump failed part way */
	EXPECT(wgnl_parse_device_reply(&dev, s.data, s.len) == -EMSGSIZE);
	stream_free(&s);
	stream_append_done(&s, 0, NLM_F_DUMP_INTR);
	EXPECT(wgnl_parse_device_reply(&dev, s.data, s.len) == -EINTR);
	stream_free(&s);

	nlh = genl_msg(&room, FAMILY, WG_CMD_GET_DEVICE);
	nlh->nlmsg_flags |= NLM_F_DUMP_INTR;
	stream_append_msg(&s, nlh);
	stream_append_done(&s, 0, 0);
	EXPECT(wgnl_parse_device_reply(&dev, s.data, s.len) == -EINTR);
	stream_free(&s);

	nlh = genl_msg(&room, FAMILY, WG_CMD_GET_DEVICE);
	stream_append_msg(&s, nlh); /* no end */
	EXPECT(wgnl_parse_device_reply(&dev, s.data, s.len) == -EPROTO);
	nlh->nlmsg_len = 16; /* no room for the generic-netlink header */
	stream_free(&s);
	stream_append_msg(&s, nlh);
	stream_append_done(&s, 0, 0);
	EXPECT(wgnl_parse_device_reply(&dev, s.data, s.len) == -EINVAL);
	stream_free(&s);

	/* Lengths that lie: past the buffer (libmnl would read them as negative), or short. */
	nlh = genl_msg(&room, FAMILY, WG_CMD_GET_DEVICE);
	stream_append_msg(&s, nlh);
	((struct nlmsghdr *)s.data)->nlmsg_len = 0xd3d3d3d3;
	EXPECT(wgnl_parse_device_reply(&dev, s.data, s.len) == -EINVAL);
	((struct nlmsghdr *)s.data)->nlmsg_len = 8;
	EXPECT(wgnl_parse_device_reply(&dev, s.data, s.len) == -EINVAL);
	stream_free(&s);
	stream_append_done(&s, 0, 0);
	stream_append(&s, "\0\0\0\0", 4); /* not a whole message */
	EXPECT(wgnl_parse_device_reply(&dev, s.data, s.len) == -EINVAL);
	stream_free(&s);

	nlh = genl_msg(&room, FAMILY + 1, WG_CMD_GET_DEVICE);
	nlh->nlmsg_seq = 5;
	nlh->nlmsg_pid = 77;
	stream_append_msg(&s, nlh);
	dev = device_new();
	reply.data = dev;
	reply.type = FAMILY;
	EXPECT(wgnl_reply_feed(&reply, s.data, s.len) == -EPROTO); /* someone else's type */
	reply.type = 0;
	reply.seq = 6;
	EXPECT(wgnl_reply_feed(&reply, s.data, s.len) == -EPROTO); /* an old sequence number */
	reply.seq = 5;
	reply.portid = 78;
	EXPECT(wgnl_reply_feed(&reply, s.data, s.len) == -ESRCH); /* not for our socket */
	reply.portid = 77;
	EXPECT(wgnl_reply_feed(&reply, s.data, s.len) == 1);
	device_free(dev);
	dev = NULL;
	stream_free(&s);
	EXPECT(!dev);
}

/* Random corruption of a good reply must never crash (run it under ASan). */
static void get_survives_corrupted_replies(void)
{
	static struct room room;
	struct stream good = { 0 };
	uint8_t *copy;
	uint64_t rng = 0x9e3779b97f4a7c15ULL;
	size_t ok = 0, failed = 0;

	split_dump(&good, &room);
	stream_append_done(&good, 0, 0);
	copy = malloc(good.len);
	for (int round = 0; round < 20000; ++round) {
		struct wg_device *dev = NULL;
		size_t len = good.len;
		int flips;

		memcpy(copy, good.data, good.len);
		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		flips = (int)(rng >> 60) % 4 + 1;
		for (int i = 0; i < flips; ++i) {
			rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
			copy[(rng >> 33) % good.len] ^= (uint8_t)(1U << ((rng >> 20) % 8));
		}
		if (round % 5 == 0)
			len = (size_t)(rng >> 40) % good.len;
		if (wgnl_parse_device_reply(&dev, copy, len) == 0)
			++ok;
		else
			++failed;
		device_free(dev);
	}
	EXPECT(ok > 0 && failed > 0);
	free(copy);
	stream_free(&good);
}

/* ---- RTM_GETLINK replies ---- */

static void put_link(struct stream *s, struct room *room, const char *name, const char *kind,
		     bool name_last)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = reply_msg(room, RTM_NEWLINK, sizeof(*ifi), (void **)&ifi);
	struct nlattr *info;

	ifi->ifi_index = 3;
	if (!name_last)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_MTU, 1420);
	if (kind) {
		info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
		mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
		mnl_attr_nest_end(nlh, info);
	}
	if (name_last)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	stream_append_msg(s, nlh);
}

static void list_keeps_wireguard_links_in_order(void)
{
	static struct room room;
	struct name_list names = { 0 };
	struct stream s = { 0 };

	put_link(&s, &room, "lo", NULL, false);
	put_link(&s, &room, "wgb", "wireguard", false);
	put_link(&s, &room, "veth0", "veth", false);
	put_link(&s, &room, "wga", "wireguard", true);
	put_link(&s, &room, "wgx", "wireguardx", false);
	put_link(&s, &room, "wgy", "wiregu", false);
	stream_append_done(&s, 0, 0);
	EXPECT(wgnl_parse_link_reply(&names, s.data, s.len) == 0);
	EXPECT(names.len == 2);
	if (names.len == 2) {
		EXPECT_STREQ(names.names[0], "wgb");
		EXPECT_STREQ(names.names[1], "wga");
	}
	name_list_free(&names);

	/* An interrupted dump is reported as such: the backend reads it again. */
	((struct nlmsghdr *)s.data)->nlmsg_flags |= NLM_F_DUMP_INTR;
	EXPECT(wgnl_parse_link_reply(&names, s.data, s.len) == -EINTR);
	name_list_free(&names);
	stream_free(&s);
}

/* ---- CTRL_CMD_GETPOLICY replies ---- */

static struct nlmsghdr *policy_msg(struct room *room)
{
	struct nlmsghdr *nlh = genl_msg(room, GENL_ID_CTRL, CTRL_CMD_GETPOLICY);

	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, FAMILY);
	return nlh;
}

static void put_op_policy(struct stream *s, struct room *room, uint16_t cmd, int do_idx,
			  int dump_idx)
{
	struct nlmsghdr *nlh = policy_msg(room);
	struct nlattr *outer = mnl_attr_nest_start(nlh, CTRL_ATTR_OP_POLICY);
	struct nlattr *op = mnl_attr_nest_start(nlh, cmd);

	if (do_idx >= 0)
		mnl_attr_put_u32(nlh, CTRL_ATTR_POLICY_DO, (uint32_t)do_idx);
	if (dump_idx >= 0)
		mnl_attr_put_u32(nlh, CTRL_ATTR_POLICY_DUMP, (uint32_t)dump_idx);
	mnl_attr_nest_end(nlh, op);
	mnl_attr_nest_end(nlh, outer);
	stream_append_msg(s, nlh);
}

/* One attribute of one policy per message, as the kernel dumps them. */
static void put_policy_attr(struct stream *s, struct room *room, uint16_t policy, uint16_t attr,
			    uint32_t type, int nested)
{
	struct nlmsghdr *nlh = policy_msg(room);
	struct nlattr *outer = mnl_attr_nest_start(nlh, CTRL_ATTR_POLICY);
	struct nlattr *table = mnl_attr_nest_start(nlh, policy);
	struct nlattr *entry = mnl_attr_nest_start(nlh, attr);

	if (nested >= 0) {
		mnl_attr_put_u32(nlh, NL_POLICY_TYPE_ATTR_POLICY_IDX, (uint32_t)nested);
		mnl_attr_put_u32(nlh, NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE, 10);
	}
	if (type == NL_ATTR_TYPE_U32)
		mnl_attr_put_u64(nlh, NL_POLICY_TYPE_ATTR_MASK, 1);
	mnl_attr_put_u32(nlh, NL_POLICY_TYPE_ATTR_TYPE, type);
	mnl_attr_nest_end(nlh, entry);
	mnl_attr_nest_end(nlh, table);
	mnl_attr_nest_end(nlh, outer);
	stream_append_msg(s, nlh);
}

enum policy_shape { MODERN, NO_FLAG, FLAG_NOT_U32, OLD_KERNEL, NO_OP_MAP, HUGE_INDEX };

/* A policy dump shaped like a kernel's (see enum policy_shape for the variants). */
static void policy_dump(struct stream *s, enum policy_shape shape)
{
	static struct room room;
	int aip = shape == HUGE_INDEX ? 300 : 3;

	if (shape == OLD_KERNEL) {
		/* Linux 6.1: one family-wide policy, the peers nest without a nested policy. */
		put_op_policy(s, &room, WG_CMD_GET_DEVICE, -1, 0);
		put_op_policy(s, &room, WG_CMD_SET_DEVICE, 0, -1);
		put_policy_attr(s, &room, 0, WGDEVICE_A_IFNAME, NL_ATTR_TYPE_NUL_STRING, -1);
		put_policy_attr(s, &room, 0, WGDEVICE_A_PEERS, NL_ATTR_TYPE_NESTED, -1);
		stream_append_done(s, 0, 0);
		return;
	}
	if (shape != NO_OP_MAP) {
		put_op_policy(s, &room, WG_CMD_GET_DEVICE, -1, 0);
		put_op_policy(s, &room, WG_CMD_SET_DEVICE, 1, -1);
	}
	put_policy_attr(s, &room, 0, WGDEVICE_A_IFNAME, NL_ATTR_TYPE_NUL_STRING, -1);
	put_policy_attr(s, &room, 1, WGDEVICE_A_IFNAME, NL_ATTR_TYPE_NUL_STRING, -1);
	put_policy_attr(s, &room, 1, WGDEVICE_A_PEERS, NL_ATTR_TYPE_NESTED_ARRAY, 2);
	put_policy_attr(s, &room, 2, WGPEER_A_PUBLIC_KEY, NL_ATTR_TYPE_BINARY, -1);
	put_policy_attr(s, &room, 2, WGPEER_A_ALLOWEDIPS, NL_ATTR_TYPE_NESTED_ARRAY, aip);
	put_policy_attr(s, &room, (uint16_t)aip, WGALLOWEDIP_A_FAMILY, NL_ATTR_TYPE_U16, -1);
	put_policy_attr(s, &room, (uint16_t)aip, WGALLOWEDIP_A_CIDR_MASK, NL_ATTR_TYPE_U8, -1);
	if (shape != NO_FLAG)
		put_policy_attr(s, &room, (uint16_t)aip, WGALLOWEDIP_A_FLAGS,
				shape == FLAG_NOT_U32 ? NL_ATTR_TYPE_U8 : NL_ATTR_TYPE_U32, -1);
	stream_append_done(s, 0, 0);
}

static void policy_detects_allowedip_flags(void)
{
	static const struct {
		const char *name;
		enum policy_shape shape;
		bool supported;
	} cases[] = {
		{ "modern", MODERN, true },
		{ "no_flag", NO_FLAG, false },
		{ "flag_not_u32", FLAG_NOT_U32, false },
		{ "linux_6_1", OLD_KERNEL, false },
		{ "no_op_map", NO_OP_MAP, false },
		{ "huge_index", HUGE_INDEX, false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
		struct stream s = { 0 };
		bool supported = !cases[i].supported;
		int ret;

		policy_dump(&s, cases[i].shape);
		ret = wgnl_parse_policy_reply(&supported, s.data, s.len);
		if (ret || supported != cases[i].supported)
			printf("#   %s: ret %d, supported %d\n", cases[i].name, ret, supported);
		EXPECT(ret == 0 && supported == cases[i].supported);
		stream_free(&s);
	}
}

static void policy_errors_mean_unsupported(void)
{
	struct stream s = { 0 };
	bool supported = true;

	append_error(&s, -ENOENT, sizeof(struct nlmsgerr));
	EXPECT(wgnl_parse_policy_reply(&supported, s.data, s.len) == -ENOENT && !supported);
	stream_free(&s);

	policy_dump(&s, MODERN);
	supported = true;
	EXPECT(wgnl_parse_policy_reply(&supported, s.data, s.len / 2) != 0 && !supported);
	stream_free(&s);
}

/* ---- nlattr.h against libmnl ---- */

struct visit {
	const struct nlattr *seen[64];
	size_t n;
	int failures;
};

static const enum mnl_attr_data_type checked_types[] = {
	MNL_TYPE_U8,	  MNL_TYPE_U16,	   MNL_TYPE_U32,   MNL_TYPE_U64,
	MNL_TYPE_STRING, MNL_TYPE_NUL_STRING, MNL_TYPE_NESTED, MNL_TYPE_FLAG,
};

/* Every accessor and check of nlattr.h gives what libmnl's gives for the same attribute. */
static int compare_attr(const struct nlattr *attr, void *data)
{
	struct visit *v = data;
	size_t len = mnl_attr_get_payload_len(attr);

	if (v->n < sizeof(v->seen) / sizeof(v->seen[0]))
		v->seen[v->n++] = attr;
	v->failures += nlattr_type(attr) != mnl_attr_get_type(attr);
	v->failures += nlattr_len(attr) != len;
	v->failures += nlattr_data(attr) != mnl_attr_get_payload(attr);
	v->failures += len >= 1 && nlattr_u8(attr) != mnl_attr_get_u8(attr);
	v->failures += len >= 2 && nlattr_u16(attr) != mnl_attr_get_u16(attr);
	v->failures += len >= 4 && nlattr_u32(attr) != mnl_attr_get_u32(attr);
	v->failures += len >= 8 && nlattr_u64(attr) != mnl_attr_get_u64(attr);
	for (size_t i = 0; i < sizeof(checked_types) / sizeof(checked_types[0]); ++i) {
		errno = 0;
		v->failures += nlattr_valid(attr, checked_types[i]) !=
			       (mnl_attr_validate(attr, checked_types[i]) >= 0);
	}
	return 0;
}

static int collect_attr(const struct nlattr *attr, void *data)
{
	struct visit *v = data;

	if (v->n < sizeof(v->seen) / sizeof(v->seen[0]))
		v->seen[v->n++] = attr;
	return MNL_CB_OK;
}

static void nlattr_matches_libmnl(void)
{
	_Alignas(struct nlmsghdr) uint8_t buf[4096] = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct visit ours = { .n = 0 }, theirs = { .n = 0 };
	uint8_t payload[24];

	for (size_t i = 0; i < sizeof(payload); ++i)
		payload[i] = (uint8_t)(0x81 + 37 * i);
	/* every payload length from 0 to 24, with type bits beyond NLA_TYPE_MASK on some */
	for (uint16_t len = 0; len <= sizeof(payload); ++len)
		mnl_attr_put(nlh, (uint16_t)(len | (len % 3 ? 0 : NLA_F_NESTED)), len, payload);
	mnl_attr_put_strz(nlh, 30, "wg0");
	mnl_attr_put(nlh, 31, 3, "wg0"); /* a string without its NUL */
	mnl_attr_put_u64(nlh, 32, 0x0123456789abcdefULL);
	EXPECT(nlattr_walk(mnl_nlmsg_get_payload(nlh), mnl_nlmsg_get_payload_len(nlh),
			   compare_attr, &ours) == 0);
	EXPECT(!ours.failures);
	mnl_attr_parse(nlh, 0, collect_attr, &theirs);
	EXPECT(ours.n == 28 && theirs.n == ours.n);
	for (size_t i = 0; i < ours.n && i < theirs.n; ++i)
		EXPECT(ours.seen[i] == theirs.seen[i]);
	/* where libmnl stops quietly at bytes that are no whole attribute, the walk fails */
	EXPECT(nlattr_walk(mnl_nlmsg_get_payload(nlh), mnl_nlmsg_get_payload_len(nlh) - 2,
			   compare_attr, &(struct visit){ .n = 0 }) == -EINVAL);
}

int main(void)
{
	RUN(nlattr_matches_libmnl);
	RUN(set_100k_peers_split_and_reassembled);
	RUN(set_tiny_buffers_split_inside_peers);
	RUN(set_without_peers_is_one_message);
	RUN(set_buffer_too_small_fails_cleanly);
	RUN(set_rejects_what_it_cannot_send);
	RUN(get_reassembles_split_peer);
	RUN(get_rejects_malformed_replies);
	RUN(get_ignores_odd_optional_parts);
	RUN(reply_errors_and_ends);
	RUN(get_survives_corrupted_replies);
	RUN(list_keeps_wireguard_links_in_order);
	RUN(policy_detects_allowedip_flags);
	RUN(policy_errors_mean_unsupported);
	TEST_EXIT();
}
