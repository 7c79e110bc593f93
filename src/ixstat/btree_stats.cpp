// btree_stats.cpp — pgstatindex(): a btree's metapage facts, page classes,
// leaf density and leaf fragmentation.
#include "ixstat/ixstat.hpp"
#include "pg/page_access.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/nbtree.h"
#include "access/relation.h"
#include "catalog/pg_am_d.h"
IXPG_END_C_HEADERS

#include "pg/longjmp_safe.hpp"

namespace ixstat {

namespace {

struct BtreeMeta {
    uint32 version = 0;
    uint32 level = 0;
    BlockNumber root = 0;
};

void count_btree_page(Relation rel, BlockNumber blkno, Page page, ixcore::BtreeStats& stats) {
    // A never-initialised page has no special space; contrib reads its zeroed
    // bytes as flags 0 and so counts it as an internal page.  Keep that.
    if (PageIsNew(page)) {
        ++stats.internal_pages;
        return;
    }
    // pgstatindex reads no items, only the opaque data at pd_special and the
    // free space between pd_lower and pd_upper (plain arithmetic).  So the
    // one check that matters is the special space's size: it puts the opaque
    // data inside the page.  Checking the header too cost ~5% of this scan.
    if (PageGetSpecialSize(page) != MAXALIGN(sizeof(BTPageOpaqueData)))
        ixpg::report_corrupted_page(rel, blkno, ixcore::PageFault::BadSpecialSize);

    BTPageOpaque opaque = BTPageGetOpaque(page);
    // Deleted pages are one class whether they were leaves or not.
    if (P_ISDELETED(opaque)) {
        ++stats.deleted_pages;
    } else if (P_IGNORE(opaque)) {
        ++stats.empty_pages;  // half-dead
    } else if (P_ISLEAF(opaque)) {
        ++stats.leaf_pages;
        stats.max_avail += reinterpret_cast<PageHeader>(page)->pd_special - SizeOfPageHeaderData;
        stats.free_space += PageGetFreeSpace(page);
        // A right sibling at a lower block number means the leaf chain runs
        // backwards on disk here: a range scan seeks.
        if (opaque->btpo_next != P_NONE && opaque->btpo_next < blkno)
            ++stats.fragments;
    } else {
        ++stats.internal_pages;
    }
}

}  // namespace

Datum btree_stats(Relation rel, FunctionCallInfo fcinfo) {
    if (rel->rd_rel->relkind != RELKIND_INDEX || rel->rd_rel->relam != BTREE_AM_OID)
        ereport(ERROR,
                (errcode(ERRCODE_WRONG_OBJECT_TYPE),
                 errmsg("relation \"%s\" is not a btree index", RelationGetRelationName(rel))));
    reject_other_temp(rel, "tables");
    reject_invalid_index(rel);

    BufferAccessStrategy strategy = GetAccessStrategy(BAS_BULKREAD);
    BtreeMeta meta;
    // Contrib reads the metapage without a content lock; the fields are
    // word-sized and a stale value is as good as a fresh one here.
    ixpg::pg_call([&] {
        Buffer buf = ReadBufferExtended(rel, MAIN_FORKNUM, BTREE_METAPAGE, RBM_NORMAL, strategy);
        Page page = BufferGetPage(buf);
        if (!PageIsNew(page))
            ixpg::check_page_header(rel, BTREE_METAPAGE, page);
        BTMetaPageData* metad = BTPageGetMeta(page);
        meta.version = metad->btm_version;
        meta.level = metad->btm_level;
        meta.root = metad->btm_root;
        ReleaseBuffer(buf);
    });

    ixcore::BtreeStats stats;
    const BlockNumber nblocks = ixpg::relation_blocks(rel);
    ixpg::for_each_block(BTREE_METAPAGE + 1, nblocks, [&](BlockNumber blkno) {
        Buffer buf = ReadBufferExtended(rel, MAIN_FORKNUM, blkno, RBM_NORMAL, strategy);
        LockBuffer(buf, BUFFER_LOCK_SHARE);
        count_btree_page(rel, blkno, BufferGetPage(buf), stats);
        UnlockReleaseBuffer(buf);
    });
    FreeAccessStrategy(strategy);
    relation_close(rel, AccessShareLock);

    Datum values[10] = {
        Int32GetDatum(static_cast<int32>(meta.version)),
        Int32GetDatum(static_cast<int32>(meta.level)),
        Int64GetDatum(static_cast<int64>(stats.index_size(BLCKSZ))),
        Int64GetDatum(static_cast<int64>(meta.root)),
        Int64GetDatum(static_cast<int64>(stats.internal_pages)),
        Int64GetDatum(static_cast<int64>(stats.leaf_pages)),
        Int64GetDatum(static_cast<int64>(stats.empty_pages)),
        Int64GetDatum(static_cast<int64>(stats.deleted_pages)),
        Float8GetDatum(stats.avg_leaf_density()),
        Float8GetDatum(stats.leaf_fragmentation()),
    };
    return make_result(fcinfo, values, 10);
}

}  // namespace ixstat
