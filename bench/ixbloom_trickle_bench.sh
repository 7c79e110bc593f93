#!/usr/bin/env bash
# bench/ixbloom_trickle_bench.sh — ixbloom vs contrib bloom when rows arrive
# in small batches with a VACUUM after each: a worst case of a table with a
# steady trickle of inserts (autovacuum's insert threshold, 1000 rows plus
# 20% of the table, vacuums much less often).
#
# Three identical tables, each with one index over (c1, c2, c3, c4) at
# length=80, col1..col4=2:
#
#   contrib        USING bloom
#   ixbloom_fold1  USING ixbloom, VACUUM run with ixbloom.vacuum_fold_min_pages = 1
#                  (every VACUUM folds its batch into a group of its own)
#   ixbloom        USING ixbloom, the default ixbloom.vacuum_fold_min_pages
#
# BENCH_BATCHES times: insert BENCH_BATCH_ROWS rows into every table, then
# VACUUM each.  With the defaults, VACUUM folds every 8th batch (16 buffer
# pages), so 204 batches end half-way: the buffer holds 4 batches, the
# average a query meets.  Then 4 two-column equality queries through each index report
# index buffers (EXPLAIN ANALYZE BUFFERS, warm) and the row count, checked
# against a seq scan; and the index sizes.  Buffer counts do not drift, so
# one run is enough.
#
#   bash bench/ixbloom_trickle_bench.sh                                    (as root)
#   BENCH_BATCHES=20 bash bench/ixbloom_trickle_bench.sh                   (smoke test)
#
# Env:  BENCH_BATCHES     batches (each followed by VACUUM)        (204)
#       BENCH_BATCH_ROWS  rows per batch                           (1000)
#
# Builds and installs nothing: run `make install` first.  Exit status: 0 when
# every query returned the seq scan's rows through every index; 1 otherwise;
# 2 = setup problem.

set -euo pipefail

BENCH_BATCHES="${BENCH_BATCHES:-204}"
BENCH_BATCH_ROWS="${BENCH_BATCH_ROWS:-1000}"

die() { echo "ixbloom_trickle_bench: $*" >&2; exit 2; }
for v in BENCH_BATCHES BENCH_BATCH_ROWS; do
    [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v pg_config >/dev/null || die "pg_config not found in PATH"
EXTDIR="$(pg_config --sharedir)/extension"
[ -f "$EXTDIR/ixbloom.control" ] || die "extension ixbloom is not installed; run 'make && make install' in $REPO first"
[ -f "$EXTDIR/bloom.control" ] || die "contrib bloom is not installed"

# shellcheck source=../test/cluster.sh
source "$REPO/test/cluster.sh"
unset CLUSTER_SERVER_ENV
trap cluster_stop EXIT
trap 'exit 130' INT TERM
cluster_start "autovacuum = off" "jit = off" "max_parallel_workers_per_gather = 0" || die "cluster did not start"

PSQL=(psql -X -q -v ON_ERROR_STOP=1)
export PGOPTIONS="-c client_min_messages=warning"

SIDES=(contrib ixbloom_fold1 ixbloom)
"${PSQL[@]}" <<'SQL' || die "setup failed"
CREATE EXTENSION bloom;
CREATE EXTENSION ixbloom;
CREATE TABLE t_contrib (c1 int, c2 int, c3 int, c4 int) WITH (autovacuum_enabled = off);
CREATE TABLE t_ixbloom_fold1 (LIKE t_contrib) WITH (autovacuum_enabled = off);
CREATE TABLE t_ixbloom (LIKE t_contrib) WITH (autovacuum_enabled = off);
CREATE INDEX i_contrib ON t_contrib USING bloom (c1, c2, c3, c4) WITH (length=80, col1=2, col2=2, col3=2, col4=2);
CREATE INDEX i_ixbloom_fold1 ON t_ixbloom_fold1 USING ixbloom (c1, c2, c3, c4) WITH (length=80, col1=2, col2=2, col3=2, col4=2);
CREATE INDEX i_ixbloom ON t_ixbloom USING ixbloom (c1, c2, c3, c4) WITH (length=80, col1=2, col2=2, col3=2, col4=2);
-- row g: c1 ~65k distinct, c2 1000, c3 100, c4 7
CREATE FUNCTION batch(first bigint, n int) RETURNS SETOF t_contrib LANGUAGE sql AS $$
  SELECT (hashint4(g::int) & 65535), (hashint4(g::int + 1) & 2147483647) % 1000, g % 100, g % 7
    FROM generate_series(first, first + n - 1) g $$;
SQL
"${PSQL[@]}" -f "$REPO/bench/ixbloom_probe.sql" || die "loading bench/ixbloom_probe.sql failed"

echo "[$(date +%H:%M:%S)] $BENCH_BATCHES batches of $BENCH_BATCH_ROWS rows, VACUUM after each" >&2
{
    for ((b = 0; b < BENCH_BATCHES; b++)); do
        first=$((b * BENCH_BATCH_ROWS + 1))
        for side in "${SIDES[@]}"; do
            echo "INSERT INTO t_$side SELECT * FROM batch($first, $BENCH_BATCH_ROWS);"
        done
        echo "VACUUM t_contrib;"
        echo "SET ixbloom.vacuum_fold_min_pages = 1; VACUUM t_ixbloom_fold1; RESET ixbloom.vacuum_fold_min_pages;"
        echo "VACUUM t_ixbloom;"
    done
} | "${PSQL[@]}" || die "loading failed"

# Constants from existing rows, so every query has at least one match.
QUERIES=()
total=$((BENCH_BATCHES * BENCH_BATCH_ROWS))
for g in 1 $((total / 3)) $((2 * total / 3)) "$total"; do
    read -r c1 c2 c3 c4 < <("${PSQL[@]}" -At -F ' ' -c "SELECT * FROM batch($g, 1)")
    QUERIES+=("c1 = $c1 AND c2 = $c2" "c3 = $c3 AND c4 = $c4")
done
QUERIES=("${QUERIES[0]}" "${QUERIES[2]}" "${QUERIES[5]}" "${QUERIES[7]}")

status=0
printf '\n| side | index pages | size ratio |\n|---|--:|--:|\n'
base=$("${PSQL[@]}" -At -c "SELECT pg_relation_size('i_contrib') / 8192")
for side in "${SIDES[@]}"; do
    pages=$("${PSQL[@]}" -At -c "SELECT pg_relation_size('i_$side') / 8192")
    printf '| %s | %s | %s |\n' "$side" "$pages" "$(awk -v a="$pages" -v b="$base" 'BEGIN { printf "%.3f", a / b }')"
done
printf '\n| query | rows | index buffers contrib | ixbloom_fold1 | ratio | ixbloom | ratio |\n|---|--:|--:|--:|--:|--:|--:|\n'
for q in "${QUERIES[@]}"; do
    rows=$("${PSQL[@]}" -At -c "SET enable_bitmapscan = off; SET enable_indexscan = off; SELECT count(*) FROM t_contrib WHERE $q")
    line="| \`$q\` | $rows"
    cbufs=""
    for side in "${SIDES[@]}"; do
        # warm once, then measure
        "${PSQL[@]}" -At -c "SET enable_seqscan = off; SELECT count(*) FROM t_$side WHERE $q" >/dev/null
        read -r bufs got idxname < <("${PSQL[@]}" -At -F ' ' -c "SELECT bufs, nrows, used FROM bench_probe('SELECT * FROM t_$side WHERE $q')")
        if [ "$idxname" != "i_$side" ] || [ "$got" != "$rows" ]; then
            echo "ixbloom_trickle_bench: $side: '$q' used $idxname and returned $got rows (seq scan: $rows)" >&2
            status=1
        fi
        if [ "$side" = contrib ]; then
            cbufs=$bufs
            line+=" | $bufs"
        else
            line+=" | $bufs | $(awk -v a="$bufs" -v b="$cbufs" 'BEGIN { printf "%.3f", a / b }')"
        fi
    done
    echo "$line |"
done
echo
echo "BENCH_BATCHES=$BENCH_BATCHES, BENCH_BATCH_ROWS=$BENCH_BATCH_ROWS, commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown), $(date -u +%Y-%m-%d)."
exit $status
