/* control/ixstat--1.0.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION ixstat" to load this file. \quit

-- Install only into a schema that the installing role owns, that holds
-- nothing yet, and on which nobody else may create objects.  CREATE
-- EXTENSION uses an existing schema "ixstat" as it finds it, and the
-- functions are called by superusers: a role that owned it, or could create
-- in it, could add its own ixstat.pgstattuple(oid), which a call such as
-- ixstat.pgstattuple(c.oid) would then pick over the regclass version.  (A
-- schema that CREATE EXTENSION creates passes: the installing role owns
-- it, it is empty, and it grants nothing.)
DO $$
DECLARE
    owner name;
    objects bigint;
    others_create boolean;
BEGIN
    SELECT r.rolname,
           (SELECT count(*) FROM pg_catalog.pg_class WHERE relnamespace = n.oid)
           + (SELECT count(*) FROM pg_catalog.pg_proc WHERE pronamespace = n.oid)
           + (SELECT count(*) FROM pg_catalog.pg_type WHERE typnamespace = n.oid)
           + (SELECT count(*) FROM pg_catalog.pg_operator WHERE oprnamespace = n.oid),
           EXISTS (SELECT 1 FROM pg_catalog.aclexplode(n.nspacl) a
                    WHERE a.privilege_type = 'CREATE' AND a.grantee <> n.nspowner)
      INTO owner, objects, others_create
      FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_roles r ON r.oid = n.nspowner
     WHERE n.nspname = 'ixstat';
    IF owner IS DISTINCT FROM current_user OR objects > 0 OR others_create THEN
        RAISE EXCEPTION 'schema "ixstat" is not fit for the extension: owned by "%", % object(s) in it, CREATE granted to other roles: %',
              owner, objects, others_create
        USING ERRCODE = 'insufficient_privilege',
              DETAIL = format('ixstat must be installed into a schema that "%s" owns, that is empty, and in which no other role can create objects.', current_user),
              HINT = 'Drop or rename that schema (DROP SCHEMA ixstat CASCADE, once you have checked what it holds), then run CREATE EXTENSION ixstat again.';
    END IF;
END $$;

-- The functions below mirror contrib pgstattuple 1.5: same names, argument
-- and output column names and types, same privileges.  They live in schema
-- ixstat so that both extensions can be installed in one database.

CREATE FUNCTION pgstattuple(IN relname text,
    OUT table_len BIGINT,           -- physical table length in bytes
    OUT tuple_count BIGINT,         -- number of live tuples
    OUT tuple_len BIGINT,           -- total tuples length in bytes
    OUT tuple_percent FLOAT8,       -- live tuples in %
    OUT dead_tuple_count BIGINT,    -- number of dead tuples
    OUT dead_tuple_len BIGINT,      -- total dead tuples length in bytes
    OUT dead_tuple_percent FLOAT8,  -- dead tuples in %
    OUT free_space BIGINT,          -- free space in bytes
    OUT free_percent FLOAT8)        -- free space in %
AS 'MODULE_PATHNAME', 'ixstat_pgstattuple_text'
LANGUAGE C STRICT PARALLEL SAFE;

CREATE FUNCTION pgstattuple(IN reloid regclass,
    OUT table_len BIGINT,
    OUT tuple_count BIGINT,
    OUT tuple_len BIGINT,
    OUT tuple_percent FLOAT8,
    OUT dead_tuple_count BIGINT,
    OUT dead_tuple_len BIGINT,
    OUT dead_tuple_percent FLOAT8,
    OUT free_space BIGINT,
    OUT free_percent FLOAT8)
AS 'MODULE_PATHNAME', 'ixstat_pgstattuple_oid'
LANGUAGE C STRICT PARALLEL SAFE;

CREATE FUNCTION pgstattuple_approx(IN reloid regclass,
    OUT table_len BIGINT,               -- physical table length in bytes
    OUT scanned_percent FLOAT8,         -- share of the table's pages scanned
    OUT approx_tuple_count BIGINT,      -- estimated number of live tuples
    OUT approx_tuple_len BIGINT,        -- estimated total length of live tuples
    OUT approx_tuple_percent FLOAT8,    -- live tuples in % (estimate)
    OUT dead_tuple_count BIGINT,        -- exact number of dead tuples
    OUT dead_tuple_len BIGINT,          -- exact total length of dead tuples
    OUT dead_tuple_percent FLOAT8,      -- dead tuples in %
    OUT approx_free_space BIGINT,       -- estimated free space in bytes
    OUT approx_free_percent FLOAT8)     -- free space in % (estimate)
AS 'MODULE_PATHNAME', 'ixstat_pgstattuple_approx'
LANGUAGE C STRICT PARALLEL SAFE;

CREATE FUNCTION pgstatindex(IN relname text,
    OUT version INT,
    OUT tree_level INT,
    OUT index_size BIGINT,
    OUT root_block_no BIGINT,
    OUT internal_pages BIGINT,
    OUT leaf_pages BIGINT,
    OUT empty_pages BIGINT,
    OUT deleted_pages BIGINT,
    OUT avg_leaf_density FLOAT8,
    OUT leaf_fragmentation FLOAT8)
AS 'MODULE_PATHNAME', 'ixstat_pgstatindex_text'
LANGUAGE C STRICT PARALLEL SAFE;

CREATE FUNCTION pgstatindex(IN relname regclass,
    OUT version INT,
    OUT tree_level INT,
    OUT index_size BIGINT,
    OUT root_block_no BIGINT,
    OUT internal_pages BIGINT,
    OUT leaf_pages BIGINT,
    OUT empty_pages BIGINT,
    OUT deleted_pages BIGINT,
    OUT avg_leaf_density FLOAT8,
    OUT leaf_fragmentation FLOAT8)
AS 'MODULE_PATHNAME', 'ixstat_pgstatindex_oid'
LANGUAGE C STRICT PARALLEL SAFE;

CREATE FUNCTION pgstatginindex(IN relname regclass,
    OUT version INT4,
    OUT pending_pages INT4,
    OUT pending_tuples BIGINT)
AS 'MODULE_PATHNAME', 'ixstat_pgstatginindex'
LANGUAGE C STRICT PARALLEL SAFE;

CREATE FUNCTION pgstathashindex(IN relname regclass,
    OUT version INTEGER,
    OUT bucket_pages BIGINT,
    OUT overflow_pages BIGINT,
    OUT bitmap_pages BIGINT,
    OUT unused_pages BIGINT,
    OUT live_items BIGINT,
    OUT dead_items BIGINT,
    OUT free_percent FLOAT8)
AS 'MODULE_PATHNAME', 'ixstat_pgstathashindex'
LANGUAGE C STRICT PARALLEL SAFE;

CREATE FUNCTION pg_relpages(IN relname text)
RETURNS BIGINT
AS 'MODULE_PATHNAME', 'ixstat_pg_relpages_text'
LANGUAGE C STRICT PARALLEL SAFE;

CREATE FUNCTION pg_relpages(IN relname regclass)
RETURNS BIGINT
AS 'MODULE_PATHNAME', 'ixstat_pg_relpages_oid'
LANGUAGE C STRICT PARALLEL SAFE;

-- Same privilege model as contrib pgstattuple 1.5: nobody but the owner by
-- default, and members of pg_stat_scan_tables.
REVOKE EXECUTE ON FUNCTION pgstattuple(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pgstattuple(regclass) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pgstattuple_approx(regclass) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pgstatindex(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pgstatindex(regclass) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pgstatginindex(regclass) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pgstathashindex(regclass) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pg_relpages(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pg_relpages(regclass) FROM PUBLIC;

-- Members of pg_stat_scan_tables must reach the schema, as they reach public
-- for contrib.
GRANT USAGE ON SCHEMA @extschema@ TO pg_stat_scan_tables;

GRANT EXECUTE ON FUNCTION pgstattuple(text) TO pg_stat_scan_tables;
GRANT EXECUTE ON FUNCTION pgstattuple(regclass) TO pg_stat_scan_tables;
GRANT EXECUTE ON FUNCTION pgstattuple_approx(regclass) TO pg_stat_scan_tables;
GRANT EXECUTE ON FUNCTION pgstatindex(text) TO pg_stat_scan_tables;
GRANT EXECUTE ON FUNCTION pgstatindex(regclass) TO pg_stat_scan_tables;
GRANT EXECUTE ON FUNCTION pgstatginindex(regclass) TO pg_stat_scan_tables;
GRANT EXECUTE ON FUNCTION pgstathashindex(regclass) TO pg_stat_scan_tables;
GRANT EXECUTE ON FUNCTION pg_relpages(text) TO pg_stat_scan_tables;
GRANT EXECUTE ON FUNCTION pg_relpages(regclass) TO pg_stat_scan_tables;
