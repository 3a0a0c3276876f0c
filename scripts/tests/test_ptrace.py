"""ptrace(2) for guest tracers (kernel/ptrace.c): testcases/pt_basic's
sections run natively and in the guest, as root and as nobody, and
compared: stops and their wait statuses, memory and registers, syscall
stops that change and skip calls, signals suppressed and injected,
attach/detach, the fork/exec/exit events, seize and interrupt,
PTRACE_GET_SYSCALL_INFO, single steps, and the errors."""
import os
import re

import pytest

from conftest import NOBODY, assert_same, run_guest, run_guest_as, run_linux, run_native, run_native_as

SECTIONS = ["traceme", "syscalls", "signals", "exec", "attach", "events", "steps", "errors"]


@pytest.fixture
def root(tmproot):
    """tmproot with a /proc for the guest's init (or asuser) to mount"""
    os.makedirs(os.path.join(tmproot, "proc"), exist_ok=True)
    return tmproot


@pytest.mark.parametrize("section", SECTIONS)
def test_ptrace_as_root(root, section):
    g = run_guest("pt_basic", [section], root=root)
    assert_same(g, run_native("pt_basic", [section]), section)
    assert g.rc == 0 and "FAIL" not in g.out and g.out.count("\n") >= 3, g


@pytest.mark.parametrize("section", SECTIONS)
def test_ptrace_as_nobody(root, section):
    g = run_guest_as(NOBODY, "pt_basic", [section], root=root)
    assert_same(g, run_native_as(NOBODY, "pt_basic", [section]), section)
    assert g.rc == 0 and "FAIL" not in g.out, g


def joined(lines, first="first"):
    """(pid, call) of strace-format lines, unfinished and resumed halves
    joined, strace's own notices ("Process N attached") left out; lines
    without a [pid N] prefix belong to FIRST."""
    out, pending = [], {}
    for line in lines:
        m = re.match(r"^(?:\[pid\s+(\d+)\] )?(.*)$", line)
        pid, rest = m.group(1) or first, m.group(2)
        if "strace: Process" in rest:
            # the notice cuts the line it interrupts: the rest follows
            # as " <unfinished ...>"
            rest = re.sub(r"/usr/bin/strace: Process \d+ attached", "", rest)
            if rest.strip():
                pending[pid] = rest.rstrip()
            continue
        if rest.strip() == "<unfinished ...>":
            continue
        if pid in pending and rest[:1] in (",", ")"):
            rest = pending.pop(pid) + rest  # the cut line's end
        if rest.endswith("<unfinished ...>"):
            pending[pid] = rest[: -len("<unfinished ...>")].rstrip()
            continue
        r = re.match(r"^<\.\.\. \w+ resumed>(.*)$", rest)
        if r:
            head, tail = pending.pop(pid, ""), r.group(1)
            rest = head + (" " if head.endswith(",") and not tail.startswith(")") else "") + tail
        out.append((pid, re.sub(r"\s+= ", " = ", rest.strip())))
    return out


def test_host_strace_in_the_guest(tmp_path):
    """The host's own strace, run in the guest over hostfs, traces a shell
    that forks, pipes and signals itself: every line it prints is the
    line the kernel's own trace= printed for the same call."""
    log = tmp_path / "kernel.txt"
    # strace's lines to a file of their own (through hostfs): on the
    # console they would be cut by its notices and by the programs' output
    out = tmp_path / "strace.txt"
    script = 'trap "" USR1; kill -USR1 $$; /bin/true | /bin/cat; exit 3'
    r = run_linux(["quiet", "root=/", "rootfstype=hostfs", "trace_out=%s" % log, "init=/usr/bin/strace",
                   "--", "-f", "-o", str(out), "/bin/sh", "-c", script], timeout=60)
    assert r.rc == 3, r
    ours = [(p, c) for p, c in joined(open(log).read().splitlines()) if p not in ("first", "1")]
    sh = next(p for p, c in ours if c.startswith('execve("/bin/sh"'))
    ours = ours[next(i for i, (p, c) in enumerate(ours) if p == sh and c.startswith("execve")):]
    # strace prefixes the shell's lines only once it has a second process
    # -o with -f prefixes every line with its pid ("4     call"): the
    # console's "[pid 4] call" form, for the joiner
    lines = [re.sub(r"^(\d+) +", r"[pid \1] ", l) for l in open(out).read().splitlines()]
    theirs = joined(lines, first=sh)
    start = next(i for i, (p, c) in enumerate(theirs) if c.startswith('execve("/bin/sh"'))
    theirs = theirs[start:]

    def by_pid(calls):
        d = {}
        for p, c in calls:
            d.setdefault(p, []).append(c)
        return d
    t, o = by_pid(theirs), by_pid(ours)
    assert sorted(t) == sorted(o) and len(t) >= 3, (sorted(t), sorted(o))
    for p in t:
        assert t[p] == o[p], "pid %s:\n%s" % (p, "\n".join(
            "strace %r\nkernel %r" % x for x in zip(t[p], o[p]) if x[0] != x[1]))
    assert t[sh][-1] == "+++ exited with 3 +++"
    assert len(theirs) > 100 and any("--- SIGUSR1" in c for _, c in theirs)
    assert any(c.startswith("pipe2(") for _, c in theirs)


@pytest.mark.parametrize("prog", ["personality", "personality-pie"])
def test_personality_addr_no_randomize(root, prog):
    """personality(ADDR_NO_RANDOMIZE), as gdb sets it for its inferiors:
    two execs lay their stack, heap and mappings out at the same
    addresses; without it they differ; as natively."""
    g = run_guest(prog, root=root)
    assert_same(g, run_native(prog), prog)
    assert "fixed layouts are the same: 1" in g.out and "randomized layouts differ: 1" in g.out, g
    g = run_guest_as(NOBODY, prog, root=root)
    assert_same(g, run_native_as(NOBODY, prog), prog + " as nobody")
