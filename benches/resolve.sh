#!/usr/bin/env bash
# nettool resolve against the peer tools, side by side, against a local dnsmasq on a loopback
# port serving 10,000 names (from an addn-hosts file):
#   1. bulk: nettool -f (concurrent) against dig -f (sequential), and against dnsperf's rate;
#   2. one lookup, whole process: nettool against dig (DNS) and against getent (system resolver,
#      /etc/hosts).
# Run it inside a namespace with only loopback: ../shared/sandbox benches/resolve.sh
# Targets: bulk at least 20x dig's rate and at least half of dnsperf's; one lookup at or below dig.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need dnsmasq dnsmasq-base
need dig dnsutils
need dnsperf
need getent libc-bin
need python3

NAMES=${NAMES:-10000}
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

RUNS=${BULK_RUNS:-5} compare "bulk: $NAMES names, whole process (nettool --concurrency $CONCURRENCY vs dig -f, sequential)" \
  "$NETTOOL resolve -q --short @127.0.0.1:$PORT -t A --concurrency $CONCURRENCY -f $work/names" \
  "dig @127.0.0.1 -p $PORT +short +tries=1 +time=2 -f $work/names"

# nettool's own count, median of 5 runs (one lost datagram costs a 250 ms resend in a run).
# Into a file, as the whole-process runs write to /dev/null: a slow reader on a pipe would
# hold nettool up and measure the reader.
ours_qps=$(for _ in 1 2 3 4 5; do
  "$NETTOOL" resolve -q --json "@127.0.0.1:$PORT" -t A --concurrency "$CONCURRENCY" -f "$work/names" \
    > "$work/out.json"
  tail -n 1 "$work/out.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["queries_per_second"])'
done | sort -n | sed -n 3p)
perf_qps=$(dnsperf -s 127.0.0.1 -p "$PORT" -d "$work/dnsperf" -n 5 -c 1 -q 256 2>&1 \
  | awk '/Queries per second/ {print $4}')
python3 - "$ours_qps" "$perf_qps" <<'PY'
import sys
ours, perf = float(sys.argv[1]), float(sys.argv[2])
print("== bulk rate: nettool's own count (median of 5 runs) against dnsperf (-c 1 -q 256, 5 passes)")
print(f"  {ours:9.0f} queries/s  nettool resolve -f (10,000 names, --concurrency 256)")
print(f"  {perf:9.0f} queries/s  dnsperf")
print(f"  ratio nettool/dnsperf: {ours / perf:.2f}")
PY

compare "one lookup over DNS, whole process" \
  "$NETTOOL resolve @127.0.0.1:$PORT -t A n1.bench.test" \
  "dig @127.0.0.1 -p $PORT n1.bench.test A"

compare "one lookup through the system resolver (/etc/hosts), whole process" \
  "$NETTOOL resolve -4 localhost" \
  "getent hosts localhost" \
  "dig @127.0.0.1 -p $PORT n1.bench.test A"
