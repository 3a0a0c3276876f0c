"""IP-level ancillary data of UDP on loopback (testcases/inet_cmsg.c): the
receive options and the control messages recvmsg puts (their order and
payloads, truncation and MSG_CTRUNC with short control buffers), sendmsg's
IP_TTL / IP_TOS / IP_PKTINFO / IPV6_HOPLIMIT / IPV6_TCLASS / IPV6_PKTINFO
and their errors, SOL_SOCKET messages on inet sockets, SO_TIMESTAMP(NS);
guest and native must print the same, as root and as nobody."""
import pytest

from conftest import assert_same, run_guest, run_native
from test_inet import as_nobody, check_done

CASES = ["v4", "v6", "dual", "send4", "send6", "trunc", "ts"]


@pytest.mark.parametrize("case", CASES)
def test_cmsg_as_root(case):
    g = run_guest("inet_cmsg", [case])
    n = run_native("inet_cmsg", [case])
    assert_same(g, n, "inet_cmsg " + case)
    check_done(g, case)


@pytest.mark.parametrize("case", CASES)
def test_cmsg_as_nobody(tmproot, case):
    g, n = as_nobody("inet_cmsg", [case], tmproot)
    assert_same(g, n, "inet_cmsg as nobody " + case)
    check_done(g, case)


def test_sol_socket_privilege_differs_by_user(tmproot):
    root = run_guest("inet_cmsg", ["send4"])
    nobody, _ = as_nobody("inet_cmsg", ["send4"], tmproot)
    assert "SOL_SOCKET SO_MARK: 4" in root.out, root.out
    assert "SOL_SOCKET SO_MARK: -1 EPERM" in nobody.out, nobody.out
