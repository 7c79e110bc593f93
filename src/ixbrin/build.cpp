// build.cpp — ambuild and ambuildempty.  The heap is scanned in block
// order; each range's rows go into its summary, which is written when the
// scan leaves the range.  Pages are written without WAL and logged once at
// the end (pg/index_build.hpp); an unlogged index's init fork (a metapage
// and an empty map) is written by the same path.
#include "ixbrin/ixbrin.hpp"
#include "pg/index_build.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/tableam.h"
#include "catalog/index.h"
#include "catalog/pg_am.h"
#include "utils/memutils.h"
IXPG_END_C_HEADERS

#include "pg/longjmp_safe.hpp"

namespace ixbrin {

namespace {

struct BuildState {
    IndexOps ops;
    BuildWriter writer;
    Summary* current;
    double indtuples;
    ixpg::progress::TupleCounter progress;
    MemoryContext range_cxt;  // the current range's summary and values; reset per range
};

void flush_range(BuildState* bs) {
    if (bs->current == nullptr)
        return;
    build_writer_add(&bs->writer, &bs->ops, bs->current);
    bs->current = nullptr;
    MemoryContextReset(bs->range_cxt);
}

// Called by the table AM for each heap tuple, in block order.
void build_callback(Relation, ItemPointer tid, Datum* values, bool* isnull, bool, void* arg) {
    BuildState* bs = static_cast<BuildState*>(arg);
    const uint64 range = ItemPointerGetBlockNumber(tid) / bs->ops.pages_per_range;
    if (bs->current != nullptr && bs->current->range != range)
        flush_range(bs);
    MemoryContext old = MemoryContextSwitchTo(bs->range_cxt);
    if (bs->current == nullptr)
        bs->current = new_summary(&bs->ops, static_cast<uint32>(range));
    add_row(&bs->ops, bs->current, values, isnull, tid);
    MemoryContextSwitchTo(old);
    bs->indtuples += 1;
    bs->progress.add();
}

}  // namespace

IndexBuildResult* build(Relation heap, Relation index, IndexInfo* info) {
    return ixpg::sql_entry([&] {
        ixpg::check_fork_empty(index, MAIN_FORKNUM);
        // Ordered scans read heap pages and HOT chains (heap_rows.cpp).
        if (heap->rd_rel->relam != HEAP_TABLE_AM_OID)
            ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                            errmsg("ixbrin indexes tables of the heap table access method only"),
                            errhint("\"%s\" uses another table access method.", RelationGetRelationName(heap))));
        BuildState* bs = static_cast<BuildState*>(palloc0(sizeof(BuildState)));
        const uint32 ppr = option_pages_per_range(index);
        init_ops(&bs->ops, index, ppr);
        if (largest_fixed_summary_bytes(&bs->ops) > max_summary_bytes())
            ereport(ERROR,
                    (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                     errmsg("summaries of index \"%s\" could need %zu bytes, more than a page holds (%zu)",
                            RelationGetRelationName(index), largest_fixed_summary_bytes(&bs->ops), max_summary_bytes()),
                     errhint("Index fewer columns, lower the bloom columns' n_distinct_per_range or raise their "
                             "false_positive_rate, or lower values_per_range.")));
        bs->range_cxt = AllocSetContextCreate(CurrentMemoryContext, "ixbrin build range", ALLOCSET_DEFAULT_SIZES);
        build_writer_init(&bs->writer, index, MAIN_FORKNUM, ppr, bs->ops.ncols);

        ixpg::progress::set_phase(kPhaseScan);
        const double reltuples = table_index_build_scan(heap, index, info, true, true, build_callback, bs, nullptr);
        flush_range(bs);
        const BlockNumber heap_blocks = RelationGetNumberOfBlocks(heap);
        build_writer_finish(&bs->writer, (static_cast<uint64>(heap_blocks) + ppr - 1) / ppr);
        ixpg::log_built_pages(index, MAIN_FORKNUM);

        IndexBuildResult* result = static_cast<IndexBuildResult*>(palloc(sizeof(IndexBuildResult)));
        result->heap_tuples = reltuples;
        result->index_tuples = bs->indtuples;
        MemoryContextDelete(bs->range_cxt);
        return result;
    });
}

void build_empty(Relation index) {
    ixpg::sql_entry([&] {
        ixpg::check_fork_empty(index, INIT_FORKNUM);
        BuildWriter w;
        build_writer_init(&w, index, INIT_FORKNUM, option_pages_per_range(index),
                          IndexRelationGetNumberOfKeyAttributes(index));
        build_writer_finish(&w, 0);
        ixpg::log_built_pages(index, INIT_FORKNUM);
    });
}

}  // namespace ixbrin
