"""Files: vm-files (a task's descriptor table), vm-mounts (the mount
table of fs/namei.c, as /proc/mounts prints it)."""
import stat

import gdb

from . import mm, tasks, utils
from .utils import cstr

O_ACCMODE = 3
MS_FLAGS = ((2, "nosuid"), (4, "nodev"), (8, "noexec"), (16, "sync"), (128, "dirsync"))
MS_RDONLY, MS_NOATIME, MS_NODIRATIME, MS_STRICTATIME = 1, 1024, 2048, 1 << 24


def major(dev):
    return ((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfff)


def minor(dev):
    return (dev & 0xff) | ((dev >> 12) & ~0xff)


def chrdev_name(rdev):
    devs = utils.symbol("chrdevs")
    n = devs.type.strip_typedefs().range()[1] + 1
    for i in range(n):
        d = devs[i]
        if int(d) and int(d["major"]) == major(rdev) and (int(d["minor"]) == minor(rdev) or d["any_minor"]):
            return cstr(d["name"]), bool(d["any_minor"])
    return None, False


def file_name(t, f):
    """What /proc/PID/fd/N says of f (fs/procfs.c's file_link_name)."""
    d, ino = f["dentry"], f["inode"]
    if int(d) and int(d["parent"]) != int(d):
        return mm.dentry_path(d, mm.task_root(t))
    mode, ino_nr = int(ino["mode"]), int(ino["ino"])
    anon = utils.symbol("anon_inode")
    if int(anon) and int(anon) == int(ino):
        return "anon_inode:%s" % (cstr(d["name"]) if int(d) else "[?]")
    if int(ino["seals"]) & (1 << 31):
        return "/%s (deleted)" % (cstr(d["name"]) if int(d) else "memfd:")
    if stat.S_ISFIFO(mode):
        return "pipe:[%d]" % ino_nr
    if stat.S_ISSOCK(mode):
        return "socket:[%d]" % ino_nr
    if stat.S_ISCHR(mode):
        rdev = int(ino["rdev"])
        if major(rdev) == 136:
            return "/dev/pts/%d" % minor(rdev)
        name, any_minor = chrdev_name(rdev)
        return "/dev/%s" % name if name and not any_minor else "/dev/console"
    return "anon_inode:[%d]" % ino_nr


class VmFiles(utils.Command):
    """The open files of a guest task: vm-files PID.

One line per descriptor: the number, what /proc/PID/fd/N names, the
open flags (access mode, close-on-exec), the position and the inode."""

    def __init__(self):
        super().__init__("vm-files")

    def run(self, arg):
        (w,) = utils.args(arg, ["PID"], "vm-files")
        t = tasks.task_arg(w, "vm-files")
        files = t["files"]
        if not int(files):
            raise gdb.GdbError("vm-files: task %d has no descriptor table" % int(t["tid"]))
        fds, cloexec = files["fd"], files["cloexec"]
        for i in range(int(files["max"])):
            f = fds[i]
            if not int(f):
                continue
            flags = int(f["flags"])
            ce = int(cloexec[i // 64]) >> (i % 64) & 1 if int(cloexec) else 0
            gdb.write("%4d -> %s  (%s%s, pos %d, inode %d)\n" % (
                i, file_name(t, f), ("r", "w", "rw", "?")[flags & O_ACCMODE],
                ", cloexec" if ce else "", int(f["pos"]), int(f["inode"]["ino"])))


def mount_views():
    rv = utils.symbol("root_view")
    if int(utils.symbol("root_dentry")):
        yield rv
    m = utils.symbol("mounts")
    for i in range(int(utils.symbol("nmounts"))):
        yield m[i]["view"]


def escaped(s):
    return "".join("\\%03o" % ord(c) if c in " \t\n\\" else c for c in s or "")


def options(fl):
    o = ["ro" if fl & MS_RDONLY else "rw"] + [n for b, n in MS_FLAGS if fl & b]
    if fl & MS_NOATIME:
        o.append("noatime")
    elif fl & MS_NODIRATIME:
        o.append("nodiratime")
    if not fl & (MS_NOATIME | MS_STRICTATIME):
        o.append("relatime")
    return ",".join(o)


class VmMounts(utils.Command):
    """The mount table: vm-mounts.

As /proc/mounts: source, mount point, type, options; one mount namespace,
so every task sees the same table."""

    def __init__(self):
        super().__init__("vm-mounts")

    def run(self, arg):
        utils.no_args(arg, "vm-mounts")
        for i, v in enumerate(mount_views()):
            typ = cstr(v["sb"]["type"]["name"])
            if i == 0 and typ == "ramfs":
                typ = "rootfs"
            data = cstr(v["data"])
            gdb.write("%s %s %s %s%s 0 0\n" % (escaped(cstr(v["source"])), escaped(cstr(v["path"])), typ,
                                               options(int(v["flags"])), "," + data if data else ""))


VmFiles()
VmMounts()
