#!/bin/sh
# whatifjobs.sh — calc whatif (with a scenario, --by, --solve) and calc near on worker threads:
# the same bytes at -j 1 and -j 3 for every format, over a seeded population of 3,000 profiles
# (tests/bench/gen.c, the benchmark's generator: a dozen chunks of 256 records), and the
# outreach list's cheap decision of who cannot be near checked at its boundary on profiles
# whose distances are computed by hand from the policy book (§3 sc25-rd-subsidy: R&D expense
# at least ¥1,000,000, 10% of it). Run from the repository root: BUILD=build sh
# tests/whatifjobs.sh; CALC_WRAP runs calc under a wrapper.
. tests/lib.sh
need_calc
need jq cc
ASOF=2025-06-30
cc -O1 -o "$tmp/gen" tests/bench/gen.c 2>"$tmp/cc.err" || { fail "gen builds" "$(cat "$tmp/cc.err")"; finish; }
"$tmp/gen" 3000 42 >"$tmp/pop.jsonl"

# same NAME ARGS…: calc ARGS… at -j 1 and -j 3 give the same output, status and messages
same() {
    what=$1
    shift
    begin "-j 1 == -j 3: $what"
    run "$@" -j 1
    rc1=$rc
    cp "$tmp/out" "$tmp/out1"
    cp "$tmp/err" "$tmp/err1"
    run "$@" -j 3
    want_eq "exit status" "$rc" "$rc1"
    want_same "output" "$tmp/out1" "$tmp/out"
    want_same "messages" "$tmp/err1" "$tmp/err"
    [ -s "$tmp/out1" ] || problem "no output"
    end
}

S=cases/scenarios/first-store-cap-1.5m.yaml
for f in table json csv; do
    same "whatif --scenario, $f" whatif "$tmp/pop.jsonl" --scenario $S --as-of $ASOF --format $f
    same "whatif --scenario --by district, $f" whatif "$tmp/pop.jsonl" \
        --scenario cases/scenarios/rd-rate-down.yaml --by district --as-of $ASOF --format $f
    for w in 5% 20% 50%; do
        same "near --within $w, $f" near "$tmp/pop.jsonl" --within $w --as-of $ASOF --format $f
    done
done
same "whatif --param, --lang en" whatif "$tmp/pop.jsonl" --param sc25-rd-subsidy.rate=8% \
    --as-of $ASOF --lang en
for f in table json; do
    same "whatif --solve --budget, $f" whatif "$tmp/pop.jsonl" --solve sc25-rd-subsidy.cap \
        --budget 20000000 --as-of $ASOF --format $f
    same "whatif --solve --against pool, $f" whatif "$tmp/pop.jsonl" \
        --solve sc25-first-store.cap --against pool --as-of $ASOF --format $f
done
# a population with invalid records between valid ones: the same rejections, in order
{ head -n 300 "$tmp/pop.jsonl"; echo '{"id": "bad", "employees": "many"}'
  sed -n '301,600p' "$tmp/pop.jsonl"; echo 'not json'; } >"$tmp/mixed.jsonl"
same "whatif with invalid records" whatif "$tmp/mixed.jsonl" --scenario $S --as-of $ASOF
same "near with invalid records" near "$tmp/mixed.jsonl" --as-of $ASOF --format json

# every record that is not valid is named, by whatif and by near alike (near named none once)
for cmd in "whatif --scenario $S" "near" "whatif --solve sc25-rd-subsidy.cap --budget 20000000"; do
    begin "${cmd%% --budget*} names the records that are not valid, by line"
    run $cmd "$tmp/mixed.jsonl" --as-of $ASOF -j 2
    want_rc 3
    want_match err "^$tmp/mixed.jsonl:301:.*employees"
    want_match err "^$tmp/mixed.jsonl:602:"
    want_no_match err "more records are not valid|另有"
    end
done
# a search whose budget does not bind exits 1; with records that are not valid, 3: the largest
begin "whatif --solve that does not bind, over records not all valid: exit 3 (the largest)"
head -n 600 "$tmp/pop.jsonl" >"$tmp/valid600.jsonl"
run whatif "$tmp/valid600.jsonl" --solve sc25-first-store.cap --budget 126000000 --as-of $ASOF
want_rc 1
run whatif "$tmp/mixed.jsonl" --solve sc25-first-store.cap --budget 126000000 --as-of $ASOF
want_rc 3
want_match out "126,000,000"
end
# an input that cannot be opened (2) beside records that are not valid (3): no report of part
# of the population, and the larger status, 3, as calc(1) says
for cmd in "whatif --scenario $S" "near" "whatif --solve sc25-rd-subsidy.cap --budget 20000000"; do
    begin "${cmd%% --budget*}: an input not found and records not valid: no report, exit 3"
    run $cmd "$tmp/mixed.jsonl" "$tmp/absent.jsonl" --as-of $ASOF -j 2 -o "$tmp/report.out"
    want_rc 3
    want_match err "absent.jsonl"
    want_match err "^$tmp/mixed.jsonl:301:.*employees"
    [ -e "$tmp/report.out" ] && problem "a report of part of the population was written"
    run $cmd "$tmp/valid600.jsonl" "$tmp/absent.jsonl" --as-of $ASOF -j 2
    want_rc 2
    end
done
# more than the messages shown: the rest counted, never dropped without a word
awk 'NR <= 400 { print } NR % 10 == 0 && NR <= 400 { print "{\"id\": \"x" NR "\", \"name\": \"x\", \"employees\": -1}" }' \
    "$tmp/pop.jsonl" >"$tmp/many-bad.jsonl"
for cmd in "whatif --scenario $S" "near"; do
    begin "${cmd%% *}: 40 records not valid, 20 messages shown (one a record), 20 counted"
    run $cmd "$tmp/many-bad.jsonl" --as-of $ASOF -j 2 --lang zh
    want_rc 3
    want_eq "messages shown" "$(grep -c '^[^ ]*many-bad.jsonl:[0-9]*:[0-9]*: 错误' "$tmp/err")" 20
    want_line err "calc: 错误：另有 20 条记录无效，未逐条列出其问题（共 40 条无效记录）"
    want_line err "calc: 提示：calc batch 会逐条写出每条记录及其问题"
    run $cmd "$tmp/many-bad.jsonl" --as-of $ASOF -j 2 --lang en
    want_line err "calc: error: 20 more records are not valid, their problems not shown (40 not valid in all)"
    end
done

# --within: a percentage, not negative, at most two decimals; anything else named, in both
# languages, with the value given (it once said only "expected a percentage")
for w in -5% 5 "20 %" 1.5万% 0.001% abc; do
    begin "near --within '$w' is refused with the value named"
    run near "$tmp/valid600.jsonl" --within "$w" --as-of $ASOF --lang en
    want_rc 2
    want_line err "--within: error: expected a distance as a percentage of the threshold, not negative, with at most two decimals and the % sign; got '$w'"
    want_line err "--within: note: e.g. --within 20%, --within 12.5%"
    run near "$tmp/valid600.jsonl" --within "$w" --as-of $ASOF --lang zh
    want_line err "--within: 错误：应为距门槛的百分比：不为负数，至多两位小数，并带 % 号；实际为“$w”"
    want_empty out
    end
done
begin "near --within 0% and 150%: accepted (a value below zero can be more than 100% from its threshold)"
run near "$tmp/valid600.jsonl" --within 0% --as-of $ASOF
want_rc 0
run near "$tmp/valid600.jsonl" --within 150% --as-of $ASOF
want_rc 0
end

# CSV and YAML populations: their rows and documents only cut by the reader and parsed by the
# workers (-j 3), as at -j 1 where the reader parses them; the same bytes, and the same results
# as the JSON Lines they were made from
cc -O1 -o "$tmp/tocsv" tests/bench/tocsv.c -lyajl 2>"$tmp/cc.err" ||
    { fail "tocsv builds" "$(cat "$tmp/cc.err")"; finish; }
head -n 1000 "$tmp/pop.jsonl" >"$tmp/k.jsonl"
"$tmp/tocsv" "$tmp/k.jsonl" >"$tmp/k.csv"
awk '{ print "---"; print }' "$tmp/k.jsonl" >"$tmp/k.yaml"
# with rows that are not valid between chunks: a cell too many, a bad number, an open quote
awk -F, 'NR == 1 { print; next } NR % 97 == 0 { print $0 ",extra"; next }
         NR == 300 { print "\"open," $0; next } { print }' "$tmp/k.csv" >"$tmp/kbad.csv"
awk 'NR % 90 == 0 { print "  bad: [open"; next } { print }' "$tmp/k.yaml" >"$tmp/kbad.yaml"
for f in k.csv k.yaml kbad.csv kbad.yaml; do
    same "whatif, $f" whatif "$tmp/$f" --scenario $S --as-of $ASOF
    same "near, $f" near "$tmp/$f" --as-of $ASOF --format json
done
for f in k.csv k.yaml; do
    for cmd in "whatif --scenario $S" "near"; do
        begin "${cmd%% *} of $f at -j 3: the results of the JSON Lines"
        run $cmd "$tmp/k.jsonl" --as-of $ASOF -j 3
        cp "$tmp/out" "$tmp/out.jsonl"
        run $cmd "$tmp/$f" --as-of $ASOF -j 3
        want_rc 0
        want_same "results" "$tmp/out.jsonl" "$tmp/out"
        end
    done
done

# ---- who cannot be near, at the boundary (sc25-rd-subsidy: R&D >= ¥1,000,000, 10%) ----
# Generated profiles made to meet every condition of sc25-rd-subsidy but the R&D expense:
#   RD-5   950,000.00: (1,000,000 - 950,000) / 1,000,000 =  5.00%
#   RD-20  800,000.00: (1,000,000 - 800,000) / 1,000,000 = 20.00%
#   RD-21  790,000.00: (1,000,000 - 790,000) / 1,000,000 = 21.00%
#   RD-FIN 950,000.00 in industry finance, not a technology industry: a fact, never near
# each would bring 10% of ¥1,000,000.00 = ¥100,000.00 (no major project).
rd_profile() { # ID RD INDUSTRY
    head -n 1 "$tmp/pop.jsonl" | jq -c --arg id "$1" --arg rd "$2" --arg ind "$3" \
        '.id = $id | .district = "上城区" | .tax_district = "上城区" | .industry = $ind
         | .finance.year = 2024 | .finance.rd_expense = $rd | .rd.major_project = false'
}
{ rd_profile RD-5 950000.00 ai; rd_profile RD-20 800000.00 ai; rd_profile RD-21 790000.00 ai
  rd_profile RD-FIN 950000.00 finance; } >"$tmp/rd.jsonl"
RD='.[] | select(.policy == "sc25-rd-subsidy") | "\(.profile) \(.now) \(.needed) \(.distance) \(.amount)"'
for w in 19.99% 20% 21%; do
    begin "near --within $w: the R&D threshold's distances, by hand"
    run near "$tmp/rd.jsonl" --within $w --as-of $ASOF --format json -j 2
    want_rc 0
    jq -rs "$RD" "$tmp/out" >"$tmp/got.rd" 2>&1
    {
        echo "RD-5 950000.00 1000000.00 5.00% 100000.00"
        [ $w = 19.99% ] || echo "RD-20 800000.00 1000000.00 20.00% 100000.00"
        [ $w = 21% ] && echo "RD-21 790000.00 1000000.00 21.00% 100000.00"
    } >"$tmp/exp.rd"
    want_same "sc25-rd-subsidy near misses" "$tmp/exp.rd" "$tmp/got.rd"
    end
done

finish
