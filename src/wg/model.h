/* SPDX-License-Identifier: GPL-2.0-only */
/* model.h: the one in-memory picture of a WireGuard device, its peers and their allowed IPs. */
#ifndef MODEL_H
#define MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define WG_KEY_LEN 32
#define WG_KEY_LEN_BASE64 44 /* characters, without the terminating NUL */
#define WG_KEY_LEN_HEX 64    /* characters, without the terminating NUL */

/*
 * The same structures describe what a backend reported (every field filled in) and what a
 * change asks for (flags say which fields to send; everything else is left alone).
 */
enum {
	DEVICE_HAS_PRIVATE_KEY = 1U << 0,
	DEVICE_HAS_PUBLIC_KEY = 1U << 1,
	DEVICE_HAS_LISTEN_PORT = 1U << 2,
	DEVICE_HAS_FWMARK = 1U << 3,
	DEVICE_REPLACE_PEERS = 1U << 4,
};

enum {
	PEER_HAS_PUBLIC_KEY = 1U << 0,
	PEER_HAS_PRESHARED_KEY = 1U << 1, /* an all-zero key with this flag removes the key */
	PEER_HAS_PERSISTENT_KEEPALIVE = 1U << 2,
	PEER_REMOVE_ME = 1U << 3,
	PEER_REPLACE_ALLOWEDIPS = 1U << 4,
	PEER_UPDATE_ONLY = 1U << 5,
};

enum {
	ALLOWEDIP_REMOVE_ME = 1U << 0, /* the `-' form of an incremental allowed-ips update */
};

struct wg_allowedip {
	struct wg_allowedip *next;
	union {
		struct in_addr ip4;
		struct in6_addr ip6;
	};
	uint16_t family; /* AF_INET or AF_INET6 */
	uint8_t cidr;
	uint8_t flags;
};

/* An endpoint is set when addr.sa_family is AF_INET or AF_INET6. */
union wg_endpoint {
	struct sockaddr addr;
	struct sockaddr_in addr4;
	struct sockaddr_in6 addr6;
};

/* 12 bytes, not 16: with 100,000 peers every byte of struct wg_peer is 100 kB of RSS. */
struct __attribute__((packed, aligned(4))) wg_timespec {
	int64_t sec;
	uint32_t nsec; /* below 1,000,000,000 */
};

struct wg_peer {
	struct wg_peer *next;
	struct wg_allowedip *first_allowedip;
	uint32_t flags;
	uint16_t persistent_keepalive; /* seconds; 0 is off */
	uint8_t public_key[WG_KEY_LEN];
	uint8_t preshared_key[WG_KEY_LEN];
	union wg_endpoint endpoint;
	struct wg_timespec last_handshake; /* 0 is never */
	uint64_t rx_bytes, tx_bytes;
};

struct wg_arena;

struct wg_device {
	char name[IFNAMSIZ];
	uint32_t ifindex;
	uint32_t flags;
	uint32_t fwmark; /* 0 is off */
	uint16_t listen_port;
	uint8_t public_key[WG_KEY_LEN];
	uint8_t private_key[WG_KEY_LEN];
	struct wg_peer *first_peer, *last_peer;
	size_t peer_count;
	struct wg_arena *arena; /* owns every peer and allowed IP; wiped when freed */
	/* where peer_add_allowedip appended last: a peer keeps no tail pointer (RSS) */
	struct wg_peer *append_peer;
	struct wg_allowedip *append_tail;
};

#define for_each_peer(dev, p) for (struct wg_peer *p = (dev)->first_peer; p; p = p->next)
#define for_each_allowedip(peer, a) \
	for (struct wg_allowedip *a = (peer)->first_allowedip; a; a = a->next)

/* Allocation: every call returns zeroed memory or NULL (errno ENOMEM). */
struct wg_device *device_new(void);
void device_free(struct wg_device *dev); /* wipes keys; NULL is fine */
struct wg_peer *device_add_peer(struct wg_device *dev);
struct wg_allowedip *peer_add_allowedip(struct wg_device *dev, struct wg_peer *peer);
/* len bytes in dev's memory, freed (and wiped) with dev: for what describes a device. */
void *device_alloc(struct wg_device *dev, size_t len);
/* A new device with src's name, interface settings and flags, and no peers. */
struct wg_device *device_new_like(const struct wg_device *src);
/* Appends a copy of src's settings and flags to dev's peers, without its allowed IPs. */
struct wg_peer *device_copy_peer(struct wg_device *dev, const struct wg_peer *src);
/* Appends copies of the list starting at first (flags kept) to dst's; 0 or -ENOMEM. */
int peer_copy_allowedips(struct wg_device *dev, struct wg_peer *dst,
			 const struct wg_allowedip *first);
/* An allowed IP in dev's memory that belongs to no peer yet. */
struct wg_allowedip *device_alloc_allowedip(struct wg_device *dev);
/* Replaces the peer's list by the one starting at first (NULL: none); never link by hand. */
void peer_set_allowedips(struct wg_device *dev, struct wg_peer *peer, struct wg_allowedip *first);
struct wg_allowedip *peer_last_allowedip(const struct wg_peer *peer);

struct wg_peer *device_find_peer(const struct wg_device *dev, const uint8_t key[WG_KEY_LEN]);

/* Joins runs of adjacent peers with the same public key (a dump split over messages). */
void device_merge_split_peers(struct wg_device *dev);

/* True when two allowed IPs name the same prefix (address bits beyond cidr ignored). */
bool allowedip_equal(const struct wg_allowedip *a, const struct wg_allowedip *b);
/* Clears the address bits beyond cidr; returns true if any were set. */
bool allowedip_mask(struct wg_allowedip *a);

bool key_is_zero(const uint8_t key[WG_KEY_LEN]);
bool key_equal(const uint8_t a[WG_KEY_LEN], const uint8_t b[WG_KEY_LEN]); /* constant time */
bool endpoint_equal(const union wg_endpoint *a, const union wg_endpoint *b);

#endif
