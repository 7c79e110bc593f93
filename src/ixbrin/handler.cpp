// handler.cpp — the ixbrin access method handler, its reloption
// (pages_per_range) and the parameters of its operator classes (support
// function 4: values_per_range for minmax-multi; n_distinct_per_range and
// false_positive_rate for bloom), with BRIN's ranges and defaults.
#include "ixbrin/ixbrin.hpp"
#include "pg/index_build.hpp"
#include "pg/reloptions.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/reloptions.h"
#include "commands/progress.h"
#include "commands/vacuum.h"
IXPG_END_C_HEADERS

#include "pg/longjmp_safe.hpp"

namespace ixbrin {

namespace {

ixpg::RelOptionTable reloption_table;

const ixpg::progress::PhaseName kPhaseNames[] = {
    {PROGRESS_CREATEIDX_SUBPHASE_INITIALIZE, "initializing"},
    {kPhaseScan, "summarizing ranges"},
};

}  // namespace

bytea* options(Datum reloptions, bool validate) {
    return ixpg::sql_entry([&] { return reloption_table.parse(reloptions, validate, sizeof(IxbrOptions)); });
}

char* build_phase_name(int64 phase) { return ixpg::progress::phase_name(kPhaseNames, phase); }

}  // namespace ixbrin

extern "C" {
PG_MODULE_MAGIC;

PGDLLEXPORT void _PG_init(void);
PG_FUNCTION_INFO_V1(ixbrin_handler);
PG_FUNCTION_INFO_V1(ixbrin_multi_options);
PG_FUNCTION_INFO_V1(ixbrin_bloom_options);

void _PG_init(void) {
    using namespace ixbrin;
    reloption_table.init();
    reloption_table.add_int("pages_per_range", "Number of heap pages a summary covers", kDefaultPagesPerRange, 1,
                            kMaxPagesPerRange, offsetof(IxbrOptions, pages_per_range));
}

Datum ixbrin_multi_options(PG_FUNCTION_ARGS) {
    using namespace ixbrin;
    local_relopts* relopts = reinterpret_cast<local_relopts*>(PG_GETARG_POINTER(0));
    init_local_reloptions(relopts, sizeof(MultiOptions));
    add_local_int_reloption(relopts, "values_per_range", "Values and interval ends a range's summary keeps",
                            kDefaultValuesPerRange, 8, 256, offsetof(MultiOptions, values_per_range));
    PG_RETURN_VOID();
}

Datum ixbrin_bloom_options(PG_FUNCTION_ARGS) {
    using namespace ixbrin;
    local_relopts* relopts = reinterpret_cast<local_relopts*>(PG_GETARG_POINTER(0));
    init_local_reloptions(relopts, sizeof(BloomOptions));
    add_local_real_reloption(relopts, "n_distinct_per_range",
                             "Distinct values a range holds (negative: a fraction of the rows it can hold)",
                             kDefaultBloomNDistinct, -1.0, 2147483647.0, offsetof(BloomOptions, n_distinct_per_range));
    add_local_real_reloption(relopts, "false_positive_rate", "Target false-positive rate of a range's bloom filter",
                             kDefaultBloomFalsePositiveRate, 0.0001, 0.25,
                             offsetof(BloomOptions, false_positive_rate));
    PG_RETURN_VOID();
}

Datum ixbrin_handler(PG_FUNCTION_ARGS) {
    (void)fcinfo;
    IndexAmRoutine* am = makeNode(IndexAmRoutine);
    am->amstrategies = 5;       // < <= = >= >, numbered as btree's
    am->amsupport = ixbrin::kNumProcs;
    am->amoptsprocnum = ixbrin::kProcOptions;
    am->amcanorder = true;      // rows in the index's order (amgettuple)
    am->amcanorderbyop = false;
    am->amcanbackward = true;
    am->amcanunique = false;
    am->amcanmulticol = true;
    am->amoptionalkey = true;
    am->amsearcharray = true;
    am->amsearchnulls = true;
    am->amstorage = false;
    am->amclusterable = false;
    am->ampredlocks = false;
    am->amcanparallel = false;
    am->amcaninclude = false;
    am->amusemaintenanceworkmem = false;
    am->amparallelvacuumoptions = VACUUM_OPTION_PARALLEL_CLEANUP;
    am->amkeytype = InvalidOid;

    am->ambuild = ixbrin::build;
    am->ambuildempty = ixbrin::build_empty;
    am->aminsert = ixbrin::insert;
    am->ambulkdelete = ixbrin::bulk_delete;
    am->amvacuumcleanup = ixbrin::vacuum_cleanup;
    am->amcanreturn = nullptr;
    am->amcostestimate = ixbrin::cost_estimate;
    am->amoptions = ixbrin::options;
    am->amproperty = nullptr;
    am->ambuildphasename = ixbrin::build_phase_name;
    am->amvalidate = ixbrin::validate;
    am->amadjustmembers = nullptr;
    am->ambeginscan = ixbrin::begin_scan;
    am->amrescan = ixbrin::rescan;
    am->amgettuple = ixbrin::get_tuple;
    am->amgetbitmap = ixbrin::get_bitmap;
    am->amendscan = ixbrin::end_scan;
    am->ammarkpos = ixbrin::mark_pos;
    am->amrestrpos = ixbrin::restore_pos;
    am->amestimateparallelscan = nullptr;
    am->aminitparallelscan = nullptr;
    am->amparallelrescan = nullptr;
    PG_RETURN_POINTER(am);
}
}
