/* SPDX-License-Identifier: GPL-2.0-only */
/* show.c: `wg show': the state of one interface, of all of them, or just their names. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ipc.h"
#include "print.h"
#include "subcommands.h"
#include "values.h"

static void show_usage(const char *cmd)
{
	fprintf(stderr,
		"Usage: %s %s { <interface> | all | interfaces } [public-key | private-key | "
		"listen-port | fwmark | peers | preshared-keys | endpoints | allowed-ips | "
		"latest-handshakes | transfer | persistent-keepalive | dump | json]\n",
		PROG_NAME, cmd);
}

static int show_interfaces(void)
{
	struct name_list names = { 0 };
	int ret = ipc_list_devices(&names);

	if (ret) {
		fprintf(stderr, "Unable to list interfaces: %s\n", strerror(-ret));
		name_list_free(&names);
		return 1;
	}
	for (size_t i = 0; i < names.len; ++i)
		printf("%s%s", names.names[i], i + 1 < names.len ? " " : "\n");
	name_list_free(&names);
	return 0;
}

/* Every interface; succeeds when there are none or when at least one could be shown. */
static int show_all(enum view view, struct print_opts *opts)
{
	struct name_list names = { 0 };
	size_t printed = 0;
	int ret = ipc_list_devices(&names);

	if (ret) {
		fprintf(stderr, "Unable to list interfaces: %s\n", strerror(-ret));
		name_list_free(&names);
		return 1;
	}
	opts->name_column = true;
	print_begin(stdout, view);
	for (size_t i = 0; i < names.len; ++i) {
		struct wg_device *dev = NULL;

		ret = ipc_get_device(&dev, names.names[i]);
		if (ret) {
			fflush(stdout);
			fprintf(stderr, "Unable to access interface %s: %s\n", names.names[i],
				strerror(-ret));
			continue;
		}
		print_device(stdout, dev, view, opts, printed++ == 0);
		device_free(dev);
	}
	print_end(stdout, view);
	ret = names.len && !printed;
	name_list_free(&names);
	return ret;
}

static int show_one(const char *name, enum view view, struct print_opts *opts)
{
	struct wg_device *dev = NULL;
	struct diag diag = { 0 };
	int ret;

	if (!check_interface_name(name, &diag)) {
		fprintf(stderr, "%s\n", diag.error);
		return 1;
	}
	ret = ipc_get_device(&dev, name);
	if (ret) {
		fprintf(stderr, "Unable to access interface: %s\n", strerror(-ret));
		return 1;
	}
	print_begin(stdout, view);
	print_device(stdout, dev, view, opts, true);
	print_end(stdout, view);
	device_free(dev);
	return 0;
}

int show_main(int argc, const char *argv[])
{
	struct print_opts opts = { 0 };
	enum view view = VIEW_PRETTY;
	int ret;

	if (argc > 3) {
		show_usage(argv[0]);
		return 1;
	}
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
			  !strcmp(argv[1], "help"))) {
		show_usage(argv[0]);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "interfaces")) {
		if (argc != 2) {
			show_usage(argv[0]);
			return 1;
		}
		return show_interfaces();
	}
	if (argc == 3 && !view_from_name(argv[2], &view)) {
		fprintf(stderr, "Invalid parameter: `%s'\n", argv[2]);
		show_usage(argv[0]);
		return 1;
	}
	/* big dumps go out in large writes */
	static char buffer[1 << 16];
	setvbuf(stdout, buffer, _IOFBF, sizeof(buffer));
	print_opts_from_env(&opts, stdout);
	if (argc == 1 || !strcmp(argv[1], "all"))
		ret = show_all(view, &opts);
	else
		ret = show_one(argv[1], view, &opts);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "Unable to write output: %s\n", strerror(errno));
		ret = 1;
	}
	return ret;
}
