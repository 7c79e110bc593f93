// insert.cpp — aminsert: the row's range summary takes the row before the
// inserting transaction can commit; the first row of a range creates its
// summary.  Nothing is ever left unsummarized.
#include "ixbrin/ixbrin.hpp"

IXPG_BEGIN_C_HEADERS
#include "nodes/execnodes.h"
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

bool insert(Relation index, Datum* values, bool* isnull, ItemPointer tid, Relation, IndexUniqueCheck, bool,
            IndexInfo* info) {
    return ixpg::sql_entry([&] {
        // The column operators live across the inserts of one statement.
        IndexOps* ops = static_cast<IndexOps*>(info->ii_AmCache);
        if (ops == nullptr) {
            MemoryContext old = MemoryContextSwitchTo(info->ii_Context);
            ops = static_cast<IndexOps*>(palloc0(sizeof(IndexOps)));
            init_ops(ops, index, cached_pages_per_range(index));
            MemoryContextSwitchTo(old);
            info->ii_AmCache = ops;
        }
        RowArg arg{ops, values, isnull, tid};
        modify_range(index, ops, ItemPointerGetBlockNumber(tid) / ops->pages_per_range, Create::IfEmpty, add_row_to,
                     &arg);
        return false;
    });
}

}  // namespace ixbrin
