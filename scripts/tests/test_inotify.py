"""inotify on the fsnotify core (vmcore/fs/notify/): guest programs
compared with native runs, as root and as nobody, on hostfs and tmpfs;
the limits of /proc/sys/fs/inotify; IN_UNMOUNT; /proc/PID/fdinfo."""
import glob
import os
import shutil
import subprocess

import pytest

from conftest import PRIVATE_MOUNTS, assert_same, run_guest, run_native


@pytest.fixture
def shm_cleanup():
    """The native tmpfs runs work in /dev/shm/in-events-PID (left behind
    by a run as nobody, which cannot remove what root made)."""
    before = set(glob.glob("/dev/shm/in-events-*"))
    yield
    for d in set(glob.glob("/dev/shm/in-events-*")) - before:
        shutil.rmtree(d, ignore_errors=True)


def _same(prog, tmproot, args, minimum_lines):
    g = run_guest(prog, args, root=tmproot)
    n = run_native(prog, args, root=tmproot)
    assert_same(g, n, "%s %s" % (prog, " ".join(args)))
    assert g.rc == 0 and "FAIL" not in g.out and "done, 0 failures" in g.out, g
    assert len(g.out.splitlines()) >= minimum_lines, g
    return g


@pytest.mark.parametrize("who", ["root", "nobody"])
@pytest.mark.parametrize("fs", ["hostfs", "tmpfs"])
def test_event_sequences(tmproot, shm_cleanup, who, fs):
    args = (["nobody"] if who == "nobody" else []) + [fs]
    g = _same("inotify_events", tmproot, args, 150)
    # the sequences are there, not just the same on both sides
    assert 'dir MOVED_TO "h" len=16 cookie=paired' in g.out
    assert "f2 DELETE_SELF" in g.out and "oneshot IGNORED" in g.out
    os.system("rm -rf %s/in-events" % tmproot)


@pytest.mark.parametrize("who", ["root", "nobody"])
def test_api(tmproot, who):
    args = ["nobody", "instances"] if who == "nobody" else []
    g = _same("inotify_api", tmproot, args, 80)
    assert "events 16385, last Q_OVERFLOW wd -1" in g.out
    if who == "nobody":
        assert "instances: 127, then Too many open files" in g.out
        assert "watch of a 0600 file of root's: Permission denied" in g.out


@pytest.mark.parametrize("prog", ["ep_edge", "ep_edge-pie"])
def test_edge_triggered_epoll_on_event_files_and_ptys(tmproot, prog):
    """poll_notify_file/tty_notify: EPOLLET reports each new event of an
    eventfd, timerfd, signalfd, pty master and slave, pidfd, once."""
    g = run_guest(prog, root=tmproot)
    assert_same(g, run_native(prog, root=tmproot), prog)
    assert g.rc == 0 and "FAIL" not in g.out and g.out.count("ok ") >= 40, g


@pytest.mark.parametrize("who", ["root", "nobody"])
def test_procfs_watches(tmproot, who):
    """procfs gives a name's inode again while a watch holds it: the
    watches see the opens, reads and closes of those names."""
    args = ["nobody"] if who == "nobody" else []
    g = run_guest("inotify_proc", args, root=tmproot)
    assert_same(g, run_native("inotify_proc", args, root=tmproot), "inotify_proc")
    assert 'dir ACCESS "max_queued_events" len=32' in g.out and "file CLOSE_NOWRITE" in g.out, g
    assert 'self OPEN "status"' in g.out and 'proc CLOSE_NOWRITE "meminfo"' in g.out, g


def test_unmount_ends_watches(tmproot):
    """IN_UNMOUNT and IN_IGNORED for the watches of an unmounted tmpfs;
    watches do not make it busy, an open file does (EBUSY).  The native
    run has a mount namespace of its own."""
    g = run_guest("inotify_mount", ["unmount"], root=tmproot)
    p = subprocess.run(PRIVATE_MOUNTS + [os.path.join(tmproot, "inotify_mount"), "unmount"],
                       cwd=tmproot, capture_output=True, timeout=20, start_new_session=True)
    assert g.out == p.stdout.decode(), (g.out, p.stdout)
    assert g.rc == 0 and "root UNMOUNT|ISDIR" in g.out and "f IGNORED" in g.out, g


def test_limits(tmproot):
    """/proc/sys/fs/inotify's values take effect (guest only: natively
    they are the host's): max_user_watches (ENOSPC), max_queued_events
    (IN_Q_OVERFLOW after them, for instances made after the write),
    max_user_instances (EMFILE); out-of-range writes are EINVAL."""
    g = run_guest("inotify_mount", ["limits"], root=tmproot)
    assert g.rc == 0 and "FAIL" not in g.out and g.out.count("ok ") >= 22, g
    assert "wd-1 Q_OVERFLOW" in g.out, g
