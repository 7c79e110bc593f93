// insert.cpp — aminsert: the row's range summary takes the row before the
// inserting transaction can commit; the first row of a range creates its
// summary.  Nothing is ever left unsummarized.
#include "ixbrin/ixbrin.hpp"

IXPG_BEGIN_C_HEADERS
#include "nodes/execnodes.h"
#include "utils/memutils.h"
IXPG_END_C_HEADERS

#include "pg/longjmp_safe.hpp"

namespace ixbrin {

namespace {

struct RowArg {
    const IndexOps* ops;
    const Datum* values;
    const bool* isnull;
    ItemPointer tid;
};

bool add_row_to(Summary* s, void* arg) {
    const RowArg* a = static_cast<const RowArg*>(arg);
    return add_row(a->ops, s, a->values, a->isnull, a->tid);
}

}  // namespace

// What lives across the inserts of one statement: the column operators, and
// a context for each insert's work (decoded summaries, a bloom bitmap, the
// new tuple), reset after each.  aminsert runs in a context that lasts as
// long as the statement: without the reset, a million-row INSERT would
// keep a million decoded summaries.
struct InsertState {
    IndexOps ops;
    MemoryContext row_cxt;
};

bool insert(Relation index, Datum* values, bool* isnull, ItemPointer tid, Relation, IndexUniqueCheck, bool,
            IndexInfo* info) {
    return ixpg::sql_entry([&] {
        InsertState* st = static_cast<InsertState*>(info->ii_AmCache);
        if (st == nullptr) {
            MemoryContext old = MemoryContextSwitchTo(info->ii_Context);
            st = static_cast<InsertState*>(palloc0(sizeof(InsertState)));
            init_ops(&st->ops, index, cached_pages_per_range(index));
            st->row_cxt = AllocSetContextCreate(info->ii_Context, "ixbrin insert", ALLOCSET_DEFAULT_SIZES);
            MemoryContextSwitchTo(old);
            info->ii_AmCache = st;
        }
        MemoryContext old = MemoryContextSwitchTo(st->row_cxt);
        RowArg arg{&st->ops, values, isnull, tid};
        modify_range(index, &st->ops, ItemPointerGetBlockNumber(tid) / st->ops.pages_per_range, Create::IfEmpty,
                     add_row_to, &arg);
        MemoryContextSwitchTo(old);
        MemoryContextReset(st->row_cxt);
        return false;
    });
}

}  // namespace ixbrin
