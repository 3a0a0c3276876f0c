"""Issue 13: the socket layer and AF_UNIX.  Guest programs un_*.c run in
the guest and natively, as root and as nobody, and must print the same:
socketpair of every type (data calls, shutdown, poll, options, SCM_RIGHTS
and credentials), and named sockets (bind on tmpfs and hostfs, abstract
names, autobind, listen/accept/connect and their errors)."""
import os

import pytest

from conftest import NOBODY, assert_same, run_guest, run_guest_as, run_native, run_native_as

PAIR_CASES = ["stream", "seqpacket", "dgram", "fill", "opts", "rights"]


def as_nobody(prog, args, root):
    g = run_guest_as(NOBODY, prog, args, root=root)
    if g.rc == 126 and "asuser: Function not implemented" in g.out:
        pytest.skip("no setgroups in this guest yet: asuser cannot drop its groups")
    return g, run_native_as(NOBODY, prog, args, root=root)


@pytest.mark.parametrize("case", PAIR_CASES)
def test_socketpair_as_root(case):
    g = run_guest("un_pair", [case])
    n = run_native("un_pair", [case])
    assert_same(g, n, "un_pair " + case)
    assert g.rc == 0 and "== " in g.out and ": -1 " not in g.out.split("\n")[1], g.out


@pytest.mark.parametrize("case", PAIR_CASES)
def test_socketpair_as_nobody(tmproot, case):
    g, n = as_nobody("un_pair", [case], tmproot)
    assert_same(g, n, "un_pair as nobody " + case)
    assert g.rc == 0, g.out
