#!/usr/bin/env bash
# Local PostgreSQL + Redis + Celery worker and beat: the production-like run behind `make services`.
#
#   bash .ci/services.sh start|stop|status
#
# Data, pid files and logs live under var/ (git-ignored). `start` and `stop` are idempotent.
# `.ci/run` sources this file for the pg_*, redis_* and celery_* helpers, so CI and developers
# start the services one way; sourcing defines functions only and runs nothing.
#
# The URLs match what the Makefile's `services` target tells you to export:
#   DATABASE_URL=postgresql://streamfront:streamfront@127.0.0.1:5433/streamfront
#   REDIS_URL=redis://127.0.0.1:6380/0

SF_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

log() { printf '[services] %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

# --- small process helpers ------------------------------------------------------------------

port_in_use() { # port -> success when something accepts connections on 127.0.0.1:port
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() { # first port from $1 upwards that nothing listens on (CI must not collide with
    # a developer's `make services` or a second CI run on the same machine)
    local port=$1
    while port_in_use "$port"; do
        port=$((port + 1))
        ((port < $1 + 200)) || die "no free port near $1"
    done
    echo "$port"
}

pid_alive() { # pidfile -> success when it names a live process
    [[ -s $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null
}

wait_for() { # seconds description command... -> polls the command every half second
    local deadline=$((SECONDS + $1)) what=$2
    shift 2
    until "$@"; do
        ((SECONDS < deadline)) || {
            log "timed out after waiting for $what"
            return 1
        }
        sleep 0.5
    done
}

stop_pidfile() { # name pidfile [timeout] -> SIGTERM, wait, then SIGKILL the process group
    local name=$1 pidfile=$2 timeout=${3:-20} pid
    if ! pid_alive "$pidfile"; then
        rm -f "$pidfile"
        return 0
    fi
    pid=$(cat "$pidfile")
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_for "$timeout" "$name to exit" bash -c "! kill -0 $pid 2>/dev/null"; then
        # Our background processes lead their own session (setsid), so the group is theirs.
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
}

# --- PostgreSQL -----------------------------------------------------------------------------

pg_bindir() { # the newest installed server's bin dir (Debian keeps them off PATH)
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [[ -n $dir && -x $dir/initdb ]]; then
        echo "$dir"
    elif command -v initdb >/dev/null; then
        dirname "$(command -v initdb)"
    else
        die "PostgreSQL server not found (apt-get install postgresql)"
    fi
}

as_pg() { # initdb and postgres refuse to run as root: run them as the postgres user then
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pg_running() { # base_dir
    [[ -f $1/data/PG_VERSION ]] && as_pg "$(pg_bindir)/pg_ctl" -D "$1/data" status >/dev/null 2>&1
}

pg_start() { # base_dir port [extra postgres options] -> a private cluster on 127.0.0.1:port
    # Data in base_dir/data, log in base_dir/postgres.log. Trust auth is fine: the cluster is
    # private, listens on loopback only and has no Unix socket.
    local base=$1 port=$2 extra=${3:-} bin
    bin=$(pg_bindir)
    mkdir -p "$base"
    if [[ $(id -u) -eq 0 ]]; then
        chown postgres: "$base"
        runuser -u postgres -- test -w "$base" ||
            die "the postgres user cannot reach $base (a parent directory is not world-executable)"
    fi
    if pg_running "$base"; then
        log "PostgreSQL already running ($base)"
        return 0
    fi
    if [[ ! -f $base/data/PG_VERSION ]]; then
        log "initdb $base/data"
        as_pg "$bin/initdb" -D "$base/data" -U postgres --auth=trust --encoding=UTF8 \
            --no-locale >"$base/initdb.log" 2>&1 || {
            cat "$base/initdb.log" >&2
            die "initdb failed"
        }
        # No Unix socket: its path length and directory permissions vary between machines.
        cat >>"$base/data/postgresql.conf" <<'EOF'

# streamfront: private cluster on loopback
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
EOF
    fi
    port_in_use "$port" && die "port $port is taken by another program; stop it or pick another"
    log "starting PostgreSQL on 127.0.0.1:$port"
    as_pg "$bin/pg_ctl" -D "$base/data" -l "$base/postgres.log" -w -t 60 \
        -o "-p $port $extra" start >/dev/null || {
        tail -n 30 "$base/postgres.log" >&2
        die "PostgreSQL did not start"
    }
}

pg_stop() { # base_dir
    if pg_running "$1"; then
        log "stopping PostgreSQL ($1)"
        as_pg "$(pg_bindir)/pg_ctl" -D "$1/data" -m fast -w -t 60 stop >/dev/null
    fi
}

pg_psql() { # port sql -> runs as the superuser over TCP, prints unaligned rows
    "$(pg_bindir)/psql" -h 127.0.0.1 -p "$1" -U postgres -d postgres -X -q -A -t \
        -v ON_ERROR_STOP=1 -c "$2"
}

pg_ensure_db() { # port db user password -> a login role allowed to CREATEDB (pytest makes
    # test_<db>) owning db; both created only when missing
    local port=$1 db=$2 user=$3 password=$4
    [[ $db$user =~ ^[a-z0-9_]+$ && $password =~ ^[A-Za-z0-9_]+$ ]] ||
        die "database, role and password must be plain identifiers"
    if [[ -z $(pg_psql "$port" "SELECT 1 FROM pg_roles WHERE rolname = '$user'") ]]; then
        pg_psql "$port" "CREATE ROLE $user LOGIN CREATEDB PASSWORD '$password'"
    fi
    if [[ -z $(pg_psql "$port" "SELECT 1 FROM pg_database WHERE datname = '$db'") ]]; then
        pg_psql "$port" "CREATE DATABASE $db OWNER $user"
    fi
}

# --- Redis ----------------------------------------------------------------------------------

redis_ping() { [[ $(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null) == PONG ]]; }

redis_start() { # dir port -> a private, memory-only redis-server on 127.0.0.1:port
    local dir=$1 port=$2
    command -v redis-server >/dev/null || die "redis-server not found (apt-get install redis-server)"
    mkdir -p "$dir"
    if pid_alive "$dir/redis.pid" && redis_ping "$port"; then
        log "Redis already running ($dir)"
        return 0
    fi
    port_in_use "$port" && die "port $port is taken by another program; stop it or pick another"
    log "starting Redis on 127.0.0.1:$port"
    # Nothing here is worth persisting (cache, broker, channel layer): no RDB, no AOF.
    redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
        --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir"
    wait_for 20 "Redis on port $port" redis_ping "$port" || {
        tail -n 20 "$dir/redis.log" >&2
        die "Redis did not start"
    }
}

redis_stop() { # dir
    stop_pidfile Redis "$1/redis.pid" 20
}

# --- Celery ---------------------------------------------------------------------------------
# Started with whatever DATABASE_URL / REDIS_URL the caller exported; run from SF_ROOT.

spawn() { # name pidfile logfile command... -> a detached background process with a pid file
    local name=$1 pidfile=$2 logfile=$3
    shift 3
    if pid_alive "$pidfile"; then
        log "$name already running (pid $(cat "$pidfile"))"
        return 0
    fi
    mkdir -p "$(dirname "$pidfile")" "$(dirname "$logfile")"
    log "starting $name (log: $logfile)"
    # setsid: its own session, so it outlives the calling shell (`make services` returns) and
    # the terminal's Ctrl-C does not reach it. Not a group leader here, so setsid execs in place
    # and $! is the process itself.
    (cd "$SF_ROOT" && exec setsid nohup "$@" >>"$logfile" 2>&1 </dev/null) &
    echo $! >"$pidfile"
}

celery_worker_ready() { # logfile since_line
    tail -n "+$2" "$1" 2>/dev/null | grep -q "ready\."
}

celery_worker_start() { # run_dir
    local dir=$1 from=1
    # Look for "ready." only in what this start writes, unless the worker already runs.
    if [[ -f $dir/celery-worker.log ]] && ! pid_alive "$dir/celery-worker.pid"; then
        from=$(($(wc -l <"$dir/celery-worker.log") + 1))
    fi
    spawn "Celery worker" "$dir/celery-worker.pid" "$dir/celery-worker.log" \
        "$SF_ROOT/.ci/supervise" "$SF_ROOT/.venv/bin/celery" -A config worker -l info --concurrency 2
    wait_for 90 "the Celery worker" celery_worker_ready "$dir/celery-worker.log" "$from" || {
        tail -n 30 "$dir/celery-worker.log" >&2
        die "the Celery worker did not become ready"
    }
}

celery_beat_start() { # run_dir
    local dir=$1
    spawn "Celery beat" "$dir/celery-beat.pid" "$dir/celery-beat.log" \
        "$SF_ROOT/.ci/supervise" "$SF_ROOT/.venv/bin/celery" -A config beat -l info -s "$dir/celerybeat-schedule"
    sleep 2
    pid_alive "$dir/celery-beat.pid" || {
        tail -n 30 "$dir/celery-beat.log" >&2
        die "Celery beat exited"
    }
}

celery_stop() { # run_dir -> warm shutdown: the worker finishes its current tasks first
    stop_pidfile "Celery beat" "$1/celery-beat.pid" 20
    stop_pidfile "Celery worker" "$1/celery-worker.pid" 60
}

# --- make services --------------------------------------------------------------------------

SF_VAR=$SF_ROOT/var
SF_PG_PORT=${SF_PG_PORT:-5433}
SF_REDIS_PORT=${SF_REDIS_PORT:-6380}

services_env() {
    export DATABASE_URL="postgresql://streamfront:streamfront@127.0.0.1:$SF_PG_PORT/streamfront"
    export REDIS_URL="redis://127.0.0.1:$SF_REDIS_PORT/0"
    # Tasks must go through the broker to the worker, not run inline.
    unset CELERY_TASK_ALWAYS_EAGER
}

services_start() {
    [[ -x $SF_ROOT/.venv/bin/python ]] || die "no .venv: run 'make setup' first"
    services_env
    pg_start "$SF_VAR/pg" "$SF_PG_PORT"
    pg_ensure_db "$SF_PG_PORT" streamfront streamfront streamfront
    redis_start "$SF_VAR/redis" "$SF_REDIS_PORT"
    log "migrating"
    (cd "$SF_ROOT" && .venv/bin/python manage.py migrate --noinput) >"$SF_VAR/migrate.log" 2>&1 || {
        cat "$SF_VAR/migrate.log" >&2
        die "migrate failed"
    }
    celery_worker_start "$SF_VAR"
    celery_beat_start "$SF_VAR"
    services_status
}

services_stop() {
    celery_stop "$SF_VAR"
    redis_stop "$SF_VAR/redis"
    pg_stop "$SF_VAR/pg"
}

services_status() { # exit 0 only when everything runs
    local ok=0
    _line() { # name running? detail
        if "${@:2:$#-2}"; then
            printf '  %-14s running  %s\n' "$1" "${*: -1}"
        else
            printf '  %-14s stopped\n' "$1"
            ok=1
        fi
    }
    _line PostgreSQL pg_running "$SF_VAR/pg" "127.0.0.1:$SF_PG_PORT ($SF_VAR/pg)"
    _line Redis pid_alive "$SF_VAR/redis/redis.pid" "127.0.0.1:$SF_REDIS_PORT ($SF_VAR/redis)"
    _line "Celery worker" pid_alive "$SF_VAR/celery-worker.pid" "log: var/celery-worker.log"
    _line "Celery beat" pid_alive "$SF_VAR/celery-beat.pid" "log: var/celery-beat.log"
    return $ok
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    set -euo pipefail
    case ${1:-} in
    start) services_start ;;
    stop) services_stop ;;
    status) services_status ;;
    *)
        echo "usage: $0 start|stop|status" >&2
        exit 2
        ;;
    esac
fi
