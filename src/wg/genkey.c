/* SPDX-License-Identifier: GPL-2.0-only */
/* genkey.c: `wg genkey' and `wg genpsk' print new random keys, `wg pubkey' a public key. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "curve25519.h"
#include "encoding.h"
#include "io.h"
#include "model.h"
#include "secret.h"
#include "subcommands.h"

/* Fills buf from /dev/urandom, for kernels older than getrandom(2). */
static int read_urandom(uint8_t *buf, size_t len)
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC), ret = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read_full(fd, buf, len);
	if (n < 0)
		ret = -errno;
	else if ((size_t)n < len)
		ret = -EIO;
	close(fd);
	return ret;
}

/* Fills buf with len bytes from the kernel's random number generator. */
static int get_random_bytes(uint8_t *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = getrandom(buf + done, len - done, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOSYS)
			return read_urandom(buf + done, len - done);
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return 0;
}

/*
 * Writes a key's base64 and a newline to stdout with write(2), so no copy of a private key is
 * left behind in a stdio buffer. Like the original tool, a failed write is not an error.
 */
static void write_key_line(const uint8_t key[WG_KEY_LEN])
{
	char line[WG_KEY_LEN_BASE64 + 1];
	size_t done = 0;

	key_to_base64(line, key);
	line[WG_KEY_LEN_BASE64] = '\n';
	while (done < sizeof(line)) {
		ssize_t n = write(STDOUT_FILENO, line + done, sizeof(line) - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	memzero_explicit(line, sizeof(line));
}

/* A key written to a file others can read is no longer secret: say so, but carry on. */
static void warn_if_world_accessible(void)
{
	struct stat st;

	if (fstat(STDOUT_FILENO, &st) < 0 || !S_ISREG(st.st_mode) || !(st.st_mode & S_IRWXO))
		return;
	fputs("Warning: writing to world accessible file.\n"
	      "Consider setting the umask to 077 and trying again.\n",
	      stderr);
}

int genkey_main(int argc, const char *argv[])
{
	const bool is_private = strcmp(argv[0], "genpsk") != 0;
	uint8_t key[WG_KEY_LEN];
	int ret;

	if (argc != 1) {
		fprintf(stderr, "Usage: %s %s\n", PROG_NAME, argv[0]);
		return 1;
	}
	warn_if_world_accessible();
	ret = get_random_bytes(key, sizeof(key));
	if (ret < 0) {
		fprintf(stderr, "%s: Unable to read random bytes: %s\n", PROG_NAME, strerror(-ret));
		goto out;
	}
	if (is_private)
		curve25519_clamp_secret(key);
	write_key_line(key);
out:
	memzero_explicit(key, sizeof(key));
	return ret < 0 ? 1 : 0;
}

/* True when the rest of stdin holds only whitespace and NUL bytes (a read error ends it). */
static bool rest_is_blank(void)
{
	char buf[512];
	ssize_t n;

	while ((n = read_full(STDIN_FILENO, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; ++i) {
			if (buf[i] && !strchr(" \t\n\v\f\r", buf[i]))
				return false;
		}
		if ((size_t)n < sizeof(buf))
			break;
	}
	return true;
}

/*
 * stdin must start with exactly one base64 private key; any clamping is done by the scalar
 * multiplication, so keys not made by genkey are accepted too.
 */
int pubkey_main(int argc, const char *argv[])
{
	char base64[WG_KEY_LEN_BASE64 + 1] = { 0 };
	uint8_t private_key[WG_KEY_LEN], public_key[WG_KEY_LEN];
	int ret = 1;

	if (argc != 1) {
		fprintf(stderr, "Usage: %s %s\n", PROG_NAME, argv[0]);
		return 1;
	}
	if (read_full(STDIN_FILENO, base64, WG_KEY_LEN_BASE64) != WG_KEY_LEN_BASE64) {
		fprintf(stderr, "%s: Key is not the correct length or format\n", PROG_NAME);
		goto out;
	}
	if (!rest_is_blank()) {
		fprintf(stderr, "%s: Trailing characters found after key\n", PROG_NAME);
		goto out;
	}
	if (!key_from_base64(private_key, base64)) {
		fprintf(stderr, "%s: Key is not the correct length or format\n", PROG_NAME);
		goto out;
	}
	curve25519_generate_public(public_key, private_key);
	write_key_line(public_key);
	ret = 0;
out:
	memzero_explicit(base64, sizeof(base64));
	memzero_explicit(private_key, sizeof(private_key));
	memzero_explicit(public_key, sizeof(public_key));
	return ret;
}
