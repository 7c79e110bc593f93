-- bench/ixbloom_probe.sql — loaded by the ixbloom trickle and holes benches.
-- bench_probe(q): run q with seq scans off under EXPLAIN (ANALYZE, BUFFERS)
-- and return the buffers (hit + read) of its Bitmap Index Scan, the rows q
-- returned, and the index the scan used (to check it is the intended one).
CREATE FUNCTION bench_probe(q text, OUT bufs bigint, OUT nrows bigint, OUT used text)
LANGUAGE plpgsql AS $$
DECLARE j json; node json;
BEGIN
    SET LOCAL enable_seqscan = off;
    EXECUTE 'EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, FORMAT JSON) ' || q INTO j;
    node := j->0->'Plan'->'Plans'->0;
    bufs := (node->>'Shared Hit Blocks')::bigint + (node->>'Shared Read Blocks')::bigint;
    nrows := (j->0->'Plan'->>'Actual Rows')::bigint;
    used := node->>'Index Name';
END $$;
