// merge.cpp — merging groups (format 3; docs/ixbloom-format.md, "Merge"):
// choosing a batch of small or emptied groups, copying their live rows into
// one new group, the commit that swaps the descriptors, freeing the old
// groups' pages.  And the merge lock.
//
// A table that grows by small batches, VACUUMed between them, gets one
// small group per fold; each costs a query a slice page or two and a TID
// page for few rows.  Merging keeps one growing group at the end instead,
// so a query reads about as many pages as after a REINDEX.
#include "ixbloom/ixbloom.hpp"
#include "pg/generic_wal.hpp"
#include "pg/page_alloc.hpp"

IXPG_BEGIN_C_HEADERS
#include "storage/lmgr.h"
#include "utils/memutils.h"
IXPG_END_C_HEADERS

#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixbloom {

namespace {

// A page lock on a block number no index reaches: merges, bulk deletes and
// VACUUM's cleanup take it in this mode, one at a time.
constexpr BlockNumber kMergeLockBlock = 0xFFFFFFFE;

// Groups of the directory (indexes into it), in directory order.
struct Batch {
    uint32 k;
    uint32 member[kMaxMergeGroups];
    uint64 live;
    int dir_pages;
};

// Pages of the group that n rows make (with one TID page, as rows that
// arrive in heap order need).
uint32 pages_for(uint64 n, int sig_bits) {
    IxbGroup d = {};
    d.nrows = static_cast<uint32>(n);
    d.capacity = bl::group_capacity_for(n, kPageBytes);
    d.tid_pages = 1;
    return group_geometry(d, sig_bits).total_pages();
}

// Is the batch of the first k of these groups worth merging?  Two or more
// groups whose merged group takes no more pages than they free (the index
// must not grow by merging: slices are packed per page, so two groups of
// 8,000 rows take 12 pages each at length=80 but one of 16,000 takes 22),
// or one group with no live row (merging it frees its pages).
bool worth_merging(const IxbGroup* groups, const Batch& b, uint32 k, int sig_bits) {
    if (k == 1)
        return groups[b.member[0]].live == 0;
    uint64 live = 0;
    uint64 freed = 0;
    for (uint32 j = 0; j < k; ++j) {
        live += groups[b.member[j]].live;
        freed += group_geometry(groups[b.member[j]], sig_bits).total_pages();
    }
    return k >= 2 && (live == 0 || pages_for(live, sig_bits) <= freed);
}

// Candidates are groups with at most 7/8 of a full group's rows live.  A
// batch is a run of candidates in directory order whose live rows fit one
// group and whose descriptors lie on at most 3 directory pages (one record
// with the metapage).  Returns the first batch worth merging, trying each
// candidate as the first, and for each the longest batch first.
bool plan_batch(const IxbGroup* groups, const BlockNumber* dir_blocks, uint32 n, int sig_bits, Batch* out) {
    const uint32 cap = bl::max_group_capacity(kPageBytes);
    for (uint32 first = 0; first < n; ++first) {
        if (groups[first].live > cap / 8 * 7)
            continue;
        Batch b{};
        for (uint32 i = first; i < n && b.k < kMaxMergeGroups; ++i) {
            if (groups[i].live > cap / 8 * 7)
                continue;
            const int pages = b.dir_pages + ((b.k == 0 || dir_blocks[b.member[b.k - 1]] != dir_blocks[i]) ? 1 : 0);
            if (b.live + groups[i].live > cap || pages > MAX_GENERIC_XLOG_PAGES - 1)
                break;
            b.member[b.k++] = i;
            b.live += groups[i].live;
            b.dir_pages = pages;
        }
        for (uint32 k = b.k; k >= 1; --k) {
            if (worth_merging(groups, b, k, sig_bits)) {
                b.k = k;
                *out = b;
                return true;
            }
        }
    }
    return false;
}

// Where a merge collects its rows: row-major signatures and TIDs.
struct Rows {
    uint16* sigs;
    bl::Tid* tids;
    uint32 n;
    uint32 room;
    int words;
};

// Append the live rows of one group (those its dead slice does not mark).
void collect_live_rows(Relation index, const IxbGroup& group, int sig_bits, Rows* rows) {
    const bl::GroupGeometry g = group_geometry(group, sig_bits);
    uint8* slice = static_cast<uint8*>(palloc(g.slice_bytes()));
    uint8* dead = static_cast<uint8*>(palloc(g.slice_bytes()));
    int32* row_of = static_cast<int32*>(palloc(sizeof(int32) * group.nrows));

    const BlockNumber dead_blk = group.first + g.slice_page(g.dead_slice());
    Buffer buf = read_group_page(index, dead_blk, kPageSlice, nullptr, nullptr);
    copy_slice(index, dead_blk, BufferGetPage(buf), g, g.dead_slice(), dead);
    UnlockReleaseBuffer(buf);
    const uint32 live = group.nrows - count_dead(index, dead_blk, dead, group);
    if (live > rows->room - rows->n)
        ixpg::report_index_damage(index, dead_blk, "dead slice",
                                  "The group at block %u has %u live rows; its descriptor counts %u.", group.first, live,
                                  group.live);
    for (uint32 p = 0; p < group.nrows; ++p)
        row_of[p] = ((dead[p / 8] >> (p % 8)) & 1) ? -1 : static_cast<int32>(rows->n++);
    const uint32 first_row = rows->n - live;
    std::memset(rows->sigs + static_cast<std::size_t>(first_row) * rows->words, 0,
                sizeof(uint16) * rows->words * live);

    // The signature bits, slice by slice, each slice page read once.
    BlockNumber current = InvalidBlockNumber;
    buf = InvalidBuffer;
    for (int s = 0; s < sig_bits; ++s) {
        CHECK_FOR_INTERRUPTS();
        const BlockNumber blk = group.first + g.slice_page(s);
        if (blk != current) {
            if (buf != InvalidBuffer)
                UnlockReleaseBuffer(buf);
            buf = read_group_page(index, blk, kPageSlice, nullptr, nullptr);
            current = blk;
        }
        copy_slice(index, blk, BufferGetPage(buf), g, s, slice);
        for (std::size_t w = 0; w < g.words(); ++w) {
            uint64 v, d;
            std::memcpy(&v, slice + w * 8, 8);
            std::memcpy(&d, dead + w * 8, 8);
            v &= ~d;
            while (v != 0) {
                const uint32 p = static_cast<uint32>(w * 64 + __builtin_ctzll(v));
                v &= v - 1;
                if (p < group.nrows)
                    rows->sigs[static_cast<std::size_t>(row_of[p]) * rows->words + s / 16] |=
                        static_cast<uint16>(1u << (s % 16));
            }
        }
    }
    if (buf != InvalidBuffer)
        UnlockReleaseBuffer(buf);

    // The TIDs, page by page (page 0 holds the map the others need).
    bl::TidPageReader page0, other;
    const BlockNumber blk0 = group.first + g.tid_page(0);
    Buffer buf0 = read_group_page(index, blk0, kPageTid, nullptr, nullptr);
    open_tid_page(index, blk0, BufferGetPage(buf0), group, 0, nullptr, &page0);
    for (uint32 t = 0; t < group.tid_pages; ++t) {
        bl::TidPageReader* reader = &page0;
        buf = InvalidBuffer;
        if (t > 0) {
            const BlockNumber blk = group.first + g.tid_page(t);
            buf = read_group_page(index, blk, kPageTid, nullptr, nullptr);
            open_tid_page(index, blk, BufferGetPage(buf), group, t, &page0, &other);
            reader = &other;
        }
        for (uint32 p = reader->first_pos(); p < reader->first_pos() + reader->nrows(); ++p)
            if (row_of[p] >= 0)
                rows->tids[row_of[p]] = reader->at(p);
        if (buf != InvalidBuffer)
            UnlockReleaseBuffer(buf);
    }
    UnlockReleaseBuffer(buf0);

    pfree(slice);
    pfree(dead);
    pfree(row_of);
}

// Merge one batch; returns the pages it freed.  Caller holds the merge lock
// and the fold lock in share mode.
uint32 merge_batch(Relation index, const IxbMeta& meta, const IxbGroup* groups, const BlockNumber* dir_blocks,
                   const Batch& b) {
    const bl::SignatureShape shape = cached_shape(index);
    Rows rows;
    rows.words = shape.words();
    rows.room = bl::max_group_capacity(kPageBytes);
    rows.n = 0;
    rows.sigs = static_cast<uint16*>(
        palloc_extended(sizeof(uint16) * static_cast<std::size_t>(rows.words) * rows.room, MCXT_ALLOC_HUGE));
    rows.tids = static_cast<bl::Tid*>(palloc(sizeof(bl::Tid) * rows.room));
    IxbGroup old[kMaxMergeGroups];
    BlockNumber old_dir[kMaxMergeGroups];
    for (uint32 j = 0; j < b.k; ++j) {
        old[j] = groups[b.member[j]];
        old_dir[j] = dir_blocks[b.member[j]];
        collect_live_rows(index, old[j], meta.sig_bits, &rows);
    }

    // The new group, unreachable until the commit.
    IxbGroup merged = {};
    if (rows.n > 0)
        merged = write_group(index, shape, rows.sigs, rows.tids, rows.n, true);

    // The commit: exclusive only for this record, which waits out the scans
    // that read the old directory (they may be reading the old groups).
    lock_fold(index, ExclusiveLock);
    replace_groups(index, old, b.k, old_dir, rows.n > 0 ? &merged : nullptr);
    unlock_fold(index, ExclusiveLock);

    // Scans from now on read the new directory: the old pages are free.
    uint32 freed = 0;
    for (uint32 j = 0; j < b.k; ++j) {
        const uint32 npages = group_geometry(old[j], meta.sig_bits).total_pages();
        for (uint32 p = 0; p < npages; ++p) {
            CHECK_FOR_INTERRUPTS();
            ixpg::free_page(index, kPages, old[j].first + p);
        }
        freed += npages;
    }
    return freed;
}

}  // namespace

MergeResult merge_groups(Relation index) {
    MergeResult result = {};
    MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "ixbloom merge", ALLOCSET_DEFAULT_SIZES);
    MemoryContext old = MemoryContextSwitchTo(cxt);
    bool first = true;
    // Each merge takes at least one group away, so this ends.
    for (;;) {
        CHECK_FOR_INTERRUPTS();
        MemoryContextReset(cxt);
        lock_fold(index, ShareLock);
        const IxbMeta meta = read_meta(index);
        uint32 ngroups = 0;
        BlockNumber* dir_blocks = nullptr;
        const IxbGroup* groups = read_groups(index, meta, &ngroups, nullptr, &dir_blocks);
        if (first)
            result.groups_before = ngroups;
        first = false;
        result.groups_after = ngroups;
        Batch b;
        if (!plan_batch(groups, dir_blocks, ngroups, meta.sig_bits, &b)) {
            unlock_fold(index, ShareLock);
            break;
        }
        result.pages_freed += merge_batch(index, meta, groups, dir_blocks, b);
        unlock_fold(index, ShareLock);
    }
    if (result.pages_freed > 0)
        ixpg::publish_free_pages(index);
    MemoryContextSwitchTo(old);
    MemoryContextDelete(cxt);
    return result;
}

void lock_merge(Relation index) { LockPage(index, kMergeLockBlock, ExclusiveLock); }
void unlock_merge(Relation index) { UnlockPage(index, kMergeLockBlock, ExclusiveLock); }

}  // namespace ixbloom
