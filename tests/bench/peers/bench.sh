#!/bin/sh
# make bench-peers (tests/bench/peers/README.md): the five peer rules over 100,000 generated
# records, calc at -j 1 against the hand-written C baseline, whole process, wall time.
# Paired runs: each round runs the baseline, calc with --format compact, calc with the default
# JSON Lines form and, for comparison, the baseline reading with yajl (the parser calc uses) one
# after the other (the order rotating from round to round), every
# output written to a file; each figure is the median over the rounds of the per-round ratio (a
# shared machine's load slows a whole round, and the ratio of one round cancels most of it),
# the medians of the times beside it. Target: calc compact ≤ 2× the baseline. The checksums of
# all three outputs must agree (the benchmark fails loudly when they do not).
# BENCH_PEERS_N sets the records (100000), BENCH_RUNS the rounds (7).
set -u
BUILD=${BUILD:-build}
N=${BENCH_PEERS_N:-100000}
RUNS=${BENCH_RUNS:-7}
P=tests/bench/peers
dir=$BUILD/bench
mkdir -p "$dir"
CALC=$BUILD/calc
export TMPDIR=$dir
pop=$dir/peers-$N.jsonl
[ "$pop" -nt "$BUILD/pgen" ] || "$BUILD/pgen" "$N" 42 >"$pop"
asof=2025-06-30

now() { date +%s%N; }
# timed NAME CMD…: runs CMD (its stdout to $dir/peers-NAME.out, stderr to .err), appends the
# wall seconds to $dir/peers-NAME.times
timed() {
    name=$1
    shift
    t0=$(now)
    "$@" >"$dir/peers-$name.out" 2>"$dir/peers-$name.err"
    rc=$?
    t1=$(now)
    if [ $rc -ne 0 ]; then
        echo "bench-peers: $* failed (exit $rc)" >&2
        cat "$dir/peers-$name.err" >&2
        exit 1
    fi
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", (b - a) / 1e9 }' >>"$dir/peers-$name.times"
}
base() { timed base "$BUILD/peerbase" "$pop"; }
ybase() { timed ybase "$BUILD/peerbase" --yajl "$pop"; }
compact() { timed compact "$CALC" batch "$pop" --policies $P --as-of $asof -j 1 -q --format compact; }
default() { timed default "$CALC" batch "$pop" --policies $P --as-of $asof -j 1 -q; }

rm -f "$dir"/peers-*.times
base >/dev/null # a first, untimed round warms the page cache
ybase
compact
default
rm -f "$dir"/peers-*.times
k=0
while [ $k -lt "$RUNS" ]; do
    case $((k % 4)) in
    0) base; compact; default; ybase ;;
    1) compact; default; ybase; base ;;
    2) default; ybase; base; compact ;;
    3) ybase; base; compact; default ;;
    esac
    k=$((k + 1))
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratios() { paste "$dir/peers-$1.times" "$dir/peers-base.times" | awk '{ printf "%.4f\n", $1 / $2 }'; }
tb=$(median <"$dir/peers-base.times")
tc=$(median <"$dir/peers-compact.times")
td=$(median <"$dir/peers-default.times")
ty=$(median <"$dir/peers-ybase.times")
ry_=$(ratios ybase | median)
rc_=$(ratios compact | median)
rd_=$(ratios default | median)
# calc against the baseline reading with yajl: the issue asks for a baseline whose parser is at
# least as fast as yajl, and calc itself must read with a packaged parser (yajl), so this is the
# comparison of the same parser; the hand-rolled reader's figure stays the first target
ryc_=$(paste "$dir/peers-compact.times" "$dir/peers-ybase.times" | awk '{ printf "%.4f\n", $1 / $2 }' | median)
bytes() { awk -v s="$(wc -c <"$1")" -v n="$N" 'BEGIN { printf "%.0f", s / n }'; }

# the checksums: the baseline's own, peersum of calc's compact output, and of calc's JSON Lines
# read back into the compact form
sum_base=$(cat "$dir/peers-base.err")
sum_ybase=$(cat "$dir/peers-ybase.err")
sum_compact=$("$BUILD/peersum" "$dir/peers-compact.out") || { echo "bench-peers: peersum failed on calc's compact output" >&2; exit 1; }
sum_default=$({
    printf '# id total'
    head -n 1 "$dir/peers-default.out" | jq -j '.results[] | " " + .policy'
    echo
    jq -r '[.profile, .totals.cash] + [.results[] | if .status == "eligible" then "e" + .amount
           else .status[0:1] end] | join(" ")' "$dir/peers-default.out"
} | "$BUILD/peersum") || { echo "bench-peers: peersum failed on calc's JSON Lines" >&2; exit 1; }

verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "meets" : "MISSES" }'; }
echo "peer benchmark: 5 rules, $N records ($(bytes "$pop") bytes each), whole process, wall time;"
echo "  median of $RUNS paired rounds (baseline, calc compact, calc default, baseline with yajl;"
echo "  the order rotating; each figure the median of the round's ratios to the baseline); a"
echo "  shared machine: the times move from run to run, the ratios of a round much less"
printf '  baseline (hand-written C, 1 thread)  %6.3f s   %4s bytes/record out\n' "$tb" \
    "$(bytes "$dir/peers-base.out")"
printf '  the same reading with yajl instead    %6.3f s   %4s bytes/record out   %5.2fx baseline   (beside it: the parser calc uses)\n' \
    "$ty" "$(bytes "$dir/peers-ybase.out")" "$ry_"
printf '  calc -j 1 --format compact           %6.3f s   %4s bytes/record out   %5.2fx baseline   target <= 2x   %s\n' \
    "$tc" "$(bytes "$dir/peers-compact.out")" "$rc_" "$(verdict "$rc_" 2)"
printf '  calc -j 1 --format compact against the baseline reading with yajl   %5.2fx   target <= 2x   %s\n' \
    "$ryc_" "$(verdict "$ryc_" 2)"
printf '  calc -j 1 (default JSON Lines)       %6.3f s   %4s bytes/record out   %5.2fx baseline   (beside it)\n' \
    "$td" "$(bytes "$dir/peers-default.out")" "$rd_"
echo "  checksums (sum of totals, eligible per rule, amount per rule):"
echo "    baseline        $sum_base"
echo "    baseline, yajl  $sum_ybase"
echo "    calc compact    $sum_compact"
echo "    calc JSON Lines $sum_default"
if [ "$sum_base" = "$sum_compact" ] && [ "$sum_base" = "$sum_default" ] &&
    [ "$sum_base" = "$sum_ybase" ]; then
    echo "  checksums agree                                                                   meets"
else
    echo "bench-peers: THE CHECKSUMS DIFFER: calc and the baseline do not compute the same" >&2
    exit 1
fi
