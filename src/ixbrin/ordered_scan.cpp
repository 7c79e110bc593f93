// ordered_scan.cpp — amgettuple: rows in the index's order (docs/ixbrin.md,
// "Ordered scans").
//
// Every summary is read first; the ranges whose summaries can hold a match
// are ordered by the first key they can hold (in the scan's direction).
// Rows are read from the heap range by range, with the scan's snapshot,
// into a queue ordered by all the index's columns, and a row leaves the
// queue as soon as no unread range, and no unread part of a range being
// streamed, can hold a row that comes before it.  A range whose rows lie in
// key order in the heap (SORTED) is streamed page by page from the end that
// holds its first keys, so that `ORDER BY ts DESC LIMIT 10` over an
// append-only table reads a page or two.  If the queue outgrows work_mem,
// the remaining rows go through a tuplesort instead (correct, in bounded
// memory, and what the planner's cost avoids).
//
// The rows returned are kept in a tuplestore (work_mem, then disk), as the
// Materialize node keeps its rows, so that cursors can move backward and
// merge joins can mark and restore.
#include "ixbrin/ixbrin.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/relscan.h"
#include "access/tableam.h"
#include "catalog/index.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "executor/tuptable.h"
#include "lib/pairingheap.h"
#include "miscadmin.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/tuplesort.h"
#include "utils/tuplestore.h"
IXPG_END_C_HEADERS

#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixbrin {

namespace {

// node comes first, so that a queue node is its Row (pairingheap's
// container macros do not compile as C++).
struct Row {
    pairingheap_node node;
    ItemPointerData tid;
    Datum* values;
    bool* isnull;
};
static_assert(offsetof(Row, node) == 0, "a queue node is its Row");

const Row* row_of(const pairingheap_node* n) { return reinterpret_cast<const Row*>(n); }
Row* row_of(pairingheap_node* n) { return reinterpret_cast<Row*>(n); }

// A key of the first column, as the bound of what can still come.
struct Key0 {
    bool unbounded;  // anything can come (a desummarized range, a bloom first column)
    bool isnull;
    Datum value;
};

struct RangeRef {
    uint64 range;
    bool sorted;
    Key0 start;  // the first key the range can hold, in output order
};

// A SORTED range being read page by page.
struct Stream {
    BlockNumber next;    // the next page to read
    BlockNumber first;   // the range's pages, [first, end)
    BlockNumber end;
    bool reverse;        // from the last page down
    bool done;
    Key0 frontier;       // no unread row of the range comes before it
    bool owned;          // frontier.value is our copy (freed when it moves on)
};

}  // namespace

struct OrderedScan {
    IndexScanDesc scan;
    const IndexOps* ops;
    const PreparedKeys* keys;
    int sign;                 // +1: the index's order; -1: its reverse
    ScanDirection first_dir;

    RangeRef* ranges;
    int nranges;
    int next_range;
    Stream* streams;
    int nstreams;

    MemoryContext scan_cxt;   // lives as long as the scan
    pairingheap* queue;
    MemoryContext rows_cxt;   // the queued rows: reset whenever the queue empties
    bool sorting;             // past work_mem: rows go to `sort`
    bool sort_done;           // every row is in the sort, and it is sorted
    Tuplesortstate* sort;
    TupleDesc sort_desc;
    TupleTableSlot* sort_slot;

    IndexFetchTableData* fetch;
    TupleTableSlot* heap_slot;
    EState* estate;
    IndexInfo* index_info;
    ExprState* predicate;
    BlockNumber heap_blocks;

    Tuplestorestate* store;   // the rows returned so far
    TupleDesc store_desc;
    TupleTableSlot* store_slot;
    TupleTableSlot* store_put;
    bool eof_underlying;
    int mark_ptr;
};

namespace {

// ---- order ------------------------------------------------------------------------

// Column i of two rows in the index's order (its DESC and NULLS FIRST).
int compare_column(const IndexOps* ops, int i, bool anull, Datum a, bool bnull, Datum b) {
    const ColumnOps& c = ops->cols[i];
    if (anull || bnull) {
        if (anull && bnull)
            return 0;
        return (anull == c.nulls_first) ? -1 : 1;
    }
    const int r = compare_values(c, a, b);
    return c.desc ? -r : r;
}

// Rows in output order.
int compare_rows(const OrderedScan* os, const Row* a, const Row* b) {
    for (int i = 0; i < os->ops->ncols; ++i) {
        const int r = compare_column(os->ops, i, a->isnull[i], a->values[i], b->isnull[i], b->values[i]);
        if (r != 0)
            return r * os->sign;
    }
    return 0;
}

int compare_key0(const OrderedScan* os, const Key0& a, const Key0& b) {
    if (a.unbounded || b.unbounded)
        return a.unbounded == b.unbounded ? 0 : (a.unbounded ? -1 : 1);
    return compare_column(os->ops, 0, a.isnull, a.value, b.isnull, b.value) * os->sign;
}

// pairingheap keeps its greatest element first: "greater" is earlier.
int queue_order(const pairingheap_node* a, const pairingheap_node* b, void* arg) {
    const Row* ra = row_of(a);
    const Row* rb = row_of(b);
    return -compare_rows(static_cast<const OrderedScan*>(arg), ra, rb);
}

int range_order(const void* a, const void* b, void* arg) {
    return compare_key0(static_cast<const OrderedScan*>(arg), static_cast<const RangeRef*>(a)->start,
                        static_cast<const RangeRef*>(b)->start);
}

// The first key of column 0 a summary can hold, in output order.
Key0 range_start(const OrderedScan* os, const Summary* s) {
    const ColumnOps& c = os->ops->cols[0];
    const ColumnSummary& cs = s->cols[0];
    Key0 best{true, false, Datum(0)};
    if (c.kind == Kind::Bloom)
        return best;  // no bounds
    Key0 cand[3];
    int n = 0;
    if (cs.has_values) {
        cand[n++] = Key0{false, false, c.kind == Kind::Multi ? cs.lo[0] : cs.min};
        cand[n++] = Key0{false, false, c.kind == Kind::Multi ? cs.hi[cs.n - 1] : cs.max};
    }
    if (cs.has_nulls)
        cand[n++] = Key0{false, true, Datum(0)};
    for (int i = 0; i < n; ++i)
        if (i == 0 || compare_key0(os, cand[i], best) < 0)
            best = cand[i];
    return best;
}

// ---- rows --------------------------------------------------------------------------

void to_sort(OrderedScan* os, const Row* r) {
    TupleTableSlot* slot = os->sort_slot;
    ExecClearTuple(slot);
    for (int i = 0; i < os->ops->ncols; ++i) {
        slot->tts_values[i] = r->values[i];
        slot->tts_isnull[i] = r->isnull[i];
    }
    uint64 packed = (static_cast<uint64>(ItemPointerGetBlockNumber(&r->tid)) << 16) | ItemPointerGetOffsetNumber(&r->tid);
    slot->tts_values[os->ops->ncols] = Int64GetDatum(static_cast<int64>(packed));
    slot->tts_isnull[os->ops->ncols] = false;
    ExecStoreVirtualTuple(slot);
    tuplesort_puttupleslot(os->sort, slot);
}

// From here on, rows go through a tuplesort (the queue would pass work_mem).
void start_sorting(OrderedScan* os) {
    MemoryContext old = MemoryContextSwitchTo(os->scan_cxt);
    const int n = os->ops->ncols;
    Relation index = os->scan->indexRelation;
    os->sort_desc = CreateTemplateTupleDesc(n + 1);
    AttrNumber* attnums = static_cast<AttrNumber*>(palloc(sizeof(AttrNumber) * n));
    Oid* operators = static_cast<Oid*>(palloc(sizeof(Oid) * n));
    Oid* collations = static_cast<Oid*>(palloc(sizeof(Oid) * n));
    bool* nulls_first = static_cast<bool*>(palloc(sizeof(bool) * n));
    for (int i = 0; i < n; ++i) {
        const ColumnOps& c = os->ops->cols[i];
        TupleDescInitEntry(os->sort_desc, static_cast<AttrNumber>(i + 1), nullptr, c.type, -1, 0);
        attnums[i] = static_cast<AttrNumber>(i + 1);
        const bool descending = c.desc != (os->sign < 0);
        const Oid intype = index->rd_opcintype[i];
        operators[i] = get_opfamily_member(c.opfamily, intype, intype,
                                           descending ? BTGreaterStrategyNumber : BTLessStrategyNumber);
        if (!OidIsValid(operators[i]))
            elog(ERROR, "ixbrin: operator family %u has no ordering operator for type %u", c.opfamily, intype);
        collations[i] = c.collation;
        nulls_first[i] = c.nulls_first != (os->sign < 0);
    }
    TupleDescInitEntry(os->sort_desc, static_cast<AttrNumber>(n + 1), nullptr, INT8OID, -1, 0);
    os->sort_slot = MakeSingleTupleTableSlot(os->sort_desc, &TTSOpsVirtual);
    os->sort = tuplesort_begin_heap(os->sort_desc, n, attnums, operators, collations, nulls_first, work_mem, nullptr,
                                    TUPLESORT_NONE);
    while (!pairingheap_is_empty(os->queue))
        to_sort(os, row_of(pairingheap_remove_first(os->queue)));
    MemoryContextReset(os->rows_cxt);
    os->sorting = true;
    MemoryContextSwitchTo(old);
}

// Queue (or sort) one row: its key values are copied.
void push_row(OrderedScan* os, const ItemPointerData& tid, const Datum* values, const bool* isnull) {
    if (os->sorting) {
        Row tmp;
        tmp.tid = tid;
        tmp.values = const_cast<Datum*>(values);
        tmp.isnull = const_cast<bool*>(isnull);
        to_sort(os, &tmp);
        return;
    }
    MemoryContext old = MemoryContextSwitchTo(os->rows_cxt);
    Row* r = static_cast<Row*>(palloc(sizeof(Row)));
    const int n = os->ops->ncols;
    r->tid = tid;
    r->values = static_cast<Datum*>(palloc(sizeof(Datum) * n));
    r->isnull = static_cast<bool*>(palloc(sizeof(bool) * n));
    for (int i = 0; i < n; ++i) {
        r->isnull[i] = isnull[i];
        r->values[i] = isnull[i] ? Datum(0) : datumCopy(values[i], os->ops->cols[i].typbyval, os->ops->cols[i].typlen);
    }
    MemoryContextSwitchTo(old);
    pairingheap_add(os->queue, &r->node);
}

// Read the visible rows of one heap page that match the keys (and the
// index's predicate), as their HOT chains' root TIDs; a stream's frontier
// follows the last key read.
void read_page(OrderedScan* os, BlockNumber blk, bool reverse, Stream* stream) {
    CHECK_FOR_INTERRUPTS();
    Datum values[INDEX_MAX_KEYS];
    bool isnull[INDEX_MAX_KEYS];
    ExprContext* econtext = GetPerTupleExprContext(os->estate);
    for (int k = 0; k < MaxHeapTuplesPerPage; ++k) {
        const OffsetNumber off = static_cast<OffsetNumber>(reverse ? MaxHeapTuplesPerPage - k : k + 1);
        ItemPointerData tid;
        ItemPointerSet(&tid, blk, off);
        bool call_again = false;
        bool all_dead = false;
        if (!table_index_fetch_tuple(os->fetch, &tid, os->scan->xs_snapshot, os->heap_slot, &call_again, &all_dead))
            continue;
        ResetExprContext(econtext);
        econtext->ecxt_scantuple = os->heap_slot;
        if (os->predicate != nullptr && !ExecQual(os->predicate, econtext))
            continue;
        FormIndexDatum(os->index_info, os->heap_slot, os->estate, values, isnull);
        if (!row_matches(os->ops, os->keys, values, isnull))
            continue;
        ItemPointerSet(&tid, blk, off);  // the chain's root, what the executor fetches again
        push_row(os, tid, values, isnull);
        if (stream != nullptr && !isnull[0]) {
            const ColumnOps& c0 = os->ops->cols[0];
            if (stream->owned && !c0.typbyval)
                pfree(DatumGetPointer(stream->frontier.value));
            MemoryContext old = MemoryContextSwitchTo(os->scan_cxt);
            stream->frontier.unbounded = false;
            stream->frontier.isnull = false;
            stream->frontier.value = datumCopy(values[0], c0.typbyval, c0.typlen);
            stream->owned = true;
            MemoryContextSwitchTo(old);
        }
    }
    if (!os->sorting && MemoryContextMemAllocated(os->rows_cxt, true) > static_cast<Size>(work_mem) * 1024)
        start_sorting(os);
}

void open_next_range(OrderedScan* os) {
    const RangeRef& r = os->ranges[os->next_range++];
    const BlockNumber first = static_cast<BlockNumber>(r.range * os->ops->pages_per_range);
    BlockNumber end = first + os->ops->pages_per_range;
    if (end > os->heap_blocks || end < first)
        end = os->heap_blocks;
    if (first >= end)
        return;
    if (r.sorted && !os->sorting) {
        // Stream it: from its first page when its keys ascend the way the
        // scan goes, else from its last.
        const bool reverse = os->ops->cols[0].desc != (os->sign < 0);
        Stream st;
        st.first = first;
        st.end = end;
        st.reverse = reverse;
        st.next = reverse ? end - 1 : first;
        st.done = false;
        st.frontier = r.start;
        st.owned = false;
        os->streams[os->nstreams++] = st;
        return;
    }
    for (BlockNumber b = first; b < end; ++b)
        read_page(os, b, false, nullptr);
}

void advance_stream(OrderedScan* os, Stream* st) {
    read_page(os, st->next, st->reverse, st);
    if (st->reverse) {
        if (st->next == st->first)
            st->done = true;
        else
            --st->next;
    } else if (++st->next == st->end) {
        st->done = true;
    }
}

// Everything not read yet, into the sort (past work_mem).
void read_everything(OrderedScan* os) {
    for (int i = 0; i < os->nstreams; ++i)
        while (!os->streams[i].done)
            advance_stream(os, &os->streams[i]);
    os->nstreams = 0;
    while (os->next_range < os->nranges)
        open_next_range(os);
    for (int i = 0; i < os->nstreams; ++i)  // (ranges opened while sorting are not streamed)
        while (!os->streams[i].done)
            advance_stream(os, &os->streams[i]);
    os->nstreams = 0;
}

// The next row in output order, or false at the end.
bool produce(OrderedScan* os, ItemPointer tid) {
    for (;;) {
        if (os->sorting) {
            if (!os->sort_done) {
                read_everything(os);
                tuplesort_performsort(os->sort);
                os->sort_done = true;
            }
            if (!tuplesort_gettupleslot(os->sort, true, false, os->sort_slot, nullptr))
                return false;
            bool isnull;
            const uint64 packed = static_cast<uint64>(DatumGetInt64(slot_getattr(os->sort_slot, os->ops->ncols + 1, &isnull)));
            ItemPointerSet(tid, static_cast<BlockNumber>(packed >> 16), static_cast<OffsetNumber>(packed & 0xffff));
            return true;
        }
        // The bound: the earliest key that an unread range or stream part
        // can still hold.
        Key0 bound{false, false, Datum(0)};
        bool bounded = false;
        int source = -1;  // -1: the next range; i >= 0: stream i
        if (os->next_range < os->nranges) {
            bound = os->ranges[os->next_range].start;
            bounded = true;
        }
        for (int i = 0; i < os->nstreams; ++i) {
            if (os->streams[i].done)
                continue;
            if (!bounded || compare_key0(os, os->streams[i].frontier, bound) < 0) {
                bound = os->streams[i].frontier;
                bounded = true;
                source = i;
            }
        }
        if (!pairingheap_is_empty(os->queue)) {
            const Row* top = row_of(pairingheap_first(os->queue));
            const Key0 k{false, top->isnull[0], top->values[0]};
            if (!bounded || compare_key0(os, k, bound) < 0) {
                *tid = top->tid;
                pairingheap_remove_first(os->queue);
                if (pairingheap_is_empty(os->queue))
                    MemoryContextReset(os->rows_cxt);
                return true;
            }
        } else if (!bounded) {
            return false;
        }
        // Read from where the bound comes from.
        if (source >= 0)
            advance_stream(os, &os->streams[source]);
        else
            open_next_range(os);
        // Streams that are done go.
        int kept = 0;
        for (int i = 0; i < os->nstreams; ++i)
            if (!os->streams[i].done)
                os->streams[kept++] = os->streams[i];
        os->nstreams = kept;
    }
}

}  // namespace

OrderedScan* ordered_begin(IndexScanDesc scan, ScanOpaque* so, ScanDirection first_dir) {
    Relation index = scan->indexRelation;
    OrderedScan* os = static_cast<OrderedScan*>(palloc0(sizeof(OrderedScan)));
    os->scan = scan;
    os->ops = &so->ops;
    os->keys = so->keys;
    os->first_dir = first_dir;
    os->sign = ScanDirectionIsBackward(first_dir) ? -1 : 1;
    os->scan_cxt = CurrentMemoryContext;
    os->queue = pairingheap_allocate(queue_order, os);
    os->rows_cxt = AllocSetContextCreate(CurrentMemoryContext, "ixbrin ordered rows", ALLOCSET_DEFAULT_SIZES);
    os->heap_blocks = RelationGetNumberOfBlocks(scan->heapRelation);

    // The candidate ranges, by their first key.
    const IxbrMeta meta = read_meta(index, scan->xs_snapshot);
    uint64 nranges = 0;
    const MapEntry* entries = read_entries(index, meta, scan->xs_snapshot, &nranges);
    os->ranges = static_cast<RangeRef*>(palloc_extended(sizeof(RangeRef) * (nranges > 0 ? nranges : 1), MCXT_ALLOC_HUGE));
    os->streams = static_cast<Stream*>(palloc(sizeof(Stream) * (nranges > 0 ? nranges : 1)));
    SummaryCursor cursor{InvalidBuffer, RelationGetNumberOfBlocks(index)};
    for (uint64 r = 0; r < nranges; ++r) {
        CHECK_FOR_INTERRUPTS();
        const MapEntry& e = entries[r];
        RangeRef ref{r, false, Key0{true, false, Datum(0)}};
        if (entry_usable(e)) {
            Summary* s = read_summary_at(index, os->ops, &cursor, e, r, scan->xs_snapshot);
            bool desummarized = false;
            if (s == nullptr)
                s = read_range_summary(index, os->ops, r, &desummarized, scan->xs_snapshot);
            if (s == nullptr && !desummarized)
                continue;
            if (s != nullptr) {
                if (!summary_matches(os->ops, s, os->keys))
                    continue;
                ref.start = range_start(os, s);
                ref.sorted = s->sorted;
            }
        } else if (!(e.flags & kEntryDesummarized)) {
            continue;  // no rows
        }
        os->ranges[os->nranges++] = ref;
    }
    cursor_end(&cursor);
    qsort_arg(os->ranges, static_cast<size_t>(os->nranges), sizeof(RangeRef), range_order, os);

    // Heap access: fetch by TID with the scan's snapshot; index values
    // (expressions included) and the predicate computed as at insert.
    os->fetch = table_index_fetch_begin(scan->heapRelation);
    os->heap_slot = table_slot_create(scan->heapRelation, nullptr);
    os->estate = CreateExecutorState();
    os->index_info = BuildIndexInfo(index);
    os->predicate = os->index_info->ii_Predicate != NIL ? ExecPrepareQual(os->index_info->ii_Predicate, os->estate)
                                                          : nullptr;

    // The rows returned, for backward moves and mark/restore.
    os->store_desc = CreateTemplateTupleDesc(1);
    TupleDescInitEntry(os->store_desc, 1, nullptr, INT8OID, -1, 0);
    os->store_slot = MakeSingleTupleTableSlot(os->store_desc, &TTSOpsMinimalTuple);
    os->store_put = MakeSingleTupleTableSlot(os->store_desc, &TTSOpsVirtual);
    os->store = tuplestore_begin_heap(true, false, work_mem);
    os->mark_ptr = tuplestore_alloc_read_pointer(os->store, EXEC_FLAG_BACKWARD);
    return os;
}

bool ordered_next(OrderedScan* os, ScanDirection dir, ItemPointer tid) {
    // As the Materialize node does with its tuplestore: "forward" is the
    // direction the rows were first produced in.
    const bool forward = ScanDirectionIsNoMovement(dir) || dir == os->first_dir;
    bool eof_store = tuplestore_ateof(os->store);
    if (!forward && eof_store) {
        // Reversing at the end: the first backward fetch would return the
        // row just returned; skip it.
        if (!os->eof_underlying && !tuplestore_advance(os->store, false))
            return false;
        eof_store = false;
    }
    if (!eof_store) {
        if (tuplestore_gettupleslot(os->store, forward, false, os->store_slot)) {
            bool isnull;
            const uint64 packed = static_cast<uint64>(DatumGetInt64(slot_getattr(os->store_slot, 1, &isnull)));
            ItemPointerSet(tid, static_cast<BlockNumber>(packed >> 16), static_cast<OffsetNumber>(packed & 0xffff));
            return true;
        }
        if (forward)
            eof_store = true;
    }
    if (eof_store && !os->eof_underlying) {
        if (!produce(os, tid)) {
            os->eof_underlying = true;
            return false;
        }
        TupleTableSlot* slot = os->store_put;
        ExecClearTuple(slot);
        slot->tts_values[0] = Int64GetDatum(static_cast<int64>(
            (static_cast<uint64>(ItemPointerGetBlockNumber(tid)) << 16) | ItemPointerGetOffsetNumber(tid)));
        slot->tts_isnull[0] = false;
        ExecStoreVirtualTuple(slot);
        tuplestore_puttupleslot(os->store, slot);
        return true;
    }
    return false;
}

void ordered_mark(OrderedScan* os) { tuplestore_copy_read_pointer(os->store, 0, os->mark_ptr); }

void ordered_restore(OrderedScan* os) { tuplestore_copy_read_pointer(os->store, os->mark_ptr, 0); }

void ordered_end(OrderedScan* os) {
    if (os->sort != nullptr)
        tuplesort_end(os->sort);
    if (os->sort_slot != nullptr)
        ExecDropSingleTupleTableSlot(os->sort_slot);
    tuplestore_end(os->store);
    ExecDropSingleTupleTableSlot(os->store_slot);
    ExecDropSingleTupleTableSlot(os->store_put);
    ExecDropSingleTupleTableSlot(os->heap_slot);
    table_index_fetch_end(os->fetch);
    FreeExecutorState(os->estate);
    MemoryContextDelete(os->rows_cxt);
}

}  // namespace ixbrin
