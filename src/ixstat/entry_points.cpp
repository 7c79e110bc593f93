// entry_points.cpp — the SQL-callable functions of extension ixstat.
//
// Each is a thin extern "C" shell: fetch arguments, then run the body inside
// ixpg::sql_entry so no C++ exception reaches PostgreSQL.  The C symbol names
// are prefixed ixstat_ so they never collide with contrib pgstattuple's.
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
}
