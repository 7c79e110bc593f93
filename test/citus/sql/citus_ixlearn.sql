-- citus_ixlearn.sql — ixlearn on Citus: a hash-distributed table with
-- random int8 keys, a co-located table with a multi-column DESC index and
-- INCLUDE, a reference table and a distributed partitioned table.  Index
-- DDL reaches every shard placement; point, range, = ANY and ORDER BY ...
-- LIMIT queries (pushed down to every shard, merged by the coordinator)
-- use the index on the shards and return the rows, in order, of the same
-- data in a local table, before and after a shard move, inserts that
-- split leaves, DML, VACUUM (which retrains each shard's model) and
-- ixlearn_retrain on every placement; ixlearn_check passes on every shard.
SET search_path = sc, public;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, MDY';
SELECT setseed(0.41);

CREATE TABLE lr_t (id bigint, k bigint, ts timestamptz, u uuid, note text);
CREATE TABLE lr_t2 (id bigint, k bigint, ts timestamptz, u uuid, note text);
CREATE TABLE lr_u (id bigint, k bigint, ts timestamptz, u uuid, note text);
CREATE TABLE lr_ref (id bigint, k bigint, ts timestamptz, u uuid, note text);
CREATE TABLE lr_part (id bigint, k bigint, ts timestamptz, u uuid, note text) PARTITION BY RANGE (k);
CREATE TABLE lr_part_1 PARTITION OF lr_part FOR VALUES FROM (MINVALUE) TO (500000000);
CREATE TABLE lr_part_2 PARTITION OF lr_part FOR VALUES FROM (500000000) TO (MAXVALUE);
CREATE TABLE lr_part_null PARTITION OF lr_part DEFAULT;
SELECT create_distributed_table('lr_t', 'id');
SELECT create_distributed_table('lr_t2', 'id', colocate_with => 'lr_t');
SELECT create_distributed_table('lr_u', 'id', colocate_with => 'lr_t');
SELECT create_reference_table('lr_ref');
SELECT create_distributed_table('lr_part', 'id');
-- Random keys with duplicates and a few NULLs; timestamps with ties.
CREATE TABLE lr_local (id bigint, k bigint, ts timestamptz, u uuid, note text);
INSERT INTO lr_local
SELECT g, CASE WHEN g % 811 = 0 THEN NULL ELSE (random() * 1e9)::bigint / CASE WHEN g % 5 = 0 THEN 1000 ELSE 1 END END,
       '2026-01-01'::timestamptz + (random() * 100000)::int * interval '1 s',
       md5(g::text)::uuid, 'n' || (g % 97)
  FROM generate_series(1, 60000) g;
INSERT INTO lr_t SELECT * FROM lr_local ORDER BY id;
INSERT INTO lr_t2 SELECT * FROM lr_local ORDER BY id;
INSERT INTO lr_u SELECT * FROM lr_local ORDER BY id;
INSERT INTO lr_ref SELECT * FROM lr_local ORDER BY id;
INSERT INTO lr_part SELECT * FROM lr_local ORDER BY id;

CREATE INDEX CONCURRENTLY lr_t_idx ON lr_t USING ixlearn (k);
CREATE INDEX lr_t2_idx ON lr_t2 USING ixlearn (ts DESC, k NULLS FIRST) INCLUDE (note);
CREATE INDEX lr_u_idx ON lr_u USING ixlearn (u);
CREATE INDEX CONCURRENTLY lr_ref_idx ON lr_ref USING ixlearn (k);
CREATE INDEX lr_part_idx ON lr_part USING ixlearn (k);
SELECT placements_with_index('lr_t', 'ixlearn') AS t, placements_with_index('lr_t2', 'ixlearn') AS t2,
       placements_with_index('lr_u', 'ixlearn') AS u, placements_with_index('lr_ref', 'ixlearn') AS ref,
       placements_with_index('lr_part_1', 'ixlearn') AS part_1, placements_with_index('lr_part_2', 'ixlearn') AS part_2;
CREATE UNIQUE INDEX lr_bad ON lr_t USING ixlearn (id);
CREATE INDEX lr_bad ON lr_t USING ixlearn (note);

-- Randomized point, range and = ANY queries (unordered) and ORDER BY ... LIMIT (exact order).
CREATE TABLE lr_lq AS
SELECT array_agg(q) AS qs FROM (
  SELECT CASE n % 3
           WHEN 0 THEN format('SELECT id FROM %%1$s WHERE k = %s', (SELECT k FROM lr_local WHERE id = 1 + (random() * 59999)::int))
           WHEN 1 THEN format('SELECT id FROM %%1$s WHERE k BETWEEN %s AND %s', a, a + (random() * 2e7)::bigint)
           ELSE format('SELECT id FROM %%1$s WHERE k = ANY(%L::bigint[])',
                       ARRAY[(random() * 1e6)::bigint, (SELECT k FROM lr_local WHERE id = 1 + (random() * 59999)::int), NULL])
         END AS q
    FROM (SELECT n, (random() * 1e9)::bigint AS a FROM generate_series(1, 90) n) s) s;
CREATE TABLE lr_oq AS
SELECT array_agg(q) AS qs FROM (
  SELECT format('SELECT id, k FROM %%1$s %s ORDER BY k %s %s, id LIMIT %s',
                CASE WHEN n % 3 = 0 THEN format('WHERE k < %s', (random() * 1e9)::bigint)
                     WHEN n % 3 = 1 THEN format('WHERE k > %s', (random() * 1e9)::bigint)
                     ELSE '' END,
                CASE WHEN n % 2 = 0 THEN 'DESC' ELSE 'ASC' END,
                CASE WHEN n % 4 < 2 THEN 'NULLS LAST' ELSE 'NULLS FIRST' END,
                1 + (random() * 30)::int) AS q
    FROM generate_series(1, 80) n) s;
CREATE TABLE lr_tq AS
SELECT array_agg(format('SELECT ts, k, note FROM %%1$s WHERE ts <= %L ORDER BY ts DESC, k NULLS FIRST LIMIT %s',
                        '2026-01-01'::timestamptz + (random() * 100000)::int * interval '1 s', 1 + (random() * 20)::int)) AS qs
  FROM generate_series(1, 40);

SET citus.propagate_set_commands TO 'local';
BEGIN;
SET LOCAL enable_seqscan TO off;
SELECT tasks_using('SELECT id FROM lr_t WHERE k = 5', 'lr_t_idx') AS point;
SELECT tasks_using('SELECT id, k FROM lr_t ORDER BY k DESC LIMIT 10', 'lr_t_idx') AS order_by_limit;
SELECT tasks_using('SELECT ts, k, note FROM lr_t2 ORDER BY ts DESC, k NULLS FIRST LIMIT 5', 'lr_t2_idx') AS multi_column;
SELECT tasks_using('SELECT id FROM lr_u WHERE u > ''f0000000-0000-0000-0000-000000000000''', 'lr_u_idx') AS uuid_range;
SELECT count(*) AS mismatches FROM lr_lq, mismatches('lr_t', 'lr_local', qs, false);
SELECT count(*) AS mismatches FROM lr_oq, mismatches('lr_t', 'lr_local', qs, true);
SELECT count(*) AS mismatches FROM lr_tq, mismatches('lr_t2', 'lr_local', qs, true);
SELECT count(*) AS mismatches FROM lr_lq, mismatches('lr_ref', 'lr_local', qs, false);
SELECT count(*) AS mismatches FROM lr_oq, mismatches('lr_ref', 'lr_local', qs, true);
SELECT count(*) AS mismatches FROM lr_lq, mismatches('lr_part', 'lr_local', qs, false);
SELECT count(*) AS mismatches FROM lr_oq, mismatches('lr_part', 'lr_local', qs, true);
SELECT (SELECT max(k) FROM lr_t) = (SELECT max(k) FROM lr_local) AS max_same,
       (SELECT min(k) FROM lr_t) = (SELECT min(k) FROM lr_local) AS min_same,
       (SELECT count(*) FROM lr_u WHERE u > 'f0000000-0000-0000-0000-000000000000')
     = (SELECT count(*) FROM lr_local WHERE u > 'f0000000-0000-0000-0000-000000000000') AS uuid_range_same;
COMMIT;

-- A shard moves to the other worker with its indexes, which still answer.
SELECT move_first_shard('lr_t') AS on_the_other_worker;
SELECT placements_with_index('lr_t', 'ixlearn') AS t, placements_with_index('lr_t2', 'ixlearn') AS t2;
BEGIN;
SET LOCAL enable_seqscan TO off;
SELECT tasks_using('SELECT id, k FROM lr_t ORDER BY k LIMIT 10', 'lr_t_idx') AS after_move;
SELECT count(*) AS mismatches FROM lr_oq, mismatches('lr_t', 'lr_local', qs, true);
COMMIT;

-- Inserts that split leaves on every shard, deletes, updates, VACUUM
-- (which retrains), ixlearn_retrain on every placement: still the rows of
-- the local twin, and every shard's index passes ixlearn_check.
CREATE FUNCTION sc.learn_dml(t text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('INSERT INTO %s SELECT g, (g * 7919) %% 1000000007, ''2026-01-02''::timestamptz + g * interval ''1 s'', md5(g::text)::uuid, ''x''
                    FROM generate_series(60001, 75000) g ORDER BY g', t);
  EXECUTE format('DELETE FROM %s WHERE id %% 7 = 0', t);
  EXECUTE format('UPDATE %s SET k = k + 1 WHERE id %% 13 = 0', t);
END $$;
SELECT learn_dml('lr_t'), learn_dml('lr_t2'), learn_dml('lr_ref'), learn_dml('lr_part'), learn_dml('lr_local');
SELECT count(*) FILTER (WHERE result::bigint > 0) || '/' || count(*) AS shards_with_splits
  FROM run_command_on_placements('lr_t', $$SELECT sum(s.splits_since_model) FROM pg_index i, LATERAL ixlearn_stats(i.indexrelid::regclass) s
                                           WHERE i.indrelid = '%s'::regclass$$);
VACUUM lr_t, lr_t2, lr_ref, lr_part;
SELECT count(*) FILTER (WHERE result = '0') || '/' || count(*) AS models_current
  FROM run_command_on_placements('lr_t', $$SELECT sum(s.splits_since_model) FROM pg_index i, LATERAL ixlearn_stats(i.indexrelid::regclass) s
                                           WHERE i.indrelid = '%s'::regclass$$);
SELECT count(*) FILTER (WHERE success) || '/' || count(*) AS retrained
  FROM run_command_on_placements('lr_t2', $$SELECT count(ixlearn_retrain(i.indexrelid::regclass)) FROM pg_index i
                                            WHERE i.indrelid = '%s'::regclass$$);
SELECT count(*) FILTER (WHERE success) || '/' || count(*) AS checked
  FROM run_command_on_placements('lr_t', $$SELECT count(ixlearn_check(i.indexrelid::regclass, true)) FROM pg_index i
                                          WHERE i.indrelid = '%s'::regclass$$);
SELECT count(*) FILTER (WHERE success) || '/' || count(*) AS checked
  FROM run_command_on_placements('lr_t2', $$SELECT count(ixlearn_check(i.indexrelid::regclass, true)) FROM pg_index i
                                           WHERE i.indrelid = '%s'::regclass$$);
BEGIN;
SET LOCAL enable_seqscan TO off;
SELECT count(*) AS mismatches FROM lr_lq, mismatches('lr_t', 'lr_local', qs, false);
SELECT count(*) AS mismatches FROM lr_oq, mismatches('lr_t', 'lr_local', qs, true);
SELECT count(*) AS mismatches FROM lr_tq, mismatches('lr_t2', 'lr_local', qs, true);
SELECT count(*) AS mismatches FROM lr_oq, mismatches('lr_ref', 'lr_local', qs, true);
SELECT count(*) AS mismatches FROM lr_lq, mismatches('lr_part', 'lr_local', qs, false);
COMMIT;

-- ixstat reads every shard's ixlearn index.
SELECT count(*) FILTER (WHERE result::bigint > 0) || '/' || count(*) AS index_stats_live
  FROM run_command_on_placements('lr_t', $$SELECT sum(s.live_entries) FROM pg_index i, LATERAL ixstat.index_stats(i.indexrelid::regclass) s
                                          WHERE i.indrelid = '%s'::regclass$$);

-- REINDEX and DROP INDEX reach every placement.
REINDEX INDEX CONCURRENTLY lr_t_idx;
REINDEX INDEX lr_ref_idx;
SELECT placements_with_index('lr_t', 'ixlearn') AS t, placements_with_index('lr_ref', 'ixlearn') AS ref;
BEGIN;
SET LOCAL enable_seqscan TO off;
SELECT count(*) AS mismatches FROM lr_oq, mismatches('lr_t', 'lr_local', qs, true);
COMMIT;
DROP INDEX lr_t2_idx;
DROP INDEX CONCURRENTLY lr_ref_idx;
SELECT placements_with_index('lr_t2', 'ixlearn') AS t2, placements_with_index('lr_ref', 'ixlearn') AS ref;
