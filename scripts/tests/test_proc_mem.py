"""/proc/PID/mem (fs/proc_mem.c) and the access checks of the /proc/PID
files a debugger reads (environ, auxv, maps, the fd, exe, cwd, root and
ns links), testcases/procmem against native: as root (which also runs a
nobody prober against root-owned, saved-uid-root and non-dumpable
processes) and as nobody."""
import os

import pytest

from conftest import NOBODY, assert_same, run_guest, run_guest_as, run_linux, run_native, run_native_as


@pytest.fixture
def root(tmproot):
    """tmproot with a /proc for the guest's init (or asuser) to mount"""
    os.makedirs(os.path.join(tmproot, "proc"), exist_ok=True)
    return tmproot


def lines(out):
    return set(out.splitlines())


@pytest.mark.parametrize("pie", ["", "-pie"])
def test_proc_mem_as_root(root, pie):
    prog = "procmem" + pie
    g, n = run_guest(prog, root=root, timeout=60), run_native(prog, root=root)
    assert_same(g, n, prog + " as root")
    assert n.rc == 0 and "fails: 0" in n.out
    got = lines(n.out)
    for line in ("pread data: 17", "pread unmapped: EIO", "pread across end: 100", "seek end: EINVAL",
                 "read high: EIO", "read high overflow: EOVERFLOW", "ok child text changed",
                 "ok file unchanged", "read old fd after exec: 0", "read after reap: 0",
                 "nondumpable mem: 0", "root process open mem: EACCES", "root process open maps: EACCES",
                 "root process readlink exe: EACCES", "saved uid root open mem: EACCES",
                 "saved uid root opendir fd: 0", "saved uid root readlink fd/0: EACCES",
                 "saved uid root open fdinfo/0: EACCES", "own child opendir fdinfo: 0",
                 "own child open mem rdwr: 0", "own nondumpable child open environ: EACCES",
                 "prober status: 0"):
        assert line in got, line


@pytest.mark.parametrize("pie", ["", "-pie"])
def test_proc_mem_as_nobody(root, pie):
    prog = "procmem" + pie
    g = run_guest_as(NOBODY, prog, root=root, timeout=60)
    n = run_native_as(NOBODY, prog, root=root)
    assert_same(g, n, prog + " as nobody")
    assert n.rc == 0 and "fails: 0" in n.out
    got = lines(n.out)
    for line in ("pwrite text: 8", "nondumpable mem: EACCES", "nondumpable environ: EACCES",
                 "nondumpable maps: EACCES", "nondumpable self opendir fd: 0",
                 "nondumpable self open mem: EACCES", "nondumpable self open maps: 0",
                 "not root: no cross-user checks"):
        assert line in got, line


@pytest.mark.skipif(not os.path.exists("/usr/bin/gdb"), reason="no host gdb")
def test_host_gdb_uses_proc_mem():
    """The host's gdb run in the guest (with the guest's /proc mounted; a
    hostfs root=/ shows the host's own /proc dir otherwise) reads its
    inferior through /proc/PID/mem: without one it warns and falls back
    to PTRACE_PEEKDATA."""
    g = run_linux(["quiet", "ro", "root=/", "rootfstype=hostfs", "init=/bin/sh", "--", "-c",
                   "mount -t proc proc /proc && exec /usr/bin/gdb -batch -nx -ex run /bin/true"],
                  timeout=120)
    assert g.rc == 0, g
    assert "exited normally" in g.out, g
    assert "/mem file" not in g.out + g.err, g
