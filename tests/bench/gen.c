/* gen.c — a seeded synthetic population for `make bench`: N enterprise profiles as JSON Lines
 * covering every schema field (some left absent on purpose), about 700 bytes each.
 * usage: gen N [SEED] > population.jsonl */
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

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000;
    if (argc > 2)
        s ^= (uint64_t)atoll(argv[2]) * 0x9E3779B97F4A7C15ull;
    for (long i = 0; i < n; i++) {
        printf("{\"id\": \"91330102MA%08ld\", \"name\": \"企业%ld\"", i, i);
        printf(", \"district\": \"%s\"", district());
        if (chance(90))
            printf(", \"tax_district\": \"%s\"", district());
        if (chance(92))
            date("founded", 2015, 2025, 1);
        if (chance(85))
            date("applied", 2025, 2025, 1);
        printf(", \"industry\": \"%s\"", industries[pick(27)]);
        int tech = chance(40), ht = chance(10), ts = chance(10);
        printf(", \"tags\": [%s%s%s%s%s]", tech ? "\"tech_enterprise\"" : "",
               tech && ht ? ", " : "", ht ? "\"high_tech\"" : "", (tech || ht) && ts ? ", " : "",
               ts ? "\"talent_startup\"" : "");
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
        printf(", \"stages_paid\": [%s]}", st > 1 && chance(50) ? "\"restructured\"" : "");
        printf("}\n");
    }
    return 0;
}
