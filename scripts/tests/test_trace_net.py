"""The trace's decoders of socket messages, socket options, event files,
pidfds and waitid, meeting real results: testcases/tracenet natively under
strace -f and in vmcore with trace_out=, compared line by line."""
import os
import re
import shutil
import subprocess

from conftest import LINUX, TESTCASES

CALLS = ["socketpair", "setsockopt", "getsockopt", "sendmsg", "recvmsg", "socket", "bind", "getsockname",
         "sendto", "recvfrom", "connect", "sendmmsg", "recvmmsg", "listen", "accept", "getpeername", "shutdown",
         "eventfd2", "timerfd_create", "timerfd_settime", "timerfd_gettime", "signalfd4", "inotify_init1",
         "inotify_add_watch", "inotify_rm_watch", "epoll_create", "epoll_ctl", "epoll_pwait2", "pidfd_open",
         "pidfd_getfd", "pidfd_send_signal", "waitid"]


def calls(path):
    """(name, args, result) of every finished call, unfinished and resumed
    halves joined, in order."""
    out, pending = [], {}
    for line in open(path):
        m = re.match(r"^(?:\[pid\s+(\d+)\]\s|(\d+)\s+)?(.*)$", line.rstrip("\n"))
        pid, rest = m.group(1) or m.group(2) or "1", m.group(3)
        if rest.endswith("<unfinished ...>"):
            pending[pid] = rest[: -len("<unfinished ...>")].rstrip()
            continue
        r = re.match(r"^<\.\.\. (\w+) resumed>(.*)$", rest)
        if r:
            head, tail = pending.pop(pid, r.group(1) + "("), r.group(2)
            rest = head + (" " if head.endswith(",") and not tail.startswith(")") else "") + tail
        c = re.match(r"^(\w+)\((.*)\)\s+= (.*)$", rest)
        if c and c.group(1) in CALLS:
            out.append((c.group(1), c.group(2), c.group(3)))
    return out


def masked(name, args, result):
    """What differs from run to run: ephemeral ports, stack addresses (0x7f...
    natively, 0x7e... in the guest), pids, the time left on a timer."""
    args = re.sub(r"htons\(\d+\)", "htons(PORT)", args)
    args = re.sub(r"\b0x7[ef][0-9a-f]{10}\b", "ADDR", args)
    args = re.sub(r"\b(pid|si_pid)=\d+", r"\1=PID", args)
    if name == "pidfd_open":
        args = re.sub(r"^\d+", "PID", args)
    args = re.sub(r"it_value=\{tv_sec=99, tv_nsec=\d+\}", "it_value=LEFT", args)
    return "%s(%s) = %s" % (name, args, result)


def test_socket_and_event_calls_as_strace_shows_them(tmp_path):
    native = tmp_path / "native"
    native.mkdir()
    shutil.copy2(os.path.join(TESTCASES, "tracenet"), native / "tracenet")
    p = subprocess.run(["strace", "-f", "-o", str(tmp_path / "strace.txt"), "./tracenet"], cwd=native,
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and "FAIL" not in p.stdout, (p.stdout, p.stderr)

    guest = tmp_path / "guest"
    guest.mkdir()
    shutil.copy2(os.path.join(TESTCASES, "tracenet"), guest / "tracenet")
    log = tmp_path / "vmcore.txt"
    g = subprocess.run([LINUX, "quiet", "root=%s" % guest, "rootfstype=hostfs", "init=/tracenet",
                        "trace_out=%s" % log], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert g.returncode == 0 and "FAIL" not in g.stdout, (g.stdout, g.stderr)

    theirs = [masked(*c) for c in calls(tmp_path / "strace.txt")]
    ours = [masked(*c) for c in calls(log)]
    # every decoder met: each call at least once, with a result
    assert {c.split("(")[0] for c in ours} == set(CALLS)
    assert len(ours) >= 60
    diffs = ["strace %s\nvmcore %s" % (t, o) for t, o in zip(theirs, ours) if t != o]
    assert not diffs and len(theirs) == len(ours), "\n".join(diffs) + "\n%d vs %d lines" % (len(theirs), len(ours))
    # and what they show is real data, not addresses: the passed
    # descriptor, the sender's credentials, the datagrams, the peer
    text = "\n".join(ours)
    for want in ["cmsg_type=SCM_RIGHTS, cmsg_data=[1]}], msg_controllen=24, msg_flags=0}, MSG_NOSIGNAL) = 12",
                 "cmsg_type=SCM_CREDENTIALS, cmsg_data={pid=PID, uid=0, gid=0}}",
                 'msg_namelen=128 => 16, msg_iov=[{iov_base="pong", iov_len=16}]',
                 'cmsg_type=IP_TTL, cmsg_data=[64]}',
                 'msg_iov=[{iov_base="three", iov_len=8}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=5}',
                 "getsockopt(3, SOL_SOCKET, SO_PEERCRED, {pid=PID, uid=0, gid=0}, [12]) = 0",
                 "getsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=5}, [8]) = 0",
                 "recvmsg(4, {msg_namelen=0}, MSG_DONTWAIT) = -1 EAGAIN",
                 "timerfd_settime(3, 0, {it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=0, tv_nsec=0}}, "
                 "{it_interval={tv_sec=1, tv_nsec=500}, it_value=LEFT}) = 0",
                 "si_code=CLD_KILLED, si_pid=PID, si_uid=0, si_status=SIGKILL, si_utime=0, si_stime=0}, WEXITED"]:
        assert want in text, want
