# cluster.sh — start and stop a throwaway PostgreSQL 15 cluster (sourced).
#
# PostgreSQL refuses to run as root, so when we are root the server runs as
# the postgres OS user.  The cluster lives in a fresh temp dir, listens on a
# unix socket in that dir and on localhost only, and cluster_stop removes it.
#
#   source test/cluster.sh
#   cluster_start [extra postgresql.conf lines...]   # exports PGHOST PGPORT PGUSER PGDATABASE
#   psql -c 'select 1'
#   cluster_stop

PG_BINDIR="$(pg_config --bindir)"

as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

cluster_free_port() {
    local port
    for port in $(seq 54320 54399); do
        if ! (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    echo "cluster: no free port in 54320-54399" >&2
    return 1
}

cluster_start() {
    CLUSTER_DIR="$(mktemp -d /tmp/indexpack-cluster.XXXXXX)"
    chmod 755 "$CLUSTER_DIR"
    [ "$(id -u)" = 0 ] && chown postgres: "$CLUSTER_DIR"
    export PGPORT="$(cluster_free_port)"
    export PGHOST="$CLUSTER_DIR"
    export PGUSER=postgres
    export PGDATABASE=postgres
    as_pg "$PG_BINDIR/initdb" -D "$CLUSTER_DIR/data" -U postgres -A trust --no-sync >"$CLUSTER_DIR/initdb.log" 2>&1 || {
        cat "$CLUSTER_DIR/initdb.log" >&2
        return 1
    }
    {
        echo "listen_addresses = 'localhost'"
        echo "port = $PGPORT"
        echo "unix_socket_directories = '$CLUSTER_DIR'"
        echo "fsync = off"
        echo "shared_buffers = 256MB"
        echo "max_wal_size = 4GB"
        echo "log_min_messages = warning"
        for line in "$@"; do echo "$line"; done
    } | as_pg tee -a "$CLUSTER_DIR/data/postgresql.conf" >/dev/null
    # CLUSTER_SERVER_ENV: extra VAR=value words for the server's environment
    # only (the sanitizer run preloads the ASan runtime this way).
    as_pg env ${CLUSTER_SERVER_ENV:-} "$PG_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/server.log" -w start >/dev/null || {
        cat "$CLUSTER_DIR/server.log" >&2
        return 1
    }
    CLUSTER_LOG="$CLUSTER_DIR/server.log"
    export CLUSTER_DIR CLUSTER_LOG
}

cluster_stop() {
    [ -n "${CLUSTER_DIR:-}" ] || return 0
    as_pg "$PG_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$CLUSTER_DIR"
    unset CLUSTER_DIR CLUSTER_LOG
}
