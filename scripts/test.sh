#!/usr/bin/env bash
# README's test command: every test of the workspace, all features. The Redis
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

exec cargo test --workspace --all-features "$@"
