#!/usr/bin/env python3
"""TCP measurements for benches/tcp.sh, every peer side by side in one run.

pipe BYTES RUNS PORT NETTOOL
    BYTES of zeros through the same shell pipes (head -c BYTES /dev/zero | CLIENT, SERVER | wc -c)
    over 127.0.0.1, for nettool listen/connect, nc, ncat and socat: the byte count received is
    checked, and the median wall time, MiB/s and CPU time (user + system of everything both
    shells ran, from wait4) are printed, then nettool's ratios.

room MEMBERS LINES RUNS PORT NETTOOL
    MEMBERS clients join nettool listen --room, and ncat --broker; each sends LINES lines at
    once; the time until every member has every other member's lines gives the deliveries per
    second (MEMBERS x (MEMBERS - 1) x LINES deliveries a run). The two servers take turns, RUNS
    rounds; the medians and the median of the per-round ratios are printed.

conns CONNECTIONS RUNS PORT NETTOOL
    nettool listen -k and nc -lk (both quiet, stdin at its end, stdout a pipe read here) take
    CONNECTIONS short connections one after another from one client that connects, sends a
    line and closes, as fast as the server lets it; the time until every line has come out of
    the server's stdout gives the connections per second, and wait4 the server's CPU time and
    context switches. The two servers take turns, RUNS rounds; the medians and the median of the
    per-round ratios are printed (on a loaded machine the rate moves with the load; the CPU
    time per connection much less).

idle CLIENTS RUNS PORT NETTOOL
    Memory per idle connection: CLIENTS clients connect and send nothing; the server's RSS
    with them, less its RSS with none, over CLIENTS, for nettool listen --echo, --room and
    --concurrent against ncat --broker, taking turns, RUNS rounds; medians and ratios.

Everything talks over 127.0.0.1; every wait is bounded; only processes started here are ended."""
import os
import resource
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import time

LIMIT = 120.0  # seconds for any one run
WINDOW = 2  # connections under way at once in `conns`


def listening(port):
    """Wait until something listens on 127.0.0.1:port (read from ss, so no connection is used)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        out = subprocess.run(["ss", "-Hltn", f"sport = :{port}"], capture_output=True, text=True)
        if out.stdout.strip():
            return
        time.sleep(0.02)
    sys.exit(f"nothing listened on port {port}")


def end(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


def shell(command):
    return subprocess.Popen(["sh", "-c", command], start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)


def pipe_run(size, port, server, client, feed=None):
    """One transfer of SIZE zeros (or what the command FEED writes); (wall seconds, bytes
    received). Both shells are reaped here, so their CPU time (and that of what they ran) shows
    in os.times()'s children fields."""
    srv = shell(f"{server} | wc -c")
    cli = None
    try:
        listening(port)
        start = time.monotonic()
        cli = shell(f"{feed or f'head -c {size} /dev/zero'} | {client}")
        cli.wait(timeout=LIMIT)
        out, _ = srv.communicate(timeout=LIMIT)
        wall = time.monotonic() - start
    finally:
        end(srv)
        if cli is not None:
            end(cli)
    return wall, int(out.split()[0])


def pipe(size, runs, port, nettool):
    tools = [
        ("nettool", f"{nettool} -q listen 127.0.0.1 {port} < /dev/null",
         f"{nettool} -q connect 127.0.0.1 {port}"),
        ("nc", f"nc -l 127.0.0.1 {port} < /dev/null", f"nc -N 127.0.0.1 {port}"),
        ("ncat", f"ncat --recv-only -l 127.0.0.1 {port}", f"ncat --send-only 127.0.0.1 {port}"),
        ("socat", f"socat -u TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr STDOUT",
         f"socat -u STDIN TCP:127.0.0.1:{port}"),
    ]
    results = {}
    for _ in range(runs):  # the tools take turns, so a slow moment hits all of them
        for name, server, client in tools:
            before = os.times()
            wall, got = pipe_run(size, port, server, client)
            after = os.times()
            if got != size:
                sys.exit(f"{name}: received {got} of {size} bytes")
            # Both shells and everything they ran: the children's user + system time.
            cpu = (after.children_user - before.children_user) + \
                  (after.children_system - before.children_system)
            results.setdefault(name, []).append((wall, cpu))
            port_wait(port)
    mib = size / (1 << 20)
    print(f"== pipe: {mib:.0f} MiB over 127.0.0.1 through shell pipes, median of {runs} runs")
    medians = {}
    for name, runs_of in results.items():
        wall = statistics.median(w for w, _ in runs_of)
        cpu = statistics.median(c for _, c in runs_of)
        medians[name] = (wall, cpu)
        print(f"  {name:8} {mib / wall:8.0f} MiB/s  {wall:7.3f} s wall  {cpu:7.3f} s CPU"
              " (both ends, head and wc included)")
    ours = medians["nettool"]
    for name, (wall, cpu) in medians.items():
        if name != "nettool":
            print(f"  ratio nettool/{name} throughput: {wall / ours[0]:.2f}   CPU: {ours[1] / cpu:.2f}")


def port_wait(port):
    """Let the port leave the listening state before the next server binds it."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        out = subprocess.run(["ss", "-Hltn", f"sport = :{port}"], capture_output=True, text=True)
        if not out.stdout.strip():
            return
        time.sleep(0.02)


def room_run(members, lines, port, server):
    srv = subprocess.Popen(server, start_new_session=True, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    socks = []
    try:
        listening(port)
        for _ in range(members):
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.setblocking(False)
            socks.append(s)
        time.sleep(1.0)  # every join announced and read below as noise
        sel = selectors.DefaultSelector()
        got = {}
        for i, s in enumerate(socks):
            sel.register(s, selectors.EVENT_READ, i)
            got[i] = 0
        drain(sel, got, 0.3)
        for i in got:
            got[i] = 0
        want = (members - 1) * lines
        start = time.monotonic()
        for i, s in enumerate(socks):
            s.sendall(b"".join(b"MSG %d %d\n" % (i, j) for j in range(lines)))
        done = drain(sel, got, LIMIT, want)
        elapsed = time.monotonic() - start
        if not done:
            short = sum(1 for v in got.values() if v < want)
            sys.exit(f"{server[0]}: {short} members did not get all {want} lines")
        return members * want / elapsed
    finally:
        for s in socks:
            s.close()
        end(srv)


def drain(sel, got, seconds, want=None):
    """Read every member; count the MSG lines each received. With `want`: until all have it."""
    deadline = time.monotonic() + seconds
    tail = {i: b"" for i in got}
    while time.monotonic() < deadline:
        if want is not None and all(v >= want for v in got.values()):
            return True
        for key, _ in sel.select(timeout=0.05):
            try:
                data = key.fileobj.recv(1 << 20)
            except BlockingIOError:
                continue
            if not data:
                sel.unregister(key.fileobj)
                continue
            i = key.data
            text = tail[i] + data
            cut = text.rfind(b"\n") + 1
            got[i] += text[:cut].count(b"MSG ")
            tail[i] = text[cut:]
    return want is not None and all(v >= want for v in got.values())


def room(members, lines, runs, port, nettool):
    tools = [
        ("nettool listen --room", [nettool, "-q", "listen", "127.0.0.1", str(port), "--room"]),
        ("ncat --broker", ["ncat", "--broker", "--max-conns", str(members + 10), "-l",
                           "127.0.0.1", str(port)]),
    ]
    rates = {name: [] for name, _ in tools}
    for _ in range(runs):  # turns, so that a busy moment hits both
        for name, server in tools:
            rates[name].append(room_run(members, lines, port, server))
            port_wait(port)
    print(f"== room fan-out: {members} members each sending {lines} lines at once, "
          f"{members * (members - 1) * lines} deliveries a run, median of {runs} interleaved "
          f"runs; {load()}")
    for name, r in rates.items():
        print(f"  {name:22} {statistics.median(r):10.0f} lines delivered/s")
    ratio = statistics.median(a / b for a, b in zip(rates["nettool listen --room"],
                                                    rates["ncat --broker"]))
    print(f"  ratio nettool/ncat --broker deliveries per second: {ratio:.2f} "
          "(median of per-round ratios; goal at least 1.0)")


def load():
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def end_measured(proc):
    """End `proc` (SIGTERM to its group) and reap it; its CPU seconds (user + system, every
    thread) and its context switches (voluntary + involuntary), from wait4."""
    if proc.poll() is not None:
        sys.exit("the server ended before it was measured")
    os.killpg(proc.pid, signal.SIGTERM)
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    return usage.ru_utime + usage.ru_stime, usage.ru_nvcsw + usage.ru_nivcsw


def conns_run(count, port, server):
    """One server taking `count` connections in turn: (connections per second, its CPU seconds
    and context switches per connection)."""
    srv = subprocess.Popen(server, start_new_session=True, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        listening(port)
        line = b"x" * 15 + b"\n"
        got, sent = 0, 0
        start = time.monotonic()
        deadline = start + LIMIT
        sel = selectors.DefaultSelector()
        sel.register(srv.stdout, selectors.EVENT_READ)
        out = srv.stdout.fileno()
        # At most WINDOW connections whose line has not come out yet: the next one waits in
        # the listen backlog while the server handles the current one (nc listens with a
        # backlog of 1, which holds two), and no connection is ever dropped for a full queue.
        while got < count * len(line):
            if time.monotonic() > deadline:
                sys.exit(f"{server[0]}: {got // len(line)} of {count} lines after {LIMIT} s")
            if sent < count and sent - got // len(line) < WINDOW:
                # Each connection from its own loopback source address, 127.1.0.1 upwards: the
                # client's ends stay in TIME_WAIT for a minute, and from one address a run or
                # two use up the ephemeral ports, after which the client's search for a free
                # port, not the server, sets the rate (both servers then measured ~1.0x).
                source = f"127.1.{sent // 250 % 250}.{sent % 250 + 1}"
                s = socket.create_connection(("127.0.0.1", port), timeout=10,
                                             source_address=(source, 0))
                s.sendall(line)
                s.close()
                sent += 1
                continue
            for _ in sel.select(timeout=1.0):
                data = os.read(out, 1 << 16)
                if not data:
                    sys.exit(f"{server[0]}: ended after {got} bytes")
                got += len(data)
        rate = count / (time.monotonic() - start)
        cpu, switches = end_measured(srv)
        return rate, cpu / count, switches / count
    finally:
        end(srv)


def conns(count, runs, port, nettool):
    tools = [
        ("nettool listen -k", [nettool, "-q", "listen", "-k", "127.0.0.1", str(port)]),
        ("nc -lk", ["nc", "-lk", "127.0.0.1", str(port)]),
    ]
    runs_of = {name: [] for name, _ in tools}
    for _ in range(runs):  # turns, so that a busy moment hits both
        for name, server in tools:
            runs_of[name].append(conns_run(count, port, server))
            port_wait(port)
    print(f"== listen -k: {count} short connections one after another (connect, a line, close), "
          f"median of {runs} interleaved runs; {load()}")
    for name, r in runs_of.items():
        rate = statistics.median(x[0] for x in r)
        cpu = statistics.median(x[1] for x in r) * 1e6
        switches = statistics.median(x[2] for x in r)
        print(f"  {name:20} {rate:8.0f} connections/s  {cpu:6.1f} us CPU and {switches:5.2f} "
              "context switches per connection (the server's)")
    ours, theirs = runs_of["nettool listen -k"], runs_of["nc -lk"]
    ratio = statistics.median(a[0] / b[0] for a, b in zip(ours, theirs))
    cpu = statistics.median(x[1] for x in ours) / statistics.median(x[1] for x in theirs)
    print(f"  ratio nettool listen -k / nc -lk connections per second: {ratio:.2f}x "
          f"(median of per-round ratios; goal >= 1.0x); CPU per connection: {cpu:.2f}x")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    sys.exit(f"no VmRSS for {pid}")


def settled_rss(pid):
    """RSS once it has stopped moving (the server has finished greeting its clients)."""
    last, deadline = rss_kib(pid), time.monotonic() + 10
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = rss_kib(pid)
        if now == last:
            return now
        last = now
    return last


def established(port):
    out = subprocess.run(["ss", "-Htn", "state", "established", f"sport = :{port}"],
                         capture_output=True, text=True)
    return len(out.stdout.splitlines())


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def idle_run(clients, port, server):
    """Bytes of RSS per idle connection for one server."""
    srv = subprocess.Popen(server, start_new_session=True, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           preexec_fn=raise_fd_limit)
    socks = []
    try:
        listening(port)
        time.sleep(0.2)
        before = settled_rss(srv.pid)
        for _ in range(clients):
            socks.append(socket.create_connection(("127.0.0.1", port), timeout=10))
        deadline = time.monotonic() + 20
        while established(port) < clients:
            if time.monotonic() > deadline:
                sys.exit(f"{server[0]}: {established(port)} of {clients} clients accepted")
            time.sleep(0.05)
        # Read what the server greeted the clients with (room notices), as live clients would.
        for s in socks:
            s.setblocking(False)
        for _ in range(3):
            time.sleep(0.2)
            for s in socks:
                try:
                    while s.recv(1 << 16):
                        pass
                except BlockingIOError:
                    pass
        after = settled_rss(srv.pid)
        if srv.poll() is not None:
            sys.exit(f"{server[0]}: ended while measured")
        return (after - before) * 1024 / clients
    finally:
        for s in socks:
            s.close()
        end(srv)


def idle(clients, runs, port, nettool):
    raise_fd_limit()
    ours = [
        ("nettool listen --echo", [nettool, "-q", "listen", "--echo", "127.0.0.1", str(port)]),
        ("nettool listen --room", [nettool, "-q", "listen", "--room", "127.0.0.1", str(port)]),
        ("nettool listen --concurrent",
         [nettool, "-q", "listen", "--concurrent", "127.0.0.1", str(port)]),
    ]
    peer = ("ncat --broker", ["ncat", "--broker", "--max-conns", str(clients + 10), "-l",
                              "127.0.0.1", str(port)])
    tools = ours + [peer]
    per = {name: [] for name, _ in tools}
    for _ in range(runs):
        for name, server in tools:
            per[name].append(idle_run(clients, port, server))
            port_wait(port)
    print(f"== memory per idle connection: (RSS with {clients} idle clients - RSS with none) / "
          f"{clients}, median of {runs} interleaved runs; {load()}")
    for name, r in per.items():
        print(f"  {name:28} {statistics.median(r) / 1024:7.2f} KiB")
    theirs = statistics.median(per[peer[0]])
    for name, _ in ours:
        print(f"  ratio {name}/ncat --broker: {statistics.median(per[name]) / theirs:.1f} "
              f"({statistics.median(per[name]) / 1024:.2f} KiB; goal at most 2 KiB)")


if __name__ == "__main__":
    if sys.argv[1] == "pipe":
        pipe(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    elif sys.argv[1] == "conns":
        conns(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    elif sys.argv[1] == "idle":
        idle(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    else:
        room(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
