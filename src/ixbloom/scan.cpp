// scan.cpp — amgetbitmap.  The scan keys become a predicate (AND of
// clauses, each an OR of alternatives); each group reads only the slice
// pages holding the predicate's bits, then only the TID pages of candidate
// rows; every insert-buffer entry is tested row-major.  Results are lossy.
// (Scan setup and teardown: scan_setup.cpp.)
//
// This file keeps C++ containers alive across the scan, so every
// PostgreSQL call here goes through ixpg::pg_call (docs/architecture.md):
// in get_bitmap's pg_call lambdas, or in the functions marked "Runs inside
// ixpg::pg_call", which only those lambdas call.  test/check-boundary.sh
// checks both.
#include "ixbloom/ixbloom.hpp"
#include "pg/chain_walk.hpp"
#include "pg/palloc_allocator.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/relscan.h"
#include "access/xlog.h"
#include "nodes/tidbitmap.h"
#include "pgstat.h"
#include "utils/array.h"
#include "utils/lsyscache.h"
IXPG_END_C_HEADERS

#include <algorithm>
#include <cstring>

namespace ixbloom {

namespace {

using Predicate = bl::BasicPredicate<ixpg::PallocAllocator>;

// Build the predicate from the scan keys.  Returns false when no row can
// match (col = NULL, or an empty or all-NULL = ANY array).
// Runs inside ixpg::pg_call.
bool build_predicate(IndexScanDesc scan, const IxbState& state, Predicate& pred) {
    Relation index = scan->indexRelation;
    bool satisfiable = true;
    for (int k = 0; k < scan->numberOfKeys; ++k) {
        ScanKey key = &scan->keyData[k];
        const int col = key->sk_attno - 1;
        if (key->sk_flags & SK_ISNULL) {
            if (key->sk_flags & SK_SEARCHNULL) {
                pred.begin_clause();
                pred.add_alternative(state.shape, col, 0, true);
            } else if (!(key->sk_flags & SK_SEARCHNOTNULL)) {
                satisfiable = false;  // col = NULL matches nothing
            }
            // IS NOT NULL: no clause; the recheck filters.
            continue;
        }
        pred.begin_clause();
        if (key->sk_flags & SK_SEARCHARRAY) {
            ArrayType* arr = DatumGetArrayTypeP(key->sk_argument);
            int16 typlen;
            bool typbyval;
            char typalign;
            get_typlenbyvalalign(ARR_ELEMTYPE(arr), &typlen, &typbyval, &typalign);
            Datum* elems;
            bool* nulls;
            int nelems;
            deconstruct_array(arr, ARR_ELEMTYPE(arr), typlen, typbyval, typalign, &elems, &nulls, &nelems);
            bool any_element = false;
            for (int i = 0; i < nelems; ++i) {
                if (nulls[i])
                    continue;
                pred.add_alternative(state.shape, col, hash_key(index, &state, col, key->sk_subtype, elems[i]), false);
                any_element = true;
            }
            if (!any_element)
                satisfiable = false;  // no non-NULL element
        } else {
            pred.add_alternative(state.shape, col, hash_key(index, &state, col, key->sk_subtype, key->sk_argument),
                                 false);
        }
    }
    return satisfiable;
}

// What scan_group needs besides the group; the arrays are the scan's.
struct GroupScan {
    Relation index;
    Snapshot snapshot;
    const bl::SignatureShape* shape;
    const Predicate* pred;
    const uint16* distinct_bits;  // the predicate's slices, ascending
    int ndistinct;
    uint8** slice_of;             // room for the dead slice (index sig_bits) too
    uint8* arena;
    uint64* cand;
    uint64* scratch;
    ItemPointerData* tidbuf;
    TIDBitmap* tbm;
    // On a hot standby a page that fails its checks may have been recycled
    // by a merge replayed under the scan: scan_group then sets *changed and
    // returns, and the caller reads the metapage's merge counter.
    bool standby;
};

// A group page, share-locked; InvalidBuffer (and *changed) if on a standby
// it is no longer of its kind.  Runs inside ixpg::pg_call.
Buffer read_page(const GroupScan& s, BlockNumber blk, uint16 kind, bool* changed) {
    if (!s.standby)
        return read_group_page(s.index, blk, kind, s.snapshot, nullptr);
    Buffer buf = try_read_group_page(s.index, blk, kind, s.snapshot);
    *changed = buf == InvalidBuffer;
    return buf;
}

// Does the dead slice mark every row?  Runs inside ixpg::pg_call.  Read only for a group whose live
// count says so: the count is derived (VACUUM writes it after the slice),
// so it decides nothing by itself.
bool all_rows_dead(const GroupScan& s, const IxbGroup& group, const bl::GroupGeometry& g, bool* changed) {
    const BlockNumber blk = group.first + g.slice_page(g.dead_slice());
    Buffer buf = read_page(s, blk, kPageSlice, changed);
    if (buf == InvalidBuffer)
        return false;
    *changed = s.standby && !slice_fits(BufferGetPage(buf), g, g.dead_slice());
    if (!*changed)
        copy_slice(s.index, blk, BufferGetPage(buf), g, g.dead_slice(), s.arena);
    UnlockReleaseBuffer(buf);
    *changed |= s.standby && !dead_slice_fits(s.arena, group);
    return !*changed && count_dead(s.index, blk, s.arena, group) == group.nrows;
}

// Candidates of one group, added to the bitmap; returns how many TIDs.
// On a standby, *changed tells that a page failed its checks (the TIDs
// added until then are extra, which a bitmap tolerates).
// Runs inside ixpg::pg_call.
int64 scan_group(const GroupScan& s, const IxbGroup& group, bool* changed) {
    const bl::GroupGeometry g = group_geometry(group, s.shape->bits);
    *changed = false;
    if (group.live == 0 && (all_rows_dead(s, group, g, changed) || *changed))
        return 0;
    // The dead slice is needed only once VACUUM has removed rows; it is the
    // last slice, so the list stays ascending.
    const bool has_dead = group.live < group.nrows;
    const int nslices = s.ndistinct + (has_dead ? 1 : 0);

    // Copy each needed slice, reading each slice page once.
    BlockNumber current = InvalidBlockNumber;
    Buffer buf = InvalidBuffer;
    for (int i = 0; i < nslices; ++i) {
        const int slice = i < s.ndistinct ? s.distinct_bits[i] : g.dead_slice();
        const BlockNumber blk = group.first + g.slice_page(slice);
        if (blk != current) {
            if (buf != InvalidBuffer)
                UnlockReleaseBuffer(buf);
            buf = read_page(s, blk, kPageSlice, changed);
            if (buf == InvalidBuffer)
                return 0;
            current = blk;
        }
        if (s.standby && !slice_fits(BufferGetPage(buf), g, slice)) {
            UnlockReleaseBuffer(buf);
            *changed = true;
            return 0;
        }
        uint8* dst = s.arena + static_cast<std::size_t>(i) * g.slice_bytes();
        copy_slice(s.index, blk, BufferGetPage(buf), g, slice, dst);
        s.slice_of[slice] = dst;
    }
    if (buf != InvalidBuffer)
        UnlockReleaseBuffer(buf);

    bl::evaluate_group(*s.pred, g, [&](int bit) { return s.slice_of[bit]; }, s.cand, s.scratch);
    bool any = false;
    for (std::size_t w = 0; w < g.words(); ++w) {
        if (has_dead) {
            uint64 dead;
            std::memcpy(&dead, s.slice_of[g.dead_slice()] + w * 8, 8);
            s.cand[w] &= ~dead;
        }
        any |= s.cand[w] != 0;
    }
    if (!any)
        return 0;

    // TIDs of the candidates: TID page 0 (with the page map), then only the
    // other pages that hold candidates, each read once.
    bl::TidPageReader page0, other;
    const BlockNumber blk0 = group.first + g.tid_page(0);
    Buffer buf0 = read_page(s, blk0, kPageTid, changed);
    if (buf0 == InvalidBuffer)
        return 0;
    if (!s.standby) {
        open_tid_page(s.index, blk0, BufferGetPage(buf0), group, 0, nullptr, &page0);
    } else if (!try_open_tid_page(BufferGetPage(buf0), group, 0, nullptr, &page0)) {
        UnlockReleaseBuffer(buf0);
        *changed = true;
        return 0;
    }
    bl::TidPageReader* reader = &page0;
    buf = InvalidBuffer;
    int64 added = 0;
    int ntids = 0;
    for (std::size_t w = 0; w < g.words(); ++w) {
        uint64 word = s.cand[w];
        while (word != 0) {
            const uint32 pos = static_cast<uint32>(w * 64 + __builtin_ctzll(word));
            word &= word - 1;
            if (!reader->holds(pos)) {
                if (buf != InvalidBuffer)
                    UnlockReleaseBuffer(buf);
                const uint32 page = bl::tid_page_of(page0, group.tid_pages, pos);
                reader = &page0;
                buf = InvalidBuffer;
                if (page != 0) {
                    const BlockNumber blk = group.first + g.tid_page(page);
                    buf = read_page(s, blk, kPageTid, changed);
                    if (!s.standby) {
                        open_tid_page(s.index, blk, BufferGetPage(buf), group, page, &page0, &other);
                    } else if (buf != InvalidBuffer &&
                               !try_open_tid_page(BufferGetPage(buf), group, page, &page0, &other)) {
                        UnlockReleaseBuffer(buf);
                        buf = InvalidBuffer;
                        *changed = true;
                    }
                    if (*changed) {
                        UnlockReleaseBuffer(buf0);
                        if (ntids > 0)
                            tbm_add_tuples(s.tbm, s.tidbuf, ntids, true);
                        return added + ntids;
                    }
                    reader = &other;
                }
            }
            const bl::Tid t = reader->at(pos);
            std::memcpy(&s.tidbuf[ntids++], &t, sizeof t);
            if (ntids == 1024) {
                tbm_add_tuples(s.tbm, s.tidbuf, ntids, true);
                added += ntids;
                ntids = 0;
            }
        }
    }
    if (buf != InvalidBuffer)
        UnlockReleaseBuffer(buf);
    UnlockReleaseBuffer(buf0);
    if (ntids > 0) {
        tbm_add_tuples(s.tbm, s.tidbuf, ntids, true);
        added += ntids;
    }
    return added;
}

// Test every insert-buffer entry.  Returns false if the chain changed under
// the scan: a page on it is no longer a buffer page.  That can happen only on
// a hot standby, where the primary's folds are replayed without our fold
// lock; the caller then rescans what the fold added (it also compares the
// metapage's fold counter, since a fold that moved no rows leaves ngroups
// as it was).  On a primary it is corruption, and an ERROR.
// Runs inside ixpg::pg_call.
bool scan_buffer(const GroupScan& s, const IxbMeta& meta, int64* added) {
    const std::size_t ebytes = entry_bytes(meta.sig_bits);
    const bool standby = RecoveryInProgress();
    ixpg::ChainWalk walk(s.index, kPages, kPageBuffer, meta.buf_head);
    for (; !walk.done(); walk.advance()) {
        CHECK_FOR_INTERRUPTS();
        const BlockNumber blkno = walk.current();
        Buffer buf = standby ? walk.try_read(BUFFER_LOCK_SHARE) : walk.read(BUFFER_LOCK_SHARE);
        if (buf == InvalidBuffer)
            return false;
        Page page = BufferGetPage(buf);
        TestForOldSnapshot(s.snapshot, s.index, page);
        const int n = buffer_entries(s.index, blkno, page, meta.sig_bits);
        int ntids = 0;
        const char* body = ixpg::page_body(page);
        for (int i = 0; i < n; ++i) {
            const char* e = body + i * ebytes;
            if (s.pred->matches(reinterpret_cast<const uint16*>(e + sizeof(ItemPointerData))))
                std::memcpy(&s.tidbuf[ntids++], e, sizeof(ItemPointerData));
        }
        UnlockReleaseBuffer(buf);
        if (ntids > 0) {
            tbm_add_tuples(s.tbm, s.tidbuf, ntids, true);
            *added += ntids;
        }
    }
    return true;
}

}  // namespace

int64 get_bitmap(IndexScanDesc scan, TIDBitmap* tbm) {
    return ixpg::sql_entry([&]() -> int64 {
        Relation index = scan->indexRelation;
        const IxbState& state = static_cast<IxbScanOpaque*>(scan->opaque)->state;
        int64 total = 0;

        // Counted like every built-in method's scan (pg_stat_*_indexes.idx_scan).
        ixpg::pg_call([&] { pgstat_count_index_scan(index); });
        Predicate pred;
        bool satisfiable = true;
        ixpg::pg_call([&] { satisfiable = build_predicate(scan, state, pred); });
        if (!satisfiable)
            return total;

        // Distinct bits, ascending, so each slice page is read once per group.
        ixpg::pvector<uint16> bits(pred.bits.begin(), pred.bits.end());
        std::sort(bits.begin(), bits.end());
        bits.erase(std::unique(bits.begin(), bits.end()), bits.end());

        const uint32 cap = bl::max_group_capacity(kPageBytes);
        // One more slice than the predicate's: the dead slice.
        ixpg::pvector<uint8> arena(static_cast<std::size_t>(bits.size() + 1) * (cap / 8) + 8);
        ixpg::pvector<uint8*> slice_of(static_cast<std::size_t>(state.shape.bits) + 1, nullptr);
        ixpg::pvector<uint64> cand(cap / 64), scratch(2 * (cap / 64));
        ixpg::pvector<ItemPointerData> tidbuf(std::max<std::size_t>(1024, entries_per_page(state.shape.bits)));
        bool standby = false;
        ixpg::pg_call([&] { standby = RecoveryInProgress(); });
        const GroupScan s{index,       scan->xs_snapshot, &state.shape,  &pred,        bits.data(),
                          static_cast<int>(bits.size()), slice_of.data(), arena.data(), cand.data(),
                          scratch.data(), tidbuf.data(),     tbm,          standby};

        // Scans hold the fold lock in share mode: no fold or VACUUM can move
        // rows between the buffer and the groups under our feet.
        // (If an error escapes, transaction abort releases the lock.)
        ixpg::pg_call([&] { lock_fold(index, ShareLock); });
        // On a hot standby the primary's folds and merges replay without the
        // fold lock.  Folds only append groups, so a rescan after one needs
        // just the groups added since; a merge replaces and removes groups
        // and recycles their pages, so a rescan after one reads them all.
        // A TID seen twice, or a stray TID read from a recycled page, is
        // harmless in a lossy bitmap; a row missed is caught by the rescan.
        uint32 scanned = 0;
        uint32 merges_scanned = 0;  // the merge counter of the directory scanned so far
        for (int attempt = 0;; ++attempt) {
            if (attempt == 1000)
                ixpg::pg_call([&] {
                    ereport(ERROR,
                            (errcode(ERRCODE_INDEX_CORRUPTED),
                             errmsg("index \"%s\" keeps changing under the scan, or its insert buffer chain is broken",
                                    RelationGetRelationName(index)),
                             errhint("REINDEX the index if this persists.")));
                });
            IxbMeta meta;
            IxbGroup* groups = nullptr;
            uint32 ngroups = 0;
            bool listed = true;
            ixpg::pg_call([&] {
                meta = read_meta(index, s.snapshot);
                groups = read_groups(index, meta, &ngroups, s.snapshot, nullptr, s.standby ? &listed : nullptr);
            });
            if (meta.merges != merges_scanned)
                scanned = 0;
            merges_scanned = meta.merges;
            bool changed = !listed;
            uint32 i = scanned;
            for (; i < ngroups && !changed; ++i) {
                ixpg::pg_call([&] {
                    CHECK_FOR_INTERRUPTS();
                    total += scan_group(s, groups[i], &changed);
                });
            }
            if (changed) {
                // Replayed changes, or damage?  If neither counter moved, the
                // checked reads report the damage.
                bool moved = false;
                ixpg::pg_call([&] {
                    const IxbMeta now = read_meta(index);
                    moved = now.folds != meta.folds || now.merges != meta.merges;
                    if (!moved && !listed)
                        read_groups(index, meta, &ngroups, s.snapshot);
                    if (!moved && listed) {
                        GroupScan strict = s;
                        strict.standby = false;
                        total += scan_group(strict, groups[i - 1], &changed);
                    }
                });
                // The group that failed is read again, unless the checked read
                // found it sound after all.
                if (listed)
                    scanned = moved ? i - 1 : i;
                continue;
            }
            scanned = ngroups;
            bool consistent = false;
            ixpg::pg_call([&] {
                // On a primary the fold lock already rules out a fold or a
                // merge.  On a standby the counters are read after the buffer
                // walk, so that one read covers the groups and the buffer: a
                // fold replayed during the walk can hand its freed pages to a
                // new tail that the walk then takes for the old chain.
                consistent = scan_buffer(s, meta, &total);
                if (consistent && s.standby) {
                    const IxbMeta now = read_meta(index);
                    consistent = now.folds == meta.folds && now.merges == meta.merges;
                }
            });
            if (consistent)
                break;
        }
        ixpg::pg_call([&] { unlock_fold(index, ShareLock); });
        return total;
    });
}

}  // namespace ixbloom
