/* SPDX-License-Identifier: GPL-2.0-only */
/* uapi-driver.c: a throwaway test driver calling backend_uapi directly, until `wg' can. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encoding.h"
#include "ipc.h"

/*
 *   uapi-driver list                print the interfaces, one a line
 *   uapi-driver serves IF           exit 0 if the backend serves IF, else 1
 *   uapi-driver get IF              print IF in `wg showconf' form
 *   uapi-driver pubkey IF           print the derived public key
 *   uapi-driver stats IF            per peer: key, handshake seconds, rx bytes, tx bytes
 *   uapi-driver set IF [private-key B64] [listen-port N] [fwmark N] [replace-peers]
 *       [peer B64 [remove] [update-only] [preshared-key B64] [endpoint IP:PORT]
 *        [persistent-keepalive N] [replace-allowed-ips] [allowed-ips [-]IP/CIDR,...]]...
 * Errors: one line naming the step and strerror, exit 1.
 */

static int usage(void)
{
	fprintf(stderr, "usage: uapi-driver list|serves IF|get IF|pubkey IF|stats IF|set IF ...\n");
	return 2;
}

static int fail(const char *what, int ret)
{
	fprintf(stderr, "uapi-driver: %s: %s\n", what, strerror(-ret));
	return 1;
}

static void print_key(const char *label, const uint8_t key[WG_KEY_LEN])
{
	char b64[WG_KEY_LEN_BASE64 + 1];

	key_to_base64(b64, key);
	printf("%s%s\n", label, b64);
}

static void print_endpoint(const union wg_endpoint *ep)
{
	char host[NI_MAXHOST], port[NI_MAXSERV];
	socklen_t len = ep->addr.sa_family == AF_INET6 ? sizeof(ep->addr6) : sizeof(ep->addr4);

	if (getnameinfo(&ep->addr, len, host, sizeof(host), port, sizeof(port),
			NI_NUMERICHOST | NI_NUMERICSERV | NI_DGRAM))
		return;
	if (ep->addr.sa_family == AF_INET6)
		printf("Endpoint = [%s]:%s\n", host, port);
	else
		printf("Endpoint = %s:%s\n", host, port);
}

static void print_showconf(const struct wg_device *dev)
{
	printf("[Interface]\n");
	if (dev->listen_port)
		printf("ListenPort = %u\n", dev->listen_port);
	if (dev->fwmark)
		printf("FwMark = 0x%x\n", dev->fwmark);
	if (dev->flags & DEVICE_HAS_PRIVATE_KEY)
		print_key("PrivateKey = ", dev->private_key);
	printf("\n");
	for_each_peer(dev, peer) {
		char ip[INET6_ADDRSTRLEN];

		printf("[Peer]\n");
		print_key("PublicKey = ", peer->public_key);
		if (peer->flags & PEER_HAS_PRESHARED_KEY)
			print_key("PresharedKey = ", peer->preshared_key);
		if (peer->first_allowedip)
			printf("AllowedIPs = ");
		for_each_allowedip(peer, a)
			printf("%s/%u%s", inet_ntop(a->family, &a->ip6, ip, sizeof(ip)), a->cidr,
			       a->next ? ", " : "\n");
		if (peer->endpoint.addr.sa_family == AF_INET ||
		    peer->endpoint.addr.sa_family == AF_INET6)
			print_endpoint(&peer->endpoint);
		if (peer->persistent_keepalive)
			printf("PersistentKeepalive = %u\n", peer->persistent_keepalive);
		if (peer->next)
			printf("\n");
	}
}

static int read_key(uint8_t key[WG_KEY_LEN], const char *text)
{
	return key_from_base64(key, text) ? 0 : -EINVAL;
}

static int read_endpoint(union wg_endpoint *ep, const char *text)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
				  .ai_socktype = SOCK_DGRAM };
	char host[256], *port;
	struct addrinfo *res;

	snprintf(host, sizeof(host), "%s", text[0] == '[' ? text + 1 : text);
	port = strrchr(host, ':');
	if (!port)
		return -EINVAL;
	*port++ = '\0';
	if (text[0] == '[') {
		if (port - host < 2 || port[-2] != ']')
			return -EINVAL;
		port[-2] = '\0';
	}
	if (getaddrinfo(host, port, &hints, &res))
		return -EINVAL;
	memcpy(ep, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return 0;
}

static int read_allowedips(struct wg_device *dev, struct wg_peer *peer, const char *text)
{
	char *list = strdup(text), *save = NULL;

	for (char *item = strtok_r(list, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		struct wg_allowedip *a = peer_add_allowedip(dev, peer);
		char *slash = strchr(item, '/');

		if (!a || !slash)
			goto bad;
		if (*item == '-') {
			a->flags |= ALLOWEDIP_REMOVE_ME;
			++item;
		}
		*slash = '\0';
		a->family = strchr(item, ':') ? AF_INET6 : AF_INET;
		a->cidr = (uint8_t)atoi(slash + 1);
		if (inet_pton(a->family, item, &a->ip6) != 1)
			goto bad;
	}
	free(list);
	return 0;
bad:
	free(list);
	return -EINVAL;
}

static int device_option(struct wg_device *dev, const char *opt, const char *val)
{
	if (!strcmp(opt, "private-key")) {
		dev->flags |= DEVICE_HAS_PRIVATE_KEY;
		return read_key(dev->private_key, val);
	}
	if (!strcmp(opt, "listen-port")) {
		dev->flags |= DEVICE_HAS_LISTEN_PORT;
		dev->listen_port = (uint16_t)atoi(val);
		return 0;
	}
	if (!strcmp(opt, "fwmark")) {
		dev->flags |= DEVICE_HAS_FWMARK;
		dev->fwmark = (uint32_t)strtoul(val, NULL, 0);
		return 0;
	}
	return -EINVAL;
}

static int peer_option(struct wg_device *dev, struct wg_peer *peer, const char *opt,
		       const char *val)
{
	if (!strcmp(opt, "preshared-key")) {
		peer->flags |= PEER_HAS_PRESHARED_KEY;
		return read_key(peer->preshared_key, val);
	}
	if (!strcmp(opt, "endpoint"))
		return read_endpoint(&peer->endpoint, val);
	if (!strcmp(opt, "persistent-keepalive")) {
		peer->flags |= PEER_HAS_PERSISTENT_KEEPALIVE;
		peer->persistent_keepalive = (uint16_t)atoi(val);
		return 0;
	}
	if (!strcmp(opt, "allowed-ips"))
		return read_allowedips(dev, peer, val);
	return -EINVAL;
}

/* Words without a value first, then `option value' pairs for the device or the last peer. */
static int read_options(struct wg_device *dev, int argc, char *argv[])
{
	struct wg_peer *peer = NULL;
	int ret = 0;

	for (int i = 3; i < argc && !ret; ++i) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(opt, "replace-peers")) {
			dev->flags |= DEVICE_REPLACE_PEERS;
		} else if (peer && !strcmp(opt, "remove")) {
			peer->flags |= PEER_REMOVE_ME;
		} else if (peer && !strcmp(opt, "update-only")) {
			peer->flags |= PEER_UPDATE_ONLY;
		} else if (peer && !strcmp(opt, "replace-allowed-ips")) {
			peer->flags |= PEER_REPLACE_ALLOWEDIPS;
		} else if (!val) {
			ret = -EINVAL;
		} else if (!strcmp(opt, "peer")) {
			peer = device_add_peer(dev);
			peer->flags |= PEER_HAS_PUBLIC_KEY;
			ret = read_key(peer->public_key, argv[++i]);
		} else {
			++i;
			ret = peer ? peer_option(dev, peer, opt, val)
				   : device_option(dev, opt, val);
		}
		if (ret)
			fprintf(stderr, "uapi-driver: bad option `%s'\n", opt);
	}
	return ret;
}

static int do_set(int argc, char *argv[])
{
	struct wg_device *dev = device_new();
	int ret;

	snprintf(dev->name, sizeof(dev->name), "%s", argv[2]);
	ret = read_options(dev, argc, argv);
	if (!ret) {
		ret = backend_uapi.set(dev);
		if (ret)
			fail("set", ret);
	}
	device_free(dev);
	return ret ? 1 : 0;
}

static int do_list(void)
{
	struct name_list names = { 0 };
	int ret = backend_uapi.list(&names);

	if (ret)
		return fail("list", ret);
	for (size_t i = 0; i < names.len; ++i)
		printf("%s\n", names.names[i]);
	name_list_free(&names);
	return 0;
}

static int do_get(const char *cmd, const char *ifname)
{
	struct wg_device *dev = NULL;
	int ret = backend_uapi.get(&dev, ifname);

	if (ret)
		return fail("get", ret);
	if (strcmp(dev->name, ifname))
		fprintf(stderr, "uapi-driver: get named the device `%s'\n", dev->name);
	if (!strcmp(cmd, "get")) {
		print_showconf(dev);
	} else if (!strcmp(cmd, "pubkey")) {
		print_key("", dev->public_key);
	} else {
		for_each_peer(dev, peer) {
			char b64[WG_KEY_LEN_BASE64 + 1];

			key_to_base64(b64, peer->public_key);
			printf("%s %lld %llu %llu\n", b64, (long long)peer->last_handshake.sec,
			       (unsigned long long)peer->rx_bytes,
			       (unsigned long long)peer->tx_bytes);
		}
	}
	device_free(dev);
	return 0;
}

int main(int argc, char *argv[])
{
	if (argc == 2 && !strcmp(argv[1], "list"))
		return do_list();
	if (argc == 3 && !strcmp(argv[1], "serves"))
		return backend_uapi.serves(argv[2]) ? 0 : 1;
	if (argc == 3 && (!strcmp(argv[1], "get") || !strcmp(argv[1], "pubkey") ||
			  !strcmp(argv[1], "stats")))
		return do_get(argv[1], argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "set"))
		return do_set(argc, argv);
	return usage();
}
