/* fuzz_hook_freshdesk.c - owns fuzzing the freshdesk adapter (src/hook_freshdesk.c) through
 * the shared driver in hook_harness.c. */
#include "autoconfig.h"

#include "hook_harness.h"

const struct hook_fuzz_spec hook_fuzz_spec = {
	&hook_freshdesk,
	"npsd-fuzz-secret-0123456789",
	{
		{ "Authorization", "Bearer npsd-fuzz-secret-0123456789" },
		{ NULL, NULL },
	},
	{ "Authorization", NULL },
};
