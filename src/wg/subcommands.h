/* SPDX-License-Identifier: GPL-2.0-only */
/* subcommands.h: the entry point of every `wg' subcommand, one source file each. */
#ifndef SUBCOMMANDS_H
#define SUBCOMMANDS_H

extern const char *PROG_NAME;

int show_main(int argc, const char *argv[]);
int showconf_main(int argc, const char *argv[]);
int set_main(int argc, const char *argv[]);
int setconf_main(int argc, const char *argv[]); /* also addconf and syncconf, by argv[0] */
int genkey_main(int argc, const char *argv[]);  /* also genpsk, by argv[0] */
int pubkey_main(int argc, const char *argv[]);

#endif
