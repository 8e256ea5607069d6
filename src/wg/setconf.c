/* setconf.c: `wg setconf', `addconf' and `syncconf': apply a configuration file. */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "ipc.h"
#include "subcommands.h"

static void print_warning(struct diag *diag, const char *message)
{
	(void)diag;
	fprintf(stderr, "Warning: %s\n", message);
}

/*
 * syncconf sends only what differs from the running device: peers that did not change are
 * not touched at all, so their sessions and allowed IPs are never disturbed.
 */
static int sync_device(const struct wg_device *want, struct wg_device **diff)
{
	struct wg_device *running = NULL;
	int ret = ipc_get_device(&running, want->name);

	if (ret) {
		fprintf(stderr, "Unable to retrieve current interface configuration: %s\n",
			strerror(-ret));
		return ret;
	}
	*diff = device_sync_diff(want, running);
	device_free(running);
	if (!*diff) {
		perror("Unable to compare the configuration with the interface");
		return -1;
	}
	return 0;
}

int setconf_main(int argc, const char *argv[])
{
	struct diag diag = { .warn = print_warning };
	struct wg_device *want, *send;
	bool add = !strcmp(argv[0], "addconf"), sync = !strcmp(argv[0], "syncconf");
	int ret = 1;

	if (argc != 3) {
		fprintf(stderr, "Usage: %s %s <interface> <configuration filename>\n", PROG_NAME,
			argv[0]);
		return 1;
	}
	if (!check_interface_name(argv[1], &diag)) {
		fprintf(stderr, "%s\n", diag.error);
		return 1;
	}
	want = config_read_file(argv[2], &diag);
	if (!want) {
		fprintf(stderr, "%s\n", diag.error);
		return 1;
	}
	snprintf(want->name, sizeof(want->name), "%s", argv[1]);
	if (!add) {
		/* what the file leaves out is reset: no key, a random port, no mark, no peers */
		want->flags |= DEVICE_HAS_PRIVATE_KEY | DEVICE_HAS_LISTEN_PORT | DEVICE_HAS_FWMARK |
			       DEVICE_REPLACE_PEERS;
	}
	send = want;
	/* the difference borrows allowed-IP lists from want, which outlives it */
	if (sync && sync_device(want, &send))
		goto out;
	if (send->flags || send->first_peer) {
		int err = ipc_set_device(send);

		if (err) {
			fprintf(stderr, "Unable to modify interface: %s\n", strerror(-err));
			goto out;
		}
	}
	ret = 0;
out:
	if (send != want)
		device_free(send);
	device_free(want);
	return ret;
}
