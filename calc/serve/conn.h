/* conn.h — the connection table. MHD's own timeout is an idle timeout, which a client sending a
 * byte every few seconds never reaches, so every connection is also in a table of our own with
 * where it is and the time its current request began (the connection's opening, or the end of
 * the previous answer, so headers are covered too). A reaper thread cuts off the requests that
 * have not arrived whole in time (408); the drain on stop cuts off what is left (503). It also
 * counts the requests being evaluated, against the limit of those under way.
 *
 * Offers the connection states and their changes to the HTTP layer (http.c) and the reaper and
 * the drain to the daemon (server.c). It must not close a descriptor: they are libmicrohttpd's,
 * which closes one only after telling us (MHD_CONNECTION_NOTIFY_CLOSED), so a descriptor cannot
 * be reused while it is in the table. It must not queue libmicrohttpd responses (http.h does)
 * nor use the library. */
#ifndef SERVE_CONN_H
#define SERVE_CONN_H

#include <microhttpd.h>
#include <stdbool.h>

/* Where a connection is. Only the reaper and the drain cut connections off, and only in the
 * states where MHD is not writing to the socket (or its thread is stuck evaluating). */
enum cstate {
    C_HEAD, /* opened: the first request's headers are arriving (or nothing yet) */
    C_KEEP, /* kept alive after an answer, waiting for the next request */
    C_BODY, /* the headers are in, the body is arriving */
    C_EVAL, /* arrived whole: being evaluated */
    C_SEND, /* answered: MHD is sending the response */
    C_CUT   /* cut off: shut down, MHD closes it */
};

typedef struct conn conn;

/* The monotonic clock, in seconds. */
double now_s(void);

/* Before the daemon starts: a request not arrived whole max_seconds after it began is cut off;
 * more than max_active requests evaluated at once are refused. */
void conn_init(double max_seconds, int max_active);
/* Whether a request that began at t0 is past its deadline. */
bool conn_expired(double t0);

/* libmicrohttpd's MHD_OPTION_NOTIFY_CONNECTION callback: a connection enters the table when it
 * opens (as its socket context) and leaves it when it closes. A connection that cannot be
 * tracked has no socket context: the HTTP layer keeps its own clock then. */
void conn_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                 enum MHD_ConnectionNotificationCode code);

/* The connection whose callback runs on this thread (NULL: untracked); conn_advance and
 * conn_cut_off are about it. */
void conn_bind(conn *k);
/* Moves this thread's connection to state s (C_SEND restarts its clock: the answer must be
 * taken in time), unless it was cut off meanwhile: false then (the callback returns MHD_NO and
 * MHD closes it). */
bool conn_advance(enum cstate s);
/* Whether this thread's connection was cut off (by the reaper or the drain). */
bool conn_cut_off(void);

/* The headers of k's request are in: k goes to C_BODY, keeping the request's language for an
 * answer it may be cut off with, and *t0 is when the request began. false when k was cut
 * off. */
bool conn_headers_in(conn *k, double *t0, int lang);
/* The body of k's request came too late: answered 408 and cut off, if it is still arriving. */
void conn_late(conn *k);
/* k's request (k may be NULL) has arrived whole and is evaluated now: false when k was cut off
 * (nothing counted then). With counts, the request counts against max_active, and *counted
 * says whether it is within it. Every true is followed by conn_eval_end(counts). */
bool conn_eval_begin(conn *k, bool counts, bool *counted);
void conn_eval_end(bool counts);
/* k's request is over at t1: unless k was cut off, it is kept alive and the next request's
 * clock starts. Returns the status written when it was cut off, or 0. */
unsigned conn_finish(conn *k, double t1);

/* The reaper thread: every 100 ms, the requests past their deadline. 0, or -1 when the thread
 * cannot start. */
int conn_reaper_start(void);
/* The drain, step by step: from the first call on, connections are cut off as they open, and
 * each call cuts off the idle ones (nothing under way) and returns how many are still busy. */
int conn_drain_idle(void);
/* The end of the drain: answers 503 to the requests still arriving or evaluated, cuts off the
 * answers not taken, and stops the reaper. Returns how many were cut off; *stuck is how many
 * callbacks are still inside an evaluation (they never finish theirs into a socket). */
int conn_drain_end(int *stuck);

#endif
