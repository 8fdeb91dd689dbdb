#!/usr/bin/env bash
# nettool ping side by side with iputils ping and fping, in one run, printed as ratios.
# Run inside the sandbox (root, only loopback up):  ../shared/sandbox benches/ping.sh
#   1. flood: ping -f -c 20000 127.0.0.1, replies per second (target: ratio >= 1.0) and CPU
#      time per reply;
#   2. 254 loopback targets once each (-g 127.0.1.0/24) against fping: wall time;
#   3. peak RSS of a 10-second ping against iputils ping (target: within 2x);
#   4. peak RSS of ping -f -c N for two N (target: <= 1.5x iputils, flat in N);
#   5. when ping -f -w 15 ends, against iputils (target: within +0.05 s);
#   6. peak RSS of a /16 sweep against fping -i 0 (target: <= 1.0x);
#   7. sweep rate of a /12 (1,048,574 loopback targets) against hping3 --icmp --flood for
#      SECONDS (target: >= 0.7x), and peak RSS of the /12 and, with SWEEP_8=1, of the whole /8
#      (16.7 M targets, about two minutes; target: <= 30 MB whatever the size).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need ping iputils-ping
need fping
need python3
need hping3
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

FLOOD_SMALL=${FLOOD_SMALL:-100000}
FLOOD_BIG=${FLOOD_BIG:-1000000}
echo "== peak RSS of ping -f -c N (N = $FLOOD_SMALL and $FLOOD_BIG)"
rows=()
for n in "$FLOOD_SMALL" "$FLOOD_BIG"; do
  rows+=("$($MEASURE 1 nettool -- "$NETTOOL" -q ping -f -c "$n" 127.0.0.1)")
  rows+=("$($MEASURE 1 ping -- ping -q -f -c "$n" 127.0.0.1)")
done
python3 - "$FLOOD_SMALL" "$FLOOD_BIG" "${rows[@]}" <<'PY'
import json, sys
small, big = sys.argv[1], sys.argv[2]
r = [json.loads(a) for a in sys.argv[3:]]
for n, (ours, peer) in ((small, r[0:2]), (big, r[2:4])):
    print(f"  -c {n:>8}: nettool {ours['max_rss_kib']:7d} KiB, ping {peer['max_rss_kib']:7d} KiB,"
          f" ratio {ours['max_rss_kib']/peer['max_rss_kib']:.2f} (target <= 1.5)")
print(f"  nettool growth from -c {small} to -c {big}: {r[2]['max_rss_kib']/r[0]['max_rss_kib']:.2f}x (flat: 1.0)")
PY

DEADLINE=${DEADLINE:-15}
echo "== ping -f -w $DEADLINE 127.0.0.1: when it ends"
ours=$($MEASURE 1 nettool -- "$NETTOOL" -q ping -f -w "$DEADLINE" 127.0.0.1)
peer=$($MEASURE 1 ping -- ping -q -f -w "$DEADLINE" 127.0.0.1)
python3 - "$ours" "$peer" <<'PY'
import json, sys
ours, peer = json.loads(sys.argv[1]), json.loads(sys.argv[2])
for r in (ours, peer):
    print(f"  {r['label']:8} {r['wall_s']:7.3f} s")
print(f"  nettool - ping: {ours['wall_s'] - peer['wall_s']:+.3f} s (target <= +0.05)")
PY

echo "== peak RSS of a /16 sweep (-g 127.1.0.0/16, 65,534 targets once each)"
ours=$($MEASURE 1 nettool -- "$NETTOOL" -q ping -g 127.1.0.0/16)
peer=$($MEASURE 1 fping -- fping -q -i 0 -g 127.1.0.0/16)
python3 - "$ours" "$peer" <<'PY'
import json, sys
ours, peer = json.loads(sys.argv[1]), json.loads(sys.argv[2])
for r in (ours, peer):
    print(f"  {r['label']:8} {r['max_rss_kib']:8d} KiB peak RSS, {r['wall_s']:6.2f} s")
print(f"  ratio nettool/fping peak RSS: {ours['max_rss_kib']/peer['max_rss_kib']:.2f} (target <= 1.0)")
PY

SECONDS_HPING=${SECONDS_HPING:-5}
echo "== sweep rate: -g 127.16.0.0/12 (1,048,574 targets) against hping3 --icmp --flood for ${SECONDS_HPING} s"
hping=$(timeout -s INT "$SECONDS_HPING" hping3 --icmp --flood -q 127.0.0.1 2>&1 | grep "packets transmitted" || true)
ours=$($MEASURE 1 nettool -- "$NETTOOL" -q ping -g 127.16.0.0/12)
big='{}'
if [ -n "${SWEEP_8:-}" ]; then
  big=$(timeout 600 $MEASURE 1 nettool -- "$NETTOOL" -q ping -g 127.0.0.0/8)
fi
python3 - "$SECONDS_HPING" "$hping" "$ours" "$big" <<'PY'
import json, sys
seconds, hping = float(sys.argv[1]), sys.argv[2]
ours, big = json.loads(sys.argv[3]), json.loads(sys.argv[4])
peer = int(hping.split()[0]) / seconds if hping else float("nan")
rate = 1048574 / ours["wall_s"]
print(f"  nettool  {rate:10.0f} targets/s  {ours['wall_s']:6.2f} s  {ours['max_rss_kib']:7d} KiB peak RSS")
print(f"  hping3   {peer:10.0f} echo requests/s")
print(f"  ratio nettool/hping3 rate: {rate/peer:.2f} (target >= 0.7)")
if big:
    print(f"  -g 127.0.0.0/8: {16777214/big['wall_s']:.0f} targets/s, {big['wall_s']:.1f} s,"
          f" {big['max_rss_kib']} KiB peak RSS (target <= 30720)")
PY
