/* transport.h - what a mail transport reports about one delivery. */
#ifndef NPSD_TRANSPORT_H
#define NPSD_TRANSPORT_H

enum transport_status {
	TRANSPORT_SENT,
	TRANSPORT_TEMPFAIL,	/* 4xx, connection or local error: retry later */
	TRANSPORT_PERMFAIL,	/* 5xx: give up at once */
	TRANSPORT_UNKNOWN,	/* the whole message went out but no final reply
				 * came: the server may have it; retry later with
				 * the same Message-ID, never call the survey failed */
};

#endif
