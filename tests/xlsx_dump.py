"""xlsx_dump.py FILE — a workbook read back with Debian's python3-openpyxl, as lines the shell
suites compare (tests/batch.sh, tests/whatif.sh):

  sheet NAME freeze PANE filter RANGE rows N widths W1,W2,…   one per sheet, in order
  NAME ROW CELL|CELL|…                                        one per row

A text cell is its text; a number is '#' and its value (a whole number without '.0'), followed
by '{FORMAT}' when it has a number format ('#393749.99{¥#,##0.00}'); an empty cell is empty.
Widths are the columns' widths as set, rounded down, '-' when not set.
"""
import sys

import openpyxl


def cell(c):
    v = c.value
    if v is None:
        return ""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = "#" + repr(v)
    if c.number_format and c.number_format != "General":
        s += "{" + c.number_format + "}"
    return s


def main():
    wb = openpyxl.load_workbook(sys.argv[1])
    for ws in wb.worksheets:
        widths = []
        for i in range(1, ws.max_column + 1):
            d = ws.column_dimensions.get(openpyxl.utils.get_column_letter(i))
            widths.append(str(int(d.width)) if d is not None and d.width else "-")
        print("sheet %s freeze %s filter %s rows %d widths %s" % (
            ws.title, ws.freeze_panes, ws.auto_filter.ref, ws.max_row, ",".join(widths)))
    for ws in wb.worksheets:
        for n, row in enumerate(ws.iter_rows(), 1):
            print("%s %d %s" % (ws.title, n, "|".join(cell(c) for c in row)))


main()
