/* SPDX-License-Identifier: GPL-2.0-only */
/* ipc-netlink.c: the kernel backend: WireGuard's generic netlink, and rtnetlink, through libmnl. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/rtnetlink.h>

#include "ipc.h"
#include "model.h"
#include "netlink.h"
#include "nlattr.h"
#include "secret.h"
#include "wireguard-uapi.h"

/*
 * Receive buffer: the kernel sizes dump batches by the reader's buffer, up to a little under
 * 32 KiB, so this takes every batch whole in as few reads as possible.
 */
#define RECV_SIZE 32768

/*
 * One SET message at most (8 pages of 4 KiB). Each is applied and acknowledged before the next
 * is built, so bigger messages mean fewer round trips for large changes, though the kernel's
 * work per peer dominates: 20,000 peers took the same time with 4 KiB messages under QEMU.
 * Nested attribute lengths are 16 bits, which keeps any message below 64 KiB.
 */
#define SET_SIZE 32768

/* Kernel errors are negative errnos, but some subsystems send them positive. */
static int errno_from_kernel(int32_t code)
{
	int64_t err = code < 0 ? -(int64_t)code : code;

	return err > 4095 ? -EPROTO : -(int)err;
}

/* ---- Reading replies ---- */

struct reply_run {
	const struct wgnl_reply *reply;
	int err;
};

static int run_fail(struct reply_run *run, int err)
{
	run->err = err;
	return MNL_CB_ERROR;
}

/* A message flagged NLM_F_DUMP_INTR belongs to a dump that changed under us: start again. */
static int on_data(const struct nlmsghdr *nlh, void *data)
{
	struct reply_run *run = data;
	int ret;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		return run_fail(run, -EINTR);
	if (run->reply->type && nlh->nlmsg_type != run->reply->type)
		return run_fail(run, -EPROTO);
	ret = run->reply->fn ? run->reply->fn(nlh, run->reply->data) : 0;
	return ret ? run_fail(run, ret) : MNL_CB_OK;
}

static int on_noop(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

/* An error code of 0 is the acknowledgement that ends a request. */
static int on_error(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*err))
		return run_fail(data, -EPROTO);
	if (!err->error)
		return MNL_CB_STOP;
	return run_fail(data, errno_from_kernel(err->error));
}

/* NLMSG_DONE ends a dump and carries the dump's own error code, if it failed part way. */
static int on_done(const struct nlmsghdr *nlh, void *data)
{
	int32_t code;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		return run_fail(data, -EINTR);
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(code)) {
		memcpy(&code, mnl_nlmsg_get_payload(nlh), sizeof(code));
		if (code)
			return run_fail(data, errno_from_kernel(code));
	}
	return MNL_CB_STOP;
}

/*
 * libmnl compares message lengths as signed ints, so a length of 2 GiB or more would send it
 * walking off the buffer: every length is checked here first. A datagram from the kernel holds
 * whole messages only, so anything else is a malformed reply.
 */
static int check_lengths(const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len >= sizeof(struct nlmsghdr)) {
		uint32_t msg_len = ((const struct nlmsghdr *)p)->nlmsg_len;

		if (msg_len < sizeof(struct nlmsghdr) || msg_len > len)
			return -EINVAL;
		if (MNL_ALIGN(msg_len) >= len)
			return 0;
		p += MNL_ALIGN(msg_len);
		len -= MNL_ALIGN(msg_len);
	}
	return len ? -EINVAL : 0;
}

int wgnl_reply_feed(const struct wgnl_reply *reply, const void *buf, size_t len)
{
	mnl_cb_t control[NLMSG_MIN_TYPE] = {
		[NLMSG_NOOP] = on_noop,
		[NLMSG_ERROR] = on_error,
		[NLMSG_DONE] = on_done,
		[NLMSG_OVERRUN] = on_noop,
	};
	struct reply_run run = { .reply = reply };
	int ret;

	if (len > INT_MAX)
		return -EMSGSIZE;
	ret = check_lengths(buf, len);
	if (ret)
		return ret;
	errno = 0;
	ret = mnl_cb_run2(buf, len, reply->seq, reply->portid, on_data, &run, control,
			  MNL_ARRAY_SIZE(control));
	if (ret > MNL_CB_STOP)
		return 1;
	if (ret == MNL_CB_STOP)
		return 0;
	if (run.err)
		return run.err;
	return errno ? -errno : -EPROTO;
}

/* ---- Walking attributes ---- */

/* The attributes of a message after its fixed header (genlmsghdr, ifinfomsg). */
static int walk_msg(const struct nlmsghdr *nlh, size_t header, nlattr_fn fn, void *data)
{
	size_t len = mnl_nlmsg_get_payload_len(nlh);

	if (len < MNL_ALIGN(header))
		return -EINVAL;
	return nlattr_walk(mnl_nlmsg_get_payload_offset(nlh, header), len - MNL_ALIGN(header), fn,
			  data);
}

/* Keys count only at exactly their length; any other length reads as no key at all. */
static bool read_key(const struct nlattr *attr, uint8_t key[WG_KEY_LEN])
{
	if (!nlattr_len_is(attr, WG_KEY_LEN))
		return false;
	memcpy(key, nlattr_data(attr), WG_KEY_LEN);
	return true;
}

/* ---- WG_CMD_GET_DEVICE replies ---- */

struct peer_parse {
	struct wg_device *dev;
	struct wg_peer *peer;
};

enum { HAVE_FAMILY = 1, HAVE_ADDR = 2, HAVE_CIDR = 4 };

struct allowedip_parse {
	struct wg_allowedip *aip;
	size_t addr_len;
	unsigned int have;
};

static int allowedip_attr(const struct nlattr *attr, void *data)
{
	struct allowedip_parse *a = data;
	size_t len = nlattr_len(attr);

	switch (nlattr_type(attr)) {
	case WGALLOWEDIP_A_FAMILY:
		if (!nlattr_valid(attr, MNL_TYPE_U16))
			return -EINVAL;
		a->aip->family = nlattr_u16(attr);
		a->have |= HAVE_FAMILY;
		break;
	case WGALLOWEDIP_A_IPADDR:
		if (!nlattr_len_is(attr, sizeof(struct in_addr)) &&
		    !nlattr_len_is(attr, sizeof(struct in6_addr)))
			return -EINVAL;
		memcpy(&a->aip->ip6, nlattr_data(attr), len);
		a->addr_len = len;
		a->have |= HAVE_ADDR;
		break;
	case WGALLOWEDIP_A_CIDR_MASK:
		if (!nlattr_valid(attr, MNL_TYPE_U8))
			return -EINVAL;
		a->aip->cidr = nlattr_u8(attr);
		a->have |= HAVE_CIDR;
		break;
	}
	return 0;
}

static int allowedip_entry(const struct nlattr *attr, void *data)
{
	struct peer_parse *p = data;
	struct allowedip_parse a = { .aip = peer_add_allowedip(p->dev, p->peer) };
	int ret;

	if (!a.aip)
		return -ENOMEM;
	ret = nlattr_walk_nested(attr, allowedip_attr, &a);
	if (ret)
		return ret;
	if (a.have != (HAVE_FAMILY | HAVE_ADDR | HAVE_CIDR))
		return -EINVAL;
	if (a.aip->family == AF_INET && a.addr_len == sizeof(struct in_addr) && a.aip->cidr <= 32)
		return 0;
	if (a.aip->family == AF_INET6 && a.addr_len == sizeof(struct in6_addr) &&
	    a.aip->cidr <= 128)
		return 0;
	return -EINVAL;
}

/* An endpoint is taken only when its length is exactly its family's socket address. */
static void read_endpoint(const struct nlattr *attr, union wg_endpoint *ep)
{
	sa_family_t family;
	size_t len;

	if (!nlattr_len_is(attr, sizeof(ep->addr4)) &&
	    !nlattr_len_is(attr, sizeof(ep->addr6)))
		return;
	len = nlattr_len(attr);
	memcpy(&family, nlattr_data(attr), sizeof(family));
	if ((family == AF_INET && len == sizeof(ep->addr4)) ||
	    (family == AF_INET6 && len == sizeof(ep->addr6)))
		memcpy(ep, nlattr_data(attr), len);
}

static int peer_attr(const struct nlattr *attr, void *data)
{
	struct peer_parse *p = data;
	struct wg_peer *peer = p->peer;

	switch (nlattr_type(attr)) {
	case WGPEER_A_PUBLIC_KEY:
		if (read_key(attr, peer->public_key))
			peer->flags |= PEER_HAS_PUBLIC_KEY;
		break;
	case WGPEER_A_PRESHARED_KEY:
		if (read_key(attr, peer->preshared_key) && !key_is_zero(peer->preshared_key))
			peer->flags |= PEER_HAS_PRESHARED_KEY;
		break;
	case WGPEER_A_ENDPOINT:
		read_endpoint(attr, &peer->endpoint);
		break;
	case WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL:
		if (!nlattr_valid(attr, MNL_TYPE_U16))
			return -EINVAL;
		peer->persistent_keepalive = nlattr_u16(attr);
		peer->flags |= PEER_HAS_PERSISTENT_KEEPALIVE;
		break;
	case WGPEER_A_LAST_HANDSHAKE_TIME:
		/* struct __kernel_timespec: 64-bit seconds, then 64-bit nanoseconds */
		if (!nlattr_len_is(attr, 2 * sizeof(int64_t)))
			break;
	{
		int64_t ts[2];

		memcpy(ts, nlattr_data(attr), sizeof(ts));
		peer->last_handshake.sec = ts[0];
		peer->last_handshake.nsec = ts[1] >= 0 && ts[1] < 1000000000 ? (uint32_t)ts[1] : 0;
		break;
	}
	case WGPEER_A_RX_BYTES:
		if (!nlattr_valid(attr, MNL_TYPE_U64))
			return -EINVAL;
		peer->rx_bytes = nlattr_u64(attr);
		break;
	case WGPEER_A_TX_BYTES:
		if (!nlattr_valid(attr, MNL_TYPE_U64))
			return -EINVAL;
		peer->tx_bytes = nlattr_u64(attr);
		break;
	case WGPEER_A_ALLOWEDIPS:
		return nlattr_walk_nested(attr, allowedip_entry, p);
	}
	return 0;
}

static int peer_entry(const struct nlattr *attr, void *data)
{
	struct peer_parse p = { .dev = data };
	int ret;

	p.peer = device_add_peer(p.dev);
	if (!p.peer)
		return -ENOMEM;
	ret = nlattr_walk_nested(attr, peer_attr, &p);
	if (ret)
		return ret;
	return p.peer->flags & PEER_HAS_PUBLIC_KEY ? 0 : -EINVAL;
}

static int device_attr(const struct nlattr *attr, void *data)
{
	struct wg_device *dev = data;

	switch (nlattr_type(attr)) {
	case WGDEVICE_A_IFINDEX:
		if (!nlattr_valid(attr, MNL_TYPE_U32))
			return -EINVAL;
		dev->ifindex = nlattr_u32(attr);
		break;
	case WGDEVICE_A_IFNAME:
		if (!nlattr_valid(attr, MNL_TYPE_NUL_STRING) || nlattr_len(attr) > IFNAMSIZ)
			return -EINVAL;
		strcpy(dev->name, mnl_attr_get_str(attr));
		break;
	case WGDEVICE_A_PRIVATE_KEY:
		if (read_key(attr, dev->private_key) && !key_is_zero(dev->private_key))
			dev->flags |= DEVICE_HAS_PRIVATE_KEY;
		break;
	case WGDEVICE_A_PUBLIC_KEY:
		if (read_key(attr, dev->public_key))
			dev->flags |= DEVICE_HAS_PUBLIC_KEY;
		break;
	case WGDEVICE_A_LISTEN_PORT:
		if (!nlattr_valid(attr, MNL_TYPE_U16))
			return -EINVAL;
		dev->listen_port = nlattr_u16(attr);
		dev->flags |= DEVICE_HAS_LISTEN_PORT;
		break;
	case WGDEVICE_A_FWMARK:
		if (!nlattr_valid(attr, MNL_TYPE_U32))
			return -EINVAL;
		dev->fwmark = nlattr_u32(attr);
		dev->flags |= DEVICE_HAS_FWMARK;
		break;
	case WGDEVICE_A_PEERS:
		return nlattr_walk_nested(attr, peer_entry, dev);
	}
	return 0;
}

int wgnl_device_msg(const struct nlmsghdr *nlh, void *dev)
{
	return walk_msg(nlh, sizeof(struct genlmsghdr), device_attr, dev);
}

/* ---- RTM_GETLINK replies ---- */

struct link_parse {
	const char *name;
	bool wireguard;
};

static int linkinfo_attr(const struct nlattr *attr, void *data)
{
	static const char kind[] = "wireguard";
	struct link_parse *l = data;

	if (mnl_attr_get_type(attr) != IFLA_INFO_KIND)
		return 0;
	if (!nlattr_valid(attr, MNL_TYPE_STRING))
		return -EINVAL;
	l->wireguard = strnlen(mnl_attr_get_str(attr), mnl_attr_get_payload_len(attr)) ==
			       sizeof(kind) - 1 &&
		       !memcmp(mnl_attr_get_str(attr), kind, sizeof(kind) - 1);
	return 0;
}

static int link_attr(const struct nlattr *attr, void *data)
{
	struct link_parse *l = data;

	switch (mnl_attr_get_type(attr)) {
	case IFLA_IFNAME:
		if (!nlattr_valid(attr, MNL_TYPE_NUL_STRING))
			return -EINVAL;
		l->name = mnl_attr_get_str(attr);
		break;
	case IFLA_LINKINFO:
		return nlattr_walk_nested(attr, linkinfo_attr, l);
	}
	return 0;
}

int wgnl_link_msg(const struct nlmsghdr *nlh, void *names)
{
	struct link_parse l = { 0 };
	int ret = walk_msg(nlh, sizeof(struct ifinfomsg), link_attr, &l);

	if (ret || !l.wireguard || !l.name || !*l.name)
		return ret;
	return name_list_add(names, l.name);
}

/* ---- CTRL_CMD_GETFAMILY replies ---- */

static int family_attr(const struct nlattr *attr, void *data)
{
	uint16_t *id = data;

	if (mnl_attr_get_type(attr) != CTRL_ATTR_FAMILY_ID)
		return 0;
	if (!nlattr_valid(attr, MNL_TYPE_U16))
		return -EINVAL;
	*id = mnl_attr_get_u16(attr);
	return 0;
}

int wgnl_family_msg(const struct nlmsghdr *nlh, void *family_id)
{
	return walk_msg(nlh, sizeof(struct genlmsghdr), family_attr, family_id);
}

/* ---- CTRL_CMD_GETPOLICY replies ---- */

/*
 * A policy dump describes each attribute as CTRL_ATTR_POLICY { policy index { attribute
 * { NL_POLICY_TYPE_ATTR_* } } }, and says which policy checks which command as
 * CTRL_ATTR_OP_POLICY { command { CTRL_ATTR_POLICY_DO } }. The nest types carry the indexes.
 */
struct policy_parse {
	struct wgnl_policy *policy;
	uint16_t index, attr;
	uint32_t type;
	int32_t nested;
};

static int32_t policy_index(uint32_t index)
{
	return index < WGNL_POLICIES ? (int32_t)index : -1;
}

static int policy_property(const struct nlattr *attr, void *data)
{
	struct policy_parse *p = data;

	switch (mnl_attr_get_type(attr)) {
	case NL_POLICY_TYPE_ATTR_TYPE:
		if (!nlattr_valid(attr, MNL_TYPE_U32))
			return -EINVAL;
		p->type = mnl_attr_get_u32(attr);
		break;
	case NL_POLICY_TYPE_ATTR_POLICY_IDX:
		if (!nlattr_valid(attr, MNL_TYPE_U32))
			return -EINVAL;
		p->nested = policy_index(mnl_attr_get_u32(attr));
		break;
	}
	return 0;
}

static int policy_attribute(const struct nlattr *attr, void *data)
{
	struct policy_parse p = *(struct policy_parse *)data;
	int ret;

	p.attr = mnl_attr_get_type(attr);
	p.type = 0;
	p.nested = -1;
	ret = nlattr_walk_nested(attr, policy_property, &p);
	if (ret || p.index >= WGNL_POLICIES || p.attr >= WGNL_POLICY_ATTRS)
		return ret;
	p.policy->attr[p.index][p.attr].type = p.type;
	p.policy->attr[p.index][p.attr].nested = p.nested;
	return 0;
}

static int policy_table(const struct nlattr *attr, void *data)
{
	struct policy_parse p = *(struct policy_parse *)data;

	p.index = mnl_attr_get_type(attr);
	return nlattr_walk_nested(attr, policy_attribute, &p);
}

static int op_policy_attr(const struct nlattr *attr, void *data)
{
	struct policy_parse *p = data;

	if (mnl_attr_get_type(attr) != CTRL_ATTR_POLICY_DO)
		return 0;
	if (!nlattr_valid(attr, MNL_TYPE_U32))
		return -EINVAL;
	p->policy->set_policy = policy_index(mnl_attr_get_u32(attr));
	return 0;
}

static int op_policy_entry(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) != WG_CMD_SET_DEVICE)
		return 0;
	return nlattr_walk_nested(attr, op_policy_attr, data);
}

static int policy_msg_attr(const struct nlattr *attr, void *data)
{
	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_POLICY:
		return nlattr_walk_nested(attr, policy_table, data);
	case CTRL_ATTR_OP_POLICY:
		return nlattr_walk_nested(attr, op_policy_entry, data);
	}
	return 0;
}

int wgnl_policy_msg(const struct nlmsghdr *nlh, void *policy)
{
	struct policy_parse p = { .policy = policy };

	return walk_msg(nlh, sizeof(struct genlmsghdr), policy_msg_attr, &p);
}

void wgnl_policy_init(struct wgnl_policy *policy)
{
	policy->set_policy = -1;
	for (size_t i = 0; i < WGNL_POLICIES; ++i) {
		for (size_t j = 0; j < WGNL_POLICY_ATTRS; ++j) {
			policy->attr[i][j].type = NL_ATTR_TYPE_INVALID;
			policy->attr[i][j].nested = -1;
		}
	}
}

/* The policy that an attribute's array elements are checked against, or -1. */
static int32_t array_policy(const struct wgnl_policy *policy, int32_t index, uint16_t attr)
{
	if (index < 0 || index >= WGNL_POLICIES || attr >= WGNL_POLICY_ATTRS ||
	    policy->attr[index][attr].type != NL_ATTR_TYPE_NESTED_ARRAY)
		return -1;
	return policy->attr[index][attr].nested;
}

/*
 * Kernels that know the flag describe the whole chain set -> peers -> allowed IPs -> flags.
 * Older ones either lack the flag or do not publish the nested policies at all; both read
 * as "unsupported", which costs an incremental update nothing but speed.
 */
bool wgnl_policy_has_allowedip_flags(const struct wgnl_policy *policy)
{
	int32_t peer = array_policy(policy, policy->set_policy, WGDEVICE_A_PEERS);
	int32_t allowedip = array_policy(policy, peer, WGPEER_A_ALLOWEDIPS);

	return allowedip >= 0 &&
	       policy->attr[allowedip][WGALLOWEDIP_A_FLAGS].type == NL_ATTR_TYPE_U32;
}

/* ---- Whole replies from memory ---- */

static int parse_whole(wgnl_msg_fn fn, void *data, const void *buf, size_t len)
{
	struct wgnl_reply reply = { .fn = fn, .data = data };
	int ret = wgnl_reply_feed(&reply, buf, len);

	return ret > 0 ? -EPROTO : ret;
}

int wgnl_parse_device_reply(struct wg_device **out, const void *buf, size_t len)
{
	struct wg_device *dev = device_new();
	int ret;

	if (!dev)
		return -ENOMEM;
	ret = parse_whole(wgnl_device_msg, dev, buf, len);
	if (ret) {
		device_free(dev);
		return ret;
	}
	device_merge_split_peers(dev);
	*out = dev;
	return 0;
}

int wgnl_parse_link_reply(struct name_list *names, const void *buf, size_t len)
{
	return parse_whole(wgnl_link_msg, names, buf, len);
}

int wgnl_parse_policy_reply(bool *supported, const void *buf, size_t len)
{
	struct wgnl_policy policy;
	int ret;

	wgnl_policy_init(&policy);
	ret = parse_whole(wgnl_policy_msg, &policy, buf, len);
	*supported = !ret && wgnl_policy_has_allowedip_flags(&policy);
	return ret;
}

/* ---- Building WG_CMD_SET_DEVICE messages ---- */

static struct nlmsghdr *put_genl_header(void *buf, uint16_t type, uint16_t flags, uint8_t cmd,
					uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

static bool allowedip_sendable(const struct wg_allowedip *aip)
{
	return (aip->family == AF_INET && aip->cidr <= 32) ||
	       (aip->family == AF_INET6 && aip->cidr <= 128);
}

int wgnl_set_begin(struct wgnl_set_cursor *cur, const struct wg_device *dev)
{
	size_t name_len = strnlen(dev->name, IFNAMSIZ);

	memset(cur, 0, sizeof(*cur));
	if (!name_len || name_len >= IFNAMSIZ)
		return -EINVAL;
	for_each_peer(dev, peer) {
		sa_family_t family = peer->endpoint.addr.sa_family;

		if (family && family != AF_INET && family != AF_INET6)
			return -EAFNOSUPPORT;
		for_each_allowedip(peer, aip) {
			if (!allowedip_sendable(aip))
				return -EINVAL;
		}
	}
	cur->dev = dev;
	cur->peer = dev->first_peer;
	return 0;
}

static bool put_device_attrs(struct nlmsghdr *nlh, size_t size, const struct wg_device *dev)
{
	if (dev->flags & DEVICE_HAS_PRIVATE_KEY &&
	    !mnl_attr_put_check(nlh, size, WGDEVICE_A_PRIVATE_KEY, WG_KEY_LEN, dev->private_key))
		return false;
	if (dev->flags & DEVICE_HAS_LISTEN_PORT &&
	    !mnl_attr_put_u16_check(nlh, size, WGDEVICE_A_LISTEN_PORT, dev->listen_port))
		return false;
	if (dev->flags & DEVICE_HAS_FWMARK &&
	    !mnl_attr_put_u32_check(nlh, size, WGDEVICE_A_FWMARK, dev->fwmark))
		return false;
	if (dev->flags & DEVICE_REPLACE_PEERS &&
	    !mnl_attr_put_u32_check(nlh, size, WGDEVICE_A_FLAGS, WGDEVICE_F_REPLACE_PEERS))
		return false;
	return true;
}

static bool put_allowedip(struct nlmsghdr *nlh, size_t size, const struct wg_allowedip *aip)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, size, 0);
	bool v4 = aip->family == AF_INET;

	if (!nest)
		return false;
	if (!mnl_attr_put_u16_check(nlh, size, WGALLOWEDIP_A_FAMILY, aip->family) ||
	    !mnl_attr_put_check(nlh, size, WGALLOWEDIP_A_IPADDR,
				v4 ? sizeof(aip->ip4) : sizeof(aip->ip6),
				v4 ? (const void *)&aip->ip4 : (const void *)&aip->ip6) ||
	    !mnl_attr_put_u8_check(nlh, size, WGALLOWEDIP_A_CIDR_MASK, aip->cidr) ||
	    (aip->flags & ALLOWEDIP_REMOVE_ME &&
	     !mnl_attr_put_u32_check(nlh, size, WGALLOWEDIP_A_FLAGS, WGALLOWEDIP_F_REMOVE_ME))) {
		mnl_attr_nest_cancel(nlh, nest);
		return false;
	}
	mnl_attr_nest_end(nlh, nest);
	return true;
}

/*
 * REMOVE_ME and UPDATE_ONLY go with every fragment of a peer: without them a continuation
 * would bring back a removed peer, or create one that UPDATE_ONLY skipped. REPLACE_ALLOWEDIPS
 * goes only with the first, or a continuation would wipe what the one before it added.
 */
static uint32_t peer_flags(const struct wg_peer *peer, bool first)
{
	uint32_t flags = 0;

	if (peer->flags & PEER_REMOVE_ME)
		flags |= WGPEER_F_REMOVE_ME;
	if (peer->flags & PEER_UPDATE_ONLY)
		flags |= WGPEER_F_UPDATE_ONLY;
	if (first && peer->flags & PEER_REPLACE_ALLOWEDIPS)
		flags |= WGPEER_F_REPLACE_ALLOWEDIPS;
	return flags;
}

static bool put_peer_head(struct nlmsghdr *nlh, size_t size, const struct wg_peer *peer,
			  bool first)
{
	const union wg_endpoint *ep = &peer->endpoint;
	uint32_t flags = peer_flags(peer, first);

	if (!mnl_attr_put_check(nlh, size, WGPEER_A_PUBLIC_KEY, WG_KEY_LEN, peer->public_key))
		return false;
	if (flags && !mnl_attr_put_u32_check(nlh, size, WGPEER_A_FLAGS, flags))
		return false;
	if (!first)
		return true;
	if (peer->flags & PEER_HAS_PRESHARED_KEY &&
	    !mnl_attr_put_check(nlh, size, WGPEER_A_PRESHARED_KEY, WG_KEY_LEN,
				peer->preshared_key))
		return false;
	if (ep->addr.sa_family &&
	    !mnl_attr_put_check(nlh, size, WGPEER_A_ENDPOINT,
				ep->addr.sa_family == AF_INET ? sizeof(ep->addr4) : sizeof(ep->addr6),
				ep))
		return false;
	if (peer->flags & PEER_HAS_PERSISTENT_KEEPALIVE &&
	    !mnl_attr_put_u16_check(nlh, size, WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL,
				    peer->persistent_keepalive))
		return false;
	return true;
}

enum peer_fit { PEER_NOTHING, PEER_PART, PEER_WHOLE };

/* Puts as much of the cursor's peer as fits and moves the cursor past it. */
static enum peer_fit put_peer(struct nlmsghdr *nlh, size_t size, struct wgnl_set_cursor *cur)
{
	const struct wg_peer *peer = cur->peer;
	const struct wg_allowedip *aip = cur->continuing ? cur->allowedip : peer->first_allowedip;
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, size, 0), *list;
	size_t placed = 0;

	if (!nest)
		return PEER_NOTHING;
	if (!put_peer_head(nlh, size, peer, !cur->continuing)) {
		mnl_attr_nest_cancel(nlh, nest);
		return PEER_NOTHING;
	}
	list = aip ? mnl_attr_nest_start_check(nlh, size, WGPEER_A_ALLOWEDIPS) : NULL;
	if (list) {
		for (; aip && put_allowedip(nlh, size, aip); aip = aip->next)
			++placed;
		if (placed)
			mnl_attr_nest_end(nlh, list);
		else
			mnl_attr_nest_cancel(nlh, list);
	}
	if (aip && cur->continuing && !placed) {
		/* A continuation without a single allowed IP would say nothing new. */
		mnl_attr_nest_cancel(nlh, nest);
		return PEER_NOTHING;
	}
	mnl_attr_nest_end(nlh, nest);
	if (aip) {
		cur->continuing = true;
		cur->allowedip = aip;
		return PEER_PART;
	}
	cur->peer = peer->next;
	cur->continuing = false;
	cur->allowedip = NULL;
	return PEER_WHOLE;
}

int wgnl_set_next(struct wgnl_set_cursor *cur, void *buf, size_t size, uint16_t family,
		  struct nlmsghdr **msg)
{
	struct nlmsghdr *nlh;
	struct nlattr *peers;
	bool progress = false;
	enum peer_fit fit;

	if (cur->started && !cur->peer)
		return 0;
	if (size > UINT16_MAX)
		size = UINT16_MAX; /* the peers nest spans the message and its length is 16 bits */
	if (size < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct genlmsghdr)))
		return -EMSGSIZE;
	memset(buf, 0, size); /* no stale bytes from the last message in the padding */
	nlh = put_genl_header(buf, family, NLM_F_REQUEST | NLM_F_ACK, WG_CMD_SET_DEVICE,
			      WG_GENL_VERSION);
	if (!mnl_attr_put_strz_check(nlh, size, WGDEVICE_A_IFNAME, cur->dev->name))
		return -EMSGSIZE;
	if (!cur->started && !put_device_attrs(nlh, size, cur->dev))
		return -EMSGSIZE;
	peers = cur->peer ? mnl_attr_nest_start_check(nlh, size, WGDEVICE_A_PEERS) : NULL;
	if (peers) {
		do {
			fit = put_peer(nlh, size, cur);
			progress |= fit != PEER_NOTHING;
		} while (fit == PEER_WHOLE && cur->peer);
		if (progress)
			mnl_attr_nest_end(nlh, peers);
		else
			mnl_attr_nest_cancel(nlh, peers);
	}
	/* The first message always goes out (it carries the device); later ones must move on. */
	if (cur->started && !progress)
		return -EMSGSIZE;
	cur->started = true;
	*msg = nlh;
	return 1;
}

/* ---- The sockets ---- */

struct nl_socket {
	struct mnl_socket *mnl;
	uint32_t portid, seq;
	void *buf; /* RECV_SIZE bytes; replies carry keys, so it is wiped before it is freed */
};

static void sock_close(struct nl_socket *s)
{
	if (s->buf) {
		memzero_explicit(s->buf, RECV_SIZE);
		free(s->buf);
	}
	if (s->mnl)
		mnl_socket_close(s->mnl);
	memset(s, 0, sizeof(*s));
}

static int sock_open(struct nl_socket *s, int bus)
{
	int one = 1, ret;

	memset(s, 0, sizeof(*s));
	s->mnl = mnl_socket_open2(bus, SOCK_CLOEXEC);
	if (!s->mnl)
		return -errno;
	if (mnl_socket_bind(s->mnl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		sock_close(s);
		return ret;
	}
	/* An error then quotes only our request's header, so it always fits the buffer. */
	mnl_socket_setsockopt(s->mnl, NETLINK_CAP_ACK, &one, sizeof(one));
	s->portid = mnl_socket_get_portid(s->mnl);
	s->seq = (uint32_t)time(NULL);
	s->buf = malloc(RECV_SIZE);
	if (!s->buf) {
		sock_close(s);
		return -ENOMEM;
	}
	return 0;
}

/* Sends one request and reads its whole reply (data messages of `type' go to fn). */
static int sock_request(struct nl_socket *s, struct nlmsghdr *nlh, wgnl_msg_fn fn, void *data,
			uint16_t type)
{
	struct wgnl_reply reply = { .fn = fn, .data = data, .portid = s->portid, .type = type };
	ssize_t n;
	int ret = 0;

	if (!++s->seq)
		++s->seq; /* 0 would turn off the sequence check */
	nlh->nlmsg_seq = reply.seq = s->seq;
	if (mnl_socket_sendto(s->mnl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(s->mnl, s->buf, RECV_SIZE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n ? -errno : -EPROTO;
		ret = wgnl_reply_feed(&reply, s->buf, (size_t)n);
	} while (n < 0 || ret > 0);
	return ret;
}

/*
 * Requests of a few attributes are built here; the SET messages have their own buffer. Start
 * it zeroed: libmnl 1.0.4 leaves the padding after an attribute unset, and those bytes of
 * stack would go to the kernel (valgrind reports them).
 */
struct small_request {
	_Alignas(struct nlmsghdr) uint8_t buf[256];
};

/* An unknown family means no module: "Protocol not supported", as the original says. */
static int resolve_family(struct nl_socket *s, uint16_t *id)
{
	struct small_request req = { 0 };
	struct nlmsghdr *nlh = put_genl_header(req.buf, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK,
					       CTRL_CMD_GETFAMILY, 1);
	int ret;

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, WG_GENL_NAME);
	*id = 0;
	ret = sock_request(s, nlh, wgnl_family_msg, id, GENL_ID_CTRL);
	if (ret == -ENOENT)
		return -EPROTONOSUPPORT;
	if (!ret && !*id)
		return -EPROTO;
	return ret;
}

/* ---- The backend ---- */

static bool nl_serves(const char *ifname)
{
	(void)ifname;
	return true; /* the fallback: ipc.c asks the userspace backend first */
}

static void name_list_truncate(struct name_list *names, size_t len)
{
	while (names->len > len)
		free(names->names[--names->len]);
}

static int list_once(struct name_list *names)
{
	struct small_request req = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req.buf);
	struct ifinfomsg *ifi;
	struct nl_socket s;
	int ret;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ret = sock_open(&s, NETLINK_ROUTE);
	if (ret)
		return ret;
	ret = sock_request(&s, nlh, wgnl_link_msg, names, RTM_NEWLINK);
	sock_close(&s);
	return ret;
}

/*
 * An interrupted dump (links came or went meanwhile) is read again from the start rather
 * than reported half-way, so `wg show all' never misses an interface that existed throughout.
 */
static int nl_list(struct name_list *names)
{
	size_t start = names->len;
	int ret;

	do {
		name_list_truncate(names, start);
		ret = list_once(names);
	} while (ret == -EINTR);
	if (ret)
		name_list_truncate(names, start);
	return ret;
}

static int get_once(struct wg_device **out, const char *ifname)
{
	struct small_request req = { 0 };
	struct wg_device *dev = NULL;
	struct nlmsghdr *nlh;
	struct nl_socket s;
	uint16_t family;
	int ret = sock_open(&s, NETLINK_GENERIC);

	if (ret)
		return ret;
	ret = resolve_family(&s, &family);
	if (ret)
		goto out;
	dev = device_new();
	if (!dev) {
		ret = -ENOMEM;
		goto out;
	}
	strcpy(dev->name, ifname);
	nlh = put_genl_header(req.buf, family, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP,
			      WG_CMD_GET_DEVICE, WG_GENL_VERSION);
	mnl_attr_put_strz(nlh, WGDEVICE_A_IFNAME, ifname);
	ret = sock_request(&s, nlh, wgnl_device_msg, dev, family);
	if (ret)
		goto out;
	device_merge_split_peers(dev);
	*out = dev;
	dev = NULL;
out:
	device_free(dev);
	sock_close(&s);
	return ret;
}

/* A dump interrupted by a concurrent change is inconsistent: fetch the whole device again. */
static int nl_get(struct wg_device **dev, const char *ifname)
{
	int ret;

	if (strnlen(ifname, IFNAMSIZ) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	do
		ret = get_once(dev, ifname);
	while (ret == -EINTR);
	return ret;
}

/*
 * Asks the kernel for the policy that checks WG_CMD_SET_DEVICE. Any failure (no module, a
 * kernel without policy dumps, an odd reply) answers "no": sending the flag to a kernel that
 * does not know it would fail the whole change.
 */
static bool nl_supports_allowedip_removal(const char *ifname)
{
	struct small_request req = { 0 };
	struct wgnl_policy policy;
	struct nlmsghdr *nlh;
	struct nl_socket s;
	int ret;

	(void)ifname; /* the policy is the module's, the same for every interface */
	wgnl_policy_init(&policy);
	if (sock_open(&s, NETLINK_GENERIC))
		return false;
	nlh = put_genl_header(req.buf, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP,
			      CTRL_CMD_GETPOLICY, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, WG_GENL_NAME);
	mnl_attr_put_u32(nlh, CTRL_ATTR_OP, WG_CMD_SET_DEVICE);
	ret = sock_request(&s, nlh, wgnl_policy_msg, &policy, GENL_ID_CTRL);
	sock_close(&s);
	return !ret && wgnl_policy_has_allowedip_flags(&policy);
}

/*
 * Each message is applied before the next is sent; a failure stops there, with the earlier
 * messages already in effect (the kernel has no transaction spanning several messages).
 */
static int nl_set(const struct wg_device *dev)
{
	struct wgnl_set_cursor cur;
	struct nlmsghdr *nlh;
	struct nl_socket s;
	uint16_t family;
	void *buf = NULL;
	int ret = wgnl_set_begin(&cur, dev);

	if (ret)
		return ret;
	ret = sock_open(&s, NETLINK_GENERIC);
	if (ret)
		return ret;
	ret = resolve_family(&s, &family);
	if (ret)
		goto out;
	buf = malloc(SET_SIZE);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	while ((ret = wgnl_set_next(&cur, buf, SET_SIZE, family, &nlh)) > 0) {
		ret = sock_request(&s, nlh, NULL, NULL, family);
		if (ret)
			break;
	}
	memzero_explicit(buf, SET_SIZE);
out:
	free(buf);
	sock_close(&s);
	return ret;
}

const struct wg_backend backend_netlink = {
	.name = "netlink",
	.serves = nl_serves,
	.list = nl_list,
	.get = nl_get,
	.set = nl_set,
	.supports_allowedip_removal = nl_supports_allowedip_removal,
};
