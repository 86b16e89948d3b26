/* check_forwarded.c - owns the unit tests of forwarded.c: CIDR parsing
 * and matching (IPv4, IPv6, mapped), the trusted_proxies list, and the
 * client read from Forwarded / X-Forwarded-For: only from a trusted
 * peer, the right-most untrusted entry, forged left parts ignored, the
 * two headers made to agree. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "forwarded.h"
#include "check_run.h"

static struct sockaddr_storage
addr(const char *text)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof ss);
	if (inet_pton(AF_INET, text, &((struct sockaddr_in *)&ss)->sin_addr) == 1)
		ss.ss_family = AF_INET;
	else {
		ck_assert_int_eq(inet_pton(AF_INET6, text,
		    &((struct sockaddr_in6 *)&ss)->sin6_addr), 1);
		ss.ss_family = AF_INET6;
	}
	return ss;
}

static struct proxy_list
list_of(const char *text)
{
	struct proxy_list l;
	char bad[128];

	ck_assert_msg(forwarded_parse_list(text, &l, bad, sizeof bad) == 0, "%s: %s", text, bad);
	return l;
}

static int
trusted(const struct proxy_list *l, const char *text)
{
	struct sockaddr_storage ss = addr(text);

	return forwarded_trusted(l, (const struct sockaddr *)&ss);
}

/* The client as text, and how it was found. */
static const char *
client(const char *proxies, const char *peer, const char *fwd, const char *xff,
    enum forwarded_source *how)
{
	static char text[64];
	struct proxy_list l = list_of(proxies);
	struct sockaddr_storage p = addr(peer), out;

	*how = forwarded_client(&l, (const struct sockaddr *)&p, fwd, xff, &out);
	forwarded_format((const struct sockaddr *)&out, text, sizeof text);
	return text;
}

START_TEST(cidrs_parse_strictly)
{
	struct cidr c;

	ck_assert_int_eq(forwarded_parse_cidr("192.0.2.0/24", &c), 0);
	ck_assert_int_eq(c.family, AF_INET);
	ck_assert_int_eq(c.bits, 24);
	ck_assert_int_eq(forwarded_parse_cidr("127.0.0.1", &c), 0);
	ck_assert_int_eq(c.bits, 32);
	ck_assert_int_eq(forwarded_parse_cidr("2001:db8::/32", &c), 0);
	ck_assert_int_eq(c.family, AF_INET6);
	ck_assert_int_eq(forwarded_parse_cidr("::1", &c), 0);
	ck_assert_int_eq(c.bits, 128);
	ck_assert_int_eq(forwarded_parse_cidr("0.0.0.0/0", &c), 0);
	ck_assert_int_eq(forwarded_parse_cidr("::ffff:10.0.0.0/104", &c), 0);
	ck_assert_int_eq(c.family, AF_INET);
	ck_assert_int_eq(c.bits, 8);
	/* host bits set, bad prefixes, not addresses */
	ck_assert_int_eq(forwarded_parse_cidr("10.0.0.1/8", &c), -1);
	ck_assert_int_eq(forwarded_parse_cidr("2001:db8::1/32", &c), -1);
	ck_assert_int_eq(forwarded_parse_cidr("10.0.0.0/33", &c), -1);
	ck_assert_int_eq(forwarded_parse_cidr("10.0.0.0/", &c), -1);
	ck_assert_int_eq(forwarded_parse_cidr("10.0.0.0/08", &c), -1);
	ck_assert_int_eq(forwarded_parse_cidr("10.0.0.0/-1", &c), -1);
	ck_assert_int_eq(forwarded_parse_cidr("::/129", &c), -1);
	ck_assert_int_eq(forwarded_parse_cidr("localhost", &c), -1);
	ck_assert_int_eq(forwarded_parse_cidr("10.0.0", &c), -1);
	ck_assert_int_eq(forwarded_parse_cidr("/8", &c), -1);
	ck_assert_int_eq(forwarded_parse_cidr("", &c), -1);
}
END_TEST

START_TEST(lists_parse_and_name_the_bad_item)
{
	struct proxy_list l;
	char bad[128], many[2048] = "";

	ck_assert_int_eq(forwarded_parse_list("", &l, bad, sizeof bad), 0);
	ck_assert_int_eq(l.n, 0);
	ck_assert_int_eq(forwarded_parse_list(" 127.0.0.1, ::1 10.0.0.0/8,,", &l, bad,
	    sizeof bad), 0);
	ck_assert_int_eq(l.n, 3);
	ck_assert_int_eq(forwarded_parse_list("127.0.0.1, nginx", &l, bad, sizeof bad), -1);
	ck_assert_ptr_nonnull(strstr(bad, "\"nginx\""));
	for (int i = 0; i <= NPSD_MAX_TRUSTED_PROXIES; i++) {
		size_t n = strlen(many);
		snprintf(many + n, sizeof many - n, "10.0.%d.0/24 ", i);
	}
	ck_assert_int_eq(forwarded_parse_list(many, &l, bad, sizeof bad), -1);
	ck_assert_ptr_nonnull(strstr(bad, "more than"));
}
END_TEST

START_TEST(matching_is_by_prefix_and_family)
{
	struct proxy_list l = list_of("192.0.2.0/25, 10.1.2.3, 2001:db8:ab00::/40, ::1");
	struct proxy_list none = list_of("");
	struct sockaddr_in6 mapped;

	ck_assert(trusted(&l, "192.0.2.0"));
	ck_assert(trusted(&l, "192.0.2.127"));
	ck_assert(!trusted(&l, "192.0.2.128"));
	ck_assert(trusted(&l, "10.1.2.3"));
	ck_assert(!trusted(&l, "10.1.2.4"));
	ck_assert(trusted(&l, "2001:db8:abff::1"));
	ck_assert(!trusted(&l, "2001:db8:ac00::1"));
	ck_assert(trusted(&l, "::1"));
	ck_assert(!trusted(&l, "::2"));
	ck_assert(!trusted(&none, "127.0.0.1"));
	/* a dual-stack socket's IPv4 peer matches the IPv4 range */
	memset(&mapped, 0, sizeof mapped);
	mapped.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "::ffff:10.1.2.3", &mapped.sin6_addr);
	ck_assert(forwarded_trusted(&l, (const struct sockaddr *)&mapped));
	ck_assert(!forwarded_trusted(&l, NULL));
}
END_TEST

START_TEST(untrusted_peers_are_taken_as_they_are)
{
	enum forwarded_source how;

	ck_assert_str_eq(client("", "192.0.2.9", NULL, "203.0.113.5", &how), "192.0.2.9");
	ck_assert_int_eq(how, FORWARDED_PEER);
	ck_assert_str_eq(client("127.0.0.1", "192.0.2.9", "for=203.0.113.5", NULL, &how),
	    "192.0.2.9");
	ck_assert_int_eq(how, FORWARDED_PEER);
	/* a trusted peer without either header is a client itself */
	ck_assert_str_eq(client("127.0.0.1", "127.0.0.1", NULL, NULL, &how), "127.0.0.1");
	ck_assert_int_eq(how, FORWARDED_PEER);
}
END_TEST

START_TEST(x_forwarded_for_is_read_from_the_right)
{
	enum forwarded_source how;
	const char *p = "127.0.0.1, 10.0.0.0/8";

	ck_assert_str_eq(client(p, "127.0.0.1", NULL, "203.0.113.5", &how), "203.0.113.5");
	ck_assert_int_eq(how, FORWARDED_HEADER);
	/* what the client sent stands left of what the proxy appended */
	ck_assert_str_eq(client(p, "127.0.0.1", NULL, "198.51.100.1, 203.0.113.5", &how),
	    "203.0.113.5");
	ck_assert_str_eq(client(p, "127.0.0.1", NULL, "garbage, 203.0.113.5", &how),
	    "203.0.113.5");
	/* proxies in a chain are skipped, their order kept */
	ck_assert_str_eq(client(p, "127.0.0.1", NULL, "198.51.100.1,203.0.113.5, 10.9.9.9 ,"
	    "10.0.0.2", &how), "203.0.113.5");
	/* ports and brackets */
	ck_assert_str_eq(client(p, "127.0.0.1", NULL, "203.0.113.5:4711", &how), "203.0.113.5");
	ck_assert_str_eq(client(p, "127.0.0.1", NULL, "[2001:db8::7]:4711", &how), "2001:db8::7");
	ck_assert_str_eq(client(p, "127.0.0.1", NULL, "2001:db8::7", &how), "2001:db8::7");
	ck_assert_str_eq(client(p, "127.0.0.1", NULL, "::ffff:203.0.113.5", &how), "203.0.113.5");
	/* only trusted entries: the left-most */
	ck_assert_str_eq(client(p, "127.0.0.1", NULL, "10.0.0.7, 10.0.0.2", &how), "10.0.0.7");
	ck_assert_int_eq(how, FORWARDED_HEADER);
	/* an entry the proxy could not fill: the peer stands in */
	ck_assert_str_eq(client(p, "127.0.0.1", NULL, "203.0.113.5, unknown", &how), "127.0.0.1");
	ck_assert_int_eq(how, FORWARDED_UNCLEAR);
	ck_assert_str_eq(client(p, "127.0.0.1", NULL, "", &how), "127.0.0.1");
	ck_assert_int_eq(how, FORWARDED_UNCLEAR);
	ck_assert_str_eq(client(p, "127.0.0.1", NULL, " , ", &how), "127.0.0.1");
	ck_assert_int_eq(how, FORWARDED_UNCLEAR);
	ck_assert_str_eq(client(p, "127.0.0.1", NULL, "[2001:db8::7", &how), "127.0.0.1");
	ck_assert_str_eq(client(p, "127.0.0.1", NULL, "203.0.113.5:", &how), "127.0.0.1");
	ck_assert_str_eq(client(p, "127.0.0.1", NULL, "203.0.113.5:80:80", &how), "127.0.0.1");
}
END_TEST

START_TEST(long_chains_keep_the_right_end)
{
	enum forwarded_source how;
	char chain[4096] = "";

	/* many forged entries on the left cost nothing */
	for (int i = 0; i < 200; i++) {
		size_t n = strlen(chain);
		snprintf(chain + n, sizeof chain - n, "198.51.100.%d, ", i);
	}
	snprintf(chain + strlen(chain), sizeof chain - strlen(chain), "203.0.113.5");
	ck_assert_str_eq(client("127.0.0.1", "127.0.0.1", NULL, chain, &how), "203.0.113.5");
	/* more trusted hops than are kept: cannot tell who came first */
	chain[0] = '\0';
	for (int i = 0; i < NPSD_MAX_FORWARDED_HOPS + 1; i++) {
		size_t n = strlen(chain);
		snprintf(chain + n, sizeof chain - n, "%s10.0.0.%d", i ? ", " : "", i + 1);
	}
	ck_assert_str_eq(client("10.0.0.0/8, 127.0.0.1", "127.0.0.1", NULL, chain, &how),
	    "127.0.0.1");
	ck_assert_int_eq(how, FORWARDED_UNCLEAR);
}
END_TEST

START_TEST(forwarded_follows_rfc_7239)
{
	enum forwarded_source how;
	const char *p = "127.0.0.1, ::1";

	ck_assert_str_eq(client(p, "127.0.0.1", "for=203.0.113.5", NULL, &how), "203.0.113.5");
	ck_assert_int_eq(how, FORWARDED_HEADER);
	ck_assert_str_eq(client(p, "127.0.0.1", "For=\"203.0.113.5:4711\";proto=https;by=_npsd",
	    NULL, &how), "203.0.113.5");
	ck_assert_str_eq(client(p, "::1", "for=\"[2001:db8:cafe::17]:4711\"", NULL, &how),
	    "2001:db8:cafe::17");
	ck_assert_str_eq(client(p, "127.0.0.1", "for=198.51.100.1, for=203.0.113.5;proto=http",
	    NULL, &how), "203.0.113.5");
	/* a quoted comma is no element boundary; escapes are undone */
	ck_assert_str_eq(client(p, "127.0.0.1", "for=198.51.100.1;x=\"a, for=1.2.3.4\", "
	    "for=\"203.0.\\113.5\"", NULL, &how), "203.0.113.5");
	/* empty elements are allowed */
	ck_assert_str_eq(client(p, "127.0.0.1", ",for=203.0.113.5,, ", NULL, &how),
	    "203.0.113.5");
	/* a broken element of the client's own, left of the proxy's */
	ck_assert_str_eq(client(p, "127.0.0.1", "for=\"x;;y, for=203.0.113.5", NULL, &how),
	    "127.0.0.1");
	ck_assert_int_eq(how, FORWARDED_UNCLEAR);
	ck_assert_str_eq(client(p, "127.0.0.1", "for=; junk, for=203.0.113.5", NULL, &how),
	    "203.0.113.5");
	ck_assert_str_eq(client(p, "127.0.0.1", "junk junk, for=203.0.113.5", NULL, &how),
	    "203.0.113.5");
	/* the proxy's own element names no usable client */
	ck_assert_str_eq(client(p, "127.0.0.1", "for=203.0.113.5, for=unknown", NULL, &how),
	    "127.0.0.1");
	ck_assert_int_eq(how, FORWARDED_UNCLEAR);
	ck_assert_str_eq(client(p, "127.0.0.1", "for=_hidden", NULL, &how), "127.0.0.1");
	ck_assert_str_eq(client(p, "127.0.0.1", "proto=https", NULL, &how), "127.0.0.1");
	ck_assert_str_eq(client(p, "127.0.0.1", "for=1.2.3.4;for=203.0.113.5", NULL, &how),
	    "127.0.0.1");
	ck_assert_str_eq(client(p, "127.0.0.1", "for=[2001:db8::1]", NULL, &how), "127.0.0.1");
}
END_TEST

START_TEST(both_headers_must_agree)
{
	enum forwarded_source how;
	const char *p = "127.0.0.1";

	ck_assert_str_eq(client(p, "127.0.0.1", "for=203.0.113.5", "203.0.113.5", &how),
	    "203.0.113.5");
	ck_assert_int_eq(how, FORWARDED_HEADER);
	/* a client's forged Forwarded through a proxy that writes X-Forwarded-For */
	ck_assert_str_eq(client(p, "127.0.0.1", "for=198.51.100.77", "203.0.113.5", &how),
	    "127.0.0.1");
	ck_assert_int_eq(how, FORWARDED_UNCLEAR);
	ck_assert_str_eq(client(p, "127.0.0.1", "for=unknown", "203.0.113.5", &how),
	    "127.0.0.1");
	ck_assert_int_eq(how, FORWARDED_UNCLEAR);
}
END_TEST

START_TEST(format_writes_plain_addresses)
{
	struct sockaddr_storage a = addr("2001:db8::1"), b = addr("192.0.2.7");
	char text[64];

	forwarded_format((const struct sockaddr *)&a, text, sizeof text);
	ck_assert_str_eq(text, "2001:db8::1");
	forwarded_format((const struct sockaddr *)&b, text, sizeof text);
	ck_assert_str_eq(text, "192.0.2.7");
	forwarded_format(NULL, text, sizeof text);
	ck_assert_str_eq(text, "-");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("forwarded");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, cidrs_parse_strictly);
	tcase_add_test(tc, lists_parse_and_name_the_bad_item);
	tcase_add_test(tc, matching_is_by_prefix_and_family);
	tcase_add_test(tc, untrusted_peers_are_taken_as_they_are);
	tcase_add_test(tc, x_forwarded_for_is_read_from_the_right);
	tcase_add_test(tc, long_chains_keep_the_right_end);
	tcase_add_test(tc, forwarded_follows_rfc_7239);
	tcase_add_test(tc, both_headers_must_agree);
	tcase_add_test(tc, format_writes_plain_addresses);
	suite_add_tcase(s, tc);
	return check_run(s);
}
