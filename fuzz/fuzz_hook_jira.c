/* fuzz_hook_jira.c - owns fuzzing the jira adapter (src/hook_jira.c) through
 * the shared driver in hook_harness.c. */
#include "autoconfig.h"

#include "hook_harness.h"

const struct hook_fuzz_spec hook_fuzz_spec = {
	&hook_jira,
	"npsd-fuzz-secret-0123456789",
	{
		{ "X-Hub-Signature",
		  "sha256=8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4" },
		{ "X-Atlassian-Webhook-Identifier", "1795341600123-1" },
		{ NULL, NULL },
	},
	{ "X-Hub-Signature", NULL },
};
