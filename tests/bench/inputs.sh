#!/bin/sh
# tests/bench/inputs.sh, called by make bench (tests/bench/bench.sh), or alone from the
# repository root: BUILD=build BENCH_N=100000 sh tests/bench/inputs.sh (make build/calc
# build/gen build/tocsv first).
# The input formats: the bench's book-1 population (gen N 42 book1) as JSON Lines, as CSV
# (tests/bench/tocsv.c: a column for each field path, dotted headers) and as a YAML stream
# (each record a document: "---", then its line, JSON being YAML's flow style), calc batch at
# -j 1 and -j 2 on each (whole default policy set, pools applied), best of BENCH_RUNS runs,
# against the target CSV at -j 2 >= 50,000 records/s, with the time of CSV and YAML over that
# of JSON Lines. At -j 2 the reader only cuts a CSV's rows (csvcut.c) and a YAML stream's
# documents, and the workers parse them (csvrow.c, input_read_deferred), as they parse JSON
# Lines; with one worker the reader parses them itself, beside it. The CSV
# and YAML runs must give the JSON Lines run's results byte for byte: each result line carries
# the fingerprint of its validated profile, so equal lines are equal profiles and equal
# results (the CSV holds an empty list as no cell, which the profile does not tell apart); a
# difference fails the bench (compared on the first 10^5 records, the timed runs writing to
# /dev/null). CALC names another calc to time (build/calc).
set -u
BUILD=${BUILD:-build}
N=${BENCH_N:-1000000}
RUNS=${BENCH_RUNS:-${RUNS:-3}}
dir=$BUILD/bench
mkdir -p "$dir"
CALC=${CALC:-$BUILD/calc}
export TMPDIR=$dir
asof=2025-06-30
pop=$dir/pop1-$N
[ "$pop.jsonl" -nt "$BUILD/gen" ] || "$BUILD/gen" "$N" 42 book1 > "$pop.jsonl"
if ! [ "$pop.csv" -nt "$pop.jsonl" ] || ! [ "$pop.csv" -nt "$BUILD/tocsv" ]; then
    "$BUILD/tocsv" "$pop.jsonl" > "$pop.csv" || { echo "bench: tocsv failed" >&2; exit 1; }
fi
[ "$pop.yaml" -nt "$pop.jsonl" ] || awk '{ print "---"; print }' "$pop.jsonl" > "$pop.yaml"
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / t }'; }
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v + 0 >= t + 0) ? "meets" : "MISSES" }'; }
# best FILE J: the best wall seconds of RUNS runs of calc batch FILE -j J and that run's CPU
# seconds (user + system), the results to /dev/null (at 10^6, 11 GB a run: written to a file
# they would time the disk)
. tests/bench/timing.sh
best() { best_rc 0 "$CALC" batch "$1" --as-of $asof -q -j "$2"; }
set -- $(best "$pop.jsonl" 1); tj1=$1
set -- $(best "$pop.jsonl" 2); tj2=$1 cj2=$2
set -- $(best "$pop.csv" 1); tc1=$1
set -- $(best "$pop.csv" 2); tc2=$1 cc2=$2
set -- $(best "$pop.yaml" 1); ty1=$1
set -- $(best "$pop.yaml" 2); ty2=$1 cy2=$2
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "calc batch by input format, $N profiles (book 1's fields), whole default policy set, pools"
echo "applied, 2 cores (best of $RUNS runs; the CPU seconds of the best -j 2 run, and the rate two"
echo "otherwise idle cores would give at that cost)"
printf '  JSON Lines  -j 1 %6.2f s %8s/s  -j 2 %6.2f s %8s/s  (-j 2 CPU %6.2f s: %8s/s on two idle cores)\n' \
    "$tj1" "$(rate "$N" "$tj1")" "$tj2" "$(rate "$N" "$tj2")" "$cj2" "$(rate $((N * 2)) "$cj2")"
printf '  CSV         -j 1 %6.2f s %8s/s  -j 2 %6.2f s %8s/s  (-j 2 CPU %6.2f s: %8s/s on two idle cores)\n' \
    "$tc1" "$(rate "$N" "$tc1")" "$tc2" "$(rate "$N" "$tc2")" "$cc2" "$(rate $((N * 2)) "$cc2")"
printf '  YAML        -j 1 %6.2f s %8s/s  -j 2 %6.2f s %8s/s  (-j 2 CPU %6.2f s: %8s/s on two idle cores)\n' \
    "$ty1" "$(rate "$N" "$ty1")" "$ty2" "$(rate "$N" "$ty2")" "$cy2" "$(rate $((N * 2)) "$cy2")"
printf '  CSV at -j 2: %8s records/s                           target >= 50000/s   %s\n' \
    "$(rate "$N" "$tc2")" "$(verdict "$(rate "$N" "$tc2")" 50000)"
printf '  time over JSON Lines: CSV -j 1 %sx, -j 2 %sx; YAML -j 1 %sx, -j 2 %sx\n' \
    "$(ratio "$tc1" "$tj1")" "$(ratio "$tc2" "$tj2")" "$(ratio "$ty1" "$tj1")" "$(ratio "$ty2" "$tj2")"
# the results compared on the first 10^5 records of each file (or all, when fewer)
S=$((N < 100000 ? N : 100000))
head -n "$S" "$pop.jsonl" >"$dir/in-s.jsonl"
head -n $((S + 1)) "$pop.csv" >"$dir/in-s.csv"
head -n $((2 * S)) "$pop.yaml" >"$dir/in-s.yaml"
for f in jsonl csv yaml; do
    if ! "$CALC" batch "$dir/in-s.$f" --as-of $asof -q -j 2 >"$dir/in-$f.out"; then
        echo "bench: calc batch $dir/in-s.$f -j 2 failed" >&2
        exit 1
    fi
done
for f in csv yaml; do
    if cmp -s "$dir/in-jsonl.out" "$dir/in-$f.out"; then
        printf '  %-4s results == JSON Lines results, byte for byte (%s lines)          meets\n' \
            "$f" "$(wc -l < "$dir/in-$f.out" | tr -d ' ')"
    else
        printf '  %-4s results differ from the JSON Lines results                      MISSES\n' "$f"
        exit 1
    fi
done
