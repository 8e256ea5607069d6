/* show.c: placeholder until the subcommand lands. */
#include <stdio.h>

#include "subcommands.h"

int show_main(int argc, const char *argv[])
{
	(void)argc;
	fprintf(stderr, "%s: not implemented yet\n", argv[0]);
	return 1;
}
