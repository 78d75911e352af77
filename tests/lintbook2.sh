#!/bin/sh
# lintbook2.sh — `calc policies check` on policy book 2's windows and book conditions: copies of
# the default set with one defect each — an event window that ends after the payout window
# (qt25-listing), EVENT_FROM compared on another field than the window's (qt25-hq-purchase), an
# application window that no condition checks (qt25-high-tech), a book condition on a field the
# schema does not have (books/qt25.lua). Each is reported at its file (the book at file:line),
# the check fails (exit 1; 4 for a book that does not load), and each message exists in English
# (LANGUAGE=en) and in Chinese (the default). Checks named "[bug]" test the correct behaviour of
# a calc bug and fail until it is fixed.
# Run from the repository root: BUILD=build sh tests/lintbook2.sh.
. tests/lib.sh
need_calc

# defect NAME: a copy of policies/ in $tmp/NAME with NAME's defect, its directory in $S
defect() {
    S=$tmp/$1
    mkdir "$S" && cp -R policies/. "$S/"
    case $1 in
    event-end)
        sed -i 's/from = "2022-01-01", to = "2024-12-31" }/from = "2022-01-01", to = "2026-06-30" }/' \
            "$S/qt25-listing.lua"
        grep -q 'to = "2026-06-30"' "$S/qt25-listing.lua" ;;
    event-field)
        sed -i 's/between("purchase.date", EVENT_FROM, EVENT_TO)/between("lease.start", EVENT_FROM, EVENT_TO)/' \
            "$S/qt25-hq-purchase.lua"
        grep -q 'between("lease.start", EVENT_FROM' "$S/qt25-hq-purchase.lua" ;;
    app-unchecked)
        sed -i '/within_months_after("applied", "tech.high_tech_certified", 12,/,+1d' "$S/qt25-high-tech.lua"
        ! grep -q within_months_after "$S/qt25-high-tech.lua" ;;
    book-field)
        sed -i 's/^    equals("district", "钱塘区"),$/    equals("district", "钱塘区"),\n    greater_than("finance.no_such_field", 0),/' \
            "$S/books/qt25.lua"
        grep -q no_such_field "$S/books/qt25.lua" ;;
    esac || problem "fixture: could not make the defect $1 in $S"
}

# lint STATUS LINE_EN: policies check on the set $S exits STATUS (1 for a lint problem, 4 for a
# book that does not load), its English report has the line LINE_EN; the English report in
# $tmp/err.en, the Chinese one (the default language) in $tmp/err.zh
lint() {
    # (the window lints have no Chinese form yet: the [bug] check below, not each of these)
    runx env -u CALC_CHECK_MESSAGES "$CALC" policies check "$S"
    want_rc "$1"
    want_line err "$2"
    cp "$tmp/err" "$tmp/err.en"
    runx env -u CALC_CHECK_MESSAGES LANGUAGE= LC_ALL= LC_MESSAGES= LANG=zh_CN.UTF-8 "$CALC" policies check "$S"
    want_rc "$1"
    cp "$tmp/err" "$tmp/err.zh"
}

# Ensure an event window ending after the payout window is reported at the policy's file.
begin "policies check: an event window that ends after the payout window"
defect event-end
lint 1 "$S/qt25-listing.lua: error: qt25-listing: the event window ends on 2026-06-30, after the payout window (2025-12-31): an event after that can never be paid"
want_line err.en "$S/qt25-listing.lua: note: end the event window by the payout window's end"
want_match err.zh "^$S/qt25-listing.lua: 错误：qt25-listing："
end

# Ensure EVENT_FROM / EVENT_TO compared on a field other than the window's is reported.
begin "policies check: EVENT_FROM compared on another field"
defect event-field
lint 1 "$S/qt25-hq-purchase.lua: error: qt25-hq-purchase: 'lease.start' is compared with the event window, which is on 'purchase.date'"
want_match err.zh "^$S/qt25-hq-purchase.lua: 错误：qt25-hq-purchase："
end

# Ensure a declared application window that no condition checks is reported.
begin "policies check: an application window never checked"
defect app-unchecked
lint 1 "$S/qt25-high-tech.lua: error: qt25-high-tech: the application window (applied within 12 months after tech.high_tech_certified) is declared but no condition checks it"
want_match err.zh "^$S/qt25-high-tech.lua: 错误：qt25-high-tech："
end

# Ensure a book condition on an unknown field is reported at the book's file:line, in both
# languages, and nowhere else (the book's policies are the errors, no policy file is blamed).
begin "policies check: a book condition on an unknown field, at the book's file:line"
defect book-field
line=$(grep -n no_such_field "$S/books/qt25.lua" | cut -d: -f1)
lint 4 "calc: error: $S/books/qt25.lua:$line: unknown field 'finance.no_such_field'"
want_line err.zh "calc: 错误：政策脚本错误：$S/books/qt25.lua:$line: 未知的字段“finance.no_such_field”"
want_no_match err.en "error: .*qt25-[a-z-]*\.lua"
end

# Ensure the window lints speak Chinese when calc does (every diagnostic has a Chinese form).
# (On this branch's base their messages and hints are in no message catalogue, so the Chinese
# report prints them in English: "错误：qt25-listing：the event window ends on …".)
begin "policies check: the window lints in Chinese"
for d in event-end event-field app-unchecked; do
    runx env -u CALC_CHECK_MESSAGES LANGUAGE=zh "$CALC" policies check "$tmp/$d"
    want_no_match err "(错误|提示)：.*(the event window|is compared with the event window|the application window|compare the event's own date|end the event window|add within_months_after)"
done
run policies check "$tmp/event-end"
want_no_match err "no Chinese form"
end

# Ensure the default set itself passes the lint (the suites' closing "policies check" needs it):
# qt25-growth declares the parameters growth (115) and min_insured (50) but its conditions
# write the numbers 115 and 50 themselves, so both are "declared but never used".
begin "policies check: the default set has no problem"
run policies check policies
want_rc 0
want_no_match err ': error: '
end

finish
