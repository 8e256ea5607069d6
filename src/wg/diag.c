/* SPDX-License-Identifier: GPL-2.0-only */
/* diag.c: formatting errors and warnings, and quoting the text they are about. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"

void diag_error(struct diag *diag, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(diag->error, sizeof(diag->error), fmt, ap);
	va_end(ap);
}

void diag_warn(struct diag *diag, const char *fmt, ...)
{
	char message[DIAG_LEN];
	va_list ap;

	if (!diag->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	diag->warn(diag, message);
}

const char *diag_quote(char *buf, size_t len, const char *text)
{
	size_t i = 0, limit = len - 6; /* room for `, ', "...", NUL */

	buf[i++] = '`';
	for (; *text && i < limit; ++text)
		buf[i++] = isprint((unsigned char)*text) ? *text : '?';
	if (*text) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i++] = '\'';
	buf[i] = '\0';
	return buf;
}

void diag_print_warning(struct diag *diag, const char *message)
{
	(void)diag;
	fprintf(stderr, "Warning: %s\n", message);
}
