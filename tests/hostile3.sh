#!/bin/sh
# hostile3.sh — the command line used the wrong way, as a reviewer trying to lose an auditor's
# data: an output file that is also an input (or the ledger, or another output) or named for
# another format, an option given twice with two values, refusals without the range or fix
# they need, a run whose input cannot be read to its end (missing, a directory, a CSV header
# that names no field, one good input beside a bad one), inputs that hold no records (0 bytes,
# a CSV header alone), a replay of a directory without case files, records longer than the
# limit, CSV list items whose columns come out of order, columns without a header, spaces
# around a quoted cell's value, full-width digits, lone surrogate escapes in JSON, a line end
# in a value an error quotes, standard input's temporary copy, messages in the reader's
# language, a grant round past the largest amount, payments said before they are recorded, a
# noted head as verify prints it, a paid grant revoked, a read-only copy of a ledger, a store's
# key with invisible spaces, a result line calc did not write, a report of an edited case, a
# ledger URL's password, book 1's limits across the rounds of a claim year, a signing key with a
# passphrase, the caret on a long line, and README.md's scale-out recipe run as written.
# A run that cannot read its inputs must leave no results, summary or manifest that look
# complete, and a file it would destroy is refused before anything is read.
#
# Run from the repository root: BUILD=build sh tests/hostile3.sh.
. tests/lib.sh
need_calc
need jq
ASOF=2025-06-30
TMO=${HOSTILE_TIMEOUT:-30}
P=tests/data/batch/population.jsonl
W=$tmp/w
mkdir "$W"
# same_results A B: batch A and B (each exit 0) give the same result lines
same_results() {
    run batch "$1" --as-of $ASOF -q -o "$1.jsonl"
    want_rc 0
    run batch "$2" --as-of $ASOF -q -o "$2.jsonl"
    want_rc 0
    want_same "results" "$1.jsonl" "$2.jsonl"
}

# ============================================================ an output over an input

# Ensure -o, --summary and --manifest never name a file the command reads, nor each other:
# refused (exit 2) before anything is written, the input left as it was, whatever spelling names
# it (./FILE, a symbolic link).
begin "outputs: -o or --summary naming an input is refused, the input kept"
cp "$P" "$W/pop.jsonl"
before=$(cksum <"$W/pop.jsonl")
run batch "$W/pop.jsonl" --as-of $ASOF -q -o "$W/pop.jsonl"
want_rc 2
want_line err "calc: -o $W/pop.jsonl is also an input: writing it would destroy what is read (write to another file)"
(cd "$W" && ln -s pop.jsonl link.jsonl)
run batch "$W/link.jsonl" --as-of $ASOF -q -o "$W/./pop.jsonl"
want_rc 2
run batch "$W/pop.jsonl" --as-of $ASOF -q --summary "$W/link.jsonl"
want_rc 2
want_match err "^calc: --summary $W/link.jsonl is also an input"
cp cases/profiles/example.yaml "$W/example.yaml"
eb=$(cksum <"$W/example.yaml")
run record "$W/example.yaml" --as-of $ASOF -o "$W/example.yaml"
want_rc 2
want_eq "profile" "$(cksum <"$W/example.yaml")" "$eb"
want_eq "input" "$(cksum <"$W/pop.jsonl")" "$before"
end

begin "outputs: -o and --summary naming one file are refused"
run batch "$W/pop.jsonl" --as-of $ASOF -q -o "$W/same.json" --summary "$W/same.json"
want_rc 2
want_line err "calc: -o and --summary name the same file $W/same.json: one would overwrite the other (give each its own)"
[ -e "$W/same.json" ] && problem "same.json was written"
end

begin "outputs: -o naming the ledger's file is refused"
run ledger init --ledger "$W/ledger.db"
[ -s "$W/ledger.db" ] || problem "no ledger made (ledger init: $(lib_got "$tmp/err"))"
lb=$(cksum <"$W/ledger.db")
run batch "$P" --as-of $ASOF -q --ledger "$W/ledger.db" -o "$W/ledger.db"
want_rc 2
want_match err "^calc: -o $W/ledger.db is the ledger"
want_eq "ledger" "$(cksum <"$W/ledger.db")" "$lb"
end

# Ensure an option of one value given twice with two values is refused, never the last one
# silently winning (--as-of twice: which date did the auditor mean?); the same value twice is
# the same request.
begin "options: --as-of, -o, --format given twice with two values are refused"
run batch "$P" --as-of 2025-06-30 --as-of 2024-12-31 -q -o /dev/null
want_rc 2
want_line err "calc: --as-of is given twice ('2025-06-30', then '2024-12-31'): give it once"
run batch "$P" --as-of $ASOF -q -o "$W/a.jsonl" --output "$W/b.jsonl"
want_rc 2
want_line err "calc: --output is given twice ('$W/a.jsonl', then '$W/b.jsonl'): give it once"
[ -e "$W/a.jsonl" ] || [ -e "$W/b.jsonl" ] && problem "a result file was written"
run eval cases/profiles/example.yaml --as-of $ASOF --format json --format=text
want_rc 2
want_line err "calc: --format is given twice ('json', then 'text'): give it once"
run eval cases/profiles/example.yaml --as-of $ASOF --as-of=$ASOF --format json
want_rc 0
end

# Ensure a refusal says what is accepted: a limit's range (it said "a positive whole number" of
# 99999999999999, and "limits out of range" for --max-depth 7), a YAML tab's fix (libyaml's
# "cannot start any token"), a date's years (0001-01-01 is a real date, outside calc's years),
# a list index as written (it said item 9223372036854775807), an enum value with an invisible
# character (it said "did you mean 'ai'?" of 'ai' and a zero-width space).
begin "hints: limits' ranges, a YAML tab, a date's years"
run eval cases/profiles/example.yaml --as-of $ASOF --max-input 99999999999999
want_rc 2
want_line err "calc: --max-input: expected a whole number of MiB from 1 to 65536, got '99999999999999'"
run eval cases/profiles/example.yaml --as-of $ASOF --max-depth 7
want_rc 2
want_line err "calc: --max-depth: expected a whole number from 8 to 256, got '7'"
run eval cases/profiles/example.yaml --as-of $ASOF --max-instructions 999
want_line err "calc: --max-instructions: expected a whole number of at least 1000, got '999'"
printf 'id: A\nname: a\nfinance:\n\trevenue: 1\n' >"$W/tab.yaml"
run_nosrc eval "$W/tab.yaml" --as-of $ASOF
want_rc 3
want_line err "$W/tab.yaml:4:1: error: YAML syntax: found character that cannot start any token"
want_line err "$W/tab.yaml:4:1: note: YAML indents with spaces, never tabs: replace the tab with spaces"
printf 'id: A\nname: a\nfounded: 0001-01-01\n' >"$W/year.yaml"
run_nosrc eval "$W/year.yaml" --as-of $ASOF
want_rc 3
want_line err "$W/year.yaml:3:10: error: founded: expected a date from 1900-01-01 to 2999-12-31, got '0001-01-01'"
want_line err "$W/year.yaml:3:10: note: a date's year is from 1900 to 2999"
run eval cases/profiles/example.yaml --as-of $ASOF --set "industry=$(printf 'ai\342\200\213')"
want_rc 3
want_line err "--set:1:1: note: the value holds an invisible character (U+200B, a zero-width space): delete it"
run eval cases/profiles/example.yaml --as-of $ASOF --set 'stores[99999999999999999999].kind=flagship'
want_rc 2
want_line err "--set: error: 'stores[99999999999999999999].kind': no item 99999999999999999999 in stores (it has 1)"
end

# Ensure -o's name and --format agree: without --format the name chooses (results.csv is CSV,
# results.xlsx a workbook; it wrote JSON Lines into both); a name that says another format is
# refused (--format xlsx -o x.csv made a workbook named .csv).
begin "outputs: -o's name chooses the format, and a contradicting --format is refused"
run batch "$P" --as-of $ASOF -q -o "$W/by-name.csv"
want_rc 0
want_eq "CSV header" "$(head -c 23 "$W/by-name.csv")" "profile,as_of,policy,st"
run batch "$P" --as-of $ASOF -q -o "$W/by-name.XLSX"
want_rc 0
want_eq "a workbook (zip)" "$(head -c 2 "$W/by-name.XLSX")" "PK"
run batch "$P" --as-of $ASOF -q --format xlsx -o "$W/wrong.csv"
want_rc 2
want_line err "calc: --format xlsx, but -o $W/wrong.csv is named for csv: name it for its format, or give --format csv"
[ -e "$W/wrong.csv" ] && problem "wrong.csv was written"
run report cases/gs17.yaml --format md -o "$W/report.html"
want_rc 2
[ -e "$W/report.html" ] && problem "report.html was written"
run report cases/gs17.yaml -o "$W/report.md"
want_rc 0
want_eq "report: Markdown by its name" "$(head -c 2 "$W/report.md")" "# "
run whatif "$P" --param sc25-rd-subsidy.rate=15% --as-of $ASOF -o "$W/whatif.xlsx"
want_rc 0
want_eq "whatif: a workbook (zip)" "$(head -c 2 "$W/whatif.xlsx")" "PK"
run near "$P" --as-of $ASOF -o "$W/near.csv"
want_rc 0
want_eq "near: CSV header" "$(head -c 20 "$W/near.csv")" "profile,name,policy,"
run near "$P" --as-of $ASOF -o "$W/near2.csv" --format json
want_rc 2
want_line err "calc: --format json, but -o $W/near2.csv is named for csv: name it for its format, or give --format csv"
end

# Ensure a quoted CSV cell's surrounding spaces are dropped as an unquoted one's are: Excel
# quotes "1,200,000.00 " for its comma, and it was refused as not a number while " 1200" was
# read; a cell of spaces alone is an empty cell (an absent field).
begin "CSV: spaces around a quoted cell's value are not its value"
printf 'id,name,营业收入,研发投入,员工人数\nA,甲,"1,200,000.00 ", 1200," "\n' >"$W/spaces.csv"
printf 'id,name,营业收入,研发投入\nA,甲,1200000.00,1200\n' >"$W/plain.csv"
same_results "$W/spaces.csv" "$W/plain.csv"
end

# ============================================================ inputs that cannot be read

# outputs_absent: none of the run's files exist
outputs_absent() {
    for f in "$W/o.jsonl" "$W/o.sum" "$W/o.man" "$W/o.xlsx"; do
        [ -e "$f" ] && problem "$(basename "$f") was written"
    done
}
# Ensure an input that cannot be opened, or read to its end, leaves no results, summary or
# manifest (they would look complete without its records), beside good inputs too, and that a
# previous results file keeps its content.
begin "unreadable inputs: a missing file beside a good one writes no file"
rm -f "$W"/o.*
run batch "$P" "$W/missing.jsonl" --as-of $ASOF -q -o "$W/o.jsonl" --summary "$W/o.sum" \
    --manifest "$W/o.man"
want_rc 2
want_line err "calc: error: cannot open $W/missing.jsonl: No such file or directory"
want_line err "calc: error: no file written: an input could not be read to its end, and its records would be missing from the results"
outputs_absent
end

begin "unreadable inputs: a directory, and a CSV header naming no field, write no file"
mkdir "$W/dir.jsonl"
run batch "$W/dir.jsonl" --as-of $ASOF -q -o "$W/o.jsonl" --summary "$W/o.sum"
want_rc 2
want_line err "calc: error: cannot read $W/dir.jsonl: is a directory"
outputs_absent
printf 'nonsense,columns\n1,2\n' >"$W/bad.csv"
run batch "$P" "$W/bad.csv" --as-of $ASOF -q -o "$W/o.xlsx" --format xlsx
want_rc 3
want_match err "^calc: error: $W/bad.csv: cannot read further \(record [0-9]+\)$"
outputs_absent
echo previous >"$W/o.jsonl"
run batch "$W/bad.csv" --as-of $ASOF -q -o "$W/o.jsonl"
want_eq "previous results" "$(cat "$W/o.jsonl")" previous
rm -f "$W/o.jsonl"
end

begin "unreadable inputs: calc allocate of a directory or a missing shard writes no file"
run batch "$P" --no-pools --as-of $ASOF -q -o "$W/claims.jsonl"
want_rc 0
run allocate "$W/claims.jsonl" "$W/dir.jsonl" -q -o "$W/o.jsonl" --summary "$W/o.sum"
want_rc 2
want_line err "calc: error: cannot read $W/dir.jsonl: is a directory"
outputs_absent
run allocate "$W/claims.jsonl" "$W/missing.jsonl" -q -o "$W/o.jsonl"
want_rc 2
outputs_absent
end

# ============================================================ inputs without records

# Ensure an input without records is an error naming it (exit 3), never an empty result that
# passes: 0 bytes of each format, a CSV header alone, an empty standard input, an empty shard;
# the records of the other inputs are still written.
begin "empty inputs: 0-byte JSON Lines, CSV and YAML, a CSV header alone, exit 3"
: >"$W/e.jsonl"
: >"$W/e.csv"
: >"$W/e.yaml"
run batch "$W/e.jsonl" --as-of $ASOF -q
want_rc 3
want_line err "calc: error: $W/e.jsonl: no records (the input is empty)"
want_line err "calc: note: a record is a JSON line, a YAML document or a CSV row under the header: was the export complete?"
for f in e.csv e.yaml; do
    run batch "$W/$f" --as-of $ASOF -q
    want_rc 3
    want_line err "calc: error: $W/$f: no records (the input is empty)"
done
run init --format csv -o "$W/template.csv"
head -n 1 "$W/template.csv" >"$W/header.csv"
run batch "$W/header.csv" --as-of $ASOF -q
want_rc 3
want_line err "calc: error: $W/header.csv: no records (the input is empty)"
runx sh -c "'$CALC' batch - --as-of $ASOF -q </dev/null"
want_rc 3
want_line err "calc: error: <stdin>: no records (the input is empty)"
run batch "$P" "$W/e.jsonl" --as-of $ASOF -q -o "$W/o.jsonl"
want_rc 3
want_eq "records written" "$(wc -l <"$W/o.jsonl" | tr -d ' ')" "$(wc -l <"$P" | tr -d ' ')"
rm -f "$W/o.jsonl"
end

begin "empty inputs: calc whatif and calc near of an empty file name it, exit 3"
run whatif "$W/e.jsonl" --param sc25-rd-subsidy.rate=15% --as-of $ASOF
want_rc 3
want_line err "calc: error: $W/e.jsonl: no records (the input is empty)"
run near "$W/e.csv" --as-of $ASOF
want_rc 3
want_line err "calc: error: $W/e.csv: no records (the input is empty)"
run whatif "$P" "$W/e.yaml" --param sc25-rd-subsidy.rate=15% --as-of $ASOF --format json
want_rc 3
want_eq "records of the good input" "$(jq -r '.records.read // .records' "$tmp/out" 2>&1 | head -n 1)" "$(wc -l <"$P" | tr -d ' ')"
end

begin "empty inputs: calc allocate of an empty shard, calc replay of a directory without cases"
run allocate "$W/e.jsonl" -q
want_rc 3
want_line err "calc: error: $W/e.jsonl: no records (the input is empty)"
mkdir "$W/nocases"
run replay "$W/nocases"
want_rc 3
want_line err "calc: error: $W/nocases: no case files to replay"
want_out1 "0 passed, 0 failed"
end

# ============================================================ records longer than the limit

# Ensure one record's text is bounded while it is read (--max-input 1: 1 MiB), not only once
# parsed: a JSON line of 40 MiB is an error record and the lines after it are evaluated, in
# little memory; a CSV row of 40 MiB (one line, or a quoted cell that never closes) and a YAML
# document of 40 MiB end the input with an error at their line (exit 3, nothing written).
# Address space is held to 250 MiB by ulimit -v (a run that held a 40 MiB record twice over
# would fail), but under a sanitizer or valgrind, which reserve far more.
case "$BUILD ${CALC_WRAP:-}" in
*san*|*valgrind*) VLIM="ulimit -v unlimited" ;;
*) VLIM="ulimit -v 256000" ;;
esac
big_line() { awk -v n=$((40 * 1024)) -v pre="$1" -v post="$2" 'BEGIN { s = "x"; while (length(s) < 1024) s = s s; s = substr(s, 1, 1024); printf "%s", pre; for (i = 0; i < n; i++) printf "%s", s; print post }'; }
begin "long records: a 40 MiB JSON line is an error record, the next line evaluated"
{ echo '{"id": "L1", "name": "甲"}'; big_line '{"id": "L2", "name": "' '"}'; echo '{"id": "L3", "name": "乙"}'; } >"$W/long.jsonl"
runx sh -c "$VLIM; ${CALC_WRAP:-} '$CALC' batch '$W/long.jsonl' --max-input 1 --as-of $ASOF -q --no-pools"
want_rc 3
want_line err "$W/long.jsonl:2: error: a line of 41943064 bytes exceeds the limit of one record, 1048576 bytes (--max-input)"
want_line err "$W/long.jsonl:2: note: a record is one line, one document or one row; if the file is right, raise --max-input (MiB)"
want_eq "records" "$(jq -r '.profile // "error \(.record) line \(.line)"' "$tmp/out" 2>&1 | tr '\n' ' ')" "L1 error 2 line 2 L3 "
end

begin "long records: a 40 MiB CSV row or YAML document ends the input, nothing written"
{ echo 'id,name'; echo 'C1,甲'; big_line 'C2,' ''; echo 'C3,乙'; } >"$W/long.csv"
{ echo 'id,name'; echo 'C1,甲'; printf 'C2,"'; big_line '' '' | fold -w 1000; echo 'C3,乙'; } >"$W/longq.csv"
{ printf 'id: Y1\nname: 甲\n---\nid: Y2\nname: '; big_line '' ''; printf -- '---\nid: Y3\nname: 乙\n'; } >"$W/long.yaml"
for f in long.csv longq.csv long.yaml; do
    for j in 1 2; do
        rm -f "$W/o.jsonl"
        runx sh -c "$VLIM; ${CALC_WRAP:-} '$CALC' batch '$W/$f' -j $j --max-input 1 --as-of $ASOF -q -o '$W/o.jsonl'"
        want_rc 3
        want_match err "^$W/$f:[0-9]+: error: more than 1048576 bytes in one record: the limit of one record \(--max-input\); nothing after it is read$"
        want_match err "^calc: error: $W/$f: cannot read further \(record 2\)$"
        want_no_match err "not closed|scalar of"
        [ -e "$W/o.jsonl" ] && problem "$f -j $j: results written"
    done
done
end

# ============================================================ CSV columns out of order

# Ensure a CSV's list items follow their numbers, not the order of the columns: 门店2.* written
# before 门店1.* is still stores[1] (it was read as stores[0], and a store's missing area was
# named on the other store). Store 1 has its area, store 2 has none: stores[1].area_m2 is
# missing; a bad kind in 门店2's column is stores[1].kind.
begin "CSV: 门店2.* columns before 门店1.* are still the second store"
h1='门店1.门店类型,门店1.知名品牌,门店1.开业日期,门店1.门店所在区,门店1.装修投入,门店1.面积'
h2='门店2.门店类型,门店2.知名品牌,门店2.开业日期,门店2.门店所在区,门店2.装修投入'
v1='global_first,true,2025-03-01,上城区,2000000,300'
v2='flagship,true,2025-04-01,上城区,100'
printf 'id,name,district,%s,%s\nA,甲,上城区,%s,%s\n' "$h1" "$h2" "$v1" "$v2" >"$W/ordered.csv"
printf 'id,name,district,%s,%s\nA,甲,上城区,%s,%s\n' "$h2" "$h1" "$v2" "$v1" >"$W/reversed.csv"
same_results "$W/reversed.csv" "$W/ordered.csv"
want_eq "first store" "$(jq -c '.results[] | select(.policy == "sc25-first-store") | [.status, .amount, .missing]' "$W/ordered.csv.jsonl" 2>&1)" \
    '["eligible","1000000.00",["stores[1].area_m2"]]'
printf 'id,name,门店2.门店类型,门店1.门店类型\nA,甲,xx,global_first\n' >"$W/badkind.csv"
run batch "$W/badkind.csv" --as-of $ASOF -q
want_rc 3
want_match err "^$W/badkind.csv:2:C（门店2.门店类型）: error: stores\\[1\\]\\.kind: unknown store_kind 'xx'$"
end

# Ensure the empty columns Excel keeps after a sheet's last one (a header ending "id,name,,")
# are no columns: the rows are read (they were all refused as an "unknown column" with an empty
# name and no hint), and a value under such a column is its row's error, named by the cell.
begin "CSV: columns without a header are skipped; a value under one is an error"
printf 'id,name,,\r\nA,甲,,\r\nB,乙,,x\r\n' >"$W/trail.csv"
run batch "$W/trail.csv" --as-of $ASOF -q
want_rc 3
want_eq "records" "$(jq -r '.profile // "error \(.record) line \(.line)"' "$tmp/out" 2>&1 | tr '\n' ' ')" "A error 2 line 3 "
want_line err "$W/trail.csv:3:D: error: a value in a column without a header: 'x' belongs to no field"
want_line err "$W/trail.csv:3:D: note: give the column a header (a field's path or label), or delete its values"
want_no_match err "unknown column"
end

# Ensure the full-width digits and signs a Chinese input method types read as ASCII ones in
# amounts, counts and dates (they were "not a number"): the same results and fingerprint.
begin "full-width digits: １，５００，０００．５０, １２ and ２０２４／３／１５ read as ASCII"
printf 'id,name,研发投入,员工人数,成立日期\nA,甲,"１，５００，０００．５０",１２,２０２４／３／１５\n' >"$W/fw.csv"
printf 'id,name,研发投入,员工人数,成立日期\nA,甲,"1,500,000.50",12,2024/3/15\n' >"$W/ascii.csv"
same_results "$W/fw.csv" "$W/ascii.csv"
run eval cases/profiles/example.yaml --as-of $ASOF --set 'finance.rd_expense=１５０万' --format json
want_rc 0
want_eq "rd subsidy" "$(jq -c '.results[] | select(.policy == "sc25-rd-subsidy") | [.status, .amount]' "$tmp/out" 2>&1)" '["eligible","150000.00"]'
end

# Ensure a JSON escape of half a UTF-16 pair is refused at it, never changed silently: yajl
# decodes \ud800 alone as '?' and \udc00 alone as bytes of no UTF-8 character (both went into
# the results); a whole pair, and a '?' or \\ud800 written as text, are read as they are.
begin "JSON: a lone surrogate escape is an error at it, a pair is its character"
printf '{"id": "S1", "name": "\\ud800x"}\n{"id": "S2", "name": "x\\udc00"}\n{"id": "S3", "name": "\\ud83d\\ude00 ok? a\\\\ud800"}\n' >"$W/sur.jsonl"
run_nosrc batch "$W/sur.jsonl" --as-of $ASOF -q
want_rc 3
want_line err "$W/sur.jsonl:1:23: error: a lone UTF-16 surrogate (\\uD800) in a value is no character"
want_line err "$W/sur.jsonl:2:24: error: a lone UTF-16 surrogate (\\uDC00) in a value is no character"
want_line err "$W/sur.jsonl:1:23: note: write the character itself in UTF-8, or both halves of its pair (\\ud83d\\ude00)"
want_eq "records" "$(jq -r '.name // "error \(.record)"' "$tmp/out" 2>&1 | tr '\n' '|')" 'error 1|error 2|😀 ok? a\ud800|'
end

# ============================================================ a line end inside a cell

# Ensure an error record keeps the whole message when the value it quotes holds a line end (a
# quoted CSV cell over two lines): it was cut at the line end, losing the value's end and the
# hint. JSON Lines escape it; the compact form writes it \n on its one line.
begin "error records: a CSV value with a line end is quoted whole"
printf 'id,name,员工人数\nA,"甲\n乙","1\n2"\n' >"$W/nl.csv"
run batch "$W/nl.csv" --as-of $ASOF -q
want_rc 3
want_eq "error" "$(jq -r .error "$tmp/out" 2>&1)" "2:C（员工人数）: employees: expected a whole number, got '1
2' (write a whole number, e.g. 12)"
want_eq "error_zh" "$(jq -r .error_zh "$tmp/out" 2>&1)" "2:C（员工人数）: employees：应为整数，实际为“1
2”（请填写整数，例如 12）"
run batch "$W/nl.csv" --as-of $ASOF -q --format compact --lang en
want_rc 3
want_eq "compact" "$(tail -n 1 "$tmp/out")" "! 1 2 2:C（员工人数）: employees: expected a whole number, got '1\\n2' (write a whole number, e.g. 12)"
end

# ============================================================ standard input

# Ensure standard input, kept in a temporary file for the two passes of a run with pools, is
# named <stdin> everywhere (messages, the summary's notes: the same bytes in every run, never
# the temporary file's name) and leaves no file behind when calc is killed while reading it.
begin "stdin: named <stdin> in notes, no temporary file left behind by SIGTERM"
mkdir "$W/tmpd"
printf 'id,name\nA,\274\327\n' >"$W/gbk.csv"
runx sh -c "TMPDIR='$W/tmpd' ${CALC_WRAP:-} '$CALC' batch - --input-format csv --as-of $ASOF -q --summary '$W/stdin.sum' <'$W/gbk.csv'"
want_rc 0
want_line err "calc: note: read <stdin> as GB18030"
want_eq "notes" "$(jq -c '[.notes[] | .file, .en]' "$W/stdin.sum" 2>&1)" '["<stdin>","read <stdin> as GB18030"]'
( cat "$P"; sleep 4 ) | TMPDIR="$W/tmpd" "$CALC" batch - --as-of $ASOF -q -o "$W/o.jsonl" 2>/dev/null &
pid=$!
sleep 1
kill -TERM $pid 2>/dev/null
wait $pid 2>/dev/null
krc=$?
want_eq "exit status" "$krc" 143
want_eq "left in TMPDIR" "$(ls -A "$W/tmpd")" ""
[ -e "$W/o.jsonl" ] && problem "o.jsonl was written"
end

# ============================================================ messages in the reader's language

# Ensure what a person reads is in their language: a policy's Lua run-time error in the Chinese
# table ("试图索引 nil 值（局部变量“t”）", it stayed in Lua's English), and a workbook that cannot
# be written gives calc's own message alone (libxlsxwriter printed its [ERROR] lines).
begin "languages: a Lua run-time error in Chinese, a workbook's write error without [ERROR] lines"
mkdir "$W/ps"
cp -R policies/. "$W/ps/"
cat >"$W/ps/zz-broken.lua" <<'EOF'
return policy {
  id = "zz-broken",
  kind = "cash",
  title = { zh = "坏", en = "broken" },
  source = { doc = "t", quote = "t" },
  in_force = { "2020-01-01", "2030-12-31" },
  conditions = { },
  amount = function(e, p) local t = nil; return t.x end,
}
EOF
run eval cases/profiles/example.yaml --policies "$W/ps" --as-of $ASOF --lang zh
want_rc 4
want_line out "    政策脚本错误：$W/ps/zz-broken.lua:8: 试图索引 nil 值（局部变量“t”）"
run eval cases/profiles/example.yaml --policies "$W/ps" --as-of $ASOF --lang en
want_line out "    error: $W/ps/zz-broken.lua:8: attempt to index a nil value (local 't')"
if [ -w /dev/full ]; then
    run batch "$P" --as-of $ASOF -q --format xlsx -o /dev/full
    want_rc 2
    want_err1 "calc: error: cannot write /dev/full: No space left on device"
    runx sh -c "LANGUAGE=zh_CN.UTF-8 ${CALC_WRAP:-} '$CALC' batch '$P' --as-of $ASOF -q --format xlsx -o /dev/full"
    want_err1 "calc: 错误：无法写入 /dev/full：磁盘空间已满"
fi
end

# Ensure a grant round whose total does not fit in an amount is refused (two grants of the
# largest amount were recorded and the ledger's totals wrapped to 1,000,000.02 yuan).
begin "ledger: a round whose total does not fit in an amount is refused, never wrapped"
gl() { printf '{"profile": "%s", "as_of": "2025-06-30", "results": [{"policy": "sc25-rd-subsidy", "status": "eligible", "kind": "cash", "amount": "%s", "quantity": null, "claim_year": 2024, "keys": [{"key": "2024", "amount": "%s", "quantity": null}]}], "fingerprint": {"policy_set": "sha256:aa", "profile": "sha256:bb"}, "ledger": {"head": "", "seq": 0}}\n' "$1" "$2" "$2"; }
{ gl E1 92233720368547758.07; gl E2 92233720368547758.07; gl E3 1000000.04; } >"$W/big.jsonl"
run ledger init --ledger "$W/big.db"
run_nosrc grant "$W/big.jsonl" --ledger "$W/big.db" --round R --at 2025-07-01T00:00:00Z
want_rc 1
want_match err "^$W/big.jsonl:2:[0-9]+: error: record E2: the round's total does not fit in an amount \\(the largest is 92233720368547758.07 yuan\\)$"
run ledger --ledger "$W/big.db" --format json
want_eq "grants" "$(jq -c .totals.grants "$tmp/out" 2>&1)" 0
end

# Ensure calc grant refuses result lines calc batch --ledger would not write: an empty
# enterprise id, an as_of that is no date, a claim year its as_of does not give (all three were
# recorded as they stood: a grant of nobody, of "as of yesterday", of claim year 1999).
begin "ledger: grant refuses a line without an id, with an as_of that is no date, or a foreign claim year"
gy() { printf '{"profile": "%s", "as_of": "%s", "results": [{"policy": "sc25-rd-subsidy", "status": "eligible", "kind": "cash", "amount": "10.00", "quantity": null, "claim_year": %s, "keys": [{"key": "%s", "amount": "10.00", "quantity": null}]}], "fingerprint": {"policy_set": "sha256:aa", "profile": "sha256:bb"}, "ledger": {"head": "", "seq": 0}}\n' "$1" "$2" "$3" "$3"; }
run ledger init --ledger "$W/gy.db"
for l in '|2025-06-30|2024' ' |2025-06-30|2024' 'Y1|yesterday|2024' 'Y1|2025-6-30|2024' \
    'Y1|20250630|2024' 'Y1|2025年6月30日|2024' 'Y1|2025-06-30|1999'; do
    IFS='|' read -r id asof year <<EOF2
$l
EOF2
    gy "$id" "$asof" "$year" >"$W/gy.jsonl"
    run_nosrc grant "$W/gy.jsonl" --ledger "$W/gy.db" --round "R$year$id" --at 2025-07-01T00:00:00Z --lang en
    want_rc 3
done
# an id that is a number
gy Y1 2025-06-30 2024 | sed 's/"profile": "Y1"/"profile": 5/' >"$W/gy.jsonl"
run_nosrc grant "$W/gy.jsonl" --ledger "$W/gy.db" --round R5 --at 2025-07-01T00:00:00Z
want_rc 3
want_match err "\"profile\" is 5, not an enterprise's id \\(a string\\)$"
gy "" 2025-06-30 2024 >"$W/gy.jsonl"
run_nosrc grant "$W/gy.jsonl" --ledger "$W/gy.db" --round R --at 2025-07-01T00:00:00Z
want_match err "^$W/gy.jsonl:1:1: error: a result of sc25-rd-subsidy without its enterprise's id \\(\"profile\" is empty\\)$"
gy Y1 yesterday 2024 >"$W/gy.jsonl"
run_nosrc grant "$W/gy.jsonl" --ledger "$W/gy.db" --round R --at 2025-07-01T00:00:00Z
want_match err "^$W/gy.jsonl:1:1: error: record Y1: its as_of 'yesterday' is not a date \\(YYYY-MM-DD\\)$"
gy Y1 2025-06-30 1999 >"$W/gy.jsonl"
LANGUAGE=zh_CN run_nosrc grant "$W/gy.jsonl" --ledger "$W/gy.db" --round R --at 2025-07-01T00:00:00Z
want_match err "企业 Y1：sc25-rd-subsidy 的申报年度为 1999，但其测算日期 2025-06-30 对应的申报年度是 2024"
run ledger --ledger "$W/gy.db" --format json
want_eq "grants" "$(jq -c .totals.grants "$tmp/out" 2>&1)" 0
# the line as calc batch --ledger writes it is recorded
gy Y1 2025-06-30 2024 >"$W/gy.jsonl"
run_nosrc grant "$W/gy.jsonl" --ledger "$W/gy.db" --round R --at 2025-07-01T00:00:00Z
want_rc 0
end

# Ensure `calc pay` says a payment only when it is recorded: a grant given twice is refused
# (it printed "seq N: payment of grant 1", then failed and rolled back), and with a grant that
# does not exist after a good one nothing is printed as paid and nothing is paid; --amount
# reads full-width digits as every amount does.
begin "ledger: pay confirms only what it recorded; a grant given twice is refused"
gl P1 1000.00 >"$W/pay.jsonl"
run ledger init --ledger "$W/pay.db"
run grant "$W/pay.jsonl" --ledger "$W/pay.db" --round R --at 2025-07-01T00:00:00Z
want_rc 0
run pay 1 1 --ledger "$W/pay.db" --at 2025-07-02T00:00:00Z
want_rc 2
want_line err "calc: error: grant 1 is given twice: a grant is paid once"
want_out_empty
run pay 1 99999 --ledger "$W/pay.db" --at 2025-07-02T00:00:00Z
want_rc 1
want_out_empty
run ledger --ledger "$W/pay.db" --format json
want_eq "paid" "$(jq -c '[.grants[] | .paid]' "$tmp/out" 2>&1)" '[null]'
run pay 1 --ledger "$W/pay.db" --at 2025-07-02T00:00:00Z --amount '１，０００．００'
want_rc 0
want_match out "^seq 2: payment of grant 1 \\(P1, sc25-rd-subsidy, 2024, '2024'\\): 1000.00 yuan$"
# a head as verify prints it is the ledger's own; a typo is a usage error, not a tamper alarm
run ledger verify --ledger "$W/pay.db" --lang en
h=$(sed -n 's/^rows: [0-9]*, head \([0-9a-f]*\)$/\1/p' "$tmp/out")
run ledger verify --ledger "$W/pay.db" --head "$h" --lang en
want_rc 0
want_match out "^VERIFIED"
run ledger verify --ledger "$W/pay.db" --head "$(echo "$h" | tr a-f A-F)"
want_rc 0
run ledger verify --ledger "$W/pay.db" --head xyz
want_rc 2
want_line err "calc: error: --head: expected the ledger head's hash, 64 hex digits or the first 12 as calc ledger verify prints them, got 'xyz'"
end

# Ensure a paid grant is not revoked by the way: revoking it says money is to be recovered and
# frees its key to be granted and paid again, so it needs --recover (it was revoked without a
# word, and granted and paid a second time); revoke says its row only once it is committed.
begin "ledger: a paid grant is revoked only with --recover, and said to be recovered"
gl R1 5000.00 >"$W/rv.jsonl"
run ledger init --ledger "$W/rv.db"
run grant "$W/rv.jsonl" --ledger "$W/rv.db" --round R --at 2025-07-01T00:00:00Z
run pay 1 --ledger "$W/rv.db" --at 2025-07-02T00:00:00Z
want_rc 0
run revoke 1 --reason "迁出本区" --ledger "$W/rv.db" --at 2025-08-01T00:00:00Z
want_rc 1
want_out_empty
want_line err "calc: error: grant 1 (R1, sc25-rd-subsidy, 2024, '2024') was paid 5000.00 yuan (seq 2): a paid grant is revoked only with --recover"
want_match err "with --recover the revocation records that the payment is to be recovered"
run ledger --ledger "$W/rv.db" --format json
want_eq "status after the refusal" "$(jq -c '[.grants[] | .status]' "$tmp/out" 2>&1)" '["paid"]'
LANGUAGE=zh_CN run revoke 1 --reason "迁出本区" --ledger "$W/rv.db" --at 2025-08-01T00:00:00Z --recover
want_rc 0
want_line out "  该笔已支付 5000.00 元（序号 2）：须追回"
run ledger --ledger "$W/rv.db" --format json
want_eq "status after --recover" "$(jq -c '[.grants[] | .status]' "$tmp/out" 2>&1)" '["revoked"]'
end

# Ensure a read-only copy of a SQLite ledger (a file and directory the reader may not write, as
# an auditor is handed) can be read and verified, and a write says why it cannot be (every
# command said "attempt to write a readonly database": WAL mode wants a -shm file beside it).
begin "ledger: a read-only copy of a SQLite ledger is read and verified; a write says why not"
mkdir "$W/ro"
cp "$W/rv.db" "$W/ro/rv.db"
chmod 444 "$W/ro/rv.db"
chmod 555 "$W/ro"
chmod o+x "$tmp" "$W"
reader= rocalc=$CALC
if [ "$(id -u)" = 0 ]; then # root writes any file: the reader is nobody, with a copy of calc
    reader="runuser -u nobody --" # where nobody may run it (the checkout may be in ~root)
    rocalc=$W/calc-ro
    cp "$CALC" "$rocalc"
    chmod 755 "$rocalc"
fi
# shellcheck disable=SC2086
runx $reader "$rocalc" ledger --ledger "$W/ro/rv.db" --format json
want_rc 0
want_eq "read-only: the grants" "$(jq -c '[.grants[] | .status]' "$tmp/out" 2>&1)" '["revoked"]'
# shellcheck disable=SC2086
runx $reader "$rocalc" ledger verify --ledger "$W/ro/rv.db" --lang en
want_rc 0
want_match out "^VERIFIED"
# shellcheck disable=SC2086
runx $reader "$rocalc" pay 1 --ledger "$W/ro/rv.db" --lang en
want_rc 2
want_line err "calc: error: ledger $W/ro/rv.db (SQLite): the file is read-only here: it can be read, not written"
ls "$W/ro" >"$tmp/out"
want_out_is <<EOF2
rv.db
EOF2
chmod 755 "$W/ro"
if [ -n "$reader" ]; then
    # a directory the reader may write (a shared, sticky one): reading leaves no -shm or -wal
    # of the reader's there, which would keep the owner from writing (it left both)
    mkdir -m 1777 "$W/shared"
    cp "$W/rv.db" "$W/shared/rv.db"
    runx $reader "$rocalc" ledger --ledger "$W/shared/rv.db" --format json
    want_rc 0
    ls "$W/shared" >"$tmp/out"
    want_out_is <<EOF2
rv.db
EOF2
    # a file the reader may not read at all is not "no ledger"
    chmod 600 "$W/shared/rv.db"
    runx $reader "$rocalc" ledger --ledger "$W/shared/rv.db" --lang en
    want_rc 2
    want_line err "calc: error: cannot read the ledger $W/shared/rv.db: Permission denied"
    # a copy whose write-ahead log holds rows: refused, never read as if they were not there
    # (it was read as immutable and verified with no rows)
    run ledger init --ledger "$W/live.db"
    python3 -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA wal_autocheckpoint=0")
c.execute("select count(*) from ledger_rows").fetchall(); time.sleep(3)' "$W/live.db" &
    holder=$!
    sleep 0.5
    gl WAL1 700.00 >"$W/wal.jsonl"
    run grant "$W/wal.jsonl" --ledger "$W/live.db" --round W --at 2025-07-01T00:00:00Z
    mkdir "$W/rowal"
    cp "$W/live.db" "$W/live.db-wal" "$W/rowal/"
    wait $holder
    chmod 555 "$W/rowal"
    chmod 444 "$W/rowal/live.db" "$W/rowal/live.db-wal"
    runx $reader "$rocalc" ledger verify --ledger "$W/rowal/live.db" --lang en
    want_rc 2
    want_match err "its write-ahead log holds rows not yet in the file, and cannot be read where the file may not be written$"
    want_no_match out "VERIFIED"
    chmod 755 "$W/rowal"
fi
end

# Ensure a store granted once is the same store when re-submitted with a space after its brand,
# a no-break space or a zero-width one (it was newly entitled and granted again, 175,000 twice).
begin "ledger: a store re-submitted with invisible spaces in its brand is the store granted"
st() { printf '{"id": "ST1", "name": "门店企业", "district": "上城区", "stores": [{"kind": "hangzhou_first", "brand": "%s", "brand_recognized": true, "opened": "2025-03-18", "district": "上城区", "area_m2": 160, "fitout_investment": 350000}]}\n' "$1"; }
st '示例咖啡' >"$W/st1.jsonl"
run ledger init --ledger "$W/st.db"
run batch "$W/st1.jsonl" --ledger "$W/st.db" --as-of 2025-06-30 -q -o "$W/st1.out.jsonl" --grant st-1
want_rc 0
for b in '示例咖啡 ' ' 示例咖啡' "$(printf '示例\342\200\213咖啡')" "$(printf '示例咖啡\302\240')"; do
    st "$b" >"$W/st2.jsonl"
    run new "$W/st2.jsonl" --ledger "$W/st.db" --as-of 2025-06-30 --format json
    want_rc 0
    want_eq "newly entitled ('$b')" "$(jq -c '[.entitled[] | select(.policy == "sc25-first-store")]' "$tmp/out" 2>&1)" '[]'
done
end

# Ensure book 1's limits hold across the rounds of a claim year with a ledger: the first-store
# subsidy's 最高100万元 an enterprise (round 1 granted 甲 and 乙 1,000,000.00; round 2 granted 丙
# another 500,000.00, 1,500,000.00 in all) and sc25-hq-cap's local contribution (round 1 granted
# the star reward 1,000,000.00 of 1,500,000.00; round 2 gave the office subsidy 600,000.00 more).
begin "ledger: book 1's limits hold across the rounds of a claim year"
fs() { printf '{"id": "FS1", "name": "门店企业", "district": "上城区", "stores": [%s]}\n' "$1"; }
so() { printf '{"kind": "%s", "brand": "%s", "brand_recognized": true, "opened": "2025-0%s-18", "district": "上城区", "area_m2": 160, "fitout_investment": 3000000}' "$1" "$2" "$3"; }
fs "$(so global_first 甲 3), $(so asia_first 乙 4)" >"$W/fs1.jsonl"
fs "$(so global_first 甲 3), $(so asia_first 乙 4), $(so china_first 丙 5)" >"$W/fs2.jsonl"
run ledger init --ledger "$W/fs.db"
run batch "$W/fs1.jsonl" --ledger "$W/fs.db" --as-of 2025-06-30 -q -o "$W/fs1.out.jsonl" --grant fs-1
want_rc 0
run batch "$W/fs2.jsonl" --ledger "$W/fs.db" --as-of 2025-09-30 -q -o "$W/fs2.out.jsonl" --grant fs-2
want_rc 0
want_eq "round 2's first-store result" "$(jq -c '.results[] | select(.policy == "sc25-first-store") | [.status, .amount, .reasons[0].name, .reasons[0].actual]' "$W/fs2.out.jsonl" 2>&1)" \
    '["ineligible","0.00","limit cap","1,000,000.00 granted in all claim years in the ledger"]'
run ledger --ledger "$W/fs.db" --format json
want_eq "granted in all" "$(jq -c '[.totals.grants, .totals.granted]' "$tmp/out" 2>&1)" '[2,"1000000.00"]'
# a limit partly used: 乙 800,000.00 in round 1, then 甲's 1,000,000.00 is cut to the 200,000.00 left
fs "$(so asia_first 乙 4)" >"$W/fs3.jsonl"
run ledger init --ledger "$W/fs3.db"
run batch "$W/fs3.jsonl" --ledger "$W/fs3.db" --as-of 2025-06-30 -q -o "$W/fs3.out.jsonl" --grant fs-1
run batch "$W/fs1.jsonl" --ledger "$W/fs3.db" --as-of 2025-09-30 -q -o "$W/fs4.out.jsonl" --explain
want_rc 0
want_eq "the rest of the limit" "$(jq -c '.results[] | select(.policy == "sc25-first-store") | [.status, .amount, .keys, .computation.zh[-1]]' "$W/fs4.out.jsonl" 2>&1)" \
    '["eligible","200000.00",[{"key":"甲@2025-03-18","amount":"200000.00","quantity":null}],"本政策对每家企业以 ¥1,000,000.00 为限；台账已记录历年授予 ¥800,000.00，尚余 ¥200,000.00：本项 ¥1,000,000.00 降为 ¥200,000.00"]'
# the case recorded with the ledger replays to it, and its report says it (the report
# evaluated without the case's ledger snapshot: 1,000,000.00)
run record "$W/fs1.jsonl" --ledger "$W/fs3.db" --as-of 2025-09-30 -o "$W/fs-case.yaml"
want_rc 0
run replay "$W/fs-case.yaml"
want_rc 0
run report "$W/fs-case.yaml" -o "$W/fs-case.md" --lang en
want_rc 0
want_line_file "$W/fs-case.md" '### First-store and flagship-store one-off subsidy (sc25-first-store) — eligible ¥200,000.00'
# a part payment uses the whole grant of the limit: 甲 granted 1,000,000.00, paid 400,000.00,
# leaves nothing for 丙 (it was given 500,000.00: the limit counted what was paid)
fs "$(so global_first 甲 3)" >"$W/pp1.jsonl"
fs "$(so global_first 甲 3), $(so china_first 丙 5)" >"$W/pp2.jsonl"
run ledger init --ledger "$W/pp.db"
run batch "$W/pp1.jsonl" --ledger "$W/pp.db" --as-of 2025-06-30 -q -o "$W/pp1.out.jsonl" --grant pp-1
run pay 1 --amount 400000 --ledger "$W/pp.db" --at 2025-07-02T00:00:00Z
run batch "$W/pp2.jsonl" --ledger "$W/pp.db" --as-of 2025-09-30 -q -o "$W/pp2.out.jsonl"
want_eq "after a part payment" "$(jq -c '.results[] | select(.policy == "sc25-first-store") | [.status, .amount]' "$W/pp2.out.jsonl" 2>&1)" '["ineligible","0.00"]'
# a pro-rata pool's cut is not paid in a later round through the limit: 127 enterprises of
# 1,000,000.00 each share 126,000,000.00 (992,125.98 each); a new store of one of them later
# finds its 1,000,000.00 used (it was given the 7,874.02 the pool had cut)
for i in $(seq -w 1 127); do printf '{"id": "PO%s", "name": "门店企业", "district": "上城区", "stores": [%s]}\n' "$i" "$(so global_first 甲 3)"; done >"$W/po1.jsonl"
printf '{"id": "PO001", "name": "门店企业", "district": "上城区", "stores": [%s, %s]}\n' "$(so global_first 甲 3)" "$(so hangzhou_first 丁 5)" >"$W/po2.jsonl"
run ledger init --ledger "$W/po.db"
run batch "$W/po1.jsonl" --ledger "$W/po.db" --as-of 2025-06-30 -q -o "$W/po1.out.jsonl" --grant po-1
want_eq "the pool's share" "$(jq -r 'select(.profile == "PO001") | .results[] | select(.policy == "sc25-first-store") | .amount' "$W/po1.out.jsonl" 2>&1)" "992125.98"
run batch "$W/po2.jsonl" --ledger "$W/po.db" --as-of 2025-09-30 -q -o "$W/po2.out.jsonl"
want_eq "after the pool's cut" "$(jq -c '.results[] | select(.policy == "sc25-first-store") | [.status, .amount]' "$W/po2.out.jsonl" 2>&1)" '["ineligible","0.00"]'
# the pedestrian-street subsidy is in force over two claim years (2019, 2020): its store is
# granted once (it was granted again for 2020, 300,000.00 twice)
printf '{"id": "W1", "name": "步行街企业", "district": "上城区", "stores": [{"kind": "global_first", "brand": "甲", "brand_recognized": true, "opened": "2020-03-18", "district": "上城区", "street": "湖滨步行街"}]}\n' >"$W/sc20.jsonl"
run ledger init --ledger "$W/sc20.db"
run batch "$W/sc20.jsonl" --ledger "$W/sc20.db" --as-of 2020-06-30 -q -o "$W/sc20a.out.jsonl" --grant s-1
run batch "$W/sc20.jsonl" --ledger "$W/sc20.db" --as-of 2021-06-30 -q -o "$W/sc20b.out.jsonl" --grant s-2
run ledger --ledger "$W/sc20.db" --format json
want_eq "sc20 grants" "$(jq -c '[.totals.grants, .totals.granted]' "$tmp/out" 2>&1)" '[1,"300000.00"]'
# the enterprise is the one a person sees: "FS1 ", "FS1" with a zero-width space (乙 was granted
# again to "FS1 ", 1,800,000.00 in all)
run ledger init --ledger "$W/id.db"
printf '{"id": "FS1", "name": "门店企业", "district": "上城区", "stores": [%s]}\n' "$(so asia_first 乙 4)" >"$W/id1.jsonl"
run batch "$W/id1.jsonl" --ledger "$W/id.db" --as-of 2025-06-30 -q -o "$W/id1.out.jsonl" --grant id-1
for id in 'FS1 ' "$(printf 'FS1\342\200\213')"; do
    printf '{"id": "%s", "name": "门店企业", "district": "上城区", "stores": [%s, %s]}\n' "$id" "$(so global_first 甲 3)" "$(so asia_first 乙 4)" >"$W/id2.jsonl"
    run batch "$W/id2.jsonl" --ledger "$W/id.db" --as-of 2025-09-30 -q -o "$W/id2.out.jsonl"
    want_eq "'$id': the rest of the limit" "$(jq -c '.results[] | select(.policy == "sc25-first-store") | [.amount, [.keys[].key]]' "$W/id2.out.jsonl" 2>&1)" '["200000.00",["甲@2025-03-18"]]'
done
# without the ledger the same profile is book 1's 1,000,000.00 (its two stores, capped)
run batch "$W/fs1.jsonl" --as-of 2025-09-30 -q --no-pools
want_eq "no ledger" "$(jq -c '.results[] | select(.policy == "sc25-first-store") | .amount' "$tmp/out" 2>&1)" '"1000000.00"'
hq() { printf '{"id": "HQ1", "name": "总部企业", "district": "上城区", "founded": "2023-03-15", "industry": "commerce", "employees": 20, "finance": {"local_contribution": 1500000}, "hq": {"star": 2%s}}\n' "$1"; }
hq '' >"$W/hq1.jsonl"
hq ', "office": {"mode": "rent", "district": "上城区", "annual_rent": 2000000}' >"$W/hq2.jsonl"
run ledger init --ledger "$W/hq.db"
run batch "$W/hq1.jsonl" --ledger "$W/hq.db" --as-of 2025-06-30 -q -o "$W/hq1.out.jsonl" --grant hq-1
want_eq "round 1's star reward" "$(jq -c '.results[] | select(.policy == "sc25-hq-star") | .amount' "$W/hq1.out.jsonl" 2>&1)" '"1000000.00"'
run batch "$W/hq2.jsonl" --ledger "$W/hq.db" --as-of 2025-09-30 -q -o "$W/hq2.out.jsonl" --explain --lang en
want_rc 0
want_eq "round 2's office subsidy" "$(jq -c '.results[] | select(.policy == "sc25-hq-office") | [.status, .amount_before_cap, .amount]' "$W/hq2.out.jsonl" 2>&1)" \
    '["eligible","600000.00","500000.00"]'
jq -r '.results[] | select(.policy == "sc25-hq-office") | .computation.en[-1]' "$W/hq2.out.jsonl" >"$tmp/out"
want_match out 'exceeds the limit ¥500,000.00 \(the limit less ¥1,000,000.00 granted to its members for the claim year, as the ledger records\)'
# the contribution used up in round 1: the office subsidy's reason says by what (it said "the
# limit ¥0.00", naming neither the contribution nor the ledger)
sed 's/1500000/1000000/' "$W/hq1.jsonl" >"$W/hq3.jsonl"
sed 's/1500000/1000000/' "$W/hq2.jsonl" >"$W/hq4.jsonl"
run ledger init --ledger "$W/hq2.db"
run batch "$W/hq3.jsonl" --ledger "$W/hq2.db" --as-of 2025-06-30 -q -o "$W/hq3.out.jsonl" --grant hq-1
run batch "$W/hq4.jsonl" --ledger "$W/hq2.db" --as-of 2025-09-30 -q -o "$W/hq4.out.jsonl"
want_eq "the used-up cap" "$(jq -c '.results[] | select(.policy == "sc25-hq-office") | [.status, .reasons[-1].actual]' "$W/hq4.out.jsonl" 2>&1)" \
    '["ineligible","limit 0.00 shared by 600000.00, after 1000000.00 granted to its members for the claim year in the ledger"]'
end

# Ensure a signing key protected by a passphrase is named as such, never prompted for (a
# terminal prompt would wait for a person a batch does not have; without one it was "not an
# Ed25519 private key", which it is).
begin "signing: a key with a passphrase is said to have one, nothing is written"
openssl genpkey -algorithm ed25519 -aes256 -pass pass:secret -out "$W/enc.pem" 2>/dev/null
run record cases/profiles/example.yaml --as-of $ASOF -o "$W/enc.yaml" --sign "$W/enc.pem" </dev/null
want_rc 2
want_line err "calc: error: $W/enc.pem is protected by a passphrase: calc cannot ask for one"
want_match err "openssl pkey -in KEY.pem -out PLAIN.pem"
[ ! -e "$W/enc.yaml" ] || problem "a case file was written"
# a batch's manifest signed with it: refused before the run, no file written (the results were
# written, then the signature failed)
run batch cases/profiles/example.yaml --as-of $ASOF -q -o "$W/enc.jsonl" --manifest "$W/enc.json" --sign "$W/enc.pem"
want_rc 2
want_line err "calc: error: $W/enc.pem is protected by a passphrase: calc cannot ask for one"
[ ! -e "$W/enc.jsonl" ] && [ ! -e "$W/enc.json" ] || problem "a results file or manifest was written"
# as ledger verify's --key, which takes the public key: said once, as an error (it was printed
# once for each signed head, without "calc: error:", and "0 of 0 verified" passed)
gl K1 10.00 >"$W/k.jsonl"
run ledger init --ledger "$W/k.db"
run grant "$W/k.jsonl" --ledger "$W/k.db" --round R --at 2025-07-01T00:00:00Z
run ledger verify --ledger "$W/k.db" --key "$W/enc.pem"
want_rc 2
want_err1 "calc: error: $W/enc.pem is a private key protected by a passphrase: checking takes the public key
calc: note: give the public key (openssl pkey -in KEY.pem -pubout -out PUB.pem)"
want_out_empty
# and the report follows the language of the messages, as replay's does
run ledger verify --ledger "$W/k.db"
want_line out "VERIFIED: the chain is intact"
end

# Ensure the caret stands under what an error points at on a long line (a JSON profile on one
# line, 1,000 columns and more): the line is shown around the column, "..." either side (the
# excerpt stopped at 511 bytes and the caret at its end, far from the field).
begin "messages: on a long line the caret is under the field it names"
python3 -c 'import json; print(json.dumps({"id": "x", "name": "y", **{"f%d" % i: "字段" for i in range(40)}, "district": "上城区x"}, ensure_ascii=False))' >"$W/long.json"
run eval "$W/long.json" --as-of $ASOF --lang en
want_rc 3
want_line err '     1 | ...": "字段", "f37": "字段", "f38": "字段", "f39": "字段", "district": "上城区x"}'
want_line err '       |                                                                        ^'
python3 -c 'import json; print(json.dumps({"id": "x", "name": "y", **{"f%d" % i: 1 for i in range(150)}}))' >"$W/long2.json"
run eval "$W/long2.json" --as-of $ASOF --lang en
want_line err "$W/long2.json:1:1006: error: f99: unknown field"
want_line err '     1 | ..."f93": 1, "f94": 1, "f95": 1, "f96": 1, "f97": 1, "f98": 1, "f99": 1, "f100": 1, "f101": 1, "f102": ...'
end

# Ensure a report of a recorded case that was edited since says so (the recorder's name changed
# by hand was shown as recorded, exit 0, while calc verify failed the same file).
begin "report: a recorded case edited since is said to be, an untouched one is not"
run record cases/profiles/example.yaml --as-of $ASOF -o "$W/rec.yaml" --by 张三
want_rc 0
run report "$W/rec.yaml" --lang en -o "$W/rec.md"
want_rc 0
grep -q "edited since it was recorded" "$W/rec.md" && problem "a false warning on an untouched case"
sed 's/张三/李四/' "$W/rec.yaml" >"$W/edited.yaml"
run report "$W/edited.yaml" --lang en -o "$W/edited.md"
grep -q "^Warning: the case file was edited since it was recorded; the recording facts above cannot be trusted (check with calc verify)." "$W/edited.md" ||
    problem "no warning in the report of an edited case: $(grep -i -m 2 'warn\|edited' "$W/edited.md")"
end

# Ensure a ledger URL's password never reaches a message, in the query (?password=) as in the
# user part (it was echoed in clear).
begin "ledger: a PostgreSQL URL's password is left out of messages"
run ledger --ledger 'postgresql://clerk:secret1@127.0.0.1:1/db?sslmode=disable&password=secret2'
[ "$rc" -ne 0 ] || problem "a ledger on port 1 opened"
want_no_match err "secret"
want_match err "postgresql://clerk@127.0.0.1:1/db\\?sslmode=disable&password= "
end

# ============================================================ absurd but valid values

# Ensure a number the schema takes is never a policy's error: each whole-number field at the
# largest integer and each amount at the largest amount, set in turn on every profile of the
# case files evaluated on 2025-06-30 (tests/data/safety/case-profiles.jsonl), gives book
# statuses only (the free office's 10 m² per employee, the hq purchase's m² x 3,000 and the
# two rent policies' m² x rent were "mul: result out of range"). List fields are left out
# (a ledger summing past the largest amount is cases/qt25-listing.yaml's).
begin "absurd values: the largest integer and amount in every field give no policy error"
CP=tests/data/safety/case-profiles.jsonl
"$CALC" schema --lang zh >"$W/schema.txt" 2>&1 # labels without spaces: the type is column 3
awk 'NR > 1 && $1 !~ /\[\]/ && ($3 == "整数" || $3 ~ /^金额/) { print $1, $3 }' "$W/schema.txt" \
    >"$W/numeric"
[ "$(wc -l <"$W/numeric")" -ge 20 ] || problem "only $(wc -l <"$W/numeric") numeric fields in: $(head -5 "$W/schema.txt")"
while read -r f t; do
    case $t in
    整数) v=9223372036854775807 ;;
    *) v=92233720368547758.07 ;;
    esac
    run batch "$CP" --as-of 2025-06-30 --no-pools -q --set "$f=$v"
    [ "$rc" -eq 3 ] || [ "$(grep -c '"results"' "$tmp/out")" -ge 500 ] ||
        problem "$f=$v: only $(grep -c '"results"' "$tmp/out") profiles evaluated"
    # a field with its own range (hq.star 0–5) refuses the value itself: nothing to evaluate
    [ "$rc" -eq 3 ] && grep -q "^--set:1:1: error: $f: expected a whole number from" "$tmp/err" && continue
    # exit 4 only for the run's sums (many enterprises at the largest amount), named as such
    [ "$rc" -eq 0 ] || { [ "$rc" -eq 4 ] && grep -q 'does not fit in an amount' "$tmp/err"; } ||
        problem "$f=$v: exit $rc: $(head -c 300 "$tmp/err")"
    jq -r '.results[]? | select(.status == "error") | "\(.policy): \(.error)"' "$tmp/out" | sort -u \
        >"$W/errors"
    [ -s "$W/errors" ] && problem "$f=$v: $(head -3 "$W/errors")"
done <"$W/numeric"
end

# ============================================================ book 2's pool reasons

# Ensure a book-2 claim a pool turns away names the pool in its reason (book 2 §1.9: "cap and
# pool reasons, which name the cap or pool and no field"): the field is empty, so the name
# carries it, in JSON and CSV (both languages); book 1's keep their field (tests/batch.sh). The pool is made 0.01 yuan so that two enterprises' allowances floor to nothing.
begin "pools: a book-2 pool's reason names the pool (its field is empty)"
cp -r policies "$W/tiny"
sed -i '/^  qt25-talent:/,/^  [a-z]/s/^    size: 20000000$/    size: 0.01/' "$W/tiny/set.yaml"
grep -q 'size: 0.01' "$W/tiny/set.yaml" || problem "the pool was not made small: $(grep -n -A5 qt25-talent: "$W/tiny/set.yaml")"
run batch tests/data/safety/talent-pool.jsonl --policies "$W/tiny" --as-of 2025-06-30 -q
want_rc 0
want_eq "json" "$(jq -c '.results[] | select(.policy == "qt25-talent-housing") | [.status, .reasons[-1].name, .reasons[-1].field]' "$tmp/out" | sort -u)" \
    '["ineligible","pool qt25-talent share floored to 0.00",""]'
run batch tests/data/safety/talent-pool.jsonl --policies "$W/tiny" --as-of 2025-06-30 -q --format csv --lang en
want_match out 'qt25-talent-housing,.*,pro-rata share of pool qt25-talent floored to 0.00'
run batch tests/data/safety/talent-pool.jsonl --policies "$W/tiny" --as-of 2025-06-30 -q --format csv --lang zh
want_match out 'qt25-talent-housing,.*,按比例分配后份额为零：钱塘区高层次人才安家补贴预算'
end

# ============================================================ README.md's recipe

# Ensure the scale-out recipe of README.md runs as written (the shards it cuts must be inputs
# calc batch can read) and gives the single machine's results, byte for byte.
begin "README scale-out recipe: split, map, allocate as written"
awk '/^\*\*Scaling out\.\*\*/ { s = 1 } s && /^```sh$/ { b = 1; next } b && /^```$/ { exit } b' \
    README.md >"$W/recipe.sh"
grep -q '^split ' "$W/recipe.sh" || problem "no split line in the recipe: $(cat "$W/recipe.sh")"
mkdir "$W/so"
cp "$P" "$W/so/district.jsonl"
abs=$(cd "$(dirname "$CALC")" && pwd)/$(basename "$CALC")
runx sh -c "cd '$W/so' && calc() { ${CALC_WRAP:-} '$abs' \"\$@\"; } && CALC_POLICIES='$PWD/policies' && export CALC_POLICIES && set -e && . ./../recipe.sh"
want_rc 0
run batch "$P" --as-of 2025-06-30 -q -o "$W/whole.jsonl"
want_same "results" "$W/so/results.jsonl" "$W/whole.jsonl"
end

finish
