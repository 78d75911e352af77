/* conn.c — the connection table, the reaper and the drain (conn.h). */
#include "conn.h"

#include "calc.h"
#include "reply.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

struct conn {
    struct conn *prev, *next;
    int fd;
    enum cstate state;
    unsigned cut_status; /* the answer written when it was cut off (0: none), for the log */
    double t0; /* when the current request began at the latest; in C_SEND, when it was answered */
    int lang;  /* the current request's language once its head is in (?lang=, Accept-Language) */
};

/* everything below is under mu */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static conn *conns;
static int evaluating; /* callbacks inside the final handling of a request */
static int active;     /* of those, the ones that count against max_active (not /healthz) */
static bool draining, reaper_stop;
/* set before the daemon starts, read only afterwards */
static double max_seconds = 30.0;
static int max_active = 256;
static pthread_t reaper_thread;

static __thread conn *tl_conn; /* the connection whose callback runs on this thread */

double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void conn_init(double seconds, int most)
{
    max_seconds = seconds;
    max_active = most;
}

bool conn_expired(double t0) { return now_s() - t0 > max_seconds; }

/* Cuts a connection off (mu held): an answer if status, then shutdown — never close (conn.h). */
static void cut(conn *k, unsigned status, const char *reason, const char *msg)
{
    if (status) /* before the head is in, the language is not known: Chinese, the default */
        raw_answer(k->fd, status, reason, msg, k->state == C_BODY ? k->lang : CALC_LANG_ZH);
    shutdown(k->fd, SHUT_RDWR);
    k->state = C_CUT;
    k->cut_status = status;
}

/* An evaluation is left alone: the instruction budget and the wall-clock limit bound it. */
static void *reaper(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    while (!reaper_stop) {
        double now = now_s();
        for (conn *k = conns; k; k = k->next) {
            if (now - k->t0 <= max_seconds)
                continue;
            if (k->state == C_HEAD || k->state == C_BODY)
                cut(k, 408, "Request Timeout", REPLY_MSG_408);
            else if (k->state == C_KEEP || k->state == C_SEND) /* idle, or an answer not taken */
                cut(k, 0, NULL, NULL);
        }
        pthread_mutex_unlock(&mu);
        struct timespec ts = {0, 100000000};
        nanosleep(&ts, NULL);
        pthread_mutex_lock(&mu);
    }
    pthread_mutex_unlock(&mu);
    return NULL;
}

int conn_reaper_start(void) { return pthread_create(&reaper_thread, NULL, reaper, NULL) ? -1 : 0; }

void conn_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                 enum MHD_ConnectionNotificationCode code)
{
    (void)cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        conn *k = ci ? calloc(1, sizeof *k) : NULL;
        if (!k)
            return; /* untracked: the handler keeps its own clock, MHD's idle timeout applies */
        k->fd = ci->connect_fd;
        k->t0 = now_s();
        k->state = C_HEAD;
        pthread_mutex_lock(&mu);
        k->next = conns;
        if (conns)
            conns->prev = k;
        conns = k;
        if (draining) /* accepted as the drain began */
            cut(k, 0, NULL, NULL);
        pthread_mutex_unlock(&mu);
        *socket_context = k;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        conn *k = *socket_context;
        if (!k)
            return;
        pthread_mutex_lock(&mu);
        if (k->prev)
            k->prev->next = k->next;
        else
            conns = k->next;
        if (k->next)
            k->next->prev = k->prev;
        pthread_mutex_unlock(&mu);
        free(k);
        *socket_context = NULL;
    }
}

void conn_bind(conn *k) { tl_conn = k; }

bool conn_advance(enum cstate s)
{
    conn *k = tl_conn;
    if (!k)
        return true;
    pthread_mutex_lock(&mu);
    bool ok = k->state != C_CUT;
    if (ok) {
        k->state = s;
        if (s == C_SEND)
            k->t0 = now_s();
    }
    pthread_mutex_unlock(&mu);
    return ok;
}

bool conn_cut_off(void)
{
    conn *k = tl_conn;
    if (!k)
        return false;
    pthread_mutex_lock(&mu);
    bool cutoff = k->state == C_CUT;
    pthread_mutex_unlock(&mu);
    return cutoff;
}

bool conn_headers_in(conn *k, double *t0, int lang)
{
    pthread_mutex_lock(&mu);
    bool cutoff = k->state == C_CUT;
    *t0 = k->t0;
    if (!cutoff) {
        k->state = C_BODY;
        k->lang = lang;
    }
    pthread_mutex_unlock(&mu);
    return !cutoff;
}

void conn_late(conn *k)
{
    pthread_mutex_lock(&mu);
    if (k->state == C_BODY)
        cut(k, 408, "Request Timeout", REPLY_MSG_408);
    pthread_mutex_unlock(&mu);
}

bool conn_eval_begin(conn *k, bool counts, bool *counted)
{
    pthread_mutex_lock(&mu);
    bool cutoff = k && k->state == C_CUT;
    *counted = true;
    if (!cutoff) {
        if (k)
            k->state = C_EVAL;
        evaluating++;
        if (counts)
            *counted = ++active <= max_active;
    }
    pthread_mutex_unlock(&mu);
    return !cutoff;
}

void conn_eval_end(bool counts)
{
    pthread_mutex_lock(&mu);
    evaluating--;
    if (counts)
        active--;
    pthread_mutex_unlock(&mu);
}

unsigned conn_finish(conn *k, double t1)
{
    unsigned status = 0;
    pthread_mutex_lock(&mu);
    if (k->state != C_CUT) {
        k->state = C_KEEP;
        k->t0 = t1;
    } else
        status = k->cut_status;
    pthread_mutex_unlock(&mu);
    return status;
}

int conn_drain_idle(void)
{
    int busy = 0;
    pthread_mutex_lock(&mu);
    draining = true;
    for (conn *k = conns; k; k = k->next)
        if (k->state == C_HEAD || k->state == C_KEEP)
            cut(k, 0, NULL, NULL); /* nothing under way */
        else if (k->state != C_CUT)
            busy++;
    pthread_mutex_unlock(&mu);
    return busy;
}

int conn_drain_end(int *stuck)
{
    pthread_mutex_lock(&mu);
    int left = 0;
    for (conn *k = conns; k; k = k->next) {
        if (k->state == C_BODY || k->state == C_EVAL)
            cut(k, 503, "Service Unavailable", REPLY_MSG_STOPPING);
        else if (k->state == C_SEND)
            cut(k, 0, NULL, NULL);
        else
            continue;
        left++;
    }
    *stuck = evaluating; /* nothing starts evaluating once its connection is cut */
    reaper_stop = true;
    pthread_mutex_unlock(&mu);
    pthread_join(reaper_thread, NULL);
    return left;
}
