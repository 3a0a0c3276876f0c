"""Guest tasks: vm-ps, vm-task, $vm_task(pid), $vm_current().

A task is a struct task on the all_tasks list (kernel/task.c); its kernel
thread is the host thread whose LWP is task->kthread_tid, named
"task TID COMM" (info threads)."""
import gdb

from . import utils
from .utils import cstr


def all_tasks():
    t = utils.symbol("all_tasks")
    n = 0
    while int(t):
        yield t
        t = t["next_task"]
        n += 1
        if n > 10000000:
            raise gdb.GdbError("all_tasks does not end")


def find(pid, cmd="vm-task"):
    for t in all_tasks():
        if int(t["tid"]) == pid:
            return t
    raise gdb.GdbError("%s: no guest task with pid %d (vm-ps lists them)" % (cmd, pid))


def task_arg(word, cmd):
    utils.need_process()
    return find(utils.parse_int(word, "PID", cmd), cmd)


def state(t):
    """The letter /proc/PID/stat shows (fs/procfs.c's task_state)."""
    if str(t["state"]) == "TASK_ZOMBIE":
        return "Z"
    if str(t["state"]) == "TASK_DEAD":
        return "X"
    if int(t["pt"]) and str(t["pt"]["kind"]) != "PT_RUNNING":
        return "t"
    if t["stopped"]:
        return "T"
    if not int(t["ht"]["tid"]) or t["in_user"]:
        return "R"
    return "S"


def gdb_thread(lwp):
    for th in gdb.selected_inferior().threads():
        if th.ptid[1] == lwp:
            return th
    return None


# frames of a sleeping kernel thread that say nothing of why it sleeps
_WAIT_HELPERS = {"bkl_wait", "bkl_wait_timeout", "bkl_lock", "wait_interruptible"}


def kernel_objfile():
    return gdb.current_progspace().filename


def wchan(t):
    """Where the task's kernel thread sleeps: the first function of
    ./linux itself above the C library's waits and the BKL's, found by
    unwinding its thread; "-" when it runs guest code."""
    if state(t) == "R" or str(t["state"]) != "TASK_RUNNING":
        return "-"
    th = gdb_thread(int(t["kthread_tid"]))
    if th is None:
        return "?"
    cur_th = gdb.selected_thread()
    try:
        cur_frame = gdb.selected_frame()
    except gdb.error:
        cur_frame = None
    try:
        th.switch()
        f = gdb.newest_frame()
        exe = kernel_objfile()
        while f is not None:
            fn = f.function()
            if fn is not None and fn.symtab.objfile.filename == exe and fn.name not in _WAIT_HELPERS:
                return fn.name
            f = f.older()
        return "?"
    except gdb.error:
        return "?"
    finally:
        if cur_th is not None:
            cur_th.switch()
            if cur_frame is not None:
                try:
                    cur_frame.select()
                except gdb.error:
                    pass


class VmPs(utils.Command):
    """List the guest's tasks: vm-ps.

PID (the thread group), TID, S (state, as /proc/PID/stat: R running
guest code, S asleep in the kernel, T stopped, t traced, Z zombie), CPU
(the guest CPU), LWP (its kernel thread, as info threads shows it), COMM
and WCHAN (the kernel function its thread sleeps in); "<- the oops" marks
the task whose kernel thread reported an oops."""

    def __init__(self):
        super().__init__("vm-ps")

    def run(self, arg):
        utils.no_args(arg, "vm-ps")
        rows = sorted(all_tasks(), key=lambda t: (int(t["tgid"]), int(t["tid"])))
        oops = int(utils.symbol("oops_tid"))
        gdb.write("%6s %6s %s %3s %8s %-16s %s\n" % ("PID", "TID", "S", "CPU", "LWP", "COMM", "WCHAN"))
        for t in rows:
            lwp = int(t["kthread_tid"])
            gdb.write("%6d %6d %s %3d %8d %-16s %s%s\n" % (
                int(t["tgid"]), int(t["tid"]), state(t), int(t["cpu"]), lwp,
                cstr(t["comm"]), wchan(t), "  <- the oops" if oops and lwp == oops else ""))


REGS = ("rip", "rsp", "rbp", "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10",
        "r11", "r12", "r13", "r14", "r15", "orig_rax", "eflags", "cs", "ss", "fs_base", "gs_base")


def syscall_name(nr):
    try:
        table = utils.symbol("syscall_table")
        n = table.type.strip_typedefs().range()[1] + 1
        if 0 <= nr < n:
            return cstr(table[nr]["name"]), int(table[nr]["nargs"])
    except gdb.error:
        pass
    return None, 6


def sigmasks(t):
    ign = cgt = 0
    if int(t["sighand"]):
        act = t["sighand"]["action"]
        for i in range(64):
            h = int(act[i]["handler"])
            if h == 1:
                ign |= 1 << i
            elif h != 0:
                cgt |= 1 << i
    return ign, cgt


class VmTask(utils.Command):
    """Show one guest task: vm-task PID.

Its ids and state, the system call in progress (from the registers it
stopped with), its registers, signal state and credentials (the fields of
/proc/PID/status).  A task running guest code shows the registers of its
last entry into the kernel."""

    def __init__(self):
        super().__init__("vm-task")

    def run(self, arg):
        (w,) = utils.args(arg, ["PID"], "vm-task")
        t = task_arg(w, "vm-task")
        ht = t["ht"]
        regs = ht["regs"]
        parent = t["parent"]
        gdb.write("task %d (%s): tgid %d, parent %d, state %s, cpu %d\n" % (
            int(t["tid"]), cstr(t["comm"]), int(t["tgid"]),
            int(parent["tgid"]) if int(parent) else 0, state(t), int(t["cpu"])))
        gdb.write("kernel thread LWP %d; guest host thread %d of stub process %d (host cpu %d)\n" % (
            int(t["kthread_tid"]), int(ht["tid"]),
            int(ht["as"]["pid"]) if int(ht["as"]) else 0, int(ht["cpu"])))
        nr = int(regs["orig_rax"])
        if t["in_user"]:
            gdb.write("running guest code (registers as of its last kernel entry)\n")
        elif ht["in_syscall"]:
            name, nargs = syscall_name(nr)
            argv = [int(regs[r]) for r in ("rdi", "rsi", "rdx", "r10", "r8", "r9")][:nargs]
            gdb.write("in system call %s(%s) (nr %d)\n" % (
                name or "?", ", ".join("%#x" % a for a in argv), nr))
        else:
            gdb.write("in the kernel, not in a system call (a fault or a signal)\n")
        gdb.write("registers:\n")
        for i, r in enumerate(REGS):
            gdb.write("  %-8s %#018x%s" % (r, int(regs[r]) & (2**64 - 1), "\n" if i % 3 == 2 else ""))
        gdb.write("\n" if len(REGS) % 3 else "")
        ign, cgt = sigmasks(t)
        gdb.write("SigPnd:\t%016x\nSigBlk:\t%016x\nSigIgn:\t%016x\nSigCgt:\t%016x\n" % (
            int(t["pending"]), int(t["sigmask"]), ign, cgt))
        gdb.write("Uid:\t%d\t%d\t%d\t%d\nGid:\t%d\t%d\t%d\t%d\n" % tuple(
            int(t[f]) for f in ("uid", "euid", "suid", "fsuid", "gid", "egid", "sgid", "fsgid")))
        groups = []
        gi = t["group_info"]
        if int(gi):
            arr = gi["gid"]
            groups = [int(arr[i]) for i in range(int(gi["n"]))]
        gdb.write("Groups:\t%s\n" % "".join("%d " % g for g in groups))
        gdb.write("CapInh:\t%016x\nCapPrm:\t%016x\nCapEff:\t%016x\nCapBnd:\t%016x\nCapAmb:\t%016x\n" % tuple(
            int(t[f]) for f in ("cap_inheritable", "cap_permitted", "cap_effective", "cap_bset",
                                "cap_ambient")))
        gdb.write("NoNewPrivs:\t%d\nSeccomp:\t%d\n" % (int(t["no_new_privs"]), int(t["seccomp_mode"])))


class VmTaskFn(gdb.Function):
    """$vm_task(PID): the struct task * of guest task PID."""

    def __init__(self):
        super().__init__("vm_task")

    def invoke(self, pid):
        utils.need_process()
        try:
            n = int(pid)
        except (gdb.error, ValueError):
            raise gdb.GdbError("$vm_task: PID must be a number, not %s" % pid.type)
        return find(n, "$vm_task")


class VmCurrentFn(gdb.Function):
    """$vm_current(): the guest task whose kernel thread is the selected
    thread (NULL for the kernel's other threads)."""

    def __init__(self):
        super().__init__("vm_current")

    def invoke(self):
        utils.need_process()
        th = gdb.selected_thread()
        if th is None:
            raise gdb.GdbError("$vm_current: no thread selected")
        lwp = th.ptid[1]
        for t in all_tasks():
            if int(t["kthread_tid"]) == lwp and str(t["state"]) == "TASK_RUNNING":
                return t
        return gdb.Value(0).cast(utils.type_of("struct task").pointer())


class VmSyscalls(utils.Command):
    """The flight recorder of a guest task: vm-syscalls PID.

Its last 32 system calls (number, raw arguments, result, time since boot),
oldest first, as /proc/PID/syscalls shows them (docs/trace.md)."""

    def __init__(self):
        super().__init__("vm-syscalls")

    def run(self, arg):
        (w,) = utils.args(arg, ["PID"], "vm-syscalls")
        t = task_arg(w, "vm-syscalls")
        fl = t["flight"]
        cap = fl["rec"].type.strip_typedefs().range()[1] + 1
        head, n = int(fl["head"]), int(fl["n"])
        for i in range(n):
            r = fl["rec"][(head + cap - n + i) % cap]
            nr = int(r["nr"])
            name, nargs = syscall_name(nr)
            ns = int(r["t_ns"])
            a = ", ".join("%#x" % int(r["a"][k]) if int(r["a"][k]) else "0" for k in range(nargs))
            gdb.write("[%5d.%06d] %s(%s) = %d\n" % (ns // 10**9, ns % 10**9 // 1000, name or "?", a,
                                                    int(r["ret"])))


VmPs()
VmTask()
VmTaskFn()
VmCurrentFn()
VmSyscalls()


def name_core_threads(event=None):
    """A core file's threads have no names (a core keeps none): give each
    task thread the one the live kernel gave it, "task TID COMM".  Run when
    the helpers load (gdb loads them once ./linux's symbols are read, after
    the core named on its command line) and when a core opened later
    loads its shared libraries (its threads are there by then)."""
    inf = gdb.selected_inferior()
    conn = getattr(inf, "connection", None)
    if conn is None or conn.type != "core":
        return
    try:
        threads = {th.ptid[1]: th for th in inf.threads() if not th.name}
        if not threads:
            return
        for t in all_tasks():
            th = threads.get(int(t["kthread_tid"]))
            if th is not None and str(t["state"]) == "TASK_RUNNING":
                th.name = ("task %d %s" % (int(t["tid"]), cstr(t["comm"])))[:15]
    except (gdb.error, gdb.GdbError):
        pass  # no symbols, or memory the core lacks: the threads stay unnamed


gdb.events.new_objfile.connect(name_core_threads)
name_core_threads()
