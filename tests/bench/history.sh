#!/bin/sh
# make bench, issue #17: evaluating 10^5 profiles with each enterprise's history read from the
# grants ledger (SQLite) against the same batch without a ledger (target: within 2x its time).
# The bench population states its own history (awards, hq.star_rewarded_before,
# listing.stages_paid), which a ledger forbids: those fields are taken out first, and the
# ledger is filled by recording one round of the population's grants.
# Called by tests/bench/bench.sh; BENCH_RUNS as there.
set -u
BUILD=${BUILD:-build}
dir=$BUILD/bench
mkdir -p "$dir"
CALC=$BUILD/calc
asof=2025-06-30
RUNS=${BENCH_RUNS:-3}
pop=$dir/pop-hist-100000.jsonl
[ -f "$dir/pop-100000.jsonl" ] || "$BUILD/gen" 100000 42 > "$dir/pop-100000.jsonl"
[ "$pop" -nt "$dir/pop-100000.jsonl" ] ||
    jq -c 'del(.awards) | if .hq then del(.hq.star_rewarded_before) else . end |
           if .listing then del(.listing.stages_paid) else . end' "$dir/pop-100000.jsonl" > "$pop"
L=$dir/bench-ledger.db
rm -f "$L"
SOURCE_DATE_EPOCH=1764633600 "$CALC" ledger init --ledger "$L" > /dev/null || exit 1
# one round granted (claim year 2024, as the timed runs'): the ledger then holds the population's
# grants, and the timed runs see them all
SOURCE_DATE_EPOCH=1764633600 "$CALC" batch "$pop" --as-of 2025-03-31 --ledger "$L" -q \
    -o "$dir/hist-round1.jsonl" --grant bench-2024 > /dev/null || exit 1
rows=$(sqlite3 "$L" "select count(*) from ledger_rows" 2>/dev/null || echo "?")
best() { # NAME ARGS…: the best wall seconds of RUNS runs of calc batch ARGS
    nm=$1
    shift
    b=""
    k=0
    while [ $k -lt "$RUNS" ]; do
        /usr/bin/time -f "%e" -o "$dir/$nm.time" "$CALC" batch "$@" > /dev/null 2>&1 || {
            echo "bench: calc batch $* failed" >&2
            exit 1
        }
        t=$(cat "$dir/$nm.time")
        b=$(awk -v a="$t" -v b="$b" 'BEGIN { print ((b == "" || a + 0 < b + 0) ? a : b) }')
        k=$((k + 1))
    done
    echo "$b"
}
plain=$(best hist-plain "$pop" --as-of $asof -q -o /dev/null)
with=$(best hist-ledger "$pop" --as-of $asof -q -o /dev/null --ledger "$L")
echo "history from the ledger (10^5 profiles, ledger rows: $rows, -j 1):"
awk -v p="$plain" -v w="$with" 'BEGIN {
    r = p > 0 ? w / p : 0
    printf "  batch without a ledger %.2f s, with the ledger'"'"'s history %.2f s: %.2fx (target: within 2x)  %s\n",
        p, w, r, r <= 2 ? "meets" : "MISSES" }'
