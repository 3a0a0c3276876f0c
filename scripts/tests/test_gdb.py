"""The GDB remote-protocol test list: the real gdb (/usr/bin/gdb) drives a
debug server (a backend) through the commands a user types, and every test
asserts on gdb's output.

A backend runs the programs of testcases/gdb/ (built with -g -O0, static
as NAME and dynamic as NAME-dyn, into build/testcases/gdb/) under a debug
server.  BACKENDS lists them; each test runs against each backend, with the
static and the dynamic build: Debian's gdbserver on the host (the
reference the stub is measured against) and vmcore's stub; and, for the
guest ptrace (docs/ptrace.md), the same list with no server at all: the
host's gdb debugging the program natively, and the host's own gdb run
inside the guest (over a hostfs root of the host's /), debugging the
program there through the guest kernel's ptrace.

gdb runs without -batch, its commands given with -ex and stdin /dev/null,
so that they run as if typed (from_tty: "Continuing.", "Run till exit",
...); it quits at the end of its commands.  Each command's output is told
apart by an echoed marker line.  See docs/gdbstub.md.
"""
import os
import re
import shlex
import shutil
import signal
import subprocess
import threading
import time

import pytest

from conftest import LINUX, REPO, TESTCASES, all_procs, descendants, proc_stat, reap_orphans, snapshot

GDB = "/usr/bin/gdb"
GDBSERVER = "/usr/bin/gdbserver"
PROGS = os.path.join(TESTCASES, "gdb")
SRC = os.path.join(REPO, "testcases", "gdb")
GDB_TIMEOUT = 30
FLAVORS = {"static": "", "dynamic": "-dyn"}


def line_of(src, marker):
    """The line number of the "/* @MARKER */" comment in testcases/gdb/SRC."""
    with open(os.path.join(SRC, src)) as f:
        for n, line in enumerate(f, 1):
            if "/* @%s */" % marker in line:
                return n
    raise AssertionError("no marker @%s in %s" % (marker, src))


def wait_for(pred, seconds, what):
    end = time.monotonic() + seconds
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > end:
            raise AssertionError("timed out after %ss waiting for %s" % (seconds, what))
        time.sleep(0.02)


def read_text(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode(errors="replace")
    except FileNotFoundError:
        return ""


# -- backends ----------------------------------------------------------------

class Target:
    """What gdb connects to: CONNECT, the gdb command that does it (target
    remote ... / target extended-remote ...); HOST_PATH, the program file
    gdb reads symbols from; OUT_PATH, the file the program's standard
    output goes to (None: it goes to gdb's stderr, so output() is taken
    from gdb's last transcript); PID, the process to attach to (spawn)."""

    def __init__(self, connect, host_path=None, out_path=None, pid=None):
        self.connect, self.host_path, self.out_path, self.pid = connect, host_path, out_path, pid
        self.transcript = ""

    def output(self):
        """The program's standard output so far."""
        return read_text(self.out_path) if self.out_path else self.transcript


class Backend:
    """A debug server to test, and the programs under it.  One is made for
    each test (in the test's tmp directory) and cleaned up after it.

    A backend says: NAME; TRANSPORTS, the ways launch() connects ("tcp",
    "pipe", "unix"); KNOWN_FAILURES, {test function name: why}, tests it
    fails (run as strict expected failures); SETUP, gdb commands run
    after "file PROG", before connecting (e.g. "set sysroot DIR")."""
    name = None
    TRANSPORTS = ()
    HAS_VDSO = True  # the kernel maps a vDSO (AT_SYSINFO_EHDR)
    KNOWN_FAILURES = {}
    setup = ()

    def __init__(self, tmp):
        self.tmp = str(tmp)
        self.before = snapshot()
        self.popens = []
        self.n = 0

    def _file(self, what):
        """A new file name in the test's tmp directory."""
        self.n += 1
        return os.path.join(self.tmp, "%s.%d" % (what, self.n))

    def host_path(self, prog):
        """The file gdb reads PROG's symbols from."""
        return os.path.join(PROGS, prog)

    def target_path(self, prog):
        """PROG's file name as the debugged programs see it."""
        raise NotImplementedError

    def launch(self, prog, args=(), transport="tcp"):
        """PROG created under the server, stopped before its first
        instruction; a Target to "target remote" to."""
        raise NotImplementedError

    def spawn(self, prog, args=()):
        """PROG running freely, not under the debugger; a Target whose pid
        is the one to attach to, connecting to an extended-remote server."""
        raise NotImplementedError

    def start_gdb(self, args, log, env):
        """gdb with ARGS, its output to LOG: a Popen (or one like it:
        pid, wait, poll, returncode, send_signal)."""
        with open(log, "wb") as f:
            p = subprocess.Popen([GDB] + args, stdin=subprocess.DEVNULL, stdout=f,
                                 stderr=subprocess.STDOUT, cwd=self.tmp, env=env,
                                 start_new_session=True)
        self.popens.append(p)
        return p

    def gone(self, pid):
        """The debugged process PID no longer exists (or is a zombie)."""
        st = proc_stat(pid)
        return st is None or st[1] in ("Z", "X")

    def _popen(self, argv, stdout, stderr):
        with open(stdout, "wb") as out, open(stderr, "wb") as err:
            p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                 start_new_session=True)
        self.popens.append(p)
        return p

    def cleanup(self):
        """Kill every process started since this backend was made: the
        servers, the programs, whatever they left (reparented to pytest,
        the subreaper).  By pid only."""
        procs = all_procs()
        mine = {p for p, start in descendants(os.getpid(), procs).items()
                if self.before.get(p) != start}
        for p in self.popens:
            mine |= set(descendants(p.pid, procs)) | {p.pid}
        for p in mine:
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        for p in self.popens:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        reap_orphans()


class GdbserverBackend(Backend):
    """Debian's gdbserver on the host: "tcp" listens on a free loopback
    port (the kernel picks it, gdbserver prints it), "pipe" talks on its
    stdin and stdout (target remote | gdbserver - PROG; the program's
    output then goes to gdbserver's stderr, which is gdb's)."""
    name = "gdbserver"
    TRANSPORTS = ("tcp", "pipe")
    KNOWN_FAILURES = {
        "test_catch_syscall_from_start":
            "gdbserver 13.1 reports the first system call stop after the exec as a return "
            "(T05syscall_return), so that every entry is shown as a return and the other way "
            "round; from main on it is right",
    }

    def target_path(self, prog):
        return os.path.join(PROGS, prog)

    def _server(self, argv, out_path):
        """Start gdbserver (ARGV, listening on port 0), its stdout to
        OUT_PATH; the port it listens on."""
        err_path = self._file("gdbserver.err")
        p = self._popen(argv, out_path, err_path)

        def port():
            m = re.search(r"Listening on port (\d+)", read_text(err_path))
            if not m and p.poll() is not None:
                raise AssertionError("gdbserver exited with %s: %s" % (p.returncode,
                                                                         read_text(err_path)))
            return m and int(m.group(1))
        return wait_for(port, 10, "gdbserver to listen")

    def launch(self, prog, args=(), transport="tcp"):
        argv = [self.target_path(prog)] + list(args)
        if transport == "pipe":
            return Target("target remote | exec %s - %s" % (GDBSERVER, shlex.join(argv)),
                          self.host_path(prog))
        assert transport == "tcp", transport
        out = self._file("prog.out")
        port = self._server([GDBSERVER, "--once", "127.0.0.1:0"] + argv, out)
        return Target("target remote 127.0.0.1:%d" % port, self.host_path(prog), out)

    def spawn(self, prog, args=()):
        out = self._file("prog.out")
        p = self._popen([self.target_path(prog)] + list(args), out, out + ".err")
        port = self._server([GDBSERVER, "--multi", "--once", "127.0.0.1:0"], self._file("srv.out"))
        return Target("target extended-remote 127.0.0.1:%d" % port, self.host_path(prog), out,
                      pid=p.pid)


class VmcoreBackend(Backend):
    """vmcore's stub: ./linux boots with the program as init, from a hostfs
    root made for the test (the program, and for a dynamic one the host's
    dynamic linker and libraries at their paths).  "tcp" listens on a free
    loopback port (./linux prints it), "unix" on a socket, "pipe" talks on
    ./linux's stdin and stdout (its console then goes to stderr, gdb's).
    gdb reads the guest's files itself (vFile: the sysroot is "target:")."""
    name = "vmcore"
    TRANSPORTS = ("tcp", "pipe", "unix")
    HAS_VDSO = False  # no vDSO: every clock_gettime is a system call (docs/architecture.md)
    KNOWN_FAILURES = {}

    def __init__(self, tmp):
        super().__init__(tmp)
        self.root = os.path.join(self.tmp, "root")
        os.makedirs(self.root, exist_ok=True)
        self.linux = []

    def _copy(self, path):
        dst = os.path.join(self.root, path.lstrip("/"))
        if not os.path.exists(dst):
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(os.path.realpath(path), dst)

    def _install(self, prog):
        src = os.path.join(PROGS, prog)
        shutil.copy2(src, os.path.join(self.root, prog))
        if prog.startswith("execer"):
            self._install(prog.replace("execer", "execd"))
        out = subprocess.run(["ldd", src], capture_output=True, text=True).stdout
        for m in re.finditer(r"(/\S+) \(0x", out):
            self._copy(m.group(1))

    def target_path(self, prog):
        return "/" + prog

    def _boot(self, prog, args, gdb_opts, out):
        self._install(prog)
        argv = [LINUX, "quiet", "root=" + self.root, "rootfstype=hostfs", "init=/" + prog] + gdb_opts
        argv += ["--"] + list(args)
        err = out + ".err"
        p = self._popen(argv, out, err)
        self.linux.append(p)
        return p, err

    def _port(self, p, err):
        def port():
            m = re.search(r"gdbstub: listening on 127\.0\.0\.1:(\d+)", read_text(err))
            if not m and p.poll() is not None:
                raise AssertionError("./linux exited with %s: %s" % (p.returncode, read_text(err)))
            return m and int(m.group(1))
        return wait_for(port, 10, "the stub to listen")

    def launch(self, prog, args=(), transport="tcp"):
        if transport == "pipe":
            self._install(prog)
            argv = [LINUX, "quiet", "gdb=-", "gdbwait", "root=" + self.root, "rootfstype=hostfs",
                    "init=/" + prog, "--"] + list(args)
            return Target("target remote | exec " + shlex.join(argv), self.host_path(prog))
        out = self._file("prog.out")
        if transport == "unix":
            sock = self._file("gdb.sock")
            p, err = self._boot(prog, args, ["gdb=unix:" + sock, "gdbwait"], out)
            wait_for(lambda: os.path.exists(sock) or p.poll() is not None, 10, "the socket")
            return Target("target remote " + sock, self.host_path(prog), out)
        p, err = self._boot(prog, args, ["gdb=tcp:127.0.0.1:0", "gdbwait"], out)
        return Target("target remote 127.0.0.1:%d" % self._port(p, err), self.host_path(prog), out)

    def spawn(self, prog, args=()):
        out = self._file("prog.out")
        p, err = self._boot(prog, args, ["gdb=tcp:127.0.0.1:0"], out)
        return Target("target extended-remote 127.0.0.1:%d" % self._port(p, err), self.host_path(prog),
                      out, pid=1)

    def gone(self, pid):
        # the program is init: when it is gone, so is ./linux
        return all(p.poll() is not None for p in self.linux)


class QemuUserBackend(Backend):
    """QEMU's user-mode emulator with its gdb stub (qemu-x86_64 -g PORT),
    for the comparison in docs/gdbstub.md only: never part of make test
    (VMCORE_GDB_REFERENCE=1 adds it; Debian's qemu-user must be installed).
    One process, started stopped; no attach, no extended-remote."""
    name = "qemu-user"
    TRANSPORTS = ("tcp",)
    HAS_VDSO = False
    KNOWN_FAILURES = {}

    def target_path(self, prog):
        return os.path.join(PROGS, prog)

    def launch(self, prog, args=(), transport="tcp"):
        assert transport == "tcp", transport
        import socket
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        out = self._file("prog.out")
        self._popen(["qemu-x86_64", "-g", str(port), self.target_path(prog)] + list(args), out, out + ".err")

        def listening():
            return subprocess.run(["ss", "-ltn", "sport = :%d" % port], capture_output=True,
                                  text=True).stdout.count("LISTEN")
        wait_for(listening, 10, "qemu to listen")
        return Target("target remote 127.0.0.1:%d" % port, self.host_path(prog), out)

    def spawn(self, prog, args=()):
        raise AssertionError("qemu-user's stub debugs only the program it starts: no attach")


class NativeGdbBackend(Backend):
    """No server: the host's gdb runs the program itself ("starti" stops it
    at its first instruction) or attaches to it by pid: what the guest's
    gdb is compared with."""
    name = "gdb-native"
    TRANSPORTS = ("local",)

    def target_path(self, prog):
        return os.path.join(PROGS, prog)

    def launch(self, prog, args=(), transport="local"):
        # the program's output to a file of its own, by the shell gdb
        # starts it with
        out = self._file("prog.out")
        return Target(shlex.join(["starti"] + list(args)) + " >" + shlex.quote(out),
                      self.host_path(prog), out)

    def spawn(self, prog, args=()):
        out = self._file("prog.out")
        p = self._popen([self.target_path(prog)] + list(args), out, out + ".err")
        return Target(None, self.host_path(prog), out, pid=p.pid)


class GuestGdb:
    """The gdb that runs in a guest, seen from the host as a Popen: its
    ./linux's pid (for killpg), wait and poll, and send_signal(SIGINT),
    which has the guest's init send SIGINT to gdb (Ctrl-C)."""

    def __init__(self, linux, done=None):
        self.linux, self.pid, self.done = linux, linux.pid, done
        self.returncode = None

    def send_signal(self, sig):
        assert sig == signal.SIGINT, sig
        self.linux.stdin.write(b"INT\n")
        self.linux.stdin.flush()

    def poll(self):
        if self.done:
            m = re.search(r"^@@gdb exited (\d+)@@$", self.done(), re.M)
            if m:
                self.returncode = int(m.group(1))
        elif self.linux.poll() is not None:
            self.returncode = self.linux.returncode
        return self.returncode

    def wait(self, timeout=None):
        if self.done:
            wait_for(lambda: self.poll() is not None or self.linux.poll() is not None, timeout or 60,
                     "gdb in the guest to exit")
            if self.returncode is None:
                raise AssertionError("./linux ended before gdb: %s" % self.linux.returncode)
        else:
            self.linux.wait(timeout=timeout)
            self.returncode = self.linux.returncode
        return self.returncode


class GuestGdbBackend(Backend):
    """The host's own gdb inside the guest: ./linux boots with the host's /
    as its hostfs root and a shell as init, which mounts the guest's proc
    and runs /usr/bin/gdb (its output to a file of the test's, through
    hostfs), debugging the program through the guest's ptrace.  A
    launched program is gdb's ("starti"), as natively; a spawned one is
    started by init before gdb, which attaches to it (init waits for gdb's
    command line on the console, and runs on after gdb quits, so that the
    detached program goes on).  Ctrl-C: a line on the console, for which
    init sends SIGINT to gdb."""
    name = "gdb-guest"
    TRANSPORTS = ("local",)
    HAS_VDSO = False
    KNOWN_FAILURES = {}
    # gdb's is the guest's exec of gdb: exec gdb keeps the shell's pid
    INIT = ("mount -t proc proc /proc || exit 99; exec 3<&0; "
            "(while read -r line <&3; do kill -INT $$; done) & ")

    def __init__(self, tmp):
        super().__init__(tmp)
        self.spawned = self.console = None

    def target_path(self, prog):
        return os.path.join(PROGS, prog)

    def _linux(self, script, args=()):
        """./linux with init running sh -c SCRIPT sh ARGS; its console (the
        guest's programs' output) to a file: (Popen, that file)."""
        out = self._file("console.out")
        argv = [LINUX, "quiet", "root=/", "rootfstype=hostfs", "init=/bin/sh", "--", "-c", script,
                "sh"] + list(args)
        with open(out, "wb") as o, open(out + ".err", "wb") as e:
            p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=o, stderr=e,
                                 start_new_session=True)
        self.popens.append(p)
        return p, out

    def launch(self, prog, args=(), transport="local"):
        # the program's output to a file of its own, by the shell gdb
        # starts it with
        out = self._file("prog.out")
        return Target(shlex.join(["starti"] + list(args)) + " >" + shlex.quote(out),
                      self.host_path(prog), out)

    def spawn(self, prog, args=()):
        prog_argv = shlex.join([self.target_path(prog)] + list(args))
        script = ("mount -t proc proc /proc || exit 99; %s & echo \"@@pid $!@@\"; read -r line; "
                  "eval \"set -- $line\"; "
                  "log=$1; shift; /usr/bin/gdb \"$@\" </dev/null >\"$log\" 2>&1; "
                  "echo \"@@gdb exited $?@@\"; wait" % prog_argv)
        self.spawned, self.console = self._linux(script)
        pid = wait_for(lambda: re.search(r"^@@pid (\d+)@@$", read_text(self.console), re.M), 20,
                       "the guest's program to start")
        return Target(None, self.host_path(prog), self.console, pid=int(pid.group(1)))

    def start_gdb(self, args, log, env):
        if self.spawned:
            self.spawned.stdin.write((shlex.join([log] + args) + "\n").encode())
            self.spawned.stdin.flush()
            return GuestGdb(self.spawned, done=lambda: read_text(self.console))
        script = self.INIT + "exec /usr/bin/gdb \"$@\" </dev/null >%s 2>&1" % shlex.quote(log)
        return GuestGdb(self._linux(script, args)[0])

    def gone(self, pid):
        # the program is in the guest: gone when the guest is
        return all(p.poll() is not None for p in self.popens)


BACKENDS = [GdbserverBackend, VmcoreBackend, NativeGdbBackend, GuestGdbBackend]
# The reference stubs, measured for docs/gdbstub.md, not tested in CI:
#   VMCORE_GDB_REFERENCE=1 scripts/run_tests.sh scripts/tests/test_gdb.py -k qemu
# (rr's replay server could be one too, but rr needs hardware performance
# counters, which this machine's VM does not give: docs/gdbstub.md.)
if os.environ.get("VMCORE_GDB_REFERENCE"):
    BACKENDS.append(QemuUserBackend)


@pytest.fixture(params=BACKENDS, ids=lambda b: b.name)
def backend(request, tmp_path):
    b = request.param(tmp_path)
    yield b
    b.cleanup()


def known_failure(backend, request):
    """Mark the running test as a strict expected failure if the backend
    is known to fail it (KNOWN_FAILURES): it must then fail."""
    reason = backend.KNOWN_FAILURES.get(request.node.originalname)
    if reason:
        request.applymarker(pytest.mark.xfail(strict=True, raises=AssertionError,
                                              reason="%s: %s" % (backend.name, reason)))


@pytest.fixture(params=list(FLAVORS), ids=list(FLAVORS))
def flavor(request):
    """The suffix of the program's static or dynamic build."""
    return FLAVORS[request.param]


# -- running gdb ---------------------------------------------------------------

class GdbRun:
    """One gdb session: TEXT, the whole transcript (stdout and stderr), and
    the output of each command."""

    def __init__(self, cmds, text):
        self.cmds, self.text = cmds, text
        parts = re.split(r"@@(\d+)@@\n", text)
        self.head = parts[0]
        self.outs = [""] * len(cmds)
        for i in range(1, len(parts) - 1, 2):
            self.outs[int(parts[i])] += parts[i + 1]

    def out(self, cmd, nth=0):
        """The output of the NTH (from 0) command CMD."""
        idx = [i for i, c in enumerate(self.cmds) if c == cmd]
        assert len(idx) > nth, "no command %r #%d" % (cmd, nth)
        return self.outs[idx[nth]]

    def fail(self, msg):
        raise AssertionError("%s\n--- gdb transcript:\n%s" % (msg, self.text[-12000:]))

    def expect(self, cmd, pattern, nth=0):
        """PATTERN (a regex, multi-line) is in the output of command CMD;
        returns the match."""
        m = re.search(pattern, self.out(cmd, nth), re.M)
        if not m:
            self.fail("the output of %r (#%d) does not match %r:\n%s"
                      % (cmd, nth, pattern, self.out(cmd, nth)))
        return m

    def value(self, cmd, nth=0):
        """The value a print command printed ("$N = VALUE")."""
        return self.expect(cmd, r"^\$\d+ = (.*)$", nth).group(1)


def run_gdb(backend, target, cmds, timeout=GDB_TIMEOUT, during=None):
    """gdb connected to TARGET runs CMDS.  DURING(gdb, transcript), if
    given, runs in a thread meanwhile (to interrupt it): gdb is its Popen,
    transcript() what gdb has printed so far."""
    pre = ["set confirm off", "set pagination off", "set width 0", "set height 0",
           "set debuginfod enabled off"]
    if target.host_path:
        pre.append("file " + target.host_path)
    pre += list(backend.setup) + ([target.connect] if target.connect else [])
    argv = [GDB, "-nx", "-q"]
    for c in pre:
        argv += ["-ex", c]
    for i, c in enumerate(cmds):
        argv += ["-ex", "echo @@%d@@\\n" % i, "-ex", c]
    argv += ["-ex", "echo @@end@@\\n", "-ex", "quit"]
    env = dict(os.environ, DEBUGINFOD_URLS="", LC_ALL="C")
    log = backend._file("gdb.out")
    p = backend.start_gdb(argv[1:], log, env)
    errors = []
    if during:
        def call():
            try:
                during(p, lambda: read_text(log))
            except Exception as e:  # reported with the transcript
                errors.append(e)
                os.killpg(p.pid, signal.SIGKILL)
        th = threading.Thread(target=call, daemon=True)
        th.start()
    try:
        p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        raise AssertionError("gdb timed out after %ss:\n%s" % (timeout, read_text(log)[-12000:]))
    if during:
        th.join(10)
    text = read_text(log)
    target.transcript = text
    run = GdbRun(cmds, text.split("@@end@@\n")[0])
    if errors:
        run.fail("while gdb ran: %r" % errors[0])
    if "@@end@@" not in text:
        run.fail("gdb did not get to the end of its commands (status %s)" % p.returncode)
    if not run.head.strip() or re.search(r"^(.*: )?(Connection refused|Remote communication error|"
                                         r"Remote connection closed).*", run.head, re.M):
        run.fail("gdb did not connect")
    return run


def frame_re(func, args, src, line):
    """A frame line as gdb prints it: "FUNC (ARGS) at SRC:LINE"."""
    return r"%s \(%s\) at %s:%d" % (func, args, re.escape(src), line)


def stop_re(kind, func, args, src, line):
    """The stop report for a breakpoint: "Breakpoint N, FUNC (ARGS) at
    SRC:LINE" (also with "Thread ... hit"), then the source line."""
    return r"^(Thread .* hit )?%s \d+, %s\n%d\t" % (kind, frame_re(func, args, src, line), line)


EXITED_NORMALLY = r"^\[Inferior 1 \(process \d+\) exited normally\]"


# -- the tests -----------------------------------------------------------------

TRANSPORTS = [(b, t) for b in BACKENDS for t in b.TRANSPORTS]


@pytest.mark.parametrize("backend_cls,transport", TRANSPORTS,
                         ids=["%s-%s" % (b.name, t) for b, t in TRANSPORTS])
def test_break_continue(backend_cls, transport, flavor, tmp_path):
    """break at main and at file:line, continue to them, to the end."""
    b = backend_cls(tmp_path)
    try:
        t = b.launch("basic" + flavor, transport=transport)
        bump, first = line_of("basic.c", "bump"), line_of("basic.c", "main_first")
        cmds = ["break main", "break basic.c:%d" % bump, "continue", "continue", "print i",
                "continue", "print i", "delete", "continue"]
        r = run_gdb(b, t, cmds)
        r.expect("break main", r"^Breakpoint 1 at 0x[0-9a-f]+: file basic.c, line %d\.$" % first)
        r.expect("break basic.c:%d" % bump,
                 r"^Breakpoint 2 at 0x[0-9a-f]+: file basic.c, line %d\.$" % bump)
        r.expect("continue", r"^Continuing\.$")
        r.expect("continue", stop_re("Breakpoint", "main", "", "basic.c", first)
                 + r"\s+int x = 6, y = 7;")
        tag = r'n=4, tag=0x[0-9a-f]+ "tag"'
        r.expect("continue", stop_re("Breakpoint", "accumulate", tag, "basic.c", bump), 1)
        assert r.value("print i") == "1", r.out("print i")
        r.expect("continue", stop_re("Breakpoint", "accumulate", tag, "basic.c", bump), 2)
        assert r.value("print i", 1) == "2", r.out("print i", 1)
        r.expect("continue", EXITED_NORMALLY, 3)
        if t.out_path:
            assert t.output() == "basic done\n"
        else:
            assert "basic done\n" in t.output()
    finally:
        b.cleanup()


def test_step_next_finish(backend, flavor):
    """step into a function, next over lines and calls, finish with the
    "Run till exit" and "Value returned" reports; over the pipe transport
    when the backend has it."""
    transport = "pipe" if "pipe" in backend.TRANSPORTS else "tcp"
    t = backend.launch("basic" + flavor, transport=transport)
    first, call_add = line_of("basic.c", "main_first"), line_of("basic.c", "call_add")
    add, call_acc = line_of("basic.c", "add"), line_of("basic.c", "call_accumulate")
    cmds = ["break main", "continue", "next", "step", "finish", "next", "next",
            "step", "next", "finish", "continue"]
    r = run_gdb(backend, t, cmds)
    r.expect("continue", stop_re("Breakpoint", "main", "", "basic.c", first))
    r.expect("next", r"^%d\t\s+int s = add\(x, y\);" % call_add)
    r.expect("step", r"^add \(a=6, b=7\) at basic.c:%d\n%d\t\s+int sum = a \+ b;" % (add, add))
    r.expect("finish", r"^Run till exit from #0 +add \(a=6, b=7\) at basic.c:%d\n"
             r"(0x[0-9a-f]+ in )?main \(\) at basic.c:%d\n%d\t.*\nValue returned is \$\d+ = 13$"
             % (add, call_add, call_add))
    r.expect("next", r"^%d\t\s+avx_probe\(\);" % (call_add + 1), 1)
    r.expect("next", r"^%d\t\s+long t = accumulate" % call_acc, 2)
    r.expect("step", r"^accumulate \(n=4, tag=0x[0-9a-f]+ \"tag\"\) at basic.c:\d+\n", 1)
    r.expect("next", r"^\d+\t\s+for \(int i = 1; i <= n; i\+\+\) \{", 3)
    r.expect("finish", r"^Run till exit from #0 +accumulate \(n=4, tag=0x[0-9a-f]+ \"tag\"\) at "
             r"basic.c:\d+\n(0x[0-9a-f]+ in )?main \(\) at basic.c:%d\n(.*\n)*"
             r"Value returned is \$\d+ = 33$" % call_acc, 1)
    r.expect("continue", EXITED_NORMALLY, 1)
    assert "basic done\n" in t.output()


def test_backtrace_args(backend, flavor):
    """bt shows every frame with its arguments."""
    t = backend.launch("basic" + flavor)
    sq, call_acc = line_of("basic.c", "square"), line_of("basic.c", "call_accumulate")
    cmds = ["break square", "continue", "bt", "continue", "bt", "up", "print n * 10"]
    r = run_gdb(backend, t, cmds)
    frames = (r"^#0 +square \(x=%%d\) at basic.c:%d\n"
              r"#1 +0x[0-9a-f]+ in accumulate \(n=4, tag=0x[0-9a-f]+ \"tag\"\) at basic.c:\d+\n"
              r"#2 +0x[0-9a-f]+ in main \(\) at basic.c:%d\n\Z") % (sq, call_acc)
    r.expect("bt", frames % 1)
    r.expect("bt", frames % 2, 1)
    r.expect("up", r"^#1 +0x[0-9a-f]+ in accumulate \(n=4, ")
    assert r.value("print n * 10") == "40"


def test_print_locals_globals(backend, flavor):
    """info locals, print of locals, arguments and globals; a global
    written by gdb changes what the program computes."""
    t = backend.launch("basic" + flavor)
    bump = line_of("basic.c", "bump")
    cmds = ["break basic.c:%d" % bump, "continue", "continue", "info locals", "print total",
            "print counter", "print greeting", "print tag", "print/x ymm_in[7]",
            "set var counter = 100", "print counter", "delete", "continue"]
    r = run_gdb(backend, t, cmds)
    r.expect("continue", r"^Breakpoint 1, accumulate ", 1)
    r.expect("info locals", r"\Ai = 2\ntotal = 5\n\Z")
    assert r.value("print total") == "5"
    assert r.value("print counter") == "1"
    assert r.value("print greeting") == '0x%s "hello from basic"' % \
        r.expect("print greeting", r"0x([0-9a-f]+)").group(1)
    assert re.fullmatch(r'0x[0-9a-f]+ "tag"', r.value("print tag"))
    assert r.value("print/x ymm_in[7]") == "0x7eadbeef"
    assert r.value("print counter", 1) == "100"
    # counter != 10 at the end: main returns 1
    r.expect("continue", r"^\[Inferior 1 \(process \d+\) exited with code 01\]", 2)


def test_registers(backend, flavor):
    """info registers: the general registers, fs_base (the thread pointer:
    glibc's TCB starts with a pointer to itself), argument registers;
    x/i $pc disassembles the instruction at the breakpoint."""
    t = backend.launch("basic" + flavor)
    cmds = ["break main", "break add", "continue", "x/i $pc", "continue", "info registers",
            "info registers rip", "info registers fs_base",
            "print *(unsigned long *)$fs_base == $fs_base", "print $rdi", "print $rsi",
            "print $pc == $rip", "print/x $eflags & 0x200"]
    r = run_gdb(backend, t, cmds)
    r.expect("x/i $pc", r"^=> 0x[0-9a-f]+ <main\+\d+>:\s+movl\s+\$0x6,-0x[0-9a-f]+\(%rbp\)$")
    r.expect("continue", r"^Breakpoint 2, add \(a=6, b=7\)", 1)
    regs = r.out("info registers")
    for name in ("rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10",
                 "r11", "r12", "r13", "r14", "r15", "rip", "eflags", "cs", "ss", "ds", "es",
                 "fs", "gs"):
        if not re.search(r"^%s +0x[0-9a-f]+ " % name, regs, re.M):
            r.fail("no register %s in info registers" % name)
    r.expect("info registers rip", r"^rip +0x[0-9a-f]+ +0x[0-9a-f]+ <add\+\d+>$")
    fs = int(r.expect("info registers fs_base", r"^fs_base +0x([0-9a-f]+) ").group(1), 16)
    assert fs != 0
    assert r.value("print *(unsigned long *)$fs_base == $fs_base") == "1"
    assert r.value("print $rdi") == "6"
    assert r.value("print $rsi") == "7"
    assert r.value("print $pc == $rip") == "1"
    assert r.value("print/x $eflags & 0x200") == "0x200"   # IF


def cpu_has_avx():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                return "avx" in line.split()
    return False


def test_avx_ymm0(backend, flavor):
    """ymm0 read (both halves: the upper one is in the XSAVE area) and
    written: the program stores what gdb wrote."""
    if not cpu_has_avx():
        pytest.skip("the host CPU has no AVX")
    t = backend.launch("basic" + flavor)
    loaded = line_of("basic.c", "ymm_loaded")
    cmds = ["break basic.c:%d" % loaded, "continue", "print/x $ymm0.v8_int32",
            "info registers ymm0", "set var $ymm0.v8_int32[0] = 0x0badcafe",
            "set var $ymm0.v8_int32[7] = 0x12345678", "print/x $ymm0.v8_int32", "next", "next",
            "print/x ymm_out"]
    r = run_gdb(backend, t, cmds)
    r.expect("continue", r"^Breakpoint 1, avx_probe \(\) at basic.c:%d" % loaded)
    vals = ["0x%d%d%d%d%d%d%d%d" % ((i,) * 8) for i in range(1, 8)] + ["0x7eadbeef"]
    assert r.value("print/x $ymm0.v8_int32") == "{%s}" % ", ".join(vals)
    r.expect("info registers ymm0", r"^ymm0 +\{.*v8_int32 = \{%s\}" % ", ".join(vals))
    r.expect("info registers ymm0", r"v2_int128 = \{0x44444444333333332222222211111111, "
             r"0x7eadbeef777777776666666655555555\}")
    new = ["0xbadcafe"] + vals[1:7] + ["0x12345678"]
    assert r.value("print/x $ymm0.v8_int32", 1) == "{%s}" % ", ".join(new)
    assert r.value("print/x ymm_out") == "{%s}" % ", ".join(new)


def test_hbreak(backend, flavor):
    """A hardware breakpoint stops the program every time its address runs."""
    t = backend.launch("basic" + flavor)
    sq = line_of("basic.c", "square")
    cmds = ["break main", "continue", "hbreak square", "info breakpoints", "continue",
            "continue", "delete", "continue"]
    r = run_gdb(backend, t, cmds)
    r.expect("hbreak square",
             r"^Hardware assisted breakpoint 2 at 0x[0-9a-f]+: file basic.c, line %d\.$" % sq)
    r.expect("info breakpoints", r"^2 +hw breakpoint +keep y +0x[0-9a-f]+ in square at basic.c:%d$"
             % sq)
    r.expect("continue", stop_re("Breakpoint", "square", "x=1", "basic.c", sq), 1)
    r.expect("continue", stop_re("Breakpoint", "square", "x=2", "basic.c", sq), 2)
    r.expect("continue", EXITED_NORMALLY, 3)


def test_watchpoint(backend, flavor):
    """A write watchpoint on a global reports the old and the new value."""
    t = backend.launch("basic" + flavor)
    cmds = ["break accumulate", "continue", "watch counter", "continue", "continue", "continue",
            "delete", "continue"]
    r = run_gdb(backend, t, cmds)
    r.expect("watch counter", r"^Hardware watchpoint 2: counter$")
    for n, (old, new) in enumerate([(0, 1), (1, 3), (3, 6)]):
        r.expect("continue", r"^Hardware watchpoint 2: counter\n\nOld value = %d\nNew value = %d\n"
                 r"accumulate \(n=4, tag=0x[0-9a-f]+ \"tag\"\) at basic.c:\d+$" % (old, new), n + 1)
    r.expect("continue", EXITED_NORMALLY, 4)


def test_catch_syscall_write(backend, flavor):
    """catch syscall write stops at the call (arguments in the registers)
    and at the return (the result in rax)."""
    t = backend.launch("basic" + flavor)
    cmds = ["break main", "continue", "catch syscall write", "continue", "print $rdi",
            "print $rdx", "x/s $rsi", "print $orig_rax", "bt", "continue", "print $rax",
            "delete", "continue"]
    r = run_gdb(backend, t, cmds)
    r.expect("catch syscall write", r"^Catchpoint 2 \(syscall 'write' \[1\]\)$")
    r.expect("continue", r"^Catchpoint 2 \(call to syscall write\), ", 1)
    assert r.value("print $rdi") == "1"
    assert r.value("print $rdx") == "11"
    r.expect("x/s $rsi", r'^0x[0-9a-f]+ <done(\.0)?>:\s+"basic done\\n"$')
    assert r.value("print $orig_rax") == "1"
    r.expect("bt", r"^#\d+ +0x[0-9a-f]+ in main \(\) at basic.c:\d+$")
    r.expect("continue", r"^Catchpoint 2 \(returned from syscall write\), ", 2)
    assert r.value("print $rax") == "11"
    r.expect("continue", EXITED_NORMALLY, 3)
    assert t.output() == "basic done\n"


def test_catch_syscall_from_start(backend, flavor, request):
    """catch syscall from the program's first instruction: every system
    call is reported at its entry, then at its return, in turn."""
    known_failure(backend, request)
    t = backend.launch("basic" + flavor)
    n = 12
    r = run_gdb(backend, t, ["catch syscall"] + ["continue"] * n)
    stops = []
    for i in range(n):
        m = r.expect("continue", r"^Catchpoint 1 \((call to|returned from) syscall (\w+)\), ", i)
        stops.append((m.group(1), m.group(2)))
    for i in range(0, n, 2):
        if stops[i][0] != "call to" or stops[i + 1] != ("returned from", stops[i][1]):
            r.fail("stops %d and %d are not an entry and its return: %r" % (i, i + 1, stops))


def test_threads(backend, flavor):
    """info threads lists the main thread and the eight named workers;
    thread N switches to each, and bt shows where it parked."""
    prog = "threads" + flavor
    t = backend.launch(prog)
    cmds = ["break all_parked", "continue", "info threads"]
    for n in range(1, 10):
        cmds += ["thread %d" % n, "bt"]
    r = run_gdb(backend, t, cmds)
    r.expect("continue", stop_re("Breakpoint", "all_parked", "n=8", "threads.c",
                                 line_of("threads.c", "all_parked")))
    rows = re.findall(r'^(\*)? +(\d+) +Thread \S+(?: \(LWP \d+\))? "([^"]*)" ',
                      r.out("info threads"), re.M)
    if len(rows) != 9:
        r.fail("info threads: %d threads, not 9" % len(rows))
    names = {int(n): name for _, n, name in rows}
    assert [n for star, n, _ in rows if star] == ["1"]
    assert names[1] == prog[:15]
    assert sorted(names[n] for n in range(2, 10)) == ["worker-%d" % i for i in range(8)]
    r.expect("bt", r"^#0 +all_parked \(n=8\) at threads.c:\d+\n#1 +0x[0-9a-f]+ in main \(\)")
    for n in range(2, 10):
        r.expect("thread %d" % n, r"^\[Switching to thread %d \(Thread \S+( \(LWP \d+\))?\)\]" % n)
        worker = int(names[n].split("-")[1])
        bt = r.expect("bt", r"^#\d+ +(0x[0-9a-f]+ in )?park_here \(id=%d\) at threads.c:\d+\n"
                      r"#\d+ +0x[0-9a-f]+ in worker \(arg=0x%x\) at threads.c:\d+$"
                      % (worker, worker), n - 1)
        assert bt


def test_follow_fork_child(backend, flavor):
    """set follow-fork-mode child: gdb follows the child into its code;
    the parent, detached, goes on and sees the child's exit."""
    t = backend.launch("fork" + flavor)
    loop = line_of("fork.c", "child_loop")
    cmds = ["set follow-fork-mode child", "break fork.c:%d" % loop, "continue", "bt",
            "info inferiors", "print i", "delete", "continue"]
    r = run_gdb(backend, t, cmds)
    who = r"(?:Thread|process) (?:0x[0-9a-f]+ \(LWP )?(\d+)(?:\.\d+|\))?"
    m = r.expect("continue", r"^\[Attaching after %s fork to child %s\]$" % (who, who))
    child = m.group(2)
    r.expect("continue", r"^\[New inferior 2 \(process %s\)\]$" % child)
    m = r.expect("continue", r"^\[Inferior 1 \(process (\d+)\) detached\]$")
    assert m.group(1) != child
    r.expect("continue", stop_re("Breakpoint", "child_work", "n=5", "fork.c", loop))
    r.expect("bt", r"^#0 +child_work \(n=5\) at fork.c:%d\n#1 +0x[0-9a-f]+ in main \(\) at fork.c"
             % loop)
    r.expect("info inferiors", r"^\* 2 +process %s " % child)
    assert r.value("print i") == "0"
    r.expect("continue", r"^\[Inferior 2 \(process %s\) exited with code 07\]$" % child, 1)
    out = wait_for(lambda: "parent saw" in t.output() and t.output(), 5, "the parent's output")
    assert out == "child work 10\nparent saw child exit 7\n"


def test_catch_exec(backend, flavor):
    """catch exec stops in the new program; its symbols are loaded and a
    breakpoint in it is hit."""
    target = backend.target_path("execd" + flavor)
    t = backend.launch("execer" + flavor, [target])
    marker = line_of("execd.c", "marker")
    cmds = ["catch exec", "continue", "info inferiors", "break target_marker", "continue", "bt",
            "continue"]
    r = run_gdb(backend, t, cmds)
    r.expect("catch exec", r"^Catchpoint 1 \(exec\)$")
    r.expect("continue", r"^process \d+ is executing new program: (target:)?%s$" % re.escape(target))
    r.expect("continue", r"^Catchpoint 1 \(exec'd (target:)?%s\), " % re.escape(target))
    r.expect("info inferiors", r"^\* 1 +process \d+ .* (target:)?%s *$" % re.escape(target))
    r.expect("continue", stop_re("Breakpoint", "target_marker",
                                 r'arg=0x[0-9a-f]+ "from-execer"', "execd.c", marker), 1)
    r.expect("bt", r"^#1 +0x[0-9a-f]+ in main \(argc=2, argv=0x[0-9a-f]+\) at execd.c:\d+$")
    r.expect("continue", EXITED_NORMALLY, 2)
    assert t.output() == "execer: exec %s\nexecd: from-execer 11\n" % target


def ticks_in(text):
    # whole lines only: a read may catch the program in the middle of one
    return [int(n) for n in re.findall(r"^tick (\d+)\n", text, re.M)]


def test_attach_detach(backend, flavor):
    """attach to a running process (extended-remote): it stops; detach:
    it goes on running."""
    t = backend.spawn("longrun" + flavor, ["20"])
    wait_for(lambda: len(ticks_in(t.output())) >= 3, 10, "longrun's ticks")
    cmds = ["attach %d" % t.pid, "bt", "print ticks", "shell sleep 0.3", "print ticks",
            "info inferiors", "detach", "info inferiors"]
    r = run_gdb(backend, t, cmds)
    r.expect("attach %d" % t.pid, r"^Attaching to (program: \S+, )?process %d$" % t.pid)
    r.expect("bt", r"^#\d+ +0x[0-9a-f]+ in main \(argc=2, argv=0x[0-9a-f]+\) at longrun.c:\d+$")
    n1, n2 = int(r.value("print ticks")), int(r.value("print ticks", 1))
    assert n1 >= 3 and n1 == n2, "the program ran on while attached: %d, %d" % (n1, n2)
    r.expect("info inferiors", r"^\* 1 +process %d +" % t.pid)
    r.expect("detach", r"^\[Inferior 1 \(process %d\) detached\]$" % t.pid)
    r.expect("info inferiors", r"^\* 1 +<null> ", 1)
    # it goes on: ticks beyond the ones it had made when it was stopped
    wait_for(lambda: max(ticks_in(t.output())) >= n1 + 3, 5, "ticks after the detach")
    ticks = ticks_in(t.output())  # one read: it goes on ticking
    assert ticks == list(range(1, max(ticks) + 1))
    assert not backend.gone(t.pid)


def test_kill(backend, flavor):
    """kill ends the program where it stands."""
    t = backend.launch("basic" + flavor)
    cmds = ["break accumulate", "continue", "info inferiors", "kill", "info inferiors"]
    r = run_gdb(backend, t, cmds)
    pid = int(r.expect("info inferiors", r"^\* 1 +process (\d+) ").group(1))
    r.expect("kill", r"^\[Inferior 1 \(process %d\) killed\]$" % pid)
    r.expect("info inferiors", r"^\* 1 +<null> ", 1)
    wait_for(lambda: backend.gone(pid), 5, "the killed process to go")
    assert "basic done" not in t.output()


@pytest.mark.parametrize("mode", ["sleep", "spin"])
def test_interrupt(backend, flavor, mode):
    """Ctrl-C (SIGINT to gdb) stops the running program, asleep in a
    system call or spinning in user code; gdb shows where."""
    t = backend.launch("longrun" + flavor, ["20", mode])

    def ctrl_c(gdb, transcript):
        # twice: when it has ticked 3 times, and when it has ticked 3 times
        # after gdb resumed it
        wait_for(lambda: len(ticks_in(t.output())) >= 3, 10, "longrun's ticks")
        gdb.send_signal(signal.SIGINT)
        wait_for(lambda: transcript().count("Continuing.") == 2, 10, "the second continue")
        n = len(ticks_in(t.output()))
        wait_for(lambda: len(ticks_in(t.output())) >= n + 3, 10, "longrun's ticks")
        gdb.send_signal(signal.SIGINT)
    cmds = ["continue", "bt", "print ticks", "continue", "print ticks", "kill"]
    r = run_gdb(backend, t, cmds, during=ctrl_c)
    for n in (0, 1):
        r.expect("continue", r"^Continuing\.\n(.*\n)*\nProgram received signal SIGINT, "
                 r"Interrupt\.\n(0x[0-9a-f]+ in )?\S+ \(.*\)", n)
    if mode == "spin":
        r.expect("bt", r"^#\d+ +(0x[0-9a-f]+ in )?spin_until \(end=[0-9.]+\) at longrun.c:\d+\n")
    else:
        r.expect("bt", r"^#0 +.*clock_nanosleep")
    r.expect("bt", r"^#\d+ +0x[0-9a-f]+ in main \(argc=3, argv=0x[0-9a-f]+\) at longrun.c:\d+$")
    n1, n2 = int(r.value("print ticks")), int(r.value("print ticks", 1))
    assert 3 <= n1 and n1 + 3 <= n2
    r.expect("kill", r"^\[Inferior 1 \(process \d+\) killed\]$")
    # what it printed: every tick, once, in order
    # (it may have been stopped between ticks++ and the printf)
    printed = ticks_in(t.output())
    assert printed == list(range(1, len(printed) + 1)) and len(printed) in (n2 - 1, n2), printed


def test_info_sharedlibrary(backend, flavor):
    """info sharedlibrary: libc and the dynamic linker for the dynamic
    build, nothing for the static one."""
    t = backend.launch("basic" + flavor)
    r = run_gdb(backend, t, ["break main", "continue", "info sharedlibrary"])
    out = r.out("info sharedlibrary")
    if not flavor:
        assert out == "No shared libraries loaded at this time.\n"
        return
    r.expect("info sharedlibrary", r"^From +To +Syms Read +Shared Object Library$")
    for lib in ("ld-linux-x86-64.so.2", "libc.so.6"):
        r.expect("info sharedlibrary",
                 r"^0x[0-9a-f]+ +0x[0-9a-f]+ +Yes( \(\*\))? +\S*/%s$" % re.escape(lib))


def elf_header(path):
    """(e_entry, e_phoff, e_phnum, the vaddr where the program headers
    are loaded) of an x86-64 ELF file."""
    import struct
    with open(path, "rb") as f:
        data = f.read(1 << 16)
    entry, phoff = struct.unpack_from("<QQ", data, 24)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    phdr_vaddr = None
    for i in range(phnum):
        p_type, _, p_offset, p_vaddr, _, p_filesz = struct.unpack_from("<IIQQQQ", data,
                                                                       phoff + i * phentsize)
        if p_type == 1 and p_offset <= phoff < p_offset + p_filesz and phdr_vaddr is None:
            phdr_vaddr = p_vaddr + phoff - p_offset
    return entry, phoff, phnum, phdr_vaddr


def mappings(run, cmd="info proc mappings"):
    """[(start, end, perms, objfile)] of info proc mappings."""
    rows = re.findall(r"^ +0x([0-9a-f]+) +0x([0-9a-f]+) +0x[0-9a-f]+ +0x[0-9a-f]+ +([rwxps-]{4}) *(.*)$",
                      run.out(cmd), re.M)
    if not rows:
        run.fail("no mappings")
    return [(int(s, 16), int(e, 16), perms, obj.strip()) for s, e, perms, obj in rows]


def test_info_auxv(backend, flavor):
    """info auxv: the auxiliary vector, checked against the program's ELF
    header and its mappings."""
    prog = "basic" + flavor
    t = backend.launch(prog)
    r = run_gdb(backend, t, ["break main", "continue", "info auxv", "info proc mappings"])
    auxv = {}
    for key, val in re.findall(r"^\d+ +(AT_\w+) .*? (0x[0-9a-f]+|\d+)(?: \".*\")?$",
                               r.out("info auxv"), re.M):
        auxv[key] = int(val, 0)
    keys = ("AT_SYSINFO_EHDR",) if backend.HAS_VDSO else ()
    for key in keys + ("AT_HWCAP", "AT_PAGESZ", "AT_CLKTCK", "AT_PHDR", "AT_PHENT",
                "AT_PHNUM", "AT_BASE", "AT_FLAGS", "AT_ENTRY", "AT_UID", "AT_EUID", "AT_GID",
                "AT_EGID", "AT_SECURE", "AT_RANDOM", "AT_EXECFN", "AT_PLATFORM", "AT_NULL"):
        if key not in auxv:
            r.fail("no %s in info auxv" % key)
    entry, phoff, phnum, phdr_vaddr = elf_header(backend.host_path(prog))
    bias = auxv["AT_PHDR"] - phdr_vaddr
    assert auxv["AT_PAGESZ"] == 4096
    assert auxv["AT_PHENT"] == 56
    assert auxv["AT_PHNUM"] == phnum
    assert auxv["AT_ENTRY"] == entry + bias
    r.expect("info auxv", r'^31 +AT_EXECFN +File name of executable +0x[0-9a-f]+ "%s"$'
             % re.escape(backend.target_path(prog)))
    r.expect("info auxv", r'^15 +AT_PLATFORM .* "x86_64"$')
    maps = mappings(r)

    def mapping_of(addr):
        return next((m for m in maps if m[0] <= addr < m[1]), None)
    vdso = [m for m in maps if m[3] == "[vdso]"]
    if backend.HAS_VDSO:
        assert vdso and auxv["AT_SYSINFO_EHDR"] == vdso[0][0]
    else:
        assert not vdso and "AT_SYSINFO_EHDR" not in auxv
    assert mapping_of(auxv["AT_PHDR"])[3] == backend.target_path(prog)
    assert mapping_of(auxv["AT_RANDOM"])[3] == "[stack]"
    if flavor:
        assert bias != 0 and bias % 4096 == 0
        ld = mapping_of(auxv["AT_BASE"])
        assert ld and ld[0] == auxv["AT_BASE"] and ld[3].endswith("/ld-linux-x86-64.so.2")
    else:
        assert bias == 0 and auxv["AT_BASE"] == 0


def test_info_proc_mappings(backend, flavor):
    """info proc mappings: the program's segments, the stack, and libc for
    the dynamic build; the pc and the stack pointer are in the right ones."""
    prog = "basic" + flavor
    t = backend.launch(prog)
    r = run_gdb(backend, t, ["break add", "continue", "info inferiors", "info proc mappings",
                             "print/x $pc", "print/x $sp"])
    pid = r.expect("info inferiors", r"^\* 1 +process (\d+) ").group(1)
    r.expect("info proc mappings", r"^process %s\nMapped address spaces:\n\n +Start Addr +End Addr "
             r"+Size +Offset +Perms +objfile$" % pid)
    maps = mappings(r)
    pc, sp = int(r.value("print/x $pc"), 16), int(r.value("print/x $sp"), 16)
    path = backend.target_path(prog)
    code = [m for m in maps if m[0] <= pc < m[1]]
    assert code and code[0][2] == "r-xp" and code[0][3] == path, code
    stack = [m for m in maps if m[0] <= sp < m[1]]
    assert stack and stack[0][2] == "rw-p" and stack[0][3] == "[stack]", stack
    assert any(m[3] == path and m[2] == "rw-p" for m in maps)
    libc = [m for m in maps if m[3].endswith("/libc.so.6")]
    if flavor:
        assert any(m[2] == "r-xp" for m in libc), maps
    else:
        assert not libc
