-- ixbloom 1.2, format 3: VACUUM and ixbloom_merge_groups merge small groups
-- (docs/ixbloom-format.md, "Merge").  A table that grows by small batches,
-- VACUUMed after each, keeps few groups; every query answers as a seq scan
-- does after every step; the pages of merged groups are reused; groups that
-- deletes emptied go; the metapage's totals stay the directory's sums.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ixbloom;
CREATE EXTENSION IF NOT EXISTS ixpack_test;
RESET client_min_messages;

SET jit = off;
CREATE SCHEMA ixb_merge;
SET search_path = ixb_merge, ixpack_test, public;

CREATE TABLE t (c1 int, c2 int, c3 int, c4 int) WITH (autovacuum_enabled = off);
CREATE INDEX t_bl ON t USING ixbloom (c1, c2, c3, c4) WITH (length = 80, col1 = 2, col2 = 2, col3 = 2, col4 = 2);
CREATE FUNCTION batch(first bigint, n int) RETURNS SETOF t LANGUAGE sql AS $$
  SELECT (hashint4(g::int) & 65535), (hashint4(g::int + 1) & 2147483647) % 1000, g % 100, g % 7
    FROM generate_series(first, first + n - 1) g $$;

-- The same queries through the index and through a seq scan
-- (ixpack_test.index_matches_seqscan): 'same (N rows)' when they agree.
CREATE FUNCTION differs() RETURNS TABLE (q text, result text) LANGUAGE sql AS $$
  SELECT p, index_matches_seqscan(format('SELECT ctid FROM t WHERE %s ORDER BY ctid', p))
    FROM unnest(ARRAY['c3 = 5 AND c4 = 3', 'c1 = 5958 AND c2 = 726', 'c2 = 17 AND c3 = 17',
                      'c4 = 0 AND c3 = ANY(''{1,2,3}'')']) p $$;

CREATE FUNCTION totals_match(idx regclass) RETURNS boolean LANGUAGE sql AS $$
  SELECT m.total_live = g.live AND m.total_slice_pages = g.slice_pages AND m.total_tid_pages = g.tid_pages
         AND m.dead_groups = g.dead_groups AND m.ngroups = g.n AND m.grouped_rows = g.nrows
    FROM ixbloom_metapage(idx) m,
         (SELECT count(*) AS n, coalesce(sum(live), 0) AS live, coalesce(sum(nrows), 0) AS nrows,
                 coalesce(sum(slice_pages) FILTER (WHERE live > 0), 0) AS slice_pages,
                 coalesce(sum(tid_pages) FILTER (WHERE live > 0), 0) AS tid_pages,
                 count(*) FILTER (WHERE live = 0) AS dead_groups
            FROM ixbloom_groups(idx)) g $$;

-- One batch of 2,500 rows, then VACUUM, which folds it into a group of its
-- own (ixbloom.vacuum_fold_min_pages = 1) and merges; the index's pages,
-- groups and merges after each.  (VACUUM cannot run in a function: psql's
-- \gexec runs the statements.)
SET ixbloom.vacuum_fold_min_pages = 1;
CREATE TABLE sizes (step int, pages bigint, ngroups bigint, merges bigint);
CREATE FUNCTION trickle(first_batch int, last_batch int) RETURNS TABLE (s1 text, s2 text, s3 text)
LANGUAGE sql AS $$
  SELECT format('INSERT INTO t SELECT * FROM batch(%s, 2500)', b * 2500 + 1), 'VACUUM t',
         format('INSERT INTO sizes SELECT %s, pg_relation_size(''t_bl'') / 8192, ngroups, merges FROM ixbloom_metapage(''t_bl'')', b)
    FROM generate_series(first_batch, last_batch) b $$;
SELECT * FROM trickle(0, 39) \gexec
-- 40 groups before format 3; now every group but the last is nearly full.
SELECT format_version, ngroups, grouped_rows, merges >= 30 AS merged_often FROM ixbloom_metapage('t_bl');
SELECT "group", nrows, capacity, live, slice_pages, tid_pages FROM ixbloom_groups('t_bl');
-- No VACUUM left more than 3 groups, and the index never held more pages
-- than its 100,000 rows take in full groups (2 × 82) plus one group's
-- worth of free pages, a merge's new copy, and a few buffer pages.
SELECT max(ngroups) AS most_groups, max(pages) <= 2 * 82 + 2 * 82 + 8 AS pages_bounded FROM sizes;
SELECT * FROM differs();
SELECT totals_match('t_bl');

-- Deletes: a group whose rows are all dead goes, with its pages; the live
-- rows of under-full groups are merged, without the dead ones.
DELETE FROM t WHERE c3 < 60;
VACUUM t;
SELECT ngroups, grouped_rows, total_live, dead_groups FROM ixbloom_metapage('t_bl');
SELECT * FROM differs();
SELECT totals_match('t_bl');
DELETE FROM t;
VACUUM t;
SELECT ngroups, grouped_rows, total_live, dead_groups FROM ixbloom_metapage('t_bl');
SELECT count(*) FROM t WHERE c3 = 5 AND c4 = 3;

-- The pages of merged groups are reused: the table grows again to its old
-- size, and the index grows by at most one full group (83 pages) past its
-- high-water mark (a group needs contiguous blocks; free ones are scattered).
-- Without reuse it would double.
SELECT max(pages) AS high_water FROM sizes \gset
SELECT * FROM trickle(40, 79) \gexec
SELECT pg_relation_size('t_bl') / 8192 <= :high_water + 83 AS reused, ngroups FROM ixbloom_metapage('t_bl');
SELECT * FROM differs();

-- ixbloom_merge_groups: with ixbloom.vacuum_merge off, VACUUM only folds;
-- the function merges what it left, then finds nothing to merge.
SET ixbloom.vacuum_merge = off;
SELECT * FROM trickle(80, 83) \gexec
SELECT ngroups FROM ixbloom_metapage('t_bl');
SELECT * FROM ixbloom_merge_groups('t_bl');
SELECT * FROM ixbloom_merge_groups('t_bl');
SELECT * FROM differs();
SELECT totals_match('t_bl');
RESET ixbloom.vacuum_merge;
RESET ixbloom.vacuum_fold_min_pages;

-- Errors: not an ixbloom index, not the owner, an index of another method.
CREATE INDEX t_btree ON t (c1);
SELECT * FROM ixbloom_merge_groups('t_btree');
SELECT * FROM ixbloom_merge_groups('t');
CREATE ROLE ixb_merge_other;
GRANT USAGE ON SCHEMA ixb_merge TO ixb_merge_other;
SET ROLE ixb_merge_other;
SELECT * FROM ixbloom_merge_groups('ixb_merge.t_bl');
RESET ROLE;

DROP SCHEMA ixb_merge CASCADE;
DROP ROLE ixb_merge_other;
