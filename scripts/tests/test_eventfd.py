"""eventfd, timerfd and signalfd (vmcore/fs/eventfd.c, timerfd.c,
signalfd.c, on fs/anon_inodes.c): guest programs compared with native
runs, as root and where permissions matter as nobody."""
import pytest

from conftest import NOBODY, assert_same, run_guest, run_guest_as, run_native, run_native_as


def _same(prog, tmproot, minimum):
    g = run_guest(prog, root=tmproot)
    assert_same(g, run_native(prog), prog)
    assert g.rc == 0 and "FAIL" not in g.out and g.out.count("ok ") >= minimum, g


def test_eventfd(tmproot):
    _same("ev_eventfd", tmproot, 40)


def test_timerfd(tmproot):
    _same("ev_timerfd", tmproot, 45)


@pytest.mark.parametrize("ids", [None, NOBODY], ids=["root", "nobody"])
def test_timerfd_alarm_clocks_need_cap_wake_alarm(tmproot, ids):
    if ids:
        g, n = run_guest_as(ids, "ev_timerfd", ["alarm"], root=tmproot), run_native_as(ids, "ev_timerfd", ["alarm"])
    else:
        g, n = run_guest("ev_timerfd", ["alarm"], root=tmproot), run_native("ev_timerfd", ["alarm"])
    assert_same(g, n, "alarm clocks")
    assert g.out.count("Operation not permitted" if ids else "created") == 2, g
