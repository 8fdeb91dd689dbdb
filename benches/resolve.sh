#!/usr/bin/env bash
# nettool resolve against the peer tools, side by side, against a local dnsmasq on a loopback
# port serving 100,000 names (from an addn-hosts file):
#   1. bulk rate: nettool -f (concurrent) against dnsperf over every name, in back-to-back pairs
#      (PAIRS of them, default 5): each one's median rate and the median of the pairs' ratios;
#   2. bulk, whole process: nettool -f against dig -f (sequential) over the first 10,000 names;
#   3. one lookup, whole process: nettool against dig (DNS) and against getent (system resolver,
#      /etc/hosts).
# Run it inside a namespace with only loopback: ../shared/sandbox benches/resolve.sh
# Targets: bulk at least 0.8x dnsperf's rate and at least 20x dig's; one lookup at or below dig.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need dnsmasq dnsmasq-base
need dig dnsutils
need dnsperf
need getent libc-bin
need python3

NAMES=${NAMES:-100000}
DIG_NAMES=${DIG_NAMES:-10000}
PAIRS=${PAIRS:-5}
PORT=${PORT:-5399}
CONCURRENCY=${CONCURRENCY:-256}

build_release

work=$(mktemp -d)
chmod 755 "$work"
dnsmasq_pid=
cleanup() {
  [ -n "$dnsmasq_pid" ] && kill "$dnsmasq_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

python3 - "$work" "$NAMES" <<'PY'
import sys
work, count = sys.argv[1], int(sys.argv[2])
with open(f"{work}/hosts", "w") as hosts, open(f"{work}/names", "w") as names, \
        open(f"{work}/dnsperf", "w") as perf:
    for i in range(count):
        n = i + 1
        hosts.write(f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255} n{i}.bench.test\n")
        names.write(f"n{i}.bench.test\n")
        perf.write(f"n{i}.bench.test A\n")
PY
head -n "$DIG_NAMES" "$work/names" > "$work/names.dig"

dnsmasq --keep-in-foreground --port="$PORT" --listen-address=127.0.0.1 --bind-interfaces \
  --no-resolv --no-hosts --addn-hosts="$work/hosts" --local=/bench.test/ --user=root \
  --cache-size=10000 --log-facility=/dev/null --pid-file= &
dnsmasq_pid=$!
for _ in $(seq 50); do
  dig @127.0.0.1 -p "$PORT" +short +tries=1 +time=1 n0.bench.test A 2>/dev/null | grep -q . && break
  sleep 0.1
done

# Check before timing: every name answers, through both tools.
resolved=$("$NETTOOL" resolve -q --json "@127.0.0.1:$PORT" -t A -f "$work/names" \
  | python3 -c 'import json,sys; print([json.loads(l) for l in sys.stdin][-1]["resolved"])')
[ "$resolved" = "$NAMES" ] || { echo "nettool resolved $resolved of $NAMES names" >&2; exit 2; }

# Rates in back-to-back pairs, so that a burst of load on the shared machine hits both alike.
# nettool's own count, into a file: the whole-process runs write to /dev/null, and a slow
# reader on a pipe would hold nettool up and measure the reader. dnsperf keeps as many queries
# in flight as nettool's --concurrency, over the same names, once each. Beside each rate: the CPU
# time the tool used, the CPU time dnsmasq used serving it, and the CPU time every other process
# on the machine used meanwhile (on a shared machine a rate says as much about the others as
# about the tool: one thread gets its share of the cores, and dnsperf runs several).
# dnsperf's run time stops at its last answer: the queries it lost wait out its timeout after
# that, uncounted, where nettool asks again (after 250 ms) and counts the wait.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
# timed OUT COMMAND...: run COMMAND, its stdout into OUT; print its CPU seconds (user + system)
# and its wall time, then dnsmasq's CPU ticks and the whole machine's over the run.
timed() {
  local out=$1 server_before machine_before used
  shift
  server_before=$(cpu_ticks "$dnsmasq_pid")
  machine_before=$(busy_ticks)
  used=$(python3 -c 'import os, sys, time
out = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
start = time.monotonic()
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, out, 1)])
_, _, usage = os.wait4(pid, 0)
print(f"{usage.ru_utime + usage.ru_stime:.3f} {time.monotonic() - start:.3f}")' "$out" "$@")
  echo "$used $(( $(cpu_ticks "$dnsmasq_pid") - server_before )) $(( $(busy_ticks) - machine_before ))"
}
tick=$(getconf CLK_TCK)
for _ in $(seq "$PAIRS"); do
  ours_cpu=$(timed "$work/out.json" "$NETTOOL" resolve -q --json "@127.0.0.1:$PORT" -t A \
    --concurrency "$CONCURRENCY" -f "$work/names")
  ours=$(tail -n 1 "$work/out.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["queries_per_second"])')
  perf_cpu=$(timed "$work/perf.out" dnsperf -s 127.0.0.1 -p "$PORT" -d "$work/dnsperf" -n 1 -c 1 \
    -q "$CONCURRENCY")
  perf=$(awk '/Queries per second/ {print $4}' "$work/perf.out")
  echo "$ours $perf $ours_cpu $perf_cpu"
done > "$work/pairs"
python3 - "$work/pairs" "$NAMES" "$CONCURRENCY" "$tick" <<'PY'
import statistics, sys
pairs = [tuple(map(float, line.split())) for line in open(sys.argv[1])]
names, concurrency, tick = int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
ours = statistics.median(p[0] for p in pairs)
perf = statistics.median(p[1] for p in pairs)
ratio = statistics.median(p[0] / p[1] for p in pairs)
print(f"== bulk rate, {names:,} names, {concurrency} in flight: nettool's own count against dnsperf's "
      f"(medians of {len(pairs)} back-to-back pairs)")
print(f"  {ours:9.0f} queries/s  nettool resolve -q --json -t A -f (--concurrency {concurrency})")
print(f"  {perf:9.0f} queries/s  dnsperf -c 1 -q {concurrency}")
print(f"  ratio nettool/dnsperf: {ratio:.2f} (median of the pairs; each: "
      + ", ".join(f"{p[0] / p[1]:.2f}" for p in pairs) + ")")
def per_query(values):
    return statistics.median(values) * 1e6 / names
for name, at in (("nettool", 2), ("dnsperf", 6)):
    own = per_query([p[at] for p in pairs])
    server = per_query([p[at + 2] / tick for p in pairs])
    others = statistics.median(
        max(p[at + 3] / tick - p[at] - p[at + 2] / tick, 0) / p[at + 1] for p in pairs)
    print(f"  CPU per query: {name} {own:.1f} us, dnsmasq serving it {server:.1f} us; "
          f"other processes kept {others:.2f} cores busy meanwhile")
PY

RUNS=${BULK_RUNS:-5} compare "bulk: $DIG_NAMES names, whole process (nettool --concurrency $CONCURRENCY vs dig -f, sequential)" \
  "$NETTOOL resolve -q --short @127.0.0.1:$PORT -t A --concurrency $CONCURRENCY -f $work/names.dig" \
  "dig @127.0.0.1 -p $PORT +short +tries=1 +time=2 -f $work/names.dig"

compare "one lookup over DNS, whole process" \
  "$NETTOOL resolve @127.0.0.1:$PORT -t A n1.bench.test" \
  "dig @127.0.0.1 -p $PORT n1.bench.test A"

compare "one lookup through the system resolver (/etc/hosts), whole process" \
  "$NETTOOL resolve -4 localhost" \
  "getent hosts localhost" \
  "dig @127.0.0.1 -p $PORT n1.bench.test A"
