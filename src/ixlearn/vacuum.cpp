// vacuum.cpp — ambulkdelete and amvacuumcleanup.  Bulk delete walks the
// leaf chain left to right, takes each leaf's cleanup lock (so no scan
// that keeps a pin is still returning its entries), drops the entries
// VACUUM names and codes the leaf again, one WAL record per leaf that
// changed.  Walking the chain rather than the blocks makes concurrent
// splits harmless without nbtree's cycle id: a split moves entries only
// to a new page right of the leaf it splits, so entries that move after
// the walk left a leaf were in it when the walk read it, and a leaf that
// split before the walk reached it is followed by its new right half.
// Bulk delete then unlinks the leaves it left empty (unlink.cpp).  Cleanup
// retrains the model when leaves split or were unlinked since it was
// built, and frees the unlinked leaves no reader can reach any more.
#include "ixlearn/ixlearn.hpp"
#include "pg/generic_wal.hpp"

IXPG_BEGIN_C_HEADERS
#include "commands/vacuum.h"
IXPG_END_C_HEADERS

#include "pg/longjmp_safe.hpp"

namespace ixlearn {

namespace {

// Visit every leaf in chain order (under a cleanup lock for bulk delete):
// visit(blkno, buf, view) returns true to have the same leaf read again
// (it split it).  The right link is read after the visit, so the halves of
// a split are both visited.
template <class Visit>
void for_each_leaf(Relation index, BufferAccessStrategy strategy, bool cleanup, Visit&& visit) {
    const IxlMeta meta = read_meta(index);
    lc::LeafView* view = static_cast<lc::LeafView*>(palloc(sizeof(lc::LeafView)));
    BlockNumber blkno = meta.leftmost;
    BlockNumber steps = 0;
    uint32 agains = 0;  // visits again of the same leaf (each halves it)
    // Each step is checked (the first leaf starts at -infinity, each next
    // one where the last one ended): a damaged link or metapage must stop
    // VACUUM, not make it skip leaves whose dead entries would stay.
    lc::Bound* prev_high = static_cast<lc::Bound*>(palloc0(sizeof(lc::Bound)));
    prev_high->kind = lc::BoundKind::MinusInf;
    BlockNumber prev = InvalidBlockNumber;
    while (blkno != InvalidBlockNumber) {
        vacuum_delay_point();
        // (steps counts leaves, not the visits again of a leaf visit() split;
        // halving a leaf of at most kMaxLeafEntries entries ends soon.)
        const BlockNumber nblocks = RelationGetNumberOfBlocks(index);
        if (blkno == ixpg::kMetaBlock || blkno >= nblocks || steps > nblocks || agains > 32)
            ixpg::report_index_damage(index, blkno, "leaf chain",
                                      "a right link leads outside the index or around a loop (%u leaves walked of %u blocks)",
                                      steps, nblocks);
        Buffer buf = ReadBufferExtended(index, MAIN_FORKNUM, blkno, RBM_NORMAL, strategy);
        if (cleanup)
            LockBufferForCleanup(buf);
        else
            LockBuffer(buf, BUFFER_LOCK_SHARE);
        ixpg::check_page_kind(index, blkno, BufferGetPage(buf), kPages, kPageLeaf);
        parse_leaf(index, blkno, BufferGetPage(buf), view);
        check_right_step_exact(index, prev, *prev_high, blkno, *view);  // (this VACUUM unlinks after its walk)
        const bool again = visit(blkno, buf, *view);
        const BlockNumber next = page_opaque(BufferGetPage(buf))->next;
        if (!again) {
            // (Parsed again: a split in visit() lowered this leaf's high bound.)
            parse_leaf(index, blkno, BufferGetPage(buf), view);
            *prev_high = view->high();
            prev = blkno;
        }
        UnlockReleaseBuffer(buf);
        if (again) {
            ++agains;
        } else {
            blkno = next;
            ++steps;
            agains = 0;
        }
    }
    pfree(view);
}

IndexBulkDeleteResult* new_stats(IndexBulkDeleteResult* stats) {
    return stats != nullptr ? stats : static_cast<IndexBulkDeleteResult*>(palloc0(sizeof(IndexBulkDeleteResult)));
}

}  // namespace

IndexBulkDeleteResult* bulk_delete(IndexVacuumInfo* info, IndexBulkDeleteResult* stats,
                                   IndexBulkDeleteCallback callback, void* callback_state) {
    return ixpg::sql_entry([&] {
        Relation index = info->index;
        const Shape& s = index_shape(index);
        const lc::LeafShape& ls = s.leaf;
        stats = new_stats(stats);
        double kept_total = 0;
        // Leaves left empty, to unlink after the walk (which holds no lock
        // then: unlinking locks the left neighbour first).
        uint32 nempty = 0, empty_cap = 64;
        BlockNumber* empty = static_cast<BlockNumber*>(palloc(sizeof(BlockNumber) * empty_cap));
        auto note_empty = [&](BlockNumber blkno, const lc::LeafView& view) {
            if (view.low().kind == lc::BoundKind::MinusInf || view.high().kind == lc::BoundKind::PlusInf) return;
            if (nempty == empty_cap) {
                empty_cap *= 2;
                empty = static_cast<BlockNumber*>(repalloc_huge(empty, sizeof(BlockNumber) * empty_cap));
            }
            empty[nempty++] = blkno;
        };
        for_each_leaf(index, info->strategy, true, [&](BlockNumber blkno, Buffer buf, const lc::LeafView& view) {
            if (view.total() == 0) {
                note_empty(blkno, view);
                return false;
            }
            LeafData d;
            decode_leaf(index, blkno, view, 0, &d);
            uint32 kept = 0;
            for (uint32 i = 0; i < d.n; ++i) {
                uint64* e = d.words + static_cast<std::size_t>(i) * ls.stride();
                ItemPointerData tid;
                ItemPointerSet(&tid, static_cast<BlockNumber>(e[ls.w_block()]),
                               static_cast<OffsetNumber>(e[ls.w_offset()]));
                if (callback(&tid, callback_state)) continue;
                if (kept != i)
                    std::memmove(d.words + static_cast<std::size_t>(kept) * ls.stride(), e, sizeof(uint64) * ls.stride());
                ++kept;
            }
            if (kept < d.n || view.pending() > 0) {
                // The pending entries are coded in too; in the rare case the
                // leaf then needs more room, it splits as on insert (the new
                // right half holds entries already vacuumed here).
                const uint32 removed = d.n - kept;
                d.n = kept;
                if (!store_leaf(index, buf, view, d, UINT32_MAX)) {
                    // Halve it as it is (dead entries still in it) and come back.
                    split_as_is(index, buf, view);
                    return true;
                }
                stats->tuples_removed += removed;
                if (kept == 0) note_empty(blkno, view);
            }
            kept_total += kept;
            return false;
        });
        for (uint32 i = 0; i < nempty; ++i) {
            vacuum_delay_point();
            if (unlink_leaf(index, empty[i], info->strategy)) stats->pages_newly_deleted += 1;
        }
        pfree(empty);
        stats->num_index_tuples = kept_total;
        stats->num_pages = RelationGetNumberOfBlocks(index);
        return stats;
    });
}

IndexBulkDeleteResult* vacuum_cleanup(IndexVacuumInfo* info, IndexBulkDeleteResult* stats) {
    return ixpg::sql_entry([&]() -> IndexBulkDeleteResult* {
        if (info->analyze_only) return stats;
        Relation index = info->index;
        const bool bulk_deleted = stats != nullptr;
        if (stats == nullptr) {
            stats = new_stats(nullptr);
            double entries = 0;
            for_each_leaf(index, info->strategy, false,
                          [&](BlockNumber, Buffer, const lc::LeafView& view) {
                entries += view.total();
                return false;
            });
            stats->num_index_tuples = entries;
        }
        const IxlMeta meta = read_meta(index);
        if (meta.splits_since_model > 0) retrain(index);
        free_unlinked_leaves(index, info->strategy, bulk_deleted, stats);
        stats->num_pages = RelationGetNumberOfBlocks(index);
        stats->estimated_count = false;
        return stats;
    });
}

}  // namespace ixlearn
