#!/usr/bin/env python3
"""Line-mode input from a pipe, for benches/tcp.sh.

chat LINES RUNS PORT NETTOOL: LINES lines (`seq LINES`) through `nettool connect --chat` into an
`nc -l` sink on 127.0.0.1, against the same lines through `nettool connect --pipe`. The two take
turns for RUNS rounds; the sink's byte count is checked, and the median wall times and their
ratio (chat/pipe) are printed.

room LINES RUNS PORT NETTOOL: the same lines piped into the listening side of a room with one
member, until the member has every line: `nettool listen --room` (which prefixes and escapes
each line) and `nettool listen --concurrent` (which relays the bytes) against `ncat -l --broker`.
They take turns for RUNS rounds; the median wall times and their ratios to ncat's are printed.
"""
import socket
import statistics
import subprocess
import sys
import threading
import time

from tcp_measure import LIMIT, end, listening, pipe_run, port_wait


def chat(lines, runs, port, nettool):
    want = len(subprocess.run(["seq", str(lines)], capture_output=True, check=True).stdout)
    modes = {mode: f"{nettool} -q connect --{mode} 127.0.0.1 {port}" for mode in ("chat", "pipe")}
    walls = {mode: [] for mode in modes}
    for _ in range(runs):
        for mode, client in modes.items():
            sink = f"nc -l 127.0.0.1 {port} < /dev/null"
            wall, got = pipe_run(0, port, sink, client, feed=f"seq {lines}")
            if got != want:
                sys.exit(f"--{mode}: the sink received {got} of {want} bytes")
            walls[mode].append(wall)
            port_wait(port)
    print(f"== chat mode from a pipe: {lines} lines into nc -l, median of {runs} runs")
    medians = {mode: statistics.median(w) for mode, w in walls.items()}
    for mode, wall in medians.items():
        print(f"  {wall:7.3f} s wall  nettool connect --{mode}")
    print(f"  ratio chat/pipe: {medians['chat'] / medians['pipe']:.1f} (goal: at most 10)")


def room_run(data, lines, port, server, joined):
    """One room fed DATA on its listening side: seconds until its one member has LINES lines.
    The feed starts once the server's stderr says that it took the member (`joined`)."""
    srv = subprocess.Popen(server, start_new_session=True, stdin=subprocess.PIPE,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        listening(port)
        member = socket.create_connection(("127.0.0.1", port), timeout=LIMIT)
        took = threading.Event()

        def watch():
            for line in srv.stderr:
                if joined in line:
                    took.set()
            took.set()
        threading.Thread(target=watch, daemon=True).start()
        if not took.wait(LIMIT):
            sys.exit(f"{server[0]}: never said {joined!r}")
        start = time.monotonic()
        feeder = threading.Thread(target=lambda: (srv.stdin.write(data), srv.stdin.flush()))
        feeder.start()
        seen = 0
        while seen < lines:
            chunk = member.recv(1 << 16)
            if not chunk:
                sys.exit(f"{server[0]}: the member got {seen} of {lines} lines")
            seen += chunk.count(b"\n")
        wall = time.monotonic() - start
        feeder.join()
        member.close()
        return wall
    finally:
        end(srv)


def room(lines, runs, port, nettool):
    data = subprocess.run(["seq", str(lines)], capture_output=True, check=True).stdout
    tools = [
        ("nettool listen --room",
         [nettool, "listen", "--room", "127.0.0.1", str(port)], b"connection from"),
        ("nettool listen --concurrent",
         [nettool, "listen", "--concurrent", "127.0.0.1", str(port)], b"connection from"),
        ("ncat -l --broker", ["ncat", "-v", "-l", "--broker", "127.0.0.1", str(port)],
         b"Connection from"),
    ]
    walls = {name: [] for name, _, _ in tools}
    for _ in range(runs):  # turns, so that a busy moment hits both
        for name, server, joined in tools:
            walls[name].append(room_run(data, lines, port, server, joined))
            port_wait(port)
    print(f"== the listening terminal of a room fed {lines} lines from a pipe, one member reading "
          f"them all, median of {runs} interleaved runs")
    medians = {name: statistics.median(w) for name, w in walls.items()}
    for name, wall in medians.items():
        print(f"  {wall:7.3f} s wall  {name}")
    theirs = walls["ncat -l --broker"]
    for name in ("nettool listen --room", "nettool listen --concurrent"):
        ratio = statistics.median(a / b for a, b in zip(walls[name], theirs))
        print(f"  ratio {name} / ncat wall time: {ratio:.2f}x (median of per-round ratios)")
    print("  (the room prefixes and escapes each line, ncat and --concurrent relay the bytes)")


def main():
    mode, lines, runs, port, nettool = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \
        int(sys.argv[4]), sys.argv[5]
    {"chat": chat, "room": room}[mode](lines, runs, port, nettool)


if __name__ == "__main__":
    main()
