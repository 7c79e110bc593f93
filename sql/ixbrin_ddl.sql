-- ixbrin and the DDL around an index: UNLOGGED tables (the init fork),
-- partitioned tables, REINDEX [CONCURRENTLY], CREATE INDEX CONCURRENTLY,
-- index scans counted in pg_stat_user_indexes,
-- prepared statements with parameters (costed without the constants).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ixbrin;
CREATE EXTENSION IF NOT EXISTS ixpack_test;
RESET client_min_messages;

SET jit = off;
CREATE SCHEMA ixr_ddl;
SET search_path = ixr_ddl, ixpack_test, public;

-- UNLOGGED: the index has an init fork (a metapage and an empty map),
-- and works like any other.
CREATE UNLOGGED TABLE ul (id int, t timestamptz) WITH (autovacuum_enabled = off);
INSERT INTO ul SELECT i, '2026-01-01'::timestamptz + i * interval '1 s' FROM generate_series(1, 10000) i;
CREATE INDEX ul_t ON ul USING ixbrin (t) WITH (pages_per_range = 4);
SELECT pg_relation_size('ul_t', 'init') > 0 AS has_init_fork, relpersistence FROM pg_class WHERE relname = 'ul_t';
SELECT index_matches_seqscan($$SELECT id FROM ul WHERE t < '2026-01-01 00:10' ORDER BY id$$);
SELECT index_matches_seqscan('SELECT id, t FROM ul ORDER BY t DESC LIMIT 3', 'Index Scan');
DELETE FROM ul WHERE id % 2 = 0;
VACUUM ul;
SELECT * FROM ixbrin_check('ul_t');
-- An empty unlogged table's index (built empty, then the init fork).
CREATE UNLOGGED TABLE ul_empty (a int);
CREATE INDEX ul_empty_a ON ul_empty USING ixbrin (a);
INSERT INTO ul_empty VALUES (1), (2);
SELECT index_matches_seqscan('SELECT a FROM ul_empty WHERE a = 2 ORDER BY a');

-- Partitioned tables: the index on the parent makes one per partition;
-- partition pruning and ordered appends use them.
CREATE TABLE pt (id int, t date, v int) PARTITION BY RANGE (t);
CREATE TABLE pt_2025 PARTITION OF pt FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE pt_2026 PARTITION OF pt FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
INSERT INTO pt SELECT i, date '2025-01-01' + i / 30, i % 97 FROM generate_series(0, 20000) i;
CREATE INDEX pt_t ON pt USING ixbrin (t, v) WITH (pages_per_range = 2);
SELECT c.relname, a.amname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_am a ON a.oid = c.relam
 WHERE i.inhparent = 'pt_t'::regclass ORDER BY 1;
-- A partition attached later gets its index.
CREATE TABLE pt_2027 (LIKE pt);
INSERT INTO pt_2027 SELECT i, date '2027-01-01' + i / 30, i % 97 FROM generate_series(0, 3000) i;
ALTER TABLE pt ATTACH PARTITION pt_2027 FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');
SELECT count(*) AS partition_indexes FROM pg_inherits WHERE inhparent = 'pt_t'::regclass;
SELECT index_matches_seqscan($$SELECT id FROM pt WHERE t BETWEEN '2025-12-25' AND '2026-01-05' ORDER BY id$$);
SELECT index_matches_seqscan($$SELECT id FROM pt WHERE v = 5 AND t > '2026-06-01' ORDER BY id$$);
SELECT index_matches_seqscan('SELECT t, v FROM pt ORDER BY t DESC, v DESC LIMIT 20', 'Index Scan');
SELECT index_matches_seqscan('SELECT t, v FROM pt ORDER BY t, v LIMIT 20', 'Index Scan');

-- REINDEX and REINDEX CONCURRENTLY rebuild the summaries VACUUM left.
CREATE TABLE rx (id int, t int) WITH (autovacuum_enabled = off);
INSERT INTO rx SELECT i, i FROM generate_series(1, 20000) i;
CREATE INDEX rx_t ON rx USING ixbrin (t) WITH (pages_per_range = 8);
DELETE FROM rx WHERE id % 3 = 0;
VACUUM rx;
CREATE TABLE before_reindex AS SELECT range, summaries FROM ixbrin_ranges('rx_t');
REINDEX INDEX rx_t;
SELECT count(*) AS ranges_that_differ FROM (SELECT range, summaries FROM ixbrin_ranges('rx_t') EXCEPT SELECT * FROM before_reindex) d;
REINDEX INDEX CONCURRENTLY rx_t;
SELECT count(*) AS ranges_that_differ FROM (SELECT range, summaries FROM ixbrin_ranges('rx_t') EXCEPT SELECT * FROM before_reindex) d;
SELECT index_matches_seqscan('SELECT id FROM rx WHERE t BETWEEN 5000 AND 5100 ORDER BY id');
REINDEX TABLE rx;
SELECT * FROM ixbrin_check('rx_t') WHERE problem <> 'bounds not exact';

-- CREATE INDEX CONCURRENTLY: every row is in the index at the end,
-- including rows inserted while it ran (here: none can run concurrently
-- in one session; the isolation suite runs them).
CREATE INDEX CONCURRENTLY rx_id ON rx USING ixbrin (id) WITH (pages_per_range = 8);
SELECT indisvalid, indisready FROM pg_index WHERE indexrelid = 'rx_id'::regclass;
SELECT * FROM ixbrin_check('rx_id') WHERE problem <> 'bounds not exact';
SELECT index_matches_seqscan('SELECT id FROM rx WHERE id BETWEEN 700 AND 800 ORDER BY id');

-- Index scans are counted, bitmap and ordered alike.
SELECT pg_stat_force_next_flush();
CREATE TABLE counted AS SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelid = 'rx_t'::regclass;
SET enable_seqscan = off;
SELECT count(*) FROM rx WHERE t < 100;
SELECT t FROM rx ORDER BY t DESC LIMIT 1;
RESET enable_seqscan;
SELECT pg_stat_force_next_flush();
SELECT s.idx_scan - c.idx_scan AS new_scans FROM pg_stat_user_indexes s, counted c WHERE s.indexrelid = 'rx_t'::regclass;

-- A prepared statement with parameters: a generic plan is costed without
-- the values, and answers right with each.
PREPARE q(int, int) AS SELECT count(*) FROM rx WHERE t BETWEEN $1 AND $2;
SET plan_cache_mode = force_generic_plan;
EXECUTE q(1, 100);
EXECUTE q(19900, 30000);
PREPARE qo(int) AS SELECT t FROM rx WHERE t > $1 ORDER BY t LIMIT 3;
EXECUTE qo(10000);
EXECUTE qo(19999);
RESET plan_cache_mode;

-- count(*) needs no column: PostgreSQL would offer an index-only scan,
-- which ixbrin cannot run (it returns no index tuples); its cost keeps it
-- out, even with the other scans disabled.
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SET enable_indexscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM rx;
SELECT count(*) FROM rx;
RESET enable_seqscan;
RESET enable_bitmapscan;
RESET enable_indexscan;

-- DROP: the index goes, the table stays.
DROP INDEX rx_t;
SELECT count(*) FROM rx;

SET client_min_messages = warning;
DROP SCHEMA ixr_ddl CASCADE;
RESET client_min_messages;
