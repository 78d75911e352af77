#!/bin/sh
# smoke.sh TARGET — the fuzzing make test does: the libFuzzer build $FUZZ_BUILD/fuzz_TARGET
# (default build/fuzz) run for a fixed number of inputs (FUZZ_RUNS, else the target's own count
# below) from a fixed seed (FUZZ_SEED, default 1), starting from the seed corpus (seed.sh) and
# the saved inputs of tests/fuzz/regress/TARGET. Nothing is timed: the run tries the same inputs
# every time (the targets' clock is fixed, clock.c, and address randomisation is turned off with
# setarch -R), so the same tree always gives the same verdict. A crash, a leak, an UBSan report,
# an out-of-memory or an input that runs longer than 30 s fails the suite; the input is kept in
# $FUZZ_BUILD/crashes/TARGET/ (copy it into tests/fuzz/regress/TARGET/ and make test replays it
# on every build from then on). Run from the repository root. Prints the outcome and ends with
# "1 passed, 0 failed" or "0 passed, 1 failed".
set -u
t=${1:?usage: smoke.sh TARGET}
FUZZ_BUILD=${FUZZ_BUILD:-build/fuzz}
bin=$FUZZ_BUILD/fuzz_$t
# inputs per target: a few seconds each on the reference machine (the scenario target loads the
# whole policy set for every input)
case $t in
profile) runs=50000 ;;
case) runs=5000 ;;
record) runs=20000 ;;
csv) runs=5000 ;;
money) runs=100000 ;;
scenario) runs=2000 ;;
*) runs=5000 ;;
esac
runs=${FUZZ_RUNS:-$runs}
seed=${FUZZ_SEED:-1}

if [ ! -x "$bin" ]; then
    echo "FAIL $bin is not built (make test builds it with clang: make deps installs it)"
    echo "0 passed, 1 failed"
    exit 1
fi
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' INT TERM HUP
sh tests/fuzz/seed.sh "$tmp/seeds" || exit 2
mkdir -p "$tmp/new" "$tmp/art"
# the saved inputs, when the target has any
regress=""
[ -d "tests/fuzz/regress/$t" ] && regress="tests/fuzz/regress/$t"
norand=""
setarch -R true >/dev/null 2>&1 && norand="setarch -R"

# New inputs go to $tmp/new (the first directory); the seeds and saved inputs are only read.
$norand "$bin" -seed="$seed" -runs="$runs" -max_len=65536 -timeout=30 -rss_limit_mb=2048 \
    -reload=0 -print_final_stats=1 -artifact_prefix="$tmp/art/" \
    "$tmp/new" "$tmp/seeds/$t" $regress >"$tmp/log" 2>&1
rc=$?
[ -n "$norand" ] || echo "note: address randomisation could not be turned off; runs may differ"
done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$tmp/log" | tail -n 1)
if [ "$rc" -eq 0 ] && [ -n "$done_line" ]; then
    echo "PASS fuzz $t: -seed=$seed -runs=$runs, no crash"
    echo "    $done_line"
    echo "1 passed, 0 failed"
    exit 0
fi
mkdir -p "$FUZZ_BUILD/crashes/$t"
cp "$tmp/art/"* "$FUZZ_BUILD/crashes/$t/" 2>/dev/null
cp "$tmp/log" "$FUZZ_BUILD/crashes/$t.log"
echo "FAIL fuzz $t: -seed=$seed -runs=$runs, exit status $rc"
# what happened, and where in calc or the target
grep -E 'ERROR|SUMMARY|runtime error|^ *#[0-9]+ .* (calc|tests/fuzz)/[a-z_]+\.c:' "$tmp/log" |
    head -n 20 | sed 's/^ */    /; s/ (BuildId: [0-9a-f]*)//'
for f in "$tmp/art/"*; do
    [ -f "$f" ] &&
        echo "    input kept: $FUZZ_BUILD/crashes/$t/$(basename "$f") (reproduce: $bin FILE)"
done
echo "    log: $FUZZ_BUILD/crashes/$t.log"
echo "0 passed, 1 failed"
exit 1
