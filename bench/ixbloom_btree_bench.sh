#!/usr/bin/env bash
# bench/ixbloom_btree_bench.sh — ixbloom with default options (its shape
# chosen from the data) against what a user builds instead: six
# single-column btrees (a BitmapAnd covers any combination of columns), and
# contrib bloom at its defaults (length=80, colN=2).  All on the W1 table of
# bench/ixbloom_bench.sh (6 int4 columns of 100k, 50k, 1M, 20, 200 and 1,000
# distinct values), in one run, one side at a time on the same table.
#
# Per side: builds (1 untimed, then BENCH_BUILD_RUNS timed; median), the
# total index size, the 6 two- and three-column equality queries of
# bench/ixbloom_bench.sh (1 warm-up, then BENCH_RUNS timed runs in the same
# session, median of the execution time; index and heap buffers from EXPLAIN (ANALYZE,
# BUFFERS), which do not drift; row counts checked against a seq scan;
# bitmap scans only, which are all the blooms have, and what a btree
# BitmapAnd of two or three columns is),
# then pgbench single-row INSERT throughput into an empty table with the
# same indexes (for ixbloom, WITH the shape it chose on the full table), and
# into one without an index (the ceiling any index can reach); then the
# same into a copy of the loaded table (BENCH_ROWS rows, its indexes built
# on it), where the btrees are deep and the inserts land all over them.
# Prints markdown tables and the issue's targets (met / not met; reported,
# never enforced).
#
#   bash bench/ixbloom_btree_bench.sh                                     (as root)
#   BENCH_ROWS=300000 BENCH_RUNS=3 BENCH_BUILD_RUNS=1 BENCH_PGBENCH_SECONDS=5 \
#       bash bench/ixbloom_btree_bench.sh                                 (smoke test)
#
# Env:  BENCH_ROWS             rows of the table                   (5000000)
#       BENCH_RUNS             timed runs per query and side       (5)
#       BENCH_BUILD_RUNS       timed builds per side               (3)
#       BENCH_PGBENCH_SECONDS  length of one pgbench run           (20)
#       BENCH_PGBENCH_RUNS     pgbench runs per side               (3)
#       BENCH_PGBENCH_CLIENTS  pgbench clients (= threads)         (2)
#       BENCH_SHARED_BUFFERS   shared_buffers (warm pages)         (2GB)
#
# Builds and installs nothing: run `make install` first.  Exit status: 0 when
# every query returned the seq scan's rows through every side; 1 otherwise;
# 2 = setup problem.

set -euo pipefail

BENCH_ROWS="${BENCH_ROWS:-5000000}"
BENCH_RUNS="${BENCH_RUNS:-5}"
BENCH_BUILD_RUNS="${BENCH_BUILD_RUNS:-3}"
BENCH_PGBENCH_SECONDS="${BENCH_PGBENCH_SECONDS:-20}"
BENCH_PGBENCH_RUNS="${BENCH_PGBENCH_RUNS:-3}"
BENCH_PGBENCH_CLIENTS="${BENCH_PGBENCH_CLIENTS:-2}"
BENCH_SHARED_BUFFERS="${BENCH_SHARED_BUFFERS:-2GB}"

die() { echo "ixbloom_btree_bench: $*" >&2; exit 2; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
for v in BENCH_ROWS BENCH_RUNS BENCH_BUILD_RUNS BENCH_PGBENCH_SECONDS BENCH_PGBENCH_RUNS BENCH_PGBENCH_CLIENTS; do
    [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done
[ "$BENCH_ROWS" -ge 1000 ] || die "BENCH_ROWS must be at least 1000 (the queries take values from rows 101..606)"

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v pg_config >/dev/null || die "pg_config not found in PATH"
EXTDIR="$(pg_config --sharedir)/extension"
[ -f "$EXTDIR/ixbloom.control" ] || die "extension ixbloom is not installed; run 'make && make install' in $REPO first"
[ -f "$EXTDIR/bloom.control" ] || die "contrib bloom is not installed"
if ldd "$(pg_config --pkglibdir)/ixbloom.so" 2>/dev/null | grep -Eq 'lib(a|ub|t)san'; then
    die "the installed ixbloom.so is a sanitizer build; reinstall the normal build with 'make install'"
fi

# shellcheck source=../test/cluster.sh
source "$REPO/test/cluster.sh"
unset CLUSTER_SERVER_ENV
trap cluster_stop EXIT
trap 'exit 130' INT TERM
log "starting throwaway cluster (shared_buffers = $BENCH_SHARED_BUFFERS)"
cluster_start "shared_buffers = '$BENCH_SHARED_BUFFERS'" "autovacuum = off" "maintenance_work_mem = '1GB'" \
    "max_parallel_workers_per_gather = 0" "max_parallel_maintenance_workers = 0" "checkpoint_timeout = '1h'" \
    "jit = off" || die "cluster did not start"
PGBENCH="$PG_BINDIR/pgbench"
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
export PGOPTIONS="-c client_min_messages=warning"
sql() { "${PSQL[@]}" -At -c "$1"; }
run() { "${PSQL[@]}" "$@"; }

COLS=(c1 c2 c3 c4 c5 c6)
NDIST=(100000 50000 1000000 20 200 1000)
# id|columns|row whose values the query takes (as in bench/ixbloom_bench.sh)
QUERIES=("1|c1,c2|101" "2|c3,c4|202" "3|c5,c6|303" "4|c4,c5,c6|404" "5|c1,c3,c5|505" "6|c2,c4,c6|606")
SIDES=(ixbloom btree6 contrib)

gen=""
for i in "${!COLS[@]}"; do gen+="${gen:+, }bench_h(@G@, $((i + 1)), ${NDIST[$i]})"; done

log "loading $BENCH_ROWS rows (6 x int4), VACUUM (ANALYZE)"
run -v rows="$BENCH_ROWS" <<SQL || die "loading failed"
CREATE EXTENSION bloom;
CREATE EXTENSION ixbloom;
CREATE FUNCTION bench_h(g int, seed int, n int) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ((hashint4extended(g, seed) & 2147483647) % n)::int;
CREATE TABLE w1 (c1 int4, c2 int4, c3 int4, c4 int4, c5 int4, c6 int4) WITH (autovacuum_enabled = off);
INSERT INTO w1 SELECT ${gen//@G@/g} FROM generate_series(1, :rows) AS g;
VACUUM (ANALYZE) w1;
CREATE TABLE results (side text, what text, qid int, run int, value float8);
CREATE TABLE queries (id int, sql text, seq_rows bigint);
-- The DDL of a side's indexes on table t (ixbloom_shape: WITH for ixbloom).
CREATE FUNCTION side_ddl(side text, t text, ixbloom_with text DEFAULT '') RETURNS SETOF text LANGUAGE sql AS \$\$
  SELECT format('CREATE INDEX %I ON %I USING ixbloom (c1, c2, c3, c4, c5, c6) %s', t || '_ixb', t, ixbloom_with)
   WHERE side = 'ixbloom'
  UNION ALL
  SELECT format('CREATE INDEX %I ON %I USING btree (%I)', t || '_' || c, t, c)
    FROM unnest('{c1,c2,c3,c4,c5,c6}'::text[]) c WHERE side = 'btree6'
  UNION ALL
  SELECT format('CREATE INDEX %I ON %I USING bloom (c1, c2, c3, c4, c5, c6) %s', t || '_bloom', t,
                'WITH (length=80, col1=2, col2=2, col3=2, col4=2, col5=2, col6=2)')
   WHERE side = 'contrib' \$\$;
CREATE FUNCTION drop_indexes(t text) RETURNS void LANGUAGE plpgsql AS \$\$
DECLARE i regclass;
BEGIN
  FOR i IN SELECT indexrelid::regclass FROM pg_index WHERE indrelid = t::regclass LOOP
    EXECUTE format('DROP INDEX %s', i);
  END LOOP;
END \$\$;
-- Build a side's indexes; returns the milliseconds.
CREATE FUNCTION build_side(side text) RETURNS float8 LANGUAGE plpgsql AS \$\$
DECLARE t0 timestamptz := clock_timestamp(); d text;
BEGIN
  FOR d IN SELECT side_ddl(side, 'w1') LOOP EXECUTE d; END LOOP;
  RETURN extract(epoch FROM clock_timestamp() - t0) * 1000;
END \$\$;
-- One EXPLAIN (ANALYZE, BUFFERS) run: execution ms, index and heap buffers, rows.
CREATE FUNCTION measure(q text, OUT ms float8, OUT idx bigint, OUT heap bigint, OUT nrows bigint,
                        OUT nodes text) LANGUAGE plpgsql AS \$\$
DECLARE p jsonb;
BEGIN
  EXECUTE 'EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ' || q INTO p;
  ms := (p->0->>'Execution Time')::float8;
  nrows := (p->0->'Plan'->>'Actual Rows')::bigint;
  SELECT coalesce(sum((n->>'Shared Hit Blocks')::bigint + (n->>'Shared Read Blocks')::bigint), 0)
    INTO idx
    FROM jsonb_path_query(p->0->'Plan', 'strict \$.** ? (exists (@."Node Type"))') n
   WHERE n->>'Node Type' = 'Bitmap Index Scan';
  heap := (p->0->'Plan'->>'Shared Hit Blocks')::bigint + (p->0->'Plan'->>'Shared Read Blocks')::bigint - idx;
  SELECT string_agg(n->>'Node Type', ' > ') INTO nodes
    FROM jsonb_path_query(p->0->'Plan', 'strict \$.** ? (exists (@."Node Type"))') n;
END \$\$;
SQL

# The queries: col = (value of that column in row g), AND-ed.
for x in "${QUERIES[@]}"; do
    IFS='|' read -r id cols g <<<"$x"
    conds=""
    for c in ${cols//,/ }; do
        for i in "${!COLS[@]}"; do [ "${COLS[$i]}" = "$c" ] && n=$i; done
        v="$(sql "SELECT bench_h($g, $((n + 1)), ${NDIST[$n]})")"
        conds+="${conds:+ AND }$c = $v"
    done
    q="SELECT * FROM w1 WHERE $conds"
    run -c "INSERT INTO queries VALUES ($id, \$q\$$q\$q\$, (SELECT count(*) FROM w1 WHERE $conds))"
done

# The pgbench script of one single-row INSERT into ins.
script="$CLUSTER_DIR/insert.sql"
printf '\\set g random(1, 2147483647)\nINSERT INTO ins VALUES (%s);\n' "${gen//@G@/:g}" >"$script"
# One pgbench run of an insert script; prints its tps.
insert_tps() {
    local out
    out="$("$PGBENCH" -n -M prepared -f "$1" -c "$BENCH_PGBENCH_CLIENTS" -j "$BENCH_PGBENCH_CLIENTS" \
             -T "$BENCH_PGBENCH_SECONDS" 2>&1)" || die "pgbench failed: $out"
    sed -n 's/^tps = \([0-9.]*\) (without initial connection time).*/\1/p' <<<"$out"
}
# Create side $1's indexes on table $2 (ixbloom WITH the shape chosen on w1).
side_indexes() {
    while read -r ddl; do run -c "$ddl"; done < <(sql "SELECT side_ddl('$1', '$2', \$w\$${IXB_WITH:-}\$w\$)")
}

status=0
for side in "${SIDES[@]}"; do
    log "$side: builds (1 untimed + $BENCH_BUILD_RUNS timed)"
    for ((r = 0; r <= BENCH_BUILD_RUNS; r++)); do
        run -c "SELECT drop_indexes('w1')" -c "CHECKPOINT" >/dev/null
        ms="$(sql "SELECT build_side('$side')")"
        [ "$r" -gt 0 ] && run -c "INSERT INTO results VALUES ('$side', 'build_ms', 0, $r, $ms)"
    done
    run -c "CHECKPOINT" -c "INSERT INTO results SELECT '$side', 'size', 0, 0, sum(pg_relation_size(indexrelid))
                            FROM pg_index WHERE indrelid = 'w1'::regclass"
    if [ "$side" = ixbloom ]; then
        sql "SELECT format('sized_from=%s length=%s col_bits=%s', sized_from, sig_bits, col_bits)
               FROM ixbloom_metapage('w1_ixb')" >"$CLUSTER_DIR/ixbloom_shape"
        log "ixbloom's shape: $(cat "$CLUSTER_DIR/ixbloom_shape")"
        IXB_WITH="$(sql "SELECT format('WITH (length=%s, %s)', sig_bits,
                                       (SELECT string_agg(format('col%s=%s', i, col_bits[i]), ', ')
                                          FROM generate_series(1, ncols) i))
                           FROM ixbloom_metapage('w1_ixb')")"
    fi
    log "$side: ${#QUERIES[@]} queries, 1 warm-up + $BENCH_RUNS runs"
    for x in "${QUERIES[@]}"; do
        id="${x%%|*}"
        # The warm-up and the timed runs in one session, so that the runs
        # meet warm backend caches (catalog, relation, the index's shape),
        # as an application's pooled connection does.
        r=0
        while IFS='|' read -r ms idx heap nrows nodes; do
            if [ "$r" -eq 0 ]; then
                echo "$side q$id: $nodes" >&2
            else
                run -c "INSERT INTO results VALUES ('$side', 'ms', $id, $r, $ms), ('$side', 'idx', $id, $r, $idx),
                                                   ('$side', 'heap', $id, $r, $heap), ('$side', 'rows', $id, $r, $nrows)"
            fi
            r=$((r + 1))
        done < <({
            echo "SET enable_seqscan = off; SET enable_indexscan = off;"
            for ((k = 0; k <= BENCH_RUNS; k++)); do
                echo "SELECT ms, idx, heap, nrows, nodes FROM measure((SELECT sql FROM queries WHERE id = $id));"
            done
        } | "${PSQL[@]}" -At)
    done
    log "$side: pgbench single-row inserts, $BENCH_PGBENCH_RUNS x ${BENCH_PGBENCH_SECONDS}s, $BENCH_PGBENCH_CLIENTS clients"
    for ((r = 1; r <= BENCH_PGBENCH_RUNS; r++)); do
        run -c "DROP TABLE IF EXISTS ins" -c "CREATE TABLE ins (LIKE w1) WITH (autovacuum_enabled = off)" >/dev/null
        side_indexes "$side" ins
        run -c "CHECKPOINT" >/dev/null
        tps="$(insert_tps "$script")"
        run -c "INSERT INTO results VALUES ('$side', 'tps', 0, $r, $tps)"
    done
    run -c "SELECT drop_indexes('w1')" >/dev/null
done

# The ceiling of any index: the same inserts into a table without one.
log "no index: pgbench single-row inserts, $BENCH_PGBENCH_RUNS x ${BENCH_PGBENCH_SECONDS}s"
for ((r = 1; r <= BENCH_PGBENCH_RUNS; r++)); do
    run -c "DROP TABLE IF EXISTS ins" -c "CREATE TABLE ins (LIKE w1) WITH (autovacuum_enabled = off)" -c "CHECKPOINT" >/dev/null
    tps="$(insert_tps "$script")"
    run -c "INSERT INTO results VALUES ('noindex', 'tps', 0, $r, $tps)"
done

# The same inserts into a copy of the loaded table, each side's indexes
# built on it (the runs append to one copy); the ceiling again without one.
log "inserts into a loaded copy of w1: $BENCH_PGBENCH_RUNS x ${BENCH_PGBENCH_SECONDS}s per side"
sed 's/INSERT INTO ins /INSERT INTO insw /' "$script" >"$CLUSTER_DIR/insert_loaded.sql"
for side in noindex "${SIDES[@]}"; do
    run -c "DROP TABLE IF EXISTS insw" -c "CREATE TABLE insw WITH (autovacuum_enabled = off) AS SELECT * FROM w1" \
        -c "VACUUM (ANALYZE) insw" >/dev/null
    side_indexes "$side" insw
    run -c "CHECKPOINT" >/dev/null
    for ((r = 1; r <= BENCH_PGBENCH_RUNS; r++)); do
        tps="$(insert_tps "$CLUSTER_DIR/insert_loaded.sql")"
        run -c "INSERT INTO results VALUES ('$side', 'tps_loaded', 0, $r, $tps)"
    done
done
run -c "DROP TABLE insw" >/dev/null

# Continuous inserts, then VACUUM, against a fresh build of the same rows:
# 3 pgbench runs into one table with the ixbloom index (the shape chosen
# on w1), VACUUM, the index buffers of the 6 queries; then REINDEX and the
# same queries.
log "ixbloom after continuous inserts: $BENCH_PGBENCH_RUNS x ${BENCH_PGBENCH_SECONDS}s into one table, VACUUM, then REINDEX"
run -c "DROP TABLE IF EXISTS ins" -c "CREATE TABLE ins (LIKE w1) WITH (autovacuum_enabled = off)" >/dev/null
side_indexes ixbloom ins
for ((r = 1; r <= BENCH_PGBENCH_RUNS; r++)); do
    insert_tps "$script" >/dev/null
done
run -c "VACUUM ins" >/dev/null
for phase in after_inserts after_reindex; do
    [ "$phase" = after_reindex ] && run -c "REINDEX INDEX ins_ixb" >/dev/null
    for x in "${QUERIES[@]}"; do
        id="${x%%|*}"
        out="$(sql "SET enable_seqscan = off; SET enable_indexscan = off;
                    SELECT idx FROM measure(replace((SELECT sql FROM queries WHERE id = $id), 'FROM w1', 'FROM ins'))")"
        run -c "INSERT INTO results VALUES ('$phase', 'idx', $id, 1, $out)"
    done
    run -c "INSERT INTO results SELECT '$phase', 'groups', 0, 1, ngroups FROM ixbloom_metapage('ins_ixb')"
done
INS_ROWS="$(sql "SELECT count(*) FROM ins")"

# Every measured run returned the seq scan's rows.
bad="$(sql "SELECT count(*) FROM results r JOIN queries q ON q.id = r.qid WHERE r.what = 'rows' AND r.value <> q.seq_rows")"
[ "$bad" = 0 ] || { echo "ixbloom_btree_bench: $bad runs returned other rows than a seq scan" >&2; status=1; }

echo
echo "BENCH_ROWS=$BENCH_ROWS, BENCH_RUNS=$BENCH_RUNS, commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?'), $(date +%F)."
echo "ixbloom's chosen shape: $(cat "$CLUSTER_DIR/ixbloom_shape"); continuous inserts: $INS_ROWS rows"
run <<'SQL'
CREATE FUNCTION med(s text, w text, q int) RETURNS float8 LANGUAGE sql AS $$
  SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY value) FROM results WHERE side = s AND what = w AND qid = q $$;
\pset format unaligned
\pset tuples_only on
SELECT '';
SELECT '| query | rows | ixbloom ms | btree6 ms | contrib ms | ixbloom / btree6 | ixbloom / contrib | index bufs ixbloom / btree6 / contrib | heap bufs ixbloom / btree6 / contrib |';
SELECT '|---|--:|--:|--:|--:|--:|--:|--:|--:|';
SELECT format('| `%s` | %s | %s | %s | %s | %s | %s | %s / %s / %s | %s / %s / %s |',
              regexp_replace(q.sql, '^SELECT \* FROM w1 WHERE ', ''), q.seq_rows,
              round(med('ixbloom', 'ms', q.id)::numeric, 3), round(med('btree6', 'ms', q.id)::numeric, 3),
              round(med('contrib', 'ms', q.id)::numeric, 3),
              round((med('ixbloom', 'ms', q.id) / med('btree6', 'ms', q.id))::numeric, 2),
              round((med('ixbloom', 'ms', q.id) / med('contrib', 'ms', q.id))::numeric, 3),
              med('ixbloom', 'idx', q.id), med('btree6', 'idx', q.id), med('contrib', 'idx', q.id),
              med('ixbloom', 'heap', q.id), med('btree6', 'heap', q.id), med('contrib', 'heap', q.id))
  FROM queries q ORDER BY q.id;
SELECT '';
SELECT '| side | size (MB) | build (ms, median) | inserts, empty table (tps, median) | inserts, loaded table (tps, median) |';
SELECT '|---|--:|--:|--:|--:|';
SELECT format('| %s | %s | %s | %s | %s |', s, round((med(s, 'size', 0) / 1048576)::numeric, 1),
              round(med(s, 'build_ms', 0)::numeric), round(med(s, 'tps', 0)::numeric),
              round(med(s, 'tps_loaded', 0)::numeric))
  FROM unnest('{ixbloom,btree6,contrib}'::text[]) s;
SELECT format('| no index (the ceiling) | | | %s | %s |', round(med('noindex', 'tps', 0)::numeric),
              round(med('noindex', 'tps_loaded', 0)::numeric));
SELECT '';
SELECT '| query | index bufs after inserts + VACUUM | after REINDEX | ratio |';
SELECT '|---|--:|--:|--:|';
SELECT format('| %s | %s | %s | %s |', q.id, med('after_inserts', 'idx', q.id), med('after_reindex', 'idx', q.id),
              round((med('after_inserts', 'idx', q.id) / med('after_reindex', 'idx', q.id))::numeric, 2))
  FROM queries q ORDER BY q.id;
SELECT format('groups: %s after inserts + VACUUM, %s after REINDEX', med('after_inserts', 'groups', 0),
              med('after_reindex', 'groups', 0));
SELECT '';
CREATE TEMP TABLE t AS
SELECT (SELECT exp(avg(ln(med('ixbloom', 'ms', id) / med('btree6', 'ms', id)))) FROM queries) AS geo,
       (SELECT max(med('ixbloom', 'ms', id) / med('contrib', 'ms', id)) FROM queries) AS worst_contrib,
       med('ixbloom', 'size', 0) / med('btree6', 'size', 0) AS size,
       med('ixbloom', 'build_ms', 0) / med('btree6', 'build_ms', 0) AS build,
       med('ixbloom', 'tps', 0) / med('btree6', 'tps', 0) AS ins,
       med('ixbloom', 'tps_loaded', 0) / med('btree6', 'tps_loaded', 0) AS ins_loaded,
       (SELECT max(med('after_inserts', 'idx', id) / med('after_reindex', 'idx', id)) FROM queries) AS churn;
CREATE FUNCTION verdict(ok bool) RETURNS text LANGUAGE sql RETURN CASE WHEN ok THEN 'met' ELSE 'not met' END;
SELECT 'targets (ixbloom with default options):';
SELECT format('  query time, geometric mean / btree6: %s  (<= 10: %s; moonshot <= 3: %s)',
              round(geo::numeric, 2), verdict(geo <= 10), verdict(geo <= 3)) FROM t;
SELECT format('  every query / contrib: at most %s  (<= 0.333: %s)', round(worst_contrib::numeric, 3),
              verdict(worst_contrib <= 1.0 / 3)) FROM t;
SELECT format('  size / btree6: %s  (<= 0.5: %s)', round(size::numeric, 3), verdict(size <= 0.5)) FROM t;
SELECT format('  build time / btree6: %s  (<= 0.2: %s)', round(build::numeric, 3), verdict(build <= 0.2)) FROM t;
SELECT format('  single-row inserts / btree6, empty table: %s  (>= 2: %s; a table without an index: %s)',
              round(ins::numeric, 2), verdict(ins >= 2),
              round((med('noindex', 'tps', 0) / med('btree6', 'tps', 0))::numeric, 2)) FROM t;
SELECT format('  single-row inserts / btree6, loaded table: %s  (>= 2: %s; a table without an index: %s)',
              round(ins_loaded::numeric, 2), verdict(ins_loaded >= 2),
              round((med('noindex', 'tps_loaded', 0) / med('btree6', 'tps_loaded', 0))::numeric, 2)) FROM t;
SELECT format('  index buffers after continuous inserts + VACUUM / after REINDEX: at most %s  (<= 1.5: %s)',
              round(churn::numeric, 2), verdict(churn <= 1.5)) FROM t;
SQL
exit $status
