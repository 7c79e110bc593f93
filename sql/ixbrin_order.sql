-- ixbrin ordered scans: ORDER BY [ASC|DESC] [NULLS FIRST|LAST] [LIMIT],
-- with and without WHERE, multi-column orders, DESC index columns, cursors
-- that move backward, min/max, merge joins (mark and restore), HOT chains,
-- expression and partial indexes, and data that is not in order (the queue
-- spills to a sort past work_mem).  Every query is compared with a
-- sequential scan and a sort, row for row and in order.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ixbrin;
CREATE EXTENSION IF NOT EXISTS ixpack_test;
RESET client_min_messages;

SET jit = off;
CREATE SCHEMA ixr_ord;
SET search_path = ixr_ord, ixpack_test, public;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';

-- The buffers a query's plan touched (shared hits and reads, planning left
-- out): deterministic for a given table layout.
CREATE FUNCTION plan_buffers(q text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  j json;
BEGIN
  EXECUTE 'EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF, FORMAT JSON) ' || q INTO j;
  RETURN (j -> 0 -> 'Plan' ->> 'Shared Hit Blocks')::bigint + (j -> 0 -> 'Plan' ->> 'Shared Read Blocks')::bigint;
END $$;
-- The plan's node types, outermost first.
CREATE FUNCTION plan_nodes(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  line text;
  nodes text := '';
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
    IF line ~ '^\s*(->\s*)?[A-Z]' AND line !~ '^\s*(Index Cond|Filter|Sort Key|Presorted Key|Recheck Cond|Merge Cond|Hash Cond|Join Filter|Heap Blocks|Order By|InitPlan|SubPlan)' THEN
      nodes := nodes || CASE WHEN nodes = '' THEN '' ELSE ' / ' END
                     || regexp_replace(regexp_replace(line, '^\s*(->\s*)?', ''), '\s+(on|using)\s.*$', '');
    END IF;
  END LOOP;
  RETURN nodes;
END $$;

-- A time series in insertion order: ts rises by one minute per row, with
-- a few seconds of jitter; device is weakly correlated; some NULL values.
CREATE TABLE ts (id int, t timestamptz, device int, v float8) WITH (autovacuum_enabled = off);
INSERT INTO ts
SELECT i, timestamptz '2026-01-01 00:00+00' + i * interval '1 minute' + (i * 7 % 11) * interval '1 second',
       i / 500 % 20 + i % 3, CASE WHEN i % 97 <> 0 THEN (i * 7919 % 10007) / 10.0 END
  FROM generate_series(1, 50000) i;
CREATE INDEX ts_t ON ts USING ixbrin (t) WITH (pages_per_range = 16);
VACUUM ANALYZE ts;
SELECT pg_relation_size('ts') / 8192 AS heap_pages, count(*) AS ranges,
       count(*) FILTER (WHERE in_order) AS ranges_in_order
  FROM ixbrin_ranges('ts_t');

-- Chosen by the planner with default settings; a few buffers; the same
-- rows as a sort of the whole table.
SELECT plan_nodes('SELECT * FROM ts ORDER BY t DESC LIMIT 10');
SELECT plan_nodes('SELECT * FROM ts ORDER BY t LIMIT 10');
SELECT plan_nodes('SELECT max(t) FROM ts');
SELECT plan_nodes('SELECT min(t) FROM ts');
SELECT plan_buffers('SELECT * FROM ts ORDER BY t DESC LIMIT 10') <= 8 AS desc_limit_few_buffers,
       plan_buffers('SELECT * FROM ts ORDER BY t LIMIT 10') <= 8 AS asc_limit_few_buffers,
       plan_buffers('SELECT max(t) FROM ts') <= 8 AS max_few_buffers;
SELECT index_matches_seqscan('SELECT * FROM ts ORDER BY t DESC LIMIT 10', 'Index Scan');
SELECT index_matches_seqscan('SELECT * FROM ts ORDER BY t LIMIT 10', 'Index Scan');
SELECT index_matches_seqscan('SELECT max(t), min(t) FROM ts', 'Index Scan');
SELECT index_matches_seqscan('SELECT id, t FROM ts ORDER BY t', 'Index Scan');
SELECT index_matches_seqscan('SELECT id, t FROM ts ORDER BY t DESC', 'Index Scan');
-- With WHERE on the ordered column, and on another column (filtered rows).
SELECT index_matches_seqscan($$SELECT id, t FROM ts WHERE t < '2026-01-10' ORDER BY t DESC LIMIT 30$$, 'Index Scan');
SELECT index_matches_seqscan($$SELECT id, t FROM ts WHERE t >= '2026-01-10' ORDER BY t LIMIT 30$$, 'Index Scan');
SELECT index_matches_seqscan($$SELECT id, t FROM ts WHERE t BETWEEN '2026-01-10' AND '2026-01-11' ORDER BY t DESC$$, 'Index Scan');
SELECT index_matches_seqscan($$SELECT id, t FROM ts WHERE t > '2027-01-01' ORDER BY t$$, 'Index Scan');
SELECT index_matches_seqscan($$SELECT id, t FROM ts WHERE device = 7 ORDER BY t DESC LIMIT 20$$, 'Index Scan');
-- A bound on the ordered column inside a range in key order: a binary
-- search finds its first page (strict, inclusive, cross-type bounds).
SELECT index_matches_seqscan($$SELECT id, t FROM ts WHERE t > '2026-01-20 10:00' ORDER BY t LIMIT 7$$, 'Index Scan');
SELECT index_matches_seqscan($$SELECT id, t FROM ts WHERE t >= '2026-01-20'::date ORDER BY t LIMIT 7$$, 'Index Scan');
SELECT index_matches_seqscan($$SELECT id, t FROM ts WHERE t >= '2026-01-06' AND t < '2026-01-06 00:05' ORDER BY t DESC$$, 'Index Scan');
SELECT index_matches_seqscan($$SELECT id, t FROM ts WHERE t <= '2026-01-06 00:05' ORDER BY t DESC LIMIT 3$$, 'Index Scan');
SELECT plan_buffers($$SELECT * FROM ts WHERE t < '2026-01-10' ORDER BY t DESC LIMIT 10$$) <= 20 AS bounded_desc_few_buffers,
       plan_buffers($$SELECT * FROM ts WHERE t > '2026-01-20' ORDER BY t LIMIT 10$$) <= 20 AS bounded_asc_few_buffers;

-- Jitter: a row may be up to 30 s older than the rows just before it (a
-- page holds about 2 minutes).  Neighbouring pages interleave, which a
-- range in order allows: every range stays in order, and the LIMIT
-- queries still read a few pages.
CREATE TABLE jit (id int, t timestamptz) WITH (autovacuum_enabled = off);
INSERT INTO jit SELECT i, '2026-01-01'::timestamptz + i * interval '1 s' - (hashint4(i) & 31) * interval '1 s'
  FROM generate_series(1, 30000) i;
CREATE INDEX jit_t ON jit USING ixbrin (t) WITH (pages_per_range = 32);
SELECT count(*) AS ranges, count(*) FILTER (WHERE in_order) AS in_order FROM ixbrin_ranges('jit_t');
SELECT count(*) > 0 AS rows_out_of_heap_order
  FROM (SELECT t < max(t) OVER (ORDER BY ctid ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS late FROM jit) s WHERE late;
SELECT index_matches_seqscan('SELECT t FROM jit ORDER BY t DESC LIMIT 50', 'Index Scan');
SELECT index_matches_seqscan('SELECT t FROM jit ORDER BY t', 'Index Scan');
SELECT index_matches_seqscan($$SELECT t FROM jit WHERE t > '2026-01-01 03:00' ORDER BY t LIMIT 50$$, 'Index Scan');
SELECT index_matches_seqscan($$SELECT t FROM jit WHERE t < '2026-01-01 05:00' ORDER BY t DESC LIMIT 50$$, 'Index Scan');
SELECT plan_buffers('SELECT * FROM jit ORDER BY t DESC LIMIT 10') <= 10 AS desc_few_buffers,
       plan_buffers($$SELECT * FROM jit WHERE t > '2026-01-01 03:00' ORDER BY t LIMIT 10$$) <= 20 AS bounded_few_buffers;
-- Rows appended later, also with jitter, keep it in order; a row from
-- long ago does not.
INSERT INTO jit SELECT i, '2026-01-01'::timestamptz + i * interval '1 s' - (hashint4(i) & 31) * interval '1 s'
  FROM generate_series(30001, 31000) i;
SELECT count(*) FILTER (WHERE NOT in_order) AS out_of_order FROM ixbrin_ranges('jit_t');
INSERT INTO jit VALUES (0, '2025-01-01');
SELECT count(*) FILTER (WHERE NOT in_order) AS out_of_order FROM ixbrin_ranges('jit_t');
SELECT index_matches_seqscan('SELECT t FROM jit ORDER BY t DESC LIMIT 50', 'Index Scan');
SELECT index_matches_seqscan('SELECT t FROM jit ORDER BY t LIMIT 50', 'Index Scan');

-- Multi-column: (t, device); device's order breaks ties of t.
CREATE TABLE mc (id int, a int, b text, c int) WITH (autovacuum_enabled = off);
INSERT INTO mc SELECT i, i / 40, CASE WHEN i % 13 <> 0 THEN md5((i % 29)::text) END, i % 7
  FROM generate_series(1, 6000) i;
CREATE INDEX mc_abc ON mc USING ixbrin (a, b, c) WITH (pages_per_range = 4);
SELECT index_matches_seqscan('SELECT a, b, c FROM mc ORDER BY a, b, c', 'Index Scan');
SELECT index_matches_seqscan('SELECT a, b, c FROM mc ORDER BY a DESC, b DESC, c DESC', 'Index Scan');
SELECT index_matches_seqscan('SELECT a, b, c FROM mc ORDER BY a, b, c LIMIT 100', 'Index Scan');
SELECT index_matches_seqscan('SELECT a, b, c FROM mc WHERE c = 3 AND b IS NOT NULL ORDER BY a DESC, b DESC, c DESC LIMIT 100', 'Index Scan');
SELECT index_matches_seqscan('SELECT a, b, c FROM mc WHERE b IS NULL ORDER BY a, b, c', 'Index Scan');
SELECT index_matches_seqscan($$SELECT a, b, c FROM mc WHERE a BETWEEN 20 AND 30 AND b > 'c' ORDER BY a, b, c$$, 'Index Scan');

-- DESC and NULLS FIRST index columns, honoured as btree honours them.
CREATE TABLE nul (id int, x int, y int) WITH (autovacuum_enabled = off);
INSERT INTO nul SELECT i, CASE WHEN i % 5 <> 0 THEN (i * 37) % 101 END, CASE WHEN i % 7 <> 0 THEN i % 11 END
  FROM generate_series(1, 3000) i;
CREATE INDEX nul_x_desc ON nul USING ixbrin (x DESC NULLS LAST, y NULLS FIRST) WITH (pages_per_range = 2);
CREATE INDEX nul_btree ON nul USING btree (x DESC NULLS LAST, y NULLS FIRST);
-- The same order as the btree gives (the btree on the same columns as the
-- planner's reference for what such an index must return).
SET enable_seqscan = off;
SET enable_bitmapscan = off;
CREATE TABLE by_btree AS SELECT x, y FROM nul ORDER BY x DESC NULLS LAST, y NULLS FIRST;
DROP INDEX nul_btree;
SELECT plan_nodes('SELECT x, y FROM nul ORDER BY x DESC NULLS LAST, y NULLS FIRST');
SELECT (SELECT array_agg(r::text) FROM (SELECT x, y FROM nul ORDER BY x DESC NULLS LAST, y NULLS FIRST) r)
     = (SELECT array_agg(r::text) FROM by_btree r) AS same_as_btree;
RESET enable_seqscan;
RESET enable_bitmapscan;
SELECT index_matches_seqscan('SELECT x, y FROM nul ORDER BY x DESC NULLS LAST, y NULLS FIRST', 'Index Scan');
SELECT index_matches_seqscan('SELECT x, y FROM nul ORDER BY x ASC NULLS FIRST, y DESC NULLS LAST', 'Index Scan');
SELECT index_matches_seqscan('SELECT x FROM nul ORDER BY x DESC NULLS LAST LIMIT 50', 'Index Scan');
SELECT index_matches_seqscan('SELECT x FROM nul ORDER BY x NULLS FIRST LIMIT 700', 'Index Scan');
SELECT index_matches_seqscan('SELECT x, y FROM nul WHERE x IS NULL ORDER BY x DESC NULLS LAST, y NULLS FIRST', 'Index Scan');
SELECT index_matches_seqscan('SELECT x, y FROM nul WHERE x > 90 ORDER BY x DESC NULLS LAST, y NULLS FIRST', 'Index Scan');
SELECT index_matches_seqscan('SELECT max(x), min(x) FROM nul', 'Index Scan');
-- The other NULL placement is not this index's order: a sort.
SELECT plan_nodes('SELECT x FROM nul ORDER BY x DESC NULLS FIRST LIMIT 5');

-- Cursors: every FETCH direction, through the ordered scan and through a
-- sort of a sequential scan, must return the same rows.
CREATE FUNCTION cursor_walk(q text, via_index bool) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
  steps text[] := ARRAY['NEXT', 'NEXT', 'FORWARD 5', 'PRIOR', 'BACKWARD 3', 'RELATIVE 4', 'ABSOLUTE 10',
                        'FORWARD 20', 'BACKWARD 25', 'PRIOR', 'PRIOR', 'NEXT', 'LAST', 'PRIOR', 'NEXT', 'NEXT',
                        'BACKWARD 2', 'FIRST', 'PRIOR', 'NEXT', 'ABSOLUTE -3', 'FORWARD ALL', 'BACKWARD ALL',
                        'FORWARD 3', 'RELATIVE -1', 'RELATIVE 0'];
  out text[] := '{}';
  step text;
  r text;
  got text;
BEGIN
  PERFORM set_config('enable_seqscan', (NOT via_index)::text, true);
  PERFORM set_config('enable_indexscan', via_index::text, true);
  PERFORM set_config('enable_bitmapscan', 'off', true);
  PERFORM set_config('enable_sort', (NOT via_index)::text, true);
  EXECUTE 'DECLARE c SCROLL CURSOR FOR ' || q;
  FOREACH step IN ARRAY steps LOOP
    got := '';
    FOR r IN EXECUTE 'FETCH ' || step || ' FROM c' LOOP
      got := got || r || ' ';
    END LOOP;
    out := out || (step || ': ' || got);
  END LOOP;
  EXECUTE 'CLOSE c';
  RETURN out;
END $$;
CREATE FUNCTION cursors_agree(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  plan text := plan_nodes(q);
  a text[];
  b text[];
BEGIN
  PERFORM set_config('enable_seqscan', 'off', true);
  PERFORM set_config('enable_bitmapscan', 'off', true);
  PERFORM set_config('enable_sort', 'off', true);
  plan := plan_nodes(q);
  a := cursor_walk(q, true);
  b := cursor_walk(q, false);
  IF plan NOT LIKE '%Index Scan%' THEN
    RETURN 'NO INDEX SCAN: ' || plan;
  ELSIF a IS DISTINCT FROM b THEN
    RETURN format('DIFF index=%s seq=%s', a, b);
  END IF;
  RETURN format('same (%s fetches)', cardinality(a));
END $$;
BEGIN;
SELECT cursors_agree('SELECT id, t FROM ts WHERE t < ''2026-01-02 12:00'' ORDER BY t');
SELECT cursors_agree('SELECT id, t FROM ts WHERE t > ''2026-02-01'' ORDER BY t DESC');
SELECT cursors_agree('SELECT x, y FROM nul ORDER BY x DESC NULLS LAST, y NULLS FIRST');
SELECT cursors_agree('SELECT a, b, c FROM mc WHERE a < 9 ORDER BY a DESC, b DESC, c DESC');
COMMIT;

-- Merge joins: the inner ordered scan is marked and restored for every run
-- of equal outer keys.
CREATE TABLE outer_keys (k int, tag int);
INSERT INTO outer_keys SELECT i / 3, i FROM generate_series(0, 1500) i;
CREATE TABLE inner_rows (k int, payload int) WITH (autovacuum_enabled = off);
INSERT INTO inner_rows SELECT i / 4, i FROM generate_series(0, 2000) i;
CREATE INDEX inner_rows_k ON inner_rows USING ixbrin (k) WITH (pages_per_range = 1);
CREATE INDEX outer_keys_k ON outer_keys USING ixbrin (k) WITH (pages_per_range = 1);
ANALYZE outer_keys, inner_rows;
SET enable_hashjoin = off;
SET enable_nestloop = off;
SET enable_material = off;
SET enable_sort = off;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SELECT plan_nodes('SELECT o.tag, i.payload FROM outer_keys o JOIN inner_rows i ON i.k = o.k ORDER BY o.k');
CREATE TABLE joined_by_merge AS
  SELECT o.tag, i.payload FROM outer_keys o JOIN inner_rows i ON i.k = o.k ORDER BY o.k;
SELECT plan_nodes('SELECT o.tag, i.payload FROM outer_keys o JOIN inner_rows i ON i.k = o.k ORDER BY o.k DESC');
CREATE TABLE joined_backward_by_merge AS
  SELECT o.tag, i.payload FROM outer_keys o JOIN inner_rows i ON i.k = o.k ORDER BY o.k DESC;
RESET enable_hashjoin;
RESET enable_nestloop;
RESET enable_material;
RESET enable_sort;
RESET enable_seqscan;
RESET enable_bitmapscan;
SET enable_mergejoin = off;
SELECT count(*) AS rows,
       (SELECT count(*) FROM (SELECT tag, payload FROM joined_by_merge EXCEPT ALL
                              SELECT o.tag, i.payload FROM outer_keys o JOIN inner_rows i ON i.k = o.k) d) AS missing_or_extra,
       (SELECT count(*) FROM (SELECT o.tag, i.payload FROM outer_keys o JOIN inner_rows i ON i.k = o.k EXCEPT ALL
                              SELECT tag, payload FROM joined_by_merge) d) AS extra_or_missing
  FROM joined_by_merge;
SELECT count(*) AS rows,
       (SELECT count(*) FROM (SELECT tag, payload FROM joined_backward_by_merge EXCEPT ALL
                              SELECT o.tag, i.payload FROM outer_keys o JOIN inner_rows i ON i.k = o.k) d) AS differ
  FROM joined_backward_by_merge;
RESET enable_mergejoin;

-- HOT chains: updates of a column no index covers keep the row's root
-- TID; an ordered scan returns each row once, in its current version.
CREATE TABLE hot (id int, k int, note text) WITH (fillfactor = 50, autovacuum_enabled = off);
INSERT INTO hot SELECT i, i % 50, 'v0' FROM generate_series(1, 2000) i;
CREATE INDEX hot_k ON hot USING ixbrin (k) WITH (pages_per_range = 2);
UPDATE hot SET note = 'v1' WHERE id % 3 = 0;
UPDATE hot SET note = 'v2' WHERE id % 6 = 0;
SELECT n_tup_hot_upd > 0 AS hot_updates_happened FROM pg_stat_xact_user_tables WHERE relname = 'hot';
SELECT index_matches_seqscan('SELECT k, id, note FROM hot ORDER BY k, id', 'Index Scan');
SELECT index_matches_seqscan('SELECT k, id, note FROM hot WHERE k > 45 ORDER BY k DESC, id', 'Index Scan');

-- Expression and partial indexes.
CREATE TABLE expr (id int, s text) WITH (autovacuum_enabled = off);
INSERT INTO expr SELECT i, md5(i::text) FROM generate_series(1, 3000) i;
CREATE INDEX expr_len ON expr USING ixbrin ((length(s) + id % 100));
CREATE INDEX expr_part ON expr USING ixbrin (id) WHERE s > '8';
SELECT index_matches_seqscan('SELECT length(s) + id % 100 AS e, id FROM expr ORDER BY length(s) + id % 100, id LIMIT 40', 'Index Scan');
SELECT index_matches_seqscan($$SELECT id FROM expr WHERE s > '8' ORDER BY id DESC LIMIT 40$$, 'Index Scan');
SELECT index_matches_seqscan($$SELECT id FROM expr WHERE s > '8' AND id < 1000 ORDER BY id$$, 'Index Scan');

-- Data in no order: every range overlaps every other.  Correct through
-- the queue, and through the sort when the queue would pass work_mem; the
-- planner does not choose it for a LIMIT.
CREATE TABLE rnd (id int, r int, pad text) WITH (autovacuum_enabled = off);
INSERT INTO rnd SELECT i, (i * 7919) % 100003, repeat('x', 50) FROM generate_series(1, 40000) i;
CREATE INDEX rnd_r ON rnd USING ixbrin (r);
VACUUM ANALYZE rnd;
SELECT count(*) AS ranges, count(*) FILTER (WHERE in_order) AS in_order FROM ixbrin_ranges('rnd_r');
SELECT plan_nodes('SELECT * FROM rnd ORDER BY r LIMIT 10');
SELECT index_matches_seqscan('SELECT id, r FROM rnd ORDER BY r LIMIT 10', 'Index Scan');
SET work_mem = '64kB';
SELECT index_matches_seqscan('SELECT id, r FROM rnd ORDER BY r', 'Index Scan');
SELECT index_matches_seqscan('SELECT id, r FROM rnd WHERE r % 2 = 0 ORDER BY r DESC', 'Index Scan');
BEGIN;
SELECT cursors_agree('SELECT id, r FROM rnd WHERE r < 20000 ORDER BY r');
COMMIT;
RESET work_mem;

-- A bloom first column has no bounds: an ordered scan reads every range
-- before its first row, and is correct.
CREATE TABLE bl (id int, k int) WITH (autovacuum_enabled = off);
INSERT INTO bl SELECT i, i % 300 FROM generate_series(1, 3000) i;
CREATE INDEX bl_k ON bl USING ixbrin (k int4_bloom_ops) WITH (pages_per_range = 2);
SELECT index_matches_seqscan('SELECT k, id FROM bl ORDER BY k, id LIMIT 20', 'Index Scan');
SELECT index_matches_seqscan('SELECT k FROM bl WHERE k = 7 ORDER BY k DESC', 'Index Scan');

-- An ordered scan and a row of its own transaction inserted later: the
-- cursor's snapshot does not see it.
BEGIN;
SET LOCAL enable_seqscan = off;
SET LOCAL enable_bitmapscan = off;
DECLARE c SCROLL CURSOR FOR SELECT id FROM ts ORDER BY t DESC;
FETCH 2 FROM c;
INSERT INTO ts VALUES (-1, '2030-01-01', 1, 1);
FETCH BACKWARD 1 FROM c;
FETCH FIRST FROM c;
CLOSE c;
SELECT id FROM ts ORDER BY t DESC LIMIT 1;
ROLLBACK;

SET client_min_messages = warning;
DROP SCHEMA ixr_ord CASCADE;
RESET client_min_messages;
