/* mhd_fake.c - owns the stand-in connection of mhd_fake.h. Header names
 * compare without case, as libmicrohttpd compares them. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mhd_fake.h"

#define MHD_FAKE_MAX_VALUES 64

static char fake_storage[4096];
struct MHD_Connection *const mhd_fake_connection = (struct MHD_Connection *)fake_storage;

static struct {
	enum MHD_ValueKind	 kind;
	char			*key;
	char			*value;
} values[MHD_FAKE_MAX_VALUES];
static size_t nvalues;
static int responses;
static unsigned last_status;

void
mhd_fake_add(enum MHD_ValueKind kind, const char *key, size_t keylen, const char *value,
    size_t valuelen)
{
	if (nvalues == MHD_FAKE_MAX_VALUES)
		return;
	values[nvalues].kind = kind;
	values[nvalues].key = strndup(key, keylen);
	values[nvalues].value = value != NULL ? strndup(value, valuelen) : NULL;
	if (values[nvalues].key == NULL || (value != NULL && values[nvalues].value == NULL))
		abort();
	nvalues++;
}

void
mhd_fake_clear(void)
{
	for (size_t i = 0; i < nvalues; i++) {
		free(values[i].key);
		free(values[i].value);
	}
	nvalues = 0;
	responses = 0;
	last_status = 0;
}

int
mhd_fake_responses(void)
{
	return responses;
}

unsigned
mhd_fake_status(void)
{
	return last_status;
}

const char *
MHD_lookup_connection_value(struct MHD_Connection *connection, enum MHD_ValueKind kind,
    const char *key)
{
	(void)connection;
	for (size_t i = 0; i < nvalues; i++)
		if ((values[i].kind & kind) != 0 && key != NULL &&
		    strcasecmp(values[i].key, key) == 0)
			return values[i].value;
	return NULL;
}

enum MHD_Result
MHD_lookup_connection_value_n(struct MHD_Connection *connection, enum MHD_ValueKind kind,
    const char *key, size_t key_size, const char **value_ptr, size_t *value_size_ptr)
{
	(void)connection;
	for (size_t i = 0; i < nvalues; i++) {
		if ((values[i].kind & kind) == 0 || key == NULL ||
		    strlen(values[i].key) != key_size ||
		    strncasecmp(values[i].key, key, key_size) != 0)
			continue;
		if (value_ptr != NULL)
			*value_ptr = values[i].value;
		if (value_size_ptr != NULL)
			*value_size_ptr = values[i].value != NULL ? strlen(values[i].value) : 0;
		return MHD_YES;
	}
	return MHD_NO;
}

int
MHD_get_connection_values(struct MHD_Connection *connection, enum MHD_ValueKind kind,
    MHD_KeyValueIterator iterator, void *iterator_cls)
{
	int n = 0;

	(void)connection;
	for (size_t i = 0; i < nvalues; i++) {
		if ((values[i].kind & kind) == 0)
			continue;
		n++;
		if (iterator != NULL &&
		    iterator(iterator_cls, values[i].kind, values[i].key, values[i].value) != MHD_YES)
			break;
	}
	return n;
}

enum MHD_Result
MHD_queue_response(struct MHD_Connection *connection, unsigned int status_code,
    struct MHD_Response *response)
{
	(void)connection;
	(void)response;
	responses++;
	last_status = status_code;
	return MHD_YES;
}

const union MHD_ConnectionInfo *
MHD_get_connection_info(struct MHD_Connection *connection,
    enum MHD_ConnectionInfoType info_type, ...)
{
	(void)connection;
	(void)info_type;
	return NULL;
}
