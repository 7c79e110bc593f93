#!/usr/bin/env bash
# bench/ixstat_report_bench.sh — the cost of ixstat.index_report on a
# database with 1,000 indexes over 200 tables (some large), and
# ixstat.index_stats against pgstatindex on one 10M-row btree.
#
# Starts a throwaway cluster (test/cluster.sh), then:
#   1. 200 tables: 190 of 20,000 rows and 10 of 1,000,000 rows, 5 indexes
#      each (btree, a hash, a gin on an array, and two more btrees, one a
#      copy), with a DELETE of a third of every large table and a VACUUM;
#   2. index_report(deep => false) and (deep => true), median of 3 each,
#      with the index pages read (pg_statio_all_indexes) and the buffers of
#      the call (EXPLAIN ANALYZE BUFFERS);
#   3. a 10M-row int8 btree: index_stats and pgstatindex, alternating,
#      median of BENCH_RUNS, and their ratio (target <= 1.05).
# Prints a markdown report for docs/benchmarks.md.
#
#   bash bench/ixstat_report_bench.sh          (as root, after make install)
#
# Env:  BENCH_BIG_ROWS   rows of the btree of phase 3        (10000000)
#       BENCH_RUNS       timed samples per side in phase 3   (5)
set -euo pipefail

BENCH_BIG_ROWS="${BENCH_BIG_ROWS:-10000000}"
BENCH_RUNS="${BENCH_RUNS:-5}"
die() { echo "ixstat_report_bench: $*" >&2; exit 2; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
for v in BENCH_BIG_ROWS BENCH_RUNS; do
    [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v pg_config >/dev/null || die "pg_config not found in PATH"
EXTDIR="$(pg_config --sharedir)/extension"
grep -q "default_version = '1.1'" "$EXTDIR/ixstat.control" 2>/dev/null ||
    die "ixstat 1.1 is not installed; run 'make && make install' in $REPO first"
[ -f "$EXTDIR/pgstattuple.control" ] || die "contrib pgstattuple is not installed"

# shellcheck source=../test/cluster.sh
source "$REPO/test/cluster.sh"
unset CLUSTER_SERVER_ENV
trap cluster_stop EXIT
trap 'exit 130' INT TERM
log "starting throwaway cluster"
cluster_start "autovacuum = off" "shared_buffers = 1GB" "max_locks_per_transaction = 256" >/dev/null
run() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
val() { psql -X -qAt -v ON_ERROR_STOP=1 "$@"; }
run -c "CREATE EXTENSION ixstat; CREATE EXTENSION pgstattuple"

# --- 1. 1,000 indexes over 200 tables ---------------------------------------------------
log "phase 1: 200 tables, 1,000 indexes"
run <<'SQL'
CREATE SCHEMA app;
DO $$
BEGIN
  FOR i IN 1..200 LOOP
    EXECUTE format('CREATE TABLE app.t%s (id int, k int, tags int[], note text, ts timestamptz)', i);
    EXECUTE format($q$INSERT INTO app.t%s SELECT g, g %% 997, ARRAY[g %% 10, g %% 100], md5(g::text),
                      now() + g * interval '1 s' FROM generate_series(1, %s) g$q$,
                   i, CASE WHEN i <= 10 THEN 1000000 ELSE 20000 END);
    EXECUTE format('CREATE INDEX t%s_id ON app.t%s (id)', i, i);
    EXECUTE format('CREATE INDEX t%s_k ON app.t%s USING hash (k)', i, i);
    EXECUTE format('CREATE INDEX t%s_tags ON app.t%s USING gin (tags)', i, i);
    EXECUTE format('CREATE INDEX t%s_ts_k ON app.t%s (ts, k)', i, i);
    EXECUTE format('CREATE INDEX t%s_ts_k_copy ON app.t%s (ts, k)', i, i);
    IF i <= 10 THEN
      EXECUTE format('DELETE FROM app.t%s WHERE id %% 3 = 0', i);
    END IF;
    COMMIT;
  END LOOP;
END $$;
VACUUM;
SQL
NIDX=$(val -c "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relnamespace = 'app'::regnamespace")
SIZE=$(val -c "SELECT pg_size_pretty(sum(pg_total_relation_size(oid))) FROM pg_class WHERE relnamespace = 'app'::regnamespace AND relkind = 'r'")

# --- 2. the report ------------------------------------------------------------------------
declare -A MS BUF
for deep in false true; do
    MS[$deep]=""; BUF[$deep]=""
done
log "phase 2: index_report, deep => false and true, 3 runs each"
# pg_statio before/after the deep => false call, in separate sessions so
# the counters are flushed.
val -c "SELECT pg_stat_force_next_flush()" >/dev/null
for r in 1 2 3; do
    for deep in false true; do
        [ "$deep" = false ] && before=$(val -c "SELECT pg_stat_clear_snapshot(); SELECT sum(idx_blks_read + idx_blks_hit) FROM pg_statio_all_indexes" | tail -1)
        out=$(val 2>&1 <<SQL | sed -n 's/.*RESULT \([0-9.]*\) \([0-9]*\).*/\1 \2/p'
DO \$\$ DECLARE j json; BEGIN
  EXECUTE 'EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT * FROM ixstat.index_report(deep => $deep)' INTO j;
  RAISE NOTICE 'RESULT % %', round((j -> 0 ->> 'Execution Time')::numeric, 1),
        (j -> 0 -> 'Plan' ->> 'Shared Hit Blocks')::bigint + (j -> 0 -> 'Plan' ->> 'Shared Read Blocks')::bigint;
END \$\$;
SELECT pg_stat_force_next_flush();
SQL
        )
        MS[$deep]="${MS[$deep]} ${out%% *}"
        BUF[$deep]="${out##* }"
        if [ "$deep" = false ]; then
            sleep 1.2
            after=$(val -c "SELECT pg_stat_clear_snapshot(); SELECT sum(idx_blks_read + idx_blks_hit) FROM pg_statio_all_indexes" | tail -1)
            IDXPAGES=$((after - before))
        fi
    done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
FINDINGS=$(val -c "SELECT string_agg(kind || ' ' || n, ', ' ORDER BY kind) FROM (SELECT kind, count(*) n FROM ixstat.index_report() GROUP BY kind) s")
FINDINGS_DEEP=$(val -c "SELECT string_agg(kind || ' ' || n, ', ' ORDER BY kind) FROM (SELECT kind, count(*) n FROM ixstat.index_report(deep => true) GROUP BY kind) s")
TOTAL_IDX_PAGES=$(val -c "SELECT sum(pg_relation_size(indexrelid)) / 8192 FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relnamespace = 'app'::regnamespace")

# --- 3. index_stats vs pgstatindex on one big btree -----------------------------------------
log "phase 3: a $BENCH_BIG_ROWS-row int8 btree"
run -c "DROP SCHEMA app CASCADE"
run -c "CREATE TABLE big (k int8) WITH (autovacuum_enabled = off)" \
    -c "INSERT INTO big SELECT generate_series(1, $BENCH_BIG_ROWS)" -c "CREATE INDEX big_k ON big (k)" -c "VACUUM big"
run -c "SELECT count(*) FROM ixstat.index_stats('big_k'); SELECT count(*) FROM public.pgstatindex('big_k')" >/dev/null
declare -A T
T[stats]=""; T[pgstatindex]=""
for r in $(seq 1 "$BENCH_RUNS"); do
    for side in stats pgstatindex; do
        q=$([ $side = stats ] && echo "SELECT count(*) FROM ixstat.index_stats('big_k')" || echo "SELECT count(*) FROM public.pgstatindex('big_k')")
        ms=$(val -c "DO \$\$ DECLARE t timestamptz := clock_timestamp(); BEGIN PERFORM ($q); RAISE NOTICE 'MS %', round((extract(epoch FROM clock_timestamp() - t) * 1000)::numeric, 1); END \$\$" 2>&1 | sed -n 's/.*MS \([0-9.]*\).*/\1/p')
        T[$side]="${T[$side]} $ms"
    done
done
BIGPAGES=$(val -c "SELECT pg_relation_size('big_k') / 8192")
SAME=$(val -c "SELECT s.leaf_pages = p.leaf_pages AND s.internal_pages = p.internal_pages AND s.avg_fill = p.avg_leaf_density
                 FROM ixstat.index_stats('big_k') s, public.pgstatindex('big_k') p")
S_MS=$(echo "${T[stats]}" | median); P_MS=$(echo "${T[pgstatindex]}" | median)

cat <<EOF

| database | indexes | tables' size | index pages |
|---|--:|--:|--:|
| 190 tables of 20,000 rows, 10 of 1,000,000 (a third deleted) | $NIDX | $SIZE | $TOTAL_IDX_PAGES |

| call | median ms (3 runs) | buffers of the call | index pages read (pg_statio) | findings |
|---|--:|--:|--:|---|
| index_report(deep => false) | $(echo "${MS[false]}" | median) | ${BUF[false]} | $IDXPAGES | $FINDINGS |
| index_report(deep => true) | $(echo "${MS[true]}" | median) | ${BUF[true]} | | $FINDINGS_DEEP |

| $BENCH_BIG_ROWS-row int8 btree ($BIGPAGES pages) | median ms ($BENCH_RUNS runs, alternating) |
|---|--:|
| ixstat.index_stats | $S_MS |
| contrib pgstatindex | $P_MS |
| ratio (target <= 1.05) | $(awk -v a="$S_MS" -v b="$P_MS" 'BEGIN { printf "%.3f", a / b }') |

index_stats and pgstatindex agree on leaf pages, internal pages and fill: $SAME
EOF
