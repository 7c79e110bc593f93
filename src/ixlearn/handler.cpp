// handler.cpp — the ixlearn access method handler and its reloptions
// (fillfactor, as btree's; epsilon, the model's error bound).
#include "ixlearn/ixlearn.hpp"
#include "pg/index_build.hpp"
#include "pg/reloptions.hpp"

IXPG_BEGIN_C_HEADERS
#include "commands/progress.h"
#include "commands/vacuum.h"
IXPG_END_C_HEADERS

#include "pg/longjmp_safe.hpp"

namespace ixlearn {

namespace {

ixpg::RelOptionTable reloption_table;

const ixpg::progress::PhaseName kPhaseNames[] = {
    {PROGRESS_CREATEIDX_SUBPHASE_INITIALIZE, "initializing"},
    {kPhaseLoad, "sorting entries"},
    {kPhaseWrite, "writing leaves and model"},
};

const IxlOptions* options_of(Relation index) { return reinterpret_cast<const IxlOptions*>(index->rd_options); }

}  // namespace

bytea* options(Datum reloptions, bool validate) {
    return ixpg::sql_entry([&] { return reloption_table.parse(reloptions, validate, sizeof(IxlOptions)); });
}

char* build_phase_name(int64 phase) { return ixpg::progress::phase_name(kPhaseNames, phase); }

int option_fillfactor(Relation index) {
    const IxlOptions* o = options_of(index);
    return o != nullptr ? o->fillfactor : kDefaultFillfactor;
}

int option_epsilon(Relation index) {
    const IxlOptions* o = options_of(index);
    return o != nullptr ? o->epsilon : kDefaultEpsilon;
}

}  // namespace ixlearn

extern "C" {
PG_MODULE_MAGIC;

PGDLLEXPORT void _PG_init(void);
PG_FUNCTION_INFO_V1(ixlearn_handler);

void _PG_init(void) {
    using namespace ixlearn;
    reloption_table.init();
    reloption_table.add_int("fillfactor", "Packs leaves to this percentage when the index is built", kDefaultFillfactor,
                            10, 100, offsetof(IxlOptions, fillfactor));
    reloption_table.add_int("epsilon", "Error bound of the learned model, in leaves", kDefaultEpsilon, 1, 1024,
                            offsetof(IxlOptions, epsilon));
}

Datum ixlearn_handler(PG_FUNCTION_ARGS) {
    (void)fcinfo;
    IndexAmRoutine* am = makeNode(IndexAmRoutine);
    am->amstrategies = 5;  // < <= = >= >, numbered as btree's
    am->amsupport = ixlearn::kNumProcs;
    am->amoptsprocnum = 0;
    am->amcanorder = true;
    am->amcanorderbyop = false;
    am->amcanbackward = true;
    am->amcanunique = false;  // UNIQUE is not in format version 1 (docs/ixlearn.md)
    am->amcanmulticol = true;
    am->amoptionalkey = true;
    am->amsearcharray = true;
    am->amsearchnulls = true;
    am->amstorage = false;
    am->amclusterable = false;
    am->ampredlocks = false;
    am->amcanparallel = false;
    am->amcaninclude = true;
    am->amusemaintenanceworkmem = false;
    am->amparallelvacuumoptions = VACUUM_OPTION_PARALLEL_BULKDEL | VACUUM_OPTION_PARALLEL_COND_CLEANUP;
    am->amkeytype = InvalidOid;

    am->ambuild = ixlearn::build;
    am->ambuildempty = ixlearn::build_empty;
    am->aminsert = ixlearn::insert;
    am->ambulkdelete = ixlearn::bulk_delete;
    am->amvacuumcleanup = ixlearn::vacuum_cleanup;
    am->amcanreturn = ixlearn::can_return;
    am->amcostestimate = ixlearn::cost_estimate;
    am->amoptions = ixlearn::options;
    am->amproperty = nullptr;
    am->ambuildphasename = ixlearn::build_phase_name;
    am->amvalidate = ixlearn::validate;
    am->amadjustmembers = nullptr;
    am->ambeginscan = ixlearn::begin_scan;
    am->amrescan = ixlearn::rescan;
    am->amgettuple = ixlearn::get_tuple;
    am->amgetbitmap = ixlearn::get_bitmap;
    am->amendscan = ixlearn::end_scan;
    am->ammarkpos = ixlearn::mark_pos;
    am->amrestrpos = ixlearn::restore_pos;
    am->amestimateparallelscan = nullptr;
    am->aminitparallelscan = nullptr;
    am->amparallelrescan = nullptr;
    PG_RETURN_POINTER(am);
}
}
