"""vm-bt: a guest task's user stack, unwound with the guest binaries'
symbols.

The registers are those the task stopped with (task->ht.regs: exact for a
task in a system call, a fault or a signal; a task running guest code
shows its last kernel entry).  The stack is read through the kernel's page
tables (mm.read_user).  Symbols come from the ELF files the task maps:
for the VMA that holds a pc, its file's .symtab (or .dynsym), the file
read from its page cache when all of it is there (ramfs, tmpfs) or from
the host file behind a hostfs inode.

The unwinder follows frame pointers (rbp chains, as -O0 and
-fno-omit-frame-pointer code keeps them).  For the innermost frame only,
a function that has not set up rbp (a C library system-call wrapper, a
leaf, a prologue) is stepped over by scanning its stack, up to the
caller's frame, for the first word that is a return address: one that
points into an executable mapping just after a call instruction.  It
cannot unwind through frameless code further up (the C library's
callbacks: qsort, signal trampolines), where it stops or may skip a
frame, and it reads no DWARF CFI (.eh_frame)."""
import os
import struct

import gdb

from . import mm, tasks, utils
from .utils import cstr

MAX_FRAMES = 64
SHT_SYMTAB, SHT_DYNSYM = 2, 11
PT_LOAD = 1
STT_FUNC = 2

_elf_cache = {}


class Elf:
    """The PT_LOAD segments and function symbols of an ELF file's bytes."""

    def __init__(self, data):
        if data[:4] != b"\x7fELF" or data[4] != 2:
            raise ValueError("not a 64-bit ELF file")
        (self.type,) = struct.unpack_from("<H", data, 16)
        phoff, shoff = struct.unpack_from("<QQ", data, 32)
        phentsize, phnum, shentsize, shnum = struct.unpack_from("<HHHH", data, 54)
        self.loads = []
        for i in range(phnum):
            p_type, _, off, vaddr, _, filesz = struct.unpack_from("<IIQQQQ", data, phoff + i * phentsize)
            if p_type == PT_LOAD:
                self.loads.append((off, vaddr, filesz))
        secs = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
        syms = {}
        for want in (SHT_SYMTAB, SHT_DYNSYM):
            for s in secs:
                if s[1] != want or s[9] == 0 or s[6] >= len(secs):
                    continue
                strs = secs[s[6]]
                stroff = strs[4]
                for k in range(s[5] // s[9]):
                    name, info, _, _, value, size = struct.unpack_from("<IBBHQQ", data, s[4] + k * s[9])
                    if info & 0xf != STT_FUNC or not value:
                        continue
                    end = data.find(b"\0", stroff + name)
                    syms.setdefault(value, (data[stroff + name:end].decode("latin-1"), size))
            if syms:
                break
        self.syms = sorted((v, n, sz) for v, (n, sz) in syms.items())

    def vaddr_of(self, file_off):
        for off, vaddr, filesz in self.loads:
            if off <= file_off < off + filesz:
                return vaddr + file_off - off
        return None

    def lookup(self, vaddr):
        """(name, offset) of the function that holds vaddr, or None."""
        lo, hi = 0, len(self.syms)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.syms[mid][0] <= vaddr:
                lo = mid + 1
            else:
                hi = mid
        if lo == 0:
            return None
        v, name, size = self.syms[lo - 1]
        if size and vaddr >= v + size:
            return None
        return name, vaddr - v


def live():
    conn = getattr(gdb.selected_inferior(), "connection", None)
    return conn is not None and conn.type == "native"


def host_root_dir(sb):
    """The host directory of a hostfs mount: live, the link of its
    descriptor; in a core, root= of the command line for the root."""
    if live():
        try:
            hsb = sb["priv"].cast(utils.type_of("struct hsb").pointer())
            return os.readlink("/proc/%d/fd/%d" % (gdb.selected_inferior().pid, int(hsb["rootfd"])))
        except (OSError, gdb.error, gdb.GdbError):
            pass
    if int(sb) == int(utils.symbol("root_view")["sb"]):
        for w in (cstr(utils.symbol("saved_command_line")) or "").split():
            if w.startswith("root="):
                return w[5:]
    return None


def file_bytes(ino):
    """The contents of a guest inode, or None."""
    size = int(ino["size"])
    if size <= 0 or size > 256 << 20:
        return None
    pc = ino["pc"]
    npages = (size + mm.PAGE - 1) // mm.PAGE
    if int(pc["count"]) >= npages and int(pc["cap"]):
        cap = int(pc["cap"])
        slot = utils.type_of("struct pc_slot")
        raw = utils.read(pc["slots"], cap * slot.sizeof)
        frames = {}
        for i in range(cap):
            pgoff, frame = struct.unpack_from("<QQ", raw, i * slot.sizeof)
            if frame != 2**64 - 1:
                frames[pgoff] = frame
        if all(p in frames for p in range(npages)):
            return b"".join(mm.frame_bytes(frames[p], 0, mm.PAGE) for p in range(npages))[:size]
    sb = ino["sb"]
    if cstr(sb["type"]["name"]) == "hostfs":
        root = host_root_dir(sb)
        info = ino["priv"].cast(utils.type_of("struct hinfo").pointer())
        rel = cstr(info["path"]) if int(info) else None
        if root and rel is not None:
            try:
                with open(os.path.join(root, rel), "rb") as f:
                    return f.read()
            except OSError:
                return None
    return None


def elf_of(ino):
    key = (int(ino), int(ino["ino"]), int(ino["size"]))
    if key not in _elf_cache:
        data = file_bytes(ino)
        try:
            _elf_cache[key] = Elf(data) if data else None
        except (ValueError, struct.error):
            _elf_cache[key] = None
    return _elf_cache[key]


class Space:
    """One task's address space, for the unwinder."""

    def __init__(self, t):
        self.t, self.mm = t, t["mm"]
        self.maps = [(int(v["start"]), int(v["end"]), v) for v in mm.vmas(self.mm)]

    def vma(self, addr):
        for s, e, v in self.maps:
            if s <= addr < e:
                return v
        return None

    def word(self, addr):
        return int.from_bytes(mm.read_user(self.mm, addr, 8), "little")

    def executable(self, addr):
        v = self.vma(addr)
        return v is not None and int(v["prot"]) & mm.PROT_EXEC

    def code(self, addr, n):
        try:
            return mm.read_user(self.mm, addr, n)
        except mm.Unmapped:
            return b""

    def symbolize(self, pc):
        """(function, offset, file name) of pc; function None if unknown."""
        v = self.vma(pc)
        if v is None:
            return None, 0, "?"
        name = mm.vma_name(self.t, v)
        f = v["file"]
        if not int(f) or not int(f["inode"]):
            return None, 0, name
        elf = elf_of(f["inode"])
        if elf is None:
            return None, 0, name
        vaddr = elf.vaddr_of(pc - int(v["start"]) + int(v["pgoff"]) * mm.PAGE)
        hit = elf.lookup(vaddr) if vaddr is not None else None
        return (hit[0], hit[1], name) if hit else (None, 0, name)

    def is_return_address(self, a):
        """a follows a call instruction in executable memory."""
        if not self.executable(a) or not self.executable(a - 1):
            return False
        b = self.code(a - 7, 7)
        if len(b) < 7:
            return False
        return (b[2] == 0xe8 or  # call rel32
                b[5] == 0xff and (b[6] >> 3) & 7 == 2 or  # call *%reg
                b[4] == 0xff and (b[5] >> 3) & 7 == 2 or  # call *(%reg), *disp8
                b[1] == 0xff and (b[2] >> 3) & 7 == 2 or  # call *disp32(%reg), *rip-relative
                b[0] == 0xff and (b[1] >> 3) & 7 == 2)


def has_frame(space, pc):
    """The function at pc has pushed rbp and made it its frame pointer."""
    fn, off, _ = space.symbolize(pc)
    if fn is None:
        return False
    start = pc - off
    code = space.code(start, 8)
    skip = 4 if code[:4] == b"\xf3\x0f\x1e\xfa" else 0  # endbr64
    return code[skip:skip + 4] == b"\x55\x48\x89\xe5" and off >= skip + 4


def unwind(space, regs):
    """[(pc, how)] from the innermost frame out."""
    pc, sp, fp = int(regs["rip"]), int(regs["rsp"]), int(regs["rbp"])
    frames = [(pc, "regs")]
    try:
        if not has_frame(space, pc):
            limit = fp if sp < fp <= sp + 65536 else sp + 4096
            a = sp
            while a < limit:
                w = space.word(a)
                if space.is_return_address(w):
                    frames.append((w, "stack scan"))
                    break
                a += 8
        while len(frames) < MAX_FRAMES and fp:
            ret, nfp = space.word(fp + 8), space.word(fp)
            if not space.is_return_address(ret):
                break
            frames.append((ret, "frame pointer"))
            if nfp <= fp:
                break
            fp = nfp
    except mm.Unmapped:
        pass
    return frames


class VmBt(utils.Command):
    """The guest user stack of a task: vm-bt PID.

Unwound from the registers the task stopped with, by frame pointers (and
a stack scan past a frameless innermost function), with function names
from the guest's own ELF files (see scripts/gdb/vmcore_gdb/ustack.py for
what it can and cannot unwind)."""

    def __init__(self):
        super().__init__("vm-bt")

    def run(self, arg):
        (w,) = utils.args(arg, ["PID"], "vm-bt")
        t = tasks.task_arg(w, "vm-bt")
        mm.task_mm(t, "vm-bt")
        if t["in_user"]:
            gdb.write("(task %d runs guest code: its registers are those of its last kernel entry)\n"
                      % int(t["tid"]))
        space = Space(t)
        for i, (pc, how) in enumerate(unwind(space, t["ht"]["regs"])):
            fn, off, name = space.symbolize(pc if i == 0 else pc - 1)
            if fn is not None and i:
                off += 1
            gdb.write("#%-2d 0x%016x in %s (%s)%s\n" % (
                i, pc, "%s+%d" % (fn, off) if fn else "??", name,
                "" if how != "stack scan" else " [found by stack scan]"))


VmBt()
