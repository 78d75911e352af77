#!/bin/sh
# make bench, the ledger's part (called by tests/bench/bench.sh): recording grants with calc grant
# into a fresh SQLite ledger against the batch of the same 10^5 profiles without a ledger (target:
# within 2x its time). Two figures: 10^5 grants (one result line each), and the final results of
# the batch of 10^5 profiles itself (about a gigabyte of lines, one grant row per key of each
# eligible result: the keys and the ledger head are added to each line with jq, as calc batch
# --ledger writes them). BUILD, BENCH_RUNS as bench.sh; the population is bench.sh's.
set -u
BUILD=${BUILD:-build}
dir=$BUILD/bench
CALC=$BUILD/calc
RUNS=${BENCH_RUNS:-3}
asof=2025-06-30
mkdir -p "$dir"
[ -f "$dir/pop-100000.jsonl" ] || "$BUILD/gen" 100000 42 >"$dir/pop-100000.jsonl"

best_of() { # best_of CMD…: the best wall seconds of RUNS runs (a fresh ledger each)
    best="" k=0
    while [ $k -lt "$RUNS" ]; do
        rm -f "$dir/bench.db" "$dir/bench.db-wal" "$dir/bench.db-shm"
        "$CALC" ledger init --ledger "$dir/bench.db" >/dev/null || exit 1
        /usr/bin/time -f "%e" -o "$dir/ledger.time" "$@" >/dev/null 2>"$dir/ledger.err" || {
            echo "bench: $* failed" >&2
            cat "$dir/ledger.err" >&2
            exit 1
        }
        t=$(tail -n 1 "$dir/ledger.time")
        best=$(awk -v a="$t" -v b="$best" 'BEGIN { print ((b == "" || a + 0 < b + 0) ? a : b) }')
        k=$((k + 1))
    done
    echo "$best"
}
verdict() { awk -v v="$1" 'BEGIN { print v <= 2 ? "meets" : "MISSES" }'; }

tb=$(best_of "$CALC" batch "$dir/pop-100000.jsonl" -j 2 --as-of $asof -q -o "$dir/res-plain.jsonl")

# 10^5 grants, one result line each
awk 'BEGIN { for (i = 1; i <= 100000; i++)
    printf "{\"profile\": \"91330000MA%08d\", \"as_of\": \"2025-06-30\", \"results\": [{\"policy\": \"sc25-rd-subsidy\", \"status\": \"eligible\", \"kind\": \"cash\", \"amount\": \"%d.00\", \"quantity\": null, \"unit\": null, \"detail\": null, \"reasons\": [], \"missing\": [], \"claim_year\": 2024, \"keys\": [{\"key\": \"2024\", \"amount\": \"%d.00\", \"quantity\": null}]}], \"totals\": {\"cash\": \"%d.00\", \"in_kind\": \"0.00\"}, \"fingerprint\": {\"policy_set\": \"sha256:00\", \"profile\": \"sha256:00\", \"as_of\": \"2025-06-30\", \"calc_version\": \"0.1.0\"}, \"ledger\": {\"head\": \"\", \"seq\": 0}}\n", i, i, i, i }' \
    >"$dir/grants-100000.jsonl"
tg=$(best_of "$CALC" grant "$dir/grants-100000.jsonl" --ledger "$dir/bench.db" --round bench --at 2025-07-01)

# the batch's own results with keys (made again when calc or the population changed)
if [ ! "$dir/res-keys.jsonl" -nt "$CALC" ] || [ ! "$dir/res-keys.jsonl" -nt "$dir/pop-100000.jsonl" ]; then
    jq -c '.ledger = {"head": "", "seq": 0} | .results |= map(if .status == "eligible" then
        . + {"claim_year": 2024, "keys": [{"key": "2024", "amount": .amount, "quantity": .quantity}]}
        else . end)' "$dir/res-plain.jsonl" >"$dir/res-keys.tmp" && mv "$dir/res-keys.tmp" "$dir/res-keys.jsonl"
fi
tr=$(best_of "$CALC" grant "$dir/res-keys.jsonl" --ledger "$dir/bench.db" --round bench --at 2025-07-01)
rows=$("$CALC" ledger export --ledger "$dir/bench.db" | grep -c '"record": "row"')

# the same 10^5 grants into PostgreSQL, on a throwaway server (tests/pg/cluster.sh), when there is one
tp=""
if [ -x /usr/lib/postgresql/15/bin/initdb ]; then
    . tests/lib.sh
    . tests/pg/cluster.sh
    if pg_start 2>"$dir/pg.err"; then
        best="" k=0
        while [ $k -lt "$RUNS" ]; do
            url=$(pg_db "bench$k") && "$CALC" ledger init --ledger "$url" >/dev/null || exit 1
            /usr/bin/time -f "%e" -o "$dir/ledger.time" "$CALC" grant "$dir/grants-100000.jsonl" \
                --ledger "$url" --round bench --at 2025-07-01 >/dev/null 2>"$dir/ledger.err" || {
                cat "$dir/ledger.err" >&2
                exit 1
            }
            t=$(tail -n 1 "$dir/ledger.time")
            best=$(awk -v a="$t" -v b="$best" 'BEGIN { print ((b == "" || a + 0 < b + 0) ? a : b) }')
            k=$((k + 1))
        done
        tp=$best
    fi
fi

r1=$(awk -v a="$tg" -v b="$tb" 'BEGIN { printf "%.2f", a / b }')
r2=$(awk -v a="$tr" -v b="$tb" 'BEGIN { printf "%.2f", a / b }')
echo "calc grant into a SQLite ledger, against calc batch of 100000 profiles -j 2 without a ledger (best of $RUNS runs)"
printf '  batch %6.2f s; 100000 grants (a line each) %6.2f s: %sx   target <= 2x   %s\n' "$tb" "$tg" "$r1" "$(verdict "$r1")"
printf '  the batch'"'"'s results (%s grant rows from 100000 records) %6.2f s: %sx   target <= 2x   %s\n' "$rows" "$tr" "$r2" "$(verdict "$r2")"
if [ -n "$tp" ]; then
    r3=$(awk -v a="$tp" -v b="$tb" 'BEGIN { printf "%.2f", a / b }')
    printf '  100000 grants into PostgreSQL 15 (a local server, Unix socket) %6.2f s: %sx   target <= 2x   %s\n' \
        "$tp" "$r3" "$(verdict "$r3")"
fi
rm -f "$dir/bench.db" "$dir/bench.db-wal" "$dir/bench.db-shm"
