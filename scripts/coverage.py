#!/usr/bin/python3
"""Coverage reports of the kernel (make coverage; docs/coverage.md).

  coverage.py report [--gcda-dir DIR] [--out DIR]
      capture the gcov data of a coverage build (build/cov by default) into
      OUT/kernel.info (lcov), an HTML report OUT/html/index.html (genhtml),
      OUT/coverage.xml (Cobertura, gcovr), and print the table per subsystem
  coverage.py table INFO            the table per subsystem of an lcov file
  coverage.py diff A.info B.info    what A covers that B does not
  coverage.py capture DIR OUT.info  an lcov file from gcov data under DIR
                                    (a test's, or a guest's copy of debugfs)
  coverage.py who FUNCTION [--per-test DIR]
                                    the tests that reach FUNCTION (from the
                                    per-test data make coverage leaves)
"""
import argparse
import collections
import os
import re
import shutil
import subprocess
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
OBJ = os.path.join(REPO, "build", "cov")
OUT = os.path.join(REPO, "build", "coverage")
SUBSYSTEMS = ["vmcore/mm", "vmcore/fs", "vmcore/kernel", "vmcore/host", "vmcore/boot", "vmcore/lib",
              "trace", "gdbstub", "coverage"]


def run(argv, **kw):
    r = subprocess.run(argv, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.stderr.write(r.stdout[-2000:] + r.stderr[-2000:])
        raise SystemExit("coverage: %s failed (%d)" % (argv[0], r.returncode))
    return r.stdout


def capture(gcda_dir, out_info):
    """lcov --capture of the .gcda files under gcda_dir (the .gcno files are
    linked in from build/cov where they are missing)."""
    for dirpath, _, files in os.walk(OBJ):
        for f in files:
            if f.endswith(".gcno"):
                rel = os.path.relpath(os.path.join(dirpath, f), OBJ)
                dst = os.path.join(gcda_dir, rel)
                if os.path.abspath(gcda_dir) != os.path.abspath(OBJ) and os.path.exists(dst[:-5] + ".gcda") \
                        and not os.path.exists(dst):
                    os.symlink(os.path.join(dirpath, f), dst)
    run(["lcov", "--quiet", "--capture", "--rc", "lcov_branch_coverage=1", "--directory", gcda_dir,
         "--base-directory", REPO, "--output-file", out_info], cwd=REPO)
    run(["lcov", "--quiet", "--rc", "lcov_branch_coverage=1", "--remove", out_info, "/usr/*",
         "--output-file", out_info], cwd=REPO)


def parse_info(path):
    """{source file: {"lines": {n: hits}, "fns": {name: hits}, "branches": {key: hits}}}"""
    files = {}
    cur = None
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith("SF:"):
            sf = os.path.relpath(line[3:], REPO) if line[3:].startswith("/") else line[3:]
            cur = files.setdefault(sf, {"lines": {}, "fns": {}, "branches": {}, "fnline": {}})
        elif cur is None:
            continue
        elif line.startswith("DA:"):
            n, hits = line[3:].split(",")[:2]
            cur["lines"][int(n)] = cur["lines"].get(int(n), 0) + int(hits)
        elif line.startswith("FN:"):
            n, name = line[3:].split(",", 1)
            cur["fnline"][name] = int(n)
            cur["fns"].setdefault(name, 0)
        elif line.startswith("FNDA:"):
            hits, name = line[5:].split(",", 1)
            cur["fns"][name] = cur["fns"].get(name, 0) + int(hits)
        elif line.startswith("BRDA:"):
            n, block, br, taken = line[5:].split(",")
            key = (int(n), block, br)
            cur["branches"][key] = cur["branches"].get(key, 0) + (0 if taken == "-" else int(taken))
        elif line == "end_of_record":
            cur = None
    return files


def subsystem(path):
    for s in SUBSYSTEMS:
        if path.startswith(s + "/"):
            return s
    return os.path.dirname(path) or "."


def table(files, out=sys.stdout):
    tot = collections.defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    for path, d in files.items():
        t = tot[subsystem(path)]
        t[0] += sum(1 for h in d["lines"].values() if h)
        t[1] += len(d["lines"])
        t[2] += sum(1 for h in d["fns"].values() if h)
        t[3] += len(d["fns"])
        t[4] += sum(1 for h in d["branches"].values() if h)
        t[5] += len(d["branches"])

    def pct(a, b):
        return "%6.1f%%" % (100.0 * a / b) if b else "     - "
    out.write("%-22s %17s %17s %17s\n" % ("subsystem", "lines", "functions", "branches"))
    all_ = [0] * 6
    for s in sorted(tot):
        t = tot[s]
        all_ = [a + b for a, b in zip(all_, t)]
        out.write("%-22s %s %5d/%-5d %s %4d/%-4d %s %5d/%-5d\n" % (
            s, pct(t[0], t[1]), t[0], t[1], pct(t[2], t[3]), t[2], t[3], pct(t[4], t[5]), t[4], t[5]))
    out.write("%-22s %s %5d/%-5d %s %4d/%-4d %s %5d/%-5d\n" % (
        "total", pct(all_[0], all_[1]), all_[0], all_[1], pct(all_[2], all_[3]), all_[2], all_[3],
        pct(all_[4], all_[5]), all_[4], all_[5]))


def diff(a, b, out=sys.stdout):
    """Functions and lines A reaches and B does not."""
    fa, fb = parse_info(a), parse_info(b)
    nf = nl = 0
    for path in sorted(fa):
        da, db = fa[path], fb.get(path, {"lines": {}, "fns": {}})
        fns = [f for f, h in da["fns"].items() if h and not db["fns"].get(f)]
        lines = [n for n, h in sorted(da["lines"].items()) if h and not db["lines"].get(n)]
        if not fns and not lines:
            continue
        out.write("%s:\n" % path)
        for f in sorted(fns):
            out.write("  function %s\n" % f)
        if lines:
            out.write("  lines %s\n" % ranges(lines))
        nf += len(fns)
        nl += len(lines)
    out.write("%d functions and %d lines reached by %s and not by %s\n" % (nf, nl, a, b))


def ranges(ns):
    out, start, prev = [], None, None
    for n in ns:
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            out.append("%d-%d" % (start, prev) if prev != start else str(start))
            start = prev = n
    if start is not None:
        out.append("%d-%d" % (start, prev) if prev != start else str(start))
    return ",".join(out)


def report(gcda_dir, outdir, per_test=None):
    os.makedirs(outdir, exist_ok=True)
    info = os.path.join(outdir, "kernel.info")
    if per_test:
        # each test's data apart: one capture each, added up
        parts = []
        for test in sorted(os.listdir(per_test)):
            d = os.path.join(per_test, test) + OBJ
            if os.path.isdir(d):
                part = os.path.join(per_test, test + ".info")
                capture(d, part)
                parts.append(part)
        if not parts:
            raise SystemExit("coverage: no per-test data in %s" % per_test)
        argv = ["lcov", "--quiet", "--rc", "lcov_branch_coverage=1"]
        for part in parts:
            argv += ["--add-tracefile", part]
        run(argv + ["--output-file", info], cwd=REPO)
    else:
        capture(gcda_dir, info)
    html = os.path.join(outdir, "html")
    shutil.rmtree(html, ignore_errors=True)
    run(["genhtml", "--quiet", "--branch-coverage", "--title", "vmcore", "--prefix", REPO,
         "--output-directory", html, info], cwd=REPO)
    xml = os.path.join(outdir, "coverage.xml")
    if shutil.which("gcovr") and not per_test:
        run(["gcovr", "--root", REPO, "--object-directory", gcda_dir, "--exclude", "/usr/.*",
             "--xml", "--output", xml], cwd=REPO)
    table(parse_info(info))
    print("lcov data: %s\nHTML: %s\nCobertura: %s" % (info, os.path.join(html, "index.html"), xml))


def who(function, per_test):
    """The tests whose data shows FUNCTION run: gcov on the one object file
    that holds it, for each test."""
    info = os.path.join(OUT, "kernel.info")
    src = None
    for path, d in parse_info(info).items():
        if function in d["fns"]:
            src = path
            break
    if not src:
        raise SystemExit("coverage: no function %s in %s" % (function, info))
    obj_rel = os.path.splitext(src)[0]
    found = []
    for test in sorted(os.listdir(per_test)):
        objdir = os.path.join(per_test, test) + os.path.dirname(os.path.join(OBJ, obj_rel))
        gcda = os.path.join(objdir, os.path.basename(obj_rel) + ".gcda")
        if not os.path.exists(gcda):
            continue
        gcno = gcda[:-5] + ".gcno"
        if not os.path.exists(gcno):
            os.symlink(os.path.join(OBJ, obj_rel + ".gcno"), gcno)
        r = subprocess.run(["gcov", "-n", "-f", "-o", objdir, os.path.join(REPO, src)], capture_output=True,
                           text=True, cwd=REPO)
        m = re.search(r"Function '%s'\nLines executed:([0-9.]+)%%" % re.escape(function), r.stdout)
        if m and float(m.group(1)) > 0:
            found.append((test, float(m.group(1))))
    for test, p in found:
        print("%5.1f%%  %s" % (p, test))
    print("%d tests reach %s (%s)" % (len(found), function, src))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("report")
    p.add_argument("--gcda-dir", default=OBJ)
    p.add_argument("--out", default=OUT)
    p.add_argument("--per-test", default=None)
    p = sub.add_parser("table")
    p.add_argument("info")
    p = sub.add_parser("diff")
    p.add_argument("a")
    p.add_argument("b")
    p = sub.add_parser("capture")
    p.add_argument("dir")
    p.add_argument("out")
    p = sub.add_parser("who")
    p.add_argument("function")
    p.add_argument("--per-test", default=os.path.join(OUT, "per-test"))
    a = ap.parse_args()
    if a.cmd == "report":
        report(a.gcda_dir, a.out, a.per_test)
    elif a.cmd == "table":
        table(parse_info(a.info))
    elif a.cmd == "diff":
        diff(a.a, a.b)
    elif a.cmd == "capture":
        capture(a.dir, a.out)
    elif a.cmd == "who":
        who(a.function, a.per_test)


if __name__ == "__main__":
    main()
