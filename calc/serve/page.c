/* page.c — the routes of the compiled-in files (page.h). */
#include "page.h"

#include "http.h"

#include <string.h>

static const page_files *files;

void page_init(const page_files *f) { files = f; }

const char *page_example(size_t *len)
{
    *len = files->example_yaml_len;
    return (const char *)files->example_yaml;
}

bool page_route(struct MHD_Connection *c, const char *url, const char *method,
                enum MHD_Result *ret)
{
    bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    if (strcmp(url, "/") == 0 || strcmp(url, "/index.html") == 0)
        *ret = get ? http_send(c, 200, "text/html; charset=utf-8", files->index_html,
                               files->index_html_len)
                   : http_send_error(c, 405, "use GET");
    else if (strcmp(url, "/favicon.ico") == 0)
        *ret = http_send(c, 204, "image/x-icon", "", 0);
    else if (strcmp(url, "/app.js") == 0)
        *ret = http_send(c, 200, "text/javascript; charset=utf-8", files->app_js,
                         files->app_js_len);
    else if (strcmp(url, "/app.css") == 0)
        *ret = http_send(c, 200, "text/css; charset=utf-8", files->app_css, files->app_css_len);
    else if (strcmp(url, "/api/v1/openapi.json") == 0)
        *ret = http_send(c, 200, "application/json; charset=utf-8", files->openapi_json,
                         files->openapi_json_len);
    else
        return false;
    return true;
}
