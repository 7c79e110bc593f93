/* control/ixbloom--1.0--1.1.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION ixbloom UPDATE TO '1.1'" to load this file. \quit

-- Inspection (docs/ixbloom.md, "Inspecting an index"): the metapage, the
-- groups, and the TID pages of one group.  Like contrib pgstattuple's
-- functions, for superusers and members of pg_stat_scan_tables.
CREATE FUNCTION ixbloom_metapage(index regclass,
    OUT format_version int, OUT sig_bits int, OUT ncols int, OUT col_bits int[], OUT options text,
    OUT ngroups bigint, OUT grouped_rows bigint, OUT dir_head bigint, OUT dir_tail bigint,
    OUT buf_head bigint, OUT buf_tail bigint, OUT buf_pages bigint, OUT buf_capacity bigint, OUT folds bigint,
    OUT total_live bigint, OUT total_slice_pages bigint, OUT total_tid_pages bigint, OUT total_slice_words bigint,
    OUT dead_groups bigint)
RETURNS record
AS 'MODULE_PATHNAME', 'ixbloom_metapage'
LANGUAGE C STRICT PARALLEL SAFE;

CREATE FUNCTION ixbloom_groups(index regclass,
    OUT "group" int, OUT first_block bigint, OUT nrows int, OUT capacity int, OUT live int, OUT dead int,
    OUT slice_pages int, OUT tid_pages int, OUT first_tid_block bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'ixbloom_groups'
LANGUAGE C STRICT PARALLEL SAFE;

CREATE FUNCTION ixbloom_tid_pages(index regclass, "group" int,
    OUT tid_page int, OUT block bigint, OUT first_pos bigint, OUT nrows int, OUT encoding text, OUT entries int,
    OUT map_entries int)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'ixbloom_tid_pages'
LANGUAGE C STRICT PARALLEL SAFE;

REVOKE ALL ON FUNCTION ixbloom_metapage(regclass) FROM PUBLIC;
REVOKE ALL ON FUNCTION ixbloom_groups(regclass) FROM PUBLIC;
REVOKE ALL ON FUNCTION ixbloom_tid_pages(regclass, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ixbloom_metapage(regclass) TO pg_stat_scan_tables;
GRANT EXECUTE ON FUNCTION ixbloom_groups(regclass) TO pg_stat_scan_tables;
GRANT EXECUTE ON FUNCTION ixbloom_tid_pages(regclass, int) TO pg_stat_scan_tables;

-- ALTER INDEX ... SET (colN = ...) past the index's last column, or the same
-- option in CREATE INDEX on a partitioned table (which builds nothing):
-- amoptions cannot see the index, so this trigger refuses them at the end
-- of the command, as a build would (otherwise every later rebuild, or new
-- partition, fails).  ALWAYS: also under session_replication_role = replica.
CREATE FUNCTION ixbloom_check_altered_options()
RETURNS event_trigger
AS 'MODULE_PATHNAME', 'ixbloom_check_altered_options'
LANGUAGE C;

CREATE EVENT TRIGGER ixbloom_check_altered_options ON ddl_command_end
    WHEN TAG IN ('ALTER INDEX', 'ALTER TABLE', 'CREATE INDEX')
    EXECUTE FUNCTION ixbloom_check_altered_options();
ALTER EVENT TRIGGER ixbloom_check_altered_options ENABLE ALWAYS;
