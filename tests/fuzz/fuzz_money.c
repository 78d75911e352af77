/* fuzz_money.c — money and date parsing: whatever parses formats back to the same value (a
 * date in any accepted form to the same day), and percentages never overflow silently. */
#include "common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char s[64];
    if (size >= sizeof s)
        return 0;
    memcpy(s, data, size);
    s[size] = 0;
    calc_money m;
    if (calc_money_parse(&m, s, size, NULL) == 0) {
        char buf[40];
        calc_money back;
        calc_money_format(buf, m);
        if (calc_money_parse(&back, buf, strlen(buf), NULL) != 0 || back != m)
            abort();
        calc_money q;
        if (calc_money_pct(&q, m, 1000) == 0 && (q < 0 || q > m))
            abort(); /* 10% of an amount is within it */
        if (calc_money_muldiv_floor(m, 1, 3) > m)
            abort();
    }
    calc_date d;
    if (calc_date_parse(&d, s, size) == 0) {
        char buf[16];
        calc_date back;
        calc_date_format(buf, d);
        /* every form read (2024/3/15, 2024年3月15日) is the day the canonical text names;
         * the canonical text itself comes back unchanged */
        bool canonical = size == 10 && s[4] == '-' && s[7] == '-';
        if (calc_date_parse(&back, buf, strlen(buf)) != 0 || back != d ||
            (canonical && strcmp(buf, s) != 0))
            abort();
        (void)calc_date_years_before(d, 3);
    }
    return 0;
}
