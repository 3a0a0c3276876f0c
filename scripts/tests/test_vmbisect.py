"""scripts/vmbisect (docs/workflows.md, "Bisecting a regression"): a
throwaway clone of the project with harmless commits, one that breaks the
build, one that mends it, and a regression of umask(2) a few commits deep;
vmbisect finds the regression, skips the commit that does not build, names
the first differing system call, and leaves the repository as it was."""
import importlib.machinery
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import time

import pytest

from conftest import REPO

VMBISECT = os.path.join(REPO, "scripts", "vmbisect")

# A testcase of the regression: on failure it also asks for the kernel's
# name (uname), a call the good run never makes, for the coverage report.
PROBE = r"""/* umask(2) returns the mask that was set before */
#include <stdio.h>
#include <sys/stat.h>
#include <sys/utsname.h>
int main(void)
{
	struct utsname u;
	mode_t m;

	umask(027);
	m = umask(0);
	if (m != 027) {
		uname(&u);
		printf("FAIL umask returned %03o, not 027 (%s %s)\n", (unsigned)m, u.sysname, u.release);
		return 1;
	}
	printf("ok umask\n");
	return 0;
}
"""

HOST_CHECK = """#!/bin/sh
# the umask the guest's busybox sh sees; $1 is the commit's ./linux
[ "$1" = "$VMCORE_LINUX" ] || { echo "argument and VMCORE_LINUX differ"; exit 2; }
out=$("$1" quiet init=/bin/sh -- -c 'umask 027; umask') || exit 3
[ "$out" = 0027 ]
"""


def git(repo, *args):
    return subprocess.run(["git", "-C", str(repo)] + list(args), check=True, capture_output=True,
                          text=True).stdout.strip()


def state(repo):
    """What vmbisect must leave as it was: HEAD and its branch, the index
    and working tree, every ref, and no bisection files."""
    gitdir = git(repo, "rev-parse", "--absolute-git-dir")
    return {"branch": git(repo, "symbolic-ref", "-q", "HEAD"), "head": git(repo, "rev-parse", "HEAD"),
            "status": git(repo, "status", "--porcelain"), "refs": git(repo, "for-each-ref"),
            "bisect": sorted(f for f in os.listdir(gitdir) if f.startswith("BISECT"))}


class Work:
    pass


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    """The clone, its commits (w.commits[name] = id), the probe's root, the cache."""
    if subprocess.run(["git", "-C", REPO, "rev-parse", "--verify", "-q", "HEAD"], capture_output=True).returncode:
        pytest.skip("the project is not a git checkout: nothing to clone and bisect")
    w = Work()
    top = tmp_path_factory.mktemp("vmbisect")
    w.repo, w.cache, w.root = str(top / "repo"), str(top / "cache"), str(top / "root")
    subprocess.run(["git", "clone", "--quiet", REPO, w.repo], check=True, capture_output=True)
    git(w.repo, "config", "user.name", "Bisect Test")
    git(w.repo, "config", "user.email", "bisect@example.org")
    git(w.repo, "config", "commit.gpgsign", "false")
    w.commits = {"base": git(w.repo, "rev-parse", "HEAD")}

    def change(name, path, edit):
        full = os.path.join(w.repo, path)
        with open(full) as f:
            text = f.read()
        with open(full, "w") as f:
            f.write(edit(text))
        git(w.repo, "commit", "-q", "-am", name)
        w.commits[name] = git(w.repo, "rev-parse", "HEAD")

    def sub(old, new):
        def edit(text):
            assert old in text, old
            return text.replace(old, new, 1)
        return edit
    with open(os.path.join(w.repo, "testcases", "umask_probe.c"), "w") as f:
        f.write(PROBE)
    git(w.repo, "add", "testcases/umask_probe.c")
    change("a testcase of umask, and a note", "docs/running.md", lambda t: t + "\nA note.\n")
    change("uts: a comment", "vmcore/kernel/uts.c", lambda t: t + "/* the machine's names */\n")
    change("docs: another note", "docs/running.md", lambda t: t + "Another note.\n")
    change("break the build", "vmcore/lib/core.c", lambda t: t + "int vmbisect_broken(void) { return nothing; }\n")
    change("mend the build", "vmcore/lib/core.c", sub("int vmbisect_broken(void) { return nothing; }\n", ""))
    change("umask drops the others' bits", "vmcore/fs/syscalls.c",
           sub("t->fs->umask = a->a[0] & 0777;", "t->fs->umask = a->a[0] & 0770;"))
    change("docs: a third note", "docs/running.md", lambda t: t + "A third note.\n")
    change("docs: a fourth note", "docs/running.md", lambda t: t + "A fourth note.\n")
    os.makedirs(w.root)
    with open(os.path.join(w.root, "probe.c"), "w") as f:
        f.write(PROBE)
    subprocess.run(["gcc", "-static", "-O2", "-Wall", "-Werror", "-o", os.path.join(w.root, "probe"),
                    os.path.join(w.root, "probe.c")], check=True)
    w.probe = os.path.join(w.root, "probe")
    w.host_check = os.path.join(str(top), "check.sh")
    with open(w.host_check, "w") as f:
        f.write(HOST_CHECK)
    os.chmod(w.host_check, 0o755)
    yield w
    # the cache is a few hundred MB a commit: never kept
    subprocess.run([VMBISECT, "--cache", w.cache, "--clean"], cwd=w.repo, capture_output=True)
    shutil.rmtree(str(top), ignore_errors=True)


def vmbisect(w, *args, cwd=None, timeout=600):
    """vmbisect on the clone, seeded from the project's own build; on a
    timeout, it and everything it started are killed."""
    p = subprocess.Popen([VMBISECT, "--cache", w.cache, "--seed", REPO, "-j2"] + list(args), cwd=cwd or w.repo,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        raise AssertionError("vmbisect %s timed out:\n%s\n%s" % (" ".join(args), out[-4000:], err[-2000:]))
    print(out[-6000:], err[-3000:])
    return subprocess.CompletedProcess(p.args, p.returncode, out, err)


def short(w, name):
    return git(w.repo, "log", "-1", "--format=%h %s", w.commits[name])


def steps(out):
    """{short id: the step's line} of vmbisect's output."""
    return {m.group(1): m.group(0) for m in re.finditer(r"^vmbisect: ([0-9a-f]{7,}) .*  (good|bad|skip) .*$",
                                                        out, re.M)}


def octal(s):
    return int(s, 8) if s.startswith("0") else int(s)


def assert_found(w, r):
    assert r.returncode == 0, r.stderr
    assert r.stdout.rstrip().splitlines()[-1] == "first bad commit: " + short(w, "umask drops the others' bits")
    assert "Traceback" not in r.stdout + r.stderr


def assert_umask_diverges(r):
    """The report's first difference is a umask call whose result lost the
    others' bits in the bad run (027 there is 020)."""
    assert "first differing system call: umask" in r.stdout, r.stdout
    good = re.search(r"^  good: umask\((\w+)\) = (\S+)$", r.stdout, re.M)
    bad = re.search(r"^  bad:  umask\((\w+)\) = (\S+)$", r.stdout, re.M)
    assert good and bad and good.group(1) == bad.group(1), r.stdout
    g, b = octal(good.group(2)), octal(bad.group(2))
    assert g != b and b == g & 0o770, (g, b)


def test_bisect_finds_the_regression(work):
    before = state(work.repo)
    r = vmbisect(work, work.commits["base"], "HEAD", "--", work.probe)
    assert_found(work, r)
    assert state(work.repo) == before
    # the commit that does not build was tested, and skipped
    broken = short(work, "break the build")
    assert "vmbisect: skipped %s: does not build" % broken in r.stdout
    assert re.search(r"skip \(does not build\)", steps(r.stdout)[broken.split()[0]])
    assert "vmbisect: last good commit: " + short(work, "mend the build") in r.stdout
    assert_umask_diverges(r)
    # every build was seeded, from the project's tree or a neighbour, and
    # compiled only what the commits changed (a C file or two, the new
    # testcase twice: static and static-pie), not the hundreds of a whole
    # build; a seed from a project tree with uncommitted changes adds those
    built = re.findall(r"built in [0-9.]+ s, seeded from (\S+) \(\d+ files\), (\d+) compiled", r.stdout)
    assert built and all(int(n) <= (5 if seed != "main" else 30) for seed, n in built), built
    # the worktrees of the cache are the repository's, and nothing else changed
    trees = [line.split()[1] for line in git(work.repo, "worktree", "list", "--porcelain").splitlines()
             if line.startswith("worktree ") and not line.endswith(work.repo)]
    assert trees and all(t.startswith(work.cache + "/") for t in trees)


@pytest.mark.parametrize("kind", ["sh", "host", "name"])
def test_rerun_is_cached(work, kind):
    """The same range again with the other kinds of check: no build at all.
    "name": the testcase as each commit builds it (its build/testcases)."""
    if kind == "sh":
        args = ["--sh", 'umask 027; [ "$(umask)" = 0027 ]', work.commits["base"], "HEAD"]
    elif kind == "host":
        args = ["--host", work.commits["base"], "HEAD", "--", work.host_check]
    else:
        args = [work.commits["base"], "HEAD", "--", "umask_probe"]
    before = state(work.repo)
    r = vmbisect(work, *args)
    assert_found(work, r)
    assert state(work.repo) == before
    lines = steps(r.stdout)
    assert lines and all("build: cached" in line for line in lines.values()), lines
    assert "skip (does not build)  build: cached, does not build" in lines[short(work, "break the build")[:7]]
    assert_umask_diverges(r)


def test_coverage_report(work):
    r = vmbisect(work, "--coverage", work.commits["mend the build"], work.commits["umask drops the others' bits"],
                 "--", work.probe)
    assert_found(work, r)
    assert_umask_diverges(r)
    assert re.search(r"^vmbisect: COVERAGE=1 build of \w+: (built|cached)", r.stdout, re.M)
    section = r.stdout.split("kernel functions whose gcov counts differ", 1)[1]
    counts = {m.group(1): (int(m.group(3)), int(m.group(4))) for m in
              re.finditer(r"^  (\w+) +(\S+) +(\d+) -> (\d+)$", section, re.M)}
    assert counts.get("sys_uname") == (0, 1), section
    assert "sys_umask" not in counts        # called twice in both runs


def test_timeouts(work):
    """A check that times out is bad, or with --timeout-skip skipped."""
    rng = [work.commits["docs: another note"], work.commits["umask drops the others' bits"]]
    mend = short(work, "mend the build")[:7]
    r = vmbisect(work, "--timeout", "1", "--timeout-skip", "--no-report", "--sh", "sleep 30", *rng)
    assert r.returncode == 1 and "Traceback" not in r.stdout + r.stderr
    assert "skip (timed out after 1.0s)" in steps(r.stdout)[mend]
    assert "could not be told apart" in r.stdout
    r = vmbisect(work, "--timeout", "1", "--no-report", "--sh", "sleep 30", *rng)
    assert r.returncode == 1 and "Traceback" not in r.stdout + r.stderr
    assert "bad  (timed out after 1.0s)" in steps(r.stdout)[mend]
    # BAD alone after GOOD: it is the first bad commit, nothing is run
    r = vmbisect(work, "--no-report", "--sh", "false", work.commits["mend the build"],
                 work.commits["umask drops the others' bits"])
    assert_found(work, r)
    assert not steps(r.stdout)


@pytest.mark.parametrize("how", ["ctrl-c", "kill"])
def test_interrupted(work, how):
    """Ctrl-C (SIGINT to the terminal's process group) or kill (SIGTERM to
    vmbisect alone) in the middle of a check: the guest, the step and the
    bisection end, and the repository is as it was."""
    before = state(work.repo)
    marker = "check started %d %s" % (os.getpid(), how)
    mend = work.commits["mend the build"]
    log = os.path.join(work.cache, mend, ".vmbisect", "check.log")
    p = subprocess.Popen([VMBISECT, "--cache", work.cache, "--seed", REPO, "-j2", "--sh",
                          "echo %s; sleep 60" % marker, work.commits["docs: another note"],
                          work.commits["umask drops the others' bits"]],
                         cwd=work.repo, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not (os.path.exists(log) and marker in open(log, errors="replace").read()):
            assert p.poll() is None and time.monotonic() < deadline, p.communicate()[0]
            time.sleep(0.05)
        if how == "ctrl-c":
            os.killpg(p.pid, signal.SIGINT)
        else:
            os.kill(p.pid, signal.SIGTERM)
        out = p.communicate(timeout=60)[0]
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    print(out)
    assert p.returncode == 130 and "vmbisect: interrupted" in out
    assert state(work.repo) == before


def test_bad_input(work, tmp_path):
    c, b = work.commits, work.commits["base"]
    cases = [
        ([b, "HEAD"], "no check"),
        ([b, "HEAD", "--"], "no check"),
        (["no-such-commit", "HEAD", "--", work.probe], "no-such-commit is not a commit"),
        ([b, "0123456789abcdef0123", "--", work.probe], "is not a commit"),
        (["HEAD", b, "--", work.probe], "is not an ancestor of BAD"),
        ([c["mend the build"], c["docs: another note"], "--", work.probe], "is not an ancestor of BAD"),
        (["HEAD", "HEAD", "--", work.probe], "the same commit"),
        ([b, "HEAD", "--", "no/such/prog"], "no/such/prog is no host file"),
        (["--host", b, "HEAD", "--", "no-such-command"], "no command no-such-command"),
        (["--sh", "true", b, "HEAD", "--", work.probe], "--sh takes the check itself"),
        (["--root", str(tmp_path), b, "HEAD", "--", "probe"], "no program probe in"),
    ]
    before = state(work.repo)
    for args, msg in cases:
        r = vmbisect(work, *args)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert "vmbisect: " in r.stderr and msg in r.stderr, (args, r.stderr)
        assert "Traceback" not in r.stdout + r.stderr
        assert state(work.repo) == before, args
    # not a repository
    r = vmbisect(work, b, "HEAD", "--", work.probe, cwd=str(tmp_path))
    assert r.returncode == 2 and "is not in a git repository" in r.stderr and "Traceback" not in r.stderr
    # a bisection of the user's own is left alone
    git(work.repo, "bisect", "start", "--no-checkout", "HEAD", b)
    try:
        mine = state(work.repo)
        r = vmbisect(work, b, "HEAD", "--", work.probe)
        assert r.returncode == 2 and "already being bisected" in r.stderr
        assert state(work.repo) == mine
    finally:
        git(work.repo, "bisect", "reset")
    assert state(work.repo) == before


def load_vmbisect():
    loader = importlib.machinery.SourceFileLoader("vmbisect", VMBISECT)
    spec = importlib.util.spec_from_loader("vmbisect", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def test_verdicts():
    """git bisect run's codes for a check's status."""
    v = load_vmbisect().verdict
    assert [v(rc, False, False) for rc in (0, 1, 2, 124, 125, 126, 127, 128 + 9, 128 + 11, 255)] == \
        [0, 1, 2, 124, 125, 126, 127, 1, 1, 1]
    assert v(None, True, False) == 1 and v(None, True, True) == 125


def test_divergence_normalises(tmp_path):
    """Two runs of the same program that differ only in pids, addresses,
    times and scheduling do not diverge; a different result does."""
    mod = load_vmbisect()

    def sc(pid, name, args, result, t, ret=0):
        return {"type": "syscall", "pid": pid, "tid": pid, "comm": "p", "name": name, "nr": 0, "args": args,
                "raw": [], "ret": ret, "errno": None, "result": result, "t_entry": t, "t_exit": t + 1,
                "dur_us": 0.001}

    def run(child, addr, sec, restarted, umask_result):
        recs = [sc(1, "mmap", ["NULL", "4096"], addr, 10, ret=int(addr, 16)),
                sc(1, "clock_gettime", ["CLOCK_REALTIME", "{tv_sec=%d, tv_nsec=%d}" % (sec, sec * 7)], "0", 11),
                sc(1, "clone", ["flags=SIGCHLD"], str(child), 12, ret=child),
                sc(child, "getpid", [], str(child), 13, ret=child),
                sc(child, "umask", ["0"], umask_result, 14),
                {"type": "exit", "pid": child, "tid": child, "status": 0, "signal": None, "t": 15}]
        if restarted:
            recs.append(dict(sc(1, "wait4", ["-1", addr], "? ERESTARTSYS (To be restarted)", 16, ret=-512),
                             errno="E512"))
            recs.append({"type": "signal", "pid": 1, "tid": 1, "signal": "SIGCHLD", "t": 17,
                         "siginfo": "{si_pid=%d, si_utime=%d}" % (child, sec)})
        recs.append(sc(1, "wait4", [str(child), addr], str(child), 18, ret=child))
        return recs

    def write(name, recs):
        p = tmp_path / name
        p.write_text("".join(json.dumps(r) + "\n" for r in recs))
        return str(p)
    a = write("a", run(2, "0x7f0011112000", 1000, False, "18"))
    b = write("b", run(5, "0x7f00aaaab000", 2000, True, "18"))
    c = write("c", run(3, "0x7f00aaaab000", 2000, True, "16"))
    assert mod.divergence(a, b) is None
    d = mod.divergence(a, c)
    assert d and d["name"] == "umask" and d["task"] == "1.1" and d["index"] == 1
    assert (d["good"], d["bad"]) == ("umask(0) = 18", "umask(0) = 16")


def test_clean(work):
    """--clean removes the cache's worktrees, from the disk and from the
    repository's list."""
    # at least the commit that does not build is in the cache (cheap)
    vmbisect(work, "--no-report", "--sh", "true", work.commits["docs: another note"], work.commits["mend the build"])
    assert [d for d in os.listdir(work.cache) if re.fullmatch(r"[0-9a-f]{40}", d)]
    r = vmbisect(work, "--clean")
    assert r.returncode == 0 and re.search(r"removed \d+ worktrees", r.stdout)
    assert not [d for d in os.listdir(work.cache) if re.fullmatch(r"[0-9a-f]{40}", d)]
    assert git(work.repo, "worktree", "list", "--porcelain").count("worktree ") == 1
