"""Issue 13: the socket layer and AF_UNIX.  Guest programs un_*.c run in
the guest and natively, as root and as nobody, and must print the same:
socketpair of every type (data calls, shutdown, poll, options, SCM_RIGHTS
and credentials), and named sockets (bind on tmpfs and hostfs, abstract
names, autobind, listen/accept/connect and their errors)."""
import os

import pytest

from conftest import NOBODY, assert_same, run_guest, run_guest_as, run_native, run_native_as

PAIR_CASES = ["stream", "seqpacket", "dgram", "fill", "opts", "rights", "kinds"]


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


# kinds makes a device node (root only) and a file in /tmp
@pytest.mark.parametrize("case", [c for c in PAIR_CASES if c != "kinds"])
def test_socketpair_as_nobody(tmproot, case):
    g, n = as_nobody("un_pair", [case], tmproot)
    assert_same(g, n, "un_pair as nobody " + case)
    assert g.rc == 0, g.out


NAMED_CASES = [("stream", "tmp"), ("stream", "tmpfs"), ("abstract", "tmp"), ("dgram", "tmp"), ("dgram", "tmpfs")]


def writable_tmp(root):
    os.chmod(os.path.join(root, "tmp"), 0o1777)
    return root


@pytest.mark.parametrize("case,where", NAMED_CASES)
def test_named_as_root(tmproot, case, where):
    """Path names on hostfs (the copy root's tmp/) and on a tmpfs, abstract
    names: the guest's socket inode is its own, never a host socket."""
    writable_tmp(tmproot)
    g = run_guest("un_named", [case, where], root=tmproot)
    n = run_native("un_named", [case, where], root=tmproot)
    assert_same(g, n, "un_named %s %s" % (case, where))
    assert g.rc == 0 and "bind" in g.out, g.out


@pytest.mark.parametrize("case,where", NAMED_CASES)
def test_named_as_nobody(tmproot, case, where):
    writable_tmp(tmproot)
    g, n = as_nobody("un_named", [case, where], tmproot)
    assert_same(g, n, "un_named as nobody %s %s" % (case, where))
    assert g.rc == 0, g.out


def test_hostfs_socket_node_is_no_host_socket(tmproot):
    """A name bound in the guest on hostfs is a socket-type node on the
    host that no host process can connect to."""
    import socket as pysocket
    writable_tmp(tmproot)
    g = run_guest("un_named", ["leave", "tmp"], root=tmproot)
    assert "bind: 0\nlisten: 0\n" in g.out, g.out
    path = os.path.join(tmproot, "tmp", "un_named.left")
    assert os.path.exists(path) and os.stat(path).st_mode & 0o170000 == 0o140000
    c = pysocket.socket(pysocket.AF_UNIX, pysocket.SOCK_STREAM)
    with pytest.raises(ConnectionRefusedError):
        c.connect(path)
    c.close()


@pytest.mark.parametrize("user", ["root", "nobody"])
def test_proc_net_unix(tmproot, user):
    """/proc/net/unix lists our sockets as Linux does: listener flag, type,
    state (an accepted connection, one pending in the queue, datagram
    sockets established by a connect on both ends and closed again by
    AF_UNSPEC), path and abstract names (NULs as @), inode; a closed
    socket is gone."""
    writable_tmp(tmproot)
    os.makedirs(os.path.join(tmproot, "proc"), exist_ok=True)  # for asuser's mount
    if user == "root":
        g = run_guest("un_proc", root=tmproot)
        n = run_native("un_proc", root=tmproot)
    else:
        g, n = as_nobody("un_proc", [], tmproot)
    assert_same(g, n, "un_proc as " + user)
    assert g.rc == 0 and "== un_proc done" in g.out, g.out
    assert "unparsed lines: 0" in g.out and "pending connection" in g.out, g.out
    assert "closed " not in g.out and "listener               proto 0 flags 10000" in g.out, g.out
