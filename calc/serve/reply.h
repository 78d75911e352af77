/* reply.h — how the server's answers look: the security headers every answer carries, the JSON
 * error body in both languages, the language a request asks for, JSON strings, an answer
 * written straight to a socket, and a memory stream that bodies are written into. Formatting
 * only: it keeps no state, must not queue anything with libmicrohttpd (http.h does), must not
 * know the connection table (conn.h), and of the library knows only its message catalogue. */
#ifndef SERVE_REPLY_H
#define SERVE_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The answers of the deadline and of the drain. */
#define REPLY_MSG_408 "the request took too long to arrive"
#define REPLY_MSG_STOPPING "the server is stopping: try again shortly"

/* Name and value of each header on every answer, after Content-Type. */
#define REPLY_NHEADERS 5
extern const char *const reply_headers[REPLY_NHEADERS][2];

/* A body being written: f writes into memory (open_memstream); after mb_close, p and n hold
 * what was written (p NUL-terminated). */
typedef struct membuf {
    FILE *f;
    char *p;
    size_t n;
} membuf;
/* false when out of memory (nothing to free then). */
bool mb_open(membuf *m);
/* Ends the writing; false when a write failed (out of memory): p and n are then not the body,
 * but mb_free is still needed. */
bool mb_close(membuf *m);
void mb_free(membuf *m);

/* s as a JSON string: quote, backslash and control characters escaped (\n, \r and \t by name,
 * the others \u00XX), every other byte as it is. */
void json_str(FILE *out, const char *s);
/* The language of an answer (CALC_LANG_*): the query's lang (zh or en; anything else is -2,
 * a bad request), else the Accept-Language header's preferred of Chinese and English (q-values
 * honoured: "en-US,en;q=0.9,zh;q=0.8" is English), else Chinese. Either may be NULL. */
int reply_lang(const char *query_lang, const char *accept_language);
/* {"error": {"status": STATUS, "message": MSG in lang, "zh": {"message"}, "en": {"message"}}}
 * and a newline; msg is an English message of the catalogue. */
void error_body(FILE *out, unsigned status, int lang, const char *msg);
/* A complete answer with an error body in lang (the request's once its head is in; Chinese
 * before) and "Connection: close", sent on fd without blocking,
 * for a connection libmicrohttpd cannot answer (it is still receiving, or its evaluation is
 * stuck while the server stops). Best effort: whatever the socket does not take is lost. The
 * caller makes sure nothing else is being written to fd. */
void raw_answer(int fd, unsigned status, const char *reason, const char *msg, int lang);

#endif
