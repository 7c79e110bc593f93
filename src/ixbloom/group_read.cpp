// group_read.cpp — reading a group's pages: checked slice copies, TID pages
// opened through the core decoder, the dead slice's count.  Scans and
// VACUUM read groups only through here.
#include "ixbloom/ixbloom.hpp"

#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixbloom {

Buffer read_group_page(Relation index, BlockNumber blkno, uint16 kind, Snapshot snapshot,
                       BufferAccessStrategy strategy) {
    Buffer buf = ReadBufferExtended(index, MAIN_FORKNUM, blkno, RBM_NORMAL, strategy);
    LockBuffer(buf, BUFFER_LOCK_SHARE);
    Page page = BufferGetPage(buf);
    TestForOldSnapshot(snapshot, index, page);
    ixpg::check_page_kind(index, blkno, page, kPages, kind);
    return buf;
}

Buffer try_read_group_page(Relation index, BlockNumber blkno, uint16 kind, Snapshot snapshot) {
    Buffer buf = ReadBuffer(index, blkno);
    LockBuffer(buf, BUFFER_LOCK_SHARE);
    Page page = BufferGetPage(buf);
    TestForOldSnapshot(snapshot, index, page);
    if (ixpg::page_is(page, kPages, kind))
        return buf;
    UnlockReleaseBuffer(buf);
    return InvalidBuffer;
}

bool slice_fits(Page page, const bl::GroupGeometry& g, int slice) {
    return bl::slice_is_stored(g, slice, ixpg::page_body_used(page));
}

bool try_open_tid_page(Page page, const IxbGroup& group, uint32 i, const bl::TidPageReader* page0,
                       bl::TidPageReader* reader) {
    return ixpg::page_is(page, kPages, kPageTid) &&
           reader->open(reinterpret_cast<const uint8*>(ixpg::page_body(page)), ixpg::page_body_used(page), i,
                        group.tid_pages, group.nrows, page0);
}

bool dead_slice_fits(const uint8* dead, const IxbGroup& group) {
    for (uint32 pos = group.nrows; pos < group.capacity; ++pos)
        if ((dead[pos / 8] >> (pos % 8)) & 1)
            return false;
    return true;
}

void copy_slice(Relation index, BlockNumber blkno, Page page, const bl::GroupGeometry& g, int slice, uint8* dst) {
    if (!bl::slice_is_stored(g, slice, ixpg::page_body_used(page)))
        ixpg::report_index_damage(index, blkno, "slice page",
                                  "Slice %d of the group needs bytes %zu to %zu; the page holds %zu.", slice,
                                  g.slice_offset(slice), g.slice_offset(slice) + g.slice_bytes(),
                                  ixpg::page_body_used(page));
    std::memcpy(dst, ixpg::page_body(page) + g.slice_offset(slice), g.slice_bytes());
}

void open_tid_page(Relation index, BlockNumber blkno, Page page, const IxbGroup& group, uint32 i,
                   const bl::TidPageReader* page0, bl::TidPageReader* reader) {
    ixpg::check_page_kind(index, blkno, page, kPages, kPageTid);
    if (!reader->open(reinterpret_cast<const uint8*>(ixpg::page_body(page)), ixpg::page_body_used(page), i,
                      group.tid_pages, group.nrows, page0))
        ereport(ERROR,
                (errcode(ERRCODE_INDEX_CORRUPTED),
                 errmsg("index \"%s\" has a corrupted TID page at block %u", RelationGetRelationName(index), blkno),
                 errdetail("TID page %u of the group at block %u, which has %u rows in %u TID pages, does not decode.",
                           i, group.first, group.nrows, group.tid_pages),
                 errhint("REINDEX the index.")));
}

uint32 count_dead(Relation index, BlockNumber blkno, const uint8* dead, const IxbGroup& group) {
    uint32 ndead = 0;
    for (uint32 w = 0; w < group.capacity / 64; ++w) {
        uint64 v;
        std::memcpy(&v, dead + static_cast<std::size_t>(w) * 8, 8);
        ndead += static_cast<uint32>(__builtin_popcountll(v));
    }
    // Bits past nrows are never written.
    if (!dead_slice_fits(dead, group)) {
        uint32 pos = group.nrows;
        while (!((dead[pos / 8] >> (pos % 8)) & 1))
            ++pos;
        ixpg::report_index_damage(index, blkno, "dead slice", "Row %u is marked, but the group at block %u has %u rows.",
                                  pos, group.first, group.nrows);
    }
    return ndead;
}

}  // namespace ixbloom
