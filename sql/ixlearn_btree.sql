-- ixlearn through the scenarios of PostgreSQL's own btree regression test
-- (src/test/regress/sql/btree_index.sql), rewritten for the types
-- ixlearn indexes: keys loaded in descending order (each a new lowest
-- key) and in ascending order (each a new highest key) into an existing
-- index, the lowest, highest and a middle key found; row comparisons
-- (not an ixlearn index qual: a filter, still right); arrays on the first
-- column with a > condition on the second; backward scans that start at a
-- leaf boundary; DISTINCT over an IN list in both directions; a tall index
-- (long INCLUDE values, fillfactor 10) emptied by DELETE + VACUUM and
-- filled again; one key deleted and inserted again many times (btree's
-- deduplication test); a condition on the second column only, forward and
-- backward; a large multi-column index mostly deleted; an opclass
-- parameter, an index on a constant expression, ALTER INDEX ... SET on a
-- column.  Every query is compared with a sequential scan (ixpack_test's
-- index_matches_seqscan) and the small results are shown.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ixlearn;
CREATE EXTENSION IF NOT EXISTS ixpack_test;
RESET client_min_messages;

SET jit = off;
CREATE SCHEMA ixl_bt;
SET search_path = ixl_bt, ixpack_test, public;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;

-- Each table gets its index first, then 10,000 rows: seqno 9999 down to 0
-- (int4, timestamptz), 0 up to 9999 (float8, int8), and a second column
-- scrambled from it.
CREATE TABLE bt_i4 (seqno int4, random int4) WITH (autovacuum_enabled = off);
CREATE TABLE bt_f8 (seqno float8, random int4) WITH (autovacuum_enabled = off);
CREATE TABLE bt_i8 (seqno int8, random int4) WITH (autovacuum_enabled = off);
CREATE TABLE bt_ts (seqno timestamptz, random int4) WITH (autovacuum_enabled = off);
CREATE INDEX bt_i4_seqno ON bt_i4 USING ixlearn (seqno int4_ops);
CREATE INDEX bt_f8_seqno ON bt_f8 USING ixlearn (seqno float8_ops);
CREATE INDEX bt_i8_seqno ON bt_i8 USING ixlearn (seqno);
CREATE INDEX bt_ts_seqno ON bt_ts USING ixlearn (seqno);
INSERT INTO bt_i4 SELECT s, (s * 7919 + 13) % 10007 FROM generate_series(9999, 0, -1) s;
INSERT INTO bt_f8 SELECT s, (s * 7919 + 13) % 10007 FROM generate_series(0, 9999) s;
-- (bt_i8: ascending runs interleaved, the way a hash order would come)
INSERT INTO bt_i8 SELECT s, (s * 7919 + 13) % 10007 FROM generate_series(0, 9999) s ORDER BY s % 7, s;
INSERT INTO bt_ts SELECT timestamptz '2000-01-01' + s * interval '1 hour', (s * 7919 + 13) % 10007
  FROM generate_series(9999, 0, -1) s;
ANALYZE bt_i4, bt_f8, bt_i8, bt_ts;
SELECT c AS index, s.leaves > 1 AS several_leaves, s.splits_since_model > 0 AS splits, s.entries,
       ixlearn_check(c::regclass, true) AS check
  FROM unnest('{bt_i4_seqno,bt_f8_seqno,bt_i8_seqno,bt_ts_seqno}'::text[]) c, LATERAL ixlearn_stats(c::regclass) s;

-- The lowest key, the highest, one in the middle: none lost.
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SELECT b.* FROM bt_i4 b WHERE b.seqno < 1;
SELECT b.* FROM bt_i4 b WHERE b.seqno >= 9999;
SELECT b.* FROM bt_i4 b WHERE b.seqno = 4500;
SELECT b.* FROM bt_f8 b WHERE b.seqno < '1'::float8;
SELECT b.* FROM bt_f8 b WHERE b.seqno >= '9999'::float8;
SELECT b.* FROM bt_f8 b WHERE b.seqno = '4500'::float8;
SELECT b.* FROM bt_i8 b WHERE b.seqno < 1::int2;
SELECT b.* FROM bt_i8 b WHERE b.seqno >= 9999;
SELECT b.* FROM bt_i8 b WHERE b.seqno = 4500::int4;
SELECT b.* FROM bt_ts b WHERE b.seqno < '2000-01-01 01:00';
SELECT b.* FROM bt_ts b WHERE b.seqno >= '2001-02-20 15:00';
SELECT b.* FROM bt_ts b WHERE b.seqno = '2000-07-07 12:00'::timestamp;
RESET enable_seqscan;
RESET enable_bitmapscan;
SELECT q, index_matches_seqscan(q, s) FROM (VALUES
  ('SELECT * FROM bt_i4 WHERE seqno < 1 ORDER BY seqno', 'Index Scan'),
  ('SELECT * FROM bt_i4 WHERE seqno >= 9999 ORDER BY seqno DESC', 'Index Scan'),
  ('SELECT * FROM bt_i4 WHERE seqno = 4500 ORDER BY random', 'Bitmap Index Scan'),
  ('SELECT * FROM bt_i4 ORDER BY seqno', 'Index Scan'),
  ('SELECT * FROM bt_i4 ORDER BY seqno DESC', 'Index Scan'),
  ('SELECT * FROM bt_f8 WHERE seqno < 1 ORDER BY seqno', 'Index Scan'),
  ('SELECT * FROM bt_f8 WHERE seqno >= 9999 ORDER BY seqno DESC', 'Index Scan'),
  ('SELECT * FROM bt_f8 ORDER BY seqno DESC', 'Index Scan'),
  ('SELECT * FROM bt_i8 ORDER BY seqno', 'Index Scan'),
  ('SELECT * FROM bt_i8 WHERE seqno BETWEEN 4000 AND 4100 ORDER BY seqno DESC', 'Index Scan'),
  ('SELECT * FROM bt_ts ORDER BY seqno DESC', 'Index Scan'),
  ('SELECT * FROM bt_ts WHERE seqno >= ''2000-07-07''::date ORDER BY seqno LIMIT 30', 'Index Scan')) v(q, s);

-- Row comparisons: btree makes them index quals, ixlearn does not (the
-- planner filters); the rows are the same.  The second column of the row
-- after the first, before the last, left out of the index condition; a
-- backward scan; a NULL in the row.
CREATE TABLE tenk (unique1 int4, unique2 int4, two int4, ten int4, twenty int4, hundred int4, thousand int4,
                   tenthous int4) WITH (autovacuum_enabled = off);
INSERT INTO tenk SELECT u1, u2, u1 % 2, u1 % 10, u1 % 20, u1 % 100, u1 % 1000, u1
  FROM (SELECT (i * 7919) % 10000 AS u1, i AS u2 FROM generate_series(0, 9999) i) s;
CREATE INDEX tenk_thous_tenthous ON tenk USING ixlearn (thousand, tenthous);
CREATE INDEX tenk_hundred ON tenk USING ixlearn (hundred);
CREATE INDEX tenk_unique1 ON tenk USING ixlearn (unique1);
VACUUM ANALYZE tenk;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF)
SELECT thousand, tenthous, hundred FROM tenk WHERE (thousand, hundred) > (182, 0) ORDER BY thousand, tenthous LIMIT 1;
SELECT thousand, tenthous, hundred FROM tenk WHERE (thousand, hundred) > (182, 0) ORDER BY thousand, tenthous LIMIT 1;
SELECT thousand, tenthous, hundred FROM tenk WHERE (thousand, hundred) < (182, 1000000)
 ORDER BY thousand DESC, tenthous DESC LIMIT 1;
SELECT thousand, tenthous FROM tenk WHERE thousand = 182 AND (thousand, tenthous) < (182, NULL) ORDER BY thousand, tenthous;
SELECT thousand, tenthous FROM tenk WHERE thousand = 182 AND (thousand, tenthous) > (182, NULL)
 ORDER BY thousand DESC, tenthous DESC;
RESET enable_seqscan;
RESET enable_bitmapscan;
SELECT q, index_matches_seqscan(q, 'Index Scan') FROM unnest(ARRAY[
  'SELECT thousand, tenthous, hundred FROM tenk WHERE (thousand, hundred) > (182, 0) ORDER BY thousand, tenthous LIMIT 20',
  'SELECT thousand, tenthous, hundred FROM tenk WHERE (thousand, hundred) < (182, 1000000) ORDER BY thousand DESC, tenthous DESC LIMIT 20',
  'SELECT thousand, tenthous FROM tenk WHERE (thousand, tenthous) >= (999, 3000) ORDER BY thousand, tenthous',
  'SELECT thousand, tenthous FROM tenk WHERE thousand = 182 AND (thousand, tenthous) < (182, NULL) ORDER BY thousand, tenthous'
]) q;

-- An IN list on the first column with a > condition on the second: the
-- scan leaves each leaf's run of 182 for the run of 183.
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT thousand, tenthous FROM tenk WHERE thousand IN (182, 183) AND tenthous > 7550;
SELECT thousand, tenthous FROM tenk WHERE thousand IN (182, 183) AND tenthous > 7550;
-- Backward scans starting at a leaf boundary: the first row below 48, at
-- or below 48.
EXPLAIN (COSTS OFF) SELECT hundred, twenty FROM tenk WHERE hundred < 48 ORDER BY hundred DESC LIMIT 1;
SELECT hundred, twenty FROM tenk WHERE hundred < 48 ORDER BY hundred DESC LIMIT 1;
SELECT hundred, twenty FROM tenk WHERE hundred <= 48 ORDER BY hundred DESC LIMIT 1;
-- DISTINCT over an IN list, in both directions (the ordered scan with
-- the array sorted, one leaf read once).
EXPLAIN (COSTS OFF) SELECT DISTINCT hundred FROM tenk WHERE hundred IN (47, 48, 72, 82);
SELECT DISTINCT hundred FROM tenk WHERE hundred IN (47, 48, 72, 82);
EXPLAIN (COSTS OFF) SELECT DISTINCT hundred FROM tenk WHERE hundred IN (47, 48, 72, 82) ORDER BY hundred DESC;
SELECT DISTINCT hundred FROM tenk WHERE hundred IN (47, 48, 72, 82) ORDER BY hundred DESC;
SELECT thousand FROM tenk WHERE thousand IN (364, 366, 380) AND tenthous = 200000;
RESET enable_seqscan;
RESET enable_bitmapscan;
SELECT q, index_matches_seqscan(q, s) FROM (VALUES
  ('SELECT thousand, tenthous FROM tenk WHERE thousand IN (182, 183) AND tenthous > 7550 ORDER BY thousand, tenthous', 'Index Scan'),
  ('SELECT thousand, tenthous FROM tenk WHERE thousand IN (183, 182) AND tenthous > 7550 ORDER BY thousand DESC, tenthous DESC', 'Index Scan'),
  ('SELECT thousand, tenthous FROM tenk WHERE thousand IN (182, 183) AND tenthous > 7550 ORDER BY tenthous', 'Bitmap Index Scan'),
  ('SELECT hundred, twenty FROM tenk WHERE hundred < 48 ORDER BY hundred DESC LIMIT 1', 'Index Scan'),
  ('SELECT hundred, twenty FROM tenk WHERE hundred <= 48 ORDER BY hundred DESC LIMIT 1', 'Index Scan'),
  ('SELECT DISTINCT hundred FROM tenk WHERE hundred IN (47, 48, 72, 82) ORDER BY hundred', 'Index Scan'),
  ('SELECT DISTINCT hundred FROM tenk WHERE hundred IN (47, 48, 72, 82) ORDER BY hundred DESC', 'Index Scan'),
  ('SELECT thousand FROM tenk WHERE thousand IN (364, 366, 380) AND tenthous = 200000', 'Index Scan'),
  ('SELECT thousand, tenthous FROM tenk WHERE thousand IN (364, 366, 380) AND tenthous IN (7364, 1366, 2380) ORDER BY thousand', 'Index Scan'),
  ('SELECT unique1 FROM tenk WHERE unique1 IN (9999, 0, 5000, -1, 10000) ORDER BY unique1 DESC', 'Index Scan')) v(q, s);

-- A tall index: long, poorly compressible INCLUDE values (a few entries
-- per leaf; built at fillfactor 10, one per leaf); most rows deleted,
-- VACUUM (the empty leaves are unlinked: the leftmost and the few that
-- still hold rows stay), then rows again, at the right end and in the
-- gaps.
CREATE TABLE tall (id int4, t text) WITH (autovacuum_enabled = off);
CREATE INDEX tall_idx ON tall USING ixlearn (id) INCLUDE (t) WITH (fillfactor = 10);
INSERT INTO tall SELECT g, g::text || '_' || (SELECT string_agg(md5((g * 100 + i)::text), '_') FROM generate_series(1, 50) i)
  FROM generate_series(1, 100) g;
-- the same built at fillfactor 10 (each leaf over the fill target)
CREATE INDEX tall_built ON tall USING ixlearn (id DESC) INCLUDE (t) WITH (fillfactor = 10);
SELECT leaves >= 20 AS tall, entries, (SELECT leaves FROM ixlearn_stats('tall_built')) >= 100 AS built_tall
  FROM ixlearn_stats('tall_idx');
SELECT ixlearn_check('tall_idx', true), ixlearn_check('tall_built', true);
DELETE FROM tall WHERE id < 95;
VACUUM tall;
SELECT leaves <= 8 AS empty_leaves_unlinked, unlinked_leaves >= 12 AS unlinked, entries,
       (SELECT leaves <= 8 FROM ixlearn_stats('tall_built')) AS built_unlinked
  FROM ixlearn_stats('tall_idx');
SELECT ixlearn_check('tall_idx', true), ixlearn_check('tall_built', true);
INSERT INTO tall SELECT g, repeat('x', 100) FROM generate_series(1, 500) g;
SELECT ixlearn_check('tall_idx', true), ixlearn_check('tall_built', true);
SELECT q, index_matches_seqscan(q, s) FROM (VALUES
  ('SELECT id, length(t) FROM tall WHERE id BETWEEN 90 AND 99 ORDER BY id, length(t)', 'Index Only Scan'),
  ('SELECT id, md5(t) FROM tall WHERE id > 0 ORDER BY id DESC, md5(t) LIMIT 20', 'Index Scan'),
  ('SELECT count(*) FROM tall WHERE id < 95', 'Bitmap Index Scan')) v(q, s);
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SELECT id, length(t) FROM tall WHERE id >= 94 AND id <= 96 ORDER BY id, length(t);
SELECT id, length(t) FROM tall WHERE id >= 94 AND id <= 96 ORDER BY id DESC, length(t);
RESET enable_seqscan;
RESET enable_bitmapscan;

-- One key deleted and inserted again 1350 times: a long run of dead
-- entries for one key (btree kills them or deduplicates them; ixlearn
-- keeps them until VACUUM); then 451 keys.
CREATE TABLE dedup (a int4) WITH (autovacuum_enabled = off);
CREATE INDEX dedup_a ON dedup USING ixlearn (a);
DO $$
BEGIN
  FOR r IN 1 .. 1350 LOOP
    DELETE FROM dedup;
    INSERT INTO dedup SELECT 1;
  END LOOP;
END $$;
SELECT entries, (SELECT count(*) FROM dedup) AS rows FROM ixlearn_stats('dedup_a');
SELECT ixlearn_check('dedup_a', true);
SELECT index_matches_seqscan('SELECT a FROM dedup WHERE a = 1', 'Index Scan');
SELECT index_matches_seqscan('SELECT a FROM dedup WHERE a >= 0 ORDER BY a DESC', 'Index Scan');
DELETE FROM dedup WHERE a = 1;
INSERT INTO dedup SELECT i FROM generate_series(0, 450) i;
SELECT ixlearn_check('dedup_a', true);
SELECT index_matches_seqscan('SELECT a FROM dedup WHERE a <= 3 ORDER BY a', 'Index Scan');
VACUUM dedup;
SELECT entries, (SELECT count(*) FROM dedup) AS rows FROM ixlearn_stats('dedup_a');
SELECT ixlearn_check('dedup_a', true);
SELECT index_matches_seqscan('SELECT a FROM dedup WHERE a BETWEEN 1 AND 449 ORDER BY a DESC', 'Index Scan');

-- A condition on the second column only (btree's skip scan test): the
-- scan reads the first column's every run; forward and backward.  The
-- first column is the rightmost key for 130 rows, then NULLs.
CREATE TABLE skip (id int4, t timestamptz, pad text) WITH (autovacuum_enabled = off);
ALTER TABLE skip ALTER COLUMN pad SET STORAGE plain;
CREATE INDEX skip_t_id ON skip USING ixlearn (t, id) INCLUDE (pad) WITH (fillfactor = 10);
INSERT INTO skip SELECT g, timestamptz '2025-01-01', repeat('x', 250) FROM generate_series(1, 130) g;
INSERT INTO skip SELECT g, NULL, NULL FROM generate_series(50, 60) g;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SELECT id FROM skip WHERE id = 55 ORDER BY t, id;
EXPLAIN (COSTS OFF) SELECT id FROM skip WHERE id = 55 ORDER BY t, id;
SELECT id FROM skip WHERE id = 55 ORDER BY t DESC, id DESC;
EXPLAIN (COSTS OFF) SELECT id FROM skip WHERE id = 55 ORDER BY t DESC, id DESC;
RESET enable_seqscan;
RESET enable_bitmapscan;
SELECT index_matches_seqscan('SELECT t, id FROM skip WHERE id = 55 ORDER BY t, id', 'Index Scan');
SELECT index_matches_seqscan('SELECT t, id FROM skip WHERE id = 55 ORDER BY t DESC, id DESC', 'Index Scan');
SELECT index_matches_seqscan('SELECT t, id FROM skip WHERE id > 125 OR id < 3 ORDER BY t, id', 'Index Scan');
SELECT ixlearn_check('skip_t_id', true);

-- A large four-column index mostly deleted: empty leaves over most of the
-- key range, then VACUUM and new rows in it.
CREATE TABLE delete_test (a int8, b int8, c int8, d int8) WITH (autovacuum_enabled = off);
INSERT INTO delete_test SELECT i, 1, 2, 3 FROM generate_series(1, 40000) i;
CREATE INDEX delete_test_abcd ON delete_test USING ixlearn (a, b, c, d);
DELETE FROM delete_test WHERE a < 39990;
VACUUM delete_test;
SELECT leaves > 1 AS leaves_stay, entries, splits_since_model FROM ixlearn_stats('delete_test_abcd');
INSERT INTO delete_test SELECT i, 1, 2, 3 FROM generate_series(1, 1000) i;
SELECT ixlearn_check('delete_test_abcd', true);
SELECT q, index_matches_seqscan(q, s) FROM (VALUES
  ('SELECT * FROM delete_test WHERE a > 990 ORDER BY a, b, c, d', 'Index Scan'),
  ('SELECT * FROM delete_test WHERE a BETWEEN 995 AND 39995 ORDER BY a DESC, b DESC, c DESC, d DESC', 'Index Scan'),
  ('SELECT * FROM delete_test WHERE b = 1 AND d = 3 AND a % 100 = 0 ORDER BY a', 'Bitmap Index Scan'),
  ('SELECT min(a), max(a) FROM delete_test', 'Index Scan')) v(q, s);

-- Operator class parameters do not exist for ixlearn's classes.
CREATE INDEX ON tall USING ixlearn (id int4_ops(foo = 1));

-- An index on a constant expression (an immutable function), built with
-- parallel maintenance workers allowed (ixlearn builds in one process).
CREATE TABLE expr_test (n int);
INSERT INTO expr_test SELECT g FROM generate_series(1, 100) g;
CREATE FUNCTION ixl_test_func() RETURNS int8 LANGUAGE sql IMMUTABLE RETURN 0;
BEGIN;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_maintenance_workers = 4;
CREATE INDEX expr_test_idx ON expr_test USING ixlearn (ixl_test_func());
COMMIT;
SELECT ixlearn_check('expr_test_idx', true);
DROP TABLE expr_test;
DROP FUNCTION ixl_test_func();

-- ALTER INDEX ... ALTER COLUMN ... SET on a column of the index (the
-- grammar allows it; PostgreSQL decides), and on a partitioned index.
CREATE INDEX tall_idx2 ON tall USING ixlearn (id);
ALTER INDEX tall_idx2 ALTER COLUMN id SET (n_distinct = 100);
DROP INDEX tall_idx2;
CREATE TABLE part (id int4) PARTITION BY RANGE (id);
CREATE INDEX part_idx ON part USING ixlearn (id);
ALTER INDEX part_idx ALTER COLUMN id SET (n_distinct = 100);
-- Reloptions set on an index and changed later.
ALTER INDEX tall_idx SET (fillfactor = 50, epsilon = 7);
SELECT reloptions FROM pg_class WHERE oid = 'tall_idx'::regclass;
REINDEX INDEX tall_idx;
SELECT epsilon FROM ixlearn_stats('tall_idx');
ALTER INDEX tall_idx SET (fillfactor = 9);
ALTER INDEX tall_idx RESET (fillfactor, epsilon);
SELECT reloptions FROM pg_class WHERE oid = 'tall_idx'::regclass;
DROP TABLE part;

SET client_min_messages = warning;
DROP SCHEMA ixl_bt CASCADE;
RESET client_min_messages;
