#!/bin/sh
# whatif.sh — what-if analysis end to end: `calc eval --scenario/--param` (baseline and scenarios
# side by side), `--set PATH=VALUE` on eval and batch, `calc batch --scenario`, and `calc sweep`
# (CSV checked by hand, the SVG parsed point by point and rendered by headless Chromium to
# $BUILD/whatif/sweep.png). Amounts are hand-computed from /work/shared/policy-book.md §1 and §3
# (arithmetic in the fixtures' comments, tests/data/whatif/, and below). Run from the repository
# root: BUILD=build sh tests/whatif.sh; set CALC_WRAP to run calc under a wrapper. Prints one line
# per check ("PASS name" / "FAIL name", details indented below a failure), ends with
# "N passed, N failed" and exits 1 when a check failed. Checks named "[bug]" test the correct
# behaviour of a calc bug and fail until it is fixed.
. tests/lib.sh
need_calc
# the population and tables below are book 1's (tests/data/book1-set.yaml)
book1_set "$tmp/book1"
CALC_POLICIES="$tmp/book1"
export CALC_POLICIES
need jq
D=tests/data/whatif
P=$D/profile.yaml   # WHATIF-001: first-store 1,000,000.00, rd 100,000.02, loan 120,000.00
B2=$D/between.yaml  # WHATIF-002: first-store 1,000,000.00 (uncapped sum 1,150,000.02)
R3=$D/rd-only.yaml  # WHATIF-003: rd 100,000.01
S=cases/scenarios
ASOF=2025-06-30

# jqo FILTER: jq -c over stdout. res PREFIX POLICY: "status amount" of one policy's result in
# the result object at PREFIX ("" for plain eval, .baseline, .scenarios[0].result).
jqo() { jq -c "$1" "$tmp/out" 2>&1; }
res() { jq -r --arg p "$2" "$1"'.results[] | select(.policy == $p) | "\(.status) \(.amount)"' "$tmp/out" 2>&1; }
# bres ID POLICY: "status amount" of one policy for one record of batch output (JSON Lines).
bres() {
    jq -r --arg id "$1" --arg p "$2" \
        'select(.profile == $id) | .results[] | select(.policy == $p) | "\(.status) \(.amount)"' "$tmp/out" 2>&1
}
# chg POLICY BASE_STATUS BASE_AMOUNT SC_STATUS SC_AMOUNT DELTA: one element of changes[].
chg() {
    printf '{"policy":"%s","baseline":{"status":"%s","amount":"%s"},"scenario":{"status":"%s","amount":"%s"},"delta":"%s"}' \
        "$1" "$2" "$3" "$4" "$5" "$6"
}
# want_changes EXPECTED [N] / want_delta CASH [N]: scenario N's (default 0) changes[] and
# totals_delta (in_kind always 0.00 here).
want_changes() { want_eq "changes" "$(jqo ".scenarios[${2:-0}].changes")" "$1"; }
# scen_err NAME: eval of the main profile with scenario $D/NAME.yaml fails with exit 3, no stdout.
scen_err() { run eval "$P" --as-of $ASOF --scenario "$D/$1.yaml"; want_rc 3; want_empty out; }
want_delta() { want_eq "totals_delta" "$(jqo ".scenarios[${2:-0}].totals_delta")" "{\"cash\":\"$1\",\"in_kind\":\"0.00\"}"; }

# ---------------------------------------------------------------- eval --scenario / --param

# Ensure raising the first-store cap to 1,500,000 grants 1,500,000 to stores summing 1,750,000.50
# (above both caps), and 1,150,000.02 in full to stores summing between the caps.
begin "scenario: cap raised, stores sum above both caps / between them"
run eval "$P" --as-of $ASOF --scenario $S/first-store-cap-1.5m.yaml --format json
want_rc 0
want_empty err
want_eq "keys" "$(jqo 'keys')" '["as_of","baseline","profile","scenarios"]'
want_eq "name" "$(jq -r '.scenarios[0].name' "$tmp/out")" "首店补助上限提高到150万元"
want_eq "baseline" "$(res .baseline sc25-first-store)" "eligible 1000000.00" # 1,750,000.50 capped
want_eq "baseline totals" "$(jqo '.baseline.totals')" '{"cash":"1220000.02","in_kind":"0.00"}'
want_eq "scenario" "$(res '.scenarios[0].result' sc25-first-store)" "eligible 1500000.00"
want_changes "[$(chg sc25-first-store eligible 1000000.00 eligible 1500000.00 500000.00)]"
want_eq "totals" "$(jqo '.scenarios[0].result.totals')" '{"cash":"1720000.02","in_kind":"0.00"}'
want_delta 500000.00
run eval "$B2" --as-of $ASOF --scenario $S/first-store-cap-1.5m.yaml --format json
want_changes "[$(chg sc25-first-store eligible 1000000.00 eligible 1150000.02 150000.02)]"
want_delta 150000.02
end

# Ensure the rate lowered to 8% rounds half up (8% × 1,000,000.19 = 80,000.0152 → 80,000.02) and
# the policy switched off in the same file is not_in_force with 0.00.
begin "scenario: rd rate 10% → 8% (rounds up) and loan interest off"
run eval "$P" --as-of $ASOF --scenario $S/rd-rate-down.yaml --format json
want_rc 0
want_changes "[$(chg sc25-loan-interest eligible 120000.00 not_in_force 0.00 -120000.00),$(chg sc25-rd-subsidy eligible 100000.02 eligible 80000.02 -20000.00)]"
want_eq "loan result" "$(jqo '.scenarios[0].result.results[] | select(.policy == "sc25-loan-interest") | [.status, .amount, .reasons, .missing]')" \
    '["not_in_force","0.00",[],[]]'
want_eq "totals" "$(jqo '.scenarios[0].result.totals')" '{"cash":"1080000.02","in_kind":"0.00"}'
want_delta -140000.00
end

# Ensure --param rates round half up: 8% × 1,000,000.06 = 80,000.0048 → 80,000.00 (8% of a fen
# amount is never exactly half a fen); 12.5% × 1,000,000.04 = 125,000.005 → 125,000.01 (10%:
# 100,000.004 → 100,000.00).
begin "scenario: --param rates, rounding down and an exact half fen up"
run eval "$R3" --as-of $ASOF --param sc25-rd-subsidy.rate=8% --format json
want_rc 0
want_eq "name" "$(jq -r '.scenarios[0].name' "$tmp/out")" "--param"
want_changes "[$(chg sc25-rd-subsidy eligible 100000.01 eligible 80000.00 -20000.01)]"
run eval "$R3" --as-of $ASOF --set finance.rd_expense=1000000.04 --param sc25-rd-subsidy.rate=12.5% --format json
want_changes "[$(chg sc25-rd-subsidy eligible 100000.00 eligible 125000.01 25000.01)]"
end

# Ensure switched-off policies are not_in_force with amount 0 and the totals drop by their sum.
begin "scenario: two policies switched off"
run eval "$P" --as-of $ASOF --scenario $D/off-two.yaml --format json
want_rc 0
want_changes "[$(chg sc25-first-store eligible 1000000.00 not_in_force 0.00 -1000000.00),$(chg sc25-rd-subsidy eligible 100000.02 not_in_force 0.00 -100000.02)]"
want_eq "totals" "$(jqo '.scenarios[0].result.totals')" '{"cash":"120000.00","in_kind":"0.00"}'
want_delta -1100000.02
end

# Ensure a table parameter changes one key: global_first 700,000 → 700,000 + 150,000.02.
begin "scenario: table parameter tiers.global_first"
run eval "$B2" --as-of $ASOF --scenario $D/tier-global-700k.yaml --format json
want_rc 0
want_changes "[$(chg sc25-first-store eligible 1000000.00 eligible 850000.02 -149999.98)]"
end

# Ensure --param applies on top of a scenario file: cap 1,500,000 and flagship tier 100,000 →
# 1,000,000 + min(100,000, 150,000.02) = 1,100,000.00.
begin "scenario: --param on top of a scenario file"
run eval "$B2" --as-of $ASOF --scenario $S/first-store-cap-1.5m.yaml \
    --param sc25-first-store.tiers.flagship=100000 --format json
want_rc 0
want_eq "scenarios" "$(jqo '[.scenarios[].name]')" '["首店补助上限提高到150万元"]'
want_changes "[$(chg sc25-first-store eligible 1000000.00 eligible 1100000.00 100000.00)]"
end

# Ensure moved in-force windows: rd from 2025-07-01 is not in force on 06-30; the platform match
# extended to 2025 matches (status change, delta 0.00); on 2025-07-01 the rd subsidy is in force.
begin "scenario: in-force windows moved"
run eval "$P" --as-of $ASOF --scenario $D/window-moved.yaml --format json
want_rc 0
want_changes "[$(chg gs17-platform-match not_in_force 0.00 eligible 0.00 0.00),$(chg sc25-rd-subsidy eligible 100000.02 not_in_force 0.00 -100000.02)]"
want_eq "platforms" "$(jqo '.scenarios[0].result.results[] | select(.policy == "gs17-platform-match") | .detail')" \
    '["北部软件园","智慧网谷小镇","申花产业集聚区","北城·智汇园"]'
want_delta -100000.02
run eval "$P" --as-of 2025-07-01 --scenario $D/window-moved.yaml --format json # FROM inclusive
want_eq "changed on 2025-07-01" "$(jqo '[.scenarios[0].changes[].policy]')" '["gs17-platform-match"]'
end

# Ensure several scenarios are columns, in order, each against the same baseline.
begin "scenario: three scenarios side by side (json)"
run eval "$P" --as-of $ASOF --scenario $S/rd-rate-down.yaml --scenario $S/first-store-cap-1.5m.yaml \
    --scenario $D/window-moved.yaml --format json
want_rc 0
want_eq "names" "$(jqo '[.scenarios[].name]')" \
    '["研发补助比例降至8%、取消贷款贴息","首店补助上限提高到150万元","研发补助推迟至7月施行、拱墅平台匹配延长"]'
want_eq "cash" "$(jqo '[.baseline.totals.cash, (.scenarios[] | .result.totals.cash, .totals_delta.cash)]')" \
    '["1220000.02","1080000.02","-140000.00","1720000.02","500000.00","1120000.00","-100000.02"]'
want_eq "rd" "$(jqo '[.scenarios[].result.results[] | select(.policy == "sc25-rd-subsidy") | .amount]')" \
    '["80000.02","100000.02","0.00"]'
end

# Ensure the table shows the scenarios as columns with their changes and totals.
begin "scenario: two scenarios side by side (table)"
run eval "$P" --as-of $ASOF --scenario $S/rd-rate-down.yaml --scenario $S/first-store-cap-1.5m.yaml
want_rc 0
want_match out '^政策 +基准 +研发补助比例降至8%、取消贷款贴息 +变化 +首店补助上限提高到150万元 +变化 *$'
want_match out '^sc25-rd-subsidy +符合 ¥100,000\.02 +符合 ¥80,000\.02 +-¥20,000\.00 +符合 ¥100,000\.02 *$'
want_match out '^sc25-first-store +符合 ¥1,000,000\.00 +符合 ¥1,000,000\.00 +符合 ¥1,500,000\.00 +\+¥500,000\.00 *$'
want_match out '^现金合计 +¥1,220,000\.02 +¥1,080,000\.02 +-¥140,000\.00 +¥1,720,000\.02 +\+¥500,000\.00 *$'
end

# ---------------------------------------------------------------- scenario errors

# Ensure an unknown policy id is reported at its key with a "did you mean" hint, exit 3.
begin "scenario error: unknown policy"
scen_err bad-policy
want_is err <<EOF
$D/bad-policy.yaml:4:3: error: unknown policy 'sc25-rd-subsdy'
     4 |   sc25-rd-subsdy.rate: 8%
       |   ^
$D/bad-policy.yaml:4:3: note: did you mean 'sc25-rd-subsidy'?
EOF
end

# Ensure an unknown parameter is reported with a "did you mean" hint, exit 3.
begin "scenario error: unknown parameter"
scen_err bad-param
want_is err <<EOF
$D/bad-param.yaml:4:3: error: policy 'sc25-rd-subsidy' has no parameter 'rat'
     4 |   sc25-rd-subsidy.rat: 8%
       |   ^
$D/bad-param.yaml:4:3: note: did you mean 'rate'?
EOF
end

# Ensure a value in the wrong unit is refused at the value (as profile value errors are), exit 3:
# 15 for a percentage (it would be 15 hundredths of a percent, or 1500%), 15% for yuan.
begin "scenario error: a value of the wrong unit"
scen_err bad-percent
want_is err <<EOF
$D/bad-percent.yaml:4:25: error: sc25-rd-subsidy.rate (percent): bad value '15'
     4 |   sc25-rd-subsidy.rate: 15
       |                         ^
$D/bad-percent.yaml:4:25: note: this parameter is a percentage: write it with %, e.g. 15%
EOF
scen_err bad-yuan
want_is err <<EOF
$D/bad-yuan.yaml:4:25: error: sc25-first-store.cap (yuan): bad value '15%'
     4 |   sc25-first-store.cap: 15%
       |                         ^
$D/bad-yuan.yaml:4:25: note: this parameter is an amount in yuan, not a percentage
EOF
end

# Ensure an unknown top-level key is an error with a hint, exit 3.
begin "scenario error: unknown key"
scen_err bad-key
want_is err <<EOF
$D/bad-key.yaml:3:1: error: unknown key 'param'
     3 | param:
       | ^
$D/bad-key.yaml:3:1: note: did you mean 'params'?
EOF
end

# Ensure an unknown pool is an error, exit 3.
begin "scenario error: unknown pool"
scen_err bad-pool
want_is err <<EOF
$D/bad-pool.yaml:4:3: error: unknown pool 'sc25-comerce'
     4 |   sc25-comerce: 1000000
       |   ^
$D/bad-pool.yaml:4:3: note: see policies/set.yaml
EOF
end

# Ensure an in-force window that ends before it starts is an error at the window, exit 3.
begin "scenario error: in_force FROM > TO"
scen_err bad-window
want_is err <<EOF
$D/bad-window.yaml:4:20: error: sc25-rd-subsidy: expected [FROM, TO] dates, FROM <= TO
     4 |   sc25-rd-subsidy: [2025-12-31, 2025-01-01]
       |                    ^
$D/bad-window.yaml:4:20: note: in_force: {ID: [FROM, TO]}
EOF
end

# Ensure every error of a scenario file is reported, in file order, not only the first.
begin "scenario error: four errors, all reported"
scen_err several-errors
want_eq "error lines" "$(grep ': error: ' "$tmp/err" | cut -d: -f2,3,5-)" \
    "3:1: unknown key 'parms'
6:25: sc25-rd-subsidy.rate (percent): bad value '15'
7:32: sc25-rd-subsidy.fiscal_year (count): bad value '2023.5'
8:7: unknown policy 'sc25-loan-intrest'"
end

# Ensure a misspelled key of a table parameter is named, with a "did you mean" hint.
begin "scenario error: misspelled table key"
scen_err bad-table-key
want_is err <<EOF
$D/bad-table-key.yaml:4:3: error: 'sc25-first-store.tiers' has no key 'global_frist'
     4 |   sc25-first-store.tiers.global_frist: 700000
       |   ^
$D/bad-table-key.yaml:4:3: note: did you mean 'global_first'?
EOF
end

# Ensure "off: ID" (not a list) is an error, not silently a scenario that changes nothing.
begin "scenario error: off is not a list"
run eval "$P" --as-of $ASOF --scenario $D/bad-off-scalar.yaml --format json
want_rc 3
want_match err "^$D/bad-off-scalar\\.yaml:3:6: error: "
end

# Ensure "params: [...]" (not a mapping) is an error, not silently ignored.
begin "scenario error: params is not a mapping"
run eval "$P" --as-of $ASOF --scenario $D/bad-params-list.yaml --format json
want_rc 3
want_match err "^$D/bad-params-list\\.yaml:3:9: error: "
end

# Ensure --param without '=' is a usage error (exit 2), an unknown policy or a unitless percent
# an input error (exit 3).
begin "--param errors"
run eval "$P" --as-of $ASOF --param sc25-rd-subsidy.rate
want_rc 2
want_empty out
want_is err <<'EOF'
--param: error: 'sc25-rd-subsidy.rate': expected POLICY.PARAM=VALUE
--param: note: write POLICY.PARAM=VALUE
EOF
run eval "$P" --as-of $ASOF --param sc25-rd-subsdy.rate=8%
want_rc 3
want_is err <<'EOF'
--param: error: unknown policy 'sc25-rd-subsdy'
--param: note: did you mean 'sc25-rd-subsidy'?
EOF
run eval "$P" --as-of $ASOF --param sc25-rd-subsidy.rate=8
want_rc 3
want_is err <<'EOF'
--param: error: sc25-rd-subsidy.rate (percent): bad value '8'
--param: note: this parameter is a percentage: write it with %, e.g. 15%
EOF
end

# ---------------------------------------------------------------- --set

# Ensure --set changes a list item's field before validation: store 0 opened in 2024 no longer
# qualifies (150,000.02 left); a later --set of the same path wins.
begin "--set: stores[0].opened"
run eval "$B2" --as-of $ASOF --set stores[0].opened=2024-12-31 --format json
want_rc 0
want_eq "first-store" "$(res "" sc25-first-store)" "eligible 150000.02"
run eval "$B2" --as-of $ASOF --set stores[0].opened=2024-12-31 --set stores[0].opened=2025-03-01 \
    --format json
want_eq "first-store, later --set wins" "$(res "" sc25-first-store)" "eligible 1000000.00"
end

# Ensure --set takes a YAML list and creates a missing mapping: tags and finance make the loan
# subsidy 50% × 50,000.01 = 25,000.005 → 25,000.01.
begin "--set: tags list and a new finance mapping"
run eval "$B2" --as-of $ASOF --set 'tags=[tech_enterprise,high_tech]' --set finance.year=2024 \
    --set finance.loan_interest_paid=50000.01 --format json
want_rc 0
want_eq "loan" "$(res "" sc25-loan-interest)" "eligible 25000.01"
want_eq "totals" "$(jqo .totals)" '{"cash":"1025000.01","in_kind":"0.00"}'
end

# Ensure the index just past the end appends a store: global_first fit-out 600,000 → 300,000;
# + flagship 150,000.02 + china_first min(500,000, 50% × 900,000.01 → 450,000.01) = 900,000.03.
begin "--set: appending stores[2]"
run eval "$B2" --as-of $ASOF --format json --set stores[0].fitout_investment=600000 \
    --set stores[2].kind=china_first --set stores[2].brand_recognized=true \
    --set stores[2].district=上城区 --set stores[2].opened=2025-05-01 --set stores[2].area_m2=100 \
    --set stores[2].fitout_investment=900000.01
want_rc 0
want_eq "first-store" "$(res "" sc25-first-store)" "eligible 900000.03"
end

# Ensure an empty value removes a field: the loan subsidy then needs finance.loan_interest_paid.
begin "--set: empty value removes a field"
run eval "$P" --as-of $ASOF --set finance.loan_interest_paid= --format json
want_rc 0
want_eq "loan" "$(jqo '.results[] | select(.policy == "sc25-loan-interest") | [.status, .amount, .missing]')" \
    '["needs_data","0.00",["finance.loan_interest_paid"]]'
want_eq "totals" "$(jqo .totals)" '{"cash":"1100000.02","in_kind":"0.00"}'
end

# Ensure an empty value removes a list item: without the global_first store 150,000.02 is left.
begin "--set: empty value removes a list item"
run eval "$B2" --as-of $ASOF --set 'stores[0]=' --format json
want_rc 0
want_eq "first-store" "$(res "" sc25-first-store)" "eligible 150000.02"
end

# Ensure a bad value is a profile error (exit 3); an index beyond the end and a path without '='
# are usage errors (exit 2).
begin "--set errors"
run eval "$P" --as-of $ASOF --set finance.rd_expense=abc
want_rc 3
want_empty out
want_is err <<'EOF'
--set:1:1: error: finance.rd_expense: expected an amount in yuan (not a number), got 'abc'
--set:1:1: note: write 15000, 15000.50, 1.5万 or 1,200,000
EOF
run eval "$P" --as-of $ASOF --set stores[0].kind=global
want_rc 3
want_is err <<'EOF'
--set:1:1: error: stores[0].kind: unknown store_kind 'global'
--set:1:1: note: one of: global_first asia_first china_first zhejiang_first hangzhou_first flagship
EOF
run eval "$B2" --as-of $ASOF --set stores[3].kind=flagship
want_rc 2
want_is err <<'EOF'
--set: error: 'stores[3].kind': no item 3 in stores (it has 2)
--set: note: the index just past the last item appends one
EOF
run eval "$B2" --as-of $ASOF --set =5
want_rc 2
want_line err "--set: error: '=5': expected PATH=VALUE"
end

# Ensure --set applies to the baseline and every scenario: flagship fit-out 400,000.01 → 50% =
# 200,000.005 → 200,000.01, tier 200,000 → 1,200,000.00 under the raised cap.
begin "--set with --scenario"
run eval "$B2" --as-of $ASOF --set stores[1].fitout_investment=400000.01 \
    --scenario $S/first-store-cap-1.5m.yaml --format json
want_rc 0
want_changes "[$(chg sc25-first-store eligible 1000000.00 eligible 1200000.00 200000.00)]"
end

# ---------------------------------------------------------------- batch

# Ensure batch --scenario gives each record the scenario's amounts (8%, loan off).
begin "batch --scenario rd-rate-down"
run batch "$P" "$B2" "$R3" --as-of $ASOF -q --scenario $S/rd-rate-down.yaml --summary "$tmp/sum.json"
want_rc 0
want_eq "001 rd" "$(bres WHATIF-001 sc25-rd-subsidy)" "eligible 80000.02"
want_eq "001 loan" "$(bres WHATIF-001 sc25-loan-interest)" "not_in_force 0.00"
want_eq "003 rd" "$(bres WHATIF-003 sc25-rd-subsidy)" "eligible 80000.00"
want_eq "cash" "$(jq -r '.totals.cash' "$tmp/out" | tr '\n' ' ')" "1080000.02 1000000.00 80000.00 "
want_eq "summary" "$(jq -c '[.policies["sc25-rd-subsidy"].granted, .totals.cash]' "$tmp/sum.json" 2>&1)" \
    '["160000.02","2160000.02"]'
end

# Ensure a scenario's pool size binds in batch: claims 1,500,000.00 + 1,150,000.02 over a pool of
# 2,000,000 → floor(150,000,000 × 200,000,000 / 265,000,002) = 113,207,546 fen = 1,132,075.46 and
# floor(115,000,002 × 200,000,000 / 265,000,002) = 86,792,453 fen = 867,924.53. A single eval
# applies no pool: 1,150,000.02 in full.
begin "batch --scenario: raised cap and a binding pool"
run batch "$P" "$B2" "$R3" --as-of $ASOF -q --scenario $D/cap-and-pool.yaml --summary "$tmp/sum.json"
want_rc 0
want_eq "001" "$(bres WHATIF-001 sc25-first-store)" "eligible 1132075.46"
want_eq "002" "$(bres WHATIF-002 sc25-first-store)" "eligible 867924.53"
want_eq "pool" "$(jq -c '.pools["sc25-commerce"] | [.size, .claimed, .granted, .remaining]' "$tmp/sum.json" 2>&1)" \
    '["2000000.00","2650000.02","1999999.99","0.01"]'
run eval "$B2" --as-of $ASOF --scenario $D/cap-and-pool.yaml --format json # no pools in eval
want_changes "[$(chg sc25-first-store eligible 1000000.00 eligible 1150000.02 150000.02)]"
end

# Ensure batch --set changes every record: rd 2,000,000 → 200,000.00 where eligible.
begin "batch --set"
run batch "$P" "$B2" "$R3" --as-of $ASOF -q --set finance.rd_expense=2000000
want_rc 0
want_eq "001" "$(bres WHATIF-001 sc25-rd-subsidy)" "eligible 200000.00"
want_eq "002" "$(bres WHATIF-002 sc25-rd-subsidy)" "ineligible 0.00"
want_eq "003" "$(bres WHATIF-003 sc25-rd-subsidy)" "eligible 200000.00"
end

# Ensure a bad --set value rejects every record like a profile error (exit 3); batch refuses a
# bad scenario file (exit 3) and a second --scenario (exit 2).
begin "batch errors: --set, --scenario"
run batch "$R3" --as-of $ASOF -q --set finance.rd_expense=abc
want_rc 3
want_eq "record" "$(jq -r '.error' "$tmp/out" 2>&1)" \
    "1:1: finance.rd_expense: expected an amount in yuan (not a number), got 'abc' (write 15000, 15000.50, 1.5万 or 1,200,000)"
want_line err "--set:1:1: error: finance.rd_expense: expected an amount in yuan (not a number), got 'abc'"
run batch "$R3" --as-of $ASOF -q --scenario $D/bad-param.yaml
want_rc 3
want_empty out
want_line err "$D/bad-param.yaml:4:3: error: policy 'sc25-rd-subsidy' has no parameter 'rat'"
run batch "$R3" --as-of $ASOF -q --scenario $S/rd-rate-down.yaml --scenario $D/off-two.yaml
want_rc 2
want_empty out
end

# ---------------------------------------------------------------- sweep

# Ensure the rd threshold by the fen: 999,999.99 grants nothing, 1,000,000.00 grants 100,000.00,
# 1,000,000.01 → 100,000.001 → 100,000.00; the total adds first-store and loan (1,120,000.00).
begin "sweep csv: the rd threshold at 1,000,000"
run sweep "$P" --as-of $ASOF --vary finance.rd_expense=999999.98:1000000.01:0.01 \
    --policy sc25-rd-subsidy --format csv
want_rc 0
want_is out <<'EOF'
finance.rd_expense,sc25-rd-subsidy,totals.cash,totals.in_kind
999999.98,0.00,1120000.00,0.00
999999.99,0.00,1120000.00,0.00
1000000.00,100000.00,1220000.00,0.00
1000000.01,100000.00,1220000.00,0.00
EOF
end

# Ensure the 30,000,000 cap: 10% × 299,999,999.95 = 29,999,999.995 → half up 30,000,000.00.
begin "sweep csv: the rd cap at 30,000,000"
run sweep "$P" --as-of $ASOF --vary finance.rd_expense=299999999.90:300000000.10:0.05 \
    --policy sc25-rd-subsidy --format csv
want_rc 0
want_is out <<'EOF'
finance.rd_expense,sc25-rd-subsidy,totals.cash,totals.in_kind
299999999.90,29999999.99,31119999.99,0.00
299999999.95,30000000.00,31120000.00,0.00
300000000.00,30000000.00,31120000.00,0.00
300000000.05,30000000.00,31120000.00,0.00
300000000.10,30000000.00,31120000.00,0.00
EOF
end

# Ensure without --policy every policy that grants something somewhere is a column; the table
# has the same figures, grouped, under the field's label and the policies' titles, its columns
# lined up in display columns (Chinese is two a character), in Chinese and in English.
begin "sweep csv: all granting policies; table"
run sweep "$P" --as-of $ASOF --vary finance.rd_expense=500000:1500000:500000 --format csv
want_rc 0
want_is out <<'EOF'
finance.rd_expense,sc25-first-store,sc25-loan-interest,sc25-rd-subsidy,totals.cash,totals.in_kind
500000.00,1000000.00,120000.00,0.00,1120000.00,0.00
1000000.00,1000000.00,120000.00,100000.00,1220000.00,0.00
1500000.00,1000000.00,120000.00,150000.00,1270000.00,0.00
EOF
run sweep "$P" --as-of $ASOF --vary finance.rd_expense=500000:1500000:500000
want_rc 0
want_is out <<'EOF'
    研发投入  首店、旗舰店一次性补助  科技企业贷款贴息  研发投入补助      现金合计  实物合计（价值）
  500,000.00            1,000,000.00        120,000.00          0.00  1,120,000.00              0.00
1,000,000.00            1,000,000.00        120,000.00    100,000.00  1,220,000.00              0.00
1,500,000.00            1,000,000.00        120,000.00    150,000.00  1,270,000.00              0.00
EOF
run sweep "$P" --as-of $ASOF --vary finance.rd_expense=1000000:1000000:1 --policy sc25-rd-subsidy --lang en
want_is out <<'EOF'
 R&D expense  R&D investment subsidy    cash total  in-kind total (value)
1,000,000.00              100,000.00  1,220,000.00                   0.00
EOF
end

# Ensure a whole-number field of a list item sweeps: store 0 below 100 m² drops out
# (600,000.00 + 150,000.50 = 750,000.50).
begin "sweep csv: stores[0].area_m2"
run sweep "$P" --as-of $ASOF --vary stores[0].area_m2=99:101:1 --policy sc25-first-store --format csv
want_rc 0
want_is out <<'EOF'
stores[0].area_m2,sc25-first-store,totals.cash,totals.in_kind
99,750000.50,970000.52,0.00
100,1000000.00,1220000.02,0.00
101,1000000.00,1220000.02,0.00
EOF
end

# Ensure sweep takes a scenario: 8% from the threshold on, loan interest off (no longer a column).
begin "sweep csv: with --scenario"
run sweep "$P" --as-of $ASOF --vary finance.rd_expense=750000:1250000:250000 \
    --scenario $S/rd-rate-down.yaml --format csv
want_rc 0
want_is out <<'EOF'
finance.rd_expense,sc25-first-store,sc25-rd-subsidy,totals.cash,totals.in_kind
750000.00,1000000.00,0.00,1000000.00,0.00
1000000.00,1000000.00,80000.00,1080000.00,0.00
1250000.00,1000000.00,100000.00,1100000.00,0.00
EOF
end

# The chart: 0 to 320,000,000 by 1,000,000 crosses the threshold (1,000,000) and the cap (300M).
VARY=finance.rd_expense=0:320000000:1000000
run sweep "$P" --as-of $ASOF --vary $VARY --format csv
cp "$tmp/out" "$tmp/sweep.csv"
run sweep "$P" --as-of $ASOF --vary $VARY --format svg -o "$tmp/sweep.svg"
svg_rc=$rc
# svg_read SVG: $tmp/svg.pts "policy x y cx cy" per point; $tmp/svg.mk "policy kind x cx cy" per
# marker
svg_read() {
    rm -f "$tmp/svg.pts" "$tmp/svg.mk"
    awk -v pts="$tmp/svg.pts" -v mk="$tmp/svg.mk" -f $D/svg-points.awk "$1"
    touch "$tmp/svg.pts" "$tmp/svg.mk"
}
svg_read "$tmp/sweep.svg"
# csv_pts CSV: "column x value" per cell, sorted; a column of zeros only (no in-kind policy) is
# left out, as the chart leaves out a line that would lie on the axis
csv_pts() {
    awk -F, 'NR == 1 { for (i = 2; i <= NF; i++) h[i] = $i; next }
             { n++; x[n] = $1; for (i = 2; i <= NF; i++) { v[n, i] = $i; if ($i != "0.00") nz[i] = 1 } }
             END { for (r = 1; r <= n; r++) for (i = 2; i in h; i++) if (nz[i] || h[i] != "totals.in_kind") print h[i], x[r], v[r, i] }' "$1" | sort
}

# Ensure every SVG point is the CSV's value, series by series (4 series × 321 steps): the
# policies and the cash total; no in-kind line where no in-kind policy grants.
begin "sweep svg: points equal the csv"
want_eq "exit status" "$svg_rc" 0
csv_pts "$tmp/sweep.csv" >"$tmp/csv.pts"
cut -d' ' -f1-3 "$tmp/svg.pts" | sort >"$tmp/svg.pts3"
want_eq "points" "$(wc -l <"$tmp/svg.pts" | tr -d ' ')" 1284
cmp -s "$tmp/csv.pts" "$tmp/svg.pts3" ||
    problem "svg points differ from csv: $(diff "$tmp/csv.pts" "$tmp/svg.pts3" | head -n 4 | tr '\n' ' ')"
want_eq "series" "$(sed -n 's/.*<g class="series" data-policy="\([^"]*\)".*/\1/p' "$tmp/sweep.svg" | tr '\n' ' ')" \
    "sc25-first-store sc25-loan-interest sc25-rd-subsidy totals.cash "
end

# Ensure cx and cy are linear in x and y (one scale for all series, to 0.1 px rounding), in the
# same order (cx rises with x, cy falls as y rises), and the axis tick labels sit on that scale.
begin "sweep svg: coordinates linear and ordered"
out=$(awk -f $D/svg-scale.awk "$tmp/svg.pts" "$tmp/sweep.svg" 2>&1)
want_eq "problems" "$out" ""
end

# Ensure the chart is labelled from the schema (the field's label, not its path): title, axes
# (万元) and a legend with the policies' Chinese titles and the cash total.
begin "sweep svg: title, axis labels, legend"
grep -q '<text class="x-label"[^>]*>研发投入（万元）</text>' "$tmp/sweep.svg" || problem "no x-axis label"
grep -q '<text class="y-label"[^>]*>金额（万元）</text>' "$tmp/sweep.svg" || problem "no y-axis label"
grep -q '<text class="title"[^>]*>金额随研发投入变化</text>' "$tmp/sweep.svg" || problem "no title"
grep -q '<text class="subtitle"[^>]*>WHATIF-001 · 测算日期 2025-06-30</text>' "$tmp/sweep.svg" || problem "no subtitle"
want_no_match "sweep.svg" 'finance\.rd_expense'
want_eq "legend" "$(sed -n 's/.*<text class="legend"[^>]*>\([^<]*\)<.*/\1/p' "$tmp/sweep.svg" | tr '\n' ' ')" \
    "首店、旗舰店一次性补助 科技企业贷款贴息 研发投入补助 现金合计 "
run sweep "$P" --as-of $ASOF --vary $VARY --format svg --lang en
grep -q '<text class="x-label"[^>]*>R&amp;D expense (yuan)</text>' "$tmp/out" || problem "no English x-axis label"
grep -q '<text class="title"[^>]*>Amount by R&amp;D expense</text>' "$tmp/out" || problem "no English title"
end

# Ensure one threshold marker, on the rd series, where the field crosses the policy's own
# threshold (1,000,000: its first eligible point), drawn at that point with its guide at the
# threshold and a label above the plot; one cap marker at the first point at the cap
# (300,000,000.00 → 30,000,000.00).
begin "sweep svg: threshold and cap markers"
want_eq "markers" "$(awk '{ print $1, $2, $3 }' "$tmp/svg.mk")" \
    "sc25-rd-subsidy threshold 1000000.00
sc25-rd-subsidy cap 300000000.00"
want_eq "threshold at the point" "$(awk '$2 == "threshold" { print $4, $5 }' "$tmp/svg.mk")" \
    "$(awk '$1 == "sc25-rd-subsidy" && $2 == "1000000.00" { print $4, $5 }' "$tmp/svg.pts")"
want_eq "cap at the point" "$(awk '$2 == "cap" { print $4, $5 }' "$tmp/svg.mk")" \
    "$(awk '$1 == "sc25-rd-subsidy" && $2 == "300000000.00" { print $4, $5 }' "$tmp/svg.pts")"
want_eq "labels" "$(sed -n 's/.*<text class="marker-label"[^>]*>\([^<]*\)<.*/\1/p' "$tmp/sweep.svg" | tr '\n' '|')" \
    "门槛 100万|封顶 3000万|"
# the labels sit above the plot (its top is the 2nd number of data-plot)
top=$(sed -n 's/.*data-plot="[0-9]* \([0-9]*\) .*/\1/p' "$tmp/sweep.svg")
sed -n 's/.*<text class="marker-label"[^>]* y="\([0-9.]*\)".*/\1/p' "$tmp/sweep.svg" >"$tmp/ly"
want_eq "label rows" "$(wc -l <"$tmp/ly" | tr -d ' ')" 2
want_eq "labels above the plot" "$(awk -v top="$top" '$1 + 0 >= top' "$tmp/ly")" ""
end

# Ensure the legend lies right of the plot, so that it covers no line: every legend line and
# text starts past the plot's right edge.
begin "sweep svg: the legend beside the plot"
right=$(sed -n 's/.*data-plot="[0-9]* [0-9]* \([0-9]*\) .*/\1/p' "$tmp/sweep.svg")
sed -n 's/.*<line class="legend-line" x1="\([0-9.]*\)".*<text class="legend" x="\([0-9.]*\)".*/\1 \2/p' \
    "$tmp/sweep.svg" >"$tmp/lx"
want_eq "legend rows" "$(wc -l <"$tmp/lx" | tr -d ' ')" 4
want_eq "legend left of the plot's edge" "$(awk -v r="$right" '$1 + 0 <= r || $2 + 0 <= r' "$tmp/lx")" ""
end

# Ensure a chart over a field none of its policies has a threshold on marks none: the first
# store's fit-out (0 to 3,000,000) brings the cap (1,000,000 from 500,000 on: 250,000 + 600,000 +
# 150,000.50) but no threshold, and nothing at the origin; the floor area crosses the first
# store's threshold (100 m²) where store 0 starts to count.
begin "sweep svg: markers only at the policy's own thresholds"
run sweep "$P" --as-of $ASOF --vary 'stores[0].fitout_investment=0:3000000:100000' --format svg -o "$tmp/fit.svg"
want_rc 0
svg_read "$tmp/fit.svg"
want_eq "fit-out markers" "$(awk '{ print $1, $2, $3 }' "$tmp/svg.mk")" "sc25-first-store cap 500000.00"
grep -q '<text class="x-label"[^>]*>门店1·装修投入（万元）</text>' "$tmp/fit.svg" || problem "no fit-out label"
run sweep "$P" --as-of $ASOF --vary 'stores[0].area_m2=0:400:10' --format svg -o "$tmp/area.svg"
svg_read "$tmp/area.svg"
want_eq "area markers" "$(awk '{ print $1, $2, $3 }' "$tmp/svg.mk")" "sc25-first-store threshold 100"
want_eq "area label" "$(sed -n 's/.*<text class="marker-label"[^>]*>\([^<]*\)<.*/\1/p' "$tmp/area.svg")" "门槛 100 m²"
grep -q '<text class="x-label"[^>]*>门店1·面积（平方米）</text>' "$tmp/area.svg" || problem "no area label"
# a sweep that starts past the threshold crosses nothing
run sweep "$P" --as-of $ASOF --vary 'finance.rd_expense=1000000:5000000:1000000' --format svg -o "$tmp/past.svg"
svg_read "$tmp/past.svg"
want_empty "svg.mk"
end

# Ensure cash and in-kind totals are two lines, never one summed line: the example profile has
# 8 talent apartments (8 × 30,000.00 = 240,000.00 in kind) besides its cash.
begin "sweep svg: cash and in-kind totals apart"
run sweep cases/profiles/example.yaml --as-of $ASOF --vary 'finance.rd_expense=0:4000000:1000000' --format csv
cp "$tmp/out" "$tmp/ex.csv"
want_eq "in kind" "$(awk -F, '{ print $1, $NF }' "$tmp/ex.csv" | tr '\n' '|')" \
    "finance.rd_expense totals.in_kind|0.00 240000.00|1000000.00 240000.00|2000000.00 240000.00|3000000.00 240000.00|4000000.00 240000.00|"
run sweep cases/profiles/example.yaml --as-of $ASOF --vary 'finance.rd_expense=0:4000000:1000000' --format svg -o "$tmp/ex.svg"
svg_read "$tmp/ex.svg"
csv_pts "$tmp/ex.csv" >"$tmp/csv.pts"
cut -d' ' -f1-3 "$tmp/svg.pts" | sort >"$tmp/svg.pts3"
want_same "points" "$tmp/csv.pts" "$tmp/svg.pts3"
want_eq "totals' lines" "$(sed -n 's/.*<g class="series" data-policy="\(totals[^"]*\)".*/\1/p' "$tmp/ex.svg" | tr '\n' ' ')" \
    "totals.cash totals.in_kind "
grep -q '<text class="legend"[^>]*>实物合计（价值）</text>' "$tmp/ex.svg" || problem "no in-kind legend"
end

# Ensure headless Chromium renders the SVG to a 900×540 PNG that is not tiny.
begin "sweep svg: renders in headless chromium"
mkdir -p "$BUILD/whatif"
png="$(cd "$BUILD/whatif" && pwd)/sweep.png"
rm -f "$png"
chr=$(command -v chromium || command -v chromium-browser)
if [ -z "$chr" ]; then
    problem "chromium is not installed (make deps)"
else
    to=""
    command -v timeout >/dev/null 2>&1 && to="timeout 20"
    $to "$chr" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
        --user-data-dir="$(mktemp -d "$tmp/chromium.XXXXXX")" --window-size=900,540 \
        --screenshot="$png" "file://$tmp/sweep.svg" >"$tmp/chromium.log" 2>&1
    if [ ! -f "$png" ]; then
        problem "no $png: $(tail -n 3 "$tmp/chromium.log")"
    else
        size=$(wc -c <"$png" | tr -d ' ')
        [ "$size" -gt 10000 ] || problem "$png is only $size bytes"
        want_eq "signature" "$(od -An -c -N4 "$png" | tr -d ' ')" '211PNG'
        want_eq "size" "$(od -An -tu1 -j16 -N8 "$png" |
            awk '{ printf "%dx%d", (($1 * 256 + $2) * 256 + $3) * 256 + $4, (($5 * 256 + $6) * 256 + $7) * 256 + $8 }')" \
            "900x540"
    fi
fi
end

# Ensure a bad --vary is a usage error (exit 2) with a message, before anything is evaluated.
begin "sweep errors: bad --vary"
vary_err() { # VARY MESSAGE
    run sweep "$P" --as-of $ASOF --vary "$1"
    want_rc 2
    want_empty out
    want_line err "--vary: error: $2"
}
vary_err name=1:2:1 "'name' is not a money or whole-number field of the schema"
want_line err "--vary: note: sweep an amount or a whole-number field"
vary_err 'stores[0].opened=1:2:1' "'stores[0].opened' is not a money or whole-number field of the schema"
vary_err finance.rd_expense=2000000:1000000:1 \
    "'finance.rd_expense=2000000:1000000:1': expected FROM <= TO and STEP > 0"
vary_err finance.rd_expense=0:1000000:0 "'finance.rd_expense=0:1000000:0': expected FROM <= TO and STEP > 0"
vary_err employees=0:10 "'employees=0:10': expected FROM:TO:STEP"
vary_err employees=0:10:1.5 "'employees=0:10:1.5': bad number '1.5'"
vary_err finance.rd_expense "'finance.rd_expense': expected PATH=FROM:TO:STEP"
run sweep "$P" --as-of $ASOF --vary finance.rd_expense=0:1:1 --policy sc25-rd-subsdy
want_rc 2
want_is err <<'EOF'
calc: error: --policy: unknown policy 'sc25-rd-subsdy'
calc: note: run 'calc policies' for the ids
EOF
end

# ---------------------------------------------------------------- whatif: totals and pools

# tests/data/whatif/pools.jsonl under pools-tight.yaml (cap 1,500,000; commerce pool 1,000,000;
# apartments 7 units), as of 2025-06-30 (policy book §1 pools, §3 sc25-first-store and
# sc25-talent-apartment: a unit is 5,000 × 12 × 50% = 30,000.00):
#   first-store claims  P1 min(1,000,000 + 500,000, cap)  P2 min(200,000, 150,000) = 150,000
#     baseline (cap 1,000,000): 1,000,000 + 150,000 = 1,150,000 of 126,000,000: in full
#     scenario (cap 1,500,000): 1,500,000 + 150,000 = 1,650,000 > 1,000,000, pro rata:
#       P1 floor(150,000,000 fen × 100,000,000 / 165,000,000) = 90,909,090 fen = 909,090.90
#       P2 floor( 15,000,000 fen × 100,000,000 / 165,000,000) =  9,090,909 fen =  90,909.09
#       granted 999,999.99, remaining 0.01, unmet 650,000.01, 60.60 % of the claims
#   apartments (first come by applied date, undated last): P2 5, P3 4, P4 3 = 12 units
#     baseline (2,000): 12 units = 360,000.00
#     scenario (7): P2 5, P3 the remaining 2 (60,000.00), P4 none: 7 units = 210,000.00
#   totals per enterprise: cash P1 1,000,000 → 909,090.90 and P2 150,000 → 90,909.09 (both
#   lose), P3 and P4 none; in kind P2 150,000 (same), P3 120,000 → 60,000 and P4 90,000 → 0
#   (lose), P1 none.
WP=$D/pools.jsonl
WS=$D/pools-tight.yaml
# agg JSON: the object "baseline/scenario beneficiaries and granted, change, gain lose same"
agg() {
    jq -r "$1"' | "\(.baseline.beneficiaries) \(.baseline.granted) \(.scenario.beneficiaries) \(.scenario.granted) \(.change) \(.gain) \(.lose) \(.unchanged)"' "$tmp/out" 2>&1
}

# Ensure the JSON carries the totals, cash and in kind apart, and both pools binding.
begin "whatif json: totals by kind and the pools, hand-computed"
run whatif "$WP" --scenario "$WS" --as-of $ASOF --format json
want_rc 0
want_empty err
want_eq "first-store" "$(agg '.policies[] | select(.policy == "sc25-first-store")')" \
    "2 1150000.00 2 999999.99 -150000.01 0 2 2"
want_eq "apartments" "$(agg '.policies[] | select(.policy == "sc25-talent-apartment")')" \
    "3 360000.00 2 210000.00 -150000.00 0 2 2"
want_eq "totals.cash" "$(agg .totals.cash)" "2 1150000.00 2 999999.99 -150000.01 0 2 2"
want_eq "totals.in_kind" "$(agg .totals.in_kind)" "3 360000.00 2 210000.00 -150000.00 0 2 2"
want_eq "title and kind" "$(jqo '.policies[] | select(.policy == "sc25-talent-apartment") | [.title.zh, .kind]')" \
    '["科创公寓五折租赁","in_kind"]'
want_eq "commerce pool" "$(jqo '.pools[] | select(.pool == "sc25-commerce") | [.title.zh, .unit, .mode, .baseline, .scenario]')" \
    '["上城区都市经济政策预算","yuan","pro_rata",{"size":"126000000.00","claims":2,"claimed":"1150000.00","granted":"1150000.00","remaining":"124850000.00","unmet":"0.00"},{"size":"1000000.00","claims":2,"claimed":"1650000.00","granted":"999999.99","remaining":"0.01","unmet":"650000.01","factor":"1000000.00/1650000.00"}]'
want_eq "apartments pool" "$(jqo '.pools[] | select(.pool == "sc25-apartments") | [.title.en, .unit, .mode, .baseline, .scenario]')" \
    '["Science and innovation apartments","units","first_come",{"size":2000,"claims":3,"claimed":12,"granted":12,"remaining":1988,"unmet":0},{"size":7,"claims":3,"claimed":12,"granted":7,"remaining":0,"unmet":5,"ran_out_at":{"applied":"2025-03-03","id":"P3"}}]'
end

# Ensure --by gives the totals per group: P1 is in commerce, the others have no industry.
begin "whatif json --by industry: totals per group"
run whatif "$WP" --scenario "$WS" --as-of $ASOF --format json --by industry
want_rc 0
want_eq "groups" "$(jqo '.totals.by | keys')" '["(absent)","commerce"]'
want_eq "commerce cash" "$(agg '.totals.by.commerce.cash')" "1 1000000.00 1 909090.90 -90909.10 0 1 0"
want_eq "absent cash" "$(agg '.totals.by["(absent)"].cash')" "1 150000.00 1 90909.09 -59090.91 0 1 2"
want_eq "absent in kind" "$(agg '.totals.by["(absent)"].in_kind')" "3 360000.00 2 210000.00 -150000.00 0 2 1"
want_eq "commerce in kind" "$(agg '.totals.by.commerce.in_kind')" "0 0.00 0 0.00 0.00 0 0 1"
end

# Ensure the CSV has the totals rows and the pools (it had neither), each row saying what it is.
begin "whatif csv: totals rows and pool rows"
run whatif "$WP" --scenario "$WS" --as-of $ASOF --format csv
want_rc 0
want_eq "header" "$(head -n 1 "$tmp/out")" \
    "$(printf 'group,policy,baseline_beneficiaries,scenario_beneficiaries,baseline_granted,scenario_granted,change,gain,lose,unchanged,kind,title,unit,baseline_size,baseline_claimed,scenario_size,scenario_claimed\r')"
want_line out "$(printf ',sc25-first-store,2,2,1150000.00,999999.99,-150000.01,0,2,2,policy,首店、旗舰店一次性补助,yuan,,,,\r')"
want_line out "$(printf ',totals.cash,2,2,1150000.00,999999.99,-150000.01,0,2,2,total,现金合计,yuan,,,,\r')"
want_line out "$(printf ',totals.in_kind,3,2,360000.00,210000.00,-150000.00,0,2,2,total,实物合计（价值）,yuan,,,,\r')"
want_line out "$(printf ',sc25-commerce,,,1150000.00,999999.99,-150000.01,,,,pool,上城区都市经济政策预算,yuan,126000000.00,1150000.00,1000000.00,1650000.00\r')"
want_line out "$(printf ',sc25-apartments,,,12,7,-5,,,,pool,科创公寓,units,2000,12,7,12\r')"
want_eq "rows" "$(wc -l <"$tmp/out" | tr -d ' ')" 20 # header, 13 policies, 2 totals, 4 pools
run whatif "$WP" --scenario "$WS" --as-of $ASOF --format csv --by industry --lang en
want_line out "$(printf 'commerce,totals.cash,1,1,1000000.00,909090.90,-90909.10,0,1,0,total,cash total,yuan,,,,\r')"
want_line out "$(printf '(absent),totals.in_kind,3,2,360000.00,210000.00,-150000.00,0,2,1,total,in-kind total (value),yuan,,,,\r')"
end

# cols FILE: for each line of FILE, the display column (East Asian wide characters count two)
# where each field ends, fields being separated by two or more spaces.
cols() {
    python3 -c '
import sys, unicodedata, re
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    w = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
    print(" ".join(str(w(line[:m.end()])) for m in re.finditer(r"\S+(?: \S+)*", line)))' "$1"
}

# Ensure the table has the titles, a totals row per kind and the pools, and its columns line up
# in display columns (Chinese titles are two columns a character).
begin "whatif table: totals rows, pools, aligned columns (zh)"
run whatif "$WP" --scenario "$WS" --as-of $ASOF
want_rc 0
want_line out "情景：上限150万、预算100万、公寓7套    测算日期 2025-06-30    记录 4 条（已测算 4，无效 0）"
want_match out '^首店、旗舰店一次性补助 +2 +2 +1,150,000\.00 +999,999\.99 +-150,000\.01 +0 +2 +2$'
want_match out '^现金合计 +2 +2 +1,150,000\.00 +999,999\.99 +-150,000\.01 +0 +2 +2$'
want_match out '^实物合计（价值） +3 +2 +360,000\.00 +210,000\.00 +-150,000\.00 +0 +2 +2$'
want_match out '^十大产业平台匹配 +0 +0 +- +- +- +0 +0 +4$'
want_match out '^上城区都市经济政策预算 +基准 +126,000,000\.00 +1,150,000\.00 +1,150,000\.00 +0\.00 +足额发放$'
want_match out '^ +情景 +1,000,000\.00 +1,650,000\.00 +999,999\.99 +650,000\.01 +按比例：发放为申请的 60\.60%$'
want_match out '^科创公寓 +基准 +2,000 套 +12 套 +12 套 +0 套 +足额发放$'
want_match out '^ +情景 +7 套 +12 套 +7 套 +5 套 +先到先得：至 P3 用完$'
want_no_match out 'sc25-|totals|finance\.'
# the policy table: the header, 13 policies and the totals (the rule aside) end each column at
# the same display column
sed -n '/^政策 /,/^$/p' "$tmp/out" | grep -v '^-*$' | grep -v '^$' >"$tmp/ptable"
want_eq "policy table rows" "$(wc -l <"$tmp/ptable" | tr -d ' ')" 16
want_eq "policy table columns" "$(cols "$tmp/ptable" | cut -d' ' -f2- | sort -u | wc -l | tr -d ' ')" 1
sed -n '/^资金池 /,$p' "$tmp/out" | grep '基准\|方案' >"$tmp/pooltable"
want_eq "pool table, size column" "$(cols "$tmp/pooltable" | cut -d' ' -f3 | sort -u | wc -l | tr -d ' ')" 1
end

# Ensure the English table says the same in English, and --by names the field and its value by
# their labels.
begin "whatif table: English, --by industry"
run whatif "$WP" --scenario "$WS" --as-of $ASOF --lang en --by industry
want_rc 0
want_line out "scenario 上限150万、预算100万、公寓7套    as of 2025-06-30    records 4 (4 evaluated, 0 rejected)"
want_match out '^cash total +2 +2 +1,150,000\.00 +999,999\.99 +-150,000\.01 +0 +2 +2$'
want_match out '^Talent apartments at half the market rent +3 +2 +360,000\.00 +210,000\.00 +-150,000\.00 +0 +2 +2$'
want_line out "Industry: commerce"
want_line out "Industry: (absent)"
want_match out '^Shangcheng urban-economy policy budget +base +126,000,000\.00 +1,150,000\.00 +1,150,000\.00 +0\.00 +paid in full$'
want_match out '^ +scen\. +1,000,000\.00 +1,650,000\.00 +999,999\.99 +650,000\.01 +pro rata: 60\.60% of claims$'
want_match out '^ +scen\. +7 units +12 units +7 units +5 units +first come: ran out at P3$'
run whatif "$WP" --scenario "$WS" --as-of $ASOF --by industry
want_line out "所属行业：商贸"
want_line out "所属行业：（未填写）"
end

# ---------------------------------------------------------------- --solve and a binding pool

# The README's example on a district where the pro-rata commerce pool (126,000,000) binds: 120
# enterprises with a global_first store (fit-out 2,000,000: min(1,000,000, 50%) = 1,000,000) and
# 50 with a hangzhou_first store (fit-out 400,000: min(200,000, 50%) = 200,000). The claims at a
# cap c between 200,000 and 1,000,000 are 120c + 10,000,000; at the current cap 1,000,000 they
# are 130,000,000 > 126,000,000, and the grants are at most the pool whatever the cap: a budget
# of 126,000,000 cannot bind. (At the end of the search, cap 126,000,000: claims 130,000,000,
# grants floor(100,000,000 fen × 126/130) = 96,923,076 fen × 120 + floor(20,000,000 × 126/130) =
# 19,384,615 fen × 50 = 125,999,998.70.)
# Against the pool: 120c + 10,000,000 <= 126,000,000 ⇔ c <= 966,666.66…: 966,666.66 (claims
# 125,999,999.20, paid in full); one fen more, 966,666.67, claims 126,000,000.40: pro rata
# floor(96,666,667 × 12,600,000,000 / 12,600,000,040) = 96,666,666 fen × 120 + floor(20,000,000 ×
# …) = 19,999,999 fen × 50 = 125,999,998.70.
# With a budget of 100,000,000 the budget binds first: 120c + 10,000,000 <= 100,000,000 ⇔
# c <= 750,000.00; at 750,000.01 the cost is 100,000,001.20 (the pool does not bind).
awk 'BEGIN { for (i = 1; i <= 170; i++) { big = i <= 120
    printf "{\"id\": \"D%03d\", \"name\": \"门店企业%d\", \"district\": \"上城区\", \"stores\": [{\"kind\": \"%s\", \"brand_recognized\": true, \"district\": \"上城区\", \"opened\": \"2025-03-01\", \"area_m2\": 150, \"fitout_investment\": %d}]}\n",
        i, i, big ? "global_first" : "hangzhou_first", big ? 2000000 : 400000 } }' >"$tmp/district.jsonl"
DI=$tmp/district.jsonl
# solve ARGS…: the first-store cap solved on the district
solve() { run whatif "$DI" --as-of $ASOF --solve sc25-first-store.cap "$@"; }

# Ensure the README's example says the budget cannot bind, names the pool (title and name) and
# the flag, gives no value and exits 1.
begin "solve: the README's example, the pool binds first (zh, en, json)"
solve --budget 126000000
want_rc 1
want_empty err
want_is out <<'EOF2'
预算不构成约束：资金池“上城区都市经济政策预算”（sc25-commerce，¥126,000,000.00，按比例分配）先于预算起约束作用
  sc25-first-store.cap 取 ¥126,000,000.00（搜索范围的端点）时申请 ¥130,000,000.00，超过资金池规模 ¥126,000,000.00；按比例分配后成本 ¥125,999,998.70，仍在预算 ¥126,000,000.00 之内：再提高只会改变资金池的分配，不会增加成本
  按资金池求解：--against pool:sc25-commerce（资金池足额发放的最大取值）
EOF2
solve --budget 126000000 --lang en
want_rc 1
want_line out "the budget cannot bind: pool sc25-commerce (Shangcheng urban-economy policy budget, ¥126,000,000.00, pro rata) binds first"
want_line out "  to solve against the pool: --against pool:sc25-commerce (the largest value the pool pays in full)"
solve --budget 126000000 --format json
want_rc 1
want_eq "json" "$(jqo '[.result, .value, .binding, .cost, .budget, .pool.pool, .pool.title.zh, .pool.claimed, .pool.exceeded]')" \
    '["budget_cannot_bind",null,"pool","125999998.70","126000000.00","sc25-commerce","上城区都市经济政策预算","130000000.00",true]'
want_match out '"en": "the budget cannot bind: pool sc25-commerce '
end

# Ensure --against pool:NAME solves against the pool: the largest cap the pool pays in full,
# with the constraint named; the same without --budget and with --against pool (its own pool).
begin "solve --against pool: the largest cap the pool pays in full"
solve --budget 126000000 --against pool:sc25-commerce
want_rc 0
want_empty err
want_is out <<'EOF2'
sc25-first-store.cap = ¥966,666.66：资金池足额发放的最大取值（约束：资金池“上城区都市经济政策预算”（sc25-commerce））
  成本 ¥125,999,999.20（预算 ¥126,000,000.00）；资金池申请 ¥125,999,999.20，规模 ¥126,000,000.00；受益 170 户，记录 170 条
  再进一步（¥966,666.67）申请将为 ¥126,000,000.40，超过资金池规模，按比例分配后成本 ¥125,999,998.70
EOF2
solve --against pool --format json
want_rc 0
want_eq "json" "$(jqo '[.result, .value, .binding, .cost, .budget, .next_step_cost, .beneficiaries, .pool.claimed, .pool.against]')" \
    '["solved","¥966,666.66","pool","125999999.20",null,"125999998.70",170,"125999999.20",true]'
solve --against pool --lang en
want_line out "sc25-first-store.cap = ¥966,666.66: the largest value the pool pays in full (binding: pool sc25-commerce (Shangcheng urban-economy policy budget))"
# the answer checked by a plain whatif: at 966,666.66 nothing is scaled, at 966,666.67 it is
run whatif "$DI" --as-of $ASOF --param sc25-first-store.cap=966666.66 --format json
want_eq "pool at the answer" "$(jqo '.pools[0].scenario | [.claimed, .granted]')" '["125999999.20","125999999.20"]'
run whatif "$DI" --as-of $ASOF --param sc25-first-store.cap=966666.67 --format json
want_eq "pool one fen above" "$(jqo '.pools[0].scenario | [.claimed, .granted]')" '["126000000.40","125999998.70"]'
end

# Ensure a budget below the pool binds first, and is named so, against the pool too.
begin "solve --against pool: a smaller budget binds first"
solve --budget 100000000 --against pool --format json
want_rc 0
want_eq "json" "$(jqo '[.result, .value, .binding, .cost, .next_step_cost, .pool.exceeded]')" \
    '["solved","¥750,000.00","budget","100000000.00","100000001.20",false]'
solve --budget 100000000
want_rc 0
want_line out "sc25-first-store.cap = ¥750,000.00：预算内的最大取值（约束：预算）"
want_line out "  再进一步（¥750,000.01）成本将为 ¥100,000,001.20，超出预算"
end

# Ensure a pool that does not bind is named as the limit searched against, with its size, not a
# budget of 0 that was never given: the first 100 enterprises (global_first, each at most
# 1,000,000 = 50% of 2,000,000 fit-out) claim 100,000,000 at the end of the range, within the
# pool's 126,000,000 (with a budget of 200,000,000, the range searched ends at the budget).
begin "solve --against pool that does not bind: the pool and its size named, not a budget"
head -n 100 "$DI" >"$tmp/district100.jsonl"
run whatif "$tmp/district100.jsonl" --as-of $ASOF --solve sc25-first-store.cap --against pool
want_rc 1
want_is out <<'EOF2'
资金池“上城区都市经济政策预算”（sc25-commerce）不构成约束：sc25-first-store.cap 取 ¥126,000,000.00（搜索范围的端点）时申请 ¥100,000,000.00，仍在资金池规模 ¥126,000,000.00 之内
EOF2
run whatif "$tmp/district100.jsonl" --as-of $ASOF --solve sc25-first-store.cap --against pool \
    --budget 200000000 --lang en
want_rc 1
want_line out "neither the budget nor pool sc25-commerce (Shangcheng urban-economy policy budget) binds: at sc25-first-store.cap = ¥200,000,000.00 (the end of the range searched) the claims on it are ¥100,000,000.00, within its size of ¥126,000,000.00, and the cost is ¥100,000,000.00, within the budget of ¥200,000,000.00"
want_no_match out "¥0.00"
end

# Ensure a threshold and a rate solve against the pool too: every store has 150 m², so at a
# min_area of 150 all claim (130,000,000, more than the pool and a budget of 1,000) and at 151
# none (both constraints bind one step further); at a fit-out rate r below 50 % the claims are
# 120 × 2,000,000 r + 50 × 400,000 r = 260,000,000 r <= 126,000,000 ⇔ r <= 48.46 %
# (125,996,000.00; 48.47 % claims 126,022,000.00).
begin "solve --against pool: a threshold and a rate"
run whatif "$DI" --as-of $ASOF --solve sc25-first-store.min_area --budget 1000 --against pool
want_rc 0
want_line out "sc25-first-store.min_area = 151 m²：预算内的最小取值（约束：预算和资金池“上城区都市经济政策预算”（sc25-commerce））"
run whatif "$DI" --as-of $ASOF --solve sc25-first-store.fitout_rate --budget 126000000 --against pool --format json
want_rc 0
want_eq "rate" "$(jqo '[.value, .binding, .cost, .next_step_cost, .pool.claimed]')" \
    '["48.46%","pool","125996000.00","125999998.70","125996000.00"]'
end

# Ensure a budget that no value meets says so (exit 1), and --against is checked.
begin "solve: no value within the budget; bad --against values"
run whatif "$DI" --as-of $ASOF --solve sc25-first-store.min_area --budget 1000
want_rc 0
run whatif "$DI" --as-of $ASOF --solve sc25-first-store.min_area --budget 1000 --set stores[0].area_m2=100000
want_rc 1
want_line out "sc25-first-store.min_area 没有任何取值能使成本不超过预算：取 0 m² 时成本 ¥125,999,998.70，超过预算 ¥1,000.00"
want_empty err
solve --against pool:sc25-comerce
want_rc 2
want_is err <<'EOF2'
--against: error: unknown pool 'sc25-comerce'
--against: note: did you mean 'sc25-commerce'?
EOF2
run whatif "$DI" --as-of $ASOF --solve sc25-rd-subsidy.cap --against pool
want_rc 2
want_is err <<'EOF2'
--against: error: sc25-rd-subsidy draws on no pool
--against: note: name one: --against pool:NAME
EOF2
solve --budget 1 --against everything
want_rc 2
want_line err "--against: error: 'everything': expected budget, pool or pool:NAME"
solve --against pool --pool sc25-commerce --budget 1
want_rc 2
want_line err "--against: error: --pool and --against pool both bound the claims on a pool"
solve --against budget
want_rc 2
want_line err "calc: --solve needs --budget AMOUNT (or --against pool)"
run whatif "$DI" --as-of $ASOF --param sc25-first-store.cap=1 --against pool
want_rc 2
want_line err "calc: --against goes with --solve POLICY.PARAM"
end

# Ensure whatif, --solve and near name an input whose format they cannot tell, exit 2, and give
# no answer over the part of the population they could read.
begin "populations: an input of unknown format is an error for whatif, --solve and near"
printf '{}\n' >"$tmp/pop.txt"
for args in "whatif $tmp/pop.txt --param sc25-first-store.cap=1500000" \
    "whatif $tmp/pop.txt --solve sc25-first-store.cap --budget 1400000" "near $tmp/pop.txt"; do
    # shellcheck disable=SC2086
    run $args --as-of $ASOF
    want_rc 2
    want_is err <<EOF
calc: error: $tmp/pop.txt: cannot tell the input format (name it .jsonl, .yaml or .csv)
EOF
    want_empty out
done
end

finish
