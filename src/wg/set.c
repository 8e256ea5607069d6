/* SPDX-License-Identifier: GPL-2.0-only */
/* set.c: `wg set': change some settings of an interface and its peers, leave the rest. */
#include <stdio.h>
#include <string.h>

#include "argv.h"
#include "ipc.h"
#include "subcommands.h"

int set_main(int argc, const char *argv[])
{
	struct diag diag = { .warn = diag_print_warning };
	struct wg_device *dev;
	int ret;

	if (argc < 3) {
		fprintf(stderr,
			"Usage: %s %s <interface> [listen-port <port>] [fwmark <mark>] "
			"[private-key <file path>] [peer <base64 public key> [remove] "
			"[preshared-key <file path>] [endpoint <ip>:<port>] "
			"[persistent-keepalive <interval seconds>] "
			"[allowed-ips [+|-]<ip1>/<cidr1>[,[+|-]<ip2>/<cidr2>]...] ]...\n",
			PROG_NAME, argv[0]);
		return 1;
	}
	if (!check_interface_name(argv[1], &diag)) {
		fprintf(stderr, "%s\n", diag.error);
		return 1;
	}
	dev = set_args_parse(argv[1], argc - 2, argv + 2, &diag);
	if (!dev) {
		fprintf(stderr, "%s\n", diag.error);
		return 1;
	}
	ret = ipc_set_device(dev);
	device_free(dev);
	if (ret) {
		fprintf(stderr, "Unable to modify interface: %s\n", strerror(-ret));
		return 1;
	}
	return 0;
}
