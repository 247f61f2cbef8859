# Sourced by build/test.sh: starts a throwaway PostgreSQL cluster for the PostgreSQL tests and registers its stop.
# It installs PostgreSQL from the Debian packages when missing, runs initdb with trust auth into build/out/pg (or, when
# the postgres user cannot reach that folder, a fresh folder under /tmp), starts the server as the postgres user on a
# free loopback port, and exports TOKENQUOTA_POSTGRES_CONNECTION (plus the data folder and pg_ctl command, which the
# failure tests use to stop and restart the server). When it runs as root and cannot start the server, it records
# the failure in SERVICE_ERRORS so build/test.sh fails instead of silently skipping the PostgreSQL tests.

tq_pg_bindir() {
  local dir
  dir=$(pg_config --bindir 2>/dev/null || true)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
  done
}

tq_pg_free_port() {
  local port
  for port in $(seq 55432 55532); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

tq_pg_as_owner() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

tq_pg_start() {
  local bindir port
  bindir=$(tq_pg_bindir)
  if [ -z "$bindir" ]; then
    echo "postgres.sh: PostgreSQL is missing; installing it from the Debian packages"
    if [ "$(id -u)" = "0" ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    else
      tq_pg_fail "PostgreSQL is not installed"
      return 0
    fi
    bindir=$(tq_pg_bindir)
  fi
  TQ_PG_DIR="$OUT/pg"
  rm -rf "$TQ_PG_DIR"
  mkdir -p "$TQ_PG_DIR"
  if [ "$(id -u)" = "0" ]; then
    chown -R postgres: "$TQ_PG_DIR"
    if ! runuser -u postgres -- test -w "$TQ_PG_DIR"; then
      # A parent folder is closed to the postgres user (mktemp -d makes 0700 folders): use one it can reach.
      rm -rf "$TQ_PG_DIR"
      TQ_PG_DIR=$(mktemp -d /tmp/tokenquota-pg.XXXXXX)
      chmod 755 "$TQ_PG_DIR"
      chown -R postgres: "$TQ_PG_DIR"
      TQ_PG_TMP=1
    fi
  fi
  port=$(tq_pg_free_port)
  tq_pg_as_owner "$bindir/initdb" -D "$TQ_PG_DIR/data" --auth=trust -U postgres -E UTF8 --no-sync >"$OUT/pg-initdb.log" 2>&1 || {
    tq_pg_fail "initdb failed: $(tail -3 "$OUT/pg-initdb.log" | tr '\n' ' ')"
    return 0
  }
  TQ_PG_OPTIONS="-p $port -k $TQ_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300"
  if ! tq_pg_as_owner "$bindir/pg_ctl" -D "$TQ_PG_DIR/data" -o "$TQ_PG_OPTIONS" -l "$TQ_PG_DIR/server.log" -w -t 60 start >/dev/null; then
    tq_pg_fail "the server did not start: $(tail -3 "$TQ_PG_DIR/server.log" 2>/dev/null | tr '\n' ' ')"
    return 0
  fi
  TQ_PG_BINDIR="$bindir"
  export TOKENQUOTA_POSTGRES_CONNECTION="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Pooling=true"
  export TOKENQUOTA_POSTGRES_DATA="$TQ_PG_DIR/data"
  export TOKENQUOTA_POSTGRES_PGCTL="$bindir/pg_ctl"
  export TOKENQUOTA_POSTGRES_OPTIONS="$TQ_PG_OPTIONS"
  export TOKENQUOTA_POSTGRES_RUNAS=$([ "$(id -u)" = "0" ] && echo postgres || echo "")
  echo "== postgres: throwaway cluster on 127.0.0.1:$port ($TQ_PG_DIR)"
  STOPS+=(tq_pg_stop)
}

tq_pg_fail() {
  if [ "$(id -u)" = "0" ]; then
    SERVICE_ERRORS+=("postgres: $1")
  else
    echo "postgres.sh: $1; PostgreSQL tests will be skipped (run as root to let build/test.sh install and start PostgreSQL)" >&2
  fi
}

tq_pg_stop() {
  if [ -n "${TQ_PG_DIR:-}" ] && [ -f "$TQ_PG_DIR/data/postmaster.pid" ]; then
    tq_pg_as_owner "$TQ_PG_BINDIR/pg_ctl" -D "$TQ_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    echo "== postgres: stopped"
  fi
  if [ "${TQ_PG_TMP:-}" = "1" ]; then rm -rf "$TQ_PG_DIR"; fi
}

tq_pg_start
