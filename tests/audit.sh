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
# under --strict.
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
    # (a case recorded before the meaning digests has no digest either: it fails replay as
    # edited or incomplete before its rules are compared — see the integrity checks below)
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
    trace: sc20-first-store: params[1].value.flagship: ¥100,000.00 → ¥120,000.00
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

# ---- integrity of recorded cases: digest, part fingerprints, trace, schema changes ----

# Ensure a case whose profile and expectations are both edited consistently (R&D expense
# 8000000.50 → 9000000.50, its subsidy 800000.05 → 900000.05 and the cash total with it) fails
# before it is evaluated, and names the profile and the outcome (in English and in Chinese);
# the same edit of the profile alone names the profile and does not blame the rules.
edited_case() {
    "$CALC" record "$EX" --as-of 2025-06-30 -o "$tmp/ic.yaml" || return 1
    sed 's/rd_expense: "8000000.50"/rd_expense: "9000000.50"/
         /^  output:/,/^      in_kind:/{s/"800000.05"/"900000.05"/; s/"1955000.05"/"2055000.05"/}' \
        "$tmp/ic.yaml" >"$tmp/ic-both.yaml"
    [ "$(diff "$tmp/ic.yaml" "$tmp/ic-both.yaml" | grep -c '^>')" -eq 3 ] || { echo "sed missed"; return 1; }
    "$CALC" replay "$tmp/ic-both.yaml" >"$tmp/ic.out" 2>&1
    rc=$?
    cat "$tmp/ic.out"
    [ $rc -eq 1 ] || return 1
    grep -q "^    the case's profile was changed after recording (its fingerprint is sha256:[0-9a-f]\{12\}…, recorded sha256:[0-9a-f]\{12\}…)$" "$tmp/ic.out" &&
        grep -q "^    the case's expected outcome (output) was changed after recording$" "$tmp/ic.out" &&
        ! grep -q "expected 900000.05" "$tmp/ic.out" || return 1
    LANGUAGE=zh "$CALC" replay "$tmp/ic-both.yaml" | grep -q '^    案例中的企业资料在记录后被修改（' || return 1
    sed 's/rd_expense: "8000000.50"/rd_expense: "9000000.50"/' "$tmp/ic.yaml" >"$tmp/ic-prof.yaml"
    "$CALC" replay "$tmp/ic-prof.yaml" >"$tmp/ic2.out" 2>&1
    rc=$?
    cat "$tmp/ic2.out"
    [ $rc -eq 1 ] && grep -q "^    the case's profile was changed after recording" "$tmp/ic2.out" &&
        ! grep -q "expected outcome" "$tmp/ic2.out" && ! grep -q "shared library" "$tmp/ic2.out"
}
check "a profile and its expectations edited together: replay fails and names the edit" edited_case

# Ensure each part of a recorded case is named when only it is edited: a recorded parameter,
# the description (metadata), a reason's actual value in the trace, an embedded policy source;
# and an edited digest alone is named as the fingerprints.
edited_parts() {
    "$CALC" record "$EX" --as-of 2025-06-30 --embed-policies -o "$tmp/ip.yaml" || return 1
    part() { # SED EXPECTED-LINE
        sed "$1" "$tmp/ip.yaml" >"$tmp/ip-e.yaml"
        cmp -s "$tmp/ip.yaml" "$tmp/ip-e.yaml" && { echo "no edit: $1"; return 1; }
        "$CALC" replay "$tmp/ip-e.yaml" >"$tmp/ip.out" 2>&1
        rc=$?
        [ $rc -eq 1 ] && grep -q "^    $2" "$tmp/ip.out" && [ "$(grep -c '^    ' "$tmp/ip.out")" -eq 1 ] ||
            { echo "edit $1:"; cat "$tmp/ip.out"; return 1; }
    }
    part 's/"min_area": "100 m²"/"min_area": "110 m²"/' \
        "the case's recorded rules (parameters, conditions) were changed after recording" &&
    part 's/^  description: .*/  description: "recorded by hand"/' \
        "the case's metadata (name, description, as_of, recorded at, by) was changed after recording" &&
    part 's/"actual": "2023-05-08", "required": ">= 2023-06-30"/"actual": "2023-07-08", "required": ">= 2023-06-30"/' \
        "the case's trace was changed after recording" &&
    part '/^    "\.\/sc25-rd-subsidy\.lua": /s/percent \\"10\\"/percent \\"15\\"/' \
        "the embedded policy source ./sc25-rd-subsidy.lua was changed after recording" &&
    part 's/^  digest: "sha256:\(.\)/  digest: "sha256:\1\1/' \
        "the case's fingerprints were changed after recording (its digest is sha256:[0-9a-f]\{12\}…, recorded sha256:"
}
check "each edited part of a recorded case is named (rules, metadata, trace, sources, digest)" edited_parts

# Ensure an edit of comments, indentation, quoting or flow style only still passes --strict:
# the digest covers the meaning, not the text.
format_only() {
    "$CALC" record "$EX" --as-of 2025-06-30 -o "$tmp/fo.yaml" || return 1
    sed 's/^/  /; s/^  # Recorded by/  # an auditor'"'"'s comment\n  # Recorded by/
         s/^        status: eligible$/        status: "eligible"   # checked by hand/
         s/^        missing: \[\]$/        missing: [ ]/' "$tmp/fo.yaml" >"$tmp/fo2.yaml"
    grep -q '"eligible"   # checked' "$tmp/fo2.yaml" && grep -q "an auditor's comment" "$tmp/fo2.yaml" || return 1
    "$CALC" replay --strict "$tmp/fo2.yaml" >"$tmp/fo.out" 2>&1
    rc=$?
    cat "$tmp/fo.out"
    [ $rc -eq 0 ] && [ "$(cat "$tmp/fo.out")" = "PASS 91330102MA2EXAMPLE as of 2025-06-30
1 passed, 0 failed" ]
}
check "comments, indentation and quoting edited only: --strict still passes" format_only

# Ensure a recorded case without its digest fails replay, while the hand-written cases of
# cases/ (no fingerprint:) need none.
no_digest() {
    "$CALC" record "$EX" --as-of 2025-06-30 -o "$tmp/nd.yaml" || return 1
    grep -v '^  digest: ' "$tmp/nd.yaml" >"$tmp/nd2.yaml"
    "$CALC" replay "$tmp/nd2.yaml" >"$tmp/nd.out" 2>&1
    rc=$?
    cat "$tmp/nd.out"
    [ $rc -eq 1 ] && grep -qx "    a recorded case (one with fingerprint:) carries no digest: it cannot be shown unedited; record it again with calc record" "$tmp/nd.out" || return 1
    ! grep -l 'fingerprint:' cases/*.yaml && "$CALC" replay cases >/dev/null || return 1
    # nor may the fingerprints be removed to pass it off as a hand-written case
    awk '/^  fingerprint:$/ { skip = 1; next } skip && /^    / { next } { skip = 0; print }' \
        "$tmp/nd.yaml" >"$tmp/nd3.yaml"
    ! grep -q 'fingerprint:' "$tmp/nd3.yaml" || return 1
    "$CALC" replay "$tmp/nd3.yaml" >"$tmp/nd3.out" 2>&1
    [ $? -eq 1 ] && grep -qx "    a recorded case (with recorded:, digest: or signature:) has no fingerprint: mapping: it was removed after recording" "$tmp/nd3.out"
}
check "a recorded case without its digest fails; hand-written cases need none" no_digest

# Ensure the case holds the whole trace: the very JSON of eval --format json --explain (each
# condition's actual and required values and sentence, reasons, missing fields, steps, the
# computation in words, the amount at each stage, the parameters; not how to qualify, which
# is advice, not the trace), one policy a line.
whole_trace() {
    "$CALC" record "$EX" --as-of 2025-06-30 -o "$tmp/wt.yaml" || return 1
    sed -n '/^  trace: /,/^  fingerprint:$/p' "$tmp/wt.yaml" | sed '$d; s/^  trace: //' | jq -S . >"$tmp/wt.case" || return 1
    "$CALC" eval "$EX" --as-of 2025-06-30 --format json --explain | jq -S "del(.results[].to_qualify)" >"$tmp/wt.eval" || return 1
    diff "$tmp/wt.eval" "$tmp/wt.case" || return 1
    [ "$(sed -n '/^  trace: /,/^  fingerprint:$/p' "$tmp/wt.yaml" | grep -c '^    {"policy": ')" -eq "$(jq '.results | length' "$tmp/wt.eval")" ] &&
        [ "$(jq -r '.results[] | select(.policy == "sc25-rd-subsidy") | .steps[0]' "$tmp/wt.case")" = "10% × 8,000,000.50 = 800,000.05" ] &&
        [ "$(jq -r '.results[] | select(.policy == "sc25-rd-subsidy") | .trace.after_cap' "$tmp/wt.case")" = "800000.05" ]
}
check "the case holds the whole trace (eval --explain's JSON), one policy a line" whole_trace

# Ensure a rule change that leaves every amount as it was (a policy's English title) passes
# and names the trace's first difference as recorded → now; --strict fails it.
trace_diff() {
    "$CALC" record "$EX" --as-of 2025-06-30 -o "$tmp/td.yaml" || return 1
    rm -rf "$tmp/pt"; cp -R policies "$tmp/pt"
    sed -i 's/en = "R&D investment subsidy"/en = "R\&D subsidy"/' "$tmp/pt/sc25-rd-subsidy.lua"
    "$CALC" replay "$tmp/td.yaml" --policies "$tmp/pt" >"$tmp/td.out" 2>&1
    rc=$?
    cat "$tmp/td.out"
    [ $rc -eq 0 ] && grep -qx '    trace: sc25-rd-subsidy: title.en: R&D investment subsidy → R&D subsidy' "$tmp/td.out" &&
        ! "$CALC" replay --strict "$tmp/td.yaml" --policies "$tmp/pt" >/dev/null 2>&1
}
check "trace: the first difference named (policy, key, recorded → now)" trace_diff

# Ensure a schema that gains a field with a default (as the second policy book's does) keeps an
# old recorded case replaying: the profile's new fingerprint is attributed to the schema, and
# an edit of the profile is still caught under the new schema.
schema_default() {
    "$CALC" record "$EX" --as-of 2025-06-30 -o "$tmp/sd.yaml" || return 1
    rm -rf "$tmp/ps"; cp -R policies "$tmp/ps"
    awk '/^  rd.major_project:$/ { print "  rd.joint_lab:\n    type: bool\n    change: obtain\n    default: false\n    label: 联合实验室\n    label_en: Joint laboratory\n    zh: 是否设有联合实验室\n    en: has a joint laboratory\n    group: 财务数据" } { print }' \
        policies/schema.yaml >"$tmp/ps/schema.yaml"
    cmp -s policies/schema.yaml "$tmp/ps/schema.yaml" && { echo "schema not changed"; return 1; }
    "$CALC" replay "$tmp/sd.yaml" --policies "$tmp/ps" >"$tmp/sd.out" 2>&1
    rc=$?
    cat "$tmp/sd.out"
    [ $rc -eq 0 ] && grep -q '^    the policy set changed since recording (.*): ./schema.yaml$' "$tmp/sd.out" &&
        grep -q "^    the schema changed since recording: the profile's fingerprint under it is sha256:" "$tmp/sd.out" &&
        ! grep -q "was changed after recording" "$tmp/sd.out" || return 1
    sed 's/rd_expense: "8000000.50"/rd_expense: "9000000.50"/' "$tmp/sd.yaml" >"$tmp/sd2.yaml"
    "$CALC" replay "$tmp/sd2.yaml" --policies "$tmp/ps" >"$tmp/sd2.out" 2>&1
    [ $? -eq 1 ] && grep -q "^    the case's profile was changed after recording" "$tmp/sd2.out"
}
check "a schema gaining a defaulted field keeps an old case replaying (attributed to the schema)" schema_default

# ---- signed cases ----

# Ensure a case signed with an Ed25519 key verifies with its public key and names the signer's
# key fingerprint (that of `openssl pkey -outform DER | sha256sum`), the time and the person;
# another key, no signature, and any change of meaning after signing fail (exit 1), with the
# reason in English and Chinese; replay --verify does the same check.
signed() {
    command -v openssl >/dev/null || { echo "openssl is not installed (make deps)"; return 1; }
    openssl genpkey -algorithm ed25519 -out "$tmp/k1.pem" 2>/dev/null &&
        openssl pkey -in "$tmp/k1.pem" -pubout -out "$tmp/p1.pem" &&
        openssl genpkey -algorithm ed25519 -out "$tmp/k2.pem" 2>/dev/null &&
        openssl pkey -in "$tmp/k2.pem" -pubout -out "$tmp/p2.pem" || return 1
    kfp=$(openssl pkey -pubin -in "$tmp/p1.pem" -outform DER | sha256sum | cut -d' ' -f1)
    k2fp=$(openssl pkey -pubin -in "$tmp/p2.pem" -outform DER | sha256sum | cut -d' ' -f1)
    before=$(date -u +%s)
    "$CALC" record "$EX" --as-of 2025-06-30 --sign "$tmp/k1.pem" --by "审计员 张三" -o "$tmp/sg.yaml" || return 1
    grep -qx "    key: \"sha256:$kfp\"" "$tmp/sg.yaml" && grep -qx '    algorithm: ed25519' "$tmp/sg.yaml" || return 1
    at=$(sed -n 's/^    at: "\(.*\)"$/\1/p' "$tmp/sg.yaml")
    atsec=$(date -u -d "$at" +%s) || return 1
    [ "$atsec" -ge $((before - 1)) ] && [ "$atsec" -le $(($(date -u +%s) + 1)) ] || { echo "at $at"; return 1; }
    # the signature checks with openssl itself: the message is the digest's hex
    sed -n 's/^  digest: "sha256:\(.*\)"$/\1/p' "$tmp/sg.yaml" | tr -d '\n' >"$tmp/msg"
    sed -n 's/^    value: "\(.*\)"$/\1/p' "$tmp/sg.yaml" | base64 -d >"$tmp/sig"
    openssl pkeyutl -verify -pubin -inkey "$tmp/p1.pem" -rawin -in "$tmp/msg" -sigfile "$tmp/sig" >/dev/null || return 1
    "$CALC" verify "$tmp/sg.yaml" --key "$tmp/p1.pem" >"$tmp/v.out" 2>&1 || { cat "$tmp/v.out"; return 1; }
    cat >"$tmp/v.want" <<W
VERIFIED 91330102MA2EXAMPLE as of 2025-06-30
    signed by key sha256:$kfp; recorded at $at by 审计员 张三 (calc $("$CALC" version | sed -n 's/^calc \([^ ]*\).*/\1/p'))
1 verified, 0 not verified
W
    diff "$tmp/v.want" "$tmp/v.out" || return 1
    "$CALC" replay "$tmp/sg.yaml" --verify "$tmp/p1.pem" | grep -q "^    signed by key sha256:$kfp; recorded at $at" || return 1
    # another key
    "$CALC" verify "$tmp/sg.yaml" --key "$tmp/p2.pem" >"$tmp/v2.out" 2>&1
    [ $? -eq 1 ] && grep -qx "    the case was signed with another key (sha256:$kfp), not with sha256:$k2fp" "$tmp/v2.out" || { cat "$tmp/v2.out"; return 1; }
    LANGUAGE=zh "$CALC" verify "$tmp/sg.yaml" --key "$tmp/p2.pem" | grep -q '^未通过验证 .*（第 5 行）$' || return 1
    "$CALC" replay "$tmp/sg.yaml" --verify "$tmp/p2.pem" >/dev/null 2>&1 && return 1
    # unsigned
    "$CALC" record "$EX" --as-of 2025-06-30 -o "$tmp/us.yaml" || return 1
    "$CALC" verify "$tmp/us.yaml" --key "$tmp/p1.pem" >"$tmp/v3.out" 2>&1
    [ $? -eq 1 ] && grep -qx '    the case is not signed (record it with calc record --sign KEY.pem)' "$tmp/v3.out" || return 1
    LANGUAGE=zh "$CALC" verify "$tmp/us.yaml" --key "$tmp/p1.pem" | grep -qx '    案例未签名（请用 calc record --sign KEY.pem 记录）' || return 1
    # any change of meaning after signing: the person, an amount, the profile, the signature
    for e in 's/^    by: .*/    by: "李四"/' 's/"360000.00"/"360000.01"/' \
             's/employees: 48/employees: 49/' 's/^    value: "./    value: "A/'; do
        sed "$e" "$tmp/sg.yaml" >"$tmp/sg2.yaml"
        cmp -s "$tmp/sg.yaml" "$tmp/sg2.yaml" && { echo "no edit: $e"; return 1; }
        "$CALC" verify "$tmp/sg2.yaml" --key "$tmp/p1.pem" >"$tmp/v4.out" 2>&1
        [ $? -eq 1 ] && grep -q '^NOT VERIFIED ' "$tmp/v4.out" || { echo "$e:"; cat "$tmp/v4.out"; return 1; }
    done
    # a file that is no key: a message, and no case written
    "$CALC" record "$EX" --as-of 2025-06-30 --sign "$EX" -o "$tmp/nk.yaml" >"$tmp/nk.out" 2>&1
    [ $? -ne 0 ] && [ ! -e "$tmp/nk.yaml" ] && grep -q "is not an Ed25519 private key in PEM" "$tmp/nk.out"
}
check "signed case: verifies with its key (signer, time, person), fails otherwise" signed

# Ensure replay speaks the language of messages: a wrong expected amount is named, and the
# count given, in Chinese (LANGUAGE=zh, or --lang zh) and in English.
replay_words() {
    sed 's/amount: "500000.00"       # 10% x 5,000,000.00 = 500,000.00/amount: "500000.01"/' \
        cases/sc25-rd-subsidy.yaml >"$tmp/words.yaml"
    ! cmp -s cases/sc25-rd-subsidy.yaml "$tmp/words.yaml" || return 1
    LANGUAGE=zh "$CALC" replay "$tmp/words.yaml" >"$tmp/wz"
    [ $? -eq 1 ] || return 1
    "$CALC" replay "$tmp/words.yaml" --lang zh >"$tmp/wz2"
    "$CALC" replay "$tmp/words.yaml" --lang en >"$tmp/we"
    cat "$tmp/wz" "$tmp/we"
    grep -qx '    sc25-rd-subsidy.amount：应为 500000.01，实际为 500000.00' "$tmp/wz" &&
        grep -qx '[0-9]* 个通过，[1-9][0-9]* 个未通过' "$tmp/wz" && cmp -s "$tmp/wz" "$tmp/wz2" &&
        grep -qx '    sc25-rd-subsidy.amount: expected 500000.01, got 500000.00' "$tmp/we" &&
        grep -qx '[0-9]* passed, [1-9][0-9]* failed' "$tmp/we"
}
check "replay in the language of messages: the difference and the count, zh and en" replay_words

finish
