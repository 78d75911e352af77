#!/bin/sh
# Runs every test suite — the cmocka binaries of $BUILD, the CLI and batch tests, the replay of
# every case file and the policy lint; again on $SAN_BUILD (sanitizers) when set, the CLI tests
# under valgrind when $VALGRIND is set, and each libFuzzer target of $FUZZ_BUILD for a fixed
# number of inputs when set (tests/fuzz/smoke.sh) — and sums their counts into one closing line
# "N passed, N failed". Every suite runs even when an earlier one fails; exit 1 if any failed.
BUILD=${BUILD:-build}
export BUILD
log=$(mktemp)
trap 'rm -f "$log"' EXIT
passed=0
failed=0
bad=""

count() { # name, then the command; adds the suite's own counts
    name=$1
    shift
    "$@" >"$log" 2>&1
    rc=$?
    p=0
    f=0
    # cmocka: "[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s), listed below:"
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    if [ -z "$p$f" ]; then # our own suites: "N passed, N failed"
        line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
        p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
        f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
    fi
    p=${p:-0}
    f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1 # it failed without counting: a crash, a lint problem
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then
        bad="$bad $name"
        echo "FAIL $name ($p passed, $f failed)"
        sed 's/^/    /' "$log" | grep -v '^    PASS ' | tail -n 60
    else
        echo "ok   $name ($p passed)"
    fi
}

# shell_suites: the names of the shell suites not named in suites() below (serve last)
shell_suites() {
    for f in tests/*.sh; do
        s=$(basename "$f" .sh)
        case " lib run cli batch audit hostile population whatif determinism serve " in
        *" $s "*) ;;
        *) echo "$s" ;;
        esac
    done
    echo serve
}

# suites BUILD LABEL: every suite against one build
suites() {
    B=$1
    L=$2
    for t in "$B"/test_*; do
        [ -x "$t" ] && count "$L$(basename "$t")" "$t"
    done
    # every input a fuzz target ever crashed on, and the seeds it starts from
    for t in profile case record csv money scenario; do
        [ -x "$B/replay_$t" ] || continue
        seeds=""
        case $t in
        profile) seeds="cases/profiles tests/data/cli tests/data/schema" ;;
        case) seeds="cases tests/data/cli" ;;
        record) seeds="tests/data/batch/bad.jsonl" ;;
        csv) seeds="tests/data/batch/bad.csv" ;;
        scenario) seeds="cases/scenarios tests/data/whatif" ;;
        esac
        count "${L}fuzz regressions: $t" "$B/replay_$t" tests/fuzz/regress/$t $seeds
    done
    # the shell suites (every tests/*.sh but the harness and this file): these first, in this
    # order, then any other; the server and the browser once, on the normal build
    for s in cli batch audit hostile population whatif determinism $(shell_suites); do
        [ -f "tests/$s.sh" ] || continue
        [ "$s" = serve ] && [ -n "$L" ] && continue
        BUILD=$B count "$L$s" sh "tests/$s.sh"
    done
    count "${L}replay" env LANGUAGE=en "$B/calc" replay cases
    if "$B/calc" policies check policies >"$log" 2>&1; then
        passed=$((passed + 1))
        echo "ok   ${L}policies check"
    else
        failed=$((failed + 1))
        bad="$bad ${L}lint"
        echo "FAIL ${L}policies check"
        sed 's/^/    /' "$log"
    fi
}

suites "$BUILD" ""
if [ -n "${SAN_BUILD:-}" ]; then
    suites "$SAN_BUILD" "asan+ubsan: "
fi
if [ -n "${VALGRIND:-}" ] && command -v valgrind >/dev/null 2>&1; then
    CALC_WRAP="valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99" \
        count "valgrind: cli" sh tests/cli.sh
fi
# libFuzzer on every target, a fixed seed and number of inputs: the same tree, the same verdict
if [ -n "${FUZZ_BUILD:-}" ]; then
    for t in profile case record csv money scenario; do
        FUZZ_BUILD=$FUZZ_BUILD count "fuzz: $t" sh tests/fuzz/smoke.sh "$t"
    done
fi
[ -n "$bad" ] && echo "failed suites:$bad"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
