"""The control console: ./linux umid=NAME and scripts/vmctl (UML's
mconsole protocol, docs/workflows.md).

Each kernel runs with HOME in the test's directory, so its umid directory
is tmp_path/.vmcore/NAME.  Tests wait for events (a guest's output line,
the socket's existence, the kernel's own clock), never a fixed time."""
import os
import queue
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

import pytest

from conftest import LINUX, REPO

VMCTL = os.path.join(REPO, "scripts", "vmctl")
MAGIC, VERSION, MAX_DATA = 0xCAFEBABE, 2, 512
REQ = struct.Struct("=III%ds" % MAX_DATA)
REPLY = struct.Struct("=III")


def wait_until(cond, what, timeout=15.0, step=0.02):
    end = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > end:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(step)


class Kernel:
    """./linux umid=NAME with a shell script as init; its stdout lines
    (with the host's time of arrival) in a queue, stderr collected."""

    def __init__(self, home, script=None, name="k", extra=(), stdin=subprocess.DEVNULL):
        self.home, self.name = str(home), name
        self.env = dict(os.environ, HOME=self.home)
        cmd = [LINUX, "umid=" + name] + list(extra)
        if script is not None:
            cmd += ["init=/bin/sh", "--", "-c", script]
        self.p = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  env=self.env, start_new_session=True)
        self.lines = queue.Queue()
        self.seen = []
        self.err = []
        threading.Thread(target=self._read, args=(self.p.stdout, self.lines), daemon=True).start()
        threading.Thread(target=self._collect, args=(self.p.stderr,), daemon=True).start()
        self.dir = os.path.join(self.home, ".vmcore", name)
        self.sock = os.path.join(self.dir, "mconsole")

    @staticmethod
    def _read(f, q):
        for line in iter(f.readline, b""):
            q.put((time.monotonic(), line.decode(errors="replace").rstrip("\n")))
        q.put((time.monotonic(), None))

    def _collect(self, f):
        for line in iter(f.readline, b""):
            self.err.append(line.decode(errors="replace"))

    def stderr(self):
        return "".join(self.err)

    def expect(self, pattern, timeout=20):
        """The next stdout line matching pattern (re.search), as (time, line, match)."""
        end = time.monotonic() + timeout
        while True:
            try:
                t, line = self.lines.get(timeout=max(0.01, end - time.monotonic()))
            except queue.Empty:
                raise AssertionError("no line matching %r; seen %r; stderr %s"
                                     % (pattern, self.seen[-20:], self.stderr()[-2000:]))
            if line is None:
                raise AssertionError("the kernel ended (rc %r) before %r; seen %r; stderr %s"
                                     % (self.p.wait(), pattern, self.seen[-20:], self.stderr()[-2000:]))
            self.seen.append((t, line))
            m = re.search(pattern, line)
            if m:
                return t, line, m

    def drain(self):
        out = []
        while True:
            try:
                t, line = self.lines.get_nowait()
            except queue.Empty:
                return out
            if line is not None:
                self.seen.append((t, line))
                out.append((t, line))

    def vmctl(self, *args, timeout=20):
        r = subprocess.run([sys.executable, VMCTL, self.name] + list(args), env=self.env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")

    def ok(self, *args):
        rc, out, err = self.vmctl(*args)
        assert rc == 0, "vmctl %s: rc %d, %r %r; kernel stderr %s" % (args, rc, out, err,
                                                                      self.stderr()[-2000:])
        return out

    def fails(self, *args):
        rc, out, err = self.vmctl(*args)
        assert rc == 1 and not out, "vmctl %s: expected an error reply, got rc %d %r %r" % (
            args, rc, out, err)
        return err

    def wait_socket(self):
        wait_until(lambda: os.path.exists(self.sock) or self.p.poll() is not None, "the socket")
        assert self.p.poll() is None, "the kernel ended: " + self.stderr()

    def uptime(self):
        return float(self.ok("proc", "uptime").split()[0])

    def stop(self):
        if self.p.poll() is None:
            os.killpg(self.p.pid, signal.SIGKILL)
        self.p.wait()


@pytest.fixture
def kernels(tmp_path):
    started = []

    def start(*a, **kw):
        k = Kernel(tmp_path, *a, **kw)
        started.append(k)
        return k
    yield start
    for k in started:
        k.stop()


def raw_request(path, payload, timeout=5.0, bind=True):
    """Send one datagram; return (err, text) of the whole reply, or None
    without a bound address (nowhere to reply)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        if bind:
            s.bind("")
        s.settimeout(timeout)
        s.sendto(payload, path)
        if not bind:
            return None
        text, err = b"", None
        while True:
            r = s.recv(REPLY.size + MAX_DATA)
            e, more, n = REPLY.unpack_from(r)
            err = e if err is None else err
            text += r[REPLY.size:REPLY.size + n].rstrip(b"\0")
            if not more:
                return err, text.decode(errors="replace")
    finally:
        s.close()


def req(cmd, magic=MAGIC, version=VERSION, length=None):
    data = cmd if isinstance(cmd, bytes) else cmd.encode()
    return REQ.pack(magic, version, len(data) if length is None else length, data)


BLOCKED = ("mount -t proc proc /proc; uname -s -n -r -v -m; echo ready; "
           "sleep 1000 | cat")


def test_every_command_with_the_guest_blocked(kernels):
    """Every task asleep (sh in wait4, sleep in clock_nanosleep, cat in a
    pipe read): the console answers, sysrq t shows each with its state and
    wait channel, in the reply and in the kernel log."""
    k = kernels(BLOCKED)
    _, uname, _ = k.expect(r"^Linux ")
    k.expect("^ready$")
    k.wait_socket()
    assert open(os.path.join(k.dir, "pid")).read().strip() == str(k.p.pid)
    assert os.stat(k.dir).st_mode & 0o777 == 0o700 and os.stat(k.sock).st_mode & 0o777 == 0o600

    def all_asleep():
        out = k.ok("ps")
        rows = [line.split() for line in out.splitlines()[1:]]
        return rows if len(rows) == 3 and all(r[3] == "S" for r in rows) else None
    rows = wait_until(all_asleep, "three sleeping tasks")
    assert sorted(r[6] for r in rows) == ["cat", "sh", "sleep"]
    for r in rows:  # ps agrees with the guest's own /proc
        stat = k.ok("proc", "%s/stat" % r[0])
        assert stat.startswith("%s (%s) S " % (r[0], r[6])), stat

    assert k.ok("version").strip() == uname.strip()
    help_text = k.ok("help")
    for c in ("version", "help", "halt", "reboot", "cad", "stop", "go", "log", "proc", "sysrq",
              "ps", "trace", "gcov"):
        assert re.search(r"^    %s\b" % c, help_text, re.M), c

    t = k.ok("sysrq", "t")
    assert t.startswith("sysrq: Show State\n")
    want = {"sh": "sys_wait4", "sleep": "sys_clock_nanosleep", "cat": "sys_read"}
    for comm, wchan in want.items():
        assert re.search(r"^task:%s +state:S pid:\d+ .* wchan:%s$" % (comm, wchan), t, re.M), t
    assert re.search(r"^ syscall: read\(0, 0x[0-9a-f]+, 0x[0-9a-f]+\)", t, re.M), t
    assert "sysrq: 3 tasks" in t
    # the same report went into the kernel log (on the console: no quiet)
    wait_until(lambda: "wchan:sys_clock_nanosleep" in k.stderr(), "sysrq t in the kernel log")
    assert "sysrq: Show State" in k.stderr()

    # w: tasks blocked outside an interruptible sleep; Linux shows none
    # when all sleep interruptibly, and so do we
    assert k.ok("sysrq", "w") == "sysrq: Show Blocked State\n"
    m = k.ok("sysrq", "m")
    meminfo = k.ok("proc", "meminfo")
    total = re.search(r"^MemTotal: +(\d+) kB$", meminfo, re.M).group(1)
    assert total == "262144"  # mem=256M, the default
    assert "Mem-Info:" in m and re.search(r"^%d pages RAM \(%s kB\)" % (int(total) // 4, total), m, re.M), m
    commit = re.search(r"^Committed_AS: +(\d+) kB$", meminfo, re.M).group(1)
    assert "Committed_AS: %s kB" % commit in m
    assert "show-task-states(t)" in k.ok("sysrq", "h")
    assert "unknown key 'q'" in k.fails("sysrq", "q")
    assert "usage" in k.fails("sysrq", "tt")

    assert k.ok("proc", "/proc/1/status").startswith("Name:\tsh\n")
    assert "No such file" in k.fails("proc", "nonexistent")
    assert "Is a directory" in k.fails("proc", "1")
    assert "Failed to open" in k.fails("proc", "1/fd/0")  # not a regular file: never blocks
    assert "No such file" in k.fails("proc", "self/status")  # the console is no task
    assert "usage" in k.fails("proc")

    k.ok("log", "hello from the console: héllo ✓")
    wait_until(lambda: "hello from the console: héllo ✓" in k.stderr(), "the log line")
    assert "usage" in k.fails("log")

    assert "Not stopped" in k.fails("go")
    assert "Unknown command 'frobnicate'" in k.fails("frobnicate")
    assert "usage" in k.fails("trace", "sideways")
    assert "usage" in k.fails("gcov")
    coverage_build = "cov" in os.path.basename(os.path.dirname(os.path.realpath(LINUX)))
    for what, said in (("dump", "merged into their .gcda files"), ("reset", "reset")):
        rc, out, err = k.vmctl("gcov", what)
        if coverage_build:
            assert rc == 0 and said in out, (rc, out, err)
        else:
            assert rc == 1 and "not a coverage build (make COVERAGE=1)" in err, (rc, out, err)

    assert k.ok("sysrq", "s").endswith("Emergency Sync complete\n")
    # e: SIGTERM to all but init: the pipeline ends, and so does sh, with
    # cat's status; the kernel exits with init's, and its directory goes
    assert k.ok("sysrq", "e") == "sysrq: Terminate All Tasks\n"
    assert k.p.wait(timeout=10) == 128 + signal.SIGTERM
    assert not os.path.exists(k.dir)


def test_sysrq_w_shows_a_vfork_parent(kernels):
    """sysrq w: a vfork parent, waiting for its child in the kernel and not
    interruptibly, is a blocked task; its sleeping child is not."""
    k = kernels("mount -t proc proc /proc; /testcases/vfork_hold; echo status $?")
    k.expect("^vfork_hold: ready$")
    k.wait_socket()
    w = wait_until(lambda: (lambda w: "vfork_hold" in w and w)(k.ok("sysrq", "w")),
                   "the vfork parent in sysrq w")
    tasks = re.findall(r"^task:.*$", w, re.M)
    assert len(tasks) == 1 and re.search(r"wchan:sys_vfork$", tasks[0]), w
    parent = re.search(r"pid:(\d+)", tasks[0]).group(1)
    t = k.ok("sysrq", "t")
    child = re.search(r"^task:vfork_hold .* pid:(\d+) +tgid:\d+ +ppid:%s .* wchan:sys_pause$" % parent,
                      t, re.M)
    assert child, t
    k.ok("sysrq", "e")  # SIGTERM to both (sh, init, is spared)
    k.expect("^status %d$" % (128 + signal.SIGTERM))
    assert k.p.wait(timeout=10) == 0


def test_sysrq_kill_all_and_crash(kernels):
    """sysrq i: SIGKILL to all but init; sysrq c: a deliberate panic, the
    kernel's oops path (exit status 2), the umid directory removed."""
    k = kernels(BLOCKED, name="ki")
    k.expect("^ready$")
    k.wait_socket()
    assert k.ok("sysrq", "i") == "sysrq: Kill All Tasks\n"
    assert k.p.wait(timeout=10) == 128 + signal.SIGKILL  # cat's status, init's
    c = kernels(BLOCKED, name="cr")
    c.expect("^ready$")
    c.wait_socket()
    assert c.vmctl("sysrq", "c") == (0, "", "")
    assert c.p.wait(timeout=10) == 2
    assert "Kernel panic - not syncing: sysrq triggered crash" in c.stderr()
    assert "Oops: sysrq triggered crash" in c.stderr()
    assert not os.path.exists(c.dir)


TICKER = ("mount -t proc proc /proc; echo ready; "
          "while :; do read up idle < /proc/uptime; echo tick $up; usleep 20000; done")


def test_stop_and_go_around_a_running_workload(kernels, tmp_path):
    """A guest prints its uptime every 20 ms: after stop it prints nothing,
    its clock goes on, and after go the gap in its timestamps is the stop."""
    trace = tmp_path / "trace.txt"
    k = kernels(TICKER, extra=["trace_out=%s" % trace])
    k.expect("^ready$")
    k.wait_socket()
    for _ in range(5):
        k.expect(r"^tick ")

    assert k.ok("stop").startswith("stopped")
    t_stop = time.monotonic()
    up_stop = k.uptime()
    assert "Already stopped" in k.fails("stop")

    def all_held():
        # sh waits in wait4 for its frozen child (usleep), which freezes
        # when its sleep ends: nobody runs guest code
        t = k.ok("sysrq", "t")
        tasks = re.findall(r"^task:.* state:(\S) .* wchan:(\S+)$", t, re.M)
        wchans = [w for st, w in tasks if st != "Z"]  # a zombie child: gone but not reaped
        return "refrigerator" in wchans and all(w == "refrigerator" or w.startswith("sys_")
                                                for w in wchans)
    wait_until(all_held, "the tasks in the freezer")
    assert "the freezer holds the guest" in k.ok("sysrq", "t")
    assert "(frozen)" in k.ok("ps")
    # time goes on while frozen: wait for the kernel's own clock to pass 0.5 s
    wait_until(lambda: k.uptime() >= up_stop + 0.5, "half a second of kernel uptime")
    up_go = k.uptime()  # still frozen: the stop lasted from up_stop to up_go at least
    t_go = time.monotonic()
    assert k.ok("go") == ""

    while k.expect(r"^tick ")[0] < t_go:
        pass  # lines from before the stop, read only now
    ticks = [(t, float(l.split()[1])) for t, l in k.seen if l.startswith("tick ")]
    during = [u for t, u in ticks if t_stop + 0.05 <= t < t_go]
    assert not during, "output while stopped: %r" % during
    # in the guest's own timestamps: nothing between, and a gap as long as the stop
    ups = [u for t, u in ticks]
    assert not [u for u in ups if up_stop < u < up_go], (ups, up_stop, up_go)
    last = max(u for u in ups if u <= up_stop)
    first = min(u for u in ups if u >= up_go)
    assert first - last >= up_go - up_stop >= 0.5, (last, first, up_stop, up_go)
    # and it runs on
    k.expect(r"^tick ")
    k.expect(r"^tick ")

    # the trace (on from boot with trace_out=): off, then on for openat
    # only, then off again, as kill -USR1 switches it (docs/trace.md)
    assert k.ok("trace", "off") == "trace off, filter all\n"
    size = trace.stat().st_size
    k.expect(r"^tick ")
    k.expect(r"^tick ")
    assert trace.stat().st_size == size, "traced while off"
    assert k.ok("trace", "on", "openat") == "trace on, filter openat\n"
    wait_until(lambda: "/proc/uptime" in trace.read_text()[size:], "a traced openat")
    assert k.ok("trace", "off") == "trace off, filter openat\n"
    new = trace.read_text()[size:]
    # strace shows signals (---) and exits (+++) whatever the filter, and
    # the ends of calls that began before
    calls = [l for l in new.splitlines() if l.strip() and "resumed>" not in l
             and "<unfinished ...>" not in l
             and not re.search(r"^(\[pid +\d+\] )?(---|\+\+\+) ", l)]
    assert calls and all(re.match(r"(\[pid +\d+\] )?openat\(", l) for l in calls), new[-2000:]
    size = trace.stat().st_size
    k.expect(r"^tick ")
    k.expect(r"^tick ")
    assert trace.stat().st_size == size, "traced after trace off"
    assert "bad expression" in k.fails("trace", "on", "%nonsense")
    assert k.ok("trace").startswith("trace off")
    k.ok("halt")
    assert k.p.wait(timeout=10) == 0


def test_bad_input_on_the_socket(kernels):
    """Garbage, truncated, oversized and non-UTF-8 requests get an error
    reply; clients that vanish or stop reading mid-reply do not stall the
    console; memory stays bounded; the kernel runs on."""
    k = kernels("mount -t proc proc /proc; i=0; while [ $i -lt 60 ]; do sleep 1000 & "
                "i=$((i+1)); done; echo ready; wait")
    k.expect("^ready$")
    k.wait_socket()
    s = k.sock
    assert raw_request(s, req("version"))[0] == 0
    cases = {
        b"\x01\x02\x03": "truncated",
        os.urandom(300): "bad magic",
        req("version", version=1): "only supports version 2",
        req("version", length=400)[:REPLY.size + 7]: "truncated",
        req("version", length=MAX_DATA): "Request too large",
        req("version") + b"x" * 1000: "Request too large",
        req(b"log \xff\xfe bad"): "not UTF-8",
        req(b"log \xc0\xaf overlong"): "not UTF-8",
        req(b"log \xed\xa0\x80 surrogate"): "not UTF-8",
        req(b"log a\x1b[2Jb"): "control characters",
        req(b"version\0junk"): "control characters",
        req(b""): "Unknown command",
    }
    for payload, what in cases.items():
        err, text = raw_request(s, payload)
        assert err == 1 and what in text, (payload[:40], err, text)
    assert raw_request(s, req("version"), bind=False) is None  # nowhere to reply: dropped

    # bounded memory: two thousand bad requests leave the kernel's RSS where it was
    def rss():
        for line in open("/proc/%d/status" % k.p.pid):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    before = rss()
    c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    c.bind("")
    for i in range(2000):
        c.sendto(os.urandom(64 + i % 600), s)
        c.recv(REPLY.size + MAX_DATA)
    c.close()
    assert rss() - before < 2048, (before, rss())

    # a long reply (sysrq t of 61 tasks: many datagrams)
    err, full = raw_request(s, req("sysrq t"))
    assert err == 0 and full.count("\ntask:") == 61 and full.endswith("sysrq: 61 tasks\n")
    assert len(full) > 20 * MAX_DATA
    # a client that reads one datagram and goes
    c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    c.bind("")
    c.sendto(req("sysrq t"), s)
    first = c.recv(REPLY.size + MAX_DATA)
    assert REPLY.unpack_from(first)[1] == 1  # more to come
    c.close()
    t0 = time.monotonic()
    assert raw_request(s, req("version"))[0] == 0
    assert time.monotonic() - t0 < 1.0
    # a client that stops reading: its reply is dropped after a bounded
    # wait, and a second client is served meanwhile
    slow = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    slow.bind("")
    slow.sendto(req("sysrq t"), s)
    t0 = time.monotonic()
    err, text = raw_request(s, req("version"), timeout=10)
    assert err == 0 and text.startswith("Linux ")
    assert time.monotonic() - t0 < 5.0
    # the console serves one request at a time: the slow client's reply is
    # over (cut short) once the second client has had its own
    got = []
    try:
        while True:
            got.append(slow.recv(REPLY.size + MAX_DATA, socket.MSG_DONTWAIT))
    except BlockingIOError:
        pass
    slow.close()
    assert got and REPLY.unpack_from(got[-1])[1] == 1, "the slow client's reply was cut short"
    assert len(got) < len(full) // (MAX_DATA - 1)
    # the kernel is unharmed
    assert k.ok("proc", "1/status").startswith("Name:\tsh\n")
    assert k.ok("log", "still here") == ""
    k.ok("halt")
    assert k.p.wait(timeout=10) == 0


def test_umid_directory(kernels, tmp_path):
    """Bad names are refused; a live kernel's umid is refused to a second;
    a dead kernel's stale directory is taken over; SIGTERM removes it."""
    for bad in ("a/b", "..", "x..y", ".hidden", "", "sp ace"):
        r = subprocess.run([LINUX, "umid=" + bad, "init=/bin/true"], env=dict(os.environ, HOME=str(tmp_path)),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
        assert r.returncode == 2 and b"bad umid=" in r.stderr, (bad, r)
    assert not (tmp_path / ".vmcore").exists() or not os.listdir(tmp_path / ".vmcore")

    # stale: a pid that is gone and a socket nobody is bound to
    d = tmp_path / ".vmcore" / "stale"
    d.mkdir(parents=True, mode=0o700)
    gone = subprocess.Popen(["true"])
    gone.wait()
    (d / "pid").write_text("%d\n" % gone.pid)
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    dead.bind(str(d / "mconsole"))
    dead.close()
    k = kernels("echo ready; exec sleep 1000", name="stale")
    k.expect("^ready$")
    k.wait_socket()
    wait_until(lambda: (d / "pid").read_text().strip() == str(k.p.pid), "the new pid file")
    assert k.ok("version").startswith("Linux ")

    # in use: a second kernel with the same umid does not start
    r = subprocess.run([LINUX, "umid=stale", "init=/bin/true"], env=k.env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=20)
    assert r.returncode == 2 and b"in use by the kernel of pid %d" % k.p.pid in r.stderr, r
    assert k.ok("version")  # untouched

    os.kill(k.p.pid, signal.SIGTERM)
    assert k.p.wait(timeout=10) == 128 + signal.SIGTERM
    assert not d.exists()
    rc, out, err = k.vmctl("version")
    assert rc == 2 and "no kernel with umid stale" in err


def test_reboot_and_cad(kernels):
    """reboot restarts the kernel (it execs itself anew, same pid, as
    reboot(2) does here); cad restarts it too while Ctrl-Alt-Del is on
    (Linux's default); with busybox init, which turns it off, init gets
    SIGINT and runs its ctrlaltdel action (/sbin/reboot)."""
    k = kernels("echo ready; exec sleep 1000", name="rb")
    k.expect("^ready$")
    k.wait_socket()
    pid = k.p.pid
    assert k.ok("reboot") == ""
    k.expect("^ready$")  # booted again
    k.wait_socket()
    wait_until(lambda: k.vmctl("version")[0] == 0, "the console after the restart")
    assert k.ok("cad") == ""
    k.expect("^ready$")
    k.wait_socket()
    wait_until(lambda: k.vmctl("version")[0] == 0, "the console after cad")
    assert k.ok("sysrq", "b") == ""  # at once, unsynced
    k.expect("^ready$")
    k.wait_socket()
    wait_until(lambda: k.vmctl("version")[0] == 0, "the console after sysrq b")
    assert k.p.pid == pid and k.p.poll() is None
    assert open(os.path.join(k.dir, "pid")).read().strip() == str(pid)
    assert k.stderr().count("reboot: Restarting system") == 2 and "sysrq: Resetting" in k.stderr()
    assert k.ok("sysrq", "o") == ""
    assert k.p.wait(timeout=10) == 0
    assert "reboot: Power down" in k.stderr()
    assert not os.path.exists(k.dir)

    # busybox init (the initramfs's /init, inittab's ::ctrlaltdel:/sbin/reboot)
    b = kernels(None, name="bb", extra=["quiet"], stdin=subprocess.PIPE)
    b.expect("busybox shell on the console")
    b.wait_socket()
    assert b.ok("cad") == ""
    b.expect("busybox shell on the console")  # init rebooted the machine
    b.wait_socket()
    wait_until(lambda: b.vmctl("version")[0] == 0, "the console after init's reboot")
    b.ok("halt")
    assert b.p.wait(timeout=10) == 0


def test_commands_while_the_kernel_lock_is_held(kernels):
    """A task thread stopped by gdb (non-stop mode) inside sys_openat, the
    big kernel lock held: the console still answers; the task list and ps
    are read without the lock and say so; what needs the lock fails with a
    clear error after its bounded wait; halt ends the kernel unsynced."""
    # no fork in the loop: gdb attached to ./linux would take the stubs'
    # clone children, which must be traced by their kernel thread
    k = kernels("mount -t proc proc /proc; echo ready; while :; do read up idle < /proc/uptime; done")
    k.expect("^ready$")
    k.wait_socket()
    g = subprocess.Popen(["gdb", "-nx", "-q"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    try:
        lines = queue.Queue()
        threading.Thread(target=Kernel._read, args=(g.stdout, lines), daemon=True).start()
        seen = []
        end = time.monotonic() + 60

        def gdb_until(cond):
            while not cond("\n".join(seen)):
                try:
                    line = lines.get(timeout=max(0.01, end - time.monotonic()))[1]
                except queue.Empty:
                    line = None
                assert line is not None, "gdb: %s" % "\n".join(seen)[-3000:]
                seen.append(line)

        def gdb(cmds):
            g.stdin.write(cmds.encode())
            g.stdin.flush()
        # non-stop attach: each thread stops on its own; resume them all
        # once every one has (a continue before would leave the late ones)
        gdb("set non-stop on\nset pagination off\nset confirm off\nattach %d\ninfo threads\n"
            "echo threads-listed\\n\n" % k.p.pid)
        gdb_until(lambda text: "threads-listed" in text)
        running = re.findall(r"^ +(\d+) +Thread .*\(running\)$", "\n".join(seen), re.M)
        gdb_until(lambda text: all(re.search(r'^Thread %s "[^"]*" stopped\.$' % n, text, re.M) for n in running))
        gdb("break sys_openat\ncontinue -a &\n")
        gdb_until(lambda text: "hit Breakpoint 1, sys_openat" in text)
        t = k.ok("sysrq", "t")
        assert t.splitlines()[1].startswith("sysrq: lockless: the kernel lock is held"), t
        assert re.search(r"^task:sh +state:S pid:1 .* wchan:sys_openat$", t, re.M), t
        assert re.search(r"^ syscall: openat\(0xffffff9c, ", t, re.M), t
        w = k.ok("sysrq", "w")  # the holder: in the kernel, not asleep
        assert "lockless" in w and re.search(r"^task:sh .* wchan:sys_openat$", w, re.M), w
        ps = k.ok("ps")
        assert ps.startswith("# lockless") and re.search(r"^ +1 +1 +0 S .* sh$", ps, re.M), ps
        assert "lockless" in k.ok("sysrq", "m")
        for cmd in (("proc", "meminfo"), ("stop",), ("cad",), ("trace", "on"), ("sysrq", "s")):
            assert "the kernel lock is held" in k.fails(*cmd), cmd
        assert k.ok("version").startswith("Linux ")
        assert k.ok("log", "stuck") == ""
        assert k.vmctl("halt") == (0, "", "")
        assert k.p.wait(timeout=20) == 0
        assert "mconsole: halting without syncing: the kernel lock is held" in k.stderr()
        assert not os.path.exists(k.dir)
    finally:
        g.kill()
        g.wait()
