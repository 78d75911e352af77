#!/bin/sh
# determinism.sh — the same input gives the same bytes in every process and for any thread
# count: a population of 3 x 395 records (five chunks) through `calc batch` with -j 1, 2 and 4,
# each three times in a process of its own, under the default set and under a copy with two
# hostile policies (tests/data/batch/order/) whose amount and reason depend on the order pairs()
# and next() visit string keys — an order plain Lua draws from a hash seed that differs from one
# process to the next — and the same profile through `calc eval` in five processes. Run from the
# repository root: BUILD=build sh tests/determinism.sh. Set CALC_WRAP to run calc under a
# wrapper. Prints one line per check and ends with "N passed, N failed"; exits 1 if one failed.
set -u
. tests/lib.sh
need_calc
need jq
D=tests/data/batch
ASOF=2025-06-30

# same WHAT FIRST OTHER: OTHER has the bytes of FIRST; else where they first differ, and the
# results (one per policy) or values of that line that differ.
same() {
    if ! cmp -s "$2" "$3"; then
        problem "$1: $(cmp "$2" "$3" 2>&1 | head -n 1)"
        l=$(cmp "$2" "$3" 2>&1 | sed -n 's/.* line \([0-9]*\)$/\1/p')
        sed -n "${l:-1}p" "$2" | jq -c '.results[]? // .' >"$tmp/a" 2>&1
        sed -n "${l:-1}p" "$3" | jq -c '.results[]? // .' >"$tmp/b" 2>&1
        diff "$tmp/a" "$tmp/b" >"$tmp/ab"
        problem "$( (grep '^<' "$tmp/ab" | head -n 1; grep '^>' "$tmp/ab" | head -n 1) | cut -c1-300)"
    fi
}
# The population: three copies of tests/data/batch/population.jsonl, ids made unique.
for k in 1 2 3; do
    jq -c --argjson k $k '.id = .id + "-\($k)"' "$D/population.jsonl"
done >"$tmp/pop.jsonl"
# The hostile set: the default set and the two order-dependent policies.
mkdir -p "$tmp/order"
cp -R policies/. "$tmp/order/"
cp "$D/order/"*.lua "$tmp/order/"

# runs SET LABEL: the population through batch in 9 processes (-j 1, 2, 4, three times each);
# the exit statuses that were not 0 go to $rc_bad.
runs() {
    rc_bad=""
    for j in 1 2 4; do
        for n in 1 2 3; do
            run batch "$tmp/pop.jsonl" --policies "$1" --as-of $ASOF -q \
                -j $j -o "$tmp/$2.$j.$n.jsonl" --summary "$tmp/$2.$j.$n.sum"
            [ $rc -eq 0 ] || rc_bad="$rc_bad -j $j run $n: exit $rc ($(head -n 1 "$tmp/err"))"
        done
    done
}
# all_same LABEL: every run's results and summary have the bytes of the first (-j 1, run 1);
# names the runs that differ, and shows the first difference.
all_same() {
    [ -z "$rc_bad" ] || problem "exit status:$rc_bad"
    differ=""
    for j in 1 2 4; do
        for n in 1 2 3; do
            [ "$j.$n" = 1.1 ] && continue
            if ! cmp -s "$tmp/$1.1.1.jsonl" "$tmp/$1.$j.$n.jsonl" ||
                ! cmp -s "$tmp/$1.1.1.sum" "$tmp/$1.$j.$n.sum"; then
                [ -z "$differ" ] &&
                    same "results -j $j run $n" "$tmp/$1.1.1.jsonl" "$tmp/$1.$j.$n.jsonl" &&
                    same "summary -j $j run $n" "$tmp/$1.1.1.sum" "$tmp/$1.$j.$n.sum"
                differ="$differ -j$j/run$n"
            fi
        done
    done
    [ -z "$differ" ] || problem "runs that differ from -j 1 run 1:$differ"
    got=$(wc -l <"$tmp/$1.1.1.jsonl" | tr -d ' ')
    [ "$got" = 1185 ] || problem "result lines: got $got, expected 1185"
}

# Ensure the default set gives the same bytes in every process and for every -j.
begin "batch, default set: -j 1, 2, 4, three processes each, identical results and summaries"
runs policies default
all_same default
end

# Ensure the hostile policies evaluate in every record (their order is not refused as an
# error), so that the next check compares what they computed.
begin "batch, hostile set: the order-dependent policies evaluate in every record"
runs "$tmp/order" order
[ -z "$rc_bad" ] || problem "exit status:$rc_bad"
got=$(jq -r '.results[] | select(.policy | startswith("zz-order-")) | "\(.policy) \(.status)"' \
    "$tmp/order.1.1.jsonl" 2>&1 | sort | uniq -c | sed 's/^ *//')
want="1185 zz-order-concat ineligible
1185 zz-order-pairs eligible"
[ "$got" = "$want" ] || problem "statuses: got '$got', expected '$want'"
end

# Ensure the hostile policies give the same amounts and reasons in every process and for every
# -j (the sums and strings they build follow the order pairs() and next() visit keys in).
begin "batch, hostile set (pairs/next over string keys): -j 1, 2, 4, three processes each, identical"
all_same order
end

# Ensure one profile evaluated in five processes under the hostile set gives the same JSON.
begin "eval, hostile set: the example profile in five processes, identical JSON (--explain)"
for n in 1 2 3 4 5; do
    run eval cases/profiles/example.yaml --policies "$tmp/order" --as-of $ASOF --format json \
        --explain
    [ "$rc" = 0 ] || problem "run $n failed"
    cat "$tmp/out" "$tmp/err" >"$tmp/eval.$n"
done
for n in 2 3 4 5; do
    same "run $n" "$tmp/eval.1" "$tmp/eval.$n"
done
end

finish
