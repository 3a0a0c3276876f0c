"""Guest memory: vm-vmas, vm-pte, vm-x.

A guest address is translated as the kernel does it (mm/pgtable.c): a
four-level radix tree of 512-entry tables over 47 bits, whose leaves are
ptes (frame << 12 | COW | HOST | PRESENT, the host's protection in bits
3-5); the frame is read from physmem (physmem_base + frame * 4096) in the
inferior's memory.  No call into the inferior: a core file does as well."""
import gdb

from . import tasks, utils
from .utils import cstr

PAGE = 4096
PTE_PRESENT, PTE_HOST, PTE_COW = 1, 2, 4
MAX_X = 1 << 20
PROT_READ, PROT_WRITE, PROT_EXEC = 1, 2, 4
VM_SHARED = 1


def pte_of(mm, va):
    """The pte of va in mm, or None when no table holds it."""
    if not 0 <= va < 1 << 47:
        return None
    table = int(mm["pt"]["root"])
    for level in (3, 2, 1):
        if not table:
            return None
        table = utils.u64(table + 8 * ((va >> (12 + 9 * level)) & 511))
    if not table:
        return None
    return utils.u64(table + 8 * ((va >> 12) & 511))


def vmas(mm):
    return utils.list_of(mm["vmas"])


def find_vma(mm, addr):
    for v in vmas(mm):
        if int(v["start"]) <= addr < int(v["end"]):
            return v
    return None


def frame_bytes(frame, off, n):
    nframes = int(utils.symbol("physmem_frames"))
    if frame >= nframes:
        raise gdb.GdbError("frame %#x is beyond physmem (%d frames): a corrupt pte" % (frame, nframes))
    return utils.read(int(utils.symbol("physmem_base")) + frame * PAGE + off, n)


class Unmapped(Exception):
    pass


def read_user(mm, addr, n):
    """n bytes of guest memory at addr; Unmapped(message) where a page has
    no frame."""
    out = bytearray()
    while n > 0:
        off = addr % PAGE
        k = min(n, PAGE - off)
        pte = pte_of(mm, addr - off)
        if pte is None or not pte & PTE_PRESENT:
            v = find_vma(mm, addr)
            if v is None:
                raise Unmapped("%#x is not mapped (no VMA holds it)" % addr)
            raise Unmapped("the page at %#x has no frame yet (mapped, never touched)" % (addr - off))
        out += frame_bytes(pte >> 12, off, k)
        addr += k
        n -= k
    return bytes(out)


def task_mm(t, cmd):
    mm = t["mm"]
    if not int(mm):
        raise gdb.GdbError("%s: task %d has no address space" % (cmd, int(t["tid"])))
    return mm


def dentry_path(d, root):
    parts = []
    n = 0
    while int(d) != int(root) and int(d["parent"]) != int(d) and n < 256:
        parts.append(cstr(d["name"]))
        d = d["parent"]
        n += 1
    return "/" + "/".join(reversed(parts))


def task_root(t):
    fs = t["fs"]
    if int(fs) and int(fs["root"]):
        return fs["root"]
    return utils.symbol("root_dentry")


def vma_name(t, v):
    f = v["file"]
    if int(f):
        d = f["dentry"]
        if int(d) and int(d["parent"]) != int(d):
            return dentry_path(d, task_root(t))
        return "/dev/zero (deleted)"
    return cstr(v["name"]) or ""


def perms(v):
    p = int(v["prot"])
    return "%s%s%s%s" % ("r" if p & PROT_READ else "-", "w" if p & PROT_WRITE else "-",
                         "x" if p & PROT_EXEC else "-", "s" if int(v["flags"]) & VM_SHARED else "p")


class VmVmas(utils.Command):
    """The memory map of a guest task: vm-vmas PID.

One line per VMA, as /proc/PID/maps: start-end, rights, file offset, the
file's inode number, and the file or the region's name."""

    def __init__(self):
        super().__init__("vm-vmas")

    def run(self, arg):
        (w,) = utils.args(arg, ["PID"], "vm-vmas")
        t = tasks.task_arg(w, "vm-vmas")
        mm = task_mm(t, "vm-vmas")
        for v in vmas(mm):
            f = v["file"]
            ino = int(f["inode"]["ino"]) if int(f) and int(f["inode"]) else 0
            gdb.write("%08x-%08x %s %08x %-8d %s\n" % (int(v["start"]), int(v["end"]), perms(v),
                                                     int(v["pgoff"]) * PAGE, ino, vma_name(t, v)))


def addr_arg(word, cmd):
    a = utils.parse_int(word, "ADDR", cmd)
    if a < 0:
        raise gdb.GdbError("%s: ADDR %d is negative" % (cmd, a))
    return a


class VmPte(utils.Command):
    """The page-table entry of a guest address: vm-pte PID ADDR.

The pte's bits (present, mapped in the host with which rights,
copy-on-write), its frame and that frame's address in the kernel's
mapping of physmem, and the VMA that holds ADDR."""

    def __init__(self):
        super().__init__("vm-pte")

    def run(self, arg):
        w, a = utils.args(arg, ["PID", "ADDR"], "vm-pte")
        t = tasks.task_arg(w, "vm-pte")
        addr = addr_arg(a, "vm-pte")
        mm = task_mm(t, "vm-pte")
        v = find_vma(mm, addr)
        gdb.write("%#x: %s\n" % (addr, "in VMA %08x-%08x %s %s" % (
            int(v["start"]), int(v["end"]), perms(v), vma_name(t, v)) if v else "in no VMA"))
        pte = pte_of(mm, addr & ~(PAGE - 1))
        if pte is None:
            gdb.write("no page table holds it: never touched\n")
            return
        hp = (pte >> 3) & 7
        flags = [n for b, n in ((PTE_PRESENT, "present"), (PTE_HOST, "host"), (PTE_COW, "cow"))
                 if pte & b]
        gdb.write("pte %#x: %s, host rights %s%s%s\n" % (
            pte, " ".join(flags) or "none", "r" if hp & 1 else "-", "w" if hp & 2 else "-",
            "x" if hp & 4 else "-"))
        if pte & PTE_PRESENT:
            frame = pte >> 12
            gdb.write("frame %#x, physmem offset %#x, kernel address %#x\n" % (
                frame, frame * PAGE, int(utils.symbol("physmem_base")) + frame * PAGE + addr % PAGE))


class VmX(utils.Command):
    """Guest user memory: vm-x PID ADDR LEN.

LEN bytes (at most 1 MiB) at ADDR of task PID's address space, read
through the kernel's page tables from physmem (no call into the
inferior), as hex and characters, 16 a line."""

    def __init__(self):
        super().__init__("vm-x")

    def run(self, arg):
        w, a, ln = utils.args(arg, ["PID", "ADDR", "LEN"], "vm-x")
        t = tasks.task_arg(w, "vm-x")
        addr = addr_arg(a, "vm-x")
        n = utils.parse_int(ln, "LEN", "vm-x")
        if n <= 0 or n > MAX_X:
            raise gdb.GdbError("vm-x: LEN %d is out of range (1 to %d)" % (n, MAX_X))
        if addr + n > 1 << 47:
            raise gdb.GdbError("vm-x: %#x+%d is beyond the guest's address space" % (addr, n))
        try:
            data = read_user(task_mm(t, "vm-x"), addr, n)
        except Unmapped as e:
            raise gdb.GdbError("vm-x: task %d: %s" % (int(t["tid"]), e))
        for i in range(0, n, 16):
            chunk = data[i:i + 16]
            gdb.write("%#014x: %-47s  |%s|\n" % (
                addr + i, " ".join("%02x" % b for b in chunk),
                "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)))


VmVmas()
VmPte()
VmX()
