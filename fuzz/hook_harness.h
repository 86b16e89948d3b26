/* hook_harness.h - owns what one adapter's harness (fuzz_hook_<source>.c)
 * tells the shared driver in hook_harness.c: the adapter, a secret its
 * [source.NAME] section accepts, the headers a real delivery carries and
 * which of them authenticate() insists on before parse() may run. */
#ifndef NPSD_FUZZ_HOOK_HARNESS_H
#define NPSD_FUZZ_HOOK_HARNESS_H

#include "hooks.h"

#define HOOK_FUZZ_MAX_HEADERS 16

struct hook_fuzz_header {
	const char	*name;
	const char	*value;
};

struct hook_fuzz_spec {
	const struct hook_adapter *adapter;
	const char	*secret;
	struct hook_fuzz_header headers[HOOK_FUZZ_MAX_HEADERS];	/* name NULL ends */
	const char	*required[HOOK_FUZZ_MAX_HEADERS];		/* NULL ends */
};

extern const struct hook_fuzz_spec hook_fuzz_spec;

#endif
