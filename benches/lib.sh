# Side-by-side benchmark helpers, sourced by the scripts in benches/.
#
# compare TITLE NETTOOL_CMD PEER_CMD [PEER_CMD...]
#   Runs every command in one hyperfine run (same warm-up, same machine state), then prints each
#   median and the ratio nettool/peer (below 1.0: nettool is faster).
#
# Run the scripts through ../shared/sandbox (or any namespace with only loopback), so that nothing
# a command does can leave the machine.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
NETTOOL=${NETTOOL:-${CARGO_TARGET_DIR:-$ROOT/target}/release/nettool}
RUNS=${RUNS:-50}

need() {
  command -v "$1" >/dev/null || { echo "benches: '$1' is not installed (apt-get install ${2:-$1})" >&2; exit 2; }
}

build_release() {
  (cd "$ROOT" && cargo build --release --locked -q)
}

compare() {
  local title=$1; shift
  need hyperfine
  local json
  json=$(mktemp)
  hyperfine -N --warmup 5 --runs "$RUNS" --style none --export-json "$json" "$@" >/dev/null
  python3 - "$title" "$json" <<'PY'
import json, sys
title, path = sys.argv[1], sys.argv[2]
results = json.load(open(path))["results"]
ours = results[0]
print(f"== {title}")
for r in results:
    print(f"  {r['median']*1000:9.3f} ms median  {r['command']}")
for r in results[1:]:
    print(f"  ratio nettool/{r['command'].split()[0]}: {ours['median']/r['median']:.2f}")
PY
  rm -f "$json"
}
