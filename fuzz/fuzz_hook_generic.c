/* fuzz_hook_generic.c - owns fuzzing the generic adapter (src/hook_generic.c) through
 * the shared driver in hook_harness.c. */
#include "autoconfig.h"

#include "hook_harness.h"

const struct hook_fuzz_spec hook_fuzz_spec = {
	&hook_generic,
	"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
	{
		{ "webhook-id", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W" },
		{ "webhook-timestamp", "1795341600" },
		{ "webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" },
		{ NULL, NULL },
	},
	{ "webhook-id", "webhook-timestamp", "webhook-signature", NULL },
};
