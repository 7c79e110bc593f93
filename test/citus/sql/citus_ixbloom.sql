-- citus_ixbloom.sql — ixbloom on Citus: a hash-distributed table, a
-- co-located one, a reference table and a distributed partitioned table.
-- Index DDL reaches every shard placement; pushed-down queries use the
-- index on the shards and return the rows of the same data in a local
-- table, before and after a shard move, DML and VACUUM.
SET search_path = sc, public;
-- Rows are compared as text, and a shard may render them (a record cast
-- pushed down to a worker): the same time zone and date style everywhere.
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, MDY';
SELECT setseed(0.11);

-- 6 int columns like the W1 workload, with NULLs; a local twin of each.
CREATE TABLE bl_ev (id bigint, a int, b int, c int, d int, e int, f int);
CREATE TABLE bl_ev2 (id bigint, a int, b int, c int, d int, e int, f int);
CREATE TABLE bl_ref (id bigint, a int, b int, c int, d int, e int, f int);
CREATE TABLE bl_part (id bigint, a int, b int, c int, d int, e int, f int) PARTITION BY RANGE (id);
CREATE TABLE bl_part_1 PARTITION OF bl_part FOR VALUES FROM (0) TO (30000);
CREATE TABLE bl_part_2 PARTITION OF bl_part FOR VALUES FROM (30000) TO (MAXVALUE);
SELECT create_distributed_table('bl_ev', 'id');
SELECT create_distributed_table('bl_ev2', 'id', colocate_with => 'bl_ev');
SELECT create_reference_table('bl_ref');
SELECT create_distributed_table('bl_part', 'id');
CREATE TABLE bl_local (id bigint, a int, b int, c int, d int, e int, f int);
INSERT INTO bl_local
SELECT g, (random() * 50000)::int, (random() * 20)::int, (random() * 1000)::int,
       CASE WHEN random() < 0.05 THEN NULL ELSE (random() * 100)::int END, (random() * 5)::int, (random() * 2000)::int
  FROM generate_series(1, 60000) g;
INSERT INTO bl_ev SELECT * FROM bl_local;
INSERT INTO bl_ev2 SELECT * FROM bl_local;
INSERT INTO bl_ref SELECT * FROM bl_local;
INSERT INTO bl_part SELECT * FROM bl_local;

-- CREATE INDEX [CONCURRENTLY] reaches every placement (a partitioned
-- table takes no CONCURRENTLY in PostgreSQL 15).
CREATE INDEX CONCURRENTLY bl_ev_idx ON bl_ev USING ixbloom (a, b, c, d, e, f) WITH (length = 80);
CREATE INDEX bl_ev2_idx ON bl_ev2 USING ixbloom (a, b, c);
CREATE INDEX CONCURRENTLY bl_ref_idx ON bl_ref USING ixbloom (a, b, c, d, e, f);
CREATE INDEX bl_part_idx ON bl_part USING ixbloom (a, b, c, d, e, f);
SELECT placements_with_index('bl_ev', 'ixbloom') AS ev, placements_with_index('bl_ev2', 'ixbloom') AS ev2,
       placements_with_index('bl_ref', 'ixbloom') AS ref,
       placements_with_index('bl_part_1', 'ixbloom') AS part_1, placements_with_index('bl_part_2', 'ixbloom') AS part_2;
-- Bad options are refused on the coordinator, before any shard is touched.
CREATE INDEX bl_bad ON bl_ev USING ixbloom (a) WITH (length = 0);

-- Randomized equality queries on column subsets, IN lists and IS NULL.
CREATE TABLE bl_queries AS
SELECT array_agg(q) AS qs FROM (
  SELECT 'SELECT id FROM %1$s WHERE ' || string_agg(p, ' AND ') AS q
    FROM (SELECT n, CASE (random() * 5)::int
                   WHEN 0 THEN format('a = %s', (random() * 50000)::int)
                   WHEN 1 THEN format('b = %s AND c = %s', (random() * 20)::int, (random() * 1000)::int)
                   WHEN 2 THEN format('d = %s AND e = %s', (random() * 100)::int, (random() * 5)::int)
                   WHEN 3 THEN format('f IN (%s, %s, %s)', (random() * 2000)::int, (random() * 2000)::int, (random() * 2000)::int)
                   WHEN 4 THEN format('d IS NULL AND b = %s', (random() * 20)::int)
                   ELSE format('c = %s AND f = %s', (random() * 1000)::int, (random() * 2000)::int) END AS p
            FROM generate_series(1, 150) n, generate_series(1, 1 + (random())::int) k) s
   GROUP BY n) t;

SET citus.propagate_set_commands TO 'local';
BEGIN;
SET LOCAL enable_seqscan TO off;
SELECT tasks_using('SELECT id FROM bl_ev WHERE b = 3 AND c = 77', 'bl_ev_idx') AS hash_distributed;
SELECT tasks_using('SELECT id FROM bl_ev2 WHERE a = 4242', 'bl_ev2_idx') AS colocated;
SELECT tasks_using('SELECT id FROM bl_part WHERE e = 1 AND f = 77', 'bl_part_\d+_a_b_c_d_e_f_idx') AS partitioned;
SELECT count(*) AS mismatches FROM bl_queries, mismatches('bl_ev', 'bl_local', qs, false);
SELECT count(*) AS mismatches FROM bl_queries, mismatches('bl_ref', 'bl_local', qs, false);
SELECT count(*) AS mismatches FROM bl_queries, mismatches('bl_part', 'bl_local', qs, false);
-- A co-located join on the distribution column, pushed down whole.
SELECT sc.rows_of('SELECT x.id FROM bl_ev x JOIN bl_ev2 y USING (id) WHERE x.b = 5 AND y.c = 500', false)
     = sc.rows_of('SELECT x.id FROM bl_local x JOIN bl_local y USING (id) WHERE x.b = 5 AND y.c = 500', false) AS join_same;
COMMIT;

-- A shard of bl_ev (and its co-located shard of bl_ev2) moves to the
-- other worker with its index, which still answers there.
SELECT move_first_shard('bl_ev') AS on_the_other_worker;
SELECT placements_with_index('bl_ev', 'ixbloom') AS ev, placements_with_index('bl_ev2', 'ixbloom') AS ev2;
BEGIN;
SET LOCAL enable_seqscan TO off;
SELECT tasks_using('SELECT id FROM bl_ev WHERE b = 3 AND c = 77', 'bl_ev_idx') AS after_move;
SELECT count(*) AS mismatches FROM bl_queries, mismatches('bl_ev', 'bl_local', qs, false);
COMMIT;

-- DML through the coordinator on every table and the local twin, then VACUUM.
CREATE FUNCTION sc.dml(t text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('DELETE FROM %s WHERE id %% 7 = 0', t);
  EXECUTE format('UPDATE %s SET b = b + 1, d = NULL WHERE id %% 11 = 0', t);
  EXECUTE format('INSERT INTO %s SELECT g, g %% 50000, g %% 20, g %% 1000, g %% 100, g %% 5, g %% 2000
                    FROM generate_series(60001, 64000) g', t);
END $$;
SELECT dml('bl_ev'), dml('bl_ref'), dml('bl_part'), dml('bl_local');
VACUUM bl_ev, bl_ref, bl_part;
BEGIN;
SET LOCAL enable_seqscan TO off;
SELECT count(*) AS mismatches FROM bl_queries, mismatches('bl_ev', 'bl_local', qs, false);
SELECT count(*) AS mismatches FROM bl_queries, mismatches('bl_ref', 'bl_local', qs, false);
SELECT count(*) AS mismatches FROM bl_queries, mismatches('bl_part', 'bl_local', qs, false);
COMMIT;

-- REINDEX [CONCURRENTLY] and DROP INDEX reach every placement.
REINDEX INDEX CONCURRENTLY bl_ev_idx;
REINDEX INDEX bl_ref_idx;
SELECT placements_with_index('bl_ev', 'ixbloom') AS ev, placements_with_index('bl_ref', 'ixbloom') AS ref;
BEGIN;
SET LOCAL enable_seqscan TO off;
SELECT count(*) AS mismatches FROM bl_queries, mismatches('bl_ev', 'bl_local', qs, false);
COMMIT;
DROP INDEX bl_ev2_idx;
DROP INDEX CONCURRENTLY bl_ref_idx;
SELECT placements_with_index('bl_ev2', 'ixbloom') AS ev2, placements_with_index('bl_ref', 'ixbloom') AS ref;
