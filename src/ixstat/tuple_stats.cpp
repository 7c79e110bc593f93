// tuple_stats.cpp — pgstattuple(): which relations it reads, and the row it
// returns.  The page scanners are in heap_tuple_stats.cpp and
// index_tuple_stats.cpp.
#include "ixstat/ixstat.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/relation.h"
#include "catalog/pg_am_d.h"
#include "catalog/pg_class.h"
IXPG_END_C_HEADERS

#include "pg/longjmp_safe.hpp"

namespace ixstat {

namespace {

const char* unsupported_index_kind(Oid am) {
    switch (am) {
        case GIN_AM_OID: return "gin index";
        case SPGIST_AM_OID: return "spgist index";
        case BRIN_AM_OID: return "brin index";
        default: return "unknown index";
    }
}

}  // namespace

Datum tuple_stats(Relation rel, FunctionCallInfo fcinfo) {
    reject_other_temp(rel, "tables");

    ixcore::TupleStats stats;
    const char relkind = rel->rd_rel->relkind;
    if (RELKIND_HAS_TABLE_AM(relkind) || relkind == RELKIND_SEQUENCE) {
        stats = heap_tuple_stats(rel);
    } else if (relkind == RELKIND_INDEX) {
        reject_invalid_index(rel);
        const Oid am = rel->rd_rel->relam;
        if (am != BTREE_AM_OID && am != HASH_AM_OID && am != GIST_AM_OID)
            ereport(ERROR,
                    (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                     errmsg("index \"%s\" (%s) is not supported", RelationGetRelationName(rel), unsupported_index_kind(am))));
        stats = index_tuple_stats(rel);
    } else {
        ereport(ERROR,
                (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                 errmsg("cannot get tuple-level statistics for relation \"%s\"", RelationGetRelationName(rel)),
                 errdetail_relkind_not_supported(relkind)));
    }
    relation_close(rel, AccessShareLock);

    Datum values[9] = {
        Int64GetDatum(static_cast<int64>(stats.table_len)),
        Int64GetDatum(static_cast<int64>(stats.tuple_count)),
        Int64GetDatum(static_cast<int64>(stats.tuple_len)),
        Float8GetDatum(stats.percent_of_table(stats.tuple_len)),
        Int64GetDatum(static_cast<int64>(stats.dead_tuple_count)),
        Int64GetDatum(static_cast<int64>(stats.dead_tuple_len)),
        Float8GetDatum(stats.percent_of_table(stats.dead_tuple_len)),
        Int64GetDatum(static_cast<int64>(stats.free_space)),
        Float8GetDatum(stats.percent_of_table(stats.free_space)),
    };
    return make_result(fcinfo, values, 9);
}

}  // namespace ixstat
