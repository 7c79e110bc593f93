#!/usr/bin/env bash
# bench/ixbloom_holes_bench.sh — ixbloom vs contrib bloom on heaps with holes:
# a share of the rows is deleted (at random) and vacuumed away before the
# indexes are built, so runs of adjacent live line pointers get short (about
# 10 rows at 10 % deleted, 2 at 50 %).  That is where ixbloom's TID pages
# switch from runs to per-block offset bitmaps (docs/ixbloom-format.md).
#
# For each share in BENCH_HOLES (percent deleted): a table of BENCH_ROWS rows
# with 4 int columns (c1 ~65k distinct, c2 1000, c3 100, c4 7), the rows
# deleted, VACUUM, then both indexes at length=80, col1..col4=2.  Reports
# index pages, ixbloom TID pages, and for two 2-column equality queries the
# index buffers (warm) of each, checking row counts against a seq scan.
# Buffer counts do not drift: one run is enough.
#
#   bash bench/ixbloom_holes_bench.sh                          (as root)
#   BENCH_ROWS=200000 bash bench/ixbloom_holes_bench.sh        (smoke test)
#
# Env:  BENCH_ROWS   rows per table before the deletes    (2000000)
#       BENCH_HOLES  percentages of rows deleted          ("0 10 30 50")
#
# Builds and installs nothing: run `make install` first.  Exit status: 0 when
# every query returned the seq scan's rows through both indexes; 1 otherwise;
# 2 = setup problem.

set -euo pipefail

BENCH_ROWS="${BENCH_ROWS:-2000000}"
BENCH_HOLES="${BENCH_HOLES:-0 10 30 50}"

die() { echo "ixbloom_holes_bench: $*" >&2; exit 2; }
[[ "$BENCH_ROWS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROWS must be a positive integer (got '$BENCH_ROWS')"
for h in $BENCH_HOLES; do
    [[ "$h" =~ ^[0-9]+$ ]] && [ "$h" -lt 100 ] || die "BENCH_HOLES must be percentages below 100 (got '$h')"
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
cluster_start "autovacuum = off" "jit = off" "max_parallel_workers_per_gather = 0" \
    "shared_buffers = '512MB'" "maintenance_work_mem = '256MB'" || die "cluster did not start"

PSQL=(psql -X -q -v ON_ERROR_STOP=1)
export PGOPTIONS="-c client_min_messages=warning"
sql() { "${PSQL[@]}" -At -c "$1"; }

"${PSQL[@]}" <<'SQL' || die "setup failed"
CREATE EXTENSION bloom;
CREATE EXTENSION ixbloom;
-- TID pages of every group of an ixbloom index.
CREATE FUNCTION bench_tid_pages(idx text) RETURNS bigint LANGUAGE sql AS $$
  SELECT coalesce(sum(tid_pages), 0)::bigint FROM ixbloom_groups(idx::regclass) $$;
SQL
"${PSQL[@]}" -f "$REPO/bench/ixbloom_probe.sql" || die "loading bench/ixbloom_probe.sql failed"

status=0
printf '| deleted | rows | contrib pages | ixbloom pages | size ratio | ixbloom TID pages | query | rows | index bufs contrib | ixbloom | ratio |\n'
printf '|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|\n'
for h in $BENCH_HOLES; do
    echo "[$(date +%H:%M:%S)] $h% deleted" >&2
    t="h$h"
    "${PSQL[@]}" <<SQL || die "loading $t failed"
CREATE TABLE $t (c1 int, c2 int, c3 int, c4 int) WITH (autovacuum_enabled = off);
INSERT INTO $t SELECT hashint4(g) & 65535, (hashint4(g + 1) & 2147483647) % 1000, g % 100, g % 7
  FROM generate_series(1, $BENCH_ROWS) g;
-- The same rows every run: a seeded random() over the heap in order.
SELECT setseed(0.42) \g /dev/null
DELETE FROM $t WHERE random() * 100 < $h;
SQL
    "${PSQL[@]}" -c "VACUUM $t" \
        -c "CREATE INDEX ${t}_contrib ON $t USING bloom (c1, c2, c3, c4) WITH (length=80, col1=2, col2=2, col3=2, col4=2)" \
        -c "CREATE INDEX ${t}_ixbloom ON $t USING ixbloom (c1, c2, c3, c4) WITH (length=80, col1=2, col2=2, col3=2, col4=2)" \
        || die "indexing $t failed"
    live=$(sql "SELECT count(*) FROM $t")
    cpages=$(sql "SELECT pg_relation_size('${t}_contrib') / 8192")
    ipages=$(sql "SELECT pg_relation_size('${t}_ixbloom') / 8192")
    tidpages=$(sql "SELECT bench_tid_pages('${t}_ixbloom')")
    read -r a b < <(sql "SELECT c1, c2 FROM $t LIMIT 1" | tr '|' ' ')
    for q in "c1 = $a AND c2 = $b" "c3 = 33 AND c4 = 4"; do
        seq=$(sql "SET enable_bitmapscan = off; SET enable_indexscan = off; SELECT count(*) FROM $t WHERE $q")
        line="| $h% | $live | $cpages | $ipages | $(awk -v a="$ipages" -v b="$cpages" 'BEGIN { printf "%.3f", a / b }') | $tidpages | \`$q\` | $seq"
        cb=""
        for side in contrib ixbloom; do
            # The other index is hidden by dropping it inside a rolled-back transaction.
            other=$([ "$side" = contrib ] && echo ixbloom || echo contrib)
            sql "BEGIN; DROP INDEX ${t}_$other; SELECT count(*) FROM bench_probe('SELECT * FROM $t WHERE $q'); ROLLBACK;" >/dev/null
            read -r bufs got used < <(sql "BEGIN; DROP INDEX ${t}_$other; SELECT bufs, nrows, used FROM bench_probe('SELECT * FROM $t WHERE $q'); ROLLBACK;" | tr '|' ' ')
            if [ "$used" != "${t}_$side" ] || [ "$got" != "$seq" ]; then
                echo "ixbloom_holes_bench: $t $side: '$q' used $used and returned $got rows (seq scan: $seq)" >&2
                status=1
            fi
            if [ "$side" = contrib ]; then cb=$bufs; line+=" | $bufs"; else
                line+=" | $bufs | $(awk -v a="$bufs" -v b="$cb" 'BEGIN { printf "%.3f", a / b }')"; fi
        done
        echo "$line |"
    done
done
echo
echo "BENCH_ROWS=$BENCH_ROWS, BENCH_HOLES=\"$BENCH_HOLES\", commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown), $(date -u +%Y-%m-%d)."
exit $status
