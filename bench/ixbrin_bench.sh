#!/usr/bin/env bash
# bench/ixbrin_bench.sh — ixbrin vs BRIN (minmax, minmax-multi, bloom) vs
# btree on one time series, side by side in one run.
#
# Starts a throwaway PostgreSQL 15 cluster (test/cluster.sh) and loads
# bench_ts (ts timestamptz, device_id int, value float8): ts rises one
# second a row with up to 7 s of jitter; device_id is weakly correlated
# (about 20 distinct values per 128-page range); value is random; 1 row in
# 10,000 has an outlier ts (ten years later).  Then, in order:
#
#   1. builds: every index built BENCH_BUILD_RUNS times (median), sizes;
#   2. outliers: range queries with the outliers in place; DELETE of the
#      oldest 10% and of the outliers, VACUUM; ixbrin_check; the same
#      queries through the vacuumed indexes and through a fresh ixbrin;
#   3. the cleaned table (BRIN rebuilt, so that it is not judged on stale
#      ranges): ts ranges of 0.01%, 0.1%, 1%; ORDER BY ts [DESC] LIMIT 10
#      as the planner picks it with default settings (btree hidden) and
#      BRIN's plan for it (ixbrin and btree hidden); the same WHERE
#      device_id = X; device_id = X through bloom summaries;
#   4. 1,000,000 rows appended without VACUUM: the newest 0.1% through the
#      index as it is, through a fresh build, and through BRIN;
#   5. pgbench: single-row appends into an empty table with one index.
#
# Each measurement runs with every other index of the table hidden
# (pg_index.indisvalid = false in a subtransaction that is rolled back);
# EXPLAIN (ANALYZE, BUFFERS) must show the index meant, and every result is
# checked against a sequential scan.  Buffers are the plan's shared hits +
# reads (they do not drift); times are medians of BENCH_RUNS warm runs.
# Prints markdown for docs/benchmarks.md and the issue's targets (met /
# not met), never enforced.
#
#   make && make install && bash bench/ixbrin_bench.sh                  (as root)
#   BENCH_ROWS=300000 BENCH_RUNS=3 BENCH_PGBENCH_SECONDS=3 bash bench/ixbrin_bench.sh   (smoke test)
#
# Env:  BENCH_ROWS             rows of bench_ts                         (10000000)
#       BENCH_RUNS             timed samples per query                  (7)
#       BENCH_BUILD_RUNS       builds per index (median)                (3)
#       BENCH_PGBENCH_SECONDS  length of one pgbench run                (15)
#       BENCH_PGBENCH_RUNS     pgbench runs per index (alternating)     (3)
#       BENCH_SHARED_BUFFERS                                            (2GB)
# Exit status: 0 when every result matched the seq scan and every plan used
# the index meant; 1 otherwise; 2 = setup problem.

set -euo pipefail

BENCH_ROWS="${BENCH_ROWS:-10000000}"
BENCH_RUNS="${BENCH_RUNS:-7}"
BENCH_BUILD_RUNS="${BENCH_BUILD_RUNS:-3}"
BENCH_PGBENCH_SECONDS="${BENCH_PGBENCH_SECONDS:-15}"
BENCH_PGBENCH_RUNS="${BENCH_PGBENCH_RUNS:-3}"
BENCH_SHARED_BUFFERS="${BENCH_SHARED_BUFFERS:-2GB}"

die() { echo "ixbrin_bench: $*" >&2; exit 2; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
for v in BENCH_ROWS BENCH_RUNS BENCH_BUILD_RUNS BENCH_PGBENCH_SECONDS BENCH_PGBENCH_RUNS; do
    [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done
[ "$BENCH_ROWS" -ge 100000 ] || die "BENCH_ROWS must be at least 100000"

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXTDIR="$(pg_config --sharedir)/extension"
PKGLIBDIR="$(pg_config --pkglibdir)"
[ -f "$EXTDIR/ixbrin.control" ] && [ -f "$PKGLIBDIR/ixbrin.so" ] ||
    die "extension ixbrin is not installed; run 'make && make install' in $REPO first"
if ldd "$PKGLIBDIR/ixbrin.so" 2>/dev/null | grep -Eq 'lib(a|ub|t)san'; then
    die "the installed ixbrin.so is a sanitizer build; reinstall the normal build with 'make install'"
fi

# shellcheck source=../test/cluster.sh
source "$REPO/test/cluster.sh"
unset CLUSTER_SERVER_ENV
PGBENCH="$PG_BINDIR/pgbench"
source "$REPO/bench/bench_session.sh"

log "starting throwaway cluster (shared_buffers = $BENCH_SHARED_BUFFERS)"
cluster_start "shared_buffers = '$BENCH_SHARED_BUFFERS'" "autovacuum = off" "maintenance_work_mem = '1GB'" \
    "max_parallel_workers_per_gather = 0" "max_parallel_maintenance_workers = 0" "checkpoint_timeout = '1h'" \
    "jit = off" "work_mem = '16MB'"
run -c "CREATE EXTENSION ixbrin" || die "CREATE EXTENSION ixbrin failed"
run -c "CREATE EXTENSION pg_prewarm" || die "pg_prewarm is needed (contrib)"

FAILED=0
# --- helpers (SQL) --------------------------------------------------------------
run <<'SQL'
CREATE TABLE bench_result (phase text, label text, side text, buffers bigint, ms float8, plan text, rows_ok bool);
-- Run EXPLAIN ANALYZE of q with only the indexes in keep valid (the rest
-- hidden in a subtransaction that is rolled back): the plan's buffers,
-- its execution time, its node types, and its result checked against a
-- sequential scan.
CREATE FUNCTION bench_only(keep text[], q text, force bool, OUT buffers bigint, OUT ms float8, OUT plan text, OUT result text)
LANGUAGE plpgsql AS $$
DECLARE j json;
BEGIN
  BEGIN
    IF force THEN
      PERFORM set_config('enable_seqscan', 'off', true);
    END IF;
    UPDATE pg_index SET indisvalid = false
     WHERE indrelid IN (SELECT indrelid FROM pg_index WHERE indexrelid = ANY(SELECT to_regclass(k) FROM unnest(keep) k)
                        UNION SELECT 'bench_ts'::regclass)
       AND indexrelid <> ALL(SELECT to_regclass(k) FROM unnest(keep) k);
    EXECUTE 'EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, FORMAT JSON) ' || q INTO j;
    buffers := (j -> 0 -> 'Plan' ->> 'Shared Hit Blocks')::bigint + (j -> 0 -> 'Plan' ->> 'Shared Read Blocks')::bigint;
    ms := (j -> 0 ->> 'Execution Time')::float8;
    SELECT string_agg(DISTINCT (x ->> 'Node Type') || coalesce(' ' || (x ->> 'Index Name'), ''), ', ')
      INTO plan FROM jsonb_path_query(j::jsonb, 'strict $.**') x
     WHERE jsonb_typeof(x) = 'object' AND x ? 'Node Type' AND x ->> 'Node Type' NOT IN ('Limit', 'Result', 'Aggregate');
    EXECUTE 'SELECT md5(string_agg(r::text, '','')) FROM (' || q || ') r' INTO result;
    PERFORM set_config('enable_seqscan', 'on', true);
    RAISE EXCEPTION USING ERRCODE = 'BNRBK', MESSAGE = 'bench: undo the hiding';
  EXCEPTION WHEN SQLSTATE 'BNRBK' THEN
    NULL;
  END;
END $$;
-- Median time of n runs through the indexes in keep; buffers of the last.
-- (force: the index is used even where the planner would not; without it,
-- the plan is the planner's own, with default settings.)
CREATE FUNCTION bench_measure(phase text, label text, side text, keep text[], q text, expect_index text, force bool,
                              n int)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  times float8[] := '{}';
  r record;
  seq text;
BEGIN
  PERFORM bench_only(keep, q, force);  -- warm
  FOR i IN 1 .. n LOOP
    SELECT * INTO r FROM bench_only(keep, q, force);
    times := times || r.ms;
  END LOOP;
  PERFORM set_config('enable_indexscan', 'off', true);
  PERFORM set_config('enable_bitmapscan', 'off', true);
  EXECUTE 'SELECT md5(string_agg(r::text, '','')) FROM (' || q || ') r' INTO seq;
  PERFORM set_config('enable_indexscan', 'on', true);
  PERFORM set_config('enable_bitmapscan', 'on', true);
  INSERT INTO bench_result VALUES (phase, label, side, r.buffers,
    (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY t) FROM unnest(times) t), r.plan,
    r.result IS NOT DISTINCT FROM seq AND (expect_index IS NULL OR r.plan LIKE '%' || expect_index || '%'));
END $$;
-- Build an index n times; the median milliseconds.
CREATE FUNCTION bench_build(ddl text, name text, n int) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
  times float8[] := '{}';
  t0 timestamptz;
BEGIN
  FOR i IN 1 .. n LOOP
    EXECUTE format('DROP INDEX IF EXISTS %I', name);
    t0 := clock_timestamp();
    EXECUTE ddl;
    times := times || extract(epoch FROM clock_timestamp() - t0) * 1000;
  END LOOP;
  RETURN (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY t) FROM unnest(times) t);
END $$;
CREATE TABLE bench_build_result (name text, am text, ms float8, bytes bigint);
SQL

# --- data -------------------------------------------------------------------------
log "loading bench_ts: $BENCH_ROWS rows"
run -v rows="$BENCH_ROWS" <<'SQL'
CREATE TABLE bench_ts (ts timestamptz, device_id int, value float8) WITH (autovacuum_enabled = off);
INSERT INTO bench_ts
SELECT '2026-01-01'::timestamptz + i * interval '1 s' + (hashint4(i) & 7) * interval '1 s'
         + CASE WHEN i % 10000 = 5000 THEN interval '3650 days' ELSE interval '0' END,
       ((i / 1000) + (hashint4(i + 1) & 1)) % 1000,
       (hashint4(i + 2) & 1048575) / 1048576.0
  FROM generate_series(1, :rows) i;
VACUUM ANALYZE bench_ts;
SQL
HEAP_PAGES=$(sql "SELECT pg_relation_size('bench_ts') / 8192")
log "bench_ts: $HEAP_PAGES heap pages"

# --- 1. builds ---------------------------------------------------------------------
declare -A DDL=(
    [brin_ts]="CREATE INDEX brin_ts ON bench_ts USING brin (ts)"
    [brin_ts_multi]="CREATE INDEX brin_ts_multi ON bench_ts USING brin (ts timestamptz_minmax_multi_ops)"
    [ixbrin_ts]="CREATE INDEX ixbrin_ts ON bench_ts USING ixbrin (ts)"
    [ixbrin_ts_multi]="CREATE INDEX ixbrin_ts_multi ON bench_ts USING ixbrin (ts timestamptz_minmax_multi_ops)"
    [btree_ts]="CREATE INDEX btree_ts ON bench_ts USING btree (ts)"
    [brin_dev]="CREATE INDEX brin_dev ON bench_ts USING brin (device_id int4_bloom_ops)"
    [ixbrin_dev]="CREATE INDEX ixbrin_dev ON bench_ts USING ixbrin (device_id int4_bloom_ops)"
    [ixbrin_ts_dev]="CREATE INDEX ixbrin_ts_dev ON bench_ts USING ixbrin (ts, device_id int4_bloom_ops)"
)
ORDER=(brin_ts ixbrin_ts brin_ts_multi ixbrin_ts_multi brin_dev ixbrin_dev ixbrin_ts_dev btree_ts)
for name in "${ORDER[@]}"; do
    log "building $name ($BENCH_BUILD_RUNS times)"
    run -c "INSERT INTO bench_build_result SELECT '$name', split_part('$name', '_', 1),
                bench_build(\$\$${DDL[$name]}\$\$, '$name', $BENCH_BUILD_RUNS), NULL"
    run -c "UPDATE bench_build_result SET bytes = pg_relation_size('$name') WHERE name = '$name'"
done
run -c "SELECT pg_prewarm('bench_ts')" >/dev/null

# The queries: windows in the middle of the series (after the oldest 10%).
T0=$(sql "SELECT '2026-01-01'::timestamptz + ($BENCH_ROWS * 0.55)::int * interval '1 s'")
q_range() { echo "SELECT count(*), sum(value) FROM bench_ts WHERE ts >= '$T0' AND ts < '$T0'::timestamptz + $1 * interval '1 s'"; }
W001=$((BENCH_ROWS / 10000)); W01=$((BENCH_ROWS / 1000)); W1=$((BENCH_ROWS / 100))

measure() { # phase label side keep query expect-index [planner]
    local force=true
    [ "${7:-}" = planner ] && force=false
    run -c "SELECT bench_measure(\$\$$1\$\$, \$\$$2\$\$, \$\$$3\$\$, \$\$$4\$\$::text[], \$\$$5\$\$, NULLIF(\$\$$6\$\$, ''), $force, $BENCH_RUNS)" >/dev/null
}

# --- 2. outliers, DELETE, VACUUM ---------------------------------------------------
log "phase 2: outliers, then DELETE + VACUUM"
for w in $W001 $W01 $W1; do
    measure outliers "range of $w rows" brin "{brin_ts}" "$(q_range $w)" brin_ts
    measure outliers "range of $w rows" ixbrin "{ixbrin_ts}" "$(q_range $w)" ixbrin_ts
done
run <<SQL
DELETE FROM bench_ts WHERE ts < '2026-01-01'::timestamptz + ($BENCH_ROWS / 10) * interval '1 s'
                        OR ts > '2030-01-01';
VACUUM bench_ts;
SQL
EXACT=$(sql "SELECT count(*) FROM ixbrin_check('ixbrin_ts')")
for w in $W001 $W01 $W1; do
    measure vacuumed "range of $w rows" brin "{brin_ts}" "$(q_range $w)" brin_ts
    measure vacuumed "range of $w rows" ixbrin "{ixbrin_ts}" "$(q_range $w)" ixbrin_ts
done
run -c "CREATE INDEX ixbrin_fresh ON bench_ts USING ixbrin (ts)"
for w in $W001 $W01 $W1; do
    measure vacuumed "range of $w rows" ixbrin_fresh "{ixbrin_fresh}" "$(q_range $w)" ixbrin_fresh
done
run -c "DROP INDEX ixbrin_fresh; REINDEX INDEX brin_ts; REINDEX INDEX brin_ts_multi; REINDEX INDEX brin_dev; CHECKPOINT"

# --- 3. the cleaned table ------------------------------------------------------------
log "phase 3: ranges, ORDER BY ... LIMIT, device_id"
for w in $W001 $W01 $W1; do
    measure ranges "range of $w rows" brin "{brin_ts}" "$(q_range $w)" brin_ts
    measure ranges "range of $w rows" brin_multi "{brin_ts_multi}" "$(q_range $w)" brin_ts_multi
    measure ranges "range of $w rows" ixbrin "{ixbrin_ts}" "$(q_range $w)" ixbrin_ts
    measure ranges "range of $w rows" btree "{btree_ts}" "$(q_range $w)" btree_ts
done
DEV=$(sql "SELECT device_id FROM bench_ts ORDER BY ts DESC LIMIT 1 OFFSET 50000")
for dir in DESC ASC; do
    q="SELECT ts FROM bench_ts ORDER BY ts $dir LIMIT 10"
    measure order "ORDER BY ts $dir LIMIT 10" ixbrin "{ixbrin_ts,brin_ts,brin_ts_multi,brin_dev,ixbrin_dev}" "$q" ixbrin_ts planner
    measure order "ORDER BY ts $dir LIMIT 10" brin_plan "{brin_ts,brin_ts_multi,brin_dev}" "$q" "" planner
    measure order "ORDER BY ts $dir LIMIT 10" btree "{btree_ts}" "$q" btree_ts planner
    q="SELECT ts FROM bench_ts WHERE device_id = $DEV ORDER BY ts $dir LIMIT 10"
    measure order "device_id = X ORDER BY ts $dir LIMIT 10" ixbrin "{ixbrin_ts_dev,brin_ts,brin_dev,ixbrin_dev}" "$q" ixbrin_ts_dev planner
    measure order "device_id = X ORDER BY ts $dir LIMIT 10" brin_plan "{brin_ts,brin_dev}" "$q" "" planner
done
q="SELECT count(*), sum(value) FROM bench_ts WHERE device_id = $DEV"
measure device "device_id = X" brin_bloom "{brin_dev}" "$q" brin_dev
measure device "device_id = X" ixbrin_bloom "{ixbrin_dev}" "$q" ixbrin_dev

# --- 4. appends without VACUUM ---------------------------------------------------------
log "phase 4: 1,000,000 appended rows, no VACUUM"
APPEND=$((BENCH_ROWS / 10))
run <<SQL
INSERT INTO bench_ts
SELECT '2026-01-01'::timestamptz + i * interval '1 s' + (hashint4(i) & 7) * interval '1 s',
       ((i / 1000) + (hashint4(i + 1) & 1)) % 1000, (hashint4(i + 2) & 1048575) / 1048576.0
  FROM generate_series($BENCH_ROWS + 1, $BENCH_ROWS + $APPEND) i;
SQL
TN=$(sql "SELECT '2026-01-01'::timestamptz + ($BENCH_ROWS + $APPEND - $W01) * interval '1 s'")
q="SELECT count(*), sum(value) FROM bench_ts WHERE ts >= '$TN'"
measure appended "newest 0.1%" brin "{brin_ts}" "$q" brin_ts
measure appended "newest 0.1%" ixbrin "{ixbrin_ts}" "$q" ixbrin_ts
run -c "CREATE INDEX ixbrin_fresh ON bench_ts USING ixbrin (ts)"
measure appended "newest 0.1%" ixbrin_fresh "{ixbrin_fresh}" "$q" ixbrin_fresh
run -c "DROP INDEX ixbrin_fresh"

# --- 5. pgbench appends ------------------------------------------------------------------
log "phase 5: pgbench single-row appends"
declare -A TPS
for am in brin ixbrin btree; do
    run -c "CREATE TABLE app_$am (ts timestamptz, device_id int, value float8) WITH (autovacuum_enabled = off);
            CREATE INDEX ON app_$am USING $am (ts)"
    echo "INSERT INTO app_$am VALUES (clock_timestamp(), 1, 0.5);" >"$CLUSTER_DIR/app_$am.sql"
    TPS[$am]=""
done
for r in $(seq 1 "$BENCH_PGBENCH_RUNS"); do
    for am in brin ixbrin btree; do
        t=$("$PGBENCH" -n -c 2 -j 2 -T "$BENCH_PGBENCH_SECONDS" -f "$CLUSTER_DIR/app_$am.sql" 2>/dev/null |
            sed -n 's/^tps = \([0-9.]*\).*/\1/p')
        TPS[$am]="${TPS[$am]} $t"
    done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for am in brin ixbrin btree; do
    run -c "INSERT INTO bench_result VALUES ('pgbench', 'single-row append tps', '$am', NULL, $(echo "${TPS[$am]}" | median), NULL, true)"
done

# --- report --------------------------------------------------------------------------------
echo
echo "bench_ts: $BENCH_ROWS rows, $HEAP_PAGES heap pages; BENCH_RUNS=$BENCH_RUNS, BENCH_BUILD_RUNS=$BENCH_BUILD_RUNS, $(date -u +%Y-%m-%d)"
echo
echo "| index | build ms (median) | size kB |"
echo "|---|--:|--:|"
sql "SELECT format('| %s | %s | %s |', name, round(ms::numeric, 1), bytes / 1024) FROM bench_build_result ORDER BY name"
echo
echo "| phase | query | side | buffers | median ms | plan | rows ok |"
echo "|---|---|---|--:|--:|---|:-:|"
sql "SELECT format('| %s | %s | %s | %s | %s | %s | %s |', phase, label, side, coalesce(buffers::text, ''),
                   round(ms::numeric, 3), coalesce(plan, ''), CASE WHEN rows_ok THEN 'yes' ELSE 'NO' END)
       FROM bench_result ORDER BY ctid"
echo
echo "every summary exact after DELETE + VACUUM (ixbrin_check rows): $EXACT"
echo
echo "Targets:"
sql "
WITH b AS (SELECT * FROM bench_build_result), r AS (SELECT * FROM bench_result),
     v AS (SELECT phase, label, side, buffers, ms FROM r)
SELECT format('%-72s %s', what, CASE WHEN ok THEN 'met' ELSE 'NOT MET' END || ' (' || detail || ')') FROM (
  SELECT 'size <= 1.5x BRIN (ts)' AS what,
         (SELECT bytes FROM b WHERE name = 'ixbrin_ts') <= 1.5 * (SELECT bytes FROM b WHERE name = 'brin_ts') AS ok,
         round((SELECT bytes FROM b WHERE name = 'ixbrin_ts')::numeric / (SELECT bytes FROM b WHERE name = 'brin_ts'), 2)::text AS detail
  UNION ALL SELECT 'build time <= 1.2x BRIN (ts)',
         (SELECT ms FROM b WHERE name = 'ixbrin_ts') <= 1.2 * (SELECT ms FROM b WHERE name = 'brin_ts'),
         round(((SELECT ms FROM b WHERE name = 'ixbrin_ts') / (SELECT ms FROM b WHERE name = 'brin_ts'))::numeric, 2)::text
  UNION ALL SELECT 'ts ranges: buffers <= BRIN (' || x.label || ')', x.buffers <= y.buffers, x.buffers || ' vs ' || y.buffers
    FROM v x JOIN v y ON y.phase = x.phase AND y.label = x.label AND y.side = 'brin' WHERE x.phase = 'ranges' AND x.side = 'ixbrin'
  UNION ALL SELECT 'after appends: newest 0.1% <= 1.1x a fresh build', x.buffers <= 1.1 * y.buffers,
         x.buffers || ' vs fresh ' || y.buffers || ', BRIN ' || z.buffers
    FROM v x, v y, v z WHERE x.phase = 'appended' AND x.side = 'ixbrin' AND y.phase = 'appended' AND y.side = 'ixbrin_fresh'
     AND z.phase = 'appended' AND z.side = 'brin'
  UNION ALL SELECT 'after DELETE + VACUUM: <= 1.05x a fresh build (' || x.label || ')', x.buffers <= 1.05 * y.buffers,
         x.buffers || ' vs fresh ' || y.buffers || ', BRIN ' || z.buffers
    FROM v x JOIN v y ON y.phase = x.phase AND y.label = x.label AND y.side = 'ixbrin_fresh'
             JOIN v z ON z.phase = x.phase AND z.label = x.label AND z.side = 'brin'
   WHERE x.phase = 'vacuumed' AND x.side = 'ixbrin'
  UNION ALL SELECT x.label || ': <= 637 buffers, <= 1/100 of BRIN''s plan time', x.buffers <= 637 AND x.ms * 100 <= y.ms,
         x.buffers || ' buffers, ' || round(x.ms::numeric, 3) || ' ms vs ' || round(y.ms::numeric, 1) || ' ms'
    FROM v x JOIN v y ON y.phase = x.phase AND y.label = x.label AND y.side = 'brin_plan'
   WHERE x.phase = 'order' AND x.side = 'ixbrin' AND x.label NOT LIKE 'device%'
  UNION ALL SELECT x.label || ': <= 10x the unfiltered buffers', x.buffers <= 10 * y.buffers, x.buffers || ' vs ' || y.buffers
    FROM v x JOIN v y ON y.phase = 'order' AND y.side = 'ixbrin' AND y.label = replace(x.label, 'device_id = X ', '')
   WHERE x.phase = 'order' AND x.side = 'ixbrin' AND x.label LIKE 'device%'
  UNION ALL SELECT 'device_id = X: buffers <= BRIN bloom', x.buffers <= y.buffers, x.buffers || ' vs ' || y.buffers
    FROM v x, v y WHERE x.phase = 'device' AND x.side = 'ixbrin_bloom' AND y.phase = 'device' AND y.side = 'brin_bloom'
  UNION ALL SELECT 'append tps >= 0.9x BRIN', x.ms >= 0.9 * y.ms, round((x.ms / y.ms)::numeric, 3)::text
    FROM v x, v y WHERE x.phase = 'pgbench' AND x.side = 'ixbrin' AND y.phase = 'pgbench' AND y.side = 'brin'
  UNION ALL SELECT 'append tps >= 1.2x btree', x.ms >= 1.2 * y.ms, round((x.ms / y.ms)::numeric, 3)::text
    FROM v x, v y WHERE x.phase = 'pgbench' AND x.side = 'ixbrin' AND y.phase = 'pgbench' AND y.side = 'btree'
) t"
BAD=$(sql "SELECT count(*) FROM bench_result WHERE NOT rows_ok")
INVALID=$(sql "SELECT count(*) FROM pg_index WHERE NOT indisvalid")
[ "$EXACT" = 0 ] || { echo "ixbrin_check found $EXACT inexact summaries after VACUUM"; FAILED=1; }
[ "$BAD" = 0 ] || { echo "$BAD measurements returned other rows than a seq scan, or used another index"; FAILED=1; }
[ "$INVALID" = 0 ] || { echo "$INVALID indexes were left hidden"; FAILED=1; }
exit $FAILED
