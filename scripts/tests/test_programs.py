"""Static programs from testcases/, run in the guest and natively: the
outputs and exit statuses must match."""
import os

import pytest

from conftest import TESTCASES, assert_same, run_guest, run_native

VARIANTS = ["", "-pie"]


def compare(prog, args=(), root=None, guest_args=None):
    kw = {"root": root} if root else {}
    g = run_guest(prog, guest_args if guest_args is not None else args, **kw)
    n = run_native(prog, args, **kw)
    assert_same(g, n, prog)
    return g


@pytest.mark.parametrize("v", VARIANTS)
def test_hello(v):
    g = compare("hello" + v)
    assert g.out == "hello, world\n" and g.rc == 0


@pytest.mark.parametrize("v", VARIANTS)
def test_args_env_auxv(v):
    g = compare("args" + v, ["one", "two words", ""])
    assert "FAIL" not in g.out and g.rc == 0
    assert "argv[2]=two words" in g.out


def test_env_from_command_line():
    g = run_guest("args", ["x"], extra=["FOO=bar", "word"])
    assert "env FOO=bar" in g.out, g
    assert "env HOME=/" in g.out and "env TERM=linux" in g.out
    assert "argv[1]=word" in g.out and "argv[2]=x" in g.out


@pytest.mark.parametrize("v", VARIANTS)
def test_malloc_64m(v):
    g = compare("malloc64" + v)
    assert "touched 16384 pages" in g.out


@pytest.mark.parametrize("v", VARIANTS)
def test_mmap_semantics(v):
    g = compare("mmap" + v)
    assert "0 failures" in g.out


@pytest.mark.parametrize("v", VARIANTS)
@pytest.mark.parametrize("prog", ["mmapfile", "fileio"])
def test_in_a_writable_directory(prog, v, tmproot):
    """file mappings, and the file system calls, in a fresh hostfs root"""
    g = run_guest(prog + v, ["/"], root=tmproot)
    n = run_native(prog + v, [tmproot], root=tmproot)
    assert_same(g, n, prog + v)
    assert g.rc == 0


@pytest.mark.parametrize("v", VARIANTS)
def test_efault(v):
    g = compare("efault" + v)
    assert "0 failures" in g.out


@pytest.mark.parametrize("v", VARIANTS)
def test_misc_syscalls(v):
    g = compare("sysinfo_misc" + v)
    assert "0 failures" in g.out


@pytest.mark.parametrize("v", VARIANTS)
@pytest.mark.parametrize("prog", ["segv", "nullderef"])
def test_segfault_kills_with_sigsegv(prog, v):
    """death by SIGSEGV: status 139, and the kernel says so on stderr
    (a show_unhandled_signals line and the init-killed line)"""
    g = compare(prog + v)
    assert g.rc == 139 and g.out == "before\n"
    assert "segfault at" in g.err and "SIGSEGV" in g.err, g.err


@pytest.mark.parametrize("v", VARIANTS)
def test_exit_status(v):
    assert compare("exit42" + v).rc == 42


def test_shebang_script():
    """#!/echoargs -x: the interpreter gets its argument, the script's path
    and the script's arguments.  Natively the script runs chrooted in the
    same directory (when we are root), so that /echoargs names the same
    file; the guest is also checked against what binfmt_script does."""
    expected = ["argv[0]=/echoargs", "argv[1]=-x", "argv[2]=/script.sh", "argv[3]=a",
                "argv[4]=b"]
    g = run_guest("script.sh", ["a", "b"])
    assert g.rc == 0, g
    assert g.out.splitlines() == expected, g.out
    if os.geteuid() == 0:
        n = run_native("script.sh", ["a", "b"], chroot=True)
        assert n.rc == 0 and n.out.splitlines() == expected, n


@pytest.mark.parametrize("v", VARIANTS)
def test_mem_limit_gives_enomem(v):
    """mem=32M is a real limit: with strict accounting
    (vm.overcommit_memory=2) malloc returns NULL before 32 MiB, the
    program and the kernel go on (natively: 8 MiB are simply there).
    Under the default heuristic the same program is OOM-killed, as on
    Linux, and the kernel goes on."""
    g = run_guest("memhog" + v, ["1024"], mem="32M", extra=["sysctl.vm.overcommit_memory=2"])
    assert g.rc == 0, g
    assert g.out.startswith("ENOMEM after "), g.out
    assert int(g.out.split()[2]) < 32
    n = run_native("memhog" + v, ["8"])
    assert n.rc == 0 and n.out == "limit reached: 8 MiB\n", n
    g = run_guest("memhog" + v, ["1024"], mem="32M")
    assert g.rc == 137 and "Out of memory: Killed process 1 (memhog" in g.err, g
    assert "vmcore: init killed by signal 9 (SIGKILL)" in g.err, g


def test_hostfs_confinement(tmp_path):
    """No path, symlink or rename in a hostfs root reaches outside it."""
    import shutil
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy2(os.path.join(TESTCASES, "confine"), root / "confine")
    (tmp_path / "outside.txt").write_text("OUTSIDE\n")
    os.symlink("..", root / "up")
    os.symlink("/", root / "abs")
    os.symlink("../outside.txt", root / "esc")
    os.symlink("/../../outside.txt", root / "deep")
    before = sorted(os.listdir(tmp_path))
    g = run_guest("confine", root=str(root))
    assert g.rc == 0 and "0 failures" in g.out, g
    assert sorted(os.listdir(tmp_path)) == before, "the guest changed a directory outside its root"
    assert (tmp_path / "outside.txt").read_text() == "OUTSIDE\n"
    assert (root / "made-by-guest").exists() and (root / "moved").exists()
