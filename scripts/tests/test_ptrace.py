"""ptrace(2) for guest tracers (kernel/ptrace.c): testcases/pt_basic's
sections run natively and in the guest, as root and as nobody, and
compared: stops and their wait statuses, memory and registers, syscall
stops that change and skip calls, signals suppressed and injected,
attach/detach, the fork/exec/exit events, seize and interrupt,
PTRACE_GET_SYSCALL_INFO, single steps, and the errors."""
import os

import pytest

from conftest import NOBODY, assert_same, run_guest, run_guest_as, run_native, run_native_as

SECTIONS = ["traceme", "syscalls", "signals", "exec", "attach", "events", "steps", "errors"]


@pytest.fixture
def root(tmproot):
    """tmproot with a /proc for the guest's init (or asuser) to mount"""
    os.makedirs(os.path.join(tmproot, "proc"), exist_ok=True)
    return tmproot


@pytest.mark.parametrize("section", SECTIONS)
def test_ptrace_as_root(root, section):
    g = run_guest("pt_basic", [section], root=root)
    assert_same(g, run_native("pt_basic", [section]), section)
    assert g.rc == 0 and "FAIL" not in g.out and g.out.count("\n") >= 3, g


@pytest.mark.parametrize("section", SECTIONS)
def test_ptrace_as_nobody(root, section):
    g = run_guest_as(NOBODY, "pt_basic", [section], root=root)
    assert_same(g, run_native_as(NOBODY, "pt_basic", [section]), section)
    assert g.rc == 0 and "FAIL" not in g.out, g
