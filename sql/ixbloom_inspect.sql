-- ixbloom 1.1: the inspection functions (ixbloom_metapage, ixbloom_groups,
-- ixbloom_tid_pages) and their privileges; the metapage's totals against
-- the directory they sum; scans counted in pg_stat_user_indexes; = ANY on
-- a polymorphic operator class.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ixbloom;
CREATE EXTENSION IF NOT EXISTS ixpack_test;
RESET client_min_messages;

SET jit = off;
-- These tests follow folds, dead slices and emptied groups; VACUUM's merges
-- would fold those groups away (they have their own test: ixbloom_merge).
SET ixbloom.vacuum_merge = off;
CREATE SCHEMA ixb_insp;
SET search_path = ixb_insp, ixpack_test, public;

CREATE TABLE t (id int, a int, b text) WITH (autovacuum_enabled = off);
INSERT INTO t SELECT g, g % 100, 'b' || (g % 7) FROM generate_series(1, 70000) g;
CREATE INDEX t_ab ON t USING ixbloom (a, b) WITH (length = 96, col2 = 3);

-- The metapage: shape, the options it was built with, the chains, totals.
SELECT format_version, sig_bits, ncols, col_bits, options, ngroups, grouped_rows, dir_head IS NOT NULL AS has_dir,
       buf_head, buf_pages, folds, total_live, total_slice_pages, total_tid_pages, total_slice_words, dead_groups
  FROM ixbloom_metapage('t_ab');
SELECT "group", nrows, capacity, live, dead, slice_pages, tid_pages, first_tid_block = first_block + slice_pages AS tid_after_slices
  FROM ixbloom_groups('t_ab');
SELECT tid_page, first_pos, nrows, encoding, map_entries FROM ixbloom_tid_pages('t_ab', 1);

-- The totals the planner's cost reads stay the sums over the directory
-- (over the groups with live rows; the others are counted apart): after a
-- fold (inserts, then VACUUM), after VACUUM marks dead rows, and after it
-- empties a group.
CREATE FUNCTION totals_match(idx regclass) RETURNS boolean LANGUAGE sql AS $$
  SELECT m.total_live = g.live AND m.total_slice_pages = g.slice_pages AND m.total_tid_pages = g.tid_pages
         AND m.dead_groups = g.dead_groups AND m.ngroups = g.n
    FROM ixbloom_metapage(idx) m,
         (SELECT count(*) AS n, coalesce(sum(live), 0) AS live,
                 coalesce(sum(slice_pages) FILTER (WHERE live > 0), 0) AS slice_pages,
                 coalesce(sum(tid_pages) FILTER (WHERE live > 0), 0) AS tid_pages,
                 count(*) FILTER (WHERE live = 0) AS dead_groups
            FROM ixbloom_groups(idx)) g $$;
SELECT totals_match('t_ab');
INSERT INTO t SELECT g, g % 100, 'b' || (g % 7) FROM generate_series(70001, 80000) g;
SELECT buf_pages > 0 AS buffered, buf_capacity >= 10000 AS room_for_them FROM ixbloom_metapage('t_ab');
SET ixbloom.vacuum_fold_min_pages = 1;
VACUUM t;
SELECT ngroups, buf_pages, totals_match('t_ab') FROM ixbloom_metapage('t_ab');
DELETE FROM t WHERE id % 3 = 0;
VACUUM t;
SELECT "group", nrows, live, dead, live + dead = nrows AS counted FROM ixbloom_groups('t_ab');
SELECT totals_match('t_ab');
SELECT index_matches_seqscan($$SELECT id FROM t WHERE a = 42 AND b = 'b3' ORDER BY id$$);
DELETE FROM t WHERE id > 70000;
VACUUM t;
SELECT "group", live, dead FROM ixbloom_groups('t_ab') WHERE "group" = 3;
SELECT dead_groups, totals_match('t_ab') FROM ixbloom_metapage('t_ab');
RESET ixbloom.vacuum_fold_min_pages;

-- Errors: not an ixbloom index; no such group.
CREATE INDEX t_btree ON t (id);
SELECT * FROM ixbloom_metapage('t_btree');
SELECT * FROM ixbloom_groups('t');
SELECT * FROM ixbloom_tid_pages('t_ab', 0);
SELECT * FROM ixbloom_tid_pages('t_ab', 99);

-- Privileges: like contrib pgstattuple, superusers and pg_stat_scan_tables.
CREATE ROLE ixb_insp_plain;
CREATE ROLE ixb_insp_monitor IN ROLE pg_stat_scan_tables;
GRANT USAGE ON SCHEMA ixb_insp TO ixb_insp_plain, ixb_insp_monitor;
GRANT SELECT ON t TO ixb_insp_plain, ixb_insp_monitor;
SET ROLE ixb_insp_plain;
SELECT ngroups FROM ixbloom_metapage('t_ab');
SELECT count(*) FROM ixbloom_groups('t_ab');
RESET ROLE;
SET ROLE ixb_insp_monitor;
SELECT ngroups FROM ixbloom_metapage('t_ab');
SELECT count(*) FROM ixbloom_groups('t_ab');
SELECT count(*) FROM ixbloom_tid_pages('t_ab', 1);
RESET ROLE;

-- Every scan is counted, as built-in methods count theirs: the usual
-- "idx_scan = 0" check for unused indexes must not flag a busy ixbloom index.
-- (Flush this backend's pending counts first, so the reset is the start.)
SELECT pg_stat_force_next_flush();
SELECT pg_stat_reset_single_table_counters('t_ab'::regclass);
SET enable_seqscan = off;
SELECT count(*) FROM t WHERE a = 1;
SELECT count(*) FROM t WHERE a = 2 AND b = 'b2';
SELECT count(*) FROM t WHERE a = ANY('{3,4}');
RESET enable_seqscan;
SELECT pg_stat_force_next_flush();
SELECT idx_scan, idx_tup_read > 0 AS read_tuples FROM pg_stat_user_indexes WHERE indexrelid = 't_ab'::regclass;

-- A polymorphic operator class (anyenum, hashed by hashenum): = ANY hashes
-- its elements with the class's function, as = does.
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE OPERATOR CLASS ixb_enum_ops DEFAULT FOR TYPE anyenum USING ixbloom AS
    OPERATOR 1 =(anyenum, anyenum), FUNCTION 1 hashenum(anyenum);
CREATE TABLE e (id int, m mood);
INSERT INTO e SELECT g, (ARRAY['sad', 'ok', 'happy'])[1 + g % 3]::mood FROM generate_series(1, 300) g;
INSERT INTO e VALUES (301, NULL);
CREATE INDEX e_m ON e USING ixbloom (m);
SELECT index_matches_seqscan($$SELECT id FROM e WHERE m = 'ok' ORDER BY id$$);
SELECT index_matches_seqscan($$SELECT id FROM e WHERE m = ANY('{sad,happy}') ORDER BY id$$);
SELECT index_matches_seqscan($$SELECT id FROM e WHERE m = ANY(ARRAY['ok'::mood, NULL]) ORDER BY id$$);
SELECT amvalidate(oid) FROM pg_opclass WHERE opcname = 'ixb_enum_ops';

SET client_min_messages = warning;
DROP SCHEMA ixb_insp CASCADE;
DROP ROLE ixb_insp_plain;
DROP ROLE ixb_insp_monitor;
RESET client_min_messages;
