// index_tuple_stats.cpp — pgstattuple() on btree, hash and GiST indexes.
//
// Per page, as contrib counts it: a never-initialised page, a deleted or
// half-dead btree page and an unused hash page are wholly free space; leaf
// pages (btree, GiST) and bucket/overflow pages (hash) contribute their free
// space and their items, LP_DEAD items as dead tuples; internal pages,
// metapages and bitmap pages contribute nothing.  The relation length is
// re-read until it stops growing, so pages added during the scan are seen.
#include "ixstat/ixstat.hpp"
#include "pg/page_access.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/gist_private.h"
#include "access/hash.h"
#include "access/nbtree.h"
#include "catalog/pg_am_d.h"
#include "storage/lmgr.h"
IXPG_END_C_HEADERS

#include "pg/longjmp_safe.hpp"

namespace ixstat {

namespace {

// Items minoff..max of a page (checked on the way), plus its free space.
void count_index_items(Relation rel, BlockNumber blkno, Page page, OffsetNumber minoff, ixcore::TupleStats& stats) {
    ixcore::PageView::ItemTally tally;
    ixpg::tally_page_items(rel, blkno, page, minoff, sizeof(IndexTupleData), tally);
    stats.free_space += PageGetFreeSpace(page);
    stats.tuple_count += tally.live;
    stats.tuple_len += tally.live_len;
    stats.dead_tuple_count += tally.dead;
    stats.dead_tuple_len += tally.dead_len;
}

void count_btree_page(Relation rel, BlockNumber blkno, Page page, ixcore::TupleStats& stats) {
    if (PageIsNew(page)) {
        stats.free_space += BLCKSZ;
        return;
    }
    if (PageGetSpecialSize(page) != MAXALIGN(sizeof(BTPageOpaqueData)))
        return;  // not a btree page: contrib skips it silently, so do we
    BTPageOpaque opaque = BTPageGetOpaque(page);
    if (P_IGNORE(opaque))
        stats.free_space += BLCKSZ;
    else if (P_ISLEAF(opaque))
        count_index_items(rel, blkno, page, P_FIRSTDATAKEY(opaque), stats);
}

void count_hash_page(Relation rel, BlockNumber blkno, Page page, ixcore::TupleStats& stats) {
    if (PageIsNew(page)) {
        stats.free_space += BLCKSZ;
        return;
    }
    if (PageGetSpecialSize(page) != MAXALIGN(sizeof(HashPageOpaqueData)))
        return;
    HashPageOpaque opaque = HashPageGetOpaque(page);
    switch (opaque->hasho_flag & LH_PAGE_TYPE) {
        case LH_UNUSED_PAGE:
            stats.free_space += BLCKSZ;
            break;
        case LH_BUCKET_PAGE:
        case LH_OVERFLOW_PAGE:
            count_index_items(rel, blkno, page, FirstOffsetNumber, stats);
            break;
        default:
            break;  // bitmap and meta pages hold no tuples
    }
}

void count_gist_page(Relation rel, BlockNumber blkno, Page page, ixcore::TupleStats& stats) {
    if (PageIsNew(page)) {
        stats.free_space += BLCKSZ;
        return;
    }
    if (PageGetSpecialSize(page) != MAXALIGN(sizeof(GISTPageOpaqueData)))
        return;
    if (!GistPageIsLeaf(page))
        return;
    if (GistPageIsDeleted(page)) {
        // A deleted GiST page keeps its deletion XID where line pointers would
        // be, and pd_lower covers it.  Contrib counts those bytes as items all
        // the same; so do we (field-for-field equality), without bounds checks
        // since nothing is dereferenced (the header is still checked, so the
        // line pointer array lies within the page).
        ixpg::check_page_header(rel, blkno, page);
        stats.free_space += PageGetFreeSpace(page);
        const OffsetNumber maxoff = PageGetMaxOffsetNumber(page);
        for (OffsetNumber off = FirstOffsetNumber; off <= maxoff; off = OffsetNumberNext(off)) {
            ItemId itemid = PageGetItemId(page, off);
            if (ItemIdIsDead(itemid))
                stats.add_dead(ItemIdGetLength(itemid));
            else
                stats.add_live(ItemIdGetLength(itemid));
        }
        return;
    }
    count_index_items(rel, blkno, page, FirstOffsetNumber, stats);
}

}  // namespace

ixcore::TupleStats index_tuple_stats(Relation rel) {
    using PageCounter = void (*)(Relation, BlockNumber, Page, ixcore::TupleStats&);
    PageCounter counter = nullptr;
    BlockNumber first = 0;  // the first block after the metapage or root
    switch (rel->rd_rel->relam) {
        case BTREE_AM_OID: counter = count_btree_page; first = BTREE_METAPAGE + 1; break;
        case HASH_AM_OID: counter = count_hash_page; first = HASH_METAPAGE + 1; break;
        default: counter = count_gist_page; first = GIST_ROOT_BLKNO + 1; break;
    }

    ixcore::TupleStats stats;
    BufferAccessStrategy strategy = GetAccessStrategy(BAS_BULKREAD);
    BlockNumber blkno = first;
    for (;;) {
        BlockNumber nblocks = 0;
        ixpg::pg_call([&] {
            // The extension lock makes the length we read a settled one.
            LockRelationForExtension(rel, ExclusiveLock);
            nblocks = RelationGetNumberOfBlocks(rel);
            UnlockRelationForExtension(rel, ExclusiveLock);
        });
        if (blkno >= nblocks) {
            stats.table_len = static_cast<std::uint64_t>(nblocks) * BLCKSZ;
            break;
        }
        ixpg::for_each_block(blkno, nblocks, [&](BlockNumber b) {
            Buffer buf = ReadBufferExtended(rel, MAIN_FORKNUM, b, RBM_NORMAL, strategy);
            LockBuffer(buf, BUFFER_LOCK_SHARE);
            counter(rel, b, BufferGetPage(buf), stats);
            UnlockReleaseBuffer(buf);
        });
        blkno = nblocks;
    }
    FreeAccessStrategy(strategy);
    return stats;
}

}  // namespace ixstat
