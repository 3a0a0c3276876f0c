"""Issue 13's epoll: guest programs ep_*.c run in the guest and natively
(as root and as nobody) and must print the same: level and edge
triggering, one-shot items and MOD, hangups, nesting and its limits, the
dup'd-descriptor gotcha, the error cases, epoll_pwait's signal mask,
timeouts, and an edge-triggered server loop over pipes."""
import pytest

import os

from conftest import LINUX, TESTCASES, run_linux, NOBODY, assert_same, run_guest, run_guest_as, run_native, run_native_as

CASES = ["lt_et", "oneshot", "hup", "nested", "dup", "errors", "pwait", "timeouts", "server", "threads"]


@pytest.mark.parametrize("case", CASES)
def test_epoll_as_root(tmproot, case):
    g = run_guest("ep_epoll", [case], root=tmproot)
    n = run_native("ep_epoll", [case], root=tmproot)
    assert_same(g, n, "ep_epoll " + case)
    assert g.rc == 0 and "done " + case in g.out, g


@pytest.mark.parametrize("case", ["lt_et", "errors", "server"])
def test_epoll_as_nobody(tmproot, case):
    g = run_guest_as(NOBODY, "ep_epoll", [case], root=tmproot)
    if g.rc == 126 and "asuser: Function not implemented" in g.out:
        pytest.skip("no setgroups in this guest yet")
    n = run_native_as(NOBODY, "ep_epoll", [case], root=tmproot)
    assert_same(g, n, "ep_epoll " + case + " as nobody")
    assert "done " + case in g.out, g


def test_epoll_fd_link(tmproot):
    """/proc/self/fd of an epoll fd names it as Linux does."""
    g = run_guest("ep_epoll", ["link"], root=tmproot)
    assert "link anon_inode:[eventpoll]" in g.out, g


def test_epoll_edge_on_a_pty():
    """A terminal only poll_wake()s: its edge-triggered item reports again
    after a drain to EAGAIN and a new line (fd_put_held's observation)."""
    g = run_linux(["quiet", "ro", "root=/", "rootfstype=hostfs", "init=" + os.path.join(TESTCASES, "ep_epoll"),
                   "--", "pty"], timeout=60)
    n = run_native("ep_epoll", ["pty"])
    assert_same(g, n, "ep_epoll pty")
    assert g.rc == 0 and "done pty" in g.out, g
