#!/bin/sh
# tests/bench/whatif.sh, called by make bench (tests/bench/bench.sh), or alone from the
# repository root: BUILD=build sh tests/bench/whatif.sh.
# What-if, outreach at batch speed (issue #18 item 3), on BENCH_WHATIF_N profiles of
# the same seeded population (10^5 unless set), best of BENCH_RUNS runs each, output to
# /dev/null. calc whatif with a scenario and --solve at -j 2 >= 300,000 records/s, calc near
# >= 100,000 records/s; every figure a whole run (start-up, reading, validating, evaluating,
# allocating, the report). A --solve evaluates the policies its parameter touches once per trial
# value: the figure is records x trial values / s (this search: the two ends of 0..126,000,000.00
# yuan, 33 halvings to the fen, the answer and one step further: 37 trial values, counted).
set -u
BUILD=${BUILD:-build}
RUNS=${BENCH_RUNS:-${RUNS:-3}}
dir=$BUILD/bench
mkdir -p "$dir"
CALC=$BUILD/calc
export TMPDIR=$dir
asof=2025-06-30
WN=${BENCH_WHATIF_N:-100000}
[ "$dir/pop-$WN.jsonl" -nt "$BUILD/gen" ] || "$BUILD/gen" "$WN" 42 > "$dir/pop-$WN.jsonl"
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / t }'; }
verdict() { awk -v v="$1" -v t="$2" -v dir="$3" 'BEGIN { ok = dir == ">=" ? v >= t : v <= t;
    print ok ? "meets" : "MISSES" }'; }
. tests/bench/timing.sh
wpop="$dir/pop-$WN.jsonl"
scen=cases/scenarios/first-store-cap-1.5m.yaml
set -- $(best_rc 0 "$CALC" whatif "$wpop" --scenario $scen --as-of $asof -j 1); tw1=$1
set -- $(best_rc 0 "$CALC" whatif "$wpop" --scenario $scen --as-of $asof -j 2); tw2=$1 cw2=$2
# the search binds only where the claims pass the pool (the default 10^5 profiles do); on a
# smaller population it ends at the range's end after one trial, and has no figure
solve="whatif $wpop --solve sc25-first-store.cap --against pool --as-of $asof"
"$CALC" $solve -j 2 >/dev/null 2>&1
binds=$?
if [ $binds -eq 0 ]; then
    set -- $(best_rc 0 "$CALC" $solve -j 1); ts1=$1
    set -- $(best_rc 0 "$CALC" $solve -j 2); ts2=$1 cs2=$2
elif [ $binds -ne 1 ]; then
    echo "bench: calc $solve failed (exit $binds)" >&2
    exit 1
fi
set -- $(best_rc 0 "$CALC" near "$wpop" --as-of $asof -j 1); tn1=$1
set -- $(best_rc 0 "$CALC" near "$wpop" --as-of $asof -j 2); tn2=$1 cn2=$2
T=$((WN * 37))
echo "calc whatif / near, $WN profiles, 2 cores (best of $RUNS runs; -j 1 beside -j 2; the CPU"
echo "seconds of the best -j 2 run, and the rate two otherwise idle cores would give at that cost)"
line() { # NAME N T1 T2 CPU2 TARGET UNIT
    printf '  %-18s -j 1 %6.2f s %8s/s  -j 2 %6.2f s %8s %s  target >= %s/s  %s\n' "$1" "$3" \
        "$(rate "$2" "$3")" "$4" "$(rate "$2" "$4")" "$7" "$6" "$(verdict "$(rate "$2" "$4")" "$6" ">=")"
    printf '  %-18s -j 2 CPU %6.2f s: %8s/s on two idle cores\n' "" "$5" "$(rate $(($2 * 2)) "$5")"
}
line "whatif --scenario" "$WN" "$tw1" "$tw2" "$cw2" 300000 "records/s"
if [ $binds -eq 0 ]; then
    line "whatif --solve" "$T" "$ts1" "$ts2" "$cs2" 300000 "records x 37 trials/s"
else
    printf '  %-18s no figure: the pool does not bind over %s profiles (BENCH_WHATIF_N=100000 binds)\n' \
        "whatif --solve" "$WN"
fi
line "near" "$WN" "$tn1" "$tn2" "$cn2" 100000 "records/s"
