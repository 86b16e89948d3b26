/* fuzz_hook_znuny.c - owns fuzzing the znuny adapter (src/hook_znuny.c) through
 * the shared driver in hook_harness.c. */
#include "autoconfig.h"

#include "hook_harness.h"

const struct hook_fuzz_spec hook_fuzz_spec = {
	&hook_znuny,
	"npsd-fuzz-secret-0123456789",
	{
		{ "Authorization", "Basic bnBzZDpucHNkLWZ1enotc2VjcmV0LTAxMjM0NTY3ODk=" },
		{ NULL, NULL },
	},
	{ "Authorization", NULL },
};
