// handler.cpp — the ixbloom access method handler, its reloptions, and the
// per-index state (signature shape, hash functions).
#include "ixbloom/ixbloom.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/reloptions.h"
#include "commands/progress.h"
#include "commands/vacuum.h"
#include "utils/guc.h"
#include "utils/memutils.h"
IXPG_END_C_HEADERS

#include <cstdio>

namespace ixbloom {

int vacuum_fold_min_pages = kDefaultVacuumFoldMinPages;

namespace {

relopt_kind reloption_kind;
relopt_parse_elt reloption_table[bl::kMaxColumns + 2];

// Reject contradictions the options alone show (at CREATE INDEX and at
// ALTER INDEX ... SET); those needing the column count wait for the build.
void check_option_combination(const IxbOptions* opts) {
    if (opts == nullptr || opts->false_positive_rate <= 0)
        return;
    bool has_bits = opts->length != 0;
    for (int i = 0; i < bl::kMaxColumns; ++i)
        has_bits |= opts->col_bits[i] != 0;
    if (has_bits)
        ereport(ERROR,
                (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                 errmsg("option \"false_positive_rate\" cannot be combined with \"length\" or \"colN\""),
                 errhint("Either give a target false-positive rate, or size the signature yourself.")));
}

// Support function 1 of each column's opclass, with the column's collation.
void init_hash_functions(IxbState* state, Relation index, int ncols) {
    for (int i = 0; i < ncols; ++i) {
        fmgr_info_copy(&state->hash_fn[i], index_getprocinfo(index, i + 1, 1), CurrentMemoryContext);
        state->collations[i] = index->rd_indcollation[i];
    }
}

}  // namespace

bytea* options(Datum reloptions, bool validate) {
    return ixpg::sql_entry([&] {
        bytea* parsed = static_cast<bytea*>(build_reloptions(reloptions, validate, reloption_kind, sizeof(IxbOptions),
                                                             reloption_table, bl::kMaxColumns + 2));
        if (validate)
            check_option_combination(reinterpret_cast<const IxbOptions*>(parsed));
        return parsed;
    });
}

void init_state_from_options(IxbState* state, Relation index) {
    const int ncols = RelationGetNumberOfAttributes(index);
    const IxbOptions* opts = reinterpret_cast<const IxbOptions*>(index->rd_options);
    bl::SignatureShape& shape = state->shape;

    const bool has_rate = opts != nullptr && opts->false_positive_rate > 0;
    for (int i = 0; opts != nullptr && i < bl::kMaxColumns; ++i) {
        if (opts->col_bits[i] == 0)
            continue;
        if (i >= ncols)
            ereport(ERROR,
                    (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                     errmsg("option \"col%d\" is set but the index has only %d column%s", i + 1, ncols,
                            ncols == 1 ? "" : "s"),
                     errhint("Set colN only for N between 1 and the number of index columns.")));
    }
    check_option_combination(opts);

    if (has_rate) {
        shape = bl::shape_for_false_positive_rate(opts->false_positive_rate, ncols);
    } else {
        shape.ncols = ncols;
        shape.bits = bl::round_signature_bits(opts && opts->length ? opts->length : bl::kDefaultSignatureBits);
        for (int i = 0; i < ncols; ++i) {
            shape.col_bits[i] = opts && opts->col_bits[i] ? opts->col_bits[i] : bl::kDefaultColumnBits;
            if (shape.col_bits[i] > shape.bits)
                ereport(ERROR,
                        (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                         errmsg("option \"col%d\" = %d exceeds the signature length of %d bits", i + 1,
                                shape.col_bits[i], shape.bits),
                         errhint("Raise \"length\" or lower \"col%d\".", i + 1)));
        }
    }

    init_hash_functions(state, index, ncols);
}

void init_state(IxbState* state, Relation index) {
    const IxbMeta meta = read_meta(index);
    bl::SignatureShape& shape = state->shape;
    shape.bits = meta.sig_bits;
    shape.ncols = meta.ncols;
    for (int i = 0; i < meta.ncols; ++i)
        shape.col_bits[i] = meta.col_bits[i];
    init_hash_functions(state, index, meta.ncols);
}

uint32 hash_value(const IxbState* state, int col, Datum value) {
    return DatumGetUInt32(
        FunctionCall1Coll(const_cast<FmgrInfo*>(&state->hash_fn[col]), state->collations[col], value));
}


char* build_phase_name(int64 phase) {
    switch (phase) {
        case PROGRESS_CREATEIDX_SUBPHASE_INITIALIZE: return const_cast<char*>("initializing");
        case kPhaseScan: return const_cast<char*>("loading tuples into groups");
        case kPhaseWrite: return const_cast<char*>("writing directory and metapage");
        default: return nullptr;
    }
}

}  // namespace ixbloom

extern "C" {
PG_MODULE_MAGIC;

PGDLLEXPORT void _PG_init(void);
PG_FUNCTION_INFO_V1(ixbloom_handler);

void _PG_init(void) {
    using namespace ixbloom;
    // 0 is "not given" for every option: defaults are applied at build, where
    // the number of columns is known and contradictions can be reported.
    reloption_kind = add_reloption_kind();
    add_int_reloption(reloption_kind, "length", "Length of the signature in bits (rounded up to a multiple of 16)", 0,
                      1, bl::kMaxSignatureBits, AccessExclusiveLock);
    reloption_table[0].optname = "length";
    reloption_table[0].opttype = RELOPT_TYPE_INT;
    reloption_table[0].offset = offsetof(IxbOptions, length);
    for (int i = 0; i < bl::kMaxColumns; ++i) {
        char name[16];
        snprintf(name, sizeof name, "col%d", i + 1);
        char* stored = MemoryContextStrdup(TopMemoryContext, name);
        add_int_reloption(reloption_kind, stored, "Number of signature bits set for each value of this column", 0, 1,
                          bl::kMaxColumnBits, AccessExclusiveLock);
        reloption_table[i + 1].optname = stored;
        reloption_table[i + 1].opttype = RELOPT_TYPE_INT;
        reloption_table[i + 1].offset = static_cast<int>(offsetof(IxbOptions, col_bits) + sizeof(int) * i);
    }
    add_real_reloption(reloption_kind, "false_positive_rate",
                       "Target false-positive rate of a single-column equality query; sizes the signature", 0,
                       0.000001, 0.5, AccessExclusiveLock);
    reloption_table[bl::kMaxColumns + 1].optname = "false_positive_rate";
    reloption_table[bl::kMaxColumns + 1].opttype = RELOPT_TYPE_REAL;
    reloption_table[bl::kMaxColumns + 1].offset = offsetof(IxbOptions, false_positive_rate);

    DefineCustomIntVariable("ixbloom.vacuum_fold_min_pages",
                            "Insert-buffer pages below which VACUUM leaves the buffer unfolded",
                            "A fold of a few rows makes a small group that every scan must read on its own; "
                            "1 folds any buffer.",
                            &vacuum_fold_min_pages, kDefaultVacuumFoldMinPages, 1, 1000000, PGC_USERSET, 0, nullptr,
                            nullptr, nullptr);
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
