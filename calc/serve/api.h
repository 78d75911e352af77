/* api.h — the JSON API: /healthz and /api/v1/ (eval, whatif, policies, policies/{id}, schema,
 * example), each answered by the engine of the worker thread it runs on (one engine a thread,
 * loaded on its first request). It uses the library through calc.h, and through libext.h for
 * what calc.h does not offer yet. It must not see the connection table, the framing or the
 * deadlines (http.h sends its answers and has checked the request), and keeps nothing a request
 * sent once it is answered. */
#ifndef SERVE_API_H
#define SERVE_API_H

#include "calc.h"

#include <microhttpd.h>

/* Before the daemon starts: loads the policy set in dir once, so that its problems are
 * reported before serving (calc_engine_diags). NULL with err filled when it cannot be loaded. */
const calc_engine *api_start(const char *dir, calc_error *err);
/* Answers a request that arrived whole (body: len bytes, NUL-terminated): 404 for a path that
 * is not the API's. */
enum MHD_Result api_route(struct MHD_Connection *c, const char *url, const char *method,
                          const char *body, size_t len);
/* After the daemon stopped: frees every engine. */
void api_stop(void);

#endif
