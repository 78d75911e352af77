#!/bin/sh
# setcheck.sh — a policy set is checked against its schema when it loads: a field the engine
# reads (id, name; applied with pools) missing from the schema is a load error with its
# position for every command (policies check, eval, batch), never a crash later.
# Run from the repository root: BUILD=build sh tests/setcheck.sh.
BUILD=${BUILD:-build}
CALC="$BUILD/calc"
D=tests/data/safety
passed=0
failed=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
check() { # name, expected status, then the command; stderr must hold $want
    name=$1
    want_rc=$2
    shift 2
    timeout 20 $CALC_WRAP "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" = "$want_rc" ] && grep -Fq -- "$want" "$tmp/err"; then
        passed=$((passed + 1))
        echo "PASS $name"
    else
        failed=$((failed + 1))
        echo "FAIL $name (exit status $rc, expected $want_rc)"
        head -c 600 "$tmp/err" | sed 's/^/    /'
    fi
}

want="$D/no-applied/set.yaml:2:3: error: ten-units: pools serve claims by the date of application, but the schema has no date field 'applied'"
check "policies check: a set with pools and no 'applied' in its schema fails with the pool's position" 3 \
    "$CALC" policies check "$D/no-applied"
check "batch: the same set is a load error (exit 3), not a crash" 3 \
    "$CALC" batch "$D/pool-overflow.jsonl" --policies "$D/no-applied" --as-of 2025-06-30 -q
check "eval: the same set is a load error too" 3 \
    "$CALC" eval cases/profiles/example.yaml --policies "$D/no-applied" --as-of 2025-06-30

# a schema without 'name' (the set has no pools): its own error at the schema's fields
mkdir "$tmp/no-name"
awk '/^  name:$/ { skip = 1; next } skip && /^  [a-z_]+:$/ { skip = 0 } !skip' policies/schema.yaml \
    >"$tmp/no-name/schema.yaml"
cp "$D/no-applied/uncapped-units.lua" "$tmp/no-name/"
line=$(grep -n '^fields:' "$tmp/no-name/schema.yaml" | cut -d: -f1)
want="$tmp/no-name/schema.yaml:$((line + 1)):3: error: the schema needs the field 'name' (a string)"
check "policies check: a schema without 'name' fails at its fields' first entry" 3 "$CALC" policies check "$tmp/no-name"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
