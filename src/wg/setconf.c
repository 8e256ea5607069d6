/* SPDX-License-Identifier: GPL-2.0-only */
/* setconf.c: `wg setconf', `addconf' and `syncconf': apply a configuration file. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "ipc.h"
#include "preview.h"
#include "subcommands.h"
#include "sync.h"

/*
 * syncconf needs the running device as well as the file. Reading the device (a dump from the
 * kernel, or the whole state from a userspace daemon) costs about as much as parsing a big
 * file, and neither needs the other, so the read runs in a thread while the file is parsed.
 * Without a thread, the read simply happens afterwards.
 */
struct device_read {
	pthread_t thread;
	bool threaded;
	const char *ifname;
	struct wg_device *dev;
	int ret;
};

static void *read_device(void *arg)
{
	struct device_read *read = arg;

	read->ret = ipc_get_device(&read->dev, read->ifname);
	return NULL;
}

static void read_begin(struct device_read *read, const char *ifname)
{
	*read = (struct device_read){ .ifname = ifname };
	read->threaded = !pthread_create(&read->thread, NULL, read_device, read);
}

/* The running device, now the caller's, or NULL with *ret set. */
static struct wg_device *read_end(struct device_read *read, int *ret)
{
	if (read->threaded)
		pthread_join(read->thread, NULL);
	else
		read_device(read);
	*ret = read->ret;
	return read->dev;
}

/*
 * syncconf sends only what differs from the running device: peers that did not change are
 * not touched at all, so their sessions and allowed IPs are never disturbed.
 */
static int sync_device(const struct wg_device *want, struct device_read *read,
		       struct sync_diff **diff)
{
	int ret;
	struct wg_device *running = read_end(read, &ret);

	if (ret) {
		fprintf(stderr, "Unable to retrieve current interface configuration: %s\n",
			strerror(-ret));
		return ret;
	}
	*diff = sync_diff_new(want, running);
	device_free(running);
	if (!*diff) {
		perror("Unable to compare the configuration with the interface");
		return -1;
	}
	return 0;
}

/* syncconf's options: --dry-run, and --json with it. Returns the index of the interface. */
static int sync_options(int argc, const char *argv[], bool *dry_run, bool *json)
{
	int i = 1;

	for (; i < argc && !strncmp(argv[i], "--", 2); ++i) {
		if (!strcmp(argv[i], "--dry-run"))
			*dry_run = true;
		else if (!strcmp(argv[i], "--json"))
			*json = true;
		else
			return -1;
	}
	return *json && !*dry_run ? -1 : i;
}

static void usage(const char *verb)
{
	fprintf(stderr, "Usage: %s %s %s<interface> <configuration filename>\n", PROG_NAME, verb,
		strcmp(verb, "syncconf") ? "" : "[--dry-run [--json]] ");
}

/* Sends the request (if it holds anything); dry-run prints the difference instead. */
static int apply(const struct wg_device *send, const struct sync_diff *diff, bool dry_run,
		 bool json)
{
	if (dry_run) {
		preview_print(stdout, diff, send->name, json);
		if (fflush(stdout) || ferror(stdout)) {
			perror("Unable to print the changes");
			return 1;
		}
		return preview_empty(diff) ? 0 : 2;
	}
	if (send->flags || send->first_peer) {
		int err = ipc_set_device(send);

		if (err) {
			fprintf(stderr, "Unable to modify interface: %s\n", strerror(-err));
			return 1;
		}
	}
	return 0;
}

int setconf_main(int argc, const char *argv[])
{
	struct diag diag = { .warn = diag_print_warning };
	struct sync_diff *diff = NULL;
	struct wg_device *want;
	struct device_read read;
	bool add = !strcmp(argv[0], "addconf"), sync = !strcmp(argv[0], "syncconf");
	bool dry_run = false, json = false;
	int ret = 1, first = sync ? sync_options(argc, argv, &dry_run, &json) : 1;

	if (first < 0 || argc - first != 2) {
		usage(argv[0]);
		return 1;
	}
	argv += first - 1;
	if (!check_interface_name(argv[1], &diag)) {
		fprintf(stderr, "%s\n", diag.error);
		return 1;
	}
	if (sync)
		read_begin(&read, argv[1]);
	want = config_read_file(argv[2], &diag);
	if (!want) {
		/* a file that does not parse is all that is reported, whatever the read found */
		if (sync) {
			int ignored;

			device_free(read_end(&read, &ignored));
		}
		fprintf(stderr, "%s\n", diag.error);
		return 1;
	}
	snprintf(want->name, sizeof(want->name), "%s", argv[1]);
	if (!add) {
		/* what the file leaves out is reset: no key, a random port, no mark, no peers */
		want->flags |= DEVICE_HAS_PRIVATE_KEY | DEVICE_HAS_LISTEN_PORT | DEVICE_HAS_FWMARK |
			       DEVICE_REPLACE_PEERS;
	}
	if (!sync || !sync_device(want, &read, &diff))
		ret = apply(diff ? diff->request : want, diff, dry_run, json);
	sync_diff_free(diff);
	device_free(want);
	return ret;
}
