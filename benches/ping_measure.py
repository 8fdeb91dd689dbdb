#!/usr/bin/env python3
"""measure RUNS LABEL -- CMD...: run CMD RUNS times and print, as JSON, the median wall time,
the median CPU time (user + system, from getrusage of the child) and the largest peak RSS.

The peak RSS is the child's VmHWM from /proc, read every 10 ms by a thread once the child has exec'd:
getrusage's ru_maxrss cannot serve, because Linux carries the RSS of the forking process (this
Python, about 14 MiB) into the child's maximum across exec."""
import json, os, statistics, subprocess, sys, threading, time

PYTHON = os.path.realpath(sys.executable)


def hwm_kib(pid):
    """The child's peak RSS so far, or 0 while it is still this Python before exec."""
    try:
        if os.path.realpath(f"/proc/{pid}/exe") == PYTHON:
            return 0
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


runs, label = int(sys.argv[1]), sys.argv[2]
cmd = sys.argv[sys.argv.index("--") + 1:]
walls, cpus, rss = [], [], 0
for _ in range(runs):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done = threading.Event()
    peaks = [0]

    def watch(pid=proc.pid):
        while not done.wait(0.01):
            peaks[0] = max(peaks[0], hwm_kib(pid))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    _, status, usage = os.wait4(proc.pid, 0)
    done.set()
    watcher.join()
    rss = max(rss, peaks[0])
    walls.append(time.perf_counter() - start)
    cpus.append(usage.ru_utime + usage.ru_stime)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{label}: {' '.join(cmd)} exited {proc.returncode}")
print(json.dumps({"label": label, "wall_s": statistics.median(walls),
                  "cpu_s": statistics.median(cpus), "max_rss_kib": rss}))
