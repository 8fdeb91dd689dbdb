# 2,000 clients against a server whose process may hold about 1,000 files: opens them all
# (those beyond the server's reach wait in its listen backlog), measures the server's CPU time
# over a window while it is paused, then closes the first 1,000 so that the others are served.
# Usage: python3 harden_flood.py PORT PID
# Prints: "cpu_ticks N" (utime+stime over 2 s, in clock ticks), "clk_tck N", "connected N".
import os, resource, socket, sys, time

port, pid = int(sys.argv[1]), int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))

def ticks():
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])

socks = []
for _ in range(2000):
    s = socket.socket()
    s.setblocking(False)
    s.connect_ex(("127.0.0.1", port))
    socks.append(s)

def count_connected():
    n = 0
    for s in socks:
        try:
            s.getpeername()
            n += 1
        except OSError:
            pass
    return n

# A SYN dropped while the queues were full is sent again after 1 s, 3 s, 7 s.
deadline = time.monotonic() + 20
connected = count_connected()
while connected < len(socks) and time.monotonic() < deadline:
    time.sleep(0.2)
    connected = count_connected()
t0 = ticks()
time.sleep(2)
t1 = ticks()
print("cpu_ticks", t1 - t0)
print("clk_tck", os.sysconf("SC_CLK_TCK"))
print("connected", connected, flush=True)
for s in socks[:1000]:
    s.close()
# The server accepts the waiting ones now; keep them open until told to stop.
sys.stdin.read()
