// heap_tuple_stats.cpp — pgstattuple() on a heap: live and dead tuples, and
// free space, in one pass over the table.
//
// Contrib pgstattuple runs a heap scan with SnapshotAny and, beside it, reads
// every block a second time for its free space.  We read each block once and
// look at it the way that scan does, so the numbers agree:
//   - every LP_NORMAL tuple (all of them are "visible" to SnapshotAny) is
//     live if a dirty snapshot sees it, dead otherwise;
//   - free space is what PageGetHeapFreeSpace reports.
// SnapshotAny is not an MVCC snapshot, so contrib's scan runs tuple-at-a-time
// and never prunes pages; neither do we.
#include "ixstat/ixstat.hpp"
#include "ixstat/heap_page.hpp"
#include "pg/page_access.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/heapam.h"
#include "access/htup_details.h"
#include "catalog/pg_am_d.h"
#include "utils/snapmgr.h"
IXPG_END_C_HEADERS

#include "pg/longjmp_safe.hpp"

namespace ixstat {

namespace {

// Count one locked heap page into stats.  Runs inside pg_call.
void count_heap_page(Relation rel, BlockNumber blkno, Buffer buf, Page page, SnapshotData* dirty,
                     ixcore::TupleStats& stats) {
    if (!PageIsNew(page)) {
        for_each_heap_tuple(rel, blkno, page, [&](HeapTupleData& tuple) {
            if (HeapTupleSatisfiesVisibility(&tuple, dirty, buf))
                stats.add_live(tuple.t_len);
            else
                stats.add_dead(tuple.t_len);
        });
    }
    stats.free_space += PageGetHeapFreeSpace(page);
}

}  // namespace

ixcore::TupleStats heap_tuple_stats(Relation rel) {
    // Sequences are heap pages but do not say so in pg_class.relam.
    if (rel->rd_rel->relkind != RELKIND_SEQUENCE && rel->rd_rel->relam != HEAP_TABLE_AM_OID)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("only heap AM is supported")));

    ixcore::TupleStats stats;
    BufferAccessStrategy strategy = GetAccessStrategy(BAS_BULKREAD);
    SnapshotData dirty;
    InitDirtySnapshot(dirty);

    const BlockNumber nblocks = ixpg::relation_blocks(rel);
    ixpg::for_each_block(0, nblocks, [&](BlockNumber blkno) {
        Buffer buf = ReadBufferExtended(rel, MAIN_FORKNUM, blkno, RBM_NORMAL, strategy);
        Page page = BufferGetPage(buf);
        LockBuffer(buf, BUFFER_LOCK_SHARE);
        // Line pointers are trusted only after the core codec checked them.
        if (!PageIsNew(page))
            ixpg::check_page(rel, blkno, page, SizeofHeapTupleHeader);
        count_heap_page(rel, blkno, buf, page, &dirty, stats);
        UnlockReleaseBuffer(buf);
    });

    FreeAccessStrategy(strategy);
    stats.table_len = static_cast<std::uint64_t>(nblocks) * BLCKSZ;
    return stats;
}

}  // namespace ixstat
