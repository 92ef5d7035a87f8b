#!/usr/bin/env bash
# README's test command: every test of the workspace, all features (arguments
# go to `cargo test`). The Redis
# tests start real redis-servers (standalone, a 3-master cluster, a Sentinel
# group) and are never skipped, so redis-server and redis-tools are installed
# first when missing (apt-get; sudo when not root).
set -euo pipefail
cd "$(dirname "$0")/.."

# redis-server (standalone, cluster nodes, sentinel) and redis-cli (cluster
# creation) come from the redis-server and redis-tools packages.
missing=""
if [ -z "${REDIS_SERVER:-}" ] && ! command -v redis-server >/dev/null 2>&1; then
  missing="redis-server"
fi
if [ -z "${REDIS_CLI:-}" ] && ! command -v redis-cli >/dev/null 2>&1; then
  missing="$missing redis-tools"
fi
if [ -n "$missing" ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "missing:$missing, and there is no apt-get: install redis-server and redis-cli" \
         "(or point REDIS_SERVER and REDIS_CLI at them), then run this again" >&2
    exit 1
  fi
  echo "installing$missing: the Redis tests start real servers and a cluster" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  # shellcheck disable=SC2086
  $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# With arguments (a filter, --test it, ...), one plain run.
if [ $# -gt 0 ]; then
  exec cargo test --workspace --all-features "$@"
fi

# Without: every test, with the waiting overlapped. Many tests wait more than
# they compute (Redis expiries and failovers, servers' timeouts, a user's
# workspace built by cargo), so each binary runs more tests at once than
# there are cores; and the compile-fail cases (trybuild runs cargo on a
# project and target directory of its own) run beside the others instead of
# before them. Both runs select the whole workspace, so they share one build.
export RUST_TEST_THREADS="${RUST_TEST_THREADS:-8}"
cargo test --workspace --all-features --no-run --quiet
compile_fail_log="$(mktemp)"
trap 'rm -f "$compile_fail_log"' EXIT
cargo test --workspace --all-features --test compile_fail >"$compile_fail_log" 2>&1 &
compile_fail=$!
status=0
cargo test --workspace --all-features -- --skip broken_specs_are_compile_errors || status=$?
wait "$compile_fail" || status=$?
cat "$compile_fail_log"
exit "$status"
