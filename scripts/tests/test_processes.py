"""Processes, threads, signals, timers, robustness, and programs of the
host: fork/exec/wait, pthreads, signal delivery, the fuzzers, dynamic
programs from a read-only hostfs view of the host."""
import os

import pytest

from conftest import TESTCASES, assert_same, run_guest, run_linux, run_native


@pytest.mark.parametrize("v", ["", "-pie"])
@pytest.mark.parametrize("prog", ["signals", "threads", "timers", "threads8", "sigactions",
                                  "orphans", "time_huge",
                                  "vfork_gone"])
def test_against_native(prog, v):
    g = run_guest(prog + v)
    n = run_native(prog + v)
    assert_same(g, n, prog + v)
    assert g.rc == 0


@pytest.mark.parametrize("prog", ["execs", "execs-pie"])
def test_exec_family(prog):
    g = run_guest(prog, ["/" + prog])
    n = run_native(prog, [os.path.join(TESTCASES, prog)])
    assert g.out == n.out, "guest: %r\nnative: %r\nguest stderr: %r" % (g.out, n.out, g.err)
    assert g.rc == n.rc == 0


@pytest.mark.parametrize("seed", ["1", "2", "3"])
def test_fuzz_mm_keeps_the_kernel_up(seed):
    g = run_guest("fuzz_mm", ["20000", seed], timeout=120)
    assert g.rc == 0 and "survived 20000" in g.out, g
    assert "Oops" not in g.err and "panic" not in g.err


def test_fuzz_syscalls_keeps_the_kernel_up():
    g = run_guest("fuzz_syscalls", ["100000"], timeout=120)
    assert g.rc == 0 and "survived 100000" in g.out, g
    assert "Oops" not in g.err and "panic" not in g.err


def test_dynamic_programs_of_the_host():
    r = run_linux(["quiet", "ro", "root=/", "rootfstype=hostfs", "init=/bin/sh", "--", "-c",
                   "ls / >/dev/null && echo ls-ok; /usr/bin/python3 -c 'print(6*7)'; "
                   "{ echo x > /tmp/vmcore-ro-test; } 2>/dev/null || echo ro-refused"])
    assert r.rc == 0, r
    assert r.out.split() == ["ls-ok", "42", "ro-refused"], r


def test_processes_cow_forks_exec_futex_reparent():
    """procs.c, from a read-only view of the host's root so that it can also
    fork+exec a dynamic program of the host (/bin/true)."""
    prog = os.path.join(TESTCASES, "procs")
    args = [os.path.join(TESTCASES, "hello"), "/bin/true"]
    g = run_linux(["quiet", "ro", "root=/", "rootfstype=hostfs", "init=" + prog, "--"] + args,
                  timeout=120)
    n = run_native("procs", args)
    assert g.out == n.out and g.rc == n.rc == 0, (g, n)
    assert "0 failures" in g.out


def test_fork_bomb_is_contained():
    g = run_guest("forkbomb", extra=["maxtasks=64"], timeout=60)
    assert g.rc == 0, g
    assert "fork hit EAGAIN=1" in g.out and "fork afterwards exit=7" in g.out, g


def test_shell_fork_bomb_leaves_nothing_behind():
    """The classic bomb in the busybox shell (ash refuses ':' as a function
    name, so it is called f): the shell survives and still answers, the
    machine halts cleanly, no host process is left."""
    import subprocess, signal, time
    from conftest import LINUX, stub_pids, wait_no_stubs
    before = set(stub_pids())
    p = subprocess.Popen([LINUX, "quiet", "maxtasks=48"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        p.stdin.write(b"f(){ f|f& };f\n")
        p.stdin.flush()
        time.sleep(3)
        assert p.poll() is None, "the kernel died under the fork bomb"
        assert len([x for x in stub_pids() if x not in before]) <= 48
        out, err = p.communicate(input=b"echo still-here\n", timeout=30)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    assert b"still-here" in out, (out[-500:], err[-500:])
    assert p.returncode == 0
    assert not wait_no_stubs(before, seconds=5)


def test_init_takes_only_handled_signals():
    """Linux's rule for pid 1: signals with the default action (SIGKILL and
    SIGSTOP too) sent to init are dropped; natively in a new PID namespace,
    where the program is pid 1 as in the guest."""
    import subprocess
    g = run_guest("initsig")
    n = subprocess.run(["unshare", "--pid", "--fork", os.path.join(TESTCASES, "initsig")],
                       cwd=TESTCASES, env={"HOME": "/", "TERM": "linux"}, capture_output=True,
                       text=True, timeout=20, stdin=subprocess.DEVNULL)
    assert n.returncode == 0 and "0 failures" in n.stdout, n
    assert g.out == n.stdout and g.rc == 0, (g, n.stdout)


def test_exec_state_and_wait_family():
    """The alternate signal stack does not survive execve (a child's first
    SA_ONSTACK signal once ran on memory of the old image and faulted);
    children belong to the thread group: another thread waits for them
    (wait4 gave ECHILD), __WNOTHREAD limits wait to the caller's own, and
    a thread's children pass to a remaining thread when it exits."""
    g = run_guest("exec_state")
    assert_same(g, run_native("exec_state"), "exec_state")
    assert g.rc == 0 and "FAIL" not in g.out, g


def test_ignored_signals_kept_while_waited_for(tmproot):
    """SIGCHLD and SIGWINCH at SIG_DFL reach rt_sigtimedwait, which lifts
    the mask while it waits; blocked ones stay pending."""
    g = run_guest("sigwait_ignored", root=tmproot)  # it mounts its /proc there
    assert_same(g, run_native("sigwait_ignored"), "sigwait_ignored")
    assert g.rc == 0 and g.out.count("ok ") == 7, g


def test_signals_to_a_zombie():
    """A zombie keeps its pid until reaped: kill, its group's kill, tgkill
    and the sigqueueinfo calls succeed on it; ESRCH after the reap."""
    g = run_guest("kill_zombie")
    assert_same(g, run_native("kill_zombie"), "kill_zombie")
    assert g.rc == 0 and g.out.count("ok ") == 14, g


def test_pidfds():
    """pidfd_open, pidfd_send_signal (its scopes and siginfo rules),
    pidfd_getfd, poll on a pidfd, waitid(P_PIDFD) and PIDFD_NONBLOCK."""
    g = run_guest("pidfd")
    assert_same(g, run_native("pidfd"), "pidfd")
    assert g.rc == 0 and "FAIL" not in g.out, g
