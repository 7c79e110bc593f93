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

struct BitmapArg {
    const ScanOpaque* so;
    TIDBitmap* tbm;
    uint32 ppr;
    BlockNumber heap_blocks;
    int64 pages;
};

// Every page of range r, as lossy pages.
void add_range(BitmapArg* a, uint64 r) {
    const BlockNumber first = static_cast<BlockNumber>(r * a->ppr);
    for (BlockNumber b = first; b < first + a->ppr && b < a->heap_blocks; ++b) {
        tbm_add_page(a->tbm, b);
        ++a->pages;
    }
}

void take_summary(void* arg, uint64 range, const Summary* s) {
    BitmapArg* a = static_cast<BitmapArg*>(arg);
    // (no summary: desummarized meanwhile, read whole)
    if (s == nullptr || (!summary_is_empty(s) && summary_matches(&a->so->ops, s, a->so->keys)))
        add_range(a, range);
}

}  // namespace

int64 get_bitmap(IndexScanDesc scan, TIDBitmap* tbm) {
    return ixpg::sql_entry([&]() -> int64 {
        ScanOpaque* so = static_cast<ScanOpaque*>(scan->opaque);
        Relation index = scan->indexRelation;
        pgstat_count_index_scan(index);
        MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "ixbrin bitmap scan", ALLOCSET_DEFAULT_SIZES);
        MemoryContext old = MemoryContextSwitchTo(cxt);
        BitmapArg arg{so, tbm, cached_pages_per_range(index), heap_size(scan), 0};
        uint64 nranges = 0;
        const MapEntry* entries = read_heap_entries(index, arg.heap_blocks, scan->xs_snapshot, &nranges);
        for (uint64 r = 0; r < nranges; ++r)
            if (!entry_usable(entries[r]) && (entries[r].flags & kEntryDesummarized))
                add_range(&arg, r);
        for_each_summary(index, &so->ops, entries, nranges, 1, scan->xs_snapshot, true, take_summary, &arg);
        MemoryContextSwitchTo(old);
        MemoryContextDelete(cxt);
        // As BRIN: a row count cannot be known; ten per page.
        return arg.pages * 10;
    });
}

}  // namespace ixbrin
