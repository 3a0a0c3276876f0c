"""Coverage of the kernel itself: gcov builds (debugfs, the reports), KCOV.
Each test builds the flavour it needs (build/FLAVOR/linux) beside ./linux."""
import os
import re
import shutil
import signal
import subprocess
import time

import pytest

from conftest import REPO

COV_LINUX = os.path.join(REPO, "build", "cov", "linux")
KCOV_LINUX = os.path.join(REPO, "build", "kcov", "linux")


def build(flavor_var, target):
    r = subprocess.run(["make", "--no-print-directory", "-j2", flavor_var + "=1", target], cwd=REPO,
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]


@pytest.fixture(scope="module")
def cov_linux():
    build("COVERAGE", "build/cov/linux")
    return COV_LINUX


@pytest.fixture(scope="module")
def kcov_linux():
    build("KCOV", "build/kcov/linux")
    return KCOV_LINUX


def boot(linux, script, env=None, timeout=60, args=()):
    p = subprocess.run([linux, "quiet"] + list(args), input=script.encode(), capture_output=True, timeout=timeout,
                       env=env)
    assert p.returncode == 0, (p.stdout[-2000:], p.stderr[-2000:])
    return p.stdout.decode(errors="replace")


def gcov_lines(objdir, src):
    """gcov's summary of SRC from the .gcda/.gcno in OBJDIR: (percent, lines)."""
    r = subprocess.run(["gcov", "-n", "-o", objdir, os.path.join(REPO, src)], capture_output=True,
                       text=True, cwd=REPO)
    m = re.search(r"File '%s'\nLines executed:([0-9.]+)%% of (\d+)" % re.escape(src), r.stdout)
    assert m, r.stdout + r.stderr
    return float(m.group(1)), int(m.group(2))


def test_gcov_in_debugfs(cov_linux, tmp_path):
    """A guest copies .gcda files out of /sys/kernel/debug/gcov while it
    runs; gcov on the host reads them.  After a reset, a program that uses
    no pipe leaves pipe.c at zero, and the file code it went through shows
    counts."""
    out = tmp_path / "out"
    out.mkdir()
    gdir = "/sys/kernel/debug/gcov" + os.path.join(REPO, "build", "cov")
    # the guest may mount only under hostfs=DIR: "/" is DIR itself
    script = ("mount -t hostfs / /mnt\n"
              "ls /sys/kernel/debug/gcov\n"
              "echo 1 > /sys/kernel/debug/gcov/reset; /testcases/fileio > /dev/null; "
              "cp %s/vmcore/fs/pipe.gcda %s/vmcore/fs/namei.gcda %s/vmcore/mm/fault.gcda /mnt/\n"
              "poweroff\n") % (gdir, gdir, gdir)
    text = boot(cov_linux, script, env=dict(os.environ, GCOV_PREFIX=str(tmp_path / "halt")),
                args=["hostfs=%s" % out])
    assert "reset" in text.split()
    for name in ("pipe", "namei"):
        shutil.copy2(os.path.join(REPO, "build", "cov", "vmcore", "fs", name + ".gcno"), out)
    shutil.copy2(os.path.join(REPO, "build", "cov", "vmcore", "mm", "fault.gcno"), out)
    pipe_pct, pipe_n = gcov_lines(str(out), "vmcore/fs/pipe.c")
    namei_pct, _ = gcov_lines(str(out), "vmcore/fs/namei.c")
    fault_pct, _ = gcov_lines(str(out), "vmcore/mm/fault.c")
    assert pipe_n > 50 and pipe_pct == 0.0, "pipe.c ran after the reset"
    assert namei_pct > 20 and fault_pct > 20
    # the halt wrote every object's data (under GCOV_PREFIX here)
    halt = str(tmp_path / "halt") + os.path.join(REPO, "build", "cov")
    assert os.path.exists(os.path.join(halt, "vmcore", "mm", "fault.gcda"))


def test_reports(cov_linux, tmp_path):
    """The reports of one run: lcov data, HTML, Cobertura XML, the table
    per subsystem; mm_fault shows hits; diff of two runs."""
    prefix = tmp_path / "gcda"
    env = dict(os.environ, GCOV_PREFIX=str(prefix))
    boot(cov_linux, "ls / > /dev/null\npoweroff\n", env=env)
    gcda = str(prefix) + os.path.join(REPO, "build", "cov")
    r = subprocess.run(["/usr/bin/python3", os.path.join(REPO, "scripts", "coverage.py"), "report",
                        "--gcda-dir", gcda, "--out", str(tmp_path / "report")], capture_output=True,
                       text=True, timeout=600, cwd=REPO)
    assert r.returncode == 0, r.stdout + r.stderr
    for sub in ("vmcore/mm", "vmcore/fs", "vmcore/kernel", "vmcore/host", "trace", "gdbstub", "total"):
        assert re.search(r"^%s +\d+\.\d%% +\d+/\d+" % re.escape(sub), r.stdout, re.M), r.stdout
    index = tmp_path / "report" / "html" / "index.html"
    assert index.exists() and "<html" in index.read_text().lower()
    xml = (tmp_path / "report" / "coverage.xml").read_text()
    assert "<coverage" in xml and "fault.c" in xml
    info = (tmp_path / "report" / "kernel.info").read_text()
    rec = re.search(r"SF:.*vmcore/mm/fault\.c\n(.*?)end_of_record", info, re.S).group(1)
    hits = re.search(r"^FNDA:(\d+),mm_fault$", rec, re.M)
    assert hits and int(hits.group(1)) > 0
    # what a run with a pipe covers that this one does not
    prefix2 = tmp_path / "gcda2"
    boot(cov_linux, "echo hi | cat > /dev/null\npoweroff\n", env=dict(os.environ, GCOV_PREFIX=str(prefix2)))
    cov = os.path.join(REPO, "scripts", "coverage.py")
    info2 = str(tmp_path / "two.info")
    subprocess.run(["/usr/bin/python3", cov, "capture", str(prefix2) + os.path.join(REPO, "build", "cov"),
                    info2], check=True, capture_output=True, timeout=600, cwd=REPO)
    d = subprocess.run(["/usr/bin/python3", cov, "diff", info2, str(tmp_path / "report" / "kernel.info")],
                       capture_output=True, text=True, check=True, cwd=REPO).stdout
    assert re.search(r"^vmcore/fs/pipe\.c:\n(  function .*\n)*  function (pipe_write|sys_pipe2)", d, re.M), d


def test_kcov(kcov_linux):
    """Linux's KCOV example, on one read() of a pipe: its PCs are addresses
    in ./linux that libdw maps to the read path, the VFS and the pipe."""
    out = boot(kcov_linux, "/testcases/kcov > /tmp/pcs; echo status $?; cat /tmp/pcs\npoweroff\n")
    assert "status 0" in out, out
    pcs = re.findall(r"^0x[0-9a-f]+$", out, re.M)
    assert 20 < len(pcs) < 5000, len(pcs)
    tool = shutil.which("eu-addr2line")
    assert tool, "eu-addr2line (elfutils, libdw) is missing"
    r = subprocess.run([tool, "-f", "-e", kcov_linux] + pcs, capture_output=True, text=True, check=True)
    funcs = set(r.stdout.splitlines()[0::2])
    assert {"pipe_read", "vfs_read", "sys_read"} <= funcs, sorted(funcs)
    files = set(os.path.basename(l.split(":")[0]) for l in r.stdout.splitlines()[1::2])
    assert {"pipe.c", "inode.c", "syscalls.c"} <= files, files


def test_no_kcov_without_the_build():
    """The ordinary build has no /sys/kernel/debug/kcov: the example says
    so and fails, as on a Linux without CONFIG_KCOV."""
    out = boot(os.path.join(REPO, "linux"), "/testcases/kcov; echo status $?\npoweroff\n")
    assert "status 1" in out


@pytest.fixture(scope="module")
def prof_linux():
    build("PROFILE", "build/prof/linux")
    return os.path.join(REPO, "build", "prof", "linux")


def test_profiles(prof_linux, tmp_path):
    """A profile build: gprof's flat profile lists the syscall path; the
    sampling profile's folded stacks go through it; the flame graph is
    drawn from them."""
    folded = tmp_path / "k.folded"
    script = "i=0; while [ $i -lt 200 ]; do cat /etc/hostname > /dev/null; i=$((i+1)); done\npoweroff\n"
    p = subprocess.run([prof_linux, "quiet", "kprofile=%s" % folded], input=script.encode(),
                       capture_output=True, timeout=120, cwd=tmp_path)
    assert p.returncode == 0, p.stderr[-2000:]
    g = subprocess.run(["gprof", "-b", prof_linux, str(tmp_path / "gmon.out")], capture_output=True,
                       text=True, check=True).stdout
    for fn in ("syscall_dispatch", "do_fork", "kernel_execve", "mm_fault"):
        assert re.search(r"\s%s$" % fn, g, re.M), fn
    lines = folded.read_text().splitlines()
    assert lines and all(re.match(r"^\S+( \d+)$", l) or re.match(r"^[^ ]+ \d+$", l) for l in lines), lines[:5]
    assert sum(int(l.rsplit(" ", 1)[1]) for l in lines) >= 5
    assert any(l.startswith(("child_main;task_loop", "init_thread;task_loop")) for l in lines), lines
    svg = tmp_path / "k.svg"
    subprocess.run(["/usr/bin/python3", os.path.join(REPO, "scripts", "flamegraph.py"), str(svg), str(folded)],
                   check=True, capture_output=True)
    text = svg.read_text()
    assert text.startswith("<?xml") and text.count("<rect") > 5 and "task_loop" in text
    # kprofile= on a build without the profile: a clear refusal
    r = subprocess.run([os.path.join(REPO, "linux"), "kprofile=%s" % folded], capture_output=True, text=True,
                       timeout=30)
    assert r.returncode != 0 and "kprofile needs a profile build (make PROFILE=1)" in r.stderr


def test_gcov_from_the_host(cov_linux, tmp_path):
    """SIGUSR2 and the gdbstub's monitor command write the counters out
    while the kernel runs."""
    prefix = tmp_path / "gcda"
    env = dict(os.environ, GCOV_PREFIX=str(prefix))
    fault = str(prefix) + os.path.join(REPO, "build", "cov", "vmcore", "mm", "fault.gcda")
    p = subprocess.Popen([cov_linux, "quiet", "gdb=tcp:127.0.0.1:0"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
    try:
        port = None
        while port is None:
            line = p.stderr.readline().decode()
            assert line, "no stub"
            m = re.search(r"gdbstub: listening on 127\.0\.0\.1:(\d+)", line)
            port = m and int(m.group(1))
        time.sleep(0.5)
        assert not os.path.exists(fault)
        os.kill(p.pid, signal.SIGUSR2)
        end = time.monotonic() + 10
        while not os.path.exists(fault):
            assert time.monotonic() < end, "SIGUSR2 wrote nothing"
            time.sleep(0.05)
        os.unlink(fault)
        out = subprocess.run(["gdb", "-nx", "-q", "-batch", "-ex", "target extended-remote 127.0.0.1:%d" % port,
                              "-ex", "monitor gcov dump", "-ex", "monitor gcov reset"],
                             capture_output=True, text=True, timeout=30)
        out = out.stdout + out.stderr
        assert re.search(r"gcov: the counters of \d+ objects written", out), out
        assert "gcov: counters reset" in out
        assert os.path.exists(fault)
        p.stdin.write(b"poweroff\n")
        p.stdin.flush()
        assert p.wait(timeout=30) == 0
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
