#!/bin/sh
# scaleout.sh — a sharded run on a real engine: the map step (`calc batch --no-pools` on each
# shard) run by GNU parallel, the reduce step `calc allocate` over the shards' result lines in
# order, byte for byte the single-machine `calc batch` of the whole population, with every
# budget pool binding only across the shards — no shard alone claims more than a pool's size.
# The population is tests/data/batch/population.jsonl (book 1's set), whose pool figures are
# hand-computed in tests/data/batch/expected.txt (claims 128,000,000.00 yuan on sc25-commerce of
# 126,000,000.00; 2,110 apartments of 2,000; 52,100 m² of 50,000 office space; 19,300 m² of
# 19,000 incubator space). Run from the repository root: BUILD=build sh tests/scaleout.sh;
# CALC_WRAP runs calc under a wrapper. The README ("Scale-out") gives the same commands for
# several hosts and for Hadoop Streaming and Spark.
. tests/lib.sh
need_calc
need jq parallel split
book1_set "$tmp/book1"
CALC_POLICIES="$tmp/book1"
export CALC_POLICIES
P=tests/data/batch/population.jsonl
ASOF=2025-06-30
WRAP=${CALC_WRAP:-}
# the calc that parallel runs: an absolute path, as a job on another host would need
C=$(cd "$(dirname "$CALC")" && pwd)/$(basename "$CALC")

# the single machine: the whole population, pools allocated
run batch "$P" --as-of $ASOF -q -o "$tmp/whole.jsonl" --summary "$tmp/whole.sum"
whole_rc=$rc

# three contiguous shards (the reduce reads them in this order: record numbers run on)
# (as README.md's recipe cuts them: the shards are named .jsonl, which calc batch reads as such)
split -d -n l/3 --additional-suffix=.jsonl "$P" "$tmp/shard-"
ls "$tmp"/shard-*.jsonl >"$tmp/shards"

# Ensure GNU parallel runs the map: one `calc batch --no-pools` job per shard, two at a time,
# each writing its shard's result lines; every job succeeds.
begin "map with GNU parallel: calc batch --no-pools per shard"
want_eq "shards" "$(wc -l <"$tmp/shards" | tr -d ' ')" 3
runx parallel --halt now,fail=1 --jobs 2 --joblog "$tmp/joblog" \
    $WRAP "$C" batch {} --no-pools --as-of $ASOF -q -o {.}.res.jsonl :::: "$tmp/shards"
want_rc 0
want_eq "jobs run" "$(tail -n +2 "$tmp/joblog" | wc -l | tr -d ' ')" 3
want_eq "failed jobs" "$(tail -n +2 "$tmp/joblog" | awk '$7 != 0' | wc -l | tr -d ' ')" 0
want_eq "single run" "$whole_rc" 0
end

# claims per pool (fen for sc25-commerce, units or m² for the others) in result lines
CLAIMS='[.results[]? | select(.pool and .status == "eligible")
         | {pool, v: (if .pool == "sc25-commerce" then (.amount | tonumber * 100 | round)
                      else .quantity end)}]
        | group_by(.pool)[] | "\(.[0].pool) \(map(.v) | add)"'
# sums CLAIMS lines per pool: "POOL TOTAL", sorted
sum_claims() { awk '{ s[$1] += $2 } END { for (p in s) printf "%s %.0f\n", p, s[p] }' | sort; }

# Ensure the pools bind only across the shards: each shard's claims on every pool are within
# the pool's size, and all of them together exceed it (the totals of expected.txt, by hand).
begin "every pool binds only across shards"
printf '%s\n' "qj20-incubator-space 19300" "sc25-apartments 2110" "sc25-commerce 12800000000" \
    "sc25-office-space 52100" >"$tmp/exp.claims"
for r in "$tmp"/shard-*.res.jsonl; do jq -r "$CLAIMS" "$r"; done | sum_claims >"$tmp/got.claims"
want_same "claims over all shards" "$tmp/exp.claims" "$tmp/got.claims"
for r in "$tmp"/shard-*.res.jsonl; do
    jq -r "$CLAIMS" "$r" | sum_claims | awk -v f="$(basename "$r")" '
        BEGIN { size["sc25-commerce"] = 12600000000; size["sc25-apartments"] = 2000
                size["sc25-office-space"] = 50000; size["qj20-incubator-space"] = 19000 }
        { n[$1] = 1; if ($2 > size[$1]) print f ": " $1 " claims " $2 ", more than its size " size[$1] }
        END { for (p in size) if (!(p in n)) print f ": no claim on " p }'
done >"$tmp/binds"
[ -s "$tmp/binds" ] && problem "a pool binds within a shard, or a shard claims nothing of it: $(cat "$tmp/binds")"
end

# Ensure the reduce over the shards' lines, in order, writes the single run's bytes and summary.
begin "reduce with calc allocate == calc batch of the whole, byte for byte"
run allocate $(sed 's/\.jsonl$/.res.jsonl/' "$tmp/shards") -q -o "$tmp/reduced.jsonl" \
    --summary "$tmp/reduced.sum"
want_rc 0
want_same "result lines" "$tmp/whole.jsonl" "$tmp/reduced.jsonl"
want_same "summaries" "$tmp/whole.sum" "$tmp/reduced.sum"
# and the reduce did allocate: the pool figures of expected.txt (sc25-commerce pro rata 63/64,
# the first-come pools granted to their size)
want_eq "pools granted" "$(jq -r '.pools | to_entries[] | "\(.key) \(.value.granted)"' \
    "$tmp/reduced.sum" | sort | tr '\n' ' ')" \
    "qj20-incubator-space 19000 sc25-apartments 2000 sc25-commerce 125999999.99 sc25-office-space 50000 "
end

# Ensure the streaming form gives the same bytes: parallel cuts standard input into blocks of
# whole lines (--pipe), runs calc batch - on each and keeps the outputs in input order (-k),
# and calc allocate reduces the one stream.
begin "map with parallel --pipe -k on a stream, reduce from standard input == the whole"
runx sh -c "parallel --pipe -k -N 100 --jobs 2 $WRAP '$C' batch - --no-pools --as-of $ASOF -q \
    <'$P' >'$tmp/stream.jsonl'"
want_rc 0
run allocate - -q -o "$tmp/stream-reduced.jsonl" <"$tmp/stream.jsonl"
want_rc 0
want_same "result lines" "$tmp/whole.jsonl" "$tmp/stream-reduced.jsonl"
end

finish
