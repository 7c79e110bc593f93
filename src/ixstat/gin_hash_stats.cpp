// gin_hash_stats.cpp — pgstatginindex() (GIN pending list) and
// pgstathashindex() (hash page classes, items, free space).
#include "ixstat/ixstat.hpp"
#include "pg/page_access.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/gin_private.h"
#include "access/hash.h"
#include "access/relation.h"
#include "catalog/pg_am_d.h"
#include "utils/rel.h"
IXPG_END_C_HEADERS

#include "pg/longjmp_safe.hpp"

namespace ixstat {

namespace {

void require_index_of(Relation rel, Oid am, const char* am_name) {
    if (rel->rd_rel->relkind != RELKIND_INDEX || rel->rd_rel->relam != am)
        ereport(ERROR,
                (errcode(ERRCODE_WRONG_OBJECT_TYPE),
                 errmsg("relation \"%s\" is not a %s index", RelationGetRelationName(rel), am_name)));
    reject_other_temp(rel, "indexes");
    reject_invalid_index(rel);
}

void count_hash_page(Relation rel, BlockNumber blkno, Page page, ixcore::HashStats& stats) {
    if (PageIsNew(page)) {
        ++stats.unused_pages;
        return;
    }
    if (PageGetSpecialSize(page) != MAXALIGN(sizeof(HashPageOpaqueData)))
        ereport(ERROR,
                (errcode(ERRCODE_INDEX_CORRUPTED),
                 errmsg("index \"%s\" contains corrupted page at block %u", RelationGetRelationName(rel), blkno)));
    HashPageOpaque opaque = HashPageGetOpaque(page);
    const int pagetype = opaque->hasho_flag & LH_PAGE_TYPE;
    if (pagetype == LH_BUCKET_PAGE || pagetype == LH_OVERFLOW_PAGE) {
        ++(pagetype == LH_BUCKET_PAGE ? stats.bucket_pages : stats.overflow_pages);
        ixcore::PageView::ItemTally tally;
        ixpg::tally_page_items(rel, blkno, page, FirstOffsetNumber, sizeof(IndexTupleData), tally);
        stats.live_items += static_cast<int64>(tally.live);
        stats.dead_items += static_cast<int64>(tally.dead);
        stats.free_space += PageGetExactFreeSpace(page);
    } else if (pagetype == LH_BITMAP_PAGE) {
        ++stats.bitmap_pages;
    } else if (pagetype == LH_UNUSED_PAGE) {
        ++stats.unused_pages;
    } else {
        ereport(ERROR,
                (errcode(ERRCODE_INDEX_CORRUPTED),
                 errmsg("unexpected page type 0x%04X in HASH index \"%s\" block %u", opaque->hasho_flag,
                        RelationGetRelationName(rel), blkno)));
    }
}

}  // namespace

Datum gin_stats(Oid relid, FunctionCallInfo fcinfo) {
    Relation rel = open_by_oid(relid);
    require_index_of(rel, GIN_AM_OID, "GIN");

    int32 version = 0;
    BlockNumber pending_pages = 0;
    int64 pending_tuples = 0;
    ixpg::pg_call([&] {
        Buffer buf = ReadBuffer(rel, GIN_METAPAGE_BLKNO);
        LockBuffer(buf, GIN_SHARE);
        Page page = BufferGetPage(buf);
        ixpg::check_page_header(rel, GIN_METAPAGE_BLKNO, page);
        GinMetaPageData* meta = GinPageGetMeta(page);
        version = meta->ginVersion;
        pending_pages = meta->nPendingPages;
        pending_tuples = meta->nPendingHeapTuples;
        UnlockReleaseBuffer(buf);
    });
    relation_close(rel, AccessShareLock);

    Datum values[3] = {Int32GetDatum(version), UInt32GetDatum(pending_pages), Int64GetDatum(pending_tuples)};
    return make_result(fcinfo, values, 3);
}

Datum hash_stats(Oid relid, FunctionCallInfo fcinfo) {
    Relation rel = open_by_oid(relid);
    require_index_of(rel, HASH_AM_OID, "hash");

    int32 version = 0;
    uint32 space_per_page = 0;
    ixpg::pg_call([&] {
        // _hash_getbuf checks the page really is the metapage.
        Buffer metabuf = _hash_getbuf(rel, HASH_METAPAGE, HASH_READ, LH_META_PAGE);
        HashMetaPage metap = HashPageGetMeta(BufferGetPage(metabuf));
        version = metap->hashm_version;
        space_per_page = metap->hashm_bsize;
        _hash_relbuf(rel, metabuf);
    });

    ixcore::HashStats stats;
    const BlockNumber nblocks = ixpg::relation_blocks(rel);
    BufferAccessStrategy strategy = GetAccessStrategy(BAS_BULKREAD);
    ixpg::for_each_block(HASH_METAPAGE + 1, nblocks, [&](BlockNumber blkno) {
        Buffer buf = ReadBufferExtended(rel, MAIN_FORKNUM, blkno, RBM_NORMAL, strategy);
        LockBuffer(buf, BUFFER_LOCK_SHARE);
        count_hash_page(rel, blkno, BufferGetPage(buf), stats);
        UnlockReleaseBuffer(buf);
    });
    FreeAccessStrategy(strategy);
    relation_close(rel, AccessShareLock);

    Datum values[8] = {
        Int32GetDatum(version),
        Int64GetDatum(static_cast<int64>(stats.bucket_pages)),
        Int64GetDatum(static_cast<int64>(stats.overflow_pages)),
        Int64GetDatum(static_cast<int64>(stats.bitmap_pages)),
        Int64GetDatum(static_cast<int64>(stats.unused_pages)),
        Int64GetDatum(stats.live_items),
        Int64GetDatum(stats.dead_items),
        Float8GetDatum(stats.free_percent(nblocks, space_per_page)),
    };
    return make_result(fcinfo, values, 8);
}

}  // namespace ixstat
