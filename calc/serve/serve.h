/* serve.h — `calc serve`, the HTTP API and the web calculator (libmicrohttpd). It is a program
 * beside the library, not part of it: it alone sees libmicrohttpd, signals and the server's
 * environment variables, and it uses the library through calc.h and the library's headers. */
#ifndef CALC_SERVE_H
#define CALC_SERVE_H

#include <stdio.h>

/* Serves on bind:port with `threads` workers (one engine each) until SIGINT or SIGTERM, which
 * drain the requests under way. Returns the process's exit status. */
int calc_serve(const char *dir, const char *bind, int port, int threads, FILE *err);

#endif
