// heap_rows.cpp — the rows an ordered scan reads from one heap page.
//
// As a heap scan in page-at-a-time mode does: under the page's share lock,
// every HOT chain is followed from its root with the scan's snapshot and
// the visible member noted; then, with the page only pinned (its tuples
// cannot move while we hold the pin), each is evaluated: the index
// predicate, the index columns (expressions computed as at insert) and
// the scan keys.  A row is identified by its chain's root, which is what
// the executor fetches again.  Only the heap table AM has HOT chains and
// pages like these: CREATE INDEX refuses other table AMs.
#include "ixbrin/ordered_pass.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/heapam.h"
#include "catalog/index.h"
#include "executor/executor.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "utils/rel.h"
IXPG_END_C_HEADERS

#include "pg/longjmp_safe.hpp"

namespace ixbrin {

void read_heap_page(const ScanShared* sh, BlockNumber blk, bool reverse, bool match_keys, RowSink sink, void* arg) {
    CHECK_FOR_INTERRUPTS();
    Relation heap = sh->scan->heapRelation;
    Buffer buf = ReadBufferExtended(heap, MAIN_FORKNUM, blk, RBM_NORMAL, nullptr);
    heap_page_prune_opt(heap, buf);

    // Under the lock: the visible member of each chain, by its root.
    OffsetNumber roots[MaxHeapTuplesPerPage];
    OffsetNumber found[MaxHeapTuplesPerPage];
    int n = 0;
    LockBuffer(buf, BUFFER_LOCK_SHARE);
    Page page = BufferGetPage(buf);
    const OffsetNumber maxoff = PageGetMaxOffsetNumber(page);
    if (maxoff > MaxHeapTuplesPerPage) {
        LockBuffer(buf, BUFFER_LOCK_UNLOCK);
        ReleaseBuffer(buf);
        ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
                        errmsg("heap page %u of \"%s\" has %u line pointers, more than a heap page can hold", blk,
                               RelationGetRelationName(heap), static_cast<unsigned>(maxoff))));
    }
    for (OffsetNumber off = FirstOffsetNumber; off <= maxoff; ++off) {
        ItemPointerData tid;
        ItemPointerSet(&tid, blk, off);
        HeapTupleData tuple;
        bool all_dead = false;
        if (heap_hot_search_buffer(&tid, heap, buf, sh->scan->xs_snapshot, &tuple, &all_dead, true)) {
            roots[n] = off;
            found[n] = ItemPointerGetOffsetNumber(&tid);
            ++n;
        }
    }
    LockBuffer(buf, BUFFER_LOCK_UNLOCK);

    // With the pin only: the rows, evaluated.
    Datum values[INDEX_MAX_KEYS];
    bool isnull[INDEX_MAX_KEYS];
    ExprContext* econtext = GetPerTupleExprContext(sh->estate);
    for (int k = 0; k < n; ++k) {
        const int i = reverse ? n - 1 - k : k;
        const ItemId lp = PageGetItemId(page, found[i]);
        HeapTupleData tuple;
        tuple.t_data = reinterpret_cast<HeapTupleHeader>(PageGetItem(page, lp));
        tuple.t_len = ItemIdGetLength(lp);
        tuple.t_tableOid = RelationGetRelid(heap);
        ItemPointerSet(&tuple.t_self, blk, found[i]);
        ExecStoreBufferHeapTuple(&tuple, sh->heap_slot, buf);
        ResetExprContext(econtext);
        econtext->ecxt_scantuple = sh->heap_slot;
        if (sh->predicate != nullptr && !ExecQual(sh->predicate, econtext))
            continue;
        FormIndexDatum(sh->index_info, sh->heap_slot, sh->estate, values, isnull);
        // Compared many times in the queue and the sort: detoasted once.
        MemoryContext old = MemoryContextSwitchTo(econtext->ecxt_per_tuple_memory);
        for (int c = 0; c < sh->ops->ncols; ++c)
            if (!isnull[c] && sh->ops->cols[c].typlen == -1 && VARATT_IS_EXTENDED(DatumGetPointer(values[c])))
                values[c] = PointerGetDatum(pg_detoast_datum_packed(reinterpret_cast<struct varlena*>(DatumGetPointer(values[c]))));
        MemoryContextSwitchTo(old);
        if (match_keys && !row_matches(sh->ops, sh->keys, values, isnull))
            continue;
        RowKey row{values, isnull, {}};
        ItemPointerSet(&row.tid, blk, roots[i]);
        if (!sink(arg, row))
            break;
    }
    ExecClearTuple(sh->heap_slot);
    ReleaseBuffer(buf);
}

}  // namespace ixbrin
