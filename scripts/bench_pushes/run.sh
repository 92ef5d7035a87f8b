#!/usr/bin/env bash
# The callback server under a wrk load of distinct valid signed pushes from one address, then a forged flood.
# How to: cargo build --release -p wechat-api-examples --example callback_server && bash scripts/bench_pushes/run.sh [SERVER_BINARY] [PUSHES] [SECONDS]
# (needs wrk and python3 with `cryptography`). It starts `callback_server --sandbox` (its default rate
# limits) on 127.0.0.1:18080, sends PUSHES valid pushes (default 200000; a run stops when they are all
# answered or after SECONDS, default 20) with wrk -t2 -c32, then as many forged ones, and prints the
# answers by status for each.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
server=${1:-${CARGO_TARGET_DIR:-target}/release/examples/callback_server}
pushes=${2:-200000}
seconds=${3:-20}
port=18080
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

RUST_LOG=error "$server" --sandbox --store "$work/tokens.redb" --listen "127.0.0.1:$port" &
pid=$!
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/healthz" > /dev/null && break
  sleep 0.1
done

for kind in valid forged; do
  flag=""
  [ "$kind" = forged ] && flag=--forge
  python3 "$here/gen_pushes.py" --count "$pushes" $flag > "$work/$kind.txt"
  echo "== $kind pushes: $pushes"
  wrk -t2 -c32 -d"${seconds}s" --timeout 10s -s "$here/pushes.lua" "http://127.0.0.1:$port" -- "$work/$kind.txt" 2
done
