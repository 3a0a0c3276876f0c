"""Processes, threads, signals, timers, robustness, and programs of the
host: fork/exec/wait, pthreads, signal delivery, the fuzzers, dynamic
programs from a read-only hostfs view of the host."""
import os

import pytest

from conftest import TESTCASES, run_guest, run_linux, run_native


@pytest.mark.parametrize("prog", ["signals", "threads", "timers", "signals-pie", "threads-pie"])
def test_against_native(prog):
    g = run_guest(prog)
    n = run_native(prog)
    assert g.out == n.out, "guest: %r\nnative: %r\nguest stderr: %r" % (g.out, n.out, g.err)
    assert g.rc == n.rc == 0


@pytest.mark.parametrize("prog", ["execs", "execs-pie"])
def test_exec_family(prog):
    g = run_guest(prog, ["/" + prog])
    n = run_native(prog, [os.path.join(TESTCASES, prog)])
    assert g.out == n.out, "guest: %r\nnative: %r\nguest stderr: %r" % (g.out, n.out, g.err)
    assert g.rc == n.rc == 0


@pytest.mark.parametrize("seed", ["1", "2", "3"])
def test_fuzz_mm_keeps_the_kernel_up(seed):
    g = run_guest("fuzz_mm", ["20000", seed], timeout=120)
    assert g.rc == 0 and "survived 20000" in g.out, g
    assert "Oops" not in g.err and "panic" not in g.err


def test_fuzz_syscalls_keeps_the_kernel_up():
    g = run_guest("fuzz_syscalls", ["100000"], timeout=120)
    assert g.rc == 0 and "survived 100000" in g.out, g
    assert "Oops" not in g.err and "panic" not in g.err


def test_dynamic_programs_of_the_host():
    r = run_linux(["quiet", "ro", "root=/", "rootfstype=hostfs", "init=/bin/sh", "--", "-c",
                   "ls / >/dev/null && echo ls-ok; /usr/bin/python3 -c 'print(6*7)'; "
                   "{ echo x > /tmp/vmcore-ro-test; } 2>/dev/null || echo ro-refused"])
    assert r.rc == 0, r
    assert r.out.split() == ["ls-ok", "42", "ro-refused"], r
