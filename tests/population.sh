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
# the population and tables below are book 1's (tests/data/book1-set.yaml)
book1_set "$tmp/book1"
CALC_POLICIES="$tmp/book1"
export CALC_POLICIES
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


# ---- CSV with words, and workbooks (read back with python3-openpyxl) ----
ASOF=2025-06-30
# Ensure near's CSV names the policy's title, the status and the reasons in words after its
# columns, and whatif's CSV each policy's title.
begin "near, whatif --format csv: title, status and reasons in words"
run near "$P" --as-of $ASOF --format csv
want_rc 0
want_out_is <<EOF
$(printf 'profile,name,policy,field,now,needed,change,distance,amount,kind,suggestion,title,status_text,reasons_text\r')
$(printf 'W4,研发差一成,sc25-rd-subsidy,finance.rd_expense,900000.00,1000000.00,100000.00,10.00%%,100000.00,next_year_target,"下一申报年度研发投入达到 ¥1,000,000.00（现为 ¥900,000.00，差 ¥100,000.00）",研发投入补助,不符合,研发投入：实际 900000.00，要求 不低于 1000000.00\r')
EOF
run near "$P" --as-of $ASOF --format csv --lang en
want_line out "$(printf 'W4,研发差一成,sc25-rd-subsidy,finance.rd_expense,900000.00,1000000.00,100000.00,10.00%%,100000.00,next_year_target,"R&D expense in the next claim year: at least ¥1,000,000.00 (now ¥900,000.00, ¥100,000.00 short)",R&D investment subsidy,ineligible,"R&D expense: 900000.00, required at least 1000000.00"\r')"
run whatif "$P" --scenario "$S" --as-of $ASOF --format csv
want_rc 0
want_line out "$(printf 'group,policy,baseline_beneficiaries,scenario_beneficiaries,baseline_granted,scenario_granted,change,gain,lose,unchanged,kind,title,unit,baseline_size,baseline_claimed,scenario_size,scenario_claimed\r')"
want_line out "$(printf ',sc25-first-store,2,2,1150000.00,1650000.00,500000.00,1,0,4,policy,首店、旗舰店一次性补助,yuan,,,,\r')"
end

PY=""
for p in /usr/bin/python3 python3; do
    if "$p" -c 'import openpyxl' 2>/dev/null; then PY=$p; break; fi
done
if [ -z "$PY" ]; then
    fail "whatif, near --format xlsx" "python3-openpyxl is not installed (make deps installs it)"
else
# Ensure whatif's workbook: per enterprise and policy that grants something, the baseline and
# the scenario (W1 1,000,000.00 -> 1,500,000.00 with the cap at 1.5m; W2 150,000.00 both), the
# summary per policy with the totals, and the pools of both runs; headers in view; the rows
# going on in 结果2 past the limit; no workbook on standard output or from --solve.
begin "whatif --format xlsx: results, summary with totals, pools of both runs"
run whatif "$P" --scenario "$S" --as-of $ASOF --format xlsx -o "$tmp/w.xlsx"
want_rc 0
want_out_empty
"$PY" tests/xlsx_dump.py "$tmp/w.xlsx" >"$tmp/w.dump" 2>&1
want_eq "sheets" "$(sed -n 's/^sheet \([^ ]*\) freeze \([^ ]*\) filter \([^ ]*\) rows \([0-9]*\).*/\1:\2:\3:\4/p' "$tmp/w.dump" | tr '\n' ' ')" \
    "结果:C2:A1:K3:3 汇总:D2:A1:K14:22 资金池:C2:A1:J9:9 "
want_line w.dump "结果 1 企业标识|企业名称|政策编号|政策名称|基准状态|基准金额|基准分配前金额|情景状态|情景金额|情景分配前金额|变化"
want_line w.dump "结果 2 W1|两店企业|sc25-first-store|首店、旗舰店一次性补助|符合|#1000000{¥#,##0.00}||符合|#1500000{¥#,##0.00}||#500000{¥#,##0.00}"
want_line w.dump "结果 3 W2|一店企业|sc25-first-store|首店、旗舰店一次性补助|符合|#150000{¥#,##0.00}||符合|#150000{¥#,##0.00}||#0{¥#,##0.00}"
want_line w.dump "汇总 8 （全部）|sc25-first-store|首店、旗舰店一次性补助|#2|#2|#1150000{¥#,##0.00}|#1650000{¥#,##0.00}|#500000{¥#,##0.00}|#1|#0|#4"
want_line w.dump "汇总 16 ||现金合计|||#1150000{¥#,##0.00}|#1650000{¥#,##0.00}|#500000{¥#,##0.00}|||"
want_line w.dump "汇总 20 记录读取|#5|||||||||"
want_line w.dump "资金池 2 sc25-commerce|基准|#126000000{¥#,##0.00}|#2|#1150000{¥#,##0.00}|#1150000{¥#,##0.00}|#0{¥#,##0.00}|#2|#0|#0"
want_line w.dump "资金池 3 sc25-commerce|首店补助上限提高到150万元|#126000000{¥#,##0.00}|#2|#1650000{¥#,##0.00}|#1650000{¥#,##0.00}|#0{¥#,##0.00}|#2|#0|#0"
CALC_XLSX_ROWS=2 run whatif "$P" --scenario "$S" --as-of $ASOF --format xlsx -o "$tmp/w2.xlsx"
want_rc 0
"$PY" tests/xlsx_dump.py "$tmp/w2.xlsx" >"$tmp/w2.dump" 2>&1
want_line w2.dump "结果2 1 企业标识|企业名称|政策编号|政策名称|基准状态|基准金额|基准分配前金额|情景状态|情景金额|情景分配前金额|变化"
want_line w2.dump "结果2 2 W2|一店企业|sc25-first-store|首店、旗舰店一次性补助|符合|#150000{¥#,##0.00}||符合|#150000{¥#,##0.00}||#0{¥#,##0.00}"
run whatif "$P" --scenario "$S" --as-of $ASOF --format xlsx
want_rc 2
want_eq "without -o" "$(head -n 1 "$tmp/err")" "calc: --format xlsx writes a workbook, not text: give -o FILE.xlsx"
run whatif "$P" --as-of $ASOF --solve sc25-first-store.cap --budget 1400000 --format xlsx -o "$tmp/s.xlsx"
want_rc 2
end

# Ensure near's workbook: W4 10 % short of the R&D threshold, what it would bring as money, the
# values as money and the distance as a percentage; the summary per policy; the pools.
begin "near --format xlsx: the near miss, its values as numbers, summary and pools"
run near "$P" --as-of $ASOF --format xlsx -o "$tmp/n.xlsx"
want_rc 0
want_out_empty
"$PY" tests/xlsx_dump.py "$tmp/n.xlsx" >"$tmp/n.dump" 2>&1
want_eq "sheets" "$(sed -n 's/^sheet \([^ ]*\) freeze \([^ ]*\) .*/\1:\2/p' "$tmp/n.dump" | tr '\n' ' ')" "结果:C2 汇总:C2 资金池:B2 "
want_line n.dump "结果 1 企业标识|企业名称|政策编号|政策名称|状态|可获金额|数量|单位|字段|现值|需达到|差距|距离|原因"
want_line n.dump "结果 2 W4|研发差一成|sc25-rd-subsidy|研发投入补助|不符合|#100000{¥#,##0.00}|||研发投入|#900000{¥#,##0.00}|#1000000{¥#,##0.00}|#100000{¥#,##0.00}|#0.1{0.00%}|研发投入：实际 900000.00，要求 不低于 1000000.00"
want_line n.dump "汇总 10 sc25-rd-subsidy|研发投入补助|#1|#100000{¥#,##0.00}|"
want_line n.dump "汇总 15 接近符合|#1|||"
want_line n.dump "资金池 2 sc25-commerce|上城区都市经济政策预算|按比例|#126000000{¥#,##0.00}|#0|#0{¥#,##0.00}"
run near "$P" --as-of $ASOF --format xlsx --lang en -o "$tmp/n-en.xlsx"
want_rc 0
"$PY" tests/xlsx_dump.py "$tmp/n-en.xlsx" >"$tmp/n-en.dump" 2>&1
want_line n-en.dump "Results 2 W4|研发差一成|sc25-rd-subsidy|R&D investment subsidy|ineligible|#100000{¥#,##0.00}|||R&D expense|#900000{¥#,##0.00}|#1000000{¥#,##0.00}|#100000{¥#,##0.00}|#0.1{0.00%}|R&D expense: 900000.00, required at least 1000000.00"
end
fi

finish
