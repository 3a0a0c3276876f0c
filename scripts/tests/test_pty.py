"""Pseudo-terminals (vmcore/fs/pty.c): /dev/ptmx, devpts, the slave's line
discipline, job control on a pty, the ends of a pair; and the host's own
programs that need one (script, Python's pty module)."""
import os

from conftest import LINUX, TESTCASES, run_linux, run_native


def guest_host_root(init, args=(), timeout=60):
    """INIT as init of a guest whose root is the host's own, read-only
    (/dev/ptmx is the host's device node; INIT mounts devpts)."""
    return run_linux(["quiet", "ro", "root=/", "rootfstype=hostfs", "init=" + init, "--"] +
                     list(args), timeout=timeout)


def test_pty_pairs_like_linux():
    g = guest_host_root(os.path.join(TESTCASES, "pty"))
    n = run_native("pty")
    assert g.out == n.out and g.rc == n.rc == 0, (g, n)
    assert "FAIL" not in g.out and g.out.count("ok ") == 25, g


def test_python_pty_spawn():
    """Python's pty.spawn runs a child on a new pty and copies its output
    (to its own stdout too, as pty.spawn does)."""
    script = ("mount -t proc proc /proc; mkdir -p /dev/pts; mount -t devpts devpts /dev/pts && "
              "exec /usr/bin/python3 -c \"import pty, os, sys\n"
              "out = []\n"
              "def rd(fd):\n"
              "    d = os.read(fd, 1024); out.append(d); return d\n"
              "st = pty.spawn(['/bin/sh', '-c', 'tty; stty size; echo done'], rd)\n"
              "text = b''.join(out).decode().replace(chr(13), '')\n"
              "print('status', st); print(text.split()[0].startswith('/dev/pts/')); "
              "print(text.split()[-1])\"")
    g = guest_host_root("/bin/sh", ["-c", script])
    assert g.rc == 0, g
    assert g.out.split()[-4:] == ["status", "0", "True", "done"], g
    assert g.out.startswith("/dev/pts/0\r\n0 0\r\ndone\r\n"), g
