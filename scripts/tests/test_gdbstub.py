"""vmcore's gdbstub beyond the gdb test list (test_gdb.py): bad input
(garbage, bad checksums, over-long packets, unmapped memory, a client that
vanishes, a second client, random packets), breakpoints that stay in one
address space, the whole system (info os processes, attach to any process,
run), and the monitor commands."""
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import time

import pytest

from conftest import LINUX, TESTCASES, bound_mem_words

PROGS = os.path.join(TESTCASES, "gdb")
GDB = "/usr/bin/gdb"


def csum(data):
    return b"%02x" % (sum(data) & 0xff)


def frame(data):
    return b"$" + data + b"#" + csum(data)


class Rsp:
    """A raw remote-protocol client, acks on."""

    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""

    def _read(self):
        d = self.s.recv(65536)
        if not d:
            raise EOFError("the stub closed the connection")
        self.buf += d

    def send_raw(self, b):
        self.s.sendall(b)

    def ack(self):
        """The next ack byte (+ or -)."""
        while True:
            while not self.buf:
                self._read()
            c, self.buf = self.buf[:1], self.buf[1:]
            if c in (b"+", b"-"):
                return c

    def reply(self):
        while True:
            m = re.search(rb"\$([^#]*)#([0-9a-f]{2})", self.buf, re.S)
            if m:
                self.buf = self.buf[m.end():]
                assert csum(m.group(1)) == m.group(2), "bad checksum from the stub"
                self.s.sendall(b"+")
                return unescape(m.group(1))
            self._read()

    def packet(self, data):
        self.s.sendall(frame(data))
        assert self.ack() == b"+"
        return self.reply()

    def close(self):
        self.s.close()


def unescape(b):
    out, i = bytearray(), 0
    while i < len(b):
        if b[i] == 0x7d:
            out.append(b[i + 1] ^ 0x20)
            i += 2
        else:
            out.append(b[i])
            i += 1
    return bytes(out)


class Guest:
    """./linux with the stub on a free loopback port, PROG as init."""

    def __init__(self, tmp, prog, args=(), wait=True, extra=()):
        self.root = os.path.join(str(tmp), "root")
        os.makedirs(self.root, exist_ok=True)
        shutil.copy2(os.path.join(PROGS, prog), os.path.join(self.root, prog))
        self.out = os.path.join(str(tmp), "out.txt")
        self.err = os.path.join(str(tmp), "err.txt")
        argv = [LINUX, "quiet", "gdb=tcp:127.0.0.1:0", "root=" + self.root, "rootfstype=hostfs",
                "init=/" + prog] + bound_mem_words() + (["gdbwait"] if wait else []) + list(extra) + \
            ["--"] + list(args)
        with open(self.out, "wb") as o, open(self.err, "wb") as e:
            self.p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=o, stderr=e,
                                      start_new_session=True)
        end = time.monotonic() + 10
        while True:
            m = re.search(r"gdbstub: listening on 127\.0\.0\.1:(\d+)", open(self.err).read())
            if m:
                self.port = int(m.group(1))
                break
            assert self.p.poll() is None and time.monotonic() < end, open(self.err).read()
            time.sleep(0.02)

    def output(self):
        return open(self.out).read()

    def wait(self, timeout=20):
        return self.p.wait(timeout=timeout)

    def kill(self):
        try:
            os.killpg(self.p.pid, signal.SIGKILL)
        except OSError:
            pass
        self.p.wait()


@pytest.fixture
def guests():
    made = []
    yield made
    for g in made:
        g.kill()


def gdb(port, cmds, prog=None, extended=False, timeout=30):
    argv = [GDB, "-nx", "-q", "-batch", "-ex", "set confirm off", "-ex", "set pagination off"]
    if prog:
        argv += ["-ex", "file " + prog]
    argv += ["-ex", "target %s 127.0.0.1:%d" % ("extended-remote" if extended else "remote", port)]
    for c in cmds:
        argv += ["-ex", c]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                       env=dict(os.environ, LC_ALL="C"), stdin=subprocess.DEVNULL)
    return r.stdout + r.stderr


def main_addr(prog):
    out = subprocess.run(["nm", os.path.join(PROGS, prog)], capture_output=True, text=True).stdout
    return int(re.search(r"^([0-9a-f]+) T main$", out, re.M).group(1), 16)


@pytest.mark.hole(6)
def test_bad_packets_and_memory(tmp_path, guests):
    g = Guest(tmp_path, "basic")
    guests.append(g)
    c = Rsp(g.port)
    # noise between packets is ignored; a bad checksum is refused
    c.send_raw(b"hello\x00\xff world")
    c.send_raw(b"$?#00")
    assert c.ack() == b"-"
    # over-long: refused, and nothing else changes
    c.send_raw(b"$" + b"A" * 200000 + b"#00")
    assert c.ack() == b"-"
    c.send_raw(b"$" + b"m0,1" * 50000 + b"#" + csum(b"m0,1" * 50000))
    assert c.ack() == b"-"
    assert c.packet(b"?").startswith(b"T05")
    assert c.packet(b"qC") == b"QC1"
    rip = c.packet(b"p10")
    assert re.fullmatch(rb"[0-9a-f]{16}", rip), rip
    # malformed arguments: errors, not crashes
    for bad in (b"m", b"mzz,4", b"m10", b"M10,2:zz", b"X10,100:ab", b"Z0", b"p", b"Hg-2",
                b"vCont;q", b"qXfer:features:read:nosuch.xml:0,100", b"P9999=00", b"Gabc",
                # register numbers that would index outside the tables
                b"p-1", b"P-1=4141414141414141", b"p4c", b"pffffffffffffffff",
                b"P80000000=00", b"p 1", b"P=00"):
        r = c.packet(bad)
        assert r == b"" or r.startswith(b"E"), (bad, r)
    assert c.packet(b"p10") == rip, "a refused P changed a register"
    # unmapped memory: an error; the top of the guest's space too
    assert c.packet(b"m0,8").startswith(b"E")
    assert c.packet(b"m7ffffffffff8,10").startswith(b"E")
    # a write into read-only program text works, privately
    addr = main_addr("basic")
    orig = c.packet(b"m%x,1" % addr)
    assert re.fullmatch(rb"[0-9a-f]{2}", orig)
    assert c.packet(b"M%x,1:90" % addr) == b"OK"
    assert c.packet(b"m%x,1" % addr) == b"90"
    assert c.packet(b"M%x,1:%s" % (addr, orig)) == b"OK"
    # detached, the guest runs to its end
    assert c.packet(b"D;1") == b"OK"
    assert g.wait() == 0
    assert "basic done" in g.output()
    host = open(os.path.join(PROGS, "basic"), "rb").read()
    assert open(os.path.join(g.root, "basic"), "rb").read() == host, "the file changed"


def ticks(g):
    return len(re.findall(r"^tick \d+$", g.output(), re.M))


def wait_ticks(g, n):
    end = time.monotonic() + 10
    while ticks(g) < n:
        assert time.monotonic() < end, g.output()
        time.sleep(0.02)


def test_client_vanishes(tmp_path, guests):
    """The client goes away in the middle of a packet: the guest goes on,
    and the stub takes a new client, which finds init stopped for it."""
    g = Guest(tmp_path, "longrun", ["30"])
    guests.append(g)
    c = Rsp(g.port)
    assert c.packet(b"?").startswith(b"T05")
    assert ticks(g) == 0
    c.send_raw(b"$m4000")
    c.close()
    wait_ticks(g, 5)
    c = Rsp(g.port)
    assert re.match(rb"T\w\wthread:", c.packet(b"?"))
    n = ticks(g)
    time.sleep(0.3)
    assert ticks(g) <= n + 1, "the guest runs on while a debugger has it stopped"
    assert c.packet(b"qC") == b"QC1"
    assert c.packet(b"D") == b"OK"
    wait_ticks(g, n + 5)
    c.close()


def test_second_client_refused(tmp_path, guests):
    g = Guest(tmp_path, "basic")
    guests.append(g)
    c = Rsp(g.port)
    assert c.packet(b"?").startswith(b"T05")
    second = socket.create_connection(("127.0.0.1", g.port), timeout=10)
    data = b""
    while True:
        d = second.recv(4096)
        if not d:
            break
        data += d
    second.close()
    assert b"another debugger is connected" in data
    assert c.packet(b"qC") == b"QC1"  # the first one is undisturbed
    c.close()


def test_fuzz(tmp_path, guests):
    """Random packets, well framed and not: the kernel keeps running and
    answers afterwards."""
    g = Guest(tmp_path, "longrun", ["30"])
    guests.append(g)
    c = Rsp(g.port)
    rnd = random.Random(1234)
    heads = [b"m", b"M", b"X", b"g", b"G", b"p", b"P", b"Z0,", b"z0,", b"Z2,", b"H", b"T", b"q", b"Q",
             b"v", b"vCont;", b"vFile:", b"qXfer:", b"D", b"?"]
    for i in range(1500):
        if rnd.random() < 0.2:
            c.send_raw(bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 40))))
            continue
        body = rnd.choice(heads) + bytes(rnd.choice(b"0123456789abcdef,:;.-p") for _ in range(rnd.randrange(0, 30)))
        if body.startswith((b"vCont", b"c", b"s", b"C", b"S", b"D", b"vKill", b"k", b"vRun", b"vAttach", b"!")):
            continue  # resuming or ending things is not what this is about
        body = body.replace(b"$", b"").replace(b"#", b"").replace(b"}", b"").replace(b"*", b"")
        c.send_raw(frame(body))
    # drain: then an ordinary exchange works
    c.s.settimeout(0.5)
    try:
        while True:
            if not c.s.recv(65536):
                break
    except socket.timeout:
        pass
    c.s.settimeout(10)
    c.buf = b""
    assert c.packet(b"qC") == b"QC1"
    assert c.packet(b"?").startswith(b"T")
    c.close()
    assert g.p.poll() is None, "the kernel died"


def test_breakpoint_stays_in_its_process(tmp_path, guests):
    """A breakpoint in a forked child: the parent runs the same text page
    and must not stop; the program file is not changed."""
    g = Guest(tmp_path, "bpshare", ["60"], wait=False)
    guests.append(g)
    time.sleep(0.3)
    out = gdb(g.port, ["info os processes", "attach 2", "break marker", "continue", "bt 1",
                       "print calls", "delete", "detach"],
              prog=os.path.join(PROGS, "bpshare"), extended=True)
    assert re.search(r"^\s*1\s+root\s+/bpshare 60", out, re.M), out
    assert re.search(r"^\s*2\s+root\s+/bpshare 60", out, re.M), out
    assert re.search(r"Breakpoint 1, marker \(\) at bpshare.c:\d+", out), out
    assert g.wait(30) == 0
    text = g.output()
    assert "parent done 60" in text and "child done 60" in text, text
    assert open(os.path.join(g.root, "bpshare"), "rb").read() == \
        open(os.path.join(PROGS, "bpshare"), "rb").read()


def test_run_and_monitor(tmp_path, guests):
    """extended-remote: run starts a new guest program; monitor commands."""
    g = Guest(tmp_path, "longrun", ["3"], wait=False)
    guests.append(g)
    shutil.copy2(os.path.join(PROGS, "basic"), os.path.join(g.root, "basic"))
    out = gdb(g.port, ["monitor help", "monitor ps", "monitor dmesg", "monitor trace on openat",
                       "monitor trace", "monitor trace off", "monitor syscalls 1", "monitor nosuch",
                       "set remote exec-file /basic", "break add", "run", "bt 1", "continue"],
              prog=os.path.join(PROGS, "basic"), extended=True)
    assert "vmcore monitor commands" in out and "syscalls PID" in out, out
    assert re.search(r"^\s+1\s+1\s+0 \S+\s+\S*\s*longrun$", out, re.M), out
    assert "Linux version" in out
    assert "trace is on; filter: openat" in out and "trace off" in out
    assert re.search(r"^\[\s*\d+\.\d+\] \w+\(", out, re.M), out
    assert "unknown monitor command 'nosuch'" in out
    assert re.search(r"Breakpoint 1, add \(a=6, b=7\) at basic.c:\d+", out), out
    assert re.search(r"\[Inferior 1 \(process \d+\) exited normally\]", out), out
    assert g.wait(30) == 0  # longrun (init) ends on its own
    assert "basic done" in g.output()


def test_several_inferiors(tmp_path, guests):
    """Two guest processes debugged at once; kill takes only its own; the
    other, detached, goes on to its end."""
    g = Guest(tmp_path, "bpshare", ["50"], wait=False)
    guests.append(g)
    time.sleep(0.3)
    prog = os.path.join(PROGS, "bpshare")
    out = gdb(g.port, ["attach 1", "add-inferior", "inferior 2", "file " + prog, "attach 2",
                       "info inferiors", "info threads", "kill inferiors 2", "info inferiors",
                       "inferior 1", "detach"], prog=prog, extended=True)
    assert re.search(r"^\s+1\s+process 1\s", out, re.M) and re.search(r"^\*\s+2\s+process 2\s", out, re.M), out
    assert re.search(r"^\s+1\.1\s+Thread 1\.1 \"bpshare\"", out, re.M), out
    assert re.search(r"^\*\s+2\.1\s+Thread 2\.2 \"bpshare\"", out, re.M), out
    assert re.search(r"^\*\s+2\s+<null>", out, re.M), out
    assert "[Inferior 1 (process 1) detached]" in out
    assert g.wait(30) == 0
    text = g.output()
    assert "parent done 50" in text and "child done" not in text, text


def test_catch_fork(tmp_path, guests):
    g = Guest(tmp_path, "fork")
    guests.append(g)
    out = gdb(g.port, ["catch fork", "continue", "info inferiors", "continue"],
              prog=os.path.join(PROGS, "fork"))
    assert re.search(r"Catchpoint 1 \(forked process 2\)", out), out
    assert re.search(r"\[Inferior 1 \(process 1\) exited normally\]", out), out
    assert g.wait(20) == 0
    assert "parent saw child exit 7" in g.output(), g.output()


def test_detached_parent_not_listed(tmp_path, guests):
    """D;PID then a thread query in the same write: the detached process is
    gone from the stub's lists at once, not when its task next runs (gdb
    saw '[New Thread 1.1]' after following a fork child, and took the
    child's breakpoint for a stop of the parent)."""
    g = Guest(tmp_path, "fork")
    guests.append(g)
    c = Rsp(g.port)
    assert b"multiprocess+" in c.packet(b"qSupported:multiprocess+;fork-events+")
    assert c.packet(b"?").startswith(b"T05")
    stop = c.packet(b"vCont;c")
    m = re.match(rb"T05fork:p2\.2;.*thread:p1\.1;", stop)
    assert m, stop
    c.send_raw(frame(b"D;1") + frame(b"qfThreadInfo") + frame(b"Hgp1.1") + frame(b"qC"))
    assert c.ack() == b"+" and c.reply() == b"OK"
    assert c.ack() == b"+"
    assert c.reply() == b"mp2.2", "a detached process is still listed"
    assert c.ack() == b"+" and c.reply().startswith(b"E"), "Hg took a detached thread"
    assert c.ack() == b"+" and c.reply() == b"QCp2.2", "the current thread is the detached one's"
    assert re.match(rb"W07;process:2", c.packet(b"vCont;c")), "the child's exit"
    assert g.wait(20) == 0
    assert "parent saw child exit 7" in g.output(), g.output()
