"""Credentials and permissions (issue 12): the setuid family, groups,
setfsuid, capabilities and their prctl options, exec's credential rules,
the VFS's permission checks, chmod/chown, access, kill's permission, a
read-only mount, and hostfs's owners, umask and exec-without-writing
(docs/permissions.md).

Every guest program runs in a copy root (tmproot) in the guest and
natively, as root and as nobody (conftest.NOBODY), and the two outputs
must be the same; each test also names lines that must be there, so that
two equally wrong runs do not pass."""
import os
import shutil
import subprocess

import pytest

from conftest import (NOBODY, assert_same, run_guest, run_guest_as, run_native, run_native_as)

WHO = ["root", "nobody"]


def both(who, prog, args, root, extra=()):
    """The guest run and the native run of PROG as WHO."""
    if who == "root":
        g = run_guest(prog, args, root=root, extra=extra)
        n = run_native(prog, args, root=root)
    else:
        g = run_guest_as(NOBODY, prog, args, root=root, extra=extra)
        n = run_native_as(NOBODY, prog, args, root=root)
    return g, n


def has(run, *lines):
    out = run.out.splitlines()
    for line in lines:
        assert line in out, "missing %r in:\n%s" % (line, run.out)


@pytest.mark.parametrize("who", WHO)
def test_ids_groups_fsuid(tmproot, who):
    g, n = both(who, "cred_ids", [], tmproot)
    assert_same(g, n, "cred_ids as " + who)
    assert n.rc == 0
    if who == "root":
        has(n, "groups: n=3 100 200 300", "child groups: n=3 100 200 300", "groups: 100 200 300",
            "setgroups 65537: EINVAL",
            "getgroups(0) after: 65536", "setfsuid 1234: 0", "setfsuid -1: 1234",
            "after setresuid (fsuid back to 0): eff=all-10800021f perm=all inh=none",
            "caps (saved uid 0): eff=none perm=all inh=none", "caps (euid back to 0): eff=all perm=all inh=none",
            "caps (all nonzero): eff=none perm=none inh=none", "pdeathsig kept: 10",
            "pdeathsig after euid change: 0", "caps (keepcaps): eff=none perm=all inh=none",
            "setuid 0: EPERM")
    else:
        has(n, "setuid 0: EPERM", "setgroups 0: EPERM", "setfsuid 0: 65534", "setfsuid -1: 65534")


def test_setuid_reaches_every_thread(tmproot):
    """Credentials are per thread; the C library's setuid, setgroups...
    make every thread of the process change (its SIGSETXID broadcast)."""
    g, n = both("root", "cred_thread", [], tmproot)
    assert_same(g, n, "cred_thread")
    has(n, "thread before: uid=0,0,0 gid=0,0,0 groups=0", "raw setresgid: OK",
        "thread after raw: uid=0,0,0 gid=0,0,0 groups=0",
        "thread after: uid=1000,1000,1000 gid=2000,2000,2000 groups=2",
        "main: uid=1000,1000,1000 gid=2000,2000,2000 groups=2")


def caps_scratch(root):
    d = os.path.join(root, "cd")
    os.mkdir(d)
    os.mkdir(os.path.join(d, "other_dir"))
    for name, mode in (("other_secret", 0o600), ("root_zero", 0)):
        with open(os.path.join(d, name), "w") as f:
            f.write(name)
        os.chmod(os.path.join(d, name), mode)
    os.chown(os.path.join(d, "other_secret"), 1234, 1234)
    os.chown(os.path.join(d, "other_dir"), 1234, 1234)
    return "cd"


@pytest.mark.parametrize("who", WHO)
def test_capget_capset_prctl_exec(tmproot, who):
    d = caps_scratch(tmproot)
    g, n = both(who, "cred_caps", [d], tmproot)
    assert_same(g, n, "cred_caps as " + who)
    has(n, "capget v12345678: EINVAL version back 20080522 word1 untouched",
        "capget v19980330: OK version back 19980330 word1 untouched", "capbset read 41: EINVAL",
        "set nnp 2: EINVAL", "get nnp: 1")
    if who == "root":
        has(n, "capbset drop chown: OK", "capbset read chown: 0",
            "root with noroot: uid=0,0,0 gid=0,0,0 fsuid=0 fsgid=0", "ambient raise kill: OK",
            "keepcaps after exec: 0")
    else:
        has(n, "capbset drop chown: EPERM", "set securebits noroot: EPERM")


def test_root_without_capabilities_meets_eperm(tmproot):
    """A guest root that dropped every capability with capset is refused
    where Linux refuses it."""
    d = caps_scratch(tmproot)
    g, n = both("root", "cred_caps", [d], tmproot)
    assert_same(g, n, "cred_caps")
    for line in ("capset all zero: OK", "caps: eff=none perm=none inh=none",
                 "open 0600 file of uid 1234 for reading: EACCES", "open own 0000 file: EACCES",
                 "chown own file to 1234: EPERM", "chmod file of uid 1234: EPERM",
                 "create in 0755 dir of uid 1234: EACCES", "mknod char device: EPERM", "setuid 1234: EPERM",
                 "setgroups: EPERM", "chroot: EPERM", "mount tmpfs: EPERM", "capbset drop: EPERM",
                 "set securebits: EPERM", "raise hard rlimit: EPERM", "reboot: EPERM",
                 "capset raise back: EPERM"):
        has(g, line)


@pytest.mark.parametrize("who", WHO)
def test_vfs_permissions(tmproot, who):
    """cred_perm setup (root) then check (as WHO), in the guest and
    natively, each on a fresh tree."""
    runs = []
    for side in ("native", "guest"):
        shutil.rmtree(os.path.join(tmproot, "ct"), ignore_errors=True)
        run = run_native if side == "native" else run_guest
        s = run("cred_perm", ["setup", "ct"], root=tmproot)
        assert s.rc == 0, s
        if who == "root":
            c = run("cred_perm", ["check", "ct"], root=tmproot)
        else:
            c = (run_native_as if side == "native" else run_guest_as)(NOBODY, "cred_perm", ["check", "ct"],
                                                                       root=tmproot)
        runs.append((s, c))
    (ns, nc), (gs, gc) = runs
    assert_same(gs, ns, "cred_perm setup")
    assert_same(gc, nc, "cred_perm check as " + who)
    has(nc, "open ro_file r: OK", "exec exec_nox: EACCES", "access exec_nox: OK OK %s EACCES %s"
        % (("OK", "OK") if who == "root" else ("EACCES", "EACCES")), "truncate wdir2: EISDIR")
    if who == "root":
        has(nc, "open secret r: OK", "unlink sticky/rootfile: OK", "euid nobody: access secret: OK",
            "euid nobody: eaccess secret: EACCES", "fsuid nobody: open secret: EACCES",
            "suppl group: open grp_file r: OK", "stat suid_chown: 100755 0:0", "stat suid_root: 106775 0:0",
            "chroot wdir: OK")
    else:
        has(nc, "open ro_file noatime: EPERM", "open mine noatime: OK",
            "setfl noatime ro_file: EPERM", "open secret r: EACCES", "stat nosearch/inner: EACCES", "unlink sticky/rootfile: EPERM",
            "link secret into wdir: EPERM", "mknod char in wdir: EPERM", "chmod ro_file: EPERM",
            "chown mine to root: EPERM", "stat suid_mine: 100775 65534:65534", "stat sgid_dir/f: 100755 65534:1234",
            "stat sgid_dir/d: 42755 65534:1234", "chmod mine_sgid 02755 (gid 0): OK",
            "stat mine_sgid: 100755 65534:0", "exec exec_only: status 0", "chroot wdir: EPERM")


@pytest.mark.parametrize("who", WHO)
def test_vfs_permissions_on_tmpfs(tmproot, who):
    """The same on a tmpfs (owner, group and mode kept per inode): in the
    guest a tmpfs the program mounts, natively one the test mounts."""
    ct = os.path.join(tmproot, "ct")
    os.mkdir(ct)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=0755", "none", ct]).returncode:
        pytest.skip("no tmpfs mounts here")
    try:
        n = run_native("cred_tmpfs", ["ct", who], root=tmproot)
    finally:
        subprocess.run(["umount", ct], check=True)
    g = run_guest("cred_tmpfs", ["ct", who, "mount"], root=tmproot)
    assert_same(g, n, "cred_tmpfs as " + who)
    has(n, "setup: status 0", "check: status 0", "stat sgid_dir: 42777 0:1234", "exec exec_nox: EACCES")
    if who == "nobody":
        has(n, "unlink sticky/rootfile: EPERM", "stat wdir/new0: 100000 65534:65534", "chown mine to root: EPERM",
            "stat suid_mine: 100775 65534:65534", "mknod char in wdir: EPERM")
    assert os.listdir(ct) == []


@pytest.mark.parametrize("who", WHO)
def test_setid_programs(tmproot, who):
    runs = []
    for side in ("native", "guest"):
        shutil.rmtree(os.path.join(tmproot, "ce"), ignore_errors=True)
        run = run_native if side == "native" else run_guest
        assert run("cred_exec", ["setup", "ce"], root=tmproot).rc == 0
        if who == "root":
            runs.append(run("cred_exec", ["check", "ce"], root=tmproot))
        else:
            runs.append((run_native_as if side == "native" else run_guest_as)(NOBODY, "cred_exec", ["check", "ce"],
                                                                              root=tmproot))
    n, g = runs
    assert_same(g, n, "cred_exec as " + who)
    if who == "nobody":
        has(n, "suid_root: uid=65534,0,0 gid=65534,65534,65534 fsuid=0 fsgid=65534",
            "suid_root nnp: uid=65534,65534,65534 gid=65534,65534,65534 fsuid=65534 fsgid=65534",
            "sgid_nogx: uid=65534,65534,65534 gid=65534,65534,65534 fsuid=65534 fsgid=65534", "AT_SECURE=1")
    else:
        has(n, "suid_1234: uid=0,1234,1234 gid=0,0,0 fsuid=1234 fsgid=0", "caps: eff=none perm=all inh=none")


def test_kill_permission(tmproot):
    g, n = both("root", "cred_kill", [], tmproot)
    assert_same(g, n, "cred_kill")
    has(n, "uid 2000: sig0 EPERM usr1 EPERM cont OK",
        "uid 2000 other session: sig0 EPERM usr1 EPERM cont EPERM",
        "root without CAP_KILL: sig0 EPERM usr1 EPERM cont OK", "real 2000 eff 1000: sig0 OK usr1 OK cont OK",
        "target exited 0")


def test_read_only_mount_is_erofs(tmproot):
    """Natively a read-only bind mount, in the guest a read-only hostfs
    mount of the same directory (hostfs=); root and nobody alike.  Both
    are nosuid too: a set-user-ID program there does not change ids."""
    src, mnt = os.path.join(tmproot, "rosrc"), os.path.join(tmproot, "romnt")
    os.makedirs(os.path.join(src, "sub"))
    os.mkdir(mnt)
    with open(os.path.join(src, "file"), "w") as f:
        f.write("data\n")
    os.chmod(os.path.join(src, "file"), 0o666)
    os.chmod(os.path.join(src, "sub"), 0o777)
    suid = os.path.join(src, "suid_1234")
    shutil.copy(os.path.join(tmproot, "cred_showid"), suid)
    os.chown(suid, 1234, 1234)
    os.chmod(suid, 0o4755)
    if subprocess.run(["mount", "--bind", "-o", "ro,nosuid", src, mnt]).returncode:
        pytest.skip("no bind mounts here")
    try:
        n = run_native("cred_ro", ["romnt"], root=tmproot)
    finally:
        subprocess.run(["umount", mnt], check=True)
    g = run_guest("cred_ro", ["romnt", "mount"], root=tmproot, extra=["hostfs=" + src])
    assert_same(g, n, "cred_ro")
    out = n.out.splitlines()
    assert out.count("open file w: EROFS") == 2 and out.count("access w: EROFS") == 2, n
    assert out.count("open file r: OK") == 2 and out.count("create in sub: EROFS") == 2, n
    assert "nosuid mount: uid=65534,65534,65534 gid=65534,65534,65534 fsuid=65534 fsgid=65534" in out, n
    assert sorted(os.listdir(src)) == ["file", "sub", "suid_1234"]


@pytest.mark.parametrize("who", WHO)
def test_hostfs_umask_and_owner(tmproot, who):
    """umask 0 gives 0666 (the host's umask no longer applies on top), and
    a file the guest creates belongs to the creator, on the host too."""
    results = []
    for side in ("native", "guest"):
        d = os.path.join(tmproot, "um")
        shutil.rmtree(d, ignore_errors=True)
        os.mkdir(d)
        os.chmod(d, 0o777)
        if side == "native":
            r = run_native("cred_umask", ["um"], root=tmproot) if who == "root" else \
                run_native_as(NOBODY, "cred_umask", ["um"], root=tmproot)
        else:
            r = run_guest("cred_umask", ["um"], root=tmproot) if who == "root" else \
                run_guest_as(NOBODY, "cred_umask", ["um"], root=tmproot)
        host = {name: (os.lstat(os.path.join(d, name)).st_mode, os.lstat(os.path.join(d, name)).st_uid)
                for name in os.listdir(d)}
        results.append((r, host))
    (n, nh), (g, gh) = results
    assert_same(g, n, "cred_umask as " + who)
    assert gh == nh
    uid = 0 if who == "root" else NOBODY[0]
    assert gh["f0"] == (0o100666, uid) and gh["d27"] == (0o40750, uid) and gh["suid"] == (0o104755, uid)


def test_exec_does_not_write_the_file(tmproot):
    """Running programs from hostfs (many execs, forks and exits, so that
    their inodes are dropped) leaves their host files' mtimes alone."""
    old = 1_000_000_000
    progs = ("cred_caps", "cred_showid", "asuser")
    for p in progs:
        os.utime(os.path.join(tmproot, p), (old, old))
    d = caps_scratch(tmproot)
    g = run_guest_as(NOBODY, "cred_caps", [d], root=tmproot)
    assert g.rc == 0 and "plain: uid=65534,65534,65534" in g.out, g
    g = run_guest("cred_caps", [d], root=tmproot)
    assert g.rc == 0 and g.out.count("AT_SECURE=0") >= 5, g
    for p in progs:
        assert os.stat(os.path.join(tmproot, p)).st_mtime == old, p
