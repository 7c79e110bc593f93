// ordered_scan.cpp — amgettuple: rows in the index's order, forward and
// backward, with mark and restore (docs/ixbrin.md, "Ordered scans").
//
// Every summary is read once, at the first row: the ranges that can hold a
// match, with the first and last key of the first column each can hold.
// Rows then come from a pass (ordered_pass.cpp) in the direction asked
// for.  Rows are ordered by their keys and then their TID, so the row
// returned last is a position: when the direction changes, or a restore
// finds nothing stored, a new pass starts right after it in the new
// direction.  Nothing is kept of the rows returned, except from the first
// mark on: as the Materialize node does for a merge join, the rows since
// the oldest mark are kept in a tuplestore (work_mem, then disk) and
// trimmed at each mark, so that a restore reads them again.
#include "ixbrin/ordered_pass.hpp"

IXPG_BEGIN_C_HEADERS
#include "catalog/index.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "utils/datum.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"
IXPG_END_C_HEADERS

#include "pg/longjmp_safe.hpp"

namespace ixbrin {

namespace {

// Where the scan stands, in the index's order.
enum class Where : uint8 { Unpositioned, BeforeFirst, AtRow, AfterLast };

}  // namespace

struct OrderedScan {
    ScanShared sh;
    MemoryContext scan_cxt;    // the ranges, heap access
    MemoryContext pass_cxt;    // the current pass: reset when another starts
    Pass* pass;
    int pass_sign;

    Where where;
    RowKey cur;                // AtRow: the row returned last (or the mark restored)

    MemoryContext mark_cxt;    // the marked position's copy
    bool has_mark;
    Where mark_where;
    RowKey mark;
    Tuplestorestate* store;    // the rows since the oldest mark (NULL: none kept)
    int store_sign;            // the direction they were produced in (0: not yet known)
    int mark_ptr;
    TupleTableSlot* store_slot;
    TupleTableSlot* put_slot;
};

namespace {

// A copy of a row in cxt.
RowKey copy_position(const IndexOps* ops, MemoryContext cxt, const RowKey& row) {
    MemoryContext old = MemoryContextSwitchTo(cxt);
    Datum* values = static_cast<Datum*>(palloc(sizeof(Datum) * ops->ncols));
    bool* isnull = static_cast<bool*>(palloc(sizeof(bool) * ops->ncols));
    for (int i = 0; i < ops->ncols; ++i) {
        isnull[i] = row.isnull[i];
        values[i] = row.isnull[i] ? Datum(0) : datumCopy(row.values[i], ops->cols[i].typbyval, ops->cols[i].typlen);
    }
    MemoryContextSwitchTo(old);
    return RowKey{values, isnull, row.tid};
}

// The first and last key of column 0 a summary can hold, in the index's
// order (NULL included).  A bloom first column has no bounds.
void summary_bounds(const IndexOps* ops, const Summary* s, Key0* lo, Key0* hi) {
    const ColumnOps& c = ops->cols[0];
    const ColumnSummary& cs = s->cols[0];
    *lo = *hi = Key0{true, false, Datum(0)};
    if (c.kind == Kind::Bloom)
        return;
    Key0 cand[3];
    int n = 0;
    if (cs.has_values) {
        cand[n++] = Key0{false, false, c.kind == Kind::Multi ? cs.lo[0] : cs.min};
        cand[n++] = Key0{false, false, c.kind == Kind::Multi ? cs.hi[cs.n - 1] : cs.max};
    }
    if (cs.has_nulls)
        cand[n++] = Key0{false, true, Datum(0)};
    for (int i = 0; i < n; ++i) {
        if (i == 0 || compare_key0(ops, 1, cand[i], *lo) < 0)
            *lo = cand[i];
        if (i == 0 || compare_key0(ops, 1, cand[i], *hi) > 0)
            *hi = cand[i];
    }
}

Key0 copy_key0(const ColumnOps& c, const Key0& k) {
    if (k.unbounded || k.isnull)
        return k;
    return Key0{false, false, datumCopy(k.value, c.typbyval, c.typlen)};
}

struct RangeCollect {
    const IndexOps* ops;
    const PreparedKeys* keys;
    MemoryContext cxt;  // the scan's, for the ranges' bounds
    RangeRef* ranges;
    int n;
};

void collect_range(void* arg, uint64 range, const Summary* s) {
    RangeCollect* a = static_cast<RangeCollect*>(arg);
    RangeRef ref{range, false, Key0{true, false, Datum(0)}, Key0{true, false, Datum(0)}};
    if (s != nullptr) {  // (NULL: desummarized meanwhile: unbounded, read whole)
        if (summary_is_empty(s) || !summary_matches(a->ops, s, a->keys))
            return;
        Key0 lo, hi;
        summary_bounds(a->ops, s, &lo, &hi);
        // Copies in the scan's memory: s is freed when this returns.
        MemoryContext old = MemoryContextSwitchTo(a->cxt);
        ref.lo = copy_key0(a->ops->cols[0], lo);
        ref.hi = copy_key0(a->ops->cols[0], hi);
        MemoryContextSwitchTo(old);
        ref.sorted = s->sorted;
    }
    a->ranges[a->n++] = ref;
}

// Every range that can hold a match, with its bounds (in CurrentMemoryContext).
void read_ranges(OrderedScan* os, IndexScanDesc scan) {
    Relation index = scan->indexRelation;
    uint64 nranges = 0;
    const MapEntry* entries = read_heap_entries(index, os->sh.heap_blocks, scan->xs_snapshot, &nranges);
    RangeCollect rc{os->sh.ops, os->sh.keys, CurrentMemoryContext,
                    static_cast<RangeRef*>(palloc_extended(sizeof(RangeRef) * (nranges > 0 ? nranges : 1), MCXT_ALLOC_HUGE)),
                    0};
    for (uint64 r = 0; r < nranges; ++r)
        if (!entry_usable(entries[r]) && (entries[r].flags & kEntryDesummarized))
            collect_range(&rc, r, nullptr);  // rows, and no summary: unbounded
    for_each_summary(index, os->sh.ops, entries, nranges, 1, scan->xs_snapshot, true, collect_range, &rc);
    os->sh.ranges = rc.ranges;
    os->sh.nranges = rc.n;
}

// A new pass in direction sign, from where the scan stands.
void start_pass(OrderedScan* os, int sign) {
    RowKey after;
    const bool from_row = os->where == Where::AtRow;
    if (from_row)
        after = copy_position(os->sh.ops, os->scan_cxt, os->cur);  // cur may live in the old pass
    if (os->pass != nullptr)
        pass_end(os->pass);
    os->pass = nullptr;
    MemoryContextReset(os->pass_cxt);
    MemoryContext old = MemoryContextSwitchTo(os->pass_cxt);
    os->pass = pass_begin(&os->sh, sign, from_row ? &after : nullptr);
    MemoryContextSwitchTo(old);
    os->pass_sign = sign;
    if (from_row) {
        for (int i = 0; i < os->sh.ops->ncols; ++i)
            if (!after.isnull[i] && !os->sh.ops->cols[i].typbyval)
                pfree(DatumGetPointer(after.values[i]));
        pfree(const_cast<Datum*>(after.values));
        pfree(const_cast<bool*>(after.isnull));
        os->where = Where::Unpositioned;  // cur is gone with the old pass; the next row sets it
    }
    // What is stored was produced in one direction: it serves a pass that
    // goes on in that direction from the stored rows' end.
    if (os->store != nullptr) {
        if (os->store_sign == 0)
            os->store_sign = sign;
        else if (os->store_sign != sign) {
            tuplestore_end(os->store);
            os->store = nullptr;
        }
    }
}

void put_stored(OrderedScan* os, const RowKey& row) {
    TupleTableSlot* slot = os->put_slot;
    const int n = os->sh.ops->ncols;
    ExecClearTuple(slot);
    for (int i = 0; i < n; ++i) {
        slot->tts_values[i] = row.values[i];
        slot->tts_isnull[i] = row.isnull[i];
    }
    slot->tts_values[n] = Int64GetDatum(pack_tid(row.tid));
    slot->tts_isnull[n] = false;
    ExecStoreVirtualTuple(slot);
    tuplestore_puttupleslot(os->store, slot);
}

}  // namespace

OrderedScan* ordered_begin(IndexScanDesc scan, ScanOpaque* so) {
    Relation index = scan->indexRelation;
    OrderedScan* os = static_cast<OrderedScan*>(palloc0(sizeof(OrderedScan)));
    os->scan_cxt = CurrentMemoryContext;
    os->pass_cxt = AllocSetContextCreate(os->scan_cxt, "ixbrin ordered pass", ALLOCSET_DEFAULT_SIZES);
    os->mark_cxt = AllocSetContextCreate(os->scan_cxt, "ixbrin ordered mark", ALLOCSET_SMALL_SIZES);
    os->where = Where::Unpositioned;

    ScanShared& sh = os->sh;
    sh.scan = scan;
    sh.ops = &so->ops;
    sh.keys = so->keys;
    sh.heap_blocks = RelationGetNumberOfBlocks(scan->heapRelation);
    read_ranges(os, scan);

    const int n = so->ops.ncols;
    sh.row_desc = CreateTemplateTupleDesc(n + 1);
    for (int i = 0; i < n; ++i)
        TupleDescInitEntry(sh.row_desc, static_cast<AttrNumber>(i + 1), nullptr, so->ops.cols[i].type, -1, 0);
    TupleDescInitEntry(sh.row_desc, static_cast<AttrNumber>(n + 1), nullptr, INT8OID, -1, 0);

    // The heap rows' index columns, computed as at insert.
    sh.heap_slot = table_slot_create(scan->heapRelation, nullptr);
    sh.estate = CreateExecutorState();
    sh.index_info = BuildIndexInfo(index);
    sh.predicate = sh.index_info->ii_Predicate != NIL ? ExecPrepareQual(sh.index_info->ii_Predicate, sh.estate)
                                                        : nullptr;
    return os;
}

bool ordered_next(OrderedScan* os, ScanDirection dir, ItemPointer tid) {
    const int sign = ScanDirectionIsBackward(dir) ? -1 : 1;
    // After a restore: the stored rows first.
    if (os->store != nullptr && os->store_sign == sign && !tuplestore_ateof(os->store)) {
        if (tuplestore_gettupleslot(os->store, true, false, os->store_slot)) {
            slot_getallattrs(os->store_slot);
            os->cur = RowKey{os->store_slot->tts_values, os->store_slot->tts_isnull, {}};
            unpack_tid(DatumGetInt64(os->store_slot->tts_values[os->sh.ops->ncols]), &os->cur.tid);
            os->where = Where::AtRow;
            *tid = os->cur.tid;
            return true;
        }
    }
    if (os->pass == nullptr || os->pass_sign != sign) {
        if ((os->where == Where::AfterLast && sign > 0) || (os->where == Where::BeforeFirst && sign < 0))
            return false;
        start_pass(os, sign);
    }
    RowKey row;
    if (!pass_next(os->pass, &row)) {
        os->where = sign > 0 ? Where::AfterLast : Where::BeforeFirst;
        return false;
    }
    if (os->store != nullptr)
        put_stored(os, row);
    os->cur = row;
    os->where = Where::AtRow;
    *tid = row.tid;
    return true;
}

void ordered_mark(OrderedScan* os) {
    MemoryContextReset(os->mark_cxt);
    os->has_mark = true;
    os->mark_where = os->where;
    if (os->where == Where::AtRow) {
        os->mark = copy_position(os->sh.ops, os->mark_cxt, os->cur);
        os->cur = os->mark;  // (the trim below may free what cur pointed to)
    }
    if (os->store == nullptr) {
        MemoryContext old = MemoryContextSwitchTo(os->scan_cxt);
        os->store = tuplestore_begin_heap(false, false, work_mem);
        tuplestore_set_eflags(os->store, 0);  // no rewind: trimmed at each mark
        os->mark_ptr = tuplestore_alloc_read_pointer(os->store, 0);
        if (os->store_slot == nullptr) {
            os->store_slot = MakeSingleTupleTableSlot(os->sh.row_desc, &TTSOpsMinimalTuple);
            os->put_slot = MakeSingleTupleTableSlot(os->sh.row_desc, &TTSOpsVirtual);
        }
        MemoryContextSwitchTo(old);
        os->store_sign = os->pass != nullptr ? os->pass_sign : 0;
    } else {
        tuplestore_copy_read_pointer(os->store, 0, os->mark_ptr);
        tuplestore_trim(os->store);
    }
}

void ordered_restore(OrderedScan* os) {
    if (!os->has_mark)
        elog(ERROR, "ixbrin: restore without a mark");
    os->where = os->mark_where;
    if (os->where == Where::AtRow)
        os->cur = os->mark;
    if (os->store != nullptr) {
        tuplestore_copy_read_pointer(os->store, os->mark_ptr, 0);
        return;
    }
    // Nothing stored (the direction changed since): the next row starts a
    // pass from the mark.
    if (os->pass != nullptr)
        pass_end(os->pass);
    os->pass = nullptr;
    MemoryContextReset(os->pass_cxt);
}

void ordered_end(OrderedScan* os) {
    if (os->pass != nullptr)
        pass_end(os->pass);
    if (os->store != nullptr)
        tuplestore_end(os->store);
    if (os->store_slot != nullptr) {
        ExecDropSingleTupleTableSlot(os->store_slot);
        ExecDropSingleTupleTableSlot(os->put_slot);
    }
    ExecDropSingleTupleTableSlot(os->sh.heap_slot);
    FreeExecutorState(os->sh.estate);
    MemoryContextDelete(os->pass_cxt);
    MemoryContextDelete(os->mark_cxt);
}

}  // namespace ixbrin
