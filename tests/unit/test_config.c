/* SPDX-License-Identifier: GPL-2.0-only */
/* test_config.c: the configuration parser, one case per accepting and rejecting rule, and the
 * showconf serializer's round trip. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "print.h"
#include "test.h"

#define PRIV "8NXkEH/8zakk9+2PtBYRcAOJWerIpb9LiFZv3LcjqGQ="
#define PUB1 "c9YqnZBOqMadjxzYc5SwBt6JyWxPHyPrbFJnkx45bkU="
#define PUB2 "WjfflItoFH9AOsv8nvXVBrI3DMq+JJtMETOnqEsP72I="
#define PSK "1znipBgdZ2vyQSpl5hg/0wKBs5GpSvc51+55Z3qJQUk="

static char warnings[4096];

static void collect_warning(struct diag *diag, const char *message)
{
	(void)diag;
	strncat(warnings, message, sizeof(warnings) - strlen(warnings) - 2);
	strcat(warnings, "\n");
}

/* Parses text and renders it as showconf would; NULL and the error in err on failure. */
static char *parse_to_conf(const char *text, char *err, size_t errlen)
{
	struct diag diag = { .warn = collect_warning };
	struct print_opts opts = { 0 };
	struct wg_device *dev;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	dev = config_parse_buffer("t.conf", text, strlen(text), &diag);
	if (!dev) {
		snprintf(err, errlen, "%s", diag.error);
		return NULL;
	}
	f = open_memstream(&out, &len);
	print_device(f, dev, VIEW_CONF, &opts, true);
	fclose(f);
	device_free(dev);
	return out;
}

static const struct {
	const char *name, *text, *conf;
} accepts[] = {
	{ "empty file", "", "[Interface]\n\n" },
	{ "comments and blank lines", "# hello\n\n   \n[Interface] # trailing\n# x\n",
	  "[Interface]\n\n" },
	{ "private key", "[Interface]\nPrivateKey = " PRIV "\n",
	  "[Interface]\nPrivateKey = " PRIV "\n\n" },
	{ "listen port", "[Interface]\nListenPort = 51820\n", "[Interface]\nListenPort = 51820\n\n" },
	{ "listen port 0 is random", "[Interface]\nListenPort = 0\n", "[Interface]\n\n" },
	{ "listen port 65535", "[Interface]\nListenPort = 65535\n",
	  "[Interface]\nListenPort = 65535\n\n" },
	/* the original's resolver reads ports with strtoul, which takes one `+' */
	{ "listen port with a plus", "[Interface]\nListenPort = +5\n",
	  "[Interface]\nListenPort = 5\n\n" },
	{ "listen port with a plus and zeros", "[Interface]\nListenPort = +0065535\n",
	  "[Interface]\nListenPort = 65535\n\n" },
	{ "endpoint port with a plus", "[Peer]\nPublicKey = " PUB1 "\nEndpoint = [2001:db8::1]:+7\n",
	  "[Interface]\n\n[Peer]\nPublicKey = " PUB1 "\nEndpoint = [2001:db8::1]:7\n" },
	{ "fwmark decimal", "[Interface]\nFwMark = 4660\n", "[Interface]\nFwMark = 0x1234\n\n" },
	{ "fwmark hex", "[Interface]\nFwMark = 0x1234\n", "[Interface]\nFwMark = 0x1234\n\n" },
	{ "fwmark leading zero stays decimal", "[Interface]\nFwMark = 010\n",
	  "[Interface]\nFwMark = 0xa\n\n" },
	{ "fwmark off", "[Interface]\nFwMark = off\n", "[Interface]\n\n" },
	{ "fwmark OFF any case", "[Interface]\nFwMark = OfF\n", "[Interface]\n\n" },
	{ "fwmark max", "[Interface]\nFwMark = 0xffffffff\n",
	  "[Interface]\nFwMark = 0xffffffff\n\n" },
	{ "keys are case-insensitive", "[interface]\nprivatekey=" PRIV "\nLISTENPORT=1\n",
	  "[Interface]\nListenPort = 1\nPrivateKey = " PRIV "\n\n" },
	{ "whitespace anywhere", "[ Inter face ]\n Listen Port = 5 1 8\n",
	  "[Interface]\nListenPort = 518\n\n" },
	{ "CRLF line ends", "[Interface]\r\nListenPort = 7\r\n", "[Interface]\nListenPort = 7\n\n" },
	{ "last line without newline", "[Interface]\nListenPort = 7",
	  "[Interface]\nListenPort = 7\n\n" },
	{ "interface twice, later wins", "[Interface]\nListenPort = 1\n[Interface]\nListenPort = 2\n",
	  "[Interface]\nListenPort = 2\n\n" },
	{ "repeated key, last wins", "[Interface]\nListenPort = 1\nListenPort = 3\n",
	  "[Interface]\nListenPort = 3\n\n" },
	{ "peer with everything",
	  "[Peer]\nPublicKey = " PUB1 "\nPresharedKey = " PSK "\nAllowedIPs = 10.0.0.0/24\n"
	  "Endpoint = 192.0.2.1:51820\nPersistentKeepalive = 25\n",
	  "[Interface]\n\n[Peer]\nPublicKey = " PUB1 "\nPresharedKey = " PSK
	  "\nAllowedIPs = 10.0.0.0/24\nEndpoint = 192.0.2.1:51820\nPersistentKeepalive = 25\n" },
	{ "allowed ips comma list and repeated lines",
	  "[Peer]\nPublicKey = " PUB1 "\nAllowedIPs = 10.0.0.0/8, fd00::/64\nAllowedIPs = 192.168.1.1\n",
	  "[Interface]\n\n[Peer]\nPublicKey = " PUB1
	  "\nAllowedIPs = 10.0.0.0/8, fd00::/64, 192.168.1.1/32\n" },
	{ "bare IPv6 address is /128", "[Peer]\nPublicKey = " PUB1 "\nAllowedIPs = fd00::1\n",
	  "[Interface]\n\n[Peer]\nPublicKey = " PUB1 "\nAllowedIPs = fd00::1/128\n" },
	{ "default routes", "[Peer]\nPublicKey = " PUB1 "\nAllowedIPs = 0.0.0.0/0, ::/0\n",
	  "[Interface]\n\n[Peer]\nPublicKey = " PUB1 "\nAllowedIPs = 0.0.0.0/0, ::/0\n" },
	{ "host bits are masked", "[Peer]\nPublicKey = " PUB1 "\nAllowedIPs = 10.1.2.3/8\n",
	  "[Interface]\n\n[Peer]\nPublicKey = " PUB1 "\nAllowedIPs = 10.0.0.0/8\n" },
	{ "incremental allowed ips", "[Peer]\nPublicKey = " PUB1 "\nAllowedIPs = +10.0.0.0/8\n",
	  "[Interface]\n\n[Peer]\nPublicKey = " PUB1 "\nAllowedIPs = 10.0.0.0/8\n" },
	{ "IPv6 endpoint", "[Peer]\nPublicKey = " PUB1 "\nEndpoint = [2001:db8::1]:443\n",
	  "[Interface]\n\n[Peer]\nPublicKey = " PUB1 "\nEndpoint = [2001:db8::1]:443\n" },
	{ "unbracketed IPv6 endpoint splits at the last colon",
	  "[Peer]\nPublicKey = " PUB1 "\nEndpoint = ::1:51820\n",
	  "[Interface]\n\n[Peer]\nPublicKey = " PUB1 "\nEndpoint = [::1]:51820\n" },
	{ "hostname endpoint resolves", "[Peer]\nPublicKey = " PUB1 "\nEndpoint = localhost:1\n",
	  NULL },
	{ "keepalive off", "[Peer]\nPublicKey = " PUB1 "\nPersistentKeepalive = off\n",
	  "[Interface]\n\n[Peer]\nPublicKey = " PUB1 "\n" },
	{ "keepalive 65535", "[Peer]\nPublicKey = " PUB1 "\nPersistentKeepalive = 65535\n",
	  "[Interface]\n\n[Peer]\nPublicKey = " PUB1 "\nPersistentKeepalive = 65535\n" },
	{ "two peers",
	  "[Peer]\nPublicKey = " PUB1 "\n[Peer]\nPublicKey = " PUB2 "\n",
	  "[Interface]\n\n[Peer]\nPublicKey = " PUB1 "\n\n[Peer]\nPublicKey = " PUB2 "\n" },
	{ "value containing a hash is cut there", "[Interface]\nListenPort = 12#34\n",
	  "[Interface]\nListenPort = 12\n\n" },
};

#define LOC "t.conf:2: "
static const struct {
	const char *name, *text, *error;
} rejects[] = {
	{ "key outside a section", "ListenPort = 1\n",
	  "t.conf:1: Key `ListenPort=1' appears before any [Interface] or [Peer] section" },
	{ "unknown section", "[Interfaces]\n",
	  "t.conf:1: Unknown section `[Interfaces]': expected [Interface] or [Peer]" },
	{ "line without equals", "[Interface]\nListenPort\n",
	  LOC "Line is neither a [Section] nor Key = Value: `ListenPort'" },
	{ "empty value", "[Interface]\nListenPort =\n", LOC "Key `ListenPort' has no value" },
	{ "unknown interface key", "[Interface]\nAddress = 10.0.0.1/24\n",
	  LOC "Unknown key `Address' in [Interface]: expected PrivateKey, ListenPort or FwMark" },
	{ "peer key in interface", "[Interface]\nPublicKey = " PUB1 "\n",
	  LOC "Unknown key `PublicKey' in [Interface]: expected PrivateKey, ListenPort or FwMark" },
	{ "unknown peer key", "[Peer]\nListenPort = 1\n",
	  LOC "Unknown key `ListenPort' in [Peer]: expected PublicKey, PresharedKey, AllowedIPs, "
	      "Endpoint or PersistentKeepalive" },
	{ "short key", "[Interface]\nPrivateKey = abc\n",
	  LOC "Key is not the correct length or format: `abc'" },
	{ "non-canonical key", "[Interface]\nPrivateKey = 8NXkEH/8zakk9+2PtBYRcAOJWerIpb9LiFZv3LcjqGR=\n",
	  LOC "Key is not the correct length or format: "
	      "`8NXkEH/8zakk9+2PtBYRcAOJWerIpb9LiFZv3LcjqGR='" },
	{ "key with double equals", "[Interface]\nPrivateKey == " PRIV "\n",
	  LOC "Key is not the correct length or format: `=" PRIV "'" },
	{ "port too big", "[Interface]\nListenPort = 70000\n",
	  LOC "Port must be a number from 0 to 65535: `70000'" },
	{ "port 65536", "[Interface]\nListenPort = 65536\n",
	  LOC "Port must be a number from 0 to 65535: `65536'" },
	{ "port as service name", "[Interface]\nListenPort = domain\n",
	  LOC "Port must be a number from 0 to 65535: `domain'" },
	{ "negative port", "[Interface]\nListenPort = -1\n",
	  LOC "Port must be a number from 0 to 65535: `-1'" },
	{ "plus alone", "[Interface]\nListenPort = +\n",
	  LOC "Port must be a number from 0 to 65535: `+'" },
	{ "two pluses", "[Interface]\nListenPort = ++5\n",
	  LOC "Port must be a number from 0 to 65535: `++5'" },
	{ "plus then too big", "[Interface]\nListenPort = +65536\n",
	  LOC "Port must be a number from 0 to 65535: `+65536'" },
	{ "plus then hex", "[Interface]\nListenPort = +0x10\n",
	  LOC "Port must be a number from 0 to 65535: `+0x10'" },
	{ "plus then service name", "[Interface]\nListenPort = +domain\n",
	  LOC "Port must be a number from 0 to 65535: `+domain'" },
	{ "plus then junk", "[Interface]\nListenPort = +5x\n",
	  LOC "Port must be a number from 0 to 65535: `+5x'" },
	{ "keepalive with a plus", "[Peer]\nPersistentKeepalive = +5\n",
	  LOC "Persistent keepalive must be `off' or seconds from 0 to 65535: `+5'" },
	{ "prefix length with a plus", "[Peer]\nAllowedIPs = 10.0.0.0/+8\n",
	  LOC "Prefix length must be a number from 0 to 32: `+8'" },
	{ "endpoint port plus alone", "[Peer]\nEndpoint = 192.0.2.1:+\n",
	  LOC "Endpoint port must be a number from 1 to 65535: `192.0.2.1:+'" },
	{ "endpoint port plus zero", "[Peer]\nEndpoint = 192.0.2.1:+0\n",
	  LOC "Endpoint port must be a number from 1 to 65535: `192.0.2.1:+0'" },
	{ "fwmark too big", "[Interface]\nFwMark = 0x100000000\n",
	  LOC "Fwmark must be `off' or a number from 0 to 0xffffffff: `0x100000000'" },
	{ "fwmark upper X", "[Interface]\nFwMark = 0X10\n",
	  LOC "Fwmark must be `off' or a number from 0 to 0xffffffff: `0X10'" },
	{ "fwmark bare 0x", "[Interface]\nFwMark = 0x\n",
	  LOC "Fwmark must be `off' or a number from 0 to 0xffffffff: `0x'" },
	{ "fwmark sign", "[Interface]\nFwMark = +5\n",
	  LOC "Fwmark must be `off' or a number from 0 to 0xffffffff: `+5'" },
	{ "peer without public key", "[Interface]\n[Peer]\nAllowedIPs = 10.0.0.1\n",
	  LOC "[Peer] section has no PublicKey: every peer needs one" },
	{ "peer without public key before another", "[Peer]\n[Peer]\nPublicKey = " PUB1 "\n",
	  "t.conf:1: [Peer] section has no PublicKey: every peer needs one" },
	{ "keepalive too big", "[Peer]\nPersistentKeepalive = 65536\n",
	  LOC "Persistent keepalive must be `off' or seconds from 0 to 65535: `65536'" },
	{ "keepalive negative", "[Peer]\nPersistentKeepalive = -1\n",
	  LOC "Persistent keepalive must be `off' or seconds from 0 to 65535: `-1'" },
	{ "cidr 33", "[Peer]\nAllowedIPs = 10.0.0.0/33\n",
	  LOC "Prefix length must be a number from 0 to 32: `33'" },
	{ "cidr 129", "[Peer]\nAllowedIPs = fd00::/129\n",
	  LOC "Prefix length must be a number from 0 to 128: `129'" },
	{ "empty cidr", "[Peer]\nAllowedIPs = 10.0.0.1/\n",
	  LOC "Prefix length must be a number from 0 to 32: `'" },
	{ "short IPv4", "[Peer]\nAllowedIPs = 10.0.0/24\n",
	  LOC "Unable to parse IP address: `10.0.0'" },
	{ "bad IPv6", "[Peer]\nAllowedIPs = fd00:::1/64\n",
	  LOC "Unable to parse IP address: `fd00:::1'" },
	{ "trailing comma", "[Peer]\nAllowedIPs = 10.0.0.1,\n",
	  LOC "Allowed IPs list has an empty entry: `10.0.0.1,'" },
	{ "endpoint without port", "[Peer]\nEndpoint = 192.0.2.1\n",
	  LOC "Endpoint needs a host and a port, as host:port or [IPv6]:port: `192.0.2.1'" },
	{ "endpoint empty port", "[Peer]\nEndpoint = 192.0.2.1:\n",
	  LOC "Endpoint needs a host and a port, as host:port or [IPv6]:port: `192.0.2.1:'" },
	{ "endpoint missing bracket", "[Peer]\nEndpoint = [2001:db8::1:51820\n",
	  LOC "Endpoint has no `]' to match its `[': `[2001:db8::1:51820'" },
	{ "endpoint port too big", "[Peer]\nEndpoint = 192.0.2.1:65536\n",
	  LOC "Endpoint port must be a number from 1 to 65535: `192.0.2.1:65536'" },
	{ "endpoint port 0", "[Peer]\nEndpoint = 192.0.2.1:0\n",
	  LOC "Endpoint port must be a number from 1 to 65535: `192.0.2.1:0'" },
	{ "endpoint service name", "[Peer]\nEndpoint = 192.0.2.1:domain\n",
	  LOC "Endpoint port must be a number from 1 to 65535: `192.0.2.1:domain'" },
	{ "unknown host", "[Peer]\nEndpoint = no-such-host.invalid:1\n",
	  LOC "Unable to resolve endpoint host: Name or service not known: "
	      "`no-such-host.invalid:1'" },
	{ "NUL byte", "[Interface]\nListen\0Port = 1\n", LOC "Line contains a NUL byte" },
};

static void test_accepts(void)
{
	for (size_t i = 0; i < sizeof(accepts) / sizeof(accepts[0]); ++i) {
		char err[DIAG_LEN] = "", name[128];
		char *conf = parse_to_conf(accepts[i].text, err, sizeof(err));
		int ok = conf && (!accepts[i].conf || !strcmp(conf, accepts[i].conf));

		if (!ok)
			printf("#   got: %s\n", conf ? conf : err);
		snprintf(name, sizeof(name), "accepts: %s", accepts[i].name);
		test_report(name, ok);
		free(conf);
	}
}

static void test_rejects(void)
{
	for (size_t i = 0; i < sizeof(rejects) / sizeof(rejects[0]); ++i) {
		struct diag diag = { 0 };
		const char *text = rejects[i].text;
		/* the NUL case needs its real length */
		size_t len = strlen(text) + (strstr(rejects[i].name, "NUL") ? 1 + strlen(text + strlen(text) + 1) : 0);
		struct wg_device *dev = config_parse_buffer("t.conf", text, len, &diag);
		char name[128];
		int ok = !dev && !strcmp(diag.error, rejects[i].error);

		if (!ok)
			printf("#   got:      %s\n#   expected: %s\n", dev ? "(accepted)" : diag.error,
			       rejects[i].error);
		snprintf(name, sizeof(name), "rejects: %s", rejects[i].name);
		test_report(name, ok);
		device_free(dev);
	}
}

static void test_host_bits_warning(void)
{
	char err[DIAG_LEN];
	char *conf;

	warnings[0] = '\0';
	conf = parse_to_conf("[Peer]\nPublicKey = " PUB1 "\nAllowedIPs = 10.1.2.3/8\n", err,
			     sizeof(err));
	EXPECT(conf != NULL);
	EXPECT_STREQ(warnings,
		     "t.conf:3: Allowed IP `10.1.2.3/8' has host bits set; it stands for 10.0.0.0/8\n");
	free(conf);
}

static void test_replace_flags(void)
{
	struct diag diag = { 0 };
	const char *text = "[Peer]\nPublicKey = " PUB1 "\nAllowedIPs = +10.60.0.0/16\n"
			   "AllowedIPs = 10.61.0.0/16\n[Peer]\nPublicKey = " PUB2
			   "\nAllowedIPs = 10.0.0.0/8\nAllowedIPs = -10.1.0.0/16\n";
	struct wg_device *dev = config_parse_buffer("t.conf", text, strlen(text), &diag);

	EXPECT(dev != NULL);
	if (!dev)
		return;
	/* the last AllowedIPs line decides: replace for the first peer, incremental for the second */
	EXPECT(dev->first_peer->flags & PEER_REPLACE_ALLOWEDIPS);
	EXPECT(!(dev->last_peer->flags & PEER_REPLACE_ALLOWEDIPS));
	EXPECT(peer_last_allowedip(dev->last_peer)->flags & ALLOWEDIP_REMOVE_ME);
	EXPECT(!(dev->last_peer->first_allowedip->flags & ALLOWEDIP_REMOVE_ME));
	device_free(dev);
}

static void test_peer_without_allowedips_replaces(void)
{
	struct diag diag = { 0 };
	const char *text = "[Peer]\nPublicKey = " PUB1 "\n";
	struct wg_device *dev = config_parse_buffer("t.conf", text, strlen(text), &diag);

	EXPECT(dev && (dev->first_peer->flags & PEER_REPLACE_ALLOWEDIPS));
	device_free(dev);
}

static void test_round_trip(void)
{
	const char *text = "[Interface]\nListenPort = 51820\nFwMark = 0xca6c\nPrivateKey = " PRIV
			   "\n\n[Peer]\nPublicKey = " PUB1 "\nPresharedKey = " PSK
			   "\nAllowedIPs = 10.0.0.0/24, fd00::/64\nEndpoint = [2001:db8::1]:443\n"
			   "PersistentKeepalive = 25\n\n[Peer]\nPublicKey = " PUB2
			   "\nAllowedIPs = 192.168.0.0/16\nEndpoint = 198.51.100.7:51820\n";
	char err[DIAG_LEN] = "";
	char *once = parse_to_conf(text, err, sizeof(err));
	char *twice = once ? parse_to_conf(once, err, sizeof(err)) : NULL;

	EXPECT_STREQ(once, text);
	EXPECT_STREQ(twice, text);
	free(once);
	free(twice);
}

static void test_retries_env(void)
{
	struct diag diag = { 0 };
	const char *text = "[Peer]\nPublicKey = " PUB1 "\nEndpoint = 192.0.2.1:1\n";
	struct wg_device *dev;

	setenv("WG_ENDPOINT_RESOLUTION_RETRIES", "abc", 1);
	dev = config_parse_buffer("t.conf", text, strlen(text), &diag);
	EXPECT(!dev);
	EXPECT_STREQ(diag.error, "t.conf:3: WG_ENDPOINT_RESOLUTION_RETRIES must be a number or "
				 "`infinity': `abc'");
	device_free(dev);
	setenv("WG_ENDPOINT_RESOLUTION_RETRIES", "infinity", 1);
	dev = config_parse_buffer("t.conf", text, strlen(text), &diag);
	EXPECT(dev != NULL);
	device_free(dev);
	unsetenv("WG_ENDPOINT_RESOLUTION_RETRIES");
}

static void test_long_value_is_shortened(void)
{
	struct diag diag = { 0 };
	char *text = malloc(1 << 20);
	struct wg_device *dev;

	strcpy(text, "[Interface]\nPrivateKey = ");
	memset(text + strlen(text), 'A', 1000000);
	text[25 + 1000000] = '\0';
	dev = config_parse_buffer("t.conf", text, strlen(text), &diag);
	EXPECT(!dev);
	EXPECT(strlen(diag.error) < 200);
	EXPECT(strstr(diag.error, "...'") != NULL);
	free(text);
}

/* is_space is isspace in the C locale, for every byte. */
static void test_is_space(void)
{
	for (int c = -128; c < 128; ++c)
		EXPECT(is_space((char)c) == !!isspace((unsigned char)(char)c));
}

int main(void)
{
	RUN(test_is_space);
	test_accepts();
	test_rejects();
	RUN(test_host_bits_warning);
	RUN(test_replace_flags);
	RUN(test_peer_without_allowedips_replaces);
	RUN(test_round_trip);
	RUN(test_retries_env);
	RUN(test_long_value_is_shortened);
	TEST_EXIT();
}
