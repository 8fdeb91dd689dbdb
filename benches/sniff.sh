#!/usr/bin/env bash
# `nettool sniff -w` and `tcpdump -w` capture the same 200,000-datagram UDP burst on loopback at
# the same time; each reports how many packets it captured and how many the kernel dropped.
# Target: nettool captures at least as many as tcpdump. Run: ../shared/sandbox benches/sniff.sh
source "$(dirname "$0")/lib.sh"
need tcpdump
need python3
build_release
COUNT=${COUNT:-200000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$NETTOOL" sniff lo -w "$dir/nettool.pcap" 2>"$dir/nettool.err" &
ours=$!
tcpdump -i lo -w "$dir/tcpdump.pcap" 2>"$dir/tcpdump.err" &
theirs=$!
sleep 1
python3 - "$COUNT" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
payload = b"x" * 64
for _ in range(int(sys.argv[1])):
    s.sendto(payload, ("127.0.0.1", 9))
PY
sleep 1
kill -INT "$ours" "$theirs"
wait "$ours" "$theirs" || true
echo "== sniff -w vs tcpdump -w, $COUNT UDP datagrams on lo"
echo "  nettool: $(grep -o '[0-9]* packets captured.*' "$dir/nettool.err")"
echo "  tcpdump: $(tr '\n' ' ' < "$dir/tcpdump.err" | grep -o '[0-9]* packets captured.*')"
echo "  in the files: nettool $(tcpdump -r "$dir/nettool.pcap" 2>/dev/null | wc -l), tcpdump $(tcpdump -r "$dir/tcpdump.pcap" 2>/dev/null | wc -l)"
