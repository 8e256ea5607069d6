/* SPDX-License-Identifier: GPL-2.0-only */
/* argv.h: the words after `wg set INTERFACE' into a change request for the device model. */
#ifndef ARGV_H
#define ARGV_H

#include "model.h"
#include "values.h"

/* NULL on error, with diag->error naming the argument; key files are read here. */
struct wg_device *set_args_parse(const char *ifname, int argc, const char *argv[],
				 struct diag *diag);

#endif
