// scan_setup.cpp — ambeginscan, amrescan, amendscan.  The scan's state is
// the index's signature shape (from rd_amcache: begin_scan does not read
// the metapage) and its hash functions.
#include "ixbloom/ixbloom.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/relscan.h"
IXPG_END_C_HEADERS

#include <cstring>

#include "pg/longjmp_safe.hpp"

namespace ixbloom {

IndexScanDesc begin_scan(Relation index, int nkeys, int norderbys) {
    return ixpg::sql_entry([&] {
        IndexScanDesc scan = RelationGetIndexScan(index, nkeys, norderbys);
        IxbScanOpaque* so = static_cast<IxbScanOpaque*>(palloc0(sizeof(IxbScanOpaque)));
        init_state(&so->state, index);
        scan->opaque = so;
        return scan;
    });
}

void rescan(IndexScanDesc scan, ScanKey keys, int, ScanKey, int) {
    if (keys != nullptr && scan->numberOfKeys > 0)
        std::memmove(scan->keyData, keys, scan->numberOfKeys * sizeof(ScanKeyData));
}

void end_scan(IndexScanDesc scan) {
    pfree(scan->opaque);
    scan->opaque = nullptr;
}

}  // namespace ixbloom
