#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster for the test suite and print the URL to export.
#
#   eval "$(.ci/postgres.sh)"      # idempotent: installs (apt, as root), inits, starts, creates db + user
#   .ci/postgres.sh stop           # stop the cluster (data dir is kept; `rm -rf` it to start over)
#
# stdout carries only the `export GOVASSIST_TEST_PG_URL=...` line; progress goes to stderr.
# The cluster is private to the tests: its own data dir, 127.0.0.1 only, its own port, fsync off.
# Env overrides: GOVASSIST_PG_PORT (5433), GOVASSIST_PG_DIR (/var/tmp/govassist-pg).
set -euo pipefail

PORT="${GOVASSIST_PG_PORT:-5433}"
BASE="${GOVASSIST_PG_DIR:-/var/tmp/govassist-pg}"
DATA="$BASE/data"
LOG="$BASE/server.log"
DB_NAME="govassist_test"
DB_USER="govassist"
DB_PASS="govassist"

log() { echo "[postgres.sh] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

find_bindir() {
    local d
    d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -n "$d" && -x "$d/initdb" && -x "$d/pg_ctl" ]]; then
        echo "$d"
    fi
}

BIN="$(find_bindir)"
if [[ -z "$BIN" ]]; then
    [[ "$(id -u)" == 0 ]] || die "PostgreSQL is not installed and we are not root (apt-get install postgresql)"
    log "installing postgresql with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends postgresql >&2
    BIN="$(find_bindir)"
    [[ -n "$BIN" ]] || die "postgresql installed but no /usr/lib/postgresql/*/bin/initdb found"
fi

# The server refuses to run as root: run it as the `postgres` system user when we are root.
if [[ "$(id -u)" == 0 ]]; then
    id postgres >/dev/null 2>&1 || die "no 'postgres' system user (is the postgresql package installed?)"
    as_pg() { runuser -u postgres -- "$@"; }
    OWNER="postgres"
else
    as_pg() { "$@"; }
    OWNER="$(id -un)"
fi

pg_ctl_() { as_pg "$BIN/pg_ctl" -D "$DATA" "$@"; }
psql_() { as_pg "$BIN/psql" -X -q -h "$BASE" -p "$PORT" -U postgres -v ON_ERROR_STOP=1 "$@"; }

if [[ "${1:-start}" == "stop" ]]; then
    if [[ -f "$DATA/PG_VERSION" ]] && pg_ctl_ status >/dev/null 2>&1; then
        pg_ctl_ stop -m fast -w >&2
    else
        log "not running"
    fi
    exit 0
fi

mkdir -p "$BASE"
chown "$OWNER" "$BASE"
chmod 700 "$BASE"

if [[ ! -f "$DATA/PG_VERSION" ]]; then
    log "initdb $DATA"
    as_pg "$BIN/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 --no-sync >&2
    cat >>"$DATA/postgresql.conf" <<EOF
# --- govassist test cluster ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$BASE'
max_connections = 100
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
fi

if pg_ctl_ status >/dev/null 2>&1; then
    log "already running ($DATA)"
else
    if "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
        die "port $PORT is taken by another server; set GOVASSIST_PG_PORT"
    fi
    log "starting on 127.0.0.1:$PORT (log: $LOG)"
    as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 -o "-p $PORT" start >&2 \
        || { tail -n 20 "$LOG" >&2 || true; die "server did not start"; }
fi

for _ in $(seq 1 30); do
    "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" && break
    sleep 1
done
"$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" || die "server not accepting connections on $PORT"

if [[ "$(psql_ -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" != 1 ]]; then
    log "creating role $DB_USER"
    psql_ -d postgres -c "CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASS'"
fi
if [[ "$(psql_ -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != 1 ]]; then
    log "creating database $DB_NAME"
    psql_ -d postgres -c "CREATE DATABASE $DB_NAME OWNER $DB_USER"
fi

echo "export GOVASSIST_TEST_PG_URL=postgresql+psycopg://$DB_USER:$DB_PASS@127.0.0.1:$PORT/$DB_NAME"
