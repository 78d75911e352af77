/* main.c — the calc command line: the table of every command and option, and the dispatch. A
 * command takes the options its table names and no other; the parser (opt.c), the help
 * (usage.c) and the man page's synopsis (calc/calc.1) follow the table. The commands are in
 * cmd_*.c; everything they compute comes from libcalc through calc.h. */
#include "cli.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define AT(f) offsetof(cli_opts, f)

/* ---- choices ---- */

static const cli_choice lang_choices[] = {{"zh", 0, false}, {"en", 1, false}, {NULL, 0, false}};
static const cli_choice eval_formats[] = {
    {"table", CALC_FMT_TABLE, false}, {"json", CALC_FMT_JSON, false}, {NULL, 0, false}};
static const cli_choice row_formats[] = {{"jsonl", CALC_OUT_JSONL, false},
                                         {"json", CALC_OUT_JSONL, true},
                                         {"csv", CALC_OUT_CSV, false},
                                         {"xlsx", CALC_OUT_XLSX, false},
                                         {"compact", CALC_OUT_COMPACT, false},
                                         {NULL, 0, false}};
/* as calc_batch_opts.input_format: 0 JSON Lines, 1 YAML stream, 2 CSV */
static const cli_choice input_formats[] = {{"jsonl", 0, false}, {"json", 0, true},
                                           {"yaml", 1, false},  {"csv", 2, false},
                                           {NULL, 0, false}};
/* as calc_batch_opts.encoding (0, not given: found from the bytes) */
static const cli_choice encodings[] = {
    {"utf-8", CALC_ENC_UTF8, false},       {"gbk", CALC_ENC_GBK, false},
    {"gb18030", CALC_ENC_GB18030, false},  {"utf8", CALC_ENC_UTF8, true},
    {"UTF-8", CALC_ENC_UTF8, true},        {"GBK", CALC_ENC_GBK, true},
    {"GB18030", CALC_ENC_GB18030, true},   {NULL, 0, false}};
static const cli_choice init_formats[] = {{"yaml", 0, false}, {"csv", 1, false}, {NULL, 0, false}};
static const cli_choice report_formats[] = {{"table", 0, false}, {"json", 1, false},
                                            {"csv", 2, false},   {"xlsx", 3, false},
                                            {NULL, 0, false}};
static const cli_choice sweep_formats[] = {
    {"table", 0, false}, {"csv", 1, false}, {"svg", 2, false}, {NULL, 0, false}};
static const cli_choice doc_formats[] = {
    {"html", 1, false}, {"md", 0, false}, {"markdown", 0, true}, {NULL, 0, false}};

/* ---- options shared by several commands ---- */

static const cli_opt o_as_of = {
    .flag = "--as-of", .kind = CLI_VALUE, .field = AT(as_of_text), .arg = "DATE",
    .conv = cli_conv_date, .help = "evaluation date YYYY-MM-DD (default: today)"};
static const cli_opt o_lang = {
    .flag = "--lang", .kind = CLI_VALUE, .field = AT(lang), .choices = lang_choices,
    .help = "the language of the text and the messages: Chinese (the default) or English"};
static const cli_opt o_set = {
    .flag = "--set", .kind = CLI_LIST, .field = AT(sets), .arg = "PATH=VALUE",
    .help = "change a profile field before validation (VALUE is YAML; empty removes it)"};
static const cli_opt o_param = {
    .flag = "--param", .kind = CLI_LIST, .field = AT(params), .arg = "POLICY.PARAM=VALUE",
    .help = "an inline scenario: one parameter of a policy in its own unit"};
static const cli_opt o_input_format = {
    .flag = "--input-format", .kind = CLI_VALUE, .field = AT(input_format),
    .choices = input_formats,
    .help = "the inputs' format (default: by extension; standard input: JSON Lines)"};
static const cli_opt o_encoding = {
    .flag = "--encoding", .kind = CLI_VALUE, .field = AT(encoding), .choices = encodings,
    .help = "a CSV input's text (default: UTF-8, or GB18030 when its bytes are not UTF-8 and "
            "all decode as GB18030; YAML and JSON are UTF-8)"};
static const cli_opt o_output = {
    .flag = "-o", .other = "--output", .kind = CLI_VALUE, .field = AT(out), .arg = "FILE",
    .help = "write there, complete or not at all (default and '-': standard output)"};
static const cli_opt o_summary = {
    .flag = "--summary", .kind = CLI_VALUE, .field = AT(summary), .arg = "FILE",
    .help = "the summary as JSON: records, statuses per policy, pools"};
static const cli_opt o_rows_format = {
    .flag = "--format", .kind = CLI_VALUE, .field = AT(format), .choices = row_formats,
    .help = "one JSON line per record (the default), or CSV or a workbook (-o FILE.xlsx): one "
            "row per record and policy, or compact: one short line per record (batch)"};
static const cli_opt o_excel = {
    .flag = "--excel", .kind = CLI_FLAG, .field = AT(excel),
    .help = "with --format csv: begin with a UTF-8 BOM, for Excel"};
static const cli_opt o_quiet = {
    .flag = "-q", .other = "--quiet", .kind = CLI_FLAG, .field = AT(quiet),
    .help = "no summary table and no 'as of' line on standard error"};
static const cli_opt o_report_format = {
    .flag = "--format", .kind = CLI_VALUE, .field = AT(format), .choices = report_formats,
    .help = "a table (the default), JSON, CSV or a workbook (-o FILE.xlsx)"};

static const cli_opt o_manifest = {
    .flag = "--manifest", .kind = CLI_VALUE, .field = AT(manifest), .arg = "FILE",
    .help = "also write what replays the run (rules, as_of, options, the inputs' and the "
            "results' SHA-256) as JSON there; needs -o FILE"};

static const cli_opt o_manifest_sign = {
    .flag = "--sign", .kind = CLI_VALUE, .field = AT(sign), .arg = "KEY.pem",
    .help = "sign the manifest's digest with this Ed25519 private key (PEM); with --manifest"};

/* the grants ledger: read by the evaluations, written by grant, pay, revoke */
static const cli_opt o_ledger = {
    .flag = "--ledger", .kind = CLI_VALUE, .field = AT(ledger), .arg = "FILE|URL",
    .help = "the grants ledger: a SQLite file or postgresql://… (default: $CALC_LEDGER)"};
static const cli_opt o_ledger_by = {
    .flag = "--by", .kind = CLI_VALUE, .field = AT(by), .arg = "NAME",
    .help = "who records it (stored with the rows)"};
static const cli_opt o_ledger_at = {
    .flag = "--at", .kind = CLI_VALUE, .field = AT(at), .arg = "TIME",
    .help = "when it is recorded, UTC YYYY-MM-DDTHH:MM:SSZ (default: $SOURCE_DATE_EPOCH, else "
            "the clock)"};

/* the population commands' inputs, defined once: batch, whatif and near */
static const cli_opt *const population_opts[] = {&o_input_format, &o_encoding, &o_as_of,
                                                  &o_set, NULL};
static const cli_group population = {"population options (batch, whatif, near, replay-batch)",
                                     population_opts};

/* ---- the common options: every command but version ---- */

static const cli_opt o_policies = {
    .flag = "--policies", .kind = CLI_VALUE, .field = AT(policies), .arg = "DIR",
    .help = "the policy set (default: $CALC_POLICIES, ./policies, or the installed set)"};
static const cli_opt o_max_instructions = {
    .flag = "--max-instructions", .kind = CLI_VALUE, .arg = "N", .conv = cli_conv_limit,
    .help = "Lua instructions per policy call (default 2000000)"};
static const cli_opt o_max_memory = {
    .flag = "--max-memory", .kind = CLI_VALUE, .arg = "MIB", .conv = cli_conv_limit,
    .help = "memory of one engine's Lua state (default 64)"};
static const cli_opt o_max_input = {
    .flag = "--max-input", .kind = CLI_VALUE, .arg = "MIB", .conv = cli_conv_limit,
    .help = "bytes of one input file and of one record of a population (default 16); one "
            "value: 1/16 of it"};
static const cli_opt o_max_depth = {
    .flag = "--max-depth", .kind = CLI_VALUE, .arg = "N", .conv = cli_conv_limit,
    .help = "nesting levels of a document (default 64, 8 to 256)"};
static const cli_opt o_help = {
    .flag = "-h", .other = "--help", .kind = CLI_FLAG, .field = AT(help),
    .help = "this help; after a command, that command's usage and options"};
static const cli_opt *const common_opts[] = {
    &o_policies, &o_max_instructions, &o_max_memory, &o_max_input, &o_max_depth, &o_help,
    NULL};
const cli_group cli_common = {"common options", common_opts};

static const cli_group *const common_only[] = {&cli_common, NULL};
static const cli_group *const with_population[] = {&population, &cli_common, NULL};

/* ---- each command's own options ---- */

static const cli_opt *const eval_opts[] = {
    &o_as_of,
    &(const cli_opt){.flag = "--format", .kind = CLI_VALUE, .field = AT(format),
                     .choices = eval_formats,
                     .help = "a table (the default) or the JSON contract"},
    &(const cli_opt){.flag = "--explain", .kind = CLI_FLAG, .field = AT(explain),
                     .help = "each condition with its values, the steps, the sources, how to "
                             "qualify"},
    &o_lang,
    &o_set,
    &(const cli_opt){.flag = "--scenario", .kind = CLI_LIST, .field = AT(scenarios),
                     .arg = "S.yaml",
                     .help = "a scenario file, shown beside the baseline (any number)"},
    &o_param,
    &o_ledger,
    NULL};

static const cli_opt *const replay_opts[] = {
    &o_lang, /* the words of the rule changes it names */
    &(const cli_opt){.flag = "--strict", .kind = CLI_FLAG, .field = AT(strict),
                     .help = "a change of the rules' meaning since recording fails the case (a change of "
                             "formatting or comments does not)"},
    &(const cli_opt){.flag = "--as-recorded", .kind = CLI_FLAG, .field = AT(as_recorded),
                     .help = "evaluate a recorded case with the rules embedded in it"},
    &(const cli_opt){.flag = "--verify", .kind = CLI_VALUE, .field = AT(key), .arg = "PUB.pem",
                     .help = "every case must be signed with this Ed25519 public key (says who "
                             "signed and when it was recorded)"},
    &o_ledger,
    NULL};

static const cli_opt *const verify_opts[] = {
    &(const cli_opt){.flag = "--key", .kind = CLI_VALUE, .field = AT(key), .arg = "PUB.pem",
                     .help = "the Ed25519 public key (PEM) the cases must be signed with "
                             "(required)"},
    NULL};

static const cli_opt *const record_opts[] = {
    &(const cli_opt){.flag = "--as-of", .kind = CLI_VALUE, .field = AT(as_of_text),
                     .arg = "DATE", .conv = cli_conv_date,
                     .help = "the case's date YYYY-MM-DD (required but with --cases)"},
    &o_output,
    &(const cli_opt){.flag = "--embed-policies", .kind = CLI_FLAG, .field = AT(embed),
                     .help = "store the policy set's sources in the case"},
    &(const cli_opt){.flag = "--cases", .kind = CLI_FLAG, .field = AT(cases),
                     .help = "the argument is a case file: record each of its cases again"},
    &(const cli_opt){.flag = "--sign", .kind = CLI_VALUE, .field = AT(sign), .arg = "KEY.pem",
                     .help = "sign the case's digest with this Ed25519 private key (PEM)"},
    &(const cli_opt){.flag = "--by", .kind = CLI_VALUE, .field = AT(by), .arg = "NAME",
                     .help = "who records the case (stored and signed as recorded.by)"},
    &o_ledger,
    NULL};

static const cli_opt o_jobs = {
    .flag = "-j", .other = "--jobs", .kind = CLI_VALUE, .field = AT(jobs), .arg = "N",
    .conv = cli_conv_int, .min = 1, .max = 256, .expect = "a number of threads from 1 to 256",
    .help = "worker threads, as batch's (default 1); the output is the same for any N"};

static const cli_opt *const whatif_opts[] = {
    &(const cli_opt){.flag = "--scenario", .kind = CLI_LIST, .field = AT(scenarios),
                     .arg = "S.yaml", .most = 1,
                     .most_hint = "it compares the baseline with one scenario: run it once "
                                  "per scenario",
                     .help = "the scenario compared with the baseline (one)"},
    &o_param,
    &(const cli_opt){.flag = "--by", .kind = CLI_VALUE, .field = AT(by), .arg = "FIELD",
                     .help = "each figure also by the value of this field"},
    &(const cli_opt){.flag = "--solve", .kind = CLI_VALUE, .field = AT(solve),
                     .arg = "POLICY.PARAM",
                     .help = "the value of a cap or rate (largest) or threshold (smallest) "
                             "within --budget"},
    &(const cli_opt){.flag = "--budget", .kind = CLI_VALUE, .field = AT(budget),
                     .arg = "AMOUNT", .help = "with --solve: the budget in yuan"},
    &(const cli_opt){.flag = "--pool", .kind = CLI_VALUE, .field = AT(pool), .arg = "NAME",
                     .help = "with --solve: the budget bounds the claims on this pool"},
    &(const cli_opt){.flag = "--against", .kind = CLI_VALUE, .field = AT(against),
                     .arg = "budget|pool[:NAME]",
                     .help = "with --solve: also keep the claims on the policy's pool (or on "
                             "pool NAME) within its size; then --budget may be left out"},
    &o_report_format,
    &o_output,
    &o_jobs,
    &o_lang,
    &o_ledger,
    NULL};

static const cli_opt *const near_opts[] = {
    &(const cli_opt){.flag = "--within", .kind = CLI_VALUE, .field = AT(within),
                     .arg = "PERCENT",
                     .help = "how far below a threshold an enterprise may be (default 20%)"},
    &o_report_format,
    &o_output,
    &o_jobs,
    &o_lang,
    &o_ledger,
    NULL};

static const cli_opt *const sweep_opts[] = {
    &(const cli_opt){.flag = "--vary", .kind = CLI_VALUE, .field = AT(vary),
                     .arg = "PATH=FROM:TO:STEP", .required = true,
                     .help = "the field and the range of its values (required)"},
    &(const cli_opt){.flag = "--policy", .kind = CLI_LIST, .field = AT(only), .arg = "ID",
                     .help = "only these policies (default: every policy)"},
    &(const cli_opt){.flag = "--format", .kind = CLI_VALUE, .field = AT(format),
                     .choices = sweep_formats,
                     .help = "a table (the default), CSV or an SVG chart"},
    &o_output,
    &o_as_of,
    &o_set,
    &(const cli_opt){.flag = "--scenario", .kind = CLI_LIST, .field = AT(scenarios),
                     .arg = "S.yaml", .most = 1,
                     .most_hint = "use calc eval to compare scenarios",
                     .help = "a scenario applied to the rules (one)"},
    &o_param,
    &o_lang,
    NULL};

static const cli_opt *const report_opts[] = {
    &o_output,
    &(const cli_opt){.flag = "--format", .kind = CLI_VALUE, .field = AT(format),
                     .choices = doc_formats,
                     .help = "HTML or Markdown (default: Markdown for an -o ending in .md)"},
    &o_lang,
    NULL};

static const cli_opt *const fingerprint_opts[] = {
    &(const cli_opt){.flag = "--canonical", .kind = CLI_FLAG, .field = AT(canonical),
                     .help = "each profile's canonical form instead of the fingerprints"},
    NULL};

static const cli_opt *const policies_opts[] = {&o_as_of, &o_lang, NULL};
static const cli_opt *const schema_opts[] = {&o_lang, NULL};

static const cli_opt *const init_opts[] = {
    &(const cli_opt){.flag = "-o", .other = "--output", .kind = CLI_VALUE, .field = AT(out),
                     .arg = "FILE", .help = "write it there (never over an existing file)"},
    &(const cli_opt){.flag = "--format", .kind = CLI_VALUE, .field = AT(format),
                     .choices = init_formats,
                     .help = "a YAML profile (the default), or a CSV for a spreadsheet: Chinese "
                             "headers and the example's row, which calc batch reads"},
    NULL};

static const cli_opt *const batch_opts[] = {
    &o_output,
    &o_summary,
    &(const cli_opt){.flag = "-j", .other = "--jobs", .kind = CLI_VALUE, .field = AT(jobs),
                     .arg = "N", .conv = cli_conv_int, .min = 1, .max = 256,
                     .expect = "a number of threads from 1 to 256",
                     .help = "worker threads (default 1); the output is the same for any N"},
    &o_rows_format,
    &o_excel,
    &o_lang,
    &(const cli_opt){.flag = "--no-pools", .kind = CLI_FLAG, .field = AT(no_pools),
                     .help = "write the claims without allocating the budget pools"},
    &(const cli_opt){.flag = "--explain", .kind = CLI_FLAG, .field = AT(explain),
                     .help = "every condition and the steps in each line"},
    &(const cli_opt){.flag = "--progress", .kind = CLI_FLAG, .field = AT(progress),
                     .help = "report progress on standard error"},
    &o_quiet,
    &(const cli_opt){.flag = "--no-eval", .kind = CLI_FLAG, .field = AT(no_eval),
                     .help = "read and validate only: lines without results and totals"},
    &(const cli_opt){.flag = "--scenario", .kind = CLI_LIST, .field = AT(scenarios),
                     .arg = "S.yaml", .most = 1, .most_hint = "use calc whatif to compare",
                     .help = "a scenario applied to the rules (one)"},
    &o_param,
    &o_manifest,
    &o_manifest_sign,
    &o_ledger,
    &(const cli_opt){.flag = "--grant", .kind = CLI_VALUE, .field = AT(round), .arg = "ROUND",
                     .help = "with --ledger: record the results written (-o FILE) as this round "
                             "of the ledger, their bytes unchanged"},
    &o_ledger_by,
    &o_ledger_at,
    NULL};

static const cli_opt *const new_opts[] = {
    &o_ledger,
    &o_report_format,
    &o_output,
    &o_lang,
    &(const cli_opt){.flag = "-j", .other = "--jobs", .kind = CLI_VALUE, .field = AT(jobs),
                     .arg = "N", .conv = cli_conv_int, .min = 1, .max = 256,
                     .expect = "a number of threads from 1 to 256",
                     .help = "worker threads (default 1); the output is the same for any N"},
    &o_param,
    NULL};

static const cli_opt *const replay_batch_opts[] = {
    &(const cli_opt){.flag = "--manifest", .kind = CLI_VALUE, .field = AT(manifest),
                     .arg = "FILE",
                     .help = "the batch's manifest: its date, options and inputs, and its "
                             "digests checked (then no --as-of, --set, --param, --scenario, "
                             "--no-pools, --explain)"},
    &(const cli_opt){.flag = "--rules", .kind = CLI_VALUE, .field = AT(rules), .arg = "DIR",
                     .help = "replay under these rules, the recorded ones (default: "
                             "--policies, the current set)"},
    &(const cli_opt){.flag = "-j", .other = "--jobs", .kind = CLI_VALUE, .field = AT(jobs),
                     .arg = "N", .conv = cli_conv_int, .min = 1, .max = 256,
                     .expect = "a number of threads from 1 to 256",
                     .help = "worker threads (default 1)"},
    &(const cli_opt){.flag = "--no-pools", .kind = CLI_FLAG, .field = AT(no_pools),
                     .help = "the batch ran with --no-pools"},
    &(const cli_opt){.flag = "--explain", .kind = CLI_FLAG, .field = AT(explain),
                     .help = "the batch ran with --explain"},
    &(const cli_opt){.flag = "--verify", .kind = CLI_VALUE, .field = AT(key), .arg = "PUB.pem",
                     .help = "the manifest must be signed with this Ed25519 public key (says "
                             "whose key signed it); with --manifest"},
    &(const cli_opt){.flag = "--scenario", .kind = CLI_LIST, .field = AT(scenarios),
                     .arg = "S.yaml", .most = 1, .most_hint = "use calc whatif to compare",
                     .help = "the scenario the batch ran with (one)"},
    &o_param,
    &o_lang,
    NULL};

static const cli_opt *const allocate_opts[] = {
    &o_output, &o_summary, &o_rows_format, &o_excel, &o_lang, &o_quiet, &o_manifest,
    &o_manifest_sign,
    &(const cli_opt){.flag = "--as-of", .kind = CLI_VALUE, .field = AT(as_of_text),
                     .arg = "DATE", .conv = cli_conv_date,
                     .help = "the date when the results carry none (they do: their own wins)"},
    NULL};

static const cli_choice ledger_formats[] = {{"table", 0, false}, {"json", 1, false},
                                            {"csv", 2, false},   {"jsonl", 1, true},
                                            {NULL, 0, false}};
static const cli_opt *const ledger_opts[] = {
    &o_ledger,
    &(const cli_opt){.flag = "--enterprise", .kind = CLI_VALUE, .field = AT(enterprise),
                     .arg = "ID", .help = "only this enterprise's grants"},
    &(const cli_opt){.flag = "--policy", .kind = CLI_VALUE, .field = AT(policy), .arg = "ID",
                     .help = "only this policy's grants"},
    &(const cli_opt){.flag = "--year", .kind = CLI_VALUE, .field = AT(year), .arg = "YEAR",
                     .help = "only grants for this claim year"},
    &(const cli_opt){.flag = "--round", .kind = CLI_VALUE, .field = AT(round), .arg = "NAME",
                     .help = "only grants of this round"},
    &(const cli_opt){.flag = "--pool", .kind = CLI_VALUE, .field = AT(pool), .arg = "NAME",
                     .help = "only grants from this pool"},
    &(const cli_opt){.flag = "--format", .kind = CLI_VALUE, .field = AT(format),
                     .choices = ledger_formats,
                     .help = "a table (the default), JSON or CSV; export: JSON Lines (the "
                             "default) or CSV"},
    &o_output,
    &(const cli_opt){.flag = "--key", .kind = CLI_VALUE, .field = AT(key), .arg = "PUB.pem",
                     .help = "verify: check the signed heads with this Ed25519 public key"},
    &(const cli_opt){.flag = "--head", .kind = CLI_VALUE, .field = AT(head), .arg = "HASH",
                     .help = "verify: a head noted earlier, which the chain must still hold"},
    &(const cli_opt){.flag = "--all-signed", .kind = CLI_FLAG, .field = AT(all_signed),
                     .help = "verify: every round must have a signed head (a district that "
                             "signs each round: a signed head deleted is found)"},
    &o_lang,
    NULL};

static const cli_opt *const grant_opts[] = {
    &o_ledger,
    &(const cli_opt){.flag = "--round", .kind = CLI_VALUE, .field = AT(round), .arg = "NAME",
                     .required = true, .help = "the round's name, recorded once (required)"},
    &o_ledger_by,
    &o_ledger_at,
    &(const cli_opt){.flag = "--sign", .kind = CLI_VALUE, .field = AT(sign), .arg = "KEY.pem",
                     .help = "sign the round's head with this Ed25519 private key (PEM)"},
    &(const cli_opt){.flag = "-q", .other = "--quiet", .kind = CLI_FLAG, .field = AT(quiet),
                     .help = "no line saying what was recorded"},
    &o_lang,
    NULL};

static const cli_opt *const pay_opts[] = {
    &o_ledger,
    &(const cli_opt){.flag = "--amount", .kind = CLI_VALUE, .field = AT(amount),
                     .arg = "AMOUNT",
                     .help = "what was paid, in yuan (default: the amount granted); one grant"},
    &o_ledger_by,
    &o_ledger_at,
    &o_lang,
    NULL};

static const cli_opt *const revoke_opts[] = {
    &o_ledger,
    &(const cli_opt){.flag = "--reason", .kind = CLI_VALUE, .field = AT(reason), .arg = "TEXT",
                     .required = true, .help = "why it is revoked (required)"},
    &(const cli_opt){.flag = "--recover", .kind = CLI_FLAG, .field = AT(recover),
                     .help = "revoke a paid grant: its payment is to be recovered (without it, "
                             "a paid grant is not revoked)"},
    &o_ledger_by,
    &o_ledger_at,
    &o_lang,
    NULL};

static const cli_opt *const serve_opts[] = {
    &(const cli_opt){.flag = "--bind", .kind = CLI_VALUE, .field = AT(bind), .arg = "ADDR",
                     .help = "the address to listen on (default 127.0.0.1)"},
    &(const cli_opt){.flag = "--port", .kind = CLI_VALUE, .field = AT(port), .arg = "N",
                     .conv = cli_conv_int, .min = 0, .max = 65535, .expect = "0 to 65535",
                     .help = "the port (default 8080, also for 0)"},
    &(const cli_opt){.flag = "--threads", .kind = CLI_VALUE, .field = AT(threads), .arg = "N",
                     .conv = cli_conv_int, .min = 1, .max = 256, .expect = "1 to 256",
                     .help = "worker threads, one engine each (default 2)"},
    &(const cli_opt){.flag = "--max-seconds", .kind = CLI_VALUE, .field = AT(max_seconds),
                     .arg = "S", .conv = cli_conv_seconds, .min = 0.1, .max = 1e9,
                     .expect = "seconds from 0.1 to 1000000000",
                     .help = "a request must arrive whole within this (default 30; "
                             "$CALC_SERVE_MAX_SECONDS)"},
    &(const cli_opt){.flag = "--max-active", .kind = CLI_VALUE, .field = AT(max_active),
                     .arg = "N", .conv = cli_conv_int, .min = 1, .max = 1e9,
                     .expect = "a whole number from 1 to 1000000000",
                     .help = "evaluations under way before 503 (default 256; "
                             "$CALC_SERVE_MAX_ACTIVE)"},
    &(const cli_opt){.flag = "--wall-ms", .kind = CLI_VALUE, .field = AT(wall_ms), .arg = "MS",
                     .conv = cli_conv_long, .min = 0, .max = 1e9,
                     .expect = "milliseconds from 0 to 1000000000",
                     .help = "wall-clock limit of one policy call, 0 none (default 10000; "
                             "$CALC_SERVE_WALL_MS)"},
    &(const cli_opt){.flag = "--drain-seconds", .kind = CLI_VALUE, .field = AT(drain_seconds),
                     .arg = "S", .conv = cli_conv_seconds, .min = 0, .max = 1e9,
                     .expect = "seconds from 0 to 1000000000",
                     .help = "on SIGINT/SIGTERM, time left to requests under way (default 5; "
                             "$CALC_SERVE_DRAIN_SECONDS)"},
    &(const cli_opt){.flag = "-q", .other = "--quiet", .kind = CLI_FLAG, .field = AT(quiet),
                     .help = "no access log ($CALC_SERVE_QUIET)"},
    NULL};

/* ---- the commands ---- */

const cli_cmd cli_cmds[] = {
    {"eval", "PROFILE.yaml",
     "evaluate one enterprise profile against every policy; with scenarios, baseline and each "
     "scenario side by side",
     cli_eval, eval_opts, common_only},
    {"replay", "CASE.yaml…|DIR",
     "replay case files and compare with their expected outcome; a recorded case is first "
     "checked for edits (and its signature, --verify), and also says whether the rules "
     "changed since, and attributes each changed result to what changed (old → new)",
     cli_replay, replay_opts, common_only},
    {"record", "PROFILE.yaml|CASE.yaml",
     "write a case file: the profile, the full outcome and trace, fingerprints and a digest "
     "(--as-of required; --sign signs it); with --cases, record each case of a case file again",
     cli_record, record_opts, common_only},
    {"verify", "CASE.yaml…",
     "check that recorded cases are unchanged and signed with the key (--key): who signed "
     "(the key's fingerprint), when and by whom each was recorded",
     cli_verify, verify_opts, NULL},
    {"whatif", "POPULATION…",
     "the population under the baseline and one scenario (pools in both): per policy and "
     "for the cash and in-kind totals, beneficiaries, granted, change, how many gain, lose or "
     "stay; per pool, size, claims, granted, unmet; by the value of FIELD. With --solve and "
     "--budget: the value of a cap or rate (largest) or threshold (smallest) that keeps the "
     "cost, or the claims on a pool, within the budget, and the constraint that binds; when "
     "the policy's pool binds before the budget can, it says so (--against pool solves "
     "against the pool)",
     cli_whatif, whatif_opts, with_population},
    {"near", "POPULATION…",
     "enterprises ineligible only by numeric thresholds within the distance, with what they "
     "need: an outreach list",
     cli_near, near_opts, with_population},
    {"sweep", "PROFILE.yaml", "each policy's amount across a range of one field's values",
     cli_sweep, sweep_opts, common_only},
    {"report", "CASE.yaml…", "a printable estimate report per case (惠企政策测算报告), for the audit file",
     cli_report, report_opts, common_only},
    {"fingerprint", "[PROFILE.yaml…]",
     "the policy set's, each policy's and each file's SHA-256; with profiles, each profile's "
     "(of its canonical form, --canonical)",
     cli_fingerprint, fingerprint_opts, common_only},
    {"policies", "[list | show ID | check [DIR]]",
     "list the policies; show one as the book states it; load and lint a policy set",
     cli_policies, policies_opts, common_only},
    {"schema", "", "the profile fields", cli_schema, schema_opts, common_only},
    {"init", "",
     "write a blank profile template: each field with its meaning and what to write, each "
     "choice's code with its Chinese label; required fields are left empty, an error until "
     "filled in",
     cli_init, init_opts, common_only},
    {"batch", "INPUT…",
     "evaluate a population: JSON Lines, YAML streams or CSV (header = field paths or labels; "
     "UTF-8, GBK or GB18030); "
     "one result line per record, in input order; budget pools applied unless --no-pools; "
     "'-' reads standard input; --no-eval reads and validates only (lines without results)",
     cli_batch, batch_opts, with_population},
    {"allocate", "RESULTS…",
     "the reduce step of a sharded run: allocate the pools over the result lines of "
     "'batch --no-pools' runs",
     cli_allocate, allocate_opts, common_only},
    {"replay-batch", "RESULTS.jsonl [INPUT…]",
     "replay a whole batch: its inputs evaluated again (as calc batch does: threads, pools) "
     "and each record compared with its recorded result line by id — matched, or the fields "
     "that differ (recorded → now), missing from either side, duplicate ids; exit 1 on any "
     "difference. With --manifest: the batch's date and options, and its digests checked; "
     "without, the date is --as-of or else the results' own",
     cli_replay_batch, replay_batch_opts, with_population},
    {"serve", "",
     "the web calculator (/) and the JSON API (/api/v1/…, OpenAPI at /api/v1/openapi.json); "
     "SIGINT/SIGTERM drain and exit 0; a flag wins over its CALC_SERVE_* variable",
     cli_serve, serve_opts, common_only},
    {"new", "POPULATION…",
     "the newly entitled (免申即享): every eligible result whose policy, claim year and key the "
     "ledger has not granted, with its amount and the data still to confirm",
     cli_new, new_opts, with_population},
    {"ledger", "[init | verify | export]",
     "the grants ledger: its grants by enterprise, policy, claim year, round or pool with what "
     "was paid and totals; init makes or migrates it, verify proves no row was changed, "
     "inserted or removed, export writes every row with its hashes",
     cli_ledger, ledger_opts, NULL},
    {"grant", "RESULTS.jsonl",
     "record the final grants of a batch evaluated with --ledger as a round, in one "
     "transaction; refused, naming the rows, when the round was recorded, a key was granted "
     "before, or the ledger moved since the evaluation",
     cli_grant, grant_opts, NULL},
    {"pay", "GRANT…",
     "record the payment of grants (a grant: its seq, or ENTERPRISE/POLICY/YEAR/KEY)",
     cli_pay, pay_opts, NULL},
    {"revoke", "GRANT",
     "record the revocation of a grant, with its reason; its key may be granted again",
     cli_revoke, revoke_opts, NULL},
    {"version", "", "print the version", cli_version, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL, NULL}};

static const cli_cmd *cli_find(const char *name)
{
    for (const cli_cmd *c = cli_cmds; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

/* SIGINT, SIGTERM, SIGHUP: no temporary output file is left behind; then the signal's own
 * ending (the server installs handlers of its own, which drain instead). */
static void on_fatal_signal(int sig)
{
    calc_out_abandon();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void catch_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_fatal_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
}

/* -h or --help among a command's arguments (before any "--"): it wins over the others. */
static int wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return 1;
    return 0;
}

/* The language of a locale name: English for "en", "en_US.UTF-8" …, Chinese for anything
 * else ("zh_CN.UTF-8", "C", "POSIX"): Chinese is calc's own language. -1 for NULL or "". */
static int locale_lang(const char *s, size_t n)
{
    if (!s || !n)
        return -1;
    return n >= 2 && s[0] == 'e' && s[1] == 'n' && (n == 2 || s[2] == '_' || s[2] == '.' ||
                                                     s[2] == '@' || s[2] == '-')
               ? CALC_LANG_EN
               : CALC_LANG_ZH;
}

/* The language of messages when --lang does not say, from the environment as the C library
 * finds the language of messages: the first entry of LANGUAGE (GNU's list, "zh_CN:en") that is
 * Chinese or English, else the first of LC_ALL, LC_MESSAGES and LANG that is set. */
static int env_lang(void)
{
    const char *list = getenv("LANGUAGE");
    for (const char *p = list; p && *p; p += *p == ':') {
        size_t n = strcspn(p, ":");
        if (n >= 2 && (strncmp(p, "zh", 2) == 0 || strncmp(p, "en", 2) == 0))
            return locale_lang(p, n);
        p += n;
    }
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        int l = locale_lang(v, v ? strlen(v) : 0);
        if (l >= 0)
            return l;
    }
    return CALC_LANG_ZH;
}

/* The last --lang zh|en among a command's arguments (before any "--"), as the parser will
 * take it, or -1: read before parsing, so that the parser's own messages are in that language
 * too. */
static int lang_flag(int argc, char **argv)
{
    int lang = -1;
    for (int i = 0; i < argc && strcmp(argv[i], "--") != 0; i++) {
        const char *v = strncmp(argv[i], "--lang=", 7) == 0 ? argv[i] + 7
                        : strcmp(argv[i], "--lang") == 0 && i + 1 < argc ? argv[i + 1]
                                                                          : NULL;
        if (v && (strcmp(v, "zh") == 0 || strcmp(v, "en") == 0))
            lang = strcmp(v, "en") == 0 ? CALC_LANG_EN : CALC_LANG_ZH;
    }
    return lang;
}

int main(int argc, char **argv)
{
    catch_signals();
    /* what the library may not read itself: the language of its messages too */
    int lang = lang_flag(argc - 1, argv + 1);
    calc_settings st = {.tmpdir = getenv("TMPDIR"),
                        .no_source = getenv("CALC_NO_SOURCE") != NULL,
                        .lang = lang >= 0 ? lang : env_lang(),
                        .check_messages = getenv("CALC_CHECK_MESSAGES") != NULL};
    calc_settings_set(&st);
    /* CALC_XLSX_ROWS: fewer rows per sheet of a workbook, so that tests see the rows go on in a
     * further sheet without writing a million of them */
    const char *rows = getenv("CALC_XLSX_ROWS");
    if (rows) {
        char *end;
        long n = strtol(rows, &end, 10);
        if (end == rows || *end || n < 2 || n > 1048576)
            return cli_usage_error("CALC_XLSX_ROWS: expected rows per sheet from 2 to 1048576, "
                                   "got '%s'", rows);
        st.xlsx_rows = n;
    }
    calc_settings_set(&st);
    if (argc < 2)
        return cli_usage_error("missing command");
    const char *name = argv[1];
    if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "help") == 0) {
        const cli_cmd *c = argc > 2 ? cli_find(argv[2]) : NULL;
        if (argc > 2 && !c)
            return cli_usage_error("unknown command '%s'", argv[2]);
        if (c)
            cli_cmd_help(stdout, c);
        else
            cli_help(stdout);
        return cli_finish(stdout, 0);
    }
    if (strcmp(name, "--help-man") == 0) /* make man: the page's parts from the tables */
        return cli_man(stdout, argc > 2 ? argv[2] : NULL);
    if (strcmp(name, "--version") == 0)
        name = "version";
    const cli_cmd *c = cli_find(name);
    if (!c)
        return cli_usage_error("unknown command '%s'", name);
    if (wants_help(argc - 2, argv + 2)) {
        cli_cmd_help(stdout, c);
        return cli_finish(stdout, 0);
    }
    cli_opts o;
    int status = cli_parse(c, argc - 2, argv + 2, &o);
    /* the commands whose engines take the enterprises' history from the ledger (--ledger) */
    static const char *const with_history = " eval whatif near replay record ";
    char word[40];
    snprintf(word, sizeof word, " %s ", c->name);
    o.history = strstr(with_history, word) != NULL;
    if (!status)
        status = cli_outputs_apart(&o);
    status = status ? CALC_EXIT_USAGE : c->run(&o);
    cli_opts_free(&o);
    return status;
}
