# Shared by the bench scripts (sourced): a free loopback port and a private PostgreSQL.

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

# start_postgres DIR: a new cluster in DIR on a free loopback port, with fsync=off; as root it runs as the postgres
# account (PostgreSQL refuses root), as scripts/test.sh does. Its log is DIR/postgres.log. Sets PG_CONNECTION
# (an Npgsql connection string) and PG_STOP (the command that stops it).
start_postgres() {
  local dir=$1 bin port password run=()
  bin=$(pg_bin)
  port=$(free_port)
  password=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
  mkdir -p "$dir"
  echo "$password" >"$dir/pw"
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres "$dir"; chmod 755 "$(dirname "$dir")"; run=(runuser -u postgres --); fi
  "${run[@]}" "$bin/initdb" -N -D "$dir/data" -U postgres --auth-host=scram-sha-256 --auth-local=trust \
    --pwfile="$dir/pw" -E UTF8 --locale=C.UTF-8 >/dev/null
  "${run[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  PG_STOP=("${run[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast stop)
  PG_CONNECTION="Host=127.0.0.1;Port=$port;Username=postgres;Password=$password;Database=postgres"
}
