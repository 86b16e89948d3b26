/* transport.h - what a mail transport reports about one delivery. */
#ifndef NPSD_TRANSPORT_H
#define NPSD_TRANSPORT_H

enum transport_status {
	TRANSPORT_SENT,
	TRANSPORT_TEMPFAIL,	/* 4xx, connection or local error: retry later */
	TRANSPORT_PERMFAIL,	/* 5xx: give up at once */
};

#endif
