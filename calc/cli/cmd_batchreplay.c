/* cmd_batchreplay.c — calc replay-batch: a batch's recorded result lines replayed record by
 * record (libcalc's calc_replay_batch). A command of its own beside `calc replay`, whose
 * arguments are case files: this one takes a results file and the batch's inputs, and the
 * batch's options (-j, the population options, --manifest). */
#include "cli.h"

#include <string.h>

int cli_replay_batch(cli_opts *o)
{
    if (o->args.n < 1)
        return cli_usage_error("replay-batch needs the results file and the batch's inputs");
    if (o->manifest && (o->as_of_text || o->sets.n || o->params.n || o->scenarios.n ||
                        o->no_pools || o->explain || o->input_format >= 0 || o->encoding))
        return cli_usage_error("--manifest gives the batch's date and options: leave out "
                               "--as-of, --set, --param, --scenario, --no-pools, --explain, "
                               "--input-format and --encoding");
    if (o->key && !o->manifest)
        return cli_usage_error("--verify checks the manifest's signature: give --manifest FILE");
    if (o->args.n < 2 && !o->manifest)
        return cli_usage_error("replay-batch needs the batch's inputs after the results file "
                               "(or --manifest)");
    calc_replay_batch_opts r;
    memset(&r, 0, sizeof r);
    cli_population(o, &r.batch);
    r.batch.inputs = o->args.v + 1;
    r.batch.ninputs = o->args.n - 1;
    r.batch.policies = o->rules ? o->rules
                       : o->policies ? o->policies : cli_default_policies();
    r.batch.jobs = o->jobs ? o->jobs : 1;
    r.batch.explain = o->explain;
    r.batch.no_pools = o->no_pools;
    r.batch.params = o->params.v;
    r.batch.nparams = o->params.n;
    r.batch.scenario = o->scenarios.n ? o->scenarios.v[0] : NULL;
    r.results = o->args.v[0];
    r.manifest = o->manifest;
    r.verify_key = o->key;
    r.as_of_given = o->as_of_text != NULL;
    r.out = stdout;
    return cli_finish(stdout, cli_status(calc_replay_batch(&r)));
}
