// approx_stats.cpp — pgstattuple_approx(): skip all-visible pages.
//
// A page the visibility map marks all-visible holds no dead tuples, so its
// free space is taken from the free space map and the rest of the page is
// counted as live tuple bytes without reading it.  Other pages are read and
// classified with HeapTupleSatisfiesVacuum, following VACUUM's convention
// (insert-in-progress counts as dead, delete-in-progress as live).  The live
// tuple count is then extrapolated to the whole table as VACUUM does.
#include "ixstat/ixstat.hpp"
#include "ixstat/heap_page.hpp"
#include "pg/page_access.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/visibilitymap.h"
#include "catalog/pg_am_d.h"
#include "commands/vacuum.h"
#include "storage/freespace.h"
#include "storage/procarray.h"
IXPG_END_C_HEADERS

#include "pg/longjmp_safe.hpp"

namespace ixstat {

namespace {

void count_approx_page(Relation rel, BlockNumber blkno, Buffer buf, Page page, TransactionId oldest_xmin,
                       ixcore::ApproxStats& stats) {
    // A new page is free space in full (PageGetHeapFreeSpace is not safe on it).
    if (PageIsNew(page)) {
        stats.free_space += BLCKSZ - SizeOfPageHeaderData;
        return;
    }
    ixpg::check_page(rel, blkno, page, SizeofHeapTupleHeader);
    stats.free_space += PageGetHeapFreeSpace(page);
    if (PageIsEmpty(page))
        return;

    for_each_heap_tuple(rel, blkno, page, [&](HeapTupleData& tuple) {
        switch (HeapTupleSatisfiesVacuum(&tuple, oldest_xmin, buf)) {
            case HEAPTUPLE_LIVE:
            case HEAPTUPLE_DELETE_IN_PROGRESS:
                stats.tuple_len += tuple.t_len;
                ++stats.tuple_count;
                break;
            case HEAPTUPLE_DEAD:
            case HEAPTUPLE_RECENTLY_DEAD:
            case HEAPTUPLE_INSERT_IN_PROGRESS:
                stats.dead_tuple_len += tuple.t_len;
                ++stats.dead_tuple_count;
                break;
            default:
                elog(ERROR, "unexpected HeapTupleSatisfiesVacuum result");
        }
    });
}

}  // namespace

Datum approx_stats(Oid relid, FunctionCallInfo fcinfo) {
    Relation rel = open_by_oid(relid);
    reject_other_temp(rel, "tables");

    // Only relation kinds with a visibility map and a free space map.
    const char relkind = rel->rd_rel->relkind;
    if (relkind != RELKIND_RELATION && relkind != RELKIND_MATVIEW && relkind != RELKIND_TOASTVALUE)
        ereport(ERROR,
                (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                 errmsg("relation \"%s\" is of wrong relation kind", RelationGetRelationName(rel)),
                 errdetail_relkind_not_supported(relkind)));
    if (rel->rd_rel->relam != HEAP_TABLE_AM_OID)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("only heap AM is supported")));

    ixcore::ApproxStats stats;
    const TransactionId oldest_xmin = GetOldestNonRemovableTransactionId(rel);
    BufferAccessStrategy strategy = GetAccessStrategy(BAS_BULKREAD);
    Buffer vmbuffer = InvalidBuffer;

    stats.pages = ixpg::relation_blocks(rel);
    ixpg::for_each_block(0, static_cast<BlockNumber>(stats.pages), [&](BlockNumber blkno) {
        if (VM_ALL_VISIBLE(rel, blkno, &vmbuffer)) {
            Size freespace = GetRecordedFreeSpace(rel, blkno);
            stats.tuple_len += BLCKSZ - freespace;
            stats.free_space += freespace;
            return;
        }
        // New and empty pages count as scanned, as in contrib.
        ++stats.scanned_pages;
        Buffer buf = ReadBufferExtended(rel, MAIN_FORKNUM, blkno, RBM_NORMAL, strategy);
        LockBuffer(buf, BUFFER_LOCK_SHARE);
        count_approx_page(rel, blkno, buf, BufferGetPage(buf), oldest_xmin, stats);
        UnlockReleaseBuffer(buf);
    });
    stats.table_len = stats.pages * BLCKSZ;

    // Extrapolate the live count from the scanned pages, like VACUUM.  With
    // no page scanned (every page all-visible, as after COPY FREEZE) that is
    // the table's reltuples, which is -1 when the table was never analyzed
    // or vacuumed: contrib reports the -1, and so does this.
    double approx_count = 0;
    ixpg::pg_call([&] {
        const double estimate = vac_estimate_reltuples(rel, static_cast<BlockNumber>(stats.pages),
                                                       static_cast<BlockNumber>(stats.scanned_pages),
                                                       static_cast<double>(stats.tuple_count));
        approx_count = estimate < -1 ? -1 : estimate;
        if (BufferIsValid(vmbuffer))
            ReleaseBuffer(vmbuffer);
    });
    FreeAccessStrategy(strategy);
    relation_close(rel, AccessShareLock);

    Datum values[10] = {
        Int64GetDatum(static_cast<int64>(stats.table_len)),
        Float8GetDatum(stats.scanned_percent()),
        Int64GetDatum(static_cast<int64>(approx_count)),
        Int64GetDatum(static_cast<int64>(stats.tuple_len)),
        Float8GetDatum(stats.percent_of_table(stats.tuple_len)),
        Int64GetDatum(static_cast<int64>(stats.dead_tuple_count)),
        Int64GetDatum(static_cast<int64>(stats.dead_tuple_len)),
        Float8GetDatum(stats.percent_of_table(stats.dead_tuple_len)),
        Int64GetDatum(static_cast<int64>(stats.free_space)),
        Float8GetDatum(stats.percent_of_table(stats.free_space)),
    };
    return make_result(fcinfo, values, 10);
}

}  // namespace ixstat
