"""vmcore inside vmcore: ./linux, run as a program of a guest (over a
hostfs root of the host's /), boots a guest of its own through the outer
kernel's ptrace (PTRACE_SYSEMU and the rest, kernel/ptrace.c), memfd
physical memory, seccomp on its stubs and a stub moved below the outer
guest's address space (host/ptrace.c, docs/ptrace.md "Nesting")."""
import os
import re
import shutil
import signal
import subprocess
import time

from conftest import LINUX, TESTCASES, all_procs, descendants, run_linux

# the outer guest holds the inner kernel's physical memory file
OUTER = ["quiet", "mem=640M", "root=/", "rootfstype=hostfs", "init=/bin/sh", "--", "-c"]
# (the built-in initramfs, with every testcase in it, needs the default 256M)
INNER = "%s quiet" % LINUX


def console(r):
    """The outer guest's console without the kernels' own messages."""
    return [l for l in r.out.replace("\r", "").splitlines() if not re.match(r"^\[ *\d+\.\d+\] ", l)]


def outer(script, timeout=120, stdin=subprocess.DEVNULL):
    return run_linux(OUTER + ["mount -t proc proc /proc || exit 99; " + script], timeout=timeout,
                     stdin=stdin)


def inner_root(tmp_path, progs):
    """A root for the inner guest: PROGS and a /proc for it to mount."""
    root = tmp_path / "inner"
    (root / "proc").mkdir(parents=True)
    for p in progs:
        shutil.copy2(os.path.join(TESTCASES, p), root / p)
    return str(root)


def inner_guest(root, prog, args=""):
    return "%s root=%s rootfstype=hostfs init=/%s%s" % (INNER, root, prog,
                                                      " -- " + args if args else "")


def test_nested_hello_and_exit_status(tmp_path):
    """hello in the inner guest; the inner init's exit status reaches the
    outer guest's shell, whose own reaches the host."""
    root = inner_root(tmp_path, ["hello", "exit42"])
    r = outer(inner_guest(root, "hello") + "; echo inner $?; " + inner_guest(root, "exit42") +
              "; exit $?")
    assert console(r) == ["hello, world", "inner 0"], r
    assert r.rc == 42, r


def test_nested_busybox_session():
    """The inner kernel's built-in busybox shell, on a pipe from the outer
    guest: files, a pipeline, a background job killed, poweroff."""
    script = ("printf 'echo hi > /tmp/x; cat /tmp/x\\nls /bin | wc -l\\nsleep 5 & kill %%1; wait; "
              "echo waited\\nyes | head -3 | wc -l\\npoweroff\\n' | " + INNER + "; echo inner $?")
    r = outer(script)
    lines = [l for l in console(r)
             if not re.match(r"^(The system is going down|Sent SIG|Requesting system)", l)]
    assert r.rc == 0 and "hi" in lines and "waited" in lines, r
    assert int(lines[lines.index("hi") + 1]) > 50, lines
    assert lines[-2:] == ["3", "inner 0"], lines


def test_nested_fork_exec_loop(tmp_path):
    """300 fork + exec + wait in the inner guest, every one exiting 3."""
    root = inner_root(tmp_path, ["long_spawn", "long_child"])
    r = outer(inner_guest(root, "long_spawn", "300") + "; echo inner $?", timeout=180)
    assert console(r)[-2:] == ["300 programs, 0 failed", "inner 0"], r


def test_nothing_left_when_the_outer_kernel_is_killed(tmp_path):
    """SIGKILL of the outer ./linux while the inner guest runs: every host
    process of both kernels goes (the outer's stubs host the inner kernel
    and its stubs)."""
    root = inner_root(tmp_path, ["long_spawn", "long_child"])
    p = subprocess.Popen([LINUX] + OUTER + ["mount -t proc proc /proc; " +
                                            inner_guest(root, "long_spawn", "1000000")],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    try:
        # the inner guest is running once it prints its first checkpoint
        line = p.stdout.readline().decode()
        assert line.startswith("checkpoint 0 of 1000000"), line
        tree = descendants(p.pid)
        procs = all_procs()
        assert len([q for q in tree if q in procs and procs[q][0] == "vmcore-stub"]) >= 2, tree
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=10)
        end = time.monotonic() + 10
        while time.monotonic() < end:
            alive = [q for q, st in all_procs().items() if q in tree and st[3] == tree[q]
                     and st[1] not in ("Z", "X")]
            if not alive:
                break
            time.sleep(0.05)
        assert not alive, alive
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
        p.stdout.close()
