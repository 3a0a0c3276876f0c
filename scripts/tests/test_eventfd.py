"""eventfd, timerfd and signalfd (vmcore/fs/eventfd.c, timerfd.c,
signalfd.c, on fs/anon_inodes.c): guest programs compared with native
runs, as root and where permissions matter as nobody."""
import pytest

from conftest import NOBODY, assert_same, run_guest, run_guest_as, run_native, run_native_as


def _same(prog, tmproot, minimum, args=()):
    g = run_guest(prog, list(args), root=tmproot)
    assert_same(g, run_native(prog, list(args)), prog)
    assert g.rc == 0 and "FAIL" not in g.out and g.out.count("ok ") >= minimum, g


def test_eventfd(tmproot):
    _same("ev_eventfd", tmproot, 40)


def test_timerfd(tmproot):
    _same("ev_timerfd", tmproot, 45)


@pytest.mark.parametrize("nobody", [False, True], ids=["root", "nobody"])
def test_timerfd_alarm_clocks_need_cap_wake_alarm(tmproot, nobody):
    args = (["nobody"] if nobody else []) + ["alarm"]
    g = run_guest("ev_timerfd", args, root=tmproot)
    assert_same(g, run_native("ev_timerfd", args), "alarm clocks")
    assert g.out.count("Operation not permitted" if nobody else "created") == 2, g
    g = run_guest_as(NOBODY, "ev_timerfd", ["alarm"], root=tmproot)
    assert_same(g, run_native_as(NOBODY, "ev_timerfd", ["alarm"]), "alarm clocks under asuser")


def test_signalfd(tmproot):
    _same("ev_signalfd", tmproot, 40)


@pytest.mark.parametrize("prog", ["ev_eventfd", "ev_signalfd", "ev_timerfd"])
def test_as_nobody(tmproot, prog):
    _same(prog, tmproot, 40, ["nobody"])
