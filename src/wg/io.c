/* SPDX-License-Identifier: GPL-2.0-only */
/* io.c: reading a descriptor in full, with interrupted calls retried. */
#include <errno.h>
#include <unistd.h>

#include "io.h"

ssize_t read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, (char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}
