// relation_checks.cpp — opening relations and the refusals every ixstat
// function shares, worded exactly as contrib pgstattuple words them.
#include "ixstat/ixstat.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/relation.h"
#include "catalog/namespace.h"
#include "funcapi.h"
#include "storage/bufmgr.h"
#include "utils/varlena.h"
IXPG_END_C_HEADERS

#include "pg/longjmp_safe.hpp"

namespace ixstat {

// These open functions run where no C++ object is alive, so an ERROR from
// them (no such relation, permission) may longjmp straight out.
Relation open_by_name(text* relname) {
    RangeVar* rv = makeRangeVarFromNameList(textToQualifiedNameList(relname));
    return relation_openrv(rv, AccessShareLock);
}

Relation open_by_oid(Oid relid) {
    return relation_open(relid, AccessShareLock);
}

void reject_other_temp(Relation rel, const char* what) {
    // Another session's temp relation lives in its local buffers, which we
    // cannot see: reading shared buffers would give wrong numbers.
    if (RELATION_IS_OTHER_TEMP(rel))
        ereport(ERROR,
                (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                 errmsg("cannot access temporary %s of other sessions", what)));
}

void reject_invalid_index(Relation rel) {
    // An index that is not yet ready may be missing pages it will have, and
    // one that is not valid gives confusing sizes: contrib refuses both.
    if (!rel->rd_index->indisvalid)
        ereport(ERROR,
                (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                 errmsg("index \"%s\" is not valid", RelationGetRelationName(rel))));
}

Datum make_result(FunctionCallInfo fcinfo, const Datum* values, int natts) {
    // The blessed result descriptor is made once per call site and kept in
    // fn_extra: blessing looks up the record-type cache, a measurable share
    // of a call as cheap as pgstatginindex.
    TupleDesc tupdesc = static_cast<TupleDesc>(fcinfo->flinfo->fn_extra);
    if (tupdesc == nullptr) {
        TupleDesc declared;
        if (get_call_result_type(fcinfo, nullptr, &declared) != TYPEFUNC_COMPOSITE)
            elog(ERROR, "return type must be a row type");
        if (declared->natts != natts)
            elog(ERROR, "incorrect number of output arguments");
        MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
        tupdesc = BlessTupleDesc(CreateTupleDescCopy(declared));
        MemoryContextSwitchTo(old);
        fcinfo->flinfo->fn_extra = tupdesc;
    }
    bool nulls[16] = {};
    HeapTuple tuple = heap_form_tuple(tupdesc, const_cast<Datum*>(values), nulls);
    return HeapTupleGetDatum(tuple);
}

int64 relation_pages(Relation rel) {
    if (!RELKIND_HAS_STORAGE(rel->rd_rel->relkind))
        ereport(ERROR,
                (errcode(ERRCODE_WRONG_OBJECT_TYPE),
                 errmsg("cannot get page count of relation \"%s\"", RelationGetRelationName(rel)),
                 errdetail_relkind_not_supported(rel->rd_rel->relkind)));
    // Like contrib, this works on other sessions' temp tables: the size comes
    // from the file, not from buffers.
    int64 pages = RelationGetNumberOfBlocks(rel);
    relation_close(rel, AccessShareLock);
    return pages;
}

}  // namespace ixstat
