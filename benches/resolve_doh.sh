#!/usr/bin/env bash
# nettool resolve over DNS over HTTPS, against unbound on a loopback port serving 10,000 names
# (local-data) over HTTP/2 with a certificate from a throw-away CA:
#   1. nettool -f over HTTPS (one connection, each query an HTTP/2 stream) against kdig +https
#      run once a name (a new connection, TLS and HTTP/2 handshake each: the way a script
#      without a bulk mode asks);
#   2. nettool -f over HTTPS against nettool -f over TLS and over UDP, same server, same names.
# Run it inside a namespace with only loopback: ../shared/sandbox benches/resolve_doh.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/unbound_lab.sh"

build_release
unbound_lab

at="@https://127.0.0.1:$HTTPS_PORT/dns-query"
# Check before timing: every name answers over HTTPS.
resolved=$(resolved_by "$at")
[ "$resolved" = "$NAMES" ] || { echo "nettool resolved $resolved of $NAMES names over HTTPS" >&2; exit 2; }

https=$(best "$NETTOOL" resolve -q --short "$at" --ca ca.pem -t A -f names)
tls=$(best "$NETTOOL" resolve -q --short "@tls://127.0.0.1:$TLS_PORT" --ca ca.pem -t A -f names)
udp=$(best "$NETTOOL" resolve -q --short "@127.0.0.1:$UDP_PORT" -t A -f names)
kdig_time=$(RUNS=1 best sh -c "while read -r n; do kdig @127.0.0.1 -p $HTTPS_PORT +https \
  +tls-ca=ca.pem +tls-hostname=dns.test +short +retry=0 +time=2 \"\$n\" A; done < sample")

python3 - "$NAMES" "$KDIG_SAMPLE" "$https" "$tls" "$udp" "$kdig_time" <<'PY'
import sys
names, sample = int(sys.argv[1]), int(sys.argv[2])
https, tls, udp, kdig = (float(x) for x in sys.argv[3:7])
r_https, r_tls, r_udp, r_kdig = names / https, names / tls, names / udp, sample / kdig
print(f"== DNS over HTTPS: {names} names against unbound (best of runs, whole process)")
print(f"  nettool -f over HTTPS: {https:8.3f} s  {r_https:9.0f} names/s")
print(f"  nettool -f over TLS  : {tls:8.3f} s  {r_tls:9.0f} names/s")
print(f"  nettool -f over UDP  : {udp:8.3f} s  {r_udp:9.0f} names/s")
print(f"  kdig +https, once a name ({sample} names): {kdig:8.3f} s  {r_kdig:9.0f} names/s")
print(f"  ratio nettool HTTPS / kdig +https per name: {r_https / r_kdig:.1f}x")
print(f"  ratio nettool HTTPS / nettool TLS         : {r_https / r_tls:.2f}")
print(f"  ratio nettool HTTPS / nettool UDP         : {r_https / r_udp:.2f}")
PY
