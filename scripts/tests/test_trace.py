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


def mask_fd_paths(path, native_dir):
    """strace -y lines: the native run's directory is the guest's root;
    pipe inode numbers and what the standard descriptors are differ."""
    text = open(path).read().replace("<%s/" % native_dir, "</").replace("<%s>" % native_dir, "</>")
    text = re.sub(r"pipe:\[\d+\]", "pipe:[N]", text)
    text = re.sub(r"(?<![\w\d])([012])<[^>]*>", r"\1<STDIO>", text)
    open(path, "w").write(text)


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
@pytest.mark.parametrize("paths", [False, True], ids=["plain", "fd-paths"])
def test_side_by_side_with_strace(tmp_path, paths):
    """tracecmp under strace -f (and -y) natively and in the guest with the
    trace on (and trace_y): the lines of the calls both show must match."""
    native_dir, guest_dir = tmp_path / "native", tmp_path / "guest"
    for d in (native_dir, guest_dir):
        d.mkdir()
        shutil.copy2(os.path.join(TESTCASES, "tracecmp"), d / "tracecmp")
    subprocess.run(["strace", "-f"] + (["-y"] if paths else []) + ["-o", str(tmp_path / "strace.txt"),
                   "./tracecmp"], cwd=native_dir, env={"HOME": "/", "TERM": "linux"}, check=True, timeout=60,
                   capture_output=True)
    r = subprocess.run([LINUX, "quiet", "root=%s" % guest_dir, "rootfstype=hostfs", "init=./tracecmp",
                        "trace_out=%s" % (tmp_path / "vmcore.txt")] + (["trace_y"] if paths else []),
                       timeout=60, capture_output=True)
    assert r.returncode == 0, r.stderr
    if paths:
        for f in ("strace.txt", "vmcore.txt"):
            mask_fd_paths(tmp_path / f, str(native_dir))
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
    if paths:
        joined = "\n".join(l for v in guest.values() for l in v)
        assert '3</data.txt>' in joined and "AT_FDCWD</>" in joined and "pipe:[N]" in joined, joined
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
              b"cat /etc/hostname; echo 0 > enable; echo count=$(head -n 3 trace_pipe | grep -c openat)\npoweroff\n")
    p = subprocess.run([LINUX, "quiet"], input=script, capture_output=True, timeout=30)
    lines = p.stdout.decode().splitlines()
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert "refused" in lines and "openat" in lines and "vmcore" in lines, lines
    counts = [int(l[6:]) for l in lines if l.startswith("count=")]
    assert counts and counts[0] >= 1, lines


def stacks_of(path, prefix=""):
    """{write line: [frame lines]} in order, from a text trace."""
    out, cur = [], None
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith(" > "):
            if cur is not None:
                cur[1].append(line.replace(" > " + prefix, " > "))
        else:
            m = re.match(r"^(?:\[pid\s+\d+\]\s|\d+\s+)?(write\(.*)$", line)
            cur = (re.sub(r"\s+= ", " = ", m.group(1)), []) if m else None
            if cur:
                out.append(cur)
    return out


@pytest.mark.parametrize("prog", ["stackme", "stackme-pie"])
def test_trace_stack(tmp_path, prog):
    """trace_stack: each call's user stack, unwound through the guest's own
    ELF file, in a forked child too; as strace -k shows it."""
    shutil.copy2(os.path.join(TESTCASES, prog), tmp_path / prog)
    log = tmp_path / "t.txt"
    r = subprocess.run([LINUX, "quiet", "root=%s" % tmp_path, "rootfstype=hostfs", "init=/" + prog,
                        "trace=write", "trace_stack", "trace_out=%s" % log], timeout=60, capture_output=True)
    assert r.returncode == 0, r.stderr
    got = stacks_of(log)
    assert [w for w, _ in got] == ['write(1, "stack me\\n", 9) = 9', 'write(1, "child\\n", 6) = 6'], got
    for _, frames in got:
        funcs = [re.match(r"^ > /%s\((\w+)\+0x[0-9a-f]+\) \[0x[0-9a-f]+\]$" % re.escape(prog), f) for f in frames]
        assert all(funcs), frames
        names = [m.group(1) for m in funcs]
        assert names[1:5] == ["inner", "middle", "outer", "main"], names
        assert names[-1] == "_start", names
    # the same frames as strace -k, where the host's strace unwinds
    # (it stops after one frame in a non-PIE static program)
    if prog.endswith("-pie") and shutil.which("strace"):
        native = tmp_path / "native.txt"
        k = subprocess.run(["strace", "-f", "-k", "-e", "trace=write", "-o", str(native), "./" + prog],
                           cwd=tmp_path, capture_output=True, timeout=60)
        if k.returncode == 0 and " > " in open(native).read():
            assert stacks_of(native, prefix=str(tmp_path)) == got


def test_trace_stack_json(tmp_path):
    shutil.copy2(os.path.join(TESTCASES, "stackme"), tmp_path / "stackme")
    log = tmp_path / "t.jsonl"
    r = subprocess.run([LINUX, "quiet", "root=%s" % tmp_path, "rootfstype=hostfs", "init=/stackme",
                        "trace=write,exit_group", "trace_stack", "trace_fmt=json", "trace_out=%s" % log],
                       timeout=60, capture_output=True)
    assert r.returncode == 0, r.stderr
    recs = [json.loads(l) for l in open(log)]
    writes = [x for x in recs if x.get("name") == "write"]
    assert len(writes) == 2
    for w in writes:
        st = w["stack"]
        assert [f["func"] for f in st[1:5]] == ["inner", "middle", "outer", "main"], st
        assert all(f["file"] == "/stackme" and f["pc"] > 0 and f["off"] > 0 for f in st), st
    ex = [x for x in recs if x.get("name") == "exit_group"]
    assert ex and ex[0]["stack"] and ex[0]["stack"][-1]["func"] == "_start"


def test_trace_bad_input(tmp_path):
    """Unreadable pointers print as addresses, huge strings are cut (paths
    at PATH_MAX, other strings at the string size), and buffers changed or
    unmapped by another thread while a call blocks do not confuse the trace
    (nor the kernel: the read into the unmapped buffer fails with EFAULT,
    as on Linux)."""
    shutil.copy2(os.path.join(TESTCASES, "tracebad"), tmp_path / "tracebad")
    log = tmp_path / "t.txt"
    r = subprocess.run([LINUX, "quiet", "root=%s" % tmp_path, "rootfstype=hostfs", "init=/tracebad",
                        "trace=openat,write,read,newfstatat,munmap", "trace_out=%s" % log],
                       timeout=60, capture_output=True)
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert not re.search(rb"^FAIL", r.stdout, re.M)
    native = subprocess.run(["./tracebad"], cwd=tmp_path, capture_output=True, timeout=60)
    assert native.returncode == 0 and native.stdout == r.stdout
    lines = [re.sub(r"\s+= ", " = ", l.rstrip("\n")) for l in open(log)]
    expect = ['openat(AT_FDCWD, 0x1, O_RDONLY) = -1 EFAULT (Bad address)',
              'write(4, 0xdead0000, 10) = -1 EFAULT (Bad address)',
              'newfstatat(AT_FDCWD, ".", 0x10, 0) = -1 EFAULT (Bad address)',
              'openat(AT_FDCWD, "%s"..., O_RDONLY) = -1 ENAMETOOLONG (File name too long)' % ("p" * 4095),
              'write(5, "%s"..., 1048576) = 1048576' % ("p" * 32)]
    for e in expect:
        assert e in lines, (e[:100], lines)
    # the blocked write shows its buffer as it was when the call was made
    blocked = [l for l in lines if re.match(r'^\[pid\s+1\] write\(4, "A{32}"\.\.\., 131072 <unfinished \.\.\.>$', l)]
    assert blocked, lines
    assert any(re.match(r"^\[pid\s+1\] <\.\.\. write resumed>\) = 131072$", l) for l in lines), lines
    reads = [re.match(r'^\[pid\s+2\] (?:read\(3, |<\.\.\. read resumed>)"[AB]{1,32}"(?:\.\.\.)?, 65536\) = (\d+)$', l)
             for l in lines if re.match(r"^\[pid     2\] (read\(|<\.\.\. read resumed>)", l)
             and not l.endswith("<unfinished ...>")]
    assert reads and all(reads) and sum(int(m.group(1)) for m in reads) == 131072, lines
    # the read whose buffer another thread unmapped: its address, EFAULT
    unmapped = [re.match(r"^\[pid\s+3\] munmap\((0x[0-9a-f]+), 4096\) = 0$", l) for l in lines]
    addr = [m.group(1) for m in unmapped if m]
    assert len(addr) == 1, lines
    assert any(re.match(r"^\[pid\s+1\] read\(3,  <unfinished \.\.\.>$", l) for l in lines), lines
    assert "[pid     1] <... read resumed>%s, 100) = -1 EFAULT (Bad address)" % addr[0] in lines, lines
    # the single-threaded part, line for line as strace shows it
    if shutil.which("strace"):
        st = tmp_path / "strace.txt"
        subprocess.run(["strace", "-o", str(st), "-e", "trace=openat,write,newfstatat", "./tracebad"],
                       cwd=tmp_path, capture_output=True, timeout=60, check=True)
        theirs = [re.sub(r"\s+= ", " = ", l.rstrip("\n")) for l in open(st)]
        first = theirs.index(expect[0])
        ours = lines[lines.index(expect[0]):]
        n = theirs.index('openat(AT_FDCWD, "big.out", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 5') - first + 2
        assert ours[:n] == theirs[first:first + n]
