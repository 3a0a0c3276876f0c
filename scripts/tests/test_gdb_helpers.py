"""The kernel's gdb helpers (scripts/gdb/, docs/workflows.md): the real gdb
in batch mode runs every vm- command against a live ./linux (attached by
pid) and against a core file that oops=core wrote, and each helper's
output is checked against what the guest itself reported of the same
state: its ps, /proc/PID/maps, /proc/PID/status, /proc/PID/fd,
/proc/mounts, /proc/PID/syscalls and dmesg; vm-x against the bytes the
guest program printed, vm-bt against its known call chain.

The guest: a hostfs root with the host's static busybox and
testcases/gdb/kstate (main -> outer -> middle -> inner, blocked in read()
on descriptor 42, a second thread "waiter" in pause()); the same with the
dynamic kstate-dyn and the host's C library (symbols of a shared library,
a PIE's load bias); the same on a ramfs root unpacked from an initrd
(vm-bt reads the ELF file from the page cache).  Its shell waits
until each kstate thread's flight recorder has its last call before its
block and the thread sleeps in the kernel, prints its reports and "== ready", then
waits on the console (live) or writes 'c' to /proc/sysrq-trigger (the
core).  The test waits for those lines, never for a fixed time.
"""
import os
import re
import shutil
import signal
import subprocess
import threading

import pytest

from conftest import LINUX, REPO, TESTCASES

GDB = "/usr/bin/gdb"
KSTATE = os.path.join(TESTCASES, "gdb", "kstate")
BUSYBOX = "/bin/busybox"
APPLETS = ("sh", "ps", "cat", "ls", "dmesg", "mount", "echo")
TIMEOUT = 40

REPORT = r"""
mount -t proc proc /proc
mount -t devtmpfs devtmpfs /dev
{prog} &
KP=$!
blocked() { # TASK, the call it makes last before it blocks
  [ -e /proc/$KP/task/$1/stat ] || exit 1
  last=; while read -r l; do last=$l; done < /proc/$KP/task/$1/syscalls
  read -r a b st rest < /proc/$KP/task/$1/stat
  case "$last" in *"] $2("*) [ "$st" = S ];; *) false;; esac
}
until blocked $KP getppid; do :; done
for t in /proc/$KP/task/*; do WT=${t##*/}; [ $WT != $KP ] && break; done
until blocked $WT getpid; do :; done
echo "== ps"; ps -o pid,stat,comm
echo "== maps"; cat /proc/$KP/maps
echo "== status"; cat /proc/$KP/status
echo "== fd"; ls -l /proc/$KP/fd
echo "== tasks"; ls /proc/$KP/task
echo "== mounts"; cat /proc/mounts
echo "== syscalls"; cat /proc/$KP/syscalls
echo "== dmesg"; dmesg
echo "== ready $KP"
"""
THEN = {"live": "read x\n", "dyn": "read x\n", "ramfs": "read x\n",
        "core": "echo c > /proc/sysrq-trigger\n", "wait": "echo c > /proc/sysrq-trigger\n"}
PROG = {"dyn": "/kstate-dyn"}


def shared_libs(prog):
    """The host paths of PROG's shared libraries and its interpreter."""
    out = subprocess.run(["ldd", prog], capture_output=True, text=True, check=True).stdout
    return re.findall(r"(?:=> |^\s+)(/\S+) \(0x", out, re.M)


def make_root(path, dyn=False):
    for d in ("bin", "proc", "dev"):
        os.makedirs(os.path.join(path, d))
    shutil.copy(BUSYBOX, os.path.join(path, "bin", "busybox"))
    for a in APPLETS:
        os.symlink("busybox", os.path.join(path, "bin", a))
    shutil.copy(KSTATE, os.path.join(path, "kstate"))
    if dyn:
        shutil.copy(KSTATE + "-dyn", os.path.join(path, "kstate-dyn"))
        for lib in shared_libs(KSTATE + "-dyn"):
            os.makedirs(os.path.dirname(path + lib), exist_ok=True)
            shutil.copy(lib, path + lib)
    with open(os.path.join(path, "kstate.data"), "w") as f:
        f.write("data\n")


def make_initrd(path):
    """The root as a newc archive (scripts/mkinitramfs.py's writer)."""
    import importlib.util
    import stat
    spec = importlib.util.spec_from_file_location("mkinitramfs", os.path.join(REPO, "scripts", "mkinitramfs.py"))
    mk = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mk)
    c = mk.Cpio()
    for d in ("bin", "proc", "dev"):
        c.add(d, stat.S_IFDIR | 0o755)
    for name, src in (("bin/busybox", BUSYBOX), ("kstate", KSTATE)):
        with open(src, "rb") as f:
            c.add(name, stat.S_IFREG | 0o755, f.read())
    for a in APPLETS:
        c.add("bin/" + a, stat.S_IFLNK | 0o777, b"busybox")
    c.add("kstate.data", stat.S_IFREG | 0o644, b"data\n")
    with open(path, "wb") as f:
        f.write(c.finish())


def allow_host_cores():
    import resource
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


class Guest:
    """./linux with the report script as init; its stdout read as it comes."""

    def __init__(self, root, mode, core=None, cwd=None, host_cores=False):
        if mode == "ramfs":
            args = [LINUX, "quiet", "mem=64M", "initrd=" + root]
        else:
            args = [LINUX, "quiet", "mem=64M", "root=" + root, "rootfstype=hostfs"]
        if core:
            args.append("oops=core:" + core)
        if mode == "wait":
            args.append("oops=wait")
        args += ["init=/bin/sh", "--", "-c", REPORT.replace("{prog}", PROG.get(mode, "/kstate")) + THEN[mode]]
        self.p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, start_new_session=True, cwd=cwd,
                                  preexec_fn=allow_host_cores if host_cores else None)
        self.lines, self.errlines = [], []
        self.cond = threading.Condition()
        self.done = False
        self.readers = [threading.Thread(target=self._read, daemon=True),
                        threading.Thread(target=self._read_err, daemon=True)]
        for r in self.readers:
            r.start()

    def _read(self):
        for line in self.p.stdout:
            with self.cond:
                self.lines.append(line.decode(errors="replace").rstrip("\n"))
                self.cond.notify_all()
        with self.cond:
            self.done = True
            self.cond.notify_all()

    def _read_err(self):
        for line in self.p.stderr:
            with self.cond:
                self.errlines.append(line.decode(errors="replace").rstrip("\n"))
                self.cond.notify_all()

    @property
    def err(self):
        return "\n".join(self.errlines)

    def wait_err(self, pattern):
        """The first match of PATTERN in a line of the kernel's stderr."""
        found = []

        def seen():
            found[:] = [m for m in (re.search(pattern, l) for l in self.errlines) if m][:1]
            return found or self.p.poll() is not None
        with self.cond:
            self.cond.wait_for(seen, TIMEOUT)
        if not found:
            raise AssertionError("no %r on the kernel's stderr: %s" % (pattern, self.err[-3000:]))
        return found[0]

    def wait_ready(self):
        with self.cond:
            ok = self.cond.wait_for(lambda: self.done or any(l.startswith("== ready") for l in self.lines),
                                    TIMEOUT)
        if not ok or self.done and not any(l.startswith("== ready") for l in self.lines):
            raise AssertionError("the guest never got ready: %r" % self.lines[-20:])

    def wait_exit(self):
        rc = self.p.wait(timeout=TIMEOUT)
        for r in self.readers:
            r.join(TIMEOUT)
        return rc

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(self.p.pid, signal.SIGKILL)
                self.p.wait()
        self.p.stdin.close()
        for r in self.readers:
            r.join(TIMEOUT)

    def report(self):
        """{section: [lines]} of the guest's report, and kstate's pid."""
        sec, cur, pid = {}, None, None
        for line in self.lines:
            m = re.match(r"^== (\w+)(?: (\d+))?$", line)
            if m:
                cur = m.group(1)
                sec[cur] = []
                if cur == "ready":
                    pid = int(m.group(2))
            elif cur:
                sec[cur].append(line)
        return sec, pid


class Transcript:
    """gdb's output, one piece per command (split at echoed markers)."""

    def __init__(self, text, cmds):
        self.text, self.outs = text, {}
        parts = text.split("@@@ ")
        for part in parts[1:]:
            head, _, body = part.partition("\n")
            self.outs.setdefault(head, []).append(body)
        missing = [c for c in cmds if c not in self.outs]
        assert not missing, "no output for %r in:\n%s" % (missing, text[-4000:])

    def out(self, cmd, n=0):
        return self.outs[cmd][n]


def run_gdb(target, cmds):
    """gdb -batch on TARGET (["-p", PID] or [CORE]) running CMDS."""
    argv = [GDB, "-nx", "-batch", "-iex", "add-auto-load-safe-path " + REPO,
            "-iex", "set debuginfod enabled off", "-iex", "set pagination off",
            "-iex", "set width 0", LINUX] + target
    for c in cmds:
        argv += ["-ex", "echo @@@ %s\\n" % c.replace("\\", "\\\\"), "-ex", c]
    argv += ["-ex", "echo @@@ end\\n"]
    r = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=TIMEOUT, start_new_session=True)
    text = r.stdout.decode(errors="replace")
    assert "Traceback" not in text and "Python Exception" not in text, text[-4000:]
    return Transcript(text, cmds)


class Snap:
    """One guest state and gdb's view of it."""


def commands(kp, marker, span):
    return ["vm-ps", "vm-task %d" % kp, "vm-task 1", "vm-vmas %d" % kp,
            "vm-pte %d %#x" % (kp, marker), "vm-x %d %#x 42" % (kp, marker),
            "vm-x %d %#x 64" % (kp, span), "vm-bt %d" % kp, "vm-files %d" % kp, "vm-mounts",
            "vm-syscalls %d" % kp, "vm-dmesg", "print $vm_task(%d)->comm" % kp,
            "thread apply all -s print $vm_current()->tid", "info threads",
            # bad input: clear errors, no Python traceback
            "vm-task 99999", "vm-x %d 0x10 16" % kp, "vm-x %d %#x 99999999" % (kp, marker),
            "vm-pte %d zz" % kp, "vm-bt", "vm-x 99999 0 1", "vm-files -3",
            "print $vm_task(99999)", 'print $vm_task("x")', "vm-x %d 0x7fffffffffff 2" % kp]


@pytest.fixture(scope="module", params=["live", "core", "dyn", "ramfs"])
def snap(request, tmp_path_factory):
    if not os.path.exists(KSTATE):
        pytest.fail("%s is not built (make testcases)" % KSTATE)
    tmp = str(tmp_path_factory.mktemp("gdbhelp-" + request.param))
    root = os.path.join(tmp, "root")
    if request.param == "ramfs":
        root += ".cpio"
        make_initrd(root)
    else:
        make_root(root, dyn=request.param == "dyn")
    core = os.path.join(tmp, "linux.core") if request.param == "core" else None
    g = Guest(root, request.param, core)
    s = Snap()
    s.mode = request.param
    s.prog = PROG.get(request.param, "/kstate")
    s.comm = os.path.basename(s.prog)
    try:
        g.wait_ready()
        s.guest, s.kp = g.report()
        m = re.search(r"^kstate depth 3 marker (0x[0-9a-f]+) (.*)$", "\n".join(g.lines), re.M)
        s.marker, s.marker_text = int(m.group(1), 16), m.group(2)
        m = re.search(r"^kstate span (0x[0-9a-f]+) (.*)$", "\n".join(g.lines), re.M)
        s.span, s.span_text = int(m.group(1), 16), m.group(2)
        s.waiter = [int(x) for x in " ".join(s.guest["tasks"]).split() if int(x) != s.kp][0]
        cmds = commands(s.kp, s.marker, s.span)
        if core:
            s.rc = g.wait_exit()
            s.err = g.err
            assert s.rc == 2, (s.rc, s.err[-3000:])
            assert os.path.exists(core), s.err[-3000:]
            s.gdb = run_gdb([core], cmds)
        else:
            s.linux_pid = g.p.pid
            s.gdb = run_gdb(["-p", str(g.p.pid)], cmds)
            s.pte_bytes = None
            m = re.search(r"kernel address (0x[0-9a-f]+)", s.gdb.out("vm-pte %d %#x" % (s.kp, s.marker)))
            with open("/proc/%d/mem" % g.p.pid, "rb") as f:
                f.seek(int(m.group(1), 16))
                s.pte_bytes = f.read(len(s.marker_text))
    finally:
        g.stop()
    yield s


def rows(text, pattern):
    return [m.groups() for m in re.finditer(pattern, text, re.M)]


def test_vm_ps(snap):
    """vm-ps lists the tasks the guest's ps showed (but ps itself), with
    their command (and kstate's state), and kstate's waiter thread."""
    got = {int(t): (int(p), s, c) for p, t, s, c in
           rows(snap.gdb.out("vm-ps"), r"^ +(\d+) +(\d+) (\w) +\d+ +\d+ (\S+) ")}
    seen = 0
    for pid, stat, comm in rows("\n".join(snap.guest["ps"]), r"^ *(\d+) +(\S+) +(\S+)$"):
        if comm == "ps":
            continue
        seen += 1
        assert got[int(pid)][::2] == (int(pid), comm)
        if int(pid) == snap.kp:  # the shell may have been running when ps looked
            assert got[int(pid)][1] == stat[0] == "S"
    assert seen == 2
    assert got[snap.waiter] == (snap.kp, "S", "waiter")
    assert got[snap.kp] == (snap.kp, "S", snap.comm)
    assert set(got) == {1, snap.kp, snap.waiter}
    # where they sleep
    wchan = dict((int(t), w) for t, w in rows(snap.gdb.out("vm-ps"), r"^ +\d+ +(\d+) .* (\S+)$"))
    assert wchan[snap.kp] == "pipe_read" and wchan[snap.waiter] == "sys_pause"
    if snap.mode == "core":
        assert re.search(r"^ +1 +1 S .* <- the oops$", snap.gdb.out("vm-ps"), re.M)


def test_threads(snap):
    """Every task's kernel thread: $vm_current() in it is that task, and
    info threads names it "task TID COMM"."""
    lwps = {int(t): int(l) for t, l in rows(snap.gdb.out("vm-ps"), r"^ +\d+ +(\d+) \w +\d+ +(\d+) ")}
    per_thread = rows(snap.gdb.out("thread apply all -s print $vm_current()->tid"),
                      r"^Thread \d+ \(.*?LWP (\d+)\).*\n\$\d+ = (\d+)$")
    assert {int(tid): int(lwp) for lwp, tid in per_thread} == lwps
    # live, the host's names; in a core (which keeps none), the helpers'
    names = rows(snap.gdb.out("info threads"), r'\(LWP (\d+)\) "([^"]*)"')
    named = {int(l): n for l, n in names}
    assert named[lwps[1]] == "task 1 sh"
    assert named[lwps[snap.kp]] == ("task %d %s" % (snap.kp, snap.comm))[:15]
    assert named[lwps[snap.waiter]] == "task %d waiter" % snap.waiter
    assert snap.gdb.out("print $vm_task(%d)->comm" % snap.kp).startswith('$1 = "%s\\000' % snap.comm)


def test_vm_task(snap):
    """vm-task: the system call in progress (read of descriptor 42), and
    the credentials and signal masks /proc/PID/status gave."""
    out = snap.gdb.out("vm-task %d" % snap.kp)
    assert re.search(r"^in system call read\(0x2a, 0x[0-9a-f]+, 0x1\) \(nr 0\)$", out, re.M), out
    assert re.search(r" rdi +0x000000000000002a( |$)", out, re.M)
    assert re.search(r"^task %d \(%s\): tgid %d, parent 1, state S," % (snap.kp, snap.comm, snap.kp), out, re.M)
    keys = ("Uid", "Gid", "Groups", "SigPnd", "SigBlk", "SigIgn", "SigCgt", "CapInh", "CapPrm",
            "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp")
    status = {l.split(":")[0]: l for l in snap.guest["status"]}
    mine = {l.split(":")[0]: l for l in out.splitlines() if ":\t" in l}
    for k in keys:
        assert mine[k].rstrip() == status[k].rstrip(), k
    if snap.mode == "core":
        # the shell's write to /proc/sysrq-trigger was the oops
        assert re.search(r"^in system call write\(0x1, 0x[0-9a-f]+, 0x2\)",
                         snap.gdb.out("vm-task 1"), re.M)


def maps_rows(lines):
    return [(int(s, 16), int(e, 16), p, int(o, 16), n.strip()) for s, e, p, o, n in
            (re.match(r"^([0-9a-f]+)-([0-9a-f]+) (\S{4}) ([0-9a-f]+) \S+ +\d+ *(.*)$", l).groups()
             for l in lines)]


def test_vm_vmas(snap):
    """vm-vmas is /proc/PID/maps, VMA for VMA."""
    mine = [(s, e, p, o, n.strip()) for s, e, p, o, n in
            ((int(a, 16), int(b, 16), c, int(d, 16), f) for a, b, c, d, f in
             rows(snap.gdb.out("vm-vmas %d" % snap.kp),
                  r"^([0-9a-f]+)-([0-9a-f]+) (\S{4}) ([0-9a-f]+) \d+ *(.*)$"))]
    assert mine == maps_rows(snap.guest["maps"])
    assert any(n == snap.prog for *_, n in mine)


def test_vm_x(snap):
    """vm-x reads the bytes the guest printed: its marker string, and a
    pattern across a page boundary of an anonymous mapping."""
    def data(cmd):
        out = snap.gdb.out(cmd)
        return bytes(int(b, 16) for line in rows(out, r"^0x[0-9a-f]+: ((?:[0-9a-f]{2} ?)+)")
                     for b in line[0].split())
    assert data("vm-x %d %#x 42" % (snap.kp, snap.marker)) == snap.marker_text.encode()
    assert data("vm-x %d %#x 64" % (snap.kp, snap.span)) == snap.span_text.encode()
    assert (snap.span + 32) % 4096 == 0


def test_vm_pte(snap):
    """vm-pte: the marker's page is present and mapped in the host; live,
    the kernel address it gives holds the marker (read by the host)."""
    out = snap.gdb.out("vm-pte %d %#x" % (snap.kp, snap.marker))
    assert re.search(r"^%#x: in VMA [0-9a-f]+-[0-9a-f]+ rw-p %s$" % (snap.marker, snap.prog), out, re.M), out
    assert re.search(r"^pte 0x[0-9a-f]+: present host", out, re.M), out
    if snap.mode != "core":
        assert snap.pte_bytes == snap.marker_text.encode()


def test_vm_bt(snap):
    """vm-bt: read in the C library's wrapper (kstate's own, or libc.so's),
    then kstate's own chain inner <- middle <- outer <- main, named from
    the program's symbols."""
    out = snap.gdb.out("vm-bt %d" % snap.kp)
    frames = rows(out, r"^#\d+ +0x[0-9a-f]+ in (\w+)\+\d+ \((\S+)\)")
    assert frames[0][0] in ("read", "__read", "__libc_read"), out
    assert frames[0][1] == (snap.prog if snap.mode != "dyn" else
                            [l for l in shared_libs(KSTATE + "-dyn") if "libc.so" in l][0]), out
    assert frames[1:5] == [(f, snap.prog) for f in ("inner", "middle", "outer", "main")], out


def test_vm_files(snap):
    """vm-files: the descriptors ls -l /proc/PID/fd shows, each naming the
    same file."""
    guest = dict(rows("\n".join(snap.guest["fd"]), r" (\d+) -> (.*)$"))
    mine = dict(rows(snap.gdb.out("vm-files %d" % snap.kp), r"^ +(\d+) -> (.*?)  \("))
    assert mine == guest
    assert mine["42"].startswith("pipe:[") and mine["5"] == "/kstate.data"


def test_vm_mounts(snap):
    """vm-mounts is /proc/mounts."""
    assert snap.gdb.out("vm-mounts").splitlines() == snap.guest["mounts"]


def test_vm_syscalls(snap):
    """vm-syscalls is /proc/PID/syscalls: the flight recorder, getppid
    last before the blocked read."""
    mine = snap.gdb.out("vm-syscalls %d" % snap.kp).splitlines()
    assert mine == snap.guest["syscalls"]
    assert mine[-1].split("] ")[1] == "getppid() = 1"


def test_vm_dmesg(snap):
    """vm-dmesg holds the guest's dmesg, in order (and, in the core, the
    oops that wrote it)."""
    mine = snap.gdb.out("vm-dmesg").splitlines()
    guest = snap.guest["dmesg"]
    assert guest and mine[:len(guest)] == guest
    if snap.mode == "core":
        text = "\n".join(mine)
        assert "sysrq: Trigger a crash" in text
        assert "Oops: writing a core file of the kernel" in text


def test_bad_input(snap):
    """Bad pids, unmapped addresses, huge lengths, junk: a one-line gdb
    error each (run_gdb has checked for Python tracebacks)."""
    g = snap.gdb
    assert g.out("vm-task 99999").strip() == "vm-task: no guest task with pid 99999 (vm-ps lists them)"
    assert g.out("vm-x %d 0x10 16" % snap.kp).strip() == \
        "vm-x: task %d: 0x10 is not mapped (no VMA holds it)" % snap.kp
    assert g.out("vm-x %d %#x 99999999" % (snap.kp, snap.marker)).strip() == \
        "vm-x: LEN 99999999 is out of range (1 to 1048576)"
    assert g.out("vm-pte %d zz" % snap.kp).strip() == "vm-pte: ADDR is not a number: 'zz'"
    assert g.out("vm-bt").strip() == "usage: vm-bt PID"
    assert g.out("vm-x 99999 0 1").strip() == "vm-x: no guest task with pid 99999 (vm-ps lists them)"
    assert g.out("vm-files -3").strip() == "vm-files: no guest task with pid -3 (vm-ps lists them)"
    assert g.out("print $vm_task(99999)").strip() == \
        "$vm_task: no guest task with pid 99999 (vm-ps lists them)"
    assert g.out('print $vm_task("x")').strip() == "$vm_task: PID must be a number, not char [2]"
    assert g.out("vm-x %d 0x7fffffffffff 2" % snap.kp).strip() == \
        "vm-x: 0x7fffffffffff+2 is beyond the guest's address space"


def test_oops_wait(tmp_path):
    """oops=wait: the oops prints the gdb command that attaches and waits;
    gdb attached so sees the oopsed kernel (the task in its write to
    /proc/sysrq-trigger); when gdb detaches, the kernel halts."""
    root = str(tmp_path / "root")
    make_root(root)
    g = Guest(root, "wait")
    try:
        g.wait_ready()
        m = g.wait_err(r"Oops: waiting for a debugger \(oops=wait\): gdb (\S+) (\d+)$")
        assert m.group(1) == os.path.realpath(LINUX) and int(m.group(2)) == g.p.pid
        lwp = int(g.wait_err(r"Oops: the oops is in thread LWP (\d+);").group(1))
        assert g.p.poll() is None
        t = run_gdb(["-p", m.group(2)], ["vm-ps", "vm-task 1"])
        assert re.search(r"^ +1 +1 S +\d+ +%d sh .*<- the oops$" % lwp, t.out("vm-ps"), re.M), t.text
        assert "in system call write(0x1," in t.out("vm-task 1")
        assert g.wait_exit() == 2
        assert "Oops: the debugger detached; halting" in g.err
    finally:
        g.stop()


def test_oops_core_on_a_crash_signal(tmp_path):
    """oops=core from the crash path (a SIGSEGV of ./linux, sent by the
    host here): the core is written before ./linux dies of the signal,
    the helpers read it, and the host's own core dump stays off."""
    root = str(tmp_path / "root")
    make_root(root)
    core = str(tmp_path / "crash.core")
    # the host would dump a core of ./linux into its cwd (core_pattern
    # "core") were its limit not switched off after gdb's
    g = Guest(root, "live", core, cwd=str(tmp_path), host_cores=True)
    try:
        g.wait_ready()
        _, kp = g.report()
        g.p.send_signal(signal.SIGSEGV)
        rc = g.wait_exit()
        assert rc == -signal.SIGSEGV, (rc, g.err[-3000:])
        assert "Oops: kernel crashed with signal 11 (SEGV)" in g.err
        assert "Oops: core written: gdb %s %s" % (os.path.realpath(LINUX), core) in g.err
        t = run_gdb([core], ["vm-ps", "vm-task %d" % kp])
        assert re.search(r"^ +%d +%d S .* kstate +pipe_read$" % (kp, kp), t.out("vm-ps"), re.M), t.text
        assert "in system call read(0x2a," in t.out("vm-task %d" % kp)
        assert sorted(os.listdir(tmp_path)) == ["crash.core", "root"]
    finally:
        g.stop()


def test_oops_option_checked():
    """A bad oops= is refused at boot."""
    from conftest import run_linux
    r = run_linux(["oops=later"])
    assert r.rc == 2 and "linux: bad oops=later (wait, core or core:FILE)" in r.err, r
