/* gen.c — a seeded synthetic population for `make bench`: N enterprise profiles as JSON Lines
 * covering every schema field (some left absent on purpose), about 700 bytes each. About one in
 * six is a 钱塘区 enterprise with policy book 2's fields (tags hq / toutyan, moved_in, zone,
 * credit, finance.prev_*, a lease, a purchase, grants, talents, 12 social.monthly items, the
 * high-tech certificate, listing stage dates, a guarantee and a few award-ledger entries), so
 * that the qt25-* policies are evaluated past their district condition. With `book1`, book 1's
 * fields only: no enterprise is made a 钱塘区 one with book 2's fields (the population as it was
 * before book 2, the same bytes for the same N and SEED).
 * usage: gen N [SEED [book1]] > population.jsonl */
#include <string.h>
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

static const char *const districts[] = {"上城区", "拱墅区", "西湖区", "滨江区", "萧山区",
                                        "余杭区", "临平区", "钱塘区", "富阳区", "临安区",
                                        "桐庐县", "淳安县", "建德市"};
static const char *const industries[] = {
    "ai", "metaverse", "humanoid_robotics", "embodied_ai", "machine_vision", "digital_content",
    "digital_manufacturing", "it", "software", "iot", "ecommerce", "advertising",
    "mobile_internet", "auto_internet", "finance", "digital_services", "culture",
    "professional_services", "commerce", "tourism", "health", "industrial_design",
    "smart_manufacturing", "new_energy", "new_equipment", "new_materials", "other"};
static const char *const kinds[] = {"global_first",   "asia_first",     "china_first",
                                    "zhejiang_first", "hangzhou_first", "flagship"};
static const char *const streets[] = {"湖滨步行街", "清河坊步行街", "延安路", "武林路"};
static const char *const stages[] = {"none", "restructured", "filed", "listed"};

static const char *district(void)
{
    return chance(45) ? "上城区" : districts[pick(13)];
}

static const char *const glevels[] = {"national", "provincial", "city"};
static const char *const tlevels[] = {"top", "leading", "youth"};
static const char *const thresholds[] = {"10000000", "20000000", "50000000", "100000000"};
static const char *const qt_policies[] = {"qt25-toutyan", "qt25-hq-settle", "qt25-rent-marginal",
                                          "qt25-guarantee", "qt25-milestone", "qt25-growth"};

static void money(const char *key, uint64_t max, int comma)
{
    printf("%s\"%s\": \"%llu.%02u\"", comma ? ", " : "", key, (unsigned long long)(rnd() % max),
           pick(100));
}

static void date(const char *key, int y0, int y1, int comma)
{
    printf("%s\"%s\": \"%04d-%02u-%02u\"", comma ? ", " : "", key, y0 + (int)pick((unsigned)(y1 - y0 + 1)),
           1 + pick(12), 1 + pick(28));
}

/* the rest of book 2's fields of a 钱塘区 enterprise (after "listing") */
static void book2(long i, int ht, unsigned st)
{
    if (chance(50))
        date("moved_in", 2020, 2025, 1);
    if (chance(30))
        printf(", \"zone\": \"core\"");
    if (chance(3) || chance(2)) {
        printf(", \"credit\": {\"dishonest\": %s, \"major_accident\": %s}",
               chance(50) ? "true" : "false", chance(50) ? "true" : "false");
    }
    if (chance(15))
        printf(", \"land\": {\"allocated\": true}");
    if (chance(65)) {
        printf(", \"lease\": {");
        date("start", 2019, 2025, 0);
        if (chance(30))
            date("end", 2024, 2028, 1);
        printf(", \"m2\": %u", 100 + pick(8000));
        money("rent_per_m2_month", 150, 1);
        if (chance(90))
            money("guide_rent_per_m2_month", 120, 1);
        printf("}");
    }
    if (chance(20)) {
        printf(", \"purchase\": {");
        date("date", 2023, 2025, 0);
        printf(", \"m2\": %u}", 200 + pick(12000));
    }
    if (ht)
        printf(", \"tech\": {\"high_tech_certified\": \"%s-%02u-%02u\", \"high_tech_renewal\": %s}",
               chance(80) ? "2024" : "2023", 1 + pick(12), 1 + pick(28), chance(30) ? "true" : "false");
    if (chance(30)) {
        printf(", \"guarantee\": {");
        money("loan", 50000000, 0);
        money("fee", 800000, 1);
        printf("}");
    }
    unsigned ng = chance(40) ? 1 + pick(3) : 0;
    printf(", \"grants\": [");
    for (unsigned k = 0; k < ng; k++) {
        printf("%s{\"name\": \"项目%ld-%u\", \"level\": \"%s\"", k ? ", " : "", i, k,
               glevels[pick(3)]);
        if (chance(95))
            date("received", 2023, 2025, 1);
        money("amount", 15000000, 1);
        printf("}");
    }
    unsigned nt = chance(25) ? 1 + pick(2) : 0;
    printf("], \"talents\": [");
    for (unsigned k = 0; k < nt; k++) {
        printf("%s{\"name\": \"人才%ld-%u\", \"level\": \"%s\", \"insured_here\": %s", k ? ", " : "",
               i, k, tlevels[pick(3)], chance(85) ? "true" : "false");
        date("arrived", 2020, 2025, 1);
        printf("}");
    }
    printf("], \"social\": {\"monthly\": [");
    unsigned base = 20 + pick(300);
    for (unsigned m = 1; m <= 12; m++) { /* now and then a month without its figure */
        printf("%s{\"month\": \"2024-%02u\"", m > 1 ? ", " : "", m);
        if (!chance(3))
            printf(", \"insured\": %u", base + pick(20));
        printf("}");
    }
    printf("]}");
    /* the ledger: what earlier rounds paid (0 to 3 entries) */
    unsigned na = chance(40) ? 1 + pick(3) : 0;
    printf(", \"awards\": [");
    for (unsigned k = 0; k < na; k++) {
        const char *pol = qt_policies[pick(6)];
        unsigned y = 2021 + pick(4);
        char key[32];
        if (pol == qt_policies[4])
            snprintf(key, sizeof key, "%s", thresholds[pick(4)]);
        else
            snprintf(key, sizeof key, "%u", y);
        printf("%s{\"policy\": \"%s\", \"year\": %u, \"key\": \"%s\"", k ? ", " : "", pol, y, key);
        money("amount", 2000000, 1);
        printf("}");
    }
    if (st && chance(30))
        printf("%s{\"policy\": \"qt25-listing\", \"year\": 2023, \"amount\": \"600000.00\", \"key\": \"restructured\"}",
               na ? ", " : "");
    printf("]");
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000;
    if (argc > 2)
        s ^= (uint64_t)atoll(argv[2]) * 0x9E3779B97F4A7C15ull;
    int book1 = argc > 3 && strcmp(argv[3], "book1") == 0;
    for (long i = 0; i < n; i++) {
        printf("{\"id\": \"91330102MA%08ld\", \"name\": \"企业%ld\"", i, i);
        int qt = !book1 && chance(17); /* a 钱塘区 enterprise with book 2's fields */
        printf(", \"district\": \"%s\"", qt ? "钱塘区" : district());
        if (chance(90))
            printf(", \"tax_district\": \"%s\"", district());
        if (chance(92))
            date("founded", 2015, 2025, 1);
        if (chance(85))
            date("applied", 2025, 2025, 1);
        printf(", \"industry\": \"%s\"", industries[pick(27)]);
        int tech = chance(40), ht = chance(10), ts = chance(10);
        int hq = qt && chance(35), ty = qt && chance(25);
        printf(", \"tags\": [%s%s%s%s%s%s%s%s%s]", tech ? "\"tech_enterprise\"" : "",
               tech && ht ? ", " : "", ht ? "\"high_tech\"" : "", (tech || ht) && ts ? ", " : "",
               ts ? "\"talent_startup\"" : "", (tech || ht || ts) && hq ? ", " : "",
               hq ? "\"hq\"" : "", (tech || ht || ts || hq) && ty ? ", " : "",
               ty ? "\"toutyan\"" : "");
        if (chance(95))
            printf(", \"employees\": %u", pick(500));
        printf(", \"finance\": {\"year\": %u", chance(80) ? 2024 : 2023);
        money("revenue", 500000000, 1);
        if (chance(90))
            money("rd_expense", 40000000, 1);
        money("tax_paid", 20000000, 1);
        if (chance(90))
            money("local_contribution", 8000000, 1);
        if (chance(70))
            money("loan_interest_paid", 3000000, 1);
        if (qt) {
            if (chance(85))
                money("prev_revenue", 450000000, 1);
            if (chance(80))
                money("prev2_revenue", 400000000, 1);
            if (chance(75))
                money("prev_local_contribution", 7000000, 1);
        }
        printf("}, \"rd\": {\"major_project\": %s}", chance(10) ? "true" : "false");
        unsigned ns = chance(25) ? 1 + pick(3) : 0;
        printf(", \"stores\": [");
        for (unsigned k = 0; k < ns; k++) {
            printf("%s{\"kind\": \"%s\", \"brand\": \"品牌%u\", \"brand_recognized\": %s",
                   k ? ", " : "", kinds[pick(6)], pick(1000), chance(70) ? "true" : "false");
            if (chance(95))
                date("opened", 2024, 2025, 1);
            printf(", \"district\": \"%s\", \"street\": \"%s\", \"area_m2\": %u", district(),
                   streets[pick(4)], 50 + pick(400));
            if (chance(90))
                money("fitout_investment", 3000000, 1);
            printf("}");
        }
        printf("]");
        unsigned star = chance(20) ? pick(6) : 0;
        printf(", \"hq\": {\"star\": %u, \"star_rewarded_before\": %u", star,
               star ? pick(star + 1) : 0);
        unsigned mode = pick(3);
        printf(", \"office\": {\"mode\": \"%s\", \"district\": \"%s\"",
               mode == 0 ? "rent" : mode == 1 ? "purchase" : "none", district());
        if (mode == 0)
            money("annual_rent", 6000000, 1);
        if (mode == 1)
            money("purchase_price", 200000000, 1);
        printf("}}");
        printf(", \"talent\": {\"eligible\": %u, \"requested_units\": %u}", pick(30), pick(25));
        if (chance(60))
            printf(", \"office\": {\"requested_m2\": %u}", pick(1500));
        unsigned st = pick(4);
        printf(", \"listing\": {\"stage\": \"%s\"", stages[st]);
        if (st)
            date("stage_date", 2016, 2020, 1);
        printf(", \"stages_paid\": [%s]", st > 1 && chance(50) ? "\"restructured\"" : "");
        if (qt && st) {
            printf(", \"stage_dates\": {");
            date("restructured", 2021, 2024, 0);
            if (st > 1)
                date("filed", 2022, 2024, 1);
            if (st > 2)
                date("listed", 2023, 2024, 1);
            printf("}");
            if (chance(70))
                money("city_paid", 500000, 1);
            if (st > 2 && chance(30))
                printf(", \"board\": \"star_market\"");
        }
        printf("}");
        if (qt)
            book2(i, ht, st);
        printf("}\n");
    }
    return 0;
}
