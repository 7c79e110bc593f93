#!/usr/bin/env bash
# citus.sh — the scale-out suite: every indexpack access method on a real
# Citus cluster (a coordinator and two workers on this machine), and ixstat
# across its nodes.
#
#   bash test/citus.sh          # as root, after make install; run by test/run-all.sh
#
# Builds and installs Citus 13.2.2 from ../shared/vendor/citus when it is
# not installed yet (a few minutes the first time, nothing after), starts
# three throwaway clusters with shared_preload_libraries = 'citus' (temp
# directories, localhost only), installs citus and the pack on every node,
# joins the workers, runs the pg_regress suite in test/citus/ against the
# coordinator, and stops and removes the clusters.  Exit status: pg_regress's.
#
# Env:  CITUS_VENDOR_DIR   where build-citus.sh is (default ../shared/vendor/citus)
#       CITUS_TESTS        run only these files of test/citus/sql (after citus_setup)
#       CITUS_OUT          where pg_regress writes results/ and diffs (default: a new temp dir)
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
VENDOR="${CITUS_VENDOR_DIR:-$ROOT/../shared/vendor/citus}"
# A clone made elsewhere (CI clones main into a temp dir) finds ../shared
# beside the checkout it was cloned from.
if [ -z "${CITUS_VENDOR_DIR:-}" ] && [ ! -f "$VENDOR/build-citus.sh" ]; then
    origin="$(git -C "$ROOT" config --get remote.origin.url 2>/dev/null || true)"
    [ -n "$origin" ] && [ -d "$origin" ] && VENDOR="$(cd "$origin/.." && pwd)/shared/vendor/citus"
fi
[ -f "$VENDOR/build-citus.sh" ] || {
    echo "citus.sh: $VENDOR/build-citus.sh not found (../shared/vendor/citus beside the checkout, or CITUS_VENDOR_DIR)" >&2
    exit 2
}
bash "$VENDOR/build-citus.sh" || { echo "citus.sh: building Citus failed" >&2; exit 2; }

export PATH="$(pg_config --bindir):$PATH"
PGXS_DIR="$(dirname "$(pg_config --pgxs)")/../.."
source test/cluster.sh

# Three clusters through cluster.sh; it keeps one in its variables, so
# each node's directory and port are saved here.
NODE_DIRS=()
NODE_PORTS=()
stop_all() {
    local d
    for d in "${NODE_DIRS[@]}"; do CLUSTER_DIR="$d" cluster_stop; done
}
trap stop_all EXIT
for node in coordinator worker1 worker2; do
    cluster_start "shared_preload_libraries = 'citus'" "wal_level = logical" "max_connections = 200" \
        "max_worker_processes = 32" "citus.log_remote_commands = off" "autovacuum = off" || exit 2
    NODE_DIRS+=("$CLUSTER_DIR")
    NODE_PORTS+=("$PGPORT")
done
COORD="${NODE_PORTS[0]}"
node_sql() {  # port sql
    psql -X -q -v ON_ERROR_STOP=1 -h localhost -p "$1" -U postgres -d postgres -c "$2"
}
for port in "${NODE_PORTS[@]}"; do
    node_sql "$port" "CREATE EXTENSION citus; CREATE EXTENSION pgstattuple; CREATE EXTENSION ixstat;
                      CREATE EXTENSION ixbloom; CREATE EXTENSION ixbrin; CREATE EXTENSION ixlearn" || exit 2
done
node_sql "$COORD" "SELECT citus_set_coordinator_host('localhost', $COORD)" >/dev/null || exit 2
for port in "${NODE_PORTS[@]:1}"; do
    node_sql "$COORD" "SELECT citus_add_node('localhost', $port)" >/dev/null || exit 2
done
echo "citus: coordinator on port $COORD, workers on ${NODE_PORTS[*]:1}"

OUT="${CITUS_OUT:-$(mktemp -d /tmp/indexpack-citus.XXXXXX)}"
# citus_setup first: the helpers every other file uses.  CITUS_TESTS picks
# some of the others (names without .sql).
others="${CITUS_TESTS:-$(cd test/citus/sql && ls *.sql | sed 's/\.sql$//' | grep -v '^citus_setup$' | sort | tr '\n' ' ')}"
tests="citus_setup $others"
# shellcheck disable=SC2086
"$PGXS_DIR/src/test/regress/pg_regress" --use-existing --host=localhost --port="$COORD" --user=postgres \
    --dbname=postgres --inputdir=test/citus --outputdir="$OUT" $tests
status=$?
if [ $status -ne 0 ]; then
    head -200 "$OUT/regression.diffs" 2>/dev/null
fi
for d in "${NODE_DIRS[@]}"; do
    if grep -E 'terminated by signal|PANIC' "$d/server.log"; then
        echo "citus: a server process crashed ($d/server.log)"
        status=1
    fi
done
exit $status
