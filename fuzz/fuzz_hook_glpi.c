/* fuzz_hook_glpi.c - owns fuzzing the glpi adapter (src/hook_glpi.c) through
 * the shared driver in hook_harness.c. */
#include "autoconfig.h"

#include "hook_harness.h"

const struct hook_fuzz_spec hook_fuzz_spec = {
	&hook_glpi,
	"npsd-fuzz-secret-0123456789",
	{
		{ "X-GLPI-signature",
		  "8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4" },
		{ "X-GLPI-timestamp", "1795341600" },
		{ NULL, NULL },
	},
	{ "X-GLPI-signature", "X-GLPI-timestamp", NULL },
};
