#!/bin/sh
# peers.sh — the peer benchmark's policy set (tests/bench/peers/) and the DSL it needs:
# rounding = "floor_yuan" and pct's rounding argument (exactly at a whole yuan and one fen
# below), zero_amount = "eligible" (a grant of 0) and its lint in a set that does not allow it
# (the default set: book 1 §1), `calc batch --format compact`, and the baseline's results and
# checksum equal to calc's. Expected amounts are computed by hand from the rules
# (tests/bench/peers/README.md). Run from the repository root: BUILD=build sh tests/peers.sh.
. tests/lib.sh
need_calc
P=tests/bench/peers
AS="--as-of 2025-06-30"
for prog in pgen peerbase peersum; do
    [ -x "$BUILD/$prog" ] || { fail "$BUILD/$prog is not built (make $BUILD/$prog)"; finish; exit 1; }
done

# rec ID REVENUE RD TAX [EMPLOYEES DISTRICT INDUSTRY STORE BRAND STAR TALENT]: one record
rec() {
    printf '{"id":%s,"district":"%s","industry":"%s","registered_capital_yuan":1,"revenue_yuan":%s,' \
        "$1" "${6:-上城区}" "${7:-it}" "$2"
    printf '"rd_expense_yuan":%s,"tax_paid_yuan":%s,"employees":%s,"store_kind":"%s",' \
        "$3" "$4" "${5:-10}" "${8:-none}"
    printf '"is_first_store":false,"brand_level":"%s","hq_star":%s,"talent_count":%s,' \
        "${9:-none}" "${10:-0}" "${11:-0}"
    printf '"founded":"2020-01-01"}\n'
}

check "the peer set passes calc policies check (zero_grants: allowed)" "$CALC" policies check "$P"

begin "policies show says a policy's rounding and its zero grant"
run policies show peer-r5 --policies "$P" --lang en
want_line out "  rounding: rounded down to the yuan"
want_line out "  an amount of 0 is a grant of 0 (eligible)"
run policies show peer-r1 --policies "$P" --lang en
want_no_match out "rounding:|grant of 0"
end

# R2 (10 %, floored to the yuan): 1,000,010 → 100,001 exactly; 1,000,009.99 → 100,000.999,
# floored to 100,000 (half up to the fen would give 100,001.00); 999,999.99 is below the
# 1,000,000 minimum. R5 (5 %, floored, eligible at 0): tax 20 → 1.00; 19.99 → 0.9995 → 0.00,
# still eligible; tax 0 fails tax_paid > 0.
{
    rec 1 100 1000010 20
    rec 2 100 '"1000009.99"' '"19.99"'
    rec 3 100 '"999999.99"' 0
} >"$tmp/round.jsonl"
begin "rounding = floor_yuan: exactly at a whole yuan, and one fen below"
run batch "$tmp/round.jsonl" --policies "$P" $AS -q --format compact
want_rc 0
want_out_is <<'OUT'
# id total peer-r1 peer-r2 peer-r3 peer-r4 peer-r5
1 100002.00 i e100001.00 i i e1.00
2 100000.00 i e100000.00 i i e0.00
3 0.00 i i i i i
OUT
end

begin "zero_amount = eligible: a grant of 0 is eligible with amount 0.00 in the JSON too"
run batch "$tmp/round.jsonl" --policies "$P" $AS -q
want_rc 0
r5=$(sed -n 2p "$tmp/out" | jq -c '.results[] | select(.policy == "peer-r5") | [.status, .amount, .reasons]')
want_eq "record 2, peer-r5" "$r5" '["eligible","0.00",[]]'
r5=$(sed -n 3p "$tmp/out" | jq -c '.results[] | select(.policy == "peer-r5") | [.status, .reasons[0].field]')
want_eq "record 3 (tax 0), peer-r5" "$r5" '["ineligible","tax_paid_yuan"]'
end

# a set of its own: pct's third argument, a policy-wide mode, a misspelt mode, a zero grant in
# a set that does not allow it, and 0 with a reason (ineligible even where zero is allowed)
mkset() { # DIR: the peer set's schema and one policy file from stdin as DIR/t-one.lua
    mkdir -p "$1"
    cp "$P/schema.yaml" "$1/"
    cat >"$1/t-one.lua"
}
policy() { # ROUNDING-CLAUSE AMOUNT-BODY [ZERO-CLAUSE]
    cat <<EOF2
return policy {
  id = "t-one", kind = "cash",
  title = { zh = "测试", en = "test" },
  source = { doc = "tests/peers.sh", quote = "a test" },
  in_force = { "2025-01-01", "2030-12-31" },
  params = { rate = illustrative(percent "12.5") },
  conditions = { greater_than("tax_paid_yuan", 0) },
  $1
  $3
  amount = function(e, p) $2 end,
}
EOF2
}
# 12.5 % of 1,000.04 = 125.005: half up 125.01 (the default), floor 125.00, floor_yuan 125.00,
# half_up_yuan 125.00; of 1,004.00 = 125.50: half_up_yuan 126.00, floor_yuan 125.00
rec 1 1 1 '"1000.04"' >"$tmp/one.jsonl"
rec 2 1 1 1004 >>"$tmp/one.jsonl"
for m in "default:125.01:125.50" "half_up:125.01:125.50" "floor:125.00:125.50" \
         "floor_yuan:125.00:125.00" "half_up_yuan:125.00:126.00"; do
    mode=${m%%:*} rest=${m#*:}
    a1=${rest%%:*} a2=${rest#*:}
    for how in clause arg; do
        [ "$mode" = default ] && [ "$how" = arg ] && continue
        if [ "$mode" = default ]; then
            policy "" "return pct(e.tax_paid_yuan, p.rate)" | mkset "$tmp/s-$mode-$how"
        elif [ "$how" = clause ]; then
            policy "rounding = \"$mode\"," "return pct(e.tax_paid_yuan, p.rate)" | mkset "$tmp/s-$mode-$how"
        else
            policy "" "return pct(e.tax_paid_yuan, p.rate, \"$mode\")" | mkset "$tmp/s-$mode-$how"
        fi
        begin "pct rounding $mode ($how): 12.5 % of 1,000.04 is $a1, of 1,004.00 is $a2"
        run batch "$tmp/one.jsonl" --policies "$tmp/s-$mode-$how" $AS -q --format compact
        want_rc 0
        want_out_is <<OUT
# id total t-one
1 $a1 e$a1
2 $a2 e$a2
OUT
        end
    done
done
# pct_product under the policy's mode: 12.5 % × 1,000.04 × 3 = 375.015 → floor_yuan 375.00
policy 'rounding = "floor_yuan",' "return pct_product(p.rate, e.tax_paid_yuan, 3)" | mkset "$tmp/s-product"
begin "pct_product follows the policy's rounding (floor_yuan: 375.015 → 375.00)"
run batch "$tmp/one.jsonl" --policies "$tmp/s-product" $AS -q --format compact
want_rc 0
want_line out "1 375.00 e375.00"
end

policy 'rounding = "flor_yuan",' "return 1" | mkset "$tmp/s-bad"
begin "a misspelt rounding mode is a load error naming the file and the modes"
run policies check "$tmp/s-bad"
want_rc 4
want_match err "t-one.lua:1: error: 'rounding' must be \"half_up\", \"floor\", \"floor_yuan\" or \"half_up_yuan\""
end
policy '' 'return pct(e.tax_paid_yuan, p.rate, "down")' | mkset "$tmp/s-badarg"
begin "a misspelt rounding argument of pct is the policy's error, not a silent default"
run batch "$tmp/one.jsonl" --policies "$tmp/s-badarg" $AS -q --format compact
want_rc 4
want_line out "1 0.00 x"
end

# hostile declarations and arguments: each a load error or the policy's error, never a default
for bad in 'rounding = 5,:must be "half_up"' 'rounding = "FLOOR_YUAN",:must be "half_up"' \
           'zero_amount = true,:must be "eligible" or "ineligible"' \
           'zero_amount = "yes",:must be "eligible" or "ineligible"'; do
    clause=${bad%%:*} want=${bad#*:}
    policy "$clause" "return 1" | mkset "$tmp/h"
    begin "hostile: $clause is a load error"
    run policies check "$tmp/h"
    want_rc 4
    grep -Fq -- "$want" "$tmp/err" || problem "stderr lacks '$want': $(head -c 300 "$tmp/err")"
    end
    rm -rf "$tmp/h"
done
for body in 'return pct(e.tax_paid_yuan, p.rate, {})' 'return pct(e.tax_paid_yuan, p.rate, 2)' \
            'return pct(9000000000000000000, 20000, "floor_yuan")' \
            'return pct(9000000000000000000, 20000, "half_up_yuan")'; do
    policy "" "$body" | mkset "$tmp/h"
    begin "hostile: $body is the policy's error (a bad mode, or out of range: never a wrap)"
    run batch "$tmp/one.jsonl" --policies "$tmp/h" $AS -q --format compact
    want_rc 4
    want_line out "1 0.00 x"
    run batch "$tmp/one.jsonl" --policies "$tmp/h" $AS -q
    want_match out '"status": "error"'
    end
    rm -rf "$tmp/h"
done
# a tiny and a negative product: floor_yuan of 0.99 is 0, of a negative amount an error
policy 'rounding = "floor_yuan",' 'return pct(99, 10000)' | mkset "$tmp/h"
begin "floor_yuan of ¥0.99 is ¥0.00: ineligible in a set without zero grants"
run batch "$tmp/one.jsonl" --policies "$tmp/h" $AS -q --format compact
want_line out "1 0.00 i"
end
rm -rf "$tmp/h"
mkdir -p "$tmp/inkind"
cp "$P/schema.yaml" "$tmp/inkind/"
cat >"$tmp/inkind/t-one.lua" <<'EOF2'
return policy {
  id = "t-one", kind = "in_kind", unit = "units", zero_amount = "eligible",
  title = { zh = "测试", en = "test" },
  source = { doc = "tests/peers.sh", quote = "a test" },
  in_force = { "2025-01-01", "2030-12-31" },
  conditions = { greater_than("tax_paid_yuan", 0) },
  quantity = function(e, p) return 1 end,
  value = function(q, p) return 0 end,
}
EOF2
begin "hostile: zero_amount = eligible on an in-kind policy is a load error"
run policies check "$tmp/inkind"
want_rc 4
want_match err 'zero_amount = "eligible" is for cash policies'
end

# zero grants: the same policy in a set without zero_grants (the books' rule) and with it
policy '' "return min(pct(e.tax_paid_yuan, p.rate), 0)" 'zero_amount = "eligible",' | mkset "$tmp/z-no"
begin "zero_amount = eligible without zero_grants in set.yaml: a lint error, and 0 stays ineligible"
run policies check "$tmp/z-no"
want_rc 1
want_match err "t-one.lua:9: error: t-one: zero_amount = \"eligible\" in a set that does not allow zero grants: an amount of 0 is ineligible here \(book 1 §1\)"
run batch "$tmp/one.jsonl" --policies "$tmp/z-no" $AS -q --format compact
want_line out "1 0.00 i"
end
cp -R "$tmp/z-no" "$tmp/z-yes"
echo "zero_grants: allowed" >"$tmp/z-yes/set.yaml"
begin "with zero_grants: allowed the same policy grants 0 (eligible) and passes the check"
run policies check "$tmp/z-yes"
want_rc 0
run batch "$tmp/one.jsonl" --policies "$tmp/z-yes" $AS -q --format compact
want_line out "1 0.00 e0.00"
end
policy '' 'return 0, { zh = "无", en = "none" }' 'zero_amount = "eligible",' | mkset "$tmp/z-why"
echo "zero_grants: allowed" >"$tmp/z-why/set.yaml"
begin "0 with a reason is ineligible even where zero grants are allowed"
run batch "$tmp/one.jsonl" --policies "$tmp/z-why" $AS -q --format compact
want_line out "1 0.00 i"
end
echo "zero_grants: yes" >"$tmp/z-why/set.yaml"
begin "zero_grants takes only 'allowed'"
run policies check "$tmp/z-why"
want_rc 3
want_match err "set.yaml:1:1[0-9]*: error: zero_grants: expected 'allowed'"
end

# the default set (both books) with one policy declaring a zero grant: the lint names it
mkdir "$tmp/default"
cp -R policies/. "$tmp/default/"
sed -i 's/^  kind = "cash",$/  kind = "cash",\n  zero_amount = "eligible",/' "$tmp/default/sc25-hq-star.lua"
begin "the default set: zero_amount = eligible is a lint error (book 1 §1)"
run policies check "$tmp/default"
want_rc 1
want_match err "sc25-hq-star.lua:5: error: sc25-hq-star: zero_amount = \"eligible\" in a set that does not allow zero grants"
n=$(grep -c "zero_amount" "$tmp/err")
want_eq "lint errors about zero_amount" "$n" 1
end

# the compact form against the JSON Lines form, on the default set and bench population
# (in-kind grants, pools, needs_data, not in force): the same statuses, amounts and totals
"$BUILD/gen" 300 42 >"$tmp/pop.jsonl" 2>/dev/null
begin "compact form: the same information as the JSON Lines form (default set, 300 profiles)"
run batch "$tmp/pop.jsonl" $AS -q -o "$tmp/pop.json"
run batch "$tmp/pop.jsonl" $AS -q --format compact -o "$tmp/pop.cmp"
want_rc 0
{
    printf '# id total'
    head -n 1 "$tmp/pop.json" | jq -j '.results[] | " " + .policy'
    echo
    jq -r '[.profile, .totals.cash + (if .totals.in_kind != "0.00" then "+" + .totals.in_kind else "" end)]
        + [.results[] | ({"eligible": "e", "ineligible": "i", "needs_data": "n", "not_in_force": "f",
           "superseded": "s", "error": "x"}[.status]) + (if .status == "eligible" then
           (if .kind == "match" then "" else .amount end) + (if .kind == "in_kind" then "/" + (.quantity | tostring) else "" end)
           else "" end)] | join(" ")' "$tmp/pop.json"
} >"$tmp/pop.exp"
want_same "compact lines and the JSON Lines read back" "$tmp/pop.exp" "$tmp/pop.cmp"
grep -q '/[0-9]' "$tmp/pop.cmp" || problem "no in-kind grant in the sample: the check checks less"
end

begin "compact form: an invalid record is a '!' line with its record, line and message"
printf '%s\n' '{"id": 7, "district": "上城区"' >"$tmp/bad.jsonl"
rec 8 1 1 1 >>"$tmp/bad.jsonl"
run batch "$tmp/bad.jsonl" --policies "$P" $AS -q --format compact
want_rc 3
want_match out '^! 1 1 .+'
want_line out "8 0.00 i i i i e0.00"
end

begin "compact form: an id with a space is a JSON string"
printf '%s\n' '{"id":"a b","district":"西湖区","industry":"it","registered_capital_yuan":1,"revenue_yuan":1,"rd_expense_yuan":1,"tax_paid_yuan":0,"employees":1,"store_kind":"none","is_first_store":false,"brand_level":"none","hq_star":5,"talent_count":10,"founded":"2020-01-01"}' >"$tmp/sp.jsonl"
run batch "$tmp/sp.jsonl" --policies "$P" $AS -q --format compact
want_line out '"a b" 5072000.00 i i e5000000.00 e72000.00 i'
end

begin "compact form: refused where its fields do not suffice (--manifest, --explain, allocate)"
run batch "$tmp/sp.jsonl" --policies "$P" $AS -q --format compact --explain
want_rc 2
want_match err "--format compact is for calc batch"
run allocate "$tmp/pop.json" --format compact
want_rc 2
end

# the baseline and calc on the same generated records: the same lines, the same checksum
"$BUILD/pgen" 3000 7 >"$tmp/peers.jsonl"
begin "peer workload: the baseline's results equal calc's compact results, byte for byte"
runx "$BUILD/peerbase" "$tmp/peers.jsonl"
cp "$tmp/out" "$tmp/base.out"
cp "$tmp/err" "$tmp/base.sum"
run batch "$tmp/peers.jsonl" --policies "$P" $AS -q --format compact -j 2
want_rc 0
want_same "baseline and calc compact" "$tmp/base.out" "$tmp/out"
cp "$tmp/out" "$tmp/calc.out"
runx "$BUILD/peersum" "$tmp/calc.out"
want_rc 0
want_same "the baseline's checksum and peersum of calc's output" "$tmp/base.sum" "$tmp/out"
end

begin "peer workload: the baseline reading with yajl gives the same results and checksum"
runx "$BUILD/peerbase" --yajl "$tmp/peers.jsonl"
want_rc 0
want_same "the hand-rolled and the yajl reading" "$tmp/base.out" "$tmp/out"
want_same "their checksums" "$tmp/base.sum" "$tmp/err"
end

begin "peersum: a changed amount or a lost line changes the checksum"
# the first line with an eligible result: its first amount gains a leading 1; then deleted
k=$(awk 'NR > 1 && / e[0-9]/ { print NR; exit }' "$tmp/base.out")
awk -v k="$k" 'NR == k { sub(/ e/, " e1") } { print }' "$tmp/base.out" >"$tmp/edited.out"
runx "$BUILD/peersum" "$tmp/edited.out"
cmp -s "$tmp/out" "$tmp/base.sum" && problem "an edited amount gave the same checksum"
sed "${k}d" "$tmp/base.out" >"$tmp/edited.out"
runx "$BUILD/peersum" "$tmp/edited.out"
cmp -s "$tmp/out" "$tmp/base.sum" && problem "a deleted line gave the same checksum"
end

# R1, R3, R4 at their boundaries by hand: 上城区 domestic first 500,000, flagship 300,000,
# international flagship 1,000,000; star 3 1,000,000; talents 4 → no, 5 → 36,000, 251 → 50 × 36,000
begin "R1, R3 and R4 by hand"
{
    rec 1 300000000 1 0 10 上城区 culture first domestic 2 4
    rec 2 300000000 1 0 10 上城区 culture flagship domestic 3 5
    rec 3 300000000 1 0 10 上城区 culture flagship international 5 251
    rec 4 300000000 1 0 10 西湖区 culture first international 4 9
} >"$tmp/r134.jsonl"
run batch "$tmp/r134.jsonl" --policies "$P" $AS -q --format compact
want_out_is <<'OUT'
# id total peer-r1 peer-r2 peer-r3 peer-r4 peer-r5
1 500000.00 e500000.00 i i i i
2 1336000.00 e300000.00 i e1000000.00 e36000.00 i
3 7800000.00 e1000000.00 i e5000000.00 e1800000.00 i
4 3036000.00 i i e3000000.00 e36000.00 i
OUT
end

finish
