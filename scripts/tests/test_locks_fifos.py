"""Issue 12's file interface: file locks (flock, POSIX and OFD record
locks), FIFOs, and the data-movement calls (sendfile, splice, tee,
vmsplice, copy_file_range).  Guest programs lk_*.c run in the guest and
natively, as root and as nobody, and must print the same; then the host's
own flock(1) and sqlite3 (WAL mode) run in the guest."""
import os
import shutil

import pytest

from conftest import (NOBODY, assert_same, run_guest, run_guest_as, run_linux, run_native,
                      run_native_as)


def as_nobody(prog, args, root):
    """The guest and native runs of PROG as nobody.  Skipped while the
    guest has no setgroups (h-cred's branch adds it; asuser needs it)."""
    g = run_guest_as(NOBODY, prog, args, root=root)
    if g.rc == 126 and "asuser: Function not implemented" in g.out:
        pytest.skip("no setgroups in this guest yet: asuser cannot drop its groups")
    return g, run_native_as(NOBODY, prog, args, root=root)


def writable_tmp(root):
    """The copy root's tmp/, writable by nobody as a /tmp is."""
    os.chmod(os.path.join(root, "tmp"), 0o1777)
    return root


LOCK_CASES = ["flock", "posix", "ofd", "deadlock", "intr", "contend", "threads"]


@pytest.mark.parametrize("case", LOCK_CASES)
def test_locks_as_root(tmproot, case):
    writable_tmp(tmproot)
    g = run_guest("lk_locks", [case], root=tmproot)
    n = run_native("lk_locks", [case], root=tmproot)
    assert_same(g, n, "lk_locks " + case)
    assert g.rc == 0 and "done " + case in g.out, g


@pytest.mark.parametrize("case", LOCK_CASES)
def test_locks_as_nobody(tmproot, case):
    writable_tmp(tmproot)
    g, n = as_nobody("lk_locks", [case], tmproot)
    assert_same(g, n, "lk_locks %s as nobody" % case)
    assert g.rc == 0 and "done " + case in g.out, g


def run_host_script_in_guest(script, d, timeout=60):
    """sh SCRIPT /mnt in a guest whose root is the host's "/" (read-only),
    with D mounted at /mnt through hostfs=D."""
    return run_linux(["quiet", "ro", "root=/", "rootfstype=hostfs", "hostfs=" + d,
                      "init=/bin/sh", "--", "-c",
                      "mount -t hostfs none /mnt && sh %s /mnt" % script], timeout=timeout)


@pytest.mark.skipif(not (shutil.which("sqlite3") and shutil.which("flock")),
                    reason="needs the host's sqlite3 and flock(1)")
def test_sqlite_wal_and_flock1_of_the_host(tmp_path):
    """sqlite3 in WAL mode (a second writer gets "database is locked", a
    reader keeps its snapshot while another process commits) and flock(1)
    (-n conflicts, -s sharing, -E), four sqlite3 writers at once, and a
    FIFO between two shells, the same in the guest as natively."""
    from conftest import TESTCASES
    script = os.path.join(TESTCASES, "lk_hostprogs.sh")
    gd, nd = tmp_path / "g", tmp_path / "n"
    gd.mkdir()
    nd.mkdir()
    g = run_host_script_in_guest(script, str(gd))
    import subprocess
    n = subprocess.run(["sh", script, str(nd)], capture_output=True, text=True, timeout=60)
    assert g.rc == 0, g
    assert g.out.replace("\r", "") == n.stdout, (g.out, n.stdout)
    assert "database is locked" in g.out and "inner-ex=1" in g.out and "shared-ex=7" in g.out
    assert "locking protocol" not in g.out and "40|100\nok\nvia-fifo\n" in g.out


def fifo_root(root):
    """A copy root with tmp/ for nobody, and dev/shm and proc to mount on."""
    writable_tmp(root)
    os.makedirs(os.path.join(root, "dev", "shm"), exist_ok=True)
    os.makedirs(os.path.join(root, "proc"), exist_ok=True)
    return root


@pytest.mark.parametrize("where", ["tmp", "shm"])
def test_fifos_as_root(tmproot, where):
    """FIFOs on hostfs (tmp) and tmpfs (shm), and reopened pipes."""
    fifo_root(tmproot)
    g = run_guest("lk_fifo", [where], root=tmproot)
    n = run_native("lk_fifo", [where], root=tmproot)
    assert_same(g, n, "lk_fifo " + where)
    assert g.rc == 0 and g.out.endswith("done\n"), g
    assert "O_WRONLY|O_NONBLOCK, no reader: ENXIO" in g.out
    assert "child O_RDONLY, no writer, signalled: EINTR" in g.out


def test_fifos_as_nobody(tmproot):
    fifo_root(tmproot)
    g, n = as_nobody("lk_fifo", ["tmp", "noproc"], tmproot)
    assert_same(g, n, "lk_fifo as nobody")
    assert g.rc == 0, g


def test_reopened_pipes_in_shells_of_the_host():
    """bash's <(...), cat /dev/stdin and /dev/fd/0 on a pipe, and a FIFO
    between two shells, with the host's programs (root=/, read-only)."""
    if not os.path.exists("/bin/bash"):
        pytest.skip("no /bin/bash")
    script = ("cat <(echo proc-subst) <(echo second); echo one | cat /dev/stdin; "
              "echo two | cat /dev/fd/0; echo three | wc -c < /proc/self/fd/0; "
              "diff <(printf 'a\\nb\\n') <(printf 'a\\nc\\n'); echo diff=$?")
    g = run_linux(["quiet", "ro", "root=/", "rootfstype=hostfs", "init=/bin/sh", "--", "-c",
                   "mount -t proc proc /proc && /bin/bash -c \"$0\"", script], timeout=60)
    import subprocess
    n = subprocess.run(["/bin/bash", "-c", script], capture_output=True, text=True, timeout=30)
    assert g.rc == 0, g
    assert g.out.replace("\r", "") == n.stdout, (g.out, n.stdout)
    assert "proc-subst\nsecond\none\ntwo\n" in g.out


@pytest.mark.parametrize("xdir", [None, "shm"])
def test_splice_family_as_root(tmproot, xdir):
    """sendfile, splice, tee, vmsplice, copy_file_range (EXDEV from hostfs
    to a tmpfs with xdir) and the pipe size fcntls."""
    fifo_root(tmproot)
    args = ["tmp"] + ([xdir] if xdir else [])
    g = run_guest("lk_splice", args, root=tmproot)
    n = run_native("lk_splice", args, root=tmproot)
    assert_same(g, n, "lk_splice")
    assert g.rc == 0 and g.out.endswith("done\n"), g
    for want in ("sendfile to a pipe: 6 off 36", "neither a pipe: EINVAL",
                 "offset on the input pipe: ESPIPE", "tee 100: 6", "blocking splice: 4"):
        assert want in g.out
    if xdir:
        assert "cfr across file systems: EXDEV" in g.out


def test_splice_family_as_nobody(tmproot):
    fifo_root(tmproot)
    g, n = as_nobody("lk_splice", ["tmp"], tmproot)
    assert_same(g, n, "lk_splice as nobody")
    assert "F_SETPIPE_SZ past pipe-max-size: EPERM" in g.out


def test_busybox_cat_uses_sendfile(tmproot):
    """busybox cat copies with sendfile: it was the console's "unimplemented
    system call sendfile" line in the middle of cat's output."""
    fifo_root(tmproot)
    data = "".join("line %d\n" % i for i in range(2000))
    with open(os.path.join(tmproot, "tmp", "lk_cat.txt"), "w") as f:
        f.write(data)
    bb = shutil.which("busybox")
    if not bb:
        pytest.skip("no busybox")
    shutil.copy2(bb, os.path.join(tmproot, "busybox"))
    # not quiet: the kernel names a call it does not implement on the console
    g = run_linux(["root=" + tmproot, "rootfstype=hostfs", "init=/busybox", "--", "sh", "-c",
                   "busybox cat tmp/lk_cat.txt tmp/lk_cat.txt > tmp/lk_cat.out; "
                   "busybox cat tmp/lk_cat.txt | busybox wc -l"])
    assert g.rc == 0, g
    assert g.out.split() == ["2000"], g
    with open(os.path.join(tmproot, "tmp", "lk_cat.out")) as f:
        assert f.read() == data + data
    assert "unimplemented system call sendfile" not in g.out + g.err, g
