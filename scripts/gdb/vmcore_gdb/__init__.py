"""vmcore's gdb helpers, in the manner of Linux's scripts/gdb (lx-ps,
lx-dmesg...): commands that read the kernel's own structures from the
inferior's memory, never calling into it, so that they work on a live
./linux and on a core file alike.

    vm-ps                 the guest's tasks
    vm-task PID           registers, signals, credentials, the system call
    vm-dmesg              the kernel log
    vm-vmas PID           the task's memory map
    vm-pte PID ADDR       the page-table entry of ADDR
    vm-x PID ADDR LEN     guest user memory, read through the page tables
    vm-bt PID             the guest's user stack, with the guest's symbols
    vm-files PID          the open files
    vm-mounts             the mount table
    vm-syscalls PID       the flight recorder (the last system calls)
    $vm_task(PID)         the struct task * of a guest task
    $vm_current()         the guest task of the selected kernel thread
"""
import gdb

_registered = False


def register():
    global _registered
    if _registered:
        return
    _registered = True
    from . import tasks, log, mm, fs, ustack  # noqa: F401  (each registers its commands)

    class Vm(gdb.Command):
        """List vmcore's kernel helpers (scripts/gdb/vmcore_gdb).

    vm-ps, vm-task PID, vm-dmesg, vm-vmas PID, vm-pte PID ADDR,
    vm-x PID ADDR LEN, vm-bt PID, vm-files PID, vm-mounts, vm-syscalls PID;
    convenience functions $vm_task(PID) and $vm_current()."""

        def __init__(self):
            super().__init__("vm", gdb.COMMAND_DATA, gdb.COMPLETE_NONE)

        def invoke(self, arg, from_tty):
            gdb.write(__doc__ + "\n")

    Vm()
