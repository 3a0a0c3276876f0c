"""Shared helpers for the vmcore test suite.

A guest program is run as init of a fresh kernel with a hostfs root:
    ./linux quiet root=DIR rootfstype=hostfs init=/PROG -- ARGS
and natively with the same argv[0], environment (HOME=/, TERM=linux) and
working directory, so that outputs and exit statuses can be compared.

The pytest process makes itself a child subreaper: a host process that
./linux leaves behind (a stub, a helper) is reparented to us instead of to
the host's init, so that after every test we can see and reap it.
"""
import ctypes
import difflib
import os
import shutil
import signal
import subprocess
import threading
import time

import pytest

import hostmem

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# The kernel under test: ./linux, or another flavour's (make coverage runs
# the suite on build/cov/linux this way).
LINUX = os.environ.get("VMCORE_LINUX") or os.path.join(REPO, "linux")
TESTCASES = os.path.join(REPO, "build", "testcases")
GUEST_ENV = {"HOME": "/", "TERM": "linux"}
STUB_COMM = "vmcore-stub"
PR_SET_CHILD_SUBREAPER = 36

try:
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
except (OSError, AttributeError):
    pass

# A suite started in the background (`cmd &`, nohup) inherits SIGINT, SIGQUIT
# and SIGHUP ignored, and an ignored signal stays ignored across exec: the
# native runs would then survive what kills them from a terminal, and the
# comparisons with the guest (whose kernel starts its programs with every
# action at its default, as Linux's init does) would fail.  Give the
# suite's children the defaults whatever launched it.
for _sig in (signal.SIGHUP, signal.SIGQUIT, signal.SIGTERM):
    if signal.getsignal(_sig) == signal.SIG_IGN:
        signal.signal(_sig, signal.SIG_DFL)
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def status_of(rc):
    """A subprocess return code as a shell would report it (128+S)."""
    return 128 - rc if rc < 0 else rc


class Run:
    """One run: rc (exit status, 128+S for a signal), out, err (text) and
    seconds.  Unpacks as the tuple (rc, out, err)."""

    def __init__(self, rc, out, err, seconds):
        self.rc, self.out, self.err, self.seconds = rc, out, err, seconds

    def __iter__(self):
        return iter((self.rc, self.out, self.err))

    def __repr__(self):
        return "Run(rc=%r, %.2fs, out=%r, err=%r)" % (self.rc, self.seconds, self.out[-2000:],
                                                      self.err[-2000:])


def run_linux(args, timeout=30, stdin=subprocess.DEVNULL):
    """Run ./linux with the given command line; never leaves it running."""
    t0 = time.monotonic()
    p = subprocess.Popen([LINUX] + list(args), stdin=stdin, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        raise AssertionError("./linux %s timed out after %ss\nstdout: %r\nstderr: %r"
                             % (" ".join(args), timeout, out[-2000:], err[-2000:]))
    return Run(status_of(p.returncode), out.decode(errors="replace"),
               err.decode(errors="replace"), time.monotonic() - t0)


def guest_cmdline(prog, args=(), mem=None, root=None, extra=()):
    """The command line of a guest with PROG as init.  MEM: mem=; in a
    test marked hole(), mem=32M unless the test names its own."""
    cmd = ["quiet"]
    mem = mem or _bound.mem
    if mem:
        cmd.append("mem=" + mem)
    cmd += ["root=" + (root or TESTCASES), "rootfstype=hostfs", "init=/" + prog] + list(extra)
    if args:
        cmd += ["--"] + list(args)
    return cmd


def run_guest(prog, args=(), mem=None, root=None, extra=(), timeout=20):
    """PROG (a file in ROOT, default build/testcases) as init of a fresh
    ./linux; extra: more kernel command-line words."""
    return run_linux(guest_cmdline(prog, args, mem, root, extra), timeout=timeout)


def run_native(prog, args=(), root=None, timeout=20, chroot=False):
    """PROG run on the host as the guest would run it: argv[0] "/PROG", the
    guest's environment, cwd ROOT, and a session of its own: like the
    guest's init, it leads its session and its process group is orphaned
    (the job-control rules then agree, whatever session pytest runs in).
    chroot=True runs it chrooted in ROOT (needs root), where "/" means the
    same as in the guest."""
    root = root or TESTCASES
    t0 = time.monotonic()
    kw = {"executable": os.path.join(root, prog), "cwd": root}
    if chroot:
        def enter():
            os.chroot(root)
            os.chdir("/")
        kw = {"executable": "/" + prog, "preexec_fn": enter}
    try:
        p = subprocess.run(["/" + prog] + list(args), env=GUEST_ENV, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=timeout, start_new_session=True, **kw)
    except subprocess.TimeoutExpired as e:
        raise AssertionError("native %s timed out after %ss: %r" % (prog, timeout, e.stdout))
    return Run(status_of(p.returncode), p.stdout.decode(errors="replace"),
               p.stderr.decode(errors="replace"), time.monotonic() - t0)


# A private mount namespace for a native run that mounts things, as the
# guest's init does: unshare -m, then / made private where it can be (in a
# chroot, such as fresh-check's, / is no mount point and unshare's own
# --propagation private fails; the host's / is private on these machines,
# so nothing made inside reaches it).
PRIVATE_MOUNTS = ["unshare", "-m", "--propagation", "unchanged", "/bin/sh", "-c",
                  'mount --make-rprivate / 2>/dev/null; exec "$@"', "sh"]

NOBODY = (65534, 65534)


def run_guest_as(ids, prog, args=(), **kw):
    """PROG run in the guest as uid:gid IDS (no supplementary groups), by
    testcases/asuser under init; kw as run_guest (root: a copy must hold
    asuser too).  The guest's cwd is its root, where PROG is."""
    return run_guest("asuser", [str(ids[0]), str(ids[1]), prog] + list(args), **kw)


def run_native_as(ids, prog, args=(), root=None, timeout=20):
    """The native run of run_guest_as: the same wrapper, started as root
    in ROOT (default build/testcases), drops to IDS and runs PROG."""
    return run_native("asuser", [str(ids[0]), str(ids[1]), prog] + list(args), root=root,
                      timeout=timeout)


def assert_same(g, n, what=""):
    """The guest run G and the native run N printed the same and ended
    with the same status; on failure, a diff of the outputs."""
    if g.out != n.out or g.rc != n.rc:
        diff = "".join(difflib.unified_diff(n.out.splitlines(True), g.out.splitlines(True),
                                            "native", "guest", n=2))
        raise AssertionError("%s: guest and native differ (status guest %d, native %d)\n%s"
                             "guest stderr:\n%s\nnative stderr:\n%s"
                             % (what, g.rc, n.rc, diff, g.err[-3000:], n.err[-1000:]))


# -- host processes ---------------------------------------------------------

def proc_stat(pid):
    """(comm, state, ppid, starttime) of a host process, or None."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            stat = f.read()
    except OSError:
        return None
    comm = stat[stat.index("(") + 1:stat.rindex(")")]
    rest = stat[stat.rindex(")") + 2:].split()
    return comm, rest[0], int(rest[1]), int(rest[19])


def all_procs():
    """{pid: (comm, state, ppid, starttime)} of every host process."""
    res = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            st = proc_stat(int(d))
            if st:
                res[int(d)] = st
    return res


def stub_pids():
    """Host processes that are vmcore stubs (running or not yet reaped)."""
    return [p for p, st in all_procs().items() if st[0] == STUB_COMM]


def descendants(pid, procs=None):
    """{pid: starttime} of the processes below PID now (a snapshot)."""
    procs = procs or all_procs()
    found, todo = {}, [pid]
    while todo:
        parent = todo.pop()
        for p, st in procs.items():
            if st[2] == parent and p not in found:
                found[p] = st[3]
                todo.append(p)
    return found


def reap_orphans():
    """Reap our zombie children that nobody waits for: processes left by
    ./linux and reparented to us (the subreaper).  Only ever by pid."""
    me = os.getpid()
    for p, st in all_procs().items():
        if st[2] == me and st[1] == "Z" and st[0] != "linux":
            try:
                os.waitpid(p, os.WNOHANG)
            except ChildProcessError:
                pass


def live_leftovers(before, also=None):
    """Live processes that should be gone (BEFORE: {pid: starttime} of the
    processes that were there already):
    - any process below us (our ./linux and its stubs, or what was left by
      an ./linux and reparented to us, the subreaper);
    - a vmcore-stub whose parent is not a ./linux (orphaned; a stub of
      some other ./linux running on the host at the same time is not ours);
    - the processes of ALSO ({pid: starttime}, e.g. a snapshot of ./linux's
      children) that still exist as the same process."""
    reap_orphans()
    procs = all_procs()
    ours = set(descendants(os.getpid(), procs))
    live = {}
    for p, (comm, state, ppid, start) in procs.items():
        if state in ("Z", "X") or before.get(p) == start:
            continue
        parent = procs.get(ppid, ("",))[0]
        if p in ours or (comm == STUB_COMM and parent != "linux") or \
                (also and also.get(p) == start):
            live[p] = "%s (ppid %d %s, state %s)" % (comm, ppid, parent, state)
    return live


def wait_no_leftovers(before, also=None, seconds=2.0):
    """Wait (reaping is asynchronous) until live_leftovers() is empty;
    return what is left then."""
    end = time.monotonic() + seconds
    while True:
        left = live_leftovers(before, also)
        if not left or time.monotonic() > end:
            return left
        time.sleep(0.05)


def snapshot():
    """{pid: starttime} of every host process, for live_leftovers()."""
    return {p: st[3] for p, st in all_procs().items()}


def wait_no_stubs(before, seconds=2.0):
    """Wait until no stub (or reparented orphan) outside BEFORE (a
    collection of pids) is alive; return the leftovers' pids."""
    procs = all_procs()
    before = {p: procs[p][3] for p in before if p in procs}
    return sorted(wait_no_leftovers(before, seconds=seconds))


def kill_leftovers(left):
    for p in left:
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass
    time.sleep(0.1)
    reap_orphans()


# -- host memory: the bound of the isolation tests ---------------------------

HOST_MEMORY_LIMIT = 300 << 20
BOUND_MEM = "32M"
LINUX_EXE = os.path.realpath(LINUX)


class HostMemoryBound:
    """While a test marked hole(N) runs: its guests get mem=32M (unless it
    names its own mem=), and every ./linux it starts (a child of pytest
    whose executable is LINUX) is watched.  Peaks kept per pid:
      - "hwm": ./linux's peak RSS (VmHWM, read every 10 ms while it runs,
        and exactly, from wait4's ru_maxrss, when subprocess reaps it);
      - "total": hostmem.host_memory() (the kernel's anonymous memory, the
        resident part of physmem and the stubs' own memory), every 50 ms.
    Any of them at HOST_MEMORY_LIMIT fails the test."""

    def __init__(self):
        self.mem = None
        self.peaks = {}
        self._stop = threading.Event()
        self._thread = None

    def start(self):
        self.mem, self.peaks = BOUND_MEM, {}
        self._stop.clear()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def stop(self):
        self.mem = None
        if self._thread:
            self._stop.set()
            self._thread.join()
            self._thread = None
        return self.peaks

    def _peak(self, pid, what, value, cmdline=None):
        peak = self.peaks.setdefault(pid, {"hwm": 0, "total": 0, "cmdline": cmdline})
        peak[what] = max(peak[what], value)
        if cmdline and not peak["cmdline"]:
            peak["cmdline"] = cmdline

    def exact(self, pid, maxrss, args):
        if self.mem:
            self._peak(pid, "hwm", maxrss, " ".join(args[1:]))

    def _linuxes(self):
        for pid in hostmem.children_of(os.getpid()):
            try:
                if os.readlink("/proc/%d/exe" % pid) == LINUX_EXE:
                    yield pid
            except OSError:
                pass

    def _watch(self):
        n = 0
        while not self._stop.wait(0.01):
            for pid in self._linuxes():
                self._peak(pid, "hwm", hostmem.vm_hwm_kib(pid) * 1024)
                if n % 5 == 0:
                    self._peak(pid, "total", hostmem.host_memory(pid)["total"])
            n += 1


_bound = HostMemoryBound()


def _try_wait_with_rusage(self, wait_flags):
    """subprocess.Popen's own wait (3.11's _try_wait) by wait4: when a
    ./linux is reaped, its peak RSS (ru_maxrss: its own, or that of a
    child it reaped, whichever is larger) goes to the bound, exactly,
    however the test started or ended it."""
    try:
        pid, sts, ru = os.wait4(self.pid, wait_flags)
    except ChildProcessError:
        return self.pid, 0
    if pid == self.pid and isinstance(self.args, (list, tuple)) and self.args and \
            self.args[0] == LINUX:
        _bound.exact(pid, ru.ru_maxrss * 1024, self.args)
    return pid, sts


if hasattr(subprocess.Popen, "_try_wait"):
    subprocess.Popen._try_wait = _try_wait_with_rusage


def bound_mem_words():
    """["mem=32M"] in a test marked hole(), for a command line made by hand."""
    return ["mem=" + _bound.mem] if _bound.mem else []


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "hole(n): a regression test of an isolation hole (docs/security.md): its "
        "guests run with mem=32M, and no ./linux it starts may reach 300 MiB of host memory")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Each phase's report on the item (item.rep_setup, item.rep_call), for
    fixtures that judge at teardown."""
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


@pytest.fixture(autouse=True)
def host_memory_bound(request):
    """The bound of tests marked hole() (HostMemoryBound)."""
    if request.node.get_closest_marker("hole") is None:
        yield
        return
    _bound.start()
    try:
        yield
    finally:
        peaks = _bound.stop()
    over = {pid: pk for pid, pk in peaks.items()
            if max(pk["hwm"], pk["total"]) >= HOST_MEMORY_LIMIT}
    print("host memory of %d ./linux: peak RSS %.1f MiB, peak total %.1f MiB"
          % (len(peaks), max([pk["hwm"] for pk in peaks.values()] + [0]) / 2**20,
             max([pk["total"] for pk in peaks.values()] + [0]) / 2**20))
    ran = getattr(request.node, "rep_call", None)
    assert peaks or not ran or not ran.passed, "no ./linux was measured"
    assert not over, "./linux over %d MiB of host memory: %r" % (HOST_MEMORY_LIMIT >> 20, over)


@pytest.fixture
def tmproot(tmp_path):
    """A writable hostfs root holding the test programs."""
    root = tmp_path / "root"
    root.mkdir()
    for name in os.listdir(TESTCASES):
        src = os.path.join(TESTCASES, name)
        if os.path.isfile(src):
            shutil.copy2(src, root / name)
        elif os.path.isdir(src):
            (root / name).mkdir()
    return str(root)


@pytest.fixture
def procroot(tmproot):
    """tmproot with a /proc for the guest's init (or asuser) to mount."""
    os.makedirs(os.path.join(tmproot, "proc"), exist_ok=True)
    return tmproot


@pytest.fixture(autouse=True)
def coverage_per_test(request):
    """With VMCORE_COVERAGE_PER_TEST=DIR (a coverage build under test), each
    test's kernels write their gcov data under DIR/<test id>/ (libgcov's
    GCOV_PREFIX), so that the report can tell which tests reach what."""
    top = os.environ.get("VMCORE_COVERAGE_PER_TEST")
    if not top:
        yield
        return
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in request.node.nodeid)
    old = os.environ.get("GCOV_PREFIX")
    os.environ["GCOV_PREFIX"] = os.path.join(top, name)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("GCOV_PREFIX", None)
        else:
            os.environ["GCOV_PREFIX"] = old


@pytest.fixture(autouse=True)
def no_leftover_processes():
    """After every test: no stub and no orphan of ./linux is left running."""
    before = snapshot()
    yield
    left = wait_no_leftovers(before)
    if left:
        kill_leftovers(left)
    assert not left, "processes left running on the host: %r" % left


@pytest.fixture(autouse=True)
def tmp_path_removed_after_pass(request):
    """A passing test's tmp_path goes when it ends: a writable root is a
    copy of every test program (about 160 MB), and pytest 7.2 keeps the
    last three sessions' directories whole (tens of GB after one run).  A
    failing test's directory stays for a look."""
    path = request.getfixturevalue("tmp_path") if "tmp_path" in request.fixturenames else None
    yield
    rep = getattr(request.node, "rep_call", None)
    if path is not None and rep is not None and rep.passed:
        for dirpath, dirnames, _ in os.walk(path):
            for d in dirnames:  # a guest's chmod 000 directory stays removable
                full = os.path.join(dirpath, d)
                if not os.path.islink(full):  # never through a link out of the tree
                    try:
                        os.chmod(full, 0o700)
                    except OSError:
                        pass
        shutil.rmtree(path, ignore_errors=True)
