/* server.c — `calc serve` (serve.h): the engine over HTTP (libmicrohttpd), a JSON API for other
 * systems and a one-page web calculator for enterprises, both answered by one engine per worker
 * thread. Stateless: nothing a user sends is kept or logged beyond one access-log line without
 * the body. TLS and authentication belong to a reverse proxy in front.
 *
 * This file is the daemon: the options, the start (policy set, limits, descriptors, the
 * libmicrohttpd daemon, the reaper, signals) and the stop (SIGINT and SIGTERM drain with a
 * deadline). The parts: reply.h (how answers look), conn.h (the connection table, the reaper,
 * the drain), http.h (the request callbacks: framing, body, deadlines, access log), page.h (the
 * compiled-in files), api.h (the JSON API), libext.h (what the API needs beyond calc.h). */
#include "serve.h"

#include "api.h"
#include "conn.h"
#include "http.h"
#include "page.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* index.html, app.js, app.css, openapi.json, example.yaml (generated from web/ and cases/):
 * included here alone, the one object the Makefile makes depend on it, and handed to page.c */
#include "web.h"

#define ACTIVE_LIMIT 256       /* requests being evaluated at once; more get 503 */
#define CONN_LIMIT 10000       /* open connections, if the process may open that many files */
#define FD_RESERVE 256         /* descriptors kept for everything but connections */
#define REQUEST_SECONDS 30.0   /* a request must have arrived whole this long after it began */
#define WALL_MS 10000L         /* wall-clock backstop of one policy call */
#define DRAIN_SECONDS 5.0      /* on SIGTERM, how long requests under way may take to finish */
#define IDLE_SECONDS 10u       /* MHD's timeout for a connection where nothing moves */

static const page_files files = {
    index_html, app_js, app_css, openapi_json, example_yaml,
    index_html_len, app_js_len, app_css_len, openapi_json_len, example_yaml_len,
};

static volatile sig_atomic_t stop;

/* libmicrohttpd's messages, at most 10 a second: every client that misbehaves makes one, and a
 * flood of them must not fill the log. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    static double second;
    static int n;
    static long dropped;
    (void)cls;
    pthread_mutex_lock(&mu);
    double now = now_s();
    if (now - second >= 1.0) {
        if (dropped)
            fprintf(stderr, "calc serve: %ld libmicrohttpd messages not shown\n", dropped);
        second = now;
        n = 0;
        dropped = 0;
    }
    if (n++ < 10) {
        fputs("calc serve: libmicrohttpd: ", stderr);
        vfprintf(stderr, fmt, ap);
    } else
        dropped++;
    pthread_mutex_unlock(&mu);
}

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* Connections the process may hold: the soft limit on descriptors is raised to what CONN_LIMIT
 * needs (at most the hard limit); FD_RESERVE stay for everything else. */
static unsigned conn_limit(void)
{
    struct rlimit rl;
    const rlim_t want = CONN_LIMIT + FD_RESERVE;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 1024 - FD_RESERVE;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
        struct rlimit nl = rl;
        nl.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want ? rl.rlim_max : want;
        if (setrlimit(RLIMIT_NOFILE, &nl) == 0)
            rl.rlim_cur = nl.rlim_cur;
    }
    if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
        return CONN_LIMIT;
    return rl.rlim_cur > 2 * FD_RESERVE ? (unsigned)(rl.rlim_cur - FD_RESERVE)
                                        : (unsigned)(rl.rlim_cur / 2);
}

static void nap(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

void calc_serve_defaults(calc_serve_opts *o)
{
    memset(o, 0, sizeof *o);
    o->bind = "127.0.0.1";
    o->port = 8080;
    o->threads = 2;
    o->max_seconds = REQUEST_SECONDS;
    o->max_active = ACTIVE_LIMIT;
    o->wall_ms = WALL_MS;
    o->drain_seconds = DRAIN_SECONDS;
}

int calc_serve(const calc_serve_opts *o, FILE *err)
{
    calc_error e = {0};
    const char *bind = o->bind ? o->bind : "127.0.0.1";
    int port = o->port, threads = o->threads;
    double drain_seconds = o->drain_seconds >= 0 ? o->drain_seconds : DRAIN_SECONDS;
    conn_init(o->max_seconds > 0 ? o->max_seconds : REQUEST_SECONDS,
              o->max_active > 0 ? o->max_active : ACTIVE_LIMIT);
    http_init(o->quiet);
    page_init(&files);
    calc_limits lim = *calc_limits_get();
    lim.wall_ms = o->wall_ms >= 0 ? o->wall_ms : WALL_MS; /* before any engine exists */
    if (calc_limits_set(&lim, &e)) {
        calc_error_print(err, &e);
        return CALC_EXIT_USAGE;
    }
    const calc_engine *first = api_start(o->dir, &e);
    if (!first) {
        calc_error_print(err, &e);
        return calc_exit_status(e.code);
    }
    calc_diags_print(err, calc_engine_diags(first));
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, bind, &addr.sin_addr) != 1) {
        calc_error_set(&e, CALC_EUSAGE, NULL, 0, 0, "--bind: expected an IPv4 address, got '%s'",
                       bind);
        calc_error_print(err, &e);
        api_stop();
        return CALC_EXIT_USAGE;
    }
    unsigned nthreads = (unsigned)(threads > 0 ? threads : 2), limit = conn_limit();
    if (limit < nthreads)
        limit = nthreads;
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG, (uint16_t)port, NULL,
        NULL, http_request, NULL, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, nthreads,
        MHD_OPTION_CONNECTION_LIMIT, limit, MHD_OPTION_CONNECTION_TIMEOUT, IDLE_SECONDS,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(256 * 1024),
        MHD_OPTION_NOTIFY_CONNECTION, conn_notify, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, http_completed, NULL, MHD_OPTION_END);
    if (!d) {
        calc_error_set(&e, CALC_EIO, NULL, 0, 0, "cannot listen on %s:%d", bind, port);
        calc_error_print(err, &e);
        api_stop();
        return CALC_EXIT_USAGE;
    }
    if (conn_reaper_start() != 0) {
        calc_error_set(&e, CALC_EIO, NULL, 0, 0, "cannot start the deadline thread");
        calc_error_print(err, &e);
        MHD_stop_daemon(d);
        api_stop();
        return CALC_EXIT_USAGE;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    fprintf(err, "calc serve: listening on http://%s:%d/ (policy set sha256:%.12s…)\n", bind,
            port, calc_engine_fingerprint(first));
    while (!stop)
        nap(100);
    /* drain: stop accepting, close idle connections, give the requests under way (arriving,
     * evaluated or being sent) drain_seconds, then answer what is left 503 and go */
    double t_stop = now_s();
    MHD_socket lfd = MHD_quiesce_daemon(d);
    while (conn_drain_idle() && now_s() - t_stop < drain_seconds)
        nap(20);
    int stuck;
    int left = conn_drain_end(&stuck);
    if (left)
        fprintf(err, "calc serve: %d request%s not finished within %g s: answered 503\n", left,
                left == 1 ? "" : "s", drain_seconds);
    if (stuck) {
        /* a thread is still inside an evaluation: MHD_stop_daemon would wait for it. Leave the
         * daemon and the engines as they are (the process is ending) */
        fprintf(err, "calc serve: stopped (%d evaluation%s abandoned)\n", stuck,
                stuck == 1 ? "" : "s");
        return 0;
    }
    MHD_stop_daemon(d);
    if (lfd != MHD_INVALID_SOCKET)
        close(lfd);
    api_stop();
    fprintf(err, "calc serve: stopped\n");
    return 0;
}
