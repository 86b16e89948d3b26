/* check_signature.c - Standard Webhooks verification, with the spec's
 * published test vector. */
#include "autoconfig.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "crypto.h"
#include "signature.h"
#include "check_run.h"

#define VECTOR_SECRET	"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define VECTOR_ID	"msg_p5jXN8AQM9LWM0D4loKWxJek"
#define VECTOR_TS	"1614265330"
#define VECTOR_BODY	"{\"test\": 2432232314}"
#define VECTOR_SIG	"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

static struct secret vector_secret;

static void
setup(void)
{
	ck_assert_int_eq(config_parse_whsec(VECTOR_SECRET, &vector_secret), 0);
}

static enum signature_result
verify(const struct secret *s, int n, const char *ts, const char *sig, const char *body,
    time_t now)
{
	return signature_verify_standard(s, n, VECTOR_ID, ts, sig, body, strlen(body), now,
	    300);
}

START_TEST(published_vector_signs)
{
	char out[64];

	ck_assert_int_eq(signature_sign_standard(&vector_secret, VECTOR_ID, VECTOR_TS,
	    VECTOR_BODY, strlen(VECTOR_BODY), out, sizeof out), 0);
	ck_assert_str_eq(out, VECTOR_SIG);
}
END_TEST

START_TEST(published_vector_verifies)
{
	ck_assert_int_eq(verify(&vector_secret, 1, VECTOR_TS, VECTOR_SIG, VECTOR_BODY,
	    1614265330), SIGNATURE_OK);
}
END_TEST

START_TEST(changed_body_fails)
{
	ck_assert_int_eq(verify(&vector_secret, 1, VECTOR_TS, VECTOR_SIG,
	    "{\"test\": 2432232315}", 1614265330), SIGNATURE_MISMATCH);
}
END_TEST

START_TEST(timestamp_outside_tolerance_fails)
{
	ck_assert_int_eq(verify(&vector_secret, 1, VECTOR_TS, VECTOR_SIG, VECTOR_BODY,
	    1614265330 + 301), SIGNATURE_BAD_TIMESTAMP);
	ck_assert_int_eq(verify(&vector_secret, 1, VECTOR_TS, VECTOR_SIG, VECTOR_BODY,
	    1614265330 - 301), SIGNATURE_BAD_TIMESTAMP);
	ck_assert_int_eq(verify(&vector_secret, 1, VECTOR_TS, VECTOR_SIG, VECTOR_BODY,
	    1614265330 + 300), SIGNATURE_OK);
	ck_assert_int_eq(verify(&vector_secret, 1, "16142653a0", VECTOR_SIG, VECTOR_BODY,
	    1614265330), SIGNATURE_BAD_TIMESTAMP);
	ck_assert_int_eq(verify(&vector_secret, 1, "", VECTOR_SIG, VECTOR_BODY, 1614265330),
	    SIGNATURE_BAD_TIMESTAMP);
}
END_TEST

START_TEST(any_listed_signature_may_match)
{
	const char *list = "v1,bm9ub25lb25lb25lb25lb25lb25lb25lb25lb25lb25lbw== " VECTOR_SIG;

	ck_assert_int_eq(verify(&vector_secret, 1, VECTOR_TS, list, VECTOR_BODY, 1614265330),
	    SIGNATURE_OK);
	ck_assert_int_eq(verify(&vector_secret, 1, VECTOR_TS,
	    "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", VECTOR_BODY, 1614265330),
	    SIGNATURE_MISMATCH);
}
END_TEST

START_TEST(any_configured_secret_may_match)
{
	struct secret two[2];

	ck_assert_int_eq(config_parse_whsec("whsec_c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24=",
	    &two[0]), 0);
	two[1] = vector_secret;
	ck_assert_int_eq(verify(two, 2, VECTOR_TS, VECTOR_SIG, VECTOR_BODY, 1614265330),
	    SIGNATURE_OK);
	ck_assert_int_eq(verify(two, 1, VECTOR_TS, VECTOR_SIG, VECTOR_BODY, 1614265330),
	    SIGNATURE_MISMATCH);
}
END_TEST

START_TEST(no_secret_refuses_everything)
{
	ck_assert_int_eq(verify(NULL, 0, VECTOR_TS, VECTOR_SIG, VECTOR_BODY, 1614265330),
	    SIGNATURE_NO_SECRET);
}
END_TEST

START_TEST(missing_headers_fail)
{
	ck_assert_int_eq(signature_verify_standard(&vector_secret, 1, NULL, VECTOR_TS,
	    VECTOR_SIG, VECTOR_BODY, strlen(VECTOR_BODY), 1614265330, 300),
	    SIGNATURE_MISSING_HEADER);
	ck_assert_int_eq(signature_verify_standard(&vector_secret, 1, VECTOR_ID, NULL,
	    VECTOR_SIG, VECTOR_BODY, strlen(VECTOR_BODY), 1614265330, 300),
	    SIGNATURE_MISSING_HEADER);
	ck_assert_int_eq(signature_verify_standard(&vector_secret, 1, VECTOR_ID, VECTOR_TS,
	    NULL, VECTOR_BODY, strlen(VECTOR_BODY), 1614265330, 300),
	    SIGNATURE_MISSING_HEADER);
}
END_TEST

START_TEST(secret_parsing)
{
	struct secret s;

	ck_assert_int_eq(config_parse_whsec("whsec_", &s), -1);
	ck_assert_int_eq(config_parse_whsec("whsec_c2hvcnQ=", &s), -1);	/* 5 bytes */
	ck_assert_int_eq(config_parse_whsec("whsec_!!!notbase64!!!", &s), -1);
	ck_assert_int_eq(config_parse_whsec(VECTOR_SECRET, &s), 0);
	ck_assert_uint_eq(s.len, 24);
}
END_TEST

START_TEST(tokens_are_128_bit_base64url)
{
	char a[23], b[23];

	ck_assert_int_eq(crypto_token_new(a), 0);
	ck_assert_int_eq(crypto_token_new(b), 0);
	ck_assert_uint_eq(strlen(a), 22);
	ck_assert_int_eq(crypto_token_wellformed(a), 1);
	ck_assert_str_ne(a, b);
	ck_assert_int_eq(crypto_token_wellformed("too-short"), 0);
	ck_assert_int_eq(crypto_token_wellformed("AAAAAAAAAAAAAAAAAAAAA+"), 0);
	ck_assert_int_eq(crypto_token_wellformed("AAAAAAAAAAAAAAAAAAAAAAA"), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("signature");
	TCase *tc = tcase_create("standard-webhooks");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, published_vector_signs);
	tcase_add_test(tc, published_vector_verifies);
	tcase_add_test(tc, changed_body_fails);
	tcase_add_test(tc, timestamp_outside_tolerance_fails);
	tcase_add_test(tc, any_listed_signature_may_match);
	tcase_add_test(tc, any_configured_secret_may_match);
	tcase_add_test(tc, no_secret_refuses_everything);
	tcase_add_test(tc, missing_headers_fail);
	tcase_add_test(tc, secret_parsing);
	tcase_add_test(tc, tokens_are_128_bit_base64url);
	suite_add_tcase(s, tc);
	return check_run(s);
}
