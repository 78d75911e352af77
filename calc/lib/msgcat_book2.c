/* msgcat_book2.c — the catalogue's messages of book 2's rules that are not raised in a policy
 * script: case files' reasons, cap limits as expressions (less_awards), the set's size, the
 * lint of event and application windows, and a book's failing conditions (msgs.h). Book 2's
 * loader and DSL messages (FAIL, luaL_error) are in msgcat_lua. */
#include "msgs.h"

const msg_pair msgcat_book2[] = {
    /* case files (cases.c) */
    {"reasons: [a.b, cap:NAME, amount]", "请写成 reasons: [a.b, cap:NAME, amount]"},
    {"expected a list of the reasons' field paths", "应为列出各项原因字段路径的列表"},
    /* set.yaml: a cap's limit as an expression (engine.c) */
    {"limit key", "limit 的键"},
    {"limit: {field: finance.local_contribution, less_awards: {policies: members, year: "
     "claim_year}}",
     "请写成 limit: {field: finance.local_contribution, less_awards: {policies: members, year: "
     "claim_year}}"},
    {"a cap's limit needs one of 'field' and 'amount'",
     "封顶组的 limit 需要且只能写 field 和 amount 之一"},
    {"write yuan, e.g. 30000000", "请以元为单位填写，例如 30000000"},
    {"limit amount '%s' is not an amount", "limit 的金额“%s”不是有效金额"},
    {"add the list 'awards' of {policy, year, amount, key} to the schema",
     "请在 schema 中加上由 {policy, year, amount, key} 组成的列表 awards"},
    {"less_awards reads the award ledger, but the schema has none",
     "less_awards 需要读取奖励记录（awards），但 schema 中没有"},
    {"year: claim_year, or year: any", "可写 year: claim_year 或 year: any"},
    {"less_awards: unknown year '%s'", "less_awards：无法识别的年度“%s”"},
    {"policies: members, or a list", "可写 policies: members，或列出政策"},
    {"less_awards needs the policies whose awards are subtracted",
     "less_awards 需要写明扣减哪些政策的奖励记录（awards）"},
    {"merge groups or caps", "请合并互斥组或封顶组"},
    {"a set may declare at most 64 groups and 64 caps",
     "规则集最多声明 64 个互斥组和 64 个封顶组"},
    {"limit: a profile field (finance.local_contribution), an amount, or {field: …, "
     "less_awards: {policies: members, year: claim_year}}",
     "limit 可写企业画像字段（finance.local_contribution）、金额，或 {field: …, "
     "less_awards: {policies: members, year: claim_year}}"},
    /* the lint of event and application windows (info.c) */
    {"end the event window by the payout window's end", "请让事件期间不晚于有效期截止日结束"},
    {"the event window ends on %s, after the payout window (%s): an event after that can never "
     "be paid",
     "事件期间于 %s 结束，晚于有效期（%s）：此后发生的事件永远无法兑现"},
    {"the event window starts on %s, after the payout window ends",
     "事件期间于 %s 开始，此时有效期已经结束"},
    {"compare the event's own date with EVENT_FROM/TO", "请用事件本身的日期与 EVENT_FROM/TO 比较"},
    {"'%s' is compared with the event window, which is on '%s'",
     "“%s”在与事件期间比较，而事件期间针对的是“%s”"},
    {"add between(FIELD, EVENT_FROM, EVENT_TO) to the conditions",
     "请在条件中加上 between(FIELD, EVENT_FROM, EVENT_TO)"},
    {"the event window on '%s' is declared but no condition checks it",
     "声明了“%s”的事件期间，但没有条件检查它"},
    {"add within_months_after(FIELD, AFTER, MONTHS) with the window's values",
     "请在条件中按申请期限的取值加上 within_months_after(FIELD, AFTER, MONTHS)"},
    {"the application window (%s within %d months after %s) is declared but no condition checks "
     "it",
     "声明了申请期限（%s 在 %d 个月内，从 %s 起算），但没有条件检查它"},
    /* books (policyx.c) */
    {"the policies of book '%s' evaluate to an error; the others still run",
     "政策包“%s”的政策计算出错；其余政策照常计算"},
    {NULL, NULL},
};
