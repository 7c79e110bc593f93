// scan_setup.cpp — ambeginscan, amrescan, amendscan, ammarkpos,
// amrestrpos, and amgettuple's entry: the ordered scan itself is in
// ordered_scan.cpp.
#include "ixbrin/ixbrin.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/relscan.h"
#include "pgstat.h"
#include "utils/memutils.h"
IXPG_END_C_HEADERS

#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixbrin {

namespace {

void drop_ordered(ScanOpaque* so) {
    if (so->ordered != nullptr)
        ordered_end(so->ordered);
    so->ordered = nullptr;
}

}  // namespace

IndexScanDesc begin_scan(Relation index, int nkeys, int norderbys) {
    return ixpg::sql_entry([&] {
        IndexScanDesc scan = RelationGetIndexScan(index, nkeys, norderbys);
        ScanOpaque* so = static_cast<ScanOpaque*>(palloc0(sizeof(ScanOpaque)));
        init_ops(&so->ops, index, cached_pages_per_range(index));
        so->scan_cxt = AllocSetContextCreate(CurrentMemoryContext, "ixbrin scan", ALLOCSET_DEFAULT_SIZES);
        scan->opaque = so;
        return scan;
    });
}

void rescan(IndexScanDesc scan, ScanKey keys, int, ScanKey, int) {
    ixpg::sql_entry([&] {
        ScanOpaque* so = static_cast<ScanOpaque*>(scan->opaque);
        drop_ordered(so);
        MemoryContextReset(so->scan_cxt);
        if (keys != nullptr && scan->numberOfKeys > 0)
            std::memmove(scan->keyData, keys, scan->numberOfKeys * sizeof(ScanKeyData));
        MemoryContext old = MemoryContextSwitchTo(so->scan_cxt);
        so->keys = prepare_keys(scan->indexRelation, &so->ops, scan->keyData, scan->numberOfKeys);
        MemoryContextSwitchTo(old);
    });
}

void end_scan(IndexScanDesc scan) {
    ixpg::sql_entry([&] {
        ScanOpaque* so = static_cast<ScanOpaque*>(scan->opaque);
        drop_ordered(so);
        MemoryContextDelete(so->scan_cxt);
        pfree(so);
        scan->opaque = nullptr;
    });
}

bool get_tuple(IndexScanDesc scan, ScanDirection dir) {
    return ixpg::sql_entry([&] {
        ScanOpaque* so = static_cast<ScanOpaque*>(scan->opaque);
        if (so->ordered == nullptr) {
            pgstat_count_index_scan(scan->indexRelation);
            MemoryContext old = MemoryContextSwitchTo(so->scan_cxt);
            so->ordered = ordered_begin(scan, so);
            MemoryContextSwitchTo(old);
        }
        ItemPointerData tid;
        if (!ordered_next(so->ordered, dir, &tid))
            return false;
        scan->xs_heaptid = tid;
        scan->xs_recheck = true;  // the executor checks the quals again on the row it fetches
        return true;
    });
}

void mark_pos(IndexScanDesc scan) {
    ixpg::sql_entry([&] {
        ScanOpaque* so = static_cast<ScanOpaque*>(scan->opaque);
        if (so->ordered != nullptr)
            ordered_mark(so->ordered);
    });
}

void restore_pos(IndexScanDesc scan) {
    ixpg::sql_entry([&] {
        ScanOpaque* so = static_cast<ScanOpaque*>(scan->opaque);
        if (so->ordered != nullptr)
            ordered_restore(so->ordered);
    });
}

}  // namespace ixbrin
