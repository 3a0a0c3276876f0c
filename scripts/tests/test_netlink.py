"""Issue 13 part 4: the network devices (lo), the interface ioctls and
AF_NETLINK (NETLINK_ROUTE, NETLINK_AUDIT).  The guest has only lo; the
host has more devices, so the guest programs print only what concerns lo
(they check the rest of a dump whole: sequence numbers, ports, the
closing NLMSG_DONE) and must print the same as natively, as root and as
nobody.  The host's own iproute2 (`ip`) runs in the guest over a hostfs
root and must show what the host shows of lo."""
import os
import re
import shutil
import subprocess

import pytest

from conftest import NOBODY, assert_same, run_guest, run_guest_as, run_linux, run_native, run_native_as


def as_nobody(prog, args, root):
    g = run_guest_as(NOBODY, prog, args, root=root)
    return g, run_native_as(NOBODY, prog, args, root=root)


def skip_without_family(g):
    if "socket: Address family not supported" in g.out:
        pytest.skip("no such family in this guest yet")


@pytest.mark.parametrize("sock", ["unix", "netlink", "inet", "inet6"])
def test_ifreq_as_root(sock):
    g = run_guest("ifreq_lo", [sock])
    skip_without_family(g)
    n = run_native("ifreq_lo", [sock])
    assert_same(g, n, "ifreq_lo " + sock)
    assert "SIOCGIFINDEX lo: 0 index 1" in g.out and "SIOCSIFFLAGS lo same: 0" in g.out, g.out
    assert "getifaddrs lo flags 0x10049 family 2 addr 127.0.0.1 mask 255.0.0.0" in g.out, g.out
    assert "family 10 addr ::1 mask ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" in g.out, g.out


@pytest.mark.parametrize("sock", ["unix", "netlink", "inet", "inet6"])
def test_ifreq_as_nobody(tmproot, sock):
    g, n = as_nobody("ifreq_lo", [sock], tmproot)
    skip_without_family(g)
    assert_same(g, n, "ifreq_lo as nobody " + sock)
    assert "SIOCSIFFLAGS lo same: -1 Operation not permitted" in g.out, g.out
    assert "if_nametoindex lo 1" in g.out, g.out


ROUTE_CASES = ["sock", "link", "addr", "route", "errors", "peek", "unicast", "flood", "opts"]


@pytest.mark.parametrize("case", ROUTE_CASES)
def test_netlink_route_as_root(case):
    g = run_guest("netlink_route", [case])
    n = run_native("netlink_route", [case])
    assert_same(g, n, "netlink_route " + case)
    assert g.rc == 0 and "no answer" not in g.out and "odd datagram" not in g.out, g.out


@pytest.mark.parametrize("case", ROUTE_CASES)
def test_netlink_route_as_nobody(tmproot, case):
    g, n = as_nobody("netlink_route", [case], tmproot)
    assert_same(g, n, "netlink_route as nobody " + case)
    assert g.rc == 0 and "no answer" not in g.out, g.out


def test_netlink_dumps_show_lo():
    """What the comparisons above rest on, said outright."""
    g = run_guest("netlink_route", ["addr"])
    assert "address=127.0.0.1 local=127.0.0.1 label=lo" in g.out, g.out
    assert "prefixlen 128 flags 0x80 scope 254: address=::1" in g.out, g.out
    g = run_guest("netlink_route", ["route"])
    assert g.out.count("route family 2 ") == 6 and g.out.count("route family 10 ") == 2, g.out
    assert g.out.count("done: len 20 flags 0x2 error 0 bad 0") == 3, g.out


def test_netlink_audit_as_root():
    g = run_guest("netlink_audit")
    n = run_native("netlink_audit")
    assert_same(g, n, "netlink_audit")
    assert "socket: ok" in g.out and "enabled 0 pid 0" in g.out, g.out


def test_netlink_audit_as_nobody(tmproot):
    g, n = as_nobody("netlink_audit", [], tmproot)
    assert_same(g, n, "netlink_audit as nobody")
    assert "error -1 (Operation not permitted)" in g.out, g.out


def test_netlink_pie():
    """The static-pie build's glibc takes the same paths."""
    g = run_guest("ifreq_lo-pie", ["unix"])
    n = run_native("ifreq_lo-pie", ["unix"])
    assert_same(g, n, "ifreq_lo-pie")


# -- the host's iproute2 in the guest ---------------------------------------

IP = shutil.which("ip", path="/usr/sbin:/sbin:/usr/bin:/bin")

IP_COMMANDS = {
    "addr": "ip addr",
    "link": "ip link",
    "addr_lo": "ip addr show dev lo",
    "link_lo": "ip -d link show lo",
    "route": "ip route",
    "route6": "ip -6 route",
    "route_local": "ip route show table local",
    "route6_local": "ip -6 route show table local",
    "route_all": "ip route show table all",
    "oneline": "ip -o addr",
    "brief": "ip -br link",
    "route_get": "ip route get 127.0.0.1; ip route get 127.1.2.3; ip -6 route get ::1",
    "rule": "ip rule; ip -6 rule",
    "neigh": "ip neigh show dev lo; ip -6 neigh show dev lo",
}


def lo_only(name, text):
    """The lines of the host's output that are lo's: its block of
    `ip addr` / `ip link` (from "1: lo:" to the next device), the lines
    naming lo elsewhere."""
    if name in ("addr", "link", "addr_lo", "link_lo"):
        out, inside = [], False
        for line in text.splitlines(True):
            if re.match(r"\d+: ", line):
                inside = line.startswith("1: lo:")
            if inside:
                out.append(line)
        return "".join(out)
    if name in ("route_get", "rule", "neigh"):  # the same on any host, whole ("cache <local>" names no device)
        return text
    return "".join(l for l in text.splitlines(True) if re.search(r"\blo\b", l))


@pytest.mark.skipif(not IP, reason="no iproute2 on this host (scripts/deps.sh installs it)")
@pytest.mark.parametrize("name", list(IP_COMMANDS))
def test_host_ip(name):
    cmd = IP_COMMANDS[name]
    script = "exec 2>&1; export PATH=/usr/sbin:/sbin:/usr/bin:/bin LANG=C; %s; echo status $?" % cmd
    g = run_linux(["quiet", "mem=256M", "ro", "root=/", "rootfstype=hostfs", "init=/bin/sh", "--", "-c", script],
                  timeout=60)
    p = subprocess.run(["/bin/sh", "-c", script], capture_output=True, text=True, timeout=60,
                       stdin=subprocess.DEVNULL)
    native = p.stdout
    assert native.rstrip().endswith("status 0"), native
    want = lo_only(name, native[:native.rindex("status")]) + "status 0\n"
    assert g.out == want, "%s\n--- native (lo's lines):\n%s--- guest:\n%s" % (cmd, want, g.out)
    if name == "addr":
        assert "inet 127.0.0.1/8 scope host lo" in g.out and "inet6 ::1/128 scope host" in g.out, g.out


def test_ip_route_get_unreachable():
    """With only lo, what is not local has no route (natively the host's
    eth0 would carry it: no native run)."""
    script = ("exec 2>&1; export PATH=/usr/sbin:/sbin:/usr/bin:/bin LANG=C; ip route get 192.0.2.7; "
              "ip -6 route get 2001:db8::1; echo status $?")
    g = run_linux(["quiet", "ro", "root=/", "rootfstype=hostfs", "init=/bin/sh", "--", "-c", script], timeout=60)
    assert g.out == "RTNETLINK answers: Network is unreachable\n" * 2 + "status 2\n", g.out


def test_su_goes_through_audit(tmp_path):
    """PAM's su reports to NETLINK_AUDIT (libaudit) at every step and waits
    for the ack: in the guest it gets one, and su works as natively."""
    trace = tmp_path / "trace.txt"
    script = ("exec 2>&1; mount -t proc proc /proc; export PATH=/usr/sbin:/sbin:/usr/bin:/bin LANG=C; "
              "su -s /bin/sh -c id nobody; echo status $?")
    g = run_linux(["quiet", "mem=512M", "trace=socket,sendto,recvfrom", "trace_out=" + str(trace), "ro", "root=/",
                   "rootfstype=hostfs", "init=/bin/sh", "--", "-c", script], timeout=60)
    p = subprocess.run(["/bin/sh", "-c", script.replace("mount -t proc proc /proc; ", "")], capture_output=True,
                       text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert g.out == p.stdout and "uid=65534(nobody)" in g.out, (g.out, p.stdout)
    t = trace.read_text()
    assert "socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT) = 3" in t, t[-3000:]
    # each report is acked: a 36-byte NLMSG_ERROR of error 0, peeked then read
    acks = [l for l in t.splitlines() if "recvfrom(3" in l and l.endswith("= 36")]
    assert len(acks) >= 2, t[-3000:]
