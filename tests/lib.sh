# lib.sh — the harness every shell suite of tests/ sources (`. tests/lib.sh`, from the
# repository root). It sets BUILD (default build), CALC ($BUILD/calc) and a temporary directory
# $tmp removed on exit, and gives:
#
#   begin NAME / problem TEXT / end     one check: PASS when no problem was noted between begin
#                                       and end, FAIL with the problems indented below
#   check NAME COMMAND…                 one check: COMMAND must succeed; its output is shown
#                                       below a failure
#   pass NAME / fail NAME [DETAIL]      a check decided by the suite itself
#   finish                              the closing line "N passed, N failed"; the status is 1
#                                       when a check failed (the suite ends with it)
#
#   run ARGS…        calc ARGS… (under $CALC_WRAP when set, such as valgrind) with a timeout;
#                    stdout in $tmp/out, stderr in $tmp/err, the exit status in $rc. A hang,
#                    a crash (a status of 128 or more), a sanitizer or valgrind report or a
#                    message without its Chinese form on stderr is a problem of the current
#                    check.
#   run_nosrc ARGS…  the same without the echoed source lines of errors (CALC_NO_SOURCE=1)
#   runx CMD…        any command so watched (env VAR=VALUE calc …, for instance)
#
#   want_rc N                      the exit status of the last run is N
#   want_eq WHAT GOT EXPECTED      two strings are equal
#   want_is STREAM                 the whole of $tmp/STREAM (out, err, …) equals stdin
#   want_out_is / want_err_is      the same for stdout / stderr
#   want_empty STREAM, want_out_empty, want_err_empty
#   want_out1 TEXT / want_err1 TEXT  the stream is exactly TEXT (one line)
#   want_line STREAM TEXT          some line of the stream is exactly TEXT
#   want_match STREAM ERE          some line of the stream matches the extended regex ERE
#   want_no_match STREAM ERE       no line of the stream matches ERE
#   want_line_file FILE TEXT       some line of FILE is exactly TEXT
#   want_same WHAT FILE1 FILE2     the two files are byte-identical
#
#   need_calc                      stops the suite (one failed check) when calc is not built
#   need CMD…                      stops the suite when a command is missing
#   on_exit CMD                    CMD runs before $tmp is removed (servers to stop, modes)
#
# Timeouts: $CALC_TIMEOUT seconds (60, or 600 under $CALC_WRAP); a suite may set TMO itself.
# A failed check shows at most $SHOW_LINES lines (40) of at most 400 characters.
#
# Messages: calc speaks Chinese unless the locale or --lang says English. The suites compare
# English messages, so they run with LANGUAGE=en (the first thing calc asks; it changes no
# other program's locale); a check of the Chinese ones says LANGUAGE=zh or --lang zh. And every
# message calc makes without a Chinese form is reported on stderr (CALC_CHECK_MESSAGES), which
# fails the check that ran it like a sanitizer report does.
LANGUAGE=en
CALC_CHECK_MESSAGES=1
export LANGUAGE CALC_CHECK_MESSAGES
BUILD=${BUILD:-build}
CALC="$BUILD/calc"
passed=0
failed=0
name=""
problems=""
rc=0
if [ -n "${CALC_WRAP:-}" ]; then
    TMO=${CALC_TIMEOUT:-600}
else
    TMO=${CALC_TIMEOUT:-60}
fi
SHOW_LINES=${SHOW_LINES:-40}
tmp=$(mktemp -d) || exit 2
lib_on_exit=""
lib_cleanup() {
    [ -n "$lib_on_exit" ] && eval "$lib_on_exit"
    rm -rf "$tmp"
}
trap lib_cleanup EXIT
trap 'exit 2' INT TERM HUP

on_exit() {
    lib_on_exit="${lib_on_exit:+$lib_on_exit; }$1"
}

# ---------------------------------------------------------------------------- checks

begin() {
    name=$1
    problems=""
}
problem() {
    problems="$problems$1
"
}
pass() {
    passed=$((passed + 1))
    echo "PASS $1"
}
fail() {
    failed=$((failed + 1))
    echo "FAIL $1"
    [ -n "${2:-}" ] && printf '%s\n' "$2" | head -n "$SHOW_LINES" | cut -c1-400 | sed 's/^/    /'
    return 0
}
end() {
    if [ -z "$problems" ]; then
        pass "$name"
    else
        fail "$name" "$(printf '%s' "$problems")"
    fi
}
# check NAME COMMAND…: COMMAND's output goes to $tmp/log, shown below a failure; a sanitizer or
# valgrind report in it fails the check too.
check() {
    begin "$1"
    shift
    if ! "$@" >"$tmp/log" 2>&1; then
        problem "$(head -n "$SHOW_LINES" "$tmp/log")"
        [ -s "$tmp/log" ] || problem "(failed, no output)"
    elif lib_reports "$tmp/log" >/dev/null; then
        problem "sanitizer/valgrind report: $(lib_reports "$tmp/log" | head -n 3)"
    fi
    end
}
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

# ---------------------------------------------------------------------------- running calc

lib_reports() { # FILE: the lines of a sanitizer or valgrind report, or of a message with no
    # Chinese form
    grep -E '^==[0-9]+==|runtime error: |Sanitizer|no Chinese form of the message' "$1"
}
runx() {
    timeout "$TMO" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        problem "hang: $(basename "$1") did not finish within ${TMO}s (exit status $rc)"
    elif [ "$rc" -ge 128 ]; then
        problem "crash: exit status $rc (signal $((rc - 128)))"
    fi
    if lib_reports "$tmp/err" >/dev/null; then
        problem "sanitizer/valgrind report: $(lib_reports "$tmp/err" | head -n 3)"
    fi
}
run() {
    # shellcheck disable=SC2086
    runx ${CALC_WRAP:-} "$CALC" "$@"
}
run_nosrc() {
    CALC_NO_SOURCE=1 run "$@"
}

need_calc() {
    [ -x "$CALC" ] && return 0
    echo "FAIL $CALC is not built (make BUILD=$BUILD)"
    echo "0 passed, 1 failed"
    exit 1
}
need() {
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 && continue
        echo "FAIL $c is not installed (make deps installs it)"
        echo "0 passed, 1 failed"
        exit 1
    done
}

# ---------------------------------------------------------------------------- expectations

# the first bytes of a stream, for the messages below
lib_got() {
    head -n 3 "$1" 2>/dev/null | head -c 300
}
want_rc() {
    [ "$rc" = "$1" ] && return 0
    if [ -s "$tmp/err" ]; then
        problem "exit status $rc, expected $1 (stderr: $(lib_got "$tmp/err"))"
    else
        problem "exit status $rc, expected $1"
    fi
}
want_eq() { # what, got, expected
    [ "$2" = "$3" ] || problem "$1: got '$2', expected '$3'"
}
want_is() { # stream
    cat >"$tmp/exp"
    if ! cmp -s "$tmp/exp" "$tmp/$1"; then
        problem "$1 differs (- expected, + got):"
        problem "$(diff "$tmp/exp" "$tmp/$1" | sed -n 's/^</-/p; s/^>/+/p' | head -n 20)"
    fi
}
want_out_is() { want_is out; }
want_err_is() { want_is err; }
want_empty() { want_is "$1" </dev/null; }
want_out_empty() { want_is out </dev/null; }
want_err_empty() { want_is err </dev/null; }
want_out1() { want_eq stdout "$(cat "$tmp/out")" "$1"; }
want_err1() { want_eq stderr "$(cat "$tmp/err")" "$1"; }
want_line() { # stream, text
    grep -Fxq -- "$2" "$tmp/$1" || problem "no $1 line: $2 (got: $(lib_got "$tmp/$1"))"
}
want_match() { # stream, ERE
    grep -Eq -- "$2" "$tmp/$1" || problem "no $1 line matching: $2 (got: $(lib_got "$tmp/$1"))"
}
want_no_match() { # stream, ERE
    if grep -Eq -- "$2" "$tmp/$1"; then
        problem "unexpected $1 line: $(grep -E -- "$2" "$tmp/$1" | head -n 1)"
    fi
}
want_line_file() { # file, text
    grep -Fxq -- "$2" "$1" || problem "no line in $1: $2"
}
want_same() { # what, file1, file2
    if ! cmp -s "$2" "$3"; then
        problem "$1 differ: $(cmp "$2" "$3" 2>&1 | head -n 1)"
        problem "$(diff "$2" "$3" | head -n 6 | cut -c1-300)"
    fi
}

# book1_set DIR: the default policy set with book 1 alone (its 13 policies, its set.yaml), for
# suites whose hand-computed populations and tables predate book 2.
book1_set() {
    mkdir -p "$1"
    cp -R policies/. "$1/"
    rm -rf "$1/books" "$1"/qt25-*.lua
    cp tests/data/book1-set.yaml "$1/set.yaml"
}
