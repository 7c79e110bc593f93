#!/usr/bin/env bash
# bench/ixbloom_bench.sh — side-by-side benchmark of contrib bloom vs ixbloom.
#
# Starts a throwaway PostgreSQL 15 cluster (test/cluster.sh) and loads two
# tables: bench_t1 (6 int4 columns of mixed cardinality) and bench_t2 (4 text
# columns).  On each it builds, one at a time and timed server-side, three
# indexes over all columns:
#
#   contrib      USING bloom   WITH (length=80, col1..colN=2)   (contrib's defaults)
#   ixbloom      USING ixbloom WITH (length=80, col1..colN=2)   (same signature size)
#   ixbloom_fpr  USING ixbloom WITH (false_positive_rate=0.01)
#
# Then it runs 8 fixed equality queries (2 and 3 columns) through each index
# in turn.  The other indexes of the table are hidden for the duration of one
# measurement (pg_index.indisvalid = false in a subtransaction that is rolled
# back; see bench/README.md), and EXPLAIN (ANALYZE, BUFFERS) must show the
# intended index.  It records index and heap buffers, rows removed by the
# recheck and the execution time, alternating the sides, and checks every row
# count against a seq scan.  Finally pgbench measures single-row INSERT
# throughput into an empty table that has one of the indexes.  Prints psql
# tables, markdown for docs/benchmarks.md and the issue's targets (met / not met).
#
#   bash bench/ixbloom_bench.sh                                        (as root)
#   BENCH_ROWS=300000 BENCH_TEXT_ROWS=100000 BENCH_RUNS=3 BENCH_PGBENCH_SECONDS=5 \
#       bash bench/ixbloom_bench.sh                                    (smoke test)
#
# Env:  BENCH_ROWS             rows in bench_t1 (6 x int4)                 (5000000)
#       BENCH_TEXT_ROWS        rows in bench_t2 (4 x text)                 (1000000)
#       BENCH_RUNS             timed samples per query and index           (5)
#       BENCH_BUILD_RUNS       builds per index (median reported)          (5)
#       BENCH_PGBENCH_SECONDS  length of one pgbench insert run            (20)
#       BENCH_PGBENCH_RUNS     pgbench runs per index                      (3)
#       BENCH_PGBENCH_CLIENTS  pgbench clients (= threads)                 (2)
#       BENCH_SHARED_BUFFERS   shared_buffers of the cluster; everything
#                              should fit so timings are of warm pages     (2GB)
#       BENCH_VERBOSE=1        also print every sample
#
# Builds and installs nothing: run `make install` first.  Exit status: 0 when
# every query returned the seq scan's row count through every index and every
# measurement used the intended index; 1 otherwise; 2 = setup problem.  The
# issue's targets are reported ('met' / 'not met'), never enforced.

set -euo pipefail

BENCH_ROWS="${BENCH_ROWS:-5000000}"
BENCH_TEXT_ROWS="${BENCH_TEXT_ROWS:-1000000}"
BENCH_RUNS="${BENCH_RUNS:-5}"
BENCH_BUILD_RUNS="${BENCH_BUILD_RUNS:-5}"
BENCH_PGBENCH_SECONDS="${BENCH_PGBENCH_SECONDS:-20}"
BENCH_PGBENCH_RUNS="${BENCH_PGBENCH_RUNS:-3}"
BENCH_PGBENCH_CLIENTS="${BENCH_PGBENCH_CLIENTS:-2}"
BENCH_SHARED_BUFFERS="${BENCH_SHARED_BUFFERS:-2GB}"
BENCH_VERBOSE="${BENCH_VERBOSE:-0}"

die() { echo "ixbloom_bench: $*" >&2; exit 2; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
# an access method failed while building or scanning: a correctness failure
fail() {
    echo "ixbloom_bench: $*" >&2
    [ -n "${CLUSTER_LOG:-}" ] && { echo "-- last lines of the server log:" >&2; tail -n 15 "$CLUSTER_LOG" >&2; }
    exit 1
}

for v in BENCH_ROWS BENCH_TEXT_ROWS BENCH_RUNS BENCH_BUILD_RUNS BENCH_PGBENCH_SECONDS \
         BENCH_PGBENCH_RUNS BENCH_PGBENCH_CLIENTS; do
    [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done
[[ "$BENCH_SHARED_BUFFERS" =~ ^[1-9][0-9]*(kB|MB|GB)$ ]] ||
    die "BENCH_SHARED_BUFFERS must look like 512MB or 2GB (got '$BENCH_SHARED_BUFFERS')"
# The fixed queries take their constants from rows 1..1000 (see QUERIES).
[ "$BENCH_ROWS" -ge 1000 ] || die "BENCH_ROWS must be at least 1000"
[ "$BENCH_TEXT_ROWS" -ge 1000 ] || die "BENCH_TEXT_ROWS must be at least 1000"

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ -f "$REPO/test/cluster.sh" ] || die "cannot find test/cluster.sh under $REPO"
command -v pg_config >/dev/null || die "pg_config not found in PATH"

# --- preconditions: nothing is built or installed here ----------------------
EXTDIR="$(pg_config --sharedir)/extension"
PKGLIBDIR="$(pg_config --pkglibdir)"
[ -f "$EXTDIR/ixbloom.control" ] && [ -f "$PKGLIBDIR/ixbloom.so" ] ||
    die "extension ixbloom is not installed ($EXTDIR/ixbloom.control, $PKGLIBDIR/ixbloom.so); run 'make && make install' in $REPO first"
if ldd "$PKGLIBDIR/ixbloom.so" 2>/dev/null | grep -Eq 'lib(a|ub|t)san'; then
    die "the installed $PKGLIBDIR/ixbloom.so is a sanitizer build (test/run-sanitized.sh in progress?); timings would be meaningless -- reinstall the normal build with 'make install'"
fi
[ -f "$EXTDIR/bloom.control" ] ||
    die "contrib bloom is not installed (postgresql-contrib / postgresql-15 package)"

# shellcheck source=../test/cluster.sh
source "$REPO/test/cluster.sh"
unset CLUSTER_SERVER_ENV   # plain server environment (no sanitizer preload)
PGBENCH="$PG_BINDIR/pgbench"
[ -x "$PGBENCH" ] || die "pgbench not found at $PGBENCH"
trap cluster_stop EXIT
trap 'exit 130' INT TERM

PSQL=(psql -X -q -v ON_ERROR_STOP=1)
export PGOPTIONS="-c client_min_messages=warning"   # no "does not exist, skipping" notices
sql()  { "${PSQL[@]}" -At -c "$1"; }      # one value / unaligned rows
run()  { "${PSQL[@]}" "$@"; }              # script on stdin or -c

# Parallel query is off so every plan is a plain Bitmap Heap Scan over one
# Bitmap Index Scan; none of the three access methods builds in parallel.
log "starting throwaway cluster (shared_buffers = $BENCH_SHARED_BUFFERS)"
cluster_start \
    "shared_buffers = '$BENCH_SHARED_BUFFERS'" \
    "autovacuum = off" \
    "maintenance_work_mem = '1GB'" \
    "max_parallel_workers_per_gather = 0" \
    "max_parallel_maintenance_workers = 0" \
    "checkpoint_timeout = '1h'" \
    "jit = off"

[ "$(sql "SELECT count(*) FROM pg_available_extensions WHERE name = 'ixbloom'")" = 1 ] ||
    die "extension ixbloom is not available to the server; run 'make install' first"
run -c "CREATE EXTENSION bloom"   || die "CREATE EXTENSION bloom failed"
run -c "CREATE EXTENSION ixbloom" || die "CREATE EXTENSION ixbloom failed (is the installed build current?)"
HAVE_PREWARM=0
if [ -f "$EXTDIR/pg_prewarm.control" ] && run -c "CREATE EXTENSION pg_prewarm" 2>/dev/null; then
    HAVE_PREWARM=1
fi

SIDES=(contrib ixbloom ixbloom_fpr)
# rotated SIDES for round $1: F C I (round 0, untimed), C I F, I F C, F C I, ...
sides_for_round() {
    local r=$1 i n=${#SIDES[@]}
    for ((i = 0; i < n; i++)); do echo "${SIDES[$(((r - 1 + i + n) % n))]}"; done
}

# --- data ------------------------------------------------------------------
# bench_h(g, seed, n): value of row g in a column with n distinct values,
# from a seeded hash of the row number: independent between columns and not
# correlated with the physical order.  Inlined by the planner.
T1_COL=(c1 c2 c3 c4 c5 c6)
T1_EXPR=("bench_h(@G@, 1, 100000)" "bench_h(@G@, 2, 50000)" "bench_h(@G@, 3, 1000000)"
         "bench_h(@G@, 4, 20)" "bench_h(@G@, 5, 200)" "bench_h(@G@, 6, 1000)")
T2_COL=(a b c d)
T2_EXPR=("md5(bench_h(@G@, 11, 1000000)::text)"
         "substr(md5('b' || bench_h(@G@, 12, 50000)), 1, 16)"
         "'tag-' || bench_h(@G@, 13, 100)"
         "substr(md5('d' || bench_h(@G@, 14, 5000)), 1, 12)")
join_list() { local out="$1"; shift; for x in "$@"; do out+=", $x"; done; echo "$out"; }
T1_GEN="$(join_list "${T1_EXPR[@]}")"
T2_GEN="$(join_list "${T2_EXPR[@]}")"

log "loading bench_t1: $BENCH_ROWS rows (6 x int4); bench_t2: $BENCH_TEXT_ROWS rows (4 x text)"
run -v rows="$BENCH_ROWS" -v textrows="$BENCH_TEXT_ROWS" <<SQL
CREATE FUNCTION bench_h(g int, seed int, n int) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ((hashint4extended(g, seed) & 2147483647) % n)::int;

CREATE TABLE bench_t1 (c1 int4, c2 int4, c3 int4, c4 int4, c5 int4, c6 int4)
    WITH (autovacuum_enabled = off);
INSERT INTO bench_t1 SELECT ${T1_GEN//@G@/g} FROM generate_series(1, :rows) AS g;

CREATE TABLE bench_t2 (a text, b text, c text, d text) WITH (autovacuum_enabled = off);
INSERT INTO bench_t2 SELECT ${T2_GEN//@G@/g} FROM generate_series(1, :textrows) AS g;

-- hint bits, visibility map and statistics once, before anything is timed
VACUUM (ANALYZE) bench_t1, bench_t2;
CHECKPOINT;
SQL

# --- catalog of indexes and queries ----------------------------------------
t1_cols="$(join_list "${T1_COL[@]}")"; t1_k="col1=2, col2=2, col3=2, col4=2, col5=2, col6=2"
t2_cols="$(join_list "${T2_COL[@]}")"; t2_k="col1=2, col2=2, col3=2, col4=2"
# name|table|side|USING and WITH (@T@ = the table, so bench_ins reuses it)
INDEXES=(
  "bench_t1_contrib|bench_t1|contrib|bloom ($t1_cols) WITH (length=80, $t1_k)"
  "bench_t1_ixbloom|bench_t1|ixbloom|ixbloom ($t1_cols) WITH (length=80, $t1_k)"
  "bench_t1_ixbloom_fpr|bench_t1|ixbloom_fpr|ixbloom ($t1_cols) WITH (false_positive_rate=0.01)"
  "bench_t2_contrib|bench_t2|contrib|bloom ($t2_cols) WITH (length=80, $t2_k)"
  "bench_t2_ixbloom|bench_t2|ixbloom|ixbloom ($t2_cols) WITH (length=80, $t2_k)"
  "bench_t2_ixbloom_fpr|bench_t2|ixbloom_fpr|ixbloom ($t2_cols) WITH (false_positive_rate=0.01)"
)
# id|table|columns|row the constants are taken from (exists at any scale)
# bench_t1 cardinalities: c1 100k, c2 50k, c3 1M, c4 20, c5 200, c6 1000;
# bench_t2: a ~1M (md5), b 50k, c 100, d 5000.
QUERIES=(
  "1|bench_t1|c1,c2|101"
  "2|bench_t1|c3,c4|202"
  "3|bench_t1|c5,c6|303"
  "4|bench_t1|c4,c5,c6|404"
  "5|bench_t1|c1,c3,c5|505"
  "6|bench_t1|c2,c4,c6|606"
  "7|bench_t2|b,c|707"
  "8|bench_t2|a,c,d|808"
)

{
cat <<'SQL'
CREATE TABLE bench_col (tab text, col text, gen text, quoted bool);
CREATE TABLE bench_index (name text PRIMARY KEY, tab text, side text, am_def text,
                          UNIQUE (tab, side));
CREATE TABLE bench_build (tab text, side text, run int, ms float8);
CREATE TABLE bench_query (id int PRIMARY KEY, tab text, cols text[], g int, sql text, seq_rows bigint);
CREATE TABLE bench_plan (qid int, side text, default_node text, default_index text,
                         default_cost float8, PRIMARY KEY (qid, side));
CREATE TABLE bench_sample (qid int, side text, run int, index_name text, node text,
                           exec_ms float8, plan_ms float8, total_ms float8,
                           idx_buf bigint, heap_buf bigint, removed bigint, nrows bigint,
                           forced_cost float8, plan jsonb, seq bigserial);
CREATE TABLE bench_insert (side text, run int, tps float8, nrows bigint, size bigint,
                           ngroups bigint, ok bool, seq bigserial);
SQL
echo "INSERT INTO bench_col VALUES"
for i in "${!T1_COL[@]}"; do
    echo "('bench_t1', '${T1_COL[$i]}', \$g\$${T1_EXPR[$i]}\$g\$, false),"
done
for i in "${!T2_COL[@]}"; do
    echo "('bench_t2', '${T2_COL[$i]}', \$g\$${T2_EXPR[$i]}\$g\$, true)$([ "$i" -lt $((${#T2_COL[@]} - 1)) ] && echo , || echo ';')"
done
for x in "${INDEXES[@]}"; do
    IFS='|' read -r name tab side def <<<"$x"
    echo "INSERT INTO bench_index VALUES ('$name', '$tab', '$side', \$d\$$def\$d\$);"
done
for x in "${QUERIES[@]}"; do
    IFS='|' read -r id tab cols g <<<"$x"
    echo "INSERT INTO bench_query (id, tab, cols, g) VALUES ($id, '$tab', '{$cols}', $g);"
done
} | run

run <<'SQL'
-- The query text: col = (value of that column in row g), AND-ed.
CREATE FUNCTION bench_make_query(p_qid int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE q bench_query; c text; v text; gen text; quoted bool; conds text[] := '{}';
BEGIN
    SELECT * INTO STRICT q FROM bench_query WHERE id = p_qid;
    FOREACH c IN ARRAY q.cols LOOP
        SELECT k.gen, k.quoted INTO STRICT gen, quoted FROM bench_col k WHERE k.tab = q.tab AND k.col = c;
        EXECUTE 'SELECT (' || replace(gen, '@G@', q.g::text) || ')::text' INTO STRICT v;
        conds := conds || format('%I = %s', c, CASE WHEN quoted THEN quote_literal(v) ELSE v END);
    END LOOP;
    RETURN format('SELECT * FROM %I WHERE %s', q.tab, array_to_string(conds, ' AND '));
END $$;
UPDATE bench_query SET sql = bench_make_query(id);

CREATE FUNCTION bench_index_ddl(p_name text, p_tab text, p_def text) RETURNS text
LANGUAGE sql IMMUTABLE RETURN format('CREATE INDEX %I ON %I USING %s', p_name, p_tab, p_def);

-- Build one index (dropping the previous build), timed around CREATE INDEX.
CREATE FUNCTION bench_build_index(p_tab text, p_side text, p_run int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE x bench_index; t0 timestamptz;
BEGIN
    SELECT * INTO STRICT x FROM bench_index WHERE tab = p_tab AND side = p_side;
    EXECUTE format('DROP INDEX IF EXISTS %I', x.name);
    t0 := clock_timestamp();
    EXECUTE bench_index_ddl(x.name, x.tab, x.am_def);
    INSERT INTO bench_build VALUES (p_tab, p_side, p_run,
                                    extract(epoch FROM clock_timestamp() - t0) * 1000);
END $$;

-- Run 'stmt' with every index of the table except 'keep' (NULL: every
-- index) marked invalid, so the planner considers only 'keep'.  The hiding
-- is done in a subtransaction that is always rolled back (the exception
-- below), so no other statement ever sees it; 'stmt' must return one value.
-- Returns that value and the elapsed ms of 'stmt' (planning included).
CREATE FUNCTION bench_with_only(p_tab text, p_keep text, stmt text, seqscan bool,
                                OUT result text, OUT ms float8)
LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz;
BEGIN
    BEGIN
        UPDATE pg_index SET indisvalid = false
         WHERE indrelid = p_tab::regclass
           AND (p_keep IS NULL OR indexrelid <> p_keep::regclass);
        IF seqscan IS NOT NULL THEN
            PERFORM set_config('enable_seqscan', CASE WHEN seqscan THEN 'on' ELSE 'off' END, true);
        END IF;
        t0 := clock_timestamp();
        EXECUTE stmt INTO STRICT result;
        ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
        RAISE EXCEPTION USING ERRCODE = 'BNRBK', MESSAGE = 'bench: undo the hiding';
    EXCEPTION WHEN SQLSTATE 'BNRBK' THEN
        NULL;
    END;
END $$;

-- Reference row count: every index hidden, so it is a seq scan.
CREATE FUNCTION bench_seq_count(p_qid int) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE q bench_query; n bigint;
BEGIN
    SELECT * INTO STRICT q FROM bench_query WHERE id = p_qid;
    SELECT result::bigint INTO n
      FROM bench_with_only(q.tab, NULL, 'SELECT count(*) FROM (' || q.sql || ') s', true);
    UPDATE bench_query SET seq_rows = n WHERE id = p_qid;
    RETURN n;
END $$;

-- The first Bitmap Index Scan / Bitmap Heap Scan node of a JSON plan.
CREATE FUNCTION bench_node(j jsonb, node text) RETURNS jsonb LANGUAGE sql IMMUTABLE
RETURN jsonb_path_query_first(j, 'strict $[0].Plan.** ? (@."Node Type" == $n)', jsonb_build_object('n', node));

-- What the planner does by itself (enable_seqscan = on) when only this index exists.
CREATE FUNCTION bench_default_plan(p_qid int, p_side text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE q bench_query; x bench_index; j jsonb;
BEGIN
    SELECT * INTO STRICT q FROM bench_query WHERE id = p_qid;
    SELECT * INTO STRICT x FROM bench_index WHERE tab = q.tab AND side = p_side;
    SELECT result::jsonb INTO j FROM bench_with_only(q.tab, x.name, 'EXPLAIN (FORMAT JSON) ' || q.sql, true);
    INSERT INTO bench_plan VALUES (p_qid, p_side, j->0->'Plan'->>'Node Type',
        coalesce(bench_node(j, 'Bitmap Index Scan')->>'Index Name', j->0->'Plan'->>'Index Name'),
        (j->0->'Plan'->>'Total Cost')::float8);
END $$;

-- One sample: EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) with only this index
-- usable and enable_seqscan = off.  Index buffers = the Bitmap Index Scan
-- node's shared hit+read; heap buffers = the Bitmap Heap Scan node's minus
-- those.  Run 0 is the warm-up and keeps the whole plan.
CREATE FUNCTION bench_measure(p_qid int, p_side text, p_run int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE q bench_query; x bench_index; j jsonb; total float8; bis jsonb; bhs jsonb; ib bigint;
BEGIN
    SELECT * INTO STRICT q FROM bench_query WHERE id = p_qid;
    SELECT * INTO STRICT x FROM bench_index WHERE tab = q.tab AND side = p_side;
    SELECT result::jsonb, ms INTO j, total
      FROM bench_with_only(q.tab, x.name, 'EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, FORMAT JSON) ' || q.sql, false);
    bis := bench_node(j, 'Bitmap Index Scan');
    bhs := bench_node(j, 'Bitmap Heap Scan');
    ib := (bis->>'Shared Hit Blocks')::bigint + (bis->>'Shared Read Blocks')::bigint;
    INSERT INTO bench_sample (qid, side, run, index_name, node, exec_ms, plan_ms, total_ms,
                              idx_buf, heap_buf, removed, nrows, forced_cost, plan)
    VALUES (p_qid, p_side, p_run, bis->>'Index Name', j->0->'Plan'->>'Node Type',
            (j->0->>'Execution Time')::float8, (j->0->>'Planning Time')::float8, total,
            ib, (bhs->>'Shared Hit Blocks')::bigint + (bhs->>'Shared Read Blocks')::bigint - ib,
            coalesce((bhs->>'Rows Removed by Index Recheck')::bigint, 0),
            (j->0->'Plan'->>'Actual Rows')::bigint, (j->0->'Plan'->>'Total Cost')::float8,
            CASE WHEN p_run = 0 THEN j END);
END $$;

CREATE FUNCTION bench_fmt(ms float8) RETURNS text LANGUAGE sql IMMUTABLE
RETURN CASE WHEN ms IS NULL THEN 'n/a'
            WHEN ms >= 100 THEN to_char(ms, 'FM999999990')
            WHEN ms >= 1   THEN to_char(ms, 'FM990.00')
            ELSE to_char(ms, 'FM0.000') END;
CREATE FUNCTION bench_r(x float8) RETURNS text LANGUAGE sql IMMUTABLE
RETURN coalesce(to_char(x, 'FM9999990.000'), 'n/a');
SQL

run <<'SQL'
-- Signature bits and committed groups of an ixbloom index (ixbloom_metapage).
CREATE FUNCTION bench_ixb_meta(idx regclass, OUT sig_bits int, OUT ngroups bigint) LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT amname FROM pg_class c JOIN pg_am a ON a.oid = c.relam WHERE c.oid = idx) = 'ixbloom' THEN
        SELECT m.sig_bits, m.ngroups INTO sig_bits, ngroups FROM ixbloom_metapage(idx) m;
    END IF;
END $$;
SQL

# --- index builds -------------------------------------------------------------
log "building indexes: 1 untimed round, then $BENCH_BUILD_RUNS round(s) of 6 builds, one at a time (order rotates)"
{
    echo "\\o /dev/null"
    if [ "$HAVE_PREWARM" = 1 ]; then
        echo "SELECT pg_prewarm('bench_t1'); SELECT pg_prewarm('bench_t2');"
    fi
    # Round 0 is not timed (bench_index_result ignores it): the first builds
    # of a fresh cluster create WAL segments (16 MB each, zero-filled), later
    # ones recycle them, and that cost landed on whichever side came first.
    for ((r = 0; r <= BENCH_BUILD_RUNS; r++)); do
        for side in $(sides_for_round "$r"); do
            for tab in bench_t1 bench_t2; do
                echo "CHECKPOINT;"
                echo "SELECT bench_build_index('$tab', '$side', $r);"
            done
        done
    done
    echo "CHECKPOINT;"
} | run || fail "an index build failed (see the error above)"

# --- queries ------------------------------------------------------------------
log "checking row counts with a seq scan, and the planner's own choice per index"
{
    echo "\\o /dev/null"
    for x in "${QUERIES[@]}"; do
        id="${x%%|*}"
        echo "SELECT bench_seq_count($id);"
        for side in "${SIDES[@]}"; do echo "SELECT bench_default_plan($id, '$side');"; done
    done
} | run || fail "the seq scan count or a plain EXPLAIN failed (see the error above)"

log "timing ${#QUERIES[@]} queries x ${#SIDES[@]} indexes, 1 warm-up + $BENCH_RUNS runs each (order rotates)"
{
    echo "\\o /dev/null"
    echo "SET enable_seqscan = off;"
    if [ "$HAVE_PREWARM" = 1 ]; then
        echo "SELECT pg_prewarm(name) FROM bench_index;"
    fi
    for x in "${QUERIES[@]}"; do
        id="${x%%|*}"
        for side in "${SIDES[@]}"; do echo "SELECT bench_measure($id, '$side', 0);"; done
        for ((r = 1; r <= BENCH_RUNS; r++)); do
            for side in $(sides_for_round "$r"); do echo "SELECT bench_measure($id, '$side', $r);"; done
        done
    done
} | run || fail "a measured query failed (see the error above)"

# --- insert throughput ----------------------------------------------------------
PGB_TOTAL=$((BENCH_PGBENCH_RUNS * ${#SIDES[@]} * BENCH_PGBENCH_SECONDS))
log "insert throughput: pgbench, $BENCH_PGBENCH_RUNS x ${#SIDES[@]} runs of ${BENCH_PGBENCH_SECONDS}s, $BENCH_PGBENCH_CLIENTS client(s) (~${PGB_TOTAL}s)"
PGB_SCRIPT="$CLUSTER_DIR/bench_insert.sql"
cat >"$PGB_SCRIPT" <<EOF
\\set g random(1, 2147483647)
INSERT INTO bench_ins VALUES (${T1_GEN//@G@/:g});
EOF
for ((r = 1; r <= BENCH_PGBENCH_RUNS; r++)); do
    for side in $(sides_for_round "$r"); do
        run <<SQL
DROP TABLE IF EXISTS bench_ins;
CREATE TABLE bench_ins (LIKE bench_t1) WITH (autovacuum_enabled = off);
SELECT bench_index_ddl('bench_ins_idx', 'bench_ins', am_def)
  FROM bench_index WHERE tab = 'bench_t1' AND side = '$side' \\gexec
CHECKPOINT;
SQL
        ok=true
        out="$("$PGBENCH" -n -M prepared -f "$PGB_SCRIPT" -c "$BENCH_PGBENCH_CLIENTS" \
                 -j "$BENCH_PGBENCH_CLIENTS" -T "$BENCH_PGBENCH_SECONDS" 2>&1)" || ok=false
        tps="$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time).*/\1/p' <<<"$out")"
        if [ "$ok" != true ] || [ -z "$tps" ]; then
            ok=false
            echo "ixbloom_bench: pgbench run $r with $side failed:" >&2
            tail -n 20 <<<"$out" >&2
        fi
        [ "$BENCH_VERBOSE" = 1 ] && log "pgbench $side run $r: tps=${tps:-failed}"
        sql "INSERT INTO bench_insert (side, run, tps, nrows, size, ngroups, ok)
             SELECT '$side', $r, ${tps:-NULL}, (SELECT count(*) FROM bench_ins),
                    pg_relation_size('bench_ins_idx'), (bench_ixb_meta('bench_ins_idx')).ngroups, $ok" >/dev/null
    done
done
run -c "DROP TABLE bench_ins"

# --- report -----------------------------------------------------------------------
run <<'SQL'
CREATE VIEW bench_label AS
SELECT * FROM (VALUES ('contrib', 1, 'contrib bloom (length=80)'),
                      ('ixbloom', 2, 'ixbloom (length=80)'),
                      ('ixbloom_fpr', 3, 'ixbloom (false_positive_rate=0.01)')) v(side, ord, label);

CREATE VIEW bench_index_result AS
SELECT x.tab, x.side, x.name, l.ord, l.label, c.relpages_now AS pages, c.size,
       m.sig_bits, b.ms,
       c.size::float8 / nullif(first_value(c.size) OVER w, 0) AS size_ratio,
       b.ms / nullif(first_value(b.ms) OVER w, 0) AS build_ratio
FROM bench_index x
JOIN bench_label l USING (side)
CROSS JOIN LATERAL (SELECT pg_relation_size(x.name) AS size,
                           pg_relation_size(x.name) / current_setting('block_size')::int AS relpages_now) c
CROSS JOIN LATERAL bench_ixb_meta(x.name) m
JOIN (SELECT tab, side, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms
      FROM bench_build WHERE run > 0 GROUP BY tab, side) b USING (tab, side)
WINDOW w AS (PARTITION BY x.tab ORDER BY l.ord);

CREATE VIEW bench_query_result AS
WITH med AS (
    SELECT qid, side,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY exec_ms)  AS exec_ms,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY total_ms) AS total_ms,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY idx_buf)  AS idx_buf,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY heap_buf) AS heap_buf,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY removed)  AS removed
    FROM bench_sample WHERE run > 0 GROUP BY qid, side)
SELECT m.*, l.ord, l.label, q.tab, q.sql, q.seq_rows,
       p.default_node, p.default_index = x.name AS planner_picks,
       m.idx_buf::float8 / nullif(c.idx_buf, 0) AS buf_ratio,
       m.exec_ms / nullif(c.exec_ms, 0) AS time_ratio
FROM med m JOIN bench_label l USING (side)
JOIN bench_query q ON q.id = m.qid
JOIN bench_index x ON x.tab = q.tab AND x.side = m.side
LEFT JOIN bench_plan p ON p.qid = m.qid AND p.side = m.side
JOIN med c ON c.qid = m.qid AND c.side = 'contrib';

-- Every sample must have used the intended index and returned the seq scan's count.
CREATE VIEW bench_problem AS
SELECT s.qid, s.side, s.run, s.index_name, s.node, s.nrows, q.seq_rows,
       CASE WHEN s.index_name IS DISTINCT FROM x.name
            THEN format('plan used %s (%s), not %s', coalesce(s.index_name, 'no index'), s.node, x.name)
            ELSE format('returned %s rows, the seq scan %s', s.nrows, q.seq_rows) END AS problem
FROM bench_sample s JOIN bench_query q ON q.id = s.qid
JOIN bench_index x ON x.tab = q.tab AND x.side = s.side
WHERE s.index_name IS DISTINCT FROM x.name OR s.nrows IS DISTINCT FROM q.seq_rows;

CREATE VIEW bench_insert_result AS
SELECT i.side, l.ord, l.label,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY i.tps) AS tps,
       string_agg(coalesce(to_char(i.tps, 'FM9999990'), 'failed'), ' / ' ORDER BY i.run) AS runs,
       round(avg(i.nrows)) AS nrows, round(avg(i.size)) AS size, max(i.ngroups) AS ngroups,
       bool_and(i.ok) AS ok
FROM bench_insert i JOIN bench_label l USING (side) GROUP BY i.side, l.ord, l.label;

-- The issue's targets; the verdict is for ixbloom at contrib's length (80),
-- the false_positive_rate=0.01 index is shown for information.
CREATE VIEW bench_target AS
WITH qr AS (SELECT * FROM bench_query_result),
per_side AS (
    SELECT side,
           max(buf_ratio) AS max_buf_ratio,
           max(time_ratio) AS max_time_ratio,
           count(*) FILTER (WHERE buf_ratio <= 0.1) AS buf_ok,
           count(*) FILTER (WHERE time_ratio <= 1.0 / 3) AS time_ok,
           count(*) AS nq,
           sum(removed) AS removed
    FROM qr GROUP BY side),
c AS (SELECT * FROM per_side WHERE side = 'contrib'),
ir AS (SELECT side, max(size_ratio) AS size_ratio, max(build_ratio) AS build_ratio
       FROM bench_index_result GROUP BY side),
ins AS (SELECT side, tps / nullif((SELECT tps FROM bench_insert_result WHERE side = 'contrib'), 0) AS ratio
        FROM bench_insert_result),
t AS (
    SELECT 1 AS ord, 'index buffers per query <= 1/10 of contrib''s' AS target, s.side,
           format('max ratio %s (%s/%s queries <= 0.1)', bench_r(s.max_buf_ratio), s.buf_ok, s.nq) AS measured,
           s.buf_ok = s.nq AS met
    FROM per_side s WHERE s.side <> 'contrib'
    UNION ALL
    SELECT 2, 'median query time <= 1/3 of contrib''s', s.side,
           format('max ratio %s (%s/%s queries <= 0.333)', bench_r(s.max_time_ratio), s.time_ok, s.nq),
           s.time_ok = s.nq
    FROM per_side s WHERE s.side <> 'contrib'
    UNION ALL
    SELECT 3, 'false positives (rows removed by recheck, all queries) <= contrib''s at the same length', s.side,
           format('%s vs %s', s.removed, c.removed), CASE WHEN s.side = 'ixbloom' THEN s.removed <= c.removed END
    FROM per_side s, c WHERE s.side <> 'contrib'
    UNION ALL
    SELECT 4, 'index size <= 1.1x contrib''s at the same length', side,
           format('max ratio %s', bench_r(size_ratio)), CASE WHEN side = 'ixbloom' THEN size_ratio <= 1.1 END
    FROM ir WHERE side <> 'contrib'
    UNION ALL
    SELECT 5, 'build time <= contrib''s', side,
           format('max ratio %s', bench_r(build_ratio)), build_ratio <= 1.0
    FROM ir WHERE side <> 'contrib'
    UNION ALL
    SELECT 6, 'insert throughput >= 0.8x contrib''s', side,
           format('ratio %s', bench_r(ratio)), coalesce(ratio >= 0.8, false)
    FROM ins WHERE side <> 'contrib')
SELECT a.ord, a.target, a.measured AS ixbloom_measured,
       CASE WHEN a.met THEN 'met' ELSE 'not met' END AS ixbloom_verdict,
       b.measured || CASE WHEN b.met IS NULL THEN ' (other length)'
                          WHEN b.met THEN ' (met)' ELSE ' (not met)' END AS fpr_measured
FROM t a LEFT JOIN t b ON b.ord = a.ord AND b.side = 'ixbloom_fpr'
WHERE a.side = 'ixbloom';
SQL

VERSION="$(sql "SELECT current_setting('server_version')")"
CPU="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || true)"
COMMIT="$(git -c safe.directory='*' -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)"
DIRTY="$(git -c safe.directory='*' -C "$REPO" status --porcelain -- src control 2>/dev/null | head -1 || true)"
[ -n "$DIRTY" ] && COMMIT="$COMMIT (+ uncommitted changes in src/ or control/)"

echo
echo "== tables =="
run -c "SELECT relname AS \"table\", reltuples::bigint AS \"rows\",
               pg_relation_size(oid) / current_setting('block_size')::int AS pages,
               pg_size_pretty(pg_relation_size(oid)) AS size
        FROM pg_class WHERE relname IN ('bench_t1', 'bench_t2') ORDER BY relname"
echo "== indexes (build: median of $BENCH_BUILD_RUNS, ms, server-side) =="
run -c "SELECT tab AS \"table\", name AS index, label AS kind, coalesce(sig_bits::text, '') AS \"sig bits\",
               pages, pg_size_pretty(size) AS size, bench_r(size_ratio) AS \"size ratio\",
               bench_fmt(ms) AS \"build ms\", bench_r(build_ratio) AS \"build ratio\"
        FROM bench_index_result ORDER BY tab, ord"
echo "== queries (constants taken from one existing row; rows = seq scan count) =="
run -c "SELECT id AS q, sql AS query, seq_rows AS rows FROM bench_query ORDER BY id"
echo "== per query and index (median of $BENCH_RUNS runs; enable_seqscan=off, only that index valid) =="
run -c "SELECT qid AS q, label AS index, idx_buf AS \"index bufs\", bench_r(buf_ratio) AS \"bufs ratio\",
               heap_buf AS \"heap bufs\", removed AS \"removed by recheck\",
               bench_fmt(exec_ms) AS \"exec ms\", bench_r(time_ratio) AS \"time ratio\",
               bench_fmt(total_ms) AS \"ms incl. planning\",
               CASE WHEN planner_picks THEN 'yes' ELSE 'no (' || default_node || ')' END AS \"planner picks it\"
        FROM bench_query_result ORDER BY qid, ord"
echo "== totals over all queries =="
run -c "SELECT label AS index, sum(idx_buf) AS \"index bufs\", sum(heap_buf) AS \"heap bufs\",
               sum(removed) AS \"removed by recheck\", bench_fmt(sum(exec_ms)) AS \"sum of median exec ms\",
               bench_r(sum(idx_buf)::float8 / nullif(sum(sum(idx_buf)) FILTER (WHERE side = 'contrib') OVER (), 0)) AS \"bufs ratio\",
               bench_r(sum(exec_ms) / nullif(sum(sum(exec_ms)) FILTER (WHERE side = 'contrib') OVER (), 0)) AS \"time ratio\"
        FROM bench_query_result GROUP BY label, ord, side ORDER BY ord"
echo "== insert throughput (pgbench, $BENCH_PGBENCH_CLIENTS client(s), ${BENCH_PGBENCH_SECONDS}s per run, empty table with one index) =="
run -c "SELECT label AS index, runs AS \"tps per run\", to_char(tps, 'FM9999990') AS \"median tps\",
               bench_r(tps / nullif(first_value(tps) OVER (ORDER BY ord), 0)) AS ratio,
               nrows AS \"rows per run\", pg_size_pretty(size) AS \"index size after\",
               coalesce(ngroups::text, '') AS \"ixbloom groups after\"
        FROM bench_insert_result ORDER BY ord"
if [ "$BENCH_VERBOSE" = 1 ]; then
    echo "== all query samples (in execution order; run 0 = warm-up) =="
    run -c "SELECT qid, side, run, index_name, idx_buf, heap_buf, removed, nrows,
                   round(exec_ms::numeric, 3) AS exec_ms, round(total_ms::numeric, 3) AS total_ms,
                   round(forced_cost::numeric, 1) AS est_cost
            FROM bench_sample ORDER BY seq"
    echo "== planner's own choice (enable_seqscan=on, only that index valid) =="
    run -c "SELECT qid, side, default_node, default_index, round(default_cost::numeric, 1) AS est_cost
            FROM bench_plan ORDER BY qid, side"
    echo "== builds (ms) =="
    run -c "SELECT tab, side, run, round(ms::numeric, 1) AS ms FROM bench_build ORDER BY tab, side, run"
fi

PROBLEMS="$(sql "SELECT format('q%s %s run %s: %s', qid, side, run, problem) FROM bench_problem ORDER BY qid, side, run")"
# the hiding is rolled back every time: every index must be valid again
INVALID="$(sql "SELECT string_agg(indexrelid::regclass::text, ', ') FROM pg_index
                WHERE indrelid IN ('bench_t1'::regclass, 'bench_t2'::regclass) AND NOT indisvalid")"
[ -n "$INVALID" ] && PROBLEMS="${PROBLEMS:+$PROBLEMS
}indexes still marked invalid after the run: $INVALID"
if [ -n "$PROBLEMS" ]; then
    echo "== PROBLEMS (wrong index or wrong row count) =="
    echo "$PROBLEMS"
    echo "-- plan of each affected warm-up sample:"
    sql "SELECT format('q%s %s: %s', s.qid, s.side, s.plan) FROM bench_sample s
         WHERE s.run = 0 AND (s.qid, s.side) IN (SELECT qid, side FROM bench_problem) ORDER BY s.qid, s.side"
fi

echo
echo "----- markdown (paste into docs/benchmarks.md) -----"
echo
echo "ixbloom vs contrib bloom — PostgreSQL $VERSION, ${CPU:-unknown CPU} ($(nproc) cores),"
echo "BENCH_ROWS=$BENCH_ROWS, BENCH_TEXT_ROWS=$BENCH_TEXT_ROWS, BENCH_RUNS=$BENCH_RUNS, BENCH_BUILD_RUNS=$BENCH_BUILD_RUNS,"
echo "pgbench ${BENCH_PGBENCH_RUNS}x${BENCH_PGBENCH_SECONDS}s with $BENCH_PGBENCH_CLIENTS client(s), shared_buffers=$BENCH_SHARED_BUFFERS, commit $COMMIT, $(date -u +%Y-%m-%d)."
echo
echo "| table | index | signature bits | pages | size | size ratio | build ms (median) | build ratio |"
echo "|---|---|--:|--:|--:|--:|--:|--:|"
sql "SELECT format('| %s | %s | %s | %s | %s | %s | %s | %s |', tab, label,
                   coalesce(sig_bits::text, CASE WHEN side = 'contrib' THEN '80' ELSE '?' END),
                   pages, pg_size_pretty(size), bench_r(size_ratio), bench_fmt(ms), bench_r(build_ratio))
     FROM bench_index_result ORDER BY tab, ord"
echo
echo "| q | query | rows |"
echo "|--:|---|--:|"
sql "SELECT format('| %s | \`%s\` | %s |', id, sql, seq_rows) FROM bench_query ORDER BY id"
echo
echo "Index buffers (shared hit+read of the Bitmap Index Scan), heap buffers and rows removed by the recheck, per query:"
echo
echo "| q | index bufs contrib | ixbloom | ratio | ixbloom fpr=0.01 | ratio | heap bufs contrib / ixbloom / fpr | removed by recheck contrib / ixbloom / fpr |"
echo "|--:|--:|--:|--:|--:|--:|--:|--:|"
sql "WITH r AS (SELECT * FROM bench_query_result)
     SELECT format('| %s | %s | %s | %s | %s | %s | %s / %s / %s | %s / %s / %s |', c.qid,
                   c.idx_buf, i.idx_buf, bench_r(i.buf_ratio), f.idx_buf, bench_r(f.buf_ratio),
                   c.heap_buf, i.heap_buf, f.heap_buf, c.removed, i.removed, f.removed)
     FROM r c JOIN r i ON i.qid = c.qid AND i.side = 'ixbloom' JOIN r f ON f.qid = c.qid AND f.side = 'ixbloom_fpr'
     WHERE c.side = 'contrib'
     UNION ALL
     SELECT format('| total | %s | %s | %s | %s | %s | %s / %s / %s | %s / %s / %s |',
                   sum(idx_buf) FILTER (WHERE side = 'contrib'), sum(idx_buf) FILTER (WHERE side = 'ixbloom'),
                   bench_r(sum(idx_buf) FILTER (WHERE side = 'ixbloom')::float8 / nullif(sum(idx_buf) FILTER (WHERE side = 'contrib'), 0)),
                   sum(idx_buf) FILTER (WHERE side = 'ixbloom_fpr'),
                   bench_r(sum(idx_buf) FILTER (WHERE side = 'ixbloom_fpr')::float8 / nullif(sum(idx_buf) FILTER (WHERE side = 'contrib'), 0)),
                   sum(heap_buf) FILTER (WHERE side = 'contrib'), sum(heap_buf) FILTER (WHERE side = 'ixbloom'),
                   sum(heap_buf) FILTER (WHERE side = 'ixbloom_fpr'),
                   sum(removed) FILTER (WHERE side = 'contrib'), sum(removed) FILTER (WHERE side = 'ixbloom'),
                   sum(removed) FILTER (WHERE side = 'ixbloom_fpr'))
     FROM bench_query_result"
echo
echo "Execution time (EXPLAIN ANALYZE, TIMING OFF; median of $BENCH_RUNS runs, ms, planning excluded):"
echo
echo "| q | contrib ms | ixbloom ms | ratio | ixbloom fpr=0.01 ms | ratio | planner picks contrib / ixbloom / fpr |"
echo "|--:|--:|--:|--:|--:|--:|:-:|"
sql "WITH r AS (SELECT * FROM bench_query_result)
     SELECT format('| %s | %s | %s | %s | %s | %s | %s / %s / %s |', c.qid,
                   bench_fmt(c.exec_ms), bench_fmt(i.exec_ms), bench_r(i.time_ratio),
                   bench_fmt(f.exec_ms), bench_r(f.time_ratio),
                   CASE WHEN c.planner_picks THEN 'yes' ELSE 'no' END,
                   CASE WHEN i.planner_picks THEN 'yes' ELSE 'no' END,
                   CASE WHEN f.planner_picks THEN 'yes' ELSE 'no' END)
     FROM r c JOIN r i ON i.qid = c.qid AND i.side = 'ixbloom' JOIN r f ON f.qid = c.qid AND f.side = 'ixbloom_fpr'
     WHERE c.side = 'contrib'
     UNION ALL
     SELECT format('| sum | %s | %s | %s | %s | %s | |',
                   bench_fmt(sum(exec_ms) FILTER (WHERE side = 'contrib')), bench_fmt(sum(exec_ms) FILTER (WHERE side = 'ixbloom')),
                   bench_r(sum(exec_ms) FILTER (WHERE side = 'ixbloom') / nullif(sum(exec_ms) FILTER (WHERE side = 'contrib'), 0)),
                   bench_fmt(sum(exec_ms) FILTER (WHERE side = 'ixbloom_fpr')),
                   bench_r(sum(exec_ms) FILTER (WHERE side = 'ixbloom_fpr') / nullif(sum(exec_ms) FILTER (WHERE side = 'contrib'), 0)))
     FROM bench_query_result"
echo
echo "Insert throughput (pgbench, single-row INSERT into an empty bench_t1-shaped table with one index):"
echo
echo "| index | tps per run | median tps | ratio | rows per run | index size after | ixbloom groups after |"
echo "|---|---|--:|--:|--:|--:|--:|"
sql "SELECT format('| %s | %s | %s | %s | %s | %s | %s |', label, runs, to_char(tps, 'FM9999990'),
                   bench_r(tps / nullif(first_value(tps) OVER (ORDER BY ord), 0)), nrows, pg_size_pretty(size),
                   coalesce(ngroups::text, '-'))
     FROM bench_insert_result ORDER BY ord"
echo
echo "Targets (verdict for ixbloom at contrib's length=80; false_positive_rate=0.01 for information):"
echo
echo "| target | ixbloom (length=80) | verdict | ixbloom (false_positive_rate=0.01) |"
echo "|---|---|:-:|---|"
sql "SELECT format('| %s | %s | %s | %s |', target, ixbloom_measured, ixbloom_verdict, coalesce(fpr_measured, 'n/a'))
     FROM bench_target ORDER BY ord"
echo
if [ -n "$PROBLEMS" ]; then
    echo "row counts / plans: $(wc -l <<<"$PROBLEMS") PROBLEM sample(s), see above -- the numbers are not valid"
    exit 1
fi
echo "row counts / plans: every sample used the intended index and returned the seq scan's row count"
exit 0
