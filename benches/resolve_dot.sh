#!/usr/bin/env bash
# nettool resolve over DNS over TLS, against unbound on a loopback port serving 10,000 names
# (local-data) with a certificate from a throw-away CA:
#   1. nettool -f over TLS (one connection, queries pipelined) against kdig +tls run once a name
#      (a new connection and handshake each: the way a script without a bulk mode asks);
#   2. nettool -f over TLS against nettool -f over UDP, same server, same names.
# Run it inside a namespace with only loopback: ../shared/sandbox benches/resolve_dot.sh
# Targets: nettool over TLS at least 5x kdig's per-name rate, and at least half its own UDP rate.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/unbound_lab.sh"

build_release
unbound_lab

# Check before timing: every name answers over TLS.
resolved=$(resolved_by "@tls://127.0.0.1:$TLS_PORT")
[ "$resolved" = "$NAMES" ] || { echo "nettool resolved $resolved of $NAMES names over TLS" >&2; exit 2; }

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
