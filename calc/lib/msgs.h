/* msgs.h — calc's messages in Chinese and English: the catalogue of {English format, Chinese
 * format} pairs (msgcat_*.c), looked up by the English format when a message is made, and the
 * formatting of a message in either language. The language is always the caller's: nothing
 * here reads the locale or the environment. It knows no diagnostic, file or output format
 * (util.c makes diagnostics with it). */
#ifndef CALC_MSGS_H
#define CALC_MSGS_H

#include "calc.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Marks a literal as a text of the catalogue where it is not given to a function that makes a
 * message (a table of hints, say): the catalogue's test reads the sources for such marks. */
#define N_(s) s

typedef struct msg_pair {
    const char *en, *zh;
} msg_pair;

/* The catalogue, in parts ended by {NULL, NULL}: messages about input (profiles, YAML, JSON,
 * CSV, --set), about the rules (the policy set, scenarios, case files, policy scripts) and of
 * the programs (usage, batch, the server). Messages that policy scripts raise (luaL_error, the
 * loader's) are in msgcat_lua: their text is matched against these formats afterwards. */
extern const msg_pair msgcat_input[], msgcat_rules[], msgcat_run[], msgcat_lua[],
    msgcat_sheets[], msgcat_batchreplay[], msgcat_integrity[];
extern const msg_pair msgcat_rulediff[]; /* replay's rule changes (rulediff.c) */
extern const msg_pair msgcat_book2[];   /* book 2's rules: cap limits, windows, books */
extern const msg_pair msgcat_ledger[];  /* the grants ledger (ledger_*.c) */
extern const msg_pair msgcat_history[]; /* history from the grants ledger (issue #17) */

/* The Chinese form of an English format or text, or NULL when the catalogue has none. */
const char *msg_zh(const char *en);
/* en formatted with ap in lang: English is en itself, Chinese its catalogue form with the same
 * arguments (those made by calc_msg_arg in their Chinese form), or en when there is none
 * (reported when calc_settings.check_messages is set). Never cuts a UTF-8 character. */
void msg_vformat(char *buf, size_t size, int lang, const char *en, va_list ap);
/* A text of another library (libyaml's, yajl's problems) as an argument, as calc_msg_arg
 * marks it when the catalogue has its Chinese form; never reported as missing. */
const char *msg_ext(const char *s);
/* A plain text (not a format) in lang: its Chinese form, or the text itself. */
const char *msg_text(const char *en, int lang);
/* The Chinese form of an error raised in a policy script ("x.lua:14: undefined global 'a'"):
 * "政策脚本错误：" and the text, a message of msgcat_lua in Chinese and any other (Lua's own)
 * as it is. */
void msg_lua_zh(char *buf, size_t size, const char *text);
/* A policy's error (a result's, as Lua or the sandbox said it) for people reading lang: the
 * text itself in English, msg_lua_zh's form in Chinese ("政策脚本错误：x.lua:8: 试图索引 nil 值…"),
 * in buf. */
const char *msg_policy_error(char *buf, size_t size, const char *text, int lang);
/* The hints of the input limits (a value's size, a document's nesting). */
#define VALUE_HINT "one value holds at most 1/16 of --max-input; if the value is right, raise " \
                   "--max-input (MiB)"
#define DEPTH_HINT "a profile is a few levels deep; if the file is right, raise --max-depth " \
                   "(8 to 256)"

/* For the tests: the i-th pair of the whole catalogue (NULL past the last), and whether two
 * formats have the same conversions in the same order (flags and widths aside). */
const msg_pair *msg_at(size_t i);
bool msg_same_conversions(const char *a, const char *b);

#endif
