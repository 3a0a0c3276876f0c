"""The stub walls (docs/security.md, "Stub walls"): no guest action makes a
stub run a host system call of the guest's choosing (wall one), and every
stub runs under a seccomp filter that kills it for any host call outside
its own few (wall two).  Each test names the hole it closes."""
import os
import signal
import subprocess

import pytest

from conftest import (LINUX, REPO, assert_same, guest_cmdline, run_guest, run_native)
from test_host import stop, wait_for_stubs


@pytest.mark.hole(1)
def test_tf_munmap_really_unmaps():
    """EFLAGS.TF set before munmap: the stub's batch once ran with the
    guest's TF, the single-step trap after its first instruction passed for
    its end, the unmap never ran and the freed frames stayed mapped (and
    writable) in the guest, later to be reused as another stub's op queue.
    Every read after such a munmap must fault, as natively."""
    g = run_guest("esc_tf", ["munmap", "16"])
    n = run_native("esc_tf", ["munmap", "16"])
    assert_same(g, n, "esc_tf munmap")
    assert "16 of 16 reads faulted" in g.out, g


@pytest.mark.hole(1)
def test_tf_exploit_chain_reaches_no_host_call(tmp_path):
    """Hole 1 end to end (testcases/esc_chain.c): stale mappings made by
    munmap with TF, the frame allocator walked until new stubs take their
    operation queues from those frames, two threads forging openat ops in
    them while the stubs run batches.  On the kernel before the stub walls
    (6655a76) every run created the host file (5 of 5, as root, in 2 s);
    now no region stays mapped (as natively), nothing is forged and no
    host file appears, wherever the stub's working directory is."""
    target = tmp_path / "esc-chain-escaped"
    cmd = [LINUX] + guest_cmdline("esc_chain", [str(target)])
    g = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=60,
                       stdin=subprocess.DEVNULL)
    assert not target.exists(), g
    assert g.returncode == 0, g
    n = run_native("esc_chain", [str(target)])
    assert not target.exists(), n
    assert g.stdout == n.out, (g, n)
    assert g.stdout == ("regions with TF-munmapped pages still mapped: 0 of 64\n"
                        "queues forged: none; other pages reused: none\n"), g
    assert "Oops" not in g.stderr, g


@pytest.mark.hole(3)
def test_tf_clone_takes_the_hosts_tid():
    """A thread created with TF set: the kernel once took the stub's first
    instruction's result as the new thread's host id and PTRACE_SEIZEd
    that host pid.  An unrelated host process must be left alone (not
    traced, alive) and the thread must run."""
    sleeper = subprocess.Popen(["sleep", "600"], start_new_session=True)
    try:
        g = run_guest("esc_tf", ["clone"])
        n = run_native("esc_tf", ["clone"])
        assert_same(g, n, "esc_tf clone")
        assert "cannot attach" not in g.err, g
        assert sleeper.poll() is None, "the host sleeper died"
        with open("/proc/%d/status" % sleeper.pid) as f:
            tracer = [l for l in f if l.startswith("TracerPid:")]
        assert tracer == ["TracerPid:\t0\n"], tracer
    finally:
        sleeper.kill()
        sleeper.wait()


@pytest.mark.hole(4)
def test_compat_mode_page_fault_does_not_hang():
    """A far return to CS=0x23, then a page fault: the batch that maps the
    page once ran in 32-bit mode, faulted for ever, and the kernel hung
    holding its big lock.  The program must finish as natively."""
    g = run_guest("esc_compat", ["fault"], timeout=20)
    n = run_native("esc_compat", ["fault"])
    assert_same(g, n, "esc_compat fault")


@pytest.mark.hole(4)
def test_compat_syscalls_never_go_through_the_x86_64_table(tmproot):
    """The syscall instruction and int $0x80 in a 32-bit code segment (and
    int $0x80 from 64-bit code), with
    eax=83 (mkdir in the x86-64 table, rdi naming /esc_compat_dir): the
    compat syscall once ran as mkdir.  vmcore has no i386 table: both are
    refused (ENOSYS; the compat syscall then returns where Linux returns it,
    into a 32-bit vDSO the process lacks, and faults as natively: SIGSEGV,
    or SIGILL on a host whose kernel runs without ia32 emulation, where
    the instruction itself is undefined)."""
    target = os.path.join(tmproot, "esc_compat_dir")
    g = run_guest("esc_compat", ["syscall"], root=tmproot)
    assert not os.path.exists(target), g
    n = run_native("esc_compat", ["syscall"])
    assert n.rc in (128 + signal.SIGSEGV, 128 + signal.SIGILL), n
    assert g.rc == n.rc, (g, n)
    g = run_guest("esc_compat", ["int80"], root=tmproot)
    assert not os.path.exists(target), g
    assert g.out == "compat int80 eax=83: ENOSYS\n", g
    assert g.rc == 0, g
    g = run_guest("esc_compat", ["int80_64"], root=tmproot)
    assert not os.path.exists(target), g
    assert g.out == "64-bit int80 eax=83: ENOSYS\n", g


@pytest.mark.hole(13)
def test_vsyscall_page_is_answered_by_the_guest_kernel(tmp_path):
    """The legacy vsyscall entries (gettimeofday, time, getcpu) were
    emulated by the host without a ptrace stop: host time and CPU reached
    the guest.  The stubs' filter hands them to the kernel (a seccomp trace
    stop), which answers them as its own calls: they agree with the system
    calls and appear in the kernel's trace next to them."""
    log = tmp_path / "trace.txt"
    g = run_guest("esc_vsyscall", ["time"],
                  extra=["trace=gettimeofday,time,getcpu", "trace_out=%s" % log])
    n = run_native("esc_vsyscall", ["time"])
    assert_same(g, n, "esc_vsyscall time")
    calls = [l.split("(")[0] for l in open(log) if "(" in l]
    # one call of each through the vsyscall page, one time and getcpu
    # through the system call (clock_gettime is not traced)
    assert calls == ["gettimeofday", "time", "time", "getcpu", "getcpu"], calls


@pytest.mark.hole(13)
def test_vsyscall_with_signals_pending():
    """A signal that is pending when the kernel answers a vsyscall cannot be
    delivered at that stop (the host kills a task whose rip changed there):
    it is taken right after the return.  Every call returns and every
    signal is handled, as natively."""
    g = run_guest("esc_vsyscall", ["signals"], timeout=60)
    n = run_native("esc_vsyscall", ["signals"])
    assert_same(g, n, "esc_vsyscall signals")


@pytest.mark.hole(13)
def test_stub_data_pages_hold_nothing_for_the_guest():
    """The stub's data pages are readable by guest code (above TASK_SIZE;
    Linux would fault).  They must hold nothing once a batch has run: the
    filter program and the ops are cleared."""
    g = run_guest("esc_vsyscall", ["stub"])
    assert g.rc == 0, g
    assert g.out in ("stub data pages: readable, 0 non-zero bytes\n",
                     "stub data pages: SIGSEGV\n"), g


@pytest.mark.hole(1)
def test_every_stub_runs_under_its_filter():
    """On the host: a stub has a seccomp filter (mode 2) and no_new_privs."""
    p = subprocess.Popen([LINUX] + guest_cmdline("pause_forever"), stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        assert p.stdout.readline() == b"pausing\n"
        stubs = wait_for_stubs(p.pid)
        with open("/proc/%d/status" % stubs[0]) as f:
            status = dict(l.rstrip("\n").split(":\t", 1) for l in f if ":\t" in l)
        assert status.get("Seccomp") == "2", status
        assert status.get("NoNewPrivs") == "1", status
    finally:
        stop(p)


@pytest.mark.hole(1)
def test_a_forbidden_stub_call_kills_the_stub_and_is_reported(tmp_path):
    """Wall two on its own: stub_selftest=escape makes every batch of every
    process but init carry openat("vmcore-stub-escape", O_CREAT), the host
    call an escape would make, relative to ./linux's working directory.
    The filter forbids it: the child's stub is killed by SIGSYS, no host
    file appears, the kernel reports it (an Oops line naming the task), the
    child dies with SIGKILL and init and the kernel go on.  (With the
    filter's kill turned into an allow, the file is created, as root.)
    Without the hook the child exits 0."""
    cmd = [LINUX] + guest_cmdline("esc_selftest", extra=["stub_selftest=escape"])
    g = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=30,
                       stdin=subprocess.DEVNULL)
    assert not os.path.exists(tmp_path / "vmcore-stub-escape"), g
    assert g.returncode == 0, g
    assert g.stdout == "child killed by signal 9\nparent still running\n", g
    assert "killed by its seccomp filter" in g.stderr, g
    assert "Oops: stub of task 2 (esc_selftest, tgid 2)" in g.stderr, g
    g = run_guest("esc_selftest")
    assert g.out == "child exited with status 0\nparent still running\n", g


FILTER_EXPECT = {
    "mmap_below": "allowed", "mmap_to_the_stub": "allowed", "mmap_across_the_stub": "killed",
    "mmap_at_the_stub": "killed", "mmap_carry_to_the_stub": "allowed",
    "mmap_carry_past_the_stub": "killed", "mmap_wrapping_len": "killed",
    "mmap_private": "killed", "mmap_anonymous": "killed", "mmap_other_fd": "killed",
    "mmap_odd_prot": "killed", "munmap_below": "allowed", "munmap_stub_data": "killed",
    "mprotect_below": "allowed", "mprotect_stub_code": "killed", "clone_process": "killed",
    "getpid": "killed", "openat": "killed", "pause_skipped": "allowed",
    # SECCOMP_RET_TRACE (the vsyscall numbers): without a tracer the host
    # fails the call with ENOSYS and the process lives
    "gettimeofday": "allowed",
}


def test_stub_filter_checks_the_arguments(tmp_path):
    """The filter program itself, on the host: a process that installs it
    survives the calls the stub makes and dies of SIGSYS for a mapping that
    reaches the stub's pages (the end computed with the carry between the
    32-bit halves), another fd or flags, and for any other call."""
    exe = str(tmp_path / "stub_filter_check")
    src = os.path.join(REPO, "scripts", "tests", "host", "stub_filter_check.c")
    # static: the cases map over [STUB_BASE - 2 GiB, STUB_BASE), where a
    # dynamic program's libraries may lie (ASLR), and the child then
    # died of its own clobbered code instead of the filter's verdict
    subprocess.run(["gcc", "-static", "-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror", "-D_GNU_SOURCE",
                    "-I", os.path.join(REPO, "vmcore", "include"), "-o", exe, src,
                    os.path.join(REPO, "vmcore", "host", "seccomp.c")], check=True)
    out = subprocess.run([exe], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out
    got = dict(l.split(": ") for l in out.stdout.splitlines())
    assert got == FILTER_EXPECT, out.stdout
