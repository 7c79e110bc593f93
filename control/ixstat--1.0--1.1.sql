/* control/ixstat--1.0--1.1.sql: index statistics for every access method, and the health report */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION ixstat UPDATE TO '1.1'" to load this file. \quit

-- One row with the same columns for every supported access method
-- (docs/ixstat.md, "index_stats"): a walk of every block.
CREATE FUNCTION index_stats(IN index regclass,
    OUT access_method name,
    OUT total_pages bigint,
    OUT meta_pages bigint,
    OUT internal_pages bigint,
    OUT leaf_pages bigint,
    OUT free_pages bigint,
    OUT other_pages bigint,
    OUT live_entries bigint,
    OUT dead_entries bigint,
    OUT free_bytes bigint,
    OUT avg_fill float8,
    OUT detail jsonb)
AS 'MODULE_PATHNAME', 'ixstat_index_stats'
LANGUAGE C STRICT PARALLEL SAFE;

-- The same from at most sample_pages evenly spaced blocks, scaled to the
-- whole index: the health report's cheap estimate.
CREATE FUNCTION index_stats_sample(IN index regclass, IN sample_pages integer,
    OUT access_method name,
    OUT total_pages bigint,
    OUT meta_pages bigint,
    OUT internal_pages bigint,
    OUT leaf_pages bigint,
    OUT free_pages bigint,
    OUT other_pages bigint,
    OUT live_entries bigint,
    OUT dead_entries bigint,
    OUT free_bytes bigint,
    OUT avg_fill float8,
    OUT detail jsonb)
AS 'MODULE_PATHNAME', 'ixstat_index_stats_sample'
LANGUAGE C STRICT PARALLEL SAFE;

REVOKE EXECUTE ON FUNCTION index_stats(regclass) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION index_stats_sample(regclass, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION index_stats(regclass) TO pg_stat_scan_tables;
GRANT EXECUTE ON FUNCTION index_stats_sample(regclass, integer) TO pg_stat_scan_tables;

-- The health report's page reader: index_stats_sample (or index_stats
-- with deep), NULL where the index is gone or damaged (index_stats on it
-- then names the problem), so that one index cannot end the report.
CREATE FUNCTION report_pages(index regclass, deep boolean, sample_pages integer)
RETURNS TABLE (leaf_pages bigint, free_pages bigint, total_pages bigint, dead_entries bigint,
               free_bytes bigint, dead_bytes bigint, avg_fill float8, sampled text)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    s record;
BEGIN
    IF deep THEN
        SELECT * INTO s FROM @extschema@.index_stats(index);
    ELSE
        SELECT * INTO s FROM @extschema@.index_stats_sample(index, sample_pages);
    END IF;
    RETURN QUERY SELECT s.leaf_pages, s.free_pages, s.total_pages, s.dead_entries, s.free_bytes,
                        coalesce((s.detail ->> 'dead_bytes')::bigint, 0), s.avg_fill,
                        CASE WHEN deep THEN 'every page read'
                             ELSE format('estimated from %s sampled pages',
                                         coalesce(s.detail ->> 'sampled_pages', 'all')) END;
EXCEPTION WHEN undefined_table OR index_corrupted OR data_corrupted OR feature_not_supported
               OR object_not_in_prerequisite_state THEN
    RETURN;
END
$$;
REVOKE EXECUTE ON FUNCTION report_pages(regclass, boolean, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION report_pages(regclass, boolean, integer) TO pg_stat_scan_tables;

-- The health report's findings (docs/ixstat.md, "Health report"), each
-- with the bytes at stake (the order's second key, and what
-- cluster_index_report sums over shards).  One query over the catalogs
-- and statistics, so it runs on a hot standby too (whose counters are its
-- own); pages (sampled, or every page with deep) only for bloated and
-- random_order, and only where the caller may run index_stats.
-- SECURITY INVOKER: it sees what the caller may see.  On a Citus worker it
-- sees the shards (which Citus otherwise hides from catalog queries).
CREATE FUNCTION report_findings(schema_pattern text DEFAULT NULL,
                                min_table_bytes bigint DEFAULT 0,
                                deep boolean DEFAULT false)
RETURNS TABLE (kind text, severity text, table_name regclass, index_name regclass, detail text, suggestion text,
               bytes bigint)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET citus.override_table_visibility = off
AS $report$
DECLARE
    -- Thresholds: GUCs a DBA may set (docs/ixstat.md); these are the defaults.
    bloat_pct float8 := coalesce(nullif(current_setting('ixstat.bloat_min_percent', true), '')::float8, 30);
    bloat_bytes bigint := coalesce(pg_size_bytes(nullif(current_setting('ixstat.bloat_min_bytes', true), '')),
                                   8 * 1024 * 1024);
    random_fill float8 := coalesce(nullif(current_setting('ixstat.random_order_max_fill', true), '')::float8, 80);
    sample integer := coalesce(nullif(current_setting('ixstat.sample_pages', true), '')::integer, 64);
    random_min_bytes constant bigint := 1024 * 1024;  -- below, a REINDEX for fill gains nothing worth a finding
    may_read boolean := has_function_privilege('@extschema@.report_pages(regclass, boolean, integer)', 'EXECUTE');
    block_size constant int := current_setting('block_size')::int;
    reset_at timestamptz;
    since text;
BEGIN
    SELECT d.stats_reset INTO reset_at FROM pg_stat_database d WHERE d.datname = current_database();
    since := CASE WHEN reset_at IS NULL
                  THEN format('statistics were last reset: no reset on record (counting at least since the server started at %s, %s ago)',
                              date_trunc('second', pg_postmaster_start_time()),
                              date_trunc('second', now() - pg_postmaster_start_time()))
                  ELSE format('statistics were last reset at %s (counting for %s)', date_trunc('second', reset_at),
                              date_trunc('second', now() - reset_at)) END;

    RETURN QUERY
    WITH
    -- Every index in scope, with what the rules compare.  Key lists are
    -- 1-based arrays (indkey and friends are 0-based vectors).
    idx AS MATERIALIZED (
        SELECT i.indexrelid AS ioid, i.indrelid AS toid, am.amname, ic.relkind AS ikind, i.indisvalid AS valid,
               i.indisunique AS uniq,
               -- enforces a rule or identifies rows: never unused, never the copy to drop
               i.indisprimary OR i.indisexclusion OR i.indisreplident
                 OR EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))
                 AS keeps_rule,
               EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid) AS attached,
               i.indnkeyatts::int AS nkey,
               string_to_array(i.indkey::text, ' ')::int2[] AS cols,
               string_to_array(i.indclass::text, ' ')::oid[] AS classes,
               string_to_array(i.indcollation::text, ' ')::oid[] AS colls,
               string_to_array(i.indoption::text, ' ')::int2[] AS opts,
               pg_get_expr(i.indexprs, i.indrelid) AS exprs, pg_get_expr(i.indpred, i.indrelid) AS pred,
               -- the suggestion that drops it (a partitioned index takes no CONCURRENTLY)
               format('DROP INDEX %sIF EXISTS %s;', CASE WHEN ic.relkind = 'i' THEN 'CONCURRENTLY ' ELSE '' END,
                      i.indexrelid::regclass) AS drop_sql,
               CASE WHEN ic.relkind = 'I'
                    THEN (SELECT coalesce(sum(pg_relation_size(p.relid)), 0)::bigint FROM pg_partition_tree(i.indexrelid) p)
                    ELSE pg_relation_size(i.indexrelid) END AS ibytes,
               CASE WHEN c.relkind = 'p'
                    THEN (SELECT coalesce(sum(pg_total_relation_size(p.relid)), 0)::bigint FROM pg_partition_tree(c.oid) p)
                    ELSE pg_total_relation_size(c.oid) END AS tbytes,
               CASE WHEN ic.relkind = 'I'
                    THEN (SELECT coalesce(sum(pg_stat_get_numscans(p.relid)), 0)::bigint
                            FROM pg_partition_tree(i.indexrelid) p WHERE p.isleaf)
                    ELSE pg_stat_get_numscans(i.indexrelid) END AS scans,
               coalesce((SELECT o.option_value::float8 FROM pg_options_to_table(ic.reloptions) o
                          WHERE o.option_name = 'fillfactor'),
                        CASE am.amname WHEN 'btree' THEN 90 WHEN 'ixlearn' THEN 90 WHEN 'hash' THEN 75
                                       WHEN 'gist' THEN 90 WHEN 'spgist' THEN 80 ELSE 100 END) AS ff
          FROM pg_index i
          JOIN pg_class ic ON ic.oid = i.indexrelid
          JOIN pg_class c ON c.oid = i.indrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace
          JOIN pg_am am ON am.oid = ic.relam
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
           AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'
           AND (schema_pattern IS NULL OR n.nspname LIKE schema_pattern)),
    x AS MATERIALIZED (SELECT * FROM idx WHERE idx.tbytes >= min_table_bytes),

    -- invalid: left by a failed CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY.
    invalid AS (
        SELECT 'invalid'::text AS kind, 'critical'::text AS severity, x.toid, x.ioid,
               format('%s is not valid (indisvalid = false), %s: a failed CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY leaves it. Writes still maintain it; no query reads it. Drop it, or rebuild it with REINDEX INDEX CONCURRENTLY %s.',
                      x.ioid::regclass, pg_size_pretty(x.ibytes), x.ioid::regclass) AS detail,
               x.drop_sql AS suggestion,
               x.ibytes AS bytes
          FROM x WHERE NOT x.valid),

    -- unused: no scan since the counters started.  Never an index that
    -- enforces a rule (unique, primary key, exclusion, replica identity); a
    -- partitioned index is judged over all its partitions' indexes, and
    -- those are not judged alone.
    unused AS (
        SELECT 'unused'::text, 'info'::text, x.toid, x.ioid,
               format('%s, no index scan since %s. The counters are per server: check every standby before dropping it.',
                      pg_size_pretty(x.ibytes), since),
               x.drop_sql,
               x.ibytes
          FROM x WHERE x.valid AND NOT x.uniq AND NOT x.keeps_rule AND NOT x.attached AND x.scans = 0),

    -- duplicate: the same definition as another valid index of the table.
    -- One of each group stays (a rule-keeping one, then a unique one, then
    -- the oldest); each other one is reported once.
    dup_groups AS (
        SELECT x.*, first_value(x.ioid) OVER w AS keeper, row_number() OVER w AS rn
          FROM x WHERE x.valid AND NOT x.attached
        WINDOW w AS (PARTITION BY x.toid, x.amname, x.nkey, x.cols, x.classes, x.colls, x.opts,
                                  coalesce(x.exprs, ''), coalesce(x.pred, '')
                     ORDER BY x.keeps_rule DESC, x.uniq DESC, x.ioid)),
    duplicate AS (
        SELECT 'duplicate'::text, 'warning'::text, d.toid, d.ioid,
               format('%s (%s) has the same access method, columns, operator classes, collations, sort options and predicate as %s, which stays.',
                      d.ioid::regclass, pg_size_pretty(d.ibytes), d.keeper::regclass),
               d.drop_sql,
               d.ibytes
          FROM dup_groups d WHERE d.rn > 1 AND NOT d.keeps_rule),

    -- redundant: an ordered index whose keys lead a wider index of the same
    -- method, classes, collations and sort options (the wider one has the
    -- same predicate or none, and covers its INCLUDE columns).  Never a
    -- unique or rule-keeping one, never one with expressions.
    redundant AS (
        SELECT DISTINCT ON (a.ioid) 'redundant'::text, 'warning'::text, a.toid, a.ioid,
               format('The key columns of %s (%s) lead %s, with the same operator classes, collations and sort options: %s answers its queries.',
                      a.ioid::regclass, pg_size_pretty(a.ibytes), b.ioid::regclass, b.ioid::regclass),
               a.drop_sql,
               a.ibytes
          FROM x a
          JOIN x b
            ON b.toid = a.toid AND b.ioid <> a.ioid AND b.amname = a.amname AND b.valid AND NOT b.attached
           AND b.nkey > a.nkey
           AND b.cols[1:a.nkey] = a.cols[1:a.nkey]
           AND b.classes[1:a.nkey] = a.classes[1:a.nkey]
           AND b.colls[1:a.nkey] = a.colls[1:a.nkey]
           AND b.opts[1:a.nkey] = a.opts[1:a.nkey]
           AND (b.pred IS NULL OR b.pred = a.pred)
           AND coalesce(a.cols[a.nkey + 1:], '{}') <@ b.cols
         WHERE a.amname IN ('btree', 'ixlearn') AND a.valid AND NOT a.attached AND NOT a.uniq AND NOT a.keeps_rule
           AND a.exprs IS NULL
           AND NOT EXISTS (SELECT 1 FROM dup_groups d WHERE d.ioid = a.ioid AND d.rn > 1)
         ORDER BY a.ioid, b.ioid),

    -- unindexed_fk: no valid, non-partial index (btree, ixlearn, or a
    -- one-column hash) leads with the foreign key's columns, in any order.
    unindexed_fk AS (
        SELECT 'unindexed_fk'::text, 'warning'::text, k.conrelid, NULL::oid,
               format('Foreign key %I on %s (%s; the table is %s) references %s: each DELETE or key UPDATE there searches %s without an index.',
                      k.conname, k.conrelid::regclass, cols.list, pg_size_pretty(t.tbytes), k.confrelid::regclass,
                      k.conrelid::regclass),
               format('CREATE INDEX %sON %s (%s);', CASE WHEN c.relkind = 'p' THEN '' ELSE 'CONCURRENTLY ' END,
                      k.conrelid::regclass, cols.list),
               t.tbytes
          FROM pg_constraint k
          JOIN pg_class c ON c.oid = k.conrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace
          CROSS JOIN LATERAL (SELECT CASE WHEN c.relkind = 'p'
                                          THEN (SELECT coalesce(sum(pg_total_relation_size(p.relid)), 0)::bigint
                                                  FROM pg_partition_tree(c.oid) p)
                                          ELSE pg_total_relation_size(c.oid) END AS tbytes) t
          CROSS JOIN LATERAL (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY u.ord) AS list
                                FROM unnest(k.conkey) WITH ORDINALITY u(att, ord)
                                JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.att) cols
         WHERE k.contype = 'f' AND k.conparentid = 0
           AND n.nspname NOT IN ('pg_catalog', 'information_schema')
           AND (schema_pattern IS NULL OR n.nspname LIKE schema_pattern)
           AND t.tbytes >= min_table_bytes
           AND NOT EXISTS (
               SELECT 1
                 FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
                WHERE i.indrelid = k.conrelid AND i.indisvalid AND i.indpred IS NULL
                  AND (am.amname IN ('btree', 'ixlearn') OR (am.amname = 'hash' AND cardinality(k.conkey) = 1))
                  AND i.indnkeyatts >= cardinality(k.conkey)
                  AND (SELECT array_agg(v ORDER BY v)
                         FROM unnest((string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(k.conkey)]) v)
                    = (SELECT array_agg(v ORDER BY v) FROM unnest(k.conkey) v))),

    -- Pages: a sample of each index (every page with deep), where the
    -- caller may read them, and only for indexes big enough to pass a
    -- threshold at all.
    paged AS MATERIALIZED (
        SELECT x.*, p.*,
               greatest(0, p.free_bytes + p.dead_bytes - ((1 - x.ff / 100.0) * p.leaf_pages * block_size)::bigint) AS gain
          FROM x CROSS JOIN LATERAL @extschema@.report_pages(x.ioid::regclass, deep, sample) p
         WHERE may_read AND x.valid AND x.ikind = 'i'
           AND x.amname IN ('btree', 'hash', 'gin', 'gist', 'spgist', 'brin', 'bloom', 'ixbloom', 'ixbrin', 'ixlearn')
           AND x.ibytes >= least(bloat_bytes, random_min_bytes)),
    bloated AS (
        SELECT 'bloated'::text, 'warning'::text, g.toid, g.ioid,
               format('%s: about %s (%s%%) is free or dead space (%s pages, %s of them free, leaf fill %s%%, %s dead entries; %s). A rebuild packs it to fillfactor %s.',
                      pg_size_pretty(g.ibytes), pg_size_pretty(g.gain), round(100.0 * g.gain / greatest(g.ibytes, 1)),
                      g.total_pages, g.free_pages, g.avg_fill, g.dead_entries, g.sampled, g.ff),
               format('REINDEX INDEX CONCURRENTLY %s;', g.ioid::regclass),
               g.gain
          FROM paged g
         WHERE g.gain >= bloat_bytes AND 100.0 * g.gain / greatest(g.ibytes, 1) >= bloat_pct),

    -- random_order: an ordered index on a random-valued first key (uuid, or
    -- a column whose correlation with heap order is near 0) with sparse leaves.
    random_order AS (
        SELECT 'random_order'::text, 'info'::text, g.toid, g.ioid,
               format('Leaf pages of %s are %s%% full (a fresh build fills them to %s%%): its first key takes random values (type %s, correlation with heap order %s), so new keys land on random leaves and split them half-empty.',
                      g.ioid::regclass, g.avg_fill, g.ff, format_type(a.atttypid, a.atttypmod),
                      coalesce(round(st.correlation::numeric, 2)::text, 'unknown: the table has no statistics')),
               format('REINDEX INDEX CONCURRENTLY %s; -- then prefer time-ordered keys (UUIDv7, a sequence), or a lower fillfactor to spread the splits',
                      g.ioid::regclass),
               greatest(0, (g.leaf_pages * block_size * (1 - g.avg_fill / g.ff))::bigint)
          FROM paged g
          JOIN pg_class c ON c.oid = g.toid
          JOIN pg_namespace n ON n.oid = c.relnamespace
          JOIN pg_attribute a ON a.attrelid = g.toid AND a.attnum = g.cols[1]
          LEFT JOIN pg_stats st ON st.schemaname = n.nspname AND st.tablename = c.relname AND st.attname = a.attname
                                AND NOT st.inherited
         WHERE g.amname IN ('btree', 'ixlearn') AND g.ibytes >= random_min_bytes AND g.cols[1] <> 0
           AND g.avg_fill < random_fill
           AND (a.atttypid = 'uuid'::regtype OR abs(st.correlation) < 0.3)),

    findings AS (
        SELECT * FROM invalid UNION ALL SELECT * FROM unused UNION ALL SELECT * FROM duplicate
        UNION ALL SELECT * FROM redundant UNION ALL SELECT * FROM unindexed_fk
        UNION ALL SELECT * FROM bloated UNION ALL SELECT * FROM random_order)
    SELECT f.kind, f.severity, f.toid::regclass, f.ioid::regclass, f.detail, f.suggestion, f.bytes
      FROM findings f
     ORDER BY CASE f.severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, f.bytes DESC,
              f.toid::regclass::text, f.ioid::regclass::text;
END
$report$;

REVOKE EXECUTE ON FUNCTION report_findings(text, bigint, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION report_findings(text, bigint, boolean) TO pg_monitor;

-- The health report: the findings, worst first.
CREATE FUNCTION index_report(schema_pattern text DEFAULT NULL,
                             min_table_bytes bigint DEFAULT 0,
                             deep boolean DEFAULT false)
RETURNS TABLE (kind text, severity text, table_name regclass, index_name regclass, detail text, suggestion text)
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT f.kind, f.severity, f.table_name, f.index_name, f.detail, f.suggestion
    FROM @extschema@.report_findings(schema_pattern, min_table_bytes, deep) WITH ORDINALITY f
   ORDER BY f.ordinality
$$;
REVOKE EXECUTE ON FUNCTION index_report(text, bigint, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION index_report(text, bigint, boolean) TO pg_monitor;

-- The health report of a Citus cluster, on the coordinator: every node's
-- findings (run_command_on_all_nodes), with each shard's index and table
-- named by the distributed index and table it belongs to, and one row per
-- logical finding.  unused only when every placement of every shard is
-- unused (the coordinator's shell indexes, which hold no rows, do not
-- count); bloated with the bytes summed over placements; nodes names
-- where the finding was made.
CREATE FUNCTION cluster_index_report(schema_pattern text DEFAULT NULL,
                                     min_table_bytes bigint DEFAULT 0,
                                     deep boolean DEFAULT false)
RETURNS TABLE (kind text, severity text, table_name regclass, index_name regclass, nodes text, detail text,
               suggestion text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $cluster$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        RAISE EXCEPTION 'cluster_index_report needs the citus extension in this database'
              USING ERRCODE = 'feature_not_supported',
                    HINT = 'On a single server, use ixstat.index_report().';
    END IF;
    -- Dynamic: the Citus catalogs exist only with citus installed.
    RETURN QUERY EXECUTE $q$
    WITH
    raw AS (
        SELECT CASE WHEN d.groupid = 0 THEN 'coordinator ' ELSE 'worker ' END || d.nodename || ':' || d.nodeport AS node,
               f.*
          FROM run_command_on_all_nodes(format(
                   'SELECT coalesce(json_agg(r), ''[]'') FROM @extschema@.report_findings(%L, %s, %L) r',
                   $1, $2, $3)) n
          JOIN pg_dist_node d ON d.nodeid = n.nodeid
         CROSS JOIN LATERAL json_to_recordset(CASE WHEN n.success THEN n.result::json ELSE '[]' END)
               AS f(kind text, severity text, table_name text, index_name text, detail text, suggestion text,
                    bytes bigint)),
    -- A shard's table and index are named <logical name>_<shardid>.
    mapped AS (
        SELECT r.*, s.shardid, s.logicalrelid,
               CASE WHEN s.shardid IS NULL THEN to_regclass(r.table_name) ELSE s.logicalrelid END AS ltable,
               CASE WHEN r.index_name IS NULL THEN NULL
                    WHEN s.shardid IS NULL THEN to_regclass(r.index_name)
                    ELSE to_regclass(regexp_replace(r.index_name, '_' || s.shardid || '$', '')) END AS lindex,
               EXISTS (SELECT 1 FROM pg_dist_partition p WHERE p.logicalrelid = to_regclass(r.table_name)) AS shell
          FROM raw r
          LEFT JOIN pg_dist_shard s
            ON s.shardid = nullif(substring(r.table_name FROM '_(\d+)$'), '')::bigint
           AND r.table_name LIKE '%' || (SELECT c.relname FROM pg_class c WHERE c.oid = s.logicalrelid) || '_' || s.shardid),
    -- What a finding says about one shard, said of the logical objects.
    named AS (
        SELECT m.*,
               CASE WHEN m.shardid IS NULL THEN m.detail ELSE regexp_replace(m.detail, '_' || m.shardid || '\M', '', 'g') END AS ldetail,
               CASE WHEN m.shardid IS NULL THEN m.suggestion ELSE regexp_replace(m.suggestion, '_' || m.shardid || '\M', '', 'g') END AS lsuggestion,
               (SELECT count(*) FROM pg_dist_placement pl JOIN pg_dist_shard ps ON ps.shardid = pl.shardid
                 WHERE ps.logicalrelid = m.ltable) AS placements
          FROM mapped m
         -- A shell on the coordinator holds no rows and serves no scan.
         WHERE NOT (m.shell AND m.shardid IS NULL AND m.kind IN ('unused', 'bloated', 'random_order'))),
    merged AS (
        SELECT n.kind, min(n.severity) AS severity, n.ltable, n.lindex,
               string_agg(DISTINCT n.node, ', ') AS nodes,
               count(*) FILTER (WHERE n.shardid IS NOT NULL) AS shard_findings,
               max(n.placements) AS placements,
               sum(n.bytes) AS bytes,
               (array_agg(n.ldetail ORDER BY n.shardid IS NULL, n.node))[1] AS detail,
               (array_agg(n.lsuggestion ORDER BY n.shardid IS NULL, n.node))[1] AS suggestion
          FROM named n
         WHERE n.ltable IS NOT NULL
         GROUP BY n.kind, n.ltable, n.lindex, CASE WHEN n.kind = 'unindexed_fk' THEN n.ldetail END)
    SELECT m.kind, m.severity, m.ltable, m.lindex, m.nodes,
           CASE WHEN m.shard_findings = 0 THEN m.detail
                WHEN m.kind = 'bloated' THEN format('Bloated on %s of %s shard placements, about %s in all. One of them: %s',
                                                    m.shard_findings, m.placements, pg_size_pretty(m.bytes), m.detail)
                ELSE format('On %s of %s shard placements. One of them: %s', m.shard_findings, m.placements, m.detail) END,
           m.suggestion
      FROM merged m
     -- Unused only where no placement of any shard was scanned.
     WHERE m.kind <> 'unused' OR m.shard_findings = 0 OR m.shard_findings >= m.placements
     ORDER BY CASE m.severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, m.bytes DESC,
              m.ltable::text, m.lindex::text
    $q$ USING schema_pattern, min_table_bytes, deep;
END
$cluster$;
REVOKE EXECUTE ON FUNCTION cluster_index_report(text, bigint, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cluster_index_report(text, bigint, boolean) TO pg_monitor;
