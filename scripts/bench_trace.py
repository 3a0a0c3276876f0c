#!/usr/bin/python3
"""make bench, the syscall trace's cost: the getppid round trip in the guest
on a build without the trace's hooks (make NOTRACE=1: no trace checks, no
flight recorder), on the ordinary build with the trace off, and with the
trace on, written to a file, as text and as JSON; and, for comparison,
natively with and without strace -f.  Runs interleaved, best of five.
Targets: off within 2% of the build without it; on at most 25% slower than
off.  Never fails on slowness."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import REPO, TESTCASES, note, run  # noqa: E402

ROUNDS = 5


def main():
    bench = os.path.join(TESTCASES, "bench")
    notrace = os.path.join(REPO, "build", "notrace", "linux")
    r = subprocess.run(["make", "--no-print-directory", "-j2", "NOTRACE=1", "build/notrace/linux"], cwd=REPO,
                       capture_output=True, text=True)
    if r.returncode != 0:
        print("note: the NOTRACE=1 build failed:\n" + (r.stdout + r.stderr)[-1500:])
        return 0
    linux = os.path.join(REPO, "linux")
    tmp = tempfile.mkdtemp(prefix="vmcore-bench-trace-")
    guest = ["quiet", "vcpus=1", "init=/testcases/bench", "--", "getppid"]
    configs = [
        ("without the trace (NOTRACE=1)", [notrace] + guest),
        ("trace compiled in, off", [linux] + guest),
        ("trace on, text to a file", [linux, "trace_out=" + os.path.join(tmp, "t.txt")] + guest),
        ("trace on, JSON to a file", [linux, "trace_fmt=json", "trace_out=" + os.path.join(tmp, "t.jsonl")] + guest),
        ("native", ["taskset", "-c", "0", bench, "getppid"]),
    ]
    if shutil.which("strace"):
        configs.append(("native under strace -f (to a file)",
                        ["taskset", "-c", "0", "strace", "-f", "-o", os.path.join(tmp, "s.txt"), bench, "getppid"]))
    best = {}
    try:
        for _ in range(ROUNDS):
            for name, argv in configs:
                figs, res = run(argv)
                note(name, figs, res)
                if "getppid" in figs:
                    best[name] = min(best.get(name, figs["getppid"]), figs["getppid"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print()
    print("the syscall trace's cost: getppid round trip (µs, best of %d)" % ROUNDS)
    for name, _ in configs:
        print("  %-40s %8s" % (name, "%.3f" % best[name] if name in best else "-"))
    off, without = best.get("trace compiled in, off"), best.get("without the trace (NOTRACE=1)")
    if off and without:
        d = 100.0 * (off - without) / without
        print("trace off vs. without it: %+.1f%% (target: within 2%%) %s" % (d, "met" if abs(d) <= 2 else "NOT met"))
    for name in ("trace on, text to a file", "trace on, JSON to a file"):
        if off and name in best:
            d = 100.0 * (best[name] - off) / off
            print("%s vs. off: %+.1f%% (target: at most +25%%) %s" % (name, d, "met" if d <= 25 else "NOT met"))
    nat, st = best.get("native"), best.get("native under strace -f (to a file)")
    if nat and st:
        print("for comparison, strace -f on the host: %.1fx the native call (%+.0f%%)" % (st / nat, 100.0 * (st - nat) / nat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
