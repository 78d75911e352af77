/* page.h — the files compiled into calc serve: the web calculator (/, its script and style),
 * the OpenAPI document, and the example profile the API hands out. Offers their routes and the
 * example's text. It must not evaluate, use the library or read anything from disk: the files
 * are fixed at build time (web/), and every request for them gets the same bytes. */
#ifndef SERVE_PAGE_H
#define SERVE_PAGE_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

/* The compiled-in files (the generated web.h, which server.c includes). */
typedef struct page_files {
    const unsigned char *index_html, *app_js, *app_css, *openapi_json, *example_yaml;
    size_t index_html_len, app_js_len, app_css_len, openapi_json_len, example_yaml_len;
} page_files;

/* Before the daemon starts; f must outlive it. */
void page_init(const page_files *f);
/* When url is one of the files (/, /index.html, /app.js, /app.css, /favicon.ico,
 * /api/v1/openapi.json): answers it and returns true, with the callback's result in *ret. */
bool page_route(struct MHD_Connection *c, const char *url, const char *method,
                enum MHD_Result *ret);
/* The example profile (YAML), *len bytes. */
const char *page_example(size_t *len);

#endif
