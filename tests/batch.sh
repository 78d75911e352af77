#!/bin/sh
# batch.sh — `calc batch` and `calc allocate` end to end over a population in which every budget
# pool of the default policy set binds (tests/data/batch/, expectations hand-computed from the
# policy book in expected.txt and bad-expected.txt). Run from the repository root:
# BUILD=build sh tests/batch.sh. Set CALC_WRAP to run calc under a wrapper. Prints one line per
# check ("PASS name" / "FAIL name", details indented below a failure) and ends with
# "N passed, N failed"; exits 1 when a check failed. Checks named "[bug]" test the correct
# behaviour of a known calc bug and fail until it is fixed.
. tests/lib.sh
need_calc
# the population and tables below are book 1's (tests/data/book1-set.yaml)
book1_set "$tmp/book1"
CALC_POLICIES="$tmp/book1"
export CALC_POLICIES
need jq
D=tests/data/batch
EXP="$D/expected.txt"
BADEXP="$D/bad-expected.txt"
ASOF=2025-06-30

# want_lines WHAT EXPECTED ACTUAL: every line of EXPECTED is a line of ACTUAL; for each missing
# one, shows the actual line with the same key (the first two words, three for "record").
want_lines() {
    grep -Fxv -f "$3" "$2" >"$tmp/missing"
    if [ -s "$tmp/missing" ]; then
        problem "$1: $(wc -l <"$tmp/missing" | tr -d ' ') expected line(s) not found:"
        problem "$(head -n 8 "$tmp/missing" | while IFS= read -r l; do
            echo "- $l"
            awk -v l="$l" 'BEGIN { n = split(l, w, " "); k = w[1] " " w[2]
                                   if (w[1] == "record" || w[1] == "nopools") k = k " " w[3] }
                           { split($0, v, " "); j = v[1] " " v[2]
                             if (v[1] == "record" || v[1] == "nopools") j = j " " v[3]
                             if (j == k) { print "+ " $0; exit } }' "$3"
        done)"
    fi
}
# expect PREFIX: the non-comment lines of expected.txt starting with PREFIX.
expect() {
    grep -v '^#' "$EXP" | grep "^$1" || true
}
# bad_expect FORMAT WHAT: the lines of bad-expected.txt for FORMAT and WHAT, without them.
bad_expect() {
    grep "^$1 $2 " "$BADEXP" | sed "s/^$1 $2 //"
}

# ---- projections of calc's output onto the lines of the expectation files ----
RECORDS='if .error then "error record \(.record)" else .profile as $id | .totals as $t
  | .results[] | select(.pool)
  | "record \($id) \(.policy) \(.status) \(.amount) \(.quantity // "-") \($t.cash) \($t.in_kind) \(.amount_before_pool // "-") \(.quantity_before_pool // "-")"
  end'
SUMMARY='"records read \(.records.read) evaluated \(.records.evaluated) rejected \(.records.rejected)",
  (.pools | to_entries[] | .key as $k | .value
   | "pool \($k) claims \(.claims) claimed \(.claimed) granted \(.granted) remaining \(.remaining) factor \(.factor // "-") ran_out_at \(if .ran_out_at then "\(.ran_out_at.applied // "null")/\(.ran_out_at.id)" else "-" end) served \(.served) partly \(.partly_served) turned_away \(.turned_away) unmet \(.unmet)"),
  (.policies | to_entries[] | .key as $k | .value
   | "policy \($k) eligible \(.eligible) ineligible \(.ineligible) pool_exhausted \(.pool_exhausted // "-") partly_served \(.partly_served // "-") needs_data \(.needs_data) granted \(.granted) quantity \(.quantity // "-")"),
  "totals cash \(.totals.cash) in_kind \(.totals.in_kind)"'
SHORT_POOLS='(.pools | to_entries[] | .key as $k | .value
   | "pool \($k) claims \(.claims) claimed \(.claimed) granted \(.granted)")'
BAD_RESULTS='if .error then "error record \(.record) line \(.line) file \(.file)"
  else "ok \(.profile) cash \(.totals.cash) in_kind \(.totals.in_kind)" end'

P="$D/population"
# The reference run: the population as JSON Lines, pools applied.
run batch "$P.jsonl" --as-of $ASOF -q -o "$tmp/pop.jsonl" --summary "$tmp/pop.sum"
pop_rc=$rc
cp "$tmp/err" "$tmp/pop.err"
jq -r "$RECORDS" "$tmp/pop.jsonl" >"$tmp/pop.rec" 2>"$tmp/jq.err"
jq -r "$SUMMARY" "$tmp/pop.sum" >"$tmp/pop.srec" 2>>"$tmp/jq.err"

# Ensure the population runs cleanly: exit 0, nothing on stderr with -q, one line per record.
begin "population: exit 0, quiet, 395 result lines"
rc=$pop_rc
want_rc 0
[ -s "$tmp/pop.err" ] && problem "stderr: $(head -n 3 "$tmp/pop.err")"
want_eq "result lines" "$(wc -l <"$tmp/pop.jsonl" | tr -d ' ')" 395
[ -s "$tmp/jq.err" ] && problem "output is not JSON: $(head -n 2 "$tmp/jq.err")"
end

# Ensure every record's pooled result (status, amount, quantity, totals, *_before_pool) is the
# hand-computed one: pro-rata shares, first-come grants, partial boundary grants, exhaustion.
begin "pools: per-record status, amount, quantity, totals and before-pool keys (395 records)"
expect 'record ' >"$tmp/exp.rec"
want_eq "expected records" "$(wc -l <"$tmp/exp.rec" | tr -d ' ')" 395
want_lines "records" "$tmp/exp.rec" "$tmp/pop.rec"
end

# Ensure results come in input order (allocation order differs: applied date, then id).
begin "pools: results in input order"
awk '{ print $2 }' "$tmp/exp.rec" >"$tmp/exp.ids"
jq -r '.profile // "error"' "$tmp/pop.jsonl" >"$tmp/got.ids"
want_same "ids in order" "$tmp/exp.ids" "$tmp/got.ids"
end

# Ensure a claim the pool ran out for is ineligible with exactly one added reason naming the
# pool, and that no other claim carries it.
begin "pools: exhausted claims get the reason 'pool exhausted' naming their pool (9 claims)"
got=$(jq -r '.profile as $id | .results[] | select(.reasons | map(.name == "pool exhausted") | any)
  | "\($id) \(.status) \(.reasons | map(select(.name == "pool exhausted")) | length) \(.reasons[-1] | [.field, .actual, .required, .result] | join(","))"' \
    "$tmp/pop.jsonl" | sort)
want=$(awk '$1 == "record" && $4 == "ineligible" && $9 != "-" {
        pool = $3 == "sc25-talent-apartment" ? "sc25-apartments" : $3 == "sc25-free-office" ? "sc25-office-space" : "qj20-incubator-space"
        print $2 " ineligible 1 " pool ",0,> 0,fail" }' "$tmp/exp.rec" | sort)
want_eq "exhausted claims" "$got" "$want"
want_eq "number of exhausted claims" "$(echo "$want" | wc -l | tr -d ' ')" 9
end

# Ensure each pool's summary: claims, claimed, granted, pro-rata factor and the first-come
# ran_out_at (applied date or null, and id). "remaining" is checked below.
sed 's/ remaining [^ ]*//' "$tmp/pop.srec" >"$tmp/pop.srec-r"
for pool in sc25-commerce sc25-apartments sc25-office-space qj20-incubator-space; do
    begin "summary: pool $pool"
    expect "pool $pool " | sed 's/ remaining [^ ]*//' >"$tmp/exp.pool"
    want_lines "pool" "$tmp/exp.pool" "$tmp/pop.srec-r"
    end
done

# Ensure every pool's remaining is size - granted: 0.01 for the commerce pool, where the
# pro-rata floors lose one fen, and 0 for the first-come pools; and, when the pool does not
# bind (bad.jsonl: one claim of 500,000.01), 126,000,000.00 - 500,000.01 = 125,499,999.99.
# (A regression test: write_summary once formatted size and remaining into one buffer.)
begin "summary: remaining = size - granted, binding or not"
expect 'pool ' | awk '{ print $2, $10 }' >"$tmp/exp.rem"
jq -r '.pools | to_entries[] | "\(.key) \(.value.remaining)"' "$tmp/pop.sum" >"$tmp/got.rem"
want_same "remaining (population)" "$tmp/exp.rem" "$tmp/got.rem"
run batch "$D/bad.jsonl" --as-of $ASOF -q --summary "$tmp/bad1.sum"
want_eq "remaining (bad.jsonl)" "$(jq -r '.pools["sc25-commerce"].remaining' "$tmp/bad1.sum")" \
    125499999.99
end

# Ensure ran_out_at names a long multibyte id whole, and the summary stays valid UTF-8.
# Known calc bug: pool_stat.ran_out_id is a char[128], cut at 127 bytes mid-character.
begin "summary: ran_out_at keeps a long multibyte id whole"
run batch "$D/long-id.jsonl" --as-of $ASOF -q --summary "$tmp/long.sum"
want_rc 0
expect 'longid ' | sed 's/^longid //' >"$tmp/exp.long"
jq -r "$SUMMARY" "$tmp/long.sum" >"$tmp/got.long" 2>&1
want_lines "pool" "$tmp/exp.long" "$tmp/got.long"
if command -v iconv >/dev/null 2>&1 && ! iconv -f UTF-8 -t UTF-8 "$tmp/long.sum" >/dev/null 2>&1
then
    problem "the summary is not valid UTF-8"
fi
end

# Ensure the summary's record counts and the pooled policies' status counts after the pools
# (exhausted claims count as ineligible), granted amounts and quantities.
begin "summary: records and pooled policies (counts, granted, quantity)"
expect 'records ' >"$tmp/exp.pol"
expect 'policy ' >>"$tmp/exp.pol"
want_lines "summary" "$tmp/exp.pol" "$tmp/pop.srec"
end

# Ensure the summary totals are the granted cash and in-kind values after the pools.
begin "summary: totals after the pools"
expect 'totals ' >"$tmp/exp.tot"
want_lines "totals" "$tmp/exp.tot" "$tmp/pop.srec"
end

# Ensure a YAML stream of the same records gives byte-identical results and summary.
begin "formats: YAML stream == JSON Lines (results and summary)"
run batch "$P.yaml" --as-of $ASOF -q -o "$tmp/yaml.jsonl" --summary "$tmp/yaml.sum"
want_rc 0
want_same "results" "$tmp/pop.jsonl" "$tmp/yaml.jsonl"
want_same "summaries" "$tmp/pop.sum" "$tmp/yaml.sum"
end

# Ensure CSV (dotted header, stores[i].x columns, ';' lists, empty = absent) gives
# byte-identical results and summary.
begin "formats: CSV == JSON Lines (results and summary)"
run batch "$P.csv" --as-of $ASOF -q -o "$tmp/csv.jsonl" --summary "$tmp/csv.sum"
want_rc 0
want_same "results" "$tmp/pop.jsonl" "$tmp/csv.jsonl"
want_same "summaries" "$tmp/pop.sum" "$tmp/csv.sum"
end

# Ensure stdin with --input-format yaml reads the stream like the file.
begin "formats: - with --input-format yaml == the file"
run batch - --input-format yaml --as-of $ASOF -q <"$P.yaml"
want_rc 0
want_same "results" "$tmp/pop.jsonl" "$tmp/out"
end

# Ensure -j 1 and -j 2 (chunks of 3 x 128 + 11 records evaluated in parallel) are byte-identical.
begin "jobs: -j 1 and -j 2 byte-identical (results and summary)"
run batch "$P.jsonl" --as-of $ASOF -q -j 1 -o "$tmp/j1.jsonl" --summary "$tmp/j1.sum"
want_rc 0
run batch "$P.jsonl" --as-of $ASOF -q -j 2 -o "$tmp/j2.jsonl" --summary "$tmp/j2.sum"
want_rc 0
want_same "results" "$tmp/j1.jsonl" "$tmp/j2.jsonl"
want_same "summaries" "$tmp/j1.sum" "$tmp/j2.sum"
want_same "results (-j 1 and the default)" "$tmp/pop.jsonl" "$tmp/j1.jsonl"
end

# Ensure chunks are written in input order even when they finish out of order: a population
# of 6 x 395 records (19 chunks of 128) whose first 64 records are slow under a copy of the
# set with tests/data/batch/slow-first/zz-slow-first.lua (a few ms each, the others about
# 15 µs), so that with -j 4 the chunks behind the first are done long before it; -j 4
# must give the bytes of -j 1, with and without pools, in JSON Lines and CSV.
begin "jobs: -j 4 with a slow first chunk == -j 1 (chunks finished out of order)"
mkdir -p "$tmp/slowset"
cp -R policies/. "$tmp/slowset/"
cp "$D/slow-first/zz-slow-first.lua" "$tmp/slowset/"
for k in 0 1 2 3 4 5; do
    jq -c --argjson k $k 'input_line_number as $n
      | .id = (if $k == 0 and $n <= 64 then "SLOW-" + .id else .id + "-\($k)" end)' "$P.jsonl"
done >"$tmp/slow.jsonl"
want_eq "records" "$(wc -l <"$tmp/slow.jsonl" | tr -d ' ')" 2370
for mode in pools no-pools; do
    flag=""
    [ $mode = no-pools ] && flag=--no-pools
    run batch "$tmp/slow.jsonl" --policies "$tmp/slowset" --as-of $ASOF -q $flag -j 1 \
        -o "$tmp/slow1.jsonl" --summary "$tmp/slow1.sum"
    want_rc 0
    run batch "$tmp/slow.jsonl" --policies "$tmp/slowset" --as-of $ASOF -q $flag -j 4 \
        -o "$tmp/slow4.jsonl" --summary "$tmp/slow4.sum"
    want_rc 0
    want_same "results ($mode)" "$tmp/slow1.jsonl" "$tmp/slow4.jsonl"
    want_same "summaries ($mode)" "$tmp/slow1.sum" "$tmp/slow4.sum"
done
jq -r .id "$tmp/slow.jsonl" >"$tmp/slow.ids"
jq -r .profile "$tmp/slow4.jsonl" >"$tmp/slow4.ids" 2>&1
want_same "ids in input order" "$tmp/slow.ids" "$tmp/slow4.ids"
want_eq "the slow policy's grant on the last record" \
    "$(tail -n 1 "$tmp/slow4.jsonl" | jq -r '.results[] | select(.policy == "zz-slow-first") | "\(.status) \(.amount)"' 2>&1)" \
    "eligible 1.00"
run batch "$tmp/slow.jsonl" --policies "$tmp/slowset" --as-of $ASOF -q --format csv -j 1 \
    -o "$tmp/slow1.csv"
run batch "$tmp/slow.jsonl" --policies "$tmp/slowset" --as-of $ASOF -q --format csv -j 4 \
    -o "$tmp/slow4.csv"
want_rc 0
want_same "CSV" "$tmp/slow1.csv" "$tmp/slow4.csv"
end

# Ensure --explain with pools (a partial in-kind grant recomputes its value after every
# record was evaluated) gives the same statuses and amounts, with the conditions added.
begin "pools: --explain gives the same grants, with every condition"
run batch "$P.jsonl" --as-of $ASOF -q -j 2 --explain
want_rc 0
jq -c '[.profile, [.results[] | [.policy, .status, .amount, .quantity]]]' "$tmp/out" \
    >"$tmp/explain.grants"
jq -c '[.profile, [.results[] | [.policy, .status, .amount, .quantity]]]' "$tmp/j1.jsonl" \
    >"$tmp/plain.grants"
want_same "grants" "$tmp/plain.grants" "$tmp/explain.grants"
want_eq "records with conditions" "$(jq -s '[.[] | select(.results[0].conditions)] | length' \
    "$tmp/out")" 395
end

# Ensure --no-eval (the benchmark's I/O floor) reads and validates every record, with or without
# pools, and writes each line as a full run would without what evaluation gives (results and
# totals): the same ids, fingerprints and applied dates, the same error records; exit 3.
begin "--no-eval: each line as a full run's without results and totals, errors in place"
run batch "$D/bad.jsonl" --as-of $ASOF -q --no-eval -j 2
want_rc 3
jq -c . "$tmp/out" >"$tmp/noeval.got" 2>&1
run batch "$D/bad.jsonl" --as-of $ASOF -q
jq -c 'del(.results, .totals)' "$tmp/out" >"$tmp/noeval.want" 2>&1
want_same "bad.jsonl lines" "$tmp/noeval.want" "$tmp/noeval.got"
run batch "$P.jsonl" --as-of $ASOF -q --no-eval --no-pools -o "$tmp/noeval1.jsonl"
want_rc 0
run batch "$P.jsonl" --as-of $ASOF -q --no-eval -o "$tmp/noeval2.jsonl"
want_rc 0
want_same "with and without the passes of pools" "$tmp/noeval1.jsonl" "$tmp/noeval2.jsonl"
jq -c . "$tmp/noeval2.jsonl" >"$tmp/noeval.got" 2>&1
jq -c 'del(.results, .totals)' "$tmp/j1.jsonl" >"$tmp/noeval.want" 2>&1
want_same "population lines" "$tmp/noeval.want" "$tmp/noeval.got"
end

# Ensure pass 2 gives the same results when it cannot use the profiles pass 1 kept (no
# writable temporary directory): it parses the records again.
begin "pools: without a spill file the records are parsed again, same results"
TMPDIR=$tmp/none run batch "$P.jsonl" --as-of $ASOF -q -j 2 -o "$tmp/nospill.jsonl"
want_rc 0
want_same "results" "$tmp/j1.jsonl" "$tmp/nospill.jsonl"
end

# ---- bad records in the middle of a stream ----
for fmt in jsonl yaml csv; do
    run batch "$D/bad.$fmt" --as-of $ASOF --summary "$tmp/bad.sum"
    cp "$tmp/out" "$tmp/bad.out"
    cp "$tmp/err" "$tmp/bad.err"
    bad_rc=$rc
    # Ensure bad records become error records with their record and line numbers while every
    # other record is evaluated, and the run exits 3.
    begin "bad records ($fmt): error records in place, the rest evaluated, exit 3"
    rc=$bad_rc
    want_rc 3
    bad_expect $fmt result >"$tmp/exp.bad"
    jq -r "$BAD_RESULTS" "$tmp/bad.out" >"$tmp/got.bad" 2>&1
    want_same "result lines" "$tmp/exp.bad" "$tmp/got.bad"
    bad_expect $fmt stderr >"$tmp/exp.badstderr"
    want_lines "stderr" "$tmp/exp.badstderr" "$tmp/bad.err"
    end
    # Ensure the error records' messages (position, field path, text) are exact.
    # Known calc bug for jsonl: the column of a JSON string value is not that of its opening
    # quote (expected 5:196).
    mark=""
    [ $fmt = jsonl ] && mark=""
    begin "${mark}bad records ($fmt): error messages and positions"
    bad_expect $fmt message >"$tmp/exp.msg"
    jq -r 'select(.error) | "\(.record) \(.error)"' "$tmp/bad.out" >"$tmp/got.msg" 2>&1
    want_same "messages" "$tmp/exp.msg" "$tmp/got.msg"
    end
    # Ensure the summary counts read / evaluated / rejected and that rejected records (the
    # duplicate id) claim nothing from the pools.
    begin "bad records ($fmt): summary counts; rejected records claim nothing"
    bad_expect $fmt summary >"$tmp/exp.badsum"
    { jq -r '"records read \(.records.read) evaluated \(.records.evaluated) rejected \(.records.rejected)"' "$tmp/bad.sum"
      jq -r "$SHORT_POOLS" "$tmp/bad.sum"; } >"$tmp/got.badsum" 2>&1
    want_lines "summary" "$tmp/exp.badsum" "$tmp/got.badsum"
    end
done

# ---- map/reduce: three shards evaluated without pools, allocated in order ----
sed -n '1,130p' "$P.jsonl" >"$tmp/shard1.jsonl"
sed -n '131,260p' "$P.jsonl" >"$tmp/shard2.jsonl"
sed -n '261,$p' "$P.jsonl" >"$tmp/shard3.jsonl"
shard_rc=0
for i in 1 2 3; do
    run batch "$tmp/shard$i.jsonl" --no-pools --as-of $ASOF -q -o "$tmp/res$i.jsonl"
    [ "$rc" = 0 ] || shard_rc=$rc
done

# Ensure allocating the three shards' results in order writes the single run's lines.
begin "map/reduce: allocate of 3 --no-pools shards == the single run, byte for byte"
rc=$shard_rc
want_rc 0
run allocate "$tmp/res1.jsonl" "$tmp/res2.jsonl" "$tmp/res3.jsonl" --as-of $ASOF -q \
    -o "$tmp/reduced.jsonl" --summary "$tmp/reduced.sum"
want_rc 0
want_same "results" "$tmp/pop.jsonl" "$tmp/reduced.jsonl"
end

# Ensure allocate's summary equals the single run's (records, statuses, pools, totals).
begin "map/reduce: allocate's summary == the single run's"
want_same "summaries" "$tmp/pop.sum" "$tmp/reduced.sum"
end

# Ensure allocate dates its summary by the results it reduces, not by today (no --as-of).
begin "map/reduce: allocate without --as-of keeps the results' as_of in the summary"
run allocate "$tmp/res1.jsonl" "$tmp/res2.jsonl" "$tmp/res3.jsonl" -q -o "$tmp/out2" \
    --summary "$tmp/noasof.sum"
want_rc 0
want_eq "summary as_of" "$(jq -r .as_of "$tmp/noasof.sum" 2>&1)" "$ASOF"
end

# A shard 3 whose 11th record repeats the 5th record of shard 1 (INC-033): global record 271.
dup_id=$(sed -n 5p "$P.jsonl" | jq -r .id)
{ sed -n '261,270p' "$P.jsonl"; sed -n 5p "$P.jsonl"; sed -n '271,$p' "$P.jsonl"; } \
    >"$tmp/shard3d.jsonl"
run batch "$tmp/shard3d.jsonl" --no-pools --as-of $ASOF -q -o "$tmp/res3d.jsonl"
dshard_rc=$rc
run allocate "$tmp/res1.jsonl" "$tmp/res2.jsonl" "$tmp/res3d.jsonl" --as-of $ASOF -q \
    -o "$tmp/dup.jsonl" --summary "$tmp/dup.sum"
cp "$tmp/err" "$tmp/dup.err"
dup_rc=$rc

# Ensure allocate detects a duplicate id across shards: exit 3, an error record at record 271,
# every other line as in the single run (the duplicate claims nothing), the first one kept.
begin "map/reduce: a duplicate id across shards is rejected by allocate (exit 3)"
want_eq "duplicated id" "$dup_id" INC-033
rc=$dshard_rc
want_rc 0
rc=$dup_rc
want_rc 3
want_eq "line 271" "$(sed -n 271p "$tmp/dup.jsonl" | jq -c '[.record, (.error | type)]' 2>&1)" \
    '[271,"string"]'
sed 271d "$tmp/dup.jsonl" >"$tmp/dup.rest"
want_same "the other lines and the single run's" "$tmp/pop.jsonl" "$tmp/dup.rest"
want_eq "summary records" "$(jq -c .records "$tmp/dup.sum" 2>&1)" \
    '{"read":396,"evaluated":395,"rejected":1}'
want_eq "summary pools" "$(jq -c .pools "$tmp/dup.sum" 2>&1)" "$(jq -c .pools "$tmp/pop.sum")"
grep -Fxq "$tmp/res3d.jsonl:11: error: duplicate id 'INC-033' (first seen in record 5)" \
    "$tmp/dup.err" || problem "stderr: $(head -n 2 "$tmp/dup.err")"
end

# Ensure allocate's duplicate error record follows the bad-record contract of batch:
# {"record": N, "line": L, "file": F, "error": "duplicate id 'X' (first seen in record M)",
#  "error_zh": the same in Chinese}.
begin "map/reduce: allocate's duplicate record has line, file and the id like batch's"
want_eq "line 271" "$(sed -n 271p "$tmp/dup.jsonl")" \
    "{\"record\": 271, \"line\": 11, \"file\": \"$tmp/res3d.jsonl\", \"error\": \"duplicate id 'INC-033' (first seen in record 5)\", \"error_zh\": \"id“INC-033”重复（第一次出现在第 5 条记录）\"}"
end

# ---- --no-pools ----
run batch "$P.jsonl" --no-pools --as-of $ASOF -q -o "$tmp/np.jsonl" --summary "$tmp/np.sum"
np_rc=$rc
# Ensure --no-pools writes every claim as evaluated: eligible, full amount and quantity, its
# totals, and no *_before_pool keys.
begin "--no-pools: claims unallocated (status, amount, quantity, totals, no before keys)"
rc=$np_rc
want_rc 0
# record ID POLICY STATUS AMOUNT QUANTITY CASH IN_KIND BEFORE_AMOUNT BEFORE_QUANTITY
awk '$1 == "record" {
       if ($9 != "-") {
           $4 = "eligible"; $5 = $9; if ($10 != "-") $6 = $10
           if ($3 == "sc25-first-store") { $7 = $9; $8 = "0.00" } else { $7 = "0.00"; $8 = $9 }
           $9 = "-"; $10 = "-"
       }
       print }' "$tmp/exp.rec" >"$tmp/exp.np"
jq -r "$RECORDS" "$tmp/np.jsonl" >"$tmp/got.np" 2>&1
want_lines "records" "$tmp/exp.np" "$tmp/got.np"
n=$(grep -c '_before_pool' "$tmp/np.jsonl")
want_eq "lines with a *_before_pool key" "$n" 0
end

# Ensure the --no-pools summary has no pools and counts every claim as granted.
begin "--no-pools: summary without pools, claims counted in full"
want_eq "pools" "$(jq -c .pools "$tmp/np.sum" 2>&1)" '{}'
jq -r "$SUMMARY" "$tmp/np.sum" 2>&1 | sed 's/^/nopools /' >"$tmp/got.npsum"
expect 'nopools ' >"$tmp/exp.npsum"
want_lines "summary" "$tmp/exp.npsum" "$tmp/got.npsum"
end

# ---- a pooled batch, recorded and replayed ----
# A case file holds one profile, and replay evaluates it alone (no population, so no pools):
# case files cannot express a pooled batch. What can be checked: the pooled run's lines carry
# the fingerprints that fix what produced them, the reduce step re-derives the recorded lines
# from the claims, and a case recorded from a pooled record holds (and replays) the claim, not
# the grant. Five records the pools changed, one of each kind (expected.txt):
#   FS-001 pro rata, INC-U-B a partial first-come grant, INC-U-C exhausted,
#   APT-alpha and OFF-zz-last the boundary claims of the apartments and office-space pools.
POOLED="FS-001 INC-U-B INC-U-C APT-alpha OFF-zz-last"
for id in $POOLED; do
    jq -c --arg id "$id" 'select(.id == $id)' "$P.jsonl" >"$tmp/rec-$id.json"
done

# Ensure every line of the recorded pooled run names the policy set and as_of it was made with
# and its own profile's fingerprint (pool rewrites keep them), and that allocate over the
# claims of a --no-pools run with -j 4 replays the recorded bytes.
begin "pools recorded: fingerprints on every pooled line; allocate of the claims replays them"
setfp=$("$CALC" fingerprint | sed -n 's/^policy set  \(sha256:[0-9a-f]*\) .*/\1/p')
n=$(jq -r --arg fp "$setfp" --arg d $ASOF \
    'select(.fingerprint.policy_set != $fp or .fingerprint.as_of != $d) | .profile' \
    "$tmp/pop.jsonl" 2>&1 | wc -l | tr -d ' ')
want_eq "lines without the set's fingerprint ($setfp) or as_of" "$n" 0
for id in $POOLED; do
    want=$("$CALC" fingerprint "$tmp/rec-$id.json" | sed -n 's/^profile     \(sha256:[0-9a-f]*\) .*/\1/p')
    got=$(jq -r --arg id "$id" 'select(.profile == $id) | "\(.fingerprint.profile) \(.results | map(select(.amount_before_pool)) | length)"' "$tmp/pop.jsonl")
    want_eq "$id: profile fingerprint, pooled results" "$got" "$want 1"
done
run batch "$P.jsonl" --no-pools --as-of $ASOF -q -j 4 -o "$tmp/claims.jsonl"
want_rc 0
run allocate "$tmp/claims.jsonl" -q -o "$tmp/replayed.jsonl"
want_rc 0
want_same "recorded and replayed lines" "$tmp/pop.jsonl" "$tmp/replayed.jsonl"
end

# Ensure replay checks a pooled record's profile as a single evaluation: the case calc record
# writes for it replays PASS, and a case that expects the pooled grant (expected.txt) fails,
# naming the claim, the amount before the pool — replay cannot check a pool's grant.
begin "pools replayed per record: a case holds the claim, not the grant (replay applies no pools)"
for id in $POOLED; do
    line=$(expect "record $id ")
    set -- $line
    pol=$3 st=$4 amt=$5 before=$9
    run record "$tmp/rec-$id.json" --as-of $ASOF -o "$tmp/case-$id.yaml"
    want_rc 0
    run replay "$tmp/case-$id.yaml"
    want_rc 0
    cat >"$tmp/grant-$id.yaml" <<C
- name: $id, the pooled grant
  as_of: $ASOF
  profile: rec-$id.json
  output:
    $pol: {status: $st, amount: "$amt"}
C
    run replay "$tmp/grant-$id.yaml"
    want_rc 1
    grep -Fxq "    $pol.amount: expected $amt, got $before" "$tmp/out" ||
        problem "$id: replay did not report '$pol.amount: expected $amt, got $before': $(sed -n 2,3p "$tmp/out")"
done
end

# ---- CSV output ----
run batch "$P.jsonl" --format csv --as-of $ASOF -q -o "$tmp/pop.csv"
csv_rc=$rc
# Ensure --format csv writes a header and one CRLF row per record × policy (395 × 13).
begin "--format csv: header and one row per record x policy"
rc=$csv_rc
want_rc 0
want_eq "header" "$(head -n 1 "$tmp/pop.csv")" \
    "$(printf 'profile,as_of,policy,status,kind,amount,quantity,unit,missing,reasons,detail,superseded_by,amount_before_cap,error,name,title,status_text,amount_before_pool,reasons_text\r')"
want_eq "rows" "$(wc -l <"$tmp/pop.csv" | tr -d ' ')" $((1 + 395 * 13))
n=$(grep -c "$(printf '\r')\$" "$tmp/pop.csv")
want_eq "rows ending in CRLF" "$n" $((1 + 395 * 13))
n=$(tail -n +2 "$tmp/pop.csv" | cut -d, -f1 | uniq | wc -l | tr -d ' ')
want_eq "runs of rows per record" "$n" 395
end

# Ensure the pooled rows of the boundary records carry the pooled status and amounts, and in
# words the name, the title, what the pool did, the claim before it and the reasons.
begin "--format csv: pooled rows of the boundary records"
expect 'csv ' | sed 's/^csv //; s/$/\r/' >"$tmp/exp.csvrows"
want_lines "rows" "$tmp/exp.csvrows" "$tmp/pop.csv"
run batch "$P.jsonl" --format csv --as-of $ASOF -q --lang en -o "$tmp/pop-en.csv"
want_rc 0
expect 'csven ' | sed 's/^csven //; s/$/\r/' >"$tmp/exp.csvrows"
want_lines "rows (--lang en)" "$tmp/exp.csvrows" "$tmp/pop-en.csv"
end

# Ensure calc allocate writes the same CSV as the single run, words included: it makes the rows
# from the result lines, which carry the enterprise's name.
begin "--format csv: allocate of 3 --no-pools shards == the single run's CSV"
run allocate "$tmp/res1.jsonl" "$tmp/res2.jsonl" "$tmp/res3.jsonl" -q --format csv \
    -o "$tmp/reduced.csv"
want_rc 0
want_same "CSV" "$tmp/pop.csv" "$tmp/reduced.csv"
want_eq "the lines' names" "$(jq -r 'select(.profile == "APT-beta") | .name' "$tmp/pop.jsonl")" \
    公寓企业beta
end

# Ensure --excel starts with a UTF-8 BOM followed by exactly the plain CSV.
begin "--format csv --excel: UTF-8 BOM, then the same bytes"
run batch "$P.jsonl" --format csv --excel --as-of $ASOF -q -o "$tmp/excel.csv"
want_rc 0
want_eq "first bytes" "$(od -An -tx1 -N3 "$tmp/excel.csv" | tr -d ' ')" efbbbf
tail -c +4 "$tmp/excel.csv" >"$tmp/excel.rest"
want_same "after the BOM" "$tmp/pop.csv" "$tmp/excel.rest"
end

# Ensure a bad record is one CSV row with status "invalid", its record/line and its error.
begin "--format csv: a bad record is an 'invalid' row"
run batch "$D/bad.csv" --format csv --as-of $ASOF -q
want_rc 3
want_eq "row of record 3" "$(grep '^record 3 ' "$tmp/out")" \
    "$(printf "record 3 line 4,,,invalid,,,,,,,,,,duplicate id 'BADC-1' (first seen in record 1),,,无效记录,,id“BADC-1”重复（第一次出现在第 1 条记录）\r")"
want_eq "rows" "$(wc -l <"$tmp/out" | tr -d ' ')" $((1 + 2 * 13 + 2))
end

# Ensure output to a device is written in place: /dev/null stays a device (files are renamed
# into place only when they are regular files), and a directory is refused with exit 2.
begin "-o and --summary to /dev/null leave it a device; -o DIR is refused"
run batch "$D/long-id.jsonl" --as-of $ASOF -q -o /dev/null --summary /dev/null
want_rc 0
want_eq "/dev/null is a character device" "$(test -c /dev/null && echo yes)" "yes"
run batch "$D/long-id.jsonl" --as-of $ASOF -q -o "$tmp"
want_rc 2
want_eq "message" "$(cat "$tmp/err")" "calc: error: cannot write $tmp: is a directory"
end


# Ensure a CSV as a spreadsheet writes it — dates 2023/5/8 and 2025年4月1日, TRUE and 否,
# "1,200,000" and 150万 — gives exactly the results (fingerprints included) of the same
# profiles written canonically.
begin "CSV as Excel writes it == the canonical CSV, byte for byte"
run batch tests/data/batch/as-written-canonical.csv --as-of $ASOF -q -o "$tmp/canon.jsonl"
want_rc 0
run batch tests/data/batch/as-written-excel.csv --as-of $ASOF -q -o "$tmp/excel.jsonl"
want_rc 0
want_same "results" "$tmp/canon.jsonl" "$tmp/excel.jsonl"
want_eq "R&D subsidies" "$(jq -r '.results[] | select(.policy == "sc25-rd-subsidy") | .amount' "$tmp/excel.jsonl" | tr '\n' ' ')" "240000.00 150000.00 "
end

# ---- the summary: claims a pool turned away, apart from the ineligible ----
# tests/data/pools: a pool "money" of 1,000.00 yuan shared pro rata by policy cash (the claim
# is finance.revenue, at least 1.00), and "rooms" of 10 units served first come by policy units
# (talent.requested_units, at least 1; each unit 30.00, plus 1.00 a grant). population.jsonl:
#   R1 2025-01-01 4 units, R2 2025-01-02 5: served in full (121.00, 151.00), 9 of 10 taken;
#   R3 2025-01-03 3: the boundary, 1 unit (31.00; before 3 units, 91.00): partly served;
#   R4 2025-01-04 2 and R5 undated 1: nothing left: turned away ("pool exhausted");
#   R6 0 units: ineligible by its condition (no claim). claimed 4+5+3+2+1 = 15, granted 10,
#   unmet 5. The R* have no finance: cash needs_data (6).
#   C1, C2 60,000.00 each and C4 1.00: claimed 120,001.00 > 1,000.00, so each gets
#   floor(claim x 1,000.00 / 120,001.00): C1, C2 floor(6,000,000 x 100,000 / 12,000,100 fen) =
#   49,999 fen = 499.99 (partly served); C4 floor(100 x 100,000 / 12,000,100) = 0 (its share
#   floored to 0.00: turned away). granted 999.98, remaining 0.02, unmet 119,001.02. C3 0.00:
#   ineligible by its condition. The C* ask for no units: units needs_data (4).
# So cash: eligible 2 (both partly), pool_exhausted 1, ineligible 1, needs_data 6 (2+1+1+6 = 10);
# units: eligible 3 (1 partly), pool_exhausted 2, ineligible 1, needs_data 4 (3+2+1+4 = 10).
run batch tests/data/pools/population.jsonl --policies tests/data/pools --as-of $ASOF \
    -o "$tmp/small.jsonl" --summary "$tmp/small.sum"
cp "$tmp/err" "$tmp/small.err"
begin "summary: a pool's turned-away claims apart from the ineligible, partly served, unmet"
want_rc 0
want_eq "cash" "$(jq -c '.policies.cash | [.eligible, .partly_served, .pool_exhausted, .ineligible, .needs_data, .granted]' "$tmp/small.sum")" \
    '[2,2,1,1,6,"999.98"]'
want_eq "units" "$(jq -c '.policies.units | [.eligible, .partly_served, .pool_exhausted, .ineligible, .needs_data, .granted, .quantity]' "$tmp/small.sum")" \
    '[3,1,2,1,4,"303.00",10]'
want_eq "pool money" "$(jq -c '.pools.money | [.claims, .claimed, .granted, .remaining, .served, .partly_served, .turned_away, .unmet]' "$tmp/small.sum")" \
    '[3,"120001.00","999.98","0.02",0,2,1,"119001.02"]'
want_eq "pool rooms" "$(jq -c '.pools.rooms | [.claims, .claimed, .granted, .served, .partly_served, .turned_away, .unmet, .ran_out_at.id]' "$tmp/small.sum")" \
    '[5,15,10,2,1,2,5,"R3"]'
want_eq "the lines of the turned-away claims" \
    "$(jq -r '.profile as $id | .results[] | select(.amount_before_pool and .status == "ineligible") | "\($id) \(.policy) \(.reasons[-1].name)"' "$tmp/small.jsonl" | tr '\n' ';')" \
    "R4 units pool exhausted;R5 units pool exhausted;C4 cash pool share floored to 0.00;"
end

# Ensure the summary table says the same, in Chinese by default and in English with --lang en.
begin "summary table: pool exhausted and partly served per policy, each pool's outcome (zh, en)"
want_line small.err "$(printf '%-9s%8s%14s%14s%9s%12s%12s%10s%9s%20s' cash 2 2 1 1 6 0 0 0 999.98)"
want_line small.err "资金池 rooms（十套）：规模 10 套，申请 15，发放 10，未满足 5；申请 5 项：全额 2，部分 1，未获分配 2；于 R3 用完（申报日期 2025-01-03）"
want_line small.err "资金池 money（一千元）：规模 ¥1,000.00，申请 ¥120,001.00，发放 ¥999.98，未满足 ¥119,001.02（按比例分配）；申请 3 项：全额 0，部分 2，未获分配 1"
want_line small.err "合计：现金 ¥999.98，实物价值 ¥303.00"
run batch tests/data/pools/population.jsonl --policies tests/data/pools --as-of $ASOF -o /dev/null --lang en
want_line err "policy    eligible  of which partly  pool exhausted  ineligible  needs data  not in force  superseded    error             granted"
want_line err "units            3                1               2           1           4             0           0        0              303.00"
want_line err "pool rooms: size 10 units, claimed 15, granted 10, unmet 5; 5 claims: 2 served in full, 1 partly, 2 turned away; ran out at R3 (applied 2025-01-03)"
want_line err "totals: cash ¥999.98, in kind ¥303.00"
end

# Ensure allocate counts the same (its summary is made from the lines and the claims).
begin "summary: allocate of the --no-pools lines counts the same"
run batch tests/data/pools/population.jsonl --policies tests/data/pools --as-of $ASOF --no-pools -q \
    -o "$tmp/small-np.jsonl"
want_rc 0
run allocate "$tmp/small-np.jsonl" --policies tests/data/pools -q -o "$tmp/small-a.jsonl" \
    --summary "$tmp/small-a.sum"
want_rc 0
want_same "summaries" "$tmp/small.sum" "$tmp/small-a.sum"
end

# ---- --format xlsx: a workbook, read back with python3-openpyxl ----
PY=""
for p in /usr/bin/python3 python3; do
    if "$p" -c 'import openpyxl' 2>/dev/null; then PY=$p; break; fi
done
dump() { "$PY" tests/xlsx_dump.py "$1"; }
if [ -z "$PY" ]; then
    fail "--format xlsx" "python3-openpyxl is not installed (make deps installs it)"
else
run batch "$P.jsonl" --format xlsx --as-of $ASOF -q -o "$tmp/pop.xlsx"
xrc=$rc
dump "$tmp/pop.xlsx" >"$tmp/pop.dump" 2>&1

# Ensure the workbook has the results, summary and pools sheets with their headers in view
# (frozen, and the enterprise's id and name while scrolling right), a filter over each table,
# one row per record x policy, and columns wide enough for the widest Chinese title.
begin "--format xlsx: sheets, headers, frozen panes, filters, rows, widths"
rc=$xrc
want_rc 0
want_line pop.dump "sheet 结果 freeze C2 filter A1:J5136 rows 5136 widths 13,17,23,30,14,15,15,7,7,60"
want_line pop.dump "sheet 汇总 freeze C2 filter A1:L14 rows 22 widths 23,60,7,15,15,9,13,13,11,7,17,7"
want_line pop.dump "sheet 资金池 freeze B2 filter A1:O5 rows 5 widths 22,24,11,7,17,9,17,17,7,15,11,11,11,27,13"
want_line pop.dump "结果 1 企业标识|企业名称|政策编号|政策名称|状态|金额|分配前金额|数量|单位|原因"
want_eq "sheets" "$(sed -n 's/^sheet \([^ ]*\) .*/\1/p' "$tmp/pop.dump" | tr '\n' ' ')" "结果 汇总 资金池 "
end

# Ensure the cells: amounts are numbers in ¥ format (the pro-rata share 393,749.99 of FS-c2's
# 399,999.99, to the fen), names, titles, what the pool did and the reasons in words.
begin "--format xlsx: exact cells of pooled results"
want_line pop.dump "结果 3765 FS-c2|首店企业c2|sc25-first-store|首店、旗舰店一次性补助|按比例分配|#393749.99{¥#,##0.00}|#399999.99{¥#,##0.00}|||"
want_line pop.dump "结果 4967 APT-beta|公寓企业beta|sc25-talent-apartment|科创公寓五折租赁|资金池已用完|#0{¥#,##0.00}|#150000{¥#,##0.00}|#0|套|资金池已用完：科创公寓"
want_match pop.dump "^结果 [0-9]+ APT-alpha\|公寓企业alpha\|sc25-talent-apartment\|科创公寓五折租赁\|部分分配\|#90000\{¥#,##0.00\}\|#600000\{¥#,##0.00\}\|#3\|套\|$"
want_match pop.dump "^结果 [0-9]+ INC-U-B\|孵化企业U-B\|qj20-incubator\|智能制造创业创新园入驻\|部分分配\|#54750\{¥#,##0.00\}\|#109500\{¥#,##0.00\}\|#100\|m²\|$"
end

# Ensure the summary sheet counts as the summary does (the pooled policies' lines above), and
# the pools sheet gives each pool's size, claims, grants, unmet demand and outcomes.
begin "--format xlsx: the summary and pools sheets"
want_line pop.dump "汇总 1 政策编号|政策名称|符合|其中部分分配|资金池已用完|不符合|需补充资料|不在有效期|就高未选|错误|发放金额|数量"
want_line pop.dump "汇总 14 sc25-talent-apartment|科创公寓五折租赁|#103|#1|#6|#252|#34|#0|#0|#0|#60000000{¥#,##0.00}|#2000"
want_line pop.dump "汇总 8 sc25-first-store|首店、旗舰店一次性补助|#129|#129|#0|#266|#0|#0|#0|#0|#125999999.99{¥#,##0.00}|"
want_line pop.dump "汇总 17 记录读取|#395||||||||||"
want_line pop.dump "汇总 20 现金合计|#125999999.99{¥#,##0.00}||||||||||"
want_line pop.dump "汇总 21 实物价值合计|#125152500{¥#,##0.00}||||||||||"
want_line pop.dump "资金池 2 sc25-commerce|上城区都市经济政策预算|按比例|元|#126000000{¥#,##0.00}|#129|#128000000{¥#,##0.00}|#125999999.99{¥#,##0.00}|#0.01{¥#,##0.00}|#2000000.01{¥#,##0.00}|#0|#129|#0|126000000.00/128000000.00|"
want_line pop.dump "资金池 3 sc25-apartments|科创公寓|先到先得|套|#2000|#109|#2110|#2000|#0|#110|#102|#1|#6||APT-alpha"
end

# Ensure the rows go on in 结果2, 结果3 … past the row limit (CALC_XLSX_ROWS=1000: 999 rows under
# each header), the same rows in the same order as in one sheet, each sheet with the header.
begin "--format xlsx: rows past the limit go on in further sheets"
CALC_XLSX_ROWS=1000 run batch "$P.jsonl" --format xlsx --as-of $ASOF -q -o "$tmp/pop6.xlsx"
want_rc 0
dump "$tmp/pop6.xlsx" >"$tmp/pop6.dump" 2>&1
want_eq "sheets" "$(sed -n 's/^sheet \([^ ]*\) freeze \([^ ]*\) filter [^ ]* rows \([0-9]*\).*/\1:\2:\3/p' "$tmp/pop6.dump" | tr '\n' ' ')" \
    "结果:C2:1000 结果2:C2:1000 结果3:C2:1000 结果4:C2:1000 结果5:C2:1000 结果6:C2:141 汇总:C2:22 资金池:B2:5 "
want_eq "headers" "$(grep -c '^结果[0-9]* 1 企业标识|企业名称|政策编号|政策名称|状态|金额|分配前金额|数量|单位|原因$' "$tmp/pop6.dump")" 6
grep -E '^结果[0-9]* ' "$tmp/pop.dump" | grep -v '^结果[0-9]* 1 ' | cut -d' ' -f3- >"$tmp/rows1"
grep -E '^结果[0-9]* ' "$tmp/pop6.dump" | grep -v '^结果[0-9]* 1 ' | cut -d' ' -f3- >"$tmp/rows6"
want_same "rows" "$tmp/rows1" "$tmp/rows6"
want_eq "rows" "$(wc -l <"$tmp/rows6" | tr -d ' ')" $((395 * 13))
end

# Ensure the workbook's bytes depend on nothing but the run (its date is the evaluation's):
# -j 2 and a second run give the same bytes, and allocate of the shards writes the same file.
begin "--format xlsx: the same bytes for -j 2, a second run and allocate"
run batch "$P.jsonl" --format xlsx --as-of $ASOF -q -j 2 -o "$tmp/pop-j2.xlsx"
want_rc 0
want_same "-j 2" "$tmp/pop.xlsx" "$tmp/pop-j2.xlsx"
run allocate "$tmp/res1.jsonl" "$tmp/res2.jsonl" "$tmp/res3.jsonl" -q --format xlsx \
    -o "$tmp/reduced.xlsx"
want_rc 0
want_same "allocate" "$tmp/pop.xlsx" "$tmp/reduced.xlsx"
end

# Ensure --lang en writes English sheet names, headers and words.
begin "--format xlsx --lang en: English sheets, headers and words"
run batch "$P.jsonl" --format xlsx --as-of $ASOF -q --lang en -o "$tmp/pop-en.xlsx"
want_rc 0
dump "$tmp/pop-en.xlsx" >"$tmp/pop-en.dump" 2>&1
want_eq "sheets" "$(sed -n 's/^sheet \([^ ]*\) .*/\1/p' "$tmp/pop-en.dump" | tr '\n' ' ')" "Results Summary Pools "
want_line pop-en.dump "Results 1 id|name|policy|title|status|amount|amount before pool|quantity|unit|reasons"
want_line pop-en.dump "Results 4967 APT-beta|公寓企业beta|sc25-talent-apartment|Talent apartments at half the market rent|pool exhausted|#0{¥#,##0.00}|#150000{¥#,##0.00}|#0|units|pool sc25-apartments exhausted"
want_line pop-en.dump "Summary 1 policy|title|eligible|of which partly|pool exhausted|ineligible|needs data|not in force|superseded|error|granted|quantity"
end

# Ensure a bad record is a row of its own (status 无效记录, the error as the reason), the run
# exits 3, and the pools fixture's workbook counts as its summary does.
begin "--format xlsx: an invalid record's row; the pools fixture's summary sheet"
run batch "$D/bad.csv" --format xlsx --as-of $ASOF -q -o "$tmp/bad.xlsx"
want_rc 3
dump "$tmp/bad.xlsx" >"$tmp/bad.dump" 2>&1
want_line bad.dump "结果 16 record 3 line 4||||无效记录|||||duplicate id 'BADC-1' (first seen in record 1)"
run batch tests/data/pools/population.jsonl --policies tests/data/pools --as-of $ASOF -q \
    --format xlsx -o "$tmp/small.xlsx"
want_rc 0
dump "$tmp/small.xlsx" >"$tmp/small.dump" 2>&1
want_line small.dump "汇总 2 cash|cash|#2|#2|#1|#1|#6|#0|#0|#0|#999.98{¥#,##0.00}|"
want_line small.dump "汇总 3 units|units|#3|#1|#2|#1|#4|#0|#0|#0|#303{¥#,##0.00}|#10"
want_line small.dump "资金池 2 money|一千元|按比例|元|#1000{¥#,##0.00}|#3|#120001{¥#,##0.00}|#999.98{¥#,##0.00}|#0.02{¥#,##0.00}|#119001.02{¥#,##0.00}|#0|#2|#1|1000.00/120001.00|"
want_line small.dump "资金池 3 rooms|十套|先到先得|套|#10|#5|#15|#10|#0|#5|#2|#1|#2||R3"
want_match small.dump "^结果 [0-9]+ C4\|丁\|cash\|cash\|分配份额为零\|#0\{¥#,##0.00\}\|#1\{¥#,##0.00\}\|\|\|按比例分配后份额为零：一千元$"
end

# Ensure a workbook is never written to standard output or a terminal: exit 2, nothing written.
begin "--format xlsx without -o (or -o -): exit 2 with a message"
run batch "$P.jsonl" --format xlsx --as-of $ASOF -q
want_rc 2
want_out_empty
want_eq "message" "$(head -n 1 "$tmp/err")" "calc: --format xlsx writes a workbook, not text: give -o FILE.xlsx"
run allocate "$tmp/res1.jsonl" --format xlsx -o - -q
want_rc 2
want_out_empty
end
fi

# ---- repeated ids over many chunks (the claims pass finds them when it has read everything) ----
# gen's record k has the id 91330102MA%08d; four lines take an earlier line's id: line 129 that
# of line 1 (just past the first chunk of 128), lines 256 and 257 that of line 128 (an id three
# times, across a chunk's end), line 1000 that of line 999 (the last record).
"$BUILD/gen" 1000 11 book1 |
    awk '{ k = NR == 129 ? 0 : (NR == 256 || NR == 257) ? 127 : NR == 1000 ? 998 : -1 }
         k >= 0 { sub(/"id": "91330102MA[0-9]+"/, sprintf("\"id\": \"91330102MA%08d\"", k)) }
         { print }' >"$tmp/rep.jsonl"
sed '129d; 256,257d; 1000d' "$tmp/rep.jsonl" >"$tmp/rep-unique.jsonl"
for l in 129:0:1 256:127:128 257:127:128 1000:998:999; do
    n=${l%%:*} k=${l#*:}
    printf "%s:%s: error: record %s: duplicate id '91330102MA%08d' (first seen in record %s)\n" \
        "$tmp/rep.jsonl" "$n" "$n" "${k%:*}" "${k#*:}"
done >"$tmp/rep.exp"

# Ensure the run with pools (two passes) rejects exactly these four, naming each id's first
# record, at -j 1 and -j 2, as the one pass of --no-pools does.
begin "repeated ids over chunks: two passes find the same repeats as one, first seen named"
for flags in "-j 1" "-j 2" "--no-pools"; do
    run batch "$tmp/rep.jsonl" --as-of $ASOF -q --lang en $flags --summary "$tmp/rep.sum"
    want_rc 3
    grep 'duplicate id' "$tmp/err" >"$tmp/rep.got"
    want_same "the repeats ($flags)" "$tmp/rep.exp" "$tmp/rep.got"
    want_eq "rejected ($flags)" "$(jq .records.rejected "$tmp/rep.sum")" 4
done
end

# Ensure a repeated record's claims are not claims: the pools come out as for the file without
# the four repeated lines, and every other line is the same.
begin "repeated ids over chunks: the repeats claim nothing from the pools"
run batch "$tmp/rep.jsonl" --as-of $ASOF -q --summary "$tmp/rep.sum" -o "$tmp/rep.out"
want_rc 3
run batch "$tmp/rep-unique.jsonl" --as-of $ASOF -q --summary "$tmp/uniq.sum" -o "$tmp/uniq.out"
want_rc 0
jq -S .pools "$tmp/rep.sum" >"$tmp/rep.pools"
jq -S .pools "$tmp/uniq.sum" >"$tmp/uniq.pools"
want_same "pools" "$tmp/uniq.pools" "$tmp/rep.pools"
grep -v '"error"' "$tmp/rep.out" >"$tmp/rep.kept"
want_same "the other records' lines" "$tmp/uniq.out" "$tmp/rep.kept"
end

# Ensure a YAML stream of several chunks (128 records each) read by the worker threads — the
# reader only cuts its documents — gives the same bytes at -j 1 and -j 2, and the records and
# messages the reader gave when it parsed every document itself, their lines those of the
# whole file: comments and blank lines between documents, a document on its marker's line, a
# syntax error as the last record of a chunk, a bad value as the first of the next.
begin "YAML documents read by the workers: -j 1 == -j 2, lines of the whole file"
awk 'BEGIN { for (i = 1; i <= 600; i++) {
        if (i % 5 == 0) printf "# record %d\n\n", i
        if (i == 256) { printf "--- {id: Y0256, employees: [1\n"; continue }
        if (i % 3 == 0) { printf "--- {id: Y%04d, name: 企业%d, district: 上城区, employees: %d}\n", i, i, i % 50; continue }
        printf "---\nid: Y%04d\nname: 企业%d\ndistrict: 上城区\nemployees: %s\n", i, i, i == 257 ? "many" : i % 50 } }' \
    >"$tmp/docs.yaml"
for j in 1 2; do
    run_nosrc batch "$tmp/docs.yaml" --as-of $ASOF -q --no-pools -j $j -o "$tmp/docs$j.jsonl"
    want_rc 3
    cp "$tmp/err" "$tmp/docs$j.err"
done
want_same "results (-j 1 and -j 2)" "$tmp/docs1.jsonl" "$tmp/docs2.jsonl"
want_same "messages (-j 1 and -j 2)" "$tmp/docs1.err" "$tmp/docs2.err"
want_is docs1.err <<EOF
$tmp/docs.yaml:1039:1: error: YAML syntax: did not find expected ',' or ']'
$tmp/docs.yaml:1039:1: note: while parsing a flow sequence (line 1038, column 28)
$tmp/docs.yaml:1043:12: error: employees: expected a whole number, got 'many'
$tmp/docs.yaml:1043:12: note: write a whole number, e.g. 12
EOF
want_eq "records" "$(wc -l <"$tmp/docs1.jsonl" | tr -d ' ')" 600
want_eq "error records" "$(jq -r 'select(.error) | "\(.record) \(.line)"' "$tmp/docs1.jsonl" | tr '\n' ' ')" \
    "256 1038 257 1040 "
want_eq "records around them" "$(jq -r 'select(.record == null) | .profile' "$tmp/docs1.jsonl" |
        sed -n '255p;256p;598p' | tr '\n' ' ')" "Y0255 Y0258 Y0600 "
end

# Ensure a byte-order mark between documents of a YAML stream is no document (libyaml skips it,
# as it skips blank lines): a stream whose part before a marker holds only a BOM gives the
# records after it, at -j 1 and -j 2, and never a crash.
begin "YAML: a byte-order mark between documents is not a record"
printf '  \n\357\273\277  \n--- {id: B1, name: 甲, district: 上城区}\n---\n\357\273\277\n--- {id: B2, name: 乙, district: 上城区}\n' \
    >"$tmp/bom.yaml"
for j in 1 2; do
    run batch "$tmp/bom.yaml" --as-of $ASOF -q --no-pools -j $j
    want_rc 0
    want_eq "records (-j $j)" "$(jq -r '.profile' "$tmp/out" | tr '\n' ' ')" "B1 B2 "
    want_err_empty
done
end

finish
