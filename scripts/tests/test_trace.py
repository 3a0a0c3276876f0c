"""The syscall trace: side by side with strace, and the JSON Lines log read
back by the test scripts."""
import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import LINUX, TESTCASES, run_guest

COMPARED = {"openat", "read", "write", "close", "lseek", "mmap", "mprotect", "munmap", "newfstatat",
            "rt_sigaction", "pipe2", "poll", "nanosleep", "clone", "wait4", "kill", "execve", "unlinkat",
            "exit_group"}


def normalise(path, first_pid_execve_dropped):
    """Lines per process (pids renamed in order of appearance), with
    unfinished/resumed halves joined, addresses and pids masked, strace's
    column alignment removed."""
    procs, order, pending = {}, [], {}
    for line in open(path):
        line = line.rstrip("\n")
        m = re.match(r"^(?:\[pid\s+(\d+)\]\s|(\d+)\s+)?(.*)$", line)
        pid = m.group(1) or m.group(2) or "1"  # vmcore leaves init's first lines bare
        rest = m.group(3)
        if rest.endswith("<unfinished ...>"):
            pending[pid] = rest[: -len("<unfinished ...>")].rstrip()
            continue
        r = re.match(r"^<\.\.\. (\w+) resumed>(.*)$", rest)
        if r:
            head = pending.pop(pid, r.group(1) + "(")
            tail = r.group(2).lstrip()
            rest = head + (" " if head.endswith(",") and not tail.startswith(")") else "") + tail
        if pid not in procs:
            procs[pid] = []
            order.append(pid)
        procs[pid].append(rest)
    names = {p: "P%d" % i for i, p in enumerate(order)}
    out = {}
    for pid, lines in procs.items():
        keep = []
        for l in lines:
            m = re.match(r"^(\w+)\(", l)
            if l.startswith("+++"):
                keep.append(l)
                continue
            if not m or m.group(1) not in COMPARED:
                continue
            l = re.sub(r"\s+= ", " = ", l)
            l = re.sub(r"0x[0-9a-f]{5,}", "ADDR", l)
            l = re.sub(r"/\* \d+ vars \*/", "/* N vars */", l)
            # results that are pids
            if m.group(1) in ("clone", "wait4"):
                l = re.sub(r"= (\d+)$", lambda mm: "= " + names.get(mm.group(1), "PID?"), l)
                l = re.sub(r"^wait4\((\d+)", lambda mm: "wait4(" + names.get(mm.group(1), "PID?"), l)
            if m.group(1) == "kill":
                l = re.sub(r"^kill\((\d+)", lambda mm: "kill(" + names.get(mm.group(1), "PID?"), l)
            keep.append(l)
        out[names[pid]] = keep
    if first_pid_execve_dropped and out.get("P0") and out["P0"][0].startswith("execve("):
        out["P0"] = out["P0"][1:]
    return out


def mask_fd_paths(path, native_dir):
    """strace -y lines: the native run's directory is the guest's root;
    pipe inode numbers and what the standard descriptors are differ."""
    text = open(path).read().replace("<%s/" % native_dir, "</").replace("<%s>" % native_dir, "</>")
    text = re.sub(r"pipe:\[\d+\]", "pipe:[N]", text)
    text = re.sub(r"(?<![\w\d])([012])<[^>]*>", r"\1<STDIO>", text)
    open(path, "w").write(text)


@pytest.mark.parametrize("paths", [False, True], ids=["plain", "fd-paths"])
def test_side_by_side_with_strace(tmp_path, paths):
    """tracecmp under strace -f (and -y) natively and in the guest with the
    trace on (and trace_y): the lines of the calls both show must match."""
    native_dir, guest_dir = tmp_path / "native", tmp_path / "guest"
    for d in (native_dir, guest_dir):
        d.mkdir()
        shutil.copy2(os.path.join(TESTCASES, "tracecmp"), d / "tracecmp")
    subprocess.run(["strace", "-f"] + (["-y"] if paths else []) + ["-o", str(tmp_path / "strace.txt"),
                   "./tracecmp"], cwd=native_dir, env={"HOME": "/", "TERM": "linux"}, check=True, timeout=60,
                   capture_output=True)
    r = subprocess.run([LINUX, "quiet", "root=%s" % guest_dir, "rootfstype=hostfs", "init=./tracecmp",
                        "trace_out=%s" % (tmp_path / "vmcore.txt")] + (["trace_y"] if paths else []),
                       timeout=60, capture_output=True)
    assert r.returncode == 0, r.stderr
    if paths:
        for f in ("strace.txt", "vmcore.txt"):
            mask_fd_paths(tmp_path / f, str(native_dir))
    native = normalise(tmp_path / "strace.txt", True)
    guest = normalise(tmp_path / "vmcore.txt", False)
    total = sum(len(v) for v in native.values())
    same = 0
    diffs = []
    for p, lines in native.items():
        g = guest.get(p, [])
        for i, l in enumerate(lines):
            if i < len(g) and g[i] == l:
                same += 1
            else:
                diffs.append("%s: strace %r\n    vmcore %r" % (p, l, g[i] if i < len(g) else None))
    print("matching lines: %d of %d (%.0f%%)" % (same, total, 100.0 * same / max(total, 1)))
    assert total > 30
    if paths:
        joined = "\n".join(l for v in guest.values() for l in v)
        assert '3</data.txt>' in joined and "AT_FDCWD</>" in joined and "pipe:[N]" in joined, joined
    assert same == total, "\n".join(diffs[:20])


def test_json_log_read_back(tmp_path):
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
    import vmtrace
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy2(os.path.join(TESTCASES, "tracecmp"), root / "tracecmp")
    log = tmp_path / "trace.jsonl"
    r = subprocess.run([LINUX, "quiet", "root=%s" % root, "rootfstype=hostfs", "init=/tracecmp",
                        "trace_fmt=json", "trace_out=%s" % log], timeout=60, capture_output=True)
    assert r.returncode == 0, r.stderr
    t = vmtrace.load(str(log))
    # what the program did, not what it printed
    assert t.files_opened(pid=1)[:2] == ["data.txt", "data.txt"]
    enoent = t.syscalls(name="openat", failed=True)
    assert len(enoent) == 1 and enoent[0].errno == "ENOENT" and vmtrace.unquote(enoent[0].args[1]) == "nonexistent/file"
    assert t.syscalls(name="close", failed=True)[0].errno == "EBADF"
    writes = t.syscalls(name="write", pid=1)
    assert writes[0].ret == 10 and vmtrace.unquote(writes[0].args[1]) == "some text\n"
    # fork, exec and exit in order: the third child execs and exits with 3
    clones = t.syscalls(name="clone", pid=1)
    assert len(clones) == 3
    child = clones[2].ret
    order = [r for r in t.timeline() if getattr(r, "pid", None) == child and
             (getattr(r, "type", None) in ("exec", "exit") or getattr(r, "name", None) == "execve")]
    kinds = [getattr(r, "type", None) or r.name for r in order]
    assert kinds.index("exec") < kinds.index("exit"), kinds
    assert [s.ret for s in t.syscalls(name="execve", pid=child)] == [0]
    exits = [e for e in t.events("exit") if e.pid == child]
    assert exits and exits[0].status == 3
    killed = [e for e in t.events("exit") if e.signal == "SIGTERM"]
    assert len(killed) == 1
    for s in t.syscalls():
        assert s.t_exit is None or s.t_exit >= s.t_entry
    # the command-line front end and the Perfetto export
    out = subprocess.run(["/usr/bin/python3", os.path.join(os.path.dirname(__file__), "..", "vmtrace.py"),
                          str(log), "failed"], capture_output=True, text=True, check=True).stdout
    assert "ENOENT" in out or "nonexistent" in out
    pf = tmp_path / "perfetto.json"
    subprocess.run(["/usr/bin/python3", os.path.join(os.path.dirname(__file__), "..", "vmtrace.py"),
                    str(log), "perfetto", str(pf)], check=True)
    data = json.load(open(pf))
    tracks = {(e["pid"], e["tid"]) for e in data["traceEvents"] if e.get("ph") in ("X", "i")}
    assert len(tracks) >= 4  # init and its three children


def test_trace_filters_and_summary(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy2(os.path.join(TESTCASES, "tracecmp"), root / "tracecmp")
    log = tmp_path / "t.txt"
    r = subprocess.run([LINUX, "quiet", "root=%s" % root, "rootfstype=hostfs", "init=/tracecmp",
                        "trace=%file,wait4", "trace_out=%s" % log], timeout=60, capture_output=True)
    assert r.returncode == 0
    names = {re.match(r"^(?:\[pid\s+\d+\] )?(\w+)\(", l).group(1) for l in open(log)
             if re.match(r"^(?:\[pid\s+\d+\] )?\w+\(", l)}
    assert names and names <= {"openat", "newfstatat", "unlinkat", "execve", "wait4", "readlink"}, names
    assert "wait4" in names and "openat" in names
    r = subprocess.run([LINUX, "quiet", "root=%s" % root, "rootfstype=hostfs", "init=/tracecmp",
                        "trace_c", "trace_out=%s" % log], timeout=60, capture_output=True)
    text = open(log).read()
    assert "% time" in text and "total" in text and " openat" in text, text
    r = subprocess.run([LINUX, "quiet", "root=%s" % root, "rootfstype=hostfs", "init=/tracecmp",
                        "trace_failed", "trace_out=%s" % log], timeout=60, capture_output=True)
    # strace -Z prints the calls that failed: "= -1 E..." and, as strace does
    # natively, a call a signal cut short ("pause() = ? ERESTARTNOHAND" when
    # the child's SIGTERM lands while it sleeps, which is a race)
    lines = [l for l in open(log) if "(" in l and not l.startswith(("+++", "---"))]
    assert lines and all(re.search(r"\) += (-1 E|\? ERESTART)", l) for l in lines), lines
    assert sum("= -1 E" in l for l in lines) >= 3, lines
    bad = subprocess.run([LINUX, "trace=nosuchcall"], capture_output=True, text=True, timeout=10)
    assert bad.returncode != 0 and "nosuchcall" in bad.stderr


def test_flight_recorder_in_proc():
    """Every task's last system calls, readable at run time."""
    p = subprocess.run([LINUX, "quiet"], input=b"cat /proc/1/syscalls; echo; poweroff\n",
                       capture_output=True, timeout=30)
    out = p.stdout.decode()
    assert p.returncode == 0
    lines = [l for l in out.splitlines() if l.startswith("[")]
    assert 1 <= len(lines) <= 32, out
    assert any(re.search(r"\] \w+\(.*\) = -?\d+$", l) for l in lines), lines


def test_tracefs_control_from_the_guest():
    """The guest switches the trace on, filters it and reads it back."""
    script = (b"cd /sys/kernel/tracing/vmcore; echo guest > output; echo openat > filter; "
              b"echo nosuch > filter 2>/dev/null || echo refused; cat filter; echo 1 > enable; "
              b"cat /etc/hostname; echo 0 > enable; echo count=$(head -n 3 trace_pipe | grep -c openat)\npoweroff\n")
    p = subprocess.run([LINUX, "quiet"], input=script, capture_output=True, timeout=30)
    lines = p.stdout.decode().splitlines()
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert "refused" in lines and "openat" in lines and "vmcore" in lines, lines
    counts = [int(l[6:]) for l in lines if l.startswith("count=")]
    assert counts and counts[0] >= 1, lines


def stacks_of(path, prefix=""):
    """{write line: [frame lines]} in order, from a text trace."""
    out, cur = [], None
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith(" > "):
            if cur is not None:
                cur[1].append(line.replace(" > " + prefix, " > "))
        else:
            m = re.match(r"^(?:\[pid\s+\d+\]\s|\d+\s+)?(write\(.*)$", line)
            cur = (re.sub(r"\s+= ", " = ", m.group(1)), []) if m else None
            if cur:
                out.append(cur)
    return out


@pytest.mark.parametrize("prog", ["stackme", "stackme-pie"])
def test_trace_stack(tmp_path, prog):
    """trace_stack: each call's user stack, unwound through the guest's own
    ELF file, in a forked child too; as strace -k shows it."""
    shutil.copy2(os.path.join(TESTCASES, prog), tmp_path / prog)
    log = tmp_path / "t.txt"
    r = subprocess.run([LINUX, "quiet", "root=%s" % tmp_path, "rootfstype=hostfs", "init=/" + prog,
                        "trace=write", "trace_stack", "trace_out=%s" % log], timeout=60, capture_output=True)
    assert r.returncode == 0, r.stderr
    got = stacks_of(log)
    assert [w for w, _ in got] == ['write(1, "stack me\\n", 9) = 9', 'write(1, "child\\n", 6) = 6'], got
    for _, frames in got:
        funcs = [re.match(r"^ > /%s\((\w+)\+0x[0-9a-f]+\) \[0x[0-9a-f]+\]$" % re.escape(prog), f) for f in frames]
        assert all(funcs), frames
        names = [m.group(1) for m in funcs]
        assert names[1:5] == ["inner", "middle", "outer", "main"], names
        assert names[-1] == "_start", names
    # the same frames as strace -k, where the host's strace unwinds
    # (it stops after one frame in a non-PIE static program)
    if prog.endswith("-pie"):
        native = tmp_path / "native.txt"
        k = subprocess.run(["strace", "-f", "-k", "-e", "trace=write", "-o", str(native), "./" + prog],
                           cwd=tmp_path, capture_output=True, timeout=60)
        if k.returncode == 0 and " > " in open(native).read():
            assert stacks_of(native, prefix=str(tmp_path)) == got


def test_trace_stack_json(tmp_path):
    shutil.copy2(os.path.join(TESTCASES, "stackme"), tmp_path / "stackme")
    log = tmp_path / "t.jsonl"
    r = subprocess.run([LINUX, "quiet", "root=%s" % tmp_path, "rootfstype=hostfs", "init=/stackme",
                        "trace=write,exit_group", "trace_stack", "trace_fmt=json", "trace_out=%s" % log],
                       timeout=60, capture_output=True)
    assert r.returncode == 0, r.stderr
    recs = [json.loads(l) for l in open(log)]
    writes = [x for x in recs if x.get("name") == "write"]
    assert len(writes) == 2
    for w in writes:
        st = w["stack"]
        assert [f["func"] for f in st[1:5]] == ["inner", "middle", "outer", "main"], st
        assert all(f["file"] == "/stackme" and f["pc"] > 0 and f["off"] > 0 for f in st), st
    ex = [x for x in recs if x.get("name") == "exit_group"]
    assert ex and ex[0]["stack"] and ex[0]["stack"][-1]["func"] == "_start"


def test_trace_bad_input(tmp_path):
    """Unreadable pointers print as addresses, huge strings are cut (paths
    at PATH_MAX, other strings at the string size), and buffers changed or
    unmapped by another thread while a call blocks do not confuse the trace
    (nor the kernel: the read into the unmapped buffer fails with EFAULT,
    as on Linux)."""
    shutil.copy2(os.path.join(TESTCASES, "tracebad"), tmp_path / "tracebad")
    log = tmp_path / "t.txt"
    r = subprocess.run([LINUX, "quiet", "root=%s" % tmp_path, "rootfstype=hostfs", "init=/tracebad",
                        "trace=openat,write,read,newfstatat,munmap", "trace_out=%s" % log],
                       timeout=60, capture_output=True)
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert not re.search(rb"^FAIL", r.stdout, re.M)
    native = subprocess.run(["./tracebad"], cwd=tmp_path, capture_output=True, timeout=60)
    assert native.returncode == 0 and native.stdout == r.stdout
    lines = [re.sub(r"\s+= ", " = ", l.rstrip("\n")) for l in open(log)]
    expect = ['openat(AT_FDCWD, 0x1, O_RDONLY) = -1 EFAULT (Bad address)',
              'write(4, 0xdead0000, 10) = -1 EFAULT (Bad address)',
              'newfstatat(AT_FDCWD, ".", 0x10, 0) = -1 EFAULT (Bad address)',
              'openat(AT_FDCWD, "%s"..., O_RDONLY) = -1 ENAMETOOLONG (File name too long)' % ("p" * 4095),
              'write(5, "%s"..., 1048576) = 1048576' % ("p" * 32)]
    for e in expect:
        assert e in lines, (e[:100], lines)
    # the blocked write shows its buffer as it was when the call was made
    blocked = [l for l in lines if re.match(r'^\[pid\s+1\] write\(4, "A{32}"\.\.\., 131072 <unfinished \.\.\.>$', l)]
    assert blocked, lines
    assert any(re.match(r"^\[pid\s+1\] <\.\.\. write resumed>\) = 131072$", l) for l in lines), lines
    reads = [re.match(r'^\[pid\s+2\] (?:read\(3, |<\.\.\. read resumed>)"[AB]{1,32}"(?:\.\.\.)?, 65536\) = (\d+)$', l)
             for l in lines if re.match(r"^\[pid     2\] (read\(|<\.\.\. read resumed>)", l)
             and not l.endswith("<unfinished ...>")]
    assert reads and all(reads) and sum(int(m.group(1)) for m in reads) == 131072, lines
    # the read whose buffer another thread unmapped: its address, EFAULT
    unmapped = [re.match(r"^\[pid\s+3\] munmap\((0x[0-9a-f]+), 4096\) = 0$", l) for l in lines]
    addr = [m.group(1) for m in unmapped if m]
    assert len(addr) == 1, lines
    # (the program's thread naps before it unmaps: under load the read may
    # not have begun yet, and then it fails at once, in one line)
    at_once = "[pid     1] read(3, %s, 100) = -1 EFAULT (Bad address)" % addr[0]
    if at_once not in lines:
        assert any(re.match(r"^\[pid\s+1\] read\(3,  <unfinished \.\.\.>$", l) for l in lines), lines
        assert "[pid     1] <... read resumed>%s, 100) = -1 EFAULT (Bad address)" % addr[0] in lines, lines
    # the single-threaded part, line for line as strace shows it
    st = tmp_path / "strace.txt"
    subprocess.run(["strace", "-o", str(st), "-e", "trace=openat,write,newfstatat", "./tracebad"],
                   cwd=tmp_path, capture_output=True, timeout=60, check=True)
    theirs = [re.sub(r"\s+= ", " = ", l.rstrip("\n")) for l in open(st)]
    first = theirs.index(expect[0])
    ours = lines[lines.index(expect[0]):]
    n = theirs.index('openat(AT_FDCWD, "big.out", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 5') - first + 2
    assert ours[:n] == theirs[first:first + n]


# -- structs: socket addresses, terminal ioctls, clone3, epoll ---------------

STRUCT_CALLS = {"ioctl", "socket", "connect", "bind", "getsockname", "accept4", "sendto", "socketpair",
                "shutdown", "listen", "clone3", "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait"}
# only input arguments: decoded the same whether the call works or not
INPUT_ONLY = {"socket", "connect", "bind", "accept4", "sendto", "shutdown", "listen", "epoll_create1",
              "epoll_ctl"}
# calls whose first argument is a socket or epoll descriptor (their
# numbers may differ from the host's)
FD_FIRST = STRUCT_CALLS - {"ioctl", "socket", "socketpair", "clone3"}


def run_on_pty(cmd, cwd=None, timeout=60):
    """CMD with a new pseudo-terminal as stdin: 24x80, and HUPCL set, as
    vmcore's console has it, so that both show the same modes."""
    import fcntl
    import pty
    import signal
    import struct
    import termios
    master, slave = pty.openpty()
    try:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        attrs = termios.tcgetattr(slave)
        attrs[2] |= termios.HUPCL
        termios.tcsetattr(slave, termios.TCSANOW, attrs)
        p = subprocess.Popen(cmd, cwd=cwd, stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env={"HOME": "/", "TERM": "linux"}, start_new_session=True)
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, err = p.communicate()
            raise AssertionError("%s timed out: %r %r" % (cmd, out[-2000:], err[-2000:]))
        return p.returncode, out.decode(errors="replace"), err.decode(errors="replace")
    finally:
        os.close(slave)
        os.close(master)


def struct_lines(path):
    """The calls of STRUCT_CALLS in a trace, in order, as (name, args,
    result): unfinished/resumed halves joined, alignment removed, addresses
    (0x7f..., 0x7e... in the guest) masked."""
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
        if c and c.group(1) in STRUCT_CALLS:
            out.append((c.group(1), re.sub(r"0x7[ef][0-9a-f]{10}\b", "ADDR", c.group(2)), c.group(3)))
    return out


TERMIOS_DEFAULT = ("{c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, "
                   "c_cflag=B38400|CS8|CREAD|HUPCL, "
                   "c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, ...}")
TERMIOS_SET = ("{c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, "
               "c_cflag=B38400|CS8|CREAD|HUPCL, c_lflag=ISIG|ICANON|IEXTEN|ECHOCTL, ...}")
WINSIZE = "{ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}"
ENOSYS = "-1 ENOSYS (Function not implemented)"
EAFNOSUPPORT = "-1 EAFNOSUPPORT (Address family not supported by protocol)"
ENOTTY = "-1 ENOTTY (Inappropriate ioctl for device)"
ENOENT = "-1 ENOENT (No such file or directory)"
ECONNREFUSED = "-1 ECONNREFUSED (Connection refused)"
EINVAL = "-1 EINVAL (Invalid argument)"
EBADF = "-1 EBADF (Bad file descriptor)"
INET_80 = '{sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}'
THREAD_FLAGS = ("CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|"
                "CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID")

# what vmcore shows for tracestructs, which has a terminal on fd 0
# (test_trace_net.py has the socket and event calls that succeed)
GUEST_STRUCT_LINES = [
    "ioctl(0, TCGETS, %s) = 0" % TERMIOS_DEFAULT,
    "ioctl(0, SNDCTL_TMR_START or TCSETS, %s) = 0" % TERMIOS_SET,
    "ioctl(0, TCGETS, %s) = 0" % TERMIOS_SET,
    "ioctl(0, SNDCTL_TMR_STOP or TCSETSW, %s) = 0" % TERMIOS_DEFAULT,
    "ioctl(0, TIOCGWINSZ, %s) = 0" % WINSIZE,
    "ioctl(0, TIOCSWINSZ, %s) = 0" % WINSIZE,
    "ioctl(0, TIOCGPGRP, ADDR) = " + ENOTTY,
    "ioctl(0, TIOCSCTTY, 0) = 0",
    "ioctl(0, TIOCGPGRP, [1]) = 0",
    "ioctl(0, TIOCSPGRP, [1]) = 0",
    # calls on -1 are EBADF, with their arguments decoded all the same
    "socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = 3",
    'connect(3, {sa_family=AF_UNIX, sun_path="tracestructs.sock"}, 20) = ' + ENOENT,
    'bind(3, {sa_family=AF_UNIX, sun_path="tracestructs.sock"}, 20) = 0',
    'getsockname(3, {sa_family=AF_UNIX, sun_path="tracestructs.sock"}, [110 => 20]) = 0',
    'connect(3, {sa_family=AF_UNIX, sun_path=@"tracestructs"}, 15) = ' + ECONNREFUSED,
    "accept4(3, NULL, NULL, SOCK_CLOEXEC) = " + EINVAL,
    "socket(AF_INET, SOCK_DGRAM|SOCK_NONBLOCK, IPPROTO_UDP) = 4",
    "connect(4, %s, 16) = 0" % INET_80,
    'sendto(4, "x", 1, MSG_DONTWAIT|MSG_NOSIGNAL, %s, 16) = 1' % INET_80,
    'sendto(-1, "y", 1, 0, NULL, 0) = ' + EBADF,
    "socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP) = 5",
    'connect(5, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(5), '
    'inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0',
    'connect(4, {sa_family=0x3039 /* AF_??? */, sa_data="abc\\1\\0\\0"}, 8) = ' + EINVAL,
    "bind(-1, {sa_family=AF_NETLINK, nl_pid=1234, nl_groups=0x000005}, 12) = " + EBADF,
    "socketpair(AF_UNIX, SOCK_STREAM, 0, [6, 7]) = 0",
    "shutdown(-1, SHUT_RDWR) = " + EBADF,
    "listen(-1, 5) = " + EBADF,
    "clone3({flags=%s, child_tid=ADDR, parent_tid=ADDR, exit_signal=0, stack=ADDR, stack_size=0x40300, "
    "tls=ADDR} => {parent_tid=[2]}, 88) = 2" % THREAD_FLAGS,
    "clone3({flags=0, exit_signal=SIGCHLD, stack=NULL, stack_size=0}, 88) = 3",
    "clone3({flags=CLONE_PARENT_SETTID, parent_tid=ADDR, exit_signal=SIGCHLD, stack=NULL, stack_size=0} "
    "=> {parent_tid=[4]}, 88) = 4",
    "clone3(NULL, 88) = -1 EFAULT (Bad address)",
    "clone3(ADDR, 10) = -1 EINVAL (Invalid argument)",
    "ioctl(10, TCGETS, ADDR) = " + ENOTTY,
    "ioctl(10, TIOCGWINSZ, ADDR) = " + ENOTTY,
    "epoll_create1(EPOLL_CLOEXEC) = 8",  # 3 to 7 are the sockets above
    "epoll_ctl(8, EPOLL_CTL_ADD, 10, {events=EPOLLIN|EPOLLET, data={u32=10, u64=4294967306}}) = 0",
    "epoll_ctl(8, EPOLL_CTL_ADD, 11, {events=EPOLLOUT, data={u32=11, u64=11}}) = 0",
    "epoll_ctl(8, EPOLL_CTL_MOD, 11, {events=EPOLLOUT|EPOLLRDHUP, data={u32=11, u64=11}}) = 0",
    "epoll_ctl(8, EPOLL_CTL_DEL, 11, NULL) = 0",
    "epoll_ctl(8, EPOLL_CTL_ADD, 11, {events=EPOLLOUT, data={u32=11, u64=11}}) = 0",
    "epoll_wait(8, [{events=EPOLLOUT, data={u32=11, u64=11}}, {events=EPOLLIN, data={u32=10, u64=4294967306}}], 4, 0) = 2",
    "epoll_pwait(8, [{events=EPOLLOUT, data={u32=11, u64=11}}], 4, 0, [USR1], 8) = 1",
    "epoll_wait(-1, ADDR, 4, 0) = -1 EBADF (Bad file descriptor)",
]


def run_tracestructs_in_guest(tmp_path):
    root = tmp_path / "guest"
    root.mkdir()
    shutil.copy2(os.path.join(TESTCASES, "tracestructs"), root / "tracestructs")
    log = tmp_path / "vmcore.txt"
    rc, out, err = run_on_pty([LINUX, "quiet", "root=%s" % root, "rootfstype=hostfs", "init=/tracestructs",
                               "trace_out=%s" % log])
    assert rc == 0 and "FAIL" not in out, (out, err)
    return log


def test_struct_decoding_in_guest(tmp_path):
    """Sockets' addresses, termios, winsize, clone_args and epoll_event, as
    strace prints them; out-parameters only after a successful call."""
    got = ["%s(%s) = %s" % l for l in struct_lines(run_tracestructs_in_guest(tmp_path))]
    assert got == GUEST_STRUCT_LINES, "\n".join(
        "%s\n  expected %r\n  got      %r" % (i, e, g)
        for i, (e, g) in enumerate(zip(GUEST_STRUCT_LINES + [None] * len(got), got + [None] * 99))
        if e != g)


def test_struct_args_in_json(tmp_path):
    """An output struct is read when the call returns: TCGETS's JSON
    arguments hold the terminal modes, a failed TCGETS only the address."""
    root = tmp_path / "guest"
    root.mkdir()
    shutil.copy2(os.path.join(TESTCASES, "tracestructs"), root / "tracestructs")
    log = tmp_path / "t.jsonl"
    rc, out, err = run_on_pty([LINUX, "quiet", "root=%s" % root, "rootfstype=hostfs", "init=/tracestructs",
                               "trace=ioctl", "trace_fmt=json", "trace_out=%s" % log])
    assert rc == 0, (out, err)
    calls = [json.loads(l) for l in open(log)]
    calls = [c for c in calls if c.get("name") == "ioctl"]
    assert calls[0]["args"][1:] == ["TCGETS", TERMIOS_DEFAULT] and calls[0]["ret"] == 0
    bad = [c for c in calls if c["args"][0] == "10" and c["args"][1] == "TCGETS"]
    assert len(bad) == 1 and bad[0]["errno"] == "ENOTTY"
    assert bad[0]["args"][2] == "%#x" % bad[0]["raw"][2]


def mask_struct_line(name, args, result):
    """What may differ between a native run and the guest's: the socket and
    epoll descriptors (-1 in the guest), pids and tids."""
    if name in FD_FIRST:
        args = re.sub(r"^-?\d+", "FD", args)
    if name == "socketpair":  # the host has AF_INET: its sockets took lower numbers
        args = re.sub(r"\[\d+, \d+\]$", "[FD, FD]", args)
    if name == "ioctl":
        args = re.sub(r"^(0, TIOC[GS]PGRP, )\[\d+\]", r"\1[PID]", args)
    if name == "clone3":
        args = re.sub(r"parent_tid=\[\d+\]", "parent_tid=[PID]", args)
        result = re.sub(r"^\d+$", "PID", result)
    return args, result


def test_structs_side_by_side_with_strace(tmp_path):
    """tracestructs natively under strace -f and in vmcore, both with a
    terminal on fd 0: every call decodes its arguments as strace does.  A
    call the guest does not implement (ENOSYS) is compared by its
    arguments only; one that succeeds on one side only and has output
    arguments is not compared (they are only shown after a success)."""
    native_dir = tmp_path / "native"
    native_dir.mkdir()
    shutil.copy2(os.path.join(TESTCASES, "tracestructs"), native_dir / "tracestructs")
    rc, out, err = run_on_pty(["strace", "-f", "-o", str(tmp_path / "strace.txt"), "./tracestructs"],
                              cwd=native_dir)
    assert rc == 0 and "FAIL" not in out, (out, err)
    native = struct_lines(tmp_path / "strace.txt")
    guest = struct_lines(run_tracestructs_in_guest(tmp_path))
    assert [n for n, _, _ in native] == [n for n, _, _ in guest]
    compared, diffs = 0, []
    for (name, nargs, nres), (_, gargs, gres) in zip(native, guest):
        nargs, nres = mask_struct_line(name, nargs, nres)
        gargs, gres = mask_struct_line(name, gargs, gres)
        if name in INPUT_ONLY or (nres.startswith("-1 ") and gres == ENOSYS):
            same = nargs == gargs
        elif nres.startswith("-1 ") == gres.startswith("-1 "):
            same = (nargs, nres) == (gargs, gres)
        else:
            continue
        compared += 1
        if not same:
            diffs.append("strace %s(%s) = %s\n    vmcore %s(%s) = %s" % (name, nargs, nres, name, gargs, gres))
    print("compared %d of %d lines" % (compared, len(native)))
    assert not diffs, "\n".join(diffs)
    assert compared >= 38


def test_trace_file_while_running_and_after_sigterm(tmp_path):
    """The trace file gets a sleeping guest's lines while it runs (the
    buffer is written out every 50 ms), and keeps them when ./linux is
    terminated."""
    import signal
    import time
    log = tmp_path / "t.txt"
    p = subprocess.Popen([LINUX, "quiet", "trace=execve", "trace_out=%s" % log],
                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    try:
        p.stdin.write(b"sleep 30\n")
        p.stdin.flush()
        end = time.monotonic() + 10
        # the shell's start shows while it sleeps (the sleep's own line
        # comes when it returns)
        while not re.search(r'execve\("/bin/sh", \["/bin/sh", "-l"\]', log.read_text() if log.exists() else ""):
            assert time.monotonic() < end, "nothing in the trace file while the guest runs"
            time.sleep(0.05)
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=10)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    text = log.read_text()
    assert re.search(r'execve\("/bin/sh", \["/bin/sh", "-l"\]', text), text[-2000:]
    assert re.search(r'execve\("/bin/mount", \["/bin/mount", "-t", "proc"', text), text[-2000:]


@pytest.mark.parametrize("opts", [["strace"], ["strace", "trace_fmt=json"], ["trace_c"],
                                  ["trace_failed", "strace"]])
@pytest.mark.hole(7)
def test_unassigned_numbers(opts):
    """Numbers Linux leaves unassigned (335-423, 451-511) and far-out ones
    are ENOSYS, traced as strace names them (syscall_0x14f with six hex
    arguments); the trace never indexes past its tables."""
    r = run_guest("unassigned", extra=opts, timeout=60)
    assert r.rc == 0 and "245 calls, 245 ENOSYS" in r.out, r
    assert "Oops" not in r.err, r.err[-3000:]
    if opts == ["strace"]:
        assert "syscall_0x14f(0x1, 0x2, 0x3, 0x4, 0x5, 0x6) = -1 ENOSYS (Function not implemented)" \
            in r.err, r.err[-3000:]
        assert "syscall_0x1ff(" in r.err and "syscall_0x1a7(" in r.err
    if "trace_fmt=json" in opts:
        assert '"name":"syscall_0x1c3"' in r.err, r.err[-3000:]
    if opts == ["trace_c"]:
        rows = re.findall(r"^ *[\d.]+ +[\d.]+ +\d+ +1 +1 syscall_0x([0-9a-f]+)$", r.err, re.M)
        assert len(rows) == 150, r.err[-3000:]
