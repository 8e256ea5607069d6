/* SPDX-License-Identifier: GPL-2.0-only */
/* test.h: the smallest harness that speaks the runner's PASS/FAIL line protocol. */
#ifndef TEST_H
#define TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failures;
static int test_current_failed;

#define EXPECT(cond)                                                                       \
	do {                                                                               \
		if (!(cond)) {                                                             \
			printf("#   %s:%d: expected %s\n", __FILE__, __LINE__, #cond);        \
			test_current_failed = 1;                                           \
		}                                                                          \
	} while (0)

#define EXPECT_STREQ(actual, expected)                                                     \
	do {                                                                               \
		const char *a_ = (actual), *e_ = (expected);                               \
		if (!a_ || !e_ || strcmp(a_, e_)) {                                        \
			printf("#   %s:%d: %s\n#     got:      %s\n#     expected: %s\n",     \
			       __FILE__, __LINE__, #actual, a_ ? a_ : "(null)",            \
			       e_ ? e_ : "(null)");                                        \
			test_current_failed = 1;                                           \
		}                                                                          \
	} while (0)

/* Reports one named case; use it for table rows. */
static inline void test_report(const char *name, int ok)
{
	printf("%s %s\n", ok ? "PASS" : "FAIL", name);
	if (!ok)
		++test_failures;
}

#define RUN(fn)                                                                            \
	do {                                                                               \
		test_current_failed = 0;                                                   \
		fn();                                                                      \
		test_report(#fn, !test_current_failed);                                    \
	} while (0)

#define TEST_EXIT() return test_failures ? 1 : 0

#endif
