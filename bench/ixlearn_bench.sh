#!/usr/bin/env bash
# bench/ixlearn_bench.sh — ixlearn (learned B-tree) vs btree, side by side in
# one run, on five key distributions.
#
# Starts a throwaway PostgreSQL 15 cluster (test/cluster.sh) and, for each
# table in BENCH_TABLES, loads BENCH_ROWS rows of one key column k:
#
#   seq      int8 1..N in insert order;
#   uniform  int8, N distinct keys in [0, 2^48) in random heap order: row i
#            gets bench_f48(i), a 4-round Feistel permutation of [0, 2^48)
#            (distinct by construction, gaps between sorted keys exponential
#            as for random keys);
#   skewed   int8, log-logistic: round(2^24 * (u / (1 - u))^1.5) with
#            u = (bench_f48(i) + 0.5) / 2^48, capped at 2^62 (shape 2/3, a
#            heavy tail up to ~1e18, about 1.5e-5 of the rows are 0; the
#            duplicates are kept);
#   uuid     uuid v4: md5(i) with the version and variant bits set as
#            gen_random_uuid() sets them (bench_uuid(i));
#   dups     int8 1..N/12.5, key g repeated 10 + g % 6 times (10-15
#            duplicates), rows in random heap order (btree deduplicates).
#
# Row i's key is a function of i that pgbench can compute (or, for uuid,
# pass to bench_uuid()), so every pgbench point select hits a row.  Each
# table is loaded once as t_<name>_ixlearn and copied as t_<name>_btree (same
# rows, same heap layout), VACUUM ANALYZEd (so index-only scans see
# all-visible pages), and given one index each: ixlearn on the first, btree
# on the second.  No index is hidden: each table has only its own, so the
# pgbench sessions need no trick either.  Then:
#
#   1. builds: BENCH_BUILD_RUNS builds of each index (order alternating,
#      CHECKPOINT before each), the median; sizes (pg_relation_size) and
#      ixlearn_stats (model_bytes = model + directory); ixlearn_check;
#   2. queries, through each index: point lookups of BENCH_LOOKUP_KEYS
#      existing keys (rows spread over the heap) as a plain index scan and as
#      an index-only scan; a 1,000-row range (from the middle row of the
#      heap) in both modes; ORDER BY k [DESC] LIMIT 10;
#   3. pgbench -M prepared point selects "SELECT k FROM t WHERE k = :x"
#      (plain: enable_indexonlyscan off; index-only) with seq/bitmap scans
#      off through PGOPTIONS, BENCH_PGBENCH_SECONDS per run, BENCH_PGBENCH_RUNS
#      runs per mode and side, alternating; a short run first checks that
#      pgbench's keys hit rows;
#   4. (uniform only) BENCH_RANDOM_INSERTS new random keys inserted into both
#      tables (one INSERT ... SELECT, one aminsert per row); point lookups of
#      old and new keys as they are, then after VACUUM + ixlearn_retrain;
#      sizes; ixlearn_check(index, true);
#   5. (after all tables) pgbench single-row inserts into smaller tables
#      (BENCH_INSERT_ROWS rows, made by the same generators as uniform and
#      seq, to keep the run short): random keys into the uniform-like one,
#      keys in order (nextval) into the seq-like one; alternating, a
#      CHECKPOINT before each run; the WAL each run writes per row it
#      inserts (median of the runs); ixlearn_check(index, true) afterwards
#      and the row count through each index against a seq scan.
#
# Each table pair is dropped before the next is loaded, so shared_buffers
# holds one pair at a time.  Every query runs as a prepared statement, warmed
# once, then measured BENCH_RUNS times with EXPLAIN (ANALYZE, BUFFERS,
# TIMING OFF) EXECUTE: the plan must be an Index Scan (plain) or Index Only
# Scan on the index meant, and the result (rows, in order for ORDER BY) must
# equal a sequential scan's.  Buffers are shared hit + read of the execution
# (planning excluded: the plan is cached); index buffers are the index's
# blocks fetched in that execution (pg_stat_get_xact_blocks_fetched), heap+vm
# buffers the heap's (main fork and visibility map).  Times are medians of
# the BENCH_RUNS warm runs (Execution Time, ms).  Prints markdown for
# docs/benchmarks.md and the issue's targets (met / not met), never enforced.
#
#   make && make install && bash bench/ixlearn_bench.sh     (as root; aimed at < 25 min on 2 cores)
#   BENCH_ROWS=200000 BENCH_RANDOM_INSERTS=20000 BENCH_RUNS=3 BENCH_BUILD_RUNS=1 \
#       BENCH_PGBENCH_SECONDS=2 BENCH_PGBENCH_RUNS=1 bash bench/ixlearn_bench.sh   (smoke test)
#
# Env:  BENCH_ROWS             rows per table                            (10000000)
#       BENCH_TABLES           which tables, in order          (seq uniform skewed uuid dups)
#       BENCH_RUNS             timed samples per query and side          (7)
#       BENCH_BUILD_RUNS       builds per index (median)                 (3)
#       BENCH_LOOKUP_KEYS      keys for the point lookups (median)       (7)
#       BENCH_PGBENCH_SECONDS  length of one pgbench run                 (8)
#       BENCH_PGBENCH_RUNS     pgbench runs per mode and side            (3)
#       BENCH_PGBENCH_CLIENTS  pgbench clients (= threads)               (2)
#       BENCH_RANDOM_INSERTS   rows inserted into the uniform tables     (1000000)
#       BENCH_INSERT_ROWS      rows of the pgbench insert tables         (1000000, at most BENCH_ROWS)
#       BENCH_SHARED_BUFFERS                                             (2GB)
#       BENCH_VERBOSE=1        also print every measurement and pgbench run
# Exit status: 0 when every result matched the seq scan, every plan used the
# index meant, pgbench's keys hit rows, pgbench ran without errors and every
# ixlearn_check passed; 1 otherwise (a query or build that fails with an
# error also exits 1, after the end of the server log); 2 = setup problem.

set -euo pipefail
START_SECONDS=$SECONDS

BENCH_ROWS="${BENCH_ROWS:-10000000}"
BENCH_TABLES="${BENCH_TABLES:-seq uniform skewed uuid dups}"
BENCH_RUNS="${BENCH_RUNS:-7}"
BENCH_BUILD_RUNS="${BENCH_BUILD_RUNS:-3}"
BENCH_LOOKUP_KEYS="${BENCH_LOOKUP_KEYS:-7}"
BENCH_PGBENCH_SECONDS="${BENCH_PGBENCH_SECONDS:-8}"
BENCH_PGBENCH_RUNS="${BENCH_PGBENCH_RUNS:-3}"
BENCH_PGBENCH_CLIENTS="${BENCH_PGBENCH_CLIENTS:-2}"
BENCH_RANDOM_INSERTS="${BENCH_RANDOM_INSERTS:-1000000}"
BENCH_INSERT_ROWS="${BENCH_INSERT_ROWS:-1000000}"
BENCH_SHARED_BUFFERS="${BENCH_SHARED_BUFFERS:-2GB}"
BENCH_VERBOSE="${BENCH_VERBOSE:-0}"

die() { echo "ixlearn_bench: $*" >&2; exit 2; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
# a build, query or check failed with an error: a correctness failure
fail() { echo "ixlearn_bench: $*" >&2; exit 1; }

for v in BENCH_ROWS BENCH_RUNS BENCH_BUILD_RUNS BENCH_LOOKUP_KEYS BENCH_PGBENCH_SECONDS BENCH_PGBENCH_RUNS \
         BENCH_PGBENCH_CLIENTS BENCH_RANDOM_INSERTS BENCH_INSERT_ROWS; do
    [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done
[[ "$BENCH_SHARED_BUFFERS" =~ ^[1-9][0-9]*(kB|MB|GB)$ ]] ||
    die "BENCH_SHARED_BUFFERS must look like 512MB or 2GB (got '$BENCH_SHARED_BUFFERS')"
[ "$BENCH_ROWS" -ge 100000 ] || die "BENCH_ROWS must be at least 100000"
# the Feistel permutation numbers rows below 2^48; pgbench's int arithmetic stays below 2^63
[ "$BENCH_ROWS" -le 1000000000 ] || die "BENCH_ROWS must be at most 1000000000"
[ "$BENCH_RANDOM_INSERTS" -le 1000000000 ] || die "BENCH_RANDOM_INSERTS must be at most 1000000000"
[ "$BENCH_INSERT_ROWS" -le "$BENCH_ROWS" ] || BENCH_INSERT_ROWS=$BENCH_ROWS
TABLES=()
for t in $BENCH_TABLES; do
    case "$t" in
        seq | uniform | skewed | uuid | dups) TABLES+=("$t") ;;
        *) die "BENCH_TABLES: unknown table '$t' (known: seq uniform skewed uuid dups)" ;;
    esac
done
[ "${#TABLES[@]}" -gt 0 ] || die "BENCH_TABLES is empty"

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ -f "$REPO/test/cluster.sh" ] || die "cannot find test/cluster.sh under $REPO"
command -v pg_config >/dev/null || die "pg_config not found in PATH"
EXTDIR="$(pg_config --sharedir)/extension"
PKGLIBDIR="$(pg_config --pkglibdir)"
[ -f "$EXTDIR/ixlearn.control" ] && [ -f "$PKGLIBDIR/ixlearn.so" ] ||
    die "extension ixlearn is not installed; run 'make && make install' in $REPO first"
if ldd "$PKGLIBDIR/ixlearn.so" 2>/dev/null | grep -Eq 'lib(a|ub|t)san'; then
    die "the installed ixlearn.so is a sanitizer build; reinstall the normal build with 'make install'"
fi

# shellcheck source=../test/cluster.sh
source "$REPO/test/cluster.sh"
unset CLUSTER_SERVER_ENV
PGBENCH="$PG_BINDIR/pgbench"
[ -x "$PGBENCH" ] || die "pgbench not found at $PGBENCH"
source "$REPO/bench/bench_session.sh"

# synchronize_seqscans off: the copy t_<name>_btree must read t_<name>_ixlearn
# from its first page, so that both heaps are laid out alike.
# synchronous_commit off for pgbench; the sessions that load rows and then
# VACUUM turn it on: VACUUM marks a page all-visible only once the inserting
# transaction's commit is flushed (hint bits), and index-only scans are
# measured on all-visible heaps.
log "starting throwaway cluster (shared_buffers = $BENCH_SHARED_BUFFERS)"
cluster_start "shared_buffers = '$BENCH_SHARED_BUFFERS'" "autovacuum = off" "maintenance_work_mem = '1GB'" \
    "max_parallel_workers_per_gather = 0" "max_parallel_maintenance_workers = 0" "checkpoint_timeout = '1h'" \
    "jit = off" "work_mem = '16MB'" "synchronous_commit = off" "synchronize_seqscans = off" ||
    die "the cluster did not start"
[ "$(sql "SELECT count(*) FROM pg_available_extensions WHERE name = 'ixlearn'")" = 1 ] ||
    die "extension ixlearn is not available to the server; run 'make install' first"
run -c "CREATE EXTENSION ixlearn" || die "CREATE EXTENSION ixlearn failed (is the installed build current?)"

FAILED=0
# --- helpers (SQL) -----------------------------------------------------------------
run <<'SQL' || die "creating the helper functions failed"
-- One round of the Feistel permutation's round function (24-bit halves).
CREATE FUNCTION bench_fr(x int8, c int8, a int8) RETURNS int8 LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT (((x # c) * a) % 16777213) & 16777215 $$;
-- Rows lo..hi and their keys bench_f48(i): a bijection of [0, 2^48), so the
-- keys are distinct.  pgbench computes the same (PGB_F48 below).
CREATE FUNCTION bench_keys(lo int8, hi int8) RETURNS TABLE (i int8, k int8) LANGUAGE sql IMMUTABLE AS $$
  SELECT i, (r3 << 24) | (r2 # bench_fr(r3, 11534089, 180503))
    FROM generate_series(lo, hi) i,
         LATERAL (SELECT (i >> 24) # bench_fr(i & 16777215, 5201314, 733127) AS r1) a,
         LATERAL (SELECT (i & 16777215) # bench_fr(r1, 9923121, 612821) AS r2) b,
         LATERAL (SELECT r1 # bench_fr(r2, 3041877, 905687) AS r3) c
$$;
-- Log-logistic key of a 48-bit uniform x (same float8 operations as pgbench's).
CREATE FUNCTION bench_skew(x int8) RETURNS int8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT least(16777216::float8 * exp(1.5::float8 * ln((x::float8 + 0.5::float8) / (281474976710655.5::float8 - x::float8))),
               4611686018427387904::float8)::int8
$$;
-- A uuid v4 made from md5(i): version nibble 4, variant bits 10.
CREATE FUNCTION bench_uuid_hex(h text) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (substr(h, 1, 12) || '4' || substr(h, 14, 3)
          || substr('89ab', (('x' || substr(h, 17, 1))::bit(4)::int & 3) + 1, 1) || substr(h, 18))::uuid
$$;
CREATE FUNCTION bench_uuid(i int8) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT bench_uuid_hex(md5(i::text)) $$;

CREATE TABLE bench_result (seq serial, tbl text, phase text, label text, side text, mode text, key_no int,
                           idx_buffers bigint, heap_buffers bigint, heap_fetches bigint, buffers bigint, ms float8,
                           rows bigint, plan text, ok bool);
CREATE TABLE bench_ref (phase text, tbl text, label text, key_no int, rows bigint, result text,
                        PRIMARY KEY (phase, tbl, label, key_no));
CREATE TABLE bench_build (tbl text, side text, round int, ms float8);
CREATE TABLE bench_size (tbl text, phase text, side text, bytes bigint, model_bytes bigint, leaves bigint,
                         segments int, epsilon int, bytes_per_entry float8, splits_since_model bigint,
                         max_chain_steps int, model_version bigint, PRIMARY KEY (tbl, phase, side));
CREATE TABLE bench_pgbench (tbl text, mode text, side text, run int, tps float8);
-- WAL written by one pgbench insert run, and the rows it inserted
CREATE TABLE bench_wal (tbl text, side text, run int, wal_bytes float8, rows bigint);
CREATE TABLE bench_hits (tbl text, n bigint);
CREATE TABLE bench_check (what text, error text);
CREATE TABLE bench_timing (tbl text, what text, side text, ms float8);
CREATE TABLE bench_table (tbl text PRIMARY KEY, rows bigint, heap_pages bigint);
-- heaps that VACUUM did not make all-visible (index-only scans would fetch rows)
CREATE TABLE bench_not_all_visible (heap text, pages int, all_visible int);
CREATE FUNCTION bench_all_visible(heap regclass) RETURNS void LANGUAGE sql AS $$
  INSERT INTO bench_not_all_visible
  SELECT relname, relpages, relallvisible FROM pg_class WHERE oid = heap AND relallvisible < relpages
$$;

-- Measure q (one table, one index) n times: the plan, the buffers of the last
-- run (index / heap+vm / total), the median execution time; and compare its
-- result with a sequential scan's (computed once per phase, table, label and
-- key, on whichever side comes first: both tables hold the same rows).
CREATE FUNCTION bench_measure(p_tbl text, p_phase text, p_label text, p_side text, p_mode text, p_key int,
                              q text, idx regclass, heap regclass, ordered bool, n int)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  j json;
  times float8[] := '{}';
  i0 bigint; h0 bigint; ib bigint; hb bigint; hf bigint; buf bigint; nrows bigint;
  plan text; agg text; res text; res_rows bigint;
  ref bench_ref;
  expect text := CASE WHEN p_mode = 'plain' THEN 'Index Scan ' ELSE 'Index Only Scan ' END || idx::text;
BEGIN
  PERFORM set_config('enable_seqscan', 'off', true);
  PERFORM set_config('enable_bitmapscan', 'off', true);
  PERFORM set_config('enable_indexscan', 'on', true);
  PERFORM set_config('enable_indexonlyscan', CASE WHEN p_mode = 'plain' THEN 'off' ELSE 'on' END, true);
  EXECUTE 'PREPARE bench_q AS ' || q;
  EXECUTE 'EXECUTE bench_q';  -- plans it (the plan stays cached) and warms the caches
  FOR r IN 1 .. n LOOP
    i0 := pg_stat_get_xact_blocks_fetched(idx);
    h0 := pg_stat_get_xact_blocks_fetched(heap);
    EXECUTE 'EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, FORMAT JSON) EXECUTE bench_q' INTO j;
    ib := pg_stat_get_xact_blocks_fetched(idx) - i0;
    hb := pg_stat_get_xact_blocks_fetched(heap) - h0;
    times := times || (j -> 0 ->> 'Execution Time')::float8;
  END LOOP;
  DEALLOCATE bench_q;
  buf := (j -> 0 -> 'Plan' ->> 'Shared Hit Blocks')::bigint + (j -> 0 -> 'Plan' ->> 'Shared Read Blocks')::bigint;
  nrows := (j -> 0 -> 'Plan' ->> 'Actual Rows')::bigint;
  -- an index-only scan's visits to the heap (not the visibility map)
  SELECT coalesce(sum((x ->> 'Heap Fetches')::bigint), 0) INTO hf
    FROM jsonb_path_query(j::jsonb, 'strict $.**') x WHERE jsonb_typeof(x) = 'object' AND x ? 'Heap Fetches';
  SELECT string_agg(DISTINCT (x ->> 'Node Type') || coalesce(' ' || (x ->> 'Index Name'), ''), ', ')
    INTO plan FROM jsonb_path_query(j::jsonb, 'strict $.**') x
   WHERE jsonb_typeof(x) = 'object' AND x ? 'Node Type' AND x ->> 'Node Type' NOT IN ('Limit', 'Result', 'Aggregate');
  agg := CASE WHEN ordered THEN 'string_agg(r::text, '','')' ELSE 'string_agg(r::text, '','' ORDER BY r::text)' END;
  -- the result through the index (same settings) ...
  EXECUTE 'SELECT count(*), md5(' || agg || ') FROM (' || q || ') r' INTO res_rows, res;
  -- ... and through a sequential scan
  SELECT * INTO ref FROM bench_ref WHERE phase = p_phase AND tbl = p_tbl AND label = p_label AND key_no = p_key;
  IF NOT FOUND THEN
    PERFORM set_config('enable_seqscan', 'on', true);
    PERFORM set_config('enable_indexscan', 'off', true);
    PERFORM set_config('enable_indexonlyscan', 'off', true);
    ref.phase := p_phase; ref.tbl := p_tbl; ref.label := p_label; ref.key_no := p_key;
    EXECUTE 'SELECT count(*), md5(' || agg || ') FROM (' || q || ') r' INTO ref.rows, ref.result;
    INSERT INTO bench_ref VALUES (ref.*);
  END IF;
  INSERT INTO bench_result (tbl, phase, label, side, mode, key_no, idx_buffers, heap_buffers, heap_fetches, buffers, ms,
                            rows, plan, ok)
  VALUES (p_tbl, p_phase, p_label, p_side, p_mode, p_key, ib, hb, hf, buf,
          (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY t) FROM unnest(times) t), nrows, plan,
          res_rows = ref.rows AND nrows = ref.rows AND res IS NOT DISTINCT FROM ref.result
          AND coalesce(plan LIKE '%' || expect || '%' AND plan NOT LIKE '%Seq Scan%', false));
END $$;

-- One timed build (the previous build of that index dropped first).
CREATE FUNCTION bench_build1(p_tbl text, p_side text, p_round int, ddl text, name text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz;
BEGIN
  EXECUTE format('DROP INDEX IF EXISTS %I', name);
  t0 := clock_timestamp();
  EXECUTE ddl;
  INSERT INTO bench_build VALUES (p_tbl, p_side, p_round, extract(epoch FROM clock_timestamp() - t0) * 1000);
END $$;

-- One timed statement.
CREATE FUNCTION bench_time(p_tbl text, p_what text, p_side text, stmt text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz;
BEGIN
  t0 := clock_timestamp();
  EXECUTE stmt;
  INSERT INTO bench_timing VALUES (p_tbl, p_what, p_side, extract(epoch FROM clock_timestamp() - t0) * 1000);
END $$;

-- Size of an index and, for ixlearn, its ixlearn_stats.
CREATE FUNCTION bench_record_size(p_tbl text, p_phase text, p_side text, idx regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF p_side = 'ixlearn' THEN
    INSERT INTO bench_size
    SELECT p_tbl, p_phase, p_side, pg_relation_size(idx), s.model_bytes, s.leaves, s.segments, s.epsilon,
           s.bytes_per_entry, s.splits_since_model, s.max_chain_steps, s.model_version
      FROM ixlearn_stats(idx) s;
  ELSE
    INSERT INTO bench_size (tbl, phase, side, bytes) VALUES (p_tbl, p_phase, p_side, pg_relation_size(idx));
  END IF;
END $$;

-- ixlearn_check, its error (if any) recorded rather than raised.
CREATE FUNCTION bench_ixl_check(what text, idx regclass, heapallindexed bool) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ixlearn_check(idx, heapallindexed);
  INSERT INTO bench_check VALUES (what, NULL);
EXCEPTION WHEN OTHERS THEN
  INSERT INTO bench_check VALUES (what, SQLSTATE || ': ' || SQLERRM);
END $$;

CREATE FUNCTION bench_r(x float8) RETURNS text LANGUAGE sql IMMUTABLE
  AS $$ SELECT coalesce(to_char(x, 'FM99999990.00'), 'n/a') $$;
CREATE FUNCTION bench_ms(x float8) RETURNS text LANGUAGE sql IMMUTABLE
  AS $$ SELECT CASE WHEN x IS NULL THEN 'n/a' WHEN x < 1 THEN to_char(x, 'FM0.000') WHEN x < 100 THEN to_char(x, 'FM990.00')
                    ELSE to_char(x, 'FM99999990') END $$;
SQL

# pgbench's copy of bench_f48 (:i -> :x); integer arithmetic below 2^63.
PGB_F48='\set r1 (:i >> 24) # (((((:i & 16777215) # 5201314) * 733127) % 16777213) & 16777215)
\set r2 (:i & 16777215) # ((((:r1 # 9923121) * 612821) % 16777213) & 16777215)
\set r3 :r1 # ((((:r2 # 3041877) * 905687) % 16777213) & 16777215)
\set x (:r3 << 24) | (:r2 # ((((:r3 # 11534089) * 180503) % 16777213) & 16777215))'
N=$BENCH_ROWS
DUP_KEYS=$(( (N * 2 + 24) / 25 ))   # N / 12.5, rounded up

# For table $1: KTYPE, LOAD (an INSERT into @T@), PGB_KEYS (pgbench lines that
# set the key) and PGB_KEY (the key in the statement).
table_def() {
    case "$1" in
        seq)
            KTYPE=int8
            LOAD="INSERT INTO @T@ SELECT i FROM generate_series(1, $N) i"
            PGB_KEYS="\\set x random(1, $N)"
            PGB_KEY=":x" ;;
        uniform)
            KTYPE=int8
            LOAD="INSERT INTO @T@ SELECT k FROM bench_keys(0, $((N - 1)))"
            PGB_KEYS="\\set i random(0, $((N - 1)))
$PGB_F48"
            PGB_KEY=":x" ;;
        skewed)
            KTYPE=int8
            LOAD="INSERT INTO @T@ SELECT bench_skew(k) FROM bench_keys(0, $((N - 1)))"
            PGB_KEYS="\\set i random(0, $((N - 1)))
$PGB_F48
\\set y int(least(16777216.0 * exp(1.5 * ln((:x + 0.5) / (281474976710655.5 - :x))), 4611686018427387904.0))"
            PGB_KEY=":y" ;;
        uuid)
            KTYPE=uuid
            LOAD="INSERT INTO @T@ SELECT bench_uuid(i) FROM generate_series(1, $N) i"
            PGB_KEYS="\\set i random(1, $N)"
            PGB_KEY="bench_uuid(:i)" ;;
        dups)
            KTYPE=int8
            # in memory: one quicksort of N rows by random()
            LOAD="SET work_mem = '2GB'; SELECT setseed(0.25);
                  INSERT INTO @T@ SELECT g FROM generate_series(1, $DUP_KEYS) g, generate_series(1, 10 + g % 6) c
                   ORDER BY random()"
            PGB_KEYS="\\set x random(1, $DUP_KEYS)"
            PGB_KEY=":x" ;;
    esac
}

# Run a pgbench file; echo its tps, or nothing on failure (then FAILED=1).
pgbench_tps() { # file seconds pgoptions label
    local out ok=true tps
    out="$(PGOPTIONS="$3" "$PGBENCH" -n -M prepared -f "$1" -c "$BENCH_PGBENCH_CLIENTS" -j "$BENCH_PGBENCH_CLIENTS" \
             -T "$2" 2>&1)" || ok=false
    tps="$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time).*/\1/p' <<<"$out")"
    if [ "$ok" != true ] || [ -z "$tps" ]; then
        echo "ixlearn_bench: pgbench ($4) failed:" >&2
        tail -n 20 <<<"$out" >&2
        tps=""   # recorded as NULL: the exit status becomes 1
    fi
    [ "$BENCH_VERBOSE" = 1 ] && log "pgbench $4: tps=${tps:-failed}"
    echo "$tps"
}

# measure TBL PHASE LABEL MODE KEYNO QUERY-TEMPLATE (@T@ = the table) ORDERED: both sides
measure_both() {
    local tbl=$1 phase=$2 label=$3 mode=$4 key=$5 qt=$6 ordered=$7 side t
    for side in ixlearn btree; do
        t="t_${tbl}_${side}"
        echo "SELECT bench_measure('$tbl', '$phase', \$\$$label\$\$, '$side', '$mode', $key,
                  \$\$${qt//@T@/$t}\$\$, '${t}_k', '$t', $ordered, $BENCH_RUNS);"
    done
}

SQL_SEL_OPTS="-c enable_seqscan=off -c enable_bitmapscan=off"
HAVE_UNIFORM=0
log "${#TABLES[@]} table(s) of $N rows; pgbench alone takes about \
$(( (${#TABLES[@]} * 4 + 4) * BENCH_PGBENCH_RUNS * BENCH_PGBENCH_SECONDS )) s"

for tbl in "${TABLES[@]}"; do
    table_def "$tbl"
    TI="t_${tbl}_ixlearn"; TB="t_${tbl}_btree"
    # --- load ---------------------------------------------------------------------
    log "$tbl: loading $N rows"
    run -o /dev/null <<SQL || fail "loading $tbl failed"
SET synchronous_commit = on;
CREATE TABLE $TI (k $KTYPE) WITH (autovacuum_enabled = off);
CREATE TABLE $TB (k $KTYPE) WITH (autovacuum_enabled = off);
${LOAD//@T@/$TI};
INSERT INTO $TB SELECT k FROM $TI;
VACUUM (ANALYZE) $TI;
VACUUM (ANALYZE) $TB;
SELECT bench_all_visible('$TI');
SELECT bench_all_visible('$TB');
CHECKPOINT;
SQL
    ROWS=$(sql "SELECT count(*) FROM $TI")
    HEAP_PAGES=$(sql "SELECT pg_relation_size('$TI') / 8192")
    [ "$HEAP_PAGES" = "$(sql "SELECT pg_relation_size('$TB') / 8192")" ] || fail "$tbl: the two heaps differ in size"
    sql "INSERT INTO bench_table VALUES ('$tbl', $ROWS, $HEAP_PAGES)" >/dev/null

    # --- 1. builds ------------------------------------------------------------------
    log "$tbl: building each index $BENCH_BUILD_RUNS times"
    {
        for ((r = 1; r <= BENCH_BUILD_RUNS; r++)); do
            if [ $((r % 2)) = 1 ]; then order="ixlearn btree"; else order="btree ixlearn"; fi
            for side in $order; do
                t="t_${tbl}_${side}"
                echo "CHECKPOINT;"
                echo "SELECT bench_build1('$tbl', '$side', $r, 'CREATE INDEX ${t}_k ON $t USING $side (k)', '${t}_k');"
            done
        done
        echo "SELECT bench_record_size('$tbl', 'built', 'ixlearn', '${TI}_k');"
        echo "SELECT bench_record_size('$tbl', 'built', 'btree', '${TB}_k');"
        echo "SELECT bench_ixl_check('$tbl: after the build', '${TI}_k', false);"
        echo "CHECKPOINT;"
    } | run -o /dev/null || fail "$tbl: building or inspecting the indexes failed"

    # --- 2. queries -----------------------------------------------------------------
    log "$tbl: point lookups, 1,000-row ranges, ORDER BY ... LIMIT 10"
    K=$BENCH_LOOKUP_KEYS
    mapfile -t KEYS < <(sql "SELECT k FROM $TB WHERE ctid = ANY (ARRAY(
                               SELECT format('(%s,1)', ($HEAP_PAGES * (2 * j - 1)) / (2 * $K))::tid
                                 FROM generate_series(1, $K) j)) ORDER BY ctid")
    [ "${#KEYS[@]}" = "$K" ] || fail "$tbl: could not pick $K lookup keys"
    LO=$(sql "SELECT k FROM $TB WHERE ctid = '($((HEAP_PAGES / 2)),1)'")
    HI=$(sql "SELECT k FROM $TB WHERE k >= '$LO' ORDER BY k OFFSET 999 LIMIT 1")
    {
        for mode in plain index-only; do
            for ((j = 0; j < K; j++)); do
                measure_both "$tbl" base "point lookup" "$mode" "$((j + 1))" "SELECT k FROM @T@ WHERE k = '${KEYS[$j]}'" false
            done
            measure_both "$tbl" base "1,000-row range" "$mode" 0 "SELECT k FROM @T@ WHERE k BETWEEN '$LO' AND '$HI'" false
        done
        measure_both "$tbl" base "ORDER BY k LIMIT 10" index-only 0 "SELECT k FROM @T@ ORDER BY k LIMIT 10" true
        measure_both "$tbl" base "ORDER BY k DESC LIMIT 10" index-only 0 "SELECT k FROM @T@ ORDER BY k DESC LIMIT 10" true
    } | run -o /dev/null || fail "$tbl: a measured query failed"

    # --- 3. pgbench point selects --------------------------------------------------------
    for side in ixlearn btree; do
        printf '%s\nSELECT k FROM %s WHERE k = %s;\n' "$PGB_KEYS" "t_${tbl}_${side}" "$PGB_KEY" \
            >"$CLUSTER_DIR/select_${tbl}_${side}.sql"
    done
    printf '%s\nINSERT INTO bench_hits SELECT %s, count(*) FROM %s WHERE k = %s;\n' "$PGB_KEYS" "'$tbl'" "$TB" "$PGB_KEY" \
        >"$CLUSTER_DIR/hits_${tbl}.sql"
    PGOPTIONS="$PGOPTIONS $SQL_SEL_OPTS" "$PGBENCH" -n -M prepared -t 200 -f "$CLUSTER_DIR/hits_${tbl}.sql" \
        >/dev/null 2>&1 || { echo "ixlearn_bench: $tbl: the pgbench key check failed" >&2; FAILED=1; }
    log "$tbl: pgbench point selects, 2 modes x 2 sides x $BENCH_PGBENCH_RUNS runs of ${BENCH_PGBENCH_SECONDS}s"
    for ((r = 1; r <= BENCH_PGBENCH_RUNS; r++)); do
        if [ $((r % 2)) = 1 ]; then order="ixlearn btree"; else order="btree ixlearn"; fi
        for mode in plain index-only; do
            opts="$PGOPTIONS $SQL_SEL_OPTS"
            [ "$mode" = plain ] && opts="$opts -c enable_indexonlyscan=off"
            for side in $order; do
                tps=$(pgbench_tps "$CLUSTER_DIR/select_${tbl}_${side}.sql" "$BENCH_PGBENCH_SECONDS" "$opts" \
                                  "$tbl $mode $side run $r")
                sql "INSERT INTO bench_pgbench VALUES ('$tbl', '$mode', '$side', $r, ${tps:-NULL})" >/dev/null
            done
        done
    done

    # --- 4. random inserts (uniform) --------------------------------------------------------
    if [ "$tbl" = uniform ]; then
        HAVE_UNIFORM=1
        R=$BENCH_RANDOM_INSERTS
        log "uniform: $R random inserts into both tables"
        run -o /dev/null <<SQL || fail "uniform: the random inserts failed"
SET synchronous_commit = on;
SELECT bench_time('uniform', 'random inserts', 'ixlearn', 'INSERT INTO $TI SELECT k FROM bench_keys($N, $((N + R - 1)))');
SELECT bench_time('uniform', 'random inserts', 'btree', 'INSERT INTO $TB SELECT k FROM bench_keys($N, $((N + R - 1)))');
SELECT bench_record_size('uniform', 'inserted', 'ixlearn', '${TI}_k');
SELECT bench_record_size('uniform', 'inserted', 'btree', '${TB}_k');
SQL
        # the same old keys, and as many of the new ones
        mapfile -t NEWKEYS < <(sql "SELECT k FROM bench_keys($N, $((N + R - 1)))
                                     WHERE i IN (SELECT $N + ($R * (2 * j - 1)) / (2 * $K) FROM generate_series(1, $K) j)
                                     ORDER BY i")
        [ "${#NEWKEYS[@]}" = "$K" ] || fail "uniform: could not pick $K new lookup keys"
        ALLKEYS=("${KEYS[@]}" "${NEWKEYS[@]}")
        lookups() { # phase
            for ((j = 0; j < ${#ALLKEYS[@]}; j++)); do
                measure_both uniform "$1" "point lookup" plain "$((j + 1))" "SELECT k FROM @T@ WHERE k = '${ALLKEYS[$j]}'" false
            done
        }
        log "uniform: lookups before a retrain, then VACUUM + ixlearn_retrain"
        lookups inserted | run -o /dev/null || fail "uniform: a lookup after the inserts failed"
        run -o /dev/null <<SQL || fail "uniform: VACUUM or ixlearn_retrain failed"
SET synchronous_commit = on;
VACUUM $TI;
VACUUM $TB;
SELECT bench_time('uniform', 'ixlearn_retrain', 'ixlearn', 'SELECT ixlearn_retrain(''${TI}_k'')');
SELECT bench_record_size('uniform', 'retrained', 'ixlearn', '${TI}_k');
SELECT bench_record_size('uniform', 'retrained', 'btree', '${TB}_k');
SQL
        lookups retrained | run -o /dev/null || fail "uniform: a lookup after the retrain failed"
        log "uniform: ixlearn_check(index, true)"
        run -o /dev/null -c "SELECT bench_ixl_check('uniform: after $R random inserts, VACUUM and retrain', '${TI}_k', true)" ||
            fail "uniform: ixlearn_check failed"
    fi
    run -c "DROP TABLE $TI, $TB; CHECKPOINT" || fail "dropping the $tbl tables failed"
done

# --- 5. pgbench single-row inserts ----------------------------------------------------------
M=$BENCH_INSERT_ROWS
log "inserts: tables of $M rows; pgbench 2 kinds x 2 sides x $BENCH_PGBENCH_RUNS runs of ${BENCH_PGBENCH_SECONDS}s"
{
    echo "SET synchronous_commit = on;"
    for side in ixlearn btree; do
        echo "CREATE TABLE t_ins_random_$side (k int8) WITH (autovacuum_enabled = off);"
        echo "INSERT INTO t_ins_random_$side SELECT k FROM bench_keys(0, $((M - 1)));"
        echo "CREATE TABLE t_ins_inorder_$side (k int8) WITH (autovacuum_enabled = off);"
        echo "INSERT INTO t_ins_inorder_$side SELECT i FROM generate_series(1, $M) i;"
        echo "CREATE SEQUENCE t_ins_inorder_${side}_s START $((M + 1));"
        echo "VACUUM (ANALYZE) t_ins_random_$side, t_ins_inorder_$side;"
        echo "CREATE INDEX t_ins_random_${side}_k ON t_ins_random_$side USING $side (k);"
        echo "CREATE INDEX t_ins_inorder_${side}_k ON t_ins_inorder_$side USING $side (k);"
        printf '\\set x random(0, 281474976710655)\nINSERT INTO t_ins_random_%s VALUES (:x);\n' "$side" \
            >"$CLUSTER_DIR/t_ins_random_$side.sql"
        printf "INSERT INTO t_ins_inorder_%s VALUES (nextval('t_ins_inorder_%s_s'));\n" "$side" "$side" \
            >"$CLUSTER_DIR/t_ins_inorder_$side.sql"
    done
} | run -o /dev/null || fail "creating the insert tables failed"
for ((r = 1; r <= BENCH_PGBENCH_RUNS; r++)); do
    if [ $((r % 2)) = 1 ]; then order="ixlearn btree"; else order="btree ixlearn"; fi
    for kind in random inorder; do
        for side in $order; do
            run -c "CHECKPOINT" || fail "CHECKPOINT failed"
            wal0=$(sql "SELECT pg_current_wal_insert_lsn()")
            rows0=$(sql "SELECT count(*) FROM t_ins_${kind}_$side")
            tps=$(pgbench_tps "$CLUSTER_DIR/t_ins_${kind}_$side.sql" "$BENCH_PGBENCH_SECONDS" "$PGOPTIONS" \
                              "insert $kind $side run $r")
            sql "INSERT INTO bench_pgbench VALUES ('ins_$kind', 'insert', '$side', $r, ${tps:-NULL});
                 INSERT INTO bench_wal SELECT 'ins_$kind', '$side', $r, pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '$wal0'),
                                              count(*) - $rows0 FROM t_ins_${kind}_$side" >/dev/null
        done
    done
done
{
    for kind in random inorder; do
        for side in ixlearn btree; do
            echo "SELECT bench_record_size('ins_$kind', 'after pgbench', '$side', 't_ins_${kind}_${side}_k');"
        done
        echo "SELECT bench_ixl_check('ins_$kind: after the pgbench inserts', 't_ins_${kind}_ixlearn_k', true);"
        # the index against a seq scan once more: the row count through the index (the
        # two tables now hold different rows: each side is its own reference, key 1 / 2)
        key=1
        for side in ixlearn btree; do
            echo "SELECT bench_measure('ins_$kind', 'after pgbench', 'count(*)', '$side', 'index-only', $key,
                      'SELECT count(*) FROM t_ins_${kind}_$side WHERE k >= 0', 't_ins_${kind}_${side}_k',
                      't_ins_${kind}_$side', false, 1);"
            key=2
        done
    done
} | run -o /dev/null || fail "checking the insert tables failed"

# --- report --------------------------------------------------------------------------------------
run -o /dev/null <<'SQL'
-- per table, side, phase, label, mode: medians over the keys
CREATE VIEW bench_q AS
SELECT tbl, phase, label, mode, side,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY idx_buffers) AS idx_buf,
       max(idx_buffers) AS idx_buf_max,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY heap_buffers) AS heap_buf,
       max(heap_fetches) AS heap_fetches,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY buffers) AS buf,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY ms) AS ms,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY rows) AS rows,
       count(*) AS nkeys, bool_and(ok) AS ok, min(seq) AS ord
  FROM bench_result GROUP BY tbl, phase, label, mode, side;
CREATE VIEW bench_q2 AS
SELECT i.tbl, i.phase, i.label, i.mode, i.nkeys, least(i.ord, b.ord) AS ord,
       i.idx_buf AS i_idx, b.idx_buf AS b_idx, i.idx_buf_max AS i_idx_max, b.idx_buf_max AS b_idx_max,
       i.heap_buf AS i_heap, b.heap_buf AS b_heap, i.heap_fetches AS i_fetches, i.buf AS i_buf, b.buf AS b_buf,
       i.ms AS i_ms, b.ms AS b_ms, i.rows, i.ok AND b.ok AS ok
  FROM bench_q i JOIN bench_q b USING (tbl, phase, label, mode) WHERE i.side = 'ixlearn' AND b.side = 'btree';
CREATE VIEW bench_build_med AS
SELECT tbl, side, percentile_disc(0.5) WITHIN GROUP (ORDER BY ms) AS ms FROM bench_build GROUP BY tbl, side;
CREATE VIEW bench_tps AS
SELECT tbl, mode, side, percentile_disc(0.5) WITHIN GROUP (ORDER BY tps) AS tps,
       string_agg(coalesce(round(tps)::text, 'failed'), ' / ' ORDER BY run) AS runs
  FROM bench_pgbench GROUP BY tbl, mode, side;
CREATE VIEW bench_wal_med AS
SELECT tbl, side, percentile_disc(0.5) WITHIN GROUP (ORDER BY wal_bytes / nullif(rows, 0)) AS per_row
  FROM bench_wal GROUP BY tbl, side;
CREATE VIEW bench_tps2 AS
SELECT i.tbl, i.mode, i.tps AS i_tps, b.tps AS b_tps, i.runs AS i_runs, b.runs AS b_runs, i.tps / b.tps AS ratio
  FROM bench_tps i JOIN bench_tps b USING (tbl, mode) WHERE i.side = 'ixlearn' AND b.side = 'btree';
CREATE VIEW bench_size2 AS
SELECT i.tbl, i.phase, i.bytes AS i_bytes, b.bytes AS b_bytes, i.bytes::float8 / b.bytes AS ratio, i.model_bytes,
       i.leaves, i.segments, i.epsilon, i.bytes_per_entry, i.splits_since_model, i.max_chain_steps, i.model_version
  FROM bench_size i JOIN bench_size b USING (tbl, phase) WHERE i.side = 'ixlearn' AND b.side = 'btree';
CREATE TABLE bench_size_target (tbl text, ord int, target float8, moonshot float8, what text);
INSERT INTO bench_size_target VALUES ('seq', 1, 0.1, 0.05, '1/10 (moonshot 1/20)'),
  ('uniform', 2, 0.5, 1 / 3.0, '1/2 (moonshot 1/3)'), ('skewed', 3, 0.5, 1 / 3.0, '1/2 (moonshot 1/3)'),
  ('uuid', 4, 0.6, 0.5, '0.6x (moonshot 1/2)'), ('dups', 5, 0.8, NULL, '0.8x');
SQL

VERSION="$(sql "SELECT current_setting('server_version')")"
CPU="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || true)"
LIMIT_MODEL=$(( (65536 * N + 9999999) / 10000000 ))   # 64 kB per 10M rows

if [ "$BENCH_VERBOSE" = 1 ]; then
    echo "== every measurement (buffers of the last run; ms = median of $BENCH_RUNS) =="
    run -c "SELECT tbl, phase, label, side, mode, key_no AS key, idx_buffers AS idx, heap_buffers AS heap_vm, buffers,
                   round(ms::numeric, 4) AS ms, rows, plan, ok FROM bench_result ORDER BY seq"
    echo "== builds (ms) =="
    run -c "SELECT tbl, side, round, round(ms::numeric, 1) AS ms FROM bench_build ORDER BY tbl, side, round"
    echo "== pgbench runs =="
    run -c "SELECT tbl, mode, side, runs AS tps_per_run FROM bench_tps ORDER BY tbl, mode, side"
fi

echo
echo "----- markdown (paste into docs/benchmarks.md) -----"
echo
echo "ixlearn vs btree — PostgreSQL $VERSION, ${CPU:-unknown CPU} ($(nproc) cores), BENCH_ROWS=$N,"
echo "BENCH_RUNS=$BENCH_RUNS, BENCH_BUILD_RUNS=$BENCH_BUILD_RUNS, BENCH_LOOKUP_KEYS=$BENCH_LOOKUP_KEYS,"
echo "pgbench ${BENCH_PGBENCH_RUNS}x${BENCH_PGBENCH_SECONDS}s per mode and side with $BENCH_PGBENCH_CLIENTS client(s),"
echo "BENCH_RANDOM_INSERTS=$BENCH_RANDOM_INSERTS, BENCH_INSERT_ROWS=$M, shared_buffers=$BENCH_SHARED_BUFFERS, $(date -u +%Y-%m-%d)."
echo
echo "Size and build (build: median of $BENCH_BUILD_RUNS, ms, server-side; model = ixlearn_stats.model_bytes, model + directory):"
echo
echo "| table | rows | btree | ixlearn | size ratio | model bytes | leaves | segments | bytes/entry | btree build ms | ixlearn build ms | build ratio |"
echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
sql "SELECT format('| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |', s.tbl, x.rows,
                   pg_size_pretty(s.b_bytes), pg_size_pretty(s.i_bytes), to_char(s.ratio, 'FM0.000'), s.model_bytes,
                   s.leaves, s.segments, round(s.bytes_per_entry::numeric, 2),
                   bench_ms(b.ms), bench_ms(i.ms), bench_r(i.ms / b.ms))
       FROM bench_size2 s JOIN bench_build_med i ON i.tbl = s.tbl AND i.side = 'ixlearn'
       JOIN bench_build_med b ON b.tbl = s.tbl AND b.side = 'btree'
       JOIN bench_size_target t ON t.tbl = s.tbl JOIN bench_table x ON x.tbl = s.tbl
      WHERE s.phase = 'built' ORDER BY t.ord"
echo
echo "Queries (index = the index's blocks fetched, heap+vm = the heap's and its visibility map's;"
echo "total = EXPLAIN's shared hit + read; point lookups: median over $BENCH_LOOKUP_KEYS keys, ms = median of $BENCH_RUNS runs):"
echo
echo "| table | query | scan | index bufs btree / ixlearn | heap+vm btree / ixlearn | total btree / ixlearn | ms btree / ixlearn | time ratio | rows | ok |"
echo "|---|---|---|--:|--:|--:|--:|--:|--:|:-:|"
sql "SELECT format('| %s | %s | %s | %s / %s | %s / %s | %s / %s | %s / %s | %s | %s | %s |', q.tbl, q.label, q.mode,
                   q.b_idx, q.i_idx, q.b_heap, q.i_heap, q.b_buf, q.i_buf, bench_ms(q.b_ms), bench_ms(q.i_ms),
                   bench_r(q.i_ms / q.b_ms), q.rows, CASE WHEN q.ok THEN 'yes' ELSE 'NO' END)
       FROM bench_q2 q LEFT JOIN bench_size_target t USING (tbl) WHERE q.phase = 'base' ORDER BY t.ord, q.ord"
echo
echo "pgbench -M prepared point selects (SELECT k FROM t WHERE k = :x, seq and bitmap scans off; median tps):"
echo
echo "| table | scan | btree tps | ixlearn tps | ratio | btree runs | ixlearn runs |"
echo "|---|---|--:|--:|--:|---|---|"
sql "SELECT format('| %s | %s | %s | %s | %s | %s | %s |', p.tbl, p.mode, round(p.b_tps), round(p.i_tps),
                   to_char(p.ratio, 'FM0.000'), p.b_runs, p.i_runs)
       FROM bench_tps2 p JOIN bench_size_target t USING (tbl) ORDER BY t.ord, p.mode DESC"
echo
echo "pgbench single-row inserts into tables of $M rows with one index (random: uniform keys in [0, 2^48);"
echo "in order: nextval() of a sequence after the last key):"
echo
echo "| kind | btree tps | ixlearn tps | ratio | WAL bytes per insert btree / ixlearn | btree size after | ixlearn size after | btree runs | ixlearn runs |"
echo "|---|--:|--:|--:|--:|--:|--:|---|---|"
sql "SELECT format('| %s | %s | %s | %s | %s / %s | %s | %s | %s | %s |', replace(p.tbl, 'ins_', ''), round(p.b_tps), round(p.i_tps),
                   to_char(p.ratio, 'FM0.000'), round(wb.per_row), round(wi.per_row),
                   pg_size_pretty(s.b_bytes), pg_size_pretty(s.i_bytes), p.b_runs, p.i_runs)
       FROM bench_tps2 p JOIN bench_size2 s ON s.tbl = p.tbl AND s.phase = 'after pgbench'
       JOIN bench_wal_med wb ON wb.tbl = p.tbl AND wb.side = 'btree'
       JOIN bench_wal_med wi ON wi.tbl = p.tbl AND wi.side = 'ixlearn'
      WHERE p.mode = 'insert' ORDER BY p.tbl DESC"
if [ "$HAVE_UNIFORM" = 1 ]; then
    echo
    echo "uniform after $BENCH_RANDOM_INSERTS random inserts (one INSERT ... SELECT per table; plain index scans of"
    echo "$BENCH_LOOKUP_KEYS old and $BENCH_LOOKUP_KEYS new keys, index buffers median / max):"
    echo
    echo "| state | index bufs btree | index bufs ixlearn | ms btree / ixlearn | btree size | ixlearn size | size ratio | ixlearn leaves / splits since model / max chain steps / model bytes |"
    echo "|---|--:|--:|--:|--:|--:|--:|---|"
    sql "SELECT format('| %s | %s / %s | %s / %s | %s / %s | %s | %s | %s | %s / %s / %s / %s |', st.name,
                       q.b_idx, q.b_idx_max, q.i_idx, q.i_idx_max, bench_ms(q.b_ms), bench_ms(q.i_ms),
                       pg_size_pretty(s.b_bytes), pg_size_pretty(s.i_bytes), to_char(s.ratio, 'FM0.000'),
                       s.leaves, s.splits_since_model, s.max_chain_steps, s.model_bytes)
           FROM (VALUES (1, 'inserted', 'after the inserts'), (2, 'retrained', 'after VACUUM + ixlearn_retrain')) st(o, ph, name)
           JOIN bench_q2 q ON q.tbl = 'uniform' AND q.phase = st.ph AND q.label = 'point lookup'
           JOIN bench_size2 s ON s.tbl = 'uniform' AND s.phase = st.ph ORDER BY st.o"
    echo
    sql "SELECT format('INSERT of %s rows: btree %s ms, ixlearn %s ms (ratio %s); ixlearn_retrain after VACUUM: %s ms.',
                       $BENCH_RANDOM_INSERTS,
                       bench_ms(max(ms) FILTER (WHERE what = 'random inserts' AND side = 'btree')),
                       bench_ms(max(ms) FILTER (WHERE what = 'random inserts' AND side = 'ixlearn')),
                       bench_r(max(ms) FILTER (WHERE what = 'random inserts' AND side = 'ixlearn')
                               / max(ms) FILTER (WHERE what = 'random inserts' AND side = 'btree')),
                       bench_ms(max(ms) FILTER (WHERE what = 'ixlearn_retrain')))
           FROM bench_timing WHERE tbl = 'uniform'"
fi
echo
echo "ixlearn_check:"
echo
sql "SELECT format('* %s: %s', what, coalesce('FAILED: ' || error, 'passed')) FROM bench_check ORDER BY ctid"
echo
echo "Targets:"
echo
sql "
WITH q AS (SELECT * FROM bench_q2), s AS (SELECT * FROM bench_size2), p AS (SELECT * FROM bench_tps2),
     b AS (SELECT i.tbl, i.ms / b.ms AS ratio FROM bench_build_med i JOIN bench_build_med b USING (tbl)
            WHERE i.side = 'ixlearn' AND b.side = 'btree'),
     t AS (SELECT * FROM bench_size_target)
SELECT format('* %s: %s (%s)', what, CASE WHEN ok THEN 'met' ELSE 'NOT MET' END, detail) FROM (
  SELECT 1 AS o, t.ord AS o2,
         'size <= ' || t.what || CASE WHEN s.tbl = 'dups' THEN ' of the deduplicated btree, ' ELSE ' of btree, ' END || s.tbl AS what, s.ratio <= t.target AS ok,
         to_char(s.ratio, 'FM0.000') || CASE WHEN t.moonshot IS NULL THEN ''
                                             WHEN s.ratio <= t.moonshot THEN '; moonshot met' ELSE '; moonshot not met' END AS detail
    FROM s JOIN t USING (tbl) WHERE s.phase = 'built'
  UNION ALL
  SELECT 2, t.ord, 'model + directory <= 64 kB per 10M rows (' || $LIMIT_MODEL || ' bytes at this size), ' || s.tbl,
         s.model_bytes <= $LIMIT_MODEL, s.model_bytes || ' bytes'
    FROM s JOIN t USING (tbl) WHERE s.phase = 'built'
  UNION ALL
  SELECT 3, t.ord, 'point lookup (plain) <= 2 index buffers, ' || q.tbl, q.i_idx <= 2,
         format('median %s, max %s; moonshot 1: %s; btree %s', q.i_idx, q.i_idx_max,
                CASE WHEN q.i_idx <= 1 THEN 'met' ELSE 'not met' END, q.b_idx)
    FROM q JOIN t USING (tbl) WHERE q.phase = 'base' AND q.label = 'point lookup' AND q.mode = 'plain'
  UNION ALL
  SELECT 4, t.ord, 'index-only point lookup <= 2 index buffers + visibility map, ' || q.tbl,
         q.i_idx <= 2 AND q.i_fetches = 0,
         format('index %s + visibility map %s (heap fetches %s) = %s; btree %s + %s = %s', q.i_idx, q.i_heap,
                q.i_fetches, q.i_buf, q.b_idx, q.b_heap, q.b_buf)
    FROM q JOIN t USING (tbl) WHERE q.phase = 'base' AND q.label = 'point lookup' AND q.mode = 'index-only'
  UNION ALL
  SELECT 5, t.ord, q.label || ' (' || q.mode || '): buffers <= btree, ' || q.tbl, q.i_buf <= q.b_buf,
         q.i_buf || ' vs ' || q.b_buf
    FROM q JOIN t USING (tbl) WHERE q.phase = 'base' AND q.label <> 'point lookup'
  UNION ALL
  SELECT 6, t.ord, 'pgbench point select (' || p.mode || ') >= 1.05x btree, ' || p.tbl, coalesce(p.ratio >= 1.05, false),
         coalesce(to_char(p.ratio, 'FM0.000'), 'failed')
    FROM p JOIN t USING (tbl)
  UNION ALL
  SELECT 7, 0, 'insert tps, random keys >= 0.8x btree', coalesce(p.ratio >= 0.8, false), coalesce(to_char(p.ratio, 'FM0.000'), 'failed')
    FROM p WHERE p.tbl = 'ins_random'
  UNION ALL
  SELECT 7, 1, 'insert tps, keys in order >= 1.0x btree', coalesce(p.ratio >= 1.0, false), coalesce(to_char(p.ratio, 'FM0.000'), 'failed')
    FROM p WHERE p.tbl = 'ins_inorder'
  UNION ALL
  SELECT 8, 0, 'after $BENCH_RANDOM_INSERTS random inserts: lookups <= 3 index buffers before a retrain', q.i_idx <= 3,
         format('median %s, max %s; btree %s', q.i_idx, q.i_idx_max, q.b_idx)
    FROM q WHERE q.tbl = 'uniform' AND q.phase = 'inserted'
  UNION ALL
  SELECT 8, 1, 'after $BENCH_RANDOM_INSERTS random inserts: lookups <= 2 index buffers after VACUUM + retrain', q.i_idx <= 2,
         format('median %s, max %s; btree %s', q.i_idx, q.i_idx_max, q.b_idx)
    FROM q WHERE q.tbl = 'uniform' AND q.phase = 'retrained'
  UNION ALL
  SELECT 8, 2, 'after $BENCH_RANDOM_INSERTS random inserts, VACUUM + retrain: size <= 1/2 of btree', s.ratio <= 0.5,
         to_char(s.ratio, 'FM0.000')
    FROM s WHERE s.tbl = 'uniform' AND s.phase = 'retrained'
  UNION ALL
  SELECT 8, 3, 'after $BENCH_RANDOM_INSERTS random inserts, VACUUM + retrain: ixlearn_check(index, true) passes',
         c.error IS NULL, coalesce(c.error, 'passed')
    FROM bench_check c WHERE c.what LIKE 'uniform: after % random inserts%'
  UNION ALL
  SELECT 9, t.ord, 'build time <= 1.0x btree, ' || b.tbl, b.ratio <= 1.0, to_char(b.ratio, 'FM0.000')
    FROM b JOIN t USING (tbl)
) x ORDER BY o, o2"

# --- verdict --------------------------------------------------------------------------------------
BAD=$(sql "SELECT count(*) FROM bench_result WHERE ok IS NOT TRUE")
if [ "$BAD" != 0 ]; then
    echo
    echo "PROBLEMS: $BAD measurement(s) returned other rows than a seq scan, or did not use the index meant:"
    sql "SELECT format('  %s %s %s (%s, %s, key %s): %s rows, plan %s', tbl, phase, label, side, mode, key_no, rows,
                       coalesce(plan, '?'))
           FROM bench_result WHERE ok IS NOT TRUE ORDER BY seq"
    FAILED=1
fi
MISSES=$(sql "SELECT string_agg(tbl || ': ' || misses || ' of ' || total, ', ') FROM (
                SELECT tbl, count(*) FILTER (WHERE n = 0) AS misses, count(*) AS total FROM bench_hits GROUP BY tbl) h
               WHERE misses > 0 OR total = 0")
if [ -n "$MISSES" ]; then
    echo "PROBLEMS: pgbench's keys missed rows (pgbench computes them differently from SQL): $MISSES"
    FAILED=1
fi
for tbl in "${TABLES[@]}"; do
    [ "$(sql "SELECT count(*) FROM bench_hits WHERE tbl = '$tbl'")" -gt 0 ] ||
        { echo "PROBLEMS: the pgbench key check of $tbl did not run"; FAILED=1; }
done
NAV=$(sql "SELECT string_agg(format('%s (%s of %s pages)', heap, all_visible, pages), ', ') FROM bench_not_all_visible")
[ -z "$NAV" ] || echo "WARNING: VACUUM left heaps not all-visible, index-only scans fetched heap rows: $NAV"
CHECKS=$(sql "SELECT count(*) FROM bench_check WHERE error IS NOT NULL")
[ "$CHECKS" = 0 ] || { echo "PROBLEMS: $CHECKS ixlearn_check call(s) failed (see above)"; FAILED=1; }
NULLTPS=$(sql "SELECT count(*) FROM bench_pgbench WHERE tps IS NULL")
[ "$NULLTPS" = 0 ] || { echo "PROBLEMS: $NULLTPS pgbench run(s) failed"; FAILED=1; }
echo
echo "runtime: $((SECONDS - START_SECONDS)) s"
exit $FAILED
