-- citus_ixbrin.sql — ixbrin on Citus: a hash-distributed time series, a
-- co-located table, a reference table and a distributed partitioned table.
-- Index DDL reaches every shard placement; range queries and
-- ORDER BY ... LIMIT (pushed down to every shard, merged by the
-- coordinator) use the index on the shards and return the rows, in order,
-- of the same data in a local table, before and after a shard move, DML
-- and VACUUM.
SET search_path = sc, public;
-- Rows are compared as text, and a shard may render them (a record cast
-- pushed down to a worker): the same time zone and date style everywhere.
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, MDY';
SELECT setseed(0.22);

CREATE TABLE br_ts (id bigint, ts timestamptz, device int, v float8);
CREATE TABLE br_ts2 (id bigint, ts timestamptz, device int, v float8);
CREATE TABLE br_ref (id bigint, ts timestamptz, device int, v float8);
CREATE TABLE br_part (id bigint, ts timestamptz, device int, v float8) PARTITION BY RANGE (ts);
CREATE TABLE br_part_1 PARTITION OF br_part FOR VALUES FROM (MINVALUE) TO ('2026-01-15');
CREATE TABLE br_part_2 PARTITION OF br_part FOR VALUES FROM ('2026-01-15') TO (MAXVALUE);
CREATE TABLE br_part_null PARTITION OF br_part DEFAULT;
SELECT create_distributed_table('br_ts', 'id');
SELECT create_distributed_table('br_ts2', 'id', colocate_with => 'br_ts');
SELECT create_reference_table('br_ref');
SELECT create_distributed_table('br_part', 'id');
-- Rows in time order (every shard's heap follows ts), unique ts, a few NULLs.
CREATE TABLE br_local (id bigint, ts timestamptz, device int, v float8);
INSERT INTO br_local
SELECT g, CASE WHEN g % 997 = 0 THEN NULL ELSE '2026-01-01'::timestamptz + g * interval '20 s' END,
       (g / 500) % 40, random()
  FROM generate_series(1, 80000) g;
INSERT INTO br_ts SELECT * FROM br_local ORDER BY id;
INSERT INTO br_ts2 SELECT * FROM br_local ORDER BY id;
INSERT INTO br_ref SELECT * FROM br_local ORDER BY id;
INSERT INTO br_part SELECT * FROM br_local ORDER BY id;

CREATE INDEX CONCURRENTLY br_ts_idx ON br_ts USING ixbrin (ts) WITH (pages_per_range = 4);
CREATE INDEX br_ts2_idx ON br_ts2 USING ixbrin (ts, device int4_bloom_ops) WITH (pages_per_range = 4);
CREATE INDEX CONCURRENTLY br_ref_idx ON br_ref USING ixbrin (ts) WITH (pages_per_range = 4);
CREATE INDEX br_part_idx ON br_part USING ixbrin (ts) WITH (pages_per_range = 4);
SELECT placements_with_index('br_ts', 'ixbrin') AS ts, placements_with_index('br_ts2', 'ixbrin') AS ts2,
       placements_with_index('br_ref', 'ixbrin') AS ref,
       placements_with_index('br_part_1', 'ixbrin') AS part_1, placements_with_index('br_part_2', 'ixbrin') AS part_2;
CREATE INDEX br_bad ON br_ts USING ixbrin (ts) WITH (pages_per_range = 0);

-- Randomized range queries (unordered) and ORDER BY ... LIMIT (exact order).
CREATE TABLE br_rq AS
SELECT array_agg(format('SELECT id FROM %%1$s WHERE ts >= %L AND ts < %L',
                        t0, t0 + (random() * 40000)::int * interval '1 s')) AS qs
  FROM (SELECT '2026-01-01'::timestamptz + (random() * 1600000)::int * interval '1 s' AS t0
          FROM generate_series(1, 80)) s;
CREATE TABLE br_oq AS
SELECT array_agg(q) AS qs FROM (
  SELECT format('SELECT id, ts FROM %%1$s %s ORDER BY ts %s %s, id LIMIT %s',
                CASE WHEN n % 3 = 0 THEN format('WHERE ts < %L', '2026-01-01'::timestamptz + (random() * 1600000)::int * interval '1 s')
                     WHEN n % 3 = 1 THEN format('WHERE device = %s', (random() * 40)::int)
                     ELSE '' END,
                CASE WHEN n % 2 = 0 THEN 'DESC' ELSE 'ASC' END,
                CASE WHEN n % 4 < 2 THEN 'NULLS LAST' ELSE 'NULLS FIRST' END,
                1 + (random() * 30)::int) AS q
    FROM generate_series(1, 80) n) s;

SET citus.propagate_set_commands TO 'local';
BEGIN;
SET LOCAL enable_seqscan TO off;
SELECT tasks_using('SELECT id FROM br_ts WHERE ts BETWEEN ''2026-01-05'' AND ''2026-01-06''', 'br_ts_idx') AS range;
SELECT tasks_using('SELECT id, ts FROM br_ts ORDER BY ts DESC LIMIT 10', 'br_ts_idx') AS order_by_limit;
SELECT tasks_using('SELECT id, ts FROM br_ts2 WHERE device = 7 ORDER BY ts LIMIT 10', 'br_ts2_idx') AS filtered_order;
SELECT count(*) AS mismatches FROM br_rq, mismatches('br_ts', 'br_local', qs, false);
SELECT count(*) AS mismatches FROM br_oq, mismatches('br_ts', 'br_local', qs, true);
SELECT count(*) AS mismatches FROM br_oq, mismatches('br_ts2', 'br_local', qs, true);
SELECT count(*) AS mismatches FROM br_rq, mismatches('br_ref', 'br_local', qs, false);
SELECT count(*) AS mismatches FROM br_oq, mismatches('br_ref', 'br_local', qs, true);
SELECT count(*) AS mismatches FROM br_rq, mismatches('br_part', 'br_local', qs, false);
SELECT count(*) AS mismatches FROM br_oq, mismatches('br_part', 'br_local', qs, true);
-- min/max, pushed down per shard and merged.
SELECT (SELECT max(ts) FROM br_ts) = (SELECT max(ts) FROM br_local) AS max_same,
       (SELECT min(ts) FROM br_ts) = (SELECT min(ts) FROM br_local) AS min_same;
COMMIT;

-- A shard moves to the other worker with its index, which still answers.
SELECT move_first_shard('br_ts') AS on_the_other_worker;
SELECT placements_with_index('br_ts', 'ixbrin') AS ts, placements_with_index('br_ts2', 'ixbrin') AS ts2;
BEGIN;
SET LOCAL enable_seqscan TO off;
SELECT tasks_using('SELECT id, ts FROM br_ts ORDER BY ts DESC LIMIT 10', 'br_ts_idx') AS after_move;
SELECT count(*) AS mismatches FROM br_oq, mismatches('br_ts', 'br_local', qs, true);
COMMIT;

-- Appends (summarized by the inserts themselves), deletes of old rows and
-- an outlier, then VACUUM: still the rows of the local twin, and every
-- shard's summaries exact (ixbrin_check on each placement).
CREATE FUNCTION sc.brin_dml(t text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('INSERT INTO %s SELECT g, ''2026-01-01''::timestamptz + g * interval ''20 s'', (g / 500) %% 40, 0.5
                    FROM generate_series(80001, 90000) g ORDER BY g', t);
  EXECUTE format('INSERT INTO %s VALUES (90001, ''2030-01-01'', 1, 0)', t);
  EXECUTE format('DELETE FROM %s WHERE id <= 20000 OR id = 90001', t);
  EXECUTE format('UPDATE %s SET device = device + 1 WHERE id %% 13 = 0', t);
END $$;
SELECT brin_dml('br_ts'), brin_dml('br_ref'), brin_dml('br_part'), brin_dml('br_local');
VACUUM br_ts, br_ref, br_part;
SELECT sum(result::int) AS inexact_summaries
  FROM run_command_on_placements('br_ts', $$SELECT count(*) FROM pg_index i, LATERAL ixbrin_check(i.indexrelid::regclass)
                                             WHERE i.indrelid = '%s'::regclass$$);
BEGIN;
SET LOCAL enable_seqscan TO off;
SELECT count(*) AS mismatches FROM br_rq, mismatches('br_ts', 'br_local', qs, false);
SELECT count(*) AS mismatches FROM br_oq, mismatches('br_ts', 'br_local', qs, true);
SELECT count(*) AS mismatches FROM br_oq, mismatches('br_ref', 'br_local', qs, true);
SELECT count(*) AS mismatches FROM br_oq, mismatches('br_part', 'br_local', qs, true);
COMMIT;

-- REINDEX and DROP INDEX reach every placement.
REINDEX INDEX CONCURRENTLY br_ts_idx;
REINDEX INDEX br_ref_idx;
SELECT placements_with_index('br_ts', 'ixbrin') AS ts, placements_with_index('br_ref', 'ixbrin') AS ref;
BEGIN;
SET LOCAL enable_seqscan TO off;
SELECT count(*) AS mismatches FROM br_oq, mismatches('br_ts', 'br_local', qs, true);
COMMIT;
DROP INDEX br_ts2_idx;
DROP INDEX CONCURRENTLY br_ref_idx;
SELECT placements_with_index('br_ts2', 'ixbrin') AS ts2, placements_with_index('br_ref', 'ixbrin') AS ref;
