# tests/pg/cluster.sh — a throwaway PostgreSQL 15 server for the test suites (sourced after
# tests/lib.sh): pg_start makes a cluster with initdb in a temporary directory of its own,
# starts it with pg_ctl listening on a Unix socket in that directory only (no TCP), and sets
# PG_URL to a database on it; on_exit stops it (immediate) and removes the directory. The
# server refuses to run as root (CI runs as root): then it runs as the unprivileged user
# `postgres` (Debian's package makes it) through runuser. PG_BIN overrides the binaries.
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIR=""
PG_URL=""
PG_AS=""

pg_stop() {
    [ -n "$PG_DIR" ] || return 0
    $PG_AS "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1
    rm -rf "$PG_DIR"
    PG_DIR=""
}

# pg_start: 0 with PG_URL set, or 1 with the reason on stderr
pg_start() {
    [ -x "$PG_BIN/initdb" ] || { echo "no $PG_BIN/initdb (make deps installs postgresql)" >&2; return 1; }
    PG_DIR=$(mktemp -d /tmp/calc-pg.XXXXXX) || return 1
    on_exit pg_stop
    if [ "$(id -u)" = 0 ]; then
        PG_AS="runuser -u postgres --"
        chown postgres "$PG_DIR"
    fi
    chmod 755 "$PG_DIR"
    # a port of its own only names the socket file; nothing listens on TCP
    port=$((20000 + $$ % 20000))
    if ! $PG_AS "$PG_BIN/initdb" -D "$PG_DIR/data" -U calc --auth=trust --encoding=UTF8 \
        --locale=C >"$PG_DIR/initdb.log" 2>&1; then
        cat "$PG_DIR/initdb.log" >&2
        return 1
    fi
    if ! $PG_AS "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-k $PG_DIR -c listen_addresses= -p $port -c fsync=off -c max_connections=40" \
        start >/dev/null 2>&1; then
        cat "$PG_DIR/server.log" >&2
        return 1
    fi
    if ! $PG_AS "$PG_BIN/createdb" -h "$PG_DIR" -p "$port" -U calc calc >/dev/null 2>&1; then
        echo "createdb failed" >&2
        return 1
    fi
    PG_PORT=$port
    PG_URL="postgresql://calc@/calc?host=$PG_DIR&port=$port"
    export PG_URL PG_PORT
}

# pg_db NAME: a new empty database on the server; its URL on stdout
pg_db() {
    "$PG_BIN/createdb" -h "$PG_DIR" -p "$PG_PORT" -U calc "$1" || return 1
    echo "postgresql://calc@/$1?host=$PG_DIR&port=$PG_PORT"
}

# pg_sql SQL: runs SQL on the test database (psql, quiet, stops at the first error)
pg_sql() {
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -At "$PG_URL" -c "$1"
}
