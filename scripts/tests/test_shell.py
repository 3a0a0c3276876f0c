"""The built-in initramfs's busybox shell, driven through a pipe and through
a pseudo-terminal (line editing, ^C, ^Z and fg, background jobs)."""
import os
import re
import pty
import select
import signal
import subprocess
import termios
import time

from conftest import LINUX


def test_session_on_a_pipe():
    script = b"echo hi > /tmp/x; cat /tmp/x\nls /bin | wc -l\nps | grep -c sh\n" \
             b"sleep 5 & kill %1; wait; echo waited\nyes | head -3 | wc -l\npoweroff\n"
    p = subprocess.run([LINUX, "quiet"], input=script, capture_output=True, timeout=60)
    # busybox init's shutdown messages come or not, as the halt races them
    # (they start with a carriage return: not a line of their own)
    lines = [l for l in p.stdout.decode().replace("\r", "").splitlines()
             if not re.match(r"^(The system is going down|Sent SIG|Requesting system)", l)]
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert lines[1] == "hi" and int(lines[2]) > 50 and int(lines[3]) >= 1, lines
    assert "waited" in lines and lines[-1] == "3", lines


class Pty:
    """./linux on a pseudo-terminal that is its controlling terminal, as
    when a user runs it in a terminal window."""

    def __init__(self, *args):
        self.fd, self.slave = os.openpty()
        os.set_blocking(self.fd, True)
        attrs = termios.tcgetattr(self.slave)
        self.initial = attrs
        fcntl_ioctl = __import__("fcntl").ioctl
        size = __import__("struct").pack("HHHH", 24, 80, 0, 0)
        fcntl_ioctl(self.slave, termios.TIOCSWINSZ, size)

        def ctty():
            os.setsid()
            fcntl_ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen([LINUX] + list(args), stdin=self.slave, stdout=self.slave,
                                     stderr=self.slave, preexec_fn=ctty, close_fds=True)
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
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.fd)
        os.close(self.slave)


def test_interactive_session_with_job_control():
    t = Pty("quiet")

    def run(cmd, timeout=15):
        """Type a command line; return what it printed (up to a marker that
        its own echo cannot contain)."""
        t.send(cmd + "; echo __E''ND__\r")
        return t.expect("__END__\r\n", timeout)

    try:
        t.expect("# ")
        # while the guest runs, the host terminal is raw: no echo, no signals
        raw = termios.tcgetattr(t.slave)
        assert not raw[3] & termios.ECHO and not raw[3] & termios.ISIG
        assert "\r\nhi\r\n" in run("echo hi > /tmp/x; cat /tmp/x")
        assert "\r\n1\r\n" in run("ls -l / | grep -c proc")
        # A key typed before the job owns the terminal goes to the shell,
        # which ignores it: type it again until the job has answered.
        def keep_typing(key, pat):
            for _ in range(40):
                t.send(key)
                try:
                    return t.expect(pat, 0.5)
                except AssertionError:
                    pass
            raise AssertionError("no %r after typing %r: %r" % (pat, key, t.buf[-800:]))

        # a marker printed by the shell: it has read the line (a key typed
        # earlier would flush the line from the terminal's input)
        t.send("echo __Y''ES__; yes > /dev/null\r")
        t.expect("__YES__\r\n")
        assert "^C" in keep_typing(b"\x03", "# ")
        t.send("echo __S''LEEP__; sleep 30\r")
        t.expect("__SLEEP__\r\n")
        keep_typing(b"\x1a", "Stopped")
        out = run("jobs")
        assert "Stopped" in out and "sleep 30" in out, out
        t.send("fg\r")
        t.expect("fg\r\nsleep 30\r\n")  # fg names the job it continues
        keep_typing(b"\x03", "# ")
        out = run("jobs")
        assert "sleep 30" not in out.split("jobs")[-1], out
        run("sleep 5 & true")
        out = run("kill %1")
        # the shell tells of the job's end at a prompt after it ended
        for _ in range(40):
            if "Terminated" in out:
                break
            out += run("true")
        assert "Terminated" in out and "sleep 5" in out, out
        out = run("stty size; tty; ps | grep -c init")
        assert "24 80" in out and "/dev/tty1" in out, out
        assert "Mem:" in run("top -n 1 | head -2")
        t.send("poweroff\r")
        assert t.proc.wait(timeout=20) == 0
        # the terminal is left as it was found
        assert termios.tcgetattr(t.slave) == t.initial
    finally:
        t.close()
