/* crypto.h - HMAC, hashes, random tokens, base64 and constant-time compare,
 * all through OpenSSL libcrypto. */
#ifndef NPSD_CRYPTO_H
#define NPSD_CRYPTO_H

#include <stddef.h>

#define CRYPTO_SHA256_LEN	32
#define CRYPTO_SHA256_HEX	65	/* 64 hex digits + NUL */

int	crypto_hmac_sha256(const void *key, size_t keylen, const void *msg,
	    size_t msglen, unsigned char out[CRYPTO_SHA256_LEN]);
/* HMAC with "sha1" or "sha256" over two concatenated parts; returns the
 * MAC length or -1. out must hold 64 bytes. */
int	crypto_hmac(const char *digest, const void *key, size_t keylen, const void *a,
    size_t alen, const void *b, size_t blen, unsigned char *out);
void	crypto_hex(const unsigned char *in, size_t len, char *out);
/* SHA-256 hex of an address in lower case: how suppressed addresses are
 * kept, so the list never holds an address. */
void	crypto_address_hash(const char *email, char out[CRYPTO_SHA256_HEX]);
void	crypto_sha256_hex(const void *msg, size_t len, char out[CRYPTO_SHA256_HEX]);
/* 1 when equal; time depends only on len. */
int	crypto_equal(const void *a, const void *b, size_t len);
/* Standard base64 with padding; out must hold 4*((len+2)/3)+1. */
size_t	crypto_base64_encode(const unsigned char *in, size_t len, char *out);
/* Standard base64 (padding optional). Returns decoded length or -1. */
long	crypto_base64_decode(const char *in, size_t len, unsigned char *out, size_t outlen);
/* 128 random bits as unpadded base64url (22 chars + NUL). -1 if no entropy. */
int	crypto_token_new(char out[23]);
/* 1 when s is exactly a token's shape. */
int	crypto_token_wellformed(const char *s);
int	crypto_random_bytes(void *out, size_t len);
void	crypto_wipe(void *p, size_t len);

#endif
