#!/bin/sh
# schema2.sh — the profile fields of policy book 2 (policy-book-2.md §2, §1.6) as the schema
# reads them: every new field from YAML, JSON and JSON Lines (the fast reader) with its type,
# default and absence rule; months as people write them and refused with their position; a list
# item without its key or required fields, or two items with the same key, as input errors; keys
# kept as the text written (2024, 50000000, 2024-11-08 unquoted); `calc schema` listing the new
# fields by their labels; `calc init` and its CSV template not asking for the award ledger; and
# book 1's cases replaying as they were. Run from the repository root: BUILD=build sh tests/schema2.sh.
set -u
. tests/lib.sh
need_calc
need jq
ASOF=2025-06-30

# canon FILE JQ: a jq expression on the canonical form of a profile
canon() {
    run fingerprint --canonical "$1"
    jq -c "$2" "$tmp/out"
}

# A 钱塘区 enterprise with every field of book 2 §2 (keys as the ledger writes them, unquoted).
cat >"$tmp/qt.yaml" <<'EOF'
id: QT-1
name: 钱塘测试企业
district: 钱塘区
tax_district: 钱塘区
founded: 2019-05-01
applied: 2025-03-01
industry: ai
tags: [toutyan, hq, high_tech]
moved_in: 2022-03-15
zone: core
land:
  allocated: true
credit:
  dishonest: true
  major_accident: true
finance:
  year: 2024
  revenue: 80000000
  prev_local_contribution: 1200000
  prev_revenue: 60000000
  prev2_revenue: 5000万
lease:
  start: 2023-07-01
  end: 2026-06-30
  m2: 1200
  rent_per_m2_month: 85.5
  guide_rent_per_m2_month: 70
purchase:
  date: 2024-05-20
  m2: 3000
grants:
  - name: 2024
    level: national
    received: 2024-08-01
    amount: 5000000
  - name: 省重点研发项目
    level: provincial
    received: 2024/9/1
    amount: 200万
talents:
  - name: 张三
    level: leading
    arrived: 2024-02-01
    insured_here: true
social:
  monthly:
    - {month: 2024-01, insured: 120}
    - {month: 2024/2, insured: 121}
    - {month: 2024年3月, insured: 122}
    - {month: 2024-4}
tech:
  high_tech_certified: 2024-11-08
  high_tech_renewal: true
listing:
  stage: filed
  stage_dates:
    restructured: 2023-06-01
    filed: 2024-10-10
    listed: 2025-01-02
  board: star_market
  city_paid: 0
guarantee:
  loan: 30000000
  fee: 300000
awards:
  - {policy: qt25-milestone, year: 2023, amount: 500000, key: 50000000}
  - {policy: qt25-high-tech, year: 2024, amount: 200000, key: 2024-11-08}
  - {policy: qt25-toutyan, year: 2023, amount: 100.5, key: 2023}
  - {policy: qt25-listing, year: 2024, amount: 1, key: filed}
EOF

# Ensure every field of book 2 §2 is read from YAML with its type: dates ISO, months YYYY-MM,
# money in fen ("…00"), enums their codes, the new tags.
begin "book 2 fields from YAML: every field with its type"
want_eq "tags" "$(canon "$tmp/qt.yaml" .tags)" '["toutyan","hq","high_tech"]'
want_eq "top" "$(canon "$tmp/qt.yaml" '[.moved_in, .zone, .land, .credit]')" \
    '["2022-03-15","core",{"allocated":true},{"dishonest":true,"major_accident":true}]'
want_eq "finance" "$(canon "$tmp/qt.yaml" '.finance | [.prev_local_contribution, .prev_revenue, .prev2_revenue]')" \
    '["1200000.00","60000000.00","50000000.00"]'
want_eq "lease" "$(canon "$tmp/qt.yaml" .lease)" \
    '{"start":"2023-07-01","end":"2026-06-30","m2":1200,"rent_per_m2_month":"85.50","guide_rent_per_m2_month":"70.00"}'
want_eq "purchase" "$(canon "$tmp/qt.yaml" .purchase)" '{"date":"2024-05-20","m2":3000}'
want_eq "grants" "$(canon "$tmp/qt.yaml" .grants)" \
    '[{"name":"2024","level":"national","received":"2024-08-01","amount":"5000000.00"},{"name":"省重点研发项目","level":"provincial","received":"2024-09-01","amount":"2000000.00"}]'
want_eq "talents" "$(canon "$tmp/qt.yaml" .talents)" \
    '[{"name":"张三","level":"leading","arrived":"2024-02-01","insured_here":true}]'
want_eq "social" "$(canon "$tmp/qt.yaml" .social.monthly)" \
    '[{"month":"2024-01","insured":120},{"month":"2024-02","insured":121},{"month":"2024-03","insured":122},{"month":"2024-04"}]'
want_eq "tech" "$(canon "$tmp/qt.yaml" .tech)" '{"high_tech_certified":"2024-11-08","high_tech_renewal":true}'
want_eq "listing" "$(canon "$tmp/qt.yaml" '.listing | [.stage_dates, .board, .city_paid]')" \
    '[{"restructured":"2023-06-01","filed":"2024-10-10","listed":"2025-01-02"},"star_market","0.00"]'
want_eq "guarantee" "$(canon "$tmp/qt.yaml" .guarantee)" '{"loan":"30000000.00","fee":"300000.00"}'
want_eq "awards" "$(canon "$tmp/qt.yaml" .awards)" \
    '[{"policy":"qt25-milestone","year":2023,"amount":"500000.00","key":"50000000"},{"policy":"qt25-high-tech","year":2024,"amount":"200000.00","key":"2024-11-08"},{"policy":"qt25-toutyan","year":2023,"amount":"100.50","key":"2023"},{"policy":"qt25-listing","year":2024,"amount":"1.00","key":"filed"}]'
run eval "$tmp/qt.yaml" --as-of $ASOF --format json
want_rc 0
want_err_empty
end

# Ensure the same profile as a JSON document and as a JSON Lines record (the fast reader) is the
# same profile: its canonical form and fingerprint; numbers given for string keys stay their text.
begin "book 2 fields from JSON and JSON Lines: the same profile"
run fingerprint --canonical "$tmp/qt.yaml"
cp "$tmp/out" "$tmp/qt.canon"
jq '.grants[0].name = 2024 | .awards[0].key = 50000000 | .awards[2].key = 2023' "$tmp/qt.canon" >"$tmp/qt.json"
run fingerprint --canonical "$tmp/qt.json"
want_rc 0
want_same "JSON canonical" "$tmp/qt.canon" "$tmp/out"
jq -c . "$tmp/qt.json" >"$tmp/qt.jsonl"
run batch "$tmp/qt.jsonl" --as-of $ASOF -q -o "$tmp/qt.lines"
want_rc 0
run batch "$tmp/qt.yaml" --as-of $ASOF -q -o "$tmp/qt.ylines"
want_rc 0
want_eq "JSON Lines fingerprint" "$(jq -r .fingerprint.profile "$tmp/qt.lines")" \
    "$(jq -r .fingerprint.profile "$tmp/qt.ylines")"
end

# Ensure an absent book-2 field takes the default §2 gives (zone and listing.board other, bools
# false, lists empty) and the fields without one (lease.end, moved_in: none) stay absent.
begin "book 2 defaults: zone other, board other, bools false, lists []"
printf 'id: QT-0\nname: 空白企业\n' >"$tmp/blank.yaml"
want_eq "defaults" "$(canon "$tmp/blank.yaml" '[.zone, .listing.board, .land, .credit, .tech, .grants, .talents, .social, .awards]')" \
    '["other","other",{"allocated":false},{"dishonest":false,"major_accident":false},{"high_tech_renewal":false},[],[],{"monthly":[]},[]]'
want_eq "absent" "$(canon "$tmp/blank.yaml" '[has("moved_in"), (.lease | has("end")), .lease]')" '[false,false,{}]'
want_eq "book 1 defaults" "$(canon "$tmp/blank.yaml" '[.hq.office.mode, .listing.stage, .hq.star, .tags]')" \
    '["none","none",0,[]]'
end

# Ensure a month is read as people write it (2024-03, 2024-3, 2024/3, 2024年3月) and written
# YYYY-MM, and anything else is refused at its position with the hint (a day, month 13, month 0,
# a two-digit year, a missing 月).
begin "months: YYYY-MM, YYYY-M, YYYY/M and YYYY年M月; bad ones refused at their position"
for m in 2024-03 2024-3 2024/3 2024/03 2024年3月 2024年03月; do
    printf 'id: M\nname: 月份\nsocial:\n  monthly:\n    - month: %s\n' "$m" >"$tmp/m.yaml"
    want_eq "$m" "$(canon "$tmp/m.yaml" '.social.monthly[0].month')" '"2024-03"'
done
for m in 2024-13 2024-00 2024-03-01 24-3 2024年3 2024/3/ 2024.03 "2024-3月" 1899-12; do
    printf 'id: M\nname: 月份\nsocial:\n  monthly:\n    - month: %s\n' "$m" >"$tmp/m.yaml"
    run_nosrc eval "$tmp/m.yaml" --as-of $ASOF
    want_rc 3
    want_line err "$tmp/m.yaml:5:14: error: social.monthly[0].month: expected a month YYYY-MM, got '$m'"
    want_line err "$tmp/m.yaml:5:14: note: write a month as YYYY-MM, e.g. 2024-03 (or 2024/3, 2024年3月)"
done
printf 'id: M\nname: 月份\nsocial:\n  monthly:\n    - month: 2024-13\n' >"$tmp/m.yaml"
LANGUAGE=zh run_nosrc eval "$tmp/m.yaml" --as-of $ASOF
want_line err "$tmp/m.yaml:5:14: 错误：social.monthly[0].month：应为月份（YYYY-MM），实际为“2024-13”"
printf '{"id": "M", "name": "月份", "social": {"monthly": [{"month": "2024/13"}]}}\n' >"$tmp/m.jsonl"
run_nosrc batch "$tmp/m.jsonl" --as-of $ASOF -q
want_rc 3
want_line err "$tmp/m.jsonl:1:60: error: social.monthly[0].month: expected a month YYYY-MM, got '2024/13'"
end

# Ensure two grants with one name, two items for one month (written two ways) and an item
# without its key are input errors at the item, in YAML, JSON Lines and CSV; never an unknown.
begin "list keys: a duplicate grant name, a duplicate month, an item without its key"
cat >"$tmp/dup.yaml" <<'EOF'
id: QT-DUP
name: 重复
grants:
  - name: A项目
    level: national
  - level: city
  - name: A项目
    level: city
social:
  monthly:
    - {month: 2024-01, insured: 1}
    - {month: 2024-02, insured: 1}
    - {month: 2024/1, insured: 2}
talents:
  - {name: 李四, level: top}
  - {name: 李四, level: youth}
EOF
run_nosrc eval "$tmp/dup.yaml" --as-of $ASOF
want_rc 3
want_out_empty
want_err_is <<EOF
$tmp/dup.yaml:6:5: error: grants[1].name: required field is missing
$tmp/dup.yaml:6:5: note: every item of the list needs it: add it to the item
$tmp/dup.yaml:7:5: error: grants[2].name: duplicate item: name 'A项目' as in grants[0]
$tmp/dup.yaml:7:5: note: each item of the list has its own key: remove or merge the repeated item
$tmp/dup.yaml:13:7: error: social.monthly[2].month: duplicate item: month '2024-01' as in social.monthly[0]
$tmp/dup.yaml:13:7: note: each item of the list has its own key: remove or merge the repeated item
$tmp/dup.yaml:16:5: error: talents[1].name: duplicate item: name '李四' as in talents[0]
$tmp/dup.yaml:16:5: note: each item of the list has its own key: remove or merge the repeated item
EOF
LANGUAGE=zh run_nosrc eval "$tmp/dup.yaml" --as-of $ASOF
want_line err "$tmp/dup.yaml:7:5: 错误：grants[2].name：重复的列表项：name“A项目”与 grants[0] 相同"
want_line err "$tmp/dup.yaml:7:5: 提示：列表中各项的标识不能相同：请删除或合并重复的项"
# the fast JSON Lines reader hands a duplicate to the long way, which says where
printf '%s\n' '{"id": "J", "name": "甲", "social": {"monthly": [{"month": "2024-01"}, {"month": "2024-01"}]}}' \
    '{"id": "K", "name": "乙", "grants": [{"name": "2024"}, {"name": 2024}]}' >"$tmp/dup.jsonl"
run_nosrc batch "$tmp/dup.jsonl" --as-of $ASOF -q
want_rc 3
want_line err "$tmp/dup.jsonl:1:71: error: social.monthly[1].month: duplicate item: month '2024-01' as in social.monthly[0]"
want_line err "$tmp/dup.jsonl:2:55: error: grants[1].name: duplicate item: name '2024' as in grants[0]"
printf 'id,name,上级项目资金1.项目名称,上级项目资金2.项目名称\nC-1,甲,国家项目,国家项目\n' >"$tmp/dup.csv"
run_nosrc batch "$tmp/dup.csv" --as-of $ASOF -q
want_rc 3
want_line err "$tmp/dup.csv:2:D（上级项目资金2.项目名称）: error: grants[1].name: duplicate item: name '国家项目' as in grants[0]"
end

# Ensure the keys of long lists are compared by sorting, not pairwise: 100,000 grants and a
# ledger of 100,000 entries, the last grant repeating the first's name, are read in seconds and
# the repeat is the one error, at its item.
begin "list keys: 100,000 grants, one repeated name"
awk 'BEGIN { printf "{\"id\": \"BIG\", \"name\": \"大\", \"grants\": [";
             for (i = 0; i < 100000; i++) printf "{\"name\": \"g%d\"}, ", i;
             printf "{\"name\": \"g0\"}], \"awards\": [";
             for (i = 0; i < 100000; i++) printf "%s{\"policy\": \"p\", \"year\": 2024, \"amount\": 1, \"key\": \"%d\"}", i ? ", " : "", i;
             printf "]}\n" }' >"$tmp/big.jsonl"
TMO=30 run_nosrc batch "$tmp/big.jsonl" --as-of $ASOF -q
want_rc 3
want_eq "errors" "$(grep -c ': error: ' "$tmp/err")" 1
want_match err "^$tmp/big.jsonl:1:[0-9]+: error: grants\[100000\]\.name: duplicate item: name 'g0' as in grants\[0\]$"
end

# Ensure an award ledger entry needs all four of its fields (book 2 §1.6) and its key is kept as
# written: 2024, 50000000 and 2024-11-08 unquoted are the texts "2024", "50000000", "2024-11-08".
begin "awards: every entry has policy, year, amount and key; keys kept as text"
cat >"$tmp/aw.yaml" <<'EOF'
id: QT-AW
name: 台账
awards:
  - {policy: qt25-toutyan, year: 2023, amount: 100}
  - {year: 2023, key: 2023}
EOF
run_nosrc eval "$tmp/aw.yaml" --as-of $ASOF
want_rc 3
want_err_is <<EOF
$tmp/aw.yaml:4:5: error: awards[0].key: required field is missing
$tmp/aw.yaml:4:5: note: every item of the list needs it: add it to the item
$tmp/aw.yaml:5:5: error: awards[1].policy: required field is missing
$tmp/aw.yaml:5:5: note: every item of the list needs it: add it to the item
$tmp/aw.yaml:5:5: error: awards[1].amount: required field is missing
$tmp/aw.yaml:5:5: note: every item of the list needs it: add it to the item
EOF
printf 'id: A\nname: 甲\nawards:\n  - policy: 2024\n    year: 2024\n    amount: 1\n    key: 2024\n  - {policy: p, year: 2024, amount: 1, key: 50000000}\n  - {policy: p, year: 2024, amount: 1, key: 2024-11-08}\n  - {policy: p, year: 2024, amount: 1, key: "0050"}\n' >"$tmp/keys.yaml"
want_eq "keys" "$(canon "$tmp/keys.yaml" '[.awards[] | .key]')" '["2024","50000000","2024-11-08","0050"]'
want_eq "policy" "$(canon "$tmp/keys.yaml" '.awards[0].policy')" '"2024"'
run eval "$tmp/keys.yaml" --as-of $ASOF --set 'awards[1].key=2025' --set 'grants[0].name=2024'
want_rc 0
printf '{"id": "A", "name": "甲", "awards": [{"policy": "p", "year": 2024, "amount": 1}]}\n' >"$tmp/aw.jsonl"
run_nosrc batch "$tmp/aw.jsonl" --as-of $ASOF -q
want_rc 3
want_line err "$tmp/aw.jsonl:1:37: error: awards[0].key: required field is missing"
end

# Ensure calc schema lists the new fields with their labels, types and rules, in both languages,
# and the new enums and tag values.
begin "calc schema: book 2's fields, labels and enums"
run schema
want_rc 0
want_err_empty
want_match out '^zone +所在片区 +enum zone +经营地址是否位于钱塘区核心区$'
want_match out '^lease\.end +租赁结束日期 +日期 +.*（未填写表示无）$'
want_match out '^grants\[\]\.name +项目名称 +文本 +.*（必填）（各项不得重复）$'
want_match out '^social\.monthly\[\]\.month +月份 +月份 +'
want_match out '^awards +已获奖励记录 +列表 +.*（来自区里的兑付记录，不由申请人填写）$'
want_match out '^finance\.prev_revenue +上年营业收入 +金额\(元\) '
want_match out '^tag: .* toutyan\(钱塘头雁企业\) hq\(总部企业\)$'
run schema --lang en
want_rc 0
want_match out '^moved_in +Date moved in +date +.*\(absent: none\)$'
want_match out '^social\.monthly\[\]\.month +Month +month +.*\(required\) \(unique per item\)$'
want_match out '^awards\[\]\.key +Award key +string +.*\(required\)$'
want_match out '^talents\[\]\.level +Talent level +enum talent_level '
want_match out '^zone: core\(core zone\) other\(elsewhere in the district\)$'
want_match out '^grant_level: national provincial city$'
want_match out '^listing_board: star_market\(STAR Market\) other\(another board\)$'
for f in moved_in zone land.allocated credit.dishonest credit.major_accident \
    finance.prev_local_contribution finance.prev_revenue finance.prev2_revenue lease.start \
    lease.end lease.m2 lease.rent_per_m2_month lease.guide_rent_per_m2_month purchase.date \
    purchase.m2 grants 'grants[].name' 'grants[].level' 'grants[].received' 'grants[].amount' \
    talents 'talents[].name' 'talents[].level' 'talents[].arrived' 'talents[].insured_here' \
    social.monthly 'social.monthly[].month' 'social.monthly[].insured' tech.high_tech_certified \
    tech.high_tech_renewal listing.stage_dates.restructured listing.stage_dates.filed \
    listing.stage_dates.listed listing.board listing.city_paid guarantee.loan guarantee.fee \
    awards 'awards[].policy' 'awards[].year' 'awards[].amount' 'awards[].key'; do
    awk -v f="$f" '$1 == f' "$tmp/out" | grep -q . || problem "calc schema does not list $f"
done
end

# Ensure calc init does not ask for the award ledger (a comment says it comes from the
# district's records), asks for the other lists item by item, and says which fields mean none
# when left empty; its CSV template has no award column.
begin "calc init: the award ledger is not asked of the applicant"
run init
want_rc 0
want_no_match out '^awards:'
want_no_match out '^#? *- (policy|key):'
want_line out '# 已获奖励记录（awards）：来自区里的兑付记录，不由申请人填写'
want_line out 'grants:'
want_line out '#      # 项目名称（奖励记录以此为键）【必填】（各项不得重复）'
want_match out '^  # 租赁结束日期.*；留空表示无$'
want_line out 'zone:'
cp "$tmp/out" "$tmp/init.yaml"
sed 's/^id: ""$/id: "T-1"/; s/^name: ""$/name: 模板企业/' "$tmp/init.yaml" >"$tmp/filled.yaml"
run eval "$tmp/filled.yaml" --as-of $ASOF --format json
want_rc 0
run init --format csv
want_rc 0
head -n 1 "$tmp/out" | tail -c +4 | tr -d '\r' | tr ',' '\n' >"$tmp/heads"
want_line_file "$tmp/heads" "上级项目资金1.项目名称"
want_line_file "$tmp/heads" "月度参保人数3.参保人数"
want_line_file "$tmp/heads" "所在片区"
grep -q '已获奖励记录\|奖励事项' "$tmp/heads" && problem "the CSV template asks for the award ledger"
end

# Ensure the schema's new rules are checked when the set is loaded: an unknown absence rule, an
# absence rule on a field with a default, a key outside a list's items, a default that is not a
# value of the field's type.
begin "schema rules: absent, key and default checked at load"
# edited DIR FROM TO: the shipped set with one text of schema.yaml replaced
edited() {
    rm -rf "$tmp/set"
    cp -r policies "$tmp/set"
    F="$1" T="$2" perl -0pi -e 's/\Q$ENV{F}\E/$ENV{T}/' "$tmp/set/schema.yaml"
    cmp -s policies/schema.yaml "$tmp/set/schema.yaml" && problem "the edit of '$1' changed nothing"
}
edited "    absent: none  # the lease has not ended (§1.6)" "    absent: never"
run_nosrc schema --policies "$tmp/set"
want_rc 3
want_match err "schema\.yaml:[0-9]+:13: error: lease\.end: unknown absence rule 'never'$"
edited "    default: other
    label: 所在片区" "    default: other
    absent: none
    label: 所在片区"
run_nosrc schema --policies "$tmp/set"
want_rc 3
want_match err "error: zone: absent: none is for a field without a default that may be left out$"
edited "    default: other
    label: 所在片区" "    default: elsewhere
    label: 所在片区"
run_nosrc schema --policies "$tmp/set"
want_rc 3
want_match err "error: zone: the default is not a value of the field's type \(enum\)$"
edited "    absent: none  # never moved" "    key: true  # never moved"
run_nosrc schema --policies "$tmp/set"
want_rc 3
want_match err "error: moved_in: a key is a scalar field of a list's items$"
edited "    key: true
    label: 人才姓名" "    label: 人才姓名"
run_nosrc schema --policies "$tmp/set"
want_rc 0
printf 'id: T\nname: 甲\ntalents:\n  - {name: 李四}\n  - {name: 李四}\n' >"$tmp/tal.yaml"
run_nosrc eval "$tmp/tal.yaml" --as-of $ASOF --policies "$tmp/set"
want_rc 0
end

# Ensure book 1 is unchanged: every recorded case replays (the schema gained defaulted fields,
# which a replay attributes to the schema, never fails on).
begin "book 1: every case replays"
run replay cases/
want_rc 0
want_match out ' passed, 0 failed$|个通过，0 个未通过$'
end

finish
