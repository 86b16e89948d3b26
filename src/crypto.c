/* crypto.c - owns every use of libcrypto: HMAC-SHA256, SHA-256, random
 * tokens, base64 and constant-time comparison. */
#include "autoconfig.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "crypto.h"
#include "limits.h"

int
crypto_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen,
    unsigned char out[CRYPTO_SHA256_LEN])
{
	unsigned int outlen = 0;

	if (HMAC(EVP_sha256(), key, (int)keylen, msg, msglen, out, &outlen) == NULL ||
	    outlen != CRYPTO_SHA256_LEN)
		return -1;
	return 0;
}

int
crypto_hmac(const char *digest, const void *key, size_t keylen, const void *a, size_t alen,
    const void *b, size_t blen, unsigned char *out)
{
	const EVP_MD *md = strcmp(digest, "sha1") == 0 ? EVP_sha1() : EVP_sha256();
	unsigned int outlen = 0;
	unsigned char *msg;
	int ok;

	if ((msg = malloc(alen + blen + 1)) == NULL)
		return -1;
	memcpy(msg, a, alen);
	if (blen > 0)
		memcpy(msg + alen, b, blen);
	ok = HMAC(md, key, (int)keylen, msg, alen + blen, out, &outlen) != NULL;
	free(msg);
	return ok ? (int)outlen : -1;
}

void
crypto_hex(const unsigned char *in, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * len] = '\0';
}

void
crypto_sha256_hex(const void *msg, size_t len, char out[CRYPTO_SHA256_HEX])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[CRYPTO_SHA256_LEN];
	unsigned int mdlen = 0;
	size_t i;

	EVP_Digest(msg, len, md, &mdlen, EVP_sha256(), NULL);
	for (i = 0; i < CRYPTO_SHA256_LEN; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * CRYPTO_SHA256_LEN] = '\0';
}

void
crypto_address_hash(const char *email, char out[CRYPTO_SHA256_HEX])
{
	char lower[NPSD_MAX_EMAIL + 1];
	size_t i;

	for (i = 0; email[i] != '\0' && i < NPSD_MAX_EMAIL; i++)
		lower[i] = (char)tolower((unsigned char)email[i]);
	crypto_sha256_hex(lower, i, out);
	crypto_wipe(lower, sizeof lower);
}

int
crypto_equal(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}

size_t
crypto_base64_encode(const unsigned char *in, size_t len, char *out)
{
	return (size_t)EVP_EncodeBlock((unsigned char *)out, in, (int)len);
}

long
crypto_base64_decode(const char *in, size_t len, unsigned char *out, size_t outlen)
{
	unsigned char tmp[4];
	size_t i, pad = 0, full;
	int n;

	/* EVP_DecodeBlock wants whole quanta and counts padding as zero bytes. */
	for (i = 0; i < len; i++) {
		char c = in[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '='))
			return -1;
		if (c == '=' && i + 2 < len)
			return -1;
	}
	while (len > 0 && in[len - 1] == '=') {
		len--;
		pad++;
	}
	if (pad > 2 || len % 4 == 1)
		return -1;
	full = (len / 4) * 3 + (len % 4 ? len % 4 - 1 : 0);
	if (full > outlen)
		return -1;
	if (len / 4 > 0) {
		n = EVP_DecodeBlock(out, (const unsigned char *)in, (int)(len / 4 * 4));
		if (n < 0)
			return -1;
	}
	if (len % 4) {
		char quad[4] = { 'A', 'A', 'A', 'A' };
		memcpy(quad, in + len / 4 * 4, len % 4);
		if (EVP_DecodeBlock(tmp, (unsigned char *)quad, 4) != 3)
			return -1;
		memcpy(out + len / 4 * 3, tmp, len % 4 - 1);
	}
	return (long)full;
}

int
crypto_random_bytes(void *out, size_t len)
{
	return RAND_bytes(out, (int)len) == 1 ? 0 : -1;
}

int
crypto_token_new(char out[23])
{
	unsigned char raw[NPSD_TOKEN_BYTES];
	char b64[32];
	size_t i, n;

	if (crypto_random_bytes(raw, sizeof raw) == -1)
		return -1;
	n = crypto_base64_encode(raw, sizeof raw, b64);
	crypto_wipe(raw, sizeof raw);
	for (i = 0; i < NPSD_TOKEN_CHARS && i < n; i++)
		out[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : b64[i];
	out[NPSD_TOKEN_CHARS] = '\0';
	crypto_wipe(b64, sizeof b64);
	return 0;
}

int
crypto_token_wellformed(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		char c = s[i];
		if (i >= NPSD_TOKEN_CHARS)
			return 0;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return i == NPSD_TOKEN_CHARS;
}

void
crypto_wipe(void *p, size_t len)
{
	OPENSSL_cleanse(p, len);
}
