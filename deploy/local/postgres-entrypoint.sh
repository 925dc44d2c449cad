#!/bin/sh
# Entrypoint of the local PostgreSQL stand-in. What it shares with the public image:
#   - on first start (an empty PGDATA), creates the cluster with superuser POSTGRES_USER
#     (default postgres) and password POSTGRES_PASSWORD (or the file POSTGRES_PASSWORD_FILE),
#     the database POSTGRES_DB (default: the user's name), then runs the *.sql and *.sh files
#     in /docker-entrypoint-initdb.d in order;
#   - password (scram-sha-256) logins over TCP from anywhere, trust on the local socket;
#   - runs as the `postgres` user; extra arguments go to the server (`-c name=value`).
# The first-start work happens on a private socket with TCP off, so that a health check
# (`pg_isready -h 127.0.0.1`) passes only once the real server is up.
set -eu

: "${PGDATA:=/var/lib/postgresql/data}"
export PGDATA

if [ "${1:-postgres}" != postgres ] && [ "${1#-}" = "${1:-}" ]; then
    exec "$@" # another command, such as a shell
fi
[ "${1:-}" = postgres ] && shift

if [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDATA" /var/run/postgresql
    # A fresh named volume belongs to root; a bind mount to whoever made it.
    chown -R postgres:postgres "$PGDATA"
    chown postgres:postgres /var/run/postgresql
    chmod 700 "$PGDATA"
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" postgres "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    POSTGRES_USER="${POSTGRES_USER:-postgres}"
    POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"
    if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
        POSTGRES_PASSWORD="$(cat "$POSTGRES_PASSWORD_FILE")"
    fi
    if [ -z "${POSTGRES_PASSWORD:-}" ]; then
        echo "postgres: POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE) must be set" >&2
        exit 1
    fi

    private="$(mktemp -d)"
    printf '%s\n' "$POSTGRES_PASSWORD" >"$private/pw"
    initdb --username="$POSTGRES_USER" --pwfile="$private/pw" --encoding=UTF8 \
        --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256
    rm -f "$private/pw"
    echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
    echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"

    pg_ctl --wait --silent -o "-c listen_addresses='' -c unix_socket_directories=$private" start
    export PGHOST="$private" PGUSER="$POSTGRES_USER"
    if [ "$POSTGRES_DB" != postgres ]; then
        printf 'CREATE DATABASE :"name";\n' |
            psql --quiet -v ON_ERROR_STOP=1 --dbname=postgres --set name="$POSTGRES_DB"
    fi
    export PGDATABASE="$POSTGRES_DB"
    for file in /docker-entrypoint-initdb.d/*; do
        case $file in
            *.sql) echo "postgres: running $file" && psql --quiet -v ON_ERROR_STOP=1 -f "$file" ;;
            *.sh) echo "postgres: running $file" && sh "$file" ;;
            *) [ ! -e "$file" ] || echo "postgres: ignoring $file" ;;
        esac
    done
    pg_ctl --wait --silent --mode=fast stop
    unset PGHOST PGUSER PGDATABASE
    rmdir "$private"
    echo "postgres: first start done; database $POSTGRES_DB, superuser $POSTGRES_USER"
fi

exec postgres "$@"
