"""ptrace access checks (docs/ptrace.md): process_vm_readv/writev on a
child as root and as nobody, the guest against native; Yama's
ptrace_scope in the guest."""
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
