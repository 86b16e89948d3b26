/* forwarded.h - trusted proxies ([server] trusted_proxies) and the client
 * address a request names behind them (Forwarded, X-Forwarded-For). */
#ifndef NPSD_FORWARDED_H
#define NPSD_FORWARDED_H

#include <stddef.h>
#include <sys/socket.h>

#include "limits.h"

struct cidr {
	int		 family;	/* AF_INET or AF_INET6 */
	unsigned char	 addr[16];	/* network byte order; 4 used for IPv4 */
	int		 bits;		/* prefix length */
};

struct proxy_list {
	struct cidr	 cidrs[NPSD_MAX_TRUSTED_PROXIES];
	int		 n;
};

/* Where forwarded_client took the address from. */
enum forwarded_source {
	FORWARDED_PEER,		/* the peer is no trusted proxy, or sent no header */
	FORWARDED_HEADER,	/* the right-most address no trusted proxy wrote */
	FORWARDED_UNCLEAR,	/* a trusted peer's headers name no client, or two:
				 * the peer's own address stands in */
};

/* "192.0.2.0/24", "2001:db8::/32", or one address ("127.0.0.1", "::1").
 * Bits set past the prefix are refused: "10.0.0.1/8" is a typo. */
int	forwarded_parse_cidr(const char *text, struct cidr *out);
/* A list separated by commas and/or blanks; "" is the empty list. On
 * error -1, with the offending item (or the reason) in bad. */
int	forwarded_parse_list(const char *text, struct proxy_list *out, char *bad,
    size_t badlen);
/* 1 when sa (IPv4, IPv6, or IPv4-mapped IPv6) lies in one of list's ranges. */
int	forwarded_trusted(const struct proxy_list *list, const struct sockaddr *sa);
/* The client of a request that came from peer with these header values
 * (each NULL when absent; several lines of one header joined by ","):
 * from a trusted peer only, the right-most address in the header that is
 * not itself a trusted proxy; with both headers present, they must agree.
 * out always gets an address (the peer's when no other can be told);
 * an IPv4-mapped peer comes out as IPv4. */
enum forwarded_source forwarded_client(const struct proxy_list *list,
    const struct sockaddr *peer, const char *forwarded, const char *x_forwarded_for,
    struct sockaddr_storage *out);
/* The address as text ("192.0.2.7", "2001:db8::1"); "-" when there is none. */
void	forwarded_format(const struct sockaddr *sa, char *out, size_t outlen);

#endif
