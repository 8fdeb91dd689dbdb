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

# NO_BUILD=1 skips the build (with NETTOOL=path, to measure a binary kept from before a change).
build_release() {
  [ -n "${NO_BUILD:-}" ] || (cd "$ROOT" && cargo build --release --locked -q)
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
def program(command):
    words = command.split()
    # `ip netns exec NAME PROGRAM ...`: the program is what is compared.
    if words[:3] == ["ip", "netns", "exec"]:
        words = words[4:]
    return words[0].rsplit("/", 1)[-1]
for r in results[1:]:
    print(f"  ratio nettool/{program(r['command'])}: {ours['median']/r['median']:.2f}")
PY
  rm -f "$json"
}

# interleave TITLE NETTOOL_CMD PEER_CMD [PEER_CMD...]
#   For start-up times of a few milliseconds on a shared machine: runs the commands in turn,
#   round after round (RUNS rounds, warm-up rounds first), so a burst of load hits every
#   command alike; prints each median and the median of the per-round ratios nettool/peer.
#   The commands are split on spaces and run without a shell, output thrown away.
interleave() {
  local title=$1; shift
  python3 - "$title" "${RUNS:-50}" "$@" <<'PY'
import os, statistics, sys, time
title, runs, commands = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
argvs = [c.split() for c in commands]
null = os.open(os.devnull, os.O_RDWR)
def once(argv):
    start = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, os.environ,
                          file_actions=[(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, null, 1)])
    os.waitpid(pid, 0)
    return time.perf_counter() - start
for _ in range(5):
    for argv in argvs:
        once(argv)
times = [[] for _ in argvs]
for _ in range(runs):
    for i, argv in enumerate(argvs):
        times[i].append(once(argv))
print(f"== {title}")
for command, t in zip(commands, times):
    print(f"  {statistics.median(t)*1000:9.3f} ms median  {command}")
def program(command):
    words = command.split()
    if words[:3] == ["ip", "netns", "exec"]:
        words = words[4:]
    return words[0].rsplit("/", 1)[-1]
for command, t in zip(commands[1:], times[1:]):
    ratio = statistics.median(a / b for a, b in zip(times[0], t))
    print(f"  ratio nettool/{program(command)}: {ratio:.2f} (median of {runs} back-to-back pairs)")
PY
}
