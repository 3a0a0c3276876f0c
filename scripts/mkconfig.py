#!/usr/bin/python3
"""Write /proc/config.gz's contents: the kernel config, in Linux's .config
syntax, of what this vmcore supports, gzip'ed.  Options say only what the
kernel has: a feature vmcore lacks is "is not set".  Edit this list when a
subsystem lands (or goes).  The gzip stream carries no name or time, so the
build is reproducible."""
import argparse
import gzip
import os
import re

# (option, value): value True for "=y", None for "is not set", else text
OPTIONS = [
    ("General setup", None),
    ("CONFIG_64BIT", True), ("CONFIG_X86_64", True), ("CONFIG_MMU", True),
    ("CONFIG_SMP", True), ("CONFIG_NR_CPUS", "64"),
    ("CONFIG_DEFAULT_HOSTNAME", '"vmcore"'),
    ("CONFIG_MULTIUSER", True), ("CONFIG_FUTEX", True),
    ("CONFIG_POSIX_TIMERS", True), ("CONFIG_PRINTK", True),
    ("CONFIG_IKCONFIG", True), ("CONFIG_IKCONFIG_PROC", True),
    ("CONFIG_BLK_DEV_INITRD", True), ("CONFIG_RD_GZIP", None),
    ("CONFIG_SYSVIPC", None), ("CONFIG_POSIX_MQUEUE", None),
    ("CONFIG_EPOLL", None), ("CONFIG_SIGNALFD", None), ("CONFIG_TIMERFD", None),
    ("CONFIG_EVENTFD", None), ("CONFIG_SHMEM", None), ("CONFIG_AIO", None),
    ("CONFIG_IO_URING", None), ("CONFIG_BPF_SYSCALL", None),
    ("CONFIG_USERFAULTFD", None), ("CONFIG_PERF_EVENTS", None),
    ("CONFIG_MEMBARRIER", None), ("CONFIG_RSEQ", None),
    ("CONFIG_CGROUPS", None), ("CONFIG_NAMESPACES", None),
    ("CONFIG_SECCOMP", None), ("CONFIG_SWAP", None),
    ("CONFIG_TRANSPARENT_HUGEPAGE", None), ("CONFIG_HUGETLBFS", None),
    ("Executable file formats", None),
    ("CONFIG_BINFMT_ELF", True), ("CONFIG_BINFMT_SCRIPT", True),
    ("CONFIG_BINFMT_MISC", None), ("CONFIG_IA32_EMULATION", None),
    ("Networking", None),
    ("CONFIG_NET", None), ("CONFIG_UNIX", None), ("CONFIG_INET", None),
    ("Devices", None),
    ("CONFIG_TTY", True), ("CONFIG_UNIX98_PTYS", None),
    ("CONFIG_DEVTMPFS", True), ("CONFIG_DEVTMPFS_MOUNT", None),
    ("CONFIG_BLK_DEV", None),
    ("File systems", None),
    ("CONFIG_PROC_FS", True), ("CONFIG_PROC_SYSCTL", True),
    ("CONFIG_SYSFS", True), ("CONFIG_TMPFS", True), ("CONFIG_TMPFS_XATTR", None),
    ("CONFIG_HOSTFS", True), ("CONFIG_DEBUG_FS", True), ("CONFIG_TRACING", True),
    ("CONFIG_EXT2_FS", None), ("CONFIG_EXT4_FS", None), ("CONFIG_FILE_LOCKING", None),
    ("CONFIG_INOTIFY_USER", None), ("CONFIG_FANOTIFY", None),
    ("Kernel hacking", None),
    ("CONFIG_GDB_SCRIPTS", True), ("CONFIG_KGDB", None),
]


def render(version):
    lines = ["#", "# Automatically generated file; DO NOT EDIT.",
             "# vmcore %s Kernel Configuration" % version, "#"]
    for opt, val in OPTIONS:
        if not opt.startswith("CONFIG_"):
            lines += ["", "#", "# " + opt, "#"]
        elif val is True:
            lines.append("%s=y" % opt)
        elif val is None:
            lines.append("# %s is not set" % opt)
        else:
            lines.append("%s=%s" % (opt, val))
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--version", default=None)
    ap.add_argument("-o", required=True)
    a = ap.parse_args()
    version = a.version
    if version is None:  # the kernel's own, from kernel.h
        here = os.path.dirname(os.path.abspath(__file__))
        with open(os.path.join(here, "..", "vmcore", "include", "vmcore", "kernel.h")) as f:
            m = re.search(r'#define VMCORE_VERSION "([^"]*)"', f.read())
        version = m.group(1) if m else "unknown"
    data = gzip.compress(render(version).encode(), mtime=0)
    with open(a.o, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
