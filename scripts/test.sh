#!/usr/bin/env bash
# README's test command: every test of the workspace, all features. The Redis
# tests start a real redis-server and are never skipped, so it is installed
# first when it is missing (apt-get; sudo when not root).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${REDIS_SERVER:-}" ] && ! command -v redis-server >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "redis-server is missing and there is no apt-get: install redis-server" \
         "(or point REDIS_SERVER at one), then run this again" >&2
    exit 1
  fi
  echo "installing redis-server: the Redis tests start a real one" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends redis-server >/dev/null
fi

exec cargo test --workspace --all-features "$@"
