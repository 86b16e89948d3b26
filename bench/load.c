/* load.c - the benchmark's load generator: CONCURRENCY keep-alive
 * connections posting signed common events (each with its own
 * webhook-id and ticket) for SECONDS, then prints
 * "requests N seconds S rate R ok K other O".
 * Usage: load URL SECRET_BASE64 CONCURRENCY SECONDS */
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct slot {
	CURL		*easy;
	struct curl_slist *headers;
	char		 body[512];
};

static unsigned char key[64];
static int keylen;
static long counter;
static char run_id[32];

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t
discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p; (void)arg;
	return size * n;
}

static void
prepare(struct slot *s, const char *url)
{
	char id[64], ts[32], hdr[160], *content;
	unsigned char mac[32];
	unsigned int maclen = 0;
	char sig[64];
	size_t total;

	counter++;
	snprintf(id, sizeof id, "msg_%s_%ld", run_id, counter);
	snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
	snprintf(s->body, sizeof s->body,
	    "{\"type\":\"ticket.closed\",\"ticket\":{\"id\":\"B-%s-%ld\",\"subject\":\"Bench\"},"
	    "\"requester\":{\"email\":\"user%ld@example.net\",\"name\":\"Bench User\"},"
	    "\"agent\":{\"id\":\"agent%ld\"},\"team\":{\"id\":\"team%ld\"}}",
	    run_id, counter, counter, counter % 50, counter % 5);
	total = strlen(id) + strlen(ts) + strlen(s->body) + 3;
	content = malloc(total);
	snprintf(content, total, "%s.%s.%s", id, ts, s->body);
	HMAC(EVP_sha256(), key, keylen, (unsigned char *)content, strlen(content), mac, &maclen);
	free(content);
	EVP_EncodeBlock((unsigned char *)sig, mac, 32);

	curl_slist_free_all(s->headers);
	s->headers = curl_slist_append(NULL, "Content-Type: application/json");
	snprintf(hdr, sizeof hdr, "webhook-id: %s", id);
	s->headers = curl_slist_append(s->headers, hdr);
	snprintf(hdr, sizeof hdr, "webhook-timestamp: %s", ts);
	s->headers = curl_slist_append(s->headers, hdr);
	snprintf(hdr, sizeof hdr, "webhook-signature: v1,%s", sig);
	s->headers = curl_slist_append(s->headers, hdr);
	curl_easy_setopt(s->easy, CURLOPT_URL, url);
	curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, s->headers);
	curl_easy_setopt(s->easy, CURLOPT_POSTFIELDS, s->body);
	curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, discard);
}

int
main(int argc, char **argv)
{
	struct slot *slots;
	CURLM *multi;
	double start, end;
	long requests = 0, ok = 0, other = 0;
	int conc, running;

	if (argc != 5)
		return 2;
	keylen = EVP_DecodeBlock(key, (const unsigned char *)argv[2], (int)strlen(argv[2]));
	while (keylen > 0 && argv[2][strlen(argv[2]) - 1] == '=' && keylen--)
		argv[2][strlen(argv[2]) - 1] = '\0';
	conc = atoi(argv[3]);
	snprintf(run_id, sizeof run_id, "%lx", (long)time(NULL) ^ (long)clock());
	curl_global_init(CURL_GLOBAL_DEFAULT);
	multi = curl_multi_init();
	slots = calloc((size_t)conc, sizeof *slots);
	for (int i = 0; i < conc; i++) {
		slots[i].easy = curl_easy_init();
		curl_easy_setopt(slots[i].easy, CURLOPT_PRIVATE, &slots[i]);
		prepare(&slots[i], argv[1]);
		curl_multi_add_handle(multi, slots[i].easy);
	}
	start = now();
	end = start + atof(argv[4]);
	do {
		CURLMsg *msg;
		int left;

		curl_multi_perform(multi, &running);
		while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
			struct slot *s;
			long code = 0;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
			curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &code);
			requests++;
			if (msg->data.result == CURLE_OK && code >= 200 && code < 300)
				ok++;
			else
				other++;
			curl_multi_remove_handle(multi, s->easy);
			if (now() < end) {
				prepare(s, argv[1]);
				curl_multi_add_handle(multi, s->easy);
			}
		}
		if (running)
			curl_multi_poll(multi, NULL, 0, 100, NULL);
	} while (running || now() < end);
	end = now();
	printf("requests %ld seconds %.2f rate %.0f ok %ld other %ld\n", requests, end - start,
	    (double)requests / (end - start), ok, other);
	return other == 0 ? 0 : 1;
}
