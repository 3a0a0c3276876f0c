"""/proc, /proc/sys, /sys and devtmpfs: what tools and test harnesses read
first, and the mount table.  testcases/pf_proc checks each file the same
way in the guest and natively (it mounts what it needs only in the guest);
where the contents are the host's own (ids, numbers), the tests compare the
shape: keys, field counts, parsing, errnos.  Nothing here writes the host's
/proc/sys: writes are checked in the guest only, and the unprivileged
write attempts run natively only as nobody (refused at open)."""
import gzip
import os
import re
import subprocess

import pytest

from conftest import LINUX, NOBODY, assert_same, run_guest, run_linux, run_native


def guest(args, root, **kw):
    return run_guest("pf_proc", args, root=root, **kw)


def native(args, **kw):
    return run_native("pf_proc", args, **kw)


def drop(ids, args):
    return ["drop", str(ids[0]), str(ids[1])] + list(args)


def test_sysctls_exist_and_parse(tmproot):
    g, n = guest(["sysctl"], tmproot), native(["sysctl"])
    assert g.rc == 0 and g.out.count("ok ") == 33, g
    assert_same(g, n, "pf_proc sysctl")


def test_sysctls_as_nobody(tmproot):
    g, n = guest(drop(NOBODY, ["sysctl"]), tmproot), native(drop(NOBODY, ["sysctl"]))
    assert g.rc == 0, g
    assert_same(g, n, "pf_proc sysctl as nobody")


def test_sysctl_writes_refused_for_nobody(tmproot):
    # natively only as nobody: every open for writing is refused, nothing
    # reaches the host's sysctls or its hostname
    g, n = guest(drop(NOBODY, ["nowrite"]), tmproot), native(drop(NOBODY, ["nowrite"]))
    assert g.out.count("EACCES") == 23 and "sethostname: EPERM" in g.out, g
    assert_same(g, n, "pf_proc nowrite as nobody")


def test_sysctl_writes_as_root(tmproot):
    g = guest(["write"], tmproot)
    assert g.rc == 0 and "FAIL" not in g.out and g.out.count("ok ") == 40, g


def test_sysctl_values_are_vmcores(tmproot):
    r = run_linux_cat(tmproot, ["/proc/sys/vm/overcommit_memory", "/proc/sys/vm/max_map_count",
                                "/proc/sys/fs/pipe-max-size", "/proc/sys/kernel/ostype",
                                "/proc/sys/kernel/tainted", "/proc/sys/kernel/pid_max",
                                "/proc/sys/fs/nr_open", "/proc/sys/kernel/cap_last_cap"])
    assert r == ["0", "65530", "1048576", "Linux", "0", "32768", "1048576", "40"], r


def run_linux_cat(root, paths):
    """The first line of each of PATHS, read by the initramfs's busybox."""
    script = "".join("head -n1 %s\n" % p for p in paths) + "poweroff\n"
    p = subprocess.run([LINUX, "quiet"], input=("echo BEGIN\n" + script).encode(),
                       capture_output=True, timeout=60)
    out = p.stdout.decode().replace("\r", "").splitlines()
    i = out.index("BEGIN")
    return out[i + 1:i + 1 + len(paths)]


def status_keys(text):
    return [l.split()[1] for l in text.splitlines() if l.startswith("KEY ")]


def host_status_keys():
    with open("/proc/self/status") as f:
        return [l.split(":")[0] for l in f]


@pytest.mark.parametrize("ids", [None, NOBODY], ids=["root", "nobody"])
def test_status_keys_in_linux_order(tmproot, ids):
    args = ["status"] if ids is None else drop(ids, ["status"])
    g, n = guest(args, tmproot), native(args)
    assert g.rc == 0 and n.rc == 0, (g, n)
    gk, hk = status_keys(g.out), host_status_keys()
    # every key Linux prints that vmcore has, in Linux's order
    assert gk == [k for k in hk if k in gk], (gk, hk)
    missing = [k for k in hk if k not in gk]
    assert missing == [], missing
    # the values that any two processes of the same credentials share
    # (capabilities aside: the host's bounding set is the sandbox's)
    def same(out):
        return [l for l in out.splitlines() if " = " in l and
                not l.startswith(("KEY State", "KEY Cap"))]
    assert same(g.out) == same(n.out), (g.out, n.out)
    # capabilities as Linux derives them from euid: all for root, none else
    caps = dict(re.findall(r"^KEY (Cap\w+) = (\w+)$", g.out, re.M))
    full = "000001ffffffffff" if ids is None else "0000000000000000"
    assert caps == {"CapInh": "0" * 16, "CapPrm": full, "CapEff": full,
                    "CapBnd": "000001ffffffffff", "CapAmb": "0" * 16}, caps


def test_status_fields_of_a_live_process(tmproot):
    g = guest(["status"], tmproot)
    assert re.search(r"^KEY Uid = 0\t0\t0\t0$", g.out, re.M), g
    assert "KEY Pid = self" in g.out and "KEY Tgid = self" in g.out, g
    assert "KEY CapEff = 000001ffffffffff" in g.out, g


def test_ns_links(tmproot):
    g, n = guest(["ns"], tmproot), native(["ns"])
    assert g.rc == 0 and g.out.count("ok ns ") == 10, g
    assert_same(g, n, "pf_proc ns")


def test_proc_fd_listing_survives_closes(tmproot):
    g, n = guest(["fdclose"], tmproot), native(["fdclose"])
    assert g.rc == 0, g
    assert_same(g, n, "pf_proc fdclose")


def test_proc_files_cannot_be_mapped(tmproot):
    g, n = guest(["mmap"], tmproot), native(["mmap"])
    assert g.rc == 0 and g.out.count("ok ") == 5, g
    assert_same(g, n, "pf_proc mmap")


def test_thread_directory_is_its_own(tmproot):
    g, n = guest(["task"], tmproot), native(["task"])
    assert g.rc == 0 and g.out.count("ok ") == 5, g
    assert_same(g, n, "pf_proc task")


def section(out, name, end):
    return out.split(name + "\n", 1)[1].split(end + "\n", 1)[0].splitlines()


def test_mount_tables(tmproot):
    g = guest(["mounts"], tmproot)
    assert g.rc == 0, g
    mounts = section(g.out, "MOUNTS", "SELFMOUNTS")
    assert section(g.out, "SELFMOUNTS", "MOUNTINFO") == mounts
    info = section(g.out, "MOUNTINFO", "END")
    table = [l.split() for l in mounts]
    assert all(len(f) == 6 and f[4:] == ["0", "0"] for f in table), table
    by_target = {f[1]: f for f in table}
    assert set(by_target) == {"/", "/proc", "/mnt", "/sys", "/dev", "/sys/kernel/debug"}
    assert by_target["/proc"][:3] == ["proc", "/proc", "proc"]
    assert by_target["/proc"][3].split(",")[:4] == ["rw", "nosuid", "nodev", "noexec"]
    tm = by_target["/mnt"][3].split(",")
    assert tm[:3] == ["rw", "nosuid", "nodev"] and "size=1m" in tm and "mode=700" in tm, tm
    assert by_target["/sys"][2] == "sysfs" and by_target["/dev"][2] == "devtmpfs"
    # mountinfo: ID PARENT MAJ:MIN ROOT TARGET OPTS [optional...] - TYPE SOURCE SUPER
    ids = {}
    for l in info:
        f = l.split()
        dash = f.index("-")
        assert dash >= 6 and len(f) - dash == 4, l
        assert re.match(r"^\d+:\d+$", f[2]) and f[3] == "/", l
        ids[f[4]] = (int(f[0]), int(f[1]), f[dash + 1])
    assert set(ids) == set(by_target)
    assert ids["/sys/kernel/debug"][1] == ids["/sys"][0]  # mounted inside sysfs
    assert ids["/proc"][1] == ids["/"][0] and ids["/proc"][2] == "proc"
    assert len({v[0] for v in ids.values()}) == len(ids)
    assert "ok umount(\"/sys/kernel/debug\") == 0" in g.out, g


def test_mounts_made_by_init_are_listed():
    # the initramfs's busybox init mounts proc, tracefs and debugfs
    script = b"echo BEGIN; cat /proc/mounts; echo END\npoweroff\n"
    p = subprocess.run([LINUX, "quiet"], input=script, capture_output=True, timeout=60)
    out = p.stdout.decode().replace("\r", "")
    lines = out.split("BEGIN\n", 1)[1].split("END\n", 1)[0].splitlines()
    kinds = {l.split()[1]: l.split()[2] for l in lines}
    assert kinds.get("/proc") == "proc", lines
    assert kinds.get("/sys/kernel/tracing") == "tracefs", lines
    assert kinds.get("/sys/kernel/debug") == "debugfs", lines
    assert kinds.get("/dev/pts") == "devpts", lines
    assert kinds.get("/") == "rootfs", lines


def test_sysfs(tmproot):
    os.mkdir(os.path.join(tmproot, "sys"))
    g, n = guest(["sysfs"], tmproot), native(["sysfs"])
    assert g.rc == 0 and "FAIL" not in g.out, g
    assert_same(g, n, "pf_proc sysfs")


def test_devtmpfs(tmproot):
    g, n = guest(["devs"], tmproot), native(["devs"])
    assert g.rc == 0 and g.out.count(": c ") == 7, g
    assert_same(g, n, "pf_proc devs")


def test_config_gz(tmproot):
    g = guest(["config", "/config.gz"], tmproot)
    assert g.rc == 0, g
    with gzip.open(os.path.join(tmproot, "config.gz"), "rt") as f:
        text = f.read()
    opts = dict(re.findall(r"^(CONFIG_\w+)=(.*)$", text, re.M))
    unset = set(re.findall(r"^# (CONFIG_\w+) is not set$", text, re.M))
    for o in ["CONFIG_PROC_FS", "CONFIG_SYSFS", "CONFIG_TMPFS", "CONFIG_DEVTMPFS",
              "CONFIG_IKCONFIG_PROC", "CONFIG_PROC_SYSCTL", "CONFIG_FUTEX"]:
        assert opts.get(o) == "y", o
    # what the guest lacks says so
    assert "CONFIG_SECCOMP" in unset and "CONFIG_NET" in unset
    assert not set(opts) & unset
    # every line is an option, a comment or empty
    assert all(re.match(r"^(CONFIG_\w+=.+|#.*|)$", l) for l in text.splitlines())


def test_cpuinfo_is_the_hosts(tmproot):
    g = guest(["cpuinfo"], tmproot)
    assert g.rc == 0, g
    with open("/proc/cpuinfo") as f:
        host = f.read().split("\n\n")[0].splitlines()
    model = [l for l in host if l.startswith("model name")][0]
    flags = [l for l in host if l.startswith("flags")][0]
    lines = g.out.splitlines()
    assert lines[0] == "processors %d" % os.cpu_count() and lines[1] == "online %d" % os.cpu_count()
    assert lines[2] == model and lines[3] == flags, (lines, model)


@pytest.mark.parametrize("what", ["basic", "jobs", "hangup"])
def test_pty(tmproot, what):
    g = run_guest("pf_pty", [what], root=tmproot)
    n = run_native("pf_pty", [what])
    assert g.rc == 0 and "FAIL" not in g.out, g
    assert_same(g, n, "pf_pty " + what)



def guest_python(script):
    return run_linux(["quiet", "ro", "root=/", "rootfstype=hostfs", "init=/bin/sh", "--", "-c",
                      "mount -t proc proc /proc && mount -t devpts devpts /dev/pts && "
                      "exec /usr/bin/python3 -c '%s'" % script.replace("'", "'\\''")],
                     timeout=60)


PTY_FORK = r"""
import os, pty, re, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv("/bin/sh", ["sh", "-c", "tty; stty size; stty -a | grep -c icanon; echo child-ok"])
out = b""
while True:
    try:
        d = os.read(fd, 1024)
    except OSError:  # EIO: the slave side is gone
        break
    if not d:
        break
    out += d
_, st = os.waitpid(pid, 0)
print(re.sub(rb"/dev/pts/\d+", b"/dev/pts/N", out), st)
"""


def test_python_pty_fork():
    # the host's python3 and sh in the guest: forkpty (openpty, login_tty)
    # gives the child a controlling terminal that ttyname and stty know
    g = guest_python(PTY_FORK)
    n = subprocess.run(["/usr/bin/python3", "-c", PTY_FORK], capture_output=True, timeout=30,
                       start_new_session=True)
    want = n.stdout.decode()
    assert want == "b'/dev/pts/N\\r\\n0 0\\r\\n1\\r\\nchild-ok\\r\\n' 0\n", want
    assert g.rc == 0 and want in g.out, g


JOB_CONTROL = r"""
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.environ["PS1"] = "P$ "
    os.execv("/bin/sh", ["sh", "-i"])
buf = b""
def expect(pat, t=10):
    global buf
    end = time.monotonic() + t
    while pat not in buf:
        r, _, _ = select.select([fd], [], [], max(0, end - time.monotonic()))
        if not r:
            raise SystemExit("timeout waiting for %r in %r" % (pat, buf[-300:]))
        buf += os.read(fd, 1024)
    i = buf.index(pat) + len(pat)
    out, buf = buf[:i], buf[i:]
    return out
def job_owns_terminal(t=10):
    # the master's TIOCGPGRP: the slave's foreground group, the job's once
    # the shell has handed the terminal over
    end = time.monotonic() + t
    while os.tcgetpgrp(fd) == pid:
        if time.monotonic() > end:
            raise SystemExit("the job never got the terminal")
        time.sleep(0.01)
expect(b"P$ ")
print("shell owns:", os.tcgetpgrp(fd) == pid)
os.write(fd, b"sleep 30\n")
job_owns_terminal()
os.write(fd, b"\x1a")
print("stop:", b"Stopped" in expect(b"P$ "))
print("back to shell:", os.tcgetpgrp(fd) == pid)
os.write(fd, b"jobs\n")
print("jobs:", b"sleep 30" in expect(b"P$ "))
os.write(fd, b"fg\n")
job_owns_terminal()
os.write(fd, b"\x03")
expect(b"P$ ")
os.write(fd, b"echo rc=$?\n")
print("intr:", b"rc=130" in expect(b"P$ "))
os.write(fd, b"exit\n")
_, st = os.waitpid(pid, 0)
print("exit:", st)
"""


def test_job_control_on_a_pty():
    # the host's dash, interactive on a pty the host's python3 drives:
    # ^Z stops the foreground job, fg gives it the terminal back, ^C ends it
    g = guest_python(JOB_CONTROL)
    n = subprocess.run(["/usr/bin/python3", "-c", JOB_CONTROL], capture_output=True,
                       timeout=60, start_new_session=True)
    want = n.stdout.decode()
    assert want == ("shell owns: True\nstop: True\nback to shell: True\njobs: True\n"
                    "intr: True\nexit: 0\n"), want
    assert g.rc == 0 and want in g.out, g
