// fold.cpp — writing bit-sliced groups and folding the insert buffer into
// them, in the WAL order of docs/ixbloom-format.md: group pages first
// (unreachable until committed), then the metapage + directory record (the
// commit point), then the folded buffer pages are freed.
#include "ixbloom/ixbloom.hpp"
#include "pg/generic_wal.hpp"

IXPG_BEGIN_C_HEADERS
#include "storage/indexfsm.h"
#include "utils/memutils.h"
IXPG_END_C_HEADERS

#include <algorithm>
#include <cstring>

namespace ixbloom {

static_assert(sizeof(bl::Tid) == sizeof(ItemPointerData), "TID layout");

namespace {

// Fill page p (relative) of a group: slice s is copied from slices + s *
// stride (the dead slice, which is not there, is written as zeros), TID
// pages from the plans.
void fill_group_page(Page page, const bl::GroupGeometry& g, uint32 p, const uint8* slices, std::size_t stride,
                     const bl::Tid* tids, const bl::TidPagePlan* plans) {
    PageHeader ph = reinterpret_cast<PageHeader>(page);
    if (p < g.slice_pages()) {
        init_page(page, kPageSlice);
        const uint32 first = p * g.slices_per_page();
        uint32 count = g.slices_per_page();
        if (first + count > static_cast<uint32>(g.dead_slice()) + 1)
            count = static_cast<uint32>(g.dead_slice()) + 1 - first;
        for (uint32 i = 0; i < count; ++i) {
            char* dst = page_body(page) + static_cast<std::size_t>(i) * g.slice_bytes();
            if (first + i < static_cast<uint32>(g.sig_bits))
                std::memcpy(dst, slices + static_cast<std::size_t>(first + i) * stride, g.slice_bytes());
            else
                std::memset(dst, 0, g.slice_bytes());
        }
        ph->pd_lower = static_cast<LocationIndex>(MAXALIGN(SizeOfPageHeaderData) + count * g.slice_bytes());
    } else {
        init_page(page, kPageTid);
        const std::size_t used = bl::encode_tid_page(tids, plans, g.tid_pages, p - g.slice_pages(),
                                                     reinterpret_cast<uint8*>(page_body(page)), kPageBytes);
        if (used == 0)
            elog(ERROR, "ixbloom: TID page %u of a group of %u rows does not match its plan", p - g.slice_pages(),
                 g.nrows);
        ph->pd_lower = static_cast<LocationIndex>(MAXALIGN(SizeOfPageHeaderData) + used);
    }
}

}  // namespace

IxbGroup write_group_slices(Relation index, int sig_bits, const uint8* slices, std::size_t stride, const bl::Tid* tids,
                            uint32 nrows, bool use_wal) {
    bl::GroupGeometry g;
    g.capacity = bl::group_capacity_for(nrows, kPageBytes);
    g.nrows = nrows;
    g.sig_bits = sig_bits;
    g.page_bytes = kPageBytes;
    bl::TidPagePlan plans[bl::kMaxTidPages];
    g.tid_pages = bl::plan_tid_pages(tids, nrows, kPageBytes, plans);
    if (g.tid_pages == 0)
        elog(ERROR, "ixbloom: %u rows do not fit the TID pages of one group", nrows);

    const uint32 npages = g.total_pages();
    const BlockNumber first = extend_contiguous(index, npages);
    for (uint32 p = 0; p < npages; ++p) {
        CHECK_FOR_INTERRUPTS();
        Buffer buf = ReadBuffer(index, first + p);
        LockBuffer(buf, BUFFER_LOCK_EXCLUSIVE);
        if (use_wal) {
            ixpg::log_change(index, {buf}, GENERIC_XLOG_FULL_IMAGE,
                             [&](Page* pages) { fill_group_page(pages[0], g, p, slices, stride, tids, plans); });
        } else {
            fill_group_page(BufferGetPage(buf), g, p, slices, stride, tids, plans);
            MarkBufferDirty(buf);
        }
        UnlockReleaseBuffer(buf);
    }

    IxbGroup group;
    group.first = first;
    group.nrows = nrows;
    group.capacity = g.capacity;
    group.live = nrows;
    group.tid_pages = g.tid_pages;
    return group;
}

IxbGroup write_group(Relation index, const bl::SignatureShape& shape, const uint16* sigs, const bl::Tid* tids,
                     uint32 nrows, bool use_wal) {
    // Rows in TID order, so that heap neighbours become runs: a fold of
    // concurrent inserts may deliver them out of order.
    const std::size_t words = static_cast<std::size_t>(shape.words());
    bl::Tid* sorted_tids = nullptr;
    uint16* sorted_sigs = nullptr;
    if (!std::is_sorted(tids, tids + nrows)) {
        uint32* order = static_cast<uint32*>(palloc(sizeof(uint32) * nrows));
        for (uint32 r = 0; r < nrows; ++r)
            order[r] = r;
        std::sort(order, order + nrows, [&](uint32 a, uint32 b) { return tids[a] < tids[b]; });
        sorted_tids = static_cast<bl::Tid*>(palloc(sizeof(bl::Tid) * nrows));
        sorted_sigs = static_cast<uint16*>(palloc_extended(sizeof(uint16) * words * nrows, MCXT_ALLOC_HUGE));
        for (uint32 r = 0; r < nrows; ++r) {
            sorted_tids[r] = tids[order[r]];
            std::memcpy(sorted_sigs + r * words, sigs + order[r] * words, sizeof(uint16) * words);
        }
        pfree(order);
        tids = sorted_tids;
        sigs = sorted_sigs;
    }

    const std::size_t slice_bytes = bl::group_capacity_for(nrows, kPageBytes) / 8;
    uint8* slices = static_cast<uint8*>(palloc0(static_cast<std::size_t>(shape.bits) * slice_bytes));
    bl::add_rows_to_slices(sigs, shape.bits, 0, nrows, slices, slice_bytes);
    const IxbGroup group = write_group_slices(index, shape.bits, slices, slice_bytes, tids, nrows, use_wal);

    pfree(slices);
    if (sorted_tids != nullptr) {
        pfree(sorted_tids);
        pfree(sorted_sigs);
    }
    return group;
}

void open_tid_page(Relation index, BlockNumber blkno, Page page, const IxbGroup& group, uint32 i,
                   const bl::TidPageReader* page0, bl::TidPageReader* reader) {
    check_page_kind(index, blkno, page, kPageTid);
    const std::size_t used = reinterpret_cast<PageHeader>(page)->pd_lower - MAXALIGN(SizeOfPageHeaderData);
    if (!reader->open(reinterpret_cast<const uint8*>(page_body(page)), used, i, group.tid_pages, group.nrows, page0))
        ereport(ERROR,
                (errcode(ERRCODE_INDEX_CORRUPTED),
                 errmsg("index \"%s\" has a corrupted TID page at block %u", RelationGetRelationName(index), blkno),
                 errdetail("TID page %u of the group at block %u, which has %u rows in %u TID pages, does not decode.",
                           i, group.first, group.nrows, group.tid_pages),
                 errhint("REINDEX the index.")));
}

void commit_groups(Relation index, const IxbGroup* groups, uint32 n, BlockNumber new_buf_head, uint32 folded_pages) {
    Buffer meta_buf = ReadBuffer(index, kMetaBlock);
    LockBuffer(meta_buf, BUFFER_LOCK_EXCLUSIVE);
    check_page_kind(index, kMetaBlock, BufferGetPage(meta_buf), kPageMeta);
    const IxbMeta meta = *page_meta(BufferGetPage(meta_buf));

    // The directory tail, and a new directory page if it is full or missing.
    Buffer dir_buf = InvalidBuffer;
    Buffer new_dir = InvalidBuffer;
    if (n > 0) {
        if (meta.dir_tail != InvalidBlockNumber) {
            dir_buf = ReadBuffer(index, meta.dir_tail);
            LockBuffer(dir_buf, BUFFER_LOCK_EXCLUSIVE);
            check_page_kind(index, meta.dir_tail, BufferGetPage(dir_buf), kPageDirectory);
            if (PageGetExactFreeSpace(BufferGetPage(dir_buf)) < n * sizeof(IxbGroup))
                new_dir = new_page(index, true);
        } else {
            new_dir = new_page(index, true);
        }
    }

    auto apply = [&](Page meta_page, Page dir_page, Page new_dir_page) {
        IxbMeta* m = page_meta(meta_page);
        Page target = dir_page;
        if (new_dir_page != nullptr) {
            init_page(new_dir_page, kPageDirectory);
            const BlockNumber nb = BufferGetBlockNumber(new_dir);
            if (dir_page != nullptr)
                page_opaque(dir_page)->next = nb;
            else
                m->dir_head = nb;
            m->dir_tail = nb;
            target = new_dir_page;
        }
        for (uint32 i = 0; i < n; ++i) {
            PageHeader ph = reinterpret_cast<PageHeader>(target);
            std::memcpy(reinterpret_cast<char*>(target) + ph->pd_lower, &groups[i], sizeof(IxbGroup));
            ph->pd_lower = static_cast<LocationIndex>(ph->pd_lower + sizeof(IxbGroup));
            m->ngroups += 1;
            m->grouped_rows += groups[i].nrows;
        }
        m->folds += 1;  // every fold, even one that moved no rows (scans on a standby compare it)
        m->buf_head = new_buf_head;
        if (new_buf_head == InvalidBlockNumber)
            m->buf_tail = InvalidBlockNumber;
        m->buf_pages -= folded_pages;
    };

    if (n == 0)
        ixpg::log_change(index, {meta_buf}, 0, [&](Page* p) { apply(p[0], nullptr, nullptr); });
    else if (dir_buf == InvalidBuffer)
        ixpg::log_change(index, {meta_buf, new_dir}, {0, GENERIC_XLOG_FULL_IMAGE}, [&](Page* p) { apply(p[0], nullptr, p[1]); });
    else if (new_dir == InvalidBuffer)
        ixpg::log_change(index, {meta_buf, dir_buf}, 0, [&](Page* p) { apply(p[0], p[1], nullptr); });
    else
        ixpg::log_change(index, {meta_buf, dir_buf, new_dir}, {0, 0, GENERIC_XLOG_FULL_IMAGE}, [&](Page* p) { apply(p[0], p[1], p[2]); });

    if (new_dir != InvalidBuffer)
        UnlockReleaseBuffer(new_dir);
    if (dir_buf != InvalidBuffer)
        UnlockReleaseBuffer(dir_buf);
    UnlockReleaseBuffer(meta_buf);
}

namespace {

// Start a new, empty buffer tail so that every row now in the buffer sits on
// a page before the tail, where folding may take it.
void seal_buffer(Relation index) {
    Buffer meta_buf = ReadBuffer(index, kMetaBlock);
    LockBuffer(meta_buf, BUFFER_LOCK_EXCLUSIVE);
    const IxbMeta meta = *page_meta(BufferGetPage(meta_buf));
    if (meta.buf_tail == InvalidBlockNumber) {
        UnlockReleaseBuffer(meta_buf);
        return;
    }
    Buffer tail = ReadBuffer(index, meta.buf_tail);
    LockBuffer(tail, BUFFER_LOCK_EXCLUSIVE);
    check_page_kind(index, meta.buf_tail, BufferGetPage(tail), kPageBuffer);
    if (buffer_entries(BufferGetPage(tail), meta.sig_bits) == 0) {
        UnlockReleaseBuffer(tail);
        UnlockReleaseBuffer(meta_buf);
        return;
    }
    Buffer fresh = new_page(index, true);
    const BlockNumber fresh_blk = BufferGetBlockNumber(fresh);
    ixpg::log_change(index, {meta_buf, tail, fresh}, {0, 0, GENERIC_XLOG_FULL_IMAGE}, [&](Page* p) {
        init_page(p[2], kPageBuffer);
        page_opaque(p[1])->next = fresh_blk;
        page_meta(p[0])->buf_tail = fresh_blk;
        page_meta(p[0])->buf_pages += 1;
    });
    UnlockReleaseBuffer(fresh);
    UnlockReleaseBuffer(tail);
    UnlockReleaseBuffer(meta_buf);
}

// Mark a folded buffer page deleted and offer it for reuse.
void free_buffer_page(Relation index, BlockNumber blkno) {
    Buffer buf = ReadBuffer(index, blkno);
    LockBuffer(buf, BUFFER_LOCK_EXCLUSIVE);
    ixpg::log_change(index, {buf}, GENERIC_XLOG_FULL_IMAGE, [&](Page* p) { init_page(p[0], kPageDeleted); });
    UnlockReleaseBuffer(buf);
    RecordFreeIndexPage(index, blkno);
}

}  // namespace

void fold_buffer(Relation index, bool seal) {
    if (seal)
        seal_buffer(index);
    const IxbMeta meta = read_meta(index);
    bl::SignatureShape shape;
    shape.bits = meta.sig_bits;
    shape.ncols = meta.ncols;
    const int words = shape.words();
    const std::size_t ebytes = entry_bytes(shape.bits);
    const uint32 max_rows = bl::max_group_capacity(kPageBytes);

    MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "ixbloom fold", ALLOCSET_DEFAULT_SIZES);
    MemoryContext old = MemoryContextSwitchTo(cxt);
    uint16* sigs = static_cast<uint16*>(palloc_extended(sizeof(uint16) * words * static_cast<std::size_t>(max_rows), MCXT_ALLOC_HUGE));
    bl::Tid* tids = static_cast<bl::Tid*>(palloc(sizeof(bl::Tid) * max_rows));
    BlockNumber* pages = static_cast<BlockNumber*>(palloc(sizeof(BlockNumber) * (max_rows + 1)));
    uint32 rows = 0, npages = 0;
    bool freed = false;

    auto flush = [&](BlockNumber next_head) {
        IxbGroup group = {};
        const uint32 ngroups = rows > 0 ? 1 : 0;
        if (rows > 0)
            group = write_group(index, shape, sigs, tids, rows, true);
        commit_groups(index, &group, ngroups, next_head, npages);
        for (uint32 i = 0; i < npages; ++i)
            free_buffer_page(index, pages[i]);
        freed |= npages > 0;
        rows = 0;
        npages = 0;
    };

    // Only pages before the tail: inserts touch nothing but the tail.
    ChainWalk walk(index);
    BlockNumber visited = InvalidBlockNumber;
    for (BlockNumber blkno = meta.buf_head; blkno != InvalidBlockNumber && blkno != meta.buf_tail;) {
        CHECK_FOR_INTERRUPTS();
        if (blkno != visited)  // (a page re-read after a flush counts once)
            walk.visit(blkno);
        visited = blkno;
        Buffer buf = ReadBuffer(index, blkno);
        LockBuffer(buf, BUFFER_LOCK_SHARE);
        Page page = BufferGetPage(buf);
        check_page_kind(index, blkno, page, kPageBuffer);
        const int n = buffer_entries(page, shape.bits);
        const BlockNumber next = page_opaque(page)->next;
        if (rows + static_cast<uint32>(n) > max_rows || npages == max_rows) {
            UnlockReleaseBuffer(buf);
            flush(blkno);
            continue;  // re-read this page into the next group
        }
        const char* body = page_body(page);
        for (int i = 0; i < n; ++i) {
            const char* e = body + i * ebytes;
            std::memcpy(&tids[rows], e, sizeof(bl::Tid));
            std::memcpy(&sigs[static_cast<std::size_t>(rows) * words], e + sizeof(ItemPointerData), shape.bits / 8);
            ++rows;
        }
        pages[npages++] = blkno;
        UnlockReleaseBuffer(buf);
        blkno = next;
    }
    if (npages > 0)
        flush(meta.buf_tail);
    // Make the freed buffer pages findable: GetFreeIndexPage searches the
    // FSM from its upper levels, which RecordFreeIndexPage does not update.
    // Without this the buffer kept growing the index under steady inserts.
    if (freed)
        IndexFreeSpaceMapVacuum(index);

    MemoryContextSwitchTo(old);
    MemoryContextDelete(cxt);
}

}  // namespace ixbloom
