"""File metadata and data calls (issue 12): times, statfs, extended
attributes, fallocate and friends, on tmpfs and on hostfs, each compared
with the same program run natively (testcases/fm_*.c; see fm_common.h for
how a program sets up its tmpfs or host directory).  Unprivileged runs
drop to nobody inside the program, after it has mounted its tmpfs as
root."""
import os
import subprocess

import pytest

from conftest import assert_same, run_guest, run_native, NOBODY

FS = ["tmpfs", "host"]


def both(root, prog, args):
    os.chmod(root, 0o755)
    g = run_guest(prog, args, root=root)
    # the native run gets a fresh copy: the guest's run left its files
    n = run_native(prog, args, root=root + "-n")
    assert_same(g, n, prog + " " + " ".join(args))
    return g


@pytest.fixture
def roots(tmproot):
    """the guest's root and a copy for the native run"""
    import shutil
    shutil.copytree(tmproot, tmproot + "-n", symlinks=True)
    os.chmod(tmproot + "-n", 0o755)
    return tmproot


@pytest.mark.parametrize("fs", FS)
def test_times_root(roots, fs):
    g = both(roots, "fm_times", [fs])
    assert "utimensat explicit: 0" in g.out
    assert "write: atime same mtime advanced ctime advanced" in g.out
    assert "chmod: atime same mtime same ctime advanced" in g.out
    assert "read: atime advanced" in g.out


@pytest.mark.parametrize("fs", FS)
def test_times_nobody(roots, fs):
    g = both(roots, "fm_times", [fs, str(NOBODY[0])])
    assert "touch root 0644: EACCES" in g.out
    assert "set root 0666: EPERM" in g.out
    assert "touch root 0666: 0" in g.out


@pytest.mark.parametrize("fs", FS)
def test_xattr_root(roots, fs):
    g = both(roots, "fm_xattr", [fs])
    for line in ["create existing: EEXIST", "replace missing: ENODATA", "value 65537: E2BIG",
                 "name 256: ERANGE", "get small buffer: ERANGE", "lset symlink: EPERM",
                 "lget symlink: ENODATA", "no namespace: EOPNOTSUPP"]:
        assert line in g.out
    if fs == "tmpfs":
        assert "a fourth: ENOSPC" in g.out and "now it fits: 0" in g.out
        assert "set ro: EROFS" in g.out


@pytest.mark.parametrize("fs", FS)
def test_xattr_nobody(roots, fs):
    g = both(roots, "fm_xattr", [fs, str(NOBODY[0])])
    assert "set r644: EACCES" in g.out and "sticky dir: EPERM" in g.out
    if fs == "tmpfs":
        assert "get trusted: ENODATA" in g.out and "set trusted: EPERM" in g.out


@pytest.mark.parametrize("fs", FS)
def test_statfs_fallocate(roots, fs):
    g = both(roots, "fm_data", [fs])
    for line in ["punch without keep size: EOPNOTSUPP", "past the largest file: EFBIG",
                 "falloc read-only fd: EBADF", "falloc dir: EBADF", "falloc pipe: ESPIPE",
                 "fadvise bad advice: EINVAL", "readahead pipe: EINVAL", "syncfs bad: EBADF"]:
        assert line in g.out
    if fs == "tmpfs":
        assert "empty: type 0x1021994 bsize 4096 blocks 64 bfree 64" in g.out
        assert "falloc more than is left: ENOSPC" in g.out
        assert "g size 0 blocks 0" in g.out
        assert "create ro: EROFS" in g.out and "flags 0x1021" in g.out
        assert "proc: type 0x9fa0" in g.out


HOST_SCRIPT = r"""
export TZ=UTC LC_ALL=C
mount -t proc proc /proc 2>/dev/null
mount -t tmpfs -o size=1m,nr_inodes=100 tmpfs /mnt || exit 3
%(hostmount)s
for d in /mnt /srv; do
  cd $d || exit 4
  touch -d '2001-02-03 04:05:06.5' a && stat -c "$d a %%y" a
  touch -r a b && stat -c "$d b %%y %%x" b
  touch -m -d '2002-01-01 00:00:00' a && stat -c "$d a %%y %%x" a
  ls -l a 2>&1 | cut -c1-10
done
cd /mnt
stat -f -c 'tmpfs %%T %%t %%b %%f %%a %%c %%d %%l %%s %%S' .
df -k /mnt | tail -1 | awk '{print "df", $2, $3, $4, $5}'
echo hello > c
df -k /mnt | tail -1 | awk '{print "df", $2, $3, $4, $5}'
ls -l /proc/self/status 2>&1 | cut -c1-10
stat -f -c 'root bsize %%s namelen %%l blocks %%b' /
df / >/dev/null && echo df-root-ok
stat -f -c 'root type %%t' / >&2
"""


def test_host_programs(tmp_path):
    """The host's coreutils (touch -d/-r, stat -f, df, ls -l) in a guest
    whose root is the host's / (read-only), on a tmpfs and on a hostfs
    directory, against the same script natively in a mount namespace."""
    hdir = tmp_path / "h"
    hdir.mkdir()
    script = tmp_path / "s.sh"
    script.write_text(HOST_SCRIPT % {"hostmount": "mount -t hostfs none /srv || exit 5"})
    from conftest import run_linux
    g = run_linux(["quiet", "ro", "root=/", "rootfstype=hostfs", "hostfs=" + str(hdir),
                   "init=/bin/sh", "--", str(script)], timeout=30)
    nscript = tmp_path / "n.sh"
    nscript.write_text(HOST_SCRIPT % {"hostmount": "mount --bind %s /srv || exit 5" % hdir})
    for f in hdir.iterdir():
        f.unlink()
    from conftest import PRIVATE_MOUNTS
    n = subprocess.run(PRIVATE_MOUNTS + ["sh", str(nscript)],
                       capture_output=True, text=True, timeout=30)
    gout = "\n".join(l for l in g.out.splitlines() if "vmcore:" not in l and "root type" not in l)
    assert gout.strip() == n.stdout.strip(), (g, n.stdout, n.stderr)
    assert "root type c0ffee" in g.out, g  # HOSTFS_SUPER_MAGIC, as UML's hostfs
    assert "df-root-ok" in gout and "/srv a 2002-01-01 00:00:00" in gout
    assert "Function not implemented" not in g.out


@pytest.mark.parametrize("fs", FS)
def test_rename_opath_close_range_getdents(roots, fs):
    g = both(roots, "fm_misc", [fs])
    for line in ["noreplace onto existing: EEXIST", "exchange: 0", 'b holds "A"',
                 "exchange|noreplace: EINVAL", "O_PATH read: EBADF", "O_PATH fstat: 0",
                 "fd 21: EBADF", "fd 23 flags: 1", "fd 24: EBADF",
                 "getdents: 3 names, x is type 8"]:
        assert line in g.out
    if fs == "tmpfs":
        assert "c after whiteout: chr 0:0" in g.out


@pytest.mark.parametrize("fs", FS)
def test_tmpfile_openat2(roots, fs):
    g = both(roots, "fm_open2", [fs])
    for line in ["size 23: EINVAL", "size 64 nonzero tail: E2BIG", "size 8192: E2BIG",
                 "mode without O_CREAT: EINVAL", "no_symlinks rel: ELOOP",
                 "beneath ..: EXDEV", "beneath e/..: 0", "beneath abs link: EXDEV",
                 "in_root ../../e/f: 0", "cached O_CREAT: EAGAIN"]:
        assert line in g.out
    if fs == "tmpfs":
        assert "O_TMPFILE: 0\nnlink 0 size 3\nlinkat empty path: 0" in g.out
        assert "linkat of O_EXCL tmpfile: ENOENT" in g.out
        assert "no_magiclinks: ELOOP" in g.out and "no_xdev into proc: EXDEV" in g.out


def test_mount_bind_move_flags(roots):
    """bind and move mounts, noexec and nodev, remount of a mount's own
    flags, propagation changes on mount points and other paths"""
    g = both(roots, "fm_mountflags", [])
    for line in ["read dst/a: \"A\"", "mountinfo dst: root /src rw", "bind dir on file: ENOTDIR",
                 "move into itself: ELOOP", "move not a mount: EINVAL", "mountinfo m1: none",
                 "exec from tmpfs: ran, exit 7", "exec from noexec: EACCES", "mmap exec: EPERM",
                 "mprotect exec: EACCES", "open nd/null: EACCES", "create on ro: EROFS",
                 "private src: EINVAL", "umount nd: EBUSY"]:
        assert line in g.out


def test_tmpfs_umount_gives_back(tmproot):
    """an unmounted tmpfs's files go back to the guest's memory: 300 rounds
    of 1 MiB each under mem=32M (a kernel that kept them fails by round 30)"""
    g = run_guest("fm_mountflags", ["cycle", "300"], root=tmproot, mem="32M", timeout=60)
    assert "cycle: 300 rounds" in g.out, g.out[-2000:]


@pytest.mark.parametrize("fs", FS)
@pytest.mark.parametrize("who", ["-", str(NOBODY[0])])
def test_dnotify_and_sigio_owner(roots, fs, who):
    """fcntl F_NOTIFY (one-shot and multishot, SIGIO and F_SETSIG's signal
    with si_fd, rename's three events, the directory's own attributes,
    removal by mask 0 and by closing a duplicate) and the owner calls"""
    g = both(roots, "fm_dnotify", [fs, who])
    for line in ["F_NOTIFY on a file: ENOTDIR", "create a: 1 x SIGIO, code 128", "create b, one shot: none",
                 "rename sub: 3 x RTMIN+1, code 3, fd ours", "attrib of d: 1 x RTMIN+1",
                 "after F_NOTIFY 0: none", "create f after closing a dup: none", "F_GETOWN is us: 1"]:
        assert line in g.out
