// options_check.cpp — the event trigger that refuses at ALTER INDEX ... SET
// (or ALTER TABLE on the index) the options CREATE INDEX would refuse, and
// at CREATE INDEX on a partitioned table (which builds nothing, so no build
// checks them).  amoptions sees no relation, so it cannot tell colN past the
// index's last column; accepted there, such options made every later
// rebuild fail (TRUNCATE, VACUUM FULL, REINDEX, ALTER COLUMN TYPE, a
// pg_dump restore, a new partition).  At ddl_command_end the command is
// done but not committed: an ERROR here rolls it back.
#include "ixbloom/ixbloom.hpp"

IXPG_BEGIN_C_HEADERS
#include "access/amapi.h"
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/reloptions.h"
#include "commands/event_trigger.h"
#include "executor/spi.h"
#include "utils/syscache.h"
IXPG_END_C_HEADERS

#include "pg/longjmp_safe.hpp"

namespace ixbloom {

namespace {

// Check the options stored for one altered index, if it is an ixbloom index.
void check_altered_index(Oid relid) {
    HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
    if (!HeapTupleIsValid(tuple))
        return;  // dropped by the same command
    const Form_pg_class form = reinterpret_cast<Form_pg_class>(GETSTRUCT(tuple));
    Relation probe = nullptr;
    if ((form->relkind == RELKIND_INDEX || form->relkind == RELKIND_PARTITIONED_INDEX) &&
        GetIndexAmRoutineByAmId(form->relam, false)->ambuild == build)
        probe = index_open(relid, AccessShareLock);
    if (probe != nullptr) {
        bool isnull = false;
        const Datum reloptions = SysCacheGetAttr(RELOID, tuple, Anum_pg_class_reloptions, &isnull);
        const IxbOptions* opts =
            isnull ? nullptr : reinterpret_cast<const IxbOptions*>(options(reloptions, true));
        check_shape_options(shape_options(opts), IndexRelationGetNumberOfKeyAttributes(probe));
    }
    if (probe != nullptr)
        index_close(probe, AccessShareLock);
    ReleaseSysCache(tuple);
}

}  // namespace

}  // namespace ixbloom

extern "C" {

PG_FUNCTION_INFO_V1(ixbloom_check_altered_options);

Datum ixbloom_check_altered_options(PG_FUNCTION_ARGS) {
    return ixpg::sql_entry([&]() -> Datum {
        if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
            ereport(ERROR,
                    (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                     errmsg("ixbloom_check_altered_options() must be called as an event trigger")));
        if (SPI_connect() != SPI_OK_CONNECT)
            elog(ERROR, "SPI_connect failed");
        if (SPI_execute("SELECT objid FROM pg_catalog.pg_event_trigger_ddl_commands() "
                        "WHERE classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND object_type = 'index'",
                        true, 0) != SPI_OK_SELECT)
            elog(ERROR, "SPI_execute failed");
        for (uint64 i = 0; i < SPI_processed; ++i) {
            bool isnull = false;
            const Datum objid = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);
            if (!isnull)
                ixbloom::check_altered_index(DatumGetObjectId(objid));
        }
        SPI_finish();
        PG_RETURN_NULL();
    });
}
}
