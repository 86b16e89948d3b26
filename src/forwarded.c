/* forwarded.c - owns who the client is behind a reverse proxy: the
 * trusted_proxies list (CIDR ranges, IPv4 and IPv6), and the client
 * address read from Forwarded (RFC 7239) or X-Forwarded-For, only when
 * the peer itself is trusted. Each proxy appends the address it got the
 * request from, so the list is read from the right: the first address
 * that is no trusted proxy is the client; everything left of it is
 * whatever that client chose to send. Pure: no I/O, no configuration. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "forwarded.h"

struct hop {
	int			 known;		/* an address, not "unknown" or garbage */
	struct sockaddr_storage	 addr;
};

/* The right-most NPSD_MAX_FORWARDED_HOPS entries of a header, a ring. */
struct hops {
	struct hop	 ring[NPSD_MAX_FORWARDED_HOPS];
	size_t		 total;		/* entries seen, kept or not */
};

static void
set_v4(struct sockaddr_storage *ss, const unsigned char *bytes)
{
	struct sockaddr_in sin;

	memset(ss, 0, sizeof *ss);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	memcpy(&sin.sin_addr, bytes, 4);
	memcpy(ss, &sin, sizeof sin);
}

static void
set_v6(struct sockaddr_storage *ss, const struct in6_addr *a)
{
	struct sockaddr_in6 sin6;

	if (IN6_IS_ADDR_V4MAPPED(a)) {	/* a dual-stack socket's IPv4 client */
		set_v4(ss, a->s6_addr + 12);
		return;
	}
	memset(ss, 0, sizeof *ss);
	memset(&sin6, 0, sizeof sin6);
	sin6.sin6_family = AF_INET6;
	sin6.sin6_addr = *a;
	memcpy(ss, &sin6, sizeof sin6);
}

/* family and address bytes of sa, IPv4-mapped as IPv4; 0 when not IP.
 * The bytes are copied out by memcpy: the sockaddr types alias. */
static int
address_bytes(const struct sockaddr *sa, unsigned char bytes[16])
{
	struct sockaddr_in6 sin6;
	struct sockaddr_in sin;
	sa_family_t family;

	if (sa == NULL)
		return 0;
	memcpy(&family, (const char *)sa + offsetof(struct sockaddr, sa_family), sizeof family);
	if (family == AF_INET) {
		memcpy(&sin, sa, sizeof sin);
		memcpy(bytes, &sin.sin_addr, 4);
		return AF_INET;
	}
	if (family != AF_INET6)
		return 0;
	memcpy(&sin6, sa, sizeof sin6);
	if (IN6_IS_ADDR_V4MAPPED(&sin6.sin6_addr)) {
		memcpy(bytes, sin6.sin6_addr.s6_addr + 12, 4);
		return AF_INET;
	}
	memcpy(bytes, sin6.sin6_addr.s6_addr, 16);
	return AF_INET6;
}

static int
digits_number(const char *s, size_t len, int max, int *out)
{
	int n = 0;

	if (len == 0 || len > 3)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		n = n * 10 + (s[i] - '0');
	}
	if (n > max || (len > 1 && s[0] == '0'))
		return -1;
	*out = n;
	return 0;
}

int
forwarded_parse_cidr(const char *text, struct cidr *out)
{
	const char *slash = strchr(text, '/');
	size_t alen = slash ? (size_t)(slash - text) : strlen(text);
	char addr[INET6_ADDRSTRLEN];
	struct in6_addr a6;
	int bits;

	memset(out, 0, sizeof *out);
	memset(&a6, 0, sizeof a6);
	if (alen == 0 || alen >= sizeof addr)
		return -1;
	memcpy(addr, text, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, out->addr) == 1) {
		out->family = AF_INET;
		out->bits = 32;
	} else if (inet_pton(AF_INET6, addr, &a6) == 1) {
		out->family = AF_INET6;
		out->bits = 128;
		memcpy(out->addr, a6.s6_addr, 16);
	} else
		return -1;
	if (slash != NULL) {
		if (digits_number(slash + 1, strlen(slash + 1), out->bits, &bits) == -1)
			return -1;
		out->bits = bits;
	}
	/* an address with bits past the prefix is most likely a typo */
	for (int i = out->bits; i < (out->family == AF_INET ? 32 : 128); i++)
		if (out->addr[i / 8] & (0x80 >> (i % 8)))
			return -1;
	if (out->family == AF_INET6 && out->bits >= 96 && IN6_IS_ADDR_V4MAPPED(&a6)) {
		out->family = AF_INET;
		memmove(out->addr, out->addr + 12, 4);
		memset(out->addr + 4, 0, 12);
		out->bits -= 96;
	}
	return 0;
}

int
forwarded_parse_list(const char *text, struct proxy_list *out, char *bad, size_t badlen)
{
	const char *p = text;
	char item[128];

	memset(out, 0, sizeof *out);
	for (;;) {
		size_t n;

		p += strspn(p, ", \t");
		if (*p == '\0')
			return 0;
		n = strcspn(p, ", \t");
		snprintf(item, sizeof item, "%.*s", (int)(n < sizeof item ? n : sizeof item - 1), p);
		if (out->n == NPSD_MAX_TRUSTED_PROXIES) {
			snprintf(bad, badlen, "more than %d entries", NPSD_MAX_TRUSTED_PROXIES);
			return -1;
		}
		if (n >= sizeof item || forwarded_parse_cidr(item, &out->cidrs[out->n]) == -1) {
			snprintf(bad, badlen, "\"%.60s\" is no address or ADDRESS/PREFIX with "
			    "zero host bits", item);
			return -1;
		}
		out->n++;
		p += n;
	}
}

static int
in_cidr(const struct cidr *c, int family, const unsigned char *bytes)
{
	int whole = c->bits / 8, rest = c->bits % 8;

	if (c->family != family || memcmp(c->addr, bytes, (size_t)whole) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((c->addr[whole] ^ bytes[whole]) & (0xff << (8 - rest))) == 0;
}

int
forwarded_trusted(const struct proxy_list *list, const struct sockaddr *sa)
{
	unsigned char bytes[16];
	int family = address_bytes(sa, bytes);

	if (family == 0 || list == NULL)
		return 0;
	for (int i = 0; i < list->n; i++)
		if (in_cidr(&list->cidrs[i], family, bytes))
			return 1;
	return 0;
}

/* ":" and a port, or RFC 7239's obfuscated port ("_abc"). */
static int
port_ok(const char *s, size_t len)
{
	if (len < 2 || s[0] != ':')
		return 0;
	for (size_t i = 1; i < len; i++)
		if (!(s[i] >= '0' && s[i] <= '9') && !(s[i] >= 'a' && s[i] <= 'z') &&
		    !(s[i] >= 'A' && s[i] <= 'Z') && s[i] != '_' && s[i] != '.' && s[i] != '-')
			return 0;
	return 1;
}

/* One node: "192.0.2.7", "192.0.2.7:8080", "2001:db8::1", "[2001:db8::1]",
 * "[2001:db8::1]:8080". Anything else ("unknown", "_hidden") is -1. */
static int
node_parse(const char *s, size_t len, struct sockaddr_storage *out)
{
	char text[INET6_ADDRSTRLEN];
	const char *host = s, *colon;
	size_t hostlen = len;
	unsigned char v4[4];
	struct in6_addr v6;
	int bracketed = 0;

	if (len > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', len);

		if (close == NULL)
			return -1;
		host = s + 1;
		hostlen = (size_t)(close - host);
		if ((size_t)(close + 1 - s) < len && !port_ok(close + 1, len - (size_t)(close + 1 - s)))
			return -1;
		bracketed = 1;
	} else if ((colon = memchr(s, ':', len)) != NULL &&
	    memchr(colon + 1, ':', len - (size_t)(colon + 1 - s)) == NULL) {
		hostlen = (size_t)(colon - s);	/* one colon: IPv4 and a port */
		if (!port_ok(colon, len - hostlen))
			return -1;
	}
	if (hostlen == 0 || hostlen >= sizeof text)
		return -1;
	memcpy(text, host, hostlen);
	text[hostlen] = '\0';
	if (!bracketed && inet_pton(AF_INET, text, v4) == 1) {
		set_v4(out, v4);
		return 0;
	}
	if (inet_pton(AF_INET6, text, &v6) == 1) {
		set_v6(out, &v6);
		return 0;
	}
	return -1;
}

static void
hops_add(struct hops *h, int known, const struct sockaddr_storage *addr)
{
	struct hop *slot = &h->ring[h->total % NPSD_MAX_FORWARDED_HOPS];

	slot->known = known;
	if (known)
		slot->addr = *addr;
	h->total++;
}

static int
is_tchar(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static const char *
skip_ows(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* After a syntax error: on to the next "," outside a quoted string. */
static const char *
skip_element(const char *p, const char *end)
{
	int quoted = 0;

	for (; p < end; p++) {
		if (quoted && *p == '\\' && p + 1 < end)
			p++;
		else if (*p == '"')
			quoted = !quoted;
		else if (*p == ',' && !quoted)
			break;
	}
	return p;
}

/* A parameter value: token or quoted-string (RFC 7230), unescaped into
 * value; -1 on a syntax error. *overflow when it did not fit. */
static int
param_value(const char **pp, const char *end, char *value, size_t valuelen, size_t *len,
    int *overflow)
{
	const char *p = *pp;
	int quoted = p < end && *p == '"';

	*len = 0;
	if (quoted)
		p++;
	while (p < end && (quoted ? *p != '"' : is_tchar(*p))) {
		if (quoted && *p == '\\' && p + 1 < end)
			p++;
		if (*len + 1 < valuelen)
			value[(*len)++] = *p;
		else
			*overflow = 1;
		p++;
	}
	if (quoted) {
		if (p == end)
			return -1;
		p++;
	} else if (*len == 0 && !*overflow)
		return -1;
	value[*len] = '\0';
	*pp = p;
	return 0;
}

/* One element of Forwarded (pairs separated by ";"), up to the "," that
 * ends it: 1 with addr set when its one for= is an address, 0 when it
 * names no usable client, 2 when it is empty. */
static int
forwarded_element(const char **pp, const char *end, struct sockaddr_storage *addr)
{
	const char *p = *pp, *name;
	int fors = 0, for_ok = 0, bad = 0, empty = 1;
	char value[128];

	for (;;) {
		size_t namelen, len;
		int overflow = 0;

		p = skip_ows(p, end);
		if (p == end || *p == ',')
			break;
		empty = 0;
		for (name = p; p < end && is_tchar(*p); p++)
			;
		namelen = (size_t)(p - name);
		if (namelen == 0 || p == end || *p != '=') {
			bad = 1;
			break;
		}
		p++;
		if (param_value(&p, end, value, sizeof value, &len, &overflow) == -1) {
			bad = 1;
			break;
		}
		if (namelen == 3 && strncasecmp(name, "for", 3) == 0)
			for_ok = fors++ == 0 && !overflow && node_parse(value, len, addr) == 0;
		p = skip_ows(p, end);
		if (p < end && *p == ';') {
			p++;
			continue;
		}
		if (p < end && *p != ',')
			bad = 1;
		break;
	}
	*pp = bad ? skip_element(p, end) : p;
	if (empty && !bad)
		return 2;
	return !bad && fors == 1 && for_ok;
}

static void
parse_forwarded(const char *value, struct hops *h)
{
	const char *p = value, *end = value + strlen(value);
	struct sockaddr_storage addr;

	while (p < end) {
		int r = forwarded_element(&p, end, &addr);

		if (r != 2)
			hops_add(h, r == 1, &addr);
		if (p < end)	/* the "," */
			p++;
	}
}

static void
parse_x_forwarded_for(const char *value, struct hops *h)
{
	const char *p = value, *end = value + strlen(value);
	struct sockaddr_storage addr;

	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p)), *stop = comma ? comma : end;
		const char *q = stop;

		p = skip_ows(p, stop);
		while (q > p && (q[-1] == ' ' || q[-1] == '\t'))
			q--;
		if (q > p)
			hops_add(h, node_parse(p, (size_t)(q - p), &addr) == 0, &addr);
		p = comma ? comma + 1 : end;
	}
}

/* From the right: the first address no trusted proxy has; when every
 * entry is a trusted proxy, the left-most. -1 when an entry on the way
 * names no address, or there is none. */
static int
hops_client(const struct proxy_list *list, const struct hops *h,
    struct sockaddr_storage *out)
{
	size_t kept = h->total < NPSD_MAX_FORWARDED_HOPS ? h->total : NPSD_MAX_FORWARDED_HOPS;

	for (size_t k = 0; k < kept; k++) {
		const struct hop *hop = &h->ring[(h->total - 1 - k) % NPSD_MAX_FORWARDED_HOPS];

		if (!hop->known)
			return -1;
		*out = hop->addr;
		if (!forwarded_trusted(list, (const struct sockaddr *)out))
			return 0;
	}
	return kept > 0 && h->total == kept ? 0 : -1;
}

static int
same_address(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	unsigned char x[16], y[16];
	int fa = address_bytes((const struct sockaddr *)a, x);

	return fa != 0 && fa == address_bytes((const struct sockaddr *)b, y) &&
	    memcmp(x, y, fa == AF_INET ? 4 : 16) == 0;
}

enum forwarded_source
forwarded_client(const struct proxy_list *list, const struct sockaddr *peer,
    const char *forwarded, const char *x_forwarded_for, struct sockaddr_storage *out)
{
	struct sockaddr_storage from_f, from_x;
	unsigned char bytes[16];
	struct hops h;
	int family = address_bytes(peer, bytes), rf = -1, rx = -1;

	memset(out, 0, sizeof *out);
	if (family == AF_INET)
		set_v4(out, bytes);
	else if (family == AF_INET6) {
		struct in6_addr a6;

		memcpy(a6.s6_addr, bytes, 16);
		set_v6(out, &a6);
	}
	if (!forwarded_trusted(list, peer) || (forwarded == NULL && x_forwarded_for == NULL))
		return FORWARDED_PEER;
	if (forwarded != NULL) {
		memset(&h, 0, sizeof h);
		parse_forwarded(forwarded, &h);
		rf = hops_client(list, &h, &from_f);
	}
	if (x_forwarded_for != NULL) {
		memset(&h, 0, sizeof h);
		parse_x_forwarded_for(x_forwarded_for, &h);
		rx = hops_client(list, &h, &from_x);
	}
	/* A proxy writes one of the two; the other came from the client as
	 * it was. Disagreeing, neither can be believed. */
	if (forwarded != NULL && x_forwarded_for != NULL) {
		if (rf == -1 || rx == -1 || !same_address(&from_f, &from_x))
			return FORWARDED_UNCLEAR;
	} else if ((forwarded != NULL ? rf : rx) == -1)
		return FORWARDED_UNCLEAR;
	*out = forwarded != NULL ? from_f : from_x;
	return FORWARDED_HEADER;
}

void
forwarded_format(const struct sockaddr *sa, char *out, size_t outlen)
{
	unsigned char bytes[16];
	char text[INET6_ADDRSTRLEN];
	int family = address_bytes(sa, bytes);

	if (family == 0 || inet_ntop(family, bytes, text, sizeof text) == NULL)
		snprintf(out, outlen, "-");
	else
		snprintf(out, outlen, "%s", text);
}
