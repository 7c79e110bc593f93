// directory.cpp — the group directory: a chain of pages of 20-byte group
// descriptors, read whole by every scan; appended to by a fold's commit
// record (with the metapage); live counts rewritten by VACUUM.
#include "ixbloom/ixbloom.hpp"
#include "pg/chain_walk.hpp"
#include "pg/generic_wal.hpp"
#include "pg/page_alloc.hpp"

#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixbloom {

namespace {

// Descriptors on a directory page: ERROR if pd_lower does not end on one.
uint32 descriptors_on(Relation index, BlockNumber blkno, Page page) {
    const std::size_t used = ixpg::page_body_used(page);
    if (used % sizeof(IxbGroup) != 0)
        ixpg::report_index_damage(index, blkno, "directory page", "Its %zu bytes are not whole group descriptors.",
                                  used);
    return static_cast<uint32>(used / sizeof(IxbGroup));
}

}  // namespace

IxbGroup* read_groups(Relation index, const IxbMeta& meta, uint32* ngroups, Snapshot snapshot,
                      BlockNumber** dir_blocks, bool* consistent) {
    const BlockNumber nblocks = meta.ngroups > 0 ? RelationGetNumberOfBlocks(index) : 0;
    // Every group takes at least two blocks (a slice page and a TID page).
    if (meta.ngroups > nblocks)
        ixpg::report_index_damage(index, ixpg::kMetaBlock, "metapage", "It counts %u groups in an index of %u blocks.",
                                  meta.ngroups, nblocks);
    const std::size_t room = static_cast<std::size_t>(meta.ngroups) + 1;
    IxbGroup* groups = static_cast<IxbGroup*>(palloc(sizeof(IxbGroup) * room));
    BlockNumber* on = dir_blocks != nullptr ? static_cast<BlockNumber*>(palloc(sizeof(BlockNumber) * room)) : nullptr;
    if (consistent != nullptr)
        *consistent = true;
    uint32 n = 0;
    ixpg::ChainWalk walk(index, kPages, kPageDirectory, meta.ngroups > 0 ? meta.dir_head : InvalidBlockNumber);
    for (; !walk.done() && n < meta.ngroups; walk.advance()) {
        const BlockNumber blkno = walk.current();
        Buffer buf = walk.read(BUFFER_LOCK_SHARE);
        Page page = BufferGetPage(buf);
        TestForOldSnapshot(snapshot, index, page);
        const uint32 count = descriptors_on(index, blkno, page);
        const IxbGroup* on_page = reinterpret_cast<const IxbGroup*>(ixpg::page_body(page));
        for (uint32 i = 0; i < count && n < meta.ngroups; ++i) {
            // Everything a scan computes from a descriptor must stay inside
            // the index and inside its buffers.
            if (!bl::descriptor_is_valid(on_page[i], meta.sig_bits, nblocks, kPageBytes)) {
                if (consistent != nullptr) {
                    *consistent = false;
                    continue;
                }
                ixpg::report_index_damage(
                    index, blkno, "group descriptor",
                    "Descriptor %u (first block %u, %u of %u rows, %u live, %u TID pages) does not fit the index of "
                    "%u blocks.",
                    i, on_page[i].first, on_page[i].nrows, on_page[i].capacity, on_page[i].live, on_page[i].tid_pages,
                    nblocks);
            }
            if (on != nullptr)
                on[n] = blkno;
            groups[n++] = on_page[i];
        }
        UnlockReleaseBuffer(buf);
    }
    if (n != meta.ngroups) {
        if (consistent == nullptr)
            ixpg::report_index_damage(index, ixpg::kMetaBlock, "metapage",
                                      "It counts %u groups; the directory holds %u.", meta.ngroups, n);
        *consistent = false;
    }
    *ngroups = n;
    if (dir_blocks != nullptr)
        *dir_blocks = on;
    return groups;
}

void commit_groups(Relation index, const IxbGroup* groups, uint32 n, BlockNumber new_buf_head, uint32 folded_pages) {
    Buffer meta_buf = ixpg::lock_metapage(index, kPages, kMetaSpec, BUFFER_LOCK_EXCLUSIVE);
    const IxbMeta meta = *page_meta(BufferGetPage(meta_buf));
    const bool totals = meta_has_totals(BufferGetPage(meta_buf));
    if (meta.buf_pages < folded_pages)
        ixpg::report_index_damage(index, ixpg::kMetaBlock, "metapage",
                                  "It counts %u insert-buffer pages; a fold just took %u.", meta.buf_pages, folded_pages);

    // The directory tail, and a new directory page if it is full or missing.
    Buffer dir_buf = InvalidBuffer;
    Buffer new_dir = InvalidBuffer;
    if (n > 0) {
        if (meta.dir_tail != InvalidBlockNumber) {
            dir_buf = lock_chain_tail(index, meta.dir_tail, ixpg::kMetaBlock, kPageDirectory, "directory tail");
            if (ixpg::page_body_used(BufferGetPage(dir_buf)) + n * sizeof(IxbGroup) > kPageBytes)
                new_dir = ixpg::new_page(index, kPages);
        } else {
            new_dir = ixpg::new_page(index, kPages);
        }
    }

    auto apply = [&](Page meta_page, Page dir_page, Page new_dir_page) {
        IxbMeta* m = page_meta(meta_page);
        Page target = dir_page;
        if (new_dir_page != nullptr) {
            ixpg::init_page(new_dir_page, kPages, kPageDirectory);
            const BlockNumber nb = BufferGetBlockNumber(new_dir);
            if (dir_page != nullptr)
                page_opaque(dir_page)->next = nb;
            else
                m->dir_head = nb;
            m->dir_tail = nb;
            target = new_dir_page;
        }
        for (uint32 i = 0; i < n; ++i) {
            const std::size_t used = ixpg::page_body_used(target);
            std::memcpy(ixpg::page_body(target) + used, &groups[i], sizeof(IxbGroup));
            ixpg::set_page_body_used(target, used + sizeof(IxbGroup));
            m->ngroups += 1;
            m->grouped_rows += groups[i].nrows;
            if (totals)
                bl::count_group(m->totals, groups[i], m->sig_bits, kPageBytes, +1);
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
        ixpg::log_change(index, {meta_buf, new_dir}, {0, GENERIC_XLOG_FULL_IMAGE},
                         [&](Page* p) { apply(p[0], nullptr, p[1]); });
    else if (new_dir == InvalidBuffer)
        ixpg::log_change(index, {meta_buf, dir_buf}, 0, [&](Page* p) { apply(p[0], p[1], nullptr); });
    else
        ixpg::log_change(index, {meta_buf, dir_buf, new_dir}, {0, 0, GENERIC_XLOG_FULL_IMAGE},
                         [&](Page* p) { apply(p[0], p[1], p[2]); });

    if (new_dir != InvalidBuffer)
        UnlockReleaseBuffer(new_dir);
    if (dir_buf != InvalidBuffer)
        UnlockReleaseBuffer(dir_buf);
    UnlockReleaseBuffer(meta_buf);
}

void replace_groups(Relation index, const IxbGroup* old, uint32 k, const BlockNumber* dir_blocks,
                    const IxbGroup* merged) {
    Buffer bufs[MAX_GENERIC_XLOG_PAGES];
    int nbufs = 0;
    bufs[nbufs++] = ixpg::lock_metapage(index, kPages, kMetaSpec, BUFFER_LOCK_EXCLUSIVE);
    const bool totals = meta_has_totals(BufferGetPage(bufs[0]));
    // Each old descriptor's page (index into bufs) and slot, found before
    // anything changes.
    int page_of[kMaxMergeGroups];
    uint32 slot_of[kMaxMergeGroups];
    if (k == 0 || k > kMaxMergeGroups)
        elog(ERROR, "ixbloom: a merge of %u groups", k);
    for (uint32 j = 0; j < k; ++j) {
        if (BufferGetBlockNumber(bufs[nbufs - 1]) != dir_blocks[j]) {
            if (nbufs == MAX_GENERIC_XLOG_PAGES)
                elog(ERROR, "ixbloom: a merge's descriptors lie on more than %d directory pages",
                     MAX_GENERIC_XLOG_PAGES - 1);
            check_link(index, dir_blocks[j], ixpg::kMetaBlock, "directory page", true);
            Buffer buf = ReadBuffer(index, dir_blocks[j]);
            LockBuffer(buf, BUFFER_LOCK_EXCLUSIVE);
            ixpg::check_page_kind(index, dir_blocks[j], BufferGetPage(buf), kPages, kPageDirectory);
            bufs[nbufs++] = buf;
        }
        Page page = BufferGetPage(bufs[nbufs - 1]);
        const uint32 count = descriptors_on(index, dir_blocks[j], page);
        const IxbGroup* on_page = reinterpret_cast<const IxbGroup*>(ixpg::page_body(page));
        uint32 slot = 0;
        while (slot < count && std::memcmp(&on_page[slot], &old[j], sizeof(IxbGroup)) != 0)
            ++slot;
        if (slot == count)
            elog(ERROR, "ixbloom: the group at block %u changed during its merge", old[j].first);
        page_of[j] = nbufs - 1;
        slot_of[j] = slot;
    }

    ixpg::log_change(index, bufs, nbufs, 0, [&](Page* p) {
        grow_meta_body(p[0]);
        IxbMeta* m = page_meta(p[0]);
        m->format_version = kFormatVersion;  // a format 2 index is format 3 from its first merge
        m->merges += 1;
        for (uint32 j = 0; j < k; ++j) {
            m->grouped_rows -= old[j].nrows;
            if (totals)
                bl::count_group(m->totals, old[j], m->sig_bits, kPageBytes, -1);
        }
        m->ngroups -= k;
        if (merged != nullptr) {
            m->ngroups += 1;
            m->grouped_rows += merged->nrows;
            if (totals)
                bl::count_group(m->totals, *merged, m->sig_bits, kPageBytes, +1);
            std::memcpy(ixpg::page_body(p[page_of[0]]) + slot_of[0] * sizeof(IxbGroup), merged, sizeof(IxbGroup));
        }
        // Remove the others (and old[0] without a merged group), from the
        // last: a removal moves only the descriptors after it up.
        for (uint32 j = k; j-- > (merged != nullptr ? 1u : 0u);) {
            Page page = p[page_of[j]];
            const std::size_t used = ixpg::page_body_used(page);
            char* at = ixpg::page_body(page) + slot_of[j] * sizeof(IxbGroup);
            std::memmove(at, at + sizeof(IxbGroup), used - (slot_of[j] + 1) * sizeof(IxbGroup));
            ixpg::set_page_body_used(page, used - sizeof(IxbGroup));
        }
    });
    for (int i = nbufs; i-- > 0;)
        UnlockReleaseBuffer(bufs[i]);
}

void update_live_counts(Relation index, const IxbMeta& meta, const uint32* live, uint32 ngroups) {
    uint32 n = 0;
    ixpg::ChainWalk walk(index, kPages, kPageDirectory, ngroups > 0 ? meta.dir_head : InvalidBlockNumber);
    for (; !walk.done() && n < ngroups; walk.advance()) {
        // The metapage first (the order every writer takes), for its total.
        Buffer meta_buf = ixpg::lock_metapage(index, kPages, kMetaSpec, BUFFER_LOCK_EXCLUSIVE);
        const BlockNumber blkno = walk.current();
        Buffer buf = walk.read(BUFFER_LOCK_EXCLUSIVE);
        Page page = BufferGetPage(buf);
        const uint32 count = descriptors_on(index, blkno, page);
        const IxbGroup* on_page = reinterpret_cast<const IxbGroup*>(ixpg::page_body(page));
        bool changed = false;
        for (uint32 i = 0; i < count && n + i < ngroups; ++i)
            changed |= on_page[i].live != live[n + i];
        if (changed) {
            const bool totals = meta_has_totals(BufferGetPage(meta_buf));
            ixpg::log_change(index, {meta_buf, buf}, 0, [&](Page* p) {
                IxbMeta* m = page_meta(p[0]);
                IxbGroup* g = reinterpret_cast<IxbGroup*>(ixpg::page_body(p[1]));
                for (uint32 i = 0; i < count && n + i < ngroups; ++i) {
                    if (totals)
                        bl::count_group(m->totals, g[i], m->sig_bits, kPageBytes, -1);
                    g[i].live = live[n + i];
                    if (totals)
                        bl::count_group(m->totals, g[i], m->sig_bits, kPageBytes, +1);
                }
            });
        }
        n += count;
        UnlockReleaseBuffer(buf);
        UnlockReleaseBuffer(meta_buf);
    }
}

bl::GroupTotals group_totals(const IxbGroup* groups, uint32 n, int sig_bits) {
    bl::GroupTotals t;
    std::memset(&t, 0, sizeof t);
    for (uint32 i = 0; i < n; ++i)
        bl::count_group(t, groups[i], sig_bits, kPageBytes, +1);
    return t;
}

void store_totals(Relation index, const bl::GroupTotals& totals) {
    Buffer meta_buf = ixpg::lock_metapage(index, kPages, kMetaSpec, BUFFER_LOCK_EXCLUSIVE);
    Page page = BufferGetPage(meta_buf);
    const bool same = meta_has_totals(page) && std::memcmp(&page_meta(page)->totals, &totals, sizeof totals) == 0;
    if (!same) {
        ixpg::log_change(index, {meta_buf}, 0, [&](Page* p) {
            // A metapage of ixbloom 1.0 grows to the full layout; the options
            // it was built with stay unrecorded.
            grow_meta_body(p[0]);
            IxbMeta* w = page_meta(p[0]);
            w->recorded |= kRecordedTotals;
            w->totals = totals;
        });
    }
    UnlockReleaseBuffer(meta_buf);
}

}  // namespace ixbloom
