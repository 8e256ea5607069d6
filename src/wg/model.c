/* model.c: allocating, comparing and reconciling devices, peers and allowed IPs. */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "curve25519.h"
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

static void *arena_alloc(struct wg_arena *arena, size_t len)
{
	struct arena_chunk *chunk = arena->top;

	/* 8-byte steps: nothing in the model needs more, and peers then take 144 bytes, not 160 */
	len = (len + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	if (!chunk || chunk->size - chunk->used < len) {
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

/* Compares the first cidr bits in place: syncconf does this a few times for every peer. */
bool allowedip_equal(const struct wg_allowedip *a, const struct wg_allowedip *b)
{
	const uint8_t *x = (const uint8_t *)&a->ip6, *y = (const uint8_t *)&b->ip6;
	size_t bits = a->cidr < family_bits(a->family) ? a->cidr : family_bits(a->family);
	size_t whole = bits / 8, rest = bits % 8, i;

	if (a->family != b->family || a->cidr != b->cidr)
		return false;
	for (i = 0; i < whole; ++i) {
		if (x[i] != y[i])
			return false;
	}
	return !rest || !((x[i] ^ y[i]) & (0xff << (8 - rest)));
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

/* ---- syncconf's difference ---- */

/*
 * Peers are matched by public key: both devices' peers go into arrays of entries that carry the
 * first eight key bytes, sorted, and the two arrays are walked side by side. The sort is a radix
 * sort on those bytes (a comparison sort through qsort's function pointer was a quarter of
 * syncconf's time in the test VM, and a merge sort still a tenth); keys whose first eight bytes
 * agree, which random keys almost never do, are put in order by their whole key afterwards.
 */
struct key_entry {
	uint64_t prefix; /* key bytes 0-7, big-endian: ordered as the key is */
	const struct wg_peer *peer;
	size_t index; /* the peer's place in its device's list */
};

static uint64_t key_prefix(const uint8_t key[WG_KEY_LEN])
{
	uint64_t prefix;

	memcpy(&prefix, key, sizeof(prefix));
	return be64toh(prefix);
}

/* The order of two entries: negative, zero or positive. */
static int entry_order(const struct key_entry *a, const struct key_entry *b)
{
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	return memcmp(a->peer->public_key, b->peer->public_key, WG_KEY_LEN);
}

/*
 * Sorts list[0..n) by key, with tmp room for n entries: a stable least-significant-digit radix
 * sort of the prefixes, a byte a pass (eight passes, so the result ends in list), then a stable
 * insertion sort of each run of equal prefixes by whole key. Entries with equal keys keep their
 * order.
 */
static void sort_entries(struct key_entry *list, struct key_entry *tmp, size_t n)
{
	_Static_assert(sizeof(((struct key_entry *)0)->prefix) == 8, "eight passes of a byte");
	size_t counts[8][256] = { { 0 } };
	struct key_entry *from = list, *to = tmp, *swap;

	for (size_t i = 0; i < n; ++i) {
		for (unsigned int pass = 0; pass < 8; ++pass)
			++counts[pass][(list[i].prefix >> (8 * pass)) & 0xff];
	}
	for (unsigned int pass = 0; pass < 8; ++pass) {
		size_t *count = counts[pass], at = 0;

		for (unsigned int digit = 0; digit < 256; ++digit) {
			size_t here = count[digit];

			count[digit] = at;
			at += here;
		}
		for (size_t i = 0; i < n; ++i)
			to[count[(from[i].prefix >> (8 * pass)) & 0xff]++] = from[i];
		swap = from;
		from = to;
		to = swap;
	}
	for (size_t i = 1; i < n; ++i) {
		struct key_entry entry = list[i];
		size_t j = i;

		for (; j > 0 && list[j - 1].prefix == entry.prefix &&
		       entry_order(&list[j - 1], &entry) > 0;
		     --j)
			list[j] = list[j - 1];
		list[j] = entry;
	}
}

static struct key_entry *sorted_peers(const struct wg_device *dev)
{
	struct key_entry *list = malloc((dev->peer_count + 1) * sizeof(*list));
	struct key_entry *tmp = malloc((dev->peer_count + 1) * sizeof(*tmp));
	size_t n = 0;

	if (!list || !tmp) {
		free(list);
		free(tmp);
		return NULL;
	}
	for_each_peer(dev, peer) {
		list[n] = (struct key_entry){ key_prefix(peer->public_key), peer, n };
		++n;
	}
	sort_entries(list, tmp, n);
	free(tmp);
	return list;
}

/*
 * Walks two sorted arrays side by side: match[i] becomes the `have' peer with the key of the
 * i-th `want' peer, and kept[j] true when the j-th `have' peer is in `want' (both arrays start
 * zeroed). Returns the number of peers matched.
 */
static size_t match_peers(const struct key_entry *want, size_t want_count,
			  const struct key_entry *have, size_t have_count,
			  const struct wg_peer **match, bool *kept)
{
	size_t i = 0, j = 0, matched = 0;

	while (i < want_count && j < have_count) {
		int order = entry_order(&want[i], &have[j]);

		if (order < 0) {
			++i;
		} else if (order > 0) {
			++j;
		} else {
			match[want[i++].index] = have[j].peer;
			kept[have[j++].index] = true;
			++matched;
		}
	}
	return matched;
}

static bool peer_has_allowedip(const struct wg_peer *peer, const struct wg_allowedip *want)
{
	for_each_allowedip(peer, a) {
		if (!(a->flags & ALLOWEDIP_REMOVE_ME) && allowedip_equal(a, want))
			return true;
	}
	return false;
}

static size_t count_allowedips(const struct wg_peer *peer)
{
	size_t n = 0;

	for_each_allowedip(peer, a)
		++n;
	return n;
}

/* Would applying want's allowed-IP change to have's list alter it? */
static bool allowedips_differ(const struct wg_peer *want, const struct wg_peer *have)
{
	if (want->flags & PEER_REPLACE_ALLOWEDIPS) {
		size_t distinct = 0;

		for_each_allowedip(want, a) {
			if (!peer_has_allowedip(have, a))
				return true;
			/* count each prefix once: a config may list one twice */
			bool seen = false;
			for (const struct wg_allowedip *b = want->first_allowedip; b != a; b = b->next)
				seen = seen || allowedip_equal(a, b);
			distinct += !seen;
		}
		return distinct != count_allowedips(have);
	}
	for_each_allowedip(want, a) {
		if (peer_has_allowedip(have, a) == !!(a->flags & ALLOWEDIP_REMOVE_ME))
			return true;
	}
	return false;
}

/* Copies a peer's settings (not its allowed IPs) into a fresh entry of dev. */
static struct wg_peer *add_peer_copy(struct wg_device *dev, const struct wg_peer *src)
{
	struct wg_peer *peer = device_add_peer(dev);

	if (!peer)
		return NULL;
	memcpy(peer->public_key, src->public_key, WG_KEY_LEN);
	peer->flags = PEER_HAS_PUBLIC_KEY;
	return peer;
}

static int copy_allowedips(struct wg_device *dev, struct wg_peer *dst, const struct wg_peer *src)
{
	for_each_allowedip(src, a) {
		struct wg_allowedip *copy = peer_add_allowedip(dev, dst);

		if (!copy)
			return -ENOMEM;
		*copy = *a;
		copy->next = NULL;
	}
	return 0;
}

/*
 * A configuration may name one peer in several sections; setconf applies them in order.
 * Fold them into one entry so the comparison sees what the device would end up with.
 */
static struct wg_device *fold_duplicate_peers(const struct wg_device *want,
					      const struct key_entry *sorted)
{
	struct wg_device *out = device_new();
	struct wg_peer *dst = NULL;

	if (!out)
		goto fail;
	memcpy(out->name, want->name, sizeof(out->name));
	out->flags = want->flags;
	out->fwmark = want->fwmark;
	out->listen_port = want->listen_port;
	memcpy(out->private_key, want->private_key, WG_KEY_LEN);
	memcpy(out->public_key, want->public_key, WG_KEY_LEN);
	/* the sort is stable: the sections of one peer come together, in file order */
	for (size_t i = 0; i < want->peer_count; ++i) {
		const struct wg_peer *src = sorted[i].peer;

		if (!dst || memcmp(dst->public_key, src->public_key, WG_KEY_LEN)) {
			dst = device_add_peer(out);
			if (!dst)
				goto fail;
			*dst = *src;
			dst->next = NULL;
			peer_set_allowedips(out, dst, NULL);
		} else {
			uint32_t keep = dst->flags;

			if (src->flags & PEER_HAS_PRESHARED_KEY)
				memcpy(dst->preshared_key, src->preshared_key, WG_KEY_LEN);
			if (src->flags & PEER_HAS_PERSISTENT_KEEPALIVE)
				dst->persistent_keepalive = src->persistent_keepalive;
			if (src->endpoint.addr.sa_family)
				dst->endpoint = src->endpoint;
			dst->flags = keep | (src->flags & (PEER_HAS_PRESHARED_KEY |
							   PEER_HAS_PERSISTENT_KEEPALIVE));
			if (src->flags & PEER_REPLACE_ALLOWEDIPS) {
				peer_set_allowedips(out, dst, NULL);
				dst->flags |= PEER_REPLACE_ALLOWEDIPS;
			}
		}
		if (copy_allowedips(out, dst, src))
			goto fail;
	}
	return out;
fail:
	device_free(out);
	errno = ENOMEM;
	return NULL;
}

static bool has_duplicate_peers(const struct key_entry *sorted, size_t n)
{
	for (size_t i = 1; i < n; ++i) {
		if (!entry_order(&sorted[i - 1], &sorted[i]))
			return true;
	}
	return false;
}

/*
 * The kernel keeps (and reports) a private key clamped, so a file's unclamped key is still the
 * device's key. Sending it anyway is far from free: the kernel then takes it for a new key,
 * recomputes a shared secret for every peer and drops every session. An all-zero key means no
 * key at all and is compared as it is.
 */
static bool private_keys_equal(const uint8_t a[WG_KEY_LEN], const uint8_t b[WG_KEY_LEN])
{
	uint8_t x[WG_KEY_LEN], y[WG_KEY_LEN];
	bool equal;

	if (key_is_zero(a) || key_is_zero(b))
		return key_equal(a, b);
	memcpy(x, a, WG_KEY_LEN);
	memcpy(y, b, WG_KEY_LEN);
	curve25519_clamp_secret(x);
	curve25519_clamp_secret(y);
	equal = key_equal(x, y);
	memzero_explicit(x, sizeof(x));
	memzero_explicit(y, sizeof(y));
	return equal;
}

/* Fills `out' with what must change on `have' (may be NULL for a new peer). */
static int diff_peer(struct wg_device *dev, const struct wg_peer *want, const struct wg_peer *have)
{
	static const uint8_t zero[WG_KEY_LEN];
	const uint8_t *want_psk = want->flags & PEER_HAS_PRESHARED_KEY ? want->preshared_key : zero;
	uint16_t want_keepalive = want->flags & PEER_HAS_PERSISTENT_KEEPALIVE ?
					  want->persistent_keepalive : 0;
	bool psk = !have ? !key_is_zero(want_psk) : !key_equal(want_psk, have->preshared_key);
	bool keepalive = (have ? have->persistent_keepalive : 0) != want_keepalive;
	bool endpoint = want->endpoint.addr.sa_family &&
			(!have || !endpoint_equal(&want->endpoint, &have->endpoint));
	bool aips = have ? allowedips_differ(want, have) :
			   (want->first_allowedip || !(want->flags & PEER_REPLACE_ALLOWEDIPS));
	struct wg_peer *peer;

	if (have && !psk && !keepalive && !endpoint && !aips)
		return 0;
	peer = add_peer_copy(dev, want);
	if (!peer)
		return -ENOMEM;
	if (psk) {
		memcpy(peer->preshared_key, want_psk, WG_KEY_LEN);
		peer->flags |= PEER_HAS_PRESHARED_KEY;
	}
	if (keepalive) {
		peer->persistent_keepalive = want_keepalive;
		peer->flags |= PEER_HAS_PERSISTENT_KEEPALIVE;
	}
	if (endpoint)
		peer->endpoint = want->endpoint;
	if (aips) {
		/* borrowed: the result must not outlive `want' */
		peer_set_allowedips(dev, peer, want->first_allowedip);
		peer->flags |= want->flags & PEER_REPLACE_ALLOWEDIPS;
	}
	return 0;
}

struct wg_device *device_sync_diff(const struct wg_device *want, const struct wg_device *have)
{
	struct wg_device *folded = NULL, *out = NULL;
	struct key_entry *want_sorted = NULL, *have_sorted = NULL;
	const struct wg_peer **match = NULL;
	bool *kept = NULL;
	size_t removals, i;
	int ret = -ENOMEM;

	want_sorted = sorted_peers(want);
	if (!want_sorted)
		goto out;
	if (has_duplicate_peers(want_sorted, want->peer_count)) {
		/* rare: compare against the folded copy, and copy its lists at the end */
		folded = fold_duplicate_peers(want, want_sorted);
		if (!folded)
			goto out;
		free(want_sorted);
		want_sorted = sorted_peers(folded);
		if (!want_sorted)
			goto out;
		want = folded;
	}
	have_sorted = sorted_peers(have);
	match = calloc(want->peer_count + 1, sizeof(*match));
	kept = calloc(have->peer_count + 1, sizeof(*kept));
	out = device_new();
	if (!have_sorted || !match || !kept || !out)
		goto out;
	memcpy(out->name, want->name, sizeof(out->name));

	if ((want->flags & DEVICE_HAS_PRIVATE_KEY) &&
	    !private_keys_equal(want->private_key, have->private_key)) {
		memcpy(out->private_key, want->private_key, WG_KEY_LEN);
		out->flags |= DEVICE_HAS_PRIVATE_KEY;
	}
	if ((want->flags & DEVICE_HAS_LISTEN_PORT) && want->listen_port != have->listen_port &&
	    want->listen_port) {
		out->listen_port = want->listen_port;
		out->flags |= DEVICE_HAS_LISTEN_PORT;
	}
	if ((want->flags & DEVICE_HAS_FWMARK) && want->fwmark != have->fwmark) {
		out->fwmark = want->fwmark;
		out->flags |= DEVICE_HAS_FWMARK;
	}

	removals = have->peer_count - match_peers(want_sorted, want->peer_count, have_sorted,
						  have->peer_count, match, kept);
	if (removals && removals == have->peer_count) {
		out->flags |= DEVICE_REPLACE_PEERS; /* nothing is kept, and no peer matched */
	} else if (removals) {
		i = 0;
		for_each_peer(have, peer) {
			struct wg_peer *removed;

			if (kept[i++])
				continue;
			removed = add_peer_copy(out, peer);
			if (!removed)
				goto out;
			removed->flags |= PEER_REMOVE_ME;
		}
	}
	i = 0;
	for_each_peer(want, peer) {
		if (diff_peer(out, peer, match[i++]))
			goto out;
	}
	if (folded) {
		/* the borrowed allowed-IP lists live in `folded': copy them into `out' */
		for_each_peer(out, peer) {
			struct wg_allowedip *first = peer->first_allowedip;

			peer_set_allowedips(out, peer, NULL);
			for (; first; first = first->next) {
				struct wg_allowedip *copy = peer_add_allowedip(out, peer);

				if (!copy)
					goto out;
				*copy = *first;
				copy->next = NULL;
			}
		}
	}
	ret = 0;
out:
	free(want_sorted);
	free(have_sorted);
	free(match);
	free(kept);
	device_free(folded);
	if (ret) {
		device_free(out);
		errno = -ret;
		return NULL;
	}
	return out;
}
