#!/usr/bin/python3
"""make fuzz: random system calls against a running vmcore, the kernel's
own fuzzer (testcases/fuzzer.c) and then Debian's trinity, in guests with
a writable hostfs root of their own.

    scripts/fuzz.py [--seconds 600] [--boot 60] [--trinity-boot 150] [--mem 64M]
                    [--workers 4] [--only fuzzer|trinity] [--seed N]

The time is split between the two fuzzers; each boot runs --boot seconds
(--trinity-boot for trinity, whose start as root waits 10 s), so that one
oops costs one boot, not the run.  The fuzzer ends by itself and prints its
counts; trinity gets SIGINT from the guest's shell when its time is up and
prints how many calls it ran; a trinity that ended before that is a
problem.  A kernel that does not halt by itself is told to with SIGTERM.  Watched: oopses and panics on the kernel's stderr, a
kernel that does not halt when told, the host memory of ./linux (its own
anonymous memory + the resident pages of its physical-memory file + its
stubs, scripts/tests/hostmem.py) against a bound, and the host's files:
nothing outside the guest's root may change.  Prints the figures; exits 1
if anything was wrong."""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(REPO, "scripts", "tests"))
import hostmem  # noqa: E402

LINUX = os.environ.get("VMCORE_LINUX") or os.path.join(REPO, "linux")
TESTCASES = os.path.join(REPO, "build", "testcases")
TRINITY = "/usr/bin/trinity"
WATCHED = ["/etc", "/usr", "/root", "/bin", "/sbin", "/lib", "/lib64", "/opt", "/srv", "/home",
           "/var/lib", "/boot"]
DEVICES = {"null": (1, 3), "zero": (1, 5), "full": (1, 7), "random": (1, 8), "urandom": (1, 9)}


def parse_size(s):
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(s[:-1]) * mult[s[-1].upper()] if s[-1].upper() in mult else int(s)


def copy_with_libs(prog, root):
    """PROG and the shared libraries it loads, at the same paths in ROOT."""
    files = [prog]
    out = subprocess.run(["ldd", prog], capture_output=True, text=True).stdout
    for line in out.splitlines():
        for word in line.split():
            if word.startswith("/"):
                files.append(word)
    for f in files:
        dst = root + f
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(os.path.realpath(f), dst)


def make_root(top):
    root = os.path.join(top, "root")
    for d in ("tmp", "proc", "sys", "dev", "bin"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    for name, (ma, mi) in DEVICES.items():
        os.mknod(os.path.join(root, "dev", name), 0o20666, os.makedev(ma, mi))
    shutil.copy2(os.path.join(TESTCASES, "fuzzer"), os.path.join(root, "fuzzer"))
    shutil.copy2("/bin/busybox", os.path.join(root, "bin", "busybox"))
    if os.path.exists(TRINITY):
        copy_with_libs(TRINITY, root)
    # a canary beside the root: the guest must never reach it
    outside = os.path.join(top, "outside")
    os.makedirs(outside)
    with open(os.path.join(outside, "secret"), "w") as f:
        f.write("host data\n")
    return root, outside


BOOT_PEAK = {"at": None}  # the last boot's breakdown at its peak (hostmem.host_memory)
ENV = None  # the kernel's environment (--heapcheck preloads its allocator)


def boot(args, seconds, grace=20):
    """One kernel for SECONDS, then SIGTERM; returns (rc, out, err, peak
    host memory, halted by itself after the SIGTERM)."""
    p = subprocess.Popen([LINUX] + args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, start_new_session=True, env=ENV)
    outs = {"out": b"", "err": b""}
    import threading

    def drain(stream, key):
        for chunk in iter(lambda: stream.read(65536), b""):
            outs[key] = (outs[key] + chunk)[-(1 << 20):]

    threads = [threading.Thread(target=drain, args=(p.stdout, "out")),
               threading.Thread(target=drain, args=(p.stderr, "err"))]
    for t in threads:
        t.start()
    peak, BOOT_PEAK["at"] = 0, None
    end = time.monotonic() + seconds
    while p.poll() is None and time.monotonic() < end:
        m = hostmem.host_memory(p.pid)
        if m["total"] > peak:
            peak, BOOT_PEAK["at"] = m["total"], m
        time.sleep(0.5)
    halted = True
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            halted = False
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    for t in threads:
        t.join()
    return p.returncode, outs["out"].decode(errors="replace"), outs["err"].decode(errors="replace"), \
        peak, halted


def trinity_script(workers, seed, disable_fds, secs):
    """The guest shell's command line for one trinity boot: trinity in the
    background, SIGINT when its SECS are up (it then stops its children and
    prints "Ran N syscalls"); "trinity-stopped" if it was still running
    then, "trinity-ended-early" if not."""
    return ("busybox mount -t proc proc /proc; busybox mount -t sysfs sysfs /sys; "
            # a quarter of memory for trinity's files: with tmpfs's default
            # half they and trinity's ~200 MiB of shared memory fill mem=
            # and the OOM killer takes trinity itself, as Linux's would
            "busybox mount -t tmpfs -o size=25%% tmpfs /tmp; cd /tmp; "
            "%s --dangerous -q -l off -a 64 -C %d -s %d --disable-fds=%s & p=$!; "
            "busybox sleep %d; if busybox kill -INT $p; then wait $p; echo trinity-stopped $?; "
            "else wait $p; echo trinity-ended-early $?; fi; "
            # the guest's memory once trinity is gone, read by the shell itself (no fork)
            "echo meminfo-after:; while read -r l; do echo \"  $l\"; done < /proc/meminfo"
            % (TRINITY, workers, seed, disable_fds, secs))


def trinity_calls(out):
    """The calls a trinity boot reports, or None if it did not run to its end."""
    m = re.search(r"Ran (\d+) syscalls", out)
    return int(m.group(1)) if m and "trinity-stopped" in out else None


def host_changes(marker, top):
    """Files under the watched host directories newer than MARKER, and
    anything in TOP (our temporary directory) outside the guest's root."""
    changed = []
    dirs = [d for d in WATCHED if os.path.isdir(d)]
    r = subprocess.run(["find"] + dirs + ["-xdev", "-newer", marker], capture_output=True, text=True)
    changed += [l for l in r.stdout.splitlines() if l]
    for name in os.listdir(top):
        if name not in ("root", "outside", "marker"):
            changed.append(os.path.join(top, name))
    outside = os.path.join(top, "outside")
    if sorted(os.listdir(outside)) != ["secret"] or open(os.path.join(outside, "secret")).read() != "host data\n":
        changed.append(outside)
    return changed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=int, default=600)
    ap.add_argument("--boot", type=int, default=60)
    ap.add_argument("--trinity-boot", type=int, default=150,
                    help="a trinity boot's seconds (its first 10 are trinity's countdown as root)")
    ap.add_argument("--mem", default="64M", help="the fuzzer's guests")
    ap.add_argument("--trinity-mem", default="256M",
                    help="trinity's guests (it maps ~200 MiB of shared memory, charged whole)")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--only", choices=["fuzzer", "trinity"])
    ap.add_argument("--trinity-disable-fds", default="sockets,perf,drm,pseudo",
                    help="trinity's fd providers left out (perf and drm do not exist here; with pseudo "
                    "(pathnames from /dev, /proc, /sys) trinity's main process still dies within a "
                    "150 s boot, by SIGBUS, SIGSEGV or SIGKILL, not yet explained; trinity "
                    "2023.01's socket provider segfaults its main process at start for many seeds: "
                    "do_setsockopt's random family, rnd() %% 46, indexes its 45-entry net_protocols "
                    "table and calls through the word after it)")
    ap.add_argument("--heapcheck", action="store_true",
                    help="preload build/heapcheck.so into the kernel (writes after free; make build/heapcheck.so)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep-logs", metavar="DIR",
                    help="write every boot's console and kernel log to DIR/STAGE-seedN.log")
    a = ap.parse_args()
    if a.heapcheck:
        global ENV
        so = os.path.join(REPO, "build", "heapcheck.so")
        if not os.path.exists(so):
            print("fuzz: %s is missing (make build/heapcheck.so)" % so)
            return 1
        ENV = dict(os.environ, LD_PRELOAD=so)
    bounds = {"fuzzer": parse_size(a.mem) + (256 << 20), "trinity": parse_size(a.trinity_mem) + (256 << 20)}
    if a.heapcheck:  # its quarantine and headers are the kernel's heap too
        bounds = {k: v + (int(os.environ.get("HEAPCHECK_MB", "256")) << 20) * 3 // 2 for k, v in bounds.items()}
    mems = {"fuzzer": a.mem, "trinity": a.trinity_mem}
    top = tempfile.mkdtemp(prefix="vmcore-fuzz-")
    marker = os.path.join(top, "marker")
    open(marker, "w").close()
    time.sleep(0.01)
    root, _ = make_root(top)
    stages = ["fuzzer", "trinity"] if not a.only else [a.only]
    if "trinity" in stages and not os.path.exists(TRINITY):
        print("fuzz: %s is missing (scripts/deps.sh trinity)" % TRINITY)
        return 1
    share = a.seconds // len(stages)
    problems, figures, seed = [], [], a.seed
    for stage in stages:
        base = ["quiet", "mem=" + mems[stage], "maxtasks=128", "root=" + root, "rootfstype=hostfs"]
        bound = bounds[stage]
        spent, boots, oopses, peak = 0, 0, 0, 0
        calls = []
        while spent < share:
            secs = min(a.boot if stage == "fuzzer" else a.trinity_boot, share - spent)
            if stage == "fuzzer":
                cmd = base + ["init=/fuzzer", "--", str(secs), str(seed), str(a.workers)]
            else:
                script = trinity_script(a.workers, seed, a.trinity_disable_fds, secs)
                cmd = base + ["init=/bin/busybox", "--", "sh", "-c", script]
            t0 = time.monotonic()
            # both end by themselves (init exits 0 with the figures)
            rc, out, err, mem, halted = boot(cmd, secs + 30 if stage == "fuzzer" else secs + 60)
            spent += max(1, int(time.monotonic() - t0))
            boots += 1
            peak = max(peak, mem)
            bad = [l for l in err.splitlines() if "Oops" in l or "panic" in l.lower()
                   or "runtime error:" in l or "ERROR: AddressSanitizer" in l or l.startswith("heapcheck:") or "ERROR: LeakSanitizer" in l]
            if a.keep_logs:
                os.makedirs(a.keep_logs, exist_ok=True)
                with open(os.path.join(a.keep_logs, "%s-seed%d.log" % (stage, seed)), "w") as f:
                    f.write(" ".join(cmd) + "\n\n--- stderr\n" + err + "\n--- stdout\n" + out)
            if bad:
                oopses += 1
                log = os.path.join(REPO, "build", "fuzz-%s-seed%d.log" % (stage, seed))
                with open(log, "w") as f:
                    f.write(" ".join(cmd) + "\n\n" + err)
                problems.append("%s seed %d: %s (log: %s)" % (stage, seed, bad[0].strip(), log))
            if not halted:
                problems.append("%s seed %d: the kernel did not halt on SIGTERM" % (stage, seed))
            if mem > bound:
                at = BOOT_PEAK["at"] or {}
                problems.append("%s seed %d: host memory %d MiB > %d MiB (%s)" % (
                    stage, seed, mem >> 20, bound >> 20,
                    ", ".join("%s %d MiB" % (k, v >> 20) for k, v in at.items() if k != "total")))
            if stage == "fuzzer" and (rc != 0 or "fuzzer done" not in out):
                problems.append("fuzzer seed %d: init did not finish (status %s): %r" % (seed, rc, out[-300:]))
            if stage == "trinity" and trinity_calls(out) is None:
                tail = [l for l in out.splitlines() if not l.startswith("[child")][-3:]
                problems.append("trinity seed %d: trinity did not run its %d s to the end: %r" % (seed, secs, tail))
            calls += [int(n) for n in re.findall(r"^fuzzer: (\d+) calls", out, re.M)]
            if stage == "trinity" and trinity_calls(out) is not None:
                calls.append(trinity_calls(out))
            seed += 1
        fig = "%s: %d boots, %d s, %d oopses, peak host memory %.1f MiB (mem=%s)" % (
            stage, boots, spent, oopses, peak / 2**20, mems[stage])
        if calls:
            fig += ", %d calls (%.0f/s)" % (sum(calls), sum(calls) / max(1, spent))
        figures.append(fig)
        print(fig, flush=True)
    changed = host_changes(marker, top)
    if changed:
        problems.append("host files changed outside the guest's root: %s" % changed[:20])
    print("host files changed outside the guest's root: %d" % len(changed))
    for p in problems:
        print("PROBLEM: " + p)
    shutil.rmtree(top, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
