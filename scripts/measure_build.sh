#!/usr/bin/env bash
# Build cost of the generated code at several spec sizes: the seed's
# endpoints (and the three the hand-written code calls), 150 and 500
# endpoints of realistic shape (synthetic), and the real spec.
#
#   bash scripts/measure_build.sh            # all four sizes
#   bash scripts/measure_build.sh 150        # one of: base 150 500 real
#
# For each size it copies codegen/, macros/ and wechat-api/ into a scratch
# workspace with that spec, builds once (dependencies included, not timed),
# then times:
#   - `cargo build -p wechat-api` after appending a comment to one spec file
#     (debug, incremental: what an edit costs);
#   - `cargo build --release -p wechat-api` after the same edit (release);
# and prints the lines of generated code (prettyplease).
# Needs python3 with PyYAML (pip install pyyaml). Run it on a quiet machine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=${SCRATCH:-/tmp/wechat-api-build-measure}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(base 150 500 real)
mkdir -p "$scratch"
# one target dir for every size: dependencies are built once
export CARGO_TARGET_DIR="$scratch/target"

make_spec() { # size dir
  local size=$1 dir=$2
  rm -rf "$dir" && mkdir -p "$dir"
  case $size in
    real) cp "$root"/spec/*.yaml "$dir"/ ;;
    base) python3 "$root/scripts/base_spec.py" "$root/spec" "$dir" >/dev/null ;;
    *)
      python3 "$root/scripts/base_spec.py" "$root/spec" "$dir" >/dev/null
      local base
      base=$(cargo run -q --manifest-path "$root/Cargo.toml" -p wechat-api-codegen --example check -- "$dir" >/dev/null; \
             python3 -c "import yaml,glob;print(sum(len(yaml.safe_load(open(f)).get('endpoints') or []) for f in glob.glob('$dir/*.yaml')))")
      python3 "$root/scripts/synthetic_spec.py" $((size - base)) "$dir/synthetic" >/dev/null
      mv "$dir"/synthetic/*.yaml "$dir"/ && rmdir "$dir/synthetic"
      ;;
  esac
}

seconds() { # command... -> wall seconds
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  python3 -c "print(f'{$end - $start:.1f}')"
}

printf '%-6s %-10s %-22s %-18s %s\n' size endpoints "edit+build (debug) s" "edit+build (release) s" "generated lines"
for size in "${sizes[@]}"; do
  ws="$scratch/ws-$size"
  rm -rf "$ws" && mkdir -p "$ws"
  for crate in codegen macros wechat-api; do
    rsync -a --exclude target "$root/$crate" "$ws/"
  done
  rm -f "$ws/wechat-api/spec"
  make_spec "$size" "$ws/spec"
  ln -s ../spec "$ws/wechat-api/spec"
  cp "$root/Cargo.lock" "$ws/"
  sed -e 's/^members = .*/members = ["codegen", "macros", "wechat-api"]/' -e '/^default-members/d' -e '/^exclude/d' \
    "$root/Cargo.toml" > "$ws/Cargo.toml"
  endpoints=$(python3 -c "import yaml,glob;print(sum(len(yaml.safe_load(open(f)).get('endpoints') or []) for f in glob.glob('$ws/spec/*.yaml')))")
  (cd "$ws" && cargo build -q -p wechat-api && cargo build -q --release -p wechat-api)
  edited=$(ls "$ws"/spec/*.yaml | head -1)
  echo "# edit" >> "$edited"
  debug=$(cd "$ws" && seconds cargo build -p wechat-api)
  echo "# edit" >> "$edited"
  release=$(cd "$ws" && seconds cargo build --release -p wechat-api)
  lines=$(cargo run -q --manifest-path "$root/Cargo.toml" -p wechat-api-codegen --example expand -- "$ws/spec" --count)
  printf '%-6s %-10s %-22s %-18s %s\n' "$size" "$endpoints" "$debug" "$release" "$lines"
done
