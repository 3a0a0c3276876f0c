"""Shared helpers for the vmcore test suite.

A guest program is run as init of a fresh kernel with a hostfs root:
    ./linux quiet root=DIR rootfstype=hostfs init=/PROG -- ARGS
and natively with the same argv[0], environment (HOME=/, TERM=linux) and
working directory, so that outputs and exit statuses can be compared.
"""
import os
import shutil
import signal
import subprocess
import time

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LINUX = os.path.join(REPO, "linux")
TESTCASES = os.path.join(REPO, "build", "testcases")
GUEST_ENV = {"HOME": "/", "TERM": "linux"}


def status_of(rc):
    """A subprocess return code as a shell would report it (128+S)."""
    return 128 - rc if rc < 0 else rc


class Run:
    def __init__(self, rc, out, err, seconds):
        self.rc, self.out, self.err, self.seconds = rc, out, err, seconds

    def __repr__(self):
        return "Run(rc=%r, out=%r, err=%r)" % (self.rc, self.out[-2000:], self.err[-2000:])


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


def run_guest(prog, args=(), root=TESTCASES, mem=None, extra=(), timeout=30):
    cmd = ["quiet"]
    if mem:
        cmd.append("mem=" + mem)
    cmd += ["root=" + root, "rootfstype=hostfs", "init=/" + prog] + list(extra)
    if args:
        cmd += ["--"] + list(args)
    return run_linux(cmd, timeout=timeout)


def run_native(prog, args=(), root=TESTCASES, timeout=30):
    t0 = time.monotonic()
    p = subprocess.run(["/" + prog] + list(args), executable=os.path.join(root, prog),
                       cwd=root, env=GUEST_ENV, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=timeout)
    return Run(status_of(p.returncode), p.stdout.decode(errors="replace"),
               p.stderr.decode(errors="replace"), time.monotonic() - t0)


def stub_pids():
    """Host processes that are vmcore stubs (running or not yet reaped)."""
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                stat = f.read()
        except OSError:
            continue
        if "(vmcore-stub)" in stat:
            pids.append(int(d))
    return pids


def wait_no_stubs(before, seconds=3.0):
    """Wait until no stub outside `before` is alive; return the leftovers."""
    end = time.monotonic() + seconds
    while True:
        left = [p for p in stub_pids() if p not in before]
        live = []
        for p in left:
            try:
                with open("/proc/%d/stat" % p) as f:
                    state = f.read().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state != "Z":
                live.append(p)
        if not live or time.monotonic() > end:
            return live
        time.sleep(0.05)


@pytest.fixture
def tmproot(tmp_path):
    """A writable hostfs root holding the test programs."""
    root = tmp_path / "root"
    root.mkdir()
    for name in os.listdir(TESTCASES):
        src = os.path.join(TESTCASES, name)
        if os.path.isfile(src):
            shutil.copy2(src, root / name)
    return str(root)


@pytest.fixture(autouse=True)
def no_leftover_stubs():
    before = set(stub_pids())
    yield
    left = wait_no_stubs(before)
    assert not left, "stub processes left running on the host: %r" % left
