"""scripts/vmtest: a list of guest tests, each in a fresh kernel, N at a
time (docs/workflows.md, "Fanning out tests (vmtest)").  The project's own
list (testcases/vmtest.list) runs through it in parallel, locally and
through GNU parallel's local login; JUnit XML is read with a parser; a
resumed run runs only what is unfinished; failures, skips and timeouts
are reported; an interrupted run leaves nothing behind."""
import json
import os
import shlex
import signal
import socket
import subprocess
import time
import xml.etree.ElementTree as ET

import pytest

from conftest import LINUX, REPO, descendants, snapshot, wait_no_leftovers

VMTEST = os.path.join(REPO, "scripts", "vmtest")
LIST = os.path.join(REPO, "testcases", "vmtest.list")
PYTHON = "/usr/bin/python3"


def vmtest(args, timeout=180):
    return subprocess.run([PYTHON, VMTEST] + list(args), capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def list_names(path):
    names = []
    with open(path) as f:
        for line in f:
            words = shlex.split(line, comments=True)
            if words:
                names.append(words[0])
    return names


def junit(path):
    """(the testsuite element, {name: testcase element})"""
    top = ET.parse(path).getroot()
    assert top.tag == "testsuites"
    suites = top.findall("testsuite")
    assert len(suites) == 1
    cases = {tc.get("name"): tc for tc in suites[0].findall("testcase")}
    assert len(cases) == len(suites[0].findall("testcase")), "a name twice"
    return suites[0], cases


def outcome(tc):
    if tc.find("failure") is not None:
        return "failure"
    if tc.find("skipped") is not None:
        return "skipped"
    return "pass"


def results(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


def test_the_project_list_in_parallel(tmp_path):
    """testcases/vmtest.list at -j2: every test passes, the JUnit XML and
    the TAP name each of them once, the results file has a line each, and
    tests ran side by side."""
    names = list_names(LIST)
    assert len(names) >= 30
    xml, res, tap = tmp_path / "j.xml", tmp_path / "r.jsonl", tmp_path / "t.tap"
    r = vmtest(["-j2", "--junit", str(xml), "--results", str(res), "--tap", str(tap), LIST])
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    suite, cases = junit(str(xml))
    assert suite.get("name") == "vmtest"
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == \
        (str(len(names)), "0", "0", "0")
    assert list(cases) == names, "JUnit's testcases in the list's order"
    for name, tc in cases.items():
        assert outcome(tc) == "pass", name
        assert tc.get("classname") == "vmtest.vmtest"
        out = tc.find("system-out").text or ""
        assert out.strip() and not any(l.startswith("FAIL") for l in out.splitlines()), (name, out)
        assert float(tc.get("time")) > 0
    assert "vmcore: init exited with status 0" in cases["mmap"].find("system-err").text
    lines = tap.read_text().splitlines()
    assert lines[:2] == ["TAP version 13", "1..%d" % len(names)]
    oks = [l for l in lines if l.startswith("ok ")]
    assert sorted(l.split(" - ", 1)[1] for l in oks) == sorted(names)
    assert not [l for l in lines if l.startswith("not ok")]
    recs = results(str(res))
    assert sorted(x["name"] for x in recs) == sorted(names)
    assert all(x["result"] == "pass" and x["status"] == 0 for x in recs)
    # two kernels at once: some test started before another had finished
    spans = sorted((x["start"], x["start"] + x["seconds"]) for x in recs)
    assert any(b[0] < a[1] for a, b in zip(spans, spans[1:])), "no two tests overlapped at -j2"
    assert "%d tests: %d passed, 0 failed, 0 timed out, 0 skipped" % (len(names), len(names)) in r.stdout


def test_failures_skips_and_timeouts_are_reported(tmp_path):
    """Exit 0 passes, 77 and 125 skip, anything else fails, a test past its
    timeout is killed and fails; JUnit, TAP on stdout and the exit status
    say so; output that XML cannot carry is escaped."""
    lst = write(tmp_path, "mixed.list",
                "# a list of one of each\n"
                "passes     hello\n"
                "fails      exitwith 3 'failing on purpose'\n"
                "skips      exitwith 77\n"
                "untestable exitwith 125\n"
                "hangs      timeout=2 pause_forever\n"
                "dies       segv\n"
                "control    echoargs \x01\x1b[0m\n")
    xml, roots = tmp_path / "j.xml", tmp_path / "roots"
    roots.mkdir()
    r = vmtest(["-j2", "--junit", str(xml), "--tap", "-", "--tmpdir", str(roots), lst])
    assert r.returncode == 1, r.stdout + r.stderr
    assert list(roots.iterdir()) == []
    suite, cases = junit(str(xml))
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("7", "3", "2")
    assert {n: outcome(tc) for n, tc in cases.items()} == {
        "passes": "pass", "fails": "failure", "skips": "skipped", "untestable": "skipped",
        "hangs": "failure", "dies": "failure", "control": "pass"}
    f = cases["fails"].find("failure")
    assert f.get("type") == "fail" and f.get("message") == "exit status 3"
    assert cases["fails"].find("system-out").text == "failing on purpose\n"
    t = cases["hangs"].find("failure")
    assert t.get("type") == "timeout" and t.get("message") == "timed out after 2s"
    assert "pausing" in cases["hangs"].find("system-out").text
    assert 2 <= float(cases["hangs"].get("time")) < 30
    assert cases["dies"].find("failure").get("message") == "exit status 139 (init killed by signal 11, SIGSEGV)"
    assert cases["skips"].find("skipped").get("message") == "exit status 77"
    assert "argv[1]=\\x01\\x1b[0m" in cases["control"].find("system-out").text
    # TAP alone on stdout, progress on stderr
    lines = r.stdout.splitlines()
    assert lines[:2] == ["TAP version 13", "1..7"]
    status = {l.split(" - ", 1)[1].split(" #")[0]: l for l in lines if l.startswith(("ok ", "not ok "))}
    assert sorted(n for n, l in status.items() if l.startswith("not ok")) == ["dies", "fails", "hangs"]
    assert status["skips"].endswith("# SKIP exit status 77")
    assert "TIMEOUT hangs" in r.stderr and "FAIL    fails" in r.stderr
    assert "1 failed" not in r.stderr and "2 failed, 1 timed out, 2 skipped" in r.stderr


def test_resume_runs_only_the_unfinished(tmp_path):
    """A results file holding part of the list (and a line cut short, as a
    killed run leaves it): --resume runs the rest only, and the JUnit
    report covers the whole list."""
    names = list_names(LIST)
    first = names[:len(names) // 2]
    with open(LIST) as f:
        part = [l for l in f if shlex.split(l, comments=True)[:1] and shlex.split(l, comments=True)[0] in first]
    res = tmp_path / "r.jsonl"
    r = vmtest(["-j2", "--results", str(res), write(tmp_path, "part.list", "".join(part))])
    assert r.returncode == 0, r.stdout + r.stderr
    with open(res, "a") as f:
        f.write('{"name": "%s", "result": "pa' % names[-1])
    xml = tmp_path / "j.xml"
    r = vmtest(["-j2", "--results", str(res), "--resume", "--junit", str(xml), LIST])
    assert r.returncode == 0, r.stdout + r.stderr
    ran = [l.split()[1] for l in r.stdout.splitlines() if l.startswith("PASS")]
    assert sorted(ran) == sorted(names[len(first):])
    assert "%d run in" % (len(names) - len(first)) in r.stdout
    assert "%d from an earlier run" % len(first) in r.stdout
    _, cases = junit(str(xml))
    assert list(cases) == names and all(outcome(tc) == "pass" for tc in cases.values())
    # everything recorded: a third run has nothing to do
    r = vmtest(["--results", str(res), "--resume", LIST])
    assert r.returncode == 0 and "0 run in" in r.stdout, r.stdout + r.stderr


def wait_for(cond, seconds, what):
    end = time.monotonic() + seconds
    while not cond():
        assert time.monotonic() < end, what
        time.sleep(0.05)


@pytest.mark.parametrize("hosts", [None, ":"], ids=["local", "parallel"])
def test_interrupted_run_leaves_nothing_and_resumes(tmp_path, hosts):
    """SIGTERM to vmtest while a kernel runs: the kernel and its stubs are
    gone, finished tests are recorded; the rerun runs only the rest."""
    res = tmp_path / "r.jsonl"
    lst = write(tmp_path, "a.list", "one hello\ntwo mmap\nthree pause_forever\n")
    roots = tmp_path / "roots"
    roots.mkdir()
    before = snapshot()
    opts = ["--hosts", hosts] if hosts else []
    p = subprocess.Popen([PYTHON, VMTEST, "-j3", "--results", str(res), "--tmpdir", str(roots)] + opts + [lst],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: res.exists() and len(res.read_text().splitlines()) == 2, 30, "two results")

        def kernels():
            return [q for q in descendants(p.pid) if os.path.realpath("/proc/%d/exe" % q) ==
                    os.path.realpath(LINUX)]
        wait_for(lambda: kernels(), 30, "the third kernel")
        below = descendants(p.pid)
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()
    assert p.returncode == 130, out + err
    assert "interrupted; 2 tests recorded" in err
    assert not wait_no_leftovers(before, also=below)
    assert list(roots.iterdir()) == [], "the tests' roots are removed"
    assert sorted(x["name"] for x in results(str(res))) == ["one", "two"]
    lst = write(tmp_path, "a.list", "one hello\ntwo mmap\nthree exitwith 0\n")
    r = vmtest(["--results", str(res), "--resume"] + opts + [lst])
    assert r.returncode == 0, r.stdout + r.stderr
    assert [l.split()[1] for l in r.stdout.splitlines() if l.startswith("PASS")] == ["three"]


def test_hosts_local_login(tmp_path):
    """--hosts : (GNU parallel's local login): a third of the project's
    list (each job starts a Python of its own: the whole list would double
    this file's time) through parallel --sshlogin, two jobs at a time,
    each test's result from the host that ran it."""
    with open(LIST) as f:
        lines = [l for l in f if shlex.split(l, comments=True)]
    lst = write(tmp_path, "third.list", "".join(lines[::3]))
    names = list_names(lst)
    xml, res = tmp_path / "j.xml", tmp_path / "r.jsonl"
    r = vmtest(["--hosts", ":", "-j2", "--junit", str(xml), "--results", str(res), lst])
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    suite, cases = junit(str(xml))
    assert list(cases) == names and suite.get("failures") == "0"
    assert all(outcome(tc) == "pass" and (tc.find("system-out").text or "").strip() for tc in cases.values())
    recs = results(str(res))
    assert sorted(x["name"] for x in recs) == sorted(names)
    assert {x["host"] for x in recs} == {socket.gethostname()}
    spans = sorted((x["start"], x["start"] + x["seconds"]) for x in recs)
    assert any(b[0] < a[1] for a, b in zip(spans, spans[1:])), "no two jobs overlapped at -j2"


FAKE_SSH = """#!/bin/sh
# ssh HOST [--] COMMAND...: the host logged, COMMAND run here by a shell,
# as sshd would run it on HOST
host=$1; shift
[ "$1" = "--" ] && shift
echo "$host" >> %s
exec sh -c "$*"
"""


def test_hosts_over_ssh_logins(tmp_path):
    """--hosts with ssh logins: GNU parallel's own remote path (its ssh
    command line, its perl wrapper, the quoting), through a stand-in for
    ssh (parallel's PARALLEL_SSH) that runs the command here; the checkout
    "there" is at another path (--remote-repo, a symlink)."""
    log = tmp_path / "hosts.log"
    ssh = tmp_path / "ssh"
    ssh.write_text(FAKE_SSH % log)
    ssh.chmod(0o755)
    there = tmp_path / "checkout"
    there.symlink_to(REPO)
    lst = write(tmp_path, "s.list", "".join("t%d exitwith 0 'from afar %d'\n" % (i, i) for i in range(6)) +
                "skips exitwith 77\n")
    res = tmp_path / "r.jsonl"
    r = subprocess.run([PYTHON, VMTEST, "--hosts", "2/alpha,2/beta", "--remote-repo", str(there),
                        "--results", str(res), lst], capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, PARALLEL_SSH=str(ssh)))
    assert r.returncode == 0, r.stdout + r.stderr
    recs = {x["name"]: x for x in results(str(res))}
    assert sorted(recs) == sorted(["t%d" % i for i in range(6)] + ["skips"])
    assert recs["skips"]["result"] == "skip"
    for i in range(6):
        assert recs["t%d" % i]["result"] == "pass" and recs["t%d" % i]["output"] == "from afar %d\n" % i
        assert recs["t%d" % i]["cmdline"].startswith(os.path.join(str(there), "linux") + " quiet ")
    logins = log.read_text().split()
    assert sorted(set(logins)) == ["alpha", "beta"] and len(logins) >= 7


def test_unreachable_host_fails_its_tests_unrecorded(tmp_path):
    """A host that cannot be reached: its tests fail with what GNU parallel
    and ssh said, and stay out of the results file (a --resume runs them)."""
    res, xml = tmp_path / "r.jsonl", tmp_path / "j.xml"
    lst = write(tmp_path, "one.list", "one hello\n")
    r = vmtest(["--hosts", "nosuchhost.invalid", "--results", str(res), "--junit", str(xml), lst])
    assert r.returncode == 1, r.stdout + r.stderr
    _, cases = junit(str(xml))
    f = cases["one"].find("failure")
    assert f is not None and f.get("message").startswith("no result from GNU parallel"), f.attrib
    assert "nosuchhost.invalid" in r.stderr and "Traceback" not in r.stderr
    assert res.read_text() == ""


def test_coverage_of_the_whole_run(tmp_path):
    """--coverage: the kernels of every test (build/cov/linux) add up in one
    report, made by scripts/coverage.py: functions only one test reaches
    are there for each."""
    b = subprocess.run(["make", "--no-print-directory", "-j2", "COVERAGE=1", "build/cov/linux"], cwd=REPO,
                       capture_output=True, text=True, timeout=900)
    assert b.returncode == 0, b.stdout[-3000:] + b.stderr[-3000:]
    out = tmp_path / "cov"
    lst = write(tmp_path, "c.list", "pidfd pidfd\nmmap mmap\n")
    r = vmtest(["-j2", "--coverage", "--coverage-dir", str(out), lst])
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    fns = {}
    with open(out / "kernel.info") as f:
        for line in f:
            if line.startswith("FNDA:"):
                hits, fn = line[5:].strip().split(",", 1)
                fns[fn] = fns.get(fn, 0) + int(hits)
    assert fns.get("sys_pidfd_open", 0) > 0 and fns.get("sys_mremap", 0) > 0
    assert (out / "html" / "index.html").exists()
    ET.parse(str(out / "coverage.xml"))
    assert "vmcore/mm" in r.stdout and "total" in r.stdout


@pytest.mark.parametrize("text, message", [
    ("ok hello\nbroken 'unclosed\n", ":2: No closing quotation"),
    ("lonely\n", ":1: test lonely has no command"),
    ("a hello\na mmap\n", ":2: test a is already on line 1"),
    ("t timeout=soon hello\n", ":1: timeout=soon: a number of seconds is needed"),
    ("t/x hello\n", ":1: bad test name 't/x'"),
    ("t init=/x hello\n", ":1: init= is vmtest's to set"),
    ("t no_such_program\n", ":1: no program no_such_program in"),
    ("t files=nope hello\n", ":1: no file nope in"),
    ("t root=no/such/dir hello\n", ":1: root=%s: no such directory"),
    ("# nothing\n\n", "has no tests"),
], ids=["quote", "no-command", "twice", "timeout", "name", "init", "program", "files", "root", "empty"])
def test_bad_lists(tmp_path, text, message):
    lst = write(tmp_path, "bad.list", text)
    r = vmtest([lst])
    assert r.returncode == 2, r.stdout + r.stderr
    if "%s" in message:
        message = message % os.path.join(str(tmp_path), "no/such/dir")
    assert message in r.stderr and r.stderr.startswith("vmtest: "), r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_dry_run_prints_the_command_lines(tmp_path):
    lst = write(tmp_path, "d.list", "small mem=32M flags=ro,norandmaps FOO=bar args 'a b' c\n"
                                   "mine root=. timeout=5 d.list\n")
    r = vmtest(["-n", lst])
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "small: %s quiet mem=32M ro norandmaps FOO=bar root=FRESH-ROOT rootfstype=hostfs init=/args -- "
        "'a b' c" % LINUX,
        "mine: %s quiet root=%s rootfstype=hostfs init=/d.list" % (LINUX, tmp_path)]


def test_bad_files_and_options(tmp_path):
    lst = write(tmp_path, "ok.list", "t hello\n")
    (tmp_path / "bin.list").write_bytes(b"t hello \xff\xfe\n")
    for args, message in [
            ([str(tmp_path / "missing.list")], "cannot read the list %s: No such file or directory"
             % (tmp_path / "missing.list")),
            ([str(tmp_path)], "cannot read the list %s: Is a directory" % tmp_path),
            ([str(tmp_path / "bin.list")], "cannot read the list"),
            (["--resume", lst], "--resume needs --results FILE"),
            (["--linux", str(tmp_path / "nolinux"), lst], "no kernel %s" % (tmp_path / "nolinux")),
            (["-j0", lst], "-j needs at least 1"),
            (["--timeout", "0", lst], "--timeout needs a number of seconds"),
            (["--junit", str(tmp_path / "no" / "j.xml"), lst], "cannot write the JUnit file"),
            (["--results", str(tmp_path), lst], "cannot write the results"),
            (["--coverage", "--hosts", "other.example", lst], "--hosts : only")]:
        r = vmtest(args)
        assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr, (args, r.stderr)
