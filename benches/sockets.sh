#!/usr/bin/env bash
# `nettool sockets` against `ss -tan` (and `ss -tanp`, which finds owners as nettool does) with
# 20,000 TIME_WAIT sockets on loopback, in one hyperfine run. Target: nettool at or below ss -tan.
# Run: ../shared/sandbox benches/sockets.sh
source "$(dirname "$0")/lib.sh"
need ss iproute2
need python3
build_release
COUNT=${COUNT:-20000}
# Connections on loopback that the client closes first: each leaves a TIME_WAIT on its side.
python3 - "$COUNT" <<'PY'
import socket, sys
count = int(sys.argv[1])
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 0))
server.listen(512)
port = server.getsockname()[1]
for _ in range(count):
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = server.accept()
    client.close()
    accepted.close()
PY
echo "TIME_WAIT sockets: $(ss -tanH state time-wait | wc -l)"
compare "sockets, $COUNT TIME_WAIT" "$NETTOOL sockets -t" "ss -tan" "ss -tanp"
