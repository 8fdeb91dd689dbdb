#!/usr/bin/env bash
# nettool listen / connect against nc, ncat and socat, side by side in one run:
#   1. 2 GiB through the same shell pipes over 127.0.0.1: MiB/s and CPU time (target: at least
#      1.5x nc's throughput);
#   2. a room of 200 members, each sending 50 lines at once: lines delivered per second, against
#      ncat --broker;
#   3. listen -k taking short connections one after another: connections per second, against
#      nc -lk;
#   4. memory per idle connection with 1,000 clients (echo, room, concurrent), against
#      ncat --broker;
#   5. chat mode fed 1,000,000 lines from a pipe (`seq`) into an `nc -l` sink, against pipe mode
#      with the same lines: wall time (target: chat at most 10x pipe mode);
#   6. the same lines piped into the listening side of a room with one member, until the member
#      has them all: wall time, against ncat --broker.
# Run it inside a namespace with only loopback: ../shared/sandbox benches/tcp.sh
# (SKIP_PIPE=1, SKIP_ROOM=1, SKIP_CONNS=1, SKIP_IDLE=1, SKIP_CHAT=1, SKIP_ROOM_INPUT=1 leave a part
# out.)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need nc netcat-openbsd
need ncat
need socat
need ss iproute2
need python3
build_release
BYTES=${BYTES:-$((2 << 30))}
PIPE_RUNS=${PIPE_RUNS:-3}
MEMBERS=${MEMBERS:-200}
LINES=${LINES:-50}
ROOM_RUNS=${ROOM_RUNS:-5}
CONNS=${CONNS:-10000}
CONN_RUNS=${CONN_RUNS:-7}
IDLE_CLIENTS=${IDLE_CLIENTS:-1000}
IDLE_RUNS=${IDLE_RUNS:-5}
# Below the ephemeral range (32768-60999): the short connections leave thousands of clients in
# TIME_WAIT, and one of them on a later part's port made its server's bind fail.
PORT=${PORT:-27301}
[ "${SKIP_PIPE:-}" ] || python3 "$BENCH_DIR/tcp_measure.py" pipe "$BYTES" "$PIPE_RUNS" "$PORT" "$NETTOOL"
[ "${SKIP_ROOM:-}" ] || python3 "$BENCH_DIR/tcp_measure.py" room "$MEMBERS" "$LINES" "$ROOM_RUNS" "$((PORT + 1))" "$NETTOOL"
[ "${SKIP_CONNS:-}" ] || python3 "$BENCH_DIR/tcp_measure.py" conns "$CONNS" "$CONN_RUNS" "$((PORT + 2))" "$NETTOOL"
[ "${SKIP_IDLE:-}" ] || python3 "$BENCH_DIR/tcp_measure.py" idle "$IDLE_CLIENTS" "$IDLE_RUNS" "$((PORT + 3))" "$NETTOOL"
[ "${SKIP_CHAT:-}" ] || python3 "$BENCH_DIR/tcp_chat.py" chat "${CHAT_LINES:-1000000}" "${CHAT_RUNS:-5}" "$((PORT + 4))" "$NETTOOL"
[ "${SKIP_ROOM_INPUT:-}" ] || python3 "$BENCH_DIR/tcp_chat.py" room "${CHAT_LINES:-1000000}" "${CHAT_RUNS:-5}" "$((PORT + 5))" "$NETTOOL"
