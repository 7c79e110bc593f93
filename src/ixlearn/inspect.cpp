// inspect.cpp — ixlearn_stats(index): the model and the leaves in one row;
// ixlearn_check(index, heapallindexed): an amcheck-style verifier that
// raises index_corrupted at the first broken invariant; ixlearn_retrain(
// index): build the model of the leaves as they are now.  The first two
// are for superusers and members of pg_stat_scan_tables (as amcheck and
// pgstattuple are); retrain for the table's owner (as REINDEX is).
#include "ixlearn/ixlearn.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/relation.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xlog.h"
#include "catalog/index.h"
#include "funcapi.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"
IXPG_END_C_HEADERS

#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixlearn {

namespace {

Relation open_ixlearn(Oid relid, LOCKMODE mode) {
    Relation rel = relation_open(relid, mode);
    if (rel->rd_rel->relkind != RELKIND_INDEX || rel->rd_indam == nullptr || rel->rd_indam->ambuild != build)
        ereport(ERROR, (errcode(ERRCODE_WRONG_OBJECT_TYPE),
                        errmsg("\"%s\" is not an ixlearn index", RelationGetRelationName(rel))));
    if (RELATION_IS_OTHER_TEMP(rel))
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("cannot access temporary indexes of other sessions")));
    if (!rel->rd_index->indisvalid)
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("index \"%s\" is not valid", RelationGetRelationName(rel)),
                        errhint("REINDEX it first.")));
    return rel;
}

// The error of open_ixlearn for a relation that is no index at all.
[[noreturn]] void not_an_ixlearn_index(Oid relid) {
    const char* name = get_rel_name(relid);
    if (name == nullptr)
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE), errmsg("relation with OID %u does not exist", relid)));
    ereport(ERROR, (errcode(ERRCODE_WRONG_OBJECT_TYPE), errmsg("\"%s\" is not an ixlearn index", name)));
}

[[noreturn]] void corrupt(Relation index, BlockNumber blkno, const char* what) {
    ixpg::report_index_damage(index, blkno, "leaf chain", "%s", what);
}

// ---- heapallindexed: each visible heap row found by an index lookup ----------

struct HeapCheck {
    Relation index;
    const Shape* shape;
    uint64* words;
    lc::LeafView* view;
    int64 rows;
};

bool entry_present(Relation index, const Shape& s, const uint64* key, lc::LeafView* view) {
    const lc::LeafShape& ls = s.leaf;
    BlockNumber blkno;
    Buffer buf = land(index, lc::Pos{static_cast<uint8>(key[0]), key[1], key[2]}, lc::Probe::Before, LeafLock::Share,
                      view, &blkno);
    for (BlockNumber steps = 0;; ++steps) {
        if (lc::compare_to_bound(ls, key, view->high()) >= 0 && page_opaque(BufferGetPage(buf))->next != InvalidBlockNumber &&
            steps <= RelationGetNumberOfBlocks(index)) {
            const BlockNumber next = page_opaque(BufferGetPage(buf))->next;
            UnlockReleaseBuffer(buf);
            buf = read_leaf_right(index, next, LeafLock::Share, view, &blkno);
            continue;
        }
        bool found = false;
        uint32 lo = 0, hi = view->size();
        while (lo < hi && !found) {
            const uint32 mid = lo + (hi - lo) / 2;
            int c = 0;
            for (uint32 w = 0; w < ls.key_words() && c == 0; ++w) {
                const uint64 v = view->word(mid, w);
                c = v < key[w] ? -1 : v > key[w] ? 1 : 0;
            }
            if (c == 0) found = true;
            else if (c < 0) lo = mid + 1;
            else hi = mid;
        }
        for (uint32 k = 0; k < view->pending() && !found; ++k) {
            bool same = true;
            for (uint32 w = 0; w < ls.key_words() && same; ++w) same = view->pending_word(k, w) == key[w];
            found = same;
        }
        UnlockReleaseBuffer(buf);
        return found;
    }
}

void heap_check_callback(Relation, ItemPointer tid, Datum* values, bool* isnull, bool, void* arg) {
    HeapCheck* hc = static_cast<HeapCheck*>(arg);
    uint8* include;
    uint32 include_len;
    entry_from_row(hc->index, *hc->shape, values, isnull, tid, hc->words, &include, &include_len);
    if (!entry_present(hc->index, *hc->shape, hc->words, hc->view))
        ereport(ERROR, (errcode(ERRCODE_INDEX_CORRUPTED),
                        errmsg("heap row (%u,%u) is missing from index \"%s\"", ItemPointerGetBlockNumber(tid),
                               ItemPointerGetOffsetNumber(tid), RelationGetRelationName(hc->index)),
                        errhint("REINDEX the index.")));
    if (include != nullptr) pfree(include);
    hc->rows++;
}

void check_heap(Relation heap, Relation index) {
    Snapshot snapshot = RegisterSnapshot(GetTransactionSnapshot());
    TableScanDesc scan = table_beginscan_strat(heap, snapshot, 0, nullptr, true, false);
    IndexInfo* info = BuildIndexInfo(index);
    info->ii_Concurrent = true;  // an MVCC snapshot: visible rows only, as amcheck does
    HeapCheck hc{index, &index_shape(index), nullptr, nullptr, 0};
    hc.words = static_cast<uint64*>(palloc(sizeof(uint64) * hc.shape->leaf.stride()));
    hc.view = static_cast<lc::LeafView*>(palloc(sizeof(lc::LeafView)));
    table_index_build_scan(heap, index, info, true, false, heap_check_callback, &hc, scan);
    UnregisterSnapshot(snapshot);
}

// ---- the chain and the model -----------------------------------------------------

// Whether leaf `to`, reached through leaf `from`'s right link, has a left
// link that is wrong.  The walk read the two leaves one at a time; a split
// of `from` in between puts a new page left of `to` (and VACUUM may have
// unlinked `from`), so a mismatch is damage only if it is still there with
// both leaves locked, left then right (the order every split locks in, so
// this cannot deadlock).
bool left_link_broken(Relation index, BlockNumber from, BlockNumber to) {
    Buffer lbuf = ReadBuffer(index, from);
    LockBuffer(lbuf, BUFFER_LOCK_SHARE);
    Buffer rbuf = ReadBuffer(index, to);
    LockBuffer(rbuf, BUFFER_LOCK_SHARE);
    ixpg::check_page_kind(index, from, BufferGetPage(lbuf), kPages, kPageLeaf | kPageUnlinked);
    ixpg::check_page_kind(index, to, BufferGetPage(rbuf), kPages, kPageLeaf | kPageUnlinked);
    // (A leaf unlinked since keeps its right link, and is no longer named.)
    const bool broken = ixpg::page_is(BufferGetPage(lbuf), kPages, kPageLeaf) &&
                        page_opaque(BufferGetPage(lbuf))->next == to && page_opaque(BufferGetPage(rbuf))->left != from;
    UnlockReleaseBuffer(rbuf);
    UnlockReleaseBuffer(lbuf);
    return broken;
}

void check_index(Relation index) {
    const Shape& s = index_shape(index);
    const lc::LeafShape& ls = s.leaf;
    const IxlMeta meta = read_meta(index);
    if (meta.nkeys != ls.nkeys || meta.natts != s.natts)
        ixpg::report_index_damage(index, ixpg::kMetaBlock, "metapage", "it has %u key columns of %u, the catalog %u of %u",
                                  meta.nkeys, meta.natts, ls.nkeys, s.natts);
    refresh_model(index);
    const lc::DirectoryView& dir = index_cache(index)->dir;
    BlockNumber nblocks = RelationGetNumberOfBlocks(index);

    lc::LeafView* view = static_cast<lc::LeafView*>(palloc(sizeof(lc::LeafView)));
    lc::Bound prev_high;
    std::memset(&prev_high, 0, sizeof prev_high);
    prev_high.kind = lc::BoundKind::MinusInf;
    BlockNumber prev = InvalidBlockNumber;
    BlockNumber blkno = meta.leftmost;
    // The model's entries are checked along the chain while it is the
    // current one (a retrain during the walk replaces it, and may free the
    // unlinked leaves it lists).
    const uint32 version = index_cache(index)->model_version;
    bool model_current = true;
    auto model_fault = [&](BlockNumber at, const char* what) {
        if (read_meta(index).model_version != version)
            model_current = false;
        else
            ixpg::report_index_damage(index, at, "model", "%s", what);
    };
    uint32 j = 0;  // the next directory entry expected along the chain
    for (BlockNumber steps = 0; blkno != InvalidBlockNumber; ++steps) {
        CHECK_FOR_INTERRUPTS();
        // (Concurrent splits add pages: the size is read again before a
        // walk longer than the index is called a loop.)
        if (steps > nblocks && steps > (nblocks = RelationGetNumberOfBlocks(index)))
            corrupt(index, blkno, "the right links form a loop");
        Buffer buf = read_leaf_right(index, blkno, LeafLock::Share, view, &blkno);
        if (prev == InvalidBlockNumber) {
            if (!lc::same_bound(ls, view->low(), prev_high))
                corrupt(index, blkno, "its low bound is not the high bound of the leaf before it");
        } else {
            buf = checked_right_step(index, prev, prev_high, &blkno, buf, LeafLock::Share, view);
        }
        LeafData d;
        decode_leaf(index, blkno, *view, 0, &d);  // order within the leaf and against its bounds
        const IxlPageOpaque* op = page_opaque(BufferGetPage(buf));
        const BlockNumber left = op->left;
        const BlockNumber next = op->next;
        const lc::DirEntry here = low_entry(view->low(), blkno);
        const lc::DirEntry end = low_entry(view->high(), InvalidBlockNumber);
        prev_high = view->high();
        UnlockReleaseBuffer(buf);

        // The model's entries up to here: this leaf, or leaves VACUUM has
        // unlinked since the model was trained, whose ranges went right:
        // into this leaf (so they start below its end) or past it.  (An
        // entry that starts below this leaf's end and is still a leaf may
        // be one right of this with the same first column: it must come
        // up later in the chain.)
        while (model_current && j < dir.size() && dir.entry(j).block != blkno &&
               lc::compare_entries(dir.entry(j), end) < 0 && leaf_unlinked(index, dir.entry(j).block))
            ++j;
        if (model_current && j < dir.size() && dir.entry(j).block == blkno) {
            // (The leaf's low bound may have dropped since: it took over an
            // unlinked leaf's range, and may since have split below the low
            // bound the model has.)
            if (lc::compare_entries(here, dir.entry(j)) > 0)
                model_fault(blkno, "it lists a leaf with another low bound");
            ++j;
        }
        if (left != prev && (prev == InvalidBlockNumber || left_link_broken(index, prev, blkno)))
            corrupt(index, blkno, "its left link does not name the leaf before it in the chain");
        if (next == InvalidBlockNumber && prev_high.kind != lc::BoundKind::PlusInf)
            corrupt(index, blkno, "the rightmost leaf's high bound is not +infinity");
        prev = blkno;
        blkno = next;
    }
    if (model_current && j != dir.size())
        model_fault(meta.model_head, "some leaves it lists are not in the chain in order");
    if (!model_current) return;
    // Every leaf the model lists is found within its error bound.
    for (uint32 k = 0; k < dir.size(); ++k) {
        const lc::DirEntry e = dir.entry(k);
        const lc::Probe probe = e.low_is_column ? lc::Probe::Before : lc::Probe::After;
        uint32 steps;
        const uint32 got = dir.route(e.low, probe, &steps);
        if (dir.entry(got).block != e.block && e.low_is_column)
            ixpg::report_index_damage(index, meta.model_head, "model", "a lookup of leaf %u's low bound ends at leaf %u",
                                      k, got);
    }
}

}  // namespace

}  // namespace ixlearn

extern "C" {
PG_FUNCTION_INFO_V1(ixlearn_stats);
PG_FUNCTION_INFO_V1(ixlearn_check);
PG_FUNCTION_INFO_V1(ixlearn_retrain);

Datum ixlearn_stats(PG_FUNCTION_ARGS) {
    using namespace ixlearn;
    return ixpg::sql_entry([&] {
        Relation index = open_ixlearn(PG_GETARG_OID(0), AccessShareLock);
        refresh_model(index);
        IndexCache* cache = index_cache(index);
        const lc::DirectoryView& dir = cache->dir;
        const IxlMeta meta = read_meta(index);

        // Prediction error of the model over the leaves it lists.
        uint64 max_err = 0;
        double sum_err = 0;
        uint32 run_start = 0;
        for (uint32 j = 0; j < dir.size(); ++j) {
            const lc::DirEntry e = dir.entry(j);
            if (j == 0 || dir.coordinate(e.low) != dir.coordinate(dir.entry(j - 1).low))
                run_start = j;
            const uint32 guess = dir.predict_entry(e.low);
            const uint64 err = guess > run_start ? guess - run_start : run_start - guess;
            if (err > max_err) max_err = err;
            sum_err += static_cast<double>(err);
        }

        // The chain: leaves, fill, entries, steps past the model's leaf.
        const BlockNumber nblocks = RelationGetNumberOfBlocks(index);
        bool* listed = static_cast<bool*>(palloc0(nblocks));
        for (uint32 j = 0; j < dir.size(); ++j)
            if (dir.entry(j).block < nblocks) listed[dir.entry(j).block] = true;
        lc::LeafView* view = static_cast<lc::LeafView*>(palloc(sizeof(lc::LeafView)));
        uint64 leaves = 0, entries = 0, used = 0, steps_sum = 0, steps = 0, steps_max = 0;
        BlockNumber blkno = meta.leftmost;
        while (blkno != InvalidBlockNumber && leaves <= nblocks) {
            CHECK_FOR_INTERRUPTS();
            Buffer buf = read_leaf_right(index, blkno, LeafLock::Share, view, &blkno);
            ++leaves;
            entries += view->total();
            used += view->used_bytes();
            // (A block past nblocks was split off since the walk began.)
            steps = blkno < nblocks && listed[blkno] ? 0 : steps + 1;
            steps_sum += steps;
            if (steps > steps_max) steps_max = steps;
            blkno = page_opaque(BufferGetPage(buf))->next;
            UnlockReleaseBuffer(buf);
        }

        TupleDesc desc;
        if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
            elog(ERROR, "return type must be a row type");
        desc = BlessTupleDesc(desc);
        const int64 index_bytes = static_cast<int64>(nblocks) * BLCKSZ;
        Datum v[15];
        bool n[15] = {};
        v[0] = Int64GetDatum(meta.model_version);
        v[1] = Int32GetDatum(static_cast<int32>(dir.segments()));
        v[2] = Int32GetDatum(static_cast<int32>(dir.epsilon()));
        v[3] = Float8GetDatum(static_cast<double>(max_err));
        v[4] = Float8GetDatum(dir.size() > 0 ? sum_err / dir.size() : 0.0);
        v[5] = Int64GetDatum(static_cast<int64>(leaves));
        v[6] = Int64GetDatum(dir.size());
        v[7] = Int64GetDatum(meta.splits_since_model);
        v[8] = Int64GetDatum(static_cast<int64>(entries));
        v[9] = Float8GetDatum(leaves > 0 ? 100.0 * static_cast<double>(used) / (static_cast<double>(leaves) * kLeafCapacity) : 0.0);
        v[10] = Int32GetDatum(static_cast<int32>(steps_max));
        v[11] = Float8GetDatum(leaves > 0 ? static_cast<double>(steps_sum) / static_cast<double>(leaves) : 0.0);
        v[12] = Float8GetDatum(entries > 0 ? static_cast<double>(index_bytes) / static_cast<double>(entries) : 0.0);
        v[13] = Int64GetDatum(static_cast<int64>(meta.model_bytes));
        v[14] = Int64GetDatum(meta.unlinked_leaves);
        relation_close(index, AccessShareLock);
        return HeapTupleGetDatum(heap_form_tuple(desc, v, n));
    });
}

Datum ixlearn_check(PG_FUNCTION_ARGS) {
    using namespace ixlearn;
    return ixpg::sql_entry([&] {
        const Oid indexoid = PG_GETARG_OID(0);
        const bool heapallindexed = PG_GETARG_BOOL(1);
        const Oid heapoid = IndexGetRelation(indexoid, true);
        if (!OidIsValid(heapoid)) not_an_ixlearn_index(indexoid);
        Relation heap = table_open(heapoid, AccessShareLock);
        Relation index = open_ixlearn(indexoid, AccessShareLock);
        check_index(index);
        if (heapallindexed) check_heap(heap, index);
        relation_close(index, AccessShareLock);
        table_close(heap, AccessShareLock);
        PG_RETURN_VOID();
    });
}

Datum ixlearn_retrain(PG_FUNCTION_ARGS) {
    using namespace ixlearn;
    return ixpg::sql_entry([&] {
        if (RecoveryInProgress())
            ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                            errmsg("recovery is in progress"), errhint("ixlearn_retrain cannot run on a standby.")));
        const Oid indexoid = PG_GETARG_OID(0);
        const Oid heapoid = IndexGetRelation(indexoid, true);
        if (!OidIsValid(heapoid)) not_an_ixlearn_index(indexoid);
        // Excludes VACUUM and another retrain, as VACUUM's own lock does.
        Relation heap = table_open(heapoid, ShareUpdateExclusiveLock);
        if (!pg_class_ownercheck(heapoid, GetUserId()))
            aclcheck_error(ACLCHECK_NOT_OWNER, OBJECT_INDEX, get_rel_name(indexoid));
        Relation index = open_ixlearn(indexoid, RowExclusiveLock);
        retrain(index);
        relation_close(index, RowExclusiveLock);
        table_close(heap, ShareUpdateExclusiveLock);
        PG_RETURN_VOID();
    });
}
}
