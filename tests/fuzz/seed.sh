#!/bin/sh
# Builds the seed corpus of each fuzz target under $1 from the project's own inputs.
set -u
out=$1
mkdir -p "$out/profile" "$out/case" "$out/record" "$out/csv" "$out/money" "$out/scenario"
cp cases/scenarios/*.yaml tests/data/whatif/*.yaml "$out/scenario/" 2>/dev/null
cp cases/profiles/*.yaml tests/data/cli/*.yaml tests/data/schema/*.yaml "$out/profile/" 2>/dev/null
cp cases/*.yaml "$out/case/"
i=0
head -n 200 tests/data/batch/population.jsonl | while IFS= read -r line; do
    i=$((i + 1))
    printf '%s' "$line" > "$out/record/pop-$i"
done
{ printf '\001'; head -n 50 tests/data/batch/population.csv; } > "$out/csv/pop.csv"
{ printf '\000'; head -n 200 tests/data/batch/population.yaml; } > "$out/csv/pop.yaml"
for s in 0 0.01 1000000 999999.99 "8000000.50" 2025-02-28 2024-02-29 1.5 92233720368547758.07; do
    printf '%s' "$s" > "$out/money/$(printf '%s' "$s" | tr -c 'a-zA-Z0-9' _)"
done
