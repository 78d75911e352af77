#!/bin/sh
# setcheck.sh — a policy set is checked against its schema when it loads: a field the engine
# reads (id, name; applied with pools) missing from the schema is a load error with its
# position for every command (policies check, eval, batch), never a crash later.
# Run from the repository root: BUILD=build sh tests/setcheck.sh.
. tests/lib.sh
need_calc
D=tests/data/safety
# load_error NAME STATUS ARGS…: calc ARGS… exits with STATUS, and its stderr holds $want.
load_error() {
    begin "$1"
    status=$2
    shift 2
    run "$@"
    want_rc "$status"
    grep -Fq -- "$want" "$tmp/err" ||
        problem "stderr has no '$want': $(head -c 600 "$tmp/err")"
    end
}

want="$D/no-applied/set.yaml:2:3: error: ten-units: pools serve claims by the date of application, but the schema has no date field 'applied'"
load_error "policies check: a set with pools and no 'applied' in its schema fails with the pool's position" 3 \
    policies check "$D/no-applied"
load_error "batch: the same set is a load error (exit 3), not a crash" 3 \
    batch "$D/pool-overflow.jsonl" --policies "$D/no-applied" --as-of 2025-06-30 -q
load_error "eval: the same set is a load error too" 3 \
    eval cases/profiles/example.yaml --policies "$D/no-applied" --as-of 2025-06-30

# a schema without 'name' (the set has no pools): its own error at the schema's fields
mkdir "$tmp/no-name"
awk '/^  name:$/ { skip = 1; next } skip && /^  [a-z_]+:$/ { skip = 0 } !skip' policies/schema.yaml \
    >"$tmp/no-name/schema.yaml"
cp "$D/no-applied/uncapped-units.lua" "$tmp/no-name/"
line=$(grep -n '^fields:' "$tmp/no-name/schema.yaml" | cut -d: -f1)
want="$tmp/no-name/schema.yaml:$((line + 1)):3: error: the schema needs the field 'name' (a string)"
load_error "policies check: a schema without 'name' fails at its fields' first entry" 3 policies check "$tmp/no-name"

finish
