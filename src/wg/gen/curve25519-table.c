/* SPDX-License-Identifier: GPL-2.0-only */
/* curve25519-table.c: prints src/wg/curve25519-table.h, the base point comb table for X25519. */
/*
 * Regenerate with:
 *
 *   cc -O2 -o /tmp/curve25519-table src/wg/gen/curve25519-table.c
 *   /tmp/curve25519-table > src/wg/curve25519-table.h
 *
 * This program shares no arithmetic with curve25519.c on purpose: it works on fully reduced
 * 4x64-bit numbers with affine coordinates and a division per point addition, slow but simple,
 * so a mistake in the fast code cannot hide by also being in the table. It derives every
 * constant (d, the base point, the square root of -1) from the curve equation and checks its
 * own results before printing anything.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;

/* An integer modulo p = 2^255 - 19, always fully reduced, least significant word first. */
struct num {
	uint64_t w[4];
};

static const struct num P = { { 0xffffffffffffffedULL, 0xffffffffffffffffULL,
				0xffffffffffffffffULL, 0x7fffffffffffffffULL } };

static struct num num_small(uint64_t v)
{
	struct num r = { { v, 0, 0, 0 } };

	return r;
}

static bool num_eq(struct num a, struct num b)
{
	return !memcmp(a.w, b.w, sizeof(a.w));
}

static bool num_geq_p(struct num a)
{
	for (int i = 3; i >= 0; --i) {
		if (a.w[i] != P.w[i])
			return a.w[i] > P.w[i];
	}
	return true;
}

/* a - b over 256 bits, returning the borrow. */
static uint64_t sub_words(struct num *r, struct num a, struct num b)
{
	uint64_t borrow = 0;

	for (int i = 0; i < 4; ++i) {
		u128 d = (u128)a.w[i] - b.w[i] - borrow;

		r->w[i] = (uint64_t)d;
		borrow = (uint64_t)(d >> 64) & 1;
	}
	return borrow;
}

static struct num num_add(struct num a, struct num b)
{
	struct num r;
	u128 carry = 0;

	for (int i = 0; i < 4; ++i) {
		carry += (u128)a.w[i] + b.w[i];
		r.w[i] = (uint64_t)carry;
		carry >>= 64;
	}
	/* Both inputs are below p < 2^255, so the sum fits in 256 bits and is below 2p. */
	if (num_geq_p(r))
		sub_words(&r, r, P);
	return r;
}

static struct num num_sub(struct num a, struct num b)
{
	struct num r;

	if (sub_words(&r, a, b)) {
		u128 carry = 0;

		for (int i = 0; i < 4; ++i) {
			carry += (u128)r.w[i] + P.w[i];
			r.w[i] = (uint64_t)carry;
			carry >>= 64;
		}
	}
	return r;
}

static struct num num_neg(struct num a)
{
	return num_sub(num_small(0), a);
}

static struct num num_mul(struct num a, struct num b)
{
	uint64_t prod[8] = { 0 };
	struct num r;

	for (int i = 0; i < 4; ++i) {
		u128 carry = 0;

		for (int j = 0; j < 4; ++j) {
			carry += (u128)a.w[i] * b.w[j] + prod[i + j];
			prod[i + j] = (uint64_t)carry;
			carry >>= 64;
		}
		prod[i + 4] = (uint64_t)carry;
	}
	/* 2^256 = 38 (mod p): fold the high half down twice, then subtract p as needed. */
	u128 carry = 0;

	for (int i = 0; i < 4; ++i) {
		carry += (u128)prod[i + 4] * 38 + prod[i];
		r.w[i] = (uint64_t)carry;
		carry >>= 64;
	}
	while (carry) {
		u128 fold = carry * 38;

		for (int i = 0; i < 4; ++i) {
			fold += r.w[i];
			r.w[i] = (uint64_t)fold;
			fold >>= 64;
		}
		carry = fold;
	}
	while (num_geq_p(r))
		sub_words(&r, r, P);
	return r;
}

/* a^e for an exponent given as a number (any 256-bit value). */
static struct num num_pow(struct num a, struct num e)
{
	struct num r = num_small(1);

	for (int bit = 255; bit >= 0; --bit) {
		r = num_mul(r, r);
		if ((e.w[bit / 64] >> (bit % 64)) & 1)
			r = num_mul(r, a);
	}
	return r;
}

static struct num num_inv(struct num a)
{
	struct num e;

	sub_words(&e, P, num_small(2));
	return num_pow(a, e);
}

static struct num num_div(struct num a, struct num b)
{
	return num_mul(a, num_inv(b));
}

/* A square root of a, which must exist; p = 5 (mod 8), so a^((p+3)/8) is one up to sqrt(-1). */
static struct num num_sqrt(struct num a, struct num sqrt_m1)
{
	struct num e, r;

	/* (p + 3) / 8 = (2^255 - 16) / 8 = 2^252 - 2 */
	memset(e.w, 0xff, sizeof(e.w));
	e.w[3] = 0x0fffffffffffffffULL;
	e.w[0] = 0xfffffffffffffffeULL;
	r = num_pow(a, e);
	if (!num_eq(num_mul(r, r), a))
		r = num_mul(r, sqrt_m1);
	if (!num_eq(num_mul(r, r), a)) {
		fprintf(stderr, "curve25519-table: no square root\n");
		exit(1);
	}
	return r;
}

/* An affine point of the twisted Edwards curve -x^2 + y^2 = 1 + d x^2 y^2. */
struct point {
	struct num x, y;
};

static struct point point_add(struct point a, struct point b, struct num d)
{
	struct num xx = num_mul(a.x, b.x), yy = num_mul(a.y, b.y);
	struct num dxxyy = num_mul(d, num_mul(xx, yy));
	struct point r;

	r.x = num_div(num_add(num_mul(a.x, b.y), num_mul(a.y, b.x)),
		      num_add(num_small(1), dxxyy));
	r.y = num_div(num_add(yy, xx), num_sub(num_small(1), dxxyy));
	return r;
}

static bool point_on_curve(struct point a, struct num d)
{
	struct num xx = num_mul(a.x, a.x), yy = num_mul(a.y, a.y);

	return num_eq(num_sub(yy, xx), num_add(num_small(1), num_mul(d, num_mul(xx, yy))));
}

/* Prints a reduced number as FE(...) of the five 51-bit limbs curve25519.c works with. */
static void print_fe(struct num a, const char *before, const char *after)
{
	const uint64_t mask = (UINT64_C(1) << 51) - 1;
	uint64_t limb[5] = {
		a.w[0] & mask,
		((a.w[0] >> 51) | (a.w[1] << 13)) & mask,
		((a.w[1] >> 38) | (a.w[2] << 26)) & mask,
		((a.w[2] >> 25) | (a.w[3] << 39)) & mask,
		a.w[3] >> 12,
	};

	/* Thirteen digits, so every limb starts with a digit and pastes onto 0x as a number. */
	printf("%sFE(%013" PRIx64 ", %013" PRIx64 ", %013" PRIx64 ", %013" PRIx64 ", %013" PRIx64
	       ")%s\n",
	       before, limb[0], limb[1], limb[2], limb[3], limb[4], after);
}

int main(void)
{
	struct num d, sqrt_m1, x, y, pm1_over_4;
	struct point base, row;

	/* The birational equivalent of curve25519: a = -1, d = -121665/121666. */
	d = num_div(num_neg(num_small(121665)), num_small(121666));
	/* 2 is not a square mod p, so 2^((p-1)/4) squares to -1. (p - 1) / 4 = 2^253 - 5. */
	memset(pm1_over_4.w, 0xff, sizeof(pm1_over_4.w));
	pm1_over_4.w[3] = 0x1fffffffffffffffULL;
	pm1_over_4.w[0] = 0xfffffffffffffffbULL;
	sqrt_m1 = num_pow(num_small(2), pm1_over_4);
	if (!num_eq(num_mul(sqrt_m1, sqrt_m1), num_neg(num_small(1)))) {
		fprintf(stderr, "curve25519-table: bad sqrt(-1)\n");
		return 1;
	}
	/* The base point u = 9 maps to y = (u - 1) / (u + 1) = 4/5; x from the curve equation. */
	y = num_div(num_small(4), num_small(5));
	x = num_sqrt(num_div(num_sub(num_mul(y, y), num_small(1)),
			     num_add(num_mul(d, num_mul(y, y)), num_small(1))),
		     sqrt_m1);
	base.x = x;
	base.y = y;
	if (!point_on_curve(base, d) ||
	    !num_eq(num_div(num_add(num_small(1), y), num_sub(num_small(1), y)), num_small(9))) {
		fprintf(stderr, "curve25519-table: bad base point\n");
		return 1;
	}

	printf("/* SPDX-License-Identifier: GPL-2.0-only */\n");
	printf("/* curve25519-table.h: generated by %s; do not edit. */\n",
	       "src/wg/gen/curve25519-table.c");
	printf("\n/* A field element from its five 51-bit limbs, written in hex. */\n");
	printf("#define FE(a, b, c, d, e) { { 0x##a, 0x##b, 0x##c, 0x##d, 0x##e } }\n");
	printf("\n/* 2d, d = -121665/121666 being the Edwards curve's constant. */\n");
	printf("static const struct fe edwards_d2 =\n");
	print_fe(num_add(d, d), "\t", ";");
	printf("\n/* base_table[i][j - 1] = %s, B being u = 9. */\n",
	       "j * 256^i * B as (y + x, y - x, 2dxy)");
	printf("static const struct ge_niels base_table[32][8] = {\n");
	row = base;
	for (int i = 0; i < 32; ++i) {
		struct point multiple = row;

		printf("\t{ /* 256^%d B times 1 to 8 */\n", i);
		for (int j = 1; j <= 8; ++j) {
			if (!point_on_curve(multiple, d)) {
				fprintf(stderr, "curve25519-table: point off the curve\n");
				return 1;
			}
			print_fe(num_add(multiple.y, multiple.x), "\t\t{ ", ",");
			print_fe(num_sub(multiple.y, multiple.x), "\t\t  ", ",");
			print_fe(num_mul(num_add(d, d), num_mul(multiple.x, multiple.y)), "\t\t  ",
				 " },");
			multiple = point_add(multiple, row, d);
		}
		printf("\t},\n");
		for (int k = 0; k < 8; ++k)
			row = point_add(row, row, d);
	}
	printf("};\n\n#undef FE\n");
	return ferror(stdout) ? 1 : 0;
}
