-- citus_setup.sql — the cluster the scale-out suite runs on, and the
-- helpers every other file uses.  Names and counts only: ports and shard
-- ids change from run to run.
SELECT count(*) AS workers FROM pg_dist_node WHERE groupid > 0 AND isactive;
SELECT extname FROM pg_extension WHERE extname IN ('citus', 'ixstat', 'ixbloom', 'ixbrin') ORDER BY 1;
SELECT result FROM run_command_on_workers(
  $$SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension
     WHERE extname IN ('citus', 'ixstat', 'ixbloom', 'ixbrin')$$) ORDER BY 1;
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
