#!/usr/bin/env python3
"""Chat mode fed from a pipe, for benches/tcp.sh: LINES lines (`seq LINES`) through
`nettool connect --chat` into an `nc -l` sink on 127.0.0.1, against the same lines through
`nettool connect --pipe`. The two take turns for RUNS rounds; the sink's byte count is checked,
and the median wall times and their ratio (chat/pipe) are printed.

usage: tcp_chat.py LINES RUNS PORT NETTOOL"""
import statistics
import subprocess
import sys

from tcp_measure import pipe_run, port_wait


def main():
    lines, runs, port, nettool = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
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


if __name__ == "__main__":
    main()
