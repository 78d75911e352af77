#!/bin/sh
# labels.sh — the words people read, end to end: each condition's sentence in Chinese and English
# in the JSON (`label`) exactly as hand-written below — at a threshold, one fen below, absent — the
# labels of missing fields, the computation in words, the pool claim, the superseding policy by
# title, the illustrative mark; the table in both languages free of DSL names, codes and field
# paths; plain batch lines without labels (they stay lean), explained ones with them. Every
# profile of cases/ is checked by tests/test_labels.c. Run from the repository root:
# BUILD=build sh tests/labels.sh.
set -u
. tests/lib.sh
need_calc
need jq
ASOF=2025-06-30
EX=cases/profiles/example.yaml

# lab FILE POLICY FIELD LANG: the label of the condition on FIELD of POLICY in a JSON result
lab() {
    jq -r --arg p "$2" --arg f "$3" --arg l "$4" \
        '[.results[] | select(.policy == $p) | .conditions[] | select(.field == $f)][0].label[$l]' "$1"
}
# res_of FILE POLICY JQ: a jq expression on the result of POLICY
res_of() { jq -c --arg p "$2" ".results[] | select(.policy == \$p) | $3" "$1"; }

# An R&D subsidy applicant (policy book §3 sc25-rd-subsidy: R&D expense at least 1,000,000.00).
cat >"$tmp/rd.yaml" <<'EOF'
id: L-RD
name: 标签测试企业
district: 上城区
tax_district: 上城区
industry: ai
tags: [tech_enterprise]
finance:
  year: 2024
  rd_expense: 1000000
EOF

# Ensure a money threshold reads in words at the threshold, one fen below it and when absent:
# ¥ and grouping, 不少于 / at least, 未填写 / not provided (and the missing field by its label).
begin "labels: R&D expense at ¥1,000,000.00, ¥999,999.99 and absent"
run eval "$tmp/rd.yaml" --as-of $ASOF --format json
want_rc 0
cp "$tmp/out" "$tmp/at.json"
want_eq "at zh" "$(lab "$tmp/at.json" sc25-rd-subsidy finance.rd_expense zh)" \
    "研发投入：¥1,000,000.00；本政策要求：不少于¥1,000,000.00"
want_eq "at en" "$(lab "$tmp/at.json" sc25-rd-subsidy finance.rd_expense en)" \
    "R&D expense: ¥1,000,000.00; this policy requires: at least ¥1,000,000.00"
want_eq "at result" "$(res_of "$tmp/at.json" sc25-rd-subsidy '[.status, .amount]')" '["eligible","100000.00"]'
run eval "$tmp/rd.yaml" --as-of $ASOF --format json --set finance.rd_expense=999999.99
want_rc 0
want_eq "below zh" "$(lab "$tmp/out" sc25-rd-subsidy finance.rd_expense zh)" \
    "研发投入：¥999,999.99；本政策要求：不少于¥1,000,000.00"
want_eq "below en" "$(lab "$tmp/out" sc25-rd-subsidy finance.rd_expense en)" \
    "R&D expense: ¥999,999.99; this policy requires: at least ¥1,000,000.00"
want_eq "below reason" "$(res_of "$tmp/out" sc25-rd-subsidy '[.status, (.reasons[0].label.zh)]')" \
    '["ineligible","研发投入：¥999,999.99；本政策要求：不少于¥1,000,000.00"]'
grep -v rd_expense "$tmp/rd.yaml" >"$tmp/rd-absent.yaml"
run eval "$tmp/rd-absent.yaml" --as-of $ASOF --format json
want_rc 0
want_eq "absent zh" "$(lab "$tmp/out" sc25-rd-subsidy finance.rd_expense zh)" \
    "研发投入：未填写；本政策要求：不少于¥1,000,000.00"
want_eq "absent en" "$(lab "$tmp/out" sc25-rd-subsidy finance.rd_expense en)" \
    "R&D expense: not provided; this policy requires: at least ¥1,000,000.00"
want_eq "missing" "$(res_of "$tmp/out" sc25-rd-subsidy '[.status, .missing, .missing_labels]')" \
    '["needs_data",["finance.rd_expense"],[{"zh":"研发投入","en":"R&D expense"}]]'
end

# Ensure an enum is read by its labels, a one_of list as 、…或 / "…, … or …", and the policy's
# own wording where it gives one (sc25-rd-subsidy words its industries and its tax district).
begin "labels: industries and districts by their labels, the policy's own wording"
want_eq "qj20 zh" "$(lab "$tmp/at.json" qj20-industry-match industry zh)" \
    "所属行业：人工智能；本政策要求：智能制造、新能源、新装备或新材料"
want_eq "qj20 en" "$(lab "$tmp/at.json" qj20-industry-match industry en)" \
    "Industry: artificial intelligence; this policy requires: smart manufacturing, new energy, new equipment or new materials"
want_eq "rd industry zh" "$(lab "$tmp/at.json" sc25-rd-subsidy industry zh)" \
    "所属行业：人工智能；本政策要求：属于科技产业（人工智能、元宇宙、人形机器人等）"
want_eq "tax district en" "$(lab "$tmp/at.json" sc25-rd-subsidy tax_district en)" \
    "Tax district: Shangcheng; this policy requires: taxes paid in Shangcheng"
want_eq "year" "$(lab "$tmp/at.json" sc25-rd-subsidy finance.year zh)" "财务年度：2024；本政策要求：2024"
want_eq "tags" "$(lab "$tmp/at.json" sc25-loan-interest tags en)" \
    "Qualifications: technology enterprise; this policy requires: includes technology enterprise"
end

# Ensure a date relative to as_of is worded and computed: the free office wants a company founded
# on or after 2025-06-30 less 3 years, 2022-06-30 — that day passes, the day before fails.
begin "labels: founded on the day 3 years before as_of, and one day earlier"
printf 'id: L-D\nname: 日期测试\ndistrict: 上城区\ntags: [tech_enterprise]\nfounded: 2022-06-30\nemployees: 5\noffice:\n  requested_m2: 50\n' >"$tmp/d.yaml"
run eval "$tmp/d.yaml" --as-of $ASOF --format json
want_rc 0
want_eq "on the day" "$(res_of "$tmp/out" sc25-free-office '[.status, (.conditions[] | select(.field == "founded") | .result, .label.zh)]')" \
    '["eligible","pass","成立日期：2022-06-30；本政策要求：成立不满3年（测算日前3年当日或之后成立），即2022-06-30或之后"]'
run eval "$tmp/d.yaml" --as-of $ASOF --format json --set founded=2022-06-29
want_rc 0
want_eq "day before" "$(lab "$tmp/out" sc25-free-office founded en)" \
    "Date founded: 2022-06-29; this policy requires: founded less than 3 years before the estimate date, i.e. on or after 2022-06-30"
want_eq "no tags" "$(jq -r '.results[] | select(.policy == "sc25-loan-interest") | .conditions[] | select(.field == "tags") | .label.zh' "$tmp/out")" \
    "企业资质：科技型企业；本政策要求：包含科技型企业"
end

# Ensure list items are named as a person counts them (第1家门店 / Store 1), areas carry m², an
# absent store kind reads 未填写 against 已填写, and the any_item record counts the qualifying
# stores of all (1 of 2: the second is 99 m², one below the 100 m² threshold).
begin "labels: stores — 第1家门店, m², an absent kind, 1 of 2 qualifying"
cat >"$tmp/s.yaml" <<'EOF'
id: L-S
name: 门店测试
district: 上城区
stores:
  - brand: 甲
    brand_recognized: true
    opened: 2025-03-01
    district: 上城区
    area_m2: 100
    fitout_investment: 300000
  - kind: flagship
    brand: 乙
    brand_recognized: true
    opened: 2025-03-01
    district: 上城区
    area_m2: 99
    fitout_investment: 300000
EOF
run eval "$tmp/s.yaml" --as-of $ASOF --format json
want_rc 0
want_eq "kind absent zh" "$(lab "$tmp/out" sc25-first-store 'stores[0].kind' zh)" "第1家门店 门店类型：未填写；本政策要求：已填写"
want_eq "kind absent en" "$(lab "$tmp/out" sc25-first-store 'stores[0].kind' en)" \
    "Store 1 — Store kind: not provided; this policy requires: provided"
want_eq "area at" "$(lab "$tmp/out" sc25-first-store 'stores[0].area_m2' zh)" "第1家门店 面积：100 m²；本政策要求：不少于100 m²"
want_eq "area below" "$(lab "$tmp/out" sc25-first-store 'stores[1].area_m2' en)" \
    "Store 2 — Floor area: 99 m²; this policy requires: at least 100 m²"
want_eq "stores" "$(lab "$tmp/out" sc25-first-store stores zh)" "门店：0家符合条件（共2家）；本政策要求：至少一家符合条件的门店"
want_eq "missing labels" "$(res_of "$tmp/out" sc25-first-store '.missing_labels[0]')" '{"zh":"第1家门店 门店类型","en":"Store 1 — Store kind"}'
run eval "$tmp/s.yaml" --as-of $ASOF --format json --set 'stores[0].kind=hangzhou_first'
want_rc 0
want_eq "1 of 2" "$(lab "$tmp/out" sc25-first-store stores en)" \
    "Stores: 1 qualifying store of 2; this policy requires: at least one qualifying store"
end

# Ensure the computation reads in words with the operands named by their fields (policy book §3:
# 10% of 8,000,000.50 = 800,000.05, half up, within the 30,000,000 cap), and the first store's
# per store: min(tier 200,000, 50% × 350,000 = 175,000) = 175,000, the sum within 1,000,000.
begin "labels: computation in words (sc25-rd-subsidy, sc25-first-store on the example)"
run eval "$EX" --as-of $ASOF --format json --explain
want_rc 0
cp "$tmp/out" "$tmp/ex.json"
want_eq "rd zh" "$(res_of "$tmp/ex.json" sc25-rd-subsidy '.computation.zh')" \
    '["研发投入 ¥8,000,000.50 × 10% = ¥800,000.05","不超过上限 ¥30,000,000.00"]'
want_eq "rd en" "$(res_of "$tmp/ex.json" sc25-rd-subsidy '.computation.en')" \
    '["R&D expense ¥8,000,000.50 × 10% = ¥800,000.05","Within the cap of ¥30,000,000.00"]'
want_eq "rd steps (machines)" "$(res_of "$tmp/ex.json" sc25-rd-subsidy '.steps')" '["10% × 8,000,000.50 = 800,000.05"]'
want_eq "store" "$(res_of "$tmp/ex.json" sc25-first-store '.computation.zh[1:]')" \
    '["第1家门店（杭州首店）：装修投入 ¥350,000.00 × 50% = ¥175,000.00；¥200,000.00、¥175,000.00 取较小者 = ¥175,000.00","门店合计 ¥175,000.00，不超过上限 ¥1,000,000.00"]'
# the tier has no name in the profile: the policy's amount rule comes first
want_eq "store rule" "$(res_of "$tmp/ex.json" sc25-first-store '.computation.zh[0]')" \
    '"计算规则：每家符合条件的门店：按门店类型的档位金额与装修投入×50%取较小者；合计不超过100万元"'
want_eq "hq star" "$(res_of "$tmp/ex.json" sc25-hq-star '.computation')" \
    '{"zh":["2星档位 − 已奖励1星档位 = ¥500,000.00"],"en":["Tier of star level 2 − tier of star level 1 already rewarded = ¥500,000.00"]}'
end

# Ensure the honest-amount keys: an amount from an illustrative rate says so; the superseded free
# office names sc25-hq-office by its title; the first store is a claim on a named pool.
begin "labels: illustrative, superseded_by_title, pool_claim"
want_eq "illustrative" "$(res_of "$tmp/ex.json" sc25-rd-subsidy '.illustrative')" "true"
want_eq "no amount, no mark" "$(res_of "$tmp/ex.json" qj20-incubator '.illustrative')" "null"
want_eq "superseded" "$(res_of "$tmp/ex.json" sc25-free-office '.superseded_by_title')" \
    '{"zh":"总部办公用房补贴","en":"Headquarters office subsidy"}'
want_eq "pool claim" "$(res_of "$tmp/ex.json" sc25-first-store '.pool_claim | [.pool, .title.zh, .size, .unit, .mode, .note.zh]')" \
    '["sc25-commerce","上城区都市经济政策预算","126000000.00","yuan","pro_rata","本项为对「上城区都市经济政策预算」（¥126,000,000.00）的申请，实际金额在批量测算中按比例分配"]'
want_eq "apartments" "$(res_of "$tmp/ex.json" sc25-talent-apartment '.pool_claim | [.size, .unit, .mode, .note.en]')" \
    '["2000","units","first_come","This is a claim on “Science and innovation apartments” (2,000 units); the actual quantity is allocated first come, first served by application date in batch evaluation"]'
want_eq "not eligible, no claim" "$(res_of "$tmp/ex.json" qj20-incubator '.pool_claim')" "null"
end

# Ensure the table in both languages shows no DSL name, no code and no field path — with and
# without --explain, for the example and the hand-made profiles — and the claim's pool line.
# (How to qualify — 如何符合, to qualify, cannot qualify — is written by qualify's own writer and
# checked by its own tests; it is left out here.)
begin "labels: the zh and en tables hold no DSL name, code or field path"
for f in "$EX" "$tmp/rd.yaml" "$tmp/rd-absent.yaml" "$tmp/s.yaml" "$tmp/d.yaml"; do
    for l in zh en; do
        for x in "" --explain; do
            run eval "$f" --as-of $ASOF --lang $l $x
            want_rc 0
            grep -vE '^    (如何符合：|to qualify: |无法通过修改资料符合|cannot qualify)' "$tmp/out" >"$tmp/table"
            want_no_match table 'one_of|at_least|at_most|greater_than|has_tag|is_set|is_true|any_item|on_or_after|qualifying_store|[a-z_]+\(|\[[a-z_.0-9]+\]'
            want_no_match table '(^|[^a-z_])(tech_enterprise|hangzhou_first|smart_manufacturing|finance\.[a-z_]+|stores\[|ai|has|none)([^a-z_]|$)'
            want_no_match table '— 实际 |— actual |required|\(absent\)|（未提供）|draws on pool|资金/资源池'
        done
    done
done
run eval "$EX" --as-of $ASOF --lang en --explain
want_line out "    Pool: Shangcheng urban-economy policy budget (¥126,000,000.00, pro rata); a single estimate is a claim: the amount granted is set by the batch allocation"
want_line out "    superseded by “Headquarters office subsidy” (would be ¥328,500.00; the higher one is granted)"
want_line out "    computation: R&D expense ¥8,000,000.50 × 10% = ¥800,000.05"
want_line out "    ✗ Industry: artificial intelligence; this policy requires: smart manufacturing, new energy, new equipment or new materials"
end

# Ensure batch lines without --explain stay lean (no labels), and explained ones carry them.
begin "labels: batch lines: none without --explain, every record with --explain"
for f in "$tmp/rd.yaml" "$tmp/s.yaml"; do cat "$f"; echo "---"; done | sed '$d' >"$tmp/two.yaml"
run batch "$tmp/two.yaml" --as-of $ASOF -q
want_rc 0
want_no_match out '"label"|missing_labels|pool_claim|illustrative|computation'
run batch "$tmp/two.yaml" --as-of $ASOF -q --explain
want_rc 0
want_eq "unlabelled records" "$(jq -s '[.[] | .results[] | (.conditions + .reasons)[] | select((.label.zh // "") == "" or (.label.en // "") == "")] | length' "$tmp/out")" "0"
want_eq "labelled records" "$(jq -s '[.[] | .results[] | .conditions[] | .label] | length > 20' "$tmp/out")" "true"
end

finish
