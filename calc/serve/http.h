/* http.h — the HTTP layer: libmicrohttpd's request callbacks and the answers the routes send.
 * A request is read whole (at most HTTP_BODY_LIMIT bytes of body, within its deadline, refused
 * with 400 and the connection closed when its framing is ambiguous, RFC 9112 §6), counted
 * against the requests under way only while it is evaluated (/healthz never), handed to the
 * routes — the page's files (page.h), then the API (api.h) — and logged in one line without
 * its body or query. It must not evaluate or use the library (the API does), and writes to no
 * socket itself (libmicrohttpd does, or conn.h when a connection is cut off). */
#ifndef SERVE_HTTP_H
#define SERVE_HTTP_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

#include "reply.h"

#define HTTP_BODY_LIMIT (1024 * 1024)

/* Before the daemon starts: quiet leaves out the access log (on standard error). */
void http_init(bool quiet);
/* libmicrohttpd's access handler (MHD_start_daemon) and MHD_OPTION_NOTIFY_COMPLETED. */
enum MHD_Result http_request(void *cls, struct MHD_Connection *c, const char *url,
                             const char *method, const char *version, const char *upload,
                             size_t *upload_size, void **ptr);
void http_completed(void *cls, struct MHD_Connection *c, void **ptr,
                    enum MHD_RequestTerminationCode code);

/* The routes' answers, with the security headers (reply.h); data is copied. MHD_NO when the
 * connection was cut off meanwhile (the drain answered it already) or nothing can be queued. */
enum MHD_Result http_send(struct MHD_Connection *c, unsigned status, const char *type,
                          const void *data, size_t len);
/* A JSON body written into m (open): closed, sent and freed; 500 when writing it failed. */
enum MHD_Result http_send_json(struct MHD_Connection *c, unsigned status, membuf *m);
/* {"error": {"status", "message", "zh", "en"}} in the request's language; msg is an English
 * message of the library's catalogue. */
enum MHD_Result http_send_error(struct MHD_Connection *c, unsigned status, const char *msg);
/* The language the request asks for (reply_lang of its lang and Accept-Language). */
int http_lang(struct MHD_Connection *c);

#endif
