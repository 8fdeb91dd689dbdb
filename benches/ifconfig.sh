#!/usr/bin/env bash
# Whole-process time of `nettool ifconfig --json` against `ip -j addr`, side by side in one
# hyperfine run, in a namespace holding loopback, a configured veth pair and an interface left
# down. Target: a ratio at or below 2. Run it inside the sandbox:
#   ../shared/sandbox benches/ifconfig.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need ip iproute2
build_release

ns=ntbench-ifconfig-$$
ip netns add "$ns"
trap 'ip netns del "$ns" 2>/dev/null' EXIT
peer=${ns}-p
ip netns add "$peer"
trap 'ip netns del "$ns" 2>/dev/null; ip netns del "$peer" 2>/dev/null' EXIT
inns() { ip netns exec "$ns" "$@"; }
inns ip link set lo up
ip link add a0 netns "$ns" type veth peer name b0 netns "$peer"
ip link add c0 netns "$ns" type veth peer name d0 netns "$peer"
inns ip addr add 10.77.0.1/24 brd + dev a0
inns ip -6 addr add fd77::1/64 dev a0 nodad
inns ip link set a0 up
ip netns exec "$peer" ip link set b0 up
inns ip route add default via 10.77.0.2

# hyperfine -N runs each command without a shell; enter the namespace once for all of them.
exec_in="ip netns exec $ns"
compare "nettool ifconfig --json vs ip -j addr (whole process)" \
  "$exec_in $NETTOOL ifconfig --json" \
  "$exec_in ip -j addr"
compare "nettool ifconfig -a --json vs ip -j addr (whole process)" \
  "$exec_in $NETTOOL ifconfig -a --json" \
  "$exec_in ip -j addr"
compare "nettool ifconfig --routes --json vs ip -j route (whole process)" \
  "$exec_in $NETTOOL ifconfig --routes --json" \
  "$exec_in ip -j route"
