/* serve.h — `calc serve`, the HTTP API and the web calculator (libmicrohttpd). It is a program
 * beside the library, not part of it: it alone sees libmicrohttpd and signals, and it uses the
 * library through its headers. The calc program parses the flags into calc_serve_opts. */
#ifndef CALC_SERVE_H
#define CALC_SERVE_H

#include <stdbool.h>
#include <stdio.h>

typedef struct calc_serve_opts {
    const char *dir;      /* the policy set */
    const char *bind;     /* address to listen on ("127.0.0.1") */
    int port;             /* 8080 */
    int threads;          /* worker threads, one engine each (2) */
    double max_seconds;   /* a request must arrive whole within this from its start (30) */
    int max_active;       /* evaluations under way before 503 (256) */
    long wall_ms;         /* wall-clock backstop per policy call, ms (10000; 0: none) */
    double drain_seconds; /* SIGINT/SIGTERM: time given to requests under way (5) */
    bool quiet;           /* no access log */
} calc_serve_opts;

/* The defaults above. */
void calc_serve_defaults(calc_serve_opts *o);
/* Serves until SIGINT or SIGTERM, which drain the requests under way. Returns the process's
 * exit status. */
int calc_serve(const calc_serve_opts *o, FILE *err);

#endif
