/* fuzz_hook_zammad.c - owns fuzzing the zammad adapter (src/hook_zammad.c) through
 * the shared driver in hook_harness.c. */
#include "autoconfig.h"

#include "hook_harness.h"

const struct hook_fuzz_spec hook_fuzz_spec = {
	&hook_zammad,
	"npsd-fuzz-secret-0123456789",
	{
		{ "X-Hub-Signature", "sha1=a94a8fe5ccb19ba61c4c0873d391e987982fbbd3" },
		{ "X-Zammad-Delivery", "4b5d3c2a-1f0e-4d6c-9b8a-7e6f5d4c3b2a" },
		{ NULL, NULL },
	},
	{ "X-Hub-Signature", NULL },
};
