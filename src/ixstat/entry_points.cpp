// entry_points.cpp — the SQL-callable functions of extension ixstat.
//
// Each is a thin extern "C" shell: fetch arguments, then run the body inside
// ixpg::sql_entry so no C++ exception reaches PostgreSQL.  The C symbol names
// are prefixed ixstat_ so they never collide with contrib pgstattuple's.
#include "ixstat/index_census.hpp"
#include "ixstat/ixstat.hpp"

#include "pg/longjmp_safe.hpp"

extern "C" {
PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(ixstat_pgstattuple_text);
PG_FUNCTION_INFO_V1(ixstat_pgstattuple_oid);
PG_FUNCTION_INFO_V1(ixstat_pgstattuple_approx);
PG_FUNCTION_INFO_V1(ixstat_pgstatindex_text);
PG_FUNCTION_INFO_V1(ixstat_pgstatindex_oid);
PG_FUNCTION_INFO_V1(ixstat_pgstatginindex);
PG_FUNCTION_INFO_V1(ixstat_pgstathashindex);
PG_FUNCTION_INFO_V1(ixstat_pg_relpages_text);
PG_FUNCTION_INFO_V1(ixstat_pg_relpages_oid);
PG_FUNCTION_INFO_V1(ixstat_index_stats);
PG_FUNCTION_INFO_V1(ixstat_index_stats_sample);

Datum ixstat_pgstattuple_text(PG_FUNCTION_ARGS) {
    text* relname = PG_GETARG_TEXT_PP(0);
    return ixpg::sql_entry([&] { return ixstat::tuple_stats(ixstat::open_by_name(relname), fcinfo); });
}

Datum ixstat_pgstattuple_oid(PG_FUNCTION_ARGS) {
    Oid relid = PG_GETARG_OID(0);
    return ixpg::sql_entry([&] { return ixstat::tuple_stats(ixstat::open_by_oid(relid), fcinfo); });
}

Datum ixstat_pgstattuple_approx(PG_FUNCTION_ARGS) {
    Oid relid = PG_GETARG_OID(0);
    return ixpg::sql_entry([&] { return ixstat::approx_stats(relid, fcinfo); });
}

Datum ixstat_pgstatindex_text(PG_FUNCTION_ARGS) {
    text* relname = PG_GETARG_TEXT_PP(0);
    return ixpg::sql_entry([&] { return ixstat::btree_stats(ixstat::open_by_name(relname), fcinfo); });
}

Datum ixstat_pgstatindex_oid(PG_FUNCTION_ARGS) {
    Oid relid = PG_GETARG_OID(0);
    return ixpg::sql_entry([&] { return ixstat::btree_stats(ixstat::open_by_oid(relid), fcinfo); });
}

Datum ixstat_pgstatginindex(PG_FUNCTION_ARGS) {
    Oid relid = PG_GETARG_OID(0);
    return ixpg::sql_entry([&] { return ixstat::gin_stats(relid, fcinfo); });
}

Datum ixstat_pgstathashindex(PG_FUNCTION_ARGS) {
    Oid relid = PG_GETARG_OID(0);
    return ixpg::sql_entry([&] { return ixstat::hash_stats(relid, fcinfo); });
}

Datum ixstat_pg_relpages_text(PG_FUNCTION_ARGS) {
    text* relname = PG_GETARG_TEXT_PP(0);
    return ixpg::sql_entry([&] { return Int64GetDatum(ixstat::relation_pages(ixstat::open_by_name(relname))); });
}

Datum ixstat_pg_relpages_oid(PG_FUNCTION_ARGS) {
    Oid relid = PG_GETARG_OID(0);
    return ixpg::sql_entry([&] { return Int64GetDatum(ixstat::relation_pages(ixstat::open_by_oid(relid))); });
}

Datum ixstat_index_stats(PG_FUNCTION_ARGS) {
    Oid relid = PG_GETARG_OID(0);
    return ixpg::sql_entry([&] { return ixstat::index_stats(ixstat::open_by_oid(relid), 0, fcinfo); });
}

Datum ixstat_index_stats_sample(PG_FUNCTION_ARGS) {
    Oid relid = PG_GETARG_OID(0);
    int32 pages = PG_GETARG_INT32(1);
    if (pages < 1)
        ereport(ERROR,
                (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                 errmsg("sample_pages must be at least 1, not %d", pages),
                 errhint("index_stats reads every page; a sample of 64 pages is the health report's default.")));
    return ixpg::sql_entry(
        [&] { return ixstat::index_stats(ixstat::open_by_oid(relid), static_cast<uint32>(pages), fcinfo); });
}
}
