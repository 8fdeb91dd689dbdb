#!/usr/bin/env bash
# nettool ping side by side with iputils ping and fping, in one run, printed as ratios.
# Run inside the sandbox (root, only loopback up):  ../shared/sandbox benches/ping.sh
#   1. flood: ping -f -c 20000 127.0.0.1, replies per second (target: ratio >= 1.0) and CPU
#      time per reply;
#   2. 254 loopback targets once each (-g 127.0.1.0/24) against fping: wall time;
#   3. peak RSS of a 10-second ping against iputils ping (target: within 2x).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need ping iputils-ping
need fping
need python3
build_release
MEASURE="python3 $BENCH_DIR/ping_measure.py"
FLOOD=${FLOOD:-20000}
FLOOD_RUNS=${FLOOD_RUNS:-5}

echo "== flood: $FLOOD echo requests to 127.0.0.1, median of $FLOOD_RUNS runs each"
flood_ours=$($MEASURE "$FLOOD_RUNS" nettool -- "$NETTOOL" -q ping -f -c "$FLOOD" 127.0.0.1)
flood_peer=$($MEASURE "$FLOOD_RUNS" ping -- ping -q -f -c "$FLOOD" 127.0.0.1)
python3 - "$FLOOD" "$flood_ours" "$flood_peer" <<'PY'
import json, sys
n = int(sys.argv[1])
ours, peer = json.loads(sys.argv[2]), json.loads(sys.argv[3])
for r in (ours, peer):
    r["rate"] = n / r["wall_s"]
    print(f"  {r['label']:8} {r['rate']:10.0f} replies/s  {r['wall_s']*1000:8.1f} ms wall"
          f"  {r['cpu_s']/n*1e6:6.2f} us CPU per reply")
print(f"  ratio nettool/ping replies per second: {ours['rate']/peer['rate']:.2f} (target >= 1.0)")
print(f"  ratio nettool/ping CPU per reply: {ours['cpu_s']/peer['cpu_s']:.2f}")
PY

RUNS=${RUNS:-10} compare "254 loopback targets once each (-g 127.0.1.0/24), wall time" \
  "$NETTOOL -q ping -g 127.0.1.0/24" \
  "fping -q -g 127.0.1.0/24" \
  "fping -q -i 1 -g 127.0.1.0/24"

echo "== peak RSS of a 10-second ping (-w 10 -i 0.2 127.0.0.1)"
rss_ours=$($MEASURE 1 nettool -- "$NETTOOL" -q ping -w 10 -i 0.2 127.0.0.1)
rss_peer=$($MEASURE 1 ping -- ping -q -w 10 -i 0.2 127.0.0.1)
python3 - "$rss_ours" "$rss_peer" <<'PY'
import json, sys
ours, peer = json.loads(sys.argv[1]), json.loads(sys.argv[2])
for r in (ours, peer):
    print(f"  {r['label']:8} {r['max_rss_kib']:8d} KiB peak RSS")
print(f"  ratio nettool/ping peak RSS: {ours['max_rss_kib']/peer['max_rss_kib']:.2f} (target <= 2.0)")
PY
