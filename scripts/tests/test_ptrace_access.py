"""ptrace access checks (docs/ptrace.md): process_vm_readv/writev on a
child as root and as nobody, the guest against native; Yama's
ptrace_scope in the guest."""
import os

import pytest

from conftest import NOBODY, assert_same, run_guest, run_guest_as, run_native, run_native_as


@pytest.mark.parametrize("pie", ["", "-pie"])
@pytest.mark.parametrize("who", ["root", "nobody"])
def test_pvm_basic(tmproot, who, pie):
    prog = "pvm_basic" + pie
    if who == "root":
        g, n = run_guest(prog, root=tmproot), run_native(prog, root=tmproot)
    else:
        g, n = run_guest_as(NOBODY, prog, root=tmproot), run_native_as(NOBODY, prog, root=tmproot)
    assert_same(g, n, prog + " as " + who)
    assert n.rc == 0
    for line in ("read data: child-secret-data", "child sees: parent-wrote-it", "partial across unmapped: 100",
                 "text write: EFAULT", "flags 1: EINVAL", "esrch: ESRCH", "zero len esrch: 0"):
        assert line in n.out.splitlines()
    assert ("non-dumpable child: 4" if who == "root" else "non-dumpable child: EPERM") in n.out.splitlines()


YAMA_EXPECT = """scope 1 write: 1
sibling: EPERM
after PR_SET_PTRACER_ANY: sibling
after PR_SET_PTRACER 0: EPERM
nobody write: -13
PR_SET_PTRACER bad pid: EINVAL
root reads sibling: sibling
scope 0 write: 1
sibling: sibling
root reads sibling: sibling
scope 2 write: 1
sibling: EPERM
root reads sibling: sibling
scope 3 write: 1
sibling: EPERM
root reads sibling: EPERM
scope 1 after 3: -22
"""


def test_yama_scopes_guest(tmproot):
    """Guest only: it writes kernel.yama.ptrace_scope (the host's is never
    touched; this host has no Yama).  Expected lines are Linux's Yama:
    scope 1 lets a non-descendant in only after PR_SET_PTRACER, 0 lets in
    a same-uid dumpable process, 2 only CAP_SYS_PTRACE, 3 nobody and it
    sticks; writes need CAP_SYS_PTRACE (nobody: EACCES at open)."""
    os.makedirs(os.path.join(str(tmproot), "proc"), exist_ok=True)
    g = run_guest("pvm_yama", root=tmproot)
    assert g.rc == 0, g.err
    assert g.out == YAMA_EXPECT
