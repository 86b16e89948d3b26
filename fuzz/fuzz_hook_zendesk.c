/* fuzz_hook_zendesk.c - owns fuzzing the zendesk adapter (src/hook_zendesk.c) through
 * the shared driver in hook_harness.c. */
#include "autoconfig.h"

#include "hook_harness.h"

const struct hook_fuzz_spec hook_fuzz_spec = {
	&hook_zendesk,
	"npsd-fuzz-secret-0123456789",
	{
		{ "X-Zendesk-Webhook-Signature", "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" },
		{ "X-Zendesk-Webhook-Signature-Timestamp", "2026-11-22T10:00:00Z" },
		{ "X-Zendesk-Webhook-Invocation-Id", "8350205" },
		{ NULL, NULL },
	},
	{ "X-Zendesk-Webhook-Signature", "X-Zendesk-Webhook-Signature-Timestamp", NULL },
};
