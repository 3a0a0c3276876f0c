"""seccomp(2) for guest tasks (kernel/seccomp.c): testcases/seccomp's
sections run natively and in the guest, as root and as nobody, and
compared: strict mode, each filter action (ERRNO, TRAP's siginfo, the
kills' wait statuses, TRACE with and without a PTRACE_O_TRACESECCOMP
tracer, LOG, USER_NOTIF), stacking precedence and the path limit,
inheritance over fork, threads and exec, no_new_privs, the checks of a
program, EFAULT, GET_ACTION_AVAIL/GET_NOTIF_SIZES, the vsyscall page,
TSYNC; /proc/PID/status's Seccomp lines."""
import os

import pytest

from conftest import NOBODY, assert_same, run_guest, run_guest_as, run_native, run_native_as

SECTIONS = ["strict", "errno", "trap", "kill", "stack", "inherit", "nnp", "einval", "efault",
            "avail", "trace", "vsyscall", "tsync"]


@pytest.fixture
def root(tmproot):
    """tmproot with a /proc for the guest's init (or asuser) to mount"""
    os.makedirs(os.path.join(tmproot, "proc"), exist_ok=True)
    return tmproot


@pytest.mark.parametrize("variant", ["", "-pie"])
@pytest.mark.parametrize("section", SECTIONS)
def test_seccomp_as_root(root, section, variant):
    prog = "seccomp" + variant
    g = run_guest(prog, [section], root=root)
    assert_same(g, run_native(prog, [section]), section)
    assert g.rc == 0 and "FAIL" not in g.out and g.out.count("ok ") >= 3, g


@pytest.mark.parametrize("section", SECTIONS)
def test_seccomp_as_nobody(root, section):
    g = run_guest_as(NOBODY, "seccomp", [section], root=root)
    assert_same(g, run_native_as(NOBODY, "seccomp", [section]), section)
    assert g.rc == 0 and "FAIL" not in g.out and g.out.count("ok ") >= 3, g


def test_seccomp_kill_is_logged(root):
    """a kill by a filter leaves the audit line Linux prints (type 1326)"""
    g = run_guest("seccomp", ["kill"], root=root, extra=["loglevel=7"])
    assert g.rc == 0, g
    assert "audit: type=1326" in g.err and "sig=31" in g.err and "syscall=110" in g.err, g
