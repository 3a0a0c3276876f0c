"""What vmcore leaves on the host: the stub's address space, processes
after every way of ending, and start-up time."""
import os
import signal
import statistics
import subprocess
import time

from conftest import LINUX, TESTCASES, run_guest, stub_pids, wait_no_stubs


def start(prog, *extra):
    return subprocess.Popen([LINUX, "quiet", "root=" + TESTCASES, "rootfstype=hostfs",
                             "init=/" + prog] + list(extra), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


def wait_for_stub(before, timeout=10):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        new = [p for p in stub_pids() if p not in before]
        if new:
            return new
        time.sleep(0.02)
    raise AssertionError("no stub process appeared")


def test_stub_maps_hold_only_guest_memory():
    before = set(stub_pids())
    p = start("spin")
    try:
        assert p.stdout.readline() == b"spinning\n"
        (pid,) = wait_for_stub(before)
        maps = open("/proc/%d/maps" % pid).read()
        for line in maps.splitlines():
            f = line.split()
            lo = int(f[0].split("-")[0], 16)
            name = f[5] if len(f) > 5 else ""
            assert "[vdso]" not in line and "[vvar]" not in line and "[stack]" not in line \
                and "[heap]" not in line, maps
            if name == "[vsyscall]":
                continue  # the host's, in every process, not removable
            assert name.startswith("/memfd:vmcore-physmem") or \
                (lo >= 0x7f0000000000 and name.startswith("/memfd:vmcore-stub")), maps
        assert "/memfd:vmcore-stub" in maps and "/memfd:vmcore-physmem" in maps
    finally:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()


def test_no_stub_left_after_kill_9():
    before = set(stub_pids())
    p = start("spin")
    assert p.stdout.readline() == b"spinning\n"
    wait_for_stub(before)
    p.send_signal(signal.SIGKILL)  # ./linux only, not its group
    p.wait()
    assert not wait_no_stubs(before), "stubs survived kill -9 of ./linux"


def test_no_stub_left_after_harness_timeout():
    before = set(stub_pids())
    p = start("spin")
    try:
        p.communicate(timeout=0.5)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
    assert not wait_no_stubs(before)


def test_no_stub_left_after_sigterm():
    before = set(stub_pids())
    p = start("spin")
    assert p.stdout.readline() == b"spinning\n"
    p.terminate()
    p.wait(timeout=10)
    assert p.returncode == 128 + signal.SIGTERM
    assert not wait_no_stubs(before)


def test_no_stub_left_after_each_normal_end():
    for prog, rc in (("hello", 0), ("segv", 139), ("poweroff", 0), ("exit42", 42)):
        before = set(stub_pids())
        assert run_guest(prog).rc == rc
        assert not wait_no_stubs(before), prog


def test_hello_starts_and_exits_fast():
    times = []
    for _ in range(5):
        t0 = time.monotonic()
        r = subprocess.run([LINUX, "root=" + TESTCASES, "rootfstype=hostfs", "init=/hello"],
                           capture_output=True, timeout=10)
        times.append(time.monotonic() - t0)
        assert r.returncode == 0
    med = statistics.median(times)
    assert med < 0.1, "median %.3fs over %r" % (med, times)
