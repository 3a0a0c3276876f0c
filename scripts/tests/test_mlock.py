"""mlock, mlock2, munlock, mlockall and munlockall against native runs, as
root and as nobody (where RLIMIT_MEMLOCK applies), with VmLck; and locked
memory charged like all guest memory (mem= bounds it)."""
from conftest import NOBODY, assert_same, run_guest, run_guest_as, run_native, run_native_as


def test_mlock_like_linux_as_root(procroot):
    g = run_guest("mlock", root=procroot)
    n = run_native("mlock")
    assert n.rc == 0 and "after exec: VmLck 0" in n.out, n
    assert_same(g, n, "mlock as root")


def test_mlock_like_linux_as_nobody(procroot):
    g = run_guest_as(NOBODY, "mlock", root=procroot)
    n = run_native_as(NOBODY, "mlock")
    assert n.rc == 0 and "mlock with limit 0: EPERM" in n.out, n
    assert_same(g, n, "mlock as nobody")


def test_mlockall_is_bounded_by_mem(procroot):
    """Under mlockall(MCL_CURRENT|MCL_FUTURE) a mapping far larger than
    mem= is refused (as Linux's overcommit heuristic does); mappings that
    fit are populated whole when made."""
    g = run_guest("mlock", ["big"], mem="64M", root=procroot)
    assert g.rc == 0, g
    assert "big mmap: ENOMEM" in g.out and "fits: populated yes" in g.out, g.out
    assert "locked MiBs resident: 32" in g.out, g.out
