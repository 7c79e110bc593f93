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

# A random free port: several scripts (and CI) may start clusters at once.
cluster_free_port() {
    local port i
    for i in $(seq 1 50); do
        port=$((20000 + RANDOM % 30000))
        if ! (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    echo "cluster: no free port found" >&2
    return 1
}

cluster_start() {
    CLUSTER_DIR="$(mktemp -d /tmp/indexpack-cluster.XXXXXX)"
    chmod 755 "$CLUSTER_DIR"
    [ "$(id -u)" = 0 ] && chown postgres: "$CLUSTER_DIR"
    export PGHOST="$CLUSTER_DIR"
    export PGUSER=postgres
    export PGDATABASE=postgres
    as_pg "$PG_BINDIR/initdb" -D "$CLUSTER_DIR/data" -U postgres -A trust --no-sync >"$CLUSTER_DIR/initdb.log" 2>&1 || {
        cat "$CLUSTER_DIR/initdb.log" >&2
        return 1
    }
    {
        echo "listen_addresses = 'localhost'"
        echo "unix_socket_directories = '$CLUSTER_DIR'"
        echo "fsync = off"
        echo "shared_buffers = 256MB"
        echo "max_wal_size = 4GB"
        echo "log_min_messages = warning"
        for line in "$@"; do echo "$line"; done
    } | as_pg tee -a "$CLUSTER_DIR/data/postgresql.conf" >/dev/null
    CLUSTER_LOG="$CLUSTER_DIR/server.log"
    export CLUSTER_DIR CLUSTER_LOG
    # Retry on another port if someone took ours between the check and bind.
    local attempt
    for attempt in 1 2 3 4 5; do
        PGPORT="$(cluster_free_port)" || return 1
        export PGPORT
        # CLUSTER_SERVER_ENV: extra VAR=value words for the server's environment
        # only (the sanitizer run uses it).
        if as_pg env ${CLUSTER_SERVER_ENV:-} "$PG_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_LOG" \
            -o "-p $PGPORT" -w start >/dev/null; then
            return 0
        fi
    done
    cat "$CLUSTER_LOG" >&2
    return 1
}

cluster_stop() {
    [ -n "${CLUSTER_DIR:-}" ] || return 0
    as_pg "$PG_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$CLUSTER_DIR"
    unset CLUSTER_DIR CLUSTER_LOG
}
