// heap_page.hpp — walking the tuples of one heap page, shared by the exact
// (pgstattuple) and approximate (pgstattuple_approx) heap scanners.
#pragma once

#include "pg/postgres.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/htup_details.h"
#include "storage/bufpage.h"
#include "utils/rel.h"
IXPG_END_C_HEADERS

namespace ixstat {

// visit(tuple) for every LP_NORMAL item of a locked, validated heap page, as
// a HeapTupleData ready for the visibility functions.
template <class Visit>
void for_each_heap_tuple(Relation rel, BlockNumber blkno, Page page, Visit&& visit) {
    const OffsetNumber maxoff = PageGetMaxOffsetNumber(page);
    for (OffsetNumber off = FirstOffsetNumber; off <= maxoff; off = OffsetNumberNext(off)) {
        ItemId itemid = PageGetItemId(page, off);
        if (!ItemIdIsNormal(itemid))
            continue;
        HeapTupleData tuple;
        ItemPointerSet(&tuple.t_self, blkno, off);
        tuple.t_data = reinterpret_cast<HeapTupleHeader>(PageGetItem(page, itemid));
        tuple.t_len = ItemIdGetLength(itemid);
        tuple.t_tableOid = RelationGetRelid(rel);
        visit(tuple);
    }
}

}  // namespace ixstat
