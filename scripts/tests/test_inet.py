"""Issue 13 part 3: AF_INET and AF_INET6 on loopback.  Guest programs
inet_*.c run in the guest and natively, as root and as nobody, and must
print the same: TCP connections and their errors, ends (FIN, RST),
nonblocking connect, backlog, options, dual stack; UDP; /proc/net; an echo
server with 8 concurrent clients moving 100 MB with checksums; an
edge-triggered epoll server; and the host's python3 running an asyncio
echo server and client in the guest."""
import subprocess

import pytest

from conftest import NOBODY, assert_same, run_guest, run_guest_as, run_linux, run_native, run_native_as

TCP_CASES = ["basic", "errors", "ends", "nonblock", "backlog", "opts", "v6"]
UDP_CASES = ["basic", "conn", "v6", "mmsg", "lite"]


def as_nobody(prog, args, root):
    g = run_guest_as(NOBODY, prog, args, root=root)
    if g.rc == 126 and "asuser: Function not implemented" in g.out:
        pytest.skip("no setgroups in this guest yet: asuser cannot drop its groups")
    return g, run_native_as(NOBODY, prog, args, root=root)


def check_done(g, what):
    assert g.rc == 0 and ("== %s done" % what) in g.out, g.out


@pytest.mark.parametrize("case", TCP_CASES)
def test_tcp_as_root(case):
    g = run_guest("inet_tcp", [case])
    n = run_native("inet_tcp", [case])
    assert_same(g, n, "inet_tcp " + case)
    check_done(g, case)


@pytest.mark.parametrize("case", TCP_CASES)
def test_tcp_as_nobody(tmproot, case):
    g, n = as_nobody("inet_tcp", [case], tmproot)
    assert_same(g, n, "inet_tcp as nobody " + case)
    check_done(g, case)


def test_tcp_privileged_port_differs_by_user(tmproot):
    root = run_guest("inet_tcp", ["errors"])
    nobody, _ = as_nobody("inet_tcp", ["errors"], tmproot)
    assert "bind privileged: 0" in root.out, root.out
    assert "bind privileged: -1 EACCES" in nobody.out, nobody.out


@pytest.mark.parametrize("case", UDP_CASES)
def test_udp_as_root(case):
    g = run_guest("inet_udp", [case])
    n = run_native("inet_udp", [case])
    assert_same(g, n, "inet_udp " + case)
    check_done(g, case)


@pytest.mark.parametrize("case", UDP_CASES)
def test_udp_as_nobody(tmproot, case):
    g, n = as_nobody("inet_udp", [case], tmproot)
    assert_same(g, n, "inet_udp as nobody " + case)
    check_done(g, case)


def test_unreachable():
    """Only lo is up in the guest: other destinations are ENETUNREACH (the
    host has a network, so this one is not compared with native)."""
    g = run_guest("inet_tcp", ["unreach"])
    check_done(g, "unreach")
    for what in ["tcp connect foreign", "tcp6 connect foreign", "udp connect foreign", "udp sendto foreign"]:
        assert "%s: -1 ENETUNREACH" % what in g.out, g.out
    assert "udp broadcast without SO_BROADCAST: -1 EACCES" in g.out, g.out
    assert "name after: fam 2 len 16 0.0.0.0:0" in g.out, g.out


def test_proc_net(tmproot):
    g = run_guest("inet_proc", root=tmproot)
    n = run_native("inet_proc", root=tmproot)
    assert_same(g, n, "inet_proc")
    assert "st 0A tx 0 rx 1" in g.out and "/proc/net/udp6 header" in g.out, g.out


def test_echo_8_clients_100mb():
    g = run_guest("inet_stress", ["echo", "100"], timeout=60)
    n = run_native("inet_stress", ["echo", "100"], timeout=60)
    assert_same(g, n, "inet_stress echo")
    assert g.out.count("checksums match") == 8 and "8 clients moved 100 MB" in g.out, g.out


def test_epoll_edge_triggered_server():
    g = run_guest("inet_stress", ["epoll"])
    n = run_native("inet_stress", ["epoll"])
    assert_same(g, n, "inet_stress epoll")
    assert "accepted 4, closed 4, clients ok 4, echoed all" in g.out, g.out


ASYNCIO_ECHO = r"""
import asyncio, hashlib
async def handle(r, w):
    while True:
        d = await r.read(65536)
        if not d:
            break
        w.write(d)
        await w.drain()
    w.close()
async def client(port, i):
    r, w = await asyncio.open_connection("127.0.0.1", port)
    data = bytes((i * 7 + k) % 251 for k in range(200000))
    w.write(data)
    await w.drain()
    w.write_eof()
    got = await r.read(-1)
    w.close()
    return hashlib.sha256(got).hexdigest() == hashlib.sha256(data).hexdigest()
async def main():
    srv = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    ok = await asyncio.gather(*(client(port, i) for i in range(4)))
    srv.close()
    await srv.wait_closed()
    print("asyncio echo", ok)
asyncio.run(main())
"""


def test_python_asyncio_echo():
    """The host's python3 over hostfs: an asyncio server and 4 clients on
    127.0.0.1 (epoll, nonblocking connect, SO_ERROR, shutdown)."""
    g = run_linux(["quiet", "ro", "root=/", "rootfstype=hostfs", "init=/usr/bin/python3", "--", "-c", ASYNCIO_ECHO],
                  timeout=60)
    n = subprocess.run(["/usr/bin/python3", "-c", ASYNCIO_ECHO], capture_output=True, timeout=30)
    want = "asyncio echo [True, True, True, True]\n"
    assert n.stdout.decode() == want
    assert want in g.out, g.out


HTTP_WGET = (
    "mount -t proc proc /proc; mount -t tmpfs tmpfs /tmp && cd /tmp && "
    "head -c 300000 /dev/urandom > blob && sha256sum blob > want; "
    "/usr/bin/python3 -m http.server 8000 --bind 127.0.0.1 > srv.log 2>&1 & srv=$!; "
    # wait for the server: wget until it answers (at most 30 s)
    "i=0; until /bin/busybox wget -q -O got http://127.0.0.1:8000/blob 2>/dev/null; do "
    "i=$((i+1)); [ $i -gt 300 ] && break; /bin/busybox usleep 100000; done; "
    "kill $srv; wait $srv; "
    "mv got blob; sha256sum -c want && grep -c 'GET /blob HTTP/1.1\" 200' srv.log")


def test_python_http_server_and_busybox_wget():
    """The host's python3 -m http.server on 127.0.0.1 in the guest, busybox
    wget fetching 300 kB from it: the bytes arrive whole (sha256), the
    server logs the request with status 200."""
    g = run_linux(["quiet", "mem=512M", "ro", "root=/", "rootfstype=hostfs", "init=/bin/sh", "--", "-c", HTTP_WGET],
                  timeout=90)
    assert "blob: OK\n1\n" in g.out, g.out + g.err


FORKSERVER = r"""
import multiprocessing as mp
def square(x):
    return x * x
if __name__ == "__main__":
    ctx = mp.get_context("forkserver")
    with ctx.Pool(3) as p:
        print("forkserver", sum(p.map(square, range(100))))
"""


def test_python_multiprocessing_forkserver(tmproot):
    """multiprocessing with the forkserver start method (an AF_UNIX server
    process passing fds with SCM_RIGHTS, forking workers): the result as
    natively."""
    import os
    path = os.path.join(tmproot, "tmp", "fs.py")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(FORKSERVER)
    script = ("mount -t proc proc /proc; mount -t tmpfs tmpfs /dev/shm; mount -t tmpfs tmpfs /tmp; "
              "cd /tmp; /usr/bin/python3 /mnt/fs.py")
    g = run_linux(["quiet", "mem=1G", "ro", "root=/", "rootfstype=hostfs", "hostfs=" + os.path.dirname(path),
                   "init=/bin/sh", "--", "-c", "mount -t hostfs none /mnt && " + script], timeout=90)
    n = subprocess.run(["/usr/bin/python3", path], capture_output=True, timeout=60)
    assert n.stdout.decode() == "forkserver 328350\n", n
    assert "forkserver 328350\n" in g.out, g.out + g.err


def test_socket_buffers_charged_to_guest_memory():
    """Stuffing connections in a 32 MB guest ends in ENOBUFS (the buffers
    are the guest's memory, not the host's), and all is usable again once
    they are closed."""
    g = run_guest("inet_stress", ["fillmem"], mem="32M")
    assert g.rc == 0, g.out
    assert "stopped by ENOBUFS after more than 1 MiB" in g.out, g.out
    assert "after: write 1000 read 1000" in g.out, g.out
