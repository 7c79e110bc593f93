/* control/ixbloom--1.1--1.2.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION ixbloom UPDATE TO '1.2'" to load this file. \quit

-- Groups merge (format 3, docs/ixbloom-format.md "Merge"): VACUUM merges
-- small groups into full-size ones, and so does this function, on demand.
-- Like brin_summarize_range, for the table's owner (checked inside).
CREATE FUNCTION ixbloom_merge_groups(index regclass,
    OUT groups_before int, OUT groups_after int, OUT pages_freed bigint)
RETURNS record
AS 'MODULE_PATHNAME', 'ixbloom_merge_groups'
LANGUAGE C STRICT VOLATILE PARALLEL UNSAFE;

-- ixbloom_metapage shows the merge counter and where the signature shape
-- came from (options, defaults, statistics or sample: an index created
-- without options is sized from the data).  A function's result columns
-- cannot be altered, so it is created again, with its privileges.
DROP FUNCTION ixbloom_metapage(regclass);
CREATE FUNCTION ixbloom_metapage(index regclass,
    OUT format_version int, OUT sig_bits int, OUT ncols int, OUT col_bits int[], OUT options text,
    OUT ngroups bigint, OUT grouped_rows bigint, OUT dir_head bigint, OUT dir_tail bigint,
    OUT buf_head bigint, OUT buf_tail bigint, OUT buf_pages bigint, OUT buf_capacity bigint, OUT folds bigint,
    OUT total_live bigint, OUT total_slice_pages bigint, OUT total_tid_pages bigint, OUT total_slice_words bigint,
    OUT dead_groups bigint, OUT merges bigint, OUT sized_from text)
RETURNS record
AS 'MODULE_PATHNAME', 'ixbloom_metapage'
LANGUAGE C STRICT PARALLEL SAFE;
REVOKE ALL ON FUNCTION ixbloom_metapage(regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ixbloom_metapage(regclass) TO pg_stat_scan_tables;
