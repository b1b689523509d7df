#!/usr/bin/env bash
# Zero-failed-request proof of a rollout: starts the whole topology through the AppHost (bench/Rollout, a driver on
# Aspire.Hosting.Testing), puts a bounded loopback load of reads and idempotent writes on the proxy, runs the
# rollout with the proxy's Aspire resource commands (as the dashboard would), and prints `failed requests: N`, the
# p99 during the switch and whether every acknowledged write is still there. Exit code 0 only when all hold.
#   bash bench/rollout.sh blue-green|rolling|rainbow|all [--short]
# `all` runs rolling, rainbow and blue-green one after another on one topology; --short shortens the load before
# and after the switch (the CI version). Needs PostgreSQL's server binaries (apt-get install postgresql).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
case "${1:-}" in
  blue-green|rolling|rainbow|all) ;;
  *) echo "usage: bash bench/rollout.sh blue-green|rolling|rainbow|all [--short]" >&2; exit 2 ;;
esac
dotnet build "$repo/bench/Rollout" -v quiet --nologo >/dev/null
work=$(mktemp -d /tmp/releasy-rollout-run.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
dotnet "$repo/artifacts/bin/Rollout/debug/Rollout.dll" "$@"
