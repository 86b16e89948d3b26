/* fuzz_forwarded.c - owns fuzzing src/forwarded.c: the trusted_proxies
 * list and CIDR parser, and the client read from Forwarded and
 * X-Forwarded-For. Fields (NUL-separated): trusted_proxies, the peer
 * address, Forwarded, X-Forwarded-For ("-" as the header's whole value
 * means absent). Invariants: the client is always an IP address; from an
 * untrusted peer it is the peer; a client taken from a header is either
 * no trusted proxy or the left-most entry. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "forwarded.h"
#include "harness.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
peer_of(const char *text, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (inet_pton(AF_INET, text, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		ss->ss_family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, text, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		ss->ss_family = AF_INET6;
		return 0;
	}
	return -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_fields f;
	struct proxy_list list;
	struct sockaddr_storage peer, out;
	enum forwarded_source how;
	const char *fwd, *xff;
	char bad[128], text[64], peer_text[64];
	struct cidr c;

	if (fuzz_fields_split(&f, data, size) == -1)
		return 0;
	(void)forwarded_parse_cidr(f.field[0], &c);
	if (forwarded_parse_list(f.field[0], &list, bad, sizeof bad) == -1) {
		FUZZ_CHECK(memchr(bad, '\0', sizeof bad) != NULL);
		memset(&list, 0, sizeof list);
	}
	FUZZ_CHECK(list.n >= 0 && list.n <= NPSD_MAX_TRUSTED_PROXIES);
	if (peer_of(f.field[1], &peer) == -1)
		peer_of("127.0.0.1", &peer);
	fwd = strcmp(f.field[2], "-") == 0 ? NULL : f.field[2];
	xff = strcmp(f.field[3], "-") == 0 ? NULL : f.field[3];
	how = forwarded_client(&list, (const struct sockaddr *)&peer, fwd, xff, &out);
	FUZZ_CHECK(out.ss_family == AF_INET || out.ss_family == AF_INET6);
	forwarded_format((const struct sockaddr *)&out, text, sizeof text);
	FUZZ_CHECK(strcmp(text, "-") != 0);
	forwarded_format((const struct sockaddr *)&peer, peer_text, sizeof peer_text);
	if (!forwarded_trusted(&list, (const struct sockaddr *)&peer)) {
		FUZZ_CHECK(how == FORWARDED_PEER);
		FUZZ_CHECK(strcmp(text, peer_text) == 0);
	}
	if (how == FORWARDED_UNCLEAR)
		FUZZ_CHECK(strcmp(text, peer_text) == 0);
	fuzz_fields_free(&f);
	return 0;
}
