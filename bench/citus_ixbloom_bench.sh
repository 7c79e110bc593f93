#!/usr/bin/env bash
# bench/citus_ixbloom_bench.sh — the ixbloom W1 workload on one node and on
# a Citus cluster (coordinator + 2 workers on this machine, 32 shards).
#
# One Citus cluster (test/citus.sh's layout): a local table on the
# coordinator (the single-node case) and a hash-distributed copy of it, the
# same ixbloom index on both (c1..c6, length=80, colN=2, as
# bench/ixbloom_bench.sh builds for W1).  For each of W1's six queries on
# bench_t1: the index buffers (Bitmap Index Scan nodes, summed over every
# shard's plan with citus.explain_all_tasks), the rows, and the median time
# of BENCH_RUNS runs, on both.  Target: distributed index buffers <= 1.2x
# the single node's for each query; time is reported, not a target (all
# nodes share 2 cores).
#
#   bash bench/citus_ixbloom_bench.sh          (as root, after make install)
#
# Env:  BENCH_ROWS  rows of bench_t1 (5000000)    BENCH_RUNS  timed runs (5)
#       CITUS_VENDOR_DIR  as for test/citus.sh
set -euo pipefail
BENCH_ROWS="${BENCH_ROWS:-5000000}"
BENCH_RUNS="${BENCH_RUNS:-5}"
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
VENDOR="${CITUS_VENDOR_DIR:-$REPO/../shared/vendor/citus}"
if [ -z "${CITUS_VENDOR_DIR:-}" ] && [ ! -f "$VENDOR/build-citus.sh" ]; then
    origin="$(git -C "$REPO" config --get remote.origin.url 2>/dev/null || true)"
    [ -n "$origin" ] && [ -d "$origin" ] && VENDOR="$(cd "$origin/.." && pwd)/shared/vendor/citus"
fi
bash "$VENDOR/build-citus.sh" >&2
export PATH="$(pg_config --bindir):$PATH"
source test/cluster.sh
NODE_DIRS=(); NODE_PORTS=()
stop_all() { local d; for d in "${NODE_DIRS[@]}"; do CLUSTER_DIR="$d" cluster_stop; done; }
trap stop_all EXIT
trap 'exit 130' INT TERM
for node in coordinator worker1 worker2; do
    cluster_start "shared_preload_libraries = 'citus'" "max_connections = 200" "autovacuum = off" \
        "shared_buffers = 512MB" >/dev/null
    NODE_DIRS+=("$CLUSTER_DIR"); NODE_PORTS+=("$PGPORT")
done
C="${NODE_PORTS[0]}"
q() { psql -X -qAt -v ON_ERROR_STOP=1 -h localhost -p "$1" -U postgres -d postgres "${@:2}"; }
for p in "${NODE_PORTS[@]}"; do q "$p" -c "CREATE EXTENSION citus; CREATE EXTENSION ixbloom"; done
q "$C" -c "SELECT citus_set_coordinator_host('localhost', $C)" >/dev/null
for p in "${NODE_PORTS[@]:1}"; do q "$C" -c "SELECT citus_add_node('localhost', $p)" >/dev/null; done

log "loading $BENCH_ROWS rows into a local and a distributed bench_t1"
q "$C" -v rows="$BENCH_ROWS" <<'SQL'
CREATE FUNCTION bench_h(g int, seed int, n int) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ((hashint4extended(g, seed) & 2147483647) % n)::int;
CREATE TABLE t1_local (id int, c1 int4, c2 int4, c3 int4, c4 int4, c5 int4, c6 int4);
INSERT INTO t1_local SELECT g, bench_h(g, 1, 100000), bench_h(g, 2, 50000), bench_h(g, 3, 1000000),
       bench_h(g, 4, 20), bench_h(g, 5, 200), bench_h(g, 6, 1000) FROM generate_series(1, :rows) g;
CREATE TABLE t1_dist (LIKE t1_local);
SELECT create_distributed_table('t1_dist', 'id') \g /dev/null
INSERT INTO t1_dist SELECT * FROM t1_local;
SQL
log "building the indexes"
q "$C" <<'SQL'
\timing on
CREATE INDEX t1_local_bl ON t1_local USING ixbloom (c1, c2, c3, c4, c5, c6)
  WITH (length = 80, col1 = 2, col2 = 2, col3 = 2, col4 = 2, col5 = 2, col6 = 2);
CREATE INDEX t1_dist_bl ON t1_dist USING ixbloom (c1, c2, c3, c4, c5, c6)
  WITH (length = 80, col1 = 2, col2 = 2, col3 = 2, col4 = 2, col5 = 2, col6 = 2);
SQL
q "$C" -c "VACUUM ANALYZE t1_local" -c "VACUUM ANALYZE t1_dist" -c "CHECKPOINT"

log "timing W1's six queries, $BENCH_RUNS runs each side"
q "$C" -v runs="$BENCH_RUNS" <<'SQL'
SET bench.runs = :runs;
-- Constants from one existing row, as bench/ixbloom_bench.sh takes them.
CREATE TABLE w1 (qid int, cols text[], g int);
INSERT INTO w1 VALUES (1, '{c1,c2}', 101), (2, '{c3,c4}', 202), (3, '{c5,c6}', 303),
                      (4, '{c4,c5,c6}', 404), (5, '{c1,c3,c5}', 505), (6, '{c2,c4,c6}', 606);
CREATE FUNCTION where_of(cols text[], g int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text; c text; parts text[] := '{}';
BEGIN
  FOREACH c IN ARRAY cols LOOP
    EXECUTE format('SELECT %I FROM t1_local WHERE id = %s', c, g) INTO r;
    parts := parts || format('%I = %s', c, r);
  END LOOP;
  RETURN array_to_string(parts, ' AND ');
END $$;
-- Index buffers of one run: every Bitmap Index Scan node, in every task's plan.
CREATE FUNCTION index_buffers(q text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE j jsonb;
BEGIN
  SET LOCAL citus.explain_all_tasks = on;
  EXECUTE 'EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ' || q INTO j;
  RETURN (SELECT coalesce(sum((n ->> 'Shared Hit Blocks')::bigint + (n ->> 'Shared Read Blocks')::bigint), 0)
            FROM jsonb_path_query(j, 'strict $.** ? (@."Node Type" == "Bitmap Index Scan")') n);
END $$;
CREATE FUNCTION median_ms(q text, runs int) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE t timestamptz; s numeric[] := '{}';
BEGIN
  EXECUTE q;  -- warm-up
  FOR i IN 1..runs LOOP
    t := clock_timestamp();
    EXECUTE q;
    s := s || (extract(epoch FROM clock_timestamp() - t) * 1000)::numeric;
  END LOOP;
  RETURN round((SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(s) x)::numeric, 2);
END $$;
CREATE TABLE result AS SELECT qid, array_to_string(cols, ', ') AS cols, where_of(cols, g) AS cond FROM w1;
ALTER TABLE result ADD COLUMN rows_local bigint, ADD COLUMN rows_dist bigint,
  ADD COLUMN buf_local bigint, ADD COLUMN buf_dist bigint, ADD COLUMN ms_local numeric, ADD COLUMN ms_dist numeric;
DO $$
DECLARE r record; n bigint;
BEGIN
  FOR r IN SELECT * FROM result ORDER BY qid LOOP
    EXECUTE 'SELECT count(*) FROM t1_local WHERE ' || r.cond INTO n;
    UPDATE result SET rows_local = n WHERE qid = r.qid;
    EXECUTE 'SELECT count(*) FROM t1_dist WHERE ' || r.cond INTO n;
    UPDATE result SET rows_dist = n WHERE qid = r.qid;
    UPDATE result SET buf_local = index_buffers('SELECT * FROM t1_local WHERE ' || r.cond),
                      buf_dist = index_buffers('SELECT * FROM t1_dist WHERE ' || r.cond),
                      ms_local = median_ms('SELECT * FROM t1_local WHERE ' || r.cond, current_setting('bench.runs')::int),
                      ms_dist = median_ms('SELECT * FROM t1_dist WHERE ' || r.cond, current_setting('bench.runs')::int)
     WHERE qid = r.qid;
  END LOOP;
END $$;
SQL
SIZES=$(q "$C" -c "SELECT pg_size_pretty(pg_relation_size('t1_local_bl')) || ' single node, '
                   || pg_size_pretty(citus_relation_size('t1_dist_bl')) || ' over 32 shards'" 2>/dev/null ||
        q "$C" -c "SELECT pg_size_pretty(pg_relation_size('t1_local_bl')) || ' single node'")
echo
echo "W1 on one node and on Citus (coordinator + 2 workers, 32 shards), BENCH_ROWS=$BENCH_ROWS, $BENCH_RUNS runs"
echo "index size: $SIZES"
echo
echo "| query | columns | rows (same on both) | index buffers, one node | index buffers, 32 shards | ratio (target <= 1.2) | ms one node | ms Citus |"
echo "|---|---|--:|--:|--:|--:|--:|--:|"
q "$C" -F ' | ' -c "SELECT '| Q' || qid, cols, CASE WHEN rows_local = rows_dist THEN rows_local::text ELSE 'DIFFER ' || rows_local || ' vs ' || rows_dist END,
                          buf_local, buf_dist, round(buf_dist::numeric / greatest(buf_local, 1), 2), ms_local, ms_dist || ' |'
                     FROM result ORDER BY qid"
echo
q "$C" -c "SELECT 'target: index buffers <= 1.2x on ' || count(*) FILTER (WHERE buf_dist <= 1.2 * buf_local) || ' of ' || count(*) || ' queries'
                  || ', rows equal on ' || count(*) FILTER (WHERE rows_local = rows_dist) || ' of ' || count(*) FROM result"
