#!/usr/bin/env bash
# nettool resolve over DNS over TLS, against unbound on a loopback port serving 10,000 names
# (local-data) with a certificate from a throw-away CA:
#   1. nettool -f over TLS (one connection, queries pipelined) against kdig +tls run once a name
#      (a new connection and handshake each: the way a script without a bulk mode asks);
#   2. nettool -f over TLS against nettool -f over UDP, same server, same names.
# Run it inside a namespace with only loopback: ../shared/sandbox benches/resolve_dot.sh
# Targets: nettool over TLS at least 5x kdig's per-name rate, and at least half its own UDP rate.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need unbound
need kdig knot-dnsutils
need openssl
need python3

NAMES=${NAMES:-10000}
# kdig starts one process a name; its rate is measured over this many names.
KDIG_SAMPLE=${KDIG_SAMPLE:-500}
RUNS=${RUNS:-3}
TLS_PORT=${TLS_PORT:-18853}
UDP_PORT=${UDP_PORT:-18053}

build_release

work=$(mktemp -d)
unbound_pid=
cleanup() {
  [ -n "$unbound_pid" ] && kill "$unbound_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

cd "$work"
ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.pem -days 2 -subj "/CN=bench CA" 2>/dev/null
openssl req "${ec[@]}" -keyout server.key -out server.csr -subj /CN=dns.test 2>/dev/null
printf 'subjectAltName=DNS:dns.test,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem \
  -days 2 -extfile ext 2>/dev/null

python3 - "$work" "$NAMES" "$TLS_PORT" "$UDP_PORT" <<'PY'
import sys
work, count, tls, udp = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
with open(f"{work}/unbound.conf", "w") as conf, open(f"{work}/names", "w") as names:
    conf.write(f"""server:
  interface: 127.0.0.1@{tls}
  interface: 127.0.0.1@{udp}
  tls-port: {tls}
  port: {udp}
  tls-service-key: "{work}/server.key"
  tls-service-pem: "{work}/server.pem"
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "{work}"
  pidfile: ""
  use-syslog: no
  verbosity: 0
  module-config: "iterator"
  access-control: 127.0.0.0/8 allow
  num-threads: 1
  incoming-num-tcp: 100
  local-zone: "bench.test." static
""")
    for i in range(count):
        n = i + 1
        conf.write(f'  local-data: "n{i}.bench.test. 300 IN A 10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"\n')
        names.write(f"n{i}.bench.test\n")
    conf.write("remote-control:\n  control-enable: no\n")
PY
head -n "$KDIG_SAMPLE" names > sample

unbound -d -c "$work/unbound.conf" >/dev/null 2>&1 &
unbound_pid=$!
for _ in $(seq 100); do
  kdig @127.0.0.1 -p "$TLS_PORT" +tls +tls-ca=ca.pem +tls-hostname=dns.test +short +retry=0 \
    +time=1 n0.bench.test A 2>/dev/null | grep -q . && break
  sleep 0.1
done

# Check before timing: every name answers over TLS.
resolved=$("$NETTOOL" resolve -q --json "@tls://127.0.0.1:$TLS_PORT" --ca ca.pem -t A -f names \
  | python3 -c 'import json,sys; print([json.loads(l) for l in sys.stdin][-1]["resolved"])')
[ "$resolved" = "$NAMES" ] || { echo "nettool resolved $resolved of $NAMES names over TLS" >&2; exit 2; }

# Best of RUNS, in seconds, of a command.
best() {
  python3 - "$RUNS" "$@" <<'PY'
import subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
times = []
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    times.append(time.perf_counter() - t)
print(f"{min(times):.4f}")
PY
}

tls=$(best "$NETTOOL" resolve -q --short "@tls://127.0.0.1:$TLS_PORT" --ca ca.pem -t A -f names)
udp=$(best "$NETTOOL" resolve -q --short "@127.0.0.1:$UDP_PORT" -t A -f names)
kdig_time=$(RUNS=1 best sh -c "while read -r n; do kdig @127.0.0.1 -p $TLS_PORT +tls \
  +tls-ca=ca.pem +tls-hostname=dns.test +short +retry=0 +time=2 \"\$n\" A; done < sample")

python3 - "$NAMES" "$KDIG_SAMPLE" "$tls" "$udp" "$kdig_time" <<'PY'
import sys
names, sample = int(sys.argv[1]), int(sys.argv[2])
tls, udp, kdig = (float(x) for x in sys.argv[3:6])
r_tls, r_udp, r_kdig = names / tls, names / udp, sample / kdig
print(f"== DNS over TLS: {names} names against unbound (best of runs, whole process)")
print(f"  nettool -f over TLS : {tls:8.3f} s  {r_tls:9.0f} names/s")
print(f"  nettool -f over UDP : {udp:8.3f} s  {r_udp:9.0f} names/s")
print(f"  kdig +tls, once a name ({sample} names): {kdig:8.3f} s  {r_kdig:9.0f} names/s")
print(f"  ratio nettool TLS / kdig +tls per name: {r_tls / r_kdig:.1f}x (target >= 5)")
print(f"  ratio nettool TLS / nettool UDP       : {r_tls / r_udp:.2f} (target >= 0.5)")
PY
