// ordered_pass.cpp — one pass of an ordered scan: rows in exact key order,
// in one direction, from a position on.
//
// The candidate ranges are taken in the order of the first key each can
// hold.  Rows are read from the heap range by range into a queue ordered
// by every index column and then TID, and a row leaves the queue as soon
// as no unread range, and no unread part of a range being streamed, can
// hold a row that comes before it.  A range whose rows lie in key order in
// the heap (SORTED) is streamed page by page from the end that holds its
// first keys, so `ORDER BY ts DESC LIMIT 10` over an append-only table
// reads a page or two.  If the queue would pass work_mem, every row not
// returned yet goes through a tuplesort instead: correct in bounded memory,
// and a plan the cost estimate steers away from.
#include "ixbrin/ordered_pass.hpp"

IXPG_BEGIN_C_HEADERS
#include "catalog/pg_opfamily.h"
#include "lib/pairingheap.h"
#include "miscadmin.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/tuplesort.h"
IXPG_END_C_HEADERS

#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixbrin {

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

int compare_rows(const IndexOps* ops, int sign, const RowKey& a, const RowKey& b) {
    for (int i = 0; i < ops->ncols; ++i) {
        const int r = compare_column(ops, i, a.isnull[i], a.values[i], b.isnull[i], b.values[i]);
        if (r != 0)
            return r * sign;
    }
    return ItemPointerCompare(const_cast<ItemPointer>(&a.tid), const_cast<ItemPointer>(&b.tid)) * sign;
}

int compare_key0(const IndexOps* ops, int sign, const Key0& a, const Key0& b) {
    if (a.unbounded || b.unbounded)
        return a.unbounded == b.unbounded ? 0 : (a.unbounded ? -1 : 1);
    return compare_column(ops, 0, a.isnull, a.value, b.isnull, b.value) * sign;
}

namespace {

// A queued row, in one chunk: node first (a queue node is its row;
// pairingheap's container macros do not compile as C++), then the values'
// arrays and the by-reference values' bytes.
struct QRow {
    pairingheap_node node;
    Size bytes;
    RowKey key;
};
static_assert(offsetof(QRow, node) == 0, "a queue node is its row");

const QRow* qrow_of(const pairingheap_node* n) { return reinterpret_cast<const QRow*>(n); }
QRow* qrow_of(pairingheap_node* n) { return reinterpret_cast<QRow*>(n); }

// A SORTED range being read page by page.
// A SORTED range being read page by page.  In such a range a row's key is
// at least every key two or more pages before it (ixbrin.hpp), so once a
// page is read, no unread row comes before the last key (in the pass's
// order) of the pages read before that page: the frontier.
struct Stream {
    BlockNumber next;    // the next page to read
    BlockNumber first;   // the range's pages, [first, end)
    BlockNumber end;
    bool reverse;        // from the last page down
    bool done;
    Key0 frontier;       // no unread row of the range comes before it
    Key0 seen;           // the last key, in the pass's order, of the pages read (unbounded: none yet)
    Key0 page_last;      // ... of the page being read
};

}  // namespace

struct Pass {
    const ScanShared* sh;
    const IndexOps* ops;
    int sign;
    bool has_after;
    RowKey after;             // rows must come strictly after it

    const RangeRef** order;   // the candidate ranges, by their first key in this pass's order
    int next_range;
    Stream* streams;
    int nstreams;

    MemoryContext cxt;
    MemoryContext rows_cxt;   // queued rows
    MemoryContext cmp_cxt;    // what comparisons allocate: reset at every row returned
    pairingheap* queue;
    Size queued_bytes;
    QRow* last;               // the row returned last: freed at the next call
    bool finished;

    bool sorting;             // past work_mem: rows go to `sort`
    bool sort_done;           // every row is in the sort, and it is sorted
    Tuplesortstate* sort;
    TupleTableSlot* sort_slot;  // rows into the sort (virtual)
    TupleTableSlot* out_slot;   // rows out of it (minimal tuples)
};

namespace {

// ---- order -------------------------------------------------------------------------

// pairingheap keeps its greatest element first: "greater" is earlier.
int queue_order(const pairingheap_node* a, const pairingheap_node* b, void* arg) {
    const Pass* p = static_cast<const Pass*>(arg);
    return -compare_rows(p->ops, p->sign, qrow_of(a)->key, qrow_of(b)->key);
}

// The first and the last key a range can hold, in the pass's order.
const Key0& range_start(const Pass* p, const RangeRef* r) { return p->sign > 0 ? r->lo : r->hi; }
const Key0& range_end(const Pass* p, const RangeRef* r) { return p->sign > 0 ? r->hi : r->lo; }

int range_order(const void* a, const void* b, void* arg) {
    const Pass* p = static_cast<const Pass*>(arg);
    const RangeRef* ra = *static_cast<const RangeRef* const*>(a);
    const RangeRef* rb = *static_cast<const RangeRef* const*>(b);
    return compare_key0(p->ops, p->sign, range_start(p, ra), range_start(p, rb));
}

// ---- rows ----------------------------------------------------------------------------

QRow* copy_row(const Pass* p, MemoryContext cxt, const RowKey& row) {
    const int n = p->ops->ncols;
    Size bytes = MAXALIGN(sizeof(QRow)) + MAXALIGN(sizeof(Datum) * n) + MAXALIGN(sizeof(bool) * n);
    for (int i = 0; i < n; ++i)
        if (!row.isnull[i] && !p->ops->cols[i].typbyval)
            bytes += MAXALIGN(datumGetSize(row.values[i], false, p->ops->cols[i].typlen));
    char* mem = static_cast<char*>(MemoryContextAlloc(cxt, bytes));
    QRow* r = reinterpret_cast<QRow*>(mem);
    Datum* values = reinterpret_cast<Datum*>(mem + MAXALIGN(sizeof(QRow)));
    bool* isnull = reinterpret_cast<bool*>(reinterpret_cast<char*>(values) + MAXALIGN(sizeof(Datum) * n));
    char* data = reinterpret_cast<char*>(isnull) + MAXALIGN(sizeof(bool) * n);
    for (int i = 0; i < n; ++i) {
        isnull[i] = row.isnull[i];
        values[i] = row.values[i];
        if (row.isnull[i]) {
            values[i] = Datum(0);
        } else if (!p->ops->cols[i].typbyval) {
            const Size len = datumGetSize(row.values[i], false, p->ops->cols[i].typlen);
            std::memcpy(data, DatumGetPointer(row.values[i]), len);
            values[i] = PointerGetDatum(data);
            data += MAXALIGN(len);
        }
    }
    r->bytes = bytes;
    r->key = RowKey{values, isnull, row.tid};
    return r;
}

void to_sort(Pass* p, const RowKey& row) {
    TupleTableSlot* slot = p->sort_slot;
    const int n = p->ops->ncols;
    ExecClearTuple(slot);
    for (int i = 0; i < n; ++i) {
        slot->tts_values[i] = row.values[i];
        slot->tts_isnull[i] = row.isnull[i];
    }
    slot->tts_values[n] = Int64GetDatum(pack_tid(row.tid));
    slot->tts_isnull[n] = false;
    ExecStoreVirtualTuple(slot);
    tuplesort_puttupleslot(p->sort, slot);
}

// From here on, rows go through a tuplesort ordered as the queue is.
void start_sorting(Pass* p) {
    MemoryContext old = MemoryContextSwitchTo(p->cxt);
    const int n = p->ops->ncols;
    Relation index = p->sh->scan->indexRelation;
    AttrNumber* attnums = static_cast<AttrNumber*>(palloc(sizeof(AttrNumber) * (n + 1)));
    Oid* operators = static_cast<Oid*>(palloc(sizeof(Oid) * (n + 1)));
    Oid* collations = static_cast<Oid*>(palloc(sizeof(Oid) * (n + 1)));
    bool* nulls_first = static_cast<bool*>(palloc(sizeof(bool) * (n + 1)));
    for (int i = 0; i < n; ++i) {
        const ColumnOps& c = p->ops->cols[i];
        const bool descending = c.desc != (p->sign < 0);
        const Oid intype = index->rd_opcintype[i];
        attnums[i] = static_cast<AttrNumber>(i + 1);
        operators[i] = get_opfamily_member(c.opfamily, intype, intype,
                                           descending ? BTGreaterStrategyNumber : BTLessStrategyNumber);
        if (!OidIsValid(operators[i]))
            elog(ERROR, "ixbrin: operator family %u has no ordering operator for type %u", c.opfamily, intype);
        collations[i] = c.collation;
        nulls_first[i] = c.nulls_first != (p->sign < 0);
    }
    attnums[n] = static_cast<AttrNumber>(n + 1);
    operators[n] = get_opfamily_member(INTEGER_BTREE_FAM_OID, INT8OID, INT8OID,
                                       p->sign < 0 ? BTGreaterStrategyNumber : BTLessStrategyNumber);
    collations[n] = InvalidOid;
    nulls_first[n] = false;
    p->sort_slot = MakeSingleTupleTableSlot(p->sh->row_desc, &TTSOpsVirtual);
    p->out_slot = MakeSingleTupleTableSlot(p->sh->row_desc, &TTSOpsMinimalTuple);
    p->sort = tuplesort_begin_heap(p->sh->row_desc, n + 1, attnums, operators, collations, nulls_first, work_mem,
                                   nullptr, TUPLESORT_NONE);
    while (!pairingheap_is_empty(p->queue))
        to_sort(p, qrow_of(pairingheap_remove_first(p->queue))->key);
    MemoryContextReset(p->rows_cxt);
    p->queued_bytes = 0;
    p->sorting = true;
    MemoryContextSwitchTo(old);
}

struct SinkArg {
    Pass* pass;
    Stream* stream;
};

// k, copied into the pass's memory (the old value freed).
void set_key(Pass* p, Key0* into, const Key0& k) {
    const ColumnOps& c0 = p->ops->cols[0];
    if (!into->unbounded && !into->isnull && !c0.typbyval)
        pfree(DatumGetPointer(into->value));
    *into = k;
    if (!k.unbounded && !k.isnull) {
        MemoryContext old = MemoryContextSwitchTo(p->cxt);  // (rows are read in cmp_cxt)
        into->value = datumCopy(k.value, c0.typbyval, c0.typlen);
        MemoryContextSwitchTo(old);
    }
}

// A row read from the heap: a streamed range's page keeps its last key;
// the row is kept if it comes after the pass's start.
bool take_row(void* arg, const RowKey& row) {
    SinkArg* a = static_cast<SinkArg*>(arg);
    Pass* p = a->pass;
    Stream* st = a->stream;
    if (st != nullptr && !row.isnull[0]) {
        const Key0 k{false, false, row.values[0]};
        if (st->page_last.unbounded || compare_key0(p->ops, p->sign, k, st->page_last) > 0)
            set_key(p, &st->page_last, k);
    }
    if (p->has_after && compare_rows(p->ops, p->sign, row, p->after) <= 0)
        return true;
    if (p->sorting) {
        to_sort(p, row);
        return true;
    }
    QRow* r = copy_row(p, p->rows_cxt, row);
    p->queued_bytes += r->bytes;
    pairingheap_add(p->queue, &r->node);
    return true;
}

void read_page(Pass* p, BlockNumber blk, bool reverse, Stream* stream) {
    SinkArg arg{p, stream};
    MemoryContext old = MemoryContextSwitchTo(p->cmp_cxt);
    read_heap_page(p->sh, blk, reverse, true, take_row, &arg);
    MemoryContextSwitchTo(old);
    MemoryContextReset(p->cmp_cxt);
    if (!p->sorting && p->queued_bytes > static_cast<Size>(work_mem) * 1024)
        start_sorting(p);
}

// ---- where a streamed range starts ----------------------------------------------
// The pages of a SORTED range are in key order, so the pages whose rows all
// come before where the pass starts (its `after` row, and the bounds the
// scan keys put on the first column from that side) are found by a binary
// search that reads one row of each page it probes, and skipped.

// Does every row up to first-column key k0 (in the pass's order) come
// before the pass's start?
bool before_start(const Pass* p, Datum k0) {
    const ColumnOps& c0 = p->ops->cols[0];
    if (p->has_after && !p->after.isnull[0] &&
        compare_column(p->ops, 0, false, k0, false, p->after.values[0]) * p->sign < 0)
        return true;
    const bool ascending = !c0.desc == (p->sign > 0);  // the pass reads values in ascending order
    for (int i = 0; i < p->sh->keys->n; ++i) {
        const PreparedKey& k = p->sh->keys->keys[i];
        if (k.col != 0 || k.never || (k.flags & (SK_ISNULL | SK_SEARCHARRAY)) || k.nvalues != 1)
            continue;
        const int r = DatumGetInt32(FunctionCall2Coll(const_cast<FmgrInfo*>(&k.cmp), c0.collation, k0, k.values[0]));
        const StrategyNumber st = k.strategy;
        if (ascending ? ((st == BTGreaterStrategyNumber && r <= 0) ||
                         ((st == BTGreaterEqualStrategyNumber || st == BTEqualStrategyNumber) && r < 0))
                      : ((st == BTLessStrategyNumber && r >= 0) ||
                         ((st == BTLessEqualStrategyNumber || st == BTEqualStrategyNumber) && r > 0)))
            return true;
    }
    return false;
}

bool has_start_bound(const Pass* p) {
    if (p->has_after && !p->after.isnull[0])
        return true;
    const bool ascending = !p->ops->cols[0].desc == (p->sign > 0);
    for (int i = 0; i < p->sh->keys->n; ++i) {
        const PreparedKey& k = p->sh->keys->keys[i];
        if (k.col != 0 || (k.flags & (SK_ISNULL | SK_SEARCHARRAY)) || k.nvalues != 1)
            continue;
        if (k.strategy == BTEqualStrategyNumber ||
            k.strategy == (ascending ? BTGreaterStrategyNumber : BTLessStrategyNumber) ||
            k.strategy == (ascending ? BTGreaterEqualStrategyNumber : BTLessEqualStrategyNumber))
            return true;
    }
    return false;
}

struct Probe {
    const Pass* pass;
    int verdict;  // -1: no row; 1: every row of the page comes before the start; 0: not every row
};

bool probe_row(void* arg, const RowKey& row) {
    Probe* pr = static_cast<Probe*>(arg);
    if (row.isnull[0] || !before_start(pr->pass, row.values[0])) {
        pr->verdict = 0;
        return false;
    }
    pr->verdict = 1;
    return true;
}

// The first page, in the stream's order, from which rows after the start
// can come.  If every row of page i comes before the start, so does every
// row two or more pages before it (they are at most its keys); if not, no
// page two or more after it has such a row.  A binary search on the pages
// therefore finds the boundary to within two pages, and starts two early.
void skip_to_start(Pass* p, Stream* st) {
    const uint32 npages = st->end - st->first;
    uint32 lo = 0, hi = npages;
    MemoryContext old = MemoryContextSwitchTo(p->cmp_cxt);
    while (lo < hi) {
        const uint32 mid = lo + (hi - lo) / 2;
        Probe pr{p, -1};
        read_heap_page(p->sh, st->reverse ? st->end - 1 - mid : st->first + mid, false, false, probe_row, &pr);
        MemoryContextReset(p->cmp_cxt);
        if (pr.verdict == 1)
            lo = mid + 1;
        else if (pr.verdict == 0)
            hi = mid;
        else
            break;  // a page without rows says nothing: start at what is known
    }
    MemoryContextSwitchTo(old);
    const uint32 start = lo >= 2 ? lo - 2 : 0;
    st->next = st->reverse ? st->end - 1 - start : st->first + start;
}

void open_next_range(Pass* p) {
    const RangeRef* r = p->order[p->next_range++];
    // Nothing in it comes after the start.
    if (p->has_after && !range_end(p, r).unbounded) {
        const Key0 after0{false, p->after.isnull[0], p->after.values[0]};
        if (compare_key0(p->ops, p->sign, range_end(p, r), after0) < 0)
            return;
    }
    const uint32 ppr = p->ops->pages_per_range;
    const BlockNumber first = static_cast<BlockNumber>(r->range * ppr);
    BlockNumber end = first + ppr;
    if (end > p->sh->heap_blocks || end < first)
        end = p->sh->heap_blocks;
    if (first >= end)
        return;
    if (r->sorted && !p->sorting) {
        // Streamed from the end that holds the keys that come first.
        const bool reverse = p->ops->cols[0].desc != (p->sign < 0);
        Stream st;
        st.first = first;
        st.end = end;
        st.reverse = reverse;
        st.next = reverse ? end - 1 : first;
        st.done = false;
        st.frontier = st.seen = st.page_last = Key0{true, false, Datum(0)};
        set_key(p, &st.frontier, range_start(p, r));  // (a copy: the frontier's values are the stream's own)
        if (has_start_bound(p))
            skip_to_start(p, &st);
        if (!st.done)
            p->streams[p->nstreams++] = st;
        return;
    }
    for (BlockNumber b = first; b < end; ++b)
        read_page(p, b, false, nullptr);
}

void advance_stream(Pass* p, Stream* st) {
    read_page(p, st->next, st->reverse, st);
    // The frontier: the last key of the pages before this one.
    if (!st->seen.unbounded)
        set_key(p, &st->frontier, st->seen);
    if (!st->page_last.unbounded &&
        (st->seen.unbounded || compare_key0(p->ops, p->sign, st->page_last, st->seen) > 0))
        set_key(p, &st->seen, st->page_last);
    set_key(p, &st->page_last, Key0{true, false, Datum(0)});
    if (st->reverse) {
        if (st->next == st->first)
            st->done = true;
        else
            --st->next;
    } else if (++st->next == st->end) {
        st->done = true;
    }
}

void drop_done_streams(Pass* p) {
    int kept = 0;
    for (int i = 0; i < p->nstreams; ++i)
        if (!p->streams[i].done)
            p->streams[kept++] = p->streams[i];
    p->nstreams = kept;
}

// Everything not read yet, into the sort.
void read_everything(Pass* p) {
    for (int i = 0; i < p->nstreams; ++i)
        while (!p->streams[i].done)
            advance_stream(p, &p->streams[i]);
    p->nstreams = 0;
    while (p->next_range < p->sh->nranges)
        open_next_range(p);  // (not streamed: sorting)
}

bool next_sorted(Pass* p, RowKey* out) {
    if (!p->sort_done) {
        read_everything(p);
        tuplesort_performsort(p->sort);
        p->sort_done = true;
    }
    if (!tuplesort_gettupleslot(p->sort, true, false, p->out_slot, nullptr))
        return false;
    slot_getallattrs(p->out_slot);
    const int n = p->ops->ncols;
    out->values = p->out_slot->tts_values;
    out->isnull = p->out_slot->tts_isnull;
    unpack_tid(DatumGetInt64(p->out_slot->tts_values[n]), &out->tid);
    return true;
}

}  // namespace

Pass* pass_begin(const ScanShared* sh, int sign, const RowKey* after) {
    Pass* p = static_cast<Pass*>(palloc0(sizeof(Pass)));
    p->sh = sh;
    p->ops = sh->ops;
    p->sign = sign;
    p->cxt = CurrentMemoryContext;
    p->rows_cxt = AllocSetContextCreate(p->cxt, "ixbrin ordered rows", ALLOCSET_DEFAULT_SIZES);
    p->cmp_cxt = AllocSetContextCreate(p->cxt, "ixbrin ordered compare", ALLOCSET_SMALL_SIZES);
    p->queue = pairingheap_allocate(queue_order, p);
    if (after != nullptr) {
        p->has_after = true;
        p->after = copy_row(p, p->cxt, *after)->key;
    }
    const int n = sh->nranges;
    p->order = static_cast<const RangeRef**>(palloc_extended(sizeof(RangeRef*) * (n > 0 ? n : 1), MCXT_ALLOC_HUGE));
    for (int i = 0; i < n; ++i)
        p->order[i] = &sh->ranges[i];
    qsort_arg(p->order, static_cast<size_t>(n), sizeof(RangeRef*), range_order, p);
    p->streams = static_cast<Stream*>(palloc_extended(sizeof(Stream) * (n > 0 ? n : 1), MCXT_ALLOC_HUGE));
    return p;
}

bool pass_next(Pass* p, RowKey* out) {
    if (p->last != nullptr) {
        p->queued_bytes -= p->last->bytes;
        pfree(p->last);
        p->last = nullptr;
    }
    if (p->finished)
        return false;
    for (;;) {
        if (p->sorting) {
            if (next_sorted(p, out))
                return true;
            p->finished = true;
            return false;
        }
        // The bound: the earliest key an unread range or stream part can
        // still hold, and where it comes from.
        Key0 bound{false, false, Datum(0)};
        bool bounded = false;
        int source = -1;  // -1: the next range; i >= 0: stream i
        if (p->next_range < p->sh->nranges) {
            bound = range_start(p, p->order[p->next_range]);
            bounded = true;
        }
        for (int i = 0; i < p->nstreams; ++i) {
            if (!bounded || compare_key0(p->ops, p->sign, p->streams[i].frontier, bound) < 0) {
                bound = p->streams[i].frontier;
                bounded = true;
                source = i;
            }
        }
        if (!pairingheap_is_empty(p->queue)) {
            QRow* top = qrow_of(pairingheap_first(p->queue));
            const Key0 k{false, top->key.isnull[0], top->key.values[0]};
            if (!bounded || compare_key0(p->ops, p->sign, k, bound) < 0) {
                MemoryContext old = MemoryContextSwitchTo(p->cmp_cxt);
                pairingheap_remove_first(p->queue);
                MemoryContextSwitchTo(old);
                MemoryContextReset(p->cmp_cxt);
                p->last = top;
                *out = top->key;
                return true;
            }
        } else if (!bounded) {
            p->finished = true;
            return false;
        }
        if (source >= 0)
            advance_stream(p, &p->streams[source]);
        else
            open_next_range(p);
        drop_done_streams(p);
    }
}

void pass_end(Pass* p) {
    if (p->sort != nullptr)
        tuplesort_end(p->sort);
    if (p->sort_slot != nullptr) {
        ExecDropSingleTupleTableSlot(p->sort_slot);
        ExecDropSingleTupleTableSlot(p->out_slot);
    }
}

}  // namespace ixbrin
