/* msgcat_sheets.c — the catalogue's messages about spreadsheets and the commands that read and
 * write them: CSV encodings, headers by label, label clashes in the schema, workbooks, the
 * schema's `change:` rules, --solve's constraints (msgs.h; the rules of msgcat_input.c). */
#include "msgs.h"

const msg_pair msgcat_sheets[] = {
    /* CSV text: UTF-8, GBK, GB18030 */
    {"save the file as UTF-8 (in Excel: CSV UTF-8), or give --encoding utf-8, gbk or gb18030 "
     "to read its other rows",
     "请把文件另存为 UTF-8（Excel 中选“CSV UTF-8”），或用 --encoding utf-8、gbk 或 gb18030 "
     "读取其余各行"},
    {"the bytes %s are neither UTF-8 nor GB18030: the file cannot be read as either",
     "字节 %s 既不是 UTF-8 也不是 GB18030：无法按任一编码读取此文件"},
    {"save the file as UTF-8 (in Excel: CSV UTF-8), or give --encoding gb18030 if it is GB18030",
     "请把文件另存为 UTF-8（Excel 中选“CSV UTF-8”）；如果是 GB18030 编码，请加 --encoding gb18030"},
    {"save the file as UTF-8 (in Excel: CSV UTF-8)", "请把文件另存为 UTF-8（Excel 中选“CSV UTF-8”）"},
    {"the bytes %s are not UTF-8", "字节 %s 不是 UTF-8"},
    {"the bytes %s are not %s", "字节 %s 不是 %s 编码"},
    {"save the file as UTF-8 (in Excel: CSV UTF-8), or give --encoding",
     "请把文件另存为 UTF-8（Excel 中选“CSV UTF-8”），或用 --encoding 指定编码"},
    {"the file is neither UTF-8 nor GB18030", "文件既不是 UTF-8 也不是 GB18030 编码"},
    {"%s: --encoding %s is for CSV: YAML and JSON Lines are always UTF-8",
     "%s：--encoding %s 只用于 CSV；YAML 和 JSON Lines 一律为 UTF-8"},
    {"%s: cannot read %s text: this system's iconv has no %s (%s)",
     "%s：无法读取 %s 编码的文字：本系统的 iconv 不支持 %s（%s）"},
    /* CSV headers */
    {"NUL character (U+0000) in the column's name is not accepted",
     "列名中不能含有 NUL 字符（U+0000）"},
    {"a list item is named by its number", "列表中的一项要写明序号"},
    {"name a column by a field's path or label: finance.rd_expense or 研发投入, stores[0].kind or "
     "门店1.门店类型 (calc init --format csv writes every column)",
     "请用字段的路径或名称作列名：finance.rd_expense 或 研发投入，stores[0].kind 或 门店1.门店类型"
     "（calc init --format csv 会写出所有列）"},
    {"unknown column: no field has this path or label", "无法识别的列：没有字段使用这个路径或名称"},
    {"duplicate column: column %s names %s too", "列重复：第 %s 列也是 %s"},
    {"the row has %zu cells, the header has %zu", "这一行有 %zu 个单元格，表头有 %zu 个"},
    {"the row has %zu cells, the header has %zu (row %u)",
     "这一行有 %zu 个单元格，表头有 %zu 个（表格第 %u 行）"},
    /* the schema's labels */
    {"give each field of a profile (or of a list's item) its own label: a CSV column may name a "
     "field by it",
     "请给企业画像（或列表项）中的每个字段各自的名称：CSV 的列可以用名称指定字段"},
    {"the label '%s' is %s's too", "名称“%s”也是 %s 的名称"},
    {"give each value its own label: a profile may give a value by its label",
     "请给每个取值各自的名称：企业画像可以用名称填写取值"},
    {"the label '%s' of '%s' is '%s''s label too", "“%s”是“%s”的名称，也是“%s”的名称"},
    {"the label '%s' of '%s' is the code of '%s'", "“%s”是“%s”的名称，又是“%s”的代码"},
    {"required field is empty", "必填字段为空"},
    {"fill it in: this field is required", "请填写：这是必填字段"},
    /* the schema's change: rules */
    {"change: fact, history, raise, next_year, relocate, obtain or choose",
     "change 可取：fact、history、raise、next_year、relocate、obtain 或 choose"},
    {"unknown change '%s'", "无法识别的 change 取值“%s”"},
    {"raise and next_year are for int and money fields, relocate for enums, obtain for bool, "
     "enum and list fields, choose for enum and bool fields",
     "raise 和 next_year 用于整数和金额字段，relocate 用于枚举字段，obtain 用于布尔、枚举和列表字段，"
     "choose 用于枚举和布尔字段"},
    {"change '%s' does not fit a field of type %s", "change 取值“%s”不适用于 %s 类型的字段"},
    /* policy wording */
    {"give both: { zh = \"…\", en = \"…\" }", "请两种语言都写：{ zh = \"…\", en = \"…\" }"},
    {"condition is worded in Chinese only", "条件只有中文表述"},
    {"condition is worded in English only", "条件只有英文表述"},
    /* --solve */
    {"name one: --against pool:NAME", "请指明一个：--against pool:资金池名"},
    {"%s draws on no pool", "%s 不使用任何资金池"},
    {"e.g. --against pool:sc25-commerce", "例如 --against pool:sc25-commerce"},
    {"'%s': expected budget, pool or pool:NAME", "“%s”：应为 budget、pool 或 pool:资金池名"},
    {"use one of them", "请只用其中一个"},
    {"--pool and --against pool both bound the claims on a pool",
     "--pool 和 --against pool 都是限定资金池的申请额"},
    {"or --against pool", "或 --against pool"},
    {"--solve needs --budget AMOUNT (or --against pool)",
     "--solve 需要 --budget 金额（或 --against pool）"},
    /* case replay: a difference and the count */
    {"%s: expected %s, got %s", "%s：应为 %s，实际为 %s"},
    {"%d passed, %d failed", "%d 个通过，%d 个未通过"},
    {"%d passed, %d failed, %d invalid", "%d 个通过，%d 个未通过，%d 个无效"},
    /* workbooks */
    {"--format xlsx writes a workbook, not text: give -o FILE.xlsx",
     "--format xlsx 输出的是工作簿而不是文字：请用 -o 文件.xlsx 指定文件"},
    {"CALC_XLSX_ROWS: expected rows per sheet from 2 to 1048576, got '%s'",
     "CALC_XLSX_ROWS：每个工作表的行数应在 2 到 1048576 之间，实际为“%s”"},
    {NULL, NULL}};
