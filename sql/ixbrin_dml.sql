-- ixbrin under DML: never stale (rows in new ranges are summarized by the
-- insert itself), tightened by VACUUM (after DELETE + VACUUM every minmax
-- bound is exactly that of the live rows, as ixbrin_check proves against
-- the heap), the maintenance functions, and BRIN side by side where the
-- difference shows.  Every query is also compared with a sequential scan.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ixbrin;
CREATE EXTENSION IF NOT EXISTS ixpack_test;
RESET client_min_messages;

SET jit = off;
CREATE SCHEMA ixr_dml;
SET search_path = ixr_dml, ixpack_test, public;

-- The heap pages a bitmap scan read (lossy and exact).
CREATE FUNCTION heap_blocks(q text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  j json;
  n bigint := 0;
  node json;
BEGIN
  PERFORM set_config('enable_seqscan', 'off', true);
  PERFORM set_config('enable_indexscan', 'off', true);
  EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, FORMAT JSON) ' || q INTO j;
  PERFORM set_config('enable_seqscan', 'on', true);
  PERFORM set_config('enable_indexscan', 'on', true);
  node := j -> 0 -> 'Plan';
  WHILE node IS NOT NULL LOOP
    IF node ->> 'Node Type' = 'Bitmap Heap Scan' THEN
      RETURN coalesce((node ->> 'Lossy Heap Blocks')::bigint, 0) + coalesce((node ->> 'Exact Heap Blocks')::bigint, 0);
    END IF;
    node := node -> 'Plans' -> 0;
  END LOOP;
  RETURN NULL;
END $$;

-- Events in time order; the same table with a BRIN index and one with an
-- ixbrin index, both at 8 pages per range.
CREATE TABLE ev_brin (id int, t int, v int) WITH (autovacuum_enabled = off);
CREATE TABLE ev (id int, t int, v int) WITH (autovacuum_enabled = off);
-- (One outlier, t = 1000000, among the first rows.)
INSERT INTO ev_brin SELECT CASE WHEN i = 5000 THEN -5000 ELSE i END, CASE WHEN i = 5000 THEN 1000000 ELSE i END, i % 1000
  FROM generate_series(1, 20000) i;
INSERT INTO ev SELECT CASE WHEN i = 5000 THEN -5000 ELSE i END, CASE WHEN i = 5000 THEN 1000000 ELSE i END, i % 1000
  FROM generate_series(1, 20000) i;
CREATE INDEX ev_brin_t ON ev_brin USING brin (t) WITH (pages_per_range = 8);
CREATE INDEX ev_t ON ev USING ixbrin (t) WITH (pages_per_range = 8);
SELECT pg_relation_size('ev') / 8192 AS heap_pages;

-- 20000 more rows, no VACUUM: BRIN leaves the new ranges unsummarized and
-- reads them all for a query on the newest rows; ixbrin summarized each
-- range as its first row arrived.
INSERT INTO ev_brin SELECT i, i, i % 1000 FROM generate_series(20001, 40000) i;
INSERT INTO ev SELECT i, i, i % 1000 FROM generate_series(20001, 40000) i;
SELECT count(*) AS ranges, count(*) FILTER (WHERE state = 'summarized') AS summarized FROM ixbrin_ranges('ev_t');
SELECT heap_blocks('SELECT * FROM ev_brin WHERE t BETWEEN 39900 AND 39950') AS brin_blocks,
       heap_blocks('SELECT * FROM ev WHERE t BETWEEN 39900 AND 39950') AS ixbrin_blocks;
SELECT index_matches_seqscan('SELECT id FROM ev WHERE t BETWEEN 39900 AND 39950 ORDER BY id');
SELECT * FROM ixbrin_check('ev_t');
-- (VACUUM summarizes BRIN's new ranges.)
VACUUM ev_brin;
VACUUM ev;

-- The outlier widens its range; deleted, and after VACUUM, the range is
-- exactly its live rows again (BRIN's stays wide).
SELECT (SELECT ctid FROM ev WHERE id = -5000) AS outlier_at;
SELECT heap_blocks('SELECT * FROM ev_brin WHERE t BETWEEN 500000 AND 600000') AS brin_blocks,
       heap_blocks('SELECT * FROM ev WHERE t BETWEEN 500000 AND 600000') AS ixbrin_blocks;
DELETE FROM ev_brin WHERE id = -5000;
DELETE FROM ev WHERE id = -5000;
-- Before VACUUM the summary covers the dead row: wider, never narrower.
SELECT problem, count(*) FROM ixbrin_check('ev_t') GROUP BY problem ORDER BY problem;
-- (One dead row on one page: a plain VACUUM would bypass index vacuuming,
-- as PostgreSQL does below 2% of pages with dead rows, and leave the row
-- to a later VACUUM; INDEX_CLEANUP ON makes this one vacuum the indexes.)
VACUUM (INDEX_CLEANUP ON) ev_brin;
VACUUM (INDEX_CLEANUP ON) ev;
SELECT * FROM ixbrin_check('ev_t');
SELECT heap_blocks('SELECT * FROM ev_brin WHERE t BETWEEN 500000 AND 600000') AS brin_blocks,
       heap_blocks('SELECT * FROM ev WHERE t BETWEEN 500000 AND 600000') AS ixbrin_blocks;

-- The oldest 25% deleted: VACUUM empties their ranges' summaries.
DELETE FROM ev WHERE t <= 10000;
VACUUM ev;
SELECT * FROM ixbrin_check('ev_t');
SELECT count(*) FILTER (WHERE summaries = '{"no values"}') AS emptied, count(*) AS ranges FROM ixbrin_ranges('ev_t');
SELECT heap_blocks('SELECT * FROM ev WHERE t BETWEEN 1 AND 10000') AS blocks_for_deleted_rows;
SELECT index_matches_seqscan('SELECT id FROM ev WHERE t BETWEEN 9000 AND 11000 ORDER BY id');
-- New rows reuse the freed space, in descending key order: those ranges
-- are no longer in order, and still exact.
INSERT INTO ev SELECT i, 400000 - i, 0 FROM generate_series(100001, 101000) i;
SELECT count(*) FILTER (WHERE NOT in_order) > 0 AS some_ranges_out_of_order FROM ixbrin_ranges('ev_t');
SELECT * FROM ixbrin_check('ev_t') WHERE problem <> 'bounds not exact';
SELECT index_matches_seqscan('SELECT id FROM ev WHERE t BETWEEN 299100 AND 299200 ORDER BY id');
SELECT index_matches_seqscan('SELECT id, t FROM ev ORDER BY t DESC LIMIT 20', 'Index Scan');

-- Rolled-back inserts: their values stay in the summaries (as in any
-- index) until VACUUM removes them.
BEGIN;
INSERT INTO ev SELECT i, -i, 0 FROM generate_series(1, 500) i;
ROLLBACK;
SELECT problem, count(*) FROM ixbrin_check('ev_t') GROUP BY problem ORDER BY problem;
SELECT index_matches_seqscan('SELECT id FROM ev WHERE t < 0 ORDER BY id');
VACUUM ev;
SELECT * FROM ixbrin_check('ev_t');

-- Rounds of random DML and VACUUM over several columns and types;
-- after each VACUUM every summary is exact.
SELECT setseed(0.25);
CREATE TABLE churn (id int, a int, b text, c timestamptz, d numeric) WITH (autovacuum_enabled = off, fillfactor = 80);
INSERT INTO churn SELECT i, (random() * 1000)::int, md5(i::text), '2026-01-01'::timestamptz + i * interval '1 s',
                         round((random() * 100)::numeric, 2)
  FROM generate_series(1, 8000) i;
CREATE INDEX churn_abcd ON churn USING ixbrin (a, b, c, d) WITH (pages_per_range = 4);
CREATE FUNCTION churn_round(n int) RETURNS TABLE (problems bigint, uncovered bigint, mismatches int) LANGUAGE plpgsql AS $$
DECLARE
  q text;
  r text;
BEGIN
  DELETE FROM churn WHERE random() < 0.1;
  UPDATE churn SET a = (random() * 1000)::int, d = d + 1 WHERE random() < 0.1;
  UPDATE churn SET b = 'u' || b WHERE random() < 0.05;
  INSERT INTO churn SELECT 100000 * n + i, (random() * 2000)::int, md5((n * i)::text), now(), NULL
    FROM generate_series(1, 800) i;
  SELECT count(*) INTO uncovered FROM ixbrin_check('churn_abcd') WHERE problem <> 'bounds not exact';
  mismatches := 0;
  FOREACH q IN ARRAY ARRAY['SELECT id FROM churn WHERE a BETWEEN 100 AND 120 ORDER BY id',
                           'SELECT id FROM churn WHERE a > 1500 ORDER BY id',
                           $x$SELECT id FROM churn WHERE b LIKE 'u%' AND b < 'u3' ORDER BY id$x$,
                           $x$SELECT id FROM churn WHERE c > '2026-01-01 01:00' AND c < '2026-01-01 01:10' ORDER BY id$x$,
                           'SELECT id FROM churn WHERE d IS NULL ORDER BY id',
                           'SELECT id FROM churn WHERE d = 50.5 ORDER BY id'] LOOP
    r := index_matches_seqscan(q);
    IF r NOT LIKE 'same (%' THEN mismatches := mismatches + 1; END IF;
  END LOOP;
  RETURN QUERY SELECT NULL::bigint, uncovered, mismatches;
END $$;
SELECT * FROM churn_round(1);
SELECT * FROM churn_round(2);
VACUUM churn;
SELECT count(*) AS problems_after_vacuum FROM ixbrin_check('churn_abcd');
SELECT * FROM churn_round(3);
VACUUM churn;
SELECT count(*) AS problems_after_vacuum FROM ixbrin_check('churn_abcd');

-- The maintenance functions, as BRIN's.
SELECT ixbrin_desummarize_range('ev_t', 0);
SELECT range, state FROM ixbrin_ranges('ev_t') WHERE range < 2 ORDER BY range;
-- A desummarized range is read whole, and rows inserted into it are found.
INSERT INTO ev VALUES (-5, -5, 0);
SELECT count(*) FROM ixbrin_ranges('ev_t') WHERE state = 'desummarized';
SELECT index_matches_seqscan('SELECT id FROM ev WHERE t = -5 ORDER BY id');
SELECT index_matches_seqscan('SELECT id, t FROM ev ORDER BY t LIMIT 5', 'Index Scan');
SELECT ixbrin_summarize_new_values('ev_t');
SELECT ixbrin_summarize_new_values('ev_t');
SELECT * FROM ixbrin_check('ev_t') WHERE problem <> 'bounds not exact';
SELECT ixbrin_desummarize_range('ev_t', 8);
SELECT ixbrin_summarize_range('ev_t', 8);
SELECT ixbrin_summarize_range('ev_t', 4294967295);
SELECT ixbrin_desummarize_range('ev_t', 100000000);
VACUUM ev;
SELECT count(*) FROM ixbrin_ranges('ev_t') WHERE state <> 'summarized';
SELECT * FROM ixbrin_check('ev_t');
-- Errors.
SELECT ixbrin_summarize_range('ev_t', -1);
SELECT ixbrin_summarize_range('ev_t', 4294967296);
SELECT ixbrin_desummarize_range('ev_t', -1);
SELECT ixbrin_summarize_new_values('ev');
SELECT ixbrin_summarize_new_values('ev_brin_t');
SELECT ixbrin_ranges('ev_brin_t');
SELECT ixbrin_check('ev');
CREATE ROLE ixr_dml_other;
GRANT USAGE ON SCHEMA ixr_dml TO ixr_dml_other;
SET ROLE ixr_dml_other;
SELECT ixbrin_summarize_new_values('ev_t');
SELECT ixbrin_desummarize_range('ev_t', 0);
SELECT count(*) FROM ixbrin_ranges('ev_t');
RESET ROLE;
GRANT pg_stat_scan_tables TO ixr_dml_other;
SET ROLE ixr_dml_other;
SELECT count(*) > 0 AS can_inspect FROM ixbrin_ranges('ev_t');
RESET ROLE;

-- TRUNCATE empties the index; rows after it are summarized again.
TRUNCATE ev;
SELECT count(*) FROM ixbrin_ranges('ev_t');
INSERT INTO ev SELECT i, i, 0 FROM generate_series(1, 3000) i;
SELECT count(*) AS ranges, count(*) FILTER (WHERE state = 'summarized') AS summarized FROM ixbrin_ranges('ev_t');
SELECT * FROM ixbrin_check('ev_t');
SELECT index_matches_seqscan('SELECT id FROM ev WHERE t BETWEEN 100 AND 200 ORDER BY id');

-- Memory: an INSERT of many rows must not keep each row's work (decoded
-- summaries, bloom bitmaps) until it ends.  A statement-level trigger
-- measures the backend's memory while the INSERT's executor state is
-- still alive: 200,000 rows take about what 20,000 do.
CREATE TABLE mem (ts timestamptz, dev int) WITH (autovacuum_enabled = off);
CREATE INDEX mem_ts_dev ON mem USING ixbrin (ts, dev int4_bloom_ops) WITH (pages_per_range = 4);
CREATE INDEX mem_dev ON mem USING ixbrin (dev int4_minmax_multi_ops);
CREATE TABLE mem_seen (rows int, bytes bigint);
CREATE FUNCTION mem_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO mem_seen SELECT count(*), (SELECT sum(total_bytes) FROM pg_backend_memory_contexts) FROM new_rows;
  RETURN NULL;
END $$;
CREATE TRIGGER mem_note AFTER INSERT ON mem REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mem_note();
INSERT INTO mem SELECT '2026-01-01'::timestamptz + i * interval '1 s', i % 997 FROM generate_series(1, 20000) i;
INSERT INTO mem SELECT '2026-01-02'::timestamptz + i * interval '1 s', i % 997 FROM generate_series(1, 200000) i;
SELECT max(bytes) FILTER (WHERE rows = 200000) < 2 * max(bytes) FILTER (WHERE rows = 20000) + 4000000 AS memory_stays_flat
  FROM mem_seen;
DROP TABLE mem;

-- A predicate index: a row updated into the predicate is indexed (the
-- update is not HOT: the predicate's column changed).
CREATE TABLE pred (a int, b int);
INSERT INTO pred VALUES (1, 100);
CREATE INDEX pred_b ON pred USING ixbrin (b) WHERE a = 2;
UPDATE pred SET a = 2;
SELECT index_matches_seqscan('SELECT a, b FROM pred WHERE a = 2 AND b = 100 ORDER BY a');

-- Long values are stored detoasted: compressed (a) and out-of-line (b)
-- heap values, read by CREATE INDEX, by VACUUM's re-summarization and by
-- inserts.
CREATE TABLE toasty (id int, a text, b text);
INSERT INTO toasty
SELECT i, repeat(chr(65 + i), 3000), (SELECT string_agg(md5((i * 100 + j)::text), '') FROM generate_series(1, 100) j)
  FROM generate_series(1, 6) i;
SELECT count(*) FILTER (WHERE pg_column_compression(a) IS NOT NULL) AS a_compressed,
       (SELECT pg_relation_size(reltoastrelid) > 0 FROM pg_class WHERE oid = 'toasty'::regclass) AS b_out_of_line
  FROM toasty;
CREATE INDEX toasty_a ON toasty USING ixbrin (a);
CREATE INDEX toasty_b ON toasty USING ixbrin (b);
SELECT left(summaries[1], 12) AS a_summary FROM ixbrin_ranges('toasty_a');
SELECT left(summaries[1], 12) AS b_summary FROM ixbrin_ranges('toasty_b');
SELECT index_matches_seqscan($$SELECT id FROM toasty WHERE a > 'D' ORDER BY id$$);
SELECT index_matches_seqscan($$SELECT id FROM toasty WHERE b > '8' ORDER BY id$$);
SELECT index_matches_seqscan($$SELECT id FROM toasty WHERE b < '3' ORDER BY id$$);
SELECT index_matches_seqscan($$SELECT id, left(b, 8) FROM toasty ORDER BY b DESC$$, 'Index Scan');
DELETE FROM toasty WHERE id IN (1, 6);
VACUUM (INDEX_CLEANUP ON) toasty;
SELECT * FROM ixbrin_check('toasty_a');
SELECT * FROM ixbrin_check('toasty_b');
INSERT INTO toasty SELECT 7, repeat('Z', 3000), (SELECT string_agg(md5((-j)::text), '') FROM generate_series(1, 100) j);
SELECT index_matches_seqscan($$SELECT id FROM toasty WHERE a >= 'Z' ORDER BY id$$);
SELECT index_matches_seqscan($$SELECT id FROM toasty WHERE b > '0' ORDER BY id$$);
-- A summary that cannot fit a page is an error, with what to do about it.
CREATE INDEX toasty_ab ON toasty USING ixbrin (a, b);
INSERT INTO toasty VALUES (8, repeat('z', 5000), 'short');

SET client_min_messages = warning;
DROP SCHEMA ixr_dml CASCADE;
DROP ROLE ixr_dml_other;
RESET client_min_messages;
