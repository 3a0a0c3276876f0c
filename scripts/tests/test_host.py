"""What vmcore leaves on the host: the stub's address space, processes
after every way of ending, and start-up time."""
import os
import signal
import statistics
import subprocess
import time

import pytest

from conftest import (LINUX, TESTCASES, descendants, guest_cmdline, run_guest, snapshot,
                      stub_pids, wait_no_leftovers)


def start(prog, *args):
    """./linux running PROG from build/testcases, in its own session."""
    return subprocess.Popen([LINUX] + guest_cmdline(prog, args), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


def wait_for_stubs(linux, timeout=10):
    """The stub processes of ./linux (pid LINUX), once there is one."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        kids = descendants(linux)
        stubs = [p for p in kids if p in set(stub_pids())]
        if stubs:
            return stubs
        time.sleep(0.02)
    raise AssertionError("no vmcore-stub process appeared under ./linux")


def stop(p):
    """Make sure ./linux (started by start()) is gone."""
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
    for f in (p.stdout, p.stderr):
        if f and not f.closed:
            f.close()


def test_stub_maps_hold_only_guest_memory():
    """A stub's address space holds the guest's pages (the physmem memfd)
    and, above the highest of them, the stub's own few pages (at most
    2 MiB at the top of user space): no vDSO, stack, heap or anything
    else of a host program.  The maps are in every failure message."""
    p = start("pause_forever")
    try:
        assert p.stdout.readline() == b"pausing\n"
        stubs = wait_for_stubs(p.pid)
        assert len(stubs) == 1, stubs
        with open("/proc/%d/comm" % stubs[0]) as f:
            assert f.read().strip() == "vmcore-stub"
        maps = open("/proc/%d/maps" % stubs[0]).read()
        lines = []
        for line in maps.splitlines():
            f = line.split()
            lo, hi = (int(x, 16) for x in f[0].split("-"))
            name = f[5] if len(f) > 5 else ""
            for bad in ("[vdso]", "[vvar]", "[stack]", "[heap]"):
                assert bad not in line, "%s in the stub:\n%s" % (bad, maps)
            if name == "[vsyscall]":
                continue  # the host kernel's, in every process, cannot be unmapped
            lines.append((lo, hi, name.startswith("/memfd:vmcore-physmem"), line))
        # the stub area starts at the lowest page that is not guest memory
        # (physmem); it may hold physmem pages of its own (read-only data)
        foreign = [lo for lo, hi, phys, line in lines if not phys]
        assert foreign, "no stub code in the stub:\n" + maps
        area = min(foreign)
        guest = [hi for lo, hi, phys, line in lines if phys and hi <= area]
        assert guest, "no guest memory below the stub area:\n" + maps
        top = max(hi for lo, hi, phys, line in lines)
        assert top - area <= 2 << 20, "the stub area spans %#x-%#x (more than 2 MiB):\n%s" % (
            area, top, maps)
        assert area >= 1 << 46, "the stub area %#x is not at the top of user space:\n%s" % (
            area, maps)
    finally:
        stop(p)


@pytest.mark.parametrize("prog", ["spin", "pause_forever"])
def test_nothing_left_after_kill_9(prog):
    """kill -9 of ./linux alone (not its group) while the guest runs in
    user mode (spin) or sleeps in a system call (pause_forever)."""
    before = snapshot()
    p = start(prog)
    try:
        p.stdout.readline()
        wait_for_stubs(p.pid)
        kids = descendants(p.pid)
        p.send_signal(signal.SIGKILL)
        p.wait()
        left = wait_no_leftovers(before, kids)
        assert not left, "left behind after kill -9 of ./linux: %r" % left
    finally:
        stop(p)


def test_nothing_left_after_harness_timeout():
    """What a test harness does on a timeout: Popen.kill() (SIGKILL to
    ./linux only) after communicate() timed out."""
    before = snapshot()
    p = start("spin")
    try:
        p.stdout.readline()
        kids = descendants(p.pid)
        try:
            p.communicate(timeout=0.5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
        left = wait_no_leftovers(before, kids)
        assert not left, "left behind after a harness timeout: %r" % left
    finally:
        stop(p)


def test_nothing_left_after_sigterm():
    before = snapshot()
    p = start("spin")
    try:
        assert p.stdout.readline() == b"spinning\n"
        kids = descendants(p.pid)
        p.terminate()
        p.wait(timeout=10)
        assert p.returncode == 128 + signal.SIGTERM
        assert not wait_no_leftovers(before, kids)
    finally:
        stop(p)


@pytest.mark.parametrize("prog,args,rc", [("hello", [], 0), ("segv", [], 139),
                                          ("nullderef", [], 139), ("poweroff", [], 0),
                                          ("poweroff", ["halt"], 0), ("exit42", [], 42)])
def test_nothing_left_after_each_normal_end(prog, args, rc):
    """init exits, dies of SIGSEGV, or powers the machine off: ./linux
    ends with the right status and takes every process with it (an orphan
    would be reparented to the test process, a subreaper)."""
    before = snapshot()
    r = run_guest(prog, args)
    assert r.rc == rc, r
    left = wait_no_leftovers(before)
    assert not left, "left behind after %s: %r" % (prog, left)


def test_hello_starts_and_exits_fast():
    """Boot, run a static hello as init, exit: median of 5 under 100 ms."""
    times = []
    for _ in range(5):
        t0 = time.monotonic()
        r = subprocess.run([LINUX, "root=" + TESTCASES, "rootfstype=hostfs", "init=/hello"],
                           capture_output=True, timeout=10)
        times.append(time.monotonic() - t0)
        assert r.returncode == 0 and r.stdout == b"hello, world\n", r
    med = statistics.median(times)
    print("hello: median %.1f ms of %s" % (med * 1000, ["%.1f" % (t * 1000) for t in times]))
    assert med < 0.1, "median %.1f ms over %s ms" % (med * 1000,
                                                     ["%.1f" % (t * 1000) for t in times])
