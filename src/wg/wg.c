/* SPDX-License-Identifier: GPL-2.0-only */
/* wg.c: the command table, the top-level usage text and --version. */
#include <stdio.h>
#include <string.h>

#include "subcommands.h"

/* The Makefile passes these from version.mk. */
#if !defined(PROJECT) || !defined(VERSION) || !defined(COMPAT_VERSION)
#error "PROJECT, VERSION and COMPAT_VERSION come from version.mk: build with make"
#endif

const char *PROG_NAME;

static const struct {
	const char *name;
	int (*main)(int argc, const char *argv[]);
	const char *description;
} subcommands[] = {
	{ "show", show_main, "Print the state of one interface or all of them" },
	{ "showconf", showconf_main, "Print an interface's settings as a configuration file" },
	{ "set", set_main, "Change settings of an interface and its peers" },
	{ "setconf", setconf_main, "Replace an interface's settings with a configuration file" },
	{ "addconf", setconf_main, "Add a configuration file's settings to an interface" },
	{ "syncconf", setconf_main, "Make an interface match a configuration file, disturbing nothing else" },
	{ "genkey", genkey_main, "Print a new private key" },
	{ "genpsk", genkey_main, "Print a new preshared key" },
	{ "pubkey", pubkey_main, "Read a private key on stdin, print its public key" },
};

static void show_usage(FILE *file)
{
	fprintf(file, "Usage: %s <cmd> [<args>]\n\n", PROG_NAME);
	fprintf(file, "Available subcommands:\n");
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); ++i)
		fprintf(file, "  %s: %s\n", subcommands[i].name, subcommands[i].description);
	fprintf(file, "You may pass `--help' to any of these subcommands to view usage.\n");
}

int main(int argc, const char *argv[])
{
	PROG_NAME = argv[0];

	if (argc == 2 && (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--version") ||
			  !strcmp(argv[1], "version"))) {
		printf("wg (%s) %s, compatible with wireguard-tools v%s\n", PROJECT, VERSION,
		       COMPAT_VERSION);
		return 0;
	}
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
			  !strcmp(argv[1], "help"))) {
		show_usage(stdout);
		return 0;
	}
	if (argc == 1) {
		static const char *show_all[] = { "show", NULL };
		return show_main(1, show_all);
	}
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); ++i) {
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].main(argc - 1, argv + 1);
	}
	fprintf(stderr, "Invalid subcommand: `%s'\n", argv[1]);
	show_usage(stderr);
	return 1;
}
