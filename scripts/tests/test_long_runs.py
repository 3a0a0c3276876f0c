"""Long runs: many forks, pipes and threads, unusual clone flags, and one
init that starts 5,000 programs.  Each checks that nothing the fork, exit
and exec paths take is lost: file references (a pipe reader that never
sees EOF), physmem frames, host fds and host memory of the kernel.
"""
import os
import re
import select
import signal
import subprocess
import time

import pytest

from hostmem import host_fds, vm_rss_kib
from conftest import (LINUX, STUB_COMM, all_procs, assert_same, guest_cmdline, run_guest,
                      run_native)


@pytest.mark.hole(10)
def test_fork_pipe_workers():
    """Eight workers doing pipe + fork rounds: every read ends (a leaked
    reference to a write end stalls a worker), every fork succeeds (a
    fragmented physmem gave ENOMEM for the stub's data pages after ~10,000
    forks), as natively."""
    args = ["fork", "8", "1500"]
    g = run_guest("long_pipes", args, timeout=90)
    assert_same(g, run_native("long_pipes", args), "fork+pipe workers")
    assert "8 of 8 workers" in g.out


@pytest.mark.hole(10)
def test_fork_pipe_thread_workers():
    """The same with two threads per worker: one forks while the other
    sleeps in read(), and the child holds a copy of the other's write end
    until it exits."""
    args = ["threads", "8", "400"]
    g = run_guest("long_pipes", args, timeout=90)
    assert_same(g, run_native("long_pipes", args), "fork+pipe+thread workers")
    assert "8 of 8 workers" in g.out


@pytest.mark.hole(10)
def test_close_under_sleeping_read():
    """close or dup2 of a descriptor another task sleeps in read() on:
    the read keeps its file (and the pipe its reader) until it returns."""
    g = run_guest("long_fdrace", timeout=60)
    assert_same(g, run_native("long_fdrace"), "close/dup2 under a read")
    assert "FAIL" not in g.out and g.rc == 0


@pytest.mark.hole(12)
def test_clone_flag_matrix():
    """clone and clone3 with unusual flag sets, each as on Linux: created
    (and what the child shares) or EINVAL; never a caller killed because
    its stub lost a host thread ("vanished (status 0)")."""
    g = run_guest("long_clone", timeout=60)
    n = run_native("long_clone")
    assert "vanished" not in g.err, g.err
    assert "cannot update the host mappings" not in g.err, g.err
    assert_same(g, n, "clone flag matrix")
    assert "runner exited 0" in g.out
    assert g.out.count("created") >= 30




def host_threads(pid):
    return len(os.listdir("/proc/%d/task" % pid))


def host_stubs(pid):
    return sum(1 for st in all_procs().values() if st[2] == pid and st[0] == STUB_COMM)


@pytest.mark.hole(12)
def test_5000_programs(tmproot):
    """One init runs 5,000 short programs (fork, execve, a pipe and a
    thread each) and every one exits as it should.  At each checkpoint
    the guest waits while we take the kernel's host fd count and RSS: the
    guest's MemFree and Committed_AS come back to where they started, the
    host fds and threads do not move, no stub but init's is left, and the
    RSS does not grow."""
    os.makedirs(os.path.join(tmproot, "proc"), exist_ok=True)
    n = 5000
    t0 = time.monotonic()
    p = subprocess.Popen([LINUX] + guest_cmdline("long_spawn", [str(n), "wait"], root=tmproot),
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         start_new_session=True)
    checkpoints, out = [], []
    try:
        deadline = t0 + 240
        buf = b""
        while True:
            left = deadline - time.monotonic()
            assert left > 0, "5,000 programs did not finish in 240 s: %r" % out[-5:]
            r, _, _ = select.select([p.stdout], [], [], left)
            if not r:
                continue
            chunk = os.read(p.stdout.fileno(), 4096)
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                line = line.decode(errors="replace")
                out.append(line)
                m = re.match(r"checkpoint (\d+) of \d+: MemFree (-?\d+) kB, Committed_AS (-?\d+) kB", line)
                if m:
                    checkpoints.append((int(m.group(1)), int(m.group(2)), int(m.group(3)),
                                        host_fds(p.pid), vm_rss_kib(p.pid), host_threads(p.pid),
                                        host_stubs(p.pid)))
                    p.stdin.write(b"\n")
                    p.stdin.flush()
        p.wait(timeout=30)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    seconds = time.monotonic() - t0
    err = p.stderr.read().decode(errors="replace")
    native = run_native("long_spawn", [str(n)], timeout=120)
    report = "\n".join("  after %5d: MemFree %d kB, Committed_AS %d kB, host fds %d, host RSS %d kB, "
                       "host threads %d, stubs %d" % c for c in checkpoints)
    print("\n5,000 programs: vmcore %.1f s, native %.1f s\n%s" % (seconds, native.seconds, report))
    assert p.returncode == 0, "status %d\n%s\n%s" % (p.returncode, "\n".join(out[-5:]), err[-2000:])
    assert "%d programs, 0 failed" % n in out, out[-3:]
    assert len(checkpoints) == 6, checkpoints
    first, last = checkpoints[0], checkpoints[-1]
    assert first[1] > 0 and first[2] > 0, "no /proc/meminfo in the guest: %r" % (first,)
    assert last[1] == first[1], "MemFree went from %d to %d kB" % (first[1], last[1])
    assert last[2] == first[2], "Committed_AS went from %d to %d kB" % (first[2], last[2])
    assert all(c[3] == first[3] for c in checkpoints), "host fds moved: %r" % checkpoints
    # the last child's task thread may still be on its way out
    assert all(c[5] <= first[5] + 1 for c in checkpoints), "host threads grew: %r" % checkpoints
    assert all(c[6] == 1 for c in checkpoints), "stubs left behind: %r" % checkpoints
    # the RSS may settle during the first thousand (malloc arenas of new
    # task threads); from there on it must stay flat
    assert last[4] - checkpoints[1][4] < 4096, "host RSS grew: %r" % checkpoints


@pytest.mark.hole(12)
def test_clone_vm_child_outlives_its_parent():
    """A clone(CLONE_VM) child lives on in its parent's stub after the
    parent exits or execs, even before the child first ran (the stub used
    to be killed with its creator's kernel thread: "vanished", or a thread
    that could not be attached).  Afterwards no stub is left as a host
    zombie."""
    n = 60
    native = run_native("long_vmshare", [str(n)])
    p = subprocess.Popen([LINUX] + guest_cmdline("long_vmshare", [str(n), "wait"]),
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         start_new_session=True)
    try:
        out = b""
        deadline = time.monotonic() + 60
        while b"done\n" not in out:
            left = deadline - time.monotonic()
            assert left > 0, "no end: %r" % out
            r, _, _ = select.select([p.stdout], [], [], left)
            chunk = os.read(p.stdout.fileno(), 4096) if r else b""
            if r and not chunk:
                break
            out += chunk
        stubs = [pid for pid, st in all_procs().items() if st[2] == p.pid and st[0] == STUB_COMM]
        zombies = [pid for pid in stubs if all_procs().get(pid, ("", ""))[1] == "Z"]
        p.stdin.write(b"\n")
        p.stdin.flush()
        rest, err = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    text = (out + rest).decode(errors="replace")
    err = err.decode(errors="replace")
    assert "vanished" not in err and "cannot attach" not in err, err
    assert text.replace("done\n", "") == native.out, (text, native.out, err[-2000:])
    assert p.returncode == 0, err[-2000:]
    assert len(stubs) == 1 and not zombies, "stubs of ./linux at the end: %r (zombies %r)" % (stubs, zombies)
