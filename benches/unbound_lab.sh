# Unbound on loopback for the encrypted-DNS benches, sourced after lib.sh. `unbound_lab` moves
# into a fresh temporary folder (removed at exit, unbound killed), makes a throw-away CA and a
# certificate for dns.test and 127.0.0.1, writes NAMES names n<i>.bench.test (local-data,
# A 10.x.y.z) to ./names and the first KDIG_SAMPLE of them to ./sample, starts unbound serving
# them over UDP/TCP (UDP_PORT), TLS (TLS_PORT) and HTTPS (HTTPS_PORT; HTTP/2, /dns-query), and
# waits until it answers. `best CMD...` prints the best of RUNS times of CMD, in seconds.

need unbound
need openssl
need python3
need kdig knot-dnsutils

NAMES=${NAMES:-10000}
# kdig starts one process a name; its rate is measured over this many names.
KDIG_SAMPLE=${KDIG_SAMPLE:-500}
RUNS=${RUNS:-3}
TLS_PORT=${TLS_PORT:-18853}
UDP_PORT=${UDP_PORT:-18053}
HTTPS_PORT=${HTTPS_PORT:-18443}

work=$(mktemp -d)
unbound_pid=
cleanup() {
  [ -n "$unbound_pid" ] && kill "$unbound_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

unbound_lab() {
  local names=$NAMES tls=$TLS_PORT udp=$UDP_PORT https=$HTTPS_PORT
  cd "$work"
  local ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
  openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.pem -days 2 -subj "/CN=bench CA" 2>/dev/null
  openssl req "${ec[@]}" -keyout server.key -out server.csr -subj /CN=dns.test 2>/dev/null
  printf 'subjectAltName=DNS:dns.test,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem \
    -days 2 -extfile ext 2>/dev/null
  python3 - "$work" "$names" "$tls" "$udp" "$https" <<'PY'
import sys
work, count, tls, udp, https = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
with open(f"{work}/unbound.conf", "w") as conf, open(f"{work}/names", "w") as names:
    conf.write(f"""server:
  interface: 127.0.0.1@{tls}
  interface: 127.0.0.1@{udp}
  interface: 127.0.0.1@{https}
  tls-port: {tls}
  https-port: {https}
  http-endpoint: "/dns-query"
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
    kdig @127.0.0.1 -p "$tls" +tls +tls-ca=ca.pem +tls-hostname=dns.test +short +retry=0 \
      +time=1 n0.bench.test A 2>/dev/null | grep -q . && return 0
    sleep 0.1
  done
  echo "unbound did not start" >&2
  return 2
}

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

# How many of the names nettool resolved, asking as the arguments say (-f names, --json).
resolved_by() {
  "$NETTOOL" resolve -q --json "$@" --ca ca.pem -t A -f names \
    | python3 -c 'import json,sys; print([json.loads(l) for l in sys.stdin][-1]["resolved"])'
}
