#!/usr/bin/python3
"""make bench, the debugger's part: vmcore's gdbstub against Debian's
gdbserver on the host, on the same program (testcases/gdb/gdbbench):
connect, break at main and continue to the end; 10,000 stepi; reading
16 MiB of the program's memory.  Times are taken inside gdb (its Python),
best of three runs; the ratio is vmcore / gdbserver, target at most 2.
Never fails on slowness."""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
PROG = os.path.join(REPO, "build", "testcases", "gdb", "gdbbench")
LINUX = os.path.join(REPO, "linux")
GDB, GDBSERVER = "/usr/bin/gdb", "/usr/bin/gdbserver"

# The gdb script: each figure printed as "BENCH name seconds".
SCRIPT = r"""
set confirm off
set pagination off
python
import time
t0 = time.time()
end
target remote {target}
break main
continue
python print("BENCH break_main %f" % (time.time() - t0))
python
import time
addr = int(gdb.parse_and_eval("(long)&big"))
t = time.time()
gdb.selected_inferior().read_memory(addr, 16 << 20)
print("BENCH read_16MiB %f" % (time.time() - t))
end
break loop
continue
python
import time
t = time.time()
gdb.execute("stepi 10000", to_string=True)
print("BENCH stepi_10000 %f" % (time.time() - t))
end
delete
python
import time
t = time.time()
end
kill
"""

SCRIPT_RUN = r"""
set confirm off
set pagination off
python
import time
t0 = time.time()
end
target remote {target}
break main
continue
continue
python print("BENCH connect_break_continue %f" % (time.time() - t0))
"""


def run_gdb(script, target, server):
    """gdb on SCRIPT against a started server; the figures."""
    with tempfile.NamedTemporaryFile("w", suffix=".gdb", delete=False) as f:
        f.write(script.format(target=target))
        path = f.name
    try:
        r = subprocess.run([GDB, "-nx", "-q", "-batch", "-ex", "file " + PROG, "-x", path],
                           capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
                           env=dict(os.environ, LC_ALL="C", DEBUGINFOD_URLS=""))
    finally:
        os.unlink(path)
        try:
            os.killpg(server.pid, signal.SIGKILL)
        except OSError:
            pass
        server.wait()
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"^BENCH (\w+) ([0-9.]+)$", r.stdout, re.M)}


def wait_port(errfile, pattern, p):
    end = time.monotonic() + 10
    while time.monotonic() < end:
        m = re.search(pattern, open(errfile).read())
        if m:
            return int(m.group(1))
        if p.poll() is not None:
            return None
        time.sleep(0.01)
    return None


def start_gdbserver(args, tmp):
    err = os.path.join(tmp, "gdbserver.err")
    with open(err, "w") as e:
        p = subprocess.Popen([GDBSERVER, "--once", "127.0.0.1:0", PROG] + args, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=e, start_new_session=True)
    port = wait_port(err, r"Listening on port (\d+)", p)
    return p, "127.0.0.1:%s" % port


def start_vmcore(args, tmp):
    root = os.path.join(tmp, "root")
    os.makedirs(root, exist_ok=True)
    shutil.copy2(PROG, os.path.join(root, "gdbbench"))
    err = os.path.join(tmp, "linux.err")
    with open(err, "w") as e:
        p = subprocess.Popen([LINUX, "quiet", "gdb=tcp:127.0.0.1:0", "gdbwait", "root=" + root,
                              "rootfstype=hostfs", "init=/gdbbench", "--"] + args,
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=e,
                             start_new_session=True)
    port = wait_port(err, r"gdbstub: listening on 127\.0\.0\.1:(\d+)", p)
    return p, "127.0.0.1:%s" % port


def measure(start):
    best = {}
    for _ in range(3):
        for script, args in ((SCRIPT_RUN, []), (SCRIPT, ["loop"])):
            with tempfile.TemporaryDirectory() as tmp:
                p, target = start(args, tmp)
                for k, v in run_gdb(script, target, p).items():
                    best[k] = min(best.get(k, v), v)
    return best


def main():
    if not (os.path.exists(GDBSERVER) and os.path.exists(GDB) and os.path.exists(PROG)):
        print("gdb bench: gdb, gdbserver or %s missing; skipped" % PROG)
        return 0
    host = measure(start_gdbserver)
    ours = measure(start_vmcore)
    print()
    print("debugger (gdb against the stub; best of 3)   gdbserver     vmcore   ratio  target")
    for k in ("connect_break_continue", "stepi_10000", "read_16MiB"):
        h, v = host.get(k), ours.get(k)
        if h is None or v is None:
            print("%-40s %10s %10s   (a run failed)" % (k, h, v))
            continue
        ratio = v / h if h else float("inf")
        print("%-40s %9.3fs %9.3fs %7.2f  <= 2 %s" % (k, h, v, ratio, "" if ratio <= 2 else "(missed)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
