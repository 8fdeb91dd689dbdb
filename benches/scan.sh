#!/usr/bin/env bash
# nettool scan against nmap, side by side in one run (root: raw sockets and namespaces):
#   1. all 65,535 TCP ports of 127.0.0.1 with 20 listeners: connect scan vs nmap -sT -p- -T5,
#      then SYN scan vs nmap -sS -p- -T5 (targets: 0.5x nmap's time), same open set;
#   2. 256 hosts x 1,000 ports in a namespace lab (a target namespace that answers for a whole
#      /24 through a local route): connect and SYN scans vs nmap -sT / -sS -T5 (target: at most
#      nmap's time), same open set, and the peak RSS of each.
# Run it inside a namespace with only loopback: ../shared/sandbox benches/scan.sh
# (SKIP_BUILD=1 NETTOOL=path uses a binary already built; RUNS and LAB_RUNS set the repeats.)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need nmap
need python3
need ip iproute2
[ "${SKIP_BUILD:-}" ] || build_release
RUNS=${RUNS:-5}
LAB_RUNS=${LAB_RUNS:-3}

serve() { # serve NETNS_EXEC_PREFIX ADDRESS PORTS... : listeners until stdin closes; prints ready
  local prefix=$1 addr=$2; shift 2
  $prefix python3 -c '
import select, socket, sys
addr, ports = sys.argv[1], [int(p) for p in sys.argv[2:]]
held = []
for p in ports:
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, p)); s.listen(4096); held.append(s)
print("ready", flush=True)
# Accept and close every connection, so that no accept queue fills up over many runs; end
# when stdin closes.
while True:
    ready, _, _ = select.select(held + [sys.stdin], [], [], 60)
    for s in ready:
        if s is sys.stdin:
            if not sys.stdin.read(1):
                sys.exit(0)
        else:
            s.accept()[0].close()
' "$addr" "$@"
}

open_set() { # the sorted open ports (HOST PORT lines) that a command prints (exit 1: none)
  { "$@" || true; } | sort -u
}

nmap_open() { # nmap's open ports as HOST PORT lines, from its grepable output
  "$@" -oG - | python3 -c '
import sys
for line in sys.stdin:
    if "Ports: " not in line:
        continue
    host = line.split()[1]
    for item in line.split("Ports: ")[1].split("\t")[0].split(", "):
        f = item.split("/")
        if f[1] == "open":
            print(host, f[0])
' | sort -u
}

same() { # same TITLE FILE_A FILE_B
  if cmp -s "$2" "$3"; then
    echo "  same open set ($1): yes, $(wc -l <"$2") ports"
  else
    echo "  same open set ($1): NO"; diff "$2" "$3" | head -5
  fi
}

work=$(mktemp -d)
cleanup() {
  exec 3>&- 4>&- 2>/dev/null || true
  ip netns del "${SC:-none}" 2>/dev/null || true
  ip netns del "${TG:-none}" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# 1. Loopback: 20 listeners on ports spread over the range.
PORTS=$(python3 -c 'print(" ".join(str(22 + i * 3271) for i in range(20)))')
exec 3> >(serve "" 127.0.0.1 $PORTS >"$work/ready1")
for _ in $(seq 50); do [ -s "$work/ready1" ] && break; sleep 0.1; done

open_set "$NETTOOL" scan 127.0.0.1 -p- -o open >"$work/ours"
nmap_open nmap -n -Pn -sT -p- -T5 127.0.0.1 >"$work/theirs"
same "connect, 127.0.0.1 -p-" "$work/ours" "$work/theirs"
RUNS=$RUNS compare "65,535 ports of 127.0.0.1, TCP connect" \
  "$NETTOOL scan 127.0.0.1 -p- -o open" \
  "nmap -n -Pn -sT -p- -T5 127.0.0.1"

open_set "$NETTOOL" scan --syn 127.0.0.1 -p- -o open >"$work/ours"
nmap_open nmap -n -Pn -sS -p- -T5 127.0.0.1 >"$work/theirs"
same "SYN, 127.0.0.1 -p-" "$work/ours" "$work/theirs"
RUNS=$RUNS compare "65,535 ports of 127.0.0.1, TCP SYN" \
  "$NETTOOL scan --syn 127.0.0.1 -p- -o open" \
  "nmap -n -Pn -sS -p- -T5 127.0.0.1"
exec 3>&-

# 2. A lab of 256 hosts: the target namespace answers for 10.97.5.0/24 through a local route.
SC=ntbench-scan-$$; TG=ntbench-target-$$
ip netns add "$SC"; ip netns add "$TG"
ip link add sa netns "$SC" type veth peer name ta netns "$TG"
for ns in "$SC" "$TG"; do ip -n "$ns" link set lo up; done
ip -n "$SC" link set sa up; ip -n "$TG" link set ta up
ip -n "$SC" addr add 10.97.0.1/24 dev sa
ip -n "$TG" addr add 10.97.0.2/24 dev ta
ip -n "$SC" route add 10.97.5.0/24 via 10.97.0.2
ip -n "$TG" route add local 10.97.5.0/24 dev lo
exec 4> >(serve "ip netns exec $TG" 0.0.0.0 21 22 25 80 110 143 443 587 993 995 >"$work/ready2")
for _ in $(seq 50); do [ -s "$work/ready2" ] && break; sleep 0.1; done
IN="ip netns exec $SC"
# nmap takes the /24 with its network and broadcast addresses; nettool takes a CIDR without
# them (as ping -g and fping), so it is given the same 256 addresses as a range.
HOSTS=10.97.5.0-10.97.5.255

for method in connect syn; do
  flag=""; nflag=-sT
  [ "$method" = syn ] && { flag=--syn; nflag=-sS; }
  open_set $IN "$NETTOOL" scan $flag $HOSTS -p 1-1000 -o open >"$work/ours"
  nmap_open $IN nmap -n -Pn $nflag -p 1-1000 -T5 10.97.5.0/24 >"$work/theirs"
  same "$method, 256 hosts x 1,000 ports" "$work/ours" "$work/theirs"
  ours_kb=$( { /usr/bin/time -f %M $IN "$NETTOOL" scan $flag $HOSTS -p 1-1000 -o open >/dev/null; } 2>&1 | tail -1)
  theirs_kb=$( { /usr/bin/time -f %M $IN nmap -n -Pn $nflag -p 1-1000 -T5 10.97.5.0/24 >/dev/null; } 2>&1 | tail -1)
  echo "  peak RSS ($method): nettool ${ours_kb} KB, nmap ${theirs_kb} KB"
  # hyperfine itself runs in the scanner's namespace, so the commands are the tools alone.
  $IN env RUNS="$LAB_RUNS" NETTOOL="$NETTOOL" bash -c "source '$BENCH_DIR/lib.sh'; compare \
    '256 hosts x 1,000 ports in a namespace lab, $method' \
    '$NETTOOL scan $flag $HOSTS -p 1-1000 -o open' \
    'nmap -n -Pn $nflag -p 1-1000 -T5 10.97.5.0/24'"
done
