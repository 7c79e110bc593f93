-- ixbloom under data changes: multi-column equality queries compared
-- between the index and a sequential scan after builds, inserts (insert
-- buffer), deletes, updates, VACUUM, VACUUM FULL, REINDEX (CONCURRENTLY),
-- CREATE INDEX CONCURRENTLY, unlogged and partitioned tables, and the
-- automatic fold of a full insert buffer.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ixbloom;
CREATE EXTENSION IF NOT EXISTS ixpack_test;
RESET client_min_messages;

-- disable_cost would push plans over jit_above_cost: no JIT (only time).
SET jit = off;
-- These tests follow folds, dead slices and emptied groups; VACUUM's merges
-- would fold those groups away (they have their own test: ixbloom_merge).
SET ixbloom.vacuum_merge = off;
-- Most of this file checks what a fold does, even to a buffer of one row:
-- VACUUM folds whatever the buffer holds.  (The default is tested below.)
SET ixbloom.vacuum_fold_min_pages = 1;
CREATE SCHEMA ixb_dml;
SET search_path = ixb_dml, ixpack_test, public;

-- index_matches_seqscan(q) (ixpack_test) runs q with the ixbloom index
-- forced, then by sequential scan: 'same (N rows)', or what differs.  It
-- also checks that the plans really are a Bitmap Index Scan and a Seq Scan.
-- The metapage and the groups are read with ixbloom_metapage() and
-- ixbloom_groups().

-- The queries, with {t} standing for the table.
CREATE TABLE q (n serial, sql text);
INSERT INTO q (sql) VALUES
  ($$SELECT * FROM {t} WHERE i = 7 ORDER BY id$$),
  ($$SELECT * FROM {t} WHERE t = '5' ORDER BY id$$),
  ($$SELECT * FROM {t} WHERE i = 7 AND t = '5' ORDER BY id$$),
  ($$SELECT * FROM {t} WHERE j = 123 ORDER BY id$$),
  ($$SELECT * FROM {t} WHERE j = 123 AND i = 3 ORDER BY id$$),
  ($$SELECT * FROM {t} WHERE u = 'u17' AND j = 17 ORDER BY id$$),
  ($$SELECT * FROM {t} WHERE i = 2 AND j = 402 AND t = 'b' AND u = 'u2' ORDER BY id$$),
  ($$SELECT * FROM {t} WHERE i = 2 AND j = 403 ORDER BY id$$),
  ($$SELECT * FROM {t} WHERE i = 11 ORDER BY id$$),
  ($$SELECT * FROM {t} WHERE u IS NULL AND i = 4 ORDER BY id$$),
  ($$SELECT * FROM {t} WHERE t = ANY('{a,b}') AND j = ANY('{1,2,3,4,5,6,7,8,9,10}') ORDER BY id$$),
  ($$SELECT * FROM {t} WHERE i = 5 AND i = 6 ORDER BY id$$),
  ($$SELECT * FROM {t} WHERE j = 50 AND u IS NOT NULL ORDER BY id$$),
  ($$SELECT * FROM {t} WHERE j = ANY('{7,NULL}') AND t = ANY('{}') ORDER BY id$$);

-- Every query on table t: the results, one row per query.
CREATE FUNCTION run_all(t text) RETURNS TABLE (n int, sql text, result text) LANGUAGE sql AS $$
  SELECT n, replace(sql, '{t}', t), index_matches_seqscan(replace(sql, '{t}', t)) FROM q ORDER BY n $$;
-- The same, summarised: how many queries ran and how many matched.
CREATE FUNCTION check_all(t text) RETURNS text LANGUAGE sql AS $$
  SELECT format('%s of %s queries same, %s rows', count(*) FILTER (WHERE result LIKE 'same%'), count(*),
                sum(substring(result FROM '\((\d+) rows\)')::int))
    || coalesce(' ' || string_agg(format('[%s: %s]', n, result), ' ') FILTER (WHERE result NOT LIKE 'same%'), '')
    FROM run_all(t) $$;

-- The contrib bloom scenario, on four columns ------------------------------
CREATE TABLE tst (id serial, i int4, j int4, t text, u text) WITH (autovacuum_enabled = off);
INSERT INTO tst (i, j, t, u)
  SELECT i % 10, i % 1000, substr(md5(i::text), 1, 1), CASE WHEN i % 13 <> 0 THEN 'u' || (i % 100) END
    FROM generate_series(1, 20000) i;
CREATE INDEX tst_idx ON tst USING ixbloom (i, j, t, u) WITH (col1 = 3, col3 = 4);
SELECT sig_bits, ngroups, buf_pages FROM ixbloom_metapage('tst_idx');

SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM tst WHERE i = 7 AND t = '5' ORDER BY id;
EXPLAIN (COSTS OFF) SELECT * FROM tst WHERE j = ANY('{1,2}') AND u IS NULL ORDER BY id;
RESET enable_seqscan;
SELECT * FROM run_all('tst');

-- DELETE, VACUUM and INSERT, several rounds.
DELETE FROM tst WHERE id % 3 = 0;
SELECT check_all('tst');
VACUUM tst;
SELECT check_all('tst');
INSERT INTO tst (i, j, t, u)
  SELECT i % 12, i % 997, substr(md5((i * 7)::text), 1, 1), CASE WHEN i % 11 <> 0 THEN 'u' || (i % 90) END
    FROM generate_series(1, 5000) i;
SELECT check_all('tst');

DELETE FROM tst WHERE i > 1 OR t = '5';
SELECT check_all('tst');
VACUUM tst;
INSERT INTO tst (i, j, t, u)
  SELECT i % 10, i % 1000, substr(md5(i::text), 1, 1), 'u' || (i % 100) FROM generate_series(1, 20000) i;
SELECT check_all('tst');

DELETE FROM tst WHERE j % 2 = 0;
VACUUM tst;
INSERT INTO tst (i, j, t, u)
  SELECT i % 10, (i * 3) % 1000, substr(md5(i::text), 2, 1), NULL FROM generate_series(1, 3000) i;
SELECT check_all('tst');

-- Everything deleted, vacuumed, then refilled.
DELETE FROM tst;
VACUUM tst;
SELECT check_all('tst');
INSERT INTO tst (i, j, t, u)
  SELECT i % 10, i % 1000, substr(md5(i::text), 1, 1), 'u' || (i % 100) FROM generate_series(1, 4000) i;
SELECT check_all('tst');
VACUUM tst;
SELECT check_all('tst');

-- Updates (new index entries; the old versions die) and HOT updates of a
-- column the index does not cover.
ALTER TABLE tst ADD COLUMN pad int;
UPDATE tst SET i = i + 1, u = 'u' || (j % 50) WHERE id % 5 = 0;
UPDATE tst SET pad = id WHERE id % 7 = 0;
SELECT check_all('tst');
VACUUM tst;
SELECT check_all('tst');

-- Rolled-back inserts leave dead entries behind.
BEGIN;
INSERT INTO tst (i, j, t, u) SELECT 7, i, '5', 'u17' FROM generate_series(1, 1000) i;
ROLLBACK;
SELECT check_all('tst');
VACUUM tst;
SELECT check_all('tst');

-- VACUUM FULL, REINDEX, REINDEX CONCURRENTLY rebuild the index.
VACUUM FULL tst;
SELECT check_all('tst');
REINDEX INDEX tst_idx;
SELECT check_all('tst');
INSERT INTO tst (i, j, t, u) SELECT i % 10, i % 1000, 'x', 'u' || (i % 100) FROM generate_series(1, 1000) i;
REINDEX INDEX CONCURRENTLY tst_idx;
SELECT check_all('tst');
SELECT indexrelid::regclass, indisvalid, indisready FROM pg_index WHERE indrelid = 'tst'::regclass;

-- TRUNCATE leaves an empty index that inserts fill again.
TRUNCATE tst;
SELECT sig_bits, ngroups, buf_pages FROM ixbloom_metapage('tst_idx');
INSERT INTO tst (i, j, t, u)
  SELECT i % 10, i % 1000, substr(md5(i::text), 1, 1), 'u' || (i % 100) FROM generate_series(1, 2000) i;
SELECT check_all('tst');

-- CREATE INDEX CONCURRENTLY.
DROP INDEX tst_idx;
CREATE INDEX CONCURRENTLY tst_idx ON tst USING ixbloom (i, j, t, u);
SELECT indexrelid::regclass, indisvalid FROM pg_index WHERE indrelid = 'tst'::regclass ORDER BY 1;
SELECT check_all('tst');
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM tst WHERE i = 1 AND t = 'a' ORDER BY id;
RESET enable_seqscan;

-- A parameterized bitmap scan, rescanned once per outer row.
CREATE TABLE probe (pi int, pt text);
INSERT INTO probe VALUES (1, 'a'), (2, 'b'), (3, NULL), (4, 'f'), (11, 'a');
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SET enable_material = off;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT p.pi, x.id FROM probe p JOIN tst x ON x.i = p.pi AND x.t = p.pt ORDER BY 1, 2;
CREATE TABLE join_idx AS SELECT p.pi, x.id FROM probe p JOIN tst x ON x.i = p.pi AND x.t = p.pt;
RESET enable_seqscan;
SET enable_bitmapscan = off;
SET enable_indexscan = off;
CREATE TABLE join_seq AS SELECT p.pi, x.id FROM probe p JOIN tst x ON x.i = p.pi AND x.t = p.pt;
RESET enable_bitmapscan;
RESET enable_indexscan;
RESET enable_hashjoin;
RESET enable_mergejoin;
RESET enable_material;
SELECT (SELECT count(*) FROM join_idx) AS rows,
       (SELECT count(*) FROM (TABLE join_idx EXCEPT ALL TABLE join_seq) a) AS only_index,
       (SELECT count(*) FROM (TABLE join_seq EXCEPT ALL TABLE join_idx) b) AS only_seq;

-- A second ixbloom index on the same table, also built concurrently.
CREATE INDEX CONCURRENTLY tst_idx_tu ON tst USING ixbloom (t, u) WITH (length = 32);
SELECT indexrelid::regclass, indisvalid FROM pg_index WHERE indrelid = 'tst'::regclass ORDER BY 1;
INSERT INTO tst (i, j, t, u) SELECT i % 10, i % 1000, 'y', 'u' || (i % 100) FROM generate_series(1, 1000) i;
DELETE FROM tst WHERE id % 9 = 0;
SELECT check_all('tst');
VACUUM tst;
SELECT check_all('tst');

-- An unlogged table ----------------------------------------------------------
CREATE UNLOGGED TABLE tstu (id serial, i int4, j int4, t text, u text) WITH (autovacuum_enabled = off);
INSERT INTO tstu (i, j, t, u)
  SELECT i % 10, i % 1000, substr(md5(i::text), 1, 1), CASE WHEN i % 13 <> 0 THEN 'u' || (i % 100) END
    FROM generate_series(1, 20000) i;
CREATE INDEX tstu_idx ON tstu USING ixbloom (i, j, t, u) WITH (col2 = 4);
SELECT relpersistence FROM pg_class WHERE oid = 'tstu_idx'::regclass;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM tstu WHERE i = 7 AND t = '5' ORDER BY id;
RESET enable_seqscan;
SELECT check_all('tstu');
DELETE FROM tstu WHERE id % 4 = 1;
VACUUM tstu;
INSERT INTO tstu (i, j, t, u) SELECT i % 10, i % 1000, 'z', 'u' || (i % 100) FROM generate_series(1, 3000) i;
SELECT check_all('tstu');
VACUUM FULL tstu;
SELECT check_all('tstu');
TRUNCATE tstu;
INSERT INTO tstu (i, j, t, u) SELECT i % 10, i % 1000, substr(md5(i::text), 1, 1), NULL FROM generate_series(1, 3000) i;
SELECT check_all('tstu');
-- An unlogged index built empty (init fork), then filled.
CREATE UNLOGGED TABLE tstu2 (LIKE tstu INCLUDING ALL);
SELECT count(*) AS indexes FROM pg_index WHERE indrelid = 'tstu2'::regclass;
INSERT INTO tstu2 SELECT * FROM tstu;
SELECT check_all('tstu2');

-- A partitioned table with an ixbloom index on the parent -------------------
CREATE TABLE tstp (id int, i int4, j int4, t text, u text) PARTITION BY RANGE (id);
CREATE TABLE tstp_1 PARTITION OF tstp FOR VALUES FROM (MINVALUE) TO (5000);
CREATE TABLE tstp_2 PARTITION OF tstp FOR VALUES FROM (5000) TO (10000);
INSERT INTO tstp SELECT i, i % 10, i % 1000, substr(md5(i::text), 1, 1), 'u' || (i % 100) FROM generate_series(1, 9999) i;
CREATE INDEX tstp_idx ON tstp USING ixbloom (i, j, t, u);
-- Partitions created or attached later get one too.
CREATE TABLE tstp_3 PARTITION OF tstp FOR VALUES FROM (10000) TO (20000);
CREATE TABLE tstp_4 (LIKE tstp);
INSERT INTO tstp_4 SELECT i, i % 10, i % 1000, substr(md5(i::text), 1, 1), NULL FROM generate_series(20000, 24999) i;
ALTER TABLE tstp ATTACH PARTITION tstp_4 FOR VALUES FROM (20000) TO (MAXVALUE);
INSERT INTO tstp SELECT i, i % 10, i % 1000, substr(md5(i::text), 1, 1), 'u' || (i % 100) FROM generate_series(10000, 19999) i;
SELECT c.relname AS partition, ic.relname AS index, am.amname
  FROM pg_inherits inh
  JOIN pg_class c ON c.oid = inh.inhrelid
  JOIN pg_index i ON i.indrelid = c.oid
  JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_am am ON am.oid = ic.relam
 WHERE inh.inhparent = 'tstp'::regclass
 ORDER BY 1;
SELECT inhrelid::regclass AS partition_index FROM pg_inherits WHERE inhparent = 'tstp_idx'::regclass ORDER BY 1;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM tstp WHERE i = 7 AND t = '5' ORDER BY id;
RESET enable_seqscan;
SELECT check_all('tstp');
DELETE FROM tstp WHERE id % 3 = 0;
VACUUM tstp;
SELECT check_all('tstp');

-- An index built on an empty table, filled only by inserts -------------------
-- Every row goes through the insert buffer.  Once the buffer holds enough
-- rows (a group holds 65216; 141000 rows are past the threshold) an insert
-- folds the full buffer pages into bit-sliced groups by itself; VACUUM
-- folds the rest.
CREATE TABLE grow (id int, a int, b text) WITH (autovacuum_enabled = off);
CREATE INDEX grow_idx ON grow USING ixbloom (a);
CREATE INDEX grow_idx2 ON grow USING ixbloom (a, b) WITH (length = 160);
SELECT sig_bits, ngroups, buf_pages FROM ixbloom_metapage('grow_idx');
INSERT INTO grow SELECT i, i % 5000, NULL FROM generate_series(1, 1000) i;
SELECT sig_bits, ngroups, buf_pages FROM ixbloom_metapage('grow_idx');
-- Five queries: a = 17; a = ANY(...); a IS NULL; a = 999 AND b IS NULL;
-- a = 3 AND b = 'b3'.
CREATE FUNCTION grow_check() RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(index_matches_seqscan(q), ', ' ORDER BY n) FROM (VALUES
    (1, $q$SELECT id FROM grow WHERE a = 17 ORDER BY id$q$),
    (2, $q$SELECT id FROM grow WHERE a = ANY('{1,2,4999,5000}') ORDER BY id$q$),
    (3, $q$SELECT id FROM grow WHERE a IS NULL ORDER BY id$q$),
    (4, $q$SELECT id FROM grow WHERE a = 999 AND b IS NULL ORDER BY id$q$),
    (5, $q$SELECT id FROM grow WHERE a = 3 AND b = 'b3' ORDER BY id$q$)) v(n, q) $$;
SELECT grow_check();
INSERT INTO grow SELECT i, i % 5000, CASE WHEN i % 3 = 0 THEN 'b' || (i % 10) END FROM generate_series(1001, 141000) i;
SELECT ngroups > 0 AS folded_by_insert, buf_pages < 100 AS buffer_shrank FROM ixbloom_metapage('grow_idx');
SELECT ngroups > 0 AS folded_by_insert FROM ixbloom_metapage('grow_idx2');
SELECT grow_check();
INSERT INTO grow VALUES (0, NULL, NULL), (-1, 17, 'b3');
DELETE FROM grow WHERE id % 10 = 3;
SELECT grow_check();
VACUUM grow;
SELECT ngroups >= 3 AS folded_again, buf_pages <= 1 AS buffer_empty FROM ixbloom_metapage('grow_idx');
SELECT grow_check();
INSERT INTO grow SELECT i, i % 7, 'b' || (i % 10) FROM generate_series(141001, 142000) i;
SELECT grow_check();
-- Parallel VACUUM over the two indexes.
DELETE FROM grow WHERE id % 10 = 4;
VACUUM (PARALLEL 2) grow;
SELECT grow_check();
SELECT ngroups >= 4 AS folded_again, buf_pages <= 1 AS buffer_empty FROM ixbloom_metapage('grow_idx');
-- A build over more rows than one group holds.
REINDEX TABLE grow;
SELECT ngroups > 1 AS several_groups, buf_pages AS buffer_pages FROM ixbloom_metapage('grow_idx');
SELECT grow_check();

-- Many small groups: every VACUUM folds what the buffer holds, even one
-- row, into a group of its own.  Past 407 groups the directory goes on to
-- a second page.
CREATE TABLE many (id int, a int) WITH (autovacuum_enabled = off);
CREATE INDEX many_a ON many USING ixbloom (a);
\set ECHO none
SELECT format('INSERT INTO many VALUES (%s, %s)', i, i % 7), 'VACUUM many' FROM generate_series(1, 420) i \gexec
\set ECHO all
SELECT ngroups > 407 AS two_directory_pages FROM ixbloom_metapage('many_a');
-- Planning reads the metapage alone, not the directory: its totals are
-- what the cost needs.  (Planning buffers, after a first plan has warmed
-- the catalog caches.)
CREATE FUNCTION planning_buffers(q text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE j json;
BEGIN
  EXECUTE 'EXPLAIN (BUFFERS, COSTS OFF, FORMAT JSON) ' || q INTO j;
  EXECUTE 'EXPLAIN (BUFFERS, COSTS OFF, FORMAT JSON) ' || q INTO j;
  RETURN coalesce((j->0->'Planning'->>'Shared Hit Blocks')::bigint, 0)
       + coalesce((j->0->'Planning'->>'Shared Read Blocks')::bigint, 0);
END $$;
SELECT planning_buffers($$SELECT * FROM many WHERE a = 3$$);
SELECT index_matches_seqscan($$SELECT id FROM many WHERE a = 3 ORDER BY id$$);
SELECT index_matches_seqscan($$SELECT id FROM many WHERE a = ANY('{1,2,7}') ORDER BY id$$);
DELETE FROM many WHERE id % 4 = 0;
VACUUM many;
SELECT index_matches_seqscan($$SELECT id FROM many WHERE a = 3 ORDER BY id$$);
REINDEX INDEX many_a;
SELECT sig_bits, ngroups, buf_pages FROM ixbloom_metapage('many_a');
SELECT index_matches_seqscan($$SELECT id FROM many WHERE a = ANY('{1,2,7}') ORDER BY id$$);

-- An expression index and a partial index ------------------------------------
CREATE TABLE ex (id int, s text, n int);
INSERT INTO ex SELECT i, 'Val' || (i % 300), i FROM generate_series(1, 5000) i;
CREATE INDEX ex_lower ON ex USING ixbloom (lower(s), (n % 10));
CREATE INDEX ex_part ON ex USING ixbloom (s) WHERE n > 2500;
SELECT index_matches_seqscan($$SELECT id FROM ex WHERE lower(s) = 'val42' ORDER BY id$$);
SELECT index_matches_seqscan($$SELECT id FROM ex WHERE lower(s) = 'val42' AND n % 10 = 2 ORDER BY id$$);
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM ex WHERE s = 'Val7' AND n > 4000 ORDER BY id;
RESET enable_seqscan;
SELECT index_matches_seqscan($$SELECT id FROM ex WHERE s = 'Val7' AND n > 4000 ORDER BY id$$);
UPDATE ex SET n = n + 2500 WHERE id % 2 = 0;
SELECT index_matches_seqscan($$SELECT id FROM ex WHERE s = 'Val7' AND n > 4000 ORDER BY id$$);
SELECT index_matches_seqscan($$SELECT id FROM ex WHERE lower(s) = 'val7' AND n % 10 = 7 ORDER BY id$$);
-- The partial index with no index condition at all: every row it holds.
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM ex WHERE n > 6000 ORDER BY id;
RESET enable_seqscan;
SELECT index_matches_seqscan($$SELECT id FROM ex WHERE n > 6000 ORDER BY id$$);

-- The planner's choice, on its own (no enable_* settings): on a large table
-- ixbloom serves equality on a combination of columns, while a btree that
-- matches the query is preferred where one exists.
CREATE TABLE plan_t AS
SELECT g AS a, (hashint4(g) & 2147483647) % 1000 AS b, (hashint4(g + 1) & 2147483647) % 500 AS c,
       (hashint4(g + 2) & 2147483647) % 200 AS d
  FROM generate_series(1, 200000) g;
CREATE INDEX plan_t_bl ON plan_t USING ixbloom (a, b, c, d);
CREATE INDEX plan_t_a ON plan_t (a);
VACUUM ANALYZE plan_t;
-- Constants of an existing row, so the comparison below has rows to compare.
SELECT b AS pb, c AS pc, d AS pd FROM plan_t WHERE a = 777 \gset
EXPLAIN (COSTS OFF) SELECT * FROM plan_t WHERE b = :pb AND c = :pc AND d = :pd;
EXPLAIN (COSTS OFF) SELECT * FROM plan_t WHERE a = 12345;
EXPLAIN (COSTS OFF) SELECT * FROM plan_t WHERE a = 12345 AND b = 17;
SELECT index_matches_seqscan(format('SELECT a FROM plan_t WHERE b = %s AND c = %s AND d = %s ORDER BY a', :pb, :pc, :pd));

-- By default VACUUM folds the insert buffer only once it has 16 pages
-- (ixbloom.vacuum_fold_min_pages): a fold of a few rows would make a small
-- group that every scan reads on its own until REINDEX.
RESET ixbloom.vacuum_fold_min_pages;
SHOW ixbloom.vacuum_fold_min_pages;
-- (0 is out of range: ERROR.)
SET ixbloom.vacuum_fold_min_pages = 0;
CREATE TABLE trickle (id int, a int) WITH (autovacuum_enabled = off);
CREATE INDEX trickle_a ON trickle USING ixbloom (a);
INSERT INTO trickle SELECT g, g % 50 FROM generate_series(1, 3000) g;
VACUUM trickle;
SELECT ngroups, buf_pages FROM ixbloom_metapage('trickle_a');
-- The rows left in the buffer still count as index tuples.
SELECT reltuples FROM pg_class WHERE relname = 'trickle_a';
SELECT index_matches_seqscan($$SELECT id FROM trickle WHERE a = 7 ORDER BY id$$);
INSERT INTO trickle SELECT g, g % 50 FROM generate_series(3001, 9000) g;
DELETE FROM trickle WHERE id % 3 = 0;
VACUUM trickle;
SELECT ngroups, buf_pages <= 1 AS buffer_empty FROM ixbloom_metapage('trickle_a');
SELECT index_matches_seqscan($$SELECT id FROM trickle WHERE a = ANY('{7,8}') ORDER BY id$$);
SET ixbloom.vacuum_fold_min_pages = 1;

-- TID pages and the dead slice (format 2, docs/ixbloom-format.md), read
-- with ixbloom_groups() and ixbloom_tid_pages().

-- A table loaded in heap order: each group's TIDs are runs of adjacent
-- line pointers, one run per heap page, so each group has one TID page.
CREATE TABLE fmt (id int, a int, b int) WITH (autovacuum_enabled = off);
INSERT INTO fmt SELECT g, g % 1000, g % 37 FROM generate_series(1, 70000) g;
CREATE INDEX fmt_ab ON fmt USING ixbloom (a, b) WITH (length = 80);  -- the page counts below are for this shape
SELECT "group", nrows, live, tid_pages FROM ixbloom_groups('fmt_ab');
SELECT x."group", t.first_pos, t.nrows, t.encoding, t.entries * 100 < t.nrows AS long_runs, t.map_entries
  FROM ixbloom_groups('fmt_ab') x, ixbloom_tid_pages('fmt_ab', x."group") t;
SELECT index_matches_seqscan($$SELECT id FROM fmt WHERE a = 5 ORDER BY id$$);
SELECT index_matches_seqscan($$SELECT id FROM fmt WHERE a = 999 AND b = 1 ORDER BY id$$);
SELECT index_matches_seqscan($$SELECT id FROM fmt WHERE a = ANY('{0,1,500}') AND b = ANY('{0,3}') ORDER BY id$$);

-- VACUUM marks removed rows in the dead slice and sets live = nrows minus
-- the slice's bits; a VACUUM with nothing to remove leaves them as they are.
DELETE FROM fmt WHERE id % 10 = 0 OR id > 69000;
VACUUM fmt;
SELECT "group", nrows, live, nrows - live = dead AS live_matches_dead_slice FROM ixbloom_groups('fmt_ab');
SELECT index_matches_seqscan($$SELECT id FROM fmt WHERE a = 5 ORDER BY id$$);
SELECT index_matches_seqscan($$SELECT id FROM fmt WHERE a = 10 ORDER BY id$$);
SELECT index_matches_seqscan($$SELECT id FROM fmt WHERE a = ANY('{0,1,500}') AND b = ANY('{0,3}') ORDER BY id$$);
VACUUM fmt;
SELECT "group", live, dead FROM ixbloom_groups('fmt_ab');
-- A group whose every row is gone costs a scan one page, its dead slice:
-- its live count (0) says to look there first, and when the slice marks
-- every row the group's other pages (here 4: the slice pages this query's
-- 8 bits need and a TID page) are not read.  The count alone decides
-- nothing: it is derived, and VACUUM writes it after the slice.
CREATE FUNCTION ixb_index_buffers(q text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE j json;
BEGIN
  SET LOCAL enable_seqscan = off;
  EXECUTE 'EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, FORMAT JSON) ' || q INTO j;
  RETURN (j->0->'Plan'->'Plans'->0->>'Shared Hit Blocks')::bigint + (j->0->'Plan'->'Plans'->0->>'Shared Read Blocks')::bigint;
END $$;
SELECT ixb_index_buffers($$SELECT * FROM fmt WHERE a = 5 AND b = ANY('{5,6,7}')$$) AS before_bufs \gset
DELETE FROM fmt WHERE id > 65216;
VACUUM fmt;
SELECT "group", nrows, live FROM ixbloom_groups('fmt_ab');
SELECT :before_bufs - ixb_index_buffers($$SELECT * FROM fmt WHERE a = 5 AND b = ANY('{5,6,7}')$$) AS pages_saved;
SELECT index_matches_seqscan($$SELECT id FROM fmt WHERE a = 5 AND b = ANY('{5,6,7}') ORDER BY id$$);

-- A heap with a hole after every row: no two TIDs are adjacent, so runs
-- would take 8 bytes a row; each heap block's rows become one offset bitmap
-- instead, and the whole group fits one TID page.
CREATE TABLE frag (id int, a int) WITH (autovacuum_enabled = off);
INSERT INTO frag SELECT g, g % 300 FROM generate_series(1, 40000) g;
DELETE FROM frag WHERE id % 2 = 0;
VACUUM frag;
CREATE INDEX frag_a ON frag USING ixbloom (a);
SELECT "group", nrows, tid_pages FROM ixbloom_groups('frag_a');
SELECT first_pos, nrows, encoding, entries, map_entries FROM ixbloom_tid_pages('frag_a', 1);
SELECT index_matches_seqscan($$SELECT id FROM frag WHERE a = 7 ORDER BY id$$);
SELECT index_matches_seqscan($$SELECT id FROM frag WHERE a = ANY('{1,151,299}') ORDER BY id$$);

-- One row per heap block (rows of 4100 bytes, stored inline): a run or a
-- bitmap costs more than the 6 bytes of a plain TID, so the TID pages hold
-- arrays (1314 TIDs on page 0, after its page map; 1356 on the others), and
-- page 0 maps them.
CREATE TABLE wide (id int, a int, pad text) WITH (autovacuum_enabled = off);
ALTER TABLE wide ALTER COLUMN pad SET STORAGE PLAIN;
INSERT INTO wide SELECT g, g % 30, repeat('w', 4100) FROM generate_series(1, 1400) g;
CREATE INDEX wide_a ON wide USING ixbloom (a);
SELECT "group", nrows, tid_pages FROM ixbloom_groups('wide_a');
SELECT tid_page, first_pos, nrows, encoding, entries, map_entries FROM ixbloom_tid_pages('wide_a', 1);
SELECT index_matches_seqscan($$SELECT id FROM wide WHERE a = 7 ORDER BY id$$);
SELECT index_matches_seqscan($$SELECT id FROM wide WHERE a = ANY('{0,29}') ORDER BY id$$);

-- HOT updates: CREATE INDEX gets a chain's live version under its root
-- line pointer when the heap scan reaches the version, so within a heap
-- block the offsets come out of order.  The build puts each block's rows in
-- line-pointer order, and every heap block is one run.
CREATE TABLE hot (id int, a int, b int) WITH (fillfactor = 70, autovacuum_enabled = off);
INSERT INTO hot SELECT g, g % 500, 0 FROM generate_series(1, 20000) g;
UPDATE hot SET b = 1 WHERE id % 10 = 0;
CREATE INDEX hot_a ON hot USING ixbloom (a);
SELECT nrows, encoding, entries = pg_relation_size('hot') / 8192 AS one_run_per_heap_block
  FROM ixbloom_tid_pages('hot_a', 1);
SELECT index_matches_seqscan($$SELECT id FROM hot WHERE a = 10 ORDER BY id$$);

-- A fold sorts its rows by TID.  UPDATEs visit rows 50 ids apart, so
-- consecutive new versions land on different heap pages (fillfactor leaves
-- room for them on their old page): in insert order no two are adjacent,
-- in TID order each page's new versions are one run.
CREATE TABLE ff (id int, a int, pad text) WITH (fillfactor = 50, autovacuum_enabled = off);
INSERT INTO ff SELECT g, g % 97, repeat('x', 200) FROM generate_series(1, 2000) g;
CREATE INDEX ff_a ON ff USING ixbloom (a);
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT id FROM ff ORDER BY id % 50, id LOOP
    UPDATE ff SET a = a + 1000 WHERE id = r.id;
  END LOOP;
END $$;
VACUUM ff;
SELECT "group", nrows, live FROM ixbloom_groups('ff_a');
SELECT nrows, encoding = 'runs' AND entries * 4 < nrows AS sorted_into_runs FROM ixbloom_tid_pages('ff_a', 2);
SELECT index_matches_seqscan($$SELECT id FROM ff WHERE a = 1005 ORDER BY id$$);
SELECT index_matches_seqscan($$SELECT id FROM ff WHERE a = ANY('{5,1005,1096}') ORDER BY id$$);

SET client_min_messages = warning;
DROP SCHEMA ixb_dml CASCADE;
RESET client_min_messages;
