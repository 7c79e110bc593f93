// vacuum.cpp — ambulkdelete and amvacuumcleanup.
//
// Bulk delete asks, for every summarized range, whether VACUUM is removing
// any row of it (each line pointer of each of its heap pages, through the
// callback), and recomputes the summary of each range where it is, so that
// bounds shrink after deletes (resummarize.cpp).  Cleanup summarizes the
// ranges left desummarized, as BRIN's VACUUM summarizes unsummarized ones.
#include "ixbrin/ixbrin.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/index.h"
#include "commands/vacuum.h"
#include "utils/memutils.h"
IXPG_END_C_HEADERS

#include "pg/longjmp_safe.hpp"

namespace ixbrin {

namespace {

// Rows of a range that the callback says VACUUM removes.
uint64 removed_in_range(uint64 range, uint32 ppr, BlockNumber heap_blocks, IndexBulkDeleteCallback cb, void* cb_state) {
    uint64 removed = 0;
    const BlockNumber first = static_cast<BlockNumber>(range * ppr);
    for (BlockNumber b = first; b < first + ppr && b < heap_blocks; ++b) {
        vacuum_delay_point();
        for (OffsetNumber off = FirstOffsetNumber; off <= MaxHeapTuplesPerPage; ++off) {
            ItemPointerData tid;
            ItemPointerSet(&tid, b, off);
            removed += cb(&tid, cb_state);
        }
    }
    return removed;
}

}  // namespace

IndexBulkDeleteResult* bulk_delete(IndexVacuumInfo* info, IndexBulkDeleteResult* stats, IndexBulkDeleteCallback cb,
                                   void* cb_state) {
    return ixpg::sql_entry([&] {
        if (stats == nullptr)
            stats = static_cast<IndexBulkDeleteResult*>(palloc0(sizeof(IndexBulkDeleteResult)));
        // The second phase of CREATE INDEX CONCURRENTLY (validate_index)
        // calls this with a callback that records every TID it is asked
        // about as "in the index": asking about TIDs ixbrin does not store
        // would keep their rows out.  It is the only caller that reports
        // progress; VACUUM's calls do not.
        if (info->report_progress)
            return stats;
        Relation index = info->index;
        Relation heap = table_open(IndexGetRelation(RelationGetRelid(index), false), NoLock);
        MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "ixbrin bulk delete", ALLOCSET_DEFAULT_SIZES);
        MemoryContext old = MemoryContextSwitchTo(cxt);
        const IxbrMeta meta = read_meta(index);
        uint64 nranges = 0;
        const MapEntry* entries = read_entries(index, meta, nullptr, &nranges);
        const BlockNumber heap_blocks = RelationGetNumberOfBlocks(heap);
        for (uint64 r = 0; r < nranges; ++r) {
            if (!entry_usable(entries[r]))
                continue;
            const uint64 removed = removed_in_range(r, meta.pages_per_range, heap_blocks, cb, cb_state);
            if (removed == 0)
                continue;
            stats->tuples_removed += static_cast<double>(removed);
            resummarize_range(heap, index, r);
        }
        MemoryContextSwitchTo(old);
        MemoryContextDelete(cxt);
        table_close(heap, NoLock);
        return stats;
    });
}

IndexBulkDeleteResult* vacuum_cleanup(IndexVacuumInfo* info, IndexBulkDeleteResult* stats) {
    return ixpg::sql_entry([&]() -> IndexBulkDeleteResult* {
        if (info->analyze_only)
            return stats;
        if (stats == nullptr)
            stats = static_cast<IndexBulkDeleteResult*>(palloc0(sizeof(IndexBulkDeleteResult)));
        Relation index = info->index;
        Relation heap = table_open(IndexGetRelation(RelationGetRelid(index), false), NoLock);
        MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "ixbrin cleanup", ALLOCSET_DEFAULT_SIZES);
        MemoryContext old = MemoryContextSwitchTo(cxt);
        const IxbrMeta meta = read_meta(index);
        uint64 nranges = 0;
        const MapEntry* entries = read_entries(index, meta, nullptr, &nranges);
        for (uint64 r = 0; r < nranges; ++r)
            if (entries[r].flags & kEntryDesummarized)
                resummarize_range(heap, index, r);
        MemoryContextSwitchTo(old);
        MemoryContextDelete(cxt);
        table_close(heap, NoLock);
        stats->num_pages = RelationGetNumberOfBlocks(index);
        stats->num_index_tuples = info->num_heap_tuples;
        stats->estimated_count = info->estimated_count;
        return stats;
    });
}

}  // namespace ixbrin
