#!/bin/sh
# cli.sh — the calc command line end to end: exit statuses, exact stderr, and the key figures of
# stdout. Run from the repository root: BUILD=build sh tests/cli.sh. Set CALC_WRAP to run calc
# under a wrapper (CALC_WRAP="valgrind -q --error-exitcode=99"). Prints one line per check
# ("PASS name" / "FAIL name", details indented below a failure) and ends with "N passed, N failed".
# Fixtures: tests/data/cli/.
. tests/lib.sh
need_calc
D=tests/data/cli
EX=cases/profiles/example.yaml

# res POLICY: "status amount quantity" of one policy in the one-line JSON in $tmp/out.
res() {
    sed -n 's/.*{"policy": "'"$1"'", "status": "\([a-z_]*\)", "kind": "[a-z_]*", "amount": "\([-0-9.]*\)", "quantity": \([0-9a-z]*\),.*/\1 \2 \3/p' "$tmp/out"
}
totals() {
    sed -n 's/.*"totals": {"cash": "\([^"]*\)", "in_kind": "\([^"]*\)"}, "fingerprint": .*/\1 \2/p' "$tmp/out"
}

# ---------------------------------------------------------------------------------------- usage

# usage NAME MESSAGE ARGS…: calc ARGS… is a usage error: exit 2, nothing on stdout, and stderr is
# exactly "calc: MESSAGE" and "Try 'calc --help'.".
usage() {
    begin "usage: $1"
    msg=$2
    shift 2
    run "$@"
    want_rc 2
    want_out_empty
    printf "calc: %s\nTry 'calc --help'.\n" "$msg" >"$tmp/msg"
    want_err_is <"$tmp/msg"
    end
}

# Ensure calc with no command is a usage error with the one-line message and the hint.
usage "no command" "missing command"
# Ensure an unknown command is named.
usage "unknown command" "unknown command 'frob'" frob
# Ensure an unknown option is named and nothing is evaluated.
usage "unknown option" "unknown option '--bogus'" eval "$EX" --bogus
# Ensure --as-of rejects a date that does not exist (Feb 30).
usage "--as-of 2025-02-30" "--as-of: expected a date YYYY-MM-DD, got '2025-02-30'" \
    eval "$EX" --as-of 2025-02-30
# Ensure --as-of= rejects a date of seven digits (20250630, ISO 8601's basic form as
# `date +%Y%m%d` writes it, is a date).
usage "--as-of=2025063" "--as-of: expected a date YYYY-MM-DD, got '2025063'" \
    eval "$EX" --as-of=2025063
# Ensure --as-of at the end of the line without a value is a usage error.
usage "--as-of without a value" "option --as-of needs a value" eval "$EX" --as-of
# Ensure --format accepts only table and json.
usage "--format xml" "--format: expected table or json, got 'xml'" eval "$EX" --format xml
# Ensure eval without a profile is a usage error.
usage "eval with no profile" "eval needs a profile" eval --as-of 2025-06-30
# Ensure eval with two profiles is a usage error.
usage "eval with two profiles" "eval takes one profile" eval "$EX" "$EX"
# Ensure an unknown policies subcommand is a usage error listing the valid ones.
usage "policies frob" "unknown policies command 'frob' (list, show, check)" policies frob

# Ensure --help prints the usage and the exit statuses to stdout, exits 0 and writes no stderr.
begin "usage: --help"
run --help
want_rc 0
want_err_empty
want_eq "first line" "$(head -n 1 "$tmp/out")" "usage: calc <command> [options]"
want_line out "  2  usage or system error (bad flag, unreadable file, failed write)"
want_line out "  4  a policy failed to load or to evaluate"
want_match out '^  eval PROFILE\.yaml '
end

# Ensure --help after a command prints that command's usage and options (and wins over the
# other arguments).
begin "usage: eval --help"
run eval --format xml --help
want_rc 0
want_err_empty
want_eq "first line" "$(head -n 1 "$tmp/out")" "usage: calc eval PROFILE.yaml [options]"
want_match out '^  --format table\|json '
end

# Ensure version prints the Makefile's VERSION.
begin "usage: version"
run version
want_rc 0
want_err_empty
want_out_is <<EOF
calc $(sed -n 's/^VERSION = //p' Makefile)
EOF
end

# ----------------------------------------------------------------------------------------- eval

# Ensure the example profile gives the hand-computed totals: cash 175,000.00 first store + 360,000.00
# hq office (30% x 1,200,000) + 500,000.00 hq star (1,000,000 - 500,000) + 120,000.00 loan
# interest (50% x 240,000) + 800,000.05 rd (10% x 8,000,000.50) = 1,955,000.05; in kind 8 units
# x 30,000.00 = 240,000.00.
begin "eval: example json totals"
run eval "$EX" --as-of 2025-06-30 --format json
want_rc 0
want_err_empty
want_eq "lines of json" "$(wc -l <"$tmp/out" | tr -d ' ')" 1
want_eq "totals" "$(totals)" "1955000.05 240000.00"
want_match out '^\{"profile": "91330102MA2EXAMPLE", "as_of": "2025-06-30", "results": \['
want_eq "results" "$(grep -o '{"policy": ' "$tmp/out" | wc -l | tr -d ' ')" 25
end

# Ensure the granted cash policies of the example have their hand-computed amounts.
begin "eval: example json cash results"
want_eq "sc25-first-store" "$(res sc25-first-store)" "eligible 175000.00 null"
want_eq "sc25-hq-office" "$(res sc25-hq-office)" "eligible 360000.00 null"
want_eq "sc25-hq-star" "$(res sc25-hq-star)" "eligible 500000.00 null"
want_eq "sc25-loan-interest" "$(res sc25-loan-interest)" "eligible 120000.00 null"
want_eq "sc25-rd-subsidy" "$(res sc25-rd-subsidy)" "eligible 800000.05 null"
end

# Ensure in-kind, superseded, ineligible and not-in-force results of the example: free office
# 300 m2 x 1,095.00 = 328,500.00 loses to hq office 360,000.00 in group sc25-space.
begin "eval: example json other statuses"
want_eq "sc25-talent-apartment" "$(res sc25-talent-apartment)" "eligible 240000.00 8"
want_eq "sc25-free-office" "$(res sc25-free-office)" "superseded 0.00 0"
want_match out '"policy": "sc25-free-office", [^{]*"superseded_by": "sc25-hq-office", "amount_before": "328500\.00"'
want_eq "qj20-incubator" "$(res qj20-incubator)" "ineligible 0.00 0"
want_eq "qj20-industry-match" "$(res qj20-industry-match)" "ineligible 0.00 null"
want_eq "gs17-listing" "$(res gs17-listing)" "not_in_force 0.00 null"
want_eq "sc20-first-store" "$(res sc20-first-store)" "not_in_force 0.00 null"
end

# Ensure the table ends with the grouped totals line and shows the rd subsidy row.
begin "eval: example table totals line"
run eval "$EX" --as-of 2025-06-30
want_rc 0
want_err_empty
want_eq "totals line" "$(grep '^现金合计' "$tmp/out")" "现金合计 ¥1,955,000.05    实物价值合计 ¥240,000.00"
want_match out '^规则集指纹 sha256:[0-9a-f]{64}$'
want_match out '^企业画像指纹 sha256:[0-9a-f]{64}$'
want_eq "last line" "$(tail -n 1 "$tmp/out")" "测算日期 2025-06-30    calc 0.1.0"
# computed with an illustrative rate (*): the footnote says so; a superseded ¥0.00 has no mark
want_match out '^sc25-rd-subsidy +研发投入补助 +符合 +¥800,000\.05 \*$'
want_match out '^sc25-first-store +首店、旗舰店一次性补助 +符合 +¥175,000\.00 \*†$'
want_match out '^sc25-free-office +免费办公空间 +就高未选 +0 m² \(¥0\.00\)$'
want_line out "* 含示例参数，非政策原文数值"
want_line out "† 资金池申请额，实际金额以批量分配为准"
end

# Ensure --explain shows the source quote, the computation in words, the superseded note naming
# the other policy by title, each condition's sentence and the pool claim. Founded 2023-05-08,
# before 2025-06-30 less 2 years (2023-06-30): too old for the incubator.
begin "eval: --explain quote and steps"
run eval "$EX" --as-of 2025-06-30 --explain
want_rc 0
want_err_empty
want_line out "    依据：《上城区：奋力打造都市经济高质量发展标杆区》浙江日报2025-03-21：“研发投入最高补助3000万元”"
want_line out "    计算：研发投入 ¥8,000,000.50 × 10% = ¥800,000.05"
want_line out "          不超过上限 ¥30,000,000.00"
want_line out "    就高不重复：由「总部办公用房补贴」替代（本项原为 ¥328,500.00）"
want_line out "    ✗ 成立日期：2023-05-08；本政策要求：成立不满2年（测算日前2年当日或之后成立），即2023-06-30或之后"
want_line out "      ✓ 第1家门店 面积：160 m²；本政策要求：不少于100 m²"
want_line out "    资金池：上城区都市经济政策预算（¥126,000,000.00，按比例分配）；单户测算为申请额，实际金额以批量分配为准"
end

# Ensure --lang en gives English headings, statuses and totals.
begin "eval: --lang en"
run eval "$EX" --as-of 2025-06-30 --lang en
want_rc 0
want_err_empty
want_eq "first line" "$(head -n 1 "$tmp/out")" "profile 91330102MA2EXAMPLE    as of 2025-06-30"
want_match out '^sc25-talent-apartment +Talent apartments at half the market rent +eligible +8 units \(¥240,000\.00\) \*†$'
want_match out '^gs17-listing +Listing programme stage rewards +not in force +¥0\.00$'
want_match out '^sc25-free-office +Free office space +superseded +0 m² \(¥0\.00\)$'
want_eq "totals line" "$(grep '^total cash' "$tmp/out")" "total cash ¥1,955,000.05    in-kind value ¥240,000.00"
end

# ---------------------------------------------------------------------------------- bad profiles

# Ensure an unknown field is reported at its key with the source line, caret and did-you-mean.
begin "profile: unknown field"
run eval "$D/unknown-field.yaml" --as-of 2025-06-30
want_rc 3
want_out_empty
want_err_is <<EOF
$D/unknown-field.yaml:6:3: error: finance.rd_expens: unknown field
     6 |   rd_expens: 1000000
       |   ^
$D/unknown-field.yaml:6:3: note: did you mean 'rd_expense'?
EOF
end

# Ensure "1.5千" (a unit calc does not know) is not an amount, with the hint on how to write one.
begin "profile: bad money 1.5千"
run eval "$D/bad-money.yaml" --as-of 2025-06-30
want_rc 3
want_out_empty
want_err_is <<EOF
$D/bad-money.yaml:4:15: error: finance.rd_expense: expected an amount in yuan (not a number), got '1.5千'
     4 |   rd_expense: 1.5千
       |               ^
$D/bad-money.yaml:4:15: note: write 15000, 15000.50, 1.5万 or 1,200,000
EOF
end

# Ensure amounts as people write them (grouped thousands, 万, ¥ and 元) give exactly the result of
# the plain figure: the same JSON, fingerprint included (the canonical form holds the amount).
begin "profile: 8,000,000.50, 800.000050万 and ¥8,000,000.50元 are 8000000.50 exactly"
sed 's/^\(  *rd_expense:\).*/\1 8000000.50/' cases/profiles/example.yaml >"$tmp/plain.yaml"
run eval "$tmp/plain.yaml" --as-of 2025-06-30 --format json
want_rc 0
cp "$tmp/out" "$tmp/plain.json"
for v in '"8,000,000.50"' '800.000050万' '"¥8,000,000.50元"'; do
    sed "s/^\(  *rd_expense:\).*/\1 $v/" cases/profiles/example.yaml >"$tmp/written.yaml"
    run eval "$tmp/written.yaml" --as-of 2025-06-30 --format json
    want_rc 0
    cmp -s "$tmp/out" "$tmp/plain.json" || problem "rd_expense: $v: the result differs from 8000000.50's"
done
end

# Ensure a date at which no cash or in-kind policy is in force says so — in the table, the JSON
# (a warning naming the latest window's end) and calc policies — instead of a silent ¥0.
begin "a date with nothing in force: a warning in the table, the JSON and calc policies"
w='测算日期 2031-01-01 没有任何现金或实物政策在有效期内：最晚的有效期于 2030-12-31 结束（可按 --as-of 2030-12-31 测算当时可享受的政策）'
run eval cases/profiles/example.yaml --as-of 2031-01-01
want_rc 0
want_line out "注意：$w"
run eval cases/profiles/example.yaml --as-of 2031-01-01 --format json
want_eq "JSON warning" "$(jq -r '.warnings[0] | "\(.code) \(.latest_in_force) \(.zh)"' "$tmp/out")" "nothing_in_force 2030-12-31 $w"
run policies --as-of 2031-01-01
want_line out "注意：$w"
run eval cases/profiles/example.yaml --as-of 2025-06-30 --format json
want_eq "no warning while policies are in force" "$(jq -r 'has("warnings")' "$tmp/out")" "false"
end

# Ensure 2025-02-30 is not a date.
begin "profile: bad date 2025-02-30"
run eval "$D/bad-date.yaml" --as-of 2025-06-30
want_rc 3
want_out_empty
want_err_is <<EOF
$D/bad-date.yaml:3:10: error: founded: expected a date YYYY-MM-DD, got '2025-02-30'
     3 | founded: 2025-02-30
       |          ^
$D/bad-date.yaml:3:10: note: write a real date as YYYY-MM-DD, e.g. 2025-03-01
EOF
end

# Ensure a duplicate key is reported at the second one, with the first one's position.
begin "profile: duplicate key"
run eval "$D/duplicate-key.yaml" --as-of 2025-06-30
want_rc 3
want_out_empty
want_err_is <<EOF
$D/duplicate-key.yaml:4:1: error: duplicate key 'district'
     4 | district: 西湖区
       | ^
$D/duplicate-key.yaml:4:1: note: first given at line 3, column 1
EOF
end

# Ensure a profile without the required id is rejected.
begin "profile: missing required id"
run eval "$D/missing-id.yaml" --as-of 2025-06-30
want_rc 3
want_out_empty
want_err_is <<EOF
$D/missing-id.yaml:1:1: error: id: required field is missing
     1 | name: 测试企业
       | ^
$D/missing-id.yaml:1:1: note: add it to the profile
EOF
end

# Ensure a YAML syntax error gives libyaml's problem as the error and its context as the note.
begin "profile: YAML syntax error"
run_nosrc eval "$D/syntax-error.yaml" --as-of 2025-06-30
want_rc 3
want_out_empty
want_err_is <<EOF
$D/syntax-error.yaml:3:9: error: YAML syntax: did not find expected ',' or ']'
$D/syntax-error.yaml:3:9: note: while parsing a flow sequence (line 2, column 7)
EOF
end

# Ensure an empty file is invalid input with a pointer to calc init.
begin "profile: empty file"
run eval "$D/empty.yaml" --as-of 2025-06-30
want_rc 3
want_out_empty
want_err_is <<EOF
calc: error: $D/empty.yaml: the file is empty; expected a profile
calc: note: see 'calc init' for a template
EOF
end

# Ensure a directory given as the profile is a system error (2).
begin "profile: a directory"
run eval "$D" --as-of 2025-06-30
want_rc 2
want_out_empty
want_err_is <<EOF
calc: error: cannot read $D: is a directory
EOF
end

# Ensure a missing profile is a system error (2) with strerror's text.
begin "profile: missing file"
run eval "$D/no-such-profile.yaml" --as-of 2025-06-30
want_rc 2
want_out_empty
want_err_is <<EOF
calc: error: cannot open $D/no-such-profile.yaml: No such file or directory
EOF
end

# Ensure every error of a file is reported in one run, in order (CALC_NO_SOURCE drops the echo).
begin "profile: several errors, all reported"
run_nosrc eval "$D/several-errors.yaml" --as-of 2025-06-30
want_rc 3
want_out_empty
want_err_is <<EOF
$D/several-errors.yaml:3:1: error: distrct: unknown field
$D/several-errors.yaml:3:1: note: did you mean 'district'?
$D/several-errors.yaml:4:10: error: founded: expected a date YYYY-MM-DD, got '2025-02-30'
$D/several-errors.yaml:4:10: note: write a real date as YYYY-MM-DD, e.g. 2025-03-01
$D/several-errors.yaml:5:12: error: employees: expected a whole number >= 0, got '-3'
$D/several-errors.yaml:7:15: error: finance.rd_expense: expected an amount in yuan (not a number), got '1.5千'
$D/several-errors.yaml:7:15: note: write 15000, 15000.50, 1.5万 or 1,200,000
EOF
end

# Ensure an unknown industry's note lists every industry of the schema (policy book §2), not a
# list cut short by a fixed-size buffer.
begin "profile: unknown industry note lists all 27 industries"
run_nosrc eval "$D/bad-industry.yaml" --as-of 2025-06-30
want_rc 3
want_err_is <<EOF
$D/bad-industry.yaml:3:11: error: industry: unknown industry 'aerospace'
$D/bad-industry.yaml:3:11: note: one of: ai metaverse humanoid_robotics embodied_ai machine_vision digital_content digital_manufacturing it software iot ecommerce advertising mobile_internet auto_internet finance digital_services culture professional_services commerce tourism health industrial_design smart_manufacturing new_energy new_equipment new_materials other
EOF
end

# Ensure a file of two profiles is rejected, and its hint names a command that exists.
begin "profile: two documents, the hint's command exists"
run_nosrc eval "$D/two-documents.yaml" --as-of 2025-06-30
want_rc 3
want_line err "$D/two-documents.yaml:4:1: error: expected one profile, found 2 documents"
hint=$(sed -n "s/.*note: .*'calc \([a-z]*\).*/\1/p" "$tmp/err")
if [ -n "$hint" ]; then
    run "$hint"
    want_no_match err "^calc: unknown command '$hint'$"
fi
end

# -------------------------------------------------------------------------------- policy sets

# Ensure a Lua syntax error in one policy makes eval exit 4 and that policy's status "error",
# while the others still give their amounts.
begin "policy set: Lua syntax error isolated to its policy"
mkdir "$tmp/lua" && cp -R policies/. "$tmp/lua/" && cp "$D/lua-syntax-error.lua" "$tmp/lua/sc25-loan-interest.lua"
run eval "$EX" --as-of 2025-06-30 --format json --policies "$tmp/lua"
want_rc 4
want_err_is <<EOF
$tmp/lua/sc25-loan-interest.lua:4: error: unexpected symbol near '='
$tmp/lua/sc25-loan-interest.lua:4: note: policy 'sc25-loan-interest' evaluates to an error; the others still run
EOF
want_eq "sc25-loan-interest" "$(res sc25-loan-interest)" "error 0.00 null"
want_match out "\"policy\": \"sc25-loan-interest\", [^{]*\"error\": \"$tmp/lua/sc25-loan-interest.lua:4: unexpected symbol near '='\""
want_eq "sc25-rd-subsidy" "$(res sc25-rd-subsidy)" "eligible 800000.05 null"
want_eq "sc25-hq-star" "$(res sc25-hq-star)" "eligible 500000.00 null"
want_eq "totals" "$(totals)" "1835000.05 240000.00"
end

# Ensure set.yaml naming an unknown policy is invalid input at the member, with did-you-mean.
begin "policy set: set.yaml names an unknown policy"
mkdir "$tmp/unk" && cp -R policies/. "$tmp/unk/" && cp "$D/set-unknown-policy.yaml" "$tmp/unk/set.yaml"
run eval "$EX" --as-of 2025-06-30 --policies "$tmp/unk"
want_rc 3
want_out_empty
want_err_is <<EOF
$tmp/unk/set.yaml:7:9: error: sc25-space: unknown policy 'sc25-free-ofice'
     7 |       - sc25-free-ofice
       |         ^
$tmp/unk/set.yaml:7:9: note: did you mean 'sc25-free-office'?
EOF
end

# Ensure a policy in two exclusive groups is invalid input, reported at the second group.
begin "policy set: a policy in two pools"
mkdir "$tmp/two" && cp -R policies/. "$tmp/two/" && cp "$D/set-two-pools.yaml" "$tmp/two/set.yaml"
run_nosrc eval "$EX" --as-of 2025-06-30 --policies "$tmp/two"
want_rc 3
want_out_empty
want_err_is <<EOF
$tmp/two/set.yaml:9:3: error: sc25-commerce-2: policy 'sc25-first-store' is already in pool 'sc25-commerce'
EOF
end

# --------------------------------------------------------------------------------------- replay

# Ensure every case under cases/ passes.
begin "replay: cases/ passes"
run replay cases
want_rc 0
want_err_empty
want_match out '^[1-9][0-9]* passed, 0 failed$'
want_no_match out '^(FAIL|INVALID) '
end

# Ensure a wrong expected amount fails (1) with a diff line naming the policy and the field.
begin "replay: wrong expected amount"
run replay "$D/case-wrong-amount.yaml"
want_rc 1
want_err_empty
want_out_is <<EOF
FAIL rd subsidy with a wrong expected amount ($D/case-wrong-amount.yaml:2)
    sc25-rd-subsidy.amount: expected 500000.01, got 500000.00
0 passed, 1 failed
EOF
end

# Ensure a case expecting an unknown policy id is invalid input (3) with did-you-mean.
begin "replay: unknown policy id"
run replay "$D/case-unknown-policy.yaml"
want_rc 3
want_err_is <<EOF
$D/case-unknown-policy.yaml:7:5: error: unknown policy 'sc25-rd-subsidi'
     7 |     sc25-rd-subsidi:
       |     ^
$D/case-unknown-policy.yaml:7:5: note: did you mean 'sc25-rd-subsidy'?
EOF
want_out_is <<EOF
INVALID expects a policy that does not exist ($D/case-unknown-policy.yaml:1)
0 passed, 0 failed, 1 invalid
EOF
end

# Ensure a missing case file is a system error (2), as for eval, and counted as invalid.
begin "replay: missing case file"
run replay "$D/no-such-case.yaml"
want_rc 2
want_err_is <<EOF
calc: error: cannot open $D/no-such-case.yaml: No such file or directory
EOF
want_out_is <<'EOF'
0 passed, 0 failed, 1 invalid
EOF
end

# Ensure the worst status wins: a mismatch (1) next to an invalid file (3) gives 3.
begin "replay: mismatch and invalid together exit 3"
run replay "$D/case-wrong-amount.yaml" "$D/case-unknown-policy.yaml"
want_rc 3
want_eq "last line" "$(tail -n 1 "$tmp/out")" "0 passed, 1 failed, 1 invalid"
end

# ------------------------------------------------------------------------------------- policies

# Ensure the list has the 13 policies and marks the 10 in force on 2025-06-30.
begin "policies: list on 2025-06-30"
run policies --as-of 2025-06-30
want_rc 0
want_err_empty
want_eq "first line" "$(head -n 1 "$tmp/out")" "日期 2025-06-30"
want_eq "policies" "$(grep -cE '^(gs17|qj20|sc20|sc25)-[a-z-]+ ' "$tmp/out")" 13
want_eq "in force" "$(grep -cE '^[a-z0-9-]+ .* \* [0-9]{4}-' "$tmp/out")" 22
want_match out '^sc25-hq-office +总部办公用房补贴 +现金 +\* 2025-01-01–2025-12-31 +sc25-space / sc25-hq-cap / -$'
want_match out '^gs17-listing +上市计划分阶段奖励 +现金 +2017-01-01–2019-12-31 +- / - / -$'
end

# Ensure policies show gives the book's quote and marks each parameter seed or illustrative.
begin "policies: show sc25-rd-subsidy"
run policies show sc25-rd-subsidy
want_rc 0
want_err_empty
want_eq "first line" "$(head -n 1 "$tmp/out")" "sc25-rd-subsidy — 研发投入补助"
want_line out "  “研发投入最高补助3000万元”"
want_match out '^  cap +¥30,000,000\.00 +\[seed, yuan\]$'
want_match out '^  rate +10% +\[illustrative, percent\]$'
want_match out '^  min_rd +¥1,000,000\.00 +\[illustrative, yuan\]$'
end

# Ensure an unknown id is a usage error (2) pointing at the list.
begin "policies: show nope"
run policies show nope
want_rc 2
want_out_empty
want_err_is <<'EOF'
calc: error: no policy 'nope'
calc: note: run 'calc policies' for the list
EOF
end

# Ensure a misspelt id gets a did-you-mean.
begin "policies: show a misspelt id"
run policies show sc25-rd-subsidi
want_rc 2
want_out_empty
want_err_is <<'EOF'
calc: error: no policy 'sc25-rd-subsidi'
calc: note: did you mean 'sc25-rd-subsidy'?
EOF
end

# Ensure the shipped policy set passes the lint (its notes depend on today's date).
begin "policies: check policies/"
run policies check policies
want_rc 0
want_out_is <<'EOF'
policies: ok
EOF
want_no_match err ' (error|warning): '
end

# Ensure the lint fails (1) on a parameter marked neither seed nor illustrative, naming it.
begin "policies: check finds an unmarked parameter"
mkdir "$tmp/unm" && cp -R policies/. "$tmp/unm/"
sed 's/^\(    rate = \)illustrative(percent "10"),$/\1percent "10",/' policies/sc25-rd-subsidy.lua >"$tmp/unm/sc25-rd-subsidy.lua"
ln=$(grep -n '^    rate = percent "10",$' "$tmp/unm/sc25-rd-subsidy.lua" | cut -d: -f1)
[ -n "$ln" ] || problem "fixture: could not unmark rate in sc25-rd-subsidy.lua"
run policies check "$tmp/unm"
want_rc 1
want_out_is <<EOF
$tmp/unm: problems found
EOF
want_line err "$tmp/unm/sc25-rd-subsidy.lua:$ln: error: rate: parameter is not marked seed or illustrative"
want_line err "$tmp/unm/sc25-rd-subsidy.lua:$ln: note: wrap it: seed(…) if a source states it, illustrative(…) otherwise"
want_eq "errors" "$(grep -c ': error: ' "$tmp/err")" 1
end

# Ensure the lint fails (1) on a condition worded in Chinese only (its English sentence would fall
# back to the engine's words), naming the condition and the way to fix it.
begin "policies: check finds a condition worded in Chinese only"
mkdir "$tmp/zh" && cp -R policies/. "$tmp/zh/"
sed 's/{ zh = "在上城区属地纳税", en = "taxes paid in Shangcheng" }/{ zh = "在上城区属地纳税" }/' policies/sc25-rd-subsidy.lua >"$tmp/zh/sc25-rd-subsidy.lua"
grep -q '{ zh = "在上城区属地纳税" }' "$tmp/zh/sc25-rd-subsidy.lua" || problem "fixture: could not drop the en wording"
run policies check "$tmp/zh"
want_rc 1
want_line err "$tmp/zh/sc25-rd-subsidy.lua: error: equals(tax_district): condition is worded in Chinese only"
want_line err "$tmp/zh/sc25-rd-subsidy.lua: note: give both: { zh = \"…\", en = \"…\" }"
want_eq "errors" "$(grep -c ': error: ' "$tmp/err")" 1
end

# Ensure the lint fails (1) when two versions of one family overlap in time.
begin "policies: check finds overlapping versions"
mkdir "$tmp/ovl" && cp -R policies/. "$tmp/ovl/"
sed 's/in_force = { "2020-01-01", "2021-12-31" }/in_force = { "2020-01-01", "2025-01-01" }/' policies/sc20-first-store.lua >"$tmp/ovl/sc20-first-store.lua"
grep -q '"2020-01-01", "2025-01-01"' "$tmp/ovl/sc20-first-store.lua" || problem "fixture: could not extend sc20-first-store"
run policies check "$tmp/ovl"
want_rc 1
want_out_is <<EOF
$tmp/ovl: problems found
EOF
want_line err "$tmp/ovl/sc25-first-store.lua: error: 'sc20-first-store' (2020-01-01–2025-01-01) and 'sc25-first-store' (2025-01-01–2025-12-31) of family 'first-store' overlap"
want_eq "errors" "$(grep -c ': error: ' "$tmp/err")" 1
end

# Ensure the overlap's note carries the same file position as its error line (not "calc:").
begin "policies: overlap note is positioned like its error"
want_line err "$tmp/ovl/sc25-first-store.lua: note: versions of one programme must not overlap"
end

# -------------------------------------------------------------------------------- schema / init

# Ensure schema lists the profile fields with type and meaning, in both languages.
begin "schema: lists finance.rd_expense"
run schema
want_rc 0
want_err_empty
want_match out '^finance\.rd_expense +研发投入 +金额\(元\) +研发投入（元）$'
want_match out '^id +企业标识 +文本 +唯一标识，如18位统一社会信用代码（必填）$'
run schema --lang en
want_rc 0
want_match out '^finance\.rd_expense +R&D expense +money +R&D expense \(yuan\)$'
want_match out '^tag: tech_enterprise\(technology enterprise\) high_tech\(high-tech enterprise\) talent_startup\(talent start-up project\) toutyan\(Qiantang leading-goose enterprise\) hq\(headquarters enterprise\)$'
end

# Ensure init -o writes the template to the file (not stdout), and that evaluating it as it is
# fails at its empty required fields (id: "" is not an id), with their positions; filled in, it
# evaluates cleanly.
begin "init: -o writes a template; its empty required fields are errors"
run init -o "$tmp/new.yaml"
want_rc 0
want_out_empty
want_err_empty
if [ -f "$tmp/new.yaml" ]; then
    want_eq "first line" "$(head -n 1 "$tmp/new.yaml")" "# 企业画像模板（calc init）。填写已知字段，未知的留空即可：calc 会告诉你还缺什么。"
    grep -Fxq 'id: ""' "$tmp/new.yaml" || problem "template has no line: id: \"\""
    grep -Fxq '  rd_expense:' "$tmp/new.yaml" || problem "template has no line:   rd_expense:"
    cp "$tmp/new.yaml" "$tmp/new.copy"
    idl=$(grep -n '^id: ""$' "$tmp/new.yaml" | cut -d: -f1)
    nml=$(grep -n '^name: ""$' "$tmp/new.yaml" | cut -d: -f1)
    run_nosrc eval "$tmp/new.yaml" --as-of 2025-06-30 --format json
    want_rc 3
    want_out_empty
    want_err_is <<EOF
$tmp/new.yaml:$idl:5: error: id: required field is empty
$tmp/new.yaml:$idl:5: note: fill it in: this field is required
$tmp/new.yaml:$nml:7: error: name: required field is empty
$tmp/new.yaml:$nml:7: note: fill it in: this field is required
EOF
    sed 's/^id: ""$/id: "91330102MA2TEMPLATE"/; s/^name: ""$/name: 模板企业/' "$tmp/new.yaml" >"$tmp/filled.yaml"
    run eval "$tmp/filled.yaml" --as-of 2025-06-30 --format json
    want_rc 0
    want_err_empty
    want_eq "template totals" "$(totals)" "0.00 0.00"
else
    problem "$tmp/new.yaml was not written"
fi
end

# Ensure a required field that is empty or blank is an error with its position in YAML, JSON
# Lines (the fast reader too) and CSV, never a profile with an empty id.
begin "required fields: empty or blank is an error"
printf 'id: "  "\nname: 企业\n' >"$tmp/blank.yaml"
run_nosrc eval "$tmp/blank.yaml" --as-of 2025-06-30
want_rc 3
want_out_empty
want_line err "$tmp/blank.yaml:1:5: error: id: required field is empty"
printf '{"id": "", "name": "甲"}\n{"id": "B", "name": "乙"}\n' >"$tmp/empty.jsonl"
run_nosrc batch "$tmp/empty.jsonl" --as-of 2025-06-30 -q
want_rc 3
want_line err "$tmp/empty.jsonl:1:8: error: id: required field is empty"
want_eq "records" "$(grep -c '"profile": "B"' "$tmp/out")" 1
want_eq "error record" "$(grep -c '^{"record": 1, "line": 1, ' "$tmp/out")" 1
end

# Ensure init -o refuses to overwrite an existing file (2) and leaves it as it was.
begin "init: -o refuses to overwrite"
run init -o "$tmp/new.yaml"
want_rc 2
want_out_empty
want_err_is <<EOF
calc: error: cannot create $tmp/new.yaml (it may exist already)
EOF
cmp -s "$tmp/new.yaml" "$tmp/new.copy" || problem "$tmp/new.yaml was changed"
end

# Ensure the template offers every industry of the schema (policy book §2) with its Chinese
# label, wrapped at 100 columns, the last being other; the tags and store kinds likewise.
begin "init: template lists industries, tags and store kinds with their labels"
sed -n '/^# 所属行业/,/^industry:$/p' "$tmp/new.yaml" >"$tmp/ind"
want_eq "industries" "$(grep -o '[a-z_]*（[^）]*）' "$tmp/ind" | wc -l | tr -d ' ')" 27
want_line_file "$tmp/ind" "# 可选：ai（人工智能） metaverse（元宇宙） humanoid_robotics（人形机器人） embodied_ai（具身智能）"
want_eq "last" "$(grep -o '[a-z_]*（[^）]*）' "$tmp/ind" | tail -n 1)" "other（其他）"
want_line_file "$tmp/new.yaml" "# 企业资质标签；列表，如 [tech_enterprise, high_tech]"
want_line_file "$tmp/new.yaml" "# 可选：tech_enterprise（科技型企业） high_tech（高新技术企业） talent_startup（人才创业项目）"
want_line_file "$tmp/new.yaml" "#      # 可选：global_first（全球首店） asia_first（亚洲首店） china_first（中国首店）"
want_line_file "$tmp/new.yaml" "#      #       zhejiang_first（浙江首店） hangzhou_first（杭州首店） flagship（旗舰店）"
want_line_file "$tmp/new.yaml" "    # 可选：rent（租赁） purchase（购置） none（无）"
# a district is its own label: listed once
want_line_file "$tmp/new.yaml" "# 可选：上城区 拱墅区 西湖区 滨江区 萧山区 余杭区 临平区 钱塘区 富阳区 临安区 桐庐县 淳安县 建德市"
python3 -c '
import sys, unicodedata
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    w = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line.rstrip("\n"))
    if w > 100 and "可选" in line: print(n, w)' "$tmp/new.yaml" >"$tmp/wide"
want_empty wide
end

# Ensure the limits are flags: a nesting limit below the profile's depth rejects it (exit 3)
# naming the flag; a limit out of range is a usage error.
begin "limits: --max-depth and --max-instructions"
printf 'id: d\nname: d\ntags: [[[[[[[[[[x]]]]]]]]]]\n' >"$tmp/deep.yaml"
run_nosrc eval "$tmp/deep.yaml" --as-of 2025-06-30 --max-depth 8
want_rc 3
want_match err "deep.yaml:3:14: error: nesting deeper than 8 levels \\(--max-depth\\)"
run eval "$EX" --as-of 2025-06-30 --max-depth 7
want_rc 2
run eval "$EX" --as-of 2025-06-30 --max-instructions 10
want_rc 2
run eval "$EX" --as-of 2025-06-30 --format json --max-instructions 1000 --max-memory 8
want_rc 0
want_match out '"cash": "1955000.05"'
end

finish
