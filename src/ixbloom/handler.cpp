// handler.cpp — the ixbloom access method handler, its reloptions and the
// ixbloom.vacuum_fold_min_pages and ixbloom.vacuum_merge settings.
#include "ixbloom/ixbloom.hpp"
#include "pg/index_build.hpp"
#include "pg/reloptions.hpp"

IXPG_BEGIN_C_HEADERS
#include "commands/progress.h"
#include "commands/vacuum.h"
#include "utils/guc.h"
IXPG_END_C_HEADERS

#include <cstdio>

#include "pg/longjmp_safe.hpp"

namespace ixbloom {

int vacuum_fold_min_pages = kDefaultVacuumFoldMinPages;
bool vacuum_merge = true;

namespace {

ixpg::RelOptionTable reloption_table;

const ixpg::progress::PhaseName kPhaseNames[] = {
    {PROGRESS_CREATEIDX_SUBPHASE_INITIALIZE, "initializing"},
    {kPhaseScan, "loading tuples into groups"},
    {kPhaseWrite, "writing directory and metapage"},
};

}  // namespace

bl::ShapeOptions shape_options(const IxbOptions* opts) {
    bl::ShapeOptions s;
    if (opts == nullptr)
        return s;
    s.length = opts->length;
    for (int i = 0; i < bl::kMaxColumns; ++i)
        s.col_bits[i] = opts->col_bits[i];
    s.false_positive_rate = opts->false_positive_rate;
    return s;
}

void check_shape_options(const bl::ShapeOptions& opts, int ncols) {
    const bl::OptionCheck c = bl::check_options(opts, ncols);
    switch (c.fault) {
        case bl::OptionFault::None:
            return;
        case bl::OptionFault::RateWithBits:
            ereport(ERROR,
                    (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                     errmsg("option \"false_positive_rate\" cannot be combined with \"length\" or \"colN\""),
                     errhint("Either give a target false-positive rate, or size the signature yourself.")));
            break;
        case bl::OptionFault::ColumnPastEnd:
            ereport(ERROR,
                    (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                     errmsg("option \"col%d\" is set but the index has only %d column%s", c.column + 1, ncols,
                            ncols == 1 ? "" : "s"),
                     errhint("Set colN only for N between 1 and the number of index columns.")));
            break;
        case bl::OptionFault::ColumnBitsTooMany:
            ereport(ERROR,
                    (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                     errmsg("option \"col%d\" = %d exceeds the signature length of %d bits", c.column + 1, c.bits,
                            c.length),
                     errhint("Raise \"length\" or lower \"col%d\".", c.column + 1)));
            break;
    }
}

// amoptions: also at ALTER INDEX ... SET, where the index's column count is
// not known here; the event trigger of ixbloom 1.1 checks that part
// (options_check.cpp).
bytea* options(Datum reloptions, bool validate) {
    return ixpg::sql_entry([&] {
        bytea* parsed = reloption_table.parse(reloptions, validate, sizeof(IxbOptions));
        if (validate && parsed != nullptr)
            check_shape_options(shape_options(reinterpret_cast<const IxbOptions*>(parsed)), 0);
        return parsed;
    });
}

char* build_phase_name(int64 phase) { return ixpg::progress::phase_name(kPhaseNames, phase); }

}  // namespace ixbloom

extern "C" {
PG_MODULE_MAGIC;

PGDLLEXPORT void _PG_init(void);
PG_FUNCTION_INFO_V1(ixbloom_handler);

void _PG_init(void) {
    using namespace ixbloom;
    // 0 is "not given" for every option: defaults are applied at build, where
    // the number of columns is known and contradictions can be reported.
    reloption_table.init();
    reloption_table.add_int("length", "Length of the signature in bits (rounded up to a multiple of 16)", 0, 1,
                            bl::kMaxSignatureBits, offsetof(IxbOptions, length));
    for (int i = 0; i < bl::kMaxColumns; ++i) {
        char name[16];
        snprintf(name, sizeof name, "col%d", i + 1);
        reloption_table.add_int(ixpg::RelOptionTable::copy_name(name),
                                "Number of signature bits set for each value of this column", 0, 1, bl::kMaxColumnBits,
                                static_cast<int>(offsetof(IxbOptions, col_bits) + sizeof(int) * i));
    }
    reloption_table.add_real("false_positive_rate",
                             "Target false-positive rate of a single-column equality query; sizes the signature", 0,
                             kMinFalsePositiveRate, kMaxFalsePositiveRate, offsetof(IxbOptions, false_positive_rate));

    DefineCustomIntVariable("ixbloom.vacuum_fold_min_pages",
                            "Insert-buffer pages below which VACUUM leaves the buffer unfolded",
                            "A fold of a few rows makes a small group that every scan must read on its own; "
                            "1 folds any buffer.",
                            &vacuum_fold_min_pages, kDefaultVacuumFoldMinPages, 1, 1000000, PGC_USERSET, 0, nullptr,
                            nullptr, nullptr);
    DefineCustomBoolVariable("ixbloom.vacuum_merge", "Whether VACUUM merges small groups into full-size ones",
                             "Off leaves merging to ixbloom_merge_groups(), for instance to keep VACUUM of a large "
                             "index short.",
                             &vacuum_merge, true, PGC_USERSET, 0, nullptr, nullptr, nullptr);
    MarkGUCPrefixReserved("ixbloom");
}

Datum ixbloom_handler(PG_FUNCTION_ARGS) {
    (void)fcinfo;
    IndexAmRoutine* am = makeNode(IndexAmRoutine);
    am->amstrategies = 1;       // equality
    am->amsupport = 1;          // the type's hash function
    am->amoptsprocnum = 0;
    am->amcanorder = false;
    am->amcanorderbyop = false;
    am->amcanbackward = false;
    am->amcanunique = false;
    am->amcanmulticol = true;
    am->amoptionalkey = true;
    am->amsearcharray = true;   // col = ANY(array) in one pass
    am->amsearchnulls = true;   // col IS NULL
    am->amstorage = false;
    am->amclusterable = false;
    am->ampredlocks = false;
    am->amcanparallel = false;
    am->amcaninclude = false;
    am->amusemaintenanceworkmem = false;
    am->amparallelvacuumoptions = VACUUM_OPTION_PARALLEL_BULKDEL | VACUUM_OPTION_PARALLEL_CLEANUP;
    am->amkeytype = InvalidOid;

    am->ambuild = ixbloom::build;
    am->ambuildempty = ixbloom::build_empty;
    am->aminsert = ixbloom::insert;
    am->ambulkdelete = ixbloom::bulk_delete;
    am->amvacuumcleanup = ixbloom::vacuum_cleanup;
    am->amcanreturn = nullptr;
    am->amcostestimate = ixbloom::cost_estimate;
    am->amoptions = ixbloom::options;
    am->amproperty = nullptr;
    am->ambuildphasename = ixbloom::build_phase_name;
    am->amvalidate = ixbloom::validate;
    am->amadjustmembers = nullptr;
    am->ambeginscan = ixbloom::begin_scan;
    am->amrescan = ixbloom::rescan;
    am->amgettuple = nullptr;
    am->amgetbitmap = ixbloom::get_bitmap;
    am->amendscan = ixbloom::end_scan;
    am->ammarkpos = nullptr;
    am->amrestrpos = nullptr;
    am->amestimateparallelscan = nullptr;
    am->aminitparallelscan = nullptr;
    am->amparallelrescan = nullptr;
    PG_RETURN_POINTER(am);
}
}
