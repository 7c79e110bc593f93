// shape_facts.cpp — the signature shape of an index created without
// length, colN or false_positive_rate: what is known of the table (rows,
// heap pages, each indexed column's distinct values, NULL share and width),
// from pg_statistic when ANALYZE has run on every indexed column (and the
// index is not partial), else from a sample of the table's first rows;
// then core's choice
// (core/bloom/shape_choice.hpp).
#include "ixbloom/ixbloom.hpp"
#include "core/bloom/shape_choice.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/htup_details.h"
#include "access/tableam.h"
#include "catalog/index.h"
#include "catalog/pg_statistic.h"
#include "executor/executor.h"
#include "nodes/execnodes.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
IXPG_END_C_HEADERS

#include <algorithm>

#include "pg/longjmp_safe.hpp"

namespace ixbloom {

namespace {

// Rows a sample reads: ANALYZE's default sample (300 x the default
// statistics target).
constexpr uint32 kSampleRows = 30000;

// The width of a column's values, for the size of a btree on it.
double value_width(Relation index, int col, double stawidth) {
    const int16 len = TupleDescAttr(RelationGetDescr(index), col)->attlen;
    return len > 0 ? len : std::max(stawidth, 1.0);
}

// From pg_statistic; false when a column has no statistics (never
// ANALYZEd, or an expression) or the table's size was never estimated.
bool facts_from_statistics(Relation heap, Relation index, bl::TableFacts* t) {
    const double reltuples = heap->rd_rel->reltuples;
    const BlockNumber relpages = static_cast<BlockNumber>(heap->rd_rel->relpages);
    const BlockNumber nblocks = RelationGetNumberOfBlocks(heap);
    if (reltuples <= 0 || relpages == 0 || nblocks == 0)
        return false;
    // As the planner does: the density ANALYZE saw, over today's size.
    t->rows = reltuples / relpages * nblocks;
    t->heap_pages = nblocks;
    for (int i = 0; i < t->ncols; ++i) {
        const AttrNumber attnum = index->rd_index->indkey.values[i];
        if (attnum <= 0)
            return false;
        HeapTuple tup = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(RelationGetRelid(heap)),
                                        Int16GetDatum(attnum), BoolGetDatum(false));
        if (!HeapTupleIsValid(tup))
            return false;
        const Form_pg_statistic st = reinterpret_cast<Form_pg_statistic>(GETSTRUCT(tup));
        const double stadistinct = st->stadistinct;
        const double null_frac = st->stanullfrac;
        const double width = st->stawidth;
        ReleaseSysCache(tup);
        if (stadistinct == 0)  // unknown
            return false;
        bl::ColumnFacts& c = t->cols[i];
        c.ndistinct = std::max(1.0, stadistinct > 0 ? stadistinct : -stadistinct * t->rows);
        c.null_frac = std::clamp(null_frac, 0.0, 1.0);
        c.btree_bytes_per_row =
            bl::btree_bytes_per_row(value_width(index, i, width), t->rows * (1 - c.null_frac) / c.ndistinct);
    }
    return true;
}

// Distinct values, and those seen once, among n hashes (sorted here).
void count_distinct(uint32* hashes, uint32 n, double* d, double* f1) {
    std::sort(hashes, hashes + n);
    *d = *f1 = 0;
    for (uint32 i = 0; i < n;) {
        uint32 j = i + 1;
        while (j < n && hashes[j] == hashes[i])
            ++j;
        *d += 1;
        *f1 += (j - i == 1) ? 1 : 0;
        i = j;
    }
}

// From the first kSampleRows visible rows of the table; rows == 0 when it
// has none.
void facts_from_sample(const IxbState* state, Relation heap, Relation index, IndexInfo* info, bl::TableFacts* t) {
    const BlockNumber nblocks = RelationGetNumberOfBlocks(heap);
    uint32* hashes[INDEX_MAX_KEYS];
    uint32 nonnull[INDEX_MAX_KEYS] = {};
    double width[INDEX_MAX_KEYS] = {};
    for (int i = 0; i < t->ncols; ++i)
        hashes[i] = static_cast<uint32*>(palloc(sizeof(uint32) * kSampleRows));

    // FormIndexDatum prepares the index's expressions in our EState; the
    // build's scan must prepare its own.
    List* const expressions_state = info->ii_ExpressionsState;
    EState* estate = CreateExecutorState();
    ExprContext* econtext = GetPerTupleExprContext(estate);
    TupleTableSlot* slot = table_slot_create(heap, nullptr);
    econtext->ecxt_scantuple = slot;
    // The rows a query would see now (not every version: a dead row's value
    // need not even hash, and the build skips the dead).
    Snapshot snapshot = RegisterSnapshot(GetLatestSnapshot());
    // From block 0, never where a synchronized scan happens to be: the row
    // count is extrapolated from the blocks read.
    TableScanDesc scan = table_beginscan_strat(heap, snapshot, 0, nullptr, true, false);
    // A partial index: only the rows its predicate admits, as the build.
    ExprState* predicate = ExecPrepareQual(info->ii_Predicate, estate);
    uint32 n = 0;
    uint32 seen = 0;  // rows read, in the predicate or not
    BlockNumber last_block = 0;
    Datum values[INDEX_MAX_KEYS];
    bool isnull[INDEX_MAX_KEYS];
    while (seen < kSampleRows && table_scan_getnextslot(scan, ForwardScanDirection, slot)) {
        CHECK_FOR_INTERRUPTS();
        ResetExprContext(econtext);
        ++seen;
        last_block = ItemPointerGetBlockNumber(&slot->tts_tid);
        if (predicate != nullptr && !ExecQual(predicate, econtext))
            continue;
        FormIndexDatum(info, slot, estate, values, isnull);
        for (int i = 0; i < t->ncols; ++i) {
            if (isnull[i])
                continue;
            hashes[i][nonnull[i]++] = hash_value(state, i, values[i]);
            const int16 len = TupleDescAttr(RelationGetDescr(index), i)->attlen;
            width[i] += len > 0 ? len : (len == -1 ? VARSIZE_ANY_EXHDR(DatumGetPointer(values[i])) : 1);
        }
        ++n;
    }
    const bool whole_table = seen < kSampleRows;
    table_endscan(scan);
    UnregisterSnapshot(snapshot);
    ExecDropSingleTupleTableSlot(slot);
    FreeExecutorState(estate);
    info->ii_ExpressionsState = expressions_state;

    t->heap_pages = std::max<double>(nblocks, 1);
    // The index's rows: those of the sample, over the blocks it read.
    t->rows = whole_table ? n : static_cast<double>(n) * nblocks / (last_block + 1.0);
    for (int i = 0; i < t->ncols; ++i) {
        double d = 0;
        double f1 = 0;
        count_distinct(hashes[i], nonnull[i], &d, &f1);
        bl::ColumnFacts& c = t->cols[i];
        // Scaled to the table's non-NULL rows.
        const double share = n > 0 ? static_cast<double>(nonnull[i]) / n : 0;
        c.ndistinct = std::max(1.0, bl::estimate_distinct(nonnull[i], d, f1, t->rows * share));
        c.null_frac = 1.0 - share;
        c.btree_bytes_per_row = bl::btree_bytes_per_row(nonnull[i] > 0 ? width[i] / nonnull[i] : 4,
                                                        t->rows * share / c.ndistinct);
        pfree(hashes[i]);
    }
}

}  // namespace

uint32 size_from_data(IxbState* state, Relation heap, Relation index, IndexInfo* info) {
    bl::TableFacts t;
    t.ncols = IndexRelationGetNumberOfKeyAttributes(index);
    uint32 sized_from = kSizedByStatistics;
    // A partial index's rows are not the table's: its statistics would
    // misjudge them, so a partial index is always sized from a sample.
    if (info->ii_Predicate != NIL || !facts_from_statistics(heap, index, &t)) {
        t = bl::TableFacts();
        t.ncols = IndexRelationGetNumberOfKeyAttributes(index);
        facts_from_sample(state, heap, index, info, &t);
        sized_from = kSizedBySample;
    }
    if (t.rows < 1)
        return kSizedByOptions;  // nothing to size from: contrib's defaults
    state->shape = bl::choose_shape(t);
    return sized_from;
}

}  // namespace ixbloom
