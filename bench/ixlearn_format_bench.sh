#!/usr/bin/env bash
# bench/ixlearn_format_bench.sh — ixlearn's on-disk format 1 library (as
# first released, built here from git: FORMAT1_COMMIT) against this build
# (format 2) and btree, in one throwaway cluster: index size, and
# single-row inserts (WHAT=insert) or point selects (WHAT=select).
#
# Three tables of BENCH_ROWS keys (KIND=inorder: 1..N, and inserts take
# nextval() after them; KIND=random: uniform keys in [0, 2^48)), one index
# each: ixlearn built by the format 1 library, ixlearn built by this build,
# btree.  The sessions that must run the format 1 library get it by
# pointing the extension's functions at it (pg_proc.probin, as TAP 018
# does); every other session runs the installed one.  Then BENCH_ROUNDS
# rounds of pgbench -M prepared, 1 client, BENCH_SECONDS each, the three
# sides in turn: single-row inserts (CHECKPOINT before each run,
# synchronous_commit off: CPU, not fsync), or index-only point selects of
# keys in the table (seq and bitmap scans off).  Prints each index's format
# and size, and the tps of every run.
#
# Run as root from the repository after `make install`:
#   KIND=inorder bash bench/ixlearn_format_bench.sh
#   WHAT=select KIND=random bash bench/ixlearn_format_bench.sh
# Env: KIND (inorder), WHAT (insert), BENCH_ROWS (1000000), BENCH_ROUNDS (4), BENCH_SECONDS (6),
#      FORMAT1_COMMIT (ffbad90dbe79b15d2cd3f3f9c30995a901ace75a: the last commit that wrote format 1)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(pg_config --bindir):$PATH"
KIND="${KIND:-inorder}"
WHAT="${WHAT:-insert}"
BENCH_ROWS="${BENCH_ROWS:-1000000}"
BENCH_ROUNDS="${BENCH_ROUNDS:-4}"
BENCH_SECONDS="${BENCH_SECONDS:-6}"
FORMAT1_COMMIT="${FORMAT1_COMMIT:-ffbad90dbe79b15d2cd3f3f9c30995a901ace75a}"
case "$KIND" in inorder|random) ;; *) echo "KIND must be inorder or random" >&2; exit 2 ;; esac
case "$WHAT" in insert|select) ;; *) echo "WHAT must be insert or select" >&2; exit 2 ;; esac

OLD=$(mktemp -d /tmp/ixlearn-format1.XXXXXX)
git -c safe.directory='*' archive "$FORMAT1_COMMIT" | tar -x -C "$OLD"
make -C "$OLD" -j2 --no-print-directory with_llvm=no EXT=ixlearn all >"$OLD/build.log" 2>&1 ||
    { echo "building the format 1 library failed: $OLD/build.log" >&2; exit 1; }
chmod -R a+rX "$OLD"
OLD_LIB="$OLD/ixlearn.so"

source test/cluster.sh
cluster_start >/dev/null
source bench/bench_session.sh
trap 'on_exit; rm -rf "$OLD"' EXIT

library() {  # the library new sessions run: old or current
    if [ "$1" = old ]; then
        sql "UPDATE pg_proc SET probin = '$OLD_LIB' WHERE probin = '\$libdir/ixlearn'" >/dev/null
    else
        sql "UPDATE pg_proc SET probin = '\$libdir/ixlearn' WHERE probin = '$OLD_LIB'" >/dev/null
    fi
}

sql "CREATE EXTENSION ixlearn; CREATE EXTENSION pageinspect" >/dev/null
for side in format1 format2 btree; do
    if [ "$KIND" = inorder ]; then
        load="SELECT i FROM generate_series(1, $BENCH_ROWS) i"
        key=":i"
        echo "INSERT INTO t_$side VALUES (nextval('s_$side'));" >"$CLUSTER_DIR/ins_$side.sql"
    else
        load="SELECT (hashint8(i) & 281474976710655) FROM generate_series(1, $BENCH_ROWS) i"
        key="(hashint8(:i) & 281474976710655)"
        printf '\\set x random(0, 281474976710655)\nINSERT INTO t_%s VALUES (:x);\n' "$side" >"$CLUSTER_DIR/ins_$side.sql"
    fi
    printf '\\set i random(1, %s)\nSELECT k FROM t_%s WHERE k = %s;\n' "$BENCH_ROWS" "$side" "$key" \
        >"$CLUSTER_DIR/sel_$side.sql"
    chmod 644 "$CLUSTER_DIR/sel_$side.sql"
    chmod 644 "$CLUSTER_DIR/ins_$side.sql"
    sql "CREATE TABLE t_$side (k int8) WITH (autovacuum_enabled = off); INSERT INTO t_$side $load;
         CREATE SEQUENCE s_$side START $((BENCH_ROWS + 1))" >/dev/null
    sql "VACUUM t_$side" >/dev/null
    am=ixlearn; [ $side = btree ] && am=btree
    [ $side = format1 ] && library old
    sql "CREATE INDEX t_${side}_k ON t_$side USING $am (k)" >/dev/null
    [ $side = format1 ] && library current
done
echo "ixlearn format 1 ($FORMAT1_COMMIT) vs this build vs btree: $KIND keys, $BENCH_ROWS rows, $(date -u +%F)"
echo
echo "| index | format | size |"
echo "|---|--:|--:|"
for side in format1 format2 btree; do
    sql "SELECT '| t_${side}_k | ' || CASE WHEN '$side' = 'btree' THEN '' ELSE get_byte(get_raw_page('t_${side}_k', 0), 28)::text END
                || ' | ' || pg_size_pretty(pg_relation_size('t_${side}_k')) || ' |'"
done
echo
if [ "$WHAT" = insert ]; then
    echo "pgbench single-row inserts, 1 client, ${BENCH_SECONDS}s a run, synchronous_commit off (tps):"
    file=ins; options="-c synchronous_commit=off"
else
    echo "pgbench index-only point selects of keys in the table, 1 client, ${BENCH_SECONDS}s a run (tps):"
    file=sel; options="-c enable_seqscan=off -c enable_bitmapscan=off"
fi
echo
echo "| round | format 1 | format 2 | btree |"
echo "|--:|--:|--:|--:|"
for ((r = 1; r <= BENCH_ROUNDS; r++)); do
    row="| $r |"
    for side in format1 format2 btree; do
        [ $side = format1 ] && library old
        [ "$WHAT" = insert ] && sql "CHECKPOINT" >/dev/null
        tps=$(PGOPTIONS="$options" pgbench -n -M prepared -c 1 -T "$BENCH_SECONDS" \
                  -f "$CLUSTER_DIR/${file}_$side.sql" 2>&1 | sed -n 's/^tps = \([0-9]*\).*/\1/p')
        [ $side = format1 ] && library current
        row="$row ${tps:-failed} |"
    done
    echo "$row"
done
echo
for side in format1 format2; do
    sql "SELECT ixlearn_check('t_${side}_k', true)" >/dev/null && echo "ixlearn_check(t_${side}_k, true): passed"
done
