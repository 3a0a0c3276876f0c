"""The syscall trace: side by side with strace, and the JSON Lines log read
back by the test scripts."""
import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import LINUX, TESTCASES

COMPARED = {"openat", "read", "write", "close", "lseek", "mmap", "mprotect", "munmap", "newfstatat",
            "rt_sigaction", "pipe2", "poll", "nanosleep", "clone", "wait4", "kill", "execve", "unlinkat",
            "exit_group"}


def normalise(path, first_pid_execve_dropped):
    """Lines per process (pids renamed in order of appearance), with
    unfinished/resumed halves joined, addresses and pids masked, strace's
    column alignment removed."""
    procs, order, pending = {}, [], {}
    for line in open(path):
        line = line.rstrip("\n")
        m = re.match(r"^(?:\[pid\s+(\d+)\]\s|(\d+)\s+)?(.*)$", line)
        pid = m.group(1) or m.group(2) or "1"  # vmcore leaves init's first lines bare
        rest = m.group(3)
        if rest.endswith("<unfinished ...>"):
            pending[pid] = rest[: -len("<unfinished ...>")].rstrip()
            continue
        r = re.match(r"^<\.\.\. (\w+) resumed>(.*)$", rest)
        if r:
            head = pending.pop(pid, r.group(1) + "(")
            tail = r.group(2).lstrip()
            rest = head + (" " if head.endswith(",") and not tail.startswith(")") else "") + tail
        if pid not in procs:
            procs[pid] = []
            order.append(pid)
        procs[pid].append(rest)
    names = {p: "P%d" % i for i, p in enumerate(order)}
    out = {}
    for pid, lines in procs.items():
        keep = []
        for l in lines:
            m = re.match(r"^(\w+)\(", l)
            if l.startswith("+++"):
                keep.append(l)
                continue
            if not m or m.group(1) not in COMPARED:
                continue
            l = re.sub(r"\s+= ", " = ", l)
            l = re.sub(r"0x[0-9a-f]{5,}", "ADDR", l)
            l = re.sub(r"/\* \d+ vars \*/", "/* N vars */", l)
            # results that are pids
            if m.group(1) in ("clone", "wait4"):
                l = re.sub(r"= (\d+)$", lambda mm: "= " + names.get(mm.group(1), "PID?"), l)
                l = re.sub(r"^wait4\((\d+)", lambda mm: "wait4(" + names.get(mm.group(1), "PID?"), l)
            if m.group(1) == "kill":
                l = re.sub(r"^kill\((\d+)", lambda mm: "kill(" + names.get(mm.group(1), "PID?"), l)
            keep.append(l)
        out[names[pid]] = keep
    if first_pid_execve_dropped and out.get("P0") and out["P0"][0].startswith("execve("):
        out["P0"] = out["P0"][1:]
    return out


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_side_by_side_with_strace(tmp_path):
    native_dir, guest_dir = tmp_path / "native", tmp_path / "guest"
    for d in (native_dir, guest_dir):
        d.mkdir()
        shutil.copy2(os.path.join(TESTCASES, "tracecmp"), d / "tracecmp")
    subprocess.run(["strace", "-f", "-o", str(tmp_path / "strace.txt"), "./tracecmp"], cwd=native_dir,
                   env={"HOME": "/", "TERM": "linux"}, check=True, timeout=60, capture_output=True)
    r = subprocess.run([LINUX, "quiet", "root=%s" % guest_dir, "rootfstype=hostfs", "init=./tracecmp",
                        "trace_out=%s" % (tmp_path / "vmcore.txt")], timeout=60, capture_output=True)
    assert r.returncode == 0, r.stderr
    native = normalise(tmp_path / "strace.txt", True)
    guest = normalise(tmp_path / "vmcore.txt", False)
    total = sum(len(v) for v in native.values())
    same = 0
    diffs = []
    for p, lines in native.items():
        g = guest.get(p, [])
        for i, l in enumerate(lines):
            if i < len(g) and g[i] == l:
                same += 1
            else:
                diffs.append("%s: strace %r\n    vmcore %r" % (p, l, g[i] if i < len(g) else None))
    print("matching lines: %d of %d (%.0f%%)" % (same, total, 100.0 * same / max(total, 1)))
    assert total > 30
    assert same == total, "\n".join(diffs[:20])


def test_json_log_read_back(tmp_path):
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
    import vmtrace
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy2(os.path.join(TESTCASES, "tracecmp"), root / "tracecmp")
    log = tmp_path / "trace.jsonl"
    r = subprocess.run([LINUX, "quiet", "root=%s" % root, "rootfstype=hostfs", "init=/tracecmp",
                        "trace_fmt=json", "trace_out=%s" % log], timeout=60, capture_output=True)
    assert r.returncode == 0, r.stderr
    t = vmtrace.load(str(log))
    # what the program did, not what it printed
    assert t.files_opened(pid=1)[:2] == ["data.txt", "data.txt"]
    enoent = t.syscalls(name="openat", failed=True)
    assert len(enoent) == 1 and enoent[0].errno == "ENOENT" and vmtrace.unquote(enoent[0].args[1]) == "nonexistent/file"
    assert t.syscalls(name="close", failed=True)[0].errno == "EBADF"
    writes = t.syscalls(name="write", pid=1)
    assert writes[0].ret == 10 and vmtrace.unquote(writes[0].args[1]) == "some text\n"
    # fork, exec and exit in order: the third child execs and exits with 3
    clones = t.syscalls(name="clone", pid=1)
    assert len(clones) == 3
    child = clones[2].ret
    order = [r for r in t.timeline() if getattr(r, "pid", None) == child and
             (getattr(r, "type", None) in ("exec", "exit") or getattr(r, "name", None) == "execve")]
    kinds = [getattr(r, "type", None) or r.name for r in order]
    assert kinds.index("exec") < kinds.index("exit"), kinds
    assert [s.ret for s in t.syscalls(name="execve", pid=child)] == [0]
    exits = [e for e in t.events("exit") if e.pid == child]
    assert exits and exits[0].status == 3
    killed = [e for e in t.events("exit") if e.signal == "SIGTERM"]
    assert len(killed) == 1
    for s in t.syscalls():
        assert s.t_exit is None or s.t_exit >= s.t_entry
    # the command-line front end and the Perfetto export
    out = subprocess.run(["/usr/bin/python3", os.path.join(os.path.dirname(__file__), "..", "vmtrace.py"),
                          str(log), "failed"], capture_output=True, text=True, check=True).stdout
    assert "ENOENT" in out or "nonexistent" in out
    pf = tmp_path / "perfetto.json"
    subprocess.run(["/usr/bin/python3", os.path.join(os.path.dirname(__file__), "..", "vmtrace.py"),
                    str(log), "perfetto", str(pf)], check=True)
    data = json.load(open(pf))
    tracks = {(e["pid"], e["tid"]) for e in data["traceEvents"] if e.get("ph") in ("X", "i")}
    assert len(tracks) >= 4  # init and its three children


def test_trace_filters_and_summary(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy2(os.path.join(TESTCASES, "tracecmp"), root / "tracecmp")
    log = tmp_path / "t.txt"
    r = subprocess.run([LINUX, "quiet", "root=%s" % root, "rootfstype=hostfs", "init=/tracecmp",
                        "trace=%file,wait4", "trace_out=%s" % log], timeout=60, capture_output=True)
    assert r.returncode == 0
    names = {re.match(r"^(?:\[pid\s+\d+\] )?(\w+)\(", l).group(1) for l in open(log)
             if re.match(r"^(?:\[pid\s+\d+\] )?\w+\(", l)}
    assert names and names <= {"openat", "newfstatat", "unlinkat", "execve", "wait4", "readlink"}, names
    assert "wait4" in names and "openat" in names
    r = subprocess.run([LINUX, "quiet", "root=%s" % root, "rootfstype=hostfs", "init=/tracecmp",
                        "trace_c", "trace_out=%s" % log], timeout=60, capture_output=True)
    text = open(log).read()
    assert "% time" in text and "total" in text and " openat" in text, text
    r = subprocess.run([LINUX, "quiet", "root=%s" % root, "rootfstype=hostfs", "init=/tracecmp",
                        "trace_failed", "trace_out=%s" % log], timeout=60, capture_output=True)
    lines = [l for l in open(log) if "(" in l and not l.startswith("+++")]
    assert lines and all("= -1 E" in l for l in lines), lines
    bad = subprocess.run([LINUX, "trace=nosuchcall"], capture_output=True, text=True, timeout=10)
    assert bad.returncode != 0 and "nosuchcall" in bad.stderr


def test_flight_recorder_in_proc():
    """Every task's last system calls, readable at run time."""
    p = subprocess.run([LINUX, "quiet"], input=b"cat /proc/1/syscalls; echo; poweroff\n",
                       capture_output=True, timeout=30)
    out = p.stdout.decode()
    assert p.returncode == 0
    lines = [l for l in out.splitlines() if l.startswith("[")]
    assert 1 <= len(lines) <= 32, out
    assert any(re.search(r"\] \w+\(.*\) = -?\d+$", l) for l in lines), lines


def test_tracefs_control_from_the_guest():
    """The guest switches the trace on, filters it and reads it back."""
    script = (b"cd /sys/kernel/tracing/vmcore; echo guest > output; echo openat > filter; "
              b"echo nosuch > filter 2>/dev/null || echo refused; cat filter; echo 1 > enable; "
              b"cat /etc/hostname; echo 0 > enable; head -n 3 trace_pipe | grep -c openat\npoweroff\n")
    p = subprocess.run([LINUX, "quiet"], input=script, capture_output=True, timeout=30)
    lines = p.stdout.decode().splitlines()
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert "refused" in lines and "openat" in lines and "vmcore" in lines, lines
    assert int(lines[-1]) >= 1, lines
