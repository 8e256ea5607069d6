/* SPDX-License-Identifier: GPL-2.0-only */
/* netlink.h: WireGuard's netlink messages built and read in memory, apart from any socket. */
#ifndef NETLINK_H
#define NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "ipc.h"
#include "model.h"

/*
 * Reading replies. A reply is one or more buffers as recv() returns them, each holding whole
 * netlink messages. Every data message goes to `fn' (which returns 0 or a negative errno);
 * errors, acknowledgements and the end of a dump are handled here. Nonzero seq and portid
 * reject messages that do not answer our request; a nonzero type rejects data messages of
 * any other type.
 */
typedef int (*wgnl_msg_fn)(const struct nlmsghdr *nlh, void *data);

struct wgnl_reply {
	wgnl_msg_fn fn;
	void *data;
	uint32_t seq, portid;
	uint16_t type;
};

/*
 * Feeds one buffer of a reply: 1 when more is to come, 0 when the reply is complete (an ACK
 * or the end of a dump), or a negative errno (the kernel's error, -EINTR for an interrupted
 * dump, -EINVAL for a malformed message or bytes that are not whole messages). The buffer
 * must be 4-byte aligned, as netlink messages are.
 */
int wgnl_reply_feed(const struct wgnl_reply *reply, const void *buf, size_t len);

/*
 * Data-message handlers for wgnl_reply.fn, one per request kind; each checks every
 * attribute before it reads its payload.
 *   wgnl_device_msg  WG_CMD_GET_DEVICE dump part -> appends to a struct wg_device (call
 *                    device_merge_split_peers once the dump is complete)
 *   wgnl_link_msg    RTM_NEWLINK -> adds WireGuard interface names to a struct name_list
 *   wgnl_family_msg  CTRL_CMD_GETFAMILY reply -> stores the family id in a uint16_t
 *   wgnl_policy_msg  CTRL_CMD_GETPOLICY dump part -> records into a struct wgnl_policy
 */
int wgnl_device_msg(const struct nlmsghdr *nlh, void *dev);
int wgnl_link_msg(const struct nlmsghdr *nlh, void *names);
int wgnl_family_msg(const struct nlmsghdr *nlh, void *family_id);
int wgnl_policy_msg(const struct nlmsghdr *nlh, void *policy);

/*
 * Whole replies held in one buffer (tests and fuzzers): 0 only for a complete, well-formed
 * reply; a reply without its end is -EPROTO. The device is the caller's (device_free).
 */
int wgnl_parse_device_reply(struct wg_device **dev, const void *buf, size_t len);
int wgnl_parse_link_reply(struct name_list *names, const void *buf, size_t len);
int wgnl_parse_policy_reply(bool *supported, const void *buf, size_t len);

/*
 * What a generic-netlink policy dump says, as far as the allowed-IP flags question needs it:
 * the policy validating WG_CMD_SET_DEVICE, and per policy and attribute its type and the
 * policy of what it nests. Indexes beyond these bounds are not recorded, which can only turn
 * an answer into "unsupported".
 */
#define WGNL_POLICIES 16
#define WGNL_POLICY_ATTRS 16

struct wgnl_policy {
	int32_t set_policy; /* -1 until the dump names it */
	struct {
		uint32_t type;	/* NL_ATTR_TYPE_*; 0 (invalid) when not in the dump */
		int32_t nested; /* policy index of the nested attributes, or -1 */
	} attr[WGNL_POLICIES][WGNL_POLICY_ATTRS];
};

void wgnl_policy_init(struct wgnl_policy *policy);
/* True only when the set policy provably accepts WGALLOWEDIP_A_FLAGS as a u32. */
bool wgnl_policy_has_allowedip_flags(const struct wgnl_policy *policy);

/*
 * Building WG_CMD_SET_DEVICE messages. A change of any size becomes a series of messages,
 * each to be sent and acknowledged before the next is built into the same buffer: device
 * attributes in the first only; peers that do not fit move to the next message; a peer
 * whose allowed IPs do not fit continues there with just its public key, its REMOVE_ME and
 * UPDATE_ONLY flags and the rest of its allowed IPs.
 */
struct wgnl_set_cursor {
	const struct wg_device *dev;
	const struct wg_peer *peer;	      /* the next peer to put, NULL when all are out */
	const struct wg_allowedip *allowedip; /* where that peer resumes when continuing */
	bool continuing;		      /* the peer's first fragment went out already */
	bool started;			      /* the first message was built */
};

/* Checks the change (-EINVAL for a bad name, endpoint family or allowed IP) and starts. */
int wgnl_set_begin(struct wgnl_set_cursor *cur, const struct wg_device *dev);

/*
 * Builds the next message into buf (size bytes, at most 65535 are used), with the given
 * generic-netlink family id: 1 and *msg set, 0 when nothing is left to send, or -EMSGSIZE
 * when the buffer cannot hold even one peer (or allowed IP) on its own.
 */
int wgnl_set_next(struct wgnl_set_cursor *cur, void *buf, size_t size, uint16_t family,
		  struct nlmsghdr **msg);

#endif
