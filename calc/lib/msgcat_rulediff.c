/* msgcat_rulediff.c — the catalogue's messages of replay's rule changes (rulediff.c): every
 * parameter, condition, window, group, cap and pool that changed since a case was recorded,
 * and whether a file changed in meaning or only in formatting (msgs.h). */
#include "msgs.h"

const msg_pair msgcat_rulediff[] = {
    {"the policy set changed since recording (%s… → %s…): %s",
     "自记录以来政策集已改动（%s… → %s…）：%s"},
    {"%s: formatting or comments only", "%s：仅格式或注释改动"},
    {"%s.%s: %s → %s", "%s.%s：%s → %s"},
    {"%s.%s: new, %s", "%s.%s：新增，%s"},
    {"%s.%s: removed (was %s)", "%s.%s：已删除（原为 %s）"},
    {"%s condition %s: %s → %s", "%s 条件 %s：%s → %s"},
    {"%s condition %s: new, %s", "%s 条件 %s：新增，%s"},
    {"%s condition %s: removed (was %s)", "%s 条件 %s：已删除（原为 %s）"},
    {"%s in force: %s – %s → %s – %s", "%s 有效期：%s 至 %s → %s 至 %s"},
    {"%s %s: new, %s", "%s %s：新增，%s"},
    {"%s %s %s: %s → %s", "%s %s %s：%s → %s"},
    {"%s %s: removed (was %s)", "%s %s：已删除（原为 %s）"},
    {"%s: a new policy", "%s：新增政策"},
    {"%s: a new file", "%s：新增文件"},
    {"%s: the file was removed", "%s：文件已删除"},
    {"%s: changed (the case records no meaning digest, so formatting cannot be told from "
     "meaning)",
     "%s：有改动（案例未记录含义摘要，无法区分格式改动与含义改动）"},
    {"%s: its code changed beyond its parameters, conditions and window (the amount rule or "
     "its texts)",
     "%s：参数、条件和有效期之外的代码有改动（金额规则或文字）"},
    {"%s: the schema changed (fields, types, defaults or labels)",
     "%s：字段定义有改动（字段、类型、默认值或标签）"},
    {"%s: the set's titles or other text changed", "%s：政策集的标题或其他文字有改动"},
    {"%s: the shared library's code changed", "%s：共享库的代码有改动"},
    {"%s: the book's code changed (its conditions for every policy of the book, or its texts)",
     "%s：政策包文件的代码有改动（对包内每项政策适用的统一条件或其文字）"},
    {"%s: changed in meaning", "%s：含义有改动"},
    {"--strict: the meaning of the rules changed since recording: %s",
     "--strict：自记录以来规则的含义已改动：%s"},
    {"--strict: passed: formatting or comments only, the rules mean what they meant when "
     "recorded",
     "--strict：通过：仅格式或注释改动，规则含义与记录时相同"},
    /* a change named in the --strict line */
    {"%s condition %s", "%s 条件 %s"},
    {"%s in force", "%s 有效期"},
    /* the fields of a group, cap or pool */
    {"members", "成员"},
    {"limit", "限额"},
    {"size", "规模"},
    {"mode", "分配方式"},
    {"unit", "单位"},
    {NULL, NULL},
};
