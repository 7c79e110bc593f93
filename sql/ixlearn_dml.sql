-- ixlearn under DML and DDL: inserts that split many leaves (random keys,
-- ascending keys at the right end, descending keys at the left end, one
-- key 20,000 times, NULLs), UPDATE, DELETE, VACUUM (dead entries removed,
-- the model retrained), ixlearn_retrain and ALTER INDEX SET (epsilon),
-- leaves emptied and unlinked by VACUUM, UNLOGGED tables, partitioned
-- tables, REINDEX [CONCURRENTLY], CREATE INDEX CONCURRENTLY, TRUNCATE,
-- INCLUDE values near and over the size limit, and the permissions of the
-- inspection functions.  After every phase: ixlearn_check(index, true)
-- (the leaf chain, the model, and every visible heap row found in the
-- index), ixlearn_stats (entries = count(*) once VACUUM has removed the
-- dead entries; splits_since_model > 0 after inserts and 0 after VACUUM or
-- a retrain; model_leaves = leaves and max_chain_steps = 0 after a
-- retrain), and queries compared with a sequential scan.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ixlearn;
CREATE EXTENSION IF NOT EXISTS ixpack_test;
RESET client_min_messages;

SET jit = off;
CREATE SCHEMA ixl_dml;
SET search_path = ixl_dml, ixpack_test, public;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SELECT setseed(0.4242);

-- The index's shape and counts (what does not depend on page layout).
-- (How far the model lags after inserts depends on when an insert or
-- autovacuum retrained it; what holds either way: the model lists at most
-- the chain's leaves, and a lookup walks at most past the unlisted ones.)
CREATE FUNCTION shape(idx regclass) RETURNS TABLE (leaves_gt_1 bool, entries bigint, rows bigint,
                                                  model_within_chain bool, steps_within_unlisted bool) LANGUAGE plpgsql AS $$
DECLARE
  s record;
BEGIN
  SELECT * INTO s FROM ixlearn_stats(idx);
  EXECUTE format('SELECT count(*) FROM %s', (SELECT indrelid::regclass FROM pg_index WHERE indexrelid = idx)) INTO rows;
  leaves_gt_1 := s.leaves > 1; entries := s.entries;
  model_within_chain := s.model_leaves <= s.leaves;
  steps_within_unlisted := s.max_chain_steps <= s.leaves - s.model_leaves;
  RETURN NEXT;
END $$;
-- Queries of every shape on one table's key column `k` (ties broken by
-- id), through the index and by sequential scan: the number that differ.
CREATE FUNCTION differ(tbl text, lits text[]) RETURNS TABLE (queries int, mismatches int, first_mismatch text)
LANGUAGE plpgsql AS $$
DECLARE
  q text;
  scan text;
  r text;
BEGIN
  queries := 0; mismatches := 0;
  FOR q, scan IN
      SELECT format('SELECT id FROM %I WHERE k %s %s ORDER BY id', tbl, op, l), 'Bitmap Index Scan'
        FROM unnest(lits) l, unnest('{<,<=,=,>=,>}'::text[]) op
      UNION ALL SELECT format('SELECT k, id FROM %1$I WHERE k %3$s %4$s ORDER BY k %2$s, id %2$s LIMIT 300', tbl, d, op, l), 'Index Scan'
        FROM unnest(lits) l, unnest('{<,=,>=}'::text[]) op, unnest('{ASC,DESC}'::text[]) d
      UNION ALL SELECT format('SELECT id FROM %I WHERE k = ANY(ARRAY[%s]) ORDER BY id', tbl, array_to_string(lits || 'NULL'::text, ',')),
                       'Bitmap Index Scan'
      UNION ALL SELECT format('SELECT k, id FROM %I WHERE k IS NULL ORDER BY k, id', tbl), 'Index Scan'
      UNION ALL SELECT format('SELECT min(k), max(k) FROM %I', tbl), 'Index Scan'
      UNION ALL SELECT format('SELECT k, id FROM %I ORDER BY k, id', tbl), 'Index Scan'
      UNION ALL SELECT format('SELECT k, id FROM %I ORDER BY k DESC, id DESC', tbl), 'Index Scan' LOOP
    r := index_matches_seqscan(q, scan);
    queries := queries + 1;
    IF r NOT LIKE 'same (%' THEN
      mismatches := mismatches + 1;
      first_mismatch := coalesce(first_mismatch, q || ': ' || r);
    END IF;
  END LOOP;
  RETURN NEXT;
END $$;

-- An empty table's index: one empty leaf.
CREATE TABLE d (id int, k int8, v int, note text) WITH (autovacuum_enabled = off);
CREATE INDEX d_k ON d USING ixlearn (k);
CREATE INDEX d_kid ON d USING ixlearn (k DESC, id);
SELECT model_version, segments, leaves, model_leaves, splits_since_model, entries, max_chain_steps FROM ixlearn_stats('d_k');
SELECT ixlearn_check('d_k', true), ixlearn_check('d_kid', true);
SELECT * FROM differ('d', '{0}');

-- 1. Random keys: leaves split everywhere, the model does not know the
-- new leaves (scans walk right from the leaf it names).
INSERT INTO d SELECT i, (random() * 2e12)::int8 - 1000000000000, i % 10, 'r' FROM generate_series(1, 8000) i;
SELECT * FROM shape('d_k');
SELECT * FROM shape('d_kid');
SELECT ixlearn_check('d_k', true), ixlearn_check('d_kid', true);
CREATE TABLE lits AS SELECT ARRAY(SELECT k::text FROM d WHERE id % 2000 = 7 ORDER BY id)
  || '{0,-9223372036854775808,9223372036854775807}'::text[] AS l;
SELECT * FROM differ('d', (SELECT l FROM lits));

-- 2. Ascending keys: each insert is the new largest (the rightmost leaf
-- splits, keeping the full part on the left); then descending keys, each
-- the new smallest (the leftmost leaf splits).
INSERT INTO d SELECT 30000 + i, 2000000000000 + i * 1000, i % 10, 'asc' FROM generate_series(1, 4000) i;
INSERT INTO d SELECT 50000 + i, -2000000000000 - i * 1000, i % 10, 'desc' FROM generate_series(1, 4000) i;
SELECT * FROM shape('d_k');
SELECT ixlearn_check('d_k', true), ixlearn_check('d_kid', true);
SELECT * FROM differ('d', (SELECT l FROM lits) || '{2000000000000,2002000000000,-2000000001000,-2004000000000}');

-- 3. Long runs of one key (leaves of equal keys, split by heap TID): 3,000
-- copies of 42 in the middle of the key range and 1,000 NULLs here; in a
-- table of its own, 20,000 copies of one key between other keys.
INSERT INTO d SELECT 70000 + i, 42, i % 10, 'dup' FROM generate_series(1, 3000) i;
INSERT INTO d SELECT 90000 + i, NULL, i % 10, 'null' FROM generate_series(1, 1000) i;
SELECT * FROM shape('d_k');
SELECT ixlearn_check('d_k', true), ixlearn_check('d_kid', true);
SELECT * FROM differ('d', (SELECT l FROM lits) || '{42,41,43}');
CREATE TABLE dup (id int, k int8) WITH (autovacuum_enabled = off);
CREATE INDEX dup_k ON dup USING ixlearn (k);
INSERT INTO dup SELECT i, (i * 7919) % 5000 FROM generate_series(1, 5000) i;
INSERT INTO dup SELECT 5000 + i, 2500 FROM generate_series(1, 20000) i;
INSERT INTO dup SELECT 25000 + i, NULL FROM generate_series(1, 2000) i;
SELECT * FROM shape('dup_k');
SELECT ixlearn_check('dup_k', true);
SELECT q, index_matches_seqscan(q, s) FROM (VALUES
  ('SELECT count(*) FROM dup WHERE k = 2500', 'Bitmap Index Scan'),
  ('SELECT id FROM dup WHERE k = 2500 ORDER BY id', 'Bitmap Index Scan'),
  ('SELECT k, id FROM dup WHERE k = 2500 ORDER BY k, id', 'Index Scan'),
  ('SELECT k, id FROM dup WHERE k = 2500 ORDER BY k DESC, id DESC', 'Index Scan'),
  ('SELECT k, id FROM dup WHERE k >= 2499 AND k <= 2501 ORDER BY k DESC, id DESC LIMIT 100', 'Index Scan'),
  ('SELECT k, id FROM dup WHERE k > 2500 ORDER BY k, id LIMIT 10', 'Index Scan'),
  ('SELECT k, id FROM dup WHERE k < 2500 ORDER BY k DESC, id DESC LIMIT 10', 'Index Scan'),
  ('SELECT k, id FROM dup WHERE k = 2500 AND id BETWEEN 15000 AND 15010 ORDER BY k, id', 'Index Scan'),
  ('SELECT k, id FROM dup WHERE k = 2500 AND id BETWEEN 15000 AND 15010 ORDER BY k DESC, id DESC', 'Index Scan'),
  ('SELECT k, id FROM dup WHERE k = 2500 ORDER BY k DESC, id DESC LIMIT 10 OFFSET 15000', 'Index Scan'),
  ('SELECT k, id FROM dup WHERE k = ANY(''{2499,2500,2501}'') ORDER BY k, id LIMIT 10 OFFSET 19995', 'Index Scan'),
  ('SELECT count(*) FROM dup WHERE k IS NULL', 'Bitmap Index Scan'),
  ('SELECT k, id FROM dup WHERE k IS NULL ORDER BY k, id LIMIT 10 OFFSET 1990', 'Index Scan'),
  ('SELECT k, id FROM dup WHERE k IS NULL ORDER BY k DESC, id DESC LIMIT 10', 'Index Scan')) v(q, s);
DELETE FROM dup WHERE k = 2500 AND id % 3 <> 0;
VACUUM dup;
SELECT * FROM shape('dup_k');
SELECT ixlearn_check('dup_k', true);
SELECT * FROM differ('dup', '{2500,2499,2501,0}');

-- 4. UPDATE: indexed column (new entries; the old ones dead until
-- VACUUM), other column (HOT: no new entries); DELETE.
UPDATE d SET k = k + 1 WHERE id % 10 = 3;
UPDATE d SET note = 'hot' WHERE id % 10 = 4;
DELETE FROM d WHERE id % 10 = 5 OR k = 42 AND id % 4 = 0;
SELECT (SELECT entries FROM ixlearn_stats('d_k')) > (SELECT count(*) FROM d) AS dead_entries_before_vacuum;
SELECT ixlearn_check('d_k', true), ixlearn_check('d_kid', true);
SELECT * FROM differ('d', (SELECT l FROM lits) || '{42,43}');

-- 5. VACUUM: the dead entries go (entries = rows), the model is retrained
-- (no splits since, every leaf in the model, no walking right).
VACUUM d;
SELECT * FROM shape('d_k');
SELECT * FROM shape('d_kid');
SELECT ixlearn_check('d_k', true), ixlearn_check('d_kid', true);
SELECT * FROM differ('d', (SELECT l FROM lits) || '{42,43}');
-- VACUUM without index cleanup leaves the model alone.
INSERT INTO d SELECT 100000 + i, 3000000000000 + i, 0, 'late' FROM generate_series(1, 5000) i;
SELECT splits_since_model > 0 AS splits, model_leaves < leaves AS model_behind FROM ixlearn_stats('d_k');
VACUUM (INDEX_CLEANUP OFF) d;
SELECT splits_since_model > 0 AS splits, model_leaves < leaves AS model_behind FROM ixlearn_stats('d_k');

-- 6. Leaves emptied by VACUUM: all keys of a range deleted; VACUUM unlinks
-- the empty leaves (a later VACUUM frees them: test/isolation
-- ixlearn_unlink, TAP 015); scans in both directions cross the range; new
-- rows go into it again.
DELETE FROM d WHERE k BETWEEN -500000000000 AND 500000000000 AND k <> 42;
DELETE FROM d WHERE k = 42;
SELECT leaves AS leaves_before_vacuum FROM ixlearn_stats('d_k') \gset
VACUUM d;
SELECT unlinked_leaves > 0 AS empty_leaves_unlinked, leaves + unlinked_leaves = :leaves_before_vacuum AS out_of_the_chain,
       splits_since_model = 0 AS retrained
  FROM ixlearn_stats('d_k');
SELECT * FROM shape('d_k');
SELECT ixlearn_check('d_k', true), ixlearn_check('d_kid', true);
SELECT * FROM differ('d', (SELECT l FROM lits) || '{42,-500000000000,500000000000}');
BEGIN;
SET LOCAL enable_seqscan = off;
SET LOCAL enable_bitmapscan = off;
DECLARE c SCROLL CURSOR FOR SELECT k FROM d WHERE k BETWEEN -600000000000 AND 600000000000 ORDER BY k;
FETCH 1 FROM c;
MOVE FORWARD ALL FROM c;
FETCH BACKWARD 1 FROM c;
FETCH ABSOLUTE 1 FROM c;
FETCH PRIOR FROM c;
FETCH NEXT FROM c;
CLOSE c;
COMMIT;
SELECT count(*) AS gap_before_refill FROM d WHERE k BETWEEN -500000000000 AND 500000000000;
INSERT INTO d SELECT 200000 + i, (random() * 1e12)::int8 - 500000000000, 0, 'refill' FROM generate_series(1, 3000) i;
INSERT INTO d SELECT 300000 + i, 42, 0, 'refill' FROM generate_series(1, 1000) i;
SELECT ixlearn_check('d_k', true), ixlearn_check('d_kid', true);
SELECT * FROM differ('d', (SELECT l FROM lits) || '{42,-500000000000,500000000000}');

-- 7. ixlearn_retrain: a new model version over the leaves as they are;
-- ALTER INDEX SET (epsilon) takes effect at the next retrain.
CREATE TABLE before_retrain AS SELECT model_version FROM ixlearn_stats('d_k');
SELECT ixlearn_retrain('d_k');
SELECT s.model_version - b.model_version AS new_versions, s.epsilon, s.model_leaves = s.leaves AS model_is_chain,
       s.splits_since_model, s.max_chain_steps, s.max_error <= s.epsilon AS within_epsilon, s.entries = (SELECT count(*) FROM d) AS all_entries
  FROM ixlearn_stats('d_k') s, before_retrain b;
ALTER INDEX d_k SET (epsilon = 1);
SELECT epsilon FROM ixlearn_stats('d_k');
SELECT ixlearn_retrain('d_k');
SELECT epsilon, max_error <= 1 AS within_epsilon, model_leaves = leaves AS model_is_chain, max_chain_steps FROM ixlearn_stats('d_k');
ALTER INDEX d_k SET (epsilon = 1024);
SELECT ixlearn_retrain('d_k');
SELECT epsilon, segments <= (SELECT segments FROM ixlearn_stats('d_kid')) AS fewer_segments, max_chain_steps FROM ixlearn_stats('d_k');
ALTER INDEX d_k RESET (epsilon);
SELECT ixlearn_retrain('d_k');
SELECT epsilon FROM ixlearn_stats('d_k');
SELECT ixlearn_check('d_k', true);
SELECT * FROM differ('d', (SELECT l FROM lits) || '{42}');
-- A retrain in a transaction that rolls back leaves a working index.
BEGIN;
SELECT ixlearn_retrain('d_kid');
INSERT INTO d SELECT 400000 + i, i, 0, 'rolled back' FROM generate_series(1, 2000) i;
ROLLBACK;
SELECT ixlearn_check('d_kid', true);
SELECT * FROM differ('d', '{1,1000,2000}');
-- Not an ixlearn index; not an index: an error naming the relation.
CREATE INDEX d_btree ON d USING btree (k);
SELECT ixlearn_stats('d_btree');
SELECT ixlearn_check('d_btree');
SELECT ixlearn_retrain('d_btree');
DROP INDEX d_btree;
SELECT ixlearn_stats('d');
SELECT ixlearn_check('d');
SELECT ixlearn_retrain('d');

-- 8. A multi-column index with DESC and NULLS FIRST under the same churn.
CREATE TABLE m (id int, a int4, b timestamptz, c uuid) WITH (autovacuum_enabled = off);
CREATE INDEX m_abc ON m USING ixlearn (a DESC NULLS FIRST, b, c DESC) WITH (fillfactor = 50, epsilon = 2);
INSERT INTO m SELECT i, CASE WHEN random() < 0.05 THEN NULL ELSE (random() * 50)::int END,
       timestamptz '2025-01-01' + (random() * 1000)::int * interval '1 minute', md5((i % 200)::text)::uuid
  FROM generate_series(1, 20000) i;
DELETE FROM m WHERE id % 7 = 0;
UPDATE m SET a = 25 WHERE id % 11 = 0;
-- (heapallindexed after VACUUM: 20,000 lookups through a model of one
-- leaf each walk the chain)
SELECT ixlearn_check('m_abc');
SELECT q, index_matches_seqscan(q, s) FROM (VALUES
  ('SELECT id FROM m WHERE a = 25 ORDER BY id', 'Bitmap Index Scan'),
  ('SELECT id FROM m WHERE b < ''2025-01-01 00:10'' ORDER BY id', 'Bitmap Index Scan'),
  ('SELECT id FROM m WHERE c = md5(''7'')::uuid AND a IS NULL ORDER BY id', 'Bitmap Index Scan'),
  ('SELECT a, b, c, id FROM m WHERE a BETWEEN 10 AND 12 ORDER BY a DESC NULLS FIRST, b, c DESC, id', 'Index Scan'),
  ('SELECT a, b, c, id FROM m ORDER BY a NULLS LAST, b DESC, c, id DESC LIMIT 500', 'Index Scan'),
  ('SELECT a, b, c, id FROM m WHERE a = 25 ORDER BY a DESC NULLS FIRST, b, c DESC, id LIMIT 100', 'Index Scan')) v(q, s);
VACUUM m;
SELECT * FROM shape('m_abc');
SELECT ixlearn_check('m_abc', true);

-- 9. UNLOGGED: the index has an init fork (a metapage, an empty leaf, a
-- model) and works as any other.
CREATE UNLOGGED TABLE ul (id int, k int8) WITH (autovacuum_enabled = off);
CREATE INDEX ul_k ON ul USING ixlearn (k);
SELECT c.relpersistence, pg_relation_size('ul_k', 'init') > 0 AS has_init_fork FROM pg_class c WHERE c.relname = 'ul_k';
INSERT INTO ul SELECT i, (i * 7919) % 10007 FROM generate_series(1, 20000) i;
SELECT * FROM differ('ul', '{0,5,10006,5000}');
DELETE FROM ul WHERE id % 2 = 0;
VACUUM ul;
SELECT * FROM shape('ul_k');
SELECT ixlearn_check('ul_k', true);
REINDEX INDEX ul_k;
SELECT pg_relation_size('ul_k', 'init') > 0 AS has_init_fork;
SELECT ixlearn_check('ul_k', true);

-- 10. Partitioned tables: the index on the parent makes one per partition
-- (and on a partition attached later); queries go through the partitions
-- (pruning, ordered Append / Merge Append).
CREATE TABLE pt (id int, k int8, t date) PARTITION BY RANGE (t);
CREATE TABLE pt_1 PARTITION OF pt FOR VALUES FROM ('2025-01-01') TO ('2025-07-01') WITH (autovacuum_enabled = off);
CREATE TABLE pt_2 PARTITION OF pt FOR VALUES FROM ('2025-07-01') TO ('2026-01-01') WITH (autovacuum_enabled = off);
INSERT INTO pt SELECT i, (i * 7919) % 5003, date '2025-01-01' + i % 365 FROM generate_series(1, 20000) i;
CREATE INDEX pt_t ON pt USING ixlearn (t, k);
CREATE INDEX pt_k ON pt USING ixlearn (k);
CREATE TABLE pt_3 (LIKE pt) WITH (autovacuum_enabled = off);
INSERT INTO pt_3 SELECT i, (i * 7919) % 5003, date '2026-01-01' + i % 100 FROM generate_series(20001, 25000) i;
ALTER TABLE pt ATTACH PARTITION pt_3 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
INSERT INTO pt SELECT i, (i * 7919) % 5003, date '2025-01-01' + i % 400 FROM generate_series(25001, 30000) i;
SELECT c.relname, a.amname, ixlearn_check(c.oid::regclass, true) AS check
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_am a ON a.oid = c.relam
 WHERE i.inhparent IN ('pt_t'::regclass, 'pt_k'::regclass) ORDER BY 1;
SELECT ixlearn_stats('pt_k');
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT t, k FROM pt WHERE t >= '2025-12-01' ORDER BY t, k LIMIT 5;
EXPLAIN (COSTS OFF) SELECT k, id FROM pt WHERE k < 10 ORDER BY k DESC LIMIT 5;
RESET enable_seqscan;
RESET enable_bitmapscan;
SELECT q, index_matches_seqscan(q, s) FROM (VALUES
  ('SELECT id FROM pt WHERE t BETWEEN ''2025-06-25'' AND ''2025-07-05'' ORDER BY id', 'Bitmap Index Scan'),
  ('SELECT id FROM pt WHERE k = 77 ORDER BY id', 'Bitmap Index Scan'),
  ('SELECT id FROM pt WHERE k = 77 AND t > ''2025-12-01'' ORDER BY id', 'Bitmap Index Scan'),
  ('SELECT t, k, id FROM pt WHERE t >= ''2025-12-01'' ORDER BY t, k, id LIMIT 500', 'Index Scan'),
  ('SELECT t, k FROM pt ORDER BY t DESC, k DESC LIMIT 50', 'Index Scan'),
  ('SELECT k FROM pt WHERE k < 10 ORDER BY k DESC LIMIT 25', 'Index Scan'),
  ('SELECT min(t), max(t), min(k), max(k) FROM pt', 'Index Scan'),
  ('SELECT count(*) FROM pt_3 WHERE t = ''2026-02-01''', 'Index Scan')) v(q, s);
DROP TABLE pt;

-- 11. REINDEX, REINDEX CONCURRENTLY, CREATE INDEX CONCURRENTLY, REINDEX
-- TABLE: each index built again has every row, a fresh model (version 1,
-- no splits) and gives the same answers.
CREATE TABLE rx (id int, k int8, v text) WITH (autovacuum_enabled = off);
INSERT INTO rx SELECT i, (random() * 100000)::int8, md5(i::text) FROM generate_series(1, 20000) i;
CREATE INDEX rx_k ON rx USING ixlearn (k) INCLUDE (v);
INSERT INTO rx SELECT i, (random() * 100000)::int8, md5(i::text) FROM generate_series(20001, 30000) i;
DELETE FROM rx WHERE id % 3 = 0;
SELECT splits_since_model > 0 AS splits FROM ixlearn_stats('rx_k');
REINDEX INDEX rx_k;
SELECT model_version, splits_since_model, model_leaves = leaves AS model_is_chain, entries = (SELECT count(*) FROM rx) AS all_entries
  FROM ixlearn_stats('rx_k');
SELECT ixlearn_check('rx_k', true);
INSERT INTO rx SELECT i, (random() * 100000)::int8, md5(i::text) FROM generate_series(30001, 40000) i;
REINDEX INDEX CONCURRENTLY rx_k;
SELECT model_version, splits_since_model, entries = (SELECT count(*) FROM rx) AS all_entries FROM ixlearn_stats('rx_k');
SELECT ixlearn_check('rx_k', true);
CREATE INDEX CONCURRENTLY rx_id ON rx USING ixlearn (id DESC) WITH (fillfactor = 70);
SELECT indisvalid, indisready FROM pg_index WHERE indexrelid = 'rx_id'::regclass;
SELECT ixlearn_check('rx_id', true);
REINDEX TABLE rx;
REINDEX TABLE CONCURRENTLY rx;
SELECT ixlearn_check('rx_k', true), ixlearn_check('rx_id', true);
SELECT * FROM differ('rx', '{0,500,50000,99999,100000}');
SELECT q, index_matches_seqscan(q, s) FROM (VALUES
  ('SELECT id FROM rx WHERE id BETWEEN 100 AND 200 ORDER BY id', 'Bitmap Index Scan'),
  ('SELECT id FROM rx WHERE id > 39000 ORDER BY id DESC LIMIT 10', 'Index Scan'),
  ('SELECT k, v, id FROM rx WHERE k < 100 ORDER BY k, id', 'Index Scan')) v(q, s);

-- 12. TRUNCATE: an empty index again (one leaf), then filled again.
TRUNCATE rx;
SELECT leaves, entries, splits_since_model FROM ixlearn_stats('rx_k');
SELECT ixlearn_check('rx_k', true);
INSERT INTO rx SELECT i, i % 1000, md5(i::text) FROM generate_series(1, 20000) i;
SELECT * FROM shape('rx_k');
SELECT ixlearn_check('rx_k'), ixlearn_check('rx_id');
VACUUM rx;
SELECT * FROM shape('rx_k');
SELECT ixlearn_check('rx_k', true), ixlearn_check('rx_id', true);
SELECT * FROM differ('rx', '{0,500,999,1000}');
-- TRUNCATE in a transaction that rolls back: the old index is back.
BEGIN;
TRUNCATE rx;
INSERT INTO rx VALUES (1, 1, 'x');
ROLLBACK;
SELECT count(*) FROM rx;
SELECT ixlearn_check('rx_k', true);

-- 13. INCLUDE values near and over the size limit (half a leaf: two
-- entries must fit in a leaf).  The values are hex (incompressible).  A
-- value under the limit is accepted (built, inserted, split around); one
-- over it gives an error naming the limit and leaves the index as it was,
-- wherever its key would go (among other keys, into an empty index, as
-- the new largest key at the right end); over PostgreSQL's limit for an
-- index row, PostgreSQL's error.
CREATE FUNCTION hex(n int, seed int) RETURNS text LANGUAGE sql AS $$
  SELECT left(string_agg(md5((seed * 1000 + g)::text), ''), n) FROM generate_series(1, n / 32 + 1) g $$;
CREATE TABLE big (id int, k int, t text) WITH (autovacuum_enabled = off);
INSERT INTO big SELECT i, i % 5, hex(3000 + i * 25, i) FROM generate_series(1, 30) i;
CREATE INDEX big_k ON big USING ixlearn (k) INCLUDE (t);
SELECT * FROM shape('big_k');
INSERT INTO big SELECT 100 + i, i % 5, hex(3800, 100 + i) FROM generate_series(1, 10) i;
SELECT ixlearn_check('big_k', true);
-- over the limit, among other keys (the same error into any leaf)
INSERT INTO big VALUES (200, 2, hex(3900, 200));
INSERT INTO big VALUES (201, -1, hex(8100, 201));
-- over the index row limit
INSERT INTO big VALUES (203, 2, hex(9000, 203));
SELECT count(*), max(length(t)) FROM big;
SELECT ixlearn_check('big_k', true);
DELETE FROM big WHERE id % 4 = 0;
VACUUM big;
SELECT * FROM shape('big_k');
SELECT ixlearn_check('big_k', true);
SELECT q, index_matches_seqscan(q, s) FROM (VALUES
  ('SELECT k, md5(t) FROM big ORDER BY k, md5(t)', 'Index Only Scan'),
  ('SELECT k, id, length(t) FROM big WHERE k = 2 ORDER BY k, id', 'Index Scan'),
  ('SELECT id FROM big WHERE k >= 3 ORDER BY id', 'Bitmap Index Scan')) v(q, s);
-- The same rows in new indexes (the build path, fillfactor 10 and 100).
CREATE INDEX big_k10 ON big USING ixlearn (k DESC) INCLUDE (t) WITH (fillfactor = 10);
CREATE INDEX big_k100 ON big USING ixlearn (k) INCLUDE (t) WITH (fillfactor = 100);
SELECT ixlearn_check('big_k10', true), ixlearn_check('big_k100', true);
SELECT (SELECT leaves FROM ixlearn_stats('big_k10')) >= (SELECT leaves FROM ixlearn_stats('big_k100')) AS ff10_not_fewer_leaves;
-- A row over the limit at CREATE INDEX: the build fails.
INSERT INTO big VALUES (300, 3, hex(3900, 300));
DROP INDEX big_k, big_k10, big_k100;
INSERT INTO big VALUES (300, 3, hex(3900, 300));
CREATE INDEX big_k ON big USING ixlearn (k) INCLUDE (t);
-- Over the limit into an empty index, and as the new largest key (the
-- rightmost leaf): the same error, the index intact.
CREATE TABLE big2 (id int, k int, t text) WITH (autovacuum_enabled = off);
CREATE INDEX big2_k ON big2 USING ixlearn (k) INCLUDE (t);
INSERT INTO big2 VALUES (1, 5, hex(3900, 1));
INSERT INTO big2 VALUES (2, 1, 'x');
INSERT INTO big2 VALUES (3, 9, hex(3900, 3));
INSERT INTO big2 VALUES (4, 9, hex(8100, 4));
INSERT INTO big2 VALUES (5, 9, hex(3800, 5)), (6, 10, hex(3800, 6)), (7, 11, hex(3800, 7));
SELECT count(*) FROM big2;
SELECT ixlearn_check('big2_k', true);
SET enable_seqscan = off;
SELECT id, k, length(t) FROM big2 WHERE k >= 0 ORDER BY k;
RESET enable_seqscan;

-- 14. Inserts go to a leaf's pending area (uncoded, up to 64 entries;
-- then the leaf is coded again): scans of every kind see pending entries
-- in order, among the coded ones, in both directions, with their values
-- (-0, NULL, INCLUDE) in index-only scans; VACUUM codes them in.
CREATE TABLE pend (id int, f float8, n int8, note text) WITH (autovacuum_enabled = off);
INSERT INTO pend SELECT i, (i % 500) / 4.0, CASE WHEN i % 9 <> 0 THEN i / 10 END, 'c' || i FROM generate_series(1, 20000) i;
CREATE INDEX pend_f ON pend USING ixlearn (f) INCLUDE (note, id);
CREATE INDEX pend_nf ON pend USING ixlearn (n DESC NULLS LAST, f) INCLUDE (note);
-- a few rows per leaf: below 64 per leaf, they all stay pending
INSERT INTO pend SELECT 20000 + i, CASE i % 5 WHEN 0 THEN '-0' WHEN 1 THEN 'NaN' WHEN 2 THEN NULL ELSE (i % 500) / 4.0 + 0.125 END,
       CASE WHEN i % 3 <> 0 THEN i * 7 % 2000 END, 'p' || i FROM generate_series(1, 400) i;
VACUUM (INDEX_CLEANUP OFF) pend;
SELECT entries = (SELECT count(*) FROM pend) AS entries_counted FROM ixlearn_stats('pend_f');
SELECT ixlearn_check('pend_f', true), ixlearn_check('pend_nf', true);
SELECT q, index_matches_seqscan(q, s) FROM (VALUES
  ('SELECT id FROM pend WHERE f = 0 ORDER BY id', 'Bitmap Index Scan'),
  ('SELECT id FROM pend WHERE f > 124.5 ORDER BY id', 'Bitmap Index Scan'),
  ('SELECT id FROM pend WHERE f IS NULL ORDER BY id', 'Bitmap Index Scan'),
  ('SELECT f::text AS v, note, id FROM pend WHERE f = 0 ORDER BY pend.f, id', 'Index Only Scan'),
  ('SELECT f::text AS v, note, id FROM pend WHERE f BETWEEN 10 AND 11 ORDER BY pend.f, id', 'Index Only Scan'),
  ('SELECT f::text AS v, note, id FROM pend WHERE f >= 124 OR f IS NULL ORDER BY pend.f, id', 'Index Only Scan'),
  ('SELECT f, id FROM pend WHERE f BETWEEN 10 AND 11 ORDER BY f, id', 'Index Scan'),
  ('SELECT f, id FROM pend WHERE f BETWEEN 10 AND 11 ORDER BY f DESC, id DESC', 'Index Scan'),
  ('SELECT f, id FROM pend ORDER BY f DESC, id DESC LIMIT 300', 'Index Scan'),
  ('SELECT f, id FROM pend WHERE f = ANY(''{0.125,7.125,NaN,-0}'') ORDER BY f, id', 'Index Scan'),
  ('SELECT n, f, id FROM pend WHERE n < 50 ORDER BY n DESC NULLS LAST, f, id', 'Index Scan'),
  ('SELECT n, f, id FROM pend WHERE n IS NULL ORDER BY n NULLS FIRST, f DESC, id DESC LIMIT 100', 'Index Scan'),
  ('SELECT n, f::text, note FROM pend WHERE n BETWEEN 100 AND 110 ORDER BY pend.n DESC, pend.f, note', 'Index Only Scan'),
  ('SELECT min(f), max(f), min(n), max(n) FROM pend', 'Index Scan')) v(q, s);
-- Past 64 inserts into the same leaf the leaf is coded again.
INSERT INTO pend SELECT 30000 + i, 60 + (i % 7) / 8.0, i, 'q' || i FROM generate_series(1, 300) i;
SELECT ixlearn_check('pend_f', true), ixlearn_check('pend_nf', true);
SELECT q, index_matches_seqscan(q, s) FROM (VALUES
  ('SELECT f, id FROM pend WHERE f BETWEEN 59.5 AND 61 ORDER BY f, id', 'Index Scan'),
  ('SELECT f, id FROM pend WHERE f BETWEEN 59.5 AND 61 ORDER BY f DESC, id DESC', 'Index Scan'),
  ('SELECT f::text AS v, note, id FROM pend WHERE f BETWEEN 59.5 AND 61 ORDER BY pend.f, id', 'Index Only Scan')) v(q, s);
DELETE FROM pend WHERE id % 3 = 0;
VACUUM pend;
SELECT * FROM shape('pend_f');
SELECT ixlearn_check('pend_f', true), ixlearn_check('pend_nf', true);
SELECT q, index_matches_seqscan(q, s) FROM (VALUES
  ('SELECT f::text AS v, note, id FROM pend WHERE f = 0 ORDER BY pend.f, id', 'Index Only Scan'),
  ('SELECT f, id FROM pend WHERE f > 124 ORDER BY f DESC, id DESC', 'Index Scan'),
  ('SELECT n, f, id FROM pend WHERE n < 50 ORDER BY n DESC NULLS LAST, f, id', 'Index Scan')) v(q, s);

-- 14b. Keys inserted in order (a serial) are coded onto the end of the
-- leaf they reach, so the leaves they fill keep no pending entries
-- (ixstat.index_stats counts them); keys out of order still go to the
-- pending area. Either way, scans return what a seq scan returns.
CREATE EXTENSION IF NOT EXISTS ixstat;
CREATE TABLE serial_keys (k int8, pad text) WITH (autovacuum_enabled = off);
CREATE INDEX serial_keys_k ON serial_keys USING ixlearn (k);
INSERT INTO serial_keys SELECT i, repeat('x', i % 50) FROM generate_series(1, 30000) i;
SELECT leaf_pages > 1 AS several_leaves, detail ->> 'pending_entries' AS pending_entries
  FROM ixstat.index_stats('serial_keys_k');
INSERT INTO serial_keys SELECT i * 7 % 30000, 'y' FROM generate_series(1, 300) i;
SELECT (detail ->> 'pending_entries')::int > 0 AS out_of_order_pending FROM ixstat.index_stats('serial_keys_k');
SELECT ixlearn_check('serial_keys_k', true);
SELECT q, index_matches_seqscan(q, s) FROM (VALUES
  ('SELECT k, pad FROM serial_keys WHERE k > 29000 ORDER BY k, pad', 'Index Scan'),
  ('SELECT k FROM serial_keys WHERE k BETWEEN 100 AND 2000 ORDER BY k DESC', 'Index Scan')) v(q, s);
-- Keys with gaps, every fifth one late (as concurrent inserts of a serial
-- arrive): the late key takes the last coded entries above it off the
-- lanes and is appended with them, and a split at the right end keeps the
-- left leaf full, so the index has no more leaves than the same keys
-- inserted in order.
CREATE TABLE late_keys (k int8) WITH (autovacuum_enabled = off);
CREATE INDEX late_keys_k ON late_keys USING ixlearn (k);
INSERT INTO late_keys SELECT i * 1000 + (hashint4(i) & 1023) FROM generate_series(1, 20000) i
  ORDER BY i + CASE WHEN i % 5 = 0 THEN 1.5 ELSE 0 END;
CREATE TABLE sorted_keys (k int8) WITH (autovacuum_enabled = off);
CREATE INDEX sorted_keys_k ON sorted_keys USING ixlearn (k);
INSERT INTO sorted_keys SELECT k FROM late_keys ORDER BY k;
SELECT l.leaves <= s.leaves AS no_more_leaves, l.leaf_fill > 80 AS full
  FROM ixlearn_stats('late_keys_k') l, ixlearn_stats('sorted_keys_k') s;
SELECT ixlearn_check('late_keys_k', true);
SELECT q, index_matches_seqscan(q, s) FROM (VALUES
  ('SELECT k FROM late_keys WHERE k > 19000000 ORDER BY k', 'Index Scan'),
  ('SELECT k FROM late_keys WHERE k < 3000000 ORDER BY k DESC', 'Index Scan')) v(q, s);

-- 15. Permissions: ixlearn_stats and ixlearn_check are for superusers and
-- pg_stat_scan_tables, ixlearn_retrain for the table's owner.
CREATE ROLE regress_ixl_user;
GRANT USAGE ON SCHEMA ixl_dml TO regress_ixl_user;
GRANT SELECT ON d TO regress_ixl_user;
SET ROLE regress_ixl_user;
SELECT leaves > 0 FROM ixlearn_stats('d_k');
SELECT ixlearn_check('d_k');
SELECT ixlearn_retrain('d_k');
RESET ROLE;
GRANT pg_stat_scan_tables TO regress_ixl_user;
SET ROLE regress_ixl_user;
SELECT leaves > 0 FROM ixlearn_stats('d_k');
SELECT ixlearn_check('d_k');
SELECT ixlearn_retrain('d_k');
RESET ROLE;
ALTER TABLE d OWNER TO regress_ixl_user;
SET ROLE regress_ixl_user;
SELECT ixlearn_retrain('d_k');
RESET ROLE;
ALTER TABLE d OWNER TO CURRENT_USER;

SET client_min_messages = warning;
DROP SCHEMA ixl_dml CASCADE;
DROP ROLE regress_ixl_user;
RESET client_min_messages;
