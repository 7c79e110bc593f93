// leaf_io.cpp — leaf pages: read and check (every leaf passes the page
// check and the codec's parse before a byte of it is used), decode into
// palloc'd entries, and code entries back into a page.
#include "ixlearn/ixlearn.hpp"
#include "pg/page_access.hpp"

#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixlearn {

void lock_leaf(Buffer buf, LeafLock lock) {
    switch (lock) {
        case LeafLock::Share: LockBuffer(buf, BUFFER_LOCK_SHARE); break;
        case LeafLock::Exclusive: LockBuffer(buf, BUFFER_LOCK_EXCLUSIVE); break;
        case LeafLock::Cleanup: LockBufferForCleanup(buf); break;
    }
}

bool leaf_unlinked(Relation index, BlockNumber blkno) {
    Buffer buf = ReadBuffer(index, blkno);
    LockBuffer(buf, BUFFER_LOCK_SHARE);
    const bool unlinked = ixpg::page_is(BufferGetPage(buf), kPages, kPageUnlinked);
    UnlockReleaseBuffer(buf);
    return unlinked;
}

BlockNumber live_successor(Relation index, BlockNumber blkno) {
    lc::LeafView* view = static_cast<lc::LeafView*>(palloc(sizeof(lc::LeafView)));
    BlockNumber landed;
    UnlockReleaseBuffer(read_leaf_right(index, blkno, LeafLock::Share, view, &landed));
    pfree(view);
    return landed;
}

void check_right_step_exact(Relation index, BlockNumber from, const lc::Bound& from_high, BlockNumber to,
                            const lc::LeafView& to_view) {
    if (!lc::same_bound(index_shape(index).leaf, to_view.low(), from_high))
        ixpg::report_index_damage(index, to, "leaf", "its low bound is not the high bound of leaf %u, which links to it",
                                  from);
}

namespace {

// Since the walker read `from` (then ending at a high bound above to_low),
// has its key range from to_low up moved to `to`?  Yes if `from` has been
// unlinked (`to` took over its range, its low bound dropping to from's
// low), or if `from` now ends at or before to_low (it split after it was
// read, and the split-off part was unlinked, `to` taking it over).  What
// `to` then holds below the old high bound was inserted after the walker
// read `from`, later than anything it can see.  A redirected link leaves
// `from` as it was, so it is still caught.  Call with no leaf locked
// (`from` is left of any the walker holds).
bool range_moved_right(Relation index, BlockNumber from, const lc::Bound& to_low) {
    Buffer buf = ReadBuffer(index, from);
    LockBuffer(buf, BUFFER_LOCK_SHARE);
    Page page = BufferGetPage(buf);
    bool moved = ixpg::page_is(page, kPages, kPageUnlinked);
    if (!moved && ixpg::page_is(page, kPages, kPageLeaf)) {
        lc::LeafView* view = static_cast<lc::LeafView*>(palloc(sizeof(lc::LeafView)));
        parse_leaf(index, from, page, view);
        moved = lc::compare_bounds(index_shape(index).leaf, view->high(), to_low) <= 0;
        pfree(view);
    }
    UnlockReleaseBuffer(buf);
    return moved;
}

}  // namespace

void check_right_step(Relation index, BlockNumber from, const lc::Bound& from_high, BlockNumber to,
                      const lc::LeafView& to_view) {
    const lc::LeafShape& ls = index_shape(index).leaf;
    if (lc::same_bound(ls, to_view.low(), from_high)) return;
    // The sound ways for them to differ: range_moved_right.
    if (lc::compare_bounds(ls, to_view.low(), from_high) < 0 && range_moved_right(index, from, to_view.low())) return;
    ixpg::report_index_damage(index, to, "leaf", "its low bound is not the high bound of leaf %u, which links to it",
                              from);
}

Buffer checked_right_step(Relation index, BlockNumber from, const lc::Bound& from_high, BlockNumber* to, Buffer to_buf,
                          LeafLock lock, lc::LeafView* to_view) {
    const lc::LeafShape& ls = index_shape(index).leaf;
    if (lc::same_bound(ls, to_view->low(), from_high)) return to_buf;
    if (lc::compare_bounds(ls, to_view->low(), from_high) < 0) {
        // As above (range_moved_right), asked with `to` released (`from` is
        // left of it); then `to` is read again, past any leaf unlinked
        // meanwhile.
        const lc::Bound to_low = to_view->low();
        UnlockReleaseBuffer(to_buf);
        if (!range_moved_right(index, from, to_low))
            ixpg::report_index_damage(index, *to, "leaf",
                                      "its low bound is not the high bound of leaf %u, which links to it", from);
        return read_leaf_right(index, *to, lock, to_view, to);
    }
    ixpg::report_index_damage(index, *to, "leaf", "its low bound is not the high bound of leaf %u, which links to it",
                              from);
}

Buffer read_leaf_right(Relation index, BlockNumber blkno, LeafLock lock, lc::LeafView* view, BlockNumber* landed,
                       BufferAccessStrategy strategy) {
    for (BlockNumber hops = 0;; ++hops) {
        if (!block_in_index(index, blkno))
            ixpg::report_index_damage(index, blkno, "leaf link", "block %u is not a leaf of the index", blkno);
        Buffer buf = ReadBufferExtended(index, MAIN_FORKNUM, blkno, RBM_NORMAL, strategy);
        lock_leaf(buf, lock);
        Page page = BufferGetPage(buf);
        ixpg::check_page_kind(index, blkno, page, kPages, kPageLeaf | kPageUnlinked);
        if (ixpg::page_kind(page) & kPageLeaf) {
            parse_leaf(index, blkno, page, view);
            *landed = blkno;
            return buf;
        }
        // Unlinked since the link to it was read: its key range is right of
        // it now.  (It cannot have been freed meanwhile: that waits for
        // every transaction older than the unlink.)
        const BlockNumber next = page_opaque(page)->next;
        UnlockReleaseBuffer(buf);
        if (next == InvalidBlockNumber || next == blkno ||
            (hops >= index_cache(index)->nblocks && hops >= RelationGetNumberOfBlocks(index)))
            ixpg::report_index_damage(index, blkno, "unlinked leaf", "%s",
                                      "its right link leads nowhere or around a loop");
        blkno = next;
    }
}

void parse_leaf(Relation index, BlockNumber blkno, Page page, lc::LeafView* view) {
    const lc::LeafFault fault = view->parse(reinterpret_cast<const uint8*>(ixpg::page_body(page)),
                                            ixpg::page_body_used(page), index_shape(index).leaf);
    if (fault != lc::LeafFault::None)
        ixpg::report_index_damage(index, blkno, "leaf", "%s", lc::describe(fault));
    // The ends of the chain: no left neighbour exactly when the low bound
    // is -infinity, no right one exactly when the high bound is +infinity.
    const IxlPageOpaque* op = page_opaque(page);
    if ((op->left == InvalidBlockNumber) != (view->low().kind == lc::BoundKind::MinusInf) ||
        (op->next == InvalidBlockNumber) != (view->high().kind == lc::BoundKind::PlusInf))
        ixpg::report_index_damage(index, blkno, "leaf", "%s",
                                  "its sibling links disagree with its bounds (an end of the chain without an infinite bound, or the reverse)");
    if (op->left == blkno || op->next == blkno)
        ixpg::report_index_damage(index, blkno, "leaf", "%s", "it links to itself");
}

namespace {

// Per-backend buffers, grown as needed and kept: a leaf's decoded entries
// and its coding are 100 kB and more, which palloc would get from malloc
// (and give back to the kernel) on every insert.
struct Scratch {
    uint64* words;
    std::size_t words_cap;  // in words
    uint8* include;
    std::size_t include_cap;
    uint8* code;  // a leaf coded before it is known to fit
    std::size_t code_cap;
    uint64* lane;
    std::size_t lane_cap;
};
Scratch scratch;

template <class T>
T* grow(T* p, std::size_t* cap, std::size_t need) {
    if (need <= *cap) return p;
    std::size_t n = *cap > 0 ? *cap : 1024;
    while (n < need) n *= 2;
    T* fresh = static_cast<T*>(MemoryContextAllocHuge(TopMemoryContext, sizeof(T) * n));
    if (p != nullptr) pfree(p);
    *cap = n;
    return fresh;
}

uint64 include_total(const lc::LeafShape& ls, const uint64* words, uint32 n) {
    if (!ls.has_include) return 0;
    uint64 total = 0;
    for (uint32 i = 0; i < n; ++i) total += words[static_cast<std::size_t>(i) * ls.stride() + ls.w_include_len()];
    return total;
}

}  // namespace

void decode_leaf(Relation index, BlockNumber blkno, const lc::LeafView& view, uint32 extra, LeafData* out) {
    const lc::LeafShape& ls = index_shape(index).leaf;
    scratch.words = grow(scratch.words, &scratch.words_cap, static_cast<std::size_t>(ls.stride()) * (view.total() + extra));
    scratch.include = grow(scratch.include, &scratch.include_cap, view.total_include_bytes() + 1);
    out->n = view.total();
    out->words = scratch.words;
    out->include = scratch.include;
    out->include_cap = static_cast<uint32>(scratch.include_cap);
    if (!view.decode(out->words, out->include))
        ixpg::report_index_damage(index, blkno, "leaf", "%s",
                                  "entries out of order, outside the leaf's bounds, or with out-of-range fields");
}

void decode_coded_leaf(Relation index, BlockNumber blkno, const lc::LeafView& view, LeafData* out) {
    const lc::LeafShape& ls = index_shape(index).leaf;
    scratch.words = grow(scratch.words, &scratch.words_cap, static_cast<std::size_t>(ls.stride()) * (view.size() + 1));
    scratch.include = grow(scratch.include, &scratch.include_cap, view.include_bytes() + 1);
    out->n = view.size();
    out->words = scratch.words;
    out->include = scratch.include;
    out->include_cap = static_cast<uint32>(scratch.include_cap);
    if (!view.decode_coded(out->words, out->include))
        ixpg::report_index_damage(index, blkno, "leaf", "%s",
                                  "entries out of order, outside the leaf's bounds, or with out-of-range fields");
}

uint8* grow_include(LeafData* d, std::size_t need) {
    if (need > d->include_cap) {
        uint8* old = scratch.include;
        std::size_t old_cap = scratch.include_cap;
        scratch.include = nullptr;
        scratch.include_cap = 0;
        scratch.include = grow(scratch.include, &scratch.include_cap, need);
        std::memcpy(scratch.include, old, old_cap);
        pfree(old);
        d->include = scratch.include;
        d->include_cap = static_cast<uint32>(scratch.include_cap);
    }
    return d->include;
}

std::size_t code_leaf(const Shape& shape, const uint64* words, uint32 n, const uint8* include, const lc::Bound& low,
                      const lc::Bound& high, const uint8** coded) {
    const lc::LeafShape& ls = shape.leaf;
    const std::size_t lanes = ls.stride() - 1;
    const std::size_t worst = sizeof(lc::LeafHeader) + 2 * lc::bound_bytes(ls) +
                              lanes * (lc::kLaneHeaderBytes + 8 * (static_cast<std::size_t>(n) + 1)) +
                              include_total(ls, words, n);
    scratch.code = grow(scratch.code, &scratch.code_cap, worst);
    scratch.lane = grow(scratch.lane, &scratch.lane_cap, static_cast<std::size_t>(n) + 1);
    *coded = scratch.code;
    return lc::leaf_encode(ls, words, n, include, low, high, scratch.lane, scratch.code);
}

std::size_t leaf_size(const Shape& shape, const uint64* words, uint32 n) {
    scratch.lane = grow(scratch.lane, &scratch.lane_cap, static_cast<std::size_t>(n) + 1);
    return lc::leaf_bytes(shape.leaf, words, n, scratch.lane);
}

bool encode_leaf(const Shape& shape, const uint64* words, uint32 n, const uint8* include, const lc::Bound& low,
                 const lc::Bound& high, Page page) {
    if (n > lc::kMaxLeafEntries) return false;
    const uint8* coded;
    const std::size_t bytes = code_leaf(shape, words, n, include, low, high, &coded);
    if (bytes > kLeafCapacity) return false;
    put_coded_leaf(page, coded, bytes);
    return true;
}

void put_coded_leaf(Page page, const uint8* coded, std::size_t bytes) {
    std::memcpy(ixpg::page_body(page), coded, bytes);
    ixpg::set_page_body_used(page, bytes);
}

}  // namespace ixlearn
