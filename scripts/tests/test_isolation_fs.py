"""Isolation at the host's file system and descriptors, and the host
terminal (docs/security.md): guest hostfs mounts stay under hostfs=DIR
and honour ro; RLIMIT_NOFILE and file-max as Linux has them; the kernel's
own host descriptors are never exhausted by guest opens; the host
terminal is restored however ./linux ends."""
import os
import shutil

import pytest

from hostmem import host_fds, vm_rss_kib
from conftest import TESTCASES, run_guest, run_native, assert_same


def make_tree(tmp_path, progs):
    """tmp/root (the guest's root, with PROGS and /mnt1../mnt6),
    tmp/allowed (for hostfs=), tmp/secret.txt beside them."""
    root = tmp_path / "root"
    root.mkdir()
    for p in progs:
        shutil.copy2(os.path.join(TESTCASES, p), root / p)
    for i in range(1, 7):
        (root / ("mnt%d" % i)).mkdir()
    (root / "tmp").mkdir()
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    (allowed / "data.txt").write_text("ALLOWED\n")
    (allowed / "sub").mkdir()
    os.symlink("..", allowed / "up")
    os.symlink("/", allowed / "abs")
    os.symlink("../secret.txt", allowed / "sec")
    (tmp_path / "secret.txt").write_text("SECRET\n")
    return str(root), str(allowed)


def checks_pass(r):
    assert r.rc == 0 and "FAIL" not in r.out and "fails 0" in r.out, r


@pytest.mark.hole(2)
def test_hostfs_mount_refused_without_hostfs_option(tmp_path):
    """The reported hole: guest root mounting the host's "/" (or any host
    path) gets EPERM when the command line names no hostfs=DIR."""
    root, allowed = make_tree(tmp_path, ["fsx_mount"])
    r = run_guest("fsx_mount", ["deny", str(tmp_path)], root=root)
    checks_pass(r)


@pytest.mark.hole(2)
def test_hostfs_mount_confined_to_hostfs_dir(tmp_path):
    """Under hostfs=DIR a mount's source is taken relative to DIR: "/",
    "..", "up" (-> ".."), "/sub/../../.." all give DIR; a host path and a
    link to a file outside are not found; the secret beside DIR is never
    read; MS_RDONLY gives EROFS; writes land in DIR only."""
    root, allowed = make_tree(tmp_path, ["fsx_mount"])
    before = set(os.listdir(tmp_path))
    r = run_guest("fsx_mount", ["allow", str(tmp_path)], root=root, extra=["hostfs=" + allowed])
    checks_pass(r)
    with open(os.path.join(allowed, "made-by-guest")) as f:
        assert f.read() == "GUEST\n"
    assert set(os.listdir(tmp_path)) == before  # nothing created beside DIR
    assert os.path.exists(os.path.join(root, "made-via-up"))  # "up" is the guest's "/"
    assert not os.path.exists(os.path.join(allowed, "new"))
    with open(tmp_path / "secret.txt") as f:
        assert f.read() == "SECRET\n"


@pytest.mark.hole(2)
def test_hostfs_mount_umount_gives_descriptors_back(tmp_path):
    """3,000 mount/umount cycles under a host limit of 512 descriptors:
    each unmount gives its host descriptors back (else the mounts fail
    with EMFILE); a busy mount (an open file, a cwd, a mount below it)
    is not unmounted: EBUSY, as Linux."""
    import resource
    import subprocess
    from conftest import LINUX, guest_cmdline, status_of
    root, allowed = make_tree(tmp_path, ["fsx_mount"])

    def low_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (512, 512))
    p = subprocess.run([LINUX] + guest_cmdline("fsx_mount", ["cycle", "3000"], root=root,
                                               extra=["hostfs=" + allowed]),
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=120,
                       preexec_fn=low_limit, start_new_session=True)
    out = p.stdout.decode()
    assert status_of(p.returncode) == 0 and "fails 0" in out, (out, p.stderr.decode()[-2000:])


@pytest.mark.hole(2)
def test_hostfs_bad_option_refused(tmp_path):
    root, _ = make_tree(tmp_path, ["fsx_mount"])
    r = run_guest("fsx_mount", ["deny"], root=root, extra=["hostfs=" + str(tmp_path / "nope")])
    assert r.rc == 2 and "hostfs=" in r.err, r


@pytest.mark.hole(2)
def test_root_ro_stays_read_only(tmp_path):
    """Booted with ro: the root gives EROFS, a remount does not make it
    writable, and hostfs cannot be mounted again read-write around it."""
    root, _ = make_tree(tmp_path, ["fsx_mount"])
    r = run_guest("fsx_mount", ["rootro"], root=root, extra=["ro"])
    checks_pass(r)
    assert not os.path.exists(os.path.join(root, "newfile"))


def test_host_kernel_interfaces_sealed():
    """root=/ shows the host's files, never the host kernel's interfaces:
    the host's /proc (whose self is the kernel process: its maps, its
    mem), /sys, /sys/fs/cgroup and /dev/pts are empty, unchangeable
    directories; the guest mounts its own proc there; a guest hostfs mount
    of such a file system and a root= on one are refused."""
    from conftest import run_linux
    script = r"""
for f in /proc/self/maps /proc/self/mem /proc/sysrq-trigger /proc/1/status /sys/power/state \
         /sys/kernel/mm /sys/fs/cgroup/cgroup.procs; do
    if [ -e $f ]; then echo "FAIL $f visible"; else echo "ok $f"; fi
done
for d in /proc /sys /dev/pts; do echo "$d: $(ls -a $d | tr '\n' ' ')"; done
echo x > /proc/sysrq-trigger 2>/dev/null && echo "FAIL wrote sysrq-trigger"
mkdir /proc/x 2>/dev/null && echo "FAIL mkdir in /proc"
chmod 700 /proc 2>/dev/null && echo "FAIL chmod /proc"
mount -t proc proc /proc || echo "FAIL mount proc"
read comm < /proc/self/comm; echo "own proc: $comm"
grep -q /linux /proc/self/maps && echo "FAIL host maps"
mount -t hostfs sys /mnt 2>/dev/null && echo "FAIL hostfs mount of sysfs"
mount -t hostfs proc /mnt 2>/dev/null && echo "FAIL hostfs mount of proc"
echo done
"""
    r = run_linux(["quiet", "ro", "root=/", "rootfstype=hostfs", "hostfs=/", "init=/bin/sh", "--", "-c",
                   script], timeout=60)
    lines = r.out.splitlines()
    assert r.rc == 0 and "FAIL" not in r.out and lines[-1] == "done", r
    assert lines.count("ok /proc/self/maps") == 1 and sum(l.startswith("ok ") for l in lines) == 7, r
    for d in ("/proc", "/sys", "/dev/pts"):
        assert "%s: . .. " % d in lines, r
    assert "own proc: grep" not in lines and "own proc: sh" in lines, r
    r = run_linux(["quiet", "root=/proc", "rootfstype=hostfs", "init=/bin/sh"])
    assert r.rc != 0 and "Unable to mount root fs" in r.err, r


# -- descriptors ------------------------------------------------------------

@pytest.mark.hole(5)
def test_emfile_at_rlimit_nofile_like_linux():
    """EMFILE at the soft RLIMIT_NOFILE, EBADF/EINVAL for dup2/F_DUPFD
    beyond it, setrlimit/prlimit's rules (soft <= hard, nr_open, only root
    raises the hard limit): the same output as natively."""
    g = run_guest("fsx_nofile", ["emfile"])
    n = run_native("fsx_nofile", ["emfile"])
    assert_same(g, n, "fsx_nofile emfile")
    assert "opened 61 then EMFILE" in g.out and g.rc == 0


@pytest.mark.hole(5)
def test_rlimit_nofile_defaults():
    """A fresh init has Linux's defaults: soft 1024, hard 4096."""
    r = run_guest("fsx_nofile", ["defaults"])
    assert r.rc == 0 and "nofile 1024 4096\n" in r.out, r


@pytest.mark.hole(5)
def test_enfile_at_file_max(tmproot):
    """fs.file-max (here from the command line, as Linux's sysctl.*=):
    /proc/sys/fs/file-max and file-nr show it; an unprivileged process
    gets ENFILE at it, root (CAP_SYS_ADMIN) does not; root can change it."""
    r = run_guest("fsx_nofile", ["enfile", "300"], root=tmproot, extra=["sysctl.fs.file-max=300"])
    checks_pass(r)
    assert "unprivileged: opened 1 then ENFILE" in r.out, r




@pytest.mark.hole(5)
def test_20000_hostfs_opens_then_fork_exec(tmproot):
    """4 processes hold 5,000 distinct hostfs files open each (20,000 and
    more struct files); the kernel's host descriptors stay bounded (its
    own cache, not one a file), fork+exec still works, every descriptor
    still reads its file, and ./linux's RSS under mem=32M stays small."""
    import subprocess
    import time
    from conftest import LINUX, guest_cmdline
    files = os.path.join(tmproot, "files")
    os.mkdir(files)
    n, procs = 5000, 4
    for i in range(n * procs):
        with open(os.path.join(files, "f%d" % i), "w") as f:
            f.write("x")
    args = guest_cmdline("fsx_nofile", ["many", "/files", str(n), str(procs)], mem="32M",
                         root=tmproot)
    p = subprocess.Popen([LINUX] + args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, start_new_session=True)
    try:
        import select
        seen, deadline = b"", time.monotonic() + 90
        while b"HOLDING\n" not in seen:  # the guest says when all files are open
            left = deadline - time.monotonic()
            assert left > 0 and p.poll() is None, ("no HOLDING", seen, p.poll())
            if select.select([p.stdout], [], [], left)[0]:
                chunk = os.read(p.stdout.fileno(), 4096)
                assert chunk, ("./linux ended", seen, p.wait(), p.stderr.read()[-2000:])
                seen += chunk
        fds, rss = host_fds(p.pid), vm_rss_kib(p.pid)
        with open(os.path.join(files, "go"), "w"):
            pass
        out, err = p.communicate(timeout=120)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, 9)
            p.wait()
    out = (seen + out).decode()
    assert p.returncode == 0 and "fails 0" in out, (out, err.decode()[-2000:])
    assert "hello\n" in out
    # the kernel's own descriptors: its cache (at most 1024 + reserve), not 20,000
    assert fds < 1500, fds
    assert rss < 300 * 1024, rss
    print("host fds of ./linux while the guest held %d files: %d; RSS %d KiB" % (n * procs, fds, rss))


@pytest.mark.hole(5)
def test_open_files_survive_descriptor_cache_churn(tmp_path):
    """Unlinked, renamed, renamed-over and hard-linked open
    files, a file in a renamed directory and a directory read in pieces
    all stay right while 3,000 other files go through the kernel's host
    descriptor cache: the same output as natively."""
    outs = []
    for kind in ("guest", "native"):
        root = tmp_path / kind
        root.mkdir()
        shutil.copy2(os.path.join(TESTCASES, "fsx_churn"), root / "fsx_churn")
        if kind == "guest":
            outs.append(run_guest("fsx_churn", root=str(root), timeout=60))
        else:
            outs.append(run_native("fsx_churn", root=str(root), timeout=60))
    assert_same(outs[0], outs[1], "fsx_churn")
    assert outs[0].rc == 0 and "listed 3000" in outs[0].out


# -- the terminal -----------------------------------------------------------

def _guards_of(pid):
    from conftest import all_procs, descendants
    procs = all_procs()
    return [p for p in descendants(pid, procs) if procs.get(p, ("",))[0] == "vmcore-ttyguard"]


def _no_core():
    import resource
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


@pytest.mark.hole(11)
@pytest.mark.parametrize("sig", ["SIGKILL", "SIGQUIT", "SIGUSR2", "SIGALRM", "SIGXCPU", "SIGTERM"])
def test_terminal_restored_after_signal(sig):
    """./linux on a pty makes it raw; killed by SIG (SIGKILL: the guard
    process restores it; the others: the kernel's own handlers, which then
    die of the same signal), the pty's termios is what it was before, and
    no guard process is left."""
    import select
    import signal
    import subprocess
    import termios
    import time
    from conftest import LINUX, guest_cmdline
    signo = getattr(signal, sig)
    master, slave = os.openpty()
    try:
        before = termios.tcgetattr(slave)
        assert before[3] & termios.ECHO and before[3] & termios.ICANON
        p = subprocess.Popen([LINUX] + guest_cmdline("pause_forever"), stdin=slave, stdout=slave,
                             stderr=slave, start_new_session=True, preexec_fn=_no_core)
        try:
            seen, deadline = b"", time.monotonic() + 20
            while b"pausing" not in seen:
                left = deadline - time.monotonic()
                assert left > 0, seen
                if select.select([master], [], [], left)[0]:
                    seen += os.read(master, 4096)
            raw = termios.tcgetattr(slave)
            assert not raw[3] & (termios.ECHO | termios.ICANON), "not raw while running"
            # the guard is forked before the terminal goes raw, but names
            # itself only once it runs: under load, a moment later
            guards = _guards_of(p.pid)
            while len(guards) != 1 and time.monotonic() < deadline:
                time.sleep(0.01)
                guards = _guards_of(p.pid)
            assert len(guards) == 1, guards
            os.kill(p.pid, signo)
            rc = p.wait(timeout=20)
        finally:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        if sig == "SIGTERM":
            assert rc == 128 + signo, rc
        else:
            assert rc == -signo, rc
        # the guard ends by itself: after SIGKILL it was ours to reap
        for g in guards:
            try:
                os.waitpid(g, 0)
            except ChildProcessError:
                pass  # the kernel reaped it (a clean way out)
        after = termios.tcgetattr(slave)
        assert after == before, (before, after)
        assert not os.path.exists("/proc/%d" % guards[0]) or \
            open("/proc/%d/stat" % guards[0]).read().split(") ")[1][0] in "ZX"
    finally:
        os.close(master)
        os.close(slave)


@pytest.mark.hole(11)
def test_terminal_after_restart_and_clean_exit(tmproot):
    """reboot(RESTART) on a pty: the kernel gives the terminal back and
    dismisses its guard before it re-executes itself, the new kernel
    starts its own; at the end the termios is as before and no guard is
    left (the kernel reaped it)."""
    import select
    import subprocess
    import termios
    import time
    from conftest import LINUX, guest_cmdline, all_procs
    master, slave = os.openpty()
    try:
        before = termios.tcgetattr(slave)
        p = subprocess.Popen([LINUX] + guest_cmdline("restart", ["/"], root=tmproot), stdin=slave,
                             stdout=slave, stderr=slave, start_new_session=True)
        seen, deadline = b"", time.monotonic() + 30
        guards = set()
        try:
            while p.poll() is None:
                left = deadline - time.monotonic()
                assert left > 0, seen
                guards.update(_guards_of(p.pid))
                if select.select([master], [], [], min(left, 0.05))[0]:
                    seen += os.read(master, 4096)
            rc = p.wait()
        finally:
            if p.poll() is None:
                os.killpg(p.pid, 9)
                p.wait()
        while select.select([master], [], [], 0)[0]:
            try:
                seen += os.read(master, 4096)
            except OSError:
                break
        assert rc == 0 and b"boot 2" in seen, (rc, seen)
        assert termios.tcgetattr(slave) == before
        procs = all_procs()
        assert not [g for g in guards if g in procs and procs[g][1] not in "ZX"], guards
    finally:
        os.close(master)
        os.close(slave)


def test_hostfs_reserve_bounds_the_host_disk(tmproot):
    """the host's disk through hostfs: at the reserve (hostfs_reserve=
    beyond the free space) writes, writeback and fallocate are ENOSPC and
    statfs shows none free; names still come and go.  By default the same
    program writes."""
    full = run_guest("hostfs_full", root=tmproot, extra=["hostfs_reserve=100000G"])
    for line in ["create: 0", "write: ENOSPC", "fallocate: ENOSPC", "ftruncate (sparse): 0",
                 "msync: ENOSPC", "statfs: bavail 0", "unlink: 0"]:
        assert line in full.out, full.out
    room = run_guest("hostfs_full", root=tmproot)
    for line in ["write: written", "fallocate: 0", "msync: 0", "statfs: bavail nonzero"]:
        assert line in room.out, room.out
