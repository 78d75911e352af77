/* test_rulediff.c — the meaning digest of a Lua source (calc/lib/chunkdigest.c): formatting,
 * comments, moved lines and renamed locals keep it; any change of code or of a constant
 * changes it; a source that does not compile has none. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "rulediff.h"

static const char base[] = "local rate = 10\n"
                           "return {\n"
                           "  amount = function(e, p)\n"
                           "    local total = 0\n"
                           "    for i = 1, 3 do total = total + i * rate end\n"
                           "    return total\n"
                           "  end,\n"
                           "  title = \"x\",\n"
                           "}\n";

static void digest(const char *src, char out[65])
{
    assert_true(chunk_meaning(src, strlen(src), out));
}

/* Ensure comments, blank lines that move every function down, indentation, line breaks and
 * renamed locals and parameters keep the digest. */
static void test_formatting_kept(void **state)
{
    (void)state;
    char a[65], b[65];
    digest(base, a);
    static const char *const same[] = {
        "-- a comment\n\n\n--[[ a long\ncomment ]]\n"
        "local rate = 10\nreturn {\n  amount = function(e, p)\n    local total = 0\n"
        "    for i = 1, 3 do total = total + i * rate end\n    return total\n  end,\n"
        "  title = \"x\",\n}\n",
        "local rate=10 return{amount=function(e,p) local total=0 for i=1,3 do "
        "total=total+i*rate end return total end,title=\"x\",}",
        "local r = 10\nreturn {\n  amount = function(ent, par)\n    local sum = 0\n"
        "    for k = 1, 3 do sum = sum + k * r end\n    return sum\n  end,\n"
        "  title = \"x\",\n}\n",
    };
    for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
        digest(same[i], b);
        assert_string_equal(a, b);
    }
}

/* Ensure a changed number, text, field name, operator or statement changes the digest. */
static void test_meaning_changed(void **state)
{
    (void)state;
    char a[65], b[65];
    digest(base, a);
    static const char *const from[] = {"10", "\"x\"", "title", "i * rate", "return total"};
    static const char *const to[] = {"11", "\"y\"", "name", "i + rate", "return total + 0"};
    for (size_t i = 0; i < sizeof from / sizeof *from; i++) {
        char src[1024];
        const char *at = strstr(base, from[i]);
        assert_non_null(at);
        snprintf(src, sizeof src, "%.*s%s%s", (int)(at - base), base, to[i],
                 at + strlen(from[i]));
        digest(src, b);
        assert_string_not_equal(a, b);
    }
}

/* Ensure a source that does not compile has no digest. */
static void test_no_digest(void **state)
{
    (void)state;
    char a[65];
    assert_false(chunk_meaning("return {", 8, a));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formatting_kept),
        cmocka_unit_test(test_meaning_changed),
        cmocka_unit_test(test_no_digest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
