// bitmap_scan.cpp — amgetbitmap: every page of each range whose summary can
// hold a match, and of each desummarized range, as lossy pages.  A range
// without a summary that is not desummarized has no rows: it is skipped
// (ixbrin never leaves rows unsummarized).
#include "ixbrin/ixbrin.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/relscan.h"
#include "access/table.h"
#include "catalog/index.h"
#include "nodes/tidbitmap.h"
#include "pgstat.h"
#include "utils/memutils.h"
IXPG_END_C_HEADERS

#include "pg/longjmp_safe.hpp"

namespace ixbrin {

namespace {

// The heap's size in blocks, to stop a range's pages at its end.  A bitmap
// index scan is not given the heap (as in BRIN, it is opened for this).
// Rows the scan's snapshot sees are on blocks that exist by now.
BlockNumber heap_size(IndexScanDesc scan) {
    if (scan->heapRelation != nullptr)
        return RelationGetNumberOfBlocks(scan->heapRelation);
    Relation heap = table_open(IndexGetRelation(RelationGetRelid(scan->indexRelation), false), AccessShareLock);
    const BlockNumber n = RelationGetNumberOfBlocks(heap);
    table_close(heap, AccessShareLock);
    return n;
}

}  // namespace

int64 get_bitmap(IndexScanDesc scan, TIDBitmap* tbm) {
    return ixpg::sql_entry([&]() -> int64 {
        ScanOpaque* so = static_cast<ScanOpaque*>(scan->opaque);
        Relation index = scan->indexRelation;
        pgstat_count_index_scan(index);
        MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "ixbrin bitmap scan", ALLOCSET_DEFAULT_SIZES);
        MemoryContext old = MemoryContextSwitchTo(cxt);
        const BlockNumber heap_blocks = heap_size(scan);
        const uint32 ppr = cached_pages_per_range(index);
        uint64 nranges = 0;
        const MapEntry* entries = read_heap_entries(index, heap_blocks, scan->xs_snapshot, &nranges);
        SummaryCursor cursor{InvalidBuffer, RelationGetNumberOfBlocks(index)};
        MemoryContext range_cxt = AllocSetContextCreate(cxt, "ixbrin range", ALLOCSET_DEFAULT_SIZES);
        MemoryContextSwitchTo(range_cxt);
        int64 pages = 0;
        for (uint64 r = 0; r < nranges; ++r) {
            CHECK_FOR_INTERRUPTS();
            const MapEntry& e = entries[r];
            bool take = false;
            if (entry_usable(e)) {
                Summary* s = read_summary_at(index, &so->ops, &cursor, e, r, scan->xs_snapshot);
                bool desummarized = false;
                if (s == nullptr)  // it moved since the map was read
                    s = read_range_summary(index, &so->ops, r, &desummarized, scan->xs_snapshot);
                take = s != nullptr ? !summary_is_empty(s) && summary_matches(&so->ops, s, so->keys) : desummarized;
            } else {
                take = e.flags & kEntryDesummarized;
            }
            if (take) {
                const BlockNumber first = static_cast<BlockNumber>(r * ppr);
                for (BlockNumber b = first; b < first + ppr && b < heap_blocks; ++b) {
                    tbm_add_page(tbm, b);
                    ++pages;
                }
            }
            MemoryContextReset(range_cxt);
        }
        cursor_end(&cursor);
        MemoryContextSwitchTo(old);
        MemoryContextDelete(cxt);
        // As BRIN: a row count cannot be known; ten per page.
        return pages * 10;
    });
}

}  // namespace ixbrin
