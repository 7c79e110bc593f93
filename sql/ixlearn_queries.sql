-- ixlearn: every query shape a btree index serves, each run through the
-- ixlearn index (the plan forced with enable_* settings and shown once per
-- shape) and by sequential scan, with the same rows and, for ORDER BY, the
-- same order (ties broken by a unique column, so that the order is
-- defined): =, <, <=, >, >=, BETWEEN, = ANY / < ANY / >= ANY (unsorted,
-- duplicates, NULL elements, empty), IS [NOT] NULL; ORDER BY ASC/DESC
-- [NULLS FIRST|LAST] with LIMIT in both directions; multi-column indexes
-- (conditions on later columns only, ORDER BY k1, k2); DESC and NULLS
-- FIRST index columns; INCLUDE columns and index-only scans; bitmap scans
-- (BitmapAnd/Or); scroll cursors mixing FETCH directions; merge joins
-- (mark and restore across leaves); parameterized nested loops (rescans);
-- min()/max(); prepared statements; idx_scan counting.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ixlearn;
CREATE EXTENSION IF NOT EXISTS ixpack_test;
RESET client_min_messages;

SET jit = off;
CREATE SCHEMA ixl_q;
SET search_path = ixl_q, ixpack_test, public;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;

-- The plan's node types, outermost first (no costs, no conditions).
CREATE FUNCTION plan_nodes(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  line text;
  nodes text := '';
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
    IF line ~ '^\s*(->\s*)?[A-Z]' AND line !~ '^\s*(Index Cond|Filter|Sort Key|Presorted Key|Recheck Cond|Merge Cond|Hash Cond|Join Filter|Heap Blocks|Order By|InitPlan|SubPlan|One-Time Filter)' THEN
      nodes := nodes || CASE WHEN nodes = '' THEN '' ELSE ' / ' END
                     || regexp_replace(regexp_replace(line, '^\s*(->\s*)?', ''), '\s+(on|using)\s.*$', '');
    END IF;
  END LOOP;
  RETURN nodes;
END $$;

-- One int8 key with duplicates (one key 2000 times), NULLs; half the rows
-- come after the index is built (splits the model does not know of).
CREATE TABLE t1 (id int, k int8, v int) WITH (autovacuum_enabled = off);
CREATE FUNCTION t1_rows(first int, n int) RETURNS SETOF t1 LANGUAGE sql AS $$
  SELECT i, CASE WHEN i % 23 = 0 THEN NULL WHEN i % 15 = 0 THEN 777 ELSE (i::int8 * 7919) % 5003 - 2500 END, i % 100
    FROM generate_series(first, first + n - 1) i $$;
INSERT INTO t1 SELECT * FROM t1_rows(1, 15000);
CREATE INDEX t1_k ON t1 USING ixlearn (k);
CREATE INDEX t1_kid ON t1 USING ixlearn (k NULLS FIRST, id);
INSERT INTO t1 SELECT * FROM t1_rows(15001, 15000);
VACUUM (INDEX_CLEANUP OFF) t1;  -- (no retrain)
ANALYZE t1;
SELECT count(*) AS rows, count(*) FILTER (WHERE k IS NULL) AS nulls, count(*) FILTER (WHERE k = 777) AS hot,
       (SELECT leaves FROM ixlearn_stats('t1_k')) > 1 AS k_leaves, (SELECT splits_since_model FROM ixlearn_stats('t1_kid')) > 0 AS kid_split
  FROM t1;

-- The plans, once per shape.
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM t1 WHERE k = 777;
EXPLAIN (COSTS OFF) SELECT k, id FROM t1 WHERE k BETWEEN 10 AND 20 ORDER BY k, id;
EXPLAIN (COSTS OFF) SELECT k, id FROM t1 WHERE k < 0 ORDER BY k DESC NULLS LAST, id DESC LIMIT 5;
EXPLAIN (COSTS OFF) SELECT k, id FROM t1 WHERE k = ANY('{5,3,NULL,3}') ORDER BY k NULLS FIRST, id;
EXPLAIN (COSTS OFF) SELECT k FROM t1 WHERE k IS NULL;
RESET enable_bitmapscan;
SET enable_indexscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM t1 WHERE k >= 2400 OR k IS NULL;
RESET enable_indexscan;
RESET enable_seqscan;

-- Conditions: bitmap scans (the rows) and ordered scans (the rows in
-- order, both directions, tie broken by id).
CREATE TABLE conds (n serial, c text);
INSERT INTO conds (c) VALUES
  ('k = 777'), ('k = -2500'), ('k = 2502'), ('k = 100000'), ('k = 5::int2'), ('k = 3000000000::int8'),
  ('k < -2400'), ('k <= -2400'), ('k > 2400'), ('k >= 2400'), ('k < 777'), ('k > 777'), ('k <= 777'), ('k >= 777'),
  ('k BETWEEN -10 AND 10'), ('k BETWEEN 10 AND -10'), ('k BETWEEN 777 AND 777'), ('k > 5 AND k < 3'),
  ('k >= -9223372036854775808'), ('k <= 9223372036854775807'), ('k < ''-9223372036854775808''::int8'),
  ('k > 9223372036854775807::int8'),
  ('k = ANY(''{5,3,3,NULL,777,-2500,99999}'')'), ('k = ANY(''{NULL}''::int8[])'), ('k = ANY(''{}''::int8[])'),
  ('k = ANY(''{777,777,777}'')'), ('k = ANY(ARRAY[2,1]::int2[])'), ('k = ANY(ARRAY[7, 2147483648]::int8[])'),
  ('k < ANY(''{-2000,NULL,-2400}'')'), ('k >= ANY(''{2000,2400,NULL}'')'), ('k > ANY(''{}''::int8[])'),
  ('k <= ANY(''{NULL}''::int8[])'), ('k = ANY(''{1,2,3}'') AND k > 1'), ('k = ANY(''{1,2,3}'') AND k = ANY(''{3,4}'')'),
  ('k IS NULL'), ('k IS NOT NULL'), ('k IS NULL AND k = 1'), ('k IS NOT NULL AND k < -2490'),
  ('k = ANY(''{1,2}'') OR k IS NULL'), ('k < -2495 OR k > 2495'), ('k = 777 AND v = 3'), ('k > 0 AND id < 100'),
  ('k <> 777 AND k < -2490');
SELECT n, c, index_matches_seqscan(format('SELECT id FROM t1 WHERE %s ORDER BY id', c)) AS bitmap
  FROM conds ORDER BY n;
SELECT n, c, index_matches_seqscan(format('SELECT k, id FROM t1 WHERE %s ORDER BY k, id', c), 'Index Scan') AS asc_order,
       index_matches_seqscan(format('SELECT k, id FROM t1 WHERE %s ORDER BY k DESC, id DESC', c), 'Index Scan') AS desc_order,
       index_matches_seqscan(format('SELECT k, id FROM t1 WHERE %s ORDER BY k NULLS FIRST, id', c), 'Index Scan') AS nulls_first,
       index_matches_seqscan(format('SELECT k, id FROM t1 WHERE %s ORDER BY k DESC NULLS LAST, id DESC', c), 'Index Scan') AS desc_nulls_last
  FROM conds WHERE c NOT LIKE '% OR %' ORDER BY n;

-- ORDER BY ... LIMIT (and OFFSET), both directions and NULL placements:
-- the first rows of the index's order (k, id: no ties).
SELECT q, index_matches_seqscan(q, 'Index Scan') FROM unnest(ARRAY[
  'SELECT k, id FROM t1 ORDER BY k NULLS FIRST, id LIMIT 10',
  'SELECT k, id FROM t1 ORDER BY k DESC NULLS LAST, id DESC LIMIT 10',
  'SELECT k, id FROM t1 ORDER BY k, id LIMIT 10',
  'SELECT k, id FROM t1 ORDER BY k DESC, id DESC LIMIT 10',
  'SELECT k, id FROM t1 ORDER BY k NULLS FIRST, id LIMIT 10 OFFSET 1290',
  'SELECT k, id FROM t1 ORDER BY k DESC NULLS LAST, id DESC LIMIT 10 OFFSET 29990',
  'SELECT k, id FROM t1 WHERE k >= 777 ORDER BY k NULLS FIRST, id LIMIT 3000',
  'SELECT k, id FROM t1 WHERE k <= 777 ORDER BY k DESC NULLS LAST, id DESC LIMIT 3000',
  'SELECT k, id FROM t1 WHERE k = 777 ORDER BY k DESC NULLS LAST, id DESC LIMIT 5',
  'SELECT k, id FROM t1 WHERE k = 777 AND id > 29000 ORDER BY k NULLS FIRST, id LIMIT 5',
  'SELECT k FROM t1 WHERE k > 2000 ORDER BY k LIMIT 20',
  'SELECT k FROM t1 WHERE k < -2000 ORDER BY k DESC LIMIT 20',
  'SELECT k FROM t1 WHERE k IS NOT NULL ORDER BY k DESC LIMIT 1',
  'SELECT k, id FROM t1 WHERE k IS NULL ORDER BY k NULLS FIRST, id LIMIT 7',
  'SELECT k, id FROM t1 WHERE k IS NULL ORDER BY k DESC NULLS LAST, id DESC LIMIT 7'
]) q;

-- min() and max(): through the index (the plan), NULLs skipped, with
-- conditions, on an empty range.
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SELECT plan_nodes('SELECT max(k) FROM t1'), plan_nodes('SELECT min(k) FROM t1 WHERE k > 100');
RESET enable_seqscan;
RESET enable_bitmapscan;
SELECT q, index_matches_seqscan(q, 'Index Scan') FROM unnest(ARRAY[
  'SELECT min(k), max(k) FROM t1',
  'SELECT min(k) FROM t1 WHERE k > 777',
  'SELECT max(k) FROM t1 WHERE k < 777',
  'SELECT max(k) FROM t1 WHERE k > 100000',
  'SELECT min(k) FROM t1 WHERE k = ANY(''{9,8,NULL}'')',
  'SELECT max(id) FROM t1 WHERE k = 777'
]) q;

-- Multi-column (int4, int8, timestamptz): conditions on any subset of the
-- columns (later columns alone too), ORDER BY the columns in order.
CREATE TABLE t2 (id int, a int4, b int8, c timestamptz) WITH (autovacuum_enabled = off);
INSERT INTO t2 SELECT i, CASE WHEN i % 31 <> 0 THEN i % 40 END, CASE WHEN i % 37 <> 0 THEN (i * 13) % 500 END,
       CASE WHEN i % 41 <> 0 THEN timestamptz '2024-01-01' + ((i * 7) % 1000) * interval '1 hour' END
  FROM generate_series(1, 12000) i;
CREATE INDEX t2_abc ON t2 USING ixlearn (a, b, c, id);
INSERT INTO t2 SELECT i, i % 40, (i * 13) % 500, timestamptz '2024-01-01' + ((i * 7) % 1000) * interval '1 hour'
  FROM generate_series(12001, 20000) i;
ANALYZE t2;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT a, b, c, id FROM t2 WHERE b = 42 ORDER BY a, b, c, id;
EXPLAIN (COSTS OFF) SELECT a, b, c, id FROM t2 WHERE a = ANY('{7,3}') AND b > 450 ORDER BY a DESC, b DESC, c DESC, id DESC LIMIT 5;
RESET enable_seqscan;
RESET enable_bitmapscan;
CREATE TABLE mconds (n serial, c text);
INSERT INTO mconds (c) VALUES
  ('a = 7'), ('a = 7 AND b = 91'), ('a = 7 AND b > 450'), ('a > 37 AND b < 10'), ('b = 42'), ('b IS NULL'),
  ('c IS NULL'), ('a IS NULL AND b IS NOT NULL'), ('c = ''2024-01-10 04:00+00'''), ('b BETWEEN 100 AND 120 AND c < ''2024-01-15'''),
  ('a = ANY(''{7,3,NULL,39}'') AND b > 480'), ('a IN (18, 19) AND b > 440'), ('a IN (18, 19) AND b = ANY(''{7,114,481,NULL}'')'),
  ('a = 7 AND b = 91 AND c >= ''2024-01-03 01:00+00'''), ('a < 3 AND c = ''2024-01-01 07:00+00'''), ('id = 15000'), ('a = 7 AND id > 19000'),
  ('b = 100000'), ('a = 1 AND b < 0'), ('a >= 39 AND b >= 480 AND c IS NOT NULL');
SELECT n, c, index_matches_seqscan(format('SELECT id FROM t2 WHERE %s ORDER BY id', c)) AS bitmap,
       index_matches_seqscan(format('SELECT a, b, c, id FROM t2 WHERE %s ORDER BY a, b, c, id', c), 'Index Scan') AS asc_order,
       index_matches_seqscan(format('SELECT a, b, c, id FROM t2 WHERE %s ORDER BY a DESC, b DESC, c DESC, id DESC LIMIT 50', c),
                             'Index Scan') AS desc_limit
  FROM mconds ORDER BY n;
-- ORDER BY a later column when the earlier ones are fixed by =.
SELECT q, index_matches_seqscan(q, 'Index Scan') FROM unnest(ARRAY[
  'SELECT b, c, id FROM t2 WHERE a = 7 ORDER BY b, c, id LIMIT 40',
  'SELECT b, c, id FROM t2 WHERE a = 7 ORDER BY b DESC, c DESC, id DESC LIMIT 40',
  'SELECT c, id FROM t2 WHERE a = 7 AND b = 91 ORDER BY c DESC, id DESC',
  'SELECT a, b, c, id FROM t2 ORDER BY a, b, c, id LIMIT 100 OFFSET 9000',
  'SELECT a, b, c, id FROM t2 ORDER BY a DESC, b DESC, c DESC, id DESC LIMIT 100'
]) q;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SELECT plan_nodes('SELECT b, c, id FROM t2 WHERE a = 7 ORDER BY b, c, id LIMIT 40');
RESET enable_seqscan;
RESET enable_bitmapscan;

-- DESC and NULLS FIRST columns in the index: ixlearn orders as a btree
-- on the same columns does (the btree's order, taken before it is
-- dropped, is the reference).
CREATE TABLE t3 (id int, x int2, y float8, z uuid) WITH (autovacuum_enabled = off);
INSERT INTO t3 SELECT i, CASE WHEN i % 9 <> 0 THEN (i * 37) % 101 - 50 END,
       CASE WHEN i % 7 <> 0 THEN CASE i % 50 WHEN 1 THEN 'NaN' WHEN 2 THEN '-0' WHEN 3 THEN '-Infinity' ELSE (i % 13) / 4.0 END END,
       CASE WHEN i % 11 <> 0 THEN md5((i % 17)::text)::uuid END
  FROM generate_series(1, 8000) i;
CREATE INDEX t3_ix ON t3 USING ixlearn (x DESC NULLS LAST, y NULLS FIRST, z DESC, id);
INSERT INTO t3 SELECT i, (i * 37) % 101 - 50, (i % 13) / 4.0, md5((i % 17)::text)::uuid FROM generate_series(8001, 9000) i;
-- (the btree on a copy of the rows: id is a key column, so the order does
-- not depend on where the rows are)
CREATE TABLE t3_copy WITH (autovacuum_enabled = off) AS SELECT * FROM t3;
CREATE INDEX t3_btree ON t3_copy USING btree (x DESC NULLS LAST, y NULLS FIRST, z DESC, id);
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SELECT plan_nodes('SELECT x, y, z, id FROM t3_copy ORDER BY x DESC NULLS LAST, y NULLS FIRST, z DESC, id');
CREATE TABLE t3_by_btree AS SELECT row_number() OVER () AS pos, x, y, z, id
  FROM (SELECT x, y, z, id FROM t3_copy ORDER BY x DESC NULLS LAST, y NULLS FIRST, z DESC, id) s;
CREATE TABLE t3_by_btree_back AS SELECT row_number() OVER () AS pos, x, y, z, id
  FROM (SELECT x, y, z, id FROM t3_copy WHERE x < 10 ORDER BY x ASC NULLS FIRST, y DESC NULLS LAST, z, id DESC) s;
EXPLAIN (COSTS OFF) SELECT x, y, z, id FROM t3 ORDER BY x DESC NULLS LAST, y NULLS FIRST, z DESC, id;
EXPLAIN (COSTS OFF) SELECT x, y, z, id FROM t3 WHERE x < 10 ORDER BY x ASC NULLS FIRST, y DESC NULLS LAST, z, id DESC;
SELECT count(*) AS rows, count(*) FILTER (WHERE b.pos IS NULL OR i.pos IS NULL) AS not_in_both,
       count(*) FILTER (WHERE (b.x, b.y, b.z, b.id) IS DISTINCT FROM (i.x, i.y, i.z, i.id)) AS differ
  FROM t3_by_btree b FULL JOIN (SELECT row_number() OVER () AS pos, x, y, z, id
                                  FROM (SELECT x, y, z, id FROM t3 ORDER BY x DESC NULLS LAST, y NULLS FIRST, z DESC, id) s) i
    ON i.pos = b.pos;
SELECT count(*) AS rows, count(*) FILTER (WHERE b.pos IS NULL OR i.pos IS NULL) AS not_in_both,
       count(*) FILTER (WHERE (b.x, b.y, b.z, b.id) IS DISTINCT FROM (i.x, i.y, i.z, i.id)) AS differ
  FROM t3_by_btree_back b FULL JOIN (SELECT row_number() OVER () AS pos, x, y, z, id
                                  FROM (SELECT x, y, z, id FROM t3 WHERE x < 10 ORDER BY x ASC NULLS FIRST, y DESC NULLS LAST, z, id DESC) s) i
    ON i.pos = b.pos;
RESET enable_seqscan;
RESET enable_bitmapscan;
SELECT q, index_matches_seqscan(q, 'Index Scan') FROM unnest(ARRAY[
  'SELECT x, y, z, id FROM t3 ORDER BY x DESC NULLS LAST, y NULLS FIRST, z DESC, id',
  'SELECT x, y, z, id FROM t3 ORDER BY x NULLS FIRST, y DESC NULLS LAST, z, id DESC',
  'SELECT x, y, z, id FROM t3 WHERE x = 7 ORDER BY x DESC NULLS LAST, y NULLS FIRST, z DESC, id',
  'SELECT x, y, z, id FROM t3 WHERE x > 40 ORDER BY x DESC NULLS LAST, y NULLS FIRST, z DESC, id LIMIT 30',
  'SELECT x, y, z, id FROM t3 WHERE x < -40 ORDER BY x NULLS FIRST, y DESC NULLS LAST, z, id DESC LIMIT 30',
  'SELECT x, y, z, id FROM t3 WHERE x IS NULL ORDER BY x DESC NULLS LAST, y NULLS FIRST, z DESC, id LIMIT 30',
  'SELECT x, y, z, id FROM t3 WHERE x IS NULL ORDER BY x NULLS FIRST, y DESC NULLS LAST, z, id DESC LIMIT 30',
  'SELECT x, y, z, id FROM t3 WHERE y IS NULL AND x BETWEEN -3 AND 3 ORDER BY x DESC NULLS LAST, y NULLS FIRST, z DESC, id',
  'SELECT x, y, z, id FROM t3 WHERE y = 0 ORDER BY x DESC NULLS LAST, y NULLS FIRST, z DESC, id',
  'SELECT x, y, z, id FROM t3 WHERE y > 2.5 AND z < ''80000000-0000-0000-0000-000000000000'' ORDER BY x NULLS FIRST, y DESC NULLS LAST, z, id DESC',
  'SELECT x, y, z, id FROM t3 WHERE y = ''NaN'' AND z IS NULL ORDER BY x DESC NULLS LAST, y NULLS FIRST, z DESC, id',
  'SELECT x, y, z, id FROM t3 WHERE x = ANY(''{7,-50,NULL,7,50}'') ORDER BY x DESC NULLS LAST, y NULLS FIRST, z DESC, id',
  'SELECT x, y, z, id FROM t3 WHERE x = ANY(''{7,-50,NULL,7,50}'') ORDER BY x NULLS FIRST, y DESC NULLS LAST, z, id DESC',
  'SELECT max(x), min(x) FROM t3',
  'SELECT y, z, id FROM t3 WHERE x = 12 ORDER BY y NULLS FIRST, z DESC, id LIMIT 10',
  'SELECT y, z, id FROM t3 WHERE x = 12 ORDER BY y DESC NULLS LAST, z, id DESC LIMIT 10'
]) q;
SELECT n, c, index_matches_seqscan(format('SELECT id FROM t3 WHERE %s ORDER BY id', c)) AS bitmap
  FROM (VALUES (1, 'x < 0'), (2, 'x >= 49 AND y < 1'), (3, 'y IS NULL'), (4, 'z IS NULL AND x IS NULL'),
               (5, 'z > ''c0000000-0000-0000-0000-000000000000'''), (6, 'y = ''-Infinity'' AND z = md5(''3'')::uuid'), (7, 'x = ANY(''{1,2}'') AND y = ANY(''{0,0.25}'')'),
               (8, 'y < ANY(''{0,NULL}'')')) v(n, c)
 ORDER BY n;

-- INCLUDE columns and index-only scans (after VACUUM, no heap fetches).
CREATE TABLE t4 (id int, d date, note text, n numeric, other int) WITH (autovacuum_enabled = off);
INSERT INTO t4 SELECT i, date '2020-01-01' + (i * 7) % 700, 'note ' || (i % 97), i / 7.0, i
  FROM generate_series(1, 10000) i;
INSERT INTO t4 VALUES (0, NULL, NULL, NULL, 0);
CREATE INDEX t4_d ON t4 USING ixlearn (d) INCLUDE (id, note, n);
VACUUM ANALYZE t4;
-- (enable_indexscan = off would count against index-only scans too)
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT d, id, note FROM t4 WHERE d = '2020-02-05';
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT d, id, note, n FROM t4 WHERE d BETWEEN '2020-02-05' AND '2020-02-12';
EXPLAIN (COSTS OFF) SELECT count(*) FROM t4;
EXPLAIN (COSTS OFF) SELECT d, id FROM t4 WHERE d > '2021-11-01' ORDER BY d DESC LIMIT 3;
-- a column the index does not have: no index-only scan
EXPLAIN (COSTS OFF) SELECT d, other FROM t4 WHERE d = '2020-02-05';
RESET enable_seqscan;
RESET enable_bitmapscan;
SELECT q, index_matches_seqscan(q, 'Index Only Scan') FROM unnest(ARRAY[
  'SELECT d, id, note, n FROM t4 WHERE d = ''2020-02-05'' ORDER BY d, id',
  'SELECT d, id, note, n FROM t4 WHERE d BETWEEN ''2020-02-05'' AND ''2020-03-01'' ORDER BY d, id',
  'SELECT d, id FROM t4 WHERE d IS NULL ORDER BY d, id',
  'SELECT d, id FROM t4 WHERE d = ANY(''{2020-02-05,2021-01-01,NULL,2020-01-01}'') ORDER BY d, id',
  'SELECT count(*), sum(id) FROM t4 WHERE d > ''2021-10-01''',
  'SELECT d, count(*), sum(n) FROM t4 GROUP BY d ORDER BY d',
  'SELECT id, note FROM t4 WHERE d >= ''2021-11-24'' ORDER BY id',
  'SELECT d, id FROM t4 WHERE d < ''2020-01-08'' AND id % 2 = 0 ORDER BY d, id'
]) q;
-- Backward index-only scans (the helper checks forward ones): through
-- an index on (d, id), so that the order is defined.
CREATE INDEX t4_did ON t4 USING ixlearn (d, id) INCLUDE (note);
CREATE FUNCTION backward_ios_matches(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  plan text;
  by_index text[];
  by_seq text[];
BEGIN
  PERFORM set_config('enable_seqscan', 'off', true);
  PERFORM set_config('enable_bitmapscan', 'off', true);
  PERFORM set_config('enable_indexscan', 'off', true);
  plan := plan_nodes(q);
  EXECUTE format('SELECT array_agg(r::text) FROM (%s) r', q) INTO by_index;
  PERFORM set_config('enable_seqscan', 'on', true);
  PERFORM set_config('enable_indexonlyscan', 'off', true);
  EXECUTE format('SELECT array_agg(r::text) FROM (%s) r', q) INTO by_seq;
  PERFORM set_config('enable_indexonlyscan', 'on', true);
  PERFORM set_config('enable_indexscan', 'on', true);
  PERFORM set_config('enable_bitmapscan', 'on', true);
  RETURN plan || ': ' || CASE WHEN by_index IS NOT DISTINCT FROM by_seq
                              THEN format('same (%s rows)', coalesce(cardinality(by_seq), 0))
                              ELSE format('DIFF index=%s seq=%s', by_index, by_seq) END;
END $$;
SELECT q, backward_ios_matches(q) FROM unnest(ARRAY[
  'SELECT d, id, note FROM t4 ORDER BY d DESC, id DESC LIMIT 50',
  'SELECT d, id, note FROM t4 WHERE d < ''2020-03-01'' ORDER BY d DESC, id DESC',
  'SELECT d, id, note FROM t4 WHERE d = ANY(''{2020-02-05,2021-01-01,NULL,2020-01-01}'') ORDER BY d DESC, id DESC',
  'SELECT d, id FROM t4 WHERE d > ''2021-11-10'' OR d IS NULL ORDER BY d DESC, id DESC',
  'SELECT d, id FROM t4 WHERE d <= ''2020-01-08'' ORDER BY d DESC, id DESC LIMIT 120'
]) q;

-- Bitmap scans: one index, BitmapOr of two conditions on it, BitmapAnd of
-- two ixlearn indexes.
CREATE INDEX t2_b ON t2 USING ixlearn (b);
SET enable_seqscan = off;
SET enable_indexscan = off;
SET enable_indexonlyscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM t2 WHERE b = 42 OR b = 43 OR b IS NULL;
EXPLAIN (COSTS OFF) SELECT id FROM t2 WHERE a = 7 AND b < 20;
RESET enable_seqscan;
RESET enable_indexscan;
RESET enable_indexonlyscan;
SELECT q, index_matches_seqscan(q) FROM unnest(ARRAY[
  'SELECT id FROM t2 WHERE b = 42 OR b = 43 OR b IS NULL ORDER BY id',
  'SELECT id FROM t2 WHERE a = 7 AND b < 20 ORDER BY id',
  'SELECT id FROM t2 WHERE (a = 7 OR b = 499) AND c > ''2024-01-20'' ORDER BY id',
  'SELECT count(*) FROM t2 WHERE b >= 0',
  'SELECT count(*) FROM t2 WHERE a IS NOT NULL AND b IS NOT NULL AND c IS NOT NULL'
]) q;
DROP INDEX t2_b;

-- Scroll cursors: every FETCH direction, mixed, far jumps across leaves;
-- through the ordered scan and through a sort of a sequential scan, the
-- same rows.
CREATE FUNCTION cursor_walk(q text, via_index bool) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
  steps text[] := ARRAY['NEXT', 'NEXT', 'FORWARD 5', 'PRIOR', 'BACKWARD 3', 'RELATIVE 4', 'ABSOLUTE 10',
                        'FORWARD 2000', 'BACKWARD 2500', 'PRIOR', 'PRIOR', 'NEXT', 'LAST', 'PRIOR', 'NEXT', 'NEXT',
                        'BACKWARD 2', 'FIRST', 'PRIOR', 'NEXT', 'ABSOLUTE -3', 'RELATIVE -4000', 'FORWARD 3',
                        'ABSOLUTE 1500', 'RELATIVE 700', 'BACKWARD 1', 'FORWARD ALL', 'BACKWARD 1', 'BACKWARD ALL',
                        'FORWARD 3', 'RELATIVE -1', 'RELATIVE 0', 'ABSOLUTE 0', 'NEXT'];
  out text[] := '{}';
  step text;
  r text;
  got text;
  n int;
BEGIN
  PERFORM set_config('enable_seqscan', (NOT via_index)::text, true);
  PERFORM set_config('enable_indexscan', via_index::text, true);
  PERFORM set_config('enable_indexonlyscan', via_index::text, true);
  PERFORM set_config('enable_bitmapscan', 'off', true);
  PERFORM set_config('enable_sort', (NOT via_index)::text, true);
  PERFORM set_config('enable_incremental_sort', (NOT via_index)::text, true);
  EXECUTE 'DECLARE c SCROLL CURSOR FOR ' || q;
  FOREACH step IN ARRAY steps LOOP
    got := ''; n := 0;
    FOR r IN EXECUTE 'FETCH ' || step || ' FROM c' LOOP
      n := n + 1;
      IF n <= 3 THEN got := got || r || ' '; END IF;
      IF n > 3 THEN got := regexp_replace(got, ' \.\.\. .*$', '') || ' ... ' || r; END IF;
    END LOOP;
    out := out || (step || ': ' || n || ' ' || got);
  END LOOP;
  EXECUTE 'CLOSE c';
  RETURN out;
END $$;
CREATE FUNCTION cursors_agree(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  plan text;
  a text[];
  b text[];
BEGIN
  PERFORM set_config('enable_seqscan', 'off', true);
  PERFORM set_config('enable_bitmapscan', 'off', true);
  PERFORM set_config('enable_sort', 'off', true);
  plan := plan_nodes(q);
  a := cursor_walk(q, true);
  b := cursor_walk(q, false);
  PERFORM set_config('enable_seqscan', 'on', true);
  PERFORM set_config('enable_bitmapscan', 'on', true);
  PERFORM set_config('enable_sort', 'on', true);
  PERFORM set_config('enable_indexscan', 'on', true);
  PERFORM set_config('enable_indexonlyscan', 'on', true);
  PERFORM set_config('enable_incremental_sort', 'on', true);
  IF plan NOT LIKE '%Index%Scan%' OR plan LIKE '%Sort%' THEN
    RETURN 'NO ORDERED INDEX SCAN: ' || plan;
  ELSIF a IS DISTINCT FROM b THEN
    RETURN format('DIFF index=%s seq=%s', a, b);
  END IF;
  RETURN format('same (%s fetches): %s', cardinality(a), plan);
END $$;
BEGIN;
SELECT cursors_agree('SELECT k, id FROM t1 ORDER BY k NULLS FIRST, id');
SELECT cursors_agree('SELECT k, id, v FROM t1 WHERE k >= 700 ORDER BY k DESC NULLS LAST, id DESC');
SELECT cursors_agree('SELECT k, id, v FROM t1 WHERE k = ANY(''{777,5,-2500,NULL}'') ORDER BY k NULLS FIRST, id');
SELECT cursors_agree('SELECT a, b, c, id FROM t2 WHERE b > 200 ORDER BY a DESC, b DESC, c DESC, id DESC');
SELECT cursors_agree('SELECT x, y, z, id FROM t3 ORDER BY x DESC NULLS LAST, y NULLS FIRST, z DESC, id');
SELECT cursors_agree('SELECT d, id, note FROM t4 WHERE d > ''2020-06-01'' ORDER BY d, id');
COMMIT;
-- A few fetches shown (the index's order across the hot key's leaves).
BEGIN;
SET LOCAL enable_seqscan = off;
SET LOCAL enable_bitmapscan = off;
DECLARE c SCROLL CURSOR FOR SELECT k, id FROM t1 WHERE k BETWEEN 776 AND 778 ORDER BY k NULLS FIRST, id;
FETCH 2 FROM c;
FETCH ABSOLUTE 1000 FROM c;
FETCH RELATIVE -998 FROM c;
FETCH LAST FROM c;
FETCH BACKWARD 2 FROM c;
FETCH ABSOLUTE -2001 FROM c;
FETCH PRIOR FROM c;
FETCH FIRST FROM c;
FETCH PRIOR FROM c;
FETCH NEXT FROM c;
CLOSE c;
COMMIT;

-- Merge joins: the inner ordered scan is marked at the start of each run
-- of equal keys and restored for each further outer row with that key.
-- Both indexes have a wide INCLUDE column (few entries per leaf): key
-- 777's rows span several leaves on either side, and a restore of
-- whichever side the planner makes the inner one goes back across them.
-- Duplicates on both sides; forward and backward; index and index-only
-- scans; inner, left and full joins.  Compared with a hash join.
CREATE TABLE inner_rows (id int, k int8, pad text) WITH (autovacuum_enabled = off);
INSERT INTO inner_rows SELECT i, CASE WHEN i % 50 = 0 THEN 777 WHEN i % 97 = 0 THEN NULL ELSE i % 3000 - 1500 END,
       repeat(md5(i::text), 3) FROM generate_series(1, 7500) i;
CREATE INDEX inner_rows_k ON inner_rows USING ixlearn (k) INCLUDE (pad, id);
INSERT INTO inner_rows SELECT i, CASE WHEN i % 50 = 0 THEN 777 WHEN i % 97 = 0 THEN NULL ELSE i % 3000 - 1500 END,
       repeat(md5(i::text), 3) FROM generate_series(7501, 15000) i;
CREATE TABLE outer_keys (k int8, tag int, pad text) WITH (autovacuum_enabled = off);
INSERT INTO outer_keys SELECT CASE WHEN i % 60 = 0 THEN 777 ELSE i / 3 - 1600 END, i, repeat(md5(i::text), 6)
  FROM generate_series(0, 9000) i;
INSERT INTO outer_keys VALUES (NULL, -1), (NULL, -2);
CREATE INDEX outer_keys_k ON outer_keys USING ixlearn (k, tag) INCLUDE (pad);
VACUUM ANALYZE outer_keys;
VACUUM ANALYZE inner_rows;
SELECT (SELECT leaves FROM ixlearn_stats('inner_rows_k')) AS inner_leaves,
       (SELECT leaves FROM ixlearn_stats('outer_keys_k')) AS outer_leaves,
       (SELECT count(*) FROM inner_rows WHERE k = 777) AS inner_777, (SELECT count(*) FROM outer_keys WHERE k = 777) AS outer_777;
CREATE FUNCTION merge_join_agrees(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  plan text;
  a text[];
  b text[];
BEGIN
  PERFORM set_config('enable_hashjoin', 'off', true);
  PERFORM set_config('enable_nestloop', 'off', true);
  PERFORM set_config('enable_material', 'off', true);
  PERFORM set_config('enable_sort', 'off', true);
  PERFORM set_config('enable_seqscan', 'off', true);
  PERFORM set_config('enable_bitmapscan', 'off', true);
  plan := plan_nodes(q);
  EXECUTE format('SELECT array_agg(r::text) FROM (%s) r', q) INTO a;
  PERFORM set_config('enable_hashjoin', 'on', true);
  PERFORM set_config('enable_mergejoin', 'off', true);
  PERFORM set_config('enable_material', 'on', true);
  PERFORM set_config('enable_sort', 'on', true);
  PERFORM set_config('enable_seqscan', 'on', true);
  PERFORM set_config('enable_indexscan', 'off', true);
  PERFORM set_config('enable_indexonlyscan', 'off', true);
  EXECUTE format('SELECT array_agg(r::text) FROM (%s) r', q) INTO b;
  PERFORM set_config('enable_nestloop', 'on', true);
  PERFORM set_config('enable_mergejoin', 'on', true);
  PERFORM set_config('enable_bitmapscan', 'on', true);
  PERFORM set_config('enable_indexscan', 'on', true);
  PERFORM set_config('enable_indexonlyscan', 'on', true);
  IF plan NOT LIKE '%Merge%Join%' OR plan LIKE '%Hash%' OR plan LIKE '%Nested Loop%' THEN
    RETURN 'NO MERGE JOIN: ' || plan;
  ELSIF a IS DISTINCT FROM b THEN
    RETURN format('DIFF (%s rows by merge join, %s by hash join)', cardinality(a), cardinality(b));
  END IF;
  RETURN format('same (%s rows): %s', coalesce(cardinality(a), 0), plan);
END $$;
SET enable_hashjoin = off;
SET enable_nestloop = off;
SET enable_material = off;
SET enable_sort = off;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT o.tag, i.id FROM outer_keys o JOIN inner_rows i ON i.k = o.k ORDER BY o.k;
EXPLAIN (COSTS OFF) SELECT a.k, a.id, b.id FROM inner_rows a JOIN inner_rows b ON a.k = b.k WHERE a.id % 50 = 0 ORDER BY a.k;
RESET enable_hashjoin;
RESET enable_nestloop;
RESET enable_material;
RESET enable_sort;
RESET enable_seqscan;
RESET enable_bitmapscan;
SELECT q, merge_join_agrees(q) FROM unnest(ARRAY[
  'SELECT o.k, o.tag, i.id FROM outer_keys o JOIN inner_rows i ON i.k = o.k ORDER BY o.k, o.tag, i.id',
  'SELECT o.k, o.tag, i.id, i.pad FROM outer_keys o JOIN inner_rows i ON i.k = o.k ORDER BY o.k, o.tag, i.id',
  'SELECT o.k, o.tag, i.id FROM outer_keys o JOIN inner_rows i ON i.k = o.k ORDER BY o.k DESC, o.tag DESC, i.id DESC',
  'SELECT o.k, o.tag, i.id FROM outer_keys o JOIN inner_rows i ON i.k = o.k WHERE o.k BETWEEN 700 AND 800 ORDER BY o.k, o.tag, i.id',
  'SELECT o.k, o.tag, i.id FROM outer_keys o LEFT JOIN inner_rows i ON i.k = o.k ORDER BY o.k, o.tag, i.id',
  'SELECT o.k, o.tag, i.id FROM outer_keys o FULL JOIN inner_rows i ON i.k = o.k ORDER BY o.k, o.tag, i.id',
  'SELECT count(*), sum(o.tag::int8 * i.id) FROM outer_keys o JOIN inner_rows i ON i.k = o.k',
  'SELECT o.k, o.tag, i.id, o.pad FROM outer_keys o JOIN inner_rows i ON i.k = o.k WHERE o.k BETWEEN 776 AND 778 ORDER BY o.k, o.tag, i.id',
  'SELECT a.k, a.id, b.id FROM inner_rows a JOIN inner_rows b ON a.k = b.k WHERE a.id % 50 = 0 ORDER BY a.k, a.id, b.id',
  'SELECT a.k, a.id, b.id FROM inner_rows a JOIN inner_rows b ON a.k = b.k WHERE a.k = ANY(''{777,5}'') AND a.id % 150 = 0 ORDER BY a.k DESC, a.id, b.id'
]) q;

-- Parameterized nested loops: the inner index scan is rescanned with a
-- new key for each outer row (also with LIMIT, backward, and arrays).
CREATE TABLE probes (p int8, n int);
INSERT INTO probes SELECT (ARRAY[777, 5, -2500, 2502, NULL, 100000, 777, -1])[1 + i % 8], i FROM generate_series(0, 39) i;
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SELECT plan_nodes('SELECT p.n, x.id FROM probes p CROSS JOIN LATERAL (SELECT id FROM t1 WHERE k = p.p ORDER BY k DESC, id DESC LIMIT 3) x');
CREATE TABLE nl_index AS
  SELECT p.n, x.id FROM probes p CROSS JOIN LATERAL (SELECT id FROM t1 WHERE k = p.p ORDER BY k DESC, id DESC LIMIT 3) x;
CREATE TABLE nl_index2 AS
  SELECT p.n, x.k, x.id FROM probes p CROSS JOIN LATERAL
    (SELECT k, id FROM t1 WHERE k > p.p AND k < p.p + 3 ORDER BY k NULLS FIRST, id LIMIT 4) x;
CREATE TABLE nl_index3 AS
  SELECT p.n, count(t1.id) AS c FROM probes p LEFT JOIN t1 ON t1.k = ANY(ARRAY[p.p, p.p + 1]) GROUP BY p.n;
RESET enable_seqscan;
RESET enable_bitmapscan;
SET enable_indexscan = off;
SET enable_indexonlyscan = off;
SELECT (SELECT array_agg(r::text ORDER BY r.n, r.id) FROM nl_index r) IS NOT DISTINCT FROM
       (SELECT array_agg(r::text ORDER BY r.n, r.id) FROM
          (SELECT p.n, x.id FROM probes p CROSS JOIN LATERAL (SELECT id FROM t1 WHERE k = p.p ORDER BY k DESC, id DESC LIMIT 3) x) r)
       AS same_desc_limit,
       (SELECT array_agg(r::text ORDER BY r.n, r.k, r.id) FROM nl_index2 r) IS NOT DISTINCT FROM
       (SELECT array_agg(r::text ORDER BY r.n, r.k, r.id) FROM
          (SELECT p.n, x.k, x.id FROM probes p CROSS JOIN LATERAL
             (SELECT k, id FROM t1 WHERE k > p.p AND k < p.p + 3 ORDER BY k NULLS FIRST, id LIMIT 4) x) r) AS same_range_limit,
       (SELECT array_agg(r::text ORDER BY r.n) FROM nl_index3 r) IS NOT DISTINCT FROM
       (SELECT array_agg(r::text ORDER BY r.n) FROM
          (SELECT p.n, count(t1.id) AS c FROM probes p LEFT JOIN t1 ON t1.k = ANY(ARRAY[p.p, p.p + 1]) GROUP BY p.n) r) AS same_array,
       (SELECT count(*) FROM nl_index) AS rows1, (SELECT count(*) FROM nl_index2) AS rows2;
RESET enable_hashjoin;
RESET enable_mergejoin;
RESET enable_indexscan;
RESET enable_indexonlyscan;

-- Prepared statements: generic plans with parameters of other integer
-- types, NULL parameters, arrays.
SET plan_cache_mode = force_generic_plan;
SET enable_seqscan = off;
PREPARE p1(int2, int8) AS SELECT count(*), min(id), max(id) FROM t1 WHERE k >= $1 AND k < $2;
EXECUTE p1(-5, 5);
EXECUTE p1(NULL, 5);
EXECUTE p1(32767, 9223372036854775807);
PREPARE p2(int8[]) AS SELECT k, id FROM t1 WHERE k = ANY($1) ORDER BY k DESC, id DESC LIMIT 4;
EXECUTE p2('{5,-2500,NULL}');
EXECUTE p2('{}');
PREPARE p3(int8) AS SELECT k, id FROM t1 WHERE k > $1 ORDER BY k, id LIMIT 3;
EXECUTE p3(2499);
EXECUTE p3(9223372036854775807);
RESET enable_seqscan;
SET enable_indexscan = off;
SET enable_indexonlyscan = off;
SET enable_bitmapscan = off;
-- (the same by sequential scan)
EXECUTE p1(-5, 5);
EXECUTE p2('{5,-2500,NULL}');
EXECUTE p3(2499);
RESET enable_indexscan;
RESET enable_indexonlyscan;
RESET enable_bitmapscan;
RESET plan_cache_mode;
DEALLOCATE ALL;

-- Scans are counted in pg_stat_user_indexes.idx_scan: one per scan
-- (bitmap, ordered, index-only, each rescan of a nested loop's inner side).
SELECT pg_stat_force_next_flush();
CREATE TABLE counted AS SELECT relname, sum(idx_scan) AS idx_scan FROM pg_stat_user_indexes
  WHERE relname IN ('t1', 't4') AND schemaname = 'ixl_q' GROUP BY relname;
SET enable_seqscan = off;
SET enable_indexscan = off;
SET enable_indexonlyscan = off;
SELECT count(*) FROM t1 WHERE k = 5;
RESET enable_indexscan;
SET enable_bitmapscan = off;
SELECT id FROM t1 WHERE k = 5 ORDER BY k, id LIMIT 1;
SELECT count(*) FROM t4 WHERE d = '2020-02-05';
RESET enable_indexonlyscan;
SELECT count(*) FROM t4 WHERE d = '2020-02-05';
SET enable_hashjoin = off;
SET enable_mergejoin = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM (VALUES (1::int8), (2), (3), (4)) v(x) JOIN t1 ON t1.k = v.x;
SELECT count(*) FROM (VALUES (1::int8), (2), (3), (4)) v(x) JOIN t1 ON t1.k = v.x;
RESET enable_hashjoin;
RESET enable_mergejoin;
RESET enable_bitmapscan;
RESET enable_seqscan;
SELECT pg_stat_force_next_flush();
-- t1: a bitmap scan, an ordered scan, four rescans; t4: two scans.
SELECT c.relname, s.idx_scan - c.idx_scan AS new_scans
  FROM (SELECT relname, sum(idx_scan) AS idx_scan FROM pg_stat_user_indexes
         WHERE relname IN ('t1', 't4') AND schemaname = 'ixl_q' GROUP BY relname) s JOIN counted c USING (relname)
 ORDER BY c.relname;

SET client_min_messages = warning;
DROP SCHEMA ixl_q CASCADE;
RESET client_min_messages;
