#!/bin/sh
# Population what-if, the budget solver and the outreach list on a small population whose
# numbers are computed by hand from the policy book (tests/data/population/small.jsonl):
#   W1: two qualifying stores: global_first min(1,000,000, 50% × 3,000,000) = 1,000,000 and
#       china_first min(500,000, 50% × 2,000,000) = 500,000; sum 1,500,000, cap 1,000,000.
#   W2: hangzhou_first min(200,000, 50% × 300,000 = 150,000) = 150,000 (area 120).
#   W3: district 西湖区: sc25-first-store ineligible.
#   W4: rd_expense 900,000: 100,000 (10%) short of the 1,000,000 threshold; W5: 300,000 short.
# Run from the repository root: BUILD=build sh tests/population.sh.
set -u
. tests/lib.sh
need_calc
need jq
P=tests/data/population/small.jsonl
S=cases/scenarios/first-store-cap-1.5m.yaml
eq() { [ "$1" = "$2" ] || { echo "$3: got '$1', expected '$2'"; return 1; }; }

# Baseline first-store: W1 1,000,000 + W2 150,000 = 1,150,000 (2 beneficiaries).
# Cap 1,500,000: W1 1,500,000 + W2 150,000 = 1,650,000: change +500,000; W1 gains, 4 unchanged.
whatif_cap() {
    ${CALC_WRAP:-} "$CALC" whatif "$P" --scenario "$S" --as-of 2025-06-30 --format json >"$tmp/w.json" || return 1
    r=$(jq -r '.policies[] | select(.policy == "sc25-first-store") |
        "\(.baseline.beneficiaries) \(.baseline.granted) \(.scenario.beneficiaries) \(.scenario.granted) \(.change) \(.gain) \(.lose) \(.unchanged)"' "$tmp/w.json")
    eq "$r" "2 1150000.00 2 1650000.00 500000.00 1 0 4" "sc25-first-store" &&
        eq "$(jq -r '.records | "\(.read) \(.evaluated) \(.rejected)"' "$tmp/w.json")" "5 5 0" records &&
        eq "$(jq -r '.pools[] | select(.pool == "sc25-commerce") | "\(.baseline.claimed) \(.scenario.claimed)"' "$tmp/w.json")" \
            "1150000.00 1650000.00" "pool claims"
}
check "whatif: raising the first-store cap (hand-computed totals, gain/lose)" whatif_cap

# By district: 上城区 1,150,000 → 1,650,000; 西湖区 0 → 0 (W3 is ineligible in both).
whatif_by() {
    "$CALC" whatif "$P" --scenario "$S" --as-of 2025-06-30 --format json --by district >"$tmp/b.json" || return 1
    eq "$(jq -r '.policies[] | select(.policy == "sc25-first-store") | .by["上城区"] | "\(.baseline.granted) \(.scenario.granted) \(.gain)"' "$tmp/b.json")" \
        "1150000.00 1650000.00 1" "上城区" &&
        eq "$(jq -r '.policies[] | select(.policy == "sc25-first-store") | .by["西湖区"] | "\(.baseline.granted) \(.scenario.granted) \(.unchanged)"' "$tmp/b.json")" \
            "0.00 0.00 1" "西湖区" &&
        "$CALC" whatif "$P" --scenario "$S" --as-of 2025-06-30 --format csv --by district >"$tmp/b.csv" &&
        grep -q '^上城区,sc25-first-store,2,2,1150000.00,1650000.00,500000.00,1,0,3' "$tmp/b.csv"
}
check "whatif --by district (JSON and CSV)" whatif_by

# A rate lowered: sc25-rd-subsidy 10% → 8% has no beneficiary here (W4, W5 below the
# threshold): nothing changes; switching sc25-first-store off removes 1,150,000.
whatif_off() {
    printf 'name: off\noff: [sc25-first-store]\n' >"$tmp/off.yaml"
    "$CALC" whatif "$P" --scenario "$tmp/off.yaml" --as-of 2025-06-30 --format json >"$tmp/o.json" || return 1
    eq "$(jq -r '.policies[] | select(.policy == "sc25-first-store") | "\(.scenario.granted) \(.change) \(.lose)"' "$tmp/o.json")" \
        "0.00 -1150000.00 2" "switched off"
}
check "whatif: a policy switched off" whatif_off

# Budget 1,400,000: cost(cap) = min(1,500,000, cap) + 150,000, largest cap within it is
# 1,250,000.00; at 1,250,000.01 the cost is 1,400,000.01.
solve_cap() {
    "$CALC" whatif "$P" --as-of 2025-06-30 --solve sc25-first-store.cap --budget 1400000 --format json >"$tmp/s.json" || return 1
    eq "$(jq -r '"\(.value) \(.cost) \(.next_step_cost) \(.beneficiaries)"' "$tmp/s.json")" \
        "¥1,250,000.00 1400000.00 1400000.01 2" "solve cap" &&
        "$CALC" whatif "$P" --scenario "$S" --param sc25-first-store.cap=1250000 --as-of 2025-06-30 --format json |
        jq -e '.policies[] | select(.policy == "sc25-first-store") | .scenario.granted == "1400000.00"' >/dev/null &&
        "$CALC" whatif "$P" --scenario "$S" --param sc25-first-store.cap=1250000.01 --as-of 2025-06-30 --format json |
        jq -e '.policies[] | select(.policy == "sc25-first-store") | .scenario.granted == "1400000.01"' >/dev/null
}
check "solve: the largest cap within a budget, checked at the answer and one fen above" solve_cap

# A threshold: min_area; budget 1,100,000: at 120 m² W2 counts (1,150,000 > budget), at 121 it
# does not (1,000,000): the smallest value within the budget is 121 m².
solve_threshold() {
    "$CALC" whatif "$P" --as-of 2025-06-30 --solve sc25-first-store.min_area --budget 1100000 --format json >"$tmp/t.json" || return 1
    eq "$(jq -r '"\(.value) \(.cost) \(.next_step_cost)"' "$tmp/t.json")" "121 m² 1000000.00 1150000.00" "solve threshold"
}
check "solve: the smallest threshold within a budget" solve_threshold

# Percent to 0.01%: rd rate; W4 qualifies with rd_expense raised to 1,000,000 (--set on all:
# W4 and W5 get 1,000,000): cost(rate) = 2 × rate × 1,000,000; budget 150,000 → 7.50%;
# at 7.51% the cost is 2 × 75,100 = 150,200.
solve_rate() {
    "$CALC" whatif "$P" --as-of 2025-06-30 --set finance.rd_expense=1000000 --solve sc25-rd-subsidy.rate --budget 150000 --format json >"$tmp/r.json" || return 1
    eq "$(jq -r '"\(.value) \(.cost) \(.next_step_cost)"' "$tmp/r.json")" "7.5% 150000.00 150200.00" "solve rate"
}
check "solve: a rate to 0.01%" solve_rate

# Outreach: W4 is 10% short (listed at 20%), W5 30% short (not listed); the R&D expense of a
# finished claim year is a target for the next one, said so in words.
near() {
    "$CALC" near "$P" --as-of 2025-06-30 --within 20% --format json >"$tmp/n.json" || return 1
    eq "$(jq -r 'select(.policy == "sc25-rd-subsidy") | "\(.profile) \(.field) \(.now) \(.needed) \(.change) \(.distance) \(.amount)"' "$tmp/n.json")" \
        "W4 finance.rd_expense 900000.00 1000000.00 +100,000.00 10.00% 100000.00" "near" &&
    eq "$(jq -r 'select(.policy == "sc25-rd-subsidy") | "\(.name) \(.kind) \(.label.zh)"' "$tmp/n.json")" \
        "研发差一成 next_year_target 下一申报年度研发投入达到 ¥1,000,000.00（现为 ¥900,000.00，差 ¥100,000.00）" "near in words"
}
check "near: within 20%, with what is needed and what it would bring" near

finish
