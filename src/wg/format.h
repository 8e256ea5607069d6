/* format.h: numbers and IP addresses as text, exactly as printf and inet_ntop write them. */
#ifndef FORMAT_H
#define FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <arpa/inet.h>

#define FORMAT_U64_LEN 21 /* the 20 digits of UINT64_MAX and a NUL */

/*
 * Both write a NUL-terminated string and return its length. They exist because the printers
 * and the UAPI backend write several numbers and addresses for each of possibly 100,000 peers,
 * and printf (which glibc's inet_ntop itself calls) costs several times the work.
 */
size_t format_u64(char out[FORMAT_U64_LEN], uint64_t value);
/* family is AF_INET or AF_INET6; IPv6 in inet_ntop's own form (RFC 5952, ::ffff:a.b.c.d). */
size_t format_address(char out[INET6_ADDRSTRLEN], int family, const void *addr);

#endif
