#!/bin/sh
# Auditor-grade replay: record → replay round trips for every case file, fingerprints (stable
# under reformatting, changed by any value, the set's reproducible with sha256sum), attributed
# diffs after a rule change, every rule change named on PASS and FAIL and formatting told from
# meaning (--strict fails on meaning only), --as-recorded, determinism, and the decision report
# rendered in headless Chromium. Run from the repository root: BUILD=build sh tests/audit.sh.
# Prints one line per check and ends with "N passed, N failed".
set -u
. tests/lib.sh
need_calc
need jq
EX=cases/profiles/example.yaml

# Ensure every case of cases/ recorded again under the current rules replays PASS.
round_trip() {
    for f in cases/*.yaml; do
        ${CALC_WRAP:-} "$CALC" record --cases "$f" -o "$tmp/rec-$(basename "$f")" || return 1
    done
    ${CALC_WRAP:-} "$CALC" replay "$tmp"/rec-*.yaml >"$tmp/rt.out" || { tail -n 20 "$tmp/rt.out"; return 1; }
    n=$(ls cases/*.yaml | wc -l)
    [ "$(ls "$tmp"/rec-*.yaml | wc -l)" -eq "$n" ] || return 1
    tail -n 1 "$tmp/rt.out" | grep -Eq '^[1-9][0-9]* passed, 0 failed$' || return 1
    [ "$(tail -n 1 "$tmp/rt.out")" = "$("$CALC" replay cases | tail -n 1)" ]
}
check "record → replay round trip for every case in cases/" round_trip

# Ensure a case that is right in every policy and wrong only in its totals fails (exit 1) and
# names the totals: cash one fen off in one case, in kind in the other, and nothing else in the
# diff; with the totals put right, both cases pass (so the totals alone made them fail).
totals_only() {
    T=tests/data/audit/totals-only.yaml
    "$CALC" replay "$T" >"$tmp/tot.out" 2>&1
    rc=$?
    cat "$tmp/tot.out"
    [ $rc -eq 1 ] || { echo "exit status $rc, expected 1"; return 1; }
    l1=$(grep -n '^- name: totals only — cash' "$T" | cut -d: -f1)
    l2=$(grep -n '^- name: totals only — in kind' "$T" | cut -d: -f1)
    cat >"$tmp/tot.want" <<W
FAIL totals only — cash one fen too high ($T:$l1)
    totals.cash: expected 1955000.06, got 1955000.05
FAIL totals only — in kind one fen too low ($T:$l2)
    totals.in_kind: expected 239999.99, got 240000.00
0 passed, 2 failed
W
    diff "$tmp/tot.want" "$tmp/tot.out" || return 1
    sed "s/\"1955000.06\"/\"1955000.05\"/; s/\"239999.99\"/\"240000.00\"/
         s|\.\./\.\./\.\./cases/profiles/|$PWD/cases/profiles/|" "$T" >"$tmp/right.yaml"
    "$CALC" replay "$tmp/right.yaml" >"$tmp/tot2.out" 2>&1
    rc=$?
    cat "$tmp/tot2.out"
    [ $rc -eq 0 ] && [ "$(tail -n 1 "$tmp/tot2.out")" = "2 passed, 0 failed" ]
}
check "replay fails on a case wrong only in its totals, and names them" totals_only

# Ensure replay checks `any` with an unknown member (tests/data/audit/any-unknown.yaml, against
# the logic fixtures: the default set's only `any` reads a field with a default): any(true,
# unknown) is eligible with nothing missing, any(false, unknown) needs the unknown field, in
# either member order, and all() beside them.
any_unknown() {
    "$CALC" replay tests/data/audit/any-unknown.yaml --policies tests/data/logic >"$tmp/any.out" 2>&1
    rc=$?
    cat "$tmp/any.out"
    [ $rc -eq 0 ] && [ "$(tail -n 1 "$tmp/any.out")" = "4 passed, 0 failed" ]
}
check "replay: any(true, unknown) = true and any(false, unknown) = unknown" any_unknown

# Ensure the set's fingerprint is the documented sha256sum pipeline's.
set_fp() {
    want=$( (cd policies && find . -type f \( -name '*.lua' -o -name '*.yaml' \) | LC_ALL=C sort |
        xargs sha256sum) | sha256sum | cut -d' ' -f1)
    got=$("$CALC" fingerprint | sed -n 's/^policy set  sha256:\([0-9a-f]*\) .*/\1/p')
    echo "want $want got $got"
    [ -n "$want" ] && [ "$want" = "$got" ]
}
check "policy-set fingerprint = (find | sort | xargs sha256sum) | sha256sum" set_fp

# Ensure a policy's fingerprint is sha256sum of its file.
policy_fp() {
    want=$(sha256sum policies/sc25-rd-subsidy.lua | cut -d' ' -f1)
    "$CALC" fingerprint | grep -qx "policy      sha256:$want  sc25-rd-subsidy"
}
check "policy fingerprint = sha256sum of its file" policy_fp

# Ensure reformatting a profile (key order, quoting, comments, flow style) keeps its fingerprint,
# and changing any value changes it.
profile_fp() {
    cat >"$tmp/a.yaml" <<'Y'
id: FP-1
name: 指纹测试
district: 上城区
finance:
  year: 2024
  rd_expense: 1000000
tags: [tech_enterprise]
Y
    cat >"$tmp/b.yaml" <<'Y'
# the same enterprise, written differently
tags:
  - "tech_enterprise"
finance: {rd_expense: "1000000.00", year: 2024}   # flow style, quoted money
name: "指纹测试"
district: '上城区'
id: "FP-1"
rd: {major_project: false}                         # a default, stated
Y
    sed 's/rd_expense: 1000000/rd_expense: 1000000.01/' "$tmp/a.yaml" >"$tmp/c.yaml"
    sed 's/year: 2024/year: 2023/' "$tmp/a.yaml" >"$tmp/d.yaml"
    fa=$("$CALC" fingerprint "$tmp/a.yaml" | sed -n 's/^profile     sha256:\([0-9a-f]*\) .*/\1/p')
    fb=$("$CALC" fingerprint "$tmp/b.yaml" | sed -n 's/^profile     sha256:\([0-9a-f]*\) .*/\1/p')
    fc=$("$CALC" fingerprint "$tmp/c.yaml" | sed -n 's/^profile     sha256:\([0-9a-f]*\) .*/\1/p')
    fd=$("$CALC" fingerprint "$tmp/d.yaml" | sed -n 's/^profile     sha256:\([0-9a-f]*\) .*/\1/p')
    echo "a $fa b $fb c $fc d $fd"
    [ -n "$fa" ] && [ "$fa" = "$fb" ] && [ "$fa" != "$fc" ] && [ "$fa" != "$fd" ] && [ "$fc" != "$fd" ] &&
        [ "$fa" = "$("$CALC" fingerprint --canonical "$tmp/a.yaml" | tr -d '\n' | sha256sum | cut -d' ' -f1)" ]
}
check "profile fingerprint: stable under reformatting, changed by any value" profile_fp

# Ensure a replay after a parameter change in a copy of the set names the changed file and
# attributes the changed amount to the parameters and the condition that changed.
attributed() {
    "$CALC" record "$EX" --as-of 2025-06-30 -o "$tmp/rec.yaml" || return 1
    cp -R policies "$tmp/p2"
    sed -i 's/rate = illustrative(percent "10")/rate = illustrative(percent "15")/;
            s/min_rd = illustrative(yuan "1000000")/min_rd = illustrative(yuan "2000000")/' \
        "$tmp/p2/sc25-rd-subsidy.lua"
    "$CALC" replay "$tmp/rec.yaml" --policies "$tmp/p2" >"$tmp/out"
    rc=$?
    cat "$tmp/out"
    [ $rc -eq 1 ] || return 1
    cat >"$tmp/want" <<W
    sc25-rd-subsidy.amount: expected 800000.05, got 1200000.08
      parameter min_rd: ¥1,000,000.00 → ¥2,000,000.00
      parameter rate: 10% → 15%
      condition at_least(finance.rd_expense): >= 1000000.00 → >= 2000000.00
    totals.cash: expected 1955000.05, got 2355000.08
W
    cat >"$tmp/want-note" <<W
      sc25-rd-subsidy.min_rd: ¥1,000,000.00 → ¥2,000,000.00
      sc25-rd-subsidy.rate: 10% → 15%
      sc25-rd-subsidy condition at_least(finance.rd_expense): >= 1000000.00 → >= 2000000.00
W
    grep -q '^    the policy set changed since recording (sha256:.* → sha256:.*): ./sc25-rd-subsidy.lua$' "$tmp/out" &&
        sed -n '3,5p' "$tmp/out" | diff "$tmp/want-note" - &&
        sed -n '6,10p' "$tmp/out" | diff "$tmp/want" -
}
check "replay after a parameter change: attributed diff (old → new)" attributed

# Ensure --strict fails on a change of meaning even when amounts agree (a parameter of a policy
# not in force on the case's date), naming it, and passes a comment, saying so.
strict() {
    cp -R policies "$tmp/p3"
    echo "-- a comment" >>"$tmp/p3/sc25-loan-interest.lua"
    "$CALC" replay "$tmp/rec.yaml" --policies "$tmp/p3" >"$tmp/out" || return 1
    grep -q '^PASS ' "$tmp/out" && grep -q 'changed since recording.*sc25-loan-interest.lua' "$tmp/out" || return 1
    "$CALC" replay "$tmp/rec.yaml" --policies "$tmp/p3" --strict >"$tmp/out2" || return 1
    grep -q '^PASS ' "$tmp/out2" && grep -qx '      ./sc25-loan-interest.lua: formatting or comments only' "$tmp/out2" &&
        grep -qx -- '    --strict: passed: formatting or comments only, the rules mean what they meant when recorded' "$tmp/out2" || return 1
    cp -R policies "$tmp/p3b"
    sed -i 's/flagship = "100000",/flagship = "120000",/' "$tmp/p3b/sc20-first-store.lua"
    "$CALC" replay "$tmp/rec.yaml" --policies "$tmp/p3b" --strict >"$tmp/out3"
    [ $? -eq 1 ] && cat "$tmp/out3" &&
        grep -qx -- '    --strict: the meaning of the rules changed since recording: sc20-first-store.tiers.flagship' "$tmp/out3" || return 1
    # a change of code beside the parameters, conditions and window (gs17-listing is not in
    # force on the case's date: the amounts agree)
    cp -R policies "$tmp/p3c"
    sed -i 's/if total == 0 then/if total == 1 then/' "$tmp/p3c/gs17-listing.lua"
    "$CALC" replay "$tmp/rec.yaml" --policies "$tmp/p3c" >"$tmp/out4" || return 1
    "$CALC" replay "$tmp/rec.yaml" --policies "$tmp/p3c" --strict >"$tmp/out5"
    [ $? -eq 1 ] && cat "$tmp/out4" "$tmp/out5" &&
        grep -qx '      ./gs17-listing.lua: its code changed beyond its parameters, conditions and window (the amount rule or its texts)' "$tmp/out4" &&
        grep -qx -- '    --strict: the meaning of the rules changed since recording: ./gs17-listing.lua' "$tmp/out5"
}
check "--strict fails on a change of meaning even when amounts agree, passes a comment" strict

# Ensure formatting that moves lines, reindents or renames a local variable of a policy, and a
# comment or reflow of set.yaml and schema.yaml, are formatting only, in English and Chinese,
# under --strict; and that the same comment against a case recorded before the meaning
# digests (no fingerprint.meaning) cannot be told from meaning: --strict fails, saying why.
format_only() {
    cp -R policies "$tmp/f"
    sed -i '1i -- a comment that moves every line down\n' "$tmp/f/sc25-loan-interest.lua"
    sed -i 's/^    /\t/' "$tmp/f/sc25-rd-subsidy.lua"
    # the local total of the amount function renamed (its text "total of …" kept)
    sed -i '/^    local total = 0$/,/^    return total$/{s/^    local total = 0$/    local sum = 0/
        s/total = add(total,/sum = add(sum,/; s/if total == 0/if sum == 0/; s/}, total)$/}, sum)/
        s/^    return total$/    return sum/}' "$tmp/f/gs17-listing.lua"
    grep -q 'local sum = 0' "$tmp/f/gs17-listing.lua" &&
        ! grep -w 'total' "$tmp/f/gs17-listing.lua" | grep -qv 'total of' || return 1
    printf '# a closing comment\n' >>"$tmp/f/set.yaml"
    sed -i 's/^    members: \[sc25-free-office, sc25-hq-office\]$/    members:\n      - sc25-free-office\n      - "sc25-hq-office"   # quoted, block style/' "$tmp/f/set.yaml"
    sed -i '1i # a new first line' "$tmp/f/schema.yaml"
    "$CALC" replay "$tmp/rec.yaml" --policies "$tmp/f" --strict >"$tmp/fo" || { cat "$tmp/fo"; return 1; }
    cat "$tmp/fo"
    cat >"$tmp/fo.want" <<W
      ./gs17-listing.lua: formatting or comments only
      ./sc25-loan-interest.lua: formatting or comments only
      ./sc25-rd-subsidy.lua: formatting or comments only
      ./schema.yaml: formatting or comments only
      ./set.yaml: formatting or comments only
    --strict: passed: formatting or comments only, the rules mean what they meant when recorded
1 passed, 0 failed
W
    sed -n '3,$p' "$tmp/fo" | diff "$tmp/fo.want" - || return 1
    "$CALC" replay "$tmp/rec.yaml" --policies "$tmp/f" --strict --lang zh >"$tmp/fz" || return 1
    cat "$tmp/fz"
    grep -qx '      ./set.yaml：仅格式或注释改动' "$tmp/fz" &&
        grep -qx '    --strict：通过：仅格式或注释改动，规则含义与记录时相同' "$tmp/fz" &&
        grep -q '^    自记录以来政策集已改动（sha256:' "$tmp/fz" || return 1
    sed '/^    meaning:$/,/^  recorded:$/{/^  recorded:$/!d}' "$tmp/rec.yaml" >"$tmp/old.yaml"
    ! grep -q 'meaning' "$tmp/old.yaml" || return 1
    "$CALC" replay "$tmp/old.yaml" --policies "$tmp/f" --strict >"$tmp/fo2"
    [ $? -eq 1 ] && cat "$tmp/fo2" &&
        grep -qx '      ./set.yaml: changed (the case records no meaning digest, so formatting cannot be told from meaning)' "$tmp/fo2"
}
check "formatting, comments, a renamed local; set.yaml and schema.yaml reflowed: formatting only" format_only

# Ensure every change is named on PASS, old → new: a parameter of a policy that is not in force
# on the case's date (the amount is unaffected), a condition and a window of one that is, a
# pool's size and mode, a group's members and a cap's limit; in Chinese too; and a new policy.
named() {
    cp -R policies "$tmp/n"
    sed -i 's/flagship = "100000",/flagship = "120000",/' "$tmp/n/sc20-first-store.lua"
    sed -i 's/in_force = { "2025-01-01", "2025-12-31" }/in_force = { "2025-01-01", "2026-06-30" }/
            s/greater_than("finance.loan_interest_paid", 0)/greater_than("finance.loan_interest_paid", 100)/' \
        "$tmp/n/sc25-loan-interest.lua"
    sed -i 's/size: 19000/size: 20000/; s/^    mode: first_come$/    mode: pro_rata/
            s/members: \[sc25-free-office, sc25-hq-office\]/members: [sc25-hq-office, sc25-free-office]/
            s/limit: finance.local_contribution/limit: finance.revenue/' "$tmp/n/set.yaml"
    grep -q 'revenue:' "$tmp/n/schema.yaml" || return 1
    sed 's/id = "sc25-loan-interest"/id = "sc25-loan-interest2"/
         s/in_force = { "2025-01-01", "2025-12-31" }/in_force = { "2030-01-01", "2030-12-31" }/' \
        policies/sc25-loan-interest.lua >"$tmp/n/sc25-loan-interest2.lua"
    "$CALC" replay "$tmp/rec.yaml" --policies "$tmp/n" >"$tmp/nm" || { cat "$tmp/nm"; return 1; }
    cat "$tmp/nm"
    cat >"$tmp/nm.want" <<W
      sc20-first-store.tiers.flagship: ¥100,000.00 → ¥120,000.00
      sc25-loan-interest condition greater_than(finance.loan_interest_paid): > 0.00 → > 100.00
      sc25-loan-interest in force: 2025-01-01 – 2025-12-31 → 2025-01-01 – 2026-06-30
      sc25-loan-interest2: a new policy
      group sc25-space members: [sc25-free-office, sc25-hq-office] → [sc25-hq-office, sc25-free-office]
      cap sc25-hq-cap limit: finance.local_contribution → finance.revenue
      pool sc25-apartments mode: first_come → pro_rata
      pool sc25-office-space mode: first_come → pro_rata
      pool qj20-incubator-space size: 19000 m² → 20000 m²
      pool qj20-incubator-space mode: first_come → pro_rata
1 passed, 0 failed
W
    grep -q '^PASS ' "$tmp/nm" && sed -n '3,$p' "$tmp/nm" | diff "$tmp/nm.want" - || return 1
    LANGUAGE=zh "$CALC" replay "$tmp/rec.yaml" --policies "$tmp/n" --strict >"$tmp/nz"
    [ $? -eq 1 ] && cat "$tmp/nz" &&
        grep -qx '      资金池 qj20-incubator-space 规模：19000 m² → 20000 m²' "$tmp/nz" &&
        grep -qx '      sc25-loan-interest 有效期：2025-01-01 至 2025-12-31 → 2025-01-01 至 2026-06-30' "$tmp/nz" &&
        grep -q '^    --strict：自记录以来规则的含义已改动：sc20-first-store.tiers.flagship, ' "$tmp/nz"
}
check "every rule change named on PASS (old → new): parameter, condition, window, group, cap, pool" named

# Ensure a parameter change that changes the amount is named on FAIL, in the note and under
# the result it changed, and a pool's size change with it.
named_fail() {
    cp -R policies "$tmp/nf"
    sed -i 's/cap = illustrative(yuan "1000000")/cap = illustrative(yuan "100000")/' "$tmp/nf/sc25-loan-interest.lua"
    sed -i 's/size: 126000000/size: 100000000/' "$tmp/nf/set.yaml"
    "$CALC" replay "$tmp/rec.yaml" --policies "$tmp/nf" >"$tmp/nf.out"
    [ $? -eq 1 ] || { cat "$tmp/nf.out"; return 1; }
    cat "$tmp/nf.out"
    cat >"$tmp/nf.want" <<W
      sc25-loan-interest.cap: ¥1,000,000.00 → ¥100,000.00
      pool sc25-commerce size: ¥126,000,000.00 → ¥100,000,000.00
    sc25-loan-interest.amount: expected 120000.00, got 100000.00
      parameter cap: ¥1,000,000.00 → ¥100,000.00
W
    grep -q '^FAIL ' "$tmp/nf.out" && sed -n '3,6p' "$tmp/nf.out" | diff "$tmp/nf.want" -
}
check "a parameter change that changes the amount is named on FAIL (old → new)" named_fail

# Ensure a policy removed since recording is named even though the case, which expects its
# result, is invalid now.
removed() {
    cp -R policies "$tmp/rm"
    rm "$tmp/rm/qj20-industry-match.lua"
    "$CALC" replay "$tmp/rec.yaml" --policies "$tmp/rm" >"$tmp/rm.out" 2>"$tmp/rm.err"
    rc=$?
    cat "$tmp/rm.out" "$tmp/rm.err"
    [ $rc -eq 3 ] && grep -q "unknown policy 'qj20-industry-match'" "$tmp/rm.err" &&
        grep -q '^INVALID ' "$tmp/rm.out" &&
        grep -qx '      ./qj20-industry-match.lua: the file was removed' "$tmp/rm.out"
}
check "a policy removed since recording is named" removed

# Ensure --as-recorded replays with the rules stored in the case after policies/ changed.
as_recorded() {
    "$CALC" record "$EX" --as-of 2025-06-30 --embed-policies -o "$tmp/emb.yaml" || return 1
    "$CALC" replay "$tmp/emb.yaml" --policies "$tmp/p2" >/dev/null
    [ $? -eq 1 ] || return 1
    "$CALC" replay "$tmp/emb.yaml" --policies "$tmp/p2" --as-recorded >"$tmp/out" &&
        grep -q '^1 passed, 0 failed$' "$tmp/out" &&
        "$CALC" replay "$tmp/rec.yaml" --as-recorded >"$tmp/out2" 2>&1
    [ $? -eq 3 ] && grep -q 'holds no policy set' "$tmp/out2"
}
check "--as-recorded uses the rules embedded by --embed-policies" as_recorded

# Ensure evaluation is deterministic: the same case twice, and the JSON of eval twice.
determinism() {
    "$CALC" replay cases >"$tmp/r1" && "$CALC" replay cases >"$tmp/r2" && cmp "$tmp/r1" "$tmp/r2" &&
        "$CALC" eval "$EX" --as-of 2025-06-30 --format json --explain >"$tmp/e1" &&
        TZ=Asia/Shanghai LANG=C "$CALC" eval "$EX" --as-of 2025-06-30 --format json --explain >"$tmp/e2" &&
        cmp "$tmp/e1" "$tmp/e2"
}
check "the same case replays identically; eval ignores the environment" determinism

# Ensure the JSON trace of --explain has parameters with marks, the source, and the amount at
# each stage.
trace() {
    "$CALC" eval "$EX" --as-of 2025-06-30 --format json --explain >"$tmp/j" || return 1
    [ "$(jq -r '.results[] | select(.policy == "sc25-rd-subsidy") | .params[] | select(.name == "cap") | "\(.value) \(.mark)"' "$tmp/j")" = "¥30,000,000.00 seed" ] &&
        [ "$(jq -r '.results[] | select(.policy == "sc25-free-office") | "\(.trace.computed) \(.trace.after_group)"' "$tmp/j")" = "328500.00 0.00" ] &&
        [ "$(jq -r '.results[] | select(.policy == "sc25-rd-subsidy") | .source.quote' "$tmp/j")" = "研发投入最高补助3000万元" ] &&
        [ "$(jq -r '.results[] | select(.policy == "sc25-rd-subsidy") | .steps[0]' "$tmp/j")" = "10% × 8,000,000.50 = 800,000.05" ]
}
check "--explain JSON: parameters with marks, sources, amount at each stage" trace

# Ensure the estimate report renders in headless Chromium with the results, totals and
# fingerprints as text, titled an estimate (测算), never a decision (决定), and that markup in a
# company name is shown as text.
report() {
    command -v chromium >/dev/null || { echo "chromium is not installed (make deps)"; return 1; }
    sed 's/^name: .*/name: "<script>alert(1)<\/script>示例"/' "$EX" >"$tmp/xss.yaml"
    "$CALC" record "$tmp/xss.yaml" --as-of 2025-06-30 -o "$tmp/xss-case.yaml" || return 1
    "$CALC" report "$tmp/xss-case.yaml" -o "$tmp/report.html" || return 1
    ud=$(mktemp -d)
    flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
           --disable-background-networking --disable-component-update --disable-sync
           --user-data-dir=$ud"
    timeout 60 chromium $flags --dump-dom "file://$tmp/report.html" >"$tmp/dom" 2>/dev/null
    mkdir -p "$BUILD/audit"
    timeout 60 chromium $flags --window-size=1000,1400 --screenshot="$BUILD/audit/report.png" \
        "file://$tmp/report.html" >/dev/null 2>&1
    rm -rf "$ud"
    setfp=$("$CALC" fingerprint | sed -n 's/^policy set  sha256:\([0-9a-f]*\) .*/\1/p')
    grep -q '<h1>惠企政策测算报告</h1>' "$tmp/dom" && ! grep -q '决定' "$tmp/dom" &&
        grep -q '现金合计 ¥1,955,000.05' "$tmp/dom" &&
        grep -q "sha256:$setfp" "$tmp/dom" && grep -q '研发投入最高补助3000万元' "$tmp/dom" &&
        grep -q '&lt;script&gt;alert(1)&lt;/script&gt;示例' "$tmp/dom" &&
        ! grep -q '<script>alert' "$tmp/dom" && [ -s "$BUILD/audit/report.png" ]
}
check "estimate report renders in Chromium (text, totals, fingerprints, markup inert)" report

# Ensure the Markdown report carries the same results, in words: the amount from illustrative
# parameters marked, each reason's sentence (no DSL name; field paths only in the inputs' Field
# column), the pool claim.
report_md() {
    "$CALC" report "$tmp/rec.yaml" -o "$tmp/report.md" --lang en &&
        grep -q '^# Policy estimate report$' "$tmp/report.md" &&
        grep -q '^| R&D investment subsidy | sc25-rd-subsidy | eligible | ¥800,000.05 \\\* |$' "$tmp/report.md" &&
        grep -q '^\\\* includes illustrative parameters, not figures from the policy text$' "$tmp/report.md" &&
        grep -q '^- ✗ Industry: artificial intelligence; this policy requires: smart manufacturing, new energy, new equipment or new materials$' "$tmp/report.md" &&
        ! grep -qiE 'decision|one_of|at_least|\[industry\]' "$tmp/report.md" &&
        grep -q '^Total cash ¥1,955,000.05' "$tmp/report.md"
}
check "Markdown report, in English" report_md

finish
