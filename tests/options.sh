#!/bin/sh
# options.sh — the calc program's options, which one table (calc/cli/main.c) gives each command:
# every input and every repeated option is read (no cap), a command refuses an option it does
# not take, choices are checked for every option that has them, whatif takes one scenario,
# COMMAND --help prints that command's options, the man page lists the commands and options
# calc --help does, and calc serve's limits are flags over the CALC_SERVE_* variables.
# Run from the repository root: BUILD=build sh tests/options.sh. Set CALC_WRAP to run calc under
# a wrapper (valgrind). One "PASS name" / "FAIL name" line per check (details indented), then
# "N passed, N failed"; exit 1 if a check failed.
. tests/lib.sh
need_calc
EX=cases/profiles/example.yaml
POP=tests/data/batch/population.jsonl
SMALL=tests/data/population/small.jsonl
SCEN=cases/scenarios/rd-rate-down.yaml
SCEN2=cases/scenarios/first-store-cap-1.5m.yaml
ASOF=2025-06-30
MAN=calc/calc.1
TMO=120
pids=""
stop_all() {
    for p in $pids; do kill -9 "$p" 2>/dev/null; done
}
on_exit stop_all

# ---- helpers

# run ARGS…: as tests/lib.sh's, with nothing on stdin
# shellcheck disable=SC2086
run() {
    runx ${CALC_WRAP:-} "$CALC" "$@" </dev/null
}
# usage_is MESSAGE: the last run was a usage error with exactly this message
usage_is() {
    want_rc 2
    want_empty out
    printf "calc: %s\nTry 'calc --help'.\n" "$1" >"$tmp/exp"
    cmp -s "$tmp/exp" "$tmp/err" || problem "stderr: got '$(cat "$tmp/err")', expected '$(cat "$tmp/exp")'"
}

# the commands calc --help lists
commands() {
    "$CALC" --help | sed -n '/^commands:$/,/^$/p' | sed -n 's/^  \([a-z][a-z-]*\).*/\1/p'
}
# each command's synopsis in calc --help on one line: "NAME ARGS [OPTION]…"
synopses() {
    "$CALC" --help | sed -n '/^commands:$/,/^$/p' | awk '
        /^  [a-z]/ { if (s != "") print s; s = substr($0, 3); sub(/   .*/, "", s); next }
        /^                     / || /^$/ || /^commands:/ { next }
        { t = $0; sub(/^ +/, "", t); s = s " " t }
        END { if (s != "") print s }'
}
# the options of a command's synopsis in calc --help
synopsis_options() {
    synopses | awk -v c="$1" '$1 == c' | grep -oE '(^|[ [])--?[a-z][a-z-]*' | sed 's/^[ []//' | sort -u
}
# the options COMMAND --help lists outside the common ones, as they are spelt first
own_options() {
    "$CALC" "$1" --help | awk '/^[a-z].*:$/ { sec = $0; next }
        sec != "" && sec != "common options:" && /^  -/ { sub(/^  /, ""); sub(/[ ,].*/, ""); sub(/…$/, ""); print }'
}
# the options of COMMAND in the man page's synopsis
man_options() {
    awk -v c="$1" '/^\.SH / { syn = ($2 == "SYNOPSIS") } syn && /^\.B calc / { cur = $3 }
        syn && /^\.br/ { cur = "" } syn && cur == c { print }' "$MAN" |
        sed 's/\\-/-/g' | grep -oE '(^|[ [])--?[a-z][a-z-]*' | sed 's/^[ []//'
}

# ---- every input and every repeated option is read

# 70 population files of one record each, and the same 70 records in one file; the last
# (W4, 10 % short of the R&D subsidy's threshold) is on near's list
mkdir -p "$tmp/in"
head -n 69 "$POP" >"$tmp/all70.jsonl"
grep '"id": "W4"' "$SMALL" >>"$tmp/all70.jsonl"
i=0
while [ $i -lt 70 ]; do
    i=$((i + 1))
    sed -n "${i}p" "$tmp/all70.jsonl" >"$tmp/in/f$(printf %02d $i).jsonl"
done
files=$(ls "$tmp"/in/f*.jsonl)

# Ensure batch reads all 70 of 70 input files (64 were read and six files' records lost).
begin "batch: 70 input files, every record read, as from one file"
# shellcheck disable=SC2086
run batch $files --as-of $ASOF -q -o "$tmp/b70.jsonl"
want_rc 0
run batch "$tmp/all70.jsonl" --as-of $ASOF -q -o "$tmp/b1.jsonl"
want_eq "result lines" "$(wc -l <"$tmp/b70.jsonl" | tr -d ' ')" 70
want_same "70 files and one file" "$tmp/b70.jsonl" "$tmp/b1.jsonl"
end

# Ensure allocate reads all 70 shard files.
begin "allocate: 70 shard files, every result allocated, as from one file"
run batch "$tmp/all70.jsonl" --as-of $ASOF -q --no-pools -o "$tmp/claims.jsonl"
mkdir -p "$tmp/shards"
split -l 1 -a 3 -d "$tmp/claims.jsonl" "$tmp/shards/s."
# shellcheck disable=SC2046
run allocate $(ls "$tmp"/shards/s.*) -q -o "$tmp/a70.jsonl"
want_rc 0
run allocate "$tmp/claims.jsonl" -q -o "$tmp/a1.jsonl"
want_eq "result lines" "$(wc -l <"$tmp/a70.jsonl" | tr -d ' ')" 70
want_same "70 shards and one file" "$tmp/a70.jsonl" "$tmp/a1.jsonl"
end

# Ensure whatif and near read all 70 input files.
for c in whatif near; do
    begin "$c: 70 input files read as one file"
    extra=""
    [ $c = whatif ] && extra="--scenario $SCEN"
    # shellcheck disable=SC2086
    run $c $files --as-of $ASOF $extra --format json
    want_rc 0
    cp "$tmp/out" "$tmp/$c.70"
    # shellcheck disable=SC2086
    run $c "$tmp/all70.jsonl" --as-of $ASOF $extra --format json
    want_same "70 files and one file" "$tmp/$c.70" "$tmp/out"
    [ $c = near ] && ! grep -q '"W4"' "$tmp/out" && problem "W4 (the 70th file) is not on the list"
    end
done

# repeat N ARGS…: ARGS… N times, one word per line (no ARGS contains a space)
repeat() {
    n=$1
    shift
    k=0
    while [ $k -lt "$n" ]; do
        k=$((k + 1))
        printf '%s\n' "$@"
    done
}

# Ensure the 70th --set counts (64 were kept, the others dropped silently).
begin "eval: 70 --set, every one applied (the last wins)"
# shellcheck disable=SC2046
run eval "$EX" --as-of $ASOF --format json $(repeat 69 --set employees=1) --set employees=7
want_rc 0
cp "$tmp/out" "$tmp/set70"
run eval "$EX" --as-of $ASOF --format json --set employees=7
want_same "70 --set and the last alone" "$tmp/set70" "$tmp/out"
end

# Ensure the 70th --param counts.
begin "eval: 70 --param, every one applied (the last wins)"
# shellcheck disable=SC2046
run eval "$EX" --as-of $ASOF --format json $(repeat 69 --param sc25-rd-subsidy.rate=15%) \
    --param sc25-rd-subsidy.rate=20%
want_rc 0
cp "$tmp/out" "$tmp/param70"
run eval "$EX" --as-of $ASOF --format json --param sc25-rd-subsidy.rate=20%
want_same "70 --param and the last alone" "$tmp/param70" "$tmp/out"
end

# Ensure eval shows 17 scenarios beside the baseline (16 were kept).
begin "eval: 17 --scenario, each beside the baseline"
# shellcheck disable=SC2046
run eval "$EX" --as-of $ASOF --format json $(repeat 17 --scenario $SCEN)
want_rc 0
want_eq "scenarios compared" "$(grep -o '"totals_delta"' "$tmp/out" | wc -l | tr -d ' ')" 17
end

# Ensure sweep keeps the 70th --policy.
begin "sweep: 70 --policy, every one kept"
# shellcheck disable=SC2046
run sweep tests/data/whatif/profile.yaml --as-of $ASOF --vary finance.rd_expense=500000:1500000:500000 \
    --format csv $(repeat 69 --policy sc25-first-store) --policy sc25-rd-subsidy
want_rc 0
want_match out '^finance\.rd_expense,.*sc25-rd-subsidy'
end

# ---- a command takes its own options only

# Ensure an option of another command is a usage error naming the command and listing its
# options (schema took --solve and --budget and ignored them).
begin "schema --solve --budget: schema's options listed, exit 2"
run schema --solve x --budget 3
usage_is "schema does not take --solve (its options: --lang, --policies, --max-instructions, --max-memory, --max-input, --max-depth, -h)"
end

# Ensure whatif refuses --excel (it wrote no BOM and said nothing).
begin "whatif --excel: exit 2 naming whatif"
run whatif "$SMALL" --as-of $ASOF --scenario $SCEN --format csv --excel
want_rc 2
want_empty out
want_match err "^calc: whatif does not take --excel \(its options: --scenario, --param, --by, --solve, "
end

# Ensure every command refuses an option only another command takes.
begin "every command refuses another command's option"
for c in $(commands); do
    o=--canonical
    [ "$c" = fingerprint ] && o=--strict
    run "$c" "$o"
    [ "$rc" = 2 ] || problem "$c $o: exit status $rc, expected 2"
    grep -Eq "^calc: $c does not take $o \((its options: |it takes no options\))" "$tmp/err" ||
        problem "$c $o: stderr $(head -c 200 "$tmp/err")"
done
end

# Ensure --excel without --format csv is an error for batch and allocate (it was ignored).
begin "batch, allocate --excel without --format csv: exit 2"
run batch "$SMALL" --as-of $ASOF -q --excel
usage_is "--excel needs --format csv (batch writes JSON Lines otherwise)"
run allocate "$tmp/claims.jsonl" -q --excel
usage_is "--excel needs --format csv (allocate writes JSON Lines otherwise)"
end

# Ensure --format csv --excel still begins with the BOM (as it did).
begin "batch --format csv --excel: the UTF-8 BOM first"
run batch "$SMALL" --as-of $ASOF -q --format csv --excel
want_rc 0
want_eq "first bytes" "$(head -c 3 "$tmp/out" | od -An -tx1 | tr -d ' \n')" efbbbf
end

# Ensure whatif's options that go with --solve, and those that do not, are checked.
begin "whatif: --budget without --solve, --by or CSV with --solve: exit 2"
run whatif "$SMALL" --as-of $ASOF --scenario $SCEN --budget 100
usage_is "--budget goes with --solve POLICY.PARAM"
run whatif "$SMALL" --as-of $ASOF --solve sc25-first-store.cap --budget 1400000 --by district
usage_is "--by does not apply to --solve"
run whatif "$SMALL" --as-of $ASOF --solve sc25-first-store.cap --budget 1400000 --format csv
usage_is "--solve writes a table or JSON (--format table or json)"
end

# Ensure a flag given a value is refused and '--' ends the options.
begin "--explain=1 is an error; after -- an argument is a file"
run eval "$EX" --explain=1
usage_is "option --explain takes no value"
run fingerprint -- --help
want_rc 2
want_line err "calc: error: cannot open --help: No such file or directory"
end

begin "-j2 and -oFILE: a one-letter option's value attached, as getopt takes it"
run batch "$POP" --as-of $ASOF -q -j 2
cp "$tmp/out" "$tmp/j-sep"
run batch "$POP" --as-of $ASOF -q -j2
want_rc 0
want_same "-j2 as -j 2" "$tmp/j-sep" "$tmp/out"
run batch "$POP" --as-of $ASOF -q -j1 -o"$tmp/attached.jsonl"
want_rc 0
want_same "-oFILE as -o FILE" "$tmp/j-sep" "$tmp/attached.jsonl"
run batch "$POP" --as-of $ASOF -j0
usage_is "-j: expected a number of threads from 1 to 256, got '0'"
run batch "$POP" --as-of $ASOF -qx
usage_is "unknown option '-qx'"
run eval "$EX" -j2
want_rc 2
want_match err "^calc: eval does not take -j \\(its options"
end
# ---- choices, checked in one place

# Ensure near refuses an unknown --input-format (it exited 0).
begin "near --input-format bogus: exit 2 listing the formats"
run near "$SMALL" --as-of $ASOF --input-format bogus
usage_is "--input-format: expected jsonl, yaml or csv, got 'bogus'"
end

# Ensure whatif refuses an unknown --input-format (it read JSON Lines).
begin "whatif --input-format bogus: exit 2 listing the formats"
run whatif "$SMALL" --as-of $ASOF --scenario $SCEN --input-format bogus
usage_is "--input-format: expected jsonl, yaml or csv, got 'bogus'"
end

# Ensure report refuses an unknown --format (it wrote HTML).
begin "report --format pdf: exit 2"
run record "$EX" --as-of $ASOF -o "$tmp/case.yaml"
run report "$tmp/case.yaml" --format pdf
usage_is "--format: expected html or md, got 'pdf'"
end

# Ensure every option with choices that calc --help shows refuses another value, listing its
# values, before anything else is looked at.
begin "every option with choices refuses another value"
synopses | awk '
    {
        cmd = $1; s = $0
        while (match(s, /\[--?[a-z-]+ [a-z]+(\|[a-z]+)+\]/)) {
            t = substr(s, RSTART + 1, RLENGTH - 2); s = substr(s, RSTART + RLENGTH)
            split(t, p, " "); print cmd, p[1], p[2]
        }
    }' >"$tmp/choices"
[ "$(wc -l <"$tmp/choices")" -ge 14 ] || problem "only $(wc -l <"$tmp/choices") options with choices in calc --help"
while read -r c o vals; do
    list=$(echo "$vals" | awk -F'|' '{ s = $1; for (i = 2; i < NF; i++) s = s ", " $i; print s " or " $NF }')
    run "$c" "$o" bogus
    printf "calc: %s: expected %s, got 'bogus'\nTry 'calc --help'.\n" "$o" "$list" >"$tmp/exp"
    [ "$rc" = 2 ] && cmp -s "$tmp/exp" "$tmp/err" ||
        problem "$c $o bogus: exit $rc, stderr $(head -n 1 "$tmp/err")"
done <"$tmp/choices"
end

# Ensure near reads standard input as --input-format says (it read JSON Lines).
begin "near - --input-format csv: as the CSV file"
run near tests/data/batch/population.csv --as-of $ASOF
want_rc 0
cp "$tmp/out" "$tmp/near.csv"
timeout 120 "$CALC" near - --input-format csv --as-of $ASOF <tests/data/batch/population.csv >"$tmp/out" 2>"$tmp/err"
rc=$?
want_rc 0
want_same "near of stdin and of the file" "$tmp/near.csv" "$tmp/out"
end

# Ensure near applies --set to every record (it was ignored).
begin "near --set: the field changed in every record"
run near "$SMALL" --as-of $ASOF --set finance.rd_expense=950000
want_rc 0
want_match out '^W4 +研发差一成 +研发投入补助 +下一申报年度研发投入 +¥950,000\.00 +¥1,000,000\.00 +5\.00%'
end

# ---- one scenario for whatif

# Ensure whatif with two scenarios is an error (it used the first alone).
begin "whatif --scenario A --scenario B: exit 2, nothing written"
run whatif "$SMALL" --as-of $ASOF --scenario $SCEN --scenario $SCEN2
usage_is "whatif takes one --scenario (it compares the baseline with one scenario: run it once per scenario)"
run whatif "$SMALL" --as-of $ASOF --solve sc25-first-store.cap --budget 1400000 --scenario $SCEN --scenario $SCEN2
want_rc 2
end

# Ensure sweep with two scenarios is an error (it used the first alone).
begin "sweep --scenario A --scenario B: exit 2"
run sweep tests/data/whatif/profile.yaml --as-of $ASOF --vary employees=0:10:1 --scenario $SCEN --scenario $SCEN2
usage_is "sweep takes one --scenario (use calc eval to compare scenarios)"
end

# Ensure whatif's help and the man page say it takes one scenario.
begin "whatif: one scenario, in --help and in the man page"
run whatif --help
want_match out '^  --scenario S\.yaml +the scenario compared with the baseline \(one\)$'
grep -q 'a second \\fB\\-\\-scenario\\fR is an error' "$MAN" ||
    problem "calc.1 does not say a second --scenario is an error"
end

# ---- help, from the table, and the man page

# Ensure init --help prints init's usage (it printed the global help).
begin "init --help: init's usage and options"
run init --help
want_rc 0
want_empty err
want_eq "first line" "$(head -n 1 "$tmp/out")" "usage: calc init [options]"
want_match out '^  -o, --output FILE +write it there \(never over an existing file\)$'
want_match out '^  --policies DIR '
want_match out "^write a blank profile template: each field with its meaning and what to write, each choice's$"
want_no_match out '^commands:$'
want_no_match out '^  eval '
run init -h -o "$tmp/never.yaml"
want_rc 0
want_eq "first line with -h" "$(head -n 1 "$tmp/out")" "usage: calc init [options]"
[ -e "$tmp/never.yaml" ] && problem "init -h -o wrote a template"
end

# Ensure every command's --help starts with its usage and lists each option of its synopsis,
# and calc help COMMAND says the same.
begin "every command's --help: its usage, each option of its synopsis"
n=0
for c in $(commands); do
    n=$((n + 1))
    run "$c" --help
    [ "$rc" = 0 ] || problem "$c --help: exit status $rc"
    head -n 1 "$tmp/out" | grep -q "^usage: calc $c\( \|$\)" || problem "$c --help: first line $(head -n 1 "$tmp/out")"
    synopsis_options "$c" >"$tmp/syn"
    while read -r o; do
        grep -Eq -- "^  (-[a-z], )?$o( |,|…|$)" "$tmp/out" || problem "$c --help does not list $o"
    done <"$tmp/syn"
    "$CALC" help "$c" >"$tmp/help2" 2>&1
    cmp -s "$tmp/out" "$tmp/help2" || problem "calc help $c differs from calc $c --help"
done
[ $n -ge 15 ] || problem "calc --help lists $n commands"
end

# Ensure the man page lists the commands calc --help does (it listed 5 of 14), in its synopsis
# and as a section each.
begin "calc.1 and calc --help: the same commands"
commands | sort >"$tmp/cmds.help"
sed -n '/^\.SH SYNOPSIS/,/^\.SH /p' "$MAN" | sed -n 's/^\.B calc \([a-z][a-z-]*\)$/\1/p' | sort >"$tmp/cmds.man"
want_same "commands of calc --help and of the synopsis" "$tmp/cmds.help" "$tmp/cmds.man"
sed -n 's/^\.SS \([a-z][a-z-]*\)$/\1/p' "$MAN" | sort >"$tmp/cmds.ss"
want_same "commands of calc --help and the man page's sections" "$tmp/cmds.help" "$tmp/cmds.ss"
end

# Ensure the man page's synopsis of each command names the options its --help does.
begin "calc.1's synopsis: each command's options as in its --help"
for c in $(commands); do
    own_options "$c" | sort -u >"$tmp/o.help"
    man_options "$c" | sort -u >"$tmp/o.man"
    cmp -s "$tmp/o.help" "$tmp/o.man" ||
        problem "$c: $(diff "$tmp/o.help" "$tmp/o.man" | grep '^[<>]' | tr '\n' ' ')"
done
end

# Ensure the man page's common options are those of calc --help.
begin "calc.1's common options are calc --help's"
"$CALC" --help | sed -n '/^common options/,/^$/p' | sed -n 's/^  \(-[a-z-]*\).*/\1/p' | sort >"$tmp/c.help"
sed -n '/^\.SH COMMON OPTIONS/,/^\.SH /p' "$MAN" | sed -n 's/^\\fB\([^\\]*\(\\-[^\\]*\)*\)\\fR.*/\1/p' |
    sed 's/\\-/-/g' | sort >"$tmp/c.man"
want_same "common options" "$tmp/c.help" "$tmp/c.man"
end

# Ensure the man page's generated parts (its synopsis, each command's options, the common
# options) are what the command table gives today: `make man` writes them, and this fails until
# it is run after the table changed.
begin "calc.1 is made from the command table (make man)"
run --help-man "$MAN"
want_rc 0
want_empty err
cmp -s "$tmp/out" "$MAN" ||
    problem "calc.1 differs from the command table (run make man): $(diff "$MAN" "$tmp/out" | grep '^[<>]' | head -n 4 | tr '\n' ' ')"
want_eq "parts" "$(grep -c '^\.\\" {{ ' "$MAN")" "$(( $(commands | wc -l) + 1 ))" # every command but version, the synopsis, the common options
end

# Ensure a page that lacks a command's part, or names a part there is none of, is an error
# (exit 3) that says which.
begin "calc --help-man: a part missing or unknown"
awk '/^\.\\" \{\{ options near$/ { skip = 1; next } skip && /^\.\\" \}\}$/ { skip = 0; next } !skip' "$MAN" >"$tmp/nonear.1"
run --help-man "$tmp/nonear.1"
want_rc 3
want_is err <<EOF
$tmp/nonear.1: error: command 'near' has no '.\\" {{ options near' part: add one to its section
EOF
sed 's/^\.\\" {{ options near$/.\\" {{ options nearby/' "$MAN" >"$tmp/nearby.1"
run --help-man "$tmp/nearby.1"
want_rc 3
want_match err "^$tmp/nearby\\.1:[0-9]+: error: no part 'options nearby' \\(synopsis, common options, options COMMAND\\)$"
run --help-man "$tmp/none.1"
want_rc 2
want_line err "calc: error: cannot open $tmp/none.1: No such file or directory"
end

# Ensure the README's package list is what `make deps` installs (DEPS_PKGS in the Makefile).
begin "README: the package list is the Makefile's DEPS_PKGS"
sed -n 's/^DEPS_PKGS = //p' Makefile | tr ' ' '\n' | grep . | sort >"$tmp/pk.make"
tr '\n' ' ' <README.md | sed -n 's/.*installs whatever is missing of `\([^`]*\)`.*/\1/p' |
    tr ' ' '\n' | grep . | sort >"$tmp/pk.readme"
[ -s "$tmp/pk.make" ] || problem "no DEPS_PKGS in the Makefile"
[ -s "$tmp/pk.readme" ] || problem "no package list in README.md"
cmp -s "$tmp/pk.make" "$tmp/pk.readme" ||
    problem "they differ (< Makefile, > README): $(diff "$tmp/pk.make" "$tmp/pk.readme" | grep '^[<>]' | tr '\n' ' ')"
end

# ---- calc serve's limits

# Ensure serve's limit flags are checked like any value.
begin "serve: a limit out of range is a usage error"
run serve --max-seconds abc
usage_is "--max-seconds: expected seconds from 0.1 to 1000000000, got 'abc'"
run serve --max-active 0
usage_is "--max-active: expected a whole number from 1 to 1000000000, got '0'"
run serve --wall-ms -1
usage_is "--wall-ms: expected milliseconds from 0 to 1000000000, got '-1'"
run serve --drain-seconds 1e3
usage_is "--drain-seconds: expected seconds from 0 to 1000000000, got '1e3'"
end

have_serve_tools=1
for t in curl python3 jq; do command -v $t >/dev/null 2>&1 || have_serve_tools=""; done

port=$((21000 + ($$ * 11) % 20000))
# serve_start NAME ENV… -- ARGS…: calc serve on a free port, its stderr in $tmp/NAME.err; sets
# $sport and $spid
serve_start() {
    sn=$1
    shift
    senv=""
    while [ "$#" -gt 0 ] && [ "$1" != -- ]; do senv="$senv $1"; shift; done
    [ "$#" -gt 0 ] && shift
    for try in 1 2 3 4 5 6; do
        port=$((port + 1 + try * 7))
        # shellcheck disable=SC2086
        env $senv ${CALC_WRAP:-} "$CALC" serve --port $port "$@" 2>"$tmp/$sn.err" &
        spid=$!
        for k in $(seq 1 100); do
            grep -q '^calc serve: listening' "$tmp/$sn.err" 2>/dev/null && break
            kill -0 $spid 2>/dev/null || break
            sleep 0.1
        done
        if grep -q '^calc serve: listening' "$tmp/$sn.err" && kill -0 $spid 2>/dev/null; then
            pids="$pids $spid"
            sport=$port
            return 0
        fi
        kill $spid 2>/dev/null
        wait $spid 2>/dev/null
    done
    problem "the server did not start: $(head -c 300 "$tmp/$sn.err")"
    return 1
}
# gone PID SECONDS: the process ended within the time
gone() {
    k=0
    while kill -0 "$1" 2>/dev/null; do
        k=$((k + 1))
        [ $k -gt $(($2 * 10)) ] && return 1
        sleep 0.1
    done
    wait "$1" 2>/dev/null
    return 0
}
now() { date +%s.%N; }
secs() { echo "$1 $2" | awk '{ printf "%.1f", $2 - $1 }'; }

if [ -n "$have_serve_tools" ]; then
    # Ensure --quiet turns the access log off (CALC_SERVE_QUIET alone did).
    begin "serve --quiet: no access log"
    if serve_start quiet -- --quiet; then
        curl -s -o /dev/null "http://127.0.0.1:$sport/healthz"
        kill -TERM $spid
        gone $spid 10 || problem "the server did not stop"
        grep -q '^calc serve: 200 ' "$tmp/quiet.err" && problem "an access log line: $(grep '^calc serve: 200' "$tmp/quiet.err")"
    fi
    end

    # Ensure --max-seconds wins over CALC_SERVE_MAX_SECONDS: a request not arrived whole 1 s
    # after it began is answered 408 then.
    begin "serve --max-seconds 1 over CALC_SERVE_MAX_SECONDS=30: 408 after 1 s"
    if serve_start slow CALC_SERVE_MAX_SECONDS=30 CALC_SERVE_QUIET=1 -- --max-seconds 1; then
        python3 -c '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
t = time.time()
s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
s.settimeout(8)
data = b""
try:
    while not data.endswith(b"}") and len(data) < 4096:
        b = s.recv(4096)
        if not b:
            break
        data += b
except socket.timeout:
    pass
print(data.split(b" ")[1].decode() if data.startswith(b"HTTP/") else "none", "%.1f" % (time.time() - t))
' $sport >"$tmp/slow.out" 2>&1
        read -r code took <"$tmp/slow.out"
        want_eq "status" "$code" 408
        awk -v t="$took" 'BEGIN { exit !(t >= 0.8 && t <= 4) }' || problem "answered after $took s, expected about 1"
        kill -TERM $spid
        gone $spid 10 || problem "the server did not stop"
    fi
    end

    SLOW="$tmp/slowset"
    cp -r policies "$SLOW"
    cp tests/serve/zz-slow.lua "$SLOW/"
    # Ensure --wall-ms wins over CALC_SERVE_WALL_MS: an endless policy is stopped after 300 ms
    # and the others evaluate.
    begin "serve --wall-ms 300 over CALC_SERVE_WALL_MS=20000: an endless policy stopped at 300 ms"
    if serve_start wall CALC_SERVE_WALL_MS=20000 CALC_SERVE_QUIET=1 -- --policies "$SLOW" \
        --max-instructions 1000000000000 --wall-ms 300; then
        t0=$(now)
        code=$(curl -s -o "$tmp/wall.json" -w '%{http_code}' --max-time 15 -X POST --data-binary @"$EX" \
            "http://127.0.0.1:$sport/api/v1/eval?as_of=$ASOF")
        t1=$(now)
        want_eq "status" "$code" 200
        err=$(jq -r '[.results[] | select(.policy == "zz-slow")][0].error' "$tmp/wall.json" 2>/dev/null)
        echo "$err" | grep -q 'time limit of 300 ms exceeded' || problem "zz-slow: $err"
        awk -v t="$(secs "$t0" "$t1")" 'BEGIN { exit !(t <= 5) }' || problem "answered after $(secs "$t0" "$t1") s"
        kill -TERM $spid
        gone $spid 10 || problem "the server did not stop"
    fi
    end

    # Ensure --max-active and --drain-seconds win over their variables: with one evaluation
    # under way (endless, no wall-clock limit) a second one gets 503, and SIGTERM ends the
    # server after 1 s of draining, not 30.
    begin "serve --max-active 1 --drain-seconds 1 over CALC_SERVE_*: 503, then a 1 s drain"
    if serve_start busy CALC_SERVE_MAX_ACTIVE=100 CALC_SERVE_DRAIN_SECONDS=30 CALC_SERVE_WALL_MS=20000 \
        CALC_SERVE_QUIET=1 -- --policies "$SLOW" --max-instructions 1000000000000 --wall-ms 0 \
        --max-active 1 --drain-seconds 1 --threads 2; then
        curl -s -o /dev/null --max-time 20 -X POST --data-binary @"$EX" \
            "http://127.0.0.1:$sport/api/v1/eval?as_of=$ASOF" &
        cpid=$!
        pids="$pids $cpid"
        sleep 1
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST --data-binary @"$EX" \
            "http://127.0.0.1:$sport/api/v1/eval?as_of=$ASOF")
        want_eq "status of the second evaluation" "$code" 503
        t0=$(now)
        kill -TERM $spid
        gone $spid 15 || problem "the server did not stop"
        t1=$(now)
        awk -v t="$(secs "$t0" "$t1")" 'BEGIN { exit !(t >= 0.8 && t <= 6) }' ||
            problem "stopped after $(secs "$t0" "$t1") s, expected about 1"
        kill "$cpid" 2>/dev/null
        wait "$cpid" 2>/dev/null
    fi
    end
else
    echo "FAIL serve checks: curl, python3 and jq are needed"
    failed=$((failed + 1))
fi

finish
