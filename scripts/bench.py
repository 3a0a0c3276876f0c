#!/usr/bin/python3
"""make bench: the engine's micro-benchmarks natively, in vmcore, and (when
Debian's user-mode-linux is installed) in UML, each pinned to one host CPU as
vmcore pins a task and its tracer.  Prints µs per operation and the ratios
against native.  Never fails on slowness; a run that breaks is reported."""
import atexit
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
TESTCASES = os.path.join(REPO, "build", "testcases")
UML = "/usr/bin/linux.uml"
# µs: the project's goals (UML pinned: getppid 17-21, fork+exit+wait 1000,
# fork+exec+wait 9300)
TARGET = {"getppid": 14.0, "fork_exit_wait": 1000.0, "fork_exec_wait": 3000.0}


def parse(text):
    res = {}
    for line in text.splitlines():
        m = re.match(r"^(\w+)\s+([0-9.]+)\s*$", line.strip())
        if m:
            res[m.group(1)] = float(m.group(2))
    return res


class Result:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def run(cmd, timeout=300, **kw):
    """Run CMD in its own process group (which is killed afterwards, so that
    nothing it started survives); return (figures, Result or None)."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         stdin=subprocess.DEVNULL, start_new_session=True, **kw)
    try:
        out, err = p.communicate(timeout=timeout)
        res = Result(p.returncode, out, err)
    except subprocess.TimeoutExpired:
        res = None
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except OSError:
        pass
    if res is None:
        p.communicate()
        return {}, None
    return parse(res.stdout), res


def note(what, figures, res):
    """Say so when a run crashed or timed out (bench never fails on that)."""
    if res is None:
        print("note: the %s run timed out" % what)
    elif res.returncode != 0 or not figures:
        print("note: the %s run ended with status %d%s:\n  %s" % (
            what, res.returncode, "" if figures else " and gave no figures",
            "\n  ".join((res.stdout + res.stderr).strip().splitlines()[-6:])))


def main():
    bench = os.path.join(TESTCASES, "bench")
    if not os.path.exists(bench):
        print("bench: build/testcases/bench is missing; run make first")
        return 0
    native, np_ = run(["taskset", "-c", "0", bench, "all"])
    note("native", native, np_)
    # in the built-in initramfs, where /bin/sh, /bin/true and seq are busybox
    # vcpus=1: one host CPU, as the native and UML runs are pinned to one
    guest, gp = run([os.path.join(REPO, "linux"), "quiet", "vcpus=1", "init=/testcases/bench", "--", "all"])
    note("vmcore", guest, gp)
    uml = {}
    if os.path.exists(UML):
        d = tempfile.mkdtemp(prefix="vmcore-bench-uml-")
        try:
            shutil.copy2(bench, os.path.join(d, "init"))
            os.makedirs(os.path.join(d, "bin"))
            shutil.copy2("/bin/busybox", os.path.join(d, "bin", "busybox"))
            for applet in ("sh", "true", "seq"):
                os.symlink("busybox", os.path.join(d, "bin", applet))
            env = dict(os.environ, TMPDIR=d)
            uml, up = run(["taskset", "-c", "0", UML, "mem=256M", "rootfstype=hostfs",
                           "hostfs=" + d, "root=/dev/root", "rw", "init=/init",
                           "con0=fd:0,fd:1", "con=null", "quiet"], env=env)
            note("UML", uml, up)
        finally:
            shutil.rmtree(d, ignore_errors=True)
    names = [n for n in ("getppid", "touch", "mmap", "clock_gettime", "fork_exit_wait",
                         "fork_exec_wait", "pipe_pingpong", "futex_pingpong", "thread_create",
                         "sh_true_x200", "ptrace_syscall") if n in native]
    hdr = "%-15s %10s %10s %8s" % ("benchmark (µs)", "native", "vmcore", "ratio")
    if uml:
        hdr += " %10s %8s" % ("UML", "ratio")
    print("(sh_true_x200 is one run of sh -c 'for i in $(seq 200); do /bin/true; done': the\n"
          " host's dash and coreutils natively, busybox in vmcore and UML)")
    print(hdr)
    for n in names:
        line = "%-15s %10.3f" % (n, native[n])
        g = guest.get(n)
        line += " %10.3f %7.1fx" % (g, g / native[n]) if g else " %10s %8s" % ("-", "-")
        if uml:
            u = uml.get(n)
            line += " %10.3f %7.1fx" % (u, u / native[n]) if u else " %10s %8s" % ("-", "-")
        print(line)
    for n, goal in TARGET.items():
        if n in guest:
            print("%s in vmcore: %.1f µs (target: at most %.0f µs) %s" %
                  (n, guest[n], goal, "met" if guest[n] <= goal else "NOT met"))
    nested_bench(native, guest)
    stub_filter_cost()
    inet_bench()
    return 0


def nested_bench(native, guest):
    """./linux inside ./linux (docs/ptrace.md, "Nesting"): the inner
    guest's getppid and fork+exec round trips, each of which is a chain of
    the outer kernel's ptrace stops for the inner kernel's tracer."""
    linux = os.path.join(REPO, "linux")
    script = ("mount -t proc proc /proc; %s quiet vcpus=1 init=/testcases/bench -- %%s" % linux)
    rows = []
    for n, arg in (("getppid", "getppid"), ("fork_exec_wait", "exec")):
        figures, res = run([linux, "quiet", "vcpus=1", "mem=640M", "root=/", "rootfstype=hostfs",
                            "init=/bin/sh", "--", "-c", script % arg], timeout=300)
        if n not in figures:
            note("nested " + n, figures, res)
            continue
        rows.append("%-15s %10.3f %10s %10.3f %7.1fx (vmcore: %.1fx)" % (
            n, native[n], "", figures[n], figures[n] / native[n],
            guest[n] / native[n] if guest.get(n) else float("nan")))
    if rows:
        print("nested vmcore (./linux in a vmcore guest), µs:")
        print("%-15s %10s %10s %10s %8s" % ("benchmark", "native", "", "nested", "ratio"))
        print("\n".join(rows))


def inet_time(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
                       start_new_session=True)
    m = re.search(r"^TIME ([0-9.]+)", r.stdout, re.M)
    return float(m.group(1)) if m and float(m.group(1)) > 0 else None


def uml_root(prog):
    """A hostfs root for linux.uml holding PROG, a static busybox and an
    init that brings lo up and runs PROG with its arguments; None when UML
    (Debian's user-mode-linux) or a static busybox is not installed."""
    bb = shutil.which("busybox")
    if not shutil.which("linux.uml") or not bb:
        print("note: linux.uml not installed (apt-get install user-mode-linux): no UML column")
        return None
    d = tempfile.mkdtemp(prefix="vmcore-bench-uml-")
    shutil.copy(prog, d)
    shutil.copy(bb, os.path.join(d, "busybox"))
    with open(os.path.join(d, "init.sh"), "w") as f:
        f.write('#!/busybox sh\n/busybox ip link set lo up\n/%s "$@"\n/busybox poweroff -f\n'
                % os.path.basename(prog))
    os.chmod(os.path.join(d, "init.sh"), 0o755)
    atexit.register(shutil.rmtree, d, True)
    return d


def inet_bench():
    """TCP over loopback (net/tcp.c against the host's TCP): one-byte round
    trips between two processes (TCP_NODELAY), and a one-way 1 GB stream
    of 64 KiB writes over TCP and over an AF_UNIX socketpair; both ends on
    one CPU natively and in vmcore, and in UML when linux.uml is installed
    (its init brings lo up with busybox first; ANCHORS' bar for the round
    trip is 2x UML's)."""
    prog = os.path.join(TESTCASES, "inet_stress")
    if not os.path.exists(prog):
        print("note: build/testcases/inet_stress is missing")
        return
    rows = [("tcp_rtt", ["rtt", "20000"], lambda t: t / 20000 * 1e6, "µs per round trip"),
            ("tcp_stream", ["stream", "1024"], lambda t: 1024 / t, "MB/s"),
            ("unix_stream", ["unixstream", "1024"], lambda t: 1024 / t, "MB/s")]
    uml = uml_root(prog)
    print("%-15s %10s %10s %8s %10s %8s" % ("TCP loopback", "native", "vmcore", "ratio", "UML", "vs UML"))
    for name, args, conv, unit in rows:
        n = inet_time(["taskset", "-c", "0", prog] + args)
        g = inet_time([os.path.join(REPO, "linux"), "quiet", "vcpus=1", "root=" + TESTCASES, "rootfstype=hostfs",
                       "init=/inet_stress", "--"] + args)
        if n is None or g is None:
            print("note: the %s run gave no figure (native %r, vmcore %r)" % (name, n, g))
            continue
        u = uml and inet_time(["taskset", "-c", "0", "linux.uml", "mem=256M", "rootfstype=hostfs", "hostfs=" + uml,
                               "root=/dev/root", "rw", "init=/init.sh", "con0=fd:0,fd:1", "con=null", "quiet",
                               "--"] + args)
        ucells = ("%10.1f %7.2fx" % (conv(u), g / u)) if u else "%10s %8s" % ("-", "-")
        print("%-15s %10.1f %10.1f %7.2fx %s  (%s; ratios: vmcore's time / the other's)" %
              (name, conv(n), conv(g), g / n, ucells, unit))


def stub_filter_cost():
    """What the stubs' seccomp filter (docs/security.md, "Stub walls") adds
    to each host call of a batch: munmap/mprotect natively, without and
    with the very filter installed, on one CPU."""
    src = os.path.join(REPO, "scripts", "tests", "host", "stub_filter_check.c")
    exe = os.path.join(REPO, "build", "stub_filter_check")
    r = subprocess.run(["gcc", "-std=gnu11", "-O2", "-D_GNU_SOURCE", "-I",
                        os.path.join(REPO, "vmcore", "include"), "-o", exe, src,
                        os.path.join(REPO, "vmcore", "host", "seccomp.c")], capture_output=True)
    if r.returncode != 0:
        print("note: cannot build the stub filter check")
        return
    figures, res = run(["taskset", "-c", "0", exe, "bench"], timeout=60)
    if res is not None and res.returncode == 0:
        print("stub filter: " + res.stdout.strip())


if __name__ == "__main__":
    sys.exit(main())
