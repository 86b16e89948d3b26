/* check_run.h - runs one Check suite the same way in every unit test:
 * CK_ENV verbosity (make check sets normal), exit status for automake. */
#ifndef NPSD_CHECK_RUN_H
#define NPSD_CHECK_RUN_H

#include <check.h>
#include <stdlib.h>

static inline int
check_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
