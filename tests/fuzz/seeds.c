/* SPDX-License-Identifier: GPL-2.0-only */
/* seeds.c: writes the netlink seed corpus: kernel-style dumps, errors, link and policy dumps. */
/*
 * Usage: seeds DIR. Each file is one fuzz input for the netlink target: a selector byte (0
 * device, 1 link, 2 policy) and then the reply as the kernel sends it. Device dumps are laid
 * out like the kernel's get-device dump (every peer carries its public and preshared key,
 * handshake time, keepalive, counters, protocol version, endpoint and allowed IPs); the split
 * dumps come from the product's own SET builder, relabelled as dump parts.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/rtnetlink.h>

#include "netlink.h"
#include "wireguard-uapi.h"

#define FAMILY 0x1d /* the id the kernel gave "wireguard", for example */
#define ROOM 65536

struct stream {
	uint8_t data[1 << 20];
	size_t len;
};

static _Alignas(struct nlmsghdr) uint8_t room[ROOM];

static void die(const char *what)
{
	fprintf(stderr, "seeds: %s\n", what);
	exit(1);
}

static void append(struct stream *s, const struct nlmsghdr *nlh)
{
	size_t len = MNL_ALIGN(nlh->nlmsg_len);

	if (s->len + len > sizeof(s->data))
		die("stream full");
	memcpy(s->data + s->len, nlh, nlh->nlmsg_len);
	memset(s->data + s->len + nlh->nlmsg_len, 0, len - nlh->nlmsg_len);
	s->len += len;
}

static void save(const char *dir, const char *name, uint8_t selector, const struct stream *s)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fputc(selector, f) == EOF || fwrite(s->data, 1, s->len, f) != s->len ||
	    fclose(f))
		die(path);
}

static struct nlmsghdr *message(uint16_t type, uint16_t flags, size_t fixed_len, void **fixed)
{
	struct nlmsghdr *nlh;

	memset(room, 0, sizeof(room));
	nlh = mnl_nlmsg_put_header(room);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = 1;
	*fixed = mnl_nlmsg_put_extra_header(nlh, fixed_len);
	return nlh;
}

static struct nlmsghdr *genl_message(uint16_t type, uint8_t cmd)
{
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh = message(type, NLM_F_MULTI, sizeof(*genl), (void **)&genl);

	genl->cmd = cmd;
	genl->version = 1;
	return nlh;
}

/* NLMSG_DONE with a status, as every dump ends. */
static void append_done(struct stream *s, int32_t status, uint16_t flags)
{
	int32_t *code;
	struct nlmsghdr *nlh = message(NLMSG_DONE, NLM_F_MULTI | flags, sizeof(*code),
				       (void **)&code);

	*code = status;
	append(s, nlh);
}

static void append_error(struct stream *s, int32_t error)
{
	struct nlmsgerr *err;
	struct nlmsghdr *nlh = message(NLMSG_ERROR, 0, sizeof(*err), (void **)&err);

	err->error = error;
	err->msg.nlmsg_len = sizeof(err->msg);
	err->msg.nlmsg_type = FAMILY;
	append(s, nlh);
}

static void fill_key(uint8_t key[WG_KEY_LEN], uint8_t tag)
{
	for (int i = 0; i < WG_KEY_LEN; ++i)
		key[i] = (uint8_t)(tag * 37 + i * 11 + 1);
}

static void put_allowedip(struct nlmsghdr *nlh, int family, const char *addr, uint8_t cidr)
{
	uint8_t bytes[16];
	struct nlattr *nest = mnl_attr_nest_start(nlh, 0);

	if (inet_pton(family, addr, bytes) != 1)
		die(addr);
	mnl_attr_put_u8(nlh, WGALLOWEDIP_A_CIDR_MASK, cidr);
	mnl_attr_put_u16(nlh, WGALLOWEDIP_A_FAMILY, (uint16_t)family);
	mnl_attr_put(nlh, WGALLOWEDIP_A_IPADDR, family == AF_INET ? 4 : 16, bytes);
	mnl_attr_nest_end(nlh, nest);
}

/* One peer as the kernel dumps it; endpoint family 0 for none. */
static void put_peer(struct nlmsghdr *nlh, uint8_t tag, int endpoint_family, bool psk)
{
	uint8_t key[WG_KEY_LEN] = { 0 };
	int64_t handshake[2] = { tag ? 1700000000 + tag : 0, tag * 1000 };
	struct nlattr *peer = mnl_attr_nest_start(nlh, 0), *ips;

	fill_key(key, tag);
	mnl_attr_put(nlh, WGPEER_A_PUBLIC_KEY, WG_KEY_LEN, key);
	memset(key, 0, sizeof(key));
	if (psk)
		fill_key(key, (uint8_t)(tag + 100));
	mnl_attr_put(nlh, WGPEER_A_PRESHARED_KEY, WG_KEY_LEN, key);
	mnl_attr_put(nlh, WGPEER_A_LAST_HANDSHAKE_TIME, sizeof(handshake), handshake);
	mnl_attr_put_u16(nlh, WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, tag % 2 ? 25 : 0);
	mnl_attr_put_u64(nlh, WGPEER_A_TX_BYTES, 1234ULL * tag);
	mnl_attr_put_u64(nlh, WGPEER_A_RX_BYTES, 98765ULL * tag);
	mnl_attr_put_u32(nlh, WGPEER_A_PROTOCOL_VERSION, 1);
	if (endpoint_family == AF_INET) {
		struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(51820) };

		inet_pton(AF_INET, "192.0.2.7", &sin.sin_addr);
		mnl_attr_put(nlh, WGPEER_A_ENDPOINT, sizeof(sin), &sin);
	} else if (endpoint_family == AF_INET6) {
		struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(443),
					     .sin6_scope_id = 1 };

		inet_pton(AF_INET6, "fe80::7", &sin6.sin6_addr);
		mnl_attr_put(nlh, WGPEER_A_ENDPOINT, sizeof(sin6), &sin6);
	}
	ips = mnl_attr_nest_start(nlh, WGPEER_A_ALLOWEDIPS);
	put_allowedip(nlh, AF_INET, "10.0.0.0", (uint8_t)(8 + tag));
	put_allowedip(nlh, AF_INET6, "fd00::", 64);
	if (tag % 2)
		put_allowedip(nlh, AF_INET, "0.0.0.0", 0);
	mnl_attr_nest_end(nlh, ips);
	mnl_attr_nest_end(nlh, peer);
}

static struct nlmsghdr *device_header(bool private_key)
{
	struct nlmsghdr *nlh = genl_message(FAMILY, WG_CMD_GET_DEVICE);
	uint8_t key[WG_KEY_LEN];

	mnl_attr_put_u16(nlh, WGDEVICE_A_LISTEN_PORT, 51820);
	mnl_attr_put_u32(nlh, WGDEVICE_A_FWMARK, 0xca6c);
	mnl_attr_put_u32(nlh, WGDEVICE_A_IFINDEX, 7);
	mnl_attr_put_strz(nlh, WGDEVICE_A_IFNAME, "wg0");
	if (private_key) {
		fill_key(key, 200);
		mnl_attr_put(nlh, WGDEVICE_A_PRIVATE_KEY, WG_KEY_LEN, key);
		fill_key(key, 201);
		mnl_attr_put(nlh, WGDEVICE_A_PUBLIC_KEY, WG_KEY_LEN, key);
	}
	return nlh;
}

/* Puts peers first..first+count-1 into a device message: IPv4, IPv6 and no endpoint in turn. */
static struct nlmsghdr *with_peers(struct nlmsghdr *nlh, uint8_t first, uint8_t count)
{
	static const int families[] = { AF_INET, AF_INET6, 0 };
	struct nlattr *peers = mnl_attr_nest_start(nlh, WGDEVICE_A_PEERS);

	for (uint8_t tag = first; tag < first + count; ++tag)
		put_peer(nlh, tag, families[(tag - 1) % 3], tag % 2);
	mnl_attr_nest_end(nlh, peers);
	return nlh;
}

/* A later part of the same dump: the device's index and name, then more peers. */
static struct nlmsghdr *continuation(void)
{
	struct nlmsghdr *nlh = genl_message(FAMILY, WG_CMD_GET_DEVICE);

	mnl_attr_put_u32(nlh, WGDEVICE_A_IFINDEX, 7);
	mnl_attr_put_strz(nlh, WGDEVICE_A_IFNAME, "wg0");
	return nlh;
}

static void device_dumps(const char *dir)
{
	static struct stream s;

	s.len = 0;
	append(&s, device_header(false));
	append_done(&s, 0, 0);
	save(dir, "device-empty", 0, &s);

	s.len = 0;
	append(&s, with_peers(device_header(true), 1, 3));
	append_done(&s, 0, 0);
	save(dir, "device-three-peers", 0, &s);

	s.len = 0;
	append(&s, with_peers(device_header(true), 1, 1));
	append(&s, with_peers(continuation(), 2, 2));
	append_done(&s, 0, 0);
	save(dir, "device-two-messages", 0, &s);

	s.len = 0;
	append(&s, device_header(true));
	append_done(&s, 0, NLM_F_DUMP_INTR);
	save(dir, "device-interrupted", 0, &s);

	s.len = 0;
	append_error(&s, -ENODEV);
	save(dir, "device-no-such-device", 0, &s);

	s.len = 0;
	append(&s, device_header(false));
	append_done(&s, -EMSGSIZE, 0);
	save(dir, "device-done-with-error", 0, &s);
}

/* A device with many peers and allowed IPs, as SET messages of `size' bytes made into a dump. */
static void builder_dump(const char *dir, const char *name, size_t peers, size_t ips,
			 size_t size)
{
	static struct stream s;
	struct wg_device *dev = device_new();
	struct wgnl_set_cursor cur;
	struct nlmsghdr *nlh;
	int ret;

	if (!dev)
		die("out of memory");
	strcpy(dev->name, "wg1");
	fill_key(dev->private_key, 50);
	dev->listen_port = 1;
	dev->flags = DEVICE_HAS_PRIVATE_KEY | DEVICE_HAS_LISTEN_PORT;
	for (size_t i = 0; i < peers; ++i) {
		struct wg_peer *peer = device_add_peer(dev);

		if (!peer)
			die("out of memory");
		fill_key(peer->public_key, (uint8_t)(60 + i));
		peer->flags = PEER_HAS_PUBLIC_KEY | PEER_REPLACE_ALLOWEDIPS;
		for (size_t j = 0; j < ips; ++j) {
			struct wg_allowedip *aip = peer_add_allowedip(dev, peer);

			if (!aip)
				die("out of memory");
			aip->family = AF_INET;
			aip->ip4.s_addr = htonl(0x0a000000 | (uint32_t)(i << 8 | j));
			aip->cidr = 32;
		}
	}
	s.len = 0;
	ret = wgnl_set_begin(&cur, dev);
	while (!ret && (ret = wgnl_set_next(&cur, room, size, FAMILY, &nlh)) > 0) {
		struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);

		nlh->nlmsg_flags = NLM_F_MULTI;
		genl->cmd = WG_CMD_GET_DEVICE;
		append(&s, nlh);
		ret = 0;
	}
	if (ret)
		die("the SET builder failed");
	append_done(&s, 0, 0);
	save(dir, name, 0, &s);
	device_free(dev);
}

static void put_link(struct stream *s, int index, const char *name, const char *kind)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = message(RTM_NEWLINK, NLM_F_MULTI, sizeof(*ifi), (void **)&ifi);

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_MTU, 1420);
	if (kind) {
		struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);

		mnl_attr_put_str(nlh, IFLA_INFO_KIND, kind);
		mnl_attr_nest_end(nlh, info);
	}
	append(s, nlh);
}

static void link_dumps(const char *dir)
{
	static struct stream s;

	s.len = 0;
	put_link(&s, 1, "lo", NULL);
	put_link(&s, 2, "veth-a", "veth");
	put_link(&s, 3, "wg0", "wireguard");
	put_link(&s, 4, "wg-home", "wireguard");
	append_done(&s, 0, 0);
	save(dir, "link-mixed", 1, &s);

	s.len = 0;
	put_link(&s, 1, "lo", NULL);
	append_done(&s, 0, NLM_F_DUMP_INTR);
	save(dir, "link-interrupted", 1, &s);
}

/* One CTRL_CMD_GETPOLICY dump part: attribute `attr' of policy `index' has type `type'. */
static void put_policy_attr(struct stream *s, uint32_t index, uint16_t attr, uint32_t type,
			    int32_t nested)
{
	struct nlmsghdr *nlh = genl_message(GENL_ID_CTRL, CTRL_CMD_GETPOLICY);
	struct nlattr *policy, *table, *entry;

	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, FAMILY);
	policy = mnl_attr_nest_start(nlh, CTRL_ATTR_POLICY);
	table = mnl_attr_nest_start(nlh, (uint16_t)index);
	entry = mnl_attr_nest_start(nlh, attr);
	mnl_attr_put_u32(nlh, NL_POLICY_TYPE_ATTR_TYPE, type);
	if (nested >= 0)
		mnl_attr_put_u32(nlh, NL_POLICY_TYPE_ATTR_POLICY_IDX, (uint32_t)nested);
	mnl_attr_nest_end(nlh, entry);
	mnl_attr_nest_end(nlh, table);
	mnl_attr_nest_end(nlh, policy);
	append(s, nlh);
}

static void put_op_policy(struct stream *s, uint8_t cmd, uint32_t index)
{
	struct nlmsghdr *nlh = genl_message(GENL_ID_CTRL, CTRL_CMD_GETPOLICY);
	struct nlattr *ops, *op;

	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, FAMILY);
	ops = mnl_attr_nest_start(nlh, CTRL_ATTR_OP_POLICY);
	op = mnl_attr_nest_start(nlh, cmd);
	mnl_attr_put_u32(nlh, CTRL_ATTR_POLICY_DO, index);
	mnl_attr_nest_end(nlh, op);
	mnl_attr_nest_end(nlh, ops);
	append(s, nlh);
}

/* Policies 0 (device) -> 1 (peer) -> 2 (allowed IP), with or without the flags attribute. */
static void policy_dump(const char *dir, const char *name, bool flags)
{
	static struct stream s;

	s.len = 0;
	put_op_policy(&s, WG_CMD_GET_DEVICE, 0);
	put_op_policy(&s, WG_CMD_SET_DEVICE, 0);
	put_policy_attr(&s, 0, WGDEVICE_A_IFNAME, NL_ATTR_TYPE_NUL_STRING, -1);
	put_policy_attr(&s, 0, WGDEVICE_A_PEERS, NL_ATTR_TYPE_NESTED_ARRAY, 1);
	put_policy_attr(&s, 1, WGPEER_A_PUBLIC_KEY, NL_ATTR_TYPE_BINARY, -1);
	put_policy_attr(&s, 1, WGPEER_A_ALLOWEDIPS, NL_ATTR_TYPE_NESTED_ARRAY, 2);
	put_policy_attr(&s, 2, WGALLOWEDIP_A_FAMILY, NL_ATTR_TYPE_U16, -1);
	put_policy_attr(&s, 2, WGALLOWEDIP_A_CIDR_MASK, NL_ATTR_TYPE_U8, -1);
	if (flags)
		put_policy_attr(&s, 2, WGALLOWEDIP_A_FLAGS, NL_ATTR_TYPE_U32, -1);
	append_done(&s, 0, 0);
	save(dir, name, 2, &s);
}

int main(int argc, char *argv[])
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	device_dumps(argv[1]);
	builder_dump(argv[1], "device-builder-split-peers", 40, 3, 1024);
	builder_dump(argv[1], "device-builder-split-allowedips", 2, 120, 1024);
	link_dumps(argv[1]);
	policy_dump(argv[1], "policy-with-flags", true);
	policy_dump(argv[1], "policy-without-flags", false);
	return 0;
}
