// resummarize.cpp — recomputing one range's summary from the heap while
// inserts go on (docs/ixbrin-format.md, VACUUM): the summary takes a
// pending part that concurrent inserts also merge into; the heap range is
// read (every tuple that is not dead); the summary becomes that read's
// summary united with the pending part.  A crash in between leaves the old
// summary, which still covers every row; so does a pending part dropped
// because it outgrew the page (range_map.cpp), which ends this
// re-summarization without tightening.  The same path summarizes a
// desummarized range; its entry keeps saying so (scans read its pages
// whole) until the end.  Callers hold ShareUpdateExclusiveLock on the
// table (VACUUM does, and the SQL functions take it), so that no two
// re-summarizations of a range overlap (the second would reset the first's
// pending part).
#include "ixbrin/ixbrin.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/tableam.h"
#include "catalog/index.h"
#include "utils/memutils.h"
IXPG_END_C_HEADERS

#include "pg/longjmp_safe.hpp"

namespace ixbrin {

namespace {

struct ScanState {
    const IndexOps* ops;
    Summary* summary;
};

void scan_callback(Relation, ItemPointer tid, Datum* values, bool* isnull, bool, void* arg) {
    ScanState* st = static_cast<ScanState*>(arg);
    add_row(st->ops, st->summary, values, isnull, tid);
}

bool start_pending(Summary* s, void* arg) {
    begin_pending(static_cast<const IndexOps*>(arg), s);
    return true;
}

struct FinishArg {
    const IndexOps* ops;
    const Summary* scanned;
    bool done;
};

// The summary becomes the heap's, united with what inserts merged meanwhile.
bool finish_pending(Summary* s, void* arg) {
    FinishArg* a = static_cast<FinishArg*>(arg);
    if (!s->pending)
        return false;  // the pending part was dropped (it outgrew the page): no tightening this time
    Summary* fresh = new_summary(a->ops, s->range);
    union_columns(a->ops, fresh->cols, a->scanned->cols);
    union_columns(a->ops, fresh->cols, s->pend);
    // In key order only if the heap said so and nothing came meanwhile.
    bool pend_empty = true;
    for (int i = 0; i < a->ops->ncols; ++i)
        pend_empty &= !s->pend[i].has_values && !s->pend[i].has_nulls;
    const Summary* scanned = a->scanned;
    for (int i = 0; i < a->ops->ncols; ++i)
        s->cols[i] = fresh->cols[i];
    s->sorted = scanned->sorted && pend_empty;
    s->last_tid = scanned->last_tid;
    s->have_before_last = scanned->have_before_last;
    s->have_before_prev = scanned->have_before_prev;
    s->before_last = scanned->before_last;
    s->before_prev = scanned->before_prev;
    if (!s->sorted) {
        ItemPointerSetInvalid(&s->last_tid);
        s->have_before_last = s->have_before_prev = false;
    }
    s->pending = false;
    a->done = true;
    return true;
}

}  // namespace

void resummarize_range(Relation heap, Relation index, uint64 range) {
    MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "ixbrin resummarize", ALLOCSET_DEFAULT_SIZES);
    MemoryContext old = MemoryContextSwitchTo(cxt);
    IndexOps* ops = static_cast<IndexOps*>(palloc0(sizeof(IndexOps)));
    init_ops(ops, index, cached_pages_per_range(index));

    // 1. The pending part (or, for a desummarized range, a summary that is
    //    all pending: scans do not trust it yet).
    modify_range(index, ops, range, Create::Always, start_pending, ops);

    // 2. The heap range.
    const BlockNumber heap_blocks = RelationGetNumberOfBlocks(heap);
    const BlockNumber first = static_cast<BlockNumber>(range * ops->pages_per_range);
    BlockNumber n = ops->pages_per_range;
    if (first >= heap_blocks)
        n = 0;
    else if (heap_blocks - first < n)
        n = heap_blocks - first;
    ScanState st{ops, new_summary(ops, static_cast<uint32>(range))};
    if (n > 0) {
        IndexInfo* info = BuildIndexInfo(index);
        table_index_build_range_scan(heap, index, info, false, true, false, first, n, scan_callback, &st, nullptr);
    }

    // 3. The heap's summary united with the pending part.
    FinishArg fin{ops, st.summary, false};
    modify_range(index, ops, range, Create::Never, finish_pending, &fin);
    // A desummarized range is trusted again only with the heap's rows in
    // its summary.
    if (fin.done)
        clear_desummarized(index, range);

    MemoryContextSwitchTo(old);
    MemoryContextDelete(cxt);
}

}  // namespace ixbrin
