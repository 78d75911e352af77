#!/bin/sh
# dslx.sh — the amount helpers of policy book 2 (calc/lib/dslx.c) end to end, on the fixtures of
# tests/data/dslx (a trimmed schema with the award ledger, policies that use every helper):
# the cases worked out by hand replay; each misuse or overflow is its policy's error with the
# helper's message while the other policies still evaluate; the steps and the computation in
# words of brackets, split, ratio, sub and the ledger in Chinese and English; optional() lists
# what it did not find without making the amount "needs data"; a ledger of 10^5 entries; a
# schedule over 100 years within the budget, and loops that the budget or the calendar stops.
# Run from the repository root: BUILD=build sh tests/dslx.sh.
set -u
. tests/lib.sh
need_calc
need jq
P=tests/data/dslx
ASOF=2025-06-30

# res_of FILE POLICY JQ: a jq expression on the result of POLICY
res_of() { jq -c --arg p "$2" ".results[] | select(.policy == \$p) | $3" "$1"; }

# Ensure every case of the fixtures replays as worked out by hand.
begin "replay: the dslx cases pass"
run replay --policies $P $P/cases.yaml
want_rc 0
want_match out '^31 passed, 0 failed$'
end

cat >"$tmp/p.yaml" <<'EOF'
id: DX-SH
name: 辅助函数测试
district: 钱塘区
lease: {start: 2022-01-01, end: 2030-12-31, m2: 6200, rent_per_m2_month: 120, guide_rent_per_m2_month: 80}
purchase: {date: 2024-11-08}
t: {which: 0}
awards:
  - {policy: dx-split, year: 2022, amount: 666666.66, key: "2024-11-08"}
  - {policy: dx-split, year: 2023, amount: 600000, key: "2024-11-08"}
EOF

# Ensure each overflow and misuse is the policy's error, with the helper's own message (never a
# wrapped amount), and that the other policies are still evaluated (calc exits 4: an error).
begin "errors: overflow and misuse of the helpers"
for w in 1 2 3 4 5 6 7 8 9 10; do
    case $w in
    1) m="mul: result out of range" ;;
    2) m="add: result out of range" ;;
    3) m="sub: result out of range" ;;
    4) m="pct_product: result out of range" ;;
    5) m="ratio: result out of range" ;;
    6) m="split: installment 4 of 3 (expected 1 to 3)" ;;
    7) m="brackets: result out of range" ;;
    8) m="awards_count: an unknown option (the options are policy, key and year)" ;;
    9) m="ratio: the divisor must be greater than 0" ;;
    10) m="mul: result out of range" ;;
    esac
    run eval "$tmp/p.yaml" --policies $P --as-of $ASOF --format json --set t.which=$w
    want_rc 4 # a policy's error
    want_eq "which=$w" "$(res_of "$tmp/out" dx-overflow '.error' | sed 's/^"[^ ]*: //; s/"$//')" "$m"
    want_eq "which=$w others" "$(res_of "$tmp/out" dx-calendar '[.status, .amount]')" '["eligible","1.00"]'
done
end

# Ensure mul_or_more's product past the largest integer is dropped by min() as more than the
# bound (exactly the bound then), a zero factor still gives 0, and every other use of it is
# the policy's error with a message: arithmetic, max(), a min() of nothing else, a negative
# factor, an amount of its own. A product that fits is the product.
begin "mul_or_more: past the largest integer only min() takes it"
for w in 15 16 17 18 19 20 21 22 23; do
    run eval "$tmp/p.yaml" --policies $P --as-of $ASOF --format json --set t.which=$w
    got=$(res_of "$tmp/out" dx-overflow '[.status, .amount, (.error // "" | sub("^[^ ]*: "; ""))]')
    case $w in
    15) want='["eligible","2.50",""]' ;;
    16) want='["eligible","0.05",""]' ;;
    17) want='["error","0.00","attempt to perform arithmetic on a userdata value"]' ;;
    18) want='["error","0.00","max must be an amount, got userdata"]' ;;
    19) want='["error","0.00","min: every value is past the largest integer"]' ;;
    20) want='["error","0.00","mul_or_more: the factors must not be negative, got -1"]' ;;
    21) want='["error","0.00","amount must be an integer number of fen, got userdata"]' ;;
    22) want='["eligible","2.00",""]' ;;
    23) want='["ineligible","0.00",""]' ;;
    esac
    want_eq "which=$w" "$got" "$want"
done
# its text is words, never an address that would change from run to run
want_eq "which=23 text" "$(res_of "$tmp/out" dx-overflow '.reasons[0].name')" \
    '"amount > 0: more than the largest integer / more than the largest integer"'
end

# Ensure the budget and the calendar stop loops: 10^5 ledger questions on a ledger of 10^5
# entries end in the budget's error; the same on a small ledger, and 1200 months, finish.
begin "budget: a 100-year schedule, an endless loop, a large ledger asked too often"
run eval "$tmp/p.yaml" --policies $P --as-of $ASOF --format json --set t.which=11
want_eq "100 years" "$(res_of "$tmp/out" dx-budget '[.status, .amount]')" '["eligible","2.00"]'
run eval "$tmp/p.yaml" --policies $P --as-of $ASOF --format json --set t.which=12
want_eq "endless" "$(res_of "$tmp/out" dx-budget '.error' | sed 's/^"[^ ]*: //; s/"$//')" \
    "instruction budget of 2000000 exceeded (--max-instructions)"
run eval "$tmp/p.yaml" --policies $P --as-of $ASOF --format json --set t.which=13
want_eq "off the calendar" "$(res_of "$tmp/out" dx-budget '.error' | sed 's/^"[^ ]*: //; s/"$//')" \
    "add_months: result out of range"
run eval "$tmp/p.yaml" --policies $P --as-of $ASOF --format json --set t.which=14
want_eq "small ledger" "$(res_of "$tmp/out" dx-budget '[.status, .amount]')" '["eligible","3.00"]'
{
    printf 'id: DX-BIG\nname: 大台账\ndistrict: 钱塘区\npurchase: {date: 2024-11-08}\nt: {which: 14}\nawards:\n'
    i=0
    while [ $i -lt 100000 ]; do
        echo "  - {policy: dx-ledger, year: 2020, amount: 1, key: k$i}"
        i=$((i + 1))
    done
} >"$tmp/big.yaml"
run eval "$tmp/big.yaml" --policies $P --as-of $ASOF --format json
want_rc 4
want_eq "large ledger asked 10^5 times" "$(res_of "$tmp/out" dx-budget '.error' | sed 's/^"[^ ]*: //; s/"$//')" \
    "instruction budget of 2000000 exceeded (--max-instructions)"
# 10,000,000 − 100,000 × 1.00 − 0 + 0 + 0 + 1.00 × 0 (awards[0] is dx-ledger's first)
want_eq "large ledger summed" "$(res_of "$tmp/out" dx-ledger '[.status, .amount]')" '["eligible","9900000.00"]'
want_eq "large ledger, installment" "$(res_of "$tmp/out" dx-split '[.status, .amount]')" '["eligible","666666.66"]'
end

# Ensure the money helpers write their steps and their words, naming the operands they can.
begin "words: brackets, ratio and min in Chinese and English"
run eval "$tmp/p.yaml" --policies $P --as-of $ASOF --format json --explain
want_rc 0
want_eq "zh" "$(res_of "$tmp/out" dx-brackets '.computation.zh')" \
    '["片区租赁指导价 ¥80.00 × 130% = ¥104.00","实际租金 ¥120.00、¥104.00 取较小者 = ¥104.00","第1档 1000 m² × ¥104.00 × 计入月数 12 × 90% = ¥1,123,200.00","第2档 4000 m² × ¥104.00 × 计入月数 12 × 50% = ¥2,496,000.00","第3档 1200 m² × ¥104.00 × 计入月数 12 × 30% = ¥449,280.00","各档合计 = ¥4,068,480.00","¥5,000,000.00 × 12 / 12 = ¥5,000,000.00","¥4,068,480.00、¥5,000,000.00 取较小者 = ¥4,068,480.00"]'
want_eq "en" "$(res_of "$tmp/out" dx-brackets '.computation.en')" \
    '["Guide rent ¥80.00 × 130% = ¥104.00","The lower of Actual rent ¥120.00 and ¥104.00 = ¥104.00","Bracket 1: 1000 m² × ¥104.00 × months counted 12 × 90% = ¥1,123,200.00","Bracket 2: 4000 m² × ¥104.00 × months counted 12 × 50% = ¥2,496,000.00","Bracket 3: 1200 m² × ¥104.00 × months counted 12 × 30% = ¥449,280.00","Sum of the brackets = ¥4,068,480.00","¥5,000,000.00 × 12 / 12 = ¥5,000,000.00","The lower of ¥4,068,480.00 and ¥5,000,000.00 = ¥4,068,480.00"]'
want_eq "steps" "$(res_of "$tmp/out" dx-brackets '.steps')" \
    '["130% × 80.00 = 104.00","bracket 1: 1000 × 104.00 × 12 × 90% = 1,123,200.00","bracket 2: 4000 × 104.00 × 12 × 50% = 2,496,000.00","bracket 3: 1200 × 104.00 × 12 × 30% = 449,280.00","brackets: sum = 4,068,480.00","5,000,000.00 × 12 / 12 = 5,000,000.00"]'
end

begin "words: the last installment's remainder, the ledger's sums and sub"
want_eq "split zh" "$(res_of "$tmp/out" dx-split '.computation.zh')" \
    '["¥2,000,000.00 分 3 期发放，第 3 期 = ¥666,666.68（末期取余额：2,000,000.00 − 2 × 666,666.66）"]'
want_eq "split en" "$(res_of "$tmp/out" dx-split '.computation.en')" \
    '["¥2,000,000.00 in 3 installments: installment 3 = ¥666,666.68 (the last: the remainder, 2,000,000.00 − 2 × 666,666.66)"]'
want_eq "split steps" "$(res_of "$tmp/out" dx-split '.steps')" \
    '["installment 3 (2 earlier award(s) of key 2024-11-08)","2,000,000.00 in 3 installments: installment 3 = 666,666.68"]'
want_eq "ledger zh" "$(res_of "$tmp/out" dx-ledger '.computation.zh[0:3]')" \
    '["已发放金额（奖励台账，dx-split、dx-ledger）= ¥1,266,666.66","已发放金额（奖励台账，dx-split，2024年度）= ¥0.00","¥10,000,000.00 − 已发放金额 ¥1,266,666.66 − 已发放金额 ¥0.00 = ¥8,733,333.34"]'
want_eq "ledger en" "$(res_of "$tmp/out" dx-ledger '.computation.en[0:3]')" \
    '["Paid before (award ledger, dx-split, dx-ledger) = ¥1,266,666.66","Paid before (award ledger, dx-split, year 2024) = ¥0.00","¥10,000,000.00 − paid before ¥1,266,666.66 − paid before ¥0.00 = ¥8,733,333.34"]'
end

# Ensure optional() lists the absent field on an eligible result and makes a zero amount
# needs_data, while a plain read of an absent field still makes the amount need it.
begin "optional: listed in missing, eligible when the amount is known"
run eval "$tmp/p.yaml" --policies $P --as-of $ASOF --format json --set listing.stage_dates.restructured=2023-05-01
want_eq "one stage" "$(res_of "$tmp/out" dx-optional '[.status, .amount, .missing]')" \
    '["eligible","600000.00",["listing.stage_dates.filed"]]'
run eval "$tmp/p.yaml" --policies $P --as-of $ASOF --format json
want_eq "no stage" "$(res_of "$tmp/out" dx-optional '[.status, .amount, (.missing | sort)]')" \
    '["needs_data","0.00",["listing.stage_dates.filed","listing.stage_dates.restructured"]]'
run eval "$tmp/p.yaml" --policies $P --as-of $ASOF --format json --set lease.m2=
want_eq "a plain read" "$(res_of "$tmp/out" dx-brackets '[.status, .amount, .missing]')" \
    '["needs_data","0.00",["lease.m2"]]'
end

finish
