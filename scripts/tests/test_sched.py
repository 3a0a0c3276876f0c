"""Scheduling parameters (vmcore/kernel/sched.c): niceness and policies
with Linux's permission rules, compared with native runs as root and as
nobody.  The program only ever changes itself and its own child."""
import pytest

from conftest import NOBODY, assert_same, run_guest, run_guest_as, run_native, run_native_as


def test_nice_and_policies_as_root():
    g = run_guest("sched_nice")
    assert_same(g, run_native("sched_nice"), "sched_nice as root")
    assert "SCHED_FIFO 10: ok" in g.out, g


def test_nice_and_policies_as_nobody():
    """RLIMIT_NICE 0 and no CAP_SYS_NICE: lowering the niceness is EACCES,
    a real-time policy EPERM, leaving SCHED_IDLE EPERM."""
    g = run_guest_as(NOBODY, "sched_nice")
    assert_same(g, run_native_as(NOBODY, "sched_nice"), "sched_nice as nobody")
    assert "setpriority 3 (lower): EACCES" in g.out and "SCHED_FIFO 10: EPERM" in g.out, g
