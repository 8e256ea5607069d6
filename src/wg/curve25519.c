/* SPDX-License-Identifier: GPL-2.0-only */
/* curve25519.c: X25519 (RFC 7748) in constant time: a ladder for any point, a comb for the base. */
/*
 * Field elements modulo p = 2^255 - 19 are five unsigned 64-bit limbs of 51 bits each
 * (radix 2^51), multiplied with 64x64->128-bit products. Nothing here branches on or indexes
 * memory by secret data: the ladder swaps with masks, the comb reads every table entry.
 *
 * Limb bounds, which keep every product and sum inside its integer type:
 *  - fe_mul/fe_sq/fe_mul_small return limbs below 2^51 + 2^13 ("carried");
 *  - fe_add of two carried values gives limbs below 2^52 + 2^14;
 *  - fe_sub(a, b) needs b carried and gives limbs below (bound of a) + 2^52;
 *  - fe_mul/fe_sq accept limbs below 2^54: column sums then stay below 2^115 and the carry out
 *    of the top column, times 19, below 2^64. Every input in this file is within that.
 */
#include <string.h>

#include "curve25519.h"
#include "secret.h"

typedef unsigned __int128 u128;

#define LIMB_MASK ((UINT64_C(1) << 51) - 1)

/*
 * Multiplication and squaring are inlined into their few callers, which are kept out of line:
 * measured, that is about 15% faster than either a call per multiplication or one big function.
 */
#define FE_INLINE static inline __attribute__((always_inline))

/* The value v[0] + v[1] 2^51 + v[2] 2^102 + v[3] 2^153 + v[4] 2^204, not necessarily reduced. */
struct fe {
	uint64_t v[5];
};

/*
 * A point of the Edwards curve -x^2 + y^2 = 1 + d x^2 y^2 in extended coordinates:
 * x = X/Z, y = Y/Z, xy = T/Z.
 */
struct ge_ext {
	struct fe x, y, z, t;
};

/* An affine point prepared for addition: y + x, y - x and 2dxy. */
struct ge_niels {
	struct fe ypx, ymx, xy2d;
};

#include "curve25519-table.h"

/* Hides a mask's value from the optimizer so it cannot turn mask arithmetic into branches. */
static inline uint64_t ct_opaque(uint64_t v)
{
	__asm__("" : "+r"(v));
	return v;
}

/* All ones when a == b, else zero; a and b below 2^63. */
static inline uint64_t ct_eq_mask(uint64_t a, uint64_t b)
{
	return ct_opaque(0 - (((a ^ b) - 1) >> 63));
}

static void fe_zero(struct fe *r)
{
	memset(r, 0, sizeof(*r));
}

static void fe_one(struct fe *r)
{
	fe_zero(r);
	r->v[0] = 1;
}

/*
 * The limb-wise helpers are written out rather than looped: the compiler turns five-step loops
 * into vector code whose 16-byte stores then stall the 8-byte loads of the next multiplication.
 */
static inline void fe_add(struct fe *r, const struct fe *a, const struct fe *b)
{
	r->v[0] = a->v[0] + b->v[0];
	r->v[1] = a->v[1] + b->v[1];
	r->v[2] = a->v[2] + b->v[2];
	r->v[3] = a->v[3] + b->v[3];
	r->v[4] = a->v[4] + b->v[4];
}

/* a - b computed as a + 2p - b, so no limb goes negative while b is carried. */
static inline void fe_sub(struct fe *r, const struct fe *a, const struct fe *b)
{
	r->v[0] = a->v[0] + (2 * LIMB_MASK - 36) - b->v[0];
	r->v[1] = a->v[1] + 2 * LIMB_MASK - b->v[1];
	r->v[2] = a->v[2] + 2 * LIMB_MASK - b->v[2];
	r->v[3] = a->v[3] + 2 * LIMB_MASK - b->v[3];
	r->v[4] = a->v[4] + 2 * LIMB_MASK - b->v[4];
}

static inline void fe_neg(struct fe *r, const struct fe *a)
{
	struct fe zero;

	fe_zero(&zero);
	fe_sub(r, &zero, a);
}

/* Brings every limb below 2^51 + 2^13 without changing the value modulo p. */
static inline void fe_carry(struct fe *r)
{
	uint64_t c;

	for (int i = 0; i < 4; ++i) {
		r->v[i + 1] += r->v[i] >> 51;
		r->v[i] &= LIMB_MASK;
	}
	c = r->v[4] >> 51;
	r->v[4] &= LIMB_MASK;
	r->v[0] += 19 * c;
}

/* Reduces five 128-bit column sums into a carried element; 2^255 = 19 (mod p). */
static inline void fe_carry_wide(struct fe *r, u128 t0, u128 t1, u128 t2, u128 t3, u128 t4)
{
	uint64_t r0, r1, r2, r3, r4;

	t1 += (uint64_t)(t0 >> 51);
	r0 = (uint64_t)t0 & LIMB_MASK;
	t2 += (uint64_t)(t1 >> 51);
	r1 = (uint64_t)t1 & LIMB_MASK;
	t3 += (uint64_t)(t2 >> 51);
	r2 = (uint64_t)t2 & LIMB_MASK;
	t4 += (uint64_t)(t3 >> 51);
	r3 = (uint64_t)t3 & LIMB_MASK;
	r4 = (uint64_t)t4 & LIMB_MASK;
	r0 += 19 * (uint64_t)(t4 >> 51);
	r1 += r0 >> 51;
	r0 &= LIMB_MASK;
	r->v[0] = r0;
	r->v[1] = r1;
	r->v[2] = r2;
	r->v[3] = r3;
	r->v[4] = r4;
}

FE_INLINE void fe_mul(struct fe *r, const struct fe *a, const struct fe *b)
{
	const uint64_t a0 = a->v[0], a1 = a->v[1], a2 = a->v[2], a3 = a->v[3], a4 = a->v[4];
	const uint64_t b0 = b->v[0], b1 = b->v[1], b2 = b->v[2], b3 = b->v[3], b4 = b->v[4];
	/* Limb products that land at 2^255 and beyond wrap around multiplied by 19. */
	const uint64_t b1_19 = 19 * b1, b2_19 = 19 * b2, b3_19 = 19 * b3, b4_19 = 19 * b4;
	u128 t0, t1, t2, t3, t4;

	t0 = (u128)a0 * b0 + (u128)a1 * b4_19 + (u128)a2 * b3_19 + (u128)a3 * b2_19 +
	     (u128)a4 * b1_19;
	t1 = (u128)a0 * b1 + (u128)a1 * b0 + (u128)a2 * b4_19 + (u128)a3 * b3_19 +
	     (u128)a4 * b2_19;
	t2 = (u128)a0 * b2 + (u128)a1 * b1 + (u128)a2 * b0 + (u128)a3 * b4_19 +
	     (u128)a4 * b3_19;
	t3 = (u128)a0 * b3 + (u128)a1 * b2 + (u128)a2 * b1 + (u128)a3 * b0 + (u128)a4 * b4_19;
	t4 = (u128)a0 * b4 + (u128)a1 * b3 + (u128)a2 * b2 + (u128)a3 * b1 + (u128)a4 * b0;
	fe_carry_wide(r, t0, t1, t2, t3, t4);
}

/* a^2, sharing the symmetric products of fe_mul. */
FE_INLINE void fe_sq(struct fe *r, const struct fe *a)
{
	const uint64_t a0 = a->v[0], a1 = a->v[1], a2 = a->v[2], a3 = a->v[3], a4 = a->v[4];
	const uint64_t a0_2 = 2 * a0, a1_2 = 2 * a1;
	const uint64_t a3_19 = 19 * a3, a4_19 = 19 * a4, a3_38 = 38 * a3, a4_38 = 38 * a4;
	u128 t0, t1, t2, t3, t4;

	t0 = (u128)a0 * a0 + (u128)a1 * a4_38 + (u128)a2 * a3_38;
	t1 = (u128)a0_2 * a1 + (u128)a2 * a4_38 + (u128)a3 * a3_19;
	t2 = (u128)a0_2 * a2 + (u128)a1 * a1 + (u128)a3 * a4_38;
	t3 = (u128)a0_2 * a3 + (u128)a1_2 * a2 + (u128)a4 * a4_19;
	t4 = (u128)a0_2 * a4 + (u128)a1_2 * a3 + (u128)a2 * a2;
	fe_carry_wide(r, t0, t1, t2, t3, t4);
}

/* a * k for a constant k below 2^17. */
static inline void fe_mul_small(struct fe *r, const struct fe *a, uint32_t k)
{
	fe_carry_wide(r, (u128)a->v[0] * k, (u128)a->v[1] * k, (u128)a->v[2] * k,
		      (u128)a->v[3] * k, (u128)a->v[4] * k);
}

/* a^(2^n) * b; n is public. */
static void fe_sq_n_mul(struct fe *r, const struct fe *a, int n, const struct fe *b)
{
	struct fe t;

	fe_sq(&t, a);
	while (--n > 0)
		fe_sq(&t, &t);
	fe_mul(r, &t, b);
	memzero_explicit(&t, sizeof(t));
}

/*
 * a^(p - 2) = 1/a (0 for 0), by the exponent 2^255 - 21 = (2^250 - 1) 2^5 + 11: build
 * a^(2^k - 1) for k = 5, 10, 20, 40, 50, 100, 200, 250 by joining runs of one bits
 * (a^(2^(j+k) - 1) = (a^(2^j - 1))^(2^k) a^(2^k - 1)), then shift in five more bits and
 * multiply by a^11. 254 squarings and 11 multiplications.
 */
static void fe_invert(struct fe *r, const struct fe *a)
{
	struct {
		struct fe a2, a9, a11, e5, e10, e20, e40, e50, e100, t;
	} v;

	fe_sq(&v.a2, a);                             /* a^2 */
	fe_sq_n_mul(&v.a9, &v.a2, 2, a);             /* a^9 */
	fe_mul(&v.a11, &v.a9, &v.a2);                /* a^11 */
	fe_sq_n_mul(&v.e5, &v.a11, 1, &v.a9);        /* a^(2^5 - 1) = a^31 */
	fe_sq_n_mul(&v.e10, &v.e5, 5, &v.e5);        /* a^(2^10 - 1) */
	fe_sq_n_mul(&v.e20, &v.e10, 10, &v.e10);     /* a^(2^20 - 1) */
	fe_sq_n_mul(&v.e40, &v.e20, 20, &v.e20);     /* a^(2^40 - 1) */
	fe_sq_n_mul(&v.e50, &v.e40, 10, &v.e10);     /* a^(2^50 - 1) */
	fe_sq_n_mul(&v.e100, &v.e50, 50, &v.e50);    /* a^(2^100 - 1) */
	fe_sq_n_mul(&v.t, &v.e100, 100, &v.e100);    /* a^(2^200 - 1) */
	fe_sq_n_mul(&v.t, &v.t, 50, &v.e50);         /* a^(2^250 - 1) */
	fe_sq_n_mul(r, &v.t, 5, &v.a11);             /* a^(2^255 - 21) */
	memzero_explicit(&v, sizeof(v));
}

/* Reads 255 bits little endian; the top bit is ignored as RFC 7748 asks. */
static void fe_from_bytes(struct fe *r, const uint8_t s[32])
{
	uint64_t w[4] = { 0 };

	for (int i = 0; i < 32; ++i)
		w[i / 8] |= (uint64_t)s[i] << (8 * (i % 8));
	r->v[0] = w[0] & LIMB_MASK;
	r->v[1] = ((w[0] >> 51) | (w[1] << 13)) & LIMB_MASK;
	r->v[2] = ((w[1] >> 38) | (w[2] << 26)) & LIMB_MASK;
	r->v[3] = ((w[2] >> 25) | (w[3] << 39)) & LIMB_MASK;
	r->v[4] = (w[3] >> 12) & LIMB_MASK;
	memzero_explicit(w, sizeof(w));
}

/* Writes the unique representative below p, little endian; limbs must be below 2^63. */
static void fe_to_bytes(uint8_t s[32], const struct fe *a)
{
	struct fe h = *a;
	uint64_t q, w[4];

	/* Two passes leave every limb below 2^51 except limb 0, which may exceed it by 19. */
	fe_carry(&h);
	fe_carry(&h);
	/* Now h < 2p, and h >= p exactly when h + 19 reaches 2^255; q is that carry. */
	q = (h.v[0] + 19) >> 51;
	for (int i = 1; i < 5; ++i)
		q = (h.v[i] + q) >> 51;
	h.v[0] += 19 * q;
	for (int i = 0; i < 4; ++i) {
		h.v[i + 1] += h.v[i] >> 51;
		h.v[i] &= LIMB_MASK;
	}
	h.v[4] &= LIMB_MASK; /* drops q 2^255 */

	w[0] = h.v[0] | (h.v[1] << 51);
	w[1] = (h.v[1] >> 13) | (h.v[2] << 38);
	w[2] = (h.v[2] >> 26) | (h.v[3] << 25);
	w[3] = (h.v[3] >> 39) | (h.v[4] << 12);
	for (int i = 0; i < 32; ++i)
		s[i] = (uint8_t)(w[i / 8] >> (8 * (i % 8)));
	memzero_explicit(&h, sizeof(h));
	memzero_explicit(w, sizeof(w));
}

/* Swaps a and b when mask is all ones, leaves them when it is zero. */
static inline void fe_cswap(struct fe *a, struct fe *b, uint64_t mask)
{
	for (int i = 0; i < 5; ++i) {
		uint64_t x = mask & (a->v[i] ^ b->v[i]);

		a->v[i] ^= x;
		b->v[i] ^= x;
	}
}

/* Copies b into a when mask is all ones. */
static inline void fe_cmov(struct fe *a, const struct fe *b, uint64_t mask)
{
	for (int i = 0; i < 5; ++i)
		a->v[i] ^= mask & (a->v[i] ^ b->v[i]);
}

void curve25519_clamp_secret(uint8_t secret[CURVE25519_KEY_SIZE])
{
	secret[0] &= 248;
	secret[31] = (secret[31] & 127) | 64;
}

/* The ladder's working state, kept together so it can be wiped in one go. */
struct ladder {
	uint8_t scalar[32];
	struct fe x1, x2, z2, x3, z3;
	struct fe a, aa, b, bb, c, d, e, da, cb;
};

/*
 * One step of the Montgomery ladder (RFC 7748 section 5): (x2:z2) becomes its double and
 * (x3:z3) the sum of both, knowing their difference has u = x1.
 */
static __attribute__((noinline)) void ladder_step(struct ladder *l)
{
	fe_add(&l->a, &l->x2, &l->z2);
	fe_sub(&l->b, &l->x2, &l->z2);
	fe_add(&l->c, &l->x3, &l->z3);
	fe_sub(&l->d, &l->x3, &l->z3);
	fe_mul(&l->da, &l->d, &l->a);
	fe_mul(&l->cb, &l->c, &l->b);
	fe_add(&l->x3, &l->da, &l->cb);
	fe_sq(&l->x3, &l->x3);
	fe_sub(&l->z3, &l->da, &l->cb);
	fe_sq(&l->z3, &l->z3);
	fe_mul(&l->z3, &l->z3, &l->x1);
	fe_sq(&l->aa, &l->a);
	fe_sq(&l->bb, &l->b);
	fe_mul(&l->x2, &l->aa, &l->bb);
	fe_sub(&l->e, &l->aa, &l->bb);
	/* z2 = E (BB + 121666 E), which is RFC 7748's E (AA + 121665 E) as AA = BB + E. */
	fe_mul_small(&l->z2, &l->e, 121666);
	fe_add(&l->z2, &l->z2, &l->bb);
	fe_mul(&l->z2, &l->z2, &l->e);
}

void curve25519(uint8_t out[CURVE25519_KEY_SIZE], const uint8_t scalar[CURVE25519_KEY_SIZE],
		const uint8_t point[CURVE25519_KEY_SIZE])
{
	struct ladder l;
	uint64_t swap = 0;

	memcpy(l.scalar, scalar, sizeof(l.scalar));
	curve25519_clamp_secret(l.scalar);
	fe_from_bytes(&l.x1, point);
	fe_one(&l.x2);
	fe_zero(&l.z2);
	l.x3 = l.x1;
	fe_one(&l.z3);

	for (int i = 254; i >= 0; --i) {
		uint64_t bit = (l.scalar[i / 8] >> (i % 8)) & 1;

		/* Swap only when this bit differs from the last, so (x2, x3) holds (kP, (k+1)P). */
		swap ^= bit;
		fe_cswap(&l.x2, &l.x3, ct_opaque(0 - swap));
		fe_cswap(&l.z2, &l.z3, ct_opaque(0 - swap));
		swap = bit;
		ladder_step(&l);
	}
	fe_cswap(&l.x2, &l.x3, ct_opaque(0 - swap));
	fe_cswap(&l.z2, &l.z3, ct_opaque(0 - swap));

	fe_invert(&l.z2, &l.z2);
	fe_mul(&l.x2, &l.x2, &l.z2);
	fe_to_bytes(out, &l.x2);
	memzero_explicit(&l, sizeof(l));
	memzero_explicit(&swap, sizeof(swap));
}

/* r = p + q; the unified formula (a = -1) is complete, so it is right for every input. */
static void ge_add_niels(struct ge_ext *r, const struct ge_ext *p, const struct ge_niels *q)
{
	struct fe a, b, c, d, e, f, g, h;

	fe_sub(&a, &p->y, &p->x);
	fe_mul(&a, &a, &q->ymx);
	fe_add(&b, &p->y, &p->x);
	fe_mul(&b, &b, &q->ypx);
	fe_mul(&c, &p->t, &q->xy2d);
	fe_add(&d, &p->z, &p->z);
	fe_sub(&e, &b, &a);
	fe_sub(&f, &d, &c);
	fe_add(&g, &d, &c);
	fe_add(&h, &b, &a);
	fe_mul(&r->x, &e, &f);
	fe_mul(&r->y, &g, &h);
	fe_mul(&r->t, &e, &h);
	fe_mul(&r->z, &f, &g);
}

/* r = 2p. */
static void ge_double(struct ge_ext *r, const struct ge_ext *p)
{
	struct fe a, b, c, e, f, g, h;

	fe_sq(&a, &p->x);
	fe_sq(&b, &p->y);
	fe_sq(&c, &p->z);
	fe_add(&c, &c, &c);
	fe_add(&h, &a, &b);
	fe_add(&e, &p->x, &p->y);
	fe_sq(&e, &e);
	fe_sub(&e, &h, &e);
	fe_sub(&g, &a, &b);
	fe_add(&f, &c, &g); /* 2z^2 + a - b stays below 2^54, a valid input */
	fe_mul(&r->x, &e, &f);
	fe_mul(&r->y, &g, &h);
	fe_mul(&r->t, &e, &h);
	fe_mul(&r->z, &f, &g);
}

/* r = digit * 256^row * B for a digit in [-8, 8], reading all eight entries of the row. */
static void ge_select_base(struct ge_niels *r, int row, int8_t digit)
{
	const uint64_t neg = (uint64_t)(int64_t)digit >> 63;
	const uint64_t magnitude = ((uint64_t)(int64_t)digit ^ (0 - neg)) + neg;
	struct fe minus_xy2d;

	fe_one(&r->ypx);
	fe_one(&r->ymx);
	fe_zero(&r->xy2d);
	for (int j = 0; j < 8; ++j) {
		const uint64_t mask = ct_eq_mask(magnitude, (uint64_t)j + 1);

		fe_cmov(&r->ypx, &base_table[row][j].ypx, mask);
		fe_cmov(&r->ymx, &base_table[row][j].ymx, mask);
		fe_cmov(&r->xy2d, &base_table[row][j].xy2d, mask);
	}
	/* -(x, y) = (-x, y): y + x and y - x trade places and 2dxy changes sign. */
	fe_cswap(&r->ypx, &r->ymx, ct_opaque(0 - neg));
	fe_neg(&minus_xy2d, &r->xy2d);
	fe_cmov(&r->xy2d, &minus_xy2d, ct_opaque(0 - neg));
	memzero_explicit(&minus_xy2d, sizeof(minus_xy2d));
}

/* The state of a base point multiplication, kept together so it can be wiped in one go. */
struct comb {
	uint8_t scalar[32];
	int8_t digit[64];
	struct ge_ext h;
	struct ge_niels t;
	struct fe num, den;
};

/*
 * X25519(secret, 9) computed on the equivalent Edwards curve: write the clamped scalar as
 * sum digit[i] 16^i with digits in [-8, 8), add the odd-position terms from the table, multiply
 * by 16, add the even-position ones, then map (x, y) to u = (1 + y) / (1 - y).
 */
void curve25519_generate_public(uint8_t pub[CURVE25519_KEY_SIZE],
				const uint8_t secret[CURVE25519_KEY_SIZE])
{
	struct comb c;
	int8_t carry = 0;

	memcpy(c.scalar, secret, sizeof(c.scalar));
	curve25519_clamp_secret(c.scalar);
	for (int i = 0; i < 32; ++i) {
		c.digit[2 * i] = (int8_t)(c.scalar[i] & 15);
		c.digit[2 * i + 1] = (int8_t)(c.scalar[i] >> 4);
	}
	/* Recenter each digit into [-8, 8); the clamped top digit is at most 7 + 1. */
	for (int i = 0; i < 63; ++i) {
		c.digit[i] = (int8_t)(c.digit[i] + carry);
		carry = (int8_t)((c.digit[i] + 8) >> 4);
		c.digit[i] = (int8_t)(c.digit[i] - carry * 16);
	}
	c.digit[63] = (int8_t)(c.digit[63] + carry);

	fe_zero(&c.h.x);
	fe_one(&c.h.y);
	fe_one(&c.h.z);
	fe_zero(&c.h.t);
	for (int i = 1; i < 64; i += 2) {
		ge_select_base(&c.t, i / 2, c.digit[i]);
		ge_add_niels(&c.h, &c.h, &c.t);
	}
	for (int i = 0; i < 4; ++i)
		ge_double(&c.h, &c.h);
	for (int i = 0; i < 64; i += 2) {
		ge_select_base(&c.t, i / 2, c.digit[i]);
		ge_add_niels(&c.h, &c.h, &c.t);
	}

	/* u = (1 + y) / (1 - y) = (Z + Y) / (Z - Y); the result is never the neutral point. */
	fe_add(&c.num, &c.h.z, &c.h.y);
	fe_sub(&c.den, &c.h.z, &c.h.y);
	fe_invert(&c.den, &c.den);
	fe_mul(&c.num, &c.num, &c.den);
	fe_to_bytes(pub, &c.num);
	memzero_explicit(&c, sizeof(c));
	memzero_explicit(&carry, sizeof(carry));
}
