/* pgen.c — the peer benchmark's seeded workload (issue #18 item 2): N enterprise records as
 * JSON Lines of one fixed shape, about 300 bytes each, every integer in whole yuan. The
 * values are spread so that each of the five rules R1–R5 (tests/bench/peers/README.md) has
 * eligible and ineligible records, and some land exactly on a boundary (R&D of exactly
 * 1,000,000, a tax paid whose 5 % is below one yuan, a talent count that is a multiple of 5).
 * usage: pgen N [SEED] > records.jsonl */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t s = 88172645463325252ull;

static uint64_t rnd(void) /* xorshift64 */
{
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
}

static unsigned pick(unsigned n) { return (unsigned)(rnd() % n); }
static int chance(unsigned pct) { return pick(100) < pct; }

static const char *const districts[] = {"上城区", "拱墅区", "余杭区", "西湖区"};
static const char *const industries[] = {"finance", "culture", "it", "commerce", "health",
                                         "manufacturing", "new-energy", "new-materials"};
static const char *const store_kinds[] = {"none", "first", "flagship"};
static const char *const brands[] = {"none", "domestic", "international"};

/* a whole-yuan amount: mostly spread over [0, max), sometimes exactly at the boundary b */
static unsigned long long yuan(unsigned long long max, unsigned long long b)
{
    if (b && chance(3))
        return b - (unsigned long long)pick(2); /* b or one yuan below */
    return rnd() % max;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: pgen N [SEED]\n");
        return 2;
    }
    long long n = atoll(argv[1]);
    if (argc > 2)
        s ^= (uint64_t)strtoull(argv[2], NULL, 10) * 0x9E3779B97F4A7C15ull;
    if (!s)
        s = 1;
    for (int k = 0; k < 16; k++)
        rnd();
    for (long long i = 1; i <= n; i++) {
        const char *sk = store_kinds[chance(60) ? 0 : 1 + pick(2)];
        int first = sk[0] == 'f' && sk[1] == 'i';
        unsigned long long tax = chance(10) ? 0 : chance(10) ? pick(40) : rnd() % 30000000ull;
        unsigned long long revenue = chance(5) ? 200000000ull - pick(2) : rnd() % 400000000ull;
        printf("{\"id\":%lld,\"district\":\"%s\",\"industry\":\"%s\","
               "\"registered_capital_yuan\":%llu,\"revenue_yuan\":%llu,"
               "\"rd_expense_yuan\":%llu,\"tax_paid_yuan\":%llu,\"employees\":%u,"
               "\"store_kind\":\"%s\",\"is_first_store\":%s,\"brand_level\":\"%s\","
               "\"hq_star\":%u,\"talent_count\":%u,\"founded\":\"%04u-%02u-%02u\"}\n",
               i, districts[pick(4)], industries[pick(8)], rnd() % 100000000ull, revenue,
               yuan(400000000ull, 1000000ull), tax, chance(5) ? 300 + pick(2) : pick(600),
               sk, first ? "true" : "false", brands[pick(3)], pick(6),
               chance(50) ? pick(5) : pick(300), 1990 + pick(35), 1 + pick(12), 1 + pick(28));
    }
    return 0;
}
