/* genkey.c: placeholder until key generation lands. */
#include <stdio.h>

#include "subcommands.h"

int genkey_main(int argc, const char *argv[])
{
	(void)argc;
	fprintf(stderr, "%s: not implemented yet\n", argv[0]);
	return 1;
}

int pubkey_main(int argc, const char *argv[])
{
	(void)argc;
	fprintf(stderr, "%s: not implemented yet\n", argv[0]);
	return 1;
}
