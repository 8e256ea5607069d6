/* SPDX-License-Identifier: GPL-2.0-only */
/* test_curve25519.c: X25519 against RFC 7748 vectors; the base point comb against the ladder. */
/*
 * The RFC's 1,000,000-iteration test takes about a minute; it runs only when the environment
 * variable CURVE25519_MILLION is set to 1.
 *
 * secret_flow re-runs this program under valgrind with the private key marked undefined:
 * memcheck then reports any branch or memory index computed from it, which is exactly what
 * constant-time code must not have.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "curve25519.h"
#include "encoding.h"
#include "test.h"

#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define HAVE_MEMCHECK 1
#endif
#endif

static void from_hex(uint8_t out[CURVE25519_KEY_SIZE], const char *hex)
{
	for (int i = 0; i < CURVE25519_KEY_SIZE; ++i) {
		unsigned int byte;

		sscanf(hex + 2 * i, "%2x", &byte);
		out[i] = (uint8_t)byte;
	}
}

/* Compares bytes against a hex string, printing both on a mismatch. */
static void expect_hex(const uint8_t got[CURVE25519_KEY_SIZE], const char *want, int line)
{
	uint8_t expected[CURVE25519_KEY_SIZE];

	from_hex(expected, want);
	if (memcmp(got, expected, sizeof(expected))) {
		printf("#   line %d:\n#     got:      ", line);
		for (int i = 0; i < CURVE25519_KEY_SIZE; ++i)
			printf("%02x", got[i]);
		printf("\n#     expected: %s\n", want);
		test_current_failed = 1;
	}
}

#define EXPECT_HEX(got, want) expect_hex(got, want, __LINE__)

/* splitmix64: deterministic, so a failure can be reproduced. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static void random_bytes(uint8_t out[CURVE25519_KEY_SIZE])
{
	for (int i = 0; i < CURVE25519_KEY_SIZE; i += 8) {
		uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		z ^= z >> 31;
		memcpy(out + i, &z, 8);
	}
}

static const uint8_t nine[CURVE25519_KEY_SIZE] = { 9 };

/* RFC 7748 section 5.2, the two single multiplications. */
static void rfc7748_vectors(void)
{
	uint8_t scalar[32], u[32], out[32];

	from_hex(scalar, "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
	from_hex(u, "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
	curve25519(out, scalar, u);
	EXPECT_HEX(out, "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");

	/* This u has its top bit set, which X25519 must ignore. */
	from_hex(scalar, "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d");
	from_hex(u, "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493");
	curve25519(out, scalar, u);
	EXPECT_HEX(out, "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
}

/* RFC 7748 section 5.2's iteration: k, u = X25519(k, u), k, starting from k = u = 9. */
static void iterate(uint8_t k[32], uint8_t u[32], long times)
{
	uint8_t next[32];

	for (long i = 0; i < times; ++i) {
		curve25519(next, k, u);
		memcpy(u, k, 32);
		memcpy(k, next, 32);
	}
}

static void rfc7748_iterations(void)
{
	uint8_t k[32] = { 9 }, u[32] = { 9 };

	iterate(k, u, 1);
	EXPECT_HEX(k, "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
	iterate(k, u, 999);
	EXPECT_HEX(k, "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
}

static void rfc7748_million_iterations(void)
{
	uint8_t k[32] = { 9 }, u[32] = { 9 };

	iterate(k, u, 1000000);
	EXPECT_HEX(k, "7c3911e0ab2586fd864497297e575e6f3bc601c0883c30df5f4dd2d24f665424");
}

/* RFC 7748 section 6.1: both public keys and the shared secret. */
static void rfc7748_diffie_hellman(void)
{
	uint8_t alice[32], bob[32], alice_pub[32], bob_pub[32], shared[32];

	from_hex(alice, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
	from_hex(bob, "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");

	curve25519_generate_public(alice_pub, alice);
	EXPECT_HEX(alice_pub, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
	curve25519(alice_pub, alice, nine);
	EXPECT_HEX(alice_pub, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
	curve25519_generate_public(bob_pub, bob);
	EXPECT_HEX(bob_pub, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");

	curve25519(shared, alice, bob_pub);
	EXPECT_HEX(shared, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
	curve25519(shared, bob, alice_pub);
	EXPECT_HEX(shared, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
}

/* Checks the comb against the ladder for one scalar; returns false on a mismatch. */
static bool base_matches_ladder(const uint8_t scalar[32])
{
	uint8_t comb[32], ladder[32];

	curve25519_generate_public(comb, scalar);
	curve25519(ladder, scalar, nine);
	if (!memcmp(comb, ladder, sizeof(comb)))
		return true;
	printf("#   scalar ");
	for (int i = 0; i < 32; ++i)
		printf("%02x", scalar[i]);
	printf(": comb and ladder differ\n");
	return false;
}

static void fixed_base_equals_ladder(void)
{
	uint8_t scalar[32];

	for (int i = 0; i < 2000; ++i) {
		random_bytes(scalar);
		EXPECT(base_matches_ladder(scalar));
	}
	/* Scalars whose signed digits are all extreme: every table entry and sign gets used. */
	for (int fill = 0; fill < 256; ++fill) {
		memset(scalar, fill, sizeof(scalar));
		EXPECT(base_matches_ladder(scalar));
	}
	/* Digit patterns 0x88 (-8 with carries) and 0x77 mixed per byte. */
	for (int i = 0; i < 32; ++i)
		scalar[i] = (uint8_t)(i & 1 ? 0x88 : 0x77);
	EXPECT(base_matches_ladder(scalar));
}

static void clamping_is_internal(void)
{
	/* Bits the clamp fixes must not change any result. */
	uint8_t scalar[32], clamped[32], point[32], a[32], b[32];

	for (int i = 0; i < 200; ++i) {
		random_bytes(scalar);
		random_bytes(point);
		memcpy(clamped, scalar, 32);
		curve25519_clamp_secret(clamped);
		EXPECT(!(clamped[0] & 7) && (clamped[31] & 0xc0) == 0x40);
		curve25519(a, scalar, point);
		curve25519(b, clamped, point);
		EXPECT(!memcmp(a, b, 32));
		curve25519_generate_public(a, scalar);
		curve25519_generate_public(b, clamped);
		EXPECT(!memcmp(a, b, 32));
	}
	/* An all-zero private key (which `wg pubkey' accepts) is clamped to 2^254. */
	memset(scalar, 0, sizeof(scalar));
	EXPECT(base_matches_ladder(scalar));
}

static void diffie_hellman_agrees(void)
{
	uint8_t a[32], b[32], a_pub[32], b_pub[32], s1[32], s2[32];

	for (int i = 0; i < 200; ++i) {
		random_bytes(a);
		random_bytes(b);
		curve25519_generate_public(a_pub, a);
		curve25519_generate_public(b_pub, b);
		curve25519(s1, a, b_pub);
		curve25519(s2, b, a_pub);
		EXPECT(!memcmp(s1, s2, 32));
	}
}

/* u values of 2^255 - 19 + k are the same points as k; the output is always reduced. */
static void noncanonical_points(void)
{
	uint8_t scalar[32], high[32], low[32], a[32], b[32];

	random_bytes(scalar);
	for (int k = 0; k < 19; ++k) {
		memset(high, 0xff, sizeof(high));
		high[31] = 0x7f;
		high[0] = (uint8_t)(0xed + k); /* p + k */
		memset(low, 0, sizeof(low));
		low[0] = (uint8_t)k;
		curve25519(a, scalar, high);
		curve25519(b, scalar, low);
		EXPECT(!memcmp(a, b, 32));
		/* The same with the ignored top bit set. */
		high[31] |= 0x80;
		curve25519(a, scalar, high);
		EXPECT(!memcmp(a, b, 32));
	}
}

/* Points of small order give all-zero output; u = 0 and u = 1 are two of them. */
static void small_order_points(void)
{
	uint8_t scalar[32], point[32] = { 0 }, out[32], zero[32] = { 0 };

	random_bytes(scalar);
	curve25519(out, scalar, point);
	EXPECT(!memcmp(out, zero, 32));
	point[0] = 1;
	curve25519(out, scalar, point);
	EXPECT(!memcmp(out, zero, 32));
}

#ifdef HAVE_MEMCHECK
/* The child's side: everything derived from the secret is undefined until declared public. */
static int secret_flow_child(void)
{
	uint8_t secret[32], point[32], out[32];
	char base64[WG_KEY_LEN_BASE64 + 1], hex[WG_KEY_LEN_HEX + 1];

	random_bytes(secret);
	random_bytes(point);
	VALGRIND_MAKE_MEM_UNDEFINED(secret, sizeof(secret));
	curve25519_generate_public(out, secret);
	curve25519(out, secret, point);
	key_to_base64(base64, secret);
	key_to_hex(hex, secret);
	return 0;
}
#endif

static void secret_flow(void)
{
#if !defined(HAVE_MEMCHECK)
	printf("SKIP secret_flow: valgrind/memcheck.h is not installed\n");
#elif defined(__SANITIZE_ADDRESS__)
	/* valgrind cannot run an AddressSanitizer build; the release build runs this check */
#else
	char self[4096];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int status = -1;
	pid_t pid;

	if (len < 0) {
		printf("FAIL secret_flow: readlink /proc/self/exe failed\n");
		++test_failures;
		return;
	}
	self[len] = '\0';
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execlp("valgrind", "valgrind", "-q", "--error-exitcode=42", self, "--secret-flow",
		       (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		printf("SKIP secret_flow: valgrind is not installed\n");
		return;
	}
	test_report("secret_flow", WIFEXITED(status) && WEXITSTATUS(status) == 0);
#endif
}

int main(int argc, char *argv[])
{
	const char *million = getenv("CURVE25519_MILLION");

#ifdef HAVE_MEMCHECK
	if (argc == 2 && !strcmp(argv[1], "--secret-flow"))
		return secret_flow_child();
#endif
	(void)argv;
	(void)argc;

	RUN(rfc7748_vectors);
	RUN(rfc7748_iterations);
	RUN(rfc7748_diffie_hellman);
	RUN(fixed_base_equals_ladder);
	RUN(clamping_is_internal);
	RUN(diffie_hellman_agrees);
	RUN(noncanonical_points);
	RUN(small_order_points);
	secret_flow();
	/* an extra, opt-in check: the 1,000-iteration vector above is the one the suite needs */
	if (million && !strcmp(million, "1"))
		RUN(rfc7748_million_iterations);
	TEST_EXIT();
}
