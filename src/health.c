/* health.c - owns GET /healthz: 200 when the database answers and the
 * mailer can record its deliveries; 503 (with Retry-After) otherwise. */
#include "autoconfig.h"

#include "http.h"
#include "mailer.h"
#include "store.h"

enum MHD_Result
health_handle(struct request *req)
{
	struct store *db = store_thread();

	if (db == NULL || store_schema_version(db) != store_latest_version(store_backend(db)))
		return http_text(req, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain", "unavailable\n");
	if (!mailer_storage_writable())
		return http_text(req, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain",
		    "unavailable: the database cannot be written; no mail is sent\n");
	return http_text(req, MHD_HTTP_OK, "text/plain", "ok\n");
}
