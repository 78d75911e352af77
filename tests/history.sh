#!/bin/sh
# History from the grants ledger (issue #17) over rounds: calc batch --ledger L --grant ROUND
# reads each enterprise's history from the ledger and records the round; calc new lists the
# newly entitled; calc replay gives round one's results after round two. On SQLite, and on a
# PostgreSQL server the suite starts itself when tests/pg.sh (the ledger suite's harness) can.
# Every expected amount is computed by hand from the books (policy-book.md, policy-book-2.md):
#
# Round 2025-1 (as_of 2025-03-31, claim year Y = 2024):
#   S1 (上城区): sc25-first-store: one china_first store of 甲品牌 opened 2025-02-01, 200 m²,
#       fit-out 800,000 → min(500,000, 50% × 800,000 = 400,000) = 400,000.00, key
#       "甲品牌@2025-02-01"; sc25-hq-star: 3 stars, none rewarded → tier(3) − tier(0) =
#       2,000,000.00 (sc25-hq-cap: ≤ local contribution 10,000,000), key "3".
#   A001–A055 (上城区, tech): sc25-talent-apartment min(20 requested, 20 eligible, 20) = 20 units
#       × 30,000 = 600,000.00 each; A056 asks 10: 300,000.00. Stock sc25-apartments 2000:
#       55 × 20 + 10 = 1110 units granted, 890 left.
#   Q1 (钱塘区, software, high_tech + tech): qt25-high-tech first certification 200,000.00 (key
#       2024-05-10); qt25-guarantee 50% of min(300,000, 1% × 20,000,000 = 200,000) = 100,000.00
#       (key 2024); qt25-milestone revenue 60,000,000 → threshold 50,000,000 → 500,000.00 (key
#       50000000). qt25-annual: 800,000 ≤ L = 1,000,000 − 0 → unchanged.
#   Q2 (钱塘区): qt25-talent-housing 李四 leading k = 1: floor(2,000,000 / 3) = 666,666.66;
#       张三 top k = 1: 8,000,000 / 5 = 1,600,000.00; sum 2,266,666.66 (pool qt25-talent
#       20,000,000 not binding).
#   Q3 (钱塘区, hq, moved in 2023-02-01): qt25-hq-settle i = 2024 − 2023 + 1 = 2 → 100% of
#       16,000,000 = 16,000,000.00 (family L = 30,000,000, annual L = 16,000,000: unchanged).
#   Cash 400,000 + 2,000,000 + 800,000 + 2,266,666.66 + 16,000,000 = 21,466,666.66; in kind
#   55 × 600,000 + 300,000 = 33,300,000.00.
# Round 2025-2 (as_of 2025-09-30, Y = 2024), the same enterprises, B001–B050 asking 20 units
# each (applied after every A), Q1 with a national grant G1 of 900,000 received 2024-08-01:
#   S1: the store's key was granted → left out → amount 0, ineligible; the star: rewarded 3 →
#       tier(3) − tier(3) = 0, ineligible (a one-off and a star not paid again).
#   A001–A056: their claim year granted → ineligible. B001–B044: 20 units each (880), B045: the
#       10 left (300,000.00), B046–B050: exhausted. Stock: granted before 1110, this round 890,
#       remaining 0.
#   Q1: high-tech (key granted), guarantee (2024 granted), milestone (50000000 granted):
#       ineligible; qt25-grant-match national 100% × 900,000 = 900,000, but qt25-annual's L =
#       1,000,000 − (200,000 + 100,000 + 500,000 of claim year 2024) = 200,000 →
#       floor(900,000 × 200,000 / 900,000) = 200,000.00.
#   Q2 (K6: an entry of 2024), Q3 (S6: key 2024): ineligible.
#   calc new lists exactly B001–B045 (sc25-talent-apartment, 2024) and Q1's G1: 46 rows.
# Round 2026 (as_of 2026-06-30, Y = 2025), after 张三's 2024 grant is revoked:
#   Q2: 李四 k = 2: 666,666.66; 张三 k = 1 again (the revoked grant does not count): 1,600,000.00
#       → 2,266,666.66. Q3: i = 3 → 50% of 16,000,000 = 8,000,000.00 (family L = 30,000,000 −
#       16,000,000 = 14,000,000: unchanged).
# Round 2027 (as_of 2027-06-30, Y = 2026):
#   Q2: 李四 k = 3, the last: 2,000,000 − 2 × 666,666.66 = 666,666.68; 张三 k = 2: 1,600,000.00
#       → 2,266,666.68. Q3: i = 4 → 8,000,000, family L = 30,000,000 − (16,000,000 + 8,000,000)
#       = 6,000,000 → floor(8,000,000 × 6,000,000 / 8,000,000) = 6,000,000.00.
# Run from the repository root: BUILD=build sh tests/history.sh.
set -u
. tests/lib.sh
need_calc
need jq
SOURCE_DATE_EPOCH=1764633600 # 2025-12-02: the rows' recorded_at, reproducible
export SOURCE_DATE_EPOCH
unset CALC_LEDGER

# ---- the populations ----
pop() { # round file
    r=$1
    out=$2
    : >"$out"
    if [ "$r" = 2025-1 ] || [ "$r" = 2025-2 ]; then
        echo '{"id": "S1", "name": "上城甲商贸", "district": "上城区", "hq": {"star": 3}, "finance": {"local_contribution": "10000000"}, "stores": [{"kind": "china_first", "brand": "甲品牌", "brand_recognized": true, "district": "上城区", "opened": "2025-02-01", "area_m2": 200, "fitout_investment": "800000"}]}' >>"$out"
        i=1
        while [ $i -le 56 ]; do
            id=$(printf 'A%03d' $i)
            u=20
            [ $i -eq 56 ] && u=10
            printf '{"id": "%s", "name": "公寓%s", "district": "上城区", "tags": ["tech_enterprise"], "applied": "2025-01-10", "talent": {"eligible": %d, "requested_units": %d}}\n' "$id" "$id" $u $u >>"$out"
            i=$((i + 1))
        done
    fi
    if [ "$r" = 2025-2 ]; then
        i=1
        while [ $i -le 50 ]; do
            id=$(printf 'B%03d' $i)
            printf '{"id": "%s", "name": "公寓%s", "district": "上城区", "tags": ["tech_enterprise"], "applied": "2025-08-01", "talent": {"eligible": 20, "requested_units": 20}}\n' "$id" "$id" >>"$out"
            i=$((i + 1))
        done
    fi
    y=2024
    [ "$r" = 2026 ] && y=2025
    [ "$r" = 2027 ] && y=2026
    if [ "$r" = 2025-1 ] || [ "$r" = 2025-2 ]; then
        g='[]'
        [ "$r" = 2025-2 ] && g='[{"name": "G1", "level": "national", "received": "2024-08-01", "amount": "900000"}]'
        printf '{"id": "Q1", "name": "钱塘软件", "district": "钱塘区", "industry": "software", "tags": ["high_tech", "tech_enterprise"], "applied": "2025-03-01", "finance": {"year": 2024, "revenue": "60000000", "local_contribution": "1000000"}, "tech": {"high_tech_certified": "2024-05-10"}, "guarantee": {"loan": "20000000", "fee": "300000"}, "grants": %s}\n' "$g" >>"$out"
    fi
    printf '{"id": "Q2", "name": "钱塘人才", "district": "钱塘区", "finance": {"year": %d}, "talents": [{"name": "李四", "level": "leading", "arrived": "2023-03-01", "insured_here": true}, {"name": "张三", "level": "top", "arrived": "2024-01-15", "insured_here": true}]}\n' $y >>"$out"
    printf '{"id": "Q3", "name": "钱塘总部", "district": "钱塘区", "tags": ["hq"], "founded": "2010-01-01", "moved_in": "2023-02-01", "finance": {"year": %d, "local_contribution": "16000000"}}\n' $y >>"$out"
}

asof_of() {
    case $1 in
    2025-1) echo 2025-03-31 ;;
    2025-2) echo 2025-09-30 ;;
    2026) echo 2026-06-30 ;;
    2027) echo 2027-06-30 ;;
    esac
}

# amount of POLICY for ENTERPRISE in a result file ("-" when not eligible)
amt() {
    jq -r --arg id "$2" --arg p "$3" 'select(.profile == $id) | .results[] | select(.policy == $p) |
        if .status == "eligible" then .amount else "-" end' "$1"
}
keys() { # the keys of POLICY for ENTERPRISE: "key=amount/quantity …"
    jq -r --arg id "$2" --arg p "$3" 'select(.profile == $id) | .results[] | select(.policy == $p) |
        [.keys[]? | "\(.key)=\(.amount)/\(.quantity)"] | join(" ")' "$1"
}

# ---- the story on one ledger ----
story() { # ENGINE-NAME LEDGER
    e=$1
    L=$2
    d=$tmp/$e
    mkdir -p "$d"
    for r in 2025-1 2025-2 2026 2027; do pop $r "$d/pop-$r.jsonl"; done

    begin "$e: calc ledger init makes an empty ledger"
    run ledger init --ledger "$L"
    want_rc 0
    end

    begin "$e: round 2025-1: history from an empty ledger, claim year and keys in the lines"
    head -n 1 "$d/pop-2025-1.jsonl" >"$d/s1-profile.yaml" # JSON is YAML
    run record "$d/s1-profile.yaml" --ledger "$L" --as-of 2025-03-31
    want_rc 0
    cp "$tmp/out" "$d/s1.yaml"
    run batch "$d/pop-2025-1.jsonl" --ledger "$L" --as-of 2025-03-31 -q -o "$d/r1.jsonl" \
        --summary "$d/r1.sum.json"
    want_rc 0
    want_eq "S1 first store" "$(amt "$d/r1.jsonl" S1 sc25-first-store)" 400000.00
    want_eq "S1 first-store keys" "$(keys "$d/r1.jsonl" S1 sc25-first-store)" \
        "甲品牌@2025-02-01=400000.00/null"
    want_eq "S1 star" "$(keys "$d/r1.jsonl" S1 sc25-hq-star)" "3=2000000.00/null"
    want_eq "A001 apartments" "$(keys "$d/r1.jsonl" A001 sc25-talent-apartment)" "2024=600000.00/20"
    want_eq "A056 apartments" "$(keys "$d/r1.jsonl" A056 sc25-talent-apartment)" "2024=300000.00/10"
    want_eq "Q1 high-tech" "$(keys "$d/r1.jsonl" Q1 qt25-high-tech)" "2024-05-10=200000.00/null"
    want_eq "Q1 guarantee" "$(keys "$d/r1.jsonl" Q1 qt25-guarantee)" "2024=100000.00/null"
    want_eq "Q1 milestone" "$(keys "$d/r1.jsonl" Q1 qt25-milestone)" "50000000=500000.00/null"
    want_eq "Q2 talents" "$(keys "$d/r1.jsonl" Q2 qt25-talent-housing)" \
        "李四=666666.66/null 张三=1600000.00/null"
    want_eq "Q3 settle" "$(keys "$d/r1.jsonl" Q3 qt25-hq-settle)" "2024=16000000.00/null"
    want_eq "claim year" "$(jq -r 'select(.profile == "Q3") | .results[] | select(.policy == "qt25-hq-settle") | .claim_year' "$d/r1.jsonl")" 2024
    want_eq "ledger head" "$(jq -r -c 'select(.profile == "S1") | .ledger' "$d/r1.jsonl" | head -1)" '{"head":"","seq":0}'
    want_eq "cash" "$(jq -s '[.[] | .results[]? | select(.status == "eligible" and .kind == "cash") | .amount | tonumber * 100 | round] | add' "$d/r1.jsonl")" 2146666666
    want_eq "stock" "$(jq -r '.pools["sc25-apartments"] | "\(.granted_before) \(.granted) \(.remaining_after)"' "$d/r1.sum.json")" "0 1110 890"
    end

    begin "$e: round 2025-1 recorded (grant), the same bytes as without recording"
    run batch "$d/pop-2025-1.jsonl" --ledger "$L" --as-of 2025-03-31 -q -o "$d/r1g.jsonl" \
        --grant 2025-1 --by 测试员 --manifest "$d/m1.json"
    want_rc 0
    want_same "results" "$d/r1.jsonl" "$d/r1g.jsonl"
    want_eq "manifest's history" "$(jq -r '.ledger | "\(.seq) \(.history | length)"' "$d/m1.json")" "0 0"
    run ledger --ledger "$L" --round 2025-1 --format json
    want_rc 0
    end

    begin "$e: round 2025-2: nothing paid twice, the stock's rest, the annual cap across rounds"
    run batch "$d/pop-2025-2.jsonl" --ledger "$L" --as-of 2025-09-30 -q -o "$d/r2.jsonl" \
        --summary "$d/r2.sum.json"
    want_rc 0
    want_eq "S1 first store" "$(amt "$d/r2.jsonl" S1 sc25-first-store)" -
    want_eq "S1 star" "$(amt "$d/r2.jsonl" S1 sc25-hq-star)" -
    want_eq "A001" "$(amt "$d/r2.jsonl" A001 sc25-talent-apartment)" -
    want_eq "B044" "$(keys "$d/r2.jsonl" B044 sc25-talent-apartment)" "2024=600000.00/20"
    want_eq "B045" "$(keys "$d/r2.jsonl" B045 sc25-talent-apartment)" "2024=300000.00/10"
    want_eq "B046" "$(amt "$d/r2.jsonl" B046 sc25-talent-apartment)" -
    want_eq "stock" "$(jq -r '.pools["sc25-apartments"] | "\(.granted_before) \(.granted) \(.remaining_after)"' "$d/r2.sum.json")" "1110 890 0"
    want_eq "Q1 milestone" "$(amt "$d/r2.jsonl" Q1 qt25-milestone)" -
    want_eq "Q1 high-tech" "$(amt "$d/r2.jsonl" Q1 qt25-high-tech)" -
    want_eq "Q1 guarantee" "$(amt "$d/r2.jsonl" Q1 qt25-guarantee)" -
    want_eq "Q1 grant match" "$(keys "$d/r2.jsonl" Q1 qt25-grant-match)" "G1=200000.00/null"
    want_eq "Q2" "$(amt "$d/r2.jsonl" Q2 qt25-talent-housing)" -
    want_eq "Q3" "$(amt "$d/r2.jsonl" Q3 qt25-hq-settle)" -
    run batch "$d/pop-2025-2.jsonl" --ledger "$L" --as-of 2025-09-30 -q -o "$d/r2j.jsonl" -j 2
    want_rc 0
    want_same "-j 2" "$d/r2.jsonl" "$d/r2j.jsonl"
    run eval "$d/s1-profile.yaml" --ledger "$L" --as-of 2025-09-30 --lang en
    want_rc 0
    # round 2025-1 wrote 64 rows: S1 2 (store, star) + 56 apartments + Q1 3 + Q2 2 (talents) + Q3 1
    want_match out '^history   from the grants ledger at row 64 \(head [0-9a-f]{16}\)$'
    end

    begin "$e: calc new lists exactly the newly entitled"
    run new "$d/pop-2025-2.jsonl" --ledger "$L" --as-of 2025-09-30 --format json
    want_rc 0
    cp "$tmp/out" "$d/new.json"
    want_eq "rows" "$(jq -r '.totals.rows' "$d/new.json")" 46
    want_eq "who" "$(jq -r '[.entitled[] | .enterprise] | unique | join(",")' "$d/new.json")" \
        "$(i=1; s=""; while [ $i -le 45 ]; do s="$s$(printf 'B%03d' $i),"; i=$((i + 1)); done; echo "${s}Q1")"
    want_eq "Q1's" "$(jq -r '.entitled[] | select(.enterprise == "Q1") | "\(.policy) \(.claim_year) \(.key) \(.amount)"' "$d/new.json")" \
        "qt25-grant-match 2024 G1 200000.00"
    want_eq "B045's" "$(jq -r '.entitled[] | select(.enterprise == "B045") | "\(.policy) \(.key) \(.amount) \(.quantity)"' "$d/new.json")" \
        "sc25-talent-apartment 2024 300000.00 10"
    run new "$d/pop-2025-2.jsonl" --ledger "$L" --as-of 2025-09-30 --format csv --lang en
    want_rc 0
    want_eq "csv lines" "$(wc -l <"$tmp/out" | tr -d ' ')" 47
    run new "$d/pop-2025-2.jsonl" --ledger "$L" --as-of 2025-09-30 --format xlsx -o "$d/new.xlsx"
    want_rc 0
    if command -v unzip >/dev/null; then # a header row and the 46 rows, nine columns
        unzip -p "$d/new.xlsx" xl/worksheets/sheet1.xml | grep -q '<dimension ref="A1:I47"/>' ||
            problem "the workbook's sheet is not A1:I47"
    fi
    run new "$d/pop-2025-2.jsonl" --as-of 2025-09-30
    want_rc 2
    want_match err 'new compares with the grants ledger'
    run batch "$d/pop-2025-2.jsonl" --ledger "$L" --as-of 2025-09-30 --grant x
    want_rc 2
    want_match err '--grant records the result lines: give -o FILE'
    run batch "$d/pop-2025-2.jsonl" --ledger "$L" --as-of 2025-09-30 --no-pools -o "$d/np.jsonl"
    want_rc 2
    end

    begin "$e: round 2025-2 recorded; replaying round one's case gives round one's results"
    run batch "$d/pop-2025-2.jsonl" --ledger "$L" --as-of 2025-09-30 -q -o "$d/r2g.jsonl" \
        --grant 2025-2
    want_rc 0
    want_same "results" "$d/r2.jsonl" "$d/r2g.jsonl"
    run replay "$d/s1.yaml" --ledger "$L"
    want_rc 0
    want_match out '^PASS '
    # the batch of round one, replayed from its manifest's snapshot (an empty ledger then)
    run replay-batch "$d/r1g.jsonl" --manifest "$d/m1.json" --lang en
    want_rc 0
    want_match out 'every record matches'
    # the same case evaluated against the ledger now: the star and the store are paid
    run eval "$d/s1-profile.yaml" --ledger "$L" --as-of 2025-03-31 --format json
    want_eq "S1 star now" "$(jq -r '.results[] | select(.policy == "sc25-hq-star") | .status' "$tmp/out")" ineligible
    end

    begin "$e: a second recording of a round is refused, the ledger as it was"
    run batch "$d/pop-2025-2.jsonl" --ledger "$L" --as-of 2025-09-30 -q -o "$d/r2x.jsonl" \
        --grant 2025-2
    [ "$rc" -ne 0 ] || problem "recorded twice"
    end

    begin "$e: round 2026: 张三 revoked and granted again, the next installment of 李四"
    run revoke "Q2/qt25-talent-housing/2024/张三" --ledger "$L" --reason "社保未在区内缴纳"
    want_rc 0
    run batch "$d/pop-2026.jsonl" --ledger "$L" --as-of 2026-06-30 -q -o "$d/r3.jsonl" \
        --grant 2026
    want_rc 0
    want_eq "Q2" "$(keys "$d/r3.jsonl" Q2 qt25-talent-housing)" \
        "李四=666666.66/null 张三=1600000.00/null"
    want_eq "Q3" "$(keys "$d/r3.jsonl" Q3 qt25-hq-settle)" "2025=8000000.00/null"
    end

    begin "$e: round 2027: the last installment's remainder, the HQ family cap over the years"
    run batch "$d/pop-2027.jsonl" --ledger "$L" --as-of 2027-06-30 -q -o "$d/r4.jsonl" \
        --grant 2027
    want_rc 0
    want_eq "Q2" "$(keys "$d/r4.jsonl" Q2 qt25-talent-housing)" \
        "李四=666666.68/null 张三=1600000.00/null"
    want_eq "Q3" "$(keys "$d/r4.jsonl" Q3 qt25-hq-settle)" "2026=6000000.00/null"
    want_eq "Q3 before cap" "$(jq -r 'select(.profile == "Q3") | .results[] | select(.policy == "qt25-hq-settle") | .amount_before_cap' "$d/r4.jsonl")" 8000000.00
    run replay "$d/s1.yaml" --ledger "$L"
    want_rc 0
    end

    begin "$e: a profile stating its own history is refused with a ledger"
    printf 'id: S1\nname: x\nhq: {star: 3, star_rewarded_before: 2}\n' >"$d/own.yaml"
    run eval "$d/own.yaml" --ledger "$L" --as-of 2025-09-30
    want_rc 3
    want_match err 'hq.star_rewarded_before: with --ledger the history comes from the ledger'
    run eval "$d/own.yaml" --as-of 2025-09-30
    want_rc 0
    end
}

story sqlite "$tmp/ledger.db"

# Ensure an exclusive group holds across rounds of one claim year: round 1 grants the group's
# winner sc25-hq-office (10% of the 1,200,000 rent at 2 stars … 360,000.00); evaluated again,
# it is ineligible ("granted before") and sc25-free-office stays superseded by it (it became
# eligible, was listed as newly entitled and was granted in round 2: both members of 就高不重复).
begin "an exclusive group across rounds: the member granted keeps the group, the other stays superseded"
mkdir -p "$tmp/gr"
echo '{"id": "GR1", "name": "组内企业", "district": "上城区", "founded": "2023-05-08", "applied": "2025-04-01", "tags": ["tech_enterprise"], "employees": 48, "finance": {"year": 2024, "local_contribution": 1800000}, "hq": {"star": 2, "office": {"mode": "rent", "district": "上城区", "annual_rent": 1200000}}, "office": {"requested_m2": 300}}' >"$tmp/gr/pop.jsonl"
run ledger init --ledger "$tmp/gr/l.db"
run batch "$tmp/gr/pop.jsonl" --as-of 2025-06-30 -q --no-pools
want_eq "one evaluation" "$(jq -c '[.results[] | select(.group == "sc25-space") | [.policy, .status, .amount]]' "$tmp/out" 2>&1)" \
    '[["sc25-free-office","superseded","0.00"],["sc25-hq-office","eligible","360000.00"]]'
run batch "$tmp/gr/pop.jsonl" --ledger "$tmp/gr/l.db" --as-of 2025-06-30 -q -o "$tmp/gr/r1.jsonl" --grant gr-1
want_rc 0
run batch "$tmp/gr/pop.jsonl" --ledger "$tmp/gr/l.db" --as-of 2025-06-30 -q -o "$tmp/gr/r2.jsonl"
want_eq "round 2" "$(jq -c '[.results[] | select(.group == "sc25-space") | [.policy, .status, .superseded_by]]' "$tmp/gr/r2.jsonl" 2>&1)" \
    '[["sc25-free-office","superseded","sc25-hq-office"],["sc25-hq-office","ineligible",null]]'
run new "$tmp/gr/pop.jsonl" --ledger "$tmp/gr/l.db" --as-of 2025-06-30 --format json
want_rc 0
want_eq "newly entitled in the group" "$(jq -c '[.entitled[] | select(.policy == "sc25-free-office" or .policy == "sc25-hq-office")]' "$tmp/out" 2>&1)" '[]'
end

begin "a first store without a brand: its key is null, and the round is refused naming it and why"
mkdir -p "$tmp/nb"
echo '{"id": "NB1", "name": "无品牌", "district": "上城区", "stores": [{"kind": "flagship", "brand_recognized": true, "district": "上城区", "opened": "2025-02-01", "area_m2": 150, "fitout_investment": "300000"}]}' >"$tmp/nb/pop.jsonl"
run ledger init --ledger "$tmp/nb/l.db"
want_rc 0
# flagship: min(200,000, 50% × 300,000 = 150,000) = 150,000.00
run batch "$tmp/nb/pop.jsonl" --ledger "$tmp/nb/l.db" --as-of 2025-03-31 -q -o "$tmp/nb/r.jsonl" \
    --grant nb-1
[ "$rc" -ne 0 ] || problem "a store without a brand was recorded"
want_match err "^$tmp/nb/r.jsonl:1:[0-9]+: error: record NB1: sc25-first-store: a store without a brand cannot be recorded \\(key ''\\)$"
want_match err "note: fill in the store's brand in the profile and evaluate again$"
want_eq "keys" "$(keys "$tmp/nb/r.jsonl" NB1 sc25-first-store)" "null=150000.00/null"
run ledger --ledger "$tmp/nb/l.db" --format json
want_rc 0
want_no_match out 'NB1'
end

# the same story on a PostgreSQL server of its own (the ledger suite's harness)
. tests/pg/cluster.sh
if pg_start; then
    story postgresql "$PG_URL"
    begin "both engines: the same results, round by round"
    for f in r1 r2 r3 r4; do
        want_same "$f" "$tmp/sqlite/$f.jsonl" "$tmp/postgresql/$f.jsonl"
    done
    end
else
    fail "postgresql: the test server did not start"
fi
finish
