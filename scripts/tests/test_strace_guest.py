"""The host's own strace (/usr/bin/strace) in the guest, the guest's root
being the host's / over hostfs, on testcases/strace_mix (two threads, a
fork whose child execs /bin/true, a pipe, a signal to itself, files with
fixed names):

- `strace -f -tt -T -y`: every line has its time of day and every finished
  call its duration, well formed and in order per process; per process
  (pids by order of first appearance) the calls from the program's first
  own call on are native strace's, with the same -y paths; and they are,
  line for line, what the kernel's own trace (trace_out=, with trace_y)
  printed for the same run.
- `strace -f -k`: the stacks strace unwinds in the guest (libdw over
  /proc/PID/maps and process_vm_readv) are native strace's, and name the
  program's own functions under its writes, its kill and its threads'
  calls.

strace runs as pid 1 (the shell mounts the guest's proc on /proc and
execs it): -y reads /proc/PID/fd and -k /proc/PID/maps, which must be the
guest's, not the host's /proc that the hostfs root shows.  See
docs/trace.md, "strace in the guest"."""
import os
import re
import subprocess

import pytest

from conftest import GUEST_ENV, TESTCASES, run_linux
from test_ptrace import joined

STRACE = "/usr/bin/strace"

# glibc's calls that differ legitimately between the guest and Linux:
# vmcore has no rseq (ENOSYS at start-up, so new threads do not register
# one), and whether pthread_join waits on the futex depends on whether the
# thread has already gone, a matter of scheduling
DROPPED = ("rseq(", "futex(")
# the exec'd dynamic /bin/true: ld.so's minimal malloc maps its first
# anonymous page earlier on Linux, where the vDSO's link map (the guest has
# no vDSO) takes its first bytes
ANON_MMAP = re.compile(r"^mmap\(NULL, \d+, PROT_READ\|PROT_WRITE, MAP_PRIVATE\|MAP_ANONYMOUS, -1, 0\)")

TIME = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d{6}) ")
DURATION = re.compile(r" <(\d+)\.(\d{6})>$")


def have_strace():
    return os.access(STRACE, os.X_OK)


pytestmark = pytest.mark.skipif(not have_strace(), reason="no " + STRACE)


def strace_cmd(opts, out, prog, workdir):
    return "exec %s %s -o %s %s %s" % (STRACE, opts, out, os.path.join(TESTCASES, prog), workdir)


def in_guest(opts, out, prog, workdir, kernel_log=None):
    """strace as the guest's pid 1 over the host's / (the shell before it
    mounts the guest's proc); KERNEL_LOG: the kernel's own trace too"""
    extra = ["trace_out=%s" % kernel_log, "trace_tt", "trace_T", "trace_y"] if kernel_log else []
    r = run_linux(["quiet", "root=/", "rootfstype=hostfs"] + extra +
                  ["init=/bin/sh", "--", "-c", "mount -t proc proc /proc && " +
                   strace_cmd(opts, out, prog, workdir)], timeout=90)
    assert r.rc == 0, r
    return open(out).read().splitlines()


def natively(opts, out, prog, workdir):
    """the same strace natively: the same shell, environment and cwd (/)"""
    p = subprocess.run(["/bin/sh", "-c", strace_cmd(opts, out, prog, workdir)], env=GUEST_ENV,
                       cwd="/", stdin=subprocess.DEVNULL, capture_output=True, timeout=60,
                       start_new_session=True)
    assert p.returncode == 0, p
    return open(out).read().splitlines()


def check_log(workdir):
    log = open(os.path.join(workdir, "strace_mix.log")).read()
    assert log.startswith("ok begin\n") and log.endswith("ok end\n") and "FAIL" not in log, log
    os.unlink(os.path.join(workdir, "strace_mix.log"))
    os.unlink(os.path.join(workdir, "strace_mix.thread"))


def split_pid(line):
    """strace -f -o's "PID   rest" as (pid, rest)"""
    m = re.match(r"^(\d+) +(.*)$", line)
    assert m, line
    return m.group(1), m.group(2)


def check_times(lines):
    """-tt and -T: a well-formed time of day on every line, never going
    back within a process; a well-formed duration on every line that
    finishes a call (not on an unfinished call, a signal, an exit, or a
    call that does not return)"""
    last = {}
    for line in lines:
        pid, rest = split_pid(line)
        m = TIME.match(rest)
        assert m, "no time of day: %r" % line
        h, mi, s, us = map(int, m.groups())
        assert h < 24 and mi < 60 and s < 61, line
        t = ((h * 60 + mi) * 60 + s) * 1000000 + us
        assert t >= last.get(pid, 0), "time goes back in %s: %r" % (pid, line)
        last[pid] = t
        call = rest[m.end():]
        bare = call.endswith("<unfinished ...>") or call.startswith(("---", "+++")) or \
            call.endswith("= ?")
        d = DURATION.search(call)
        if bare:
            assert not d, "a duration where none belongs: %r" % line
        else:
            assert d and int(d.group(1)) < 60, "no duration: %r" % line
    assert len(last) >= 4, sorted(last)


def calls(lines):
    """(pid, call) of strace -o lines or the kernel's trace (either
    prefix), times and durations stripped, halves joined"""
    plain = []
    for line in lines:
        m = re.match(r"^(?:\[pid\s+(\d+)\] |(\d+) +)(.*)$", line)
        if not m:
            continue  # the kernel's lines before a second task: pid 1's
        rest = TIME.sub("", m.group(3))
        rest = DURATION.sub("", rest)
        plain.append("[pid %s] %s" % (m.group(1) or m.group(2), rest))
    return joined(plain)


def by_pid(cs):
    d = {}
    for p, c in cs:
        d.setdefault(p, []).append(c)
    return d


class Names:
    """numbers that differ between runs, named by order of first
    appearance: pids, pipe and socket inodes"""

    def __init__(self):
        self.maps = {}

    def name(self, kind, n):
        m = self.maps.setdefault(kind, {})
        return "%s%d" % (kind, m.setdefault(n, len(m) + 1))


PID_IN = [r"(si_pid=)(\d+)", r"(parent_tid=\[)(\d+)", r"^((?:kill|tkill|tgkill|wait4)\()(\d+)",
          r"^((?:clone3?|fork|vfork|getpid|gettid|set_tid_address|wait4)\(.* = )(\d+)$"]


def normalised(cs):
    """per process (named PID1, PID2, ... by first appearance), from the
    program's first own call (its log's openat) to its end, pids, inodes
    and addresses named, the calls in DROPPED left out"""
    start = next(i for i, (p, c) in enumerate(cs) if "strace_mix.log" in c)
    names = Names()
    for p, c in cs[start:]:
        names.name("PID", p)
    out = {}
    for p, c in cs[start:]:
        if c.startswith(DROPPED):
            continue
        for pat in PID_IN:
            c = re.sub(pat, lambda m: m.group(1) + names.name("PID", m.group(2)), c)
        c = re.sub(r"(pipe|socket):\[(\d+)\]", lambda m: "%s:[%s]" % (m.group(1), names.name(
            m.group(1), m.group(2))), c)
        c = re.sub(r"0x[0-9a-f]+", "0x_", c)
        out.setdefault(names.name("PID", p), []).append(c)
    for p, cl in out.items():
        if any(c.startswith('execve("/bin/true"') for c in cl):
            i = next(i for i, c in enumerate(cl) if c.startswith("execve"))
            out[p] = cl[:i] + [c for c in cl[i:] if not ANON_MMAP.match(c)]
    return out


def assert_same_calls(ours, theirs, what):
    assert sorted(ours) == sorted(theirs), (what, sorted(ours), sorted(theirs))
    for p in theirs:
        assert ours[p] == theirs[p], "%s, %s:\n%s" % (what, p, "\n".join(
            "guest  %r\nnative %r" % x for x in zip(ours[p], theirs[p]) if x[0] != x[1]))


@pytest.mark.parametrize("prog", ["strace_mix", "strace_mix-pie"])
def test_strace_ftTy(tmp_path, prog):
    """strace -f -tt -T -y in the guest: times and durations on every
    line; per process the calls and their -y paths are native strace's
    and the kernel's own trace of the same run"""
    work = str(tmp_path)
    guest = in_guest("-f -tt -T -y", work + "/guest.txt", prog, work, kernel_log=work + "/kernel.txt")
    check_log(work)
    native = natively("-f -tt -T -y", work + "/native.txt", prog, work)
    check_log(work)
    check_times(guest)
    check_times(native)

    g, n = normalised(calls(guest)), normalised(calls(native))
    assert_same_calls(g, n, "strace in the guest vs natively")
    main = g["PID1"]
    assert any(re.match(r"^pipe2\(\[\d+<pipe:\[pipe1\]>, \d+<pipe:\[pipe1\]>\], O_CLOEXEC\) = 0$", c)
               for c in main), main
    assert any(c.startswith("write(") and "<%s/strace_mix.log>" % work in c for c in main), main
    assert "--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=PID1, si_uid=0} ---" in main
    assert any(c.startswith("--- SIGCHLD") for c in main) and main[-1] == "+++ exited with 0 +++"
    assert any('"/lib/x86_64-linux-gnu/libc.so.6"' in c and
               c.endswith("</usr/lib/x86_64-linux-gnu/libc.so.6>") for c in g["PID4"]), g["PID4"]

    # the kernel's trace of the same run: strace's lines, from the
    # program's execve on, for every process strace traced
    theirs = by_pid(calls(guest))
    start = next(i for i, l in enumerate(open(work + "/kernel.txt").read().splitlines())
                 if re.search(r'^(\[pid +\d+\] )?[\d:.]+ execve\("%s"' % re.escape(os.path.join(TESTCASES, prog)), l))
    kernel = by_pid(calls(open(work + "/kernel.txt").read().splitlines()[start:]))
    kernel = {p: cl for p, cl in kernel.items() if p in theirs}
    assert sorted(kernel) == sorted(theirs) and len(theirs) == 4, (sorted(kernel), sorted(theirs))
    for p in theirs:
        k = kernel[p][next(i for i, c in enumerate(kernel[p]) if not c.startswith("<... execve")):]
        assert k == theirs[p], "pid %s:\n%s" % (p, "\n".join(
            "strace %r\nkernel %r" % x for x in zip(theirs[p], k) if x[0] != x[1]))


def stacks(lines):
    """per pid, (call name, the first line of the call, frames) of strace
    -k's output: a stack follows the line that finishes its call"""
    out, last = {}, None
    for line in lines:
        if line.startswith(" > "):
            assert last is not None, line
            last[2].append(line[3:])
            continue
        pid, rest = split_pid(line)
        if rest.startswith(("+++", "---")):
            # a thread's exit(2) has its stack after its "+++ exited" line
            last = out[pid][-1] if out.get(pid) else None
            continue
        m = re.match(r"^(?:<\.\.\. )?(\w+)(?:\(| resumed>)", rest)
        if not m or rest.endswith("<unfinished ...>"):
            last = None
            continue
        last = (m.group(1), rest, [])
        out.setdefault(pid, []).append(last)
    return out


def program_stacks(st):
    """the processes by order of appearance from the program's first own
    call, each its calls with their stacks, DROPPED calls left out"""
    pids = list(st)
    main = pids[0]
    i = next(i for i, (n, c, f) in enumerate(st[main]) if "strace_mix.log" in c)
    out = [[(n, f) for n, c, f in st[main][i:]]] + [[(n, f) for n, c, f in st[p]] for p in pids[1:]]
    return [[(n, f) for n, f in cl if n + "(" not in DROPPED] for cl in out]


def test_strace_k(tmp_path):
    """strace -f -k in the guest: the stacks of the program's calls are
    native strace's, with the program's own function names"""
    prog, work = "strace_mix-pie", str(tmp_path)
    guest = in_guest("-f -k", work + "/guest.txt", prog, work)
    check_log(work)
    native = natively("-f -k", work + "/native.txt", prog, work)
    check_log(work)
    g, n = program_stacks(stacks(guest)), program_stacks(stacks(native))
    assert len(g) == len(n) == 4, (len(g), len(n))
    exe = os.path.join(TESTCASES, prog)

    def funcs(frames):
        return [re.sub(r"^%s\((\w+)\+0x[0-9a-f]+\) \[0x[0-9a-f]+\]$" % re.escape(exe), r"\1", f)
                for f in frames]
    main, t1, t2 = g[0], g[1], g[2]
    writes = [funcs(f) for name, f in main if name == "write"]
    assert all("main" in f for f in writes), writes
    assert sum("log_line" in f for f in writes) >= 15 and any("file_ops" in f for f in writes), writes
    kill = [funcs(f) for name, f in main if name == "kill"]
    assert len(kill) == 1 and "signal_self" in kill[0] and "main" in kill[0], kill
    assert any(name == "write" and "pipe_writer" in funcs(f) for name, f in t1), t1
    assert any(name == "openat" and "file_worker" in funcs(f) for name, f in t2), t2
    for k, (ours, theirs) in enumerate(zip(g[:3], n[:3])):
        assert ours == theirs, "process %d:\n%s" % (k + 1, "\n".join(
            "guest  %r\nnative %r" % x for x in zip(ours, theirs) if x[0] != x[1]))
    # the child: its calls before the exec have the program's stacks
    child_g = [x for x in g[3] if x[0] != "execve"][:1]
    child_n = [x for x in n[3] if x[0] != "execve"][:1]
    assert child_g == child_n and "fork_exec" in funcs(child_g[0][1]), (child_g, child_n)


def test_kernel_trace_futex(tmp_path):
    """the kernel's trace decodes futex's operations and arguments, and
    sa_flags, as strace does natively (the arguments only: the results are
    the kernels' own, vmcore has no PI futexes)"""
    prog = "strace_futex"
    log = str(tmp_path / "kernel.txt")
    r = run_linux(["quiet", "root=" + TESTCASES, "rootfstype=hostfs", "trace=futex,rt_sigaction",
                   "trace_out=" + log, "init=/" + prog], timeout=30)
    assert r.rc == 0, r
    out = str(tmp_path / "native.txt")
    subprocess.run([STRACE, "-e", "trace=futex,rt_sigaction", "-o", out, os.path.join(TESTCASES, prog)],
                   env=GUEST_ENV, cwd=TESTCASES, stdin=subprocess.DEVNULL, check=True, timeout=30)

    def args(path):
        return [re.sub(r"0x[0-9a-f]{6,}", "ADDR", re.sub(r"\)\s+= .*$", ")", line))
                for line in open(path).read().splitlines()
                if line.startswith(("futex(", "rt_sigaction(SIGUSR2"))]
    ours, theirs = args(log), args(out)
    assert len(theirs) == 19, theirs
    assert ours == theirs, "\n".join("kernel %r\nstrace %r" % x for x in zip(ours, theirs) if x[0] != x[1])
