// insert.cpp — aminsert: route the entry through the model to a leaf (or
// start at the rightmost leaf this backend inserted into last, for keys
// in order), move right while it is at or above the leaf's high bound (a split since
// the model was built), and append the entry to the leaf's pending area.  When
// that is full, entries above the coded ones (keys in order) are appended to
// the coded lanes as they are coded; others code the leaf again.
// A leaf that cannot hold it splits: the upper part moves to a new page on
// its right (Lehman–Yao), in one WAL record with the right neighbour's
// left link and the metapage's split count.  The model is not touched.
#include "ixlearn/ixlearn.hpp"
#include "pg/generic_wal.hpp"
#include "pg/page_alloc.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/xlog.h"
#include "storage/lmgr.h"
IXPG_END_C_HEADERS

#include <cstring>
#include <utility>

#include "pg/longjmp_safe.hpp"

namespace ixlearn {

namespace {

// Keys inserted in order reach the rightmost leaf's last few entries at
// most this far from its end (a serial's key that arrives late): appends
// take such a tail off and code it again, and a split there keeps the
// leaf full.
constexpr uint32 kTailEntries = 64;

// The position in the decoded leaf where `key` goes.
uint32 insert_position(const lc::LeafShape& ls, const LeafData& d, const uint64* key) {
    uint32 lo = 0, hi = d.n;
    while (lo < hi) {
        const uint32 mid = lo + (hi - lo) / 2;
        if (lc::compare_words(d.words + static_cast<std::size_t>(mid) * ls.stride(), key, ls.key_words()) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

bool fits(const Shape& s, const uint64* words, uint32 n) {
    return n <= lc::kMaxLeafEntries && leaf_size(s, words, n) <= kLeafCapacity;
}

// The page work of a split, in one WAL record: a new page right of the
// locked leaf, linked between it and its right neighbour, the metapage's
// split count; fill(left, right) writes both halves' contents.
template <class Fill>
void link_split(Relation index, Buffer lbuf, Fill&& fill) {
    const BlockNumber lblk = BufferGetBlockNumber(lbuf);
    const BlockNumber rblk = page_opaque(BufferGetPage(lbuf))->next;
    Buffer nbuf = ixpg::new_page(index, kPages);
    const BlockNumber nblk = BufferGetBlockNumber(nbuf);
    Buffer rbuf = InvalidBuffer;
    if (rblk != InvalidBlockNumber) {
        if (!block_in_index(index, rblk))
            ixpg::report_index_damage(index, lblk, "leaf", "its right link %u leads outside the index", rblk);
        rbuf = ReadBuffer(index, rblk);
        LockBuffer(rbuf, BUFFER_LOCK_EXCLUSIVE);
        ixpg::check_page_kind(index, rblk, BufferGetPage(rbuf), kPages, kPageLeaf);
        if (page_opaque(BufferGetPage(rbuf))->left != lblk)
            ixpg::report_index_damage(index, rblk, "leaf", "its left link is %u, not %u",
                                      page_opaque(BufferGetPage(rbuf))->left, lblk);
    }
    Buffer meta = ixpg::lock_metapage(index, kPages, kMetaSpec, BUFFER_LOCK_EXCLUSIVE);
    auto pages = [&](Page left, Page right) {
        ixpg::init_page(right, kPages, kPageLeaf);
        page_opaque(right)->left = lblk;
        page_opaque(right)->next = rblk;
        fill(left, right);
        page_opaque(left)->next = nblk;
    };
    if (rbuf != InvalidBuffer) {
        ixpg::log_change(index, {lbuf, nbuf, rbuf, meta}, {0, GENERIC_XLOG_FULL_IMAGE, 0, 0}, [&](Page* p) {
            pages(p[0], p[1]);
            page_opaque(p[2])->left = nblk;
            page_meta(p[3])->splits_since_model += 1;
        });
        UnlockReleaseBuffer(rbuf);
    } else {
        ixpg::log_change(index, {lbuf, nbuf, meta}, {0, GENERIC_XLOG_FULL_IMAGE, 0}, [&](Page* p) {
            pages(p[0], p[1]);
            page_meta(p[2])->splits_since_model += 1;
        });
    }
    UnlockReleaseBuffer(meta);
    UnlockReleaseBuffer(nbuf);
}

// Split the n entries between the leaf and a new page on its right; false
// if no split point leaves both halves small enough.
bool split(Relation index, const Shape& s, Buffer lbuf, const lc::LeafView& view, const LeafData& d, uint32 at) {
    const lc::LeafShape& ls = s.leaf;
    const uint32 n = d.n;
    const uint64* words = d.words;
    uint32 m = 0;
    // Inserting at or near the right end of the rightmost leaf (keys in
    // order, a few late): keep the leaf as full as it goes and start a new
    // one with the last entries, rather than leave two half-full leaves
    // that later keys never fill.
    if (view.high().kind == lc::BoundKind::PlusInf && n > 1 && at + kTailEntries >= n) {
        for (uint32 c = n - 1; c >= 1 && c + kTailEntries >= n && m == 0; --c)
            if (fits(s, words, c) && fits(s, words + static_cast<std::size_t>(c) * ls.stride(), n - c)) m = c;
    }
    if (m == 0) {
        // The split nearest the middle where both halves fit (they may not
        // at the middle: INCLUDE values of very different sizes, or keys
        // whose range widens a column's coding).
        for (uint32 delta = 0; delta < n && m == 0; ++delta) {
            for (int sign = 0; sign < 2 && m == 0; ++sign) {
                const int64 cand = static_cast<int64>(n / 2) + (sign == 0 ? static_cast<int64>(delta) : -static_cast<int64>(delta));
                if (cand < 1 || cand >= static_cast<int64>(n)) continue;
                const uint32 c = static_cast<uint32>(cand);
                if (fits(s, words, c) && fits(s, words + static_cast<std::size_t>(c) * ls.stride(), n - c)) m = c;
            }
            // Far from the middle the halves only get more lopsided: give up
            // after a page's worth of candidates.
            if (delta > 64 && m == 0) break;
        }
        if (m == 0) return false;
    }
    const lc::Bound sep = lc::bound_between(ls, words + static_cast<std::size_t>(m - 1) * ls.stride(),
                                            words + static_cast<std::size_t>(m) * ls.stride());
    const lc::Bound low = view.low();
    const lc::Bound high = view.high();
    link_split(index, lbuf, [&](Page left, Page right) {
        if (!encode_leaf(s, words, m, d.include, low, sep, left) ||
            !encode_leaf(s, words + static_cast<std::size_t>(m) * ls.stride(), n - m, d.include, sep, high, right))
            elog(ERROR, "ixlearn: a half of a split of index \"%s\" does not fit", RelationGetRelationName(index));
    });
    return true;
}

}  // namespace

bool store_leaf(Relation index, Buffer buf, const lc::LeafView& view, const LeafData& d, uint32 at) {
    const Shape& s = index_shape(index);
    const uint8* coded;
    const std::size_t bytes = d.n <= lc::kMaxLeafEntries
                                  ? code_leaf(s, d.words, d.n, d.include, view.low(), view.high(), &coded)
                                  : kLeafCapacity + 1;
    if (bytes <= kLeafCapacity) {
        ixpg::log_change(index, {buf}, 0, [&](Page* p) { put_coded_leaf(p[0], coded, bytes); });
        return true;
    }
    return split(index, s, buf, view, d, at);
}

void split_as_is(Relation index, Buffer buf, const lc::LeafView& view) {
    const Shape& s = index_shape(index);
    const lc::LeafShape& ls = s.leaf;
    const uint32 stride = ls.stride();
    const BlockNumber blkno = BufferGetBlockNumber(buf);
    // The separator: between the middle two of all entries.
    LeafData all;
    decode_leaf(index, blkno, view, 0, &all);
    if (all.n < 2)
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("an entry of index \"%s\" does not fit in a leaf", RelationGetRelationName(index)),
                        errhint("INCLUDE columns of an ixlearn entry are limited to about %zu bytes.", kLeafCapacity / 2)));
    const uint32 mid = all.n / 2;
    const lc::Bound sep = lc::bound_between(ls, all.words + static_cast<std::size_t>(mid - 1) * stride,
                                            all.words + static_cast<std::size_t>(mid) * stride);
    // The coded entries below the separator stay, the rest move; so do the pending ones.
    LeafData coded;
    decode_coded_leaf(index, blkno, view, &coded);
    uint32 a = 0;
    while (a < coded.n && lc::compare_to_bound(ls, coded.words + static_cast<std::size_t>(a) * stride, sep) < 0) ++a;
    uint64 pend[3 * lc::kMaxKeyColumns + 5];
    std::size_t left_pending = 0, right_pending = 0;
    for (uint32 k = 0; k < view.pending(); ++k) {
        view.pending_entry(k, pend);
        const std::size_t bytes = lc::pending_entry_bytes(ls, static_cast<uint32>(pend[ls.w_include_len()]));
        (lc::compare_to_bound(ls, pend, sep) < 0 ? left_pending : right_pending) += bytes;
    }
    if (leaf_size(s, coded.words, a) + left_pending > kLeafCapacity ||
        leaf_size(s, coded.words + static_cast<std::size_t>(a) * stride, coded.n - a) + right_pending > kLeafCapacity)
        ixpg::report_index_damage(index, blkno, "leaf", "%s", "neither half of the leaf fits in a page");
    const lc::Bound low = view.low();
    const lc::Bound high = view.high();
    // Code one half, then append its pending entries as they are.
    auto half = [&](Page page, const uint64* words, uint32 n, const lc::Bound& lo, const lc::Bound& hi, bool left) {
        if (!encode_leaf(s, words, n, coded.include, lo, hi, page))
            elog(ERROR, "ixlearn: a half of a split of index \"%s\" does not fit", RelationGetRelationName(index));
        uint8* body = reinterpret_cast<uint8*>(ixpg::page_body(page));
        std::size_t used = ixpg::page_body_used(page);
        uint16 count = 0;
        for (uint32 k = 0; k < view.pending(); ++k) {
            view.pending_entry(k, pend);
            if ((lc::compare_to_bound(ls, pend, sep) < 0) != left) continue;
            const uint32 len = static_cast<uint32>(pend[ls.w_include_len()]);
            lc::write_pending(ls, pend, view.pending_include(k), body + used);
            used += lc::pending_entry_bytes(ls, len);
            ++count;
        }
        lc::set_pending_count(body, count);
        ixpg::set_page_body_used(page, used);
    };
    link_split(index, buf, [&](Page left, Page right) {
        half(left, coded.words, a, low, sep, true);
        half(right, coded.words + static_cast<std::size_t>(a) * stride, coded.n - a, sep, high, false);
    });
}

namespace {

// aminsert runs in the executor's per-query context, which lives until the
// statement ends: an insert's own allocations go in this context, reset
// by the next insert (an INSERT of a million rows must not keep a
// million leaf views).
MemoryContext insert_context() {
    static MemoryContext cxt = nullptr;
    if (cxt == nullptr)
        cxt = AllocSetContextCreate(TopMemoryContext, "ixlearn insert", ALLOCSET_DEFAULT_SIZES);
    MemoryContextReset(cxt);
    return cxt;
}


// The leaf of the rightmost hint, locked, if it is still a leaf whose low
// bound is at or below the key (the walk right from it then finds the
// key's leaf, as from the model's); InvalidBuffer otherwise.  The hint is
// only a guess: the page may have split, been unlinked, freed or reused
// since, and it is believed only as far as its bounds say.
Buffer try_rightmost_hint(Relation index, IndexCache* cache, const uint64* key, lc::LeafView* view,
                          BlockNumber* landed) {
    const BlockNumber blk = cache->rightmost_hint;
    cache->rightmost_hint = 0;  // set again by an insert into the rightmost leaf
    if (!block_in_index(index, blk)) return InvalidBuffer;
    Buffer buf = ReadBuffer(index, blk);
    lock_leaf(buf, LeafLock::Exclusive);
    Page page = BufferGetPage(buf);
    if (ixpg::page_is(page, kPages, kPageLeaf)) {
        parse_leaf(index, blk, page, view);
        if (lc::compare_to_bound(cache->shape.leaf, key, view->low()) >= 0) {
            *landed = blk;
            return buf;
        }
    }
    UnlockReleaseBuffer(buf);
    return InvalidBuffer;
}

// The pending entries and the new one coded onto the end of the leaf's
// coded entries, when they lie above them (keys inserted in order), or
// above all but the last few: a key that arrives a little late, as
// concurrent inserts of a serial do, takes the coded entries above it
// (kTailEntries at most) off the lanes, and they are appended again with
// it.  A few dozen values coded instead of the whole leaf.  False if the
// entries lie deeper or a lane's coding cannot take them (the caller
// codes the leaf again).
bool append_in_order(Relation index, const Shape& s, Buffer buf, const lc::LeafView& view, const uint64* key,
                     const uint8* include, uint32 include_len) {
    const lc::LeafShape& ls = s.leaf;
    const uint32 stride = ls.stride();
    const uint32 kw = ls.key_words();
    const uint32 n = view.size();
    if (n == 0) return false;
    // The lowest new entry: the key or a pending one.
    const uint64* lowest = key;
    uint64* pend = static_cast<uint64*>(palloc(sizeof(uint64) * stride * (view.pending() + 1)));
    for (uint32 k = 0; k < view.pending(); ++k) {
        uint64* e = pend + static_cast<std::size_t>(k) * stride;
        view.pending_entry(k, e);
        if (lc::compare_words(e, lowest, kw) < 0) lowest = e;
    }
    // The coded entries above it are the tail that comes off: keep the
    // rest.  Usually there are none (keys in order): only then is the
    // tail decoded.
    uint64 last[3 * lc::kMaxKeyColumns + 2];
    for (uint32 w = 0; w < kw; ++w) last[w] = view.word(n - 1, w);
    uint32 keep = n, from = n;
    uint64* tail = nullptr;
    if (lc::compare_words(last, lowest, kw) > 0) {
        from = n > kTailEntries ? n - kTailEntries : 0;
        tail = static_cast<uint64*>(palloc(sizeof(uint64) * stride * (n - from)));
        view.decode_range(from, n, tail);
        while (keep > from && lc::compare_words(tail + static_cast<std::size_t>(keep - 1 - from) * stride, lowest, kw) > 0)
            --keep;
        if (keep == 0 || keep == from) return false;  // deeper than the tail (or below every coded entry)
    }

    // The entries to append: the tail, the pending ones and the key, with
    // their INCLUDE bytes, sorted as they are gathered (a few dozen).
    const uint32 dropped = n - keep;
    const uint32 m = dropped + view.pending() + 1;
    uint64* entries = static_cast<uint64*>(palloc(sizeof(uint64) * stride * m));
    std::size_t dropped_include = 0;
    for (uint32 i = keep; i < n; ++i)
        dropped_include += tail[static_cast<std::size_t>(i - from) * stride + ls.w_include_len()];
    if (dropped_include > view.include_bytes()) return false;  // damaged lengths: decoding the leaf reports them
    const uint8* dropped_src = view.include_area() + (view.include_bytes() - dropped_include);
    uint8* inc = static_cast<uint8*>(
        palloc(dropped_include + view.total_include_bytes() - view.include_bytes() + include_len + 1));
    std::size_t inc_used = 0;
    for (uint32 k = 0; k < m; ++k) {
        uint64* e = entries + static_cast<std::size_t>(k) * stride;
        const uint8* src;
        if (k < dropped) {
            std::memcpy(e, tail + static_cast<std::size_t>(keep - from + k) * stride, sizeof(uint64) * stride);
            src = dropped_src;
            dropped_src += e[ls.w_include_len()];
        } else if (k < dropped + view.pending()) {
            std::memcpy(e, pend + static_cast<std::size_t>(k - dropped) * stride, sizeof(uint64) * stride);
            src = view.pending_include(k - dropped);
        } else {
            std::memcpy(e, key, sizeof(uint64) * stride);
            e[ls.w_include_len()] = include_len;
            src = include;
        }
        const std::size_t len = e[ls.w_include_len()];
        if (len > 0) std::memcpy(inc + inc_used, src, len);
        e[ls.w_include_start()] = inc_used;
        inc_used += len;
        for (uint32 j = k; j > 0; --j) {
            uint64* a = entries + static_cast<std::size_t>(j - 1) * stride;
            if (lc::compare_words(a, a + stride, kw) <= 0) break;
            for (uint32 w = 0; w < stride; ++w) std::swap(a[w], a[stride + w]);
        }
    }
    uint8* out = static_cast<uint8*>(palloc(kLeafCapacity));
    const std::size_t bytes = view.append(entries, m, keep, inc, out, kLeafCapacity);
    if (bytes == 0) return false;
    ixpg::log_change(index, {buf}, 0, [&](Page* p) { put_coded_leaf(p[0], out, bytes); });
    return true;
}

// Before an insert changes leaf blkno: if it is the rightmost, an insert
// that follows in key order starts there (if this one splits the leaf,
// the new right half is one step away).
void note_rightmost(IndexCache* cache, BlockNumber blkno, const lc::LeafView& view) {
    if (view.high().kind != lc::BoundKind::PlusInf) return;
    cache->rightmost_hint = blkno;
    cache->rightmost_low = lc::bound_first_column(view.low());
}

}  // namespace

bool insert(Relation index, Datum* values, bool* isnull, ItemPointer tid, Relation heap, IndexUniqueCheck, bool,
            IndexInfo*) {
    return ixpg::sql_entry([&] {
        MemoryContext old_cxt = MemoryContextSwitchTo(insert_context());
        const Shape& s = index_shape(index);
        const lc::LeafShape& ls = s.leaf;
        uint64* key = static_cast<uint64*>(palloc(sizeof(uint64) * ls.stride()));
        uint8* include;
        uint32 include_len;
        entry_from_row(index, s, values, isnull, tid, key, &include, &include_len);
        const lc::Pos first{static_cast<uint8>(key[0]), key[1], key[2]};

        lc::LeafView* view = static_cast<lc::LeafView*>(palloc(sizeof(lc::LeafView)));
        BlockNumber blkno;
        IndexCache* cache = index_cache(index);
        Buffer buf = InvalidBuffer;
        if (cache->rightmost_hint != 0 && lc::compare(first, cache->rightmost_low) >= 0)
            buf = try_rightmost_hint(index, cache, key, view, &blkno);
        if (buf == InvalidBuffer) buf = land(index, first, lc::Probe::Before, LeafLock::Exclusive, view, &blkno);
        uint32 steps = 0;
        lc::Bound* prev_high = static_cast<lc::Bound*>(palloc(sizeof(lc::Bound)));
    again:
        for (;;) {
            CHECK_FOR_INTERRUPTS();
            if (lc::compare_to_bound(ls, key, view->low()) < 0)
                ixpg::report_index_damage(index, blkno, "leaf", "%s",
                                          "an insert was routed to a leaf whose low bound is above its key");
            if (lc::compare_to_bound(ls, key, view->high()) < 0) break;
            const BlockNumber next = page_opaque(BufferGetPage(buf))->next;
            if (next == InvalidBlockNumber)
                ixpg::report_index_damage(index, blkno, "leaf", "%s", "the rightmost leaf has a finite high bound");
            *prev_high = view->high();
            const BlockNumber prev = blkno;
            UnlockReleaseBuffer(buf);
            buf = read_leaf_right(index, next, LeafLock::Exclusive, view, &blkno);
            buf = checked_right_step(index, prev, *prev_high, &blkno, buf, LeafLock::Exclusive, view);
            ++steps;
        }

        note_rightmost(cache, blkno, *view);

        // The insert is done once the leaf is written: and a walk right
        // means the model is older than the leaves, so take the newer one
        // if a retrain made it, or make one.
        auto done = [&] {
            UnlockReleaseBuffer(buf);
            MemoryContextSwitchTo(old_cxt);
            if (steps > 0) retrain_if_lagging(heap, index, steps);
            return false;
        };
        const std::size_t entry_bytes = lc::pending_entry_bytes(ls, include_len);
        const bool pending_has_room =
            view->pending() < lc::kMaxPending && view->used_bytes() + entry_bytes <= kLeafCapacity;

        // A leaf with no pending entries takes a key above its coded ones,
        // or above all but the last few, onto the end of its lanes (keys
        // inserted in order): the record holds the lanes' changed words,
        // fewer bytes than a pending entry, and the leaf stays coded for
        // readers.  So does a full pending area, with the key.  (In
        // between, as when a serial's key arrives before the one below it
        // and a lane's line cannot take the gap, entries wait in the
        // pending area: a lane that grows a word moves the lanes after it,
        // and that record is large, so appending one by one from there
        // costs more WAL than the pending area does.)
        if ((view->pending() == 0 || !pending_has_room) &&
            append_in_order(index, s, buf, *view, key, include, include_len))
            return done();
        // Room in the pending area: append the entry as it is (a small WAL record).
        if (pending_has_room) {
            key[ls.w_include_start()] = 0;
            key[ls.w_include_len()] = include_len;
            const std::size_t at_byte = view->used_bytes();
            const uint16 npending = static_cast<uint16>(view->pending() + 1);
            ixpg::log_change(index, {buf}, 0, [&](Page* p) {
                uint8* body = reinterpret_cast<uint8*>(ixpg::page_body(p[0]));
                lc::write_pending(ls, key, include, body + at_byte);
                lc::set_pending_count(body, npending);
                ixpg::set_page_body_used(p[0], at_byte + entry_bytes);
            });
            return done();
        }

        LeafData d;
        decode_leaf(index, blkno, *view, 1, &d);
        const uint32 at = insert_position(ls, d, key);
        const std::size_t inc_used = view->total_include_bytes();
        grow_include(&d, inc_used + include_len + 1);
        key[ls.w_include_start()] = inc_used;
        key[ls.w_include_len()] = include_len;
        if (include_len > 0) std::memcpy(d.include + inc_used, include, include_len);
        std::memmove(d.words + static_cast<std::size_t>(at + 1) * ls.stride(),
                     d.words + static_cast<std::size_t>(at) * ls.stride(), sizeof(uint64) * ls.stride() * (d.n - at));
        std::memcpy(d.words + static_cast<std::size_t>(at) * ls.stride(), key, sizeof(uint64) * ls.stride());
        d.n += 1;

        if (!store_leaf(index, buf, *view, d, at)) {
            // Coding the pending entries in widens the columns past two
            // pages' worth: halve the leaf as it is, then insert again.
            split_as_is(index, buf, *view);
            UnlockReleaseBuffer(buf);
            buf = read_leaf_right(index, blkno, LeafLock::Exclusive, view, &blkno);  // the same leaf again
            goto again;
        }
        return done();
    });
}

}  // namespace ixlearn
