// scan.cpp — index scans: amgettuple in both directions (ORDER BY, min/max,
// cursors, merge joins with mark/restore, index-only scans) and
// amgetbitmap.  Scan keys become intervals of index positions per column
// (keys.cpp); the first column's intervals, in order, drive the walk.
//
// A leaf is read under a share lock and its matching entries copied into
// the scan's batch; the lock is released before they are returned.  The
// pin is kept while the batch is in use when the scan returns index
// values or its snapshot is not an MVCC one (as nbtree does): VACUUM takes
// a cleanup lock per leaf, so it cannot remove an entry that such a scan
// is about to return while the heap row might be reused.
//
// Moving right follows the right link read with the batch (entries that a
// later split moved right were in the batch already).  Moving left reads
// the left neighbour and, if it split since, walks right from it to the
// page whose right link is the leaf just left (nbtree's walk-left rule).
#include "ixlearn/ixlearn.hpp"
#include "pg/am_page.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/itup.h"
#include "access/relscan.h"
#include "nodes/tidbitmap.h"
#include "pgstat.h"
#include "utils/snapmgr.h"
IXPG_END_C_HEADERS

#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixlearn {

namespace {

// The matching entries of one leaf, in index order.
struct Batch {
    BlockNumber blkno, left, right;
    bool more_left, more_right;  // can leaves that way still match?
    Buffer pin;                  // kept while the batch is in use (see the file comment), or InvalidBuffer
    uint32 n, cap;
    int cur;
    ItemPointerData* tids;       // cap of them
    uint64* words;               // index-only: the entries' words (n × stride)
    uint8* include;              // and their INCLUDE bytes
    uint32 include_cap;
    lc::Pos high_first;          // the first column of the leaf's high bound
    lc::Bound low, high;         // the leaf's bounds (to check the next step along the chain)
};

struct ScanState {
    ColumnCondition cond[INDEX_MAX_KEYS];
    bool impossible;
    bool started;
    bool want_values;
    bool initialized;  // the batches are set up for want_values
    bool keep_pins;
    Batch batch, mark;
    bool marked;
    uint32 empty_steps;  // leaves read forward from the start without a match
    uint64* chunk;       // coded entries decoded for the fast path, chunk_cap of them
    uint32 chunk_cap;
    lc::LeafView* view;
    MemoryContext tuple_cxt;  // the index tuple returned to an index-only scan
    MemoryContext keys_cxt;   // the conditions of the current keys (reset by each rescan: a nested loop rescans often)
};

// Room in the batch for n entries, keeping those it holds.  The arrays
// grow as entries are added (to a leaf's worth at most), so a point lookup
// allocates room for a few entries, not for every entry of its leaf.
void batch_reserve(Batch* b, const Shape& s, bool want_values, uint32 n) {
    if (n <= b->cap) return;
    uint32 cap = b->cap > 0 ? b->cap : 16;
    while (cap < n) cap *= 2;
    const std::size_t tid_bytes = sizeof(ItemPointerData) * cap;
    b->tids = static_cast<ItemPointerData*>(b->tids == nullptr ? palloc(tid_bytes) : repalloc(b->tids, tid_bytes));
    if (want_values) {
        const std::size_t word_bytes = sizeof(uint64) * s.leaf.stride() * cap;
        b->words = static_cast<uint64*>(b->words == nullptr ? palloc_extended(word_bytes, MCXT_ALLOC_HUGE)
                                                            : repalloc_huge(b->words, word_bytes));
        if (b->include == nullptr && s.leaf.has_include) {
            b->include_cap = static_cast<uint32>(kLeafCapacity);
            b->include = static_cast<uint8*>(palloc(b->include_cap));
        }
    }
    b->cap = cap;
}

void batch_init(Batch* b) {
    std::memset(b, 0, sizeof *b);
    b->pin = InvalidBuffer;
    b->blkno = InvalidBlockNumber;
}

void batch_unpin(Batch* b) {
    if (b->pin != InvalidBuffer) ReleaseBuffer(b->pin);
    b->pin = InvalidBuffer;
}

// The first column's allowed intervals (the whole range if unconstrained).
int first_intervals(const ScanState* so, const Interval** iv) {
    static const Interval kAll{lc::kPosMin, lc::kPosMax};
    if (!so->cond[0].constrained) {
        *iv = &kAll;
        return 1;
    }
    *iv = so->cond[0].iv;
    return so->cond[0].n;
}

// Does an entry (its words) pass the conditions on columns after the first?
bool later_columns_pass(const ScanState* so, const Shape& s, const uint64* e) {
    for (int c = 1; c < s.leaf.nkeys; ++c) {
        if (!so->cond[c].constrained) continue;
        const lc::Pos p{static_cast<uint8>(e[3 * c]), e[3 * c + 1], e[3 * c + 2]};
        if (!condition_passes(so->cond[c], p)) return false;
    }
    return true;
}

// Coded entries the fast path decodes at a time, at most.
constexpr uint32 kChunkEntries = 256;

// Room to decode n (<= kChunkEntries) coded entries; it grows with the
// ranges the scan meets, so a point lookup does not pay for a chunk.
uint64* scan_chunk(ScanState* so, const Shape& s, uint32 n) {
    if (n > so->chunk_cap) {
        uint32 cap = so->chunk_cap > 0 ? so->chunk_cap : 16;
        while (cap < n) cap *= 2;
        if (so->chunk != nullptr) pfree(so->chunk);
        so->chunk = static_cast<uint64*>(palloc(sizeof(uint64) * s.leaf.stride() * cap));
        so->chunk_cap = cap;
    }
    return so->chunk;
}

// Does an entry (its words) pass every column's condition?
bool entry_passes(const ScanState* so, const Shape& s, const uint64* e) {
    for (int c = 0; c < s.leaf.nkeys; ++c) {
        if (!so->cond[c].constrained) continue;
        const lc::Pos p{static_cast<uint8>(e[3 * c]), e[3 * c + 1], e[3 * c + 2]};
        if (!condition_passes(so->cond[c], p)) return false;
    }
    return true;
}

void add_item(Relation index, BlockNumber blkno, Batch* b, uint64 blk, uint64 off) {
    if (blk >= InvalidBlockNumber || off == 0 || off > MaxOffsetNumber)
        ixpg::report_index_damage(index, blkno, "leaf", "an entry has an invalid heap TID (%llu,%llu)",
                                  static_cast<unsigned long long>(blk), static_cast<unsigned long long>(off));
    ItemPointerSet(&b->tids[b->n], static_cast<BlockNumber>(blk), static_cast<OffsetNumber>(off));
}

// The slow path: every entry decoded (pending ones merged in order), for a
// leaf whose pending entries match, or whose INCLUDE values are returned.
void collect_decoded(IndexScanDesc scan, ScanState* so, Batch* b, BlockNumber blkno, const lc::LeafView& v) {
    Relation index = scan->indexRelation;
    const Shape& s = index_shape(index);
    const lc::LeafShape& ls = s.leaf;
    const uint32 stride = ls.stride();
    LeafData d;
    decode_leaf(index, blkno, v, 0, &d);
    uint32 used = 0;
    for (uint32 i = 0; i < d.n; ++i) {
        const uint64* e = d.words + static_cast<std::size_t>(i) * stride;
        if (!entry_passes(so, s, e)) continue;
        batch_reserve(b, s, so->want_values, b->n + 1);
        add_item(index, blkno, b, e[ls.w_block()], e[ls.w_offset()]);
        if (so->want_values) {
            uint64* w = b->words + static_cast<std::size_t>(b->n) * stride;
            std::memcpy(w, e, sizeof(uint64) * stride);
            const uint32 len = static_cast<uint32>(e[ls.w_include_len()]);
            if (len > 0) std::memcpy(b->include + used, d.include + e[ls.w_include_start()], len);
            w[ls.w_include_start()] = used;
            used += len;
        }
        ++b->n;
    }
}

// Fill the batch from a locked, parsed leaf.
void collect(IndexScanDesc scan, ScanState* so, Batch* b, BlockNumber blkno, Page page, const lc::LeafView& v) {
    Relation index = scan->indexRelation;
    const Shape& s = index_shape(index);
    const lc::LeafShape& ls = s.leaf;
    const IxlPageOpaque* op = page_opaque(page);
    b->blkno = blkno;
    b->left = op->left;
    b->right = op->next;
    b->n = 0;
    b->high_first = lc::bound_first_column(v.high());
    b->low = v.low();
    b->high = v.high();
    const Interval* iv;
    const int niv = first_intervals(so, &iv);

    // Leaves further right hold first columns >= the high bound's.
    b->more_right = b->right != InvalidBlockNumber && v.high().kind != lc::BoundKind::PlusInf &&
                    lc::compare(b->high_first, iv[niv - 1].hi) <= 0;
    // Leaves further left hold first columns <= the low bound's (< for a column bound).
    const lc::Bound& low = v.low();
    if (b->left == InvalidBlockNumber || low.kind == lc::BoundKind::MinusInf) {
        b->more_left = false;
    } else {
        const int c = lc::compare(lc::bound_first_column(low), iv[0].lo);
        b->more_left = low.kind == lc::BoundKind::FirstColumn ? c > 0 : c >= 0;
    }

    bool slow = so->want_values && ls.has_include;
    uint64 pending[3 * lc::kMaxKeyColumns + 5];
    for (uint32 k = 0; k < v.pending() && !slow; ++k) {
        v.pending_entry(k, pending);
        slow = entry_passes(so, s, pending);
    }
    if (slow) {
        collect_decoded(scan, so, b, blkno, v);
        return;
    }

    // The fast path: binary search of the coded first column for each
    // interval's ends, then the entries in between decoded a chunk at a
    // time into a scratch chunk (a pass per column, not a random access per
    // word): every column for an index-only scan (include_start 0, as the
    // slow path's would be without INCLUDE), else only the TID's and those
    // a condition reads.
    const uint32 n = v.size();
    if (n == 0) return;
    if (!v.ends_within_bounds())
        ixpg::report_index_damage(index, blkno, "leaf", "%s", "its coded keys lie outside its bounds");
    const uint32 stride = ls.stride();
    const lc::Pos last = v.first_column(n - 1);
    for (int k = 0; k < niv; ++k) {
        if (lc::compare(iv[k].lo, last) > 0) break;
        const uint32 from = v.lower_bound(iv[k].lo, false);
        const uint32 to = v.lower_bound(iv[k].hi, true);
        for (uint32 c = from; c < to; c += kChunkEntries) {
            const uint32 m = to - c < kChunkEntries ? to - c : kChunkEntries;
            uint64* chunk = scan_chunk(so, s, m);
            if (so->want_values) {
                v.decode_range(c, c + m, chunk);
            } else {
                for (uint32 w : {ls.w_block(), ls.w_offset()}) v.lane(w).decode_range(c, c + m, chunk + w, stride);
                for (uint32 col = 1; col < ls.nkeys; ++col)
                    if (so->cond[col].constrained)
                        for (uint32 w = 3 * col; w < 3 * col + 3; ++w) v.lane(w).decode_range(c, c + m, chunk + w, stride);
            }
            for (uint32 j = 0; j < m; ++j) {
                const uint64* e = chunk + static_cast<std::size_t>(j) * stride;
                if (!later_columns_pass(so, s, e)) continue;
                batch_reserve(b, s, so->want_values, b->n + 1);
                add_item(index, blkno, b, e[ls.w_block()], e[ls.w_offset()]);
                if (so->want_values)
                    std::memcpy(b->words + static_cast<std::size_t>(b->n) * stride, e, sizeof(uint64) * stride);
                ++b->n;
            }
        }
    }
}

// Make leaf blkno, locked in buf and parsed into so->view, the batch.
void load(IndexScanDesc scan, ScanState* so, BlockNumber blkno, Buffer buf) {
    Relation index = scan->indexRelation;
    batch_unpin(&so->batch);
    TestForOldSnapshot(scan->xs_snapshot, index, BufferGetPage(buf));
    collect(scan, so, &so->batch, blkno, BufferGetPage(buf), *so->view);
    if (so->keep_pins) {
        LockBuffer(buf, BUFFER_LOCK_UNLOCK);
        so->batch.pin = buf;
    } else {
        UnlockReleaseBuffer(buf);
    }
}

// The leaf left of `from`'s key range (from_low up) in the chain as it is
// now: from's left neighbour, or the last page its splits put in between
// (nbtree's walk-left rule): the leaf whose right link is `from`.  A leaf
// on the way that VACUUM unlinked hands over to its left neighbour.  If
// `from` itself was unlinked since it was read, its range belongs to the
// leaf right of it now (live_successor), and the walk looks for the leaf
// that links to that one; so it asks again, and starts again from `left`,
// whenever it reaches a leaf that starts at or after from_low without
// having found it.  Returns that leaf locked and parsed into *view.
Buffer walk_left(Relation index, BlockNumber from, const lc::Bound& from_low, BlockNumber left, lc::LeafView* view,
                 BlockNumber* found) {
    const lc::LeafShape& ls = index_shape(index).leaf;
    BlockNumber blk = left;
    BlockNumber target = from;
    // More steps in one pass than the index has blocks would be a loop (its
    // size read again first: the splits this walk steps over may have grown
    // it); the target only moves right, past unlinked leaves, so it cannot
    // change more often than that either.
    IndexCache* c = index_cache(index);
    BlockNumber retargets = 0;
    for (BlockNumber steps = 0;
         steps <= c->nblocks || steps <= (c->nblocks = RelationGetNumberOfBlocks(index)); ++steps) {
        CHECK_FOR_INTERRUPTS();
        if (!block_in_index(index, blk))
            ixpg::report_index_damage(index, from, "leaf", "%s", "its left link leads outside the index");
        Buffer buf = ReadBuffer(index, blk);
        LockBuffer(buf, BUFFER_LOCK_SHARE);
        Page page = BufferGetPage(buf);
        ixpg::check_page_kind(index, blk, page, kPages, kPageLeaf | kPageUnlinked);
        const BlockNumber next = page_opaque(page)->next;
        const BlockNumber prev = page_opaque(page)->left;
        if (ixpg::page_kind(page) & kPageUnlinked) {
            UnlockReleaseBuffer(buf);
            blk = prev;
            continue;
        }
        parse_leaf(index, blk, page, view);
        if (next == target) {
            *found = blk;
            return buf;
        }
        const bool passed = blk == target || next == InvalidBlockNumber || lc::compare_bounds(ls, view->low(), from_low) >= 0;
        UnlockReleaseBuffer(buf);
        if (passed) {
            // Past from's range without finding the leaf that links to it:
            // `from` (or its successor) went meanwhile.
            const BlockNumber now = live_successor(index, from);
            if (now == target || ++retargets > c->nblocks)
                ixpg::report_index_damage(index, from, "leaf", "%s", "no page to its left links to it");
            target = now;
            blk = left;
            steps = 0;
            continue;
        }
        blk = next;
    }
    ixpg::report_index_damage(index, from, "leaf", "%s", "no page to its left links to it");
}

// After a step left from a leaf whose low bound was from_low to the leaf
// now in the batch: its high bound must be from_low; or lower, when VACUUM
// unlinked leaves between them after the scan read `from`, and `from` (or
// the leaf that holds its range now) took over their ranges: its low bound
// is then at or below the batch's high bound.
void check_left_step(Relation index, BlockNumber from, const lc::Bound& from_low, const Batch& b) {
    const lc::LeafShape& ls = index_shape(index).leaf;
    if (lc::same_bound(ls, b.high, from_low)) return;
    if (lc::compare_bounds(ls, b.high, from_low) < 0) {
        lc::LeafView* view = static_cast<lc::LeafView*>(palloc(sizeof(lc::LeafView)));
        BlockNumber now;
        UnlockReleaseBuffer(read_leaf_right(index, from, LeafLock::Share, view, &now));
        const bool took_over = lc::compare_bounds(ls, view->low(), b.high) <= 0;
        pfree(view);
        if (took_over) return;
    }
    ixpg::report_index_damage(index, b.blkno, "leaf", "its high bound is not the low bound of leaf %u, its right neighbour",
                              from);
}

// Position the scan at its first leaf in direction dir.
void start(IndexScanDesc scan, ScanState* so, ScanDirection dir) {
    Relation index = scan->indexRelation;
    const Interval* iv;
    const int niv = first_intervals(so, &iv);
    pgstat_count_index_scan(index);
    BlockNumber blk;
    if (ScanDirectionIsForward(dir)) {
        Buffer buf = land(index, iv[0].lo, lc::Probe::Before, LeafLock::Share, so->view, &blk);
        load(scan, so, blk, buf);
        so->batch.cur = -1;
        so->empty_steps = so->batch.n == 0 ? 1 : 0;
    } else {
        const lc::Pos top = iv[niv - 1].hi;
        Buffer buf = land(index, top, lc::Probe::After, LeafLock::Share, so->view, &blk);
        uint32 steps = 0;
        lc::Bound* prev_high = static_cast<lc::Bound*>(palloc(sizeof(lc::Bound)));
        for (;;) {
            CHECK_FOR_INTERRUPTS();
            const BlockNumber prev = so->batch.blkno;
            load(scan, so, blk, buf);
            if (steps > 0) check_right_step(index, prev, *prev_high, blk, *so->view);
            // Entries <= top may be right of this leaf (splits since the model).
            if (so->batch.right == InvalidBlockNumber || lc::compare(so->batch.high_first, top) > 0) break;
            *prev_high = so->batch.high;
            buf = read_leaf_right(index, so->batch.right, LeafLock::Share, so->view, &blk);
            ++steps;
        }
        pfree(prev_high);
        if (steps > 0) refresh_model(index);
        so->batch.cur = static_cast<int>(so->batch.n);
    }
    so->started = true;
}

// Move to the next leaf in direction dir; false at the end.
bool advance(IndexScanDesc scan, ScanState* so, ScanDirection dir) {
    Relation index = scan->indexRelation;
    Batch& b = so->batch;
    if (ScanDirectionIsForward(dir)) {
        if (!b.more_right) return false;
        const BlockNumber from = b.blkno;
        lc::Bound* from_high = static_cast<lc::Bound*>(palloc(sizeof(lc::Bound)));
        *from_high = b.high;
        BlockNumber blk = InvalidBlockNumber;
        Buffer buf = InvalidBuffer;
        // A sorted list with gaps (= ANY): jump through the model to the
        // next interval's leaf when the model lists it right of this one.
        // The leaf it lands on must start at or right of this one's end
        // (else the model lags, or is damaged, and the scan steps right).
        const Interval* iv;
        const int niv = first_intervals(so, &iv);
        int k = 0;
        while (k < niv && lc::compare(iv[k].hi, b.high_first) < 0) ++k;
        if (k < niv && lc::compare(iv[k].lo, b.high_first) > 0 &&
            lc::compare(route_entry(index, iv[k].lo, lc::Probe::Before).low, b.high_first) > 0) {
            buf = land(index, iv[k].lo, lc::Probe::Before, LeafLock::Share, so->view, &blk);
            if (lc::compare_bounds(index_shape(index).leaf, so->view->low(), *from_high) < 0) {
                UnlockReleaseBuffer(buf);
                buf = InvalidBuffer;
            }
        }
        if (buf != InvalidBuffer) {
            load(scan, so, blk, buf);
        } else {
            buf = read_leaf_right(index, b.right, LeafLock::Share, so->view, &blk);
            load(scan, so, blk, buf);
            check_right_step(index, from, *from_high, blk, *so->view);
        }
        pfree(from_high);
        b.cur = -1;
        // A scan that walks leaf after leaf before its first match follows a
        // model that lags the chain: the next scans should not (an index
        // scan has the table to lock for a retrain; a bitmap scan does not).
        if (so->empty_steps > 0) {
            so->empty_steps = b.n == 0 ? so->empty_steps + 1 : 0;
            if (so->empty_steps == kStepsBeforeRetrain && scan->heapRelation != nullptr)
                retrain_if_lagging(scan->heapRelation, index, kStepsBeforeRetrain);
        }
    } else {
        if (!b.more_left) return false;
        const BlockNumber from = b.blkno;
        lc::Bound* from_low = static_cast<lc::Bound*>(palloc(sizeof(lc::Bound)));
        *from_low = b.low;
        BlockNumber left;
        Buffer buf = walk_left(index, b.blkno, *from_low, b.left, so->view, &left);
        load(scan, so, left, buf);
        check_left_step(index, from, *from_low, b);
        pfree(from_low);
        b.cur = static_cast<int>(b.n);
    }
    return true;
}

void set_result(IndexScanDesc scan, ScanState* so) {
    Batch& b = so->batch;
    scan->xs_heaptid = b.tids[b.cur];
    scan->xs_recheck = false;
    if (so->want_values) {
        Relation index = scan->indexRelation;
        const Shape& s = index_shape(index);
        MemoryContextReset(so->tuple_cxt);
        MemoryContext old = MemoryContextSwitchTo(so->tuple_cxt);
        Datum values[INDEX_MAX_KEYS];
        bool isnull[INDEX_MAX_KEYS];
        row_from_entry(index, s, b.words + static_cast<std::size_t>(b.cur) * s.leaf.stride(), b.include, values,
                       isnull);
        scan->xs_itup = index_form_tuple(RelationGetDescr(index), values, isnull);
        scan->xs_itupdesc = RelationGetDescr(index);
        MemoryContextSwitchTo(old);
    }
}

void copy_batch(Batch* to, const Batch* from, const Shape& s, bool want_values) {
    batch_reserve(to, s, want_values, from->n);
    ItemPointerData* tids = to->tids;
    uint64* words = to->words;
    uint8* include = to->include;
    const uint32 cap = to->cap, include_cap = to->include_cap;
    *to = *from;
    to->tids = tids;
    to->words = words;
    to->include = include;
    to->cap = cap;
    to->include_cap = include_cap;
    std::memcpy(to->tids, from->tids, sizeof(ItemPointerData) * from->n);
    if (want_values) {
        std::memcpy(to->words, from->words, sizeof(uint64) * s.leaf.stride() * from->n);
        if (include != nullptr && from->include != nullptr)
            std::memcpy(to->include, from->include, from->include_cap < include_cap ? from->include_cap : include_cap);
    }
    if (to->pin != InvalidBuffer) IncrBufferRefCount(to->pin);
}

}  // namespace

IndexScanDesc begin_scan(Relation index, int nkeys, int norderbys) {
    return ixpg::sql_entry([&] {
        IndexScanDesc scan = RelationGetIndexScan(index, nkeys, norderbys);
        ScanState* so = static_cast<ScanState*>(palloc0(sizeof(ScanState)));
        so->view = static_cast<lc::LeafView*>(palloc(sizeof(lc::LeafView)));
        so->tuple_cxt = AllocSetContextCreate(CurrentMemoryContext, "ixlearn index-only tuple", ALLOCSET_SMALL_SIZES);
        so->keys_cxt = AllocSetContextCreate(CurrentMemoryContext, "ixlearn scan keys", ALLOCSET_SMALL_SIZES);
        so->batch.pin = InvalidBuffer;
        so->mark.pin = InvalidBuffer;
        scan->opaque = so;
        return scan;
    });
}

void rescan(IndexScanDesc scan, ScanKey keys, int nkeys, ScanKey, int) {
    ixpg::sql_entry([&] {
        ScanState* so = static_cast<ScanState*>(scan->opaque);
        Relation index = scan->indexRelation;
        const Shape& s = index_shape(index);
        if (keys != nullptr && scan->numberOfKeys > 0)
            std::memmove(scan->keyData, keys, sizeof(ScanKeyData) * scan->numberOfKeys);
        (void)nkeys;
        batch_unpin(&so->batch);
        batch_unpin(&so->mark);
        const bool want_values = scan->xs_want_itup;
        if (want_values != so->want_values || !so->initialized) {
            so->want_values = want_values;
            so->initialized = true;
            batch_init(&so->batch);
            batch_init(&so->mark);
        }
        so->keep_pins = want_values || !IsMVCCSnapshot(scan->xs_snapshot) || !RelationNeedsWAL(index);
        so->batch.n = 0;
        so->batch.cur = 0;
        so->marked = false;
        so->started = false;
        MemoryContextReset(so->keys_cxt);
        MemoryContext old = MemoryContextSwitchTo(so->keys_cxt);
        so->impossible = !conditions_from_keys(index, s, scan->keyData, scan->numberOfKeys, so->cond);
        MemoryContextSwitchTo(old);
    });
}

bool get_tuple(IndexScanDesc scan, ScanDirection dir) {
    return ixpg::sql_entry([&] {
        ScanState* so = static_cast<ScanState*>(scan->opaque);
        if (so->impossible) return false;
        if (!so->started) start(scan, so, dir);
        Batch& b = so->batch;
        for (;;) {
            if (ScanDirectionIsForward(dir)) {
                if (b.cur + 1 < static_cast<int>(b.n)) {
                    ++b.cur;
                    set_result(scan, so);
                    return true;
                }
                b.cur = static_cast<int>(b.n);
            } else {
                if (b.cur - 1 >= 0 && b.cur - 1 < static_cast<int>(b.n)) {
                    --b.cur;
                    set_result(scan, so);
                    return true;
                }
                b.cur = -1;
            }
            CHECK_FOR_INTERRUPTS();
            if (!advance(scan, so, dir)) return false;
        }
    });
}

int64 get_bitmap(IndexScanDesc scan, TIDBitmap* tbm) {
    return ixpg::sql_entry([&] {
        ScanState* so = static_cast<ScanState*>(scan->opaque);
        if (so->impossible) return int64{0};
        int64 total = 0;
        start(scan, so, ForwardScanDirection);
        for (;;) {
            tbm_add_tuples(tbm, so->batch.tids, static_cast<int>(so->batch.n), false);
            total += so->batch.n;
            CHECK_FOR_INTERRUPTS();
            if (!advance(scan, so, ForwardScanDirection)) break;
        }
        batch_unpin(&so->batch);
        return total;
    });
}

void end_scan(IndexScanDesc scan) {
    ixpg::sql_entry([&] {
        ScanState* so = static_cast<ScanState*>(scan->opaque);
        batch_unpin(&so->batch);
        batch_unpin(&so->mark);
        MemoryContextDelete(so->tuple_cxt);
        MemoryContextDelete(so->keys_cxt);
    });
}

void mark_pos(IndexScanDesc scan) {
    ixpg::sql_entry([&] {
        ScanState* so = static_cast<ScanState*>(scan->opaque);
        batch_unpin(&so->mark);
        copy_batch(&so->mark, &so->batch, index_shape(scan->indexRelation), so->want_values);
        so->marked = so->started;
    });
}

void restore_pos(IndexScanDesc scan) {
    ixpg::sql_entry([&] {
        ScanState* so = static_cast<ScanState*>(scan->opaque);
        if (!so->marked) {
            // Marked before the first tuple: start again.
            batch_unpin(&so->batch);
            so->started = false;
            return;
        }
        batch_unpin(&so->batch);
        copy_batch(&so->batch, &so->mark, index_shape(scan->indexRelation), so->want_values);
    });
}

}  // namespace ixlearn
