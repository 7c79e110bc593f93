// functions.cpp — ixbrin_summarize_new_values, ixbrin_summarize_range and
// ixbrin_desummarize_range, BRIN's three maintenance functions for
// ixbrin.  Like BRIN's: the caller must own the index; the table is locked
// in ShareUpdateExclusiveLock (which VACUUM also takes, so that two
// summarizations never overlap); the opclass functions run as the table's
// owner, in a security-restricted operation.
#include "ixbrin/ixbrin.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/relation.h"
#include "access/table.h"
#include "catalog/index.h"
#include "catalog/pg_class.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
IXPG_END_C_HEADERS

#include "pg/longjmp_safe.hpp"

namespace ixbrin {

namespace {

// The index and its table, locked and checked, with the user switched to
// the table's owner.
struct Maintenance {
    Relation heap;
    Relation index;
    Oid save_userid;
    int save_sec_context;
    int save_nestlevel;
};

void begin_maintenance(Maintenance* m, Oid indexoid) {
    // The table before the index (the order everyone locks them in).
    const Oid heapoid = IndexGetRelation(indexoid, true);
    if (!OidIsValid(heapoid))
        ereport(ERROR,
                (errcode(ERRCODE_WRONG_OBJECT_TYPE), errmsg("\"%s\" is not an ixbrin index", get_rel_name(indexoid))));
    m->heap = table_open(heapoid, ShareUpdateExclusiveLock);
    GetUserIdAndSecContext(&m->save_userid, &m->save_sec_context);
    SetUserIdAndSecContext(m->heap->rd_rel->relowner, m->save_sec_context | SECURITY_RESTRICTED_OPERATION);
    m->save_nestlevel = NewGUCNestLevel();
    m->index = index_open(indexoid, ShareUpdateExclusiveLock);
    if (m->index->rd_indam->ambuild != build)
        ereport(ERROR, (errcode(ERRCODE_WRONG_OBJECT_TYPE),
                        errmsg("\"%s\" is not an ixbrin index", RelationGetRelationName(m->index))));
    if (!pg_class_ownercheck(indexoid, m->save_userid))
        aclcheck_error(ACLCHECK_NOT_OWNER, OBJECT_INDEX, RelationGetRelationName(m->index));
}

void end_maintenance(Maintenance* m) {
    index_close(m->index, ShareUpdateExclusiveLock);
    table_close(m->heap, ShareUpdateExclusiveLock);
    AtEOXact_GUC(false, m->save_nestlevel);
    SetUserIdAndSecContext(m->save_userid, m->save_sec_context);
}

uint64 range_of_heap_block(Relation index, int64 block) {
    if (block < 0 || block > static_cast<int64>(MaxBlockNumber))
        ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
                        errmsg("block number out of range: %lld", static_cast<long long>(block))));
    return static_cast<uint64>(block) / cached_pages_per_range(index);
}

// Summarize every desummarized range; returns how many.
int32 summarize_desummarized(Maintenance* m) {
    const IxbrMeta meta = read_meta(m->index);
    uint64 nranges = 0;
    const MapEntry* entries = read_entries(m->index, meta, nullptr, &nranges);
    int32 done = 0;
    for (uint64 r = 0; r < nranges; ++r) {
        CHECK_FOR_INTERRUPTS();
        if (entries[r].flags & kEntryDesummarized) {
            resummarize_range(m->heap, m->index, r);
            ++done;
        }
    }
    return done;
}

}  // namespace

}  // namespace ixbrin

extern "C" {

PG_FUNCTION_INFO_V1(ixbrin_summarize_new_values);
PG_FUNCTION_INFO_V1(ixbrin_summarize_range);
PG_FUNCTION_INFO_V1(ixbrin_desummarize_range);

// Summarize every desummarized range; returns how many.
Datum ixbrin_summarize_new_values(PG_FUNCTION_ARGS) {
    using namespace ixbrin;
    return ixpg::sql_entry([&]() -> Datum {
        Maintenance m;
        begin_maintenance(&m, PG_GETARG_OID(0));
        const int32 done = summarize_desummarized(&m);
        end_maintenance(&m);
        PG_RETURN_INT32(done);
    });
}

// Summarize (or tighten) the range holding a heap block; returns 1 if the
// block is inside the table, else 0.  As with BRIN, block 4294967295 means
// every range that needs it: the desummarized ones, and their count.
Datum ixbrin_summarize_range(PG_FUNCTION_ARGS) {
    using namespace ixbrin;
    return ixpg::sql_entry([&]() -> Datum {
        Maintenance m;
        begin_maintenance(&m, PG_GETARG_OID(0));
        const int64 block = PG_GETARG_INT64(1);
        int32 done = 0;
        if (block == static_cast<int64>(InvalidBlockNumber)) {
            done = summarize_desummarized(&m);
        } else {
            const uint64 range = range_of_heap_block(m.index, block);
            if (block < static_cast<int64>(RelationGetNumberOfBlocks(m.heap))) {
                resummarize_range(m.heap, m.index, range);
                done = 1;
            }
        }
        end_maintenance(&m);
        PG_RETURN_INT32(done);
    });
}

// Forget the summary of the range holding a heap block: scans read its
// pages whole until it is summarized again.
Datum ixbrin_desummarize_range(PG_FUNCTION_ARGS) {
    using namespace ixbrin;
    return ixpg::sql_entry([&]() -> Datum {
        Maintenance m;
        begin_maintenance(&m, PG_GETARG_OID(0));
        desummarize(m.index, range_of_heap_block(m.index, PG_GETARG_INT64(1)));
        end_maintenance(&m);
        PG_RETURN_VOID();
    });
}
}
