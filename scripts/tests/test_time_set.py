"""Setting the guest's wall clock (vmcore/kernel/time.c): the refusals
match Linux's as an unprivileged user; as root the guest's clock steps and
everything that reads it follows, while the host's clock stays put."""
import time

from conftest import NOBODY, assert_same, run_guest, run_guest_as, run_native_as


def test_time_set_refusals_as_nobody():
    g = run_guest_as(NOBODY, "time_set")
    assert_same(g, run_native_as(NOBODY, "time_set"), "time_set as nobody")
    assert g.rc == 0 and "ok clock_settime(CLOCK_REALTIME, &now) == -1 && errno == EPERM" in g.out, g


def test_time_set_steps_the_guest_clock_only():
    host0 = time.time()
    g = run_guest("time_set", ["step"])
    assert g.rc == 0 and "FAIL" not in g.out, g
    assert "ok near(now.tv_sec, before.tv_sec + DAY)" in g.out, g
    # the host's clock did not move by the guest's day
    assert abs(time.time() - host0) < 3600
