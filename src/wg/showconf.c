/* SPDX-License-Identifier: GPL-2.0-only */
/* showconf.c: `wg showconf': an interface's current settings as a configuration file. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ipc.h"
#include "print.h"
#include "subcommands.h"
#include "values.h"

int showconf_main(int argc, const char *argv[])
{
	struct print_opts opts = { 0 };
	struct wg_device *dev = NULL;
	struct diag diag = { 0 };
	int ret;

	if (argc != 2) {
		fprintf(stderr, "Usage: %s %s <interface>\n", PROG_NAME, argv[0]);
		return 1;
	}
	if (!check_interface_name(argv[1], &diag)) {
		fprintf(stderr, "%s\n", diag.error);
		return 1;
	}
	ret = ipc_get_device(&dev, argv[1]);
	if (ret) {
		fprintf(stderr, "Unable to access interface: %s\n", strerror(-ret));
		return 1;
	}
	print_device(stdout, dev, VIEW_CONF, &opts, true);
	device_free(dev);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "Unable to write output: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
