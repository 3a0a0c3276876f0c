/* CHECK(cond): print "ok COND" or "FAIL COND" and count the failures, so
 * that a test's output names every check and can be compared with Linux. */
#ifndef TESTCASES_CHECK_H
#define TESTCASES_CHECK_H
#include <stdio.h>

static int fails;
#define CHECK(c)                                                              \
	do {                                                                  \
		int ok_ = (c);                                                \
		printf("%s %s\n", ok_ ? "ok" : "FAIL", #c);                   \
		if (!ok_)                                                     \
			fails++;                                              \
	} while (0)
#endif
