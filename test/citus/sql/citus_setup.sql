-- citus_setup.sql — the cluster the scale-out suite runs on, and the
-- helpers every other file uses.  Names and counts only: ports and shard
-- ids change from run to run.
SELECT count(*) AS workers FROM pg_dist_node WHERE groupid > 0 AND isactive;
SELECT extname FROM pg_extension WHERE extname IN ('citus', 'ixstat', 'ixbloom', 'ixbrin', 'ixlearn') ORDER BY 1;
SELECT result FROM run_command_on_workers(
  $$SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension
     WHERE extname IN ('citus', 'ixstat', 'ixbloom', 'ixbrin', 'ixlearn')$$) ORDER BY 1;
SHOW citus.shard_count;

CREATE SCHEMA sc;

-- Each shard placement of `dist`: how many indexes of access method `am`
-- its shard has ('n/m': placements with exactly one / placements).
CREATE FUNCTION sc.placements_with_index(dist regclass, am text) RETURNS text LANGUAGE sql AS $$
  SELECT count(*) FILTER (WHERE result = '1') || '/' || count(*)
    FROM run_command_on_placements(dist, format(
      $q$SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
          WHERE i.indrelid = '%%s'::regclass AND a.amname = %L$q$, am)) $$;

-- Rows of a query as one ordered string (ORDER BY keeps its order when the
-- query has one; else sorted).
CREATE FUNCTION sc.rows_of(q text, ordered boolean) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
  IF ordered THEN
    EXECUTE format('SELECT coalesce(string_agg(x::text, %L), '''') FROM (%s) x', ';', q) INTO r;
  ELSE
    EXECUTE format('SELECT coalesce(string_agg(x::text, %L ORDER BY x::text), '''') FROM (%s) x', ';', q) INTO r;
  END IF;
  RETURN r;
END $$;

-- Run each query of `queries` (with %1$s standing for the table) against
-- the distributed table and the local one: the queries whose rows differ.
CREATE FUNCTION sc.mismatches(dist text, local text, queries text[], ordered boolean)
RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE q text;
BEGIN
  FOREACH q IN ARRAY queries LOOP
    IF sc.rows_of(format(q, dist), ordered) IS DISTINCT FROM sc.rows_of(format(q, local), ordered) THEN
      RETURN NEXT format(q, dist);
    END IF;
  END LOOP;
END $$;

-- EXPLAIN of a query with citus.explain_all_tasks: how many tasks used an
-- index of `index_prefix` (shard indexes are named prefix_<shardid>), and
-- how many tasks there were ('n/m').
CREATE FUNCTION sc.tasks_using(q text, index_prefix text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE line text; used int := 0; tasks int := 0;
BEGIN
  SET LOCAL citus.explain_all_tasks = on;
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
    IF line ~ '->  Task$' OR line ~ '^\s*->\s+Task\s*$' THEN tasks := tasks + 1; END IF;
    IF line ~ ('(Index Scan|Index Only Scan|Bitmap Index Scan)( Backward)? (using|on) ' || index_prefix || '_\d+') THEN
      used := used + 1;
    END IF;
  END LOOP;
  RETURN used || '/' || tasks;
END $$;

-- Move the first shard of `dist` (with its co-located shards) to the other
-- worker (block_writes); true if it is there afterwards.
CREATE FUNCTION sc.move_first_shard(dist regclass) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE m record; now_on int;
BEGIN
  SELECT s.shardid, p.nodename AS from_name, p.nodeport AS from_port, n.nodename AS to_name, n.nodeport AS to_port
    INTO m
    FROM pg_dist_shard s
    JOIN pg_dist_shard_placement p USING (shardid)
    JOIN pg_dist_node n ON n.groupid > 0 AND n.nodeport <> p.nodeport
   WHERE s.logicalrelid = dist
   ORDER BY s.shardid LIMIT 1;
  PERFORM citus_move_shard_placement(m.shardid, m.from_name, m.from_port, m.to_name, m.to_port,
                                     shard_transfer_mode => 'block_writes');
  SELECT nodeport INTO now_on FROM pg_dist_shard_placement WHERE shardid = m.shardid;
  RETURN now_on = m.to_port;
END $$;
