/* test_msgs.c — the message catalogue (calc/lib/msgs.c, msgcat_*.c): every Chinese format has
 * the conversions of its English one in the same order, no English text is there twice, every
 * Chinese form is Chinese, and every message the code makes has a Chinese form. The last is
 * found by reading the sources: every string literal given as a message to the functions that
 * make diagnostics (diag_at's hint and format, calc_error_set's and calc_error_hint's format,
 * the programs' usage errors, the server's error answers, …), assigned to a variable named
 * why, hint, expect or most_hint, or marked N_("…") must be in the catalogue, and every
 * message a policy script raises (luaL_error, the loader's FAIL) in msgcat_lua. A message
 * added in English only fails here with its file and line. Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msgs.h"

/* ---- reading C sources: just enough of a tokenizer for string literals and calls ---- */

enum { T_IDENT, T_STRING, T_PUNCT };

typedef struct tok {
    int kind;
    char *text; /* an identifier, a punctuator, or a string literal's bytes (escapes decoded,
                 * adjacent literals joined) */
    int line;
} tok;

typedef struct toks {
    tok *v;
    size_t n, cap;
} toks;

/* names of the file's constants: #define NAME "…" and static const char NAME[] = "…" */
typedef struct konst {
    char name[64];
    char *text;
} konst;

static konst consts[512];
static size_t nconsts;

static void add_tok(toks *t, int kind, char *text, int line)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 1024;
        t->v = realloc(t->v, t->cap * sizeof *t->v);
        assert_non_null(t->v);
    }
    t->v[t->n++] = (tok){kind, text, line};
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The literal at *p ('"'), decoded and appended to buf; *p moved past it. */
static void literal(const char **p, char **buf, size_t *n, int *line)
{
    const char *s = *p + 1;
    size_t cap = *n + strlen(s) + 1;
    *buf = realloc(*buf, cap);
    assert_non_null(*buf);
    while (*s && *s != '"') {
        char c = *s++;
        if (c == '\\') {
            c = *s++;
            switch (c) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
                int v = c - '0';
                for (int k = 0; k < 2 && *s >= '0' && *s <= '7'; k++)
                    v = v * 8 + (*s++ - '0');
                c = (char)v;
                break;
            }
            case 'x': {
                int v = 0;
                while (hexval(*s) >= 0)
                    v = v * 16 + hexval(*s++);
                c = (char)v;
                break;
            }
            case '\n': (*line)++; continue;
            default: break; /* \" \\ \' \? */
            }
        }
        (*buf)[(*n)++] = c;
    }
    (*buf)[*n] = 0;
    *p = *s ? s + 1 : s;
}

static void tokenize(const char *src, toks *t)
{
    int line = 1;
    bool bol = true; /* only blanks so far on this line */
    for (const char *p = src; *p;) {
        if (*p == '\n') {
            line++;
            bol = true;
            p++;
            continue;
        }
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f') {
            p++;
            continue;
        }
        if (p[0] == '/' && p[1] == '*') {
            const char *e = strstr(p + 2, "*/");
            for (const char *q = p; q < (e ? e : p + strlen(p)); q++)
                line += *q == '\n';
            p = e ? e + 2 : p + strlen(p);
            continue;
        }
        if (p[0] == '/' && p[1] == '/') {
            p += strcspn(p, "\n");
            continue;
        }
        if (*p == '#' && bol) { /* a directive: its tokens, then an end marker */
            add_tok(t, T_PUNCT, strdup("#"), line);
            p++;
            const char *e = p;
            while (*e && !(*e == '\n' && e[-1] != '\\'))
                e++;
            char *d = strndup(p, (size_t)(e - p));
            for (char *q = d; *q; q++)
                if (*q == '\\' && q[1] == '\n')
                    q[0] = q[1] = ' ';
            toks sub = {0};
            tokenize(d, &sub);
            for (size_t i = 0; i < sub.n; i++)
                add_tok(t, sub.v[i].kind, sub.v[i].text, line + sub.v[i].line - 1);
            free(sub.v);
            for (const char *q = p; q < e; q++)
                line += *q == '\n';
            free(d);
            add_tok(t, T_PUNCT, strdup("#end"), line);
            p = e;
            continue;
        }
        bol = false;
        if (*p == '"') {
            char *buf = NULL;
            size_t n = 0;
            int at = line;
            for (;;) { /* adjacent literals are one */
                literal(&p, &buf, &n, &line);
                const char *q = p;
                while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
                    q++;
                if (*q != '"')
                    break;
                for (const char *r = p; r < q; r++)
                    line += *r == '\n';
                p = q;
            }
            add_tok(t, T_STRING, buf, at);
            continue;
        }
        if (*p == '\'') {
            p++;
            while (*p && *p != '\'')
                p += *p == '\\' ? 2 : 1;
            if (*p)
                p++;
            continue;
        }
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
            (*p >= '0' && *p <= '9')) {
            const char *e = p;
            while ((*e >= 'a' && *e <= 'z') || (*e >= 'A' && *e <= 'Z') || *e == '_' ||
                   (*e >= '0' && *e <= '9') || (*p >= '0' && *p <= '9' && *e == '.'))
                e++;
            add_tok(t, T_IDENT, strndup(p, (size_t)(e - p)), line);
            p = e;
            continue;
        }
        char s[3] = {p[0], 0, 0};
        if ((p[0] == '=' || p[0] == '!' || p[0] == '<' || p[0] == '>') && p[1] == '=')
            s[1] = '=';
        add_tok(t, T_PUNCT, strdup(s), line);
        p += s[1] ? 2 : 1;
    }
}

static bool is(const tok *t, int kind, const char *text)
{
    return t->kind == kind && strcmp(t->text, text) == 0;
}

/* The file's constants into consts. */
static void find_consts(const toks *t)
{
    for (size_t i = 0; i + 2 < t->n; i++) {
        if (is(&t->v[i], T_PUNCT, "#") && is(&t->v[i + 1], T_IDENT, "define") && i + 4 < t->n &&
            t->v[i + 2].kind == T_IDENT && t->v[i + 3].kind == T_STRING &&
            is(&t->v[i + 4], T_PUNCT, "#end") && nconsts < 512) {
            snprintf(consts[nconsts].name, sizeof consts[0].name, "%s", t->v[i + 2].text);
            consts[nconsts++].text = strdup(t->v[i + 3].text);
        }
        if (t->v[i].kind == T_IDENT && is(&t->v[i + 1], T_PUNCT, "[") && i + 4 < t->n &&
            is(&t->v[i + 2], T_PUNCT, "]") && is(&t->v[i + 3], T_PUNCT, "=") &&
            t->v[i + 4].kind == T_STRING && nconsts < 512) {
            snprintf(consts[nconsts].name, sizeof consts[0].name, "%s", t->v[i].text);
            consts[nconsts++].text = strdup(t->v[i + 4].text);
        }
    }
}

static const char *const_text(const char *name)
{
    for (size_t i = 0; i < nconsts; i++)
        if (strcmp(consts[i].name, name) == 0)
            return consts[i].text;
    return NULL;
}

/* The functions whose arguments are messages: which arguments (0-based, up to three), and
 * whether they are raised in a policy script (then they must be in msgcat_lua). */
static const struct call {
    const char *name;
    int arg[3];
    bool lua;
} calls[] = {
    {"diag_at", {4, 5, -1}, false},        {"diag_print", {3, -1, -1}, false},
    {"calc_error_set", {5, -1, -1}, false}, {"calc_error_hint", {1, -1, -1}, false},
    {"calc_msg_arg", {0, -1, -1}, false},   {"calc_msg_format", {3, -1, -1}, false},
    {"msg_text", {0, -1, -1}, false},       {"N_", {0, -1, -1}, false},
    {"cli_usage_error", {0, -1, -1}, false}, {"cli_error", {0, -1, -1}, false},
    {"bad", {2, 3, -1}, false},             {"http_send_error", {2, -1, -1}, false},
    {"send_error_close", {2, -1, -1}, false}, {"raw_answer", {3, -1, -1}, false},
    {"calc_msg_text", {0, -1, -1}, false},  {"error_body", {3, -1, -1}, false},
    {"luaL_error", {1, -1, -1}, true},      {"luaL_argerror", {2, -1, -1}, true},
    {"FAIL", {2, -1, -1}, true},           {"say", {1, -1, -1}, false},
};
/* variables whose values are messages: why and hint anywhere, expect and most_hint as fields
 * of an option (.expect = "…") */
static const char *const assigned[] = {"why", "hint", "expect", "most_hint"};

typedef struct found {
    char file[128];
    int line;
    char *text;
    bool lua;
} found;

static found msgs[4096];
static size_t nmsgs;

static void add_msg(const char *file, const tok *t, bool lua)
{
    const char *text = t->kind == T_STRING ? t->text : const_text(t->text);
    if (!text || nmsgs >= sizeof msgs / sizeof msgs[0])
        return;
    found *f = &msgs[nmsgs++];
    snprintf(f->file, sizeof f->file, "%s", file);
    f->line = t->line;
    f->text = strdup(text);
    f->lua = lua;
}

/* The literals (and constants) among tokens [from, to). */
static void add_range(const char *file, const toks *t, size_t from, size_t to, bool lua)
{
    for (size_t k = from; k < to; k++)
        if (t->v[k].kind == T_STRING || (t->v[k].kind == T_IDENT && const_text(t->v[k].text) &&
                                         !(k + 1 < t->n && is(&t->v[k + 1], T_PUNCT, "("))))
            add_msg(file, &t->v[k], lua);
}

static void scan_calls(const char *file, const toks *t)
{
    for (size_t i = 0; i + 1 < t->n; i++) {
        const tok *x = &t->v[i];
        if (x->kind != T_IDENT)
            continue;
        for (size_t a = 0; a < sizeof assigned / sizeof assigned[0]; a++)
            if (strcmp(x->text, assigned[a]) == 0 && is(&t->v[i + 1], T_PUNCT, "=") &&
                (a < 2 || (i > 0 && is(&t->v[i - 1], T_PUNCT, ".")))) {
                size_t k = i + 2;
                int depth = 0;
                while (k < t->n && !is(&t->v[k], T_PUNCT, ";") &&
                       !(depth == 0 && (is(&t->v[k], T_PUNCT, ",") || is(&t->v[k], T_PUNCT, "}") ||
                                        is(&t->v[k], T_PUNCT, ")")))) {
                    depth += is(&t->v[k], T_PUNCT, "(") - is(&t->v[k], T_PUNCT, ")");
                    k++;
                }
                add_range(file, t, i + 2, k, false);
            }
        if (!is(&t->v[i + 1], T_PUNCT, "("))
            continue;
        for (size_t c = 0; c < sizeof calls / sizeof calls[0]; c++) {
            if (strcmp(x->text, calls[c].name) != 0)
                continue;
            int depth = 0, arg = 0;
            size_t start = i + 2;
            for (size_t k = i + 1; k < t->n; k++) {
                const tok *y = &t->v[k];
                if (is(y, T_PUNCT, "(")) {
                    depth++;
                    continue;
                }
                bool close = is(y, T_PUNCT, ")") && --depth == 0;
                if (close || (depth == 1 && is(y, T_PUNCT, ","))) {
                    for (int j = 0; j < 3; j++)
                        if (calls[c].arg[j] == arg)
                            add_range(file, t, start, k, calls[c].lua);
                    arg++;
                    start = k + 1;
                }
                if (close)
                    break;
            }
        }
    }
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = s ? fread(s, 1, (size_t)n, f) : 0;
    fclose(f);
    if (s)
        s[got] = 0;
    return s;
}

/* The tokens of a source file. */
static void read_tokens(const char *path, toks *t)
{
    char *text = read_all(path);
    assert_non_null(text);
    tokenize(text, t);
    free(text);
}

/* Every .c and .h of the directories, scanned: the headers' constants serve every file. */
static void scan_sources(void)
{
    static const char *const dirs[] = {"calc/lib", "calc/cli", "calc/serve"};
    static bool done;
    if (done)
        return;
    done = true;
    for (int pass = 0; pass < 2; pass++)
        for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
            struct dirent **names;
            int n = scandir(dirs[d], &names, NULL, alphasort);
            assert_true(n > 0);
            for (int i = 0; i < n; i++) {
                const char *nm = names[i]->d_name;
                size_t l = strlen(nm);
                bool h = l > 2 && strcmp(nm + l - 2, ".h") == 0,
                     c = l > 2 && strcmp(nm + l - 2, ".c") == 0;
                if ((pass == 0 && h) || (pass == 1 && (h || c) && strncmp(nm, "msgcat_", 7))) {
                    char path[512];
                    snprintf(path, sizeof path, "%s/%s", dirs[d], nm);
                    toks t = {0};
                    read_tokens(path, &t);
                    size_t keep = nconsts;
                    if (pass == 0 || c)
                        find_consts(&t);
                    if (pass == 1)
                        scan_calls(path, &t);
                    while (pass == 1 && nconsts > keep)
                        free(consts[--nconsts].text);
                    for (size_t k = 0; k < t.n; k++)
                        free(t.v[k].text);
                    free(t.v);
                }
                free(names[i]);
            }
            free(names);
        }
}

static bool in_lua_part(const char *en)
{
    for (const msg_pair *p = msgcat_lua; p->en; p++)
        if (strcmp(p->en, en) == 0)
            return true;
    return false;
}

/* Ensure the reading of sources finds messages at all (a scanner that finds none proves
 * nothing): diag_at's, calc_error_set's, a usage error's, a hint variable's, a Lua one's. */
static void test_scanner_finds_messages(void **state)
{
    (void)state;
    scan_sources();
    static const char *const some[] = {"expected an amount in yuan (%s), got '%s'",
                                       "did you mean '%s'?", "unknown option '%s'",
                                       "negative amounts are not allowed",
                                       "undefined global '%s'", "cannot open %s: %s"};
    for (size_t k = 0; k < sizeof some / sizeof some[0]; k++) {
        bool hit = false;
        for (size_t i = 0; i < nmsgs && !hit; i++)
            hit = strcmp(msgs[i].text, some[k]) == 0;
        if (!hit)
            fail_msg("the scan of the sources did not find \"%s\"", some[k]);
    }
    assert_true(nmsgs > 300);
}

/* Ensure every message the code makes has a Chinese form (and a policy script's is matched). */
static void test_every_message_has_chinese(void **state)
{
    (void)state;
    scan_sources();
    int bad = 0;
    for (size_t i = 0; i < nmsgs; i++) {
        const found *f = &msgs[i];
        if (!msg_zh(f->text)) {
            print_error("%s:%d: no Chinese form of \"%s\"\n", f->file, f->line, f->text);
            bad++;
        } else if (f->lua && !in_lua_part(f->text)) {
            print_error("%s:%d: \"%s\" is raised in a policy script: it belongs in msgcat_lua\n",
                        f->file, f->line, f->text);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

/* Ensure each Chinese format has its English one's conversions in the same order. */
static void test_same_conversions(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; msg_at(i); i++) {
        const msg_pair *p = msg_at(i);
        if (!p->zh || !msg_same_conversions(p->en, p->zh)) {
            print_error("conversions differ: \"%s\" / \"%s\"\n", p->en, p->zh ? p->zh : "(none)");
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

/* Ensure the comparison of conversions tells formats apart (a check that cannot fail proves
 * nothing): order, type, length and '*' count; flags, widths and "%%" do not. */
static void test_conversions_compared(void **state)
{
    (void)state;
    assert_true(msg_same_conversions("a %s b %d", "甲 %s 乙 %d"));
    assert_false(msg_same_conversions("a %s b %d", "甲 %d 乙 %s"));
    assert_false(msg_same_conversions("%zu", "%u"));
    assert_false(msg_same_conversions("%.*s", "%s"));
    assert_false(msg_same_conversions("%s", "%s %s"));
    assert_true(msg_same_conversions("%5lld%%", "%-3lld％"));
    assert_true(msg_same_conversions("20%, e.g.", "20%，例如"));
}

/* Ensure no English text is in the catalogue twice (the second would never be used). */
static void test_no_duplicates(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; msg_at(i); i++)
        for (size_t k = i + 1; msg_at(k); k++)
            if (strcmp(msg_at(i)->en, msg_at(k)->en) == 0) {
                print_error("twice: \"%s\"\n", msg_at(i)->en);
                bad++;
            }
    assert_int_equal(bad, 0);
}

/* Whether s holds a CJK character or a full-width punctuation mark. */
static bool has_cjk(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (p[0] >= 0xE3 && p[0] <= 0xE9) /* U+3000–U+9FFF */
            return true;
        else if (p[0] == 0xEF && (p[1] == 0xBC || p[1] == 0xBD)) /* U+FF00–U+FF7F */
            return true;
    return false;
}

/* Ensure every Chinese form is written in Chinese. */
static void test_chinese_is_chinese(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; msg_at(i); i++)
        if (msg_at(i)->zh && !has_cjk(msg_at(i)->zh)) {
            print_error("not Chinese: \"%s\" / \"%s\"\n", msg_at(i)->en, msg_at(i)->zh);
            bad++;
        }
    assert_int_equal(bad, 0);
}

/* Ensure a message is formatted in each language with the same arguments, a marked argument
 * in its Chinese form, and integers, widths and precisions as printf gives them. */
static void test_format(void **state)
{
    (void)state;
    char b[256];
    const char *why = calc_msg_arg("negative amounts are not allowed");
    calc_msg_format(b, sizeof b, CALC_LANG_ZH, "expected an amount in yuan (%s), got '%s'", why,
                    "-5");
    assert_string_equal(b, "应为以元为单位的金额（金额不能为负数），实际为“-5”");
    calc_msg_format(b, sizeof b, CALC_LANG_EN, "expected an amount in yuan (%s), got '%s'", why,
                    "-5");
    assert_string_equal(b, "expected an amount in yuan (negative amounts are not allowed), "
                           "got '-5'");
    /* a profile's value (read into memory, not a literal) that reads like a message is not
     * translated */
    char *value = strdup("negative amounts are not allowed");
    calc_msg_format(b, sizeof b, CALC_LANG_ZH, "expected an amount in yuan (%s), got '%s'", why,
                    value);
    free(value);
    assert_string_equal(b, "应为以元为单位的金额（金额不能为负数），"
                           "实际为“negative amounts are not allowed”");
    calc_msg_format(b, sizeof b, CALC_LANG_ZH, "row has %zu cells, the header has %zu",
                    (size_t)3, (size_t)12);
    assert_string_equal(b, "这一行有 3 个单元格，表头有 12 个");
    calc_msg_format(b, sizeof b, CALC_LANG_ZH,
                    "expected a whole number from %lld to %lld, got '%s'", -1LL, 9000000000LL, "x");
    assert_string_equal(b, "应为 -1 到 9000000000 之间的整数，实际为“x”");
    calc_msg_format(b, sizeof b, CALC_LANG_ZH, "'%.*s': bad path", 3, "abcdef");
    assert_string_equal(b, "“abc”：路径有误");
    /* a format the catalogue lacks is the English one */
    calc_msg_format(b, sizeof b, CALC_LANG_ZH, "no such %s message %d", "x", 7);
    assert_string_equal(b, "no such x message 7");
}

/* Ensure a message cut to its buffer never ends inside a UTF-8 character. */
static void test_cut_at_a_character(void **state)
{
    (void)state;
    for (size_t size = 1; size < 40; size++) {
        char b[64];
        memset(b, 'x', sizeof b);
        calc_msg_format(b, size, CALC_LANG_ZH, "expected an amount in yuan (%s), got '%s'",
                        calc_msg_arg("too large"), "1");
        size_t n = strlen(b);
        assert_true(n < size);
        /* the text ends on a whole character: each lead byte has all its continuation bytes */
        for (size_t i = 0; i < n;) {
            unsigned char c = (unsigned char)b[i];
            size_t k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
            assert_true(i + k <= n);
            i += k;
        }
    }
}

/* Ensure an error raised in a policy script reads in Chinese in a Chinese frame: calc's own
 * message translated with its values, nested positions kept, Lua's own messages as Lua says
 * them. */
static void test_policy_errors(void **state)
{
    (void)state;
    char b[512];
    msg_lua_zh(b, sizeof b, "undefined global 'foo'");
    assert_string_equal(b, "政策脚本错误：未定义的全局变量“foo”");
    msg_lua_zh(b, sizeof b, "policies/lib/x.lua:3: instruction budget of 2000000 exceeded "
                            "(--max-instructions)");
    assert_string_equal(b, "政策脚本错误：policies/lib/x.lua:3: "
                           "超出指令预算 2000000（--max-instructions）");
    /* Lua's own run-time errors in Chinese too, the type and the name as Lua gives them */
    msg_lua_zh(b, sizeof b, "attempt to index a nil value (field 'x')");
    assert_string_equal(b, "政策脚本错误：试图索引 nil 值（字段“x”）");
    msg_lua_zh(b, sizeof b, "p/a.lua:8: attempt to perform arithmetic on a nil value (local 't')");
    assert_string_equal(b, "政策脚本错误：p/a.lua:8: 试图对 nil 值做算术运算（局部变量“t”）");
    msg_lua_zh(b, sizeof b, "p/a.lua:9: attempt to call a string value");
    assert_string_equal(b, "政策脚本错误：p/a.lua:9: 试图调用 string 值");
    msg_lua_zh(b, sizeof b, "p/a.lua:2: attempt to compare number with nil");
    assert_string_equal(b, "政策脚本错误：p/a.lua:2: 试图比较 number 与 nil");
    msg_lua_zh(b, sizeof b, "policy id 'a' does not match its file name (expected 'b')");
    assert_string_equal(b, "政策脚本错误：政策 id“a”与文件名不符（应为“b”）");
    /* Lua's frame around calc's own message: both in Chinese */
    msg_lua_zh(b, sizeof b, "x.lua:7: bad argument #1 to 'yuan' (expected a value with a unit, "
                            "e.g. yuan \"100\")");
    assert_string_equal(b, "政策脚本错误：x.lua:7: 第 1 个参数（传给 yuan）有误："
                           "应为带单位的值，例如 yuan \"100\"");
    /* a read failure: calc's message, the system's reason in it too */
    msg_lua_zh(b, sizeof b, "cannot open p/x.lua: Permission denied");
    assert_string_equal(b, "政策脚本错误：无法打开 p/x.lua：没有权限");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scanner_finds_messages),
        cmocka_unit_test(test_every_message_has_chinese),
        cmocka_unit_test(test_same_conversions),
        cmocka_unit_test(test_conversions_compared),
        cmocka_unit_test(test_no_duplicates),
        cmocka_unit_test(test_chinese_is_chinese),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_cut_at_a_character),
        cmocka_unit_test(test_policy_errors),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    for (size_t i = 0; i < nmsgs; i++)
        free(msgs[i].text);
    while (nconsts)
        free(consts[--nconsts].text);
    return failed;
}
