"""The command line, boot messages, exit statuses, bad init programs,
initramfs images, reboot, and the kernel log."""
import os
import subprocess

from conftest import LINUX, TESTCASES, run_guest, run_linux


def test_help_and_version():
    h = subprocess.run([LINUX, "--help"], capture_output=True, text=True, timeout=10)
    assert h.returncode == 0
    for opt in ("mem=", "init=", "root=", "rootfstype=", "initrd=", "vcpus=", "quiet", "loglevel=",
                "strace", "--"):
        assert opt in h.stdout, opt
    v = subprocess.run([LINUX, "--version"], capture_output=True, text=True, timeout=10)
    assert v.returncode == 0 and "vmcore" in v.stdout and "Linux" in v.stdout


def test_boot_messages_to_console():
    r = run_linux(["root=" + TESTCASES, "rootfstype=hostfs", "init=/hello"])
    assert r.rc == 0 and r.out == "hello, world\n"
    for msg in ("Linux version", "Command line: root=", "Memory:", "vcpus:"):
        assert msg in r.err, (msg, r.err)
    assert "init exited with status 0" in r.err
    q = run_guest("hello")
    assert "Linux version" not in q.err, "quiet must keep boot messages off the console"
    assert q.err.count("\n") == 1 and "init exited with status 0" in q.err, q.err


def test_exit_status_line():
    r = run_guest("exit42")
    assert r.rc == 42
    assert [l for l in r.err.splitlines() if "init exited" in l] == [
        l for l in r.err.splitlines() if "exited with status 42" in l] != []


def test_corrupt_elf_as_init(tmp_path):
    good = open(os.path.join(TESTCASES, "hello"), "rb").read()
    cases = {
        "truncated": good[:40],
        "badphoff": good[:32] + b"\xff" * 8 + good[40:],
        "random": b"\x7fELF" + os.urandom(3000),
        "empty": b"",
        "text": b"just some text\n",
        "badmachine": good[:18] + b"\x03\x00" + good[20:],
    }
    for name, data in cases.items():
        p = tmp_path / name
        p.write_bytes(data)
        p.chmod(0o755)
    (tmp_path / "noexec").write_bytes(good)
    (tmp_path / "noexec").chmod(0o644)
    for name in list(cases) + ["noexec", "missing"]:
        r = run_linux(["quiet", "root=%s" % tmp_path, "rootfstype=hostfs", "init=/" + name], timeout=10)
        assert r.rc != 0, (name, r)
        lines = [l for l in r.err.splitlines() if "Requested init /%s failed" % name in l]
        assert len(lines) == 1, (name, r.err)
        assert r.seconds < 5


def test_vcpus_and_mem_options():
    r = run_linux(["vcpus=1", "mem=64M", "root=" + TESTCASES, "rootfstype=hostfs", "init=/hello"])
    assert r.rc == 0 and "vcpus: 1" in r.err and "65536K" in r.err, r.err
    bad = run_linux(["mem=banana", "init=/hello"])
    assert bad.rc != 0 and "mem=" in bad.err


def test_missing_root_directory():
    r = run_linux(["quiet", "root=/nonexistent/dir", "rootfstype=hostfs"], timeout=10)
    assert r.rc != 0 and "Unable to mount root" in r.err


def test_builtin_initramfs_shell_on_a_pipe():
    # the shell's exit halts the machine (busybox init, then poweroff)
    p = subprocess.run([LINUX, "quiet"], input=b"echo hi; ls /bin | wc -l; exit 5\n",
                       capture_output=True, timeout=30)
    out = p.stdout.decode()
    assert p.returncode == 0, (out, p.stderr)
    assert "hi\n" in out
    assert int(out.strip().splitlines()[-1]) > 50  # busybox's applet links


def test_initrd_option(tmp_path):
    # a tiny newc archive holding one static program as /init
    import stat
    data = open(os.path.join(TESTCASES, "exit42"), "rb").read()

    def entry(name, mode, body, ino):
        nb = name.encode() + b"\0"
        hdr = b"070701" + b"".join(b"%08X" % v for v in (ino, mode, 0, 0, 1, 0, len(body), 0, 0,
                                                         0, 0, len(nb), 0))
        out = hdr + nb
        out += b"\0" * (-len(out) % 4) + body
        return out + b"\0" * (-len(out) % 4)

    arc = entry("init", stat.S_IFREG | 0o755, data, 1) + entry("TRAILER!!!", 0, b"", 0)
    (tmp_path / "ok.cpio").write_bytes(arc)
    r = run_linux(["quiet", "initrd=%s" % (tmp_path / "ok.cpio")])
    assert r.rc == 42, r
    (tmp_path / "bad.cpio").write_bytes(b"070701" + b"zz" * 60)
    r = run_linux(["quiet", "initrd=%s" % (tmp_path / "bad.cpio")], timeout=10)
    assert r.rc != 0 and "corrupt cpio" in r.err, r
    r = run_linux(["quiet", "initrd=/nonexistent.cpio"], timeout=10)
    assert r.rc != 0 and "initrd" in r.err


def test_kernel_log_via_dmesg():
    r = run_linux(["quiet", "init=/bin/dmesg"])
    assert r.rc == 0
    assert "Linux version" in r.out and "Command line: quiet init=/bin/dmesg" in r.out, r.out


def test_poweroff_and_halt_exit_zero():
    r = run_guest("poweroff")
    assert r.rc == 0 and r.out == "powering off\n", r
    assert run_guest("poweroff", ["halt"]).rc == 0


def test_restart_boots_again_in_the_same_process(tmproot):
    r = run_guest("restart", ["/"], root=tmproot)
    assert r.rc == 0, r
    lines = r.out.splitlines()
    assert [l.split()[1] for l in lines] == ["1", "2", "3"], r.out
    assert open(os.path.join(tmproot, "boots")).read() == "3"


def test_strace_switch():
    r = run_linux(["quiet", "strace", "root=" + TESTCASES, "rootfstype=hostfs", "init=/hello"])
    assert r.rc == 0
    assert 'write(1, "hello, world\\n", 13)' in r.err and "= 13" in r.err, r.err
    assert "exit_group(0)" in r.err and "+++ exited with 0 +++" in r.err
