#!/usr/bin/env bash
# Runs the AppHost's private PostgreSQL in the foreground: initdb on first use, then the server.
#   postgres-run.sh BIN_DIR DATA_DIR PORT     (password in RELEASY_POSTGRES_PASSWORD)
# PostgreSQL refuses to run as root, so as root it runs as the `postgres` account. The orchestrator stops a
# process with SIGTERM, which PostgreSQL reads as "wait for every client to leave"; it is passed on as SIGINT,
# PostgreSQL's fast shutdown. Should this script be killed outright, the parent-death signal still delivers it.
set -euo pipefail
bin=$1 data=$2 port=$3
home=$(dirname "$data")
mkdir -p "$home"
as=()
if [ "$(id -u)" -eq 0 ]; then
  chown -R postgres:postgres "$home"
  as=(setpriv --reuid=postgres --regid=postgres --init-groups)
  # The postgres account must pass through every directory above its data (root's home is often 0700).
  for _ in 1 2 3 4 5 6 7 8; do
    "${as[@]}" test -x "$home" && break
    blocked=$(dirname "$home")
    while [ "$blocked" != / ] && ! "${as[@]}" test -x "$(dirname "$blocked")"; do blocked=$(dirname "$blocked"); done
    chmod o+x "$blocked"
    echo "made $blocked traversable (o+x) so that the postgres account reaches $home"
  done
fi

if [ ! -f "$data/PG_VERSION" ]; then
  pwfile="$home/initdb-password"
  (umask 077; printf '%s' "$RELEASY_POSTGRES_PASSWORD" > "$pwfile")
  [ ${#as[@]} -eq 0 ] || chown postgres:postgres "$pwfile"
  "${as[@]}" "$bin/initdb" -N -D "$data" -U postgres --auth-host=scram-sha-256 --auth-local=scram-sha-256 \
    --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  echo "initialized a new cluster in $data"
fi

"${as[@]}" setpriv --pdeathsig INT -- "$bin/postgres" -D "$data" -p "$port" -k "$home" -c listen_addresses=localhost &
server=$!
trap 'kill -INT "$server" 2>/dev/null || true' TERM INT
# A trapped signal ends the first wait early; the second one waits for the shutdown to finish.
set +e
wait "$server"; status=$?
if kill -0 "$server" 2>/dev/null; then wait "$server"; status=$?; fi
exit "$status"
