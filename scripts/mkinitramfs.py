#!/usr/bin/python3
"""Build vmcore's built-in initramfs: a newc cpio archive holding Debian's
static busybox with its applet links, device nodes, a minimal /etc, the /init
script, and the project's test programs under /testcases."""
import argparse
import os
import stat
import subprocess
import sys

INITTAB = """# vmcore's initramfs: busybox init, one shell on the console.  tty1 is the
# console under a terminal's name, so the shell gets it as its controlling
# terminal (job control), as with cttyhack on Linux.
::sysinit:/bin/mount -t proc proc /proc
::sysinit:/bin/mount -t tracefs tracefs /sys/kernel/tracing
::sysinit:/bin/mount -t debugfs debugfs /sys/kernel/debug
::sysinit:/bin/mount -t devpts devpts /dev/pts
::sysinit:/bin/hostname -F /etc/hostname
tty1::once:/etc/vmcore-shell
::ctrlaltdel:/sbin/reboot
::shutdown:/bin/sync
"""

SHELL = """#!/bin/sh
# The console's shell.  When it ends, so does the machine.
echo "vmcore: busybox shell on the console; 'poweroff' or 'exit' halts."
/bin/sh -l
exec poweroff -f
"""

PROFILE = """export PATH=/sbin:/bin:/usr/sbin:/usr/bin
export PS1='\\w # '
"""


class Cpio:
    def __init__(self):
        self.out = bytearray()
        self.ino = 1
        self.seen = set()

    def add(self, name, mode, data=b"", rdev=(0, 0), mtime=0):
        name = name.lstrip("/")
        if name in self.seen:
            return
        self.seen.add(name)
        # parents first
        parent = os.path.dirname(name)
        if parent and parent not in self.seen:
            self.add(parent, stat.S_IFDIR | 0o755)
        nb = name.encode() + b"\0"
        fields = [self.ino, mode, 0, 0, 1, mtime, len(data), 0, 0,
                  rdev[0], rdev[1], len(nb), 0]
        self.ino += 1
        hdr = b"070701" + b"".join(b"%08X" % f for f in fields)
        self.out += hdr + nb
        self.out += b"\0" * (-len(self.out) % 4)
        self.out += data
        self.out += b"\0" * (-len(self.out) % 4)

    def finish(self):
        self.ino = 0
        self.seen.discard("TRAILER!!!")
        self.add("TRAILER!!!", 0)
        self.out += b"\0" * (-len(self.out) % 512)
        return bytes(self.out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-o", required=True)
    ap.add_argument("--busybox", default="/bin/busybox")
    ap.add_argument("--testcases", default=None)
    args = ap.parse_args()

    c = Cpio()
    for d in ("bin", "sbin", "usr/bin", "usr/sbin", "etc", "dev", "proc", "sys", "sys/kernel/tracing", "sys/kernel/debug",
              "dev/pts", "tmp", "root", "mnt", "var", "home"):
        c.add(d, stat.S_IFDIR | (0o1777 if d == "tmp" else 0o755))
    for name, maj, mnr, mode in (("console", 5, 1, 0o600), ("tty", 5, 0, 0o666),
                                 ("tty0", 4, 0, 0o620), ("tty1", 4, 1, 0o620),
                                 ("null", 1, 3, 0o666), ("zero", 1, 5, 0o666),
                                 ("full", 1, 7, 0o666), ("random", 1, 8, 0o666),
                                 ("urandom", 1, 9, 0o666), ("ptmx", 5, 2, 0o666)):
        c.add("dev/" + name, stat.S_IFCHR | mode, rdev=(maj, mnr))
    c.add("etc/passwd", stat.S_IFREG | 0o644, b"root:x:0:0:root:/root:/bin/sh\n")
    c.add("etc/group", stat.S_IFREG | 0o644, b"root:x:0:\n")
    c.add("etc/hostname", stat.S_IFREG | 0o644, b"vmcore\n")
    c.add("etc/inittab", stat.S_IFREG | 0o644, INITTAB.encode())
    c.add("etc/vmcore-shell", stat.S_IFREG | 0o755, SHELL.encode())
    c.add("etc/profile", stat.S_IFREG | 0o644, PROFILE.encode())
    c.add("init", stat.S_IFLNK | 0o777, b"/bin/busybox")

    with open(args.busybox, "rb") as f:
        c.add("bin/busybox", stat.S_IFREG | 0o755, f.read())
    applets = subprocess.run([args.busybox, "--list-full"], capture_output=True,
                             text=True, check=True).stdout.split()
    for path in applets:
        if path == "bin/busybox":
            continue
        c.add(path, stat.S_IFLNK | 0o777, b"/bin/busybox")

    if args.testcases and os.path.isdir(args.testcases):
        for name in sorted(os.listdir(args.testcases)):
            p = os.path.join(args.testcases, name)
            st = os.stat(p)
            if stat.S_ISREG(st.st_mode) and not name.endswith((".o", ".d")):
                with open(p, "rb") as f:
                    c.add("testcases/" + name, stat.S_IFREG | (st.st_mode & 0o777), f.read())

    data = c.finish()
    # an unchanged archive keeps its time stamp, so that make does not
    # relink ./linux for nothing
    try:
        with open(args.o, "rb") as f:
            if f.read() == data:
                return 0
    except OSError:
        pass
    tmp = args.o + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, args.o)


if __name__ == "__main__":
    sys.exit(main())
