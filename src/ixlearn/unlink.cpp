// unlink.cpp — VACUUM takes empty leaves out of the chain and, once no
// reader can reach them, gives their pages to the free space map
// (docs/ixlearn-format.md, "Unlinking and freeing leaves").
//
// An empty leaf's key range goes to its right neighbour, whose low bound
// drops to the empty leaf's (nbtree gives a deleted page's range to its
// right sibling too): every reader moves right, so one that arrives at
// the unlinked page through a link or a model read before the unlink
// follows its kept right link to the leaf that holds that range now.  The
// page is freed only when no transaction that could have read such a link
// is left (the next transaction id at the unlink, as nbtree's safexid) and
// a model trained after the unlink is current; backends that cache an
// older model check where it lands them (land() in model.cpp).
#include "ixlearn/ixlearn.hpp"
#include "pg/generic_wal.hpp"
#include "pg/page_alloc.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/transam.h"
#include "commands/vacuum.h"
#include "storage/indexfsm.h"
#include "utils/snapmgr.h"
IXPG_END_C_HEADERS

#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixlearn {

namespace {

// Read and lock a page only if it is a leaf; InvalidBuffer otherwise.
Buffer lock_if_leaf(Relation index, BlockNumber blkno, BufferAccessStrategy strategy) {
    if (!block_in_index(index, blkno)) return InvalidBuffer;
    Buffer buf = ReadBufferExtended(index, MAIN_FORKNUM, blkno, RBM_NORMAL, strategy);
    LockBuffer(buf, BUFFER_LOCK_EXCLUSIVE);
    if (ixpg::page_is(BufferGetPage(buf), kPages, kPageLeaf)) return buf;
    UnlockReleaseBuffer(buf);
    return InvalidBuffer;
}

}  // namespace

bool unlink_leaf(Relation index, BlockNumber eblk, BufferAccessStrategy strategy) {
    const lc::LeafShape& ls = index_shape(index).leaf;
    // Its left neighbour first: locks go left to right, as a split's do.
    Buffer ebuf = lock_if_leaf(index, eblk, strategy);
    if (ebuf == InvalidBuffer) return false;
    const BlockNumber lblk = page_opaque(BufferGetPage(ebuf))->left;
    UnlockReleaseBuffer(ebuf);
    if (lblk == InvalidBlockNumber) return false;  // the leftmost leaf stays
    Buffer lbuf = lock_if_leaf(index, lblk, strategy);
    if (lbuf == InvalidBuffer) return false;
    if (page_opaque(BufferGetPage(lbuf))->next != eblk) {  // it split since
        UnlockReleaseBuffer(lbuf);
        return false;
    }
    ebuf = lock_if_leaf(index, eblk, strategy);
    lc::LeafView* view = static_cast<lc::LeafView*>(palloc(sizeof(lc::LeafView)));
    bool ok = ebuf != InvalidBuffer;
    if (ok) {
        parse_leaf(index, eblk, BufferGetPage(ebuf), view);
        // Still empty, still after L, and not the rightmost (which stays).
        ok = view->total() == 0 && page_opaque(BufferGetPage(ebuf))->left == lblk &&
             view->high().kind != lc::BoundKind::PlusInf;
    }
    if (!ok) {
        if (ebuf != InvalidBuffer) UnlockReleaseBuffer(ebuf);
        UnlockReleaseBuffer(lbuf);
        pfree(view);
        return false;
    }
    const lc::Bound e_low = view->low();
    const BlockNumber rblk = page_opaque(BufferGetPage(ebuf))->next;
    if (!block_in_index(index, rblk))
        ixpg::report_index_damage(index, eblk, "leaf", "its right link %u leads outside the index", rblk);
    Buffer rbuf = ReadBufferExtended(index, MAIN_FORKNUM, rblk, RBM_NORMAL, strategy);
    LockBuffer(rbuf, BUFFER_LOCK_EXCLUSIVE);
    ixpg::check_page_kind(index, rblk, BufferGetPage(rbuf), kPages, kPageLeaf);
    lc::LeafView* rview = static_cast<lc::LeafView*>(palloc(sizeof(lc::LeafView)));
    parse_leaf(index, rblk, BufferGetPage(rbuf), rview);
    // With all three locked, the links and bounds must agree.
    if (page_opaque(BufferGetPage(rbuf))->left != eblk || !lc::same_bound(ls, rview->low(), view->high()))
        ixpg::report_index_damage(index, rblk, "leaf", "its left link or low bound disagrees with leaf %u, which links to it",
                                  eblk);
    Buffer meta = ixpg::lock_metapage(index, kPages, kMetaSpec, BUFFER_LOCK_EXCLUSIVE);
    const UnlinkedLeaf u{U64FromFullTransactionId(ReadNextFullTransactionId()),
                         page_meta(BufferGetPage(meta))->model_version, 0};
    ixpg::log_change(index, {lbuf, ebuf, rbuf, meta}, {0, GENERIC_XLOG_FULL_IMAGE, 0, 0}, [&](Page* p) {
        page_opaque(p[0])->next = rblk;
        ixpg::init_page(p[1], kPages, kPageUnlinked);
        page_opaque(p[1])->left = lblk;
        page_opaque(p[1])->next = rblk;
        std::memcpy(ixpg::page_body(p[1]), &u, sizeof u);
        ixpg::set_page_body_used(p[1], sizeof u);
        page_opaque(p[2])->left = lblk;
        lc::set_low_bound(ls, reinterpret_cast<uint8*>(ixpg::page_body(p[2])), e_low);
        IxlMeta* m = page_meta(p[3]);
        m->unlinked_leaves += 1;
        m->splits_since_model += 1;
    });
    UnlockReleaseBuffer(meta);
    UnlockReleaseBuffer(rbuf);
    UnlockReleaseBuffer(ebuf);
    UnlockReleaseBuffer(lbuf);
    pfree(rview);
    pfree(view);
    return true;
}

void free_unlinked_leaves(Relation index, BufferAccessStrategy strategy, bool every_time, IndexBulkDeleteResult* stats) {
    const IxlMeta meta = read_meta(index);
    if (meta.unlinked_leaves == 0 && !every_time) return;
    uint32 waiting = 0, free = 0;
    const BlockNumber nblocks = RelationGetNumberOfBlocks(index);
    for (BlockNumber blkno = 1; blkno < nblocks; ++blkno) {
        vacuum_delay_point();
        Buffer buf = ReadBufferExtended(index, MAIN_FORKNUM, blkno, RBM_NORMAL, strategy);
        LockBuffer(buf, BUFFER_LOCK_SHARE);
        Page page = BufferGetPage(buf);
        const bool unlinked = ixpg::page_is(page, kPages, kPageUnlinked);
        const bool deleted = ixpg::page_is(page, kPages, kPageDeleted);
        UnlinkedLeaf u{};
        if (unlinked) {
            if (ixpg::page_body_used(page) != sizeof u) {
                UnlockReleaseBuffer(buf);
                ixpg::report_index_damage(index, blkno, "unlinked leaf", "its body holds %zu bytes, not %zu",
                                          ixpg::page_body_used(page), sizeof u);
            }
            std::memcpy(&u, ixpg::page_body(page), sizeof u);
        }
        UnlockReleaseBuffer(buf);
        if (deleted) {
            RecordFreeIndexPage(index, blkno);
            ++free;
        } else if (unlinked) {
            if (u.model_version < meta.model_version &&
                GlobalVisCheckRemovableFullXid(nullptr, FullTransactionIdFromU64(u.safe_xid))) {
                ixpg::free_page(index, kPages, blkno);
                ++free;
            } else {
                ++waiting;
            }
        }
    }
    ixpg::publish_free_pages(index);
    stats->pages_deleted = waiting + free;
    stats->pages_free = free;
    if (waiting != meta.unlinked_leaves) {
        Buffer mbuf = ixpg::lock_metapage(index, kPages, kMetaSpec, BUFFER_LOCK_EXCLUSIVE);
        ixpg::log_change(index, {mbuf}, 0, [&](Page* p) { page_meta(p[0])->unlinked_leaves = waiting; });
        UnlockReleaseBuffer(mbuf);
    }
}

}  // namespace ixlearn
