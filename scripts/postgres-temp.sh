#!/usr/bin/env bash
# A throw-away PostgreSQL server from the machine's Debian packages, for benchmarks and local trials: a new cluster in
# a temporary folder, on a free loopback port, with the server's default durability (fsync and synchronous commit on;
# SMX_PG_FAST=1 turns them off, for tests whose databases are thrown away).
# Source it: it installs postgresql when missing, starts the server, exports SMX_PG_ADMIN (an Npgsql connection string
# to the `postgres` database) and stops and deletes the cluster when the sourcing shell exits. As root the server runs
# as the `postgres` user, which PostgreSQL requires.
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi
pg_dir="$(mktemp -d /tmp/smx-pg-XXXXXX)"
pg_as=()
if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$pg_dir"; pg_as=(runuser -u postgres --); fi
pg_fast=""
if [ "${SMX_PG_FAST:-0}" = 1 ]; then pg_fast="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"; fi
pg_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
(cd "$pg_dir" && "${pg_as[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U smx --auth=trust -E UTF8 --no-locale >/dev/null)
(cd "$pg_dir" && "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
  -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=1GB -c max_wal_size=4GB $pg_fast" start >/dev/null)
postgres_temp_stop() {
  (cd "$pg_dir" && "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true)
  rm -rf "$pg_dir"
}
trap postgres_temp_stop EXIT
export SMX_PG_ADMIN="Host=127.0.0.1;Port=$pg_port;Username=smx;Database=postgres"
# Creates an empty database and prints its connection string.
postgres_temp_database() {
  local name="smx_$RANDOM$RANDOM"
  "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U smx -d postgres -qc "CREATE DATABASE $name" >/dev/null
  echo "Host=127.0.0.1;Port=$pg_port;Username=smx;Database=$name;Maximum Pool Size=100"
}
