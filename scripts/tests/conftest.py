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
import time

import pytest

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
    cmd = ["quiet"]
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
