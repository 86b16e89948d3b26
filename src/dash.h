/* dash.h - what the dashboard's route handlers share: the language of a
 * request, the signed-in user, and answering with a page. */
#ifndef NPSD_DASH_H
#define NPSD_DASH_H

#include "buf.h"
#include "dash_text.h"
#include "http.h"
#include "session.h"

/* ?lang=, else the first of Accept-Language we speak, else English. */
enum dash_lang dash_request_lang(struct request *);
/* 1 and u for a valid session cookie; 0 when signed out; -1 on error. */
int	dash_session(struct request *, struct dash_user *);
/* Answers with the page in b (freed). */
enum MHD_Result dash_send(struct request *, unsigned status, struct buf *);
/* A short page with a heading and one paragraph. */
enum MHD_Result dash_message(struct request *, unsigned status, enum dash_lang,
    const struct dash_user *, enum dash_word title, enum dash_word text);

#endif
