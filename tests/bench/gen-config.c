/* SPDX-License-Identifier: GPL-2.0-only */
/* gen-config.c (bench): writes a configuration with N peers, the same every time. */
/*
 *   gen-config PEERS [changed]
 *   gen-config routes PEERS PREFIXES [PER_LINE]
 *   gen-config seed
 *
 * Each peer has a public key, a preshared key, two allowed IPs (an IPv4 /32 and an IPv6 /128),
 * an endpoint in a documentation range and a keepalive. Keys come from a fixed pseudo-random
 * sequence, so two runs write the same file. With `changed', every hundredth peer (1%) has
 * another endpoint port and another IPv6 prefix: the file syncconf's 1% case applies.
 *
 * `routes' writes wg-quick's benchmark (tests/bench/wg-quick.sh): an [Interface] with the
 * Address 10.200.0.1/16, fd00:200::1/64 and PEERS peers with PREFIXES allowed IPs each, at most
 * PER_LINE to an AllowedIPs line (default: all on one line), and an endpoint in a documentation
 * range (192.0.2.0/24, 198.51.100.0/24, 2001:db8::/32). Prefix number k of the file (counting
 * across peers) is an IPv4 prefix of its own /24 block 10.X.Y.0 (X = 1 + k / 256; one in 25 is a
 * /22 from 10.100.0.0 on instead), or, for every fifth k, an IPv6 prefix under fd10:X:Y::/48;
 * their lengths vary. Two prefixes in a hundred lie inside an Address subnet instead, so wg-quick
 * adds no route for them. No prefix is a default route and no two overlap; at most 25,000. `seed' writes the two-prefix example of the project's seed.
 * Written in C because the test VM has no scripting language fast enough for 100,000 peers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_LEN 32
/* the prefixes of `routes' stay distinct up to this many (10.1.0.0 to 10.99.255.0) */
#define MAX_PREFIXES 25000

/* splitmix64: a tiny generator good enough for keys nobody will ever use. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Writes a random key in base64 (44 characters with its `=') to out. */
static void put_key(FILE *out, uint64_t *state)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint8_t key[KEY_LEN + 1] = { 0 };
	char text[45];

	for (size_t i = 0; i < KEY_LEN; i += 8) {
		uint64_t r = next_random(state);

		memcpy(key + i, &r, sizeof(r));
	}
	/* 32 bytes: ten groups of three, then two bytes and one `=' */
	for (size_t i = 0, o = 0; i < KEY_LEN; i += 3, o += 4) {
		uint32_t v = (uint32_t)key[i] << 16 | (uint32_t)key[i + 1] << 8 |
			     (i + 2 < KEY_LEN ? key[i + 2] : 0);

		text[o] = alphabet[v >> 18];
		text[o + 1] = alphabet[(v >> 12) & 63];
		text[o + 2] = alphabet[(v >> 6) & 63];
		text[o + 3] = i + 2 < KEY_LEN ? alphabet[v & 63] : '=';
	}
	text[44] = '\0';
	fputs(text, out);
}

/* Writes prefix number k of the routes configuration. */
static void put_prefix(FILE *out, unsigned long k)
{
	static const unsigned v4_len[] = { 24, 25, 27, 32 }, v6_len[] = { 48, 56, 64, 128 };
	unsigned long hi = k >> 8, lo = k & 255;

	if (k % 100 == 50) {
		/* inside 10.200.0.0/16: the Address's route covers it */
		fprintf(out, "10.200.%lu.0/24", k / 100);
	} else if (k % 100 == 75) {
		/* inside fd00:200::/64 */
		fprintf(out, "fd00:200::%lx:0/112", k / 100 + 1);
	} else if (k % 5 == 4) {
		unsigned len = v6_len[(k / 5) % 4];

		fprintf(out, "fd10:%lx:%lx::%s/%u", hi, lo, len == 128 ? "1" : "", len);
	} else if (k % 25 == 3) {
		/* one /22 in 25 prefixes, numbered n from 10.100.0.0 on */
		unsigned long n = k / 25;

		fprintf(out, "10.%lu.%lu.0/22", 100 + n / 64, n % 64 * 4);
	} else {
		unsigned len = v4_len[(k + k / 5) % 4];

		fprintf(out, "10.%lu.%lu.%u/%u", 1 + hi, lo, len == 32 ? 1 : 0, len);
	}
}

static int routes(unsigned long peers, unsigned long prefixes, unsigned long per_line)
{
	uint64_t state = 0x9007e5;
	unsigned long k = 0;

	fputs("[Interface]\nPrivateKey = ", stdout);
	put_key(stdout, &state);
	fputs("\nAddress = 10.200.0.1/16, fd00:200::1/64\n", stdout);
	for (unsigned long i = 0; i < peers; ++i) {
		fputs("\n[Peer]\nPublicKey = ", stdout);
		put_key(stdout, &state);
		for (unsigned long j = 0; j < prefixes; ++j, ++k) {
			fputs(j % per_line ? ", " : "\nAllowedIPs = ", stdout);
			put_prefix(stdout, k);
		}
		switch (i % 3) {
		case 0:
			printf("\nEndpoint = 192.0.2.%lu:51820\n", 1 + i % 254);
			break;
		case 1:
			printf("\nEndpoint = 198.51.100.%lu:51820\n", 1 + i % 254);
			break;
		default:
			printf("\nEndpoint = [2001:db8::%lx]:51820\n", i + 1);
		}
	}
	return fflush(stdout) ? 1 : 0;
}

static int seed(void)
{
	uint64_t state = 0x5eed5eed;

	fputs("[Interface]\nPrivateKey = ", stdout);
	put_key(stdout, &state);
	fputs("\nAddress = 10.10.11.10/24\n\n[Peer]\nPublicKey = ", stdout);
	put_key(stdout, &state);
	fputs("\nAllowedIPs = 10.10.11.0/24, 10.10.10.0/24\n", stdout);
	return fflush(stdout) ? 1 : 0;
}

/* A whole number up to max, or exits with the usage. */
static unsigned long number(const char *text, unsigned long max)
{
	char *end;
	unsigned long n = strtoul(text, &end, 10);

	if (!*text || *end || n > max) {
		fprintf(stderr, "gen-config: `%s' is not a number up to %lu\n", text, max);
		exit(2);
	}
	return n;
}

int main(int argc, char *argv[])
{
	uint64_t state = 0x5eed;
	unsigned long peers;
	char *end;
	int changed;

	if (argc == 2 && !strcmp(argv[1], "seed"))
		return seed();
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "routes")) {
		unsigned long peers = number(argv[2], MAX_PREFIXES);
		unsigned long prefixes = number(argv[3], MAX_PREFIXES);
		unsigned long per_line = argc == 5 ? number(argv[4], MAX_PREFIXES) : MAX_PREFIXES;

		if (peers * prefixes > MAX_PREFIXES) {
			fprintf(stderr, "gen-config: at most %d prefixes in all\n", MAX_PREFIXES);
			return 2;
		}
		return routes(peers, prefixes, per_line ? per_line : 1);
	}
	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "changed"))) {
		fprintf(stderr, "Usage: gen-config PEERS [changed]\n"
				"       gen-config routes PEERS PREFIXES [PER_LINE]\n"
				"       gen-config seed\n");
		return 2;
	}
	peers = strtoul(argv[1], &end, 10);
	if (*end || peers > 0xffffff) {
		fprintf(stderr, "gen-config: PEERS must be a number up to 16777215\n");
		return 2;
	}
	changed = argc == 3;
	fputs("[Interface]\nPrivateKey = ", stdout);
	put_key(stdout, &state);
	fputs("\nListenPort = 51820\n", stdout);
	for (unsigned long i = 0; i < peers; ++i) {
		int moved = changed && i % 100 == 0;

		fputs("\n[Peer]\nPublicKey = ", stdout);
		put_key(stdout, &state);
		fputs("\nPresharedKey = ", stdout);
		put_key(stdout, &state);
		printf("\nAllowedIPs = 10.%lu.%lu.%lu/32, fd%02x::%lx:%lx/128\n", i >> 16,
		       (i >> 8) & 255, i & 255, moved ? 1 : 0, i >> 16, i & 0xffff);
		printf("Endpoint = 192.0.2.%lu:%lu\n", 1 + i % 254, 10000 + i % 50000 + moved);
		fputs("PersistentKeepalive = 25\n", stdout);
	}
	return fflush(stdout) ? 1 : 0;
}
