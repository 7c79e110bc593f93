# bench/bench_session.sh — sourced by the benchmarks after test/cluster.sh:
# the exit trap that stops the throwaway cluster (after printing the end of
# its log when the run failed: a crash names its query there), and the psql
# helpers every benchmark uses.
on_exit() {
    local status=$?
    if [ "$status" -ne 0 ] && [ -n "${CLUSTER_LOG:-}" ] && [ -f "$CLUSTER_LOG" ]; then
        echo "-- last lines of the server log:" >&2
        tail -n 25 "$CLUSTER_LOG" >&2
    fi
    cluster_stop
}
trap on_exit EXIT
trap 'exit 130' INT TERM
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
export PGOPTIONS="-c client_min_messages=warning"
sql() { "${PSQL[@]}" -At -c "$1"; }
run() { "${PSQL[@]}" "$@"; }
