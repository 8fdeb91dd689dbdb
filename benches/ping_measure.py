#!/usr/bin/env python3
"""measure RUNS LABEL -- CMD...: run CMD RUNS times and print, as JSON, the median wall time,
the median CPU time (user + system, from getrusage of the child) and the largest peak RSS."""
import json, os, resource, statistics, subprocess, sys, time

runs, label = int(sys.argv[1]), sys.argv[2]
cmd = sys.argv[sys.argv.index("--") + 1:]
walls, cpus, rss = [], [], 0
for _ in range(runs):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    walls.append(time.perf_counter() - start)
    cpus.append(usage.ru_utime + usage.ru_stime)
    rss = max(rss, usage.ru_maxrss)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{label}: {' '.join(cmd)} exited {proc.returncode}")
print(json.dumps({"label": label, "wall_s": statistics.median(walls),
                  "cpu_s": statistics.median(cpus), "max_rss_kib": rss}))
