// ixstat.hpp — internal interface between ixstat's SQL entry points
// (entry_points.cpp) and the scanners that compute each statistic.
//
// Every scanner takes an open relation (AccessShareLock), checks that it may
// read it, computes, and closes it; then it builds the result row.
#pragma once

#include "pg/guard.hpp"
#include "core/relation_stats.hpp"

IXPG_BEGIN_C_HEADERS
#include "utils/rel.h"
IXPG_END_C_HEADERS

namespace ixstat {

// Open a relation named by a possibly qualified text name, or by OID.
Relation open_by_name(text* relname);
Relation open_by_oid(Oid relid);

// pgstattuple(): heap, sequence, TOAST, matview, btree/hash/gist index.
Datum tuple_stats(Relation rel, FunctionCallInfo fcinfo);
ixcore::TupleStats heap_tuple_stats(Relation rel);
ixcore::TupleStats index_tuple_stats(Relation rel);

// pgstattuple_approx(): heap via the visibility and free space maps.
Datum approx_stats(Oid relid, FunctionCallInfo fcinfo);

// pgstatindex(): btree page classes.
Datum btree_stats(Relation rel, FunctionCallInfo fcinfo);

// pgstatginindex(), pgstathashindex().
Datum gin_stats(Oid relid, FunctionCallInfo fcinfo);
Datum hash_stats(Oid relid, FunctionCallInfo fcinfo);

// pg_relpages().
int64 relation_pages(Relation rel);

// Reject what contrib pgstattuple rejects before reading any page.
void reject_other_temp(Relation rel, const char* what);
void reject_invalid_index(Relation rel);

// Form the function's composite result from `values` (no NULLs).
Datum make_result(FunctionCallInfo fcinfo, const Datum* values, int natts);

}  // namespace ixstat
