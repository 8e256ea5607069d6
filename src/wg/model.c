/* SPDX-License-Identifier: GPL-2.0-only */
/* model.c: allocating, copying and comparing devices, peers and allowed IPs. */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "model.h"
#include "secret.h"

/*
 * Every peer and allowed IP of a device lives in one arena: a chain of chunks carved front
 * to back. A device with 100,000 peers then costs a few hundred allocations instead of
 * several hundred thousand, and freeing it wipes every byte that ever held a key.
 */
struct arena_chunk {
	struct arena_chunk *prev;
	size_t used, size;
	size_t ready; /* bytes of data arena_prefault has dealt with */
	_Alignas(max_align_t) unsigned char data[];
};

struct wg_arena {
	struct arena_chunk *top;
};

#define ARENA_ALIGN ((size_t)8)
_Static_assert(sizeof(struct wg_peer) == 144 && sizeof(struct wg_allowedip) == 32,
	       "peer and allowed-IP sizes drive peak RSS with 100,000 peers: keep them small");
#define ARENA_FIRST_CHUNK 4096
#define ARENA_MAX_CHUNK (1024 * 1024)

/*
 * A large chunk's fresh pages would each cost a page fault on first touch: on this project's
 * virtual machines the fault entries were a tenth of a 60,000-peer setconf's CPU time (perf).
 * The kernel maps them in batches instead, ARENA_PREFAULT bytes ahead of use, so at most that
 * much memory is held early.
 * A kernel without MADV_POPULATE_WRITE (before 5.14) refuses, and the faults happen as before.
 */
#define ARENA_PREFAULT ((size_t)64 * 1024)

static void arena_prefault(struct arena_chunk *chunk, size_t end)
{
#ifdef MADV_POPULATE_WRITE
	const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t from = ((uintptr_t)chunk->data + chunk->ready + page - 1) & ~(page - 1);
	size_t ready = end + ARENA_PREFAULT < chunk->size ? end + ARENA_PREFAULT : chunk->size;
	uintptr_t to = ((uintptr_t)chunk->data + ready) & ~(page - 1);

	if (to > from)
		madvise((void *)from, to - from, MADV_POPULATE_WRITE);
	chunk->ready = ready;
#else
	chunk->ready = chunk->size;
	(void)end;
#endif
}

/* A fresh chunk on top, big enough for len bytes; NULL when memory runs out. */
static struct arena_chunk *arena_grow(struct wg_arena *arena, size_t len)
{
	struct arena_chunk *chunk = arena->top;
	size_t size = chunk ? chunk->size * 2 : ARENA_FIRST_CHUNK;

	if (size > ARENA_MAX_CHUNK)
		size = ARENA_MAX_CHUNK;
	if (size < len)
		size = len;
	chunk = calloc(1, sizeof(*chunk) + size);
	if (!chunk)
		return NULL;
	chunk->size = size;
	/* calloc has touched a small chunk already */
	chunk->ready = size < ARENA_PREFAULT ? size : 0;
	chunk->prev = arena->top;
	arena->top = chunk;
	return chunk;
}

/* Inline: every peer and allowed IP of a large file or dump comes from here. */
static inline void *arena_alloc(struct wg_arena *arena, size_t len)
{
	struct arena_chunk *chunk = arena->top;

	/* 8-byte steps: nothing in the model needs more, and peers then take 144 bytes, not 160 */
	len = (len + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	if (!chunk || chunk->size - chunk->used < len) {
		chunk = arena_grow(arena, len);
		if (!chunk)
			return NULL;
	}
	if (chunk->used + len > chunk->ready)
		arena_prefault(chunk, chunk->used + len);
	chunk->used += len;
	return chunk->data + chunk->used - len;
}

static void arena_free(struct wg_arena *arena)
{
	struct arena_chunk *chunk, *prev;

	if (!arena)
		return;
	for (chunk = arena->top; chunk; chunk = prev) {
		prev = chunk->prev;
		memzero_explicit(chunk->data, chunk->used);
		free(chunk);
	}
	free(arena);
}

struct wg_device *device_new(void)
{
	struct wg_device *dev = calloc(1, sizeof(*dev));

	if (!dev)
		return NULL;
	dev->arena = calloc(1, sizeof(*dev->arena));
	if (!dev->arena) {
		free(dev);
		return NULL;
	}
	return dev;
}

void device_free(struct wg_device *dev)
{
	if (!dev)
		return;
	arena_free(dev->arena);
	memzero_explicit(dev, sizeof(*dev));
	free(dev);
}

struct wg_peer *device_add_peer(struct wg_device *dev)
{
	struct wg_peer *peer = arena_alloc(dev->arena, sizeof(*peer));

	if (!peer) {
		errno = ENOMEM;
		return NULL;
	}
	if (dev->last_peer)
		dev->last_peer->next = peer;
	else
		dev->first_peer = peer;
	dev->last_peer = peer;
	++dev->peer_count;
	return peer;
}

struct wg_allowedip *peer_add_allowedip(struct wg_device *dev, struct wg_peer *peer)
{
	struct wg_allowedip *aip = device_alloc_allowedip(dev), *tail;

	if (!aip)
		return NULL;
	/* allowed IPs nearly always arrive in a run for one peer: remember that run's end */
	tail = dev->append_peer == peer ? dev->append_tail : peer_last_allowedip(peer);
	if (tail)
		tail->next = aip;
	else
		peer->first_allowedip = aip;
	dev->append_peer = peer;
	dev->append_tail = aip;
	return aip;
}

void *device_alloc(struct wg_device *dev, size_t len)
{
	void *p = arena_alloc(dev->arena, len);

	if (!p)
		errno = ENOMEM;
	return p;
}

struct wg_device *device_new_like(const struct wg_device *src)
{
	struct wg_device *dev = device_new();

	if (!dev)
		return NULL;
	memcpy(dev->name, src->name, sizeof(dev->name));
	dev->ifindex = src->ifindex;
	dev->flags = src->flags;
	dev->fwmark = src->fwmark;
	dev->listen_port = src->listen_port;
	memcpy(dev->public_key, src->public_key, WG_KEY_LEN);
	memcpy(dev->private_key, src->private_key, WG_KEY_LEN);
	return dev;
}

struct wg_peer *device_copy_peer(struct wg_device *dev, const struct wg_peer *src)
{
	struct wg_peer *peer = device_add_peer(dev);

	if (!peer)
		return NULL;
	*peer = *src;
	peer->next = NULL; /* the new last peer */
	peer->first_allowedip = NULL;
	return peer;
}

int peer_copy_allowedips(struct wg_device *dev, struct wg_peer *dst,
			 const struct wg_allowedip *first)
{
	for (const struct wg_allowedip *a = first; a; a = a->next) {
		struct wg_allowedip *copy = peer_add_allowedip(dev, dst);

		if (!copy)
			return -ENOMEM;
		*copy = *a;
		copy->next = NULL;
	}
	return 0;
}

struct wg_allowedip *device_alloc_allowedip(struct wg_device *dev)
{
	struct wg_allowedip *aip = arena_alloc(dev->arena, sizeof(*aip));

	if (!aip)
		errno = ENOMEM;
	return aip;
}

struct wg_allowedip *peer_last_allowedip(const struct wg_peer *peer)
{
	struct wg_allowedip *aip = peer->first_allowedip;

	while (aip && aip->next)
		aip = aip->next;
	return aip;
}

void peer_set_allowedips(struct wg_device *dev, struct wg_peer *peer, struct wg_allowedip *first)
{
	peer->first_allowedip = first;
	if (dev->append_peer == peer)
		dev->append_peer = NULL;
}

struct wg_peer *device_find_peer(const struct wg_device *dev, const uint8_t key[WG_KEY_LEN])
{
	for_each_peer(dev, peer) {
		if (!memcmp(peer->public_key, key, WG_KEY_LEN))
			return peer;
	}
	return NULL;
}

void device_merge_split_peers(struct wg_device *dev)
{
	struct wg_peer *peer = dev->first_peer;

	while (peer && peer->next) {
		struct wg_peer *next = peer->next;

		if (memcmp(peer->public_key, next->public_key, WG_KEY_LEN)) {
			peer = next;
			continue;
		}
		if (next->first_allowedip) {
			struct wg_allowedip *tail = peer_last_allowedip(peer);

			if (tail)
				tail->next = next->first_allowedip;
			else
				peer->first_allowedip = next->first_allowedip;
		}
		dev->append_peer = NULL;
		peer->next = next->next;
		if (dev->last_peer == next)
			dev->last_peer = peer;
		--dev->peer_count;
	}
}

static size_t family_bits(uint16_t family)
{
	return family == AF_INET6 ? 128 : 32;
}

bool allowedip_mask(struct wg_allowedip *a)
{
	uint8_t *bytes = a->family == AF_INET6 ? a->ip6.s6_addr : (uint8_t *)&a->ip4.s_addr;
	size_t bits = family_bits(a->family);
	bool changed = false;

	for (size_t i = 0; i < bits / 8; ++i) {
		size_t first_bit = i * 8;
		uint8_t keep;

		if (first_bit + 8 <= a->cidr)
			continue;
		keep = first_bit >= a->cidr ? 0 : (uint8_t)(0xff << (8 - (a->cidr - first_bit)));
		if (bytes[i] & ~keep)
			changed = true;
		bytes[i] &= keep;
	}
	return changed;
}

/* Bits [from, from + 64) of a cidr-bit prefix as a mask on a big-endian 64-bit word. */
static inline uint64_t prefix_mask64(unsigned int cidr, unsigned int from)
{
	unsigned int bits = cidr <= from ? 0 : cidr - from >= 64 ? 64 : cidr - from;

	return bits ? htobe64(~UINT64_C(0) << (64 - bits)) : 0;
}

/*
 * Compares the first cidr bits in place, a word at a time: syncconf does this a few times for
 * every peer of a file.
 */
bool allowedip_equal(const struct wg_allowedip *a, const struct wg_allowedip *b)
{
	uint64_t x[2], y[2];

	if (a->family != b->family || a->cidr != b->cidr)
		return false;
	if (a->family != AF_INET6) {
		unsigned int bits = a->cidr < 32 ? a->cidr : 32;
		uint32_t mask = bits ? htonl(~UINT32_C(0) << (32 - bits)) : 0;

		return !((a->ip4.s_addr ^ b->ip4.s_addr) & mask);
	}
	memcpy(x, &a->ip6, sizeof(x));
	memcpy(y, &b->ip6, sizeof(y));
	return !((x[0] ^ y[0]) & prefix_mask64(a->cidr, 0)) &&
	       !((x[1] ^ y[1]) & prefix_mask64(a->cidr, 64));
}

bool key_is_zero(const uint8_t key[WG_KEY_LEN])
{
	uint8_t acc = 0;

	for (size_t i = 0; i < WG_KEY_LEN; ++i)
		acc |= key[i];
	return acc == 0;
}

bool key_equal(const uint8_t a[WG_KEY_LEN], const uint8_t b[WG_KEY_LEN])
{
	uint8_t acc = 0;

	for (size_t i = 0; i < WG_KEY_LEN; ++i)
		acc |= a[i] ^ b[i];
	return acc == 0;
}

bool endpoint_equal(const union wg_endpoint *a, const union wg_endpoint *b)
{
	if (a->addr.sa_family != b->addr.sa_family)
		return false;
	if (a->addr.sa_family == AF_INET)
		return a->addr4.sin_port == b->addr4.sin_port &&
		       a->addr4.sin_addr.s_addr == b->addr4.sin_addr.s_addr;
	if (a->addr.sa_family == AF_INET6)
		return a->addr6.sin6_port == b->addr6.sin6_port &&
		       a->addr6.sin6_scope_id == b->addr6.sin6_scope_id &&
		       !memcmp(&a->addr6.sin6_addr, &b->addr6.sin6_addr, sizeof(struct in6_addr));
	return true;
}
