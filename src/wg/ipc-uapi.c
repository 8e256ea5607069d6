/* SPDX-License-Identifier: GPL-2.0-only */
/* ipc-uapi.c: the userspace backend: UAPI text over RUNSTATEDIR/wireguard/NAME.sock. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "curve25519.h"
#include "encoding.h"
#include "format.h"
#include "ipc.h"
#include "secret.h"
#include "uapi.h"
#include "values.h"

#define SOCKET_DIR RUNSTATEDIR "/wireguard"
#define SOCKET_SUFFIX ".sock"

/*
 * A daemon that stops talking must not hang wg: every wait for the socket gives up after this
 * many seconds without progress (-ETIMEDOUT). The environment variable WG_UAPI_TIMEOUT
 * overrides it with a positive whole number of seconds; any other value is ignored. A daemon
 * that trickles a byte now and then makes progress forever, so a whole exchange also ends
 * after TOTAL_TIMEOUT_FACTOR times that (5 minutes by default; a 65,536-peer set on
 * wireguard-go takes about 15 s here).
 */
#define DEFAULT_TIMEOUT_SECONDS 30
#define TOTAL_TIMEOUT_FACTOR 10

#define WRITE_CHUNK (64 * 1024) /* request text is sent in pieces of about this size */
#define LINE_ROOM 256		/* the longest line the formatter writes, with room to spare */

/* ---- Request formatting ---- */

void uapi_writer_release(struct uapi_writer *w)
{
	if (w->buf)
		memzero_explicit(w->buf, w->cap);
	free(w->buf);
	w->buf = NULL;
	w->len = w->cap = 0;
}

static int writer_flush(struct uapi_writer *w)
{
	int ret;

	if (!w->flush || !w->len)
		return 0;
	ret = w->flush(w->ctx, w->buf, w->len);
	memzero_explicit(w->buf, w->len);
	w->len = 0;
	return ret;
}

/* Makes room for `need' more bytes: flushes a full buffer, or grows one without a flush. */
static int writer_reserve(struct uapi_writer *w, size_t need)
{
	size_t cap;
	char *buf;
	int ret;

	if (w->cap - w->len >= need)
		return 0;
	if (w->flush && w->len) {
		ret = writer_flush(w);
		if (ret || w->cap >= need)
			return ret;
	}
	cap = w->cap ? w->cap : (w->flush ? WRITE_CHUNK : 4096);
	while (cap - w->len < need)
		cap *= 2;
	/* Not realloc: the old buffer holds key text and must be wiped, not just released. */
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	if (w->len)
		memcpy(buf, w->buf, w->len);
	uapi_writer_release(&(struct uapi_writer){ .buf = w->buf, .cap = w->cap });
	w->buf = buf;
	w->cap = cap;
	return 0;
}

static int __attribute__((format(printf, 2, 3))) put_line(struct uapi_writer *w,
							  const char *fmt, ...)
{
	va_list ap;
	int ret = writer_reserve(w, LINE_ROOM), n;

	if (ret)
		return ret;
	va_start(ap, fmt);
	n = vsnprintf(w->buf + w->len, LINE_ROOM, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= LINE_ROOM)
		return -EOVERFLOW;
	w->len += (size_t)n;
	return 0;
}

/* A line without formatting: the per-peer lines go this way, printf costs several times more. */
static int put_text(struct uapi_writer *w, const char *text, size_t len)
{
	int ret = writer_reserve(w, len);

	if (ret)
		return ret;
	memcpy(w->buf + w->len, text, len);
	w->len += len;
	return 0;
}

#define put_literal(w, text) put_text(w, text, sizeof(text) - 1)

static int put_number(struct uapi_writer *w, const char *name, uint64_t value)
{
	char line[LINE_ROOM], *p = stpcpy(line, name);

	*p++ = '=';
	p += format_u64(p, value);
	*p++ = '\n';
	return put_text(w, line, (size_t)(p - line));
}

/* Hex-encodes the key straight into the buffer, so no other copy of it is left behind. */
static int put_key(struct uapi_writer *w, const char *name, const uint8_t key[WG_KEY_LEN])
{
	int ret = writer_reserve(w, strlen(name) + WG_KEY_LEN_HEX + 2);

	if (ret)
		return ret;
	w->len = (size_t)(stpcpy(w->buf + w->len, name) - w->buf);
	w->buf[w->len++] = '=';
	key_to_hex(w->buf + w->len, key);
	w->len += WG_KEY_LEN_HEX;
	w->buf[w->len++] = '\n';
	return 0;
}

static int put_endpoint(struct uapi_writer *w, const union wg_endpoint *ep)
{
	char line[LINE_ROOM], *p = stpcpy(line, "endpoint=");
	size_t len;

	if (ep->addr.sa_family != AF_INET && ep->addr.sa_family != AF_INET6)
		return 0;
	len = format_endpoint(p, ep);
	if (!len)
		return -EINVAL;
	p += len;
	*p++ = '\n';
	return put_text(w, line, (size_t)(p - line));
}

static int put_allowedip(struct uapi_writer *w, const struct wg_allowedip *aip)
{
	char line[LINE_ROOM], *p = stpcpy(line, "allowed_ip=");

	if (aip->family != AF_INET && aip->family != AF_INET6)
		return -EAFNOSUPPORT;
	if (aip->flags & ALLOWEDIP_REMOVE_ME)
		*p++ = '-';
	p += format_address(p, aip->family, &aip->ip6);
	*p++ = '/';
	p += format_u64(p, aip->cidr);
	*p++ = '\n';
	return put_text(w, line, (size_t)(p - line));
}

static int put_device(struct uapi_writer *w, const struct wg_device *dev)
{
	int ret = put_line(w, "set=1\n");

	if (!ret && dev->flags & DEVICE_HAS_PRIVATE_KEY)
		ret = put_key(w, "private_key", dev->private_key);
	if (!ret && dev->flags & DEVICE_HAS_LISTEN_PORT)
		ret = put_line(w, "listen_port=%u\n", dev->listen_port);
	if (!ret && dev->flags & DEVICE_HAS_FWMARK)
		ret = put_line(w, "fwmark=%u\n", dev->fwmark);
	if (!ret && dev->flags & DEVICE_REPLACE_PEERS)
		ret = put_line(w, "replace_peers=true\n");
	return ret;
}

/*
 * update_only follows public_key at once: wireguard-go creates a missing peer when it reads
 * the key and drops it again at update_only, so nothing else should be applied in between.
 */
static int put_peer(struct uapi_writer *w, const struct wg_peer *peer)
{
	int ret = put_key(w, "public_key", peer->public_key);

	if (ret)
		return ret;
	if (peer->flags & PEER_REMOVE_ME)
		return put_literal(w, "remove=true\n");
	if (peer->flags & PEER_UPDATE_ONLY)
		ret = put_literal(w, "update_only=true\n");
	if (!ret && peer->flags & PEER_HAS_PRESHARED_KEY)
		ret = put_key(w, "preshared_key", peer->preshared_key);
	if (!ret)
		ret = put_endpoint(w, &peer->endpoint);
	if (!ret && peer->flags & PEER_HAS_PERSISTENT_KEEPALIVE)
		ret = put_number(w, "persistent_keepalive_interval", peer->persistent_keepalive);
	if (!ret && peer->flags & PEER_REPLACE_ALLOWEDIPS)
		ret = put_literal(w, "replace_allowed_ips=true\n");
	for (const struct wg_allowedip *aip = peer->first_allowedip; aip && !ret; aip = aip->next)
		ret = put_allowedip(w, aip);
	return ret;
}

int uapi_format_set(struct uapi_writer *w, const struct wg_device *dev)
{
	int ret = put_device(w, dev);

	for (const struct wg_peer *peer = dev->first_peer; peer && !ret; peer = peer->next)
		ret = put_peer(w, peer);
	if (!ret)
		ret = put_line(w, "\n");
	if (!ret)
		ret = writer_flush(w);
	return ret;
}

/* ---- Reply parsing ---- */

/*
 * Replies are read through a fixed buffer, split into lines in place. `fill' supplies more
 * bytes: a count, 0 at the end of the reply, or a negative errno.
 */
struct reply_reader {
	int (*fill)(void *ctx, char *buf, size_t len); /* len fits an int */
	void *ctx;
	size_t start, end, total;
	char buf[4 * UAPI_MAX_LINE];
};

/* The next line, newline replaced by a NUL; its length excludes the NUL. */
static int read_line(struct reply_reader *r, char **line, size_t *len)
{
	for (;;) {
		char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
		int n;

		if (nl && nl - (r->buf + r->start) > UAPI_MAX_LINE)
			return -EPROTO;
		if (nl) {
			*nl = '\0';
			*line = r->buf + r->start;
			*len = (size_t)(nl - *line);
			r->start = (size_t)(nl + 1 - r->buf);
			return 0;
		}
		if (r->end - r->start > UAPI_MAX_LINE)
			return -EPROTO;
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
		n = r->fill(r->ctx, r->buf + r->end, sizeof(r->buf) - r->end);
		if (n < 0)
			return n;
		if (!n)
			return -EPROTO; /* the reply ended without its blank line */
		r->total += (size_t)n;
		if (r->total > UAPI_MAX_REPLY)
			return -EPROTO;
		r->end += (size_t)n;
	}
}

/* Daemons send errno=-N; errno=N is taken to mean the same error. */
static int parse_errno(const char *value, int *err)
{
	uint64_t n;

	if (!u64_from_text(&n, value + (*value == '-'), INT_MAX))
		return -EPROTO;
	*err = -(int)n;
	return 0;
}

/*
 * A reply key is matched against a dozen names on each of its lines: looking at the first
 * character before calling strcmp saves most of the calls for 100,000 peers.
 */
static inline bool key_is(const char *key, const char *name)
{
	return key[0] == name[0] && !strcmp(key, name);
}

/* What a get reply is building: the device, and the peer its lines currently describe. */
struct get_state {
	struct wg_device *dev;
	struct wg_peer *peer;
};

/* A key, or a number of 2, 4 or 8 bytes, stored at an offset in a device or a peer. */
struct field {
	const char *name;
	size_t offset, size; /* size 0: a key */
	uint64_t max;
	uint32_t flag; /* set when the field is present (for keys: present and not all zero) */
};

#define KEY_FIELD(type, name, member, flag) { name, offsetof(type, member), 0, 0, flag }
#define NUMBER_FIELD(type, name, member, max, flag) \
	{ name, offsetof(type, member), sizeof(((type *)0)->member), max, flag }

static const struct field device_fields[] = {
	KEY_FIELD(struct wg_device, "private_key", private_key, DEVICE_HAS_PRIVATE_KEY),
	NUMBER_FIELD(struct wg_device, "listen_port", listen_port, 65535, DEVICE_HAS_LISTEN_PORT),
	NUMBER_FIELD(struct wg_device, "fwmark", fwmark, UINT32_MAX, DEVICE_HAS_FWMARK),
	{ 0 }
};

static const struct field peer_fields[] = {
	KEY_FIELD(struct wg_peer, "preshared_key", preshared_key, PEER_HAS_PRESHARED_KEY),
	NUMBER_FIELD(struct wg_peer, "persistent_keepalive_interval", persistent_keepalive, 65535,
		     PEER_HAS_PERSISTENT_KEEPALIVE),
	NUMBER_FIELD(struct wg_peer, "last_handshake_time_sec", last_handshake.sec, INT64_MAX, 0),
	NUMBER_FIELD(struct wg_peer, "last_handshake_time_nsec", last_handshake.nsec, 999999999, 0),
	NUMBER_FIELD(struct wg_peer, "rx_bytes", rx_bytes, UINT64_MAX, 0),
	NUMBER_FIELD(struct wg_peer, "tx_bytes", tx_bytes, UINT64_MAX, 0),
	{ 0 }
};

/* Stores the field called key, if the table has one; unknown names are left alone. */
static int parse_field(const struct field *fields, void *base, uint32_t *flags, const char *key,
		       const char *value)
{
	const struct field *f = fields;
	unsigned char *at;
	uint64_t num;

	while (f->name && !key_is(key, f->name))
		++f;
	if (!f->name)
		return 0;
	at = (unsigned char *)base + f->offset;
	if (!f->size) {
		if (!key_from_hex(at, value))
			return -EPROTO;
		if (!key_is_zero(at))
			*flags |= f->flag;
		return 0;
	}
	if (!u64_from_text(&num, value, f->max))
		return -EPROTO;
	if (f->size == sizeof(uint16_t))
		*(uint16_t *)at = (uint16_t)num;
	else if (f->size == sizeof(uint32_t))
		*(uint32_t *)at = (uint32_t)num;
	else
		memcpy(at, &num, sizeof(num)); /* uint64_t, or int64_t with max INT64_MAX */
	*flags |= f->flag;
	return 0;
}

static int parse_peer_line(struct get_state *s, const char *key, char *value)
{
	struct wg_allowedip *aip;

	if (key_is(key, "endpoint"))
		return endpoint_from_reply(&s->peer->endpoint, value) ? 0 : -EPROTO;
	if (key_is(key, "allowed_ip")) {
		aip = peer_add_allowedip(s->dev, s->peer);
		if (!aip)
			return -ENOMEM;
		return allowedip_from_reply(aip, value) ? 0 : -EPROTO;
	}
	return parse_field(peer_fields, s->peer, &s->peer->flags, key, value);
}

/* Device keys count only before the first public_key; unknown keys are skipped. */
static int parse_get_line(void *ctx, const char *key, char *value)
{
	struct get_state *s = ctx;

	if (key_is(key, "public_key")) {
		s->peer = device_add_peer(s->dev);
		if (!s->peer)
			return -ENOMEM;
		s->peer->flags |= PEER_HAS_PUBLIC_KEY;
		return key_from_hex(s->peer->public_key, value) ? 0 : -EPROTO;
	}
	if (!s->peer)
		return parse_field(device_fields, s->dev, &s->dev->flags, key, value);
	return parse_peer_line(s, key, value);
}

/*
 * Reads key=value lines up to the blank line that ends a reply, hands each to `line' (NULL
 * ignores them) and returns the daemon's errno as -N. A reply that never states its errno
 * is fine for get (the device text speaks for itself) but not for set.
 */
static int read_reply(struct reply_reader *r, int (*line)(void *ctx, const char *key, char *value),
		      void *ctx, bool need_errno)
{
	bool have_errno = false;
	char *text, *eq;
	size_t len;
	int ret, err;

	for (;;) {
		ret = read_line(r, &text, &len);
		if (ret)
			return ret;
		if (!len)
			break;
		eq = strchr(text, '=');
		if (!eq || eq == text || strlen(text) != len) /* no key, or a NUL inside */
			return -EPROTO;
		*eq = '\0';
		if (key_is(text, "errno")) {
			ret = parse_errno(eq + 1, &err);
			if (ret || err)
				return ret ? ret : err;
			have_errno = true;
		} else if (line) {
			ret = line(ctx, text, eq + 1);
			if (ret)
				return ret;
		}
	}
	return need_errno && !have_errno ? -EPROTO : 0;
}

static int read_get_reply(struct reply_reader *r, struct wg_device **out)
{
	struct get_state s = { .dev = device_new() };
	int ret;

	if (!s.dev)
		return -ENOMEM;
	ret = read_reply(r, parse_get_line, &s, false);
	if (ret) {
		device_free(s.dev);
		return ret;
	}
	if (s.dev->flags & DEVICE_HAS_PRIVATE_KEY) {
		curve25519_generate_public(s.dev->public_key, s.dev->private_key);
		s.dev->flags |= DEVICE_HAS_PUBLIC_KEY;
	}
	*out = s.dev;
	return 0;
}

struct memory_source {
	const char *data;
	size_t len;
};

static int memory_fill(void *ctx, char *buf, size_t len)
{
	struct memory_source *src = ctx;

	if (len > src->len)
		len = src->len;
	memcpy(buf, src->data, len);
	src->data += len;
	src->len -= len;
	return (int)len;
}

static struct reply_reader *reader_new(int (*fill)(void *, char *, size_t), void *ctx)
{
	struct reply_reader *r = malloc(sizeof(*r));

	if (r) {
		r->fill = fill;
		r->ctx = ctx;
		r->start = r->end = r->total = 0;
	}
	return r;
}

static void reader_free(struct reply_reader *r)
{
	if (!r)
		return;
	memzero_explicit(r, sizeof(*r));
	free(r);
}

int uapi_parse_get_reply(struct wg_device **dev, const char *reply, size_t len)
{
	struct memory_source src = { reply, len };
	struct reply_reader *r = reader_new(memory_fill, &src);
	int ret;

	if (!r)
		return -ENOMEM;
	ret = read_get_reply(r, dev);
	reader_free(r);
	return ret;
}

int uapi_parse_set_reply(const char *reply, size_t len)
{
	struct memory_source src = { reply, len };
	struct reply_reader *r = reader_new(memory_fill, &src);
	int ret;

	if (!r)
		return -ENOMEM;
	ret = read_reply(r, NULL, NULL, true);
	reader_free(r);
	return ret;
}

/* ---- The socket ---- */

static bool valid_name(const char *ifname)
{
	size_t len = strnlen(ifname, IFNAMSIZ);

	return len && len < IFNAMSIZ && !strchr(ifname, '/');
}

#define CONNECT_RETRY_MS 10

/*
 * Connects to the interface's socket: a descriptor, or a negative errno. *live tells whether a
 * daemon is there: the file is a socket and connect did not say ECONNREFUSED (EACCES, say,
 * still means someone listens). A refused socket is stale and is deleted. The socket is
 * non-blocking, so a daemon that stopped accepting (its backlog full) gives EAGAIN: that is
 * retried for up to wait_ms, then -ETIMEDOUT.
 */
static int uapi_connect(const char *ifname, bool *live, int wait_ms)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, ret;

	*live = false;
	if (!valid_name(ifname))
		return -EINVAL;
	ret = snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/%s%s", SOCKET_DIR, ifname,
		       SOCKET_SUFFIX);
	if (ret < 0 || (size_t)ret >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	if (stat(addr.sun_path, &st) < 0)
		return -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EBADF;
	*live = true;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	for (int waited = 0;; waited += CONNECT_RETRY_MS) {
		if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
			return fd;
		ret = -errno;
		if (ret != -EAGAIN)
			break;
		if (waited >= wait_ms) {
			ret = -ETIMEDOUT;
			break;
		}
		poll(NULL, 0, CONNECT_RETRY_MS);
	}
	close(fd);
	if (ret == -ECONNREFUSED) {
		*live = false;
		unlink(addr.sun_path);
	}
	return ret;
}

static int timeout_ms(void)
{
	const char *env = getenv("WG_UAPI_TIMEOUT");
	uint64_t seconds;

	if (!env || !u64_from_text(&seconds, env, INT_MAX / 1000) || !seconds)
		seconds = DEFAULT_TIMEOUT_SECONDS;
	return (int)seconds * 1000;
}

struct connection {
	int fd;
	int timeout_ms;
	int64_t deadline_ms; /* CLOCK_MONOTONIC */
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Waits until the socket is ready for `events': at most timeout_ms since the last progress, and
 * never past the deadline of the whole exchange.
 */
static int wait_for(const struct connection *c, short events)
{
	struct pollfd pfd = { .fd = c->fd, .events = events };
	int64_t left = c->deadline_ms - now_ms();
	int n;

	if (left <= 0)
		return -ETIMEDOUT;
	n = poll(&pfd, 1, left < c->timeout_ms ? (int)left : c->timeout_ms);

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	return n ? 0 : -ETIMEDOUT;
}

/* MSG_NOSIGNAL: a daemon that hangs up early yields -EPIPE, not a SIGPIPE that kills wg. */
static int send_all(void *ctx, const char *data, size_t len)
{
	const struct connection *c = ctx;
	ssize_t n;
	int ret;

	while (len) {
		n = send(c->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n >= 0) {
			data += n;
			len -= (size_t)n;
			continue;
		}
		if (errno == ECONNRESET)
			return -EPIPE;
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		ret = wait_for(c, POLLOUT);
		if (ret)
			return ret;
	}
	return 0;
}

static int socket_fill(void *ctx, char *buf, size_t len)
{
	const struct connection *c = ctx;
	ssize_t n;
	int ret;

	for (;;) {
		n = recv(c->fd, buf, len, MSG_DONTWAIT);
		if (n >= 0)
			return (int)n;
		if (errno == ECONNRESET)
			return 0;
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		ret = wait_for(c, POLLIN);
		if (ret)
			return ret;
	}
}

static bool uapi_serves(const char *ifname)
{
	bool live;
	int fd = uapi_connect(ifname, &live, 0);

	if (fd >= 0)
		close(fd);
	return live;
}

static int uapi_list(struct name_list *names)
{
	const size_t suffix_len = strlen(SOCKET_SUFFIX);
	char name[IFNAMSIZ];
	struct dirent *ent;
	int ret = 0;
	DIR *dir = opendir(SOCKET_DIR);

	if (!dir)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	for (;;) {
		size_t len;

		errno = 0;
		ent = readdir(dir);
		if (!ent) {
			ret = -errno;
			break;
		}
		len = strlen(ent->d_name);
		if (len <= suffix_len || len - suffix_len >= sizeof(name) ||
		    strcmp(ent->d_name + len - suffix_len, SOCKET_SUFFIX))
			continue;
		memcpy(name, ent->d_name, len - suffix_len);
		name[len - suffix_len] = '\0';
		if (!uapi_serves(name))
			continue;
		ret = name_list_add(names, name);
		if (ret)
			break;
	}
	closedir(dir);
	return ret;
}

/*
 * A daemon that rejects a line may answer and hang up before reading the rest, so a failed
 * send is followed by reading that answer: its errno says more than EPIPE. A daemon that hangs
 * up without answering gets -EPROTO whether or not our send noticed first.
 */
static int exchange(const char *ifname, const struct wg_device *change, struct wg_device **dev)
{
	static const char get_request[] = "get=1\n\n";
	struct connection c = { .timeout_ms = timeout_ms() };
	struct uapi_writer w = { .flush = send_all, .ctx = &c };
	struct reply_reader *r = NULL;
	bool live;
	int sent, ret;

	c.deadline_ms = now_ms() + (int64_t)c.timeout_ms * TOTAL_TIMEOUT_FACTOR;
	c.fd = uapi_connect(ifname, &live, c.timeout_ms);
	if (c.fd < 0)
		return c.fd;
	if (change)
		sent = uapi_format_set(&w, change);
	else
		sent = send_all(&c, get_request, sizeof(get_request) - 1);
	uapi_writer_release(&w);
	ret = sent;
	if (sent && sent != -EPIPE)
		goto out;
	r = reader_new(socket_fill, &c);
	if (!r)
		ret = -ENOMEM;
	else if (change)
		ret = read_reply(r, NULL, NULL, true);
	else
		ret = read_get_reply(r, dev);
	if (!ret && sent) {
		if (dev) {
			device_free(*dev);
			*dev = NULL;
		}
		ret = sent;
	}
out:
	reader_free(r);
	close(c.fd);
	return ret;
}

static int uapi_get(struct wg_device **dev, const char *ifname)
{
	int ret = exchange(ifname, NULL, dev);

	if (!ret)
		snprintf((*dev)->name, sizeof((*dev)->name), "%s", ifname);
	return ret;
}

static int uapi_set(const struct wg_device *dev)
{
	return exchange(dev->name, dev, NULL);
}

/* wireguard-go rejects allowed_ip=-…; ipc.c then rewrites the peer's whole list instead. */
static bool uapi_supports_allowedip_removal(const char *ifname)
{
	(void)ifname;
	return false;
}

const struct wg_backend backend_uapi = {
	.name = "uapi",
	.serves = uapi_serves,
	.list = uapi_list,
	.get = uapi_get,
	.set = uapi_set,
	.supports_allowedip_removal = uapi_supports_allowedip_removal,
};
