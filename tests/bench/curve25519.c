/* SPDX-License-Identifier: GPL-2.0-only */
/* curve25519.c (bench): cycles per X25519 scalar multiplication, ours against libsodium's. */
/*
 * Cycles come from __rdtsc(), which on current x86 CPUs counts at a constant reference rate,
 * not at the core's momentary clock: with turbo or frequency scaling the figures are
 * reference cycles, comparable between the two implementations measured in the same run but
 * not exactly core cycles. Each round is the mean of many back-to-back multiplications whose
 * inputs depend on the previous output, so nothing can be hoisted or overlapped; the four
 * kinds take turns round by round, so a noisy neighbour or a clock change hits all alike.
 * The median and the best round are printed: on a busy machine the best is the steadier.
 * This program reports numbers only; it never fails a build.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <x86intrin.h>

#include "curve25519.h"

#define ROUNDS 15

enum impl { OURS_BASE, SODIUM_BASE, OURS_VAR, SODIUM_VAR };

static const char *const impl_name[] = {
	[OURS_BASE] = "ours:      fixed base (curve25519_generate_public)",
	[SODIUM_BASE] = "libsodium: fixed base (crypto_scalarmult_curve25519_base)",
	[OURS_VAR] = "ours:      variable base (curve25519)",
	[SODIUM_VAR] = "libsodium: variable base (crypto_scalarmult_curve25519)",
};

/* One multiplication of the chosen kind; the output feeds the next scalar. */
static void one(enum impl which, uint8_t scalar[32], const uint8_t point[32])
{
	uint8_t out[32];

	switch (which) {
	case OURS_BASE:
		curve25519_generate_public(out, scalar);
		break;
	case SODIUM_BASE:
		if (crypto_scalarmult_curve25519_base(out, scalar))
			memset(out, 1, sizeof(out));
		break;
	case OURS_VAR:
		curve25519(out, scalar, point);
		break;
	case SODIUM_VAR:
		if (crypto_scalarmult_curve25519(out, scalar, point))
			memset(out, 1, sizeof(out));
		break;
	}
	scalar[0] ^= out[0];
	scalar[1] ^= out[1];
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Mean cycles of one multiplication over `iterations' chained calls. */
static uint64_t measure_round(enum impl which, uint8_t scalar[32], const uint8_t point[32],
			      int iterations)
{
	uint64_t start = __rdtsc();

	for (int i = 0; i < iterations; ++i)
		one(which, scalar, point);
	return (__rdtsc() - start) / (uint64_t)iterations;
}

int main(int argc, char *argv[])
{
	int iterations = argc > 1 ? atoi(argv[1]) : 500;
	uint64_t rounds[4][ROUNDS], median[4], best[4];
	uint8_t scalar[32], point[32];

	if (iterations <= 0)
		iterations = 500;
	if (sodium_init() < 0) {
		printf("libsodium failed to initialise; no figures\n");
		return 0;
	}
	randombytes_buf(scalar, sizeof(scalar));
	crypto_scalarmult_curve25519_base(point, scalar);
	for (int i = 0; i < 4; ++i) /* warm up caches and clocks */
		measure_round((enum impl)i, scalar, point, iterations / 4 + 1);
	for (int r = 0; r < ROUNDS; ++r) {
		for (int i = 0; i < 4; ++i)
			rounds[i][r] = measure_round((enum impl)i, scalar, point, iterations);
	}
	printf("%-60s %9s %9s\n", "cycles per multiplication", "median", "best");
	for (int i = 0; i < 4; ++i) {
		qsort(rounds[i], ROUNDS, sizeof(rounds[i][0]), cmp_u64);
		median[i] = rounds[i][ROUNDS / 2];
		best[i] = rounds[i][0];
		printf("%-60s %9llu %9llu\n", impl_name[i], (unsigned long long)median[i],
		       (unsigned long long)best[i]);
	}
	printf("%-60s %9.2f %9.2f\n", "ratio ours/libsodium, fixed base",
	       (double)median[OURS_BASE] / (double)median[SODIUM_BASE],
	       (double)best[OURS_BASE] / (double)best[SODIUM_BASE]);
	printf("%-60s %9.2f %9.2f\n", "ratio ours/libsodium, variable base",
	       (double)median[OURS_VAR] / (double)median[SODIUM_VAR],
	       (double)best[OURS_VAR] / (double)best[SODIUM_VAR]);
	printf("(%d rounds of %d multiplications each; `best' is the least disturbed round)\n",
	       ROUNDS, iterations);
	return 0;
}
