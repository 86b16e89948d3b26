/* health.c - owns GET /healthz: 200 when the database answers. */
#include "autoconfig.h"

#include "db.h"
#include "http.h"

enum MHD_Result
health_handle(struct request *req)
{
	sqlite3 *db = db_thread();

	if (db == NULL || db_schema_version(db) != db_latest_version())
		return http_text(req, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain", "unavailable\n");
	return http_text(req, MHD_HTTP_OK, "text/plain", "ok\n");
}
