-- citus_ixstat.sql — ixstat across a Citus cluster: the pgstattuple
-- functions and index_stats on shards equal contrib's on the same shards;
-- cluster_index_report merges each logical index's findings over its
-- shards and names the nodes.
SET search_path = sc, public;
-- Rows are compared as text, and a shard may render them (a record cast
-- pushed down to a worker): the same time zone and date style everywhere.
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, MDY';

CREATE TABLE st_ev (id bigint, a int, b int, note text);
SELECT create_distributed_table('st_ev', 'id');
INSERT INTO st_ev SELECT g, g % 100, g % 7, md5(g::text) FROM generate_series(1, 40000) g;
CREATE INDEX st_ev_a ON st_ev (a);
CREATE INDEX st_ev_a_copy ON st_ev (a);         -- duplicate, on every shard
CREATE INDEX st_ev_ab ON st_ev (a, b);          -- makes st_ev_a redundant
CREATE INDEX st_ev_b ON st_ev (b);              -- scanned on some shards only: not unused
CREATE INDEX st_ev_bl ON st_ev USING ixbloom (a, b);
DELETE FROM st_ev WHERE id % 4 <> 0;
VACUUM st_ev;

-- On every shard, ixstat answers as contrib does.
SELECT count(*) FILTER (WHERE result = 't') || '/' || count(*) AS pgstattuple_same
  FROM run_command_on_shards('st_ev', $$SELECT (SELECT row(p.*)::text FROM public.pgstattuple('%1$s') p)
                                              = (SELECT row(p.*)::text FROM ixstat.pgstattuple('%1$s') p)$$);
SELECT count(*) FILTER (WHERE result = 't') || '/' || count(*) AS pgstatindex_same
  FROM run_command_on_shards('st_ev', $$SELECT (SELECT row(p.*)::text FROM public.pgstatindex(regexp_replace('%1$s', '_(\d+)$', '_a_\1')) p)
                                              = (SELECT row(p.*)::text FROM ixstat.pgstatindex(regexp_replace('%1$s', '_(\d+)$', '_a_\1')) p)$$);
SELECT count(*) FILTER (WHERE result = 't') || '/' || count(*) AS index_stats_agrees
  FROM run_command_on_shards('st_ev', $$SELECT s.leaf_pages = p.leaf_pages AND s.avg_fill = p.avg_leaf_density
                                           FROM ixstat.index_stats(regexp_replace('%1$s', '_(\d+)$', '_a_\1')::regclass) s,
                                                public.pgstatindex(regexp_replace('%1$s', '_(\d+)$', '_a_\1')) p$$);
SELECT count(*) FILTER (WHERE result = 'ixbloom') || '/' || count(*) AS index_stats_ixbloom
  FROM run_command_on_shards('st_ev', $$SELECT access_method FROM ixstat.index_stats(regexp_replace('%1$s', '_(\d+)$', '_bl_\1')::regclass)$$);
-- A reference table's placement holds what a local table holds.
CREATE TABLE st_ref (id int, v text);
SELECT create_reference_table('st_ref');
INSERT INTO st_ref SELECT g, md5(g::text) FROM generate_series(1, 5000) g;
SELECT DISTINCT result AS ref_tuple_count
  FROM run_command_on_placements('st_ref', $$SELECT tuple_count FROM ixstat.pgstattuple('%s')$$);

-- One scan of st_ev_b on a few shards (a router query hits one shard).
-- Connections are not cached, so the worker backends end with the
-- transaction and flush their scan counters as they exit.
SET citus.propagate_set_commands TO 'local';
SET citus.max_cached_conns_per_worker TO 0;
BEGIN;
SET LOCAL enable_seqscan TO off;
SET LOCAL enable_bitmapscan TO off;
SELECT count(*) FROM st_ev WHERE b = 3 AND id = 4;
SELECT count(*) FROM st_ev WHERE b = 3 AND id = 8;
COMMIT;
SELECT pg_sleep(1);

-- The cluster report: one row per logical finding, named by the
-- distributed table and index, with the nodes where it was found.
SELECT kind, severity, table_name, index_name, nodes ~ 'worker' AS on_workers,
       detail ~ 'shard placements' AS merged, suggestion
  FROM ixstat.cluster_index_report('sc')
 WHERE table_name = 'st_ev'::regclass
 ORDER BY kind, index_name::text;
-- st_ev_b was scanned on some placements, so it is not unused.
SELECT count(*) AS st_ev_b_unused FROM ixstat.cluster_index_report('sc')
 WHERE kind = 'unused' AND index_name = 'st_ev_b'::regclass;
-- Shard names never leak into the merged report.
SELECT count(*) AS shard_names FROM ixstat.cluster_index_report('sc')
 WHERE detail ~ '_\d{6}\M' OR suggestion ~ '_\d{6}\M';
-- Its suggestions run on the coordinator against the distributed objects.
SELECT suggestion FROM ixstat.cluster_index_report('sc')
 WHERE table_name = 'st_ev'::regclass AND kind IN ('duplicate', 'redundant') \gexec
SELECT count(*) AS left_after_fix FROM ixstat.cluster_index_report('sc')
 WHERE table_name = 'st_ev'::regclass AND kind IN ('duplicate', 'redundant');
SELECT DISTINCT result AS indexes_per_shard
  FROM run_command_on_shards('st_ev', $$SELECT string_agg(regexp_replace(indexrelid::regclass::text, '_\d+$', ''), ',' ORDER BY indexrelid::regclass::text)
                                         FROM pg_index WHERE indrelid = '%s'::regclass$$);
