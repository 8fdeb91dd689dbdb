#!/usr/bin/env bash
# nettool trace side by side with traceroute and mtr on a chain of namespaces
# (host -> r1 -> r2 -> r3 -> target, 10.250.k.0/24), in one run, printed as ratios.
# Run inside the sandbox (root, only loopback up):  ../shared/sandbox benches/trace.sh
#   1. one trace of the 4-hop chain, 3 probes per hop: nettool -q 3 against traceroute -n -q 3
#      and mtr -n -r -c 1 (targets: ratio <= 1.0), interleaved pairs against traceroute;
#   2. 32 traces at once (trace HOST x32) against one trace (target: ratio <= 2.0).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need traceroute
need mtr mtr-tiny
build_release
NS=ntbench$$
N=250
cleanup() { for n in h r1 r2 r3 t; do ip netns del "$NS$n" 2>/dev/null || true; done; }
trap cleanup EXIT
for n in h r1 r2 r3 t; do
  ip netns add "$NS$n"; ip -n "$NS$n" link set lo up
  ip netns exec "$NS$n" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_ratemask=0
done
ip link add h0 netns "${NS}h" type veth peer name up0 netns "${NS}r1"
ip -n "${NS}h" addr add 10.$N.1.2/24 dev h0; ip -n "${NS}r1" addr add 10.$N.1.1/24 dev up0
ip -n "${NS}h" link set h0 up; ip -n "${NS}r1" link set up0 up
prev=${NS}r1; i=2
for n in r2 r3 t; do
  ip link add down0 netns "$prev" type veth peer name up0 netns "$NS$n"
  ip -n "$prev" addr add 10.$N.$i.1/24 dev down0; ip -n "$NS$n" addr add 10.$N.$i.2/24 dev up0
  ip -n "$prev" link set down0 up; ip -n "$NS$n" link set up0 up
  prev=$NS$n; i=$((i + 1))
done
ip -n "${NS}h" route add default via 10.$N.1.1
for r in r1 r2 r3; do ip netns exec "$NS$r" sysctl -qw net.ipv4.ip_forward=1; done
ip -n "${NS}r1" route add 10.$N.3.0/24 via 10.$N.2.2
ip -n "${NS}r1" route add 10.$N.4.0/24 via 10.$N.2.2
ip -n "${NS}r2" route add 10.$N.4.0/24 via 10.$N.3.2
ip -n "${NS}r2" route add default via 10.$N.2.1
ip -n "${NS}r3" route add default via 10.$N.3.1
ip -n "${NS}t" route add default via 10.$N.4.1
TARGET=10.$N.4.2
IN="ip netns exec ${NS}h"
$IN "$NETTOOL" ping -c 1 "$TARGET" >/dev/null

# Interleaved back-to-back pairs (see interleave in lib.sh): a trace here lasts a few
# milliseconds, so a burst of load would otherwise decide the ratio. BEFORE=path adds a binary
# kept from before a change.
interleave "one trace of the 4-hop chain, 3 probes per hop, wall time" \
  "$IN $NETTOOL trace -n -q 3 $TARGET" \
  ${BEFORE:+"$IN $BEFORE trace -n -q 3 $TARGET"} \
  "$IN traceroute -n -q 3 $TARGET"
# mtr -r waits about a second per round whatever the path: a few runs tell.
RUNS=${MTR_RUNS:-3} compare "one trace against mtr -n -r -c 1" \
  "$IN $NETTOOL trace -n -q 3 $TARGET" \
  "$IN mtr -n -r -c 1 $TARGET"

MANY=$(for _ in $(seq 32); do printf '%s ' "$TARGET"; done)
interleave "32 traces at once against one (nettool trace HOST x32 / x1)" \
  "$IN $NETTOOL trace -n -q 3 $MANY" \
  "$IN $NETTOOL trace -n -q 3 $TARGET"
