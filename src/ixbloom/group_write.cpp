// group_write.cpp — writing one bit-sliced group on contiguous blocks (a
// run of free pages, or freshly extended ones): its slice pages (the signature bits, then the dead
// slice, all zeros) and its TID pages.  Unreachable until a descriptor
// names it (directory.cpp), so a crash midway leaves only orphan pages.
#include "ixbloom/ixbloom.hpp"
#include "pg/generic_wal.hpp"
#include "pg/page_alloc.hpp"

IXPG_BEGIN_C_HEADERS
#include "utils/memutils.h"
IXPG_END_C_HEADERS

#include <algorithm>
#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixbloom {

static_assert(sizeof(bl::Tid) == sizeof(ItemPointerData), "TID layout");

namespace {

// Fill page p (relative) of a group: slice s is copied from slices + s *
// stride (the dead slice, which is not there, is written as zeros), TID
// pages from the plans.
void fill_group_page(Page page, const bl::GroupGeometry& g, uint32 p, const uint8* slices, std::size_t stride,
                     const bl::Tid* tids, const bl::TidPagePlan* plans) {
    if (p < g.slice_pages()) {
        ixpg::init_page(page, kPages, kPageSlice);
        const uint32 first = p * g.slices_per_page();
        uint32 count = g.slices_per_page();
        if (first + count > static_cast<uint32>(g.dead_slice()) + 1)
            count = static_cast<uint32>(g.dead_slice()) + 1 - first;
        for (uint32 i = 0; i < count; ++i) {
            char* dst = ixpg::page_body(page) + static_cast<std::size_t>(i) * g.slice_bytes();
            if (first + i < static_cast<uint32>(g.sig_bits))
                std::memcpy(dst, slices + static_cast<std::size_t>(first + i) * stride, g.slice_bytes());
            else
                std::memset(dst, 0, g.slice_bytes());
        }
        ixpg::set_page_body_used(page, count * g.slice_bytes());
    } else {
        ixpg::init_page(page, kPages, kPageTid);
        const std::size_t used = bl::encode_tid_page(tids, plans, g.tid_pages, p - g.slice_pages(),
                                                     reinterpret_cast<uint8*>(ixpg::page_body(page)), kPageBytes);
        if (used == 0)
            elog(ERROR, "ixbloom: TID page %u of a group of %u rows does not match its plan", p - g.slice_pages(),
                 g.nrows);
        ixpg::set_page_body_used(page, used);
    }
}

// Write the group's pages at first .. first + total_pages - 1.  On a
// claimed run, each page must still be free when locked; returns how many
// pages were written before one was not (all of them otherwise).
uint32 write_group_pages(Relation index, BlockNumber first, bool claimed, const bl::GroupGeometry& g,
                         const uint8* slices, std::size_t stride, const bl::Tid* tids, const bl::TidPagePlan* plans,
                         bool use_wal) {
    const uint32 npages = g.total_pages();
    for (uint32 p = 0; p < npages; ++p) {
        CHECK_FOR_INTERRUPTS();
        Buffer buf = ReadBuffer(index, first + p);
        LockBuffer(buf, BUFFER_LOCK_EXCLUSIVE);
        if (claimed && !ixpg::page_is_reusable(BufferGetPage(buf), kPages)) {
            UnlockReleaseBuffer(buf);
            return p;
        }
        if (use_wal) {
            ixpg::log_change(index, {buf}, GENERIC_XLOG_FULL_IMAGE,
                             [&](Page* pages) { fill_group_page(pages[0], g, p, slices, stride, tids, plans); });
        } else {
            fill_group_page(BufferGetPage(buf), g, p, slices, stride, tids, plans);
            MarkBufferDirty(buf);
        }
        UnlockReleaseBuffer(buf);
    }
    return npages;
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

    // A group's blocks are contiguous: a run of free pages if the FSM has
    // one (only where WAL is written: CREATE INDEX fills a new relation),
    // else new blocks.
    const uint32 npages = g.total_pages();
    BlockNumber first = use_wal ? ixpg::claim_free_run(index, npages) : InvalidBlockNumber;
    if (first != InvalidBlockNumber) {
        const uint32 written = write_group_pages(index, first, true, g, slices, stride, tids, plans, true);
        if (written < npages) {
            // An insert took page `written` first: undo, and extend instead.
            ixpg::give_back_run(index, first + written + 1, npages - written - 1);
            for (uint32 p = 0; p < written; ++p)
                ixpg::free_page(index, kPages, first + p);
            first = InvalidBlockNumber;
        }
    }
    if (first == InvalidBlockNumber) {
        first = ixpg::extend_contiguous(index, npages);
        write_group_pages(index, first, false, g, slices, stride, tids, plans, use_wal);
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

}  // namespace ixbloom
