/* SPDX-License-Identifier: GPL-2.0-only */
/* config.c: configuration text into a device model; every error names file, line and text. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"
#include "io.h"
#include "secret.h"

/* Bytes read from a configuration file at a time; a longer line doubles the buffer. */
#define CONFIG_READ_BLOCK ((size_t)64 * 1024)
#define CONFIG_READ_MAX ((size_t)1 << 40)

bool config_parser_init(struct config_parser *parser, const char *filename)
{
	memset(parser, 0, sizeof(*parser));
	parser->filename = filename;
	parser->dev = device_new();
	parser->retries_env = getenv(ENDPOINT_RETRIES_ENV);
	return parser->dev != NULL;
}

void config_parser_free(struct config_parser *parser)
{
	device_free(parser->dev);
	parser->dev = NULL;
}

static bool located_error(struct config_parser *parser, unsigned long line, const char *message)
{
	snprintf(parser->diag.error, sizeof(parser->diag.error), "%.160s:%lu: %.320s", parser->filename,
		 line, message);
	return false;
}

/* Warnings from the value parsers get the location too, then go to the caller's handler. */
static void located_warning(struct diag *inner, const char *message)
{
	struct config_parser *parser = inner->ctx;
	char located[DIAG_LEN + 64];

	if (!parser->diag.warn)
		return;
	snprintf(located, sizeof(located), "%.160s:%lu: %.320s", parser->filename, parser->line, message);
	parser->diag.warn(&parser->diag, located);
}

static bool finish_peer(struct config_parser *parser)
{
	if (parser->section != SECTION_PEER || (parser->peer->flags & PEER_HAS_PUBLIC_KEY))
		return true;
	return located_error(parser, parser->peer_line,
			     "[Peer] section has no PublicKey: every peer needs one");
}

static bool begin_section(struct config_parser *parser, const char *name, const char *line)
{
	char message[DIAG_LEN], q[QUOTE_LEN];

	if (!finish_peer(parser))
		return false;
	if (!strcasecmp(name, "[Interface]")) {
		parser->section = SECTION_INTERFACE;
		return true;
	}
	if (!strcasecmp(name, "[Peer]")) {
		parser->peer = device_add_peer(parser->dev);
		if (!parser->peer)
			return located_error(parser, parser->line, "Out of memory");
		parser->peer->flags = PEER_REPLACE_ALLOWEDIPS;
		parser->section = SECTION_PEER;
		parser->peer_line = parser->line;
		return true;
	}
	snprintf(message, sizeof(message),
		 "Unknown section %s: expected [Interface] or [Peer]", diag_quote(q, sizeof(q), line));
	return located_error(parser, parser->line, message);
}

/*
 * Whether the key (len bytes) is name, in any case; the length decides first, so each line
 * of a large file compares its key in full with one name only.
 */
#define KEY_IS(key, len, name) ((len) == sizeof(name) - 1 && !strcasecmp(key, name))

static bool interface_key(struct config_parser *parser, const char *key, size_t len,
			  const char *value, struct diag *d)
{
	struct wg_device *dev = parser->dev;

	if (KEY_IS(key, len, "PrivateKey")) {
		if (!parse_key(dev->private_key, value, d))
			return false;
		dev->flags |= DEVICE_HAS_PRIVATE_KEY;
	} else if (KEY_IS(key, len, "ListenPort")) {
		if (!parse_port(&dev->listen_port, value, d))
			return false;
		dev->flags |= DEVICE_HAS_LISTEN_PORT;
	} else if (KEY_IS(key, len, "FwMark")) {
		if (!parse_fwmark(&dev->fwmark, value, d))
			return false;
		dev->flags |= DEVICE_HAS_FWMARK;
	} else {
		char q[QUOTE_LEN];

		diag_error(d, "Unknown key %s in [Interface]: expected PrivateKey, ListenPort or "
			      "FwMark", diag_quote(q, sizeof(q), key));
		return false;
	}
	return true;
}

static bool peer_key(struct config_parser *parser, const char *key, size_t len, const char *value,
		     struct diag *d)
{
	struct wg_peer *peer = parser->peer;

	if (KEY_IS(key, len, "PublicKey")) {
		if (!parse_key(peer->public_key, value, d))
			return false;
		peer->flags |= PEER_HAS_PUBLIC_KEY;
	} else if (KEY_IS(key, len, "PresharedKey")) {
		if (!parse_key(peer->preshared_key, value, d))
			return false;
		peer->flags |= PEER_HAS_PRESHARED_KEY;
	} else if (KEY_IS(key, len, "AllowedIPs")) {
		/* every AllowedIPs line starts in replace mode; a `+' or `-' entry undoes that */
		peer->flags |= PEER_REPLACE_ALLOWEDIPS;
		return parse_allowedips(parser->dev, peer, value, d);
	} else if (KEY_IS(key, len, "Endpoint")) {
		return parse_endpoint(&peer->endpoint, value, parser->retries_env, d);
	} else if (KEY_IS(key, len, "PersistentKeepalive")) {
		if (!parse_keepalive(&peer->persistent_keepalive, value, d))
			return false;
		peer->flags |= PEER_HAS_PERSISTENT_KEEPALIVE;
	} else {
		char q[QUOTE_LEN];

		diag_error(d, "Unknown key %s in [Peer]: expected PublicKey, PresharedKey, "
			      "AllowedIPs, Endpoint or PersistentKeepalive", diag_quote(q, sizeof(q), key));
		return false;
	}
	return true;
}

/*
 * True when one of the eight bytes of word is below 0x21 (whitespace or another control
 * character) or a `#': a standard bit trick, exact for the question "any?".
 */
static inline bool has_special_byte(uint64_t word)
{
	const uint64_t ones = 0x0101010101010101ULL, high = ones * 0x80;
	uint64_t hashes = word ^ (ones * '#');

	return (((word - ones * 0x21) & ~word) | ((hashes - ones) & ~hashes)) & high;
}

/*
 * Drops the comment and every whitespace character, as the original format allows. Runs of
 * eight plain characters (most of a key) are copied whole.
 */
static size_t normalize_line(char *out, const char *line, size_t len)
{
	size_t n = 0, i = 0;

	while (i < len) {
		uint64_t word;

		if (i + sizeof(word) <= len) {
			memcpy(&word, line + i, sizeof(word));
			if (!has_special_byte(word)) {
				memcpy(out + n, &word, sizeof(word));
				n += sizeof(word);
				i += sizeof(word);
				continue;
			}
		}
		if (line[i] == '#')
			break;
		if (!is_space(line[i]))
			out[n++] = line[i];
		++i;
	}
	out[n] = '\0';
	return n;
}

/*
 * Lines are parsed in a buffer on the stack when they fit, so a file of 100,000 peers costs no
 * allocation per line; for the same reason the error buffer of `inner' is not zero-filled
 * (only its first byte is cleared: it is read only after a parser failed and wrote it).
 */
bool config_parse_line(struct config_parser *parser, const char *line, size_t len)
{
	struct diag inner;
	char short_line[256], *text, *value, q[QUOTE_LEN];
	bool ok;

	++parser->line;
	if (memchr(line, '\0', len))
		return located_error(parser, parser->line, "Line contains a NUL byte");
	text = len < sizeof(short_line) ? short_line : malloc(len + 1);
	if (!text)
		return located_error(parser, parser->line, "Out of memory");
	if (!normalize_line(text, line, len)) {
		if (text != short_line)
			free(text);
		return true;
	}
	inner.warn = located_warning;
	inner.ctx = parser;
	inner.error[0] = '\0';
	if (text[0] == '[') {
		ok = begin_section(parser, text, text);
		goto out;
	}
	value = strchr(text, '=');
	if (!value) {
		diag_error(&inner, "Line is neither a [Section] nor Key = Value: %s",
			   diag_quote(q, sizeof(q), text));
		ok = false;
	} else if (parser->section == SECTION_NONE) {
		diag_error(&inner, "Key %s appears before any [Interface] or [Peer] section",
			   diag_quote(q, sizeof(q), text));
		ok = false;
	} else if (!value[1]) {
		*value = '\0';
		diag_error(&inner, "Key %s has no value", diag_quote(q, sizeof(q), text));
		ok = false;
	} else {
		size_t key_len = (size_t)(value - text);

		*value++ = '\0';
		ok = parser->section == SECTION_INTERFACE ?
			     interface_key(parser, text, key_len, value, &inner) :
			     peer_key(parser, text, key_len, value, &inner);
	}
	if (!ok)
		located_error(parser, parser->line, inner.error);
out:
	memzero_explicit(text, len + 1);
	if (text != short_line)
		free(text);
	return ok;
}

struct wg_device *config_parser_finish(struct config_parser *parser)
{
	struct wg_device *dev;

	if (!finish_peer(parser)) {
		config_parser_free(parser);
		return NULL;
	}
	dev = parser->dev;
	parser->dev = NULL;
	return dev;
}

static struct wg_device *finish_or_fail(struct config_parser *parser, bool ok, struct diag *diag)
{
	struct wg_device *dev = ok ? config_parser_finish(parser) : NULL;

	if (!dev) {
		memcpy(diag->error, parser->diag.error, sizeof(diag->error));
		config_parser_free(parser);
	}
	return dev;
}

struct wg_device *config_parse_buffer(const char *filename, const char *text, size_t len,
				      struct diag *diag)
{
	struct config_parser parser;
	bool ok = true;

	if (!config_parser_init(&parser, filename)) {
		diag_error(diag, "Out of memory");
		return NULL;
	}
	parser.diag.warn = diag->warn;
	parser.diag.ctx = diag->ctx;
	while (ok && len) {
		const char *end = memchr(text, '\n', len);
		size_t line_len = end ? (size_t)(end - text) : len;

		ok = config_parse_line(&parser, text, line_len);
		text += line_len + !!end;
		len -= line_len + !!end;
	}
	return finish_or_fail(&parser, ok, diag);
}

/*
 * Doubles the read buffer for a line longer than it; the old one is wiped before it is freed.
 * NULL (and the buffer gone) when memory runs out, or past a terabyte, which no malloc gives.
 */
static char *grow_read_buffer(char *buf, size_t *cap)
{
	size_t old = *cap;
	char *bigger = old < CONFIG_READ_MAX ? malloc(old * 2) : NULL;

	if (bigger)
		memcpy(bigger, buf, old);
	memzero_explicit(buf, old < CONFIG_READ_MAX ? old : CONFIG_READ_MAX);
	free(buf);
	*cap = old * 2;
	return bigger;
}

/*
 * The file is read in large blocks and its lines are parsed where they lie in the buffer: no
 * stdio buffer, no copy per line and few system calls for a file of 100,000 peers. The text
 * left after the last whole line moves to the front for the next read.
 */
struct wg_device *config_read_file(const char *path, struct diag *diag)
{
	struct config_parser parser;
	size_t cap = CONFIG_READ_BLOCK, have = 0, done;
	char *buf, q[QUOTE_LEN];
	bool ok = true, eof = false;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		diag_error(diag, "Unable to open configuration file %s: %s",
			   diag_quote(q, sizeof(q), path), strerror(errno));
		return NULL;
	}
	buf = malloc(cap);
	if (!buf || !config_parser_init(&parser, path)) {
		free(buf);
		close(fd);
		diag_error(diag, "Out of memory");
		return NULL;
	}
	parser.diag.warn = diag->warn;
	parser.diag.ctx = diag->ctx;
	while (ok && !eof) {
		ssize_t n;

		if (have == cap && !(buf = grow_read_buffer(buf, &cap))) {
			ok = false;
			snprintf(parser.diag.error, sizeof(parser.diag.error), "Out of memory");
			break;
		}
		n = read_full(fd, buf + have, cap - have);
		if (n < 0) {
			ok = false;
			snprintf(parser.diag.error, sizeof(parser.diag.error),
				 "Unable to read configuration file %s: %s",
				 diag_quote(q, sizeof(q), path), strerror(errno));
			break;
		}
		eof = (size_t)n < cap - have;
		have += (size_t)n;
		for (done = 0; ok;) {
			const char *end = memchr(buf + done, '\n', have - done);

			if (!end) {
				/* the last line may lack its newline */
				if (eof && done < have) {
					ok = config_parse_line(&parser, buf + done, have - done);
					done = have;
				}
				break;
			}
			ok = config_parse_line(&parser, buf + done, (size_t)(end - (buf + done)));
			done = (size_t)(end - buf) + 1;
		}
		memmove(buf, buf + done, have - done);
		have -= done;
	}
	if (buf) {
		memzero_explicit(buf, cap);
		free(buf);
	}
	close(fd);
	return finish_or_fail(&parser, ok, diag);
}
