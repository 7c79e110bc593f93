// vacuum.cpp — ambulkdelete and amvacuumcleanup.
//
// Bulk delete marks dead rows in each group's dead slice (their signature
// bits stay: a stale bit only costs a recheck) and compacts insert-buffer
// pages.  Cleanup folds the whole buffer into groups (unless it is small),
// merges small groups, frees pages nothing reaches (left by a crash
// mid-fold or mid-merge), makes the
// metapage's totals those of the directory, and reports the live tuple count.
#include "ixbloom/ixbloom.hpp"
#include "pg/chain_walk.hpp"
#include "pg/generic_wal.hpp"
#include "pg/page_alloc.hpp"

IXPG_BEGIN_C_HEADERS
#include "commands/vacuum.h"
IXPG_END_C_HEADERS

#include <algorithm>
#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixbloom {

namespace {

// Mark the dead rows of one group in its dead slice.  Returns the group's
// new live count: nrows minus every bit now in the dead slice, so a count
// left too high by a crash (or damaged) is corrected here.
uint32 delete_in_group(Relation index, const IxbGroup& group, int sig_bits, IndexBulkDeleteCallback cb, void* cb_state,
                       BufferAccessStrategy strategy, uint32* removed) {
    const bl::GroupGeometry g = group_geometry(group, sig_bits);
    const BlockNumber dead_blk = group.first + g.slice_page(g.dead_slice());
    *removed = 0;

    // The rows already marked, so the callback is asked only about the others.
    uint8* dead = static_cast<uint8*>(palloc(g.slice_bytes()));
    uint64* newly = static_cast<uint64*>(palloc0(g.slice_bytes()));
    {
        Buffer buf = read_group_page(index, dead_blk, kPageSlice, nullptr, strategy);
        copy_slice(index, dead_blk, BufferGetPage(buf), g, g.dead_slice(), dead);
        UnlockReleaseBuffer(buf);
    }
    const uint32 marked = count_dead(index, dead_blk, dead, group);
    if (marked == group.nrows) {  // nothing left to ask about
        pfree(dead);
        pfree(newly);
        return 0;
    }

    // TID pages are never modified: share locks suffice.  Page 0 (its map
    // is needed for every page) is read into a copy, so that no buffer lock
    // is held across vacuum_delay_point().
    bl::TidPageReader page0, other;
    char* page0_copy = static_cast<char*>(palloc(BLCKSZ));
    {
        const BlockNumber blk0 = group.first + g.tid_page(0);
        Buffer buf0 = read_group_page(index, blk0, kPageTid, nullptr, strategy);
        std::memcpy(page0_copy, BufferGetPage(buf0), BLCKSZ);
        UnlockReleaseBuffer(buf0);
        open_tid_page(index, blk0, static_cast<Page>(page0_copy), group, 0, nullptr, &page0);
    }
    for (uint32 p = 0; p < group.tid_pages; ++p) {
        vacuum_delay_point();
        Buffer buf = InvalidBuffer;
        bl::TidPageReader* reader = &page0;
        if (p > 0) {
            const BlockNumber blk = group.first + g.tid_page(p);
            buf = read_group_page(index, blk, kPageTid, nullptr, strategy);
            open_tid_page(index, blk, BufferGetPage(buf), group, p, &page0, &other);
            reader = &other;
        }
        for (uint32 pos = reader->first_pos(); pos < reader->first_pos() + reader->nrows(); ++pos) {
            if ((dead[pos / 8] >> (pos % 8)) & 1)
                continue;
            const bl::Tid t = reader->at(pos);
            ItemPointerData tid;
            std::memcpy(&tid, &t, sizeof tid);
            if (cb(&tid, cb_state)) {
                newly[pos / 64] |= uint64{1} << (pos % 64);
                ++*removed;
            }
        }
        if (buf != InvalidBuffer)
            UnlockReleaseBuffer(buf);
    }
    pfree(page0_copy);

    // Only one VACUUM runs per table, and nothing else writes the dead
    // slice: the copy read above is current, and the count comes from it.
    if (*removed > 0) {
        Buffer buf = ReadBufferExtended(index, MAIN_FORKNUM, dead_blk, RBM_NORMAL, strategy);
        LockBuffer(buf, BUFFER_LOCK_EXCLUSIVE);
        ixpg::check_page_kind(index, dead_blk, BufferGetPage(buf), kPages, kPageSlice);
        const std::size_t dead_at = g.slice_offset(g.dead_slice());
        ixpg::log_change(index, {buf}, 0, [&](Page* pages) {
            char* slice = ixpg::page_body(pages[0]) + dead_at;
            for (std::size_t w = 0; w < g.words(); ++w) {
                uint64 v;
                std::memcpy(&v, slice + w * 8, 8);
                v |= newly[w];
                std::memcpy(slice + w * 8, &v, 8);
            }
        });
        UnlockReleaseBuffer(buf);
    }
    pfree(dead);
    pfree(newly);
    return group.nrows - marked - *removed;
}

// Compact the entries of each buffer page, dropping dead TIDs.
uint32 delete_in_buffer(Relation index, const IxbMeta& meta, IndexBulkDeleteCallback cb, void* cb_state,
                        BufferAccessStrategy strategy) {
    const std::size_t ebytes = entry_bytes(meta.sig_bits);
    uint32 removed = 0;
    ixpg::ChainWalk walk(index, kPages, kPageBuffer, meta.buf_head, InvalidBlockNumber, strategy);
    for (; !walk.done(); walk.advance()) {
        vacuum_delay_point();
        const BlockNumber blkno = walk.current();
        Buffer buf = walk.read(BUFFER_LOCK_EXCLUSIVE);
        Page page = BufferGetPage(buf);
        const int n = buffer_entries(index, blkno, page, meta.sig_bits);
        bool dead[1024];
        static_assert(BLCKSZ / (sizeof(ItemPointerData) + bl::kMinSignatureBits / 8) <= 1024, "entries per buffer page");
        int ndead = 0;
        for (int i = 0; i < n; ++i) {
            ItemPointerData tid;
            std::memcpy(&tid, ixpg::page_body(page) + i * ebytes, sizeof tid);
            dead[i] = cb(&tid, cb_state);
            ndead += dead[i];
        }
        if (ndead > 0) {
            ixpg::log_change(index, {buf}, 0, [&](Page* p) {
                char* body = ixpg::page_body(p[0]);
                int kept = 0;
                for (int i = 0; i < n; ++i)
                    if (!dead[i])
                        std::memmove(body + (kept++) * ebytes, body + i * ebytes, ebytes);
                ixpg::set_page_body_used(p[0], kept * ebytes);
            });
            removed += static_cast<uint32>(ndead);
        }
        UnlockReleaseBuffer(buf);
    }
    return removed;
}

// Mark the pages of one chain used (blocks below nblocks, the size when
// the walk began: no chain grows while the caller holds the metapage and
// the fold lock); a block used twice means the chains run into each other
// or into a group (damage).  Returns the entries of
// the chain's pages when they are buffer pages.
double mark_chain(Relation index, BlockNumber head, uint16 kind, int sig_bits, bool* used, BlockNumber nblocks) {
    double entries = 0;
    ixpg::ChainWalk walk(index, kPages, kind, head);
    for (; !walk.done(); walk.advance()) {
        const BlockNumber blkno = walk.current();
        Buffer buf = walk.read(BUFFER_LOCK_SHARE);
        if (blkno >= nblocks || used[blkno])
            ixpg::ChainWalk::report_broken(index, blkno,
                                           "The chain reaches a block that it, another chain or a group already uses.");
        used[blkno] = true;
        if (kind == kPageBuffer)
            entries += buffer_entries(index, blkno, BufferGetPage(buf), sig_bits);
        UnlockReleaseBuffer(buf);
    }
    return entries;
}

// Free every page that nothing reachable from the metapage uses.  Scans may
// run meanwhile: they only follow reachable pages.
// buffered_rows gets the entries of the buffer chain, counted on the way.
BlockNumber reclaim_unreachable(Relation index, const IxbMeta& meta, const IxbGroup* groups, uint32 ngroups,
                                double* buffered_rows) {
    const BlockNumber nblocks = RelationGetNumberOfBlocks(index);
    bool* used = static_cast<bool*>(palloc0(nblocks + 1));
    used[ixpg::kMetaBlock] = true;
    for (uint32 i = 0; i < ngroups; ++i) {
        const bl::GroupGeometry g = group_geometry(groups[i], meta.sig_bits);
        for (uint32 p = 0; p < g.total_pages() && groups[i].first + p < nblocks; ++p)
            used[groups[i].first + p] = true;
    }
    mark_chain(index, meta.dir_head, kPageDirectory, meta.sig_bits, used, nblocks);
    *buffered_rows += mark_chain(index, meta.buf_head, kPageBuffer, meta.sig_bits, used, nblocks);
    BlockNumber nfree = 0;
    for (BlockNumber b = 1; b < nblocks; ++b) {
        if (used[b])
            continue;
        // No vacuum_delay_point here: the caller holds the metapage lock,
        // which inserts that need a new buffer page wait for.
        ixpg::free_page(index, kPages, b);
        ++nfree;
    }
    pfree(used);
    ixpg::publish_free_pages(index);
    return nfree;
}

}  // namespace

IndexBulkDeleteResult* bulk_delete(IndexVacuumInfo* info, IndexBulkDeleteResult* stats, IndexBulkDeleteCallback cb,
                                   void* cb_state) {
    return ixpg::sql_entry([&] {
        Relation index = info->index;
        if (stats == nullptr)
            stats = static_cast<IndexBulkDeleteResult*>(palloc0(sizeof(IndexBulkDeleteResult)));
        // The merge lock: a merge copies live rows, so none may be marked
        // dead under it.  The fold lock in share mode keeps folds out (they
        // would copy entries we are about to remove) and lets scans run;
        // each page change is under its buffer lock.
        lock_merge(index);
        lock_fold(index, ShareLock);
        const IxbMeta meta = read_meta(index);
        uint32 ngroups = 0;
        IxbGroup* groups = read_groups(index, meta, &ngroups);
        uint32* live = static_cast<uint32*>(palloc0(sizeof(uint32) * (ngroups + 1)));
        for (uint32 i = 0; i < ngroups; ++i) {
            uint32 removed = 0;
            live[i] = delete_in_group(index, groups[i], meta.sig_bits, cb, cb_state, info->strategy, &removed);
            stats->tuples_removed += removed;
        }
        update_live_counts(index, meta, live, ngroups);
        stats->tuples_removed += delete_in_buffer(index, meta, cb, cb_state, info->strategy);
        unlock_fold(index, ShareLock);
        unlock_merge(index);
        return stats;
    });
}

IndexBulkDeleteResult* vacuum_cleanup(IndexVacuumInfo* info, IndexBulkDeleteResult* stats) {
    return ixpg::sql_entry([&]() -> IndexBulkDeleteResult* {
        Relation index = info->index;
        if (info->analyze_only)
            return stats;
        if (stats == nullptr)
            stats = static_cast<IndexBulkDeleteResult*>(palloc0(sizeof(IndexBulkDeleteResult)));

        // Folding moves rows from the buffer into groups: no scan may run
        // meanwhile.  The rest only needs folds kept out.  A buffer too
        // small to make a worthwhile group stays (ixbloom.vacuum_fold_min_pages).
        // (Capped at the pages of a full group: above that, inserts fold, but
        // they give up whenever a scan holds the fold lock.)
        lock_merge(index);
        const IxbMeta before = read_meta(index);
        check_buffer_pages(index, before);
        const uint32 full_group_pages = static_cast<uint32>(
            (bl::max_group_capacity(kPageBytes) + entries_per_page(before.sig_bits) - 1) / entries_per_page(before.sig_bits));
        if (before.buf_pages >= std::min(static_cast<uint32>(vacuum_fold_min_pages), full_group_pages)) {
            lock_fold(index, ExclusiveLock);
            fold_buffer(index, true);
            unlock_fold(index, ExclusiveLock);
        }
        // Small groups (from folds of a table that grows by small batches)
        // and groups emptied by deletes become full-size ones.
        if (vacuum_merge)
            merge_groups(index);
        lock_fold(index, ShareLock);
        // Hold the metapage while finding unreachable pages: a concurrent
        // insert adding a buffer page links it under this lock.
        Buffer meta_buf = ixpg::lock_metapage(index, kPages, kMetaSpec, BUFFER_LOCK_SHARE);
        const IxbMeta meta = *page_meta(BufferGetPage(meta_buf));
        check_meta(index, meta, ixpg::page_body_used(BufferGetPage(meta_buf)));
        uint32 ngroups = 0;
        IxbGroup* groups = read_groups(index, meta, &ngroups);
        double live = 0;
        stats->pages_free = reclaim_unreachable(index, meta, groups, ngroups, &live);
        UnlockReleaseBuffer(meta_buf);

        const bl::GroupTotals totals = group_totals(groups, ngroups, meta.sig_bits);
        store_totals(index, totals);
        live += static_cast<double>(totals.live);
        unlock_fold(index, ShareLock);
        unlock_merge(index);

        stats->num_pages = RelationGetNumberOfBlocks(index);
        stats->num_index_tuples = live;
        stats->estimated_count = false;
        return stats;
    });
}

}  // namespace ixbloom
