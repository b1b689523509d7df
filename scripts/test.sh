#!/usr/bin/env bash
# Runs every test suite through the real stack: PostgreSQL (a private instance on loopback), then the API
# suite again on SQLite, with a real S3-compatible server (s3rver) for the storage tests.
# Installs what is missing (PostgreSQL and Chromium from Debian packages, s3rver from npm) when run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=$(mktemp -d /tmp/releasy-test.XXXXXX)
RESULTS="$WORK/results"
mkdir -p "$RESULTS"

log() { printf '[test] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

# Debian packages, with one package-list refresh per run.
apt_install() {
  if [ -z "${APT_UPDATED:-}" ]; then
    as_root apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

ensure_postgres() {
  if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/initdb" ]; then
    log "PostgreSQL server not found: installing it from Debian packages"
    apt_install postgresql
  fi
}

# The dashboard tests drive the machine's Chromium (Playwright never downloads a browser here).
ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    log "Chromium not found: installing it from Debian packages"
    apt_install chromium
  fi
}

ensure_node_tools() {
  if [ -f tests/package.json ] && [ ! -f tests/node_modules/s3rver/bin/s3rver.js ]; then
    if ! command -v npm >/dev/null; then
      log "npm not found: installing Node.js from Debian packages"
      apt_install nodejs npm
    fi
    log "installing test servers from npm (tests/package-lock.json)"
    npm ci --prefix tests --no-audit --no-fund --loglevel=error >/dev/null
  fi
}

# The schema-compatibility test builds the previous release (tests/previous-release) from this clone's history.
ensure_previous_release() {
  local previous
  previous=$(grep -Ev '^(#|$)' tests/previous-release | head -1)
  if ! git cat-file -e "$previous^{commit}" 2>/dev/null && [ "$(git rev-parse --is-shallow-repository)" = true ]; then
    log "fetching the history back to the previous release ($previous)"
    git fetch --quiet --unshallow || log "could not fetch the history: the schema-compatibility test will say what is missing"
  fi
}

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

start_postgres() {
  local bin port
  bin=$(pg_bin)
  port=$(free_port)
  PG_DIR="$WORK/pg"
  mkdir -p "$PG_DIR"
  PG_PASSWORD=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
  echo "$PG_PASSWORD" > "$PG_DIR/pw"
  local run=()
  if [ "$(id -u)" -eq 0 ]; then
    # PostgreSQL refuses to run as root.
    chown -R postgres "$PG_DIR"
    chmod 755 "$WORK"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$bin/initdb" -N -D "$PG_DIR/data" -U postgres --auth-host=scram-sha-256 --auth-local=trust \
    --pwfile="$PG_DIR/pw" -E UTF8 --locale=C.UTF-8 >/dev/null
  "${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=400" start >/dev/null
  PG_STOP=("${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -m fast stop)
  export RELEASY_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Password=$PG_PASSWORD;Database=postgres"
  log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

cleanup() {
  if [ -n "${PG_STOP+x}" ]; then "${PG_STOP[@]}" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# Runs one `dotnet test` and records its summary lines for the final count. Every run goes ahead whatever the
# previous one did; a non-zero exit code is remembered and fails the script at the end.
FAILED_RUNS=()
run_tests() {
  local name=$1; shift
  log "running $name"
  if ! dotnet test "$@" --no-build --logger "console;verbosity=minimal" >"$RESULTS/$name.log" 2>&1; then
    FAILED_RUNS+=("$name")
  fi
  grep -vE 'warning NU1603' "$RESULTS/$name.log" | grep -E '^ *(Failed |Error Message|Passed!|Failed!)|error|Aborted' | head -300 || true
}

# The deployment files in deploy/, offline: Compose's own validation, and every Kubernetes document against the
# Kubernetes schemas (npm kubernetes-models). A failure fails the run like a failed suite.
check_deploy_files() {
  if ! command -v docker-compose >/dev/null; then
    log "docker-compose not found: installing it from Debian packages"
    apt_install docker-compose
  fi
  if [ ! -d tests/node_modules/kubernetes-models ] || [ ! -d tests/node_modules/js-yaml ]; then
    npm ci --prefix tests --no-audit --no-fund --loglevel=error >/dev/null
  fi
  log "checking deploy/ (docker-compose config, Kubernetes schemas)"
  # Unset secrets are warnings here: .env is the operator's, never committed.
  if ! docker-compose -f deploy/compose/docker-compose.yaml config -q 2>"$RESULTS/compose.txt"; then
    cat "$RESULTS/compose.txt" >&2
    FAILED_RUNS+=("deploy-compose")
  fi
  node tests/deploy/validate-k8s.mjs deploy/kubernetes >&2 || FAILED_RUNS+=("deploy-kubernetes")
}

ensure_postgres
ensure_chromium
ensure_node_tools
ensure_previous_release
start_postgres

log "building"
if ! dotnet build Releasy.sln --nologo -v quiet >"$RESULTS/build.txt" 2>&1; then
  grep -E ': error ' "$RESULTS/build.txt" | sort -u >&2 || cat "$RESULTS/build.txt" >&2
  log "build failed"
  exit 1
fi

SUITES=(Releasy.Api.Tests Releasy.AppHost.Tests Releasy.MigrationService.Tests Releasy.Proxy.Tests)
run_tests postgres Releasy.sln
RELEASY_TEST_DATABASE=sqlite run_tests sqlite tests/Releasy.Api.Tests
check_deploy_files

# The rollout proof, short: rolling, rainbow and blue/green under load on one topology, each with 0 failed requests.
log "running the rollout proof (bench/rollout.sh all --short)"
if ! bash bench/rollout.sh all --short >"$RESULTS/rollout.txt" 2>&1; then
  FAILED_RUNS+=("rollout")
fi
grep -E '^(strategy|failed requests|  [0-9]+ ×|p99|customers|download tokens|X-Releasy|result)' "$RESULTS/rollout.txt" || tail -20 "$RESULTS/rollout.txt"

passed=0; failed=0; skipped=0
while read -r f p s; do
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
done < <(cat "$RESULTS"/*.log | grep -oE '(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' \
  | sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+)/\1 \2 \3/')

# Every test assembly must report a summary with at least one test: a suite that died silently fails the run.
missing=()
for suite in "${SUITES[@]}"; do
  grep -qE "(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[1-9][0-9]*.*- $suite.dll" "$RESULTS/postgres.log" || missing+=("$suite")
done
grep -qE "(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[1-9][0-9]*.*- Releasy.Api.Tests.dll" "$RESULTS/sqlite.log" || missing+=("Releasy.Api.Tests (sqlite)")
aborted=$(cat "$RESULTS"/*.log | grep -cE 'Test Run Aborted|The active test run was aborted' || true)
echo
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ] || [ "$aborted" -ne 0 ] || [ ${#FAILED_RUNS[@]} -ne 0 ] || [ ${#missing[@]} -ne 0 ]; then
  log "test run failed (non-zero runs: ${FAILED_RUNS[*]:-none}; suites without a summary: ${missing[*]:-none}; $aborted aborted)"
  exit 1
fi
