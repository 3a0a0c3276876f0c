#!/usr/bin/python3
"""make bench, the instrumented builds: the guest micro-benchmarks
(testcases/bench) on the ordinary kernel and on the coverage (gcov), KCOV
and profile builds, each built beside ./linux (build/FLAVOUR/linux); the
slowdown of each against the ordinary one.  Target: the coverage build's
getppid round trip at most 2x.  Never fails on slowness."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import REPO, note, run  # noqa: E402

FLAVORS = [("COVERAGE", "cov", "gcov"), ("KCOV", "kcov", "KCOV"), ("PROFILE", "prof", "gprof -pg")]
NAMES = ("getppid", "touch", "mmap", "clock_gettime", "fork_exit_wait", "fork_exec_wait", "pipe_pingpong")


def guest(linux):
    best = {}
    for _ in range(3):
        # in a directory of its own: the profile build leaves gmon.out there
        with tempfile.TemporaryDirectory() as d:
            figs, res = run([linux, "quiet", "vcpus=1", "init=/testcases/bench", "--", "all"], cwd=d)
            note(os.path.relpath(linux, REPO), figs, res)
        for k, v in figs.items():
            best[k] = min(best.get(k, v), v)
    return best


def main():
    base = guest(os.path.join(REPO, "linux"))
    cols = [("ordinary", base)]
    for var, flavor, label in FLAVORS:
        r = subprocess.run(["make", "--no-print-directory", "-j2", var + "=1", "build/%s/linux" % flavor],
                           cwd=REPO, capture_output=True, text=True)
        if r.returncode != 0:
            print("note: the %s build failed:\n%s" % (label, (r.stdout + r.stderr)[-1500:]))
            continue
        cols.append((label, guest(os.path.join(REPO, "build", flavor, "linux"))))
    print()
    print("instrumented builds (µs, best of 3; ratio to the ordinary kernel)")
    print("%-15s" % "benchmark" + "".join("%18s" % c[0] for c in cols))
    for n in NAMES:
        if n not in base:
            continue
        line = "%-15s%12.3f      " % (n, base[n])
        for _, figs in cols[1:]:
            v = figs.get(n)
            line += "%10.3f %5.2fx " % (v, v / base[n]) if v else "%18s" % "-"
        print(line)
    cov = dict(cols).get("gcov", {})
    if "getppid" in cov and "getppid" in base:
        r = cov["getppid"] / base["getppid"]
        print("getppid in the coverage build: %.2fx the ordinary kernel (target: at most 2x) %s"
              % (r, "met" if r <= 2 else "NOT met"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
