#!/usr/bin/env bash
# 100,000 datagrams of 64 bytes over loopback, as fast as possible, against socat:
#  1. sender rate: nettool udp-send vs socat reading 64-byte blocks, into the same sink;
#  2. receiver: datagrams received without loss, by nettool udp-recv and by socat, from the
#     same sender at full speed.
# Target: nettool at least socat's figures. Run: ../shared/sandbox benches/udp.sh
source "$(dirname "$0")/lib.sh"
need socat
build_release
N=100000
data=$(mktemp); head -c $((N * 64)) /dev/urandom > "$data"
PORT=27001
socat -u UDP-RECV:$PORT,bind=127.0.0.1,rcvbuf=8388608 OPEN:/dev/null & sink=$!
sleep 0.3
compare "send $N x 64 B" \
  "$NETTOOL udp-send 127.0.0.1 $PORT -c $N --seq -s 64 -q" \
  "socat -u -b 64 OPEN:$data UDP-SENDTO:127.0.0.1:$PORT"
kill $sink; wait $sink 2>/dev/null || true

received_by() { # $1: receiver command prefix; prints datagrams received
  local out; out=$(mktemp)
  "$@" > "$out" & local pid=$!
  sleep 0.3
  socat -u -b 64 OPEN:"$data" UDP-SENDTO:127.0.0.1:$((PORT + 1))
  sleep 1.2; kill $pid 2>/dev/null; wait $pid 2>/dev/null || true
  cat "$out"; rm -f "$out"
}
ours=$(received_by "$NETTOOL" udp-recv 127.0.0.1 $((PORT + 1)) --stats --idle 1s --json -q \
  | python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["stats"]["unstamped"])')
theirs=$(received_by socat -u UDP-RECV:$((PORT + 1)),bind=127.0.0.1 STDOUT | wc -c)
theirs=$((theirs / 64))
echo "== receive $N x 64 B from socat's sender"
echo "  nettool udp-recv: $ours datagrams ($((ours * 100 / N))%)"
echo "  socat UDP-RECV:   $theirs datagrams ($((theirs * 100 / N))%)"
python3 -c "print(f'  ratio nettool/socat: {$ours/max($theirs,1):.2f}')"
rm -f "$data"
