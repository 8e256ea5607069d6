/* gen-config.c (bench): writes a configuration with N peers, the same every time. */
/*
 *   gen-config PEERS [changed]
 *
 * Each peer has a public key, a preshared key, two allowed IPs (an IPv4 /32 and an IPv6 /128),
 * an endpoint in a documentation range and a keepalive. Keys come from a fixed pseudo-random
 * sequence, so two runs write the same file. With `changed', every hundredth peer (1%) has
 * another endpoint port and another IPv6 prefix: the file syncconf's 1% case applies.
 * Written in C because the test VM has no scripting language fast enough for 100,000 peers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_LEN 32

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

int main(int argc, char *argv[])
{
	uint64_t state = 0x5eed;
	unsigned long peers;
	char *end;
	int changed;

	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "changed"))) {
		fprintf(stderr, "Usage: gen-config PEERS [changed]\n");
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
