#!/usr/bin/env bash
# bench/ixstat_bench.sh — side-by-side timing of contrib pgstattuple vs ixstat.
#
# Starts a throwaway PostgreSQL 15 cluster (test/cluster.sh), builds a bloated
# heap with a btree, a hash and a gin index, then times every function pair
# (public.X = contrib, ixstat.X = ours) server-side, alternating the two sides,
# checks that both return identical rows, and shows buffer usage of the heap
# scan.  Prints psql tables and a markdown report for docs/benchmarks.md.
#
#   BENCH_ROWS=10000000 BENCH_RUNS=5 bash bench/ixstat_bench.sh     (as root)
#
# Env:  BENCH_ROWS        rows in the heap                        (10000000)
#       BENCH_RUNS        timed samples per side and function     (5)
#       BENCH_MIN_MS      a sample repeats the call until it lasts about
#                         this long (calibrated per function in the warm-up),
#                         so metapage-only functions (pgstatginindex,
#                         pg_relpages) and small relations are timable (100)
#       BENCH_VERBOSE=1   also print every timed sample
#
# Builds and installs nothing: run `make install` first.  Exit status is 0
# when every function pair returned identical rows, 1 otherwise (2 = setup
# problem).  The speed target (ratio <= 1.05) is reported, not enforced.

set -euo pipefail

BENCH_ROWS="${BENCH_ROWS:-10000000}"
BENCH_RUNS="${BENCH_RUNS:-5}"
BENCH_MIN_MS="${BENCH_MIN_MS:-100}"
BENCH_VERBOSE="${BENCH_VERBOSE:-0}"
TARGET_RATIO=1.05

die() { echo "ixstat_bench: $*" >&2; exit 2; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

for v in BENCH_ROWS BENCH_RUNS BENCH_MIN_MS; do
    [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done
[ "$BENCH_ROWS" -ge 1000 ] || die "BENCH_ROWS must be at least 1000"

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ -f "$REPO/test/cluster.sh" ] || die "cannot find test/cluster.sh under $REPO"
command -v pg_config >/dev/null || die "pg_config not found in PATH"

# --- preconditions: nothing is built or installed here ----------------------
EXTDIR="$(pg_config --sharedir)/extension"
PKGLIBDIR="$(pg_config --pkglibdir)"
[ -f "$EXTDIR/ixstat.control" ] && [ -f "$PKGLIBDIR/ixstat.so" ] ||
    die "extension ixstat is not installed ($EXTDIR/ixstat.control, $PKGLIBDIR/ixstat.so); run 'make && make install' in $REPO first"
if ldd "$PKGLIBDIR/ixstat.so" 2>/dev/null | grep -Eq 'lib(a|ub|t)san'; then
    die "the installed $PKGLIBDIR/ixstat.so is a sanitizer build (test/run-sanitized.sh in progress?); timings would be meaningless -- reinstall the normal build with 'make install'"
fi
[ -f "$EXTDIR/pgstattuple.control" ] ||
    die "contrib pgstattuple is not installed (postgresql-contrib / postgresql-15 package)"

# shellcheck source=../test/cluster.sh
source "$REPO/test/cluster.sh"
unset CLUSTER_SERVER_ENV   # plain server environment (no sanitizer preload)
trap cluster_stop EXIT
trap 'exit 130' INT TERM

PSQL=(psql -X -q -v ON_ERROR_STOP=1)
sql()  { "${PSQL[@]}" -At -c "$1"; }      # one value / unaligned rows
run()  { "${PSQL[@]}" "$@"; }              # script on stdin or -c

restart_cluster() {
    as_pg "$PG_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_LOG" -m fast -w restart >/dev/null
}

# vacuum_defer_cleanup_age holds the removal horizon back (as a long-running
# transaction would), so the deleted rows stay *dead tuples* during the
# unvacuumed phase instead of being pruned by the first scan that reads their
# page.  It is reset before the VACUUM of the second phase.
log "starting throwaway cluster"
cluster_start \
    "autovacuum = off" \
    "vacuum_defer_cleanup_age = 1000000" \
    "maintenance_work_mem = '1GB'" \
    "max_parallel_maintenance_workers = 2" \
    "wal_level = minimal" \
    "max_wal_senders = 0" \
    "synchronous_commit = off" \
    "checkpoint_timeout = '1h'" \
    "jit = off"

[ "$(sql "SELECT count(*) FROM pg_available_extensions WHERE name = 'ixstat'")" = 1 ] ||
    die "extension ixstat is not available to the server; run 'make install' first"
run -c "CREATE EXTENSION pgstattuple" || die "CREATE EXTENSION pgstattuple failed"
run -c "CREATE EXTENSION ixstat"      || die "CREATE EXTENSION ixstat failed (is the installed build current?)"
HAVE_BUFFERCACHE=0
if [ -f "$EXTDIR/pg_buffercache.control" ] && run -c "CREATE EXTENSION pg_buffercache" 2>/dev/null; then
    HAVE_BUFFERCACHE=1
fi
HAVE_PREWARM=0
if [ -f "$EXTDIR/pg_prewarm.control" ] && run -c "CREATE EXTENSION pg_prewarm" 2>/dev/null; then
    HAVE_PREWARM=1
fi

# --- data ------------------------------------------------------------------
GIN_ROWS=$(( BENCH_ROWS / 10 ))
log "loading bench_heap: $BENCH_ROWS rows; bench_gin_tab: $GIN_ROWS rows"
run -v rows="$BENCH_ROWS" -v ginrows="$GIN_ROWS" <<'SQL'
-- wal_level=minimal: a table created in the loading transaction skips WAL.
BEGIN;
CREATE TABLE bench_heap (id bigint, a int, payload text)
    WITH (autovacuum_enabled = off);
INSERT INTO bench_heap
SELECT i,
       hashint8(i) & 1048575,                              -- ~10 rows per value
       substr(md5(i::text) || md5((i + 1)::text), 1, 20 + (i % 41)::int)  -- 20..60 bytes
FROM generate_series(1, :rows) AS i;
COMMIT;

BEGIN;
CREATE TABLE bench_gin_tab (id int, tags int[]) WITH (autovacuum_enabled = off);
INSERT INTO bench_gin_tab
SELECT i, (ARRAY[i % 1000, (i * 7) % 10000, (i * 13) % 5000, (i * 31) % 20000,
                 i % 97, (i * 3) % 300, (i * 11) % 7000, i % 50])[1:1 + i % 8]
FROM generate_series(1, :ginrows) AS i;
COMMIT;
SQL

log "building indexes (btree on id, hash on a, gin on tags)"
run -v ginrows="$GIN_ROWS" <<'SQL'
CREATE INDEX bench_btree ON bench_heap USING btree (id);
CREATE INDEX bench_hash  ON bench_heap USING hash (a);
CREATE INDEX bench_gin   ON bench_gin_tab USING gin (tags) WITH (fastupdate = on);
-- a few rows after the build so the gin pending list is not empty
INSERT INTO bench_gin_tab
SELECT i, ARRAY[i % 1000, i % 77] FROM generate_series(:ginrows + 1, :ginrows + 1000) AS i;
SQL

log "making bloat: DELETE 20% of bench_heap (every 5th id), no VACUUM"
run <<'SQL'
DELETE FROM bench_heap WHERE id % 5 = 0;
SET max_parallel_workers_per_gather = 0;
SELECT count(*) FROM bench_heap \g /dev/null
CHECKPOINT;
SQL
# (the count(*) sets hint bits once, so no timed call pays for that)

# --- timing machinery -------------------------------------------------------
run <<'SQL'
CREATE TABLE bench_case (id int PRIMARY KEY, fn text, rel text, expr text, loops int);
CREATE TABLE bench_sample (case_id int, side text, run int, ms float8, seq bigserial);
CREATE TABLE bench_identity (case_id int, contrib text, ixstat text);
CREATE TABLE bench_buffers (side text, buffers text, resident bigint, relpages bigint);

-- Server-side elapsed ms of one sample: n calls of case cid's expression on
-- one side (public = contrib, ixstat), as one statement.
CREATE FUNCTION bench_sample_ms(cid int, side text, n int) RETURNS float8
LANGUAGE plpgsql AS $$
DECLARE q text; t0 timestamptz;
BEGIN
    SELECT format('SELECT count(%s) FROM generate_series(1, %s)',
                  replace(expr, '@S@', CASE side WHEN 'contrib' THEN 'public' ELSE 'ixstat' END), n)
      INTO STRICT q FROM bench_case WHERE id = cid;
    t0 := clock_timestamp();
    EXECUTE q;
    RETURN extract(epoch FROM clock_timestamp() - t0) * 1000;
END $$;

-- Warm-up and calibration: one call per side, then grow the calls per sample
-- until the slower side's sample takes at least min_ms.
CREATE FUNCTION bench_calibrate(cid int, min_ms float8) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE n int := 1; t float8;
BEGIN
    t := greatest(bench_sample_ms(cid, 'contrib', 1), bench_sample_ms(cid, 'ixstat', 1));
    WHILE t < min_ms AND n < 10000000 LOOP
        n := least(10000000, greatest(n * 2, ceil(n * 1.2 * min_ms / greatest(t, 0.001))::int));
        t := greatest(bench_sample_ms(cid, 'contrib', n), bench_sample_ms(cid, 'ixstat', n));
    END LOOP;
    UPDATE bench_case SET loops = n WHERE id = cid;
    RETURN n;
END $$;

CREATE FUNCTION bench_fmt(ms float8) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN ms IS NULL THEN 'n/a'
                WHEN ms >= 100 THEN to_char(ms, 'FM999999990.0')
                WHEN ms >= 1   THEN to_char(ms, 'FM990.00')
                ELSE to_char(ms, 'FM0.0000') END
$$;
SQL

# Cases: id | function | relation (label) | relation | expression (@S@ = schema)
HEAP="'public.bench_heap'"
CASES=(
  "1|pgstattuple(regclass)|bench_heap (bloated)|bench_heap|@S@.pgstattuple($HEAP::regclass)"
  "2|pgstattuple(text)|bench_heap (bloated)|bench_heap|@S@.pgstattuple($HEAP::text)"
  "3|pgstattuple(regclass)|bench_btree|bench_btree|@S@.pgstattuple('public.bench_btree'::regclass)"
  "4|pgstatindex(regclass)|bench_btree|bench_btree|@S@.pgstatindex('public.bench_btree'::regclass)"
  "5|pgstatindex(text)|bench_btree|bench_btree|@S@.pgstatindex('public.bench_btree'::text)"
  "6|pgstathashindex(regclass)|bench_hash|bench_hash|@S@.pgstathashindex('public.bench_hash'::regclass)"
  "7|pgstatginindex(regclass)|bench_gin|bench_gin|@S@.pgstatginindex('public.bench_gin'::regclass)"
  "8|pg_relpages(regclass)|bench_heap|bench_heap|@S@.pg_relpages($HEAP::regclass)"
  "9|pg_relpages(text)|bench_heap|bench_heap|@S@.pg_relpages($HEAP::text)"
  "10|pgstattuple_approx(regclass)|bench_heap (bloated, no VM bits)|bench_heap|@S@.pgstattuple_approx($HEAP::regclass)"
  "11|pgstattuple_approx(regclass)|bench_heap (vacuumed, ~90% all-visible)|bench_heap|@S@.pgstattuple_approx($HEAP::regclass)"
)

# Emit the SQL that times the given cases.  Per case: pg_prewarm of the
# relation (one that fits in shared_buffers is then fully resident; without
# it, every bulk-read scan leaves ~32 more pages resident and the timings
# drift until the relation is), warm-up + calibration (bench_calibrate), a
# CHECKPOINT, then BENCH_RUNS rounds alternating the order (contrib first on
# odd rounds, ixstat first on even rounds) so both sides share the same
# drift, then one fresh call pair for the identity check.
gen_timing_sql() {
    local c id fn rel relname expr r first second side
    echo "\\o /dev/null"
    echo "SET max_parallel_workers_per_gather = 0;"
    for c in "$@"; do
        IFS='|' read -r id fn rel relname expr <<<"${CASES[$((c - 1))]}"
        echo "INSERT INTO bench_case VALUES ($id, \$t\$$fn\$t\$, \$t\$$rel\$t\$, \$t\$$expr\$t\$, 1);"
        [ "$HAVE_PREWARM" = 1 ] && echo "SELECT pg_prewarm('public.$relname');"
        echo "SELECT bench_calibrate($id, $BENCH_MIN_MS);"
        echo "CHECKPOINT;"
        for ((r = 1; r <= BENCH_RUNS; r++)); do
            if ((r % 2)); then first=contrib second=ixstat; else first=ixstat second=contrib; fi
            for side in $first $second; do
                echo "INSERT INTO bench_sample SELECT $id, '$side', $r, bench_sample_ms($id, '$side', loops) FROM bench_case WHERE id = $id;"
            done
        done
        echo "INSERT INTO bench_identity SELECT $id, (${expr//@S@/public})::text, (${expr//@S@/ixstat})::text;"
    done
}

log "phase 1 (bloated, unvacuumed): timing cases 1-10, $BENCH_RUNS runs per side"
gen_timing_sql 1 2 3 4 5 6 7 8 9 10 | run

# --- buffers of the heap scan ----------------------------------------------
# Restart before each side so shared_buffers hold none of the heap; then
# EXPLAIN (ANALYZE, BUFFERS) shows what the scan read, and pg_buffercache how
# many heap pages stayed resident.  A scan through the bulk-read ring leaves
# only ~32 of them (256 kB ring).  heapam uses the ring only for relations
# larger than shared_buffers/4, so a small BENCH_ROWS shows no ring for
# contrib; both sides should still agree.
log "buffer usage of pgstattuple on the heap (cluster restarted before each side)"
for side in contrib ixstat; do
    schema=public; [ "$side" = ixstat ] && schema=ixstat
    restart_cluster
    buffers="$(sql "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF)
                    SELECT * FROM $schema.pgstattuple('public.bench_heap'::regclass)" |
               grep -m1 -o 'Buffers:.*' || echo 'Buffers: (none reported)')"
    resident=NULL
    if [ "$HAVE_BUFFERCACHE" = 1 ]; then
        resident="(SELECT count(*) FROM pg_buffercache
                    WHERE reldatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
                      AND relfilenode = pg_relation_filenode('public.bench_heap')
                      AND relforknumber = 0)"
    fi
    sql "INSERT INTO bench_buffers SELECT '$side', \$b\$$buffers\$b\$, $resident,
                pg_relation_size('public.bench_heap') / current_setting('block_size')::int" >/dev/null
done

# --- phase 2: VACUUM, then dirty 10% of the pages again ---------------------
log "phase 2: VACUUM bench_heap, then DELETE a contiguous 10% id range"
run -c "ALTER SYSTEM SET vacuum_defer_cleanup_age = 0" -c "SELECT pg_reload_conf()" >/dev/null
sleep 1
[ "$(sql "SHOW vacuum_defer_cleanup_age")" = 0 ] || die "could not reset vacuum_defer_cleanup_age"
run -v lo="$((BENCH_ROWS * 45 / 100))" -v hi="$((BENCH_ROWS * 55 / 100))" <<'SQL'
VACUUM bench_heap;
DELETE FROM bench_heap WHERE id > :lo AND id <= :hi;
CHECKPOINT;
SQL
log "phase 2: timing case 11"
gen_timing_sql 11 | run

# --- report -----------------------------------------------------------------
run <<'SQL'
CREATE VIEW bench_result AS
WITH med AS (
    SELECT case_id,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE side = 'contrib') AS c_ms,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE side = 'ixstat')  AS i_ms
    FROM bench_sample GROUP BY case_id)
SELECT k.id, k.fn, k.rel, k.loops,
       m.c_ms / k.loops AS contrib_ms,
       m.i_ms / k.loops AS ixstat_ms,
       m.i_ms / nullif(m.c_ms, 0) AS ratio,
       coalesce(i.contrib IS NOT DISTINCT FROM i.ixstat, false) AS identical
FROM bench_case k JOIN med m ON m.case_id = k.id
LEFT JOIN bench_identity i ON i.case_id = k.id;
SQL

VERSION="$(sql "SELECT current_setting('server_version')")"
CPU="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || true)"
COMMIT="$(git -c safe.directory='*' -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)"

echo
echo "== relations =="
run -c "SELECT c.relname AS relation, am.amname AS kind,
               pg_relation_size(c.oid) / current_setting('block_size')::int AS pages,
               pg_size_pretty(pg_relation_size(c.oid)) AS size
        FROM pg_class c LEFT JOIN pg_am am ON am.oid = c.relam
        WHERE c.relname IN ('bench_heap','bench_btree','bench_hash','bench_gin_tab','bench_gin')
        ORDER BY c.relname"
echo "== timings (median of $BENCH_RUNS runs per side, ms per call, server-side) =="
run -c "SELECT fn AS function, rel AS relation, loops AS \"calls/sample\",
               bench_fmt(contrib_ms) AS \"contrib median ms\", bench_fmt(ixstat_ms) AS \"ixstat median ms\",
               to_char(ratio, 'FM990.000') AS \"ratio (ixstat/contrib)\",
               CASE WHEN identical THEN 'yes' ELSE 'no' END AS identical
        FROM bench_result ORDER BY id"
if [ "$BENCH_VERBOSE" = 1 ]; then
    echo "== all samples (ms per sample, in execution order) =="
    run -c "SELECT k.id, k.fn, k.rel, s.run, s.side, round(s.ms::numeric, 3) AS ms
            FROM bench_sample s JOIN bench_case k ON k.id = s.case_id ORDER BY s.seq"
fi
echo "== results compared (contrib side; ixstat returned the same unless listed under DIFFERENCES) =="
run -c "SELECT k.fn AS function, k.rel AS relation, i.contrib AS result
        FROM bench_case k JOIN bench_identity i ON i.case_id = k.id ORDER BY k.id"
echo "== buffers: pgstattuple(regclass) on bench_heap, cold shared_buffers =="
run -c "SELECT side, buffers AS \"EXPLAIN buffers (function scan)\",
               coalesce(resident::text, 'n/a') AS \"heap pages resident after\", relpages AS \"heap pages\",
               current_setting('shared_buffers') AS shared_buffers
        FROM bench_buffers ORDER BY side"

DIFFS="$(sql "SELECT format('case %s %s on %s:%s  contrib: %s%s  ixstat:  %s', r.id, r.fn, r.rel,
                           chr(10), i.contrib, chr(10), i.ixstat)
              FROM bench_result r LEFT JOIN bench_identity i ON i.case_id = r.id
              WHERE NOT r.identical ORDER BY r.id")"
if [ -n "$DIFFS" ]; then
    echo "== DIFFERENCES =="
    echo "$DIFFS"
fi

SUMMARY="$(sql "SELECT format('max ratio (ixstat/contrib): %s (%s on %s); target <= $TARGET_RATIO: %s; identical: %s',
                              to_char(ratio, 'FM990.000'), fn, rel,
                              CASE WHEN ratio <= $TARGET_RATIO THEN 'met' ELSE 'not met' END,
                              (SELECT CASE WHEN bool_and(identical) THEN 'yes, all functions'
                                           ELSE 'NO (' || count(*) FILTER (WHERE NOT identical) || ' differ)' END
                               FROM bench_result))
                FROM bench_result ORDER BY ratio DESC NULLS LAST LIMIT 1")"

echo
echo "----- markdown (paste into docs/benchmarks.md) -----"
echo
echo "ixstat vs contrib pgstattuple — PostgreSQL $VERSION, ${CPU:-unknown CPU} ($(nproc) cores),"
echo "BENCH_ROWS=$BENCH_ROWS, BENCH_RUNS=$BENCH_RUNS, BENCH_MIN_MS=$BENCH_MIN_MS, commit $COMMIT, $(date -u +%Y-%m-%d)."
echo
sql "SELECT '| relation | kind | pages | size |' UNION ALL SELECT '|---|---|--:|--:|'" | cat
sql "SELECT format('| %s | %s | %s | %s |', c.relname, coalesce(am.amname, 'heap'),
                   pg_relation_size(c.oid) / current_setting('block_size')::int,
                   pg_size_pretty(pg_relation_size(c.oid)))
     FROM pg_class c LEFT JOIN pg_am am ON am.oid = c.relam
     WHERE c.relname IN ('bench_heap','bench_btree','bench_hash','bench_gin_tab','bench_gin')
     ORDER BY c.relname"
echo
echo "| function | relation | calls/sample | contrib median ms | ixstat median ms | ratio (ixstat/contrib) | identical |"
echo "|---|---|--:|--:|--:|--:|:-:|"
sql "SELECT format('| %s | %s | %s | %s | %s | %s | %s |', fn, rel, loops,
                   bench_fmt(contrib_ms), bench_fmt(ixstat_ms), to_char(ratio, 'FM990.000'),
                   CASE WHEN identical THEN 'yes' ELSE 'no' END)
     FROM bench_result ORDER BY id"
echo
echo "| pgstattuple(regclass) on bench_heap, cold shared_buffers | EXPLAIN buffers | heap pages resident after | heap pages |"
echo "|---|---|--:|--:|"
sql "SELECT format('| %s | %s | %s | %s |', side, buffers, coalesce(resident::text, 'n/a'), relpages)
     FROM bench_buffers ORDER BY side"
echo
echo "$SUMMARY"

sql "SELECT bool_and(identical) FROM bench_result" | grep -qx t || exit 1
exit 0
